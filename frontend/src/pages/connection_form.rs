//! The connection form's state as typed (text fields stay text until saved) and
//! the `ConnectionSpec` it sends. No Leptos here: the rules are plain functions.

use crate::i18n::{t, tf};
use sluice_shared::api::connections::{
    ConnectionSpec, ConnectionView, DEFAULT_CONNECT_TIMEOUT_SECS, EnvironmentSpec, EnvironmentView, TlsMode,
};
use sluice_shared::connections::{DbKind, check_name};
use std::collections::BTreeMap;

/// What the user sees of a kind.
pub fn kind_label(kind: DbKind) -> &'static str {
    match kind {
        DbKind::Postgres => "PostgreSQL",
        DbKind::Mysql => "MySQL / MariaDB",
        DbKind::Sqlite => "SQLite",
    }
}

/// The port a kind listens on unless told otherwise (shown as a placeholder).
pub fn default_port(kind: DbKind) -> Option<u16> {
    match kind {
        DbKind::Postgres => Some(5432),
        DbKind::Mysql => Some(3306),
        DbKind::Sqlite => None,
    }
}

/// Whether a kind reaches a server (host, port, user, password, TLS) or opens a file.
pub fn is_networked(kind: DbKind) -> bool {
    kind != DbKind::Sqlite
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionForm {
    pub name: String,
    pub kind: DbKind,
    pub host: String,
    pub port: String,
    pub database: String,
    pub user: String,
    /// Write-only: never filled from the server. Empty on an edit keeps the stored secret.
    pub password: String,
    pub tls: TlsMode,
    pub timeout: String,
    pub read_only: bool,
    /// Editing a saved connection: the name is fixed.
    pub existing: bool,
    /// The saved connection has a secret.
    pub has_secret: bool,
}

impl Default for ConnectionForm {
    fn default() -> Self {
        ConnectionForm {
            name: String::new(),
            kind: DbKind::Postgres,
            host: String::new(),
            port: String::new(),
            database: String::new(),
            user: String::new(),
            password: String::new(),
            tls: TlsMode::default(),
            timeout: DEFAULT_CONNECT_TIMEOUT_SECS.to_string(),
            read_only: true,
            existing: false,
            has_secret: false,
        }
    }
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

impl ConnectionForm {
    /// The form for editing a saved connection (the password stays empty).
    pub fn from_view(v: &ConnectionView) -> Self {
        ConnectionForm {
            name: v.name.clone(),
            kind: v.kind,
            host: v.host.clone().unwrap_or_default(),
            port: v.port.map(|p| p.to_string()).unwrap_or_default(),
            database: v.database.clone(),
            user: v.user.clone().unwrap_or_default(),
            password: String::new(),
            tls: v.tls,
            timeout: v.connect_timeout_secs.to_string(),
            read_only: v.read_only,
            existing: true,
            has_secret: v.has_secret,
        }
    }

    /// The name, checked by `shared`'s rule.
    pub fn checked_name(&self) -> Result<String, String> {
        let name = self.name.trim();
        check_name(name)?;
        Ok(name.to_string())
    }

    /// The spec to test or save, or the first thing to fix, naming the field.
    pub fn to_spec(&self) -> Result<ConnectionSpec, String> {
        let net = is_networked(self.kind);
        let database = self.database.trim();
        if database.is_empty() {
            return Err(
                if net { t("connection_form.no_database") } else { t("connection_form.no_database_file") }.into()
            );
        }
        let host = if net { opt(&self.host) } else { None };
        if net && host.is_none() {
            return Err(t("connection_form.no_host").into());
        }
        let port = match (net, self.port.trim()) {
            (false, _) | (true, "") => None,
            (true, p) => Some(
                p.parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| tf("connection_form.bad_port", &[("port", p)]))?,
            ),
        };
        let t = self.timeout.trim();
        let connect_timeout_secs = match t {
            "" => DEFAULT_CONNECT_TIMEOUT_SECS,
            t => t
                .parse::<u32>()
                .ok()
                .filter(|s| (1..=600).contains(s))
                .ok_or_else(|| tf("connection_form.bad_timeout", &[("value", t)]))?,
        };
        Ok(ConnectionSpec {
            kind: self.kind,
            host,
            port,
            database: database.to_string(),
            user: if net { opt(&self.user) } else { None },
            tls: if net { self.tls } else { TlsMode::default() },
            connect_timeout_secs,
            read_only: self.read_only,
            secret: (net && !self.password.is_empty()).then(|| self.password.clone()),
        })
    }
}

/// An environment as edited: its data root and the binding rows, blank rows allowed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EnvironmentForm {
    pub name: String,
    pub data_root: String,
    /// (graph connection name, connection name)
    pub bindings: Vec<(String, String)>,
    /// Kept as it was: set through the API (`PUT /api/environments/{name}`).
    pub cluster: Option<String>,
}

