//! Reading an English sentence back as one of the catalogue's texts: which
//! text wrote it and with which `{name}` values. Problems and the API's error
//! messages that are still written with `format!` get their code this way; a
//! match counts only when the text written again from it is the sentence.

use super::{Lang, placeholders, substitute, t};

/// The index (into `keys`) of the first English text that writes `message`,
/// with its values.
pub fn recognize<'k>(keys: impl Iterator<Item = &'k str>, message: &str) -> Option<(usize, Vec<(String, String)>)> {
    for (i, key) in keys.enumerate() {
        let template = t(Lang::En, key);
        let Some(params) = match_template(template, message) else { continue };
        let written = substitute(template, |n| params.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str()));
        if written == message {
            return Some((i, params));
        }
    }
    None
}

/// Reads `message` as `template` with each `{name}` standing for any text up
/// to the next literal piece (leftmost).
fn match_template(template: &str, message: &str) -> Option<Vec<(String, String)>> {
    let names = placeholders(template);
    let mut literals = Vec::with_capacity(names.len() + 1);
    let mut rest = template;
    for name in &names {
        let marker = format!("{{{name}}}");
        let at = rest.find(&marker)?;
        literals.push(&rest[..at]);
        rest = &rest[at + marker.len()..];
    }
    literals.push(rest);
    let mut text = message.strip_prefix(literals[0])?;
    let mut params: Vec<(String, String)> = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let next = literals[i + 1];
        let end = if i + 1 == names.len() {
            let e = text.len().checked_sub(next.len())?;
            if !text.is_char_boundary(e) || &text[e..] != next {
                return None;
            }
            e
        } else if next.is_empty() {
            return None; // two placeholders side by side: ambiguous
        } else {
            text.find(next)?
        };
        if !params.iter().any(|(k, _)| k == name) {
            params.push((name.to_string(), text[..end].to_string()));
        }
        text = text[end..].strip_prefix(next)?;
    }
    (!names.is_empty() || text.is_empty()).then_some(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sentences_back() {
        let (i, p) = recognize(["problem.port_unconnected"].into_iter(), "input port `in` is not connected").unwrap();
        assert_eq!((i, p), (0, vec![("port".to_string(), "in".to_string())]));
        let m = "unknown column `amt`; did you mean `amount`?";
        let keys = ["problem.column_unknown", "problem.column_unknown_suggest"];
        let (i, p) = recognize(keys.into_iter(), m).unwrap();
        assert_eq!(i, 1);
        assert_eq!(p, vec![("column".into(), "amt".into()), ("suggestion".into(), "amount".into())]);
        assert!(recognize(keys.into_iter(), "unknown column").is_none());
        assert!(recognize(["problem.choose_columns"].into_iter(), "choose at least one column!").is_none());
        assert!(recognize(["problem.choose_columns"].into_iter(), "choose at least one column").is_some());
        // A placeholder used twice must read the same both times.
        let m = "path `a` uses {x}, but no parameter `y` is declared";
        assert!(recognize(["problem.path_undeclared_param"].into_iter(), m).is_none());
        let m = "path `a` uses {x}, but no parameter `x` is declared";
        assert!(recognize(["problem.path_undeclared_param"].into_iter(), m).is_some());
    }
}
