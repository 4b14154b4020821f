//! The path field of file nodes. A source gets a picker over the data root
//! that lists only the files its format reads (a CSV source never offers an
//! `.xlsx`), with their size and modified time; an output gets a path of its
//! own by default, `out/<graph>_<node>.<ext>`, and a placeholder saying so.

use super::state::{EditorState, NodeData};
use crate::api;
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use sluice_shared::{Category, NodeKind};

/// The file name endings a node kind reads or writes.
pub fn extensions(kind: NodeKind) -> &'static [&'static str] {
    use NodeKind::*;
    match kind {
        SourceCsv => &[".csv", ".tsv", ".txt"],
        SinkCsv => &[".csv"],
        SourceParquet | SinkParquet => &[".parquet"],
        SourceJson => &[".json", ".jsonl", ".ndjson"],
        SourceExcel => &[".xlsx", ".xls"],
        SinkExcel => &[".xlsx"],
        _ => &[],
    }
}

/// Whether `path` is a file `kind` reads (by its ending, any case).
pub fn accepts(kind: NodeKind, path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    extensions(kind).iter().any(|e| lower.ends_with(e))
}

/// A graph or node name as a file name part: letters, digits, `_` and `-`.
fn file_part(s: &str) -> String {
    let t: String = s.trim().chars().map(|c| if c.is_alphanumeric() || c == '-' { c } else { '_' }).collect();
    t.trim_matches('_').to_string()
}

/// Where a new output writes unless told otherwise: `out/<graph>_<node>.<ext>`.
pub fn default_output(graph: &str, node: &str, kind: NodeKind) -> Option<String> {
    let ext = extensions(kind).first()?;
    (kind.category() == Category::Distribution).then(|| {
        let g = file_part(graph);
        let stem = if g.is_empty() { file_part(node) } else { format!("{g}_{}", file_part(node)) };
        format!("out/{stem}{ext}")
    })
}

/// The path field's placeholder: the file types a source reads, or the default output path.
pub fn placeholder(kind: NodeKind, graph: &str, node: &str) -> String {
    match default_output(graph, node, kind) {
        Some(out) => tf("file_picker.example", &[("path", &out)]),
        None => tf("file_picker.choose", &[("ext", &extensions(kind).join(" / "))]),
    }
}

/// A size in the unit that fits: `812 B`, `14.2 KB`, `3.1 MB`.
pub fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// A modified time as local `2026-11-25 14:03`.
fn when_text(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let (y, mo, day) = (d.get_full_year(), d.get_month() + 1, d.get_date());
    format!("{y:04}-{mo:02}-{day:02} {:02}:{:02}", d.get_hours(), d.get_minutes())
}

/// The `path` field of a file node, with the picker for sources.
#[component]
pub fn PathField(n: NodeData, testid: String) -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let kind = NodeKind::parse(&n.kind.get_value());
    let current =
        move || n.config.with(|c| c.get("path").and_then(Value::as_str).map(str::to_string)).unwrap_or_default();
    let set = move |p: String| ed.set_config(n, "path", Some(Value::String(p)));
    let hint = move || kind.map(|k| placeholder(k, &ed.name.get(), &n.id.get())).unwrap_or_default();
    let is_source = kind.is_some_and(|k| k.category() == Category::Collection);
    let open = RwSignal::new(false);
    let files = RwSignal::new(None::<Result<Vec<api::FileEntry>, String>>);
    let search = RwSignal::new(String::new());
    let browse = move |_| {
        open.update(|o| *o = !*o);
        if files.get_untracked().is_none() {
            spawn_local(async move {
                let got = api::files().await.map_err(|e| e.to_string());
                let _ = files.try_set(Some(got));
            });
        }
    };
    let list = move || {
        let q = search.get().to_lowercase();
        match files.get() {
            None => view! { <div class="muted">{t("file_picker.loading_the_data_root")}</div> }.into_any(),
            Some(Err(e)) => view! { <div class="field-problem">{e}</div> }.into_any(),
            Some(Ok(all)) => {
                let shown: Vec<api::FileEntry> = all
                    .into_iter()
                    .filter(|f| kind.is_some_and(|k| accepts(k, &f.path)) && f.path.to_lowercase().contains(&q))
                    .collect();
                if shown.is_empty() {
                    let exts = kind.map(|k| extensions(k).join(" / ")).unwrap_or_default();
                    return view! { <div class="muted" data-testid="file-picker-empty">{tf("file_picker.none", &[("ext", &exts)])}</div> }.into_any();
                }
                shown
                    .into_iter()
                    .map(|f| {
                        let path = f.path.clone();
                        let when = if f.modified > 0 { when_text(f.modified) } else { String::new() };
                        view! {
                            <button type="button" class="file-picker-item" data-testid="file-picker-item" data-path=f.path.clone()
                                on:click=move |_| { set(path.clone()); open.set(false) }>
                                <span class="code">{f.path.clone()}</span>
                                <span class="muted num">{size_text(f.size)}</span>
                                <span class="muted">{when}</span>
                            </button>
                        }
                    })
                    .collect_view()
                    .into_any()
            }
        }
    };
    view! {
        <div class="path-field">
            <input data-testid=testid placeholder=hint spellcheck="false"
                prop:value=current on:input=move |ev| set(event_target_value(&ev))/>
            {is_source.then(|| view! {
                <button type="button" class="btn small" data-testid="file-picker-open" on:click=browse>{t("file_picker.browse")}</button>
            })}
        </div>
        {move || open.get().then(|| view! {
            <div class="file-picker" data-testid="file-picker">
                <input class="file-picker-search" data-testid="file-picker-search" placeholder=t("file_picker.filter_by_name")
                    prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
                <div class="file-picker-list">{list}</div>
            </div>
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_lists_only_the_files_its_format_reads() {
        assert!(accepts(NodeKind::SourceCsv, "demo/Transactions.CSV"));
        assert!(!accepts(NodeKind::SourceCsv, "demo/book.xlsx"));
        assert!(accepts(NodeKind::SourceExcel, "a/b.xlsx"));
        assert!(!accepts(NodeKind::SourceParquet, "a/b.csv"));
    }

    #[test]
    fn outputs_default_to_a_path_of_their_own() {
        assert_eq!(
            default_output("daily summary", "summary_csv", NodeKind::SinkCsv).unwrap(),
            "out/daily_summary_summary_csv.csv"
        );
        assert_eq!(default_output("", "out1", NodeKind::SinkParquet).unwrap(), "out/out1.parquet");
        assert_eq!(default_output("g", "x", NodeKind::SinkExcel).unwrap(), "out/g_x.xlsx");
        assert_eq!(default_output("g", "x", NodeKind::SourceCsv), None);
        assert_eq!(placeholder(NodeKind::SinkCsv, "g", "x"), "e.g. out/g_x.csv");
        assert!(placeholder(NodeKind::SourceCsv, "g", "x").contains(".csv"));
        assert!(!placeholder(NodeKind::SourceCsv, "g", "x").contains("out/"));
    }

    #[test]
    fn sizes_read_in_the_unit_that_fits() {
        assert_eq!(size_text(812), "812 B");
        assert_eq!(size_text(14_540), "14.2 KB");
        assert_eq!(size_text(3_250_000), "3.1 MB");
    }
}
