//! No user-visible text hard-coded in the browser's components: every string
//! literal written directly in `view!` markup, as a text node (`<p>"Save"</p>`,
//! `{"Save"}`) or as a `title`, `placeholder`, `aria-label` or `alt`
//! attribute, must hold no word (symbols such as "×", "…", "→", numbers and
//! punctuation are fine). Words go through the catalogue (`t("area.what")`).
//! Rust blocks inside the markup (`{move || …}`) are code, not markup; a
//! `view!` nested in one is scanned on its own.

use std::path::{Path, PathBuf};

/// Attributes whose value a person reads.
const READ_ATTRS: [&str; 4] = ["title", "placeholder", "aria-label", "alt"];

/// One hard-coded text: its line (1-based) and the literal's contents.
#[derive(Debug, PartialEq)]
struct Hit {
    line: usize,
    text: String,
}

/// A literal that holds a word (a letter of any script, Chinese included).
fn has_word(text: &str) -> bool {
    text.chars().any(char::is_alphabetic)
}

/// The hard-coded texts of one source file.
fn scan(src: &str) -> Vec<Hit> {
    let b = src.as_bytes();
    let mut hits = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match skip_non_code(b, i) {
            Some(next) => i = next,
            None if b[i..].starts_with(b"view!") && !ident_byte_before(b, i) => {
                // On past the name only: a `view!` nested in this one's blocks comes next.
                scan_macro(src, i + 5, &mut hits);
                i += 5;
            }
            None => i += 1,
        }
    }
    hits
}

fn ident_byte_before(b: &[u8], i: usize) -> bool {
    i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
}

/// Past a comment, string or char literal starting at `i`, if one does.
fn skip_non_code(b: &[u8], i: usize) -> Option<usize> {
    if b[i..].starts_with(b"//") {
        return Some(b[i..].iter().position(|&c| c == b'\n').map_or(b.len(), |p| i + p + 1));
    }
    if b[i..].starts_with(b"/*") {
        return Some(find(b, i + 2, b"*/").map_or(b.len(), |p| p + 2));
    }
    if let Some((_, end)) = string_at(b, i) {
        return Some(end);
    }
    if b[i] == b'\'' {
        // A char literal ('x', '\n', '{') but not a lifetime ('a).
        if b.get(i + 1) == Some(&b'\\') {
            return find(b, i + 2, b"'").map(|p| p + 1);
        }
        let len = std::str::from_utf8(&b[i + 1..(i + 5).min(b.len())])
            .map_or(1, |s| s.chars().next().map_or(1, char::len_utf8));
        if b.get(i + 1 + len) == Some(&b'\'') {
            return Some(i + 2 + len);
        }
    }
    None
}

fn find(b: &[u8], from: usize, what: &[u8]) -> Option<usize> {
    (from..b.len()).find(|&p| b[p..].starts_with(what))
}

/// A string literal (`"…"`, `r"…"`, `r#"…"#`) starting at `i`: its contents' range and its end.
fn string_at(b: &[u8], i: usize) -> Option<((usize, usize), usize)> {
    if b[i] == b'"' && !ident_byte_before(b, i) {
        let mut j = i + 1;
        while j < b.len() && b[j] != b'"' {
            j += if b[j] == b'\\' { 2 } else { 1 };
        }
        return Some(((i + 1, j.min(b.len())), (j + 1).min(b.len())));
    }
    if b[i] == b'r' && !ident_byte_before(b, i) {
        let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
        let open = i + 1 + hashes;
        if b.get(open) == Some(&b'"') {
            let mut close = vec![b'"'];
            close.extend(std::iter::repeat_n(b'#', hashes));
            let end = find(b, open + 1, &close).unwrap_or(b.len());
            return Some(((open + 1, end), (end + close.len()).min(b.len())));
        }
    }
    None
}

/// The markup of one `view!` whose name ends at `i`; returns where it ends.
fn scan_macro(src: &str, i: usize, hits: &mut Vec<Hit>) -> usize {
    let b = src.as_bytes();
    let mut i = i;
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    let Some(&open) = b.get(i) else { return i };
    let close = match open {
        b'{' => b'}',
        b'(' => b')',
        b'[' => b']',
        _ => return i,
    };
    i += 1;
    while i < b.len() && b[i] != close {
        if let Some(((from, to), end)) = string_at(b, i) {
            check_literal(src, i, &src[from..to], hits);
            i = end;
        } else if b[i] == b'{' {
            let end = block_end(b, i);
            let inner = src[i + 1..end.saturating_sub(1)].trim();
            let whole = string_at(inner.as_bytes(), 0).filter(|(_, end)| *end == inner.len() && is_child(&src[..i]));
            if let Some(((from, to), _)) = whole.filter(|((from, to), _)| has_word(&inner[*from..*to])) {
                hits.push(Hit { line: line_of(src, i), text: inner[from..to].to_string() });
            }
            i = end;
        } else if let Some(next) = skip_non_code(b, i) {
            i = next;
        } else {
            i += 1;
        }
    }
    i + 1
}

