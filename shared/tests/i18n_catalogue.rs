//! The catalogues (`shared/locales/*.json`) against each other and against the
//! sources: every key in both languages with the same placeholders, every key
//! the code looks up present, every key used somewhere, every problem code
//! rendered in both languages with its parameters.

use sluice_shared::api::{NodeStatus, Role, RunKind, RunStatus, SubmissionFilter, SubmissionStatus};
use sluice_shared::i18n::{self, Lang, placeholders, problems};
use sluice_shared::{NodeKind, Problem};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn catalogue(lang: Lang) -> BTreeMap<String, String> {
    serde_json::from_str(i18n::source(lang)).unwrap_or_else(|e| panic!("{} catalogue: {e}", lang.as_str()))
}

/// Families of keys looked up with a computed name (`t(&format!("kind.{}", k.as_str()))`):
/// every member the enums have, and nothing else.
fn families() -> BTreeMap<&'static str, BTreeSet<String>> {
    let mut f: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    let mut add = |family: &'static str, names: Vec<String>| {
        f.entry(family).or_default().extend(names.into_iter().map(|n| format!("{family}.{n}")));
    };
    add("kind", NodeKind::ALL.iter().map(|k| k.as_str().to_string()).collect());
    add("role", Role::ALL.iter().map(|s| s.as_str().to_string()).collect());
    add("run_status", RunStatus::ALL.iter().map(|s| s.as_str().to_string()).collect());
    add("node_status", NodeStatus::ALL.iter().map(|s| s.as_str().to_string()).collect());
    add("submission_status", SubmissionStatus::ALL.iter().map(|s| s.as_str().to_string()).collect());
    add("submission_filter", SubmissionFilter::ALL.iter().map(|s| s.as_str().to_string()).collect());
    add("run_kind", RunKind::ALL.iter().map(|s| s.as_str().to_string()).collect());
    let groups = ["collection", "processing", "distribution"];
    add("group", groups.iter().flat_map(|g| [g.to_string(), format!("{g}.hint")]).collect());
    add("problem", problems::CODES.iter().map(|c| c.to_string()).collect());
    add("stage", ["scheduled", "in_review", "approved", "draft"].iter().map(|s| s.to_string()).collect());
    add("alert_kind", ["failure", "sla_miss", "calendar", "calendar_gap"].iter().map(|s| s.to_string()).collect());
    f
}

fn family_of(key: &str) -> &str {
    key.split('.').next().unwrap_or(key)
}

fn sources() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut text = String::new();
    for dir in ["frontend/src", "backend/src", "shared/src"] {
        read_dir(&root.join(dir), &mut text);
    }
    assert!(text.len() > 100_000, "the sources were not found");
    text
}

fn read_dir(dir: &Path, out: &mut String) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            read_dir(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push_str(&std::fs::read_to_string(&path).expect("a source file"));
            out.push('\n');
        }
    }
}

/// The literal keys the code looks up: `t("…")`, `tf(\n "…"`, `i18n::t(lang, "…")`,
/// `fill(lang, "…"` (comment lines left out).
fn looked_up(src: &str) -> BTreeSet<String> {
    let code: String = src.lines().filter(|l| !l.trim_start().starts_with("//")).flat_map(|l| [l, "\n"]).collect();
    let mut keys = BTreeSet::new();
    for opener in ["t(", "tf(", "t(lang,", "fill(lang,", "t(Lang::En,", "t(Lang::ZhCn,"] {
        for (i, _) in code.match_indices(opener) {
            let before = code[..i].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue; // `list(`, `split(` …
            }
            let rest = code[i + opener.len()..].trim_start();
            let Some(rest) = rest.strip_prefix('"') else { continue };
            if let Some(end) = rest.find('"') {
                let key = &rest[..end];
                if key.contains('.') && !key.contains(' ') && key != "no.such.key" {
                    keys.insert(key.to_string());
                }
            }
        }
    }
    keys
}

#[test]
fn both_languages_have_the_same_keys_and_placeholders() {
    let (en, zh) = (catalogue(Lang::En), catalogue(Lang::ZhCn));
    let only_en: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
    let only_zh: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
    assert!(only_en.is_empty(), "missing in zh-CN.json: {only_en:?}");
    assert!(only_zh.is_empty(), "missing in en.json: {only_zh:?}");
    for (k, e) in &en {
        let (mut a, mut b) = (placeholders(e), placeholders(&zh[k]));
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b, "`{k}`: placeholders differ between en and zh-CN");
        assert!(!zh[k].trim().is_empty() && !e.trim().is_empty(), "`{k}` is empty");
    }
}

#[test]
fn every_key_looked_up_exists() {
    let en = catalogue(Lang::En);
    let missing: Vec<_> = looked_up(&sources()).into_iter().filter(|k| !en.contains_key(k)).collect();
    assert!(missing.is_empty(), "looked up but not in the catalogue: {missing:?}");
    for (family, keys) in families() {
        let missing: Vec<_> = keys.iter().filter(|k| !en.contains_key(*k)).collect();
        assert!(missing.is_empty(), "family `{family}` lacks {missing:?}");
    }
}