impl EnvironmentForm {
    pub fn from_view(v: &EnvironmentView) -> Self {
        EnvironmentForm {
            name: v.name.clone(),
            data_root: v.data_root.clone().unwrap_or_default(),
            bindings: v.bindings.iter().map(|(g, c)| (g.clone(), c.clone())).collect(),
            cluster: v.cluster.clone(),
        }
    }

    /// The spec to save, or the first row to fix. Blank rows are left out.
    pub fn to_spec(&self) -> Result<EnvironmentSpec, String> {
        let mut bindings = BTreeMap::new();
        for (graph, conn) in &self.bindings {
            let (g, c) = (graph.trim(), conn.trim());
            if g.is_empty() && c.is_empty() {
                continue;
            }
            check_name(g).map_err(|e| tf("connection_form.bad_binding", &[("why", &e)]))?;
            if c.is_empty() {
                return Err(tf("connection_form.binding_unchosen", &[("graph", g)]));
            }
            if bindings.insert(g.to_string(), c.to_string()).is_some() {
                return Err(tf("connection_form.binding_twice", &[("graph", g)]));
            }
        }
        Ok(EnvironmentSpec { data_root: opt(&self.data_root), bindings, cluster: self.cluster.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg() -> ConnectionForm {
        ConnectionForm {
            name: "core".into(),
            host: " 127.0.0.1 ".into(),
            port: "5432".into(),
            database: "test".into(),
            user: "postgres".into(),
            password: "s3cret".into(),
            ..ConnectionForm::default()
        }
    }

    #[test]
    fn a_new_form_is_read_only_with_the_default_timeout() {
        let f = ConnectionForm::default();
        assert!(f.read_only);
        assert_eq!(f.timeout, DEFAULT_CONNECT_TIMEOUT_SECS.to_string());
        assert!(f.password.is_empty());
    }

    #[test]
    fn a_postgres_form_becomes_its_spec() {
        let spec = pg().to_spec().unwrap();
        assert_eq!(spec.kind, DbKind::Postgres);
        assert_eq!(spec.host.as_deref(), Some("127.0.0.1"));
        assert_eq!(spec.port, Some(5432));
        assert_eq!(spec.user.as_deref(), Some("postgres"));
        assert_eq!(spec.secret.as_deref(), Some("s3cret"));
        assert_eq!(spec.connect_timeout_secs, DEFAULT_CONNECT_TIMEOUT_SECS);
        assert!(spec.read_only);
    }

    #[test]
    fn an_empty_password_keeps_the_stored_one() {
        let f = ConnectionForm { password: String::new(), ..pg() };
        assert_eq!(f.to_spec().unwrap().secret, None);
        // And the spec sent says nothing about a secret at all.
        let json = serde_json::to_value(f.to_spec().unwrap()).unwrap();
        assert!(json.get("secret").is_none(), "{json}");
    }

    #[test]
    fn editing_never_prefills_the_password() {
        let view = ConnectionView {
            name: "core".into(),
            kind: DbKind::Mysql,
            host: Some("db".into()),
            port: None,
            database: "bank".into(),
            user: Some("etl".into()),
            tls: TlsMode::Require,
            connect_timeout_secs: 5,
            read_only: false,
            has_secret: true,
            updated_at: String::new(),
            updated_by: "admin".into(),
        };
        let f = ConnectionForm::from_view(&view);
        assert!(f.existing && f.has_secret);
        assert!(f.password.is_empty());
        let spec = f.to_spec().unwrap();
        assert_eq!(
            (spec.kind, spec.tls, spec.connect_timeout_secs, spec.read_only),
            (DbKind::Mysql, TlsMode::Require, 5, false)
        );
        assert_eq!(spec.secret, None);
    }

    #[test]
    fn sqlite_keeps_only_the_file() {
        let f = ConnectionForm { kind: DbKind::Sqlite, database: "ledger.db".into(), ..pg() };
        let spec = f.to_spec().unwrap();
        assert_eq!((spec.host, spec.port, spec.user, spec.secret), (None, None, None, None));
        assert_eq!(spec.database, "ledger.db");
    }

    #[test]
    fn mistakes_name_their_field() {
        let err = |f: ConnectionForm| f.to_spec().unwrap_err();
        assert!(err(ConnectionForm { port: "70000".into(), ..pg() }).starts_with("port:"));
        assert!(err(ConnectionForm { port: "0".into(), ..pg() }).starts_with("port:"));
        assert!(err(ConnectionForm { host: " ".into(), ..pg() }).starts_with("host:"));
        assert!(err(ConnectionForm { database: "".into(), ..pg() }).starts_with("database:"));
        assert!(err(ConnectionForm { timeout: "ten".into(), ..pg() }).starts_with("connect timeout:"));
        assert!(err(ConnectionForm { timeout: "0".into(), ..pg() }).starts_with("connect timeout:"));
        assert!(ConnectionForm { name: "1core".into(), ..pg() }.checked_name().is_err());
        assert_eq!(ConnectionForm { name: " core ".into(), ..pg() }.checked_name().unwrap(), "core");
        // An empty port means the kind's default.
        assert_eq!(ConnectionForm { port: "".into(), ..pg() }.to_spec().unwrap().port, None);
    }

    #[test]
    fn an_environment_form_skips_blank_rows_and_names_bad_ones() {
        let f = EnvironmentForm {
            name: "prod".into(),
            data_root: " prod-files ".into(),
            bindings: vec![("core".into(), "core_prod".into()), (" ".into(), "".into())],
            cluster: Some("df://10.0.0.5:50050".into()),
        };
        let spec = f.to_spec().unwrap();
        assert_eq!(spec.data_root.as_deref(), Some("prod-files"));
        // The cluster, set through the API, survives a save from the form.
        assert_eq!(spec.cluster.as_deref(), Some("df://10.0.0.5:50050"));
        assert_eq!(spec.bindings.get("core").map(String::as_str), Some("core_prod"));
        assert_eq!(spec.bindings.len(), 1);
        let unchosen = EnvironmentForm { bindings: vec![("core".into(), "".into())], ..f.clone() };
        assert!(unchosen.to_spec().unwrap_err().contains("`core`"));
        let twice = EnvironmentForm { bindings: vec![("a".into(), "x".into()), ("a".into(), "y".into())], ..f.clone() };
        assert!(twice.to_spec().unwrap_err().contains("twice"));
        let bad = EnvironmentForm { bindings: vec![("9x".into(), "x".into())], ..f.clone() };
        assert!(bad.to_spec().unwrap_err().starts_with("binding:"));
        let view =
            EnvironmentView { name: "dev".into(), data_root: None, bindings: spec.bindings.clone(), cluster: None };
        let back = EnvironmentForm::from_view(&view);
        assert_eq!(back.data_root, "");
        assert_eq!(back.to_spec().unwrap().bindings, spec.bindings);
    }
}
