//! The OpenAPI part of connections, environments and the catalog. Their types
//! live in `shared` (the browser uses them too), which knows nothing of
//! utoipa, so their schemas are written here, next to the handlers, and put
//! into the document's operations by [`patch`].

use serde_json::{Value, json};

/// A connection name: `shared::connections::check_name` as a pattern.
pub const NAME_PATTERN: &str = "^[A-Za-z][A-Za-z0-9_-]{0,63}$";
/// A SQLite file: `super::is_file_name` as a pattern.
pub const FILE_PATTERN: &str = "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}(/[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}){0,15}$";

/// One kind's body. PostgreSQL and MySQL need a host and a database name;
/// SQLite a file, and ignores host, port, user and TLS (their limits still hold).
fn spec_for(kinds: &[&str], network: bool) -> Value {
    use super::super::limits::{CONNECTION_FIELD_MAX as LONG, HOST_MAX};
    let (host, database) = if network {
        (
            json!({ "type": "string", "pattern": crate::engine::connect::HOST_PATTERN, "maxLength": HOST_MAX,
                "description": "Host name or address" }),
            json!({ "type": "string", "pattern": "\\S", "maxLength": LONG, "description": "Database name" }),
        )
    } else {
        (
            json!({ "type": ["string", "null"], "maxLength": HOST_MAX, "description": "Ignored for SQLite" }),
            json!({ "type": "string", "pattern": FILE_PATTERN, "maxLength": LONG,
                "description": "The database file, relative to the environment's data root" }),
        )
    };
    json!({
        "type": "object",
        "required": if network { json!(["kind", "host", "database"]) } else { json!(["kind", "database"]) },
        "additionalProperties": false,
        "properties": {
            "kind": { "type": "string", "enum": kinds },
            "host": host,
            "port": { "type": ["integer", "null"], "minimum": 1, "maximum": 65535 },
            "database": database,
            "user": { "type": ["string", "null"], "maxLength": LONG },
            "tls": { "$ref": "#/components/schemas/TlsMode" },
            "connect_timeout_secs": { "type": "integer", "minimum": 1, "maximum": super::MAX_CONNECT_TIMEOUT_SECS, "default": 10 },
            "read_only": { "type": "boolean", "default": true },
            "secret": { "type": ["string", "null"], "writeOnly": true, "maxLength": LONG,
                "description": "The password; never returned. Absent keeps the stored one, empty removes it" }
        }
    })
}

fn connection_spec() -> Value {
    json!({ "oneOf": [spec_for(&["postgres", "mysql"], true), spec_for(&["sqlite"], false)] })
}

fn connection_view() -> Value {
    json!({
        "type": "object",
        "required": ["name", "kind", "host", "port", "database", "user", "tls", "connect_timeout_secs",
            "read_only", "has_secret", "updated_at", "updated_by"],
        "properties": {
            "name": { "type": "string" },
            "kind": { "$ref": "#/components/schemas/DbKind" },
            "host": { "type": ["string", "null"] },
            "port": { "type": ["integer", "null"] },
            "database": { "type": "string" },
            "user": { "type": ["string", "null"] },
            "tls": { "$ref": "#/components/schemas/TlsMode" },
            "connect_timeout_secs": { "type": "integer" },
            "read_only": { "type": "boolean" },
            "has_secret": { "type": "boolean", "description": "Whether a secret is stored (never the secret)" },
            "updated_at": { "type": "string" },
            "updated_by": { "type": "string" }
        }
    })
}

