//! Path rules: every file path in a graph is relative to the data root and may
//! not leave it. `{name}` placeholders are substituted with parameter values.

use std::collections::BTreeMap;

/// Checks a path as written (placeholders allowed). The error names the path.
pub fn check_path(path: &str, declared: &dyn Fn(&str) -> bool) -> Result<(), String> {
    check_shape(path)?;
    for name in placeholders(path)? {
        if !declared(&name) {
            return Err(format!("path `{path}` uses {{{name}}}, but no parameter `{name}` is declared"));
        }
    }
    Ok(())
}

/// Substitutes `{name}` by the text of each value, then checks the result again,
/// so a value like `../x` can never move a path out of the data root.
pub fn substitute(path: &str, values: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').ok_or_else(|| format!("path `{path}` has an unclosed `{{`"))?;
        let name = &rest[start + 1..start + end];
        let value = values.get(name).ok_or_else(|| format!("path `{path}` needs a value for parameter `{name}`"))?;
        out.push_str(value);
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    check_shape(&out).map_err(|e| format!("after substituting parameters: {e}"))?;
    Ok(out)
}

fn placeholders(path: &str) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').ok_or_else(|| format!("path `{path}` has an unclosed `{{`"))?;
        let name = &rest[start + 1..start + end];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("path `{path}` has a bad placeholder `{{{name}}}`"));
        }
        names.push(name.to_string());
        rest = &rest[start + end + 1..];
    }
    if rest.contains('}') {
        return Err(format!("path `{path}` has a `}}` without `{{`"));
    }
    Ok(names)
}

fn check_shape(path: &str) -> Result<(), String> {
    if path.trim().is_empty() {
        return Err("path is empty".into());
    }
    if path.contains('\0') {
        return Err("path contains a NUL character".into());
    }
    let bytes = path.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if path.starts_with('/') || path.starts_with('\\') || path.starts_with('~') || drive {
        return Err(format!("path `{path}` is absolute; paths are relative to the data root"));
    }
    if path.split(['/', '\\']).any(|part| part == "..") {
        return Err(format!("path `{path}` leaves the data root (`..` is not allowed)"));
    }
    if path.ends_with('/') || path.ends_with('\\') || normalize(path).is_empty() || path.ends_with("/.") {
        return Err(format!("path `{path}` names a folder, not a file"));
    }
    if let Some(part) = path.split(['/', '\\']).find(|part| part.starts_with(RESERVED)) {
        return Err(format!(
            "path `{path}` uses `{part}`; names starting with `{RESERVED}` are kept for Sluice's own files"
        ));
    }
    Ok(())
}

/// Names Sluice keeps for itself in the data root: temporaries, backups, the
/// publish journal and locks (`.sluice/`, `.sluice-*.tmp`).
pub const RESERVED: &str = ".sluice";

/// The form paths are compared in: `\` read as `/`, empty and `.` parts dropped,
/// so `out/./x.csv` and `out//x.csv` are both `out/x.csv`.
pub fn normalize(path: &str) -> String {
    path.split(['/', '\\']).filter(|p| !p.is_empty() && *p != ".").collect::<Vec<_>>().join("/")
}

/// Outputs that cannot both be written: two nodes writing the same normalized
/// path, or one writing a file where another needs a folder (`pp/x` and
/// `pp/x/y.csv`). Takes `(node id, path)` in node order; returns, per clash,
/// the later node and a message naming the other node.
pub fn clashes(outputs: &[(&str, &str)]) -> Vec<(String, String)> {
    let normal: Vec<String> = outputs.iter().map(|(_, p)| normalize(p)).collect();
    let mut found = Vec::new();
    for (i, (id, path)) in outputs.iter().enumerate() {
        for (j, (other, other_path)) in outputs.iter().enumerate().take(i) {
            let (a, b) = (&normal[i], &normal[j]);
            let msg = if a == b {
                format!("writes `{path}`, the same file as `{other}` (`{other_path}`)")
            } else if is_folder_of(b, a) {
                format!("writes `{path}` inside `{other_path}`, which `{other}` writes as a file")
            } else if is_folder_of(a, b) {
                format!("writes `{path}` as a file, but `{other}` writes `{other_path}` inside it")
            } else {
                continue;
            };
            found.push((id.to_string(), msg));
            break;
        }
    }
    found
}

fn is_folder_of(folder: &str, path: &str) -> bool {
    path.strip_prefix(folder).is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_escapes_and_absolute_paths() {
        let any = |_: &str| true;
        assert!(check_path("data/x.csv", &any).is_ok());
        assert!(check_path("../x.csv", &any).unwrap_err().contains("leaves"));
        assert!(check_path("a/../../x.csv", &any).is_err());
        assert!(check_path("/etc/passwd", &any).unwrap_err().contains("absolute"));
        assert!(check_path("C:\\x.csv", &any).is_err());
        assert!(check_path("out/{d.csv", &any).is_err());
    }

    #[test]
    fn substitution_is_checked_again() {
        let mut v = BTreeMap::new();
        v.insert("d".to_string(), "2026-11-24".to_string());
        assert_eq!(substitute("out/s_{d}.csv", &v).unwrap(), "out/s_2026-11-24.csv");
        v.insert("d".to_string(), "../../etc".to_string());
        assert!(substitute("out/{d}/x.csv", &v).is_err());
        assert!(check_path("out/{nope}.csv", &|n| n == "d").unwrap_err().contains("nope"));
    }

    #[test]
    fn paths_compare_normalized_and_folders_clash_with_files() {
        assert_eq!(normalize("out/./x.csv"), "out/x.csv");
        assert_eq!(normalize("./out//x.csv"), "out/x.csv");
        let c = clashes(&[("a", "out/x.csv"), ("b", "out/./x.csv")]);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].0, "b");
        assert!(c[0].1.contains("`a`") && c[0].1.contains("out/x.csv"), "{}", c[0].1);
        let c = clashes(&[("y", "pp/x/y.csv"), ("x", "pp/x"), ("a", "pp/a.csv")]);
        assert_eq!(c.len(), 1, "{c:?}");
        assert!(c[0].0 == "x" && c[0].1.contains("`y`"), "{c:?}");
        assert!(clashes(&[("a", "pp/x.csv"), ("b", "pp/x.csv.bak"), ("c", "pp/xy/z.csv")]).is_empty());
    }

    #[test]
    fn sluice_names_are_reserved() {
        let any = |_: &str| true;
        assert!(check_path(".sluice/publish/j.json", &any).unwrap_err().contains(".sluice"));
        assert!(check_path("out/.sluice-x.tmp", &any).is_err());
        assert!(check_path("out/.", &any).unwrap_err().contains("folder"));
        assert!(check_path("out/.hidden.csv", &any).is_ok());
    }
}
