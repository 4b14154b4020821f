//! Table names as `source.table` reads them (`sink.table`: `tables.rs`): `table` or `schema.table`,
//! with `{param}` placeholders substituted as text. After substitution each
//! part must still be a plain identifier, and drivers always quote it, so a
//! parameter value can never change the shape of a query.

use std::collections::BTreeMap;

/// A checked table name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableName {
    pub schema: Option<String>,
    pub table: String,
}

/// The longest identifier part (PostgreSQL's limit).
pub const MAX_IDENT: usize = 63;

/// Checks a table name as written: placeholders must name declared parameters,
/// and with placeholders left in, the rest must already be identifier text.
pub fn check_written(name: &str, declared: &dyn Fn(&str) -> bool) -> Result<(), String> {
    let mut stand_ins = BTreeMap::new();
    for p in placeholders(name)? {
        if !declared(&p) {
            return Err(format!("table `{name}` uses {{{p}}}, but no parameter `{p}` is declared"));
        }
        stand_ins.insert(p, "x".to_string());
    }
    substitute(name, &stand_ins).map(|_| ())
}

/// Substitutes `{name}` by the text of each value and checks the result.
pub fn substitute(name: &str, values: &BTreeMap<String, String>) -> Result<TableName, String> {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').ok_or_else(|| format!("table `{name}` has an unclosed `{{`"))?;
        let p = &rest[start + 1..start + end];
        let value = values.get(p).ok_or_else(|| format!("table `{name}` needs a value for parameter `{p}`"))?;
        out.push_str(value);
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let parsed = parse(&out);
    if out != name {
        return parsed.map_err(|e| format!("after substituting parameters: {e}"));
    }
    parsed
}

/// Reads `table` or `schema.table`; each part is an identifier.
pub fn parse(text: &str) -> Result<TableName, String> {
    let parts: Vec<&str> = text.split('.').collect();
    let bad = |why: &str| format!("`{text}` is not a table name ({why})");
    for p in &parts {
        check_ident(p).map_err(|why| bad(&why))?;
    }
    match parts.as_slice() {
        [t] => Ok(TableName { schema: None, table: t.to_string() }),
        [s, t] => Ok(TableName { schema: Some(s.to_string()), table: t.to_string() }),
        _ => Err(bad("write `table` or `schema.table`")),
    }
}

/// An identifier: letters (any script), digits and `_`, not starting with a
/// digit, 1 to 63 bytes. No quotes, spaces, dots or semicolons.
pub fn check_ident(p: &str) -> Result<(), String> {
    if p.is_empty() {
        return Err("a part is empty".into());
    }
    if p.len() > MAX_IDENT {
        return Err(format!("a part is longer than {MAX_IDENT} bytes"));
    }
    if p.starts_with(|c: char| c.is_ascii_digit()) {
        return Err("a part starts with a digit".into());
    }
    if let Some(c) = p.chars().find(|c| !(c.is_alphanumeric() || *c == '_')) {
        return Err(format!("{c:?} is not allowed; use letters, digits and `_`"));
    }
    Ok(())
}

fn placeholders(name: &str) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    let mut rest = name;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').ok_or_else(|| format!("table `{name}` has an unclosed `{{`"))?;
        let p = &rest[start + 1..start + end];
        if p.is_empty() || !p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("table `{name}` has a bad placeholder `{{{p}}}`"));
        }
        names.push(p.to_string());
        rest = &rest[start + end + 1..];
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_identifiers_before_and_after_substitution() {
        assert_eq!(parse("core.txns").unwrap().schema.as_deref(), Some("core"));
        assert_eq!(parse("交易").unwrap().table, "交易");
        for bad in ["t; DROP TABLE x", "a\"b", "a.b.c", "", "1t", "t x", "a`b", "a'b", "a.", "t--"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let declared = |p: &str| p == "d";
        assert!(check_written("txns_{d}", &declared).is_ok());
        assert!(check_written("txns_{e}", &declared).unwrap_err().contains("`e`"));
        assert!(check_written("t;{d}", &declared).is_err());
        let vals: BTreeMap<String, String> = [("d".to_string(), "2026_01".to_string())].into();
        assert_eq!(substitute("s.t_{d}", &vals).unwrap().table, "t_2026_01");
        let evil: BTreeMap<String, String> = [("d".to_string(), "x\"; DROP TABLE y; --".to_string())].into();
        assert!(substitute("t_{d}", &evil).unwrap_err().starts_with("after substituting parameters"));
        let dashes: BTreeMap<String, String> = [("d".to_string(), "2026-01-31".to_string())].into();
        assert!(substitute("t_{d}", &dashes).is_err(), "a date with dashes is not identifier text");
    }
}