fn schemas() -> Vec<(&'static str, Value)> {
    let str_map = json!({ "type": "object", "additionalProperties": { "type": "string" } });
    let bindings = json!({ "type": "object", "maxProperties": super::environments::MAX_BINDINGS,
        "propertyNames": { "pattern": NAME_PATTERN },
        "additionalProperties": { "type": "string", "pattern": NAME_PATTERN },
        "description": "Graph connection name → connection name (which need not exist yet)" });
    vec![
        ("DbKind", json!({ "type": "string", "enum": ["postgres", "mysql", "sqlite"] })),
        ("TlsMode", json!({ "type": "string", "enum": ["disable", "prefer", "require"] })),
        ("ConnectionSpec", connection_spec()),
        ("ConnectionView", connection_view()),
        (
            "TestOutcome",
            json!({
                "type": "object", "required": ["ok", "message", "elapsed_ms"],
                "properties": { "ok": { "type": "boolean" }, "message": { "type": "string" },
                    "elapsed_ms": { "type": "integer", "minimum": 0 } }
            }),
        ),
        (
            "EnvironmentSpec",
            json!({
                "type": "object", "additionalProperties": false,
                "properties": {
                    "data_root": { "type": ["string", "null"], "maxLength": 1024,
                        "pattern": crate::environments::DATA_ROOT_PATTERN,
                        "description": "A folder inside the data dir, not `sandbox`, `sluice.db*` or `secret.key`; \
                            absent or empty: the server's `files`" },
                    "bindings": bindings,
                    "cluster": { "type": ["string", "null"], "maxLength": 300,
                        "description": "`df://HOST:PORT` of a Ballista scheduler: runs of this environment execute there \
                            (a server built with the `cluster` feature); absent or empty: in the server" }
                }
            }),
        ),
        (
            "EnvironmentView",
            json!({
                "type": "object", "required": ["name", "data_root", "bindings"],
                "properties": { "name": { "type": "string" }, "data_root": { "type": ["string", "null"] },
                    "bindings": str_map, "cluster": { "type": ["string", "null"] } }
            }),
        ),
        (
            "CatalogConnection",
            json!({
                "type": "object", "required": ["name", "kind", "read_only"],
                "properties": { "name": { "type": "string" }, "kind": { "$ref": "#/components/schemas/DbKind" },
                    "read_only": { "type": "boolean" } }
            }),
        ),
        (
            "TableList",
            json!({
                "type": "object", "required": ["tables", "truncated"],
                "properties": { "truncated": { "type": "boolean" }, "tables": { "type": "array", "items": {
                    "type": "object", "required": ["schema", "name"],
                    "properties": { "schema": { "type": ["string", "null"] }, "name": { "type": "string" } } } } }
            }),
        ),
        (
            "ColumnList",
            json!({
                "type": "object", "required": ["columns"],
                "properties": { "columns": { "type": "array", "items": {
                    "type": "object", "required": ["name", "type"],
                    "properties": { "name": { "type": "string" }, "type": { "type": ["string", "null"] } } } } }
            }),
        ),
    ]
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn array_of(name: &str) -> Value {
    json!({ "type": "array", "items": reference(name) })
}

/// (path, method, request body schema, 200 answer schema) of every operation here.
fn operations() -> Vec<(&'static str, &'static str, Option<Value>, Option<Value>)> {
    vec![
        ("/api/connections", "get", None, Some(array_of("ConnectionView"))),
        ("/api/connections/{name}", "put", Some(reference("ConnectionSpec")), Some(reference("ConnectionView"))),
        ("/api/connections/{name}", "delete", None, None),
        ("/api/connections/{name}/test", "post", Some(reference("ConnectionSpec")), Some(reference("TestOutcome"))),
        ("/api/environments", "get", None, Some(array_of("EnvironmentView"))),
        ("/api/environments/{name}", "put", Some(reference("EnvironmentSpec")), Some(reference("EnvironmentView"))),
        ("/api/catalog/connections", "get", None, Some(array_of("CatalogConnection"))),
        ("/api/catalog/connections/{name}/tables", "get", None, Some(reference("TableList"))),
        ("/api/catalog/connections/{name}/columns", "get", None, Some(reference("ColumnList"))),
    ]
}

/// Adds the schemas, request bodies and answers of these operations to `doc`
/// (before the document's shared rules complete every operation).
pub fn patch(doc: &mut Value) {
    for (name, schema) in schemas() {
        doc["components"]["schemas"][name] = schema;
    }
    for (path, method, body, answer) in operations() {
        let op = &mut doc["paths"][path][method];
        if !op.is_object() {
            continue;
        }
        if let Some(body) = body {
            let required = method != "post";
            op["requestBody"] = json!({ "required": required, "content": { "application/json": { "schema": body } } });
        }
        if let Some(answer) = answer {
            op["responses"]["200"]["content"] = json!({ "application/json": { "schema": answer } });
        }
        if method == "delete" {
            op["responses"]["204"] = json!({ "description": "Deleted" });
            op["responses"]["409"] =
                json!({ "description": "Still bound in an environment or used by an approved graph" });
        }
        if method == "put" || path.ends_with("/test") {
            op["responses"]["400"] = json!({ "description": "A field is not valid (the message names it)" });
        }
        let name = json!({ "name": "name", "in": "path", "required": true,
            "schema": { "type": "string", "pattern": NAME_PATTERN } });
        let mut params: Vec<Value> = op["parameters"].as_array().cloned().unwrap_or_default();
        params.retain(|p| p["name"] != "name");
        if path.contains("{name}") {
            params.push(name);
        }
        op["parameters"] = Value::Array(params);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::connect::{Connection, DbKind, Parts};
    use crate::engine::root::DataRoot;

    fn agree(pattern: &str, samples: &[&str], code: impl Fn(&str) -> bool) {
        let re = regex::Regex::new(pattern).unwrap();
        for s in samples {
            assert_eq!(re.is_match(s), code(s), "`{s}`: the document and the code disagree about {pattern}");
        }
    }

    #[test]
    fn documented_patterns_are_the_rules_the_code_applies() {
        let names = ["core", "a", "core-dw_2", "", "1x", "a b", "ä", &"x".repeat(64), &"x".repeat(65)];
        agree(NAME_PATTERN, &names, |s| sluice_shared::connections::check_name(s).is_ok());
        let long = "n".repeat(253);
        let hosts = ["db.bank", "10.0.0.1", "::1", "[fe80::1]", "[::1", "a:b", "[abc]", "", " db", "h/x", "[]", &long];
        let root = DataRoot::new("/data");
        agree(crate::engine::connect::HOST_PATTERN, &hosts, |h| {
            let p = Parts {
                kind: DbKind::Postgres,
                host: Some(h),
                port: None,
                database: "d",
                user: None,
                password: None,
                tls: Default::default(),
                connect_timeout: std::time::Duration::from_secs(1),
                read_only: true,
            };
            Connection::from_parts(&p, &root).is_ok()
        });
        let files = ["a.db", "dw/a.db", ".a", "a/../b", "a//b", "a/", "/a", "a b", "a/.x", &"d/".repeat(16)];
        agree(FILE_PATTERN, &files, super::super::is_file_name);
        let roots = ["prod", "a/b", "", "../x", "/etc", ".x", "a/.b", "x y", &"r/".repeat(8), "prod/", "a.b"];
        agree(crate::environments::DATA_ROOT_PATTERN, &roots, |r| {
            r.is_empty() || crate::environments::relative_names(r, 8, 64)
        });
    }
}
