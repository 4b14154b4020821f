//! Environments resolved for the engine: an environment's file data root and
//! its graph connection names, each bound to a stored connection whose secret
//! is decrypted here, in memory, for the run or check at hand. The server
//! resolves `dev` for editing, previews and draft runs; the scheduler `prod`
//! for scheduled and backfill runs.

use crate::engine::connect::{Connection, Connections, Parts};
use crate::engine::root::DataRoot;
use crate::secrets::Keyring;
use crate::store::{ConnectionRow, Store};
use sluice_shared::api::connections::TlsMode;
use sluice_shared::connections::DbKind;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use sluice_shared::api::connections::{DEV, PROD};

/// One environment, ready for the engine.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub name: String,
    pub root: DataRoot,
    pub connections: Arc<Connections>,
    /// The Ballista cluster runs of this environment go to (previews never do).
    pub cluster: Option<crate::cluster::ClusterUrl>,
}

/// What the data dir holds besides data roots: never an environment's root.
const RESERVED: [&str; 3] = ["sandbox", "sluice.db", crate::secrets::KEY_FILE];

/// Checks an environment's data root: a folder inside the data dir, 1 to 8
/// names of 1 to 64 letters, digits, `.`, `_`, `-` (none starting with `.`),
/// not one of the server's own files or folders (the store, the key,
/// sandboxes). The API documents the same rule as a pattern.
pub fn check_data_root(rel: &str) -> Result<(), String> {
    if !relative_names(rel, 8, 64) {
        return Err(format!(
            "data_root: `{rel}` is not a folder inside the data dir (1 to 8 names of letters, digits, `.`, `_`, `-`)"
        ));
    }
    let first = rel.split('/').next().unwrap_or_default();
    if RESERVED.contains(&first) || first.starts_with("sluice.db") {
        return Err(format!("data_root: `{rel}` is kept for the server's own files; choose another folder"));
    }
    Ok(())
}

/// `path` is `max_parts` names or fewer, joined by `/`, each 1 to `max_len`
/// letters, digits, `.`, `_` or `-` and not starting with `.` (so never `..`).
pub fn relative_names(path: &str, max_parts: usize, max_len: usize) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    parts.len() <= max_parts
        && parts.iter().all(|p| {
            (1..=max_len).contains(&p.len())
                && !p.starts_with('.')
                && p.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        })
}

/// [`check_data_root`]'s shape as a regular expression (empty: the default
/// root); the server's own names are refused besides.
pub const DATA_ROOT_PATTERN: &str = r"^([A-Za-z0-9_-][A-Za-z0-9._-]{0,63}(/[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}){0,7})?$";

/// Where environments' files live: the server's data dir, and its default
/// data root (`<data-dir>/files`), which an environment without a root of its
/// own uses.
#[derive(Debug, Clone)]
pub struct Dirs {
    pub data_dir: PathBuf,
    pub default_root: DataRoot,
}

impl Dirs {
    /// The data root of an environment whose `data_root` is `rel`.
    pub fn root(&self, rel: Option<&str>) -> Result<DataRoot, String> {
        match rel.filter(|r| !r.is_empty()) {
            None => Ok(self.default_root.clone()),
            Some(r) => check_data_root(r).map(|()| DataRoot::new(self.data_dir.join(r))),
        }
    }
}

/// A stored connection as the engine opens it, its secret decrypted with `keys`.
pub fn build(row: &ConnectionRow, keys: Option<&Keyring>, root: &DataRoot) -> Result<Connection, String> {
    let kind = DbKind::ALL.into_iter().find(|k| k.as_str() == row.kind).ok_or("unknown connection kind")?;
    let tls = TlsMode::ALL.into_iter().find(|t| t.as_str() == row.tls).unwrap_or_default();
    let secret = match (&row.secret, keys) {
        (Some(s), Some(k)) => Some(k.open(&row.name, s)?),
        (Some(_), None) => return Err(format!("no key to decrypt the secret of `{}`", row.name)),
        (None, _) => None,
    };
    let parts = Parts {
        kind,
        host: row.host.as_deref(),
        port: row.port.and_then(|p| u16::try_from(p).ok()),
        database: &row.db_name,
        user: row.username.as_deref(),
        password: secret.as_ref().map(|s| s.expose()),
        tls,
        connect_timeout: Duration::from_secs(row.connect_timeout_secs.clamp(1, 600) as u64),
        read_only: row.read_only != 0,
    };
    Connection::from_parts(&parts, root)
}

/// Resolves `env`: its data root (created when missing) and every graph
/// connection name that leads to a stored connection. A name without a
/// binding is the connection of that name; a binding to a connection that no
/// longer exists leaves its name unknown. A connection whose secret does not
/// decrypt is left out (and said so on stderr, without the secret).
pub async fn resolve(store: &Store, keys: Option<&Keyring>, dirs: &Dirs, env: &str) -> Result<Resolved, String> {
    let row = store
        .environment(env)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("there is no environment `{env}`"))?;
    let root = dirs.root(row.data_root.as_deref())?;
    std::fs::create_dir_all(root.path()).map_err(|e| format!("cannot create the data root of `{env}`: {e}"))?;
    let stored = store.list_connections().await.map_err(|e| e.to_string())?;
    let mut out = Connections::default();
    let mut names: Vec<(String, &str)> = stored.iter().map(|c| (c.name.clone(), c.name.as_str())).collect();
    names.retain(|(n, _)| !row.bindings.contains_key(n));
    names.extend(row.bindings.iter().map(|(g, c)| (g.clone(), c.as_str())));
    for (graph_name, target) in names {
        let Some(c) = stored.iter().find(|c| c.name == target) else { continue };
        match build(c, keys, &root) {
            Ok(conn) => out.insert(graph_name, conn),
            Err(e) => eprintln!("environment {env}: connection `{target}` left out: {e}"),
        }
    }
    let cluster = match row.cluster.as_deref().map(str::parse::<crate::cluster::ClusterUrl>).transpose() {
        Ok(c) => c,
        Err(e) => return Err(format!("environment `{env}`: cluster: {e}")),
    };
    Ok(Resolved { name: env.to_string(), root, connections: Arc::new(out), cluster })
}

/// The graph connection name `graph_name` in `env`: the connection it is bound
/// to, or the one of the same name.
pub fn target<'a>(env: &'a crate::store::EnvironmentRow, graph_name: &'a str) -> &'a str {
    env.bindings.get(graph_name).map(String::as_str).unwrap_or(graph_name)
}