#[test]
fn every_key_is_used() {
    let src = sources();
    let literal = looked_up(&src);
    let families = families();
    let en = catalogue(Lang::En);
    let mut unused = Vec::new();
    for (k, text) in &en {
        let used = match family_of(k) {
            // Error messages the server still writes in English: the sentence
            // is in the sources, the catalogue renders it in other languages.
            // Likewise the demo's data (`demo.*`: graph names, descriptions, report titles).
            "api" | "field" | "alert" | "star" | "demo" => {
                literal.contains(k)
                    || src.contains(&format!("{:?}", text))
                    || literal_pieces(text).iter().any(|piece| src.contains(piece))
            }
            f => match families.get(f) {
                Some(members) => members.contains(k),
                None => literal.contains(k),
            },
        };
        if !used {
            unused.push(k.clone());
        }
    }
    assert!(unused.is_empty(), "keys no source uses: {unused:?}");
}

/// The fixed pieces of a text (between its placeholders) long enough to be
/// found in the sources only where the sentence is written.
fn literal_pieces(text: &str) -> Vec<&str> {
    let mut pieces = vec![];
    let mut rest = text;
    for name in placeholders(text) {
        let marker = format!("{{{name}}}");
        if let Some(at) = rest.find(&marker) {
            pieces.push(&rest[..at]);
            rest = &rest[at + marker.len()..];
        }
    }
    pieces.push(rest);
    pieces.retain(|p| p.trim().len() >= 4);
    pieces
}

#[test]
fn every_problem_code_renders_in_both_languages_with_its_parameters() {
    let en = catalogue(Lang::En);
    let codes: BTreeSet<String> = en.keys().filter_map(|k| k.strip_prefix("problem.")).map(str::to_string).collect();
    let listed: BTreeSet<String> = problems::CODES.iter().map(|c| c.to_string()).collect();
    assert_eq!(codes, listed, "problems::CODES and the catalogue's problem.* keys differ");
    for &code in problems::CODES {
        let template = &en[&problems::key(code)];
        let names = placeholders(template);
        let params: Vec<(&'static str, String)> =
            names.iter().map(|n| (&*Box::leak(n.to_string().into_boxed_str()), format!("<{n}>"))).collect();
        let coded = sluice_shared::problem::Coded { code, params: params.clone() };
        let p = Problem::coded(Some("n1"), None, coded);
        for lang in Lang::ALL {
            let text = p.text(lang);
            assert!(!text.is_empty(), "{code} in {}", lang.as_str());
            for (n, v) in &params {
                assert!(text.contains(v.as_str()), "{code} in {}: `{n}` not shown: {text}", lang.as_str());
            }
            assert!(placeholders(&text).is_empty(), "{code} in {}: a placeholder is left: {text}", lang.as_str());
        }
        assert_ne!(p.text(Lang::ZhCn), p.text(Lang::En), "{code}: the Chinese text is the English one");
        assert_eq!(p.message, p.text(Lang::En), "{code}: the English message is the catalogue's text");
        // The sentence reads back as the same code and parameters.
        let again = Problem::node("n1", None, p.message.clone());
        assert_eq!(again.code.as_deref(), Some(code), "{code}: `{}` is read as another code", p.message);
    }
}

#[test]
fn validator_problems_carry_codes() {
    let g = r#"{"format":"sluice.graph/v1","nodes":[
        {"id":"src","kind":"source.csv","config":{"path":"in.csv","schema":[{"name":"amount","type":"float64"}]}},
        {"id":"f","kind":"transform.filter","config":{"predicate":"amount > 0"}},
        {"id":"s","kind":"transform.sort","config":{"by":[{"column":"amout"}]}},
        {"id":"out","kind":"sink.csv","config":{"path":"out.csv"}}],
      "edges":[{"from":"src","to":"s"},{"from":"s","to":"out"}]}"#;
    let (_, report) = sluice_shared::validate_text(g, &Default::default()).expect("the graph parses");
    let unconnected = report.problems.iter().find(|p| p.node.as_deref() == Some("f")).expect("the filter's problem");
    assert_eq!(unconnected.code.as_deref(), Some("port_unconnected"));
    assert_eq!(unconnected.params.get("port").map(String::as_str), Some("in"));
    assert_eq!(unconnected.to_string(), "f: input port `in` is not connected");
    assert_eq!(unconnected.text(Lang::ZhCn), "输入端口 `in` 未连接");
    let column = report.problems.iter().find(|p| p.node.as_deref() == Some("s")).expect("the sort's problem");
    assert_eq!(column.code.as_deref(), Some("column_unknown_suggest"), "{column:?}");
    assert_eq!(column.params.get("suggestion").map(String::as_str), Some("amount"));
    assert_eq!(column.text(Lang::ZhCn), "未知的列 `amout`；您是指 `amount` 吗？");
    let field = column.field.as_deref().unwrap_or("");
    assert_eq!(problems::line(Lang::ZhCn, column), format!("s: {field}: 未知的列 `amout`；您是指 `amount` 吗？"));
    // Serialized for the API and the browser: code and params beside the English message.
    let json = serde_json::to_value(unconnected).expect("json");
    assert_eq!(json["code"], "port_unconnected");
    assert_eq!(json["params"]["port"], "in");
}
