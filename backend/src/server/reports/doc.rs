//! The OpenAPI part of `/api/reports`. Its types live in `shared::api::reports`
//! (the browser uses them too), which knows nothing of utoipa, so the schemas
//! are written here and put into the document by [`patch`].

use serde_json::{Value, json};
use sluice_shared::api::published::MAX_PUBLISHED_DATES;
use sluice_shared::api::reports::{
    MAX_FILTER_VALUES, MAX_PAGE, MAX_PIVOT_FILTERS, MAX_PIVOT_KEYS, MAX_PIVOT_MEASURES, MAX_PIVOT_ROWS,
};

/// A report name (`sluice_shared::report::is_name`) as a pattern.
pub const NAME_PATTERN: &str = "^[a-z0-9][a-z0-9_-]{0,63}$";
const DATE_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

fn r(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn obj(required: &[&str], props: Value) -> Value {
    json!({ "type": "object", "required": required, "properties": props })
}

fn chart() -> Value {
    json!({ "type": "string", "enum": ["table", "bar", "line", "area", "pie", "kpi", "pivot"] })
}

fn date_view() -> Value {
    obj(
        &["biz_date", "run_id", "version", "hash", "row_count", "created_at", "draft"],
        json!({ "biz_date": { "type": "string" }, "run_id": { "type": "string" }, "version": { "type": "integer" },
            "hash": { "type": "string" }, "row_count": { "type": "integer", "minimum": 0 },
            "created_at": { "type": "integer" }, "draft": { "type": "boolean" } }),
    )
}

fn pivot_request() -> Value {
    let col = json!({ "type": "string", "minLength": 1, "maxLength": 256 });
    json!({ "type": "object", "required": ["measures"], "additionalProperties": false, "properties": {
        "date": { "type": ["string", "null"], "pattern": DATE_PATTERN },
        "chart": { "type": "string", "enum": ["table", "bar", "line", "area", "pie", "kpi", "pivot"],
            "description": "Also draw the answer as this chart (SVG in the answer's `svg`)" },
        "rows": { "type": "array", "items": col, "maxItems": MAX_PIVOT_KEYS },
        "columns": { "type": "array", "items": col, "maxItems": MAX_PIVOT_KEYS },
        "measures": { "type": "array", "minItems": 1, "maxItems": MAX_PIVOT_MEASURES, "items": {
            "type": "object", "required": ["column", "agg"], "additionalProperties": false, "properties": {
                "column": col, "agg": { "type": "string", "enum": ["sum", "avg", "count", "min", "max"] } } } },
        "filters": { "type": "array", "maxItems": MAX_PIVOT_FILTERS, "items": {
            "type": "object", "required": ["column", "op"], "additionalProperties": false, "properties": {
                "column": col, "op": { "type": "string", "enum": ["eq", "ne", "lt", "le", "gt", "ge", "contains", "in"] },
                "value": { "type": "string", "maxLength": 1024, "description": "Every op but `in`" },
                "values": { "type": "array", "maxItems": MAX_FILTER_VALUES,
                    "items": { "type": "string", "maxLength": 1024 }, "description": "`in`: the values" } } } }
    }})
}

fn table() -> Value {
    json!({ "type": "array", "items": { "type": "array", "items": {} } })
}

fn fields() -> Value {
    json!({ "type": "array", "items": { "type": "object", "required": ["name"], "properties": {
        "name": { "type": "string" }, "type": {} } } })
}

fn schemas() -> Vec<(&'static str, Value)> {
    let summary = obj(
        &["name", "title", "chart", "owner", "graph_name", "latest", "dates", "can_manage"],
        json!({ "name": { "type": "string" }, "title": { "type": "string" }, "chart": chart(),
            "owner": { "type": "string" }, "graph_name": { "type": "string" },
            "latest": { "type": ["string", "null"] }, "dates": { "type": "integer" }, "can_manage": { "type": "boolean" } }),
    );
    let mut rows = date_view();
    for (k, v) in [
        ("name", json!({ "type": "string" })),
        ("title", json!({ "type": "string" })),
        (
            "config",
            json!({ "type": "object", "description": "The report's `sink.report` config as that version had it" }),
        ),
        ("columns", fields()),
        ("rows", table()),
        ("total", json!({ "type": "integer" })),
        ("offset", json!({ "type": "integer" })),
    ] {
        rows["properties"][k] = v;
        rows["required"].as_array_mut().expect("required").push(json!(k));
    }
    vec![
        ("ReportSummary", summary),
        ("ReportList", obj(&["reports"], json!({ "reports": { "type": "array", "items": r("ReportSummary") } }))),
        ("ReportDate", date_view()),
        (
            "ReportDates",
            obj(
                &["name", "title", "dates"],
                json!({ "name": { "type": "string" }, "title": { "type": "string" },
                "dates": { "type": "array", "items": r("ReportDate") } }),
            ),
        ),
        ("ReportRows", rows),
        ("Viewers", obj(&["viewers"], json!({ "viewers": { "type": "array", "items": { "type": "string" } } }))),
        (
            "Grant",
            json!({ "type": "object", "required": ["username"], "additionalProperties": false,
                "properties": { "username": { "type": "string", "minLength": 1, "maxLength": 64 } } }),
        ),
        ("PivotRequest", pivot_request()),
        (
            "PivotResult",
            obj(
                &["columns", "rows", "truncated", "elapsed_ms"],
                json!({ "columns": fields(), "rows": table(),
                "truncated": { "type": "boolean", "description": format!("More than {MAX_PIVOT_ROWS} groups") },
                "elapsed_ms": { "type": "integer" },
                "svg": { "type": ["string", "null"], "description": "The chart the request asked for, as SVG" } }),
            ),
        ),
        (
            "SaveAsReport",
            json!({ "type": "object", "required": ["graph_name", "title", "chart", "pivot"], "additionalProperties": false,
                "properties": { "graph_name": { "type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S" },
                    "title": { "type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S" },
                    "chart": chart(), "pivot": r("PivotRequest") } }),
        ),
        ("PublishedOutput", published_output()),
        ("PublishedList", obj(&["outputs"], json!({ "outputs": { "type": "array", "items": r("PublishedOutput") } }))),
        ("PublishedSample", published_sample()),
        (
            "SavedReport",
            obj(
                &["graph_id", "graph_name", "submission"],
                json!({ "graph_id": { "type": "string" },
                "graph_name": { "type": "string" }, "submission": { "type": "string" } }),
            ),
        ),
    ]
}

fn published_format() -> Value {
    json!({ "type": "string", "enum": ["csv", "parquet"] })
}

fn published_output() -> Value {
    obj(
        &["graph_id", "graph_name", "node", "format", "dates"],
        json!({ "graph_id": { "type": "string" }, "graph_name": { "type": "string" }, "node": { "type": "string" },
            "format": published_format(),
            "dates": { "type": "array", "maxItems": MAX_PUBLISHED_DATES, "items": { "type": "string" },
                "description": "Business dates with a successful production run, newest first" } }),
    )
}

fn published_sample() -> Value {
    obj(
        &["graph_id", "graph_name", "node", "format", "biz_date", "run_id", "columns", "rows", "total"],
        json!({ "graph_id": { "type": "string" }, "graph_name": { "type": "string" }, "node": { "type": "string" },
            "format": published_format(), "biz_date": { "type": "string" }, "run_id": { "type": "string" },
            "columns": fields(), "rows": table(), "total": { "type": "integer", "minimum": 0 } }),
    )
}

/// The query of rows and downloads (`RowsQuery`).
fn rows_query() -> Vec<Value> {
    let q = |name: &str, schema: Value, why: &str| json!({ "name": name, "in": "query", "required": false, "schema": schema, "description": why });
    vec![
        q("date", json!({ "type": "string", "pattern": DATE_PATTERN }), "Business date; absent: the latest published"),
        q("draft", json!({ "type": "boolean" }), "The caller's own draft rows for that date"),
        q("offset", json!({ "type": "integer", "minimum": 0, "maximum": 1u64 << 40 }), "Rows to skip"),
        q("limit", json!({ "type": "integer", "minimum": 1, "maximum": MAX_PAGE }), "Rows in the page (default 100)"),
        q("sort", json!({ "type": "string", "maxLength": 256 }), "Column to sort by"),
        q("desc", json!({ "type": "boolean" }), "Sort descending"),
        q("filter_column", json!({ "type": "string", "maxLength": 256 }), "Column the filter reads"),
        q("filter", json!({ "type": "string", "maxLength": 200 }), "Rows whose column contains this text"),
    ]
}

/// (path, method, body, 200/201 answer: schema or content type).
fn operations() -> Vec<(&'static str, &'static str, Option<&'static str>, Value)> {
    let j = |s: &str| json!({ "application/json": { "schema": r(s) } });
    let file = |mime: &str| json!({ mime: { "schema": { "type": "string", "format": "binary" } } });
    vec![
        ("/api/reports", "get", None, j("ReportList")),
        ("/api/reports/{name}/dates", "get", None, j("ReportDates")),
        ("/api/reports/{name}/rows", "get", None, j("ReportRows")),
        ("/api/reports/{name}/csv", "get", None, file("text/csv")),
        (
            "/api/reports/{name}/xlsx",
            "get",
            None,
            file("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ),
        ("/api/reports/{name}/svg", "get", None, file("image/svg+xml")),
        ("/api/reports/{name}/png", "get", None, file("image/png")),
        ("/api/reports/{name}/viewers", "get", None, j("Viewers")),
        ("/api/reports/{name}/viewers", "post", Some("Grant"), j("Viewers")),
        ("/api/reports/{name}/viewers/{username}", "delete", None, Value::Null),
        ("/api/reports/{name}/pivot", "post", Some("PivotRequest"), j("PivotResult")),
        ("/api/reports/{name}/save", "post", Some("SaveAsReport"), j("SavedReport")),
        ("/api/published", "get", None, j("PublishedList")),
        ("/api/published/{graph}/{node}", "get", None, j("PublishedSample")),
        ("/api/published/{graph}/{node}/pivot", "post", Some("PivotRequest"), j("PivotResult")),
        ("/api/published/{graph}/{node}/save", "post", Some("SaveAsReport"), j("SavedReport")),
    ]
}

/// A published output's path parameters (and the date of its sample).
fn published_params(path: &str) -> Vec<Value> {
    let p = |name: &str, why: &str| {
        json!({ "name": name, "in": "path", "required": true,
        "schema": { "type": "string", "minLength": 1, "maxLength": 256 }, "description": why })
    };
    let mut out = Vec::new();
    if path.contains("{graph}") {
        out.push(p("graph", "The graph's id"));
        out.push(p("node", "The file sink's node id"));
    }
    if path == "/api/published/{graph}/{node}" {
        out.push(json!({ "name": "date", "in": "query", "required": false,
            "schema": { "type": "string", "pattern": DATE_PATTERN }, "description": "Business date; absent: the latest" }));
    }
    out
}

/// Adds the schemas, bodies, answers and parameters of the report operations.
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
            op["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": r(body) } } });
            op["responses"]["400"] =
                json!({ "description": "A field names an unknown column or a value of the wrong type" });
        }
        let ok = if path.ends_with("/save") { "201" } else { "200" };
        if answer.is_object() {
            op["responses"][ok] = json!({ "description": "OK", "content": answer });
        }
        let mut params = vec![json!({ "name": "name", "in": "path", "required": true,
            "schema": { "type": "string", "pattern": NAME_PATTERN } })];
        if path.contains("{username}") {
            params.push(json!({ "name": "username", "in": "path", "required": true,
                "schema": { "type": "string", "minLength": 1, "maxLength": 64 } }));
        }
        if ["/rows", "/csv", "/xlsx", "/svg", "/png"].iter().any(|s| path.ends_with(s)) {
            params.extend(rows_query());
            op["responses"]["400"] =
                json!({ "description": "A query parameter is malformed or names an unknown column" });
            op["responses"]["404"] =
                json!({ "description": "No such report for the caller, or no rows for that date" });
        }
        if ["/csv", "/xlsx", "/svg", "/png"].iter().any(|s| path.ends_with(s)) {
            op["responses"]["413"] = json!({ "description": "More rows than a download holds" });
        }
        if path.ends_with("/save") {
            op["responses"]["409"] = json!({ "description": "A graph with that name exists, or awaits review" });
        }
        if path.starts_with("/api/published") {
            params = published_params(path);
            op["responses"]["404"] =
                json!({ "description": "Nothing published there the caller may read, or not for that date" });
        }
        if path == "/api/reports" {
            params.clear();
        }
        op["parameters"] = Value::Array(params);
    }
}
