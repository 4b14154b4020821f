//! The `Host` allow-list. A page on another site can make its own name
//! resolve to 127.0.0.1 (DNS rebinding) and then talk to a local server as
//! same-origin; the browser still sends that other name as `Host`, so the
//! server answers only to names it knows: localhost, the bind address, and
//! `--allowed-host` / `SLUICE_ALLOWED_HOSTS`. Others get 421.

use super::error::ApiError;
use axum::extract::{Request, State};
use axum::http::header::HOST;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

#[derive(Clone)]
pub struct AllowedHosts(Arc<Vec<String>>);

/// The name part of a `Host` value, lower case, without port or final dot.
fn host_name(host: &str) -> String {
    let host = host.trim();
    let name = if host.starts_with('[') {
        host.split_inclusive(']').next().unwrap_or(host)
    } else {
        host.split(':').next().unwrap_or(host)
    };
    name.trim_end_matches('.').to_ascii_lowercase()
}

fn ip_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

impl AllowedHosts {
    /// Localhost names, the bind address (unless it is 0.0.0.0 or `::`), and `extra`.
    pub fn new(addr: SocketAddr, extra: &[String]) -> Self {
        let mut names: Vec<String> = ["localhost", "127.0.0.1", "[::1]"].map(String::from).to_vec();
        if !addr.ip().is_unspecified() {
            names.push(ip_name(addr.ip()));
        }
        for e in extra.iter().map(|e| host_name(e)).filter(|e| !e.is_empty()) {
            if !names.contains(&e) {
                names.push(e);
            }
        }
        AllowedHosts(Arc::new(names))
    }

    pub fn allows(&self, host: &str) -> bool {
        let name = host_name(host);
        self.0.contains(&name) || name.ends_with(".localhost")
    }

    pub fn names(&self) -> &[String] {
        &self.0
    }
}

/// Middleware: a request whose `Host` (or absolute URI) names another server
/// is refused. Requests with no `Host` at all (HTTP/1.0, in-process calls) do
/// not come from a browser and pass.
pub async fn check(State(hosts): State<AllowedHosts>, req: Request, next: Next) -> Response {
    let header = req.headers().get(HOST).map(|v| v.to_str().unwrap_or("\u{0}"));
    let named = header.or(req.uri().authority().map(|a| a.as_str()));
    if let Some(host) = named.filter(|h| !hosts.allows(h)) {
        let shown: String = host.chars().filter(|c| c.is_ascii_graphic()).take(100).collect();
        return ApiError::WrongHost(format!(
            "this server does not answer to `{shown}`; start it with `--allowed-host {}` if that name is meant",
            host_name(&shown)
        ))
        .into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_ports_and_case() {
        let h = AllowedHosts::new("10.1.2.3:8080".parse().unwrap(), &["Sluice.Bank.example:443".into()]);
        for ok in [
            "localhost:8080",
            "LOCALHOST",
            "127.0.0.1:9",
            "[::1]:8080",
            "10.1.2.3:8080",
            "sluice.bank.example",
            "app.localhost",
        ] {
            assert!(h.allows(ok), "{ok}");
        }
        for bad in ["evil.example:8080", "127.0.0.1.evil.example", "10.1.2.4", "localhost.evil", "", "[::2]"] {
            assert!(!h.allows(bad), "{bad}");
        }
        let any = AllowedHosts::new("0.0.0.0:8080".parse().unwrap(), &[]);
        assert!(!any.allows("0.0.0.0:8080"));
        assert_eq!(any.names(), ["localhost", "127.0.0.1", "[::1]"]);
    }
}
