//! Approved versions in Git (`--git-dir` / `SLUICE_GIT_DIR`): every approval
//! commits the graph as canonical JSON (sorted keys, two-space indent, one file
//! `<graph id>.json` per graph) to a bare repository the bank backs up, with
//! the submitter, the approver and the review comment in the message.
//! `sluice import DIR` reads such files back (a checkout or any folder).
//!
//! The repository is written through libgit2 (`git2`), never by running `git`;
//! it is bare, so there is no working tree to drift from the history.

use git2::{Repository, Signature};
use std::path::{Path, PathBuf};

/// One approval, as it lands in the history.
pub struct Approval<'a> {
    pub graph_id: &'a str,
    pub graph_name: &'a str,
    pub version: i64,
    pub hash: &'a str,
    pub submitter: &'a str,
    pub approver: &'a str,
    pub comment: &'a str,
    /// The approved document, as stored.
    pub doc: &'a str,
}

/// The form a graph is kept in: keys sorted at every level, pretty-printed,
/// ending in a newline, so that two versions diff line by line.
pub fn canonical(doc: &str) -> Result<String, String> {
    let value: serde_json::Value =
        serde_json::from_str(doc).map_err(|e| format!("the stored graph is not JSON: {e}"))?;
    // `serde_json::Map` is a BTreeMap in this build (no `preserve_order`): sorted keys.
    serde_json::to_string_pretty(&value).map(|s| s + "\n").map_err(|e| e.to_string())
}

/// Opens the bare repository at `dir`, creating it when the folder is missing or empty.
pub fn open(dir: &Path) -> Result<Repository, String> {
    let empty = !dir.exists() || dir.read_dir().map(|mut d| d.next().is_none()).unwrap_or(false);
    let repo = if empty { Repository::init_bare(dir) } else { Repository::open_bare(dir) };
    repo.map_err(|e| {
        format!("git dir {}: {} (it must be a bare repository: git init --bare)", dir.display(), e.message())
    })
}

/// Commits one approval on `HEAD`'s branch; returns the commit id. A version
/// identical to what the history already holds still gets its commit (the
/// approval itself is the event worth keeping).
pub fn commit(dir: &Path, a: &Approval) -> Result<String, String> {
    let repo = open(dir)?;
    let err = |e: git2::Error| format!("git dir {}: {}", dir.display(), e.message());
    let text = canonical(a.doc)?;
    let blob = repo.blob(text.as_bytes()).map_err(err)?;
    let parent = match repo.head() {
        Ok(h) => Some(h.peel_to_commit().map_err(err)?),
        Err(_) => None, // an unborn branch: the first approval
    };
    let base = parent.as_ref().map(|c| c.tree()).transpose().map_err(err)?;
    let mut tree = repo.treebuilder(base.as_ref()).map_err(err)?;
    tree.insert(format!("{}.json", a.graph_id), blob, 0o100_644).map_err(err)?;
    let tree = repo.find_tree(tree.write().map_err(err)?).map_err(err)?;
    let who = Signature::now(a.approver, &format!("{}@sluice.invalid", a.approver)).map_err(err)?;
    let message = format!(
        "Approve {} version {}\n\n{}\n\nGraph: {}\nHash: {}\nSubmitted-by: {}\nApproved-by: {}\n",
        a.graph_name,
        a.version,
        a.comment.trim(),
        a.graph_id,
        a.hash,
        a.submitter,
        a.approver
    );
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    let id = repo.commit(Some("HEAD"), &who, &who, &message, &tree, &parents).map_err(err)?;
    Ok(id.to_string())
}

/// A file found in a folder, and its text or why it could not be read.
pub type FileText = (PathBuf, Result<String, String>);

/// Every `*.json` file directly in `dir`, sorted by name, with its text.
/// Files over `max_bytes` are refused by name, not read.
pub fn graph_files(dir: &Path, max_bytes: u64) -> Result<Vec<FileText>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    Ok(files
        .into_iter()
        .map(|p| {
            let text = match std::fs::metadata(&p) {
                Ok(m) if m.len() > max_bytes => Err(format!("larger than {max_bytes} bytes")),
                Ok(_) => std::fs::read_to_string(&p).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            (p, text)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_sorts_keys_at_every_level_and_ends_in_a_newline() {
        let a = canonical(r#"{"b":1,"a":{"z":[{"y":1,"x":2}],"c":null}}"#).unwrap();
        let b = canonical(r#"{"a":{"c":null,"z":[{"x":2,"y":1}]},"b":1}"#).unwrap();
        assert_eq!(a, b);
        assert!(a.ends_with("}\n"));
        assert!(a.find("\"a\"").unwrap() < a.find("\"b\"").unwrap());
        assert!(canonical("not json").is_err());
    }

    #[test]
    fn commits_stack_up_with_the_people_and_the_comment() {
        let dir = tempfile::tempdir().unwrap();
        let git = dir.path().join("versions.git");
        let mut a = Approval {
            graph_id: "g1",
            graph_name: "Daily deposits",
            version: 3,
            hash: "abc",
            submitter: "analyst",
            approver: "admin",
            comment: "looks right",
            doc: r#"{"version":"sluice.graph/v1","nodes":[]}"#,
        };
        let first = commit(&git, &a).unwrap();
        a.version = 4;
        a.doc = r#"{"version":"sluice.graph/v1","nodes":[{"id":"x"}]}"#;
        let second = commit(&git, &a).unwrap();
        let repo = Repository::open_bare(&git).unwrap();
        let head = repo.head().unwrap().peel_to_commit().unwrap();
        assert_eq!(head.id().to_string(), second);
        assert_eq!(head.parent(0).unwrap().id().to_string(), first);
        let msg = head.message().unwrap();
        assert!(msg.starts_with("Approve Daily deposits version 4"), "{msg}");
        assert!(
            msg.contains("Submitted-by: analyst") && msg.contains("Approved-by: admin") && msg.contains("looks right")
        );
        let tree = head.tree().unwrap();
        let blob = tree.get_name("g1.json").unwrap().to_object(&repo).unwrap().peel_to_blob().unwrap();
        assert_eq!(std::str::from_utf8(blob.content()).unwrap(), canonical(a.doc).unwrap());
        // A folder that is not a bare repository is refused with a clear message.
        let plain = dir.path().join("plain");
        std::fs::create_dir(&plain).unwrap();
        std::fs::write(plain.join("x"), "y").unwrap();
        assert!(commit(&plain, &a).unwrap_err().contains("bare repository"));
    }
}
