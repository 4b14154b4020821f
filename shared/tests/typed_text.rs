//! Text typed into a number field of the editor is read as its config field's
//! type: what `parse_typed_text` accepts is what `NodeConfig::parse` accepts.

use serde_json::json;
use sluice_shared::config::parse_typed_text;
use sluice_shared::{NodeConfig, NodeKind};

#[test]
fn limit_numbers_read_as_whole_numbers() {
    for key in ["n", "offset"] {
        for (text, ok) in [
            ("25", true),
            (" 7 ", true),
            ("0", true),
            ("18446744073709551615", true),
            ("18446744073709551616", false),
            ("1.5", false),
            ("12.75", false),
            ("-5", false),
            ("1e30", false),
            ("1e", false),
            ("", false),
            ("abc", false),
        ] {
            let got = parse_typed_text(NodeKind::Limit, key, text).expect("a number key");
            assert_eq!(got.is_ok(), ok, "{key} = {text:?}: {got:?}");
            match got {
                Ok(v) => {
                    let mut cfg = json!({ "n": 1 });
                    cfg[key] = v.clone();
                    assert!(NodeConfig::parse(NodeKind::Limit, &cfg).is_ok(), "{cfg}");
                    assert_eq!(v.to_string(), text.trim());
                }
                Err(m) => {
                    assert!(m.starts_with(&format!("`{key}`: a whole number ≥ 0 is needed")), "{m}");
                    if !text.is_empty() {
                        assert!(m.ends_with(&format!("`{}` is not one", text.trim())), "{m}");
                    }
                    // The config type refuses it too, when the text is a JSON value at all.
                    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
                        let mut cfg = json!({ "n": 1 });
                        cfg[key] = v;
                        assert!(NodeConfig::parse(NodeKind::Limit, &cfg).is_err(), "{cfg}");
                    }
                }
            }
        }
    }
    assert_eq!(
        parse_typed_text(NodeKind::Limit, "n", "1.5").unwrap().unwrap_err(),
        "`n`: a whole number ≥ 0 is needed, `1.5` is not one"
    );
}

#[test]
fn text_keys_are_not_number_keys() {
    assert!(parse_typed_text(NodeKind::Filter, "predicate", "1").is_none());
    assert!(parse_typed_text(NodeKind::SourceCsv, "delimiter", "1").is_none());
}
