//! Hash routes (`#/graphs`, `#/graphs/<id>`, `#/reviews/<sid>`, `#/runs/<id>`,
//! `#/explore/<graph>/<node>[/<date>]`,
//! `#/admin/connections`...): parsed here, in plain Rust, so they are tested
//! natively. Hash routes keep the bundle free of a router crate and need
//! nothing from the server but `index.html`.

#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    Login,
    Graphs,
    Editor(String),
    Reviews,
    Review(String),
    Runs,
    Run(String),
    Admin,
    Connections,
    Dataflow,
    Reports,
    Report(String),
    /// A file sink's published output in Explore: graph id, node id, business date.
    Published(String, String, Option<String>),
}

impl Route {
    pub fn from_hash(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let mut parts = path.splitn(2, '/');
        let decode = |id: &str| percent_decode(id).unwrap_or_else(|| id.to_string());
        match (parts.next(), parts.next().filter(|id| !id.is_empty())) {
            (Some("login"), _) => Route::Login,
            (Some("graphs"), Some(id)) => Route::Editor(decode(id)),
            (Some("reviews"), Some(id)) => Route::Review(decode(id)),
            (Some("reviews"), None) => Route::Reviews,
            (Some("runs"), Some(id)) => Route::Run(decode(id)),
            (Some("runs"), None) => Route::Runs,
            (Some("admin"), Some("connections")) => Route::Connections,
            (Some("dataflow"), _) => Route::Dataflow,
            (Some("reports"), Some(name)) => Route::Report(decode(name)),
            (Some("reports"), None) => Route::Reports,
            (Some("explore"), Some(rest)) => {
                let mut p = rest.splitn(3, '/');
                match (p.next(), p.next(), p.next()) {
                    (Some(g), Some(n), date) if !g.is_empty() && !n.is_empty() => {
                        Route::Published(decode(g), decode(n), date.filter(|d| !d.is_empty()).map(decode))
                    }
                    _ => Route::Reports,
                }
            }
            (Some("admin"), _) => Route::Admin,
            _ => Route::Graphs,
        }
    }
}

/// Decodes `%XX` escapes (UTF-8), as `decodeURIComponent` does; `None` for a
/// malformed escape or bytes that are not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_route_to_pages() {
        assert_eq!(Route::from_hash(""), Route::Graphs);
        assert_eq!(Route::from_hash("#/graphs"), Route::Graphs);
        assert_eq!(Route::from_hash("#/graphs/"), Route::Graphs);
        assert_eq!(Route::from_hash("#/graphs/g-1"), Route::Editor("g-1".into()));
        assert_eq!(Route::from_hash("#/login"), Route::Login);
        assert_eq!(Route::from_hash("#/reviews"), Route::Reviews);
        assert_eq!(Route::from_hash("#/reviews/s9"), Route::Review("s9".into()));
        assert_eq!(Route::from_hash("#/runs"), Route::Runs);
        assert_eq!(Route::from_hash("#/runs/r7"), Route::Run("r7".into()));
        assert_eq!(Route::from_hash("#/admin"), Route::Admin);
        assert_eq!(Route::from_hash("#/admin/connections"), Route::Connections);
        assert_eq!(Route::from_hash("#/nowhere/at/all"), Route::Graphs);
        assert_eq!(Route::from_hash("#/explore/g1/out"), Route::Published("g1".into(), "out".into(), None));
        assert_eq!(
            Route::from_hash("#/explore/g1/out%20pq/2026-11-20"),
            Route::Published("g1".into(), "out pq".into(), Some("2026-11-20".into()))
        );
        assert_eq!(Route::from_hash("#/explore/g1"), Route::Reports);
    }

    #[test]
    fn ids_in_routes_are_percent_decoded() {
        assert_eq!(Route::from_hash("#/graphs/a%20b"), Route::Editor("a b".into()));
        assert_eq!(Route::from_hash("#/graphs/%E6%97%A5%E6%8A%A5"), Route::Editor("日报".into()));
        // A slash inside an id stays part of it.
        assert_eq!(Route::from_hash("#/runs/a/b"), Route::Run("a/b".into()));
        // A broken escape is kept as typed rather than lost.
        assert_eq!(Route::from_hash("#/graphs/100%"), Route::Editor("100%".into()));
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%C3"), None);
    }
}