/// Past the Rust block whose `{` is at `i`.
fn block_end(b: &[u8], i: usize) -> usize {
    let (mut depth, mut j) = (0usize, i);
    while j < b.len() {
        if let Some(next) = skip_non_code(b, j) {
            j = next;
            continue;
        }
        match b[j] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return j + 1;
                }
            }
            _ => {}
        }
        j += 1;
    }
    b.len()
}

/// A literal in markup at `at`: a text node when it follows a tag, a block,
/// or another text; an attribute's value when it follows `name=`.
fn check_literal(src: &str, at: usize, text: &str, hits: &mut Vec<Hit>) {
    let before = src[..at].trim_end();
    let shown = if let Some(lhs) = before.strip_suffix('=') {
        let name: String = lhs
            .trim_end()
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':'))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let name = name.strip_prefix("attr:").unwrap_or(&name);
        READ_ATTRS.contains(&name)
    } else {
        is_child(before)
    };
    if shown && has_word(text) {
        hits.push(Hit { line: line_of(src, at), text: text.to_string() });
    }
}

/// Whether what follows `before` is a child of the markup: after a tag, a
/// block or another text (not inside an attribute's value such as
/// `class=if on { "a" } else { "b" }`). Text inside `<code>` is code.
fn is_child(before: &str) -> bool {
    let before = before.trim_end();
    let tag =
        before.ends_with('>') && !before.ends_with("=>") && !before.ends_with("->") && !before.ends_with("<code>");
    tag || before.ends_with('}') || before.ends_with('"')
}

fn line_of(src: &str, at: usize) -> usize {
    src[..at].bytes().filter(|&c| c == b'\n').count() + 1
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_text_is_hard_coded_in_components() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    rust_files(&root.join("frontend/src"), &mut files);
    assert!(files.len() > 50, "the frontend's sources were not found");
    let mut found = Vec::new();
    let mut views = 0;
    for path in files {
        let src = std::fs::read_to_string(&path).expect("a source file");
        views += src.matches("view!").count();
        let shown = path.strip_prefix(&root).unwrap_or(&path).display().to_string();
        found.extend(scan(&src).into_iter().map(|h| format!("{shown}:{}: {:?}", h.line, h.text)));
    }
    assert!(views > 100, "no view! markup was found");
    assert!(found.is_empty(), "text hard-coded in view! markup (use the catalogue):\n{}", found.join("\n"));
}

#[test]
fn the_scanner_finds_text_nodes_and_read_attributes() {
    let src = r##"
fn a() -> impl IntoView {
    view! {
        <button title="Close the panel" class="icon" data-testid="close">"×"</button>
        <p>"Nothing yet"</p>
        <input placeholder="Type a name" aria-label={t("x.y")}/>
        <span>{t("ok.key")} " - " "more words"</span>
        <img alt=r#"a picture"#/>
        {"Loaded"}
        <p class=if on { "toast error" } else { "toast" }>"Saved"<code>"prod"</code></p>
    }
}
"##;
    let hits = scan(src);
    let texts: Vec<(usize, &str)> = hits.iter().map(|h| (h.line, h.text.as_str())).collect();
    assert_eq!(
        texts,
        vec![
            (4, "Close the panel"),
            (5, "Nothing yet"),
            (6, "Type a name"),
            (7, "more words"),
            (8, "a picture"),
            (9, "Loaded"),
            (10, "Saved"),
        ]
    );
}

#[test]
fn the_scanner_leaves_code_classes_ids_and_symbols_alone() {
    let src = r#"
// view! { <p>"in a comment"</p> }
fn a() -> impl IntoView {
    let s = "Plain Rust text, not markup";
    let c = '{';
    view! {
        <div class="panel wide" id="main" data-testid="list" style="width: 3px">
            <span class:active=move || on.get()>"…"</span>
            {move || if on.get() { "code decides" } else { "not markup" }}
            <Show when=move || x.get() > 3 fallback=|| ()>"→ 12"</Show>
            "1,234.50"
        </div>
    }
}
"#;
    assert_eq!(scan(src), vec![]);
}

#[test]
fn the_scanner_reads_nested_views_and_chinese() {
    let src = r#"
fn a() -> impl IntoView {
    view! {
        <ul>{items.into_iter().map(|i| view! { <li>"每个" {i}</li> }).collect_view()}</ul>
    }
}
"#;
    assert_eq!(scan(src), vec![Hit { line: 4, text: "每个".into() }]);
}
