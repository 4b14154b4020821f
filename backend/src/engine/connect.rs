//! Named database connections as the engine uses them: a name from the graph
//! resolved to a URL the driver opens. The URL holds the secret, so it is never
//! printed: `Debug` and [`Connection::redacted`] leave the password out, and
//! errors name the connection, not its URL.
//!
//! The command line builds [`Connections`] from `--connection NAME=URL` and
//! `SLUICE_CONNECTION_<NAME>`; the server from its store, per environment.

use super::root::DataRoot;
use sluice_shared::connections::{ConnectionInfo, Known, check_name};
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

pub use sluice_shared::connections::DbKind;

/// One resolved connection. `url` is what the driver opens (for SQLite an
/// absolute `sqlite://` URL inside the data root).
#[derive(Clone)]
pub struct Connection {
    pub kind: DbKind,
    url: String,
    pub read_only: bool,
    pub connect_timeout: Duration,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("kind", &self.kind)
            .field("url", &self.redacted())
            .field("read_only", &self.read_only)
            .finish()
    }
}

/// The connect timeout when none is given.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl Connection {
    /// Reads a connection URL: `postgres://user:pass@host:port/db` (or
    /// `postgresql://`), `mysql://...` (or `mariadb://`), `sqlite://path.db`
    /// relative to the data root (it may not leave it). The error never repeats
    /// the URL (it may hold a password).
    pub fn parse(url: &str, root: &DataRoot) -> Result<Self, String> {
        let url = url.trim();
        let (scheme, rest) =
            url.split_once("://").ok_or("a connection URL starts with postgres://, mysql:// or sqlite://")?;
        let kind = match scheme.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" => DbKind::Postgres,
            "mysql" | "mariadb" => DbKind::Mysql,
            "sqlite" => DbKind::Sqlite,
            other => {
                return Err(format!(
                    "`{other}://` is not a supported connection kind; use postgres://, mysql:// or sqlite://"
                ));
            }
        };
        let url = match kind {
            DbKind::Sqlite => {
                let rel = rest.split('?').next().unwrap_or_default();
                if rel.is_empty() {
                    return Err("a sqlite:// URL names a database file relative to the data root".into());
                }
                let file = sluice_shared::paths::check_path(rel, &|_| false)
                    .map(|()| root.path().join(rel))
                    .map_err(|e| format!("sqlite database: {e}"))?;
                format!("sqlite://{}", file.display())
            }
            DbKind::Mysql => format!("mysql://{rest}"),
            DbKind::Postgres => format!("postgres://{rest}"),
        };
        if kind != DbKind::Sqlite
            && rest.split(['/', '?']).next().unwrap_or_default().rsplit('@').next().unwrap_or_default().is_empty()
        {
            return Err(format!("a {}:// URL needs a host", kind.as_str()));
        }
        Ok(Connection { kind, url, read_only: false, connect_timeout: DEFAULT_CONNECT_TIMEOUT })
    }

    /// The URL for the driver. Never log or print it.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URL without its password, for messages.
    pub fn redacted(&self) -> String {
        let Some((scheme, rest)) = self.url.split_once("://") else { return "<connection>".into() };
        let (auth, host) = match rest.rsplit_once('@') {
            Some((auth, host)) => (Some(auth), host),
            None => (None, rest),
        };
        match auth {
            Some(a) => format!("{scheme}://{}:***@{host}", a.split(':').next().unwrap_or_default()),
            None => format!("{scheme}://{host}"),
        }
    }
}

/// Every connection a run may use, by name.
#[derive(Debug, Clone, Default)]
pub struct Connections(BTreeMap<String, Connection>);

impl Connections {
    pub fn insert(&mut self, name: impl Into<String>, c: Connection) {
        self.0.insert(name.into(), c);
    }

    pub fn get(&self, name: &str) -> Option<&Connection> {
        self.0.get(name)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// What the validator needs: names and read-only flags.
    pub fn known(&self) -> Known {
        self.0.iter().map(|(n, c)| (n.clone(), ConnectionInfo { read_only: c.read_only })).collect()
    }

    /// The command line's connections: `--connection NAME=URL` pairs, then for
    /// every name the graph uses and no pair gave, `SLUICE_CONNECTION_<NAME>`
    /// (upper-cased, `-` as `_`) from `env`. Errors name the flag or variable,
    /// never the URL.
    pub fn from_cli<'a>(
        pairs: &[String],
        used: impl IntoIterator<Item = &'a str>,
        env: impl Fn(&str) -> Option<String>,
        root: &DataRoot,
    ) -> Result<Self, Vec<String>> {
        let mut out = Connections::default();
        let mut errors = Vec::new();
        for p in pairs {
            let Some((name, url)) = p.split_once('=') else {
                errors.push("--connection needs NAME=URL".to_string());
                continue;
            };
            let name = name.trim();
            match check_name(name).and_then(|()| Connection::parse(url, root)) {
                Ok(c) => out.insert(name, c),
                Err(e) => errors.push(format!("--connection {name}: {e}")),
            }
        }
        for name in used {
            if out.get(name).is_some() || check_name(name).is_err() {
                continue;
            }
            let var = env_var_name(name);
            if let Some(url) = env(&var) {
                match Connection::parse(&url, root) {
                    Ok(c) => out.insert(name, c),
                    Err(e) => errors.push(format!("{var}: {e}")),
                }
            }
        }
        if errors.is_empty() { Ok(out) } else { Err(errors) }
    }
}

/// `SLUICE_CONNECTION_<NAME>` for a connection name.
pub fn env_var_name(name: &str) -> String {
    format!("SLUICE_CONNECTION_{}", name.to_ascii_uppercase().replace('-', "_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> DataRoot {
        DataRoot::new("/data")
    }

    #[test]
    fn urls_resolve_and_never_show_their_password() {
        let c = Connection::parse("postgresql://u:s3cret@db:5432/core", &root()).unwrap();
        assert_eq!(c.kind, DbKind::Postgres);
        assert_eq!(c.redacted(), "postgres://u:***@db:5432/core");
        assert!(!format!("{c:?}").contains("s3cret"));
        let s = Connection::parse("sqlite://dw/out.db", &root()).unwrap();
        assert_eq!(s.url(), "sqlite:///data/dw/out.db");
        assert!(Connection::parse("sqlite://../x.db", &root()).is_err());
        assert!(Connection::parse("sqlite:///etc/x.db", &root()).is_err());
        let e = Connection::parse("oracle://u:s3cret@h/db", &root()).unwrap_err();
        assert!(!e.contains("s3cret"), "{e}");
        assert!(Connection::parse("mysql:///db", &root()).is_err());
    }

    #[test]
    fn flags_win_over_environment_variables() {
        let env = |v: &str| (v == "SLUICE_CONNECTION_CORE_DW").then(|| "mysql://r@h/db".to_string());
        let pairs = vec!["src=sqlite://a.db".to_string()];
        let c = Connections::from_cli(&pairs, ["src", "core-dw", "absent"], env, &root()).unwrap();
        assert_eq!(c.get("src").unwrap().kind, DbKind::Sqlite);
        assert_eq!(c.get("core-dw").unwrap().kind, DbKind::Mysql);
        assert!(c.get("absent").is_none());
        let bad = Connections::from_cli(&["x=ftp://u:pw@h".into()], [], |_| None, &root()).unwrap_err();
        assert!(bad[0].starts_with("--connection x:") && !bad[0].contains("pw"), "{bad:?}");
    }
}
