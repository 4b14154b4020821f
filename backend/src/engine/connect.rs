//! Named database connections as the engine uses them: a name from the graph
//! resolved to a URL the driver opens. The URL holds the secret, so it is never
//! printed: `Debug` and [`Connection::redacted`] leave the password out, and
//! errors name the connection, not its URL.
//!
//! The command line builds [`Connections`] from `--connection NAME=URL` and
//! `SLUICE_CONNECTION_<NAME>`; the server from its store, per environment.

use super::root::DataRoot;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sluice_shared::api::connections::TlsMode;
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

    /// A connection from its parts (the server's stored connections): user and
    /// password are percent-encoded into the URL, so any character is safe in
    /// them; a SQLite `database` is a file relative to `root`. Errors never
    /// carry the password.
    pub fn from_parts(p: &Parts<'_>, root: &DataRoot) -> Result<Self, String> {
        let mut c = match p.kind {
            DbKind::Sqlite => Connection::parse(&format!("sqlite://{}", p.database), root)?,
            DbKind::Postgres | DbKind::Mysql => {
                let host = url_host(p.host.unwrap_or_default())?;
                if p.database.trim().is_empty() {
                    return Err("a database name is required".into());
                }
                let enc = |s: &str| utf8_percent_encode(s, USERINFO).to_string();
                let auth = match (p.user.filter(|u| !u.is_empty()), p.password) {
                    (Some(u), Some(pw)) => format!("{}:{}@", enc(u), enc(pw)),
                    (Some(u), None) => format!("{}@", enc(u)),
                    (None, _) => String::new(),
                };
                let port = p.port.map(|n| format!(":{n}")).unwrap_or_default();
                let (scheme, tls) = match p.kind {
                    DbKind::Postgres => ("postgres", format!("sslmode={}", p.tls.as_str())),
                    _ => ("mysql", format!("ssl-mode={}", mysql_tls(p.tls))),
                };
                let url = format!("{scheme}://{auth}{host}{port}/{}?{tls}", enc(p.database));
                Connection { kind: p.kind, url, read_only: false, connect_timeout: DEFAULT_CONNECT_TIMEOUT }
            }
        };
        c.read_only = p.read_only;
        c.connect_timeout = p.connect_timeout;
        Ok(c)
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

/// The parts of a connection as the server stores them (see [`Connection::from_parts`]).
#[derive(Clone, Copy)]
pub struct Parts<'a> {
    pub kind: DbKind,
    pub host: Option<&'a str>,
    pub port: Option<u16>,
    /// Database name; for SQLite a file relative to the data root.
    pub database: &'a str,
    pub user: Option<&'a str>,
    pub password: Option<&'a str>,
    pub tls: TlsMode,
    pub connect_timeout: Duration,
    pub read_only: bool,
}

/// What may stay as it is in a URL's user, password and database name.
const USERINFO: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// A host as a URL carries it: a name or IPv4 address (letters, digits, `.`,
/// `_`, `-`, at most 253), or an IPv6 address (hex digits, `.` and `:`,
/// brackets optional), which goes in brackets. The server's API documents the
/// same rule as [`HOST_PATTERN`].
fn url_host(host: &str) -> Result<String, String> {
    if (1..=253).contains(&host.len()) && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c)) {
        return Ok(host.to_string());
    }
    let inner = host.strip_prefix('[').unwrap_or(host);
    let inner = inner.strip_suffix(']').unwrap_or(inner);
    if (1..=45).contains(&inner.len()) && inner.chars().all(|c| c.is_ascii_hexdigit() || ".:".contains(c)) {
        return Ok(format!("[{inner}]"));
    }
    if host.is_empty() {
        return Err("a host is required".into());
    }
    Err(format!("`{host}` is not a host name or address"))
}

/// [`url_host`]'s rule as a regular expression (for the OpenAPI document).
pub const HOST_PATTERN: &str = r"^([A-Za-z0-9._-]{1,253}|\[?[0-9A-Fa-f.:]{1,45}\]?)$";

fn mysql_tls(t: TlsMode) -> &'static str {
    match t {
        TlsMode::Disable => "disabled",
        TlsMode::Prefer => "preferred",
        TlsMode::Require => "required",
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
    fn parts_are_encoded_so_any_password_works() {
        let p = Parts {
            kind: DbKind::Postgres,
            host: Some("db.bank"),
            port: Some(5433),
            database: "core dw",
            user: Some("etl@bank"),
            password: Some("p@ss:w/rd?#%"),
            tls: TlsMode::Require,
            connect_timeout: Duration::from_secs(3),
            read_only: true,
        };
        let c = Connection::from_parts(&p, &root()).unwrap();
        assert_eq!(c.url(), "postgres://etl%40bank:p%40ss%3Aw%2Frd%3F%23%25@db.bank:5433/core%20dw?sslmode=require");
        assert!(!c.redacted().contains("p%40ss") && c.read_only && c.connect_timeout.as_secs() == 3);
        let m = Connection::from_parts(&Parts { kind: DbKind::Mysql, host: Some("::1"), ..p }, &root()).unwrap();
        assert!(m.url().starts_with("mysql://etl%40bank:") && m.url().contains("@[::1]:5433/"), "{}", m.redacted());
        assert!(m.url().ends_with("?ssl-mode=required"));
        let s = Connection::from_parts(&Parts { kind: DbKind::Sqlite, database: "dw/a.db", ..p }, &root()).unwrap();
        assert_eq!(s.url(), "sqlite:///data/dw/a.db");
        assert!(Connection::from_parts(&Parts { host: Some("h/x@y"), ..p }, &root()).is_err());
        assert!(Connection::from_parts(&Parts { host: Some(" db"), ..p }, &root()).is_err());
        let v6 = Connection::from_parts(&Parts { host: Some("[fe80::1]"), ..p }, &root()).unwrap();
        assert!(v6.url().contains("@[fe80::1]:5433/"), "{}", v6.redacted());
        assert!(Connection::from_parts(&Parts { host: None, ..p }, &root()).is_err());
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
