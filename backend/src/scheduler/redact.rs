//! Run errors are kept in the store, streamed to every user who may see the
//! run and posted to the alert webhook, so they must not carry data. DataFusion
//! and Arrow quote the offending cell ("Cannot cast string 'ACME-42' to value of
//! Int64 type"), CSV errors add the whole row ("Row data: [...]") and overflow
//! errors print the operands. [`redact`] keeps the sentence (what failed, which
//! node, column, line or type) and replaces the values with `…`.

/// Longest error text kept.
const MAX_LEN: usize = 1000;

/// Markers after which the rest of a message is data.
const DATA_TAILS: &[&str] = &["row data:", "happened on:", "overflow on:"];

/// `message` without quoted values and data tails.
pub fn redact(message: &str) -> String {
    let lower = message.to_ascii_lowercase();
    let cut = DATA_TAILS.iter().filter_map(|m| lower.find(m).map(|i| i + m.len())).min();
    let (head, withheld) = match cut {
        Some(i) if message.is_char_boundary(i) => (&message[..i], true),
        _ => (message, false),
    };
    let mut out = unquote(head);
    if withheld {
        out.push_str(" [values withheld]");
    }
    if out.chars().count() > MAX_LEN {
        out = out.chars().take(MAX_LEN).collect::<String>() + "…";
    }
    out
}

/// Replaces every quoted value (`'…'`, and `Utf8("…")`-style scalars) with `…`.
/// An apostrophe inside a word ("can't") opens nothing.
fn unquote(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let opens_single = c == '\'' && (i == 0 || !chars[i - 1].is_alphanumeric());
        let opens_double = c == '"' && i > 0 && chars[i - 1] == '(';
        if opens_single || opens_double {
            out.push(c);
            out.push('…');
            match closing(&chars, i + 1, c) {
                Some(end) => {
                    out.push(c);
                    i = end + 1;
                }
                None => return out,
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The index of the quote closing a value that starts at `from`: the next
/// `quote` not followed by a letter or digit.
fn closing(chars: &[char], from: usize, quote: char) -> Option<usize> {
    (from..chars.len()).find(|&j| chars[j] == quote && chars.get(j + 1).is_none_or(|n| !n.is_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn quoted_values_and_row_data_are_withheld() {
        assert_eq!(
            redact("Cast error: Cannot cast string 'ACME-42' to value of Int64 type"),
            "Cast error: Cannot cast string '…' to value of Int64 type"
        );
        let csv = "Error while parsing value 'x9' as type Int64 for column 2 at line 7. Row data: '[a,x9,Zhang Wei]'";
        let got = redact(csv);
        assert!(!got.contains("x9") && !got.contains("Zhang"), "{got}");
        assert!(got.contains("column 2 at line 7"), "{got}");
        assert_eq!(redact("Overflow happened on: 9223372036854775807 * 2"), "Overflow happened on: [values withheld]");
        assert_eq!(redact("cannot compare Utf8(\"Li Na\") with Int64"), "cannot compare Utf8(\"…\") with Int64");
    }

    #[test]
    fn names_and_apostrophes_stay() {
        let text = "src: file `in_2026-11-20.csv` not found in the data root; can't read column \"amount\"";
        assert_eq!(redact(text), text);
        assert_eq!(redact("can't parse 'secret' as a date"), "can't parse '…' as a date");
        assert_eq!(redact("unterminated 'rest of it"), "unterminated '…");
    }
}
