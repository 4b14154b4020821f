//! `sluice import DIR`: graphs read back from a folder of `<id>.json` files (a
//! checkout of the `--git-dir` history, or any export) into a server's store.
//! Every file is parsed first and nothing is written unless all of them are
//! graphs (exit 2 naming each bad file). An id that exists gets a new draft
//! version when the document differs; a new id is created with that id. Either
//! way the result is a draft: importing never approves, review still decides.

use crate::store::{Store, StoreError};
use sluice_shared::api::Role;
use std::path::Path;

/// A graph file larger than this is refused (the API's graph limit is smaller).
const MAX_FILE: u64 = 8 << 20;

/// What happened to one file.
#[derive(Debug, PartialEq, Eq)]
pub enum Imported {
    Created,
    Updated(i64),
    Unchanged,
}

/// Imports every graph file of `dir` as drafts owned by `owner`. Err carries
/// the exit code and the lines to print.
pub async fn import(store: &Store, dir: &Path, owner: &str) -> Result<Vec<String>, (u8, Vec<String>)> {
    let fail = |code: u8, line: String| (code, vec![line]);
    let user = store
        .user_by_name(owner)
        .await
        .map_err(|e| fail(1, format!("the store: {e}")))?
        .ok_or_else(|| fail(2, format!("--owner: no user `{owner}`")))?;
    if !matches!(user.role, Role::Admin | Role::Analyst) || user.disabled_at != 0 {
        return Err(fail(2, format!("--owner: `{owner}` cannot own graphs (an active analyst or admin can)")));
    }
    let files = crate::versions_git::graph_files(dir, MAX_FILE).map_err(|e| fail(2, e))?;
    if files.is_empty() {
        return Err(fail(2, format!("{}: no .json graph files", dir.display())));
    }
    let mut parsed = Vec::new();
    let mut bad = Vec::new();
    for (path, text) in files {
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        match text
            .map_err(|e| vec![e])
            .and_then(|t| sluice_shared::parse_graph(&t).map_err(|p| p.into_iter().map(|p| p.to_string()).collect()))
        {
            Ok(g) => parsed.push((name, path, g)),
            Err(lines) => bad.extend(lines.into_iter().map(|l| format!("{name}: {l}"))),
        }
    }
    if !bad.is_empty() {
        bad.push("nothing imported".into());
        return Err((2, bad));
    }
    let mut out = Vec::new();
    for (name, path, graph) in parsed {
        let id = path.file_stem().map(|s| s.to_string_lossy().to_string()).filter(|s| usable_id(s));
        let doc = serde_json::to_string_pretty(&graph).map_err(|e| fail(1, e.to_string()))?;
        let (id, what) = one(store, id.as_deref(), &user.id, owner, &graph, &doc)
            .await
            .map_err(|e| fail(1, format!("{name}: {e}")))?;
        let line = match what {
            Imported::Created => format!("created {id} ({})", graph.name),
            Imported::Updated(v) => format!("updated {id} ({}) to draft version {v}", graph.name),
            Imported::Unchanged => format!("unchanged {id} ({})", graph.name),
        };
        store.audit(owner, "import", &id, &name).await.map_err(|e| fail(1, e.to_string()))?;
        out.push(line);
    }
    Ok(out)
}

/// An id as the server makes them (a UUID) or a plain slug; anything else gets a new id.
fn usable_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

async fn one(
    store: &Store,
    id: Option<&str>,
    owner_id: &str,
    owner: &str,
    g: &sluice_shared::Graph,
    doc: &str,
) -> Result<(String, Imported), StoreError> {
    let existing = match id {
        Some(id) => match store.get_graph(id).await {
            Ok(row) => Some(row),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    match (id, existing) {
        (_, Some(row)) if row.doc == doc => Ok((row.id, Imported::Unchanged)),
        (_, Some(row)) => {
            let v = store.save_graph(&row.id, row.version, owner, &g.name, &g.description, doc).await?;
            Ok((row.id, Imported::Updated(v)))
        }
        (Some(id), None) => {
            Ok((store.create_graph_as(id, owner_id, owner, &g.name, &g.description, doc).await?.id, Imported::Created))
        }
        (None, None) => {
            Ok((store.create_graph(owner_id, owner, &g.name, &g.description, doc).await?.id, Imported::Created))
        }
    }
}

/// The command: opens the store of `data_dir` (or `database_url`), imports, prints one line per file.
pub async fn import_cli(
    dir: &Path,
    data_dir: &Path,
    database_url: Option<&str>,
    owner: &str,
) -> std::process::ExitCode {
    let url = database_url.map(str::to_string).unwrap_or_else(|| Store::sqlite_url(data_dir));
    let result = match Store::open(&url).await {
        Ok(store) => import(&store, dir, owner).await,
        Err(e) => Err((1, vec![format!("cannot open the database: {e}")])),
    };
    match result {
        Ok(lines) => {
            lines.iter().for_each(|l| println!("{l}"));
            std::process::ExitCode::SUCCESS
        }
        Err((code, lines)) => {
            lines.iter().for_each(|l| eprintln!("sluice import: {l}"));
            std::process::ExitCode::from(code)
        }
    }
}
