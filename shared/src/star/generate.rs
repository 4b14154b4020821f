//! The wizard's choices → ordinary nodes and edges, placed as one labelled
//! group: dimension loads (`sink.table` scd2 where history is kept), the fact
//! joined with each dimension on its key (for a dimension with history, the
//! version valid at the fact's date: a left join on the key, then a filter on
//! `valid_from`/`valid_to`), an aggregate to the grain and a sink for the mart.
//! Nothing here is special at run time.

use super::measures::{self, Measure};
use crate::config::AggFn;
use crate::model::{Edge, Graph, Node, ParamDecl, ParamType};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// What the wizard collected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StarSpec {
    /// The group's label (also the start of every new node id).
    pub name: String,
    /// The fact's source node and its columns.
    pub fact: String,
    pub fact_columns: Vec<String>,
    /// The fact's date column: the time axis of the grain and of history lookups.
    #[serde(default)]
    pub date_column: Option<String>,
    pub dimensions: Vec<DimensionSpec>,
    pub grain: Vec<String>,
    pub measures: Vec<Measure>,
    pub mart: Mart,
}

/// One dimension: a source node joined on `fact_key` = `key`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionSpec {
    pub node: String,
    pub columns: Vec<String>,
    pub fact_key: String,
    pub key: String,
    /// Keep history in a table (`sink.table` mode `scd2`) and look up the version valid at the fact's date.
    #[serde(default)]
    pub history: Option<History>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub connection: String,
    pub table: String,
    pub tracked: Vec<String>,
}

/// Where the mart goes: a file (`.csv` / `.parquet` by extension) or a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mart {
    File { path: String },
    Table { connection: String, table: String },
}

/// The nodes and edges to add, the parameters they need, and the group.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub params: BTreeMap<String, ParamDecl>,
    pub group: String,
    pub label: String,
}

/// The columns after every dimension join, in order (the grain's choices).
pub fn joined_columns(spec: &StarSpec) -> Vec<String> {
    let mut cols = spec.fact_columns.clone();
    for d in &spec.dimensions {
        let right = right_columns(d);
        let left: Vec<&str> = cols.iter().map(String::as_str).collect();
        let right: Vec<&str> = right.iter().map(String::as_str).collect();
        let renamed = crate::infer::join_right_names(&left, &right);
        cols.extend(renamed);
    }
    cols
}

fn right_columns(d: &DimensionSpec) -> Vec<String> {
    let mut cols = d.columns.clone();
    if d.history.is_some() {
        cols.extend(["sk", "valid_from", "valid_to"].map(|c| format!("{}_{c}", d.node)));
    }
    cols
}

/// Everything wrong with `spec` against `graph`, each in words.
pub fn check(graph: &Graph, spec: &StarSpec) -> Vec<String> {
    let mut out = Vec::new();
    let known = |id: &str| graph.node(id).is_some();
    if !known(&spec.fact) {
        out.push(format!("the graph has no node `{}` to use as the fact", spec.fact));
    }
    let cols = joined_columns(spec);
    for d in &spec.dimensions {
        if !known(&d.node) {
            out.push(format!("the graph has no node `{}` to use as a dimension", d.node));
        }
        if d.node == spec.fact {
            out.push(format!("`{}` is the fact; it cannot be its own dimension", d.node));
        }
        if !spec.fact_columns.contains(&d.fact_key) {
            out.push(format!("dimension `{}`: the fact has no column `{}`", d.node, d.fact_key));
        }
        if !d.columns.contains(&d.key) {
            out.push(format!("dimension `{}` has no column `{}`", d.node, d.key));
        }
        if d.history.is_some() && spec.date_column.is_none() {
            out.push(format!(
                "dimension `{}` keeps history: pick the fact's date column to look versions up by",
                d.node
            ));
        }
    }
    if let Some(d) = &spec.date_column
        && !spec.fact_columns.contains(d)
    {
        out.push(format!("the fact has no date column `{d}`"));
    }
    for g in &spec.grain {
        if !cols.contains(g) {
            out.push(format!("grain column `{g}` is not a column of the joined fact"));
        }
    }
    for m in &spec.measures {
        if !cols.contains(&m.column) {
            out.push(format!("measure column `{}` is not a column of the joined fact", m.column));
        }
    }
    out.extend(measures::check(&spec.grain, &spec.measures, spec.date_column.as_deref()));
    out
}

/// An id prefix from the label that no node of `graph` starts with.
fn prefix(graph: &Graph, name: &str) -> String {
    let mut base: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).take(24).collect();
    if !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
        base = format!("star_{base}");
    }
    let taken = |p: &str| graph.nodes.iter().any(|n| n.id.starts_with(&format!("{p}_")));
    let mut p = base.trim_end_matches('_').to_string();
    let mut n = 2;
    while taken(&p) {
        p = format!("{}{n}", base.trim_end_matches('_'));
        n += 1;
    }
    p
}

/// A column as an expression: bare when it is a plain identifier, quoted otherwise.
fn ident(c: &str) -> String {
    let plain = c.starts_with(|x: char| x.is_ascii_alphabetic() || x == '_')
        && c.chars().all(|x| x.is_ascii_alphanumeric() || x == '_');
    if plain { c.to_string() } else { format!("\"{}\"", c.replace('"', "\"\"")) }
}

/// Builds the nodes; `at` is the group's top-left corner on the canvas.
pub fn generate(graph: &Graph, spec: &StarSpec, at: [f64; 2]) -> Result<Generated, Vec<String>> {
    let problems = check(graph, spec);
    if !problems.is_empty() {
        return Err(problems);
    }
    let p = prefix(graph, &spec.name);
    let mut b = Builder { p: p.clone(), nodes: Vec::new(), edges: Vec::new(), at, col: 0 };
    let mut params = BTreeMap::new();
    let mut current = spec.fact.clone();
    for d in &spec.dimensions {
        b.col += 1;
        let dim = d.node.as_str();
        let right = match &d.history {
            None => dim.to_string(),
            Some(h) => {
                params.insert("biz_date".to_string(), ParamDecl { ty: ParamType::Date, default: None, derive: None });
                b.history(d, h)
            }
        };
        let join = b.add(
            &format!("{dim}_join"),
            "transform.join",
            3,
            json!({
            "how": "left", "on": [{"left": d.fact_key, "right": d.key}]}),
        );
        b.edge(&current, &join, Some("left"));
        b.edge(&right, &join, Some("right"));
        current = join;
        if d.history.is_some() {
            let date = ident(spec.date_column.as_deref().unwrap_or_default());
            let (sk, from, to) =
                (ident(&format!("{dim}_sk")), ident(&format!("{dim}_valid_from")), ident(&format!("{dim}_valid_to")));
            let predicate = format!("{sk} IS NULL OR ({from} <= {date} AND ({to} IS NULL OR {date} < {to}))");
            let asof = b.add(&format!("{dim}_asof"), "transform.filter", 4, json!({"predicate": predicate}));
            b.edge(&current, &asof, None);
            current = asof;
        }
    }
    b.col += 1;
    let aggs: Vec<Value> = spec
        .measures
        .iter()
        .map(|m| match m.func {
            AggFn::Count if m.column.is_empty() => json!({"fn": "count", "as": m.output()}),
            f => json!({"fn": f.as_str(), "column": m.column, "as": m.output()}),
        })
        .collect();
    let agg = b.add("grain", "transform.aggregate", 3, json!({"group_by": spec.grain, "aggregates": aggs}));
    b.edge(&current, &agg, None);
    b.col += 1;
    let (kind, config) = match &spec.mart {
        Mart::File { path } if path.to_lowercase().ends_with(".parquet") => ("sink.parquet", json!({"path": path})),
        Mart::File { path } => ("sink.csv", json!({"path": path})),
        Mart::Table { connection, table } => {
            ("sink.table", json!({"connection": connection, "table": table, "mode": "replace"}))
        }
    };
    let mart = b.add("mart", kind, 3, config);
    b.edge(&agg, &mart, None);
    Ok(Generated { nodes: b.nodes, edges: b.edges, params, group: p, label: spec.name.clone() })
}

struct Builder {
    p: String,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    at: [f64; 2],
    col: usize,
}

impl Builder {
    /// A dimension that keeps history: its load into the scd2 table, and the
    /// table's versions read back with their validity; returns the node to join.
    fn history(&mut self, d: &DimensionSpec, h: &History) -> String {
        let dim = d.node.as_str();
        let load = self.add(
            &format!("{dim}_load"),
            "sink.table",
            0,
            json!({
                "connection": h.connection, "table": h.table, "mode": "scd2",
                "keys": [d.key], "tracked": h.tracked, "as_of": "$biz_date"}),
        );
        self.edge(dim, &load, None);
        let hist =
            self.add(&format!("{dim}_hist"), "source.table", 1, json!({"connection": h.connection, "table": h.table}));
        let mut cols: Vec<Value> = d.columns.iter().map(|c| json!(c)).collect();
        for c in ["sk", "valid_from", "valid_to"] {
            cols.push(json!({"name": c, "as": format!("{dim}_{c}")}));
        }
        let sel = self.add(&format!("{dim}_versions"), "transform.select", 2, json!({"columns": cols}));
        self.edge(&hist, &sel, None);
        sel
    }

    /// Adds node `<prefix>_<suffix>` (id cut to 64 characters) in row `row` of the current column.
    fn add(&mut self, suffix: &str, kind: &str, row: usize, config: Value) -> String {
        let mut id = format!("{}_{suffix}", self.p);
        id.truncate(64);
        while self.nodes.iter().any(|n| n.id == id) {
            id.truncate(60);
            id.push_str(&format!("_{}", self.nodes.len()));
        }
        let pos = [self.at[0] + 220.0 * self.col as f64, self.at[1] + 110.0 * row as f64];
        let ui = json!({"group": self.p});
        self.nodes.push(Node { id: id.clone(), kind: kind.into(), config, pos: Some(pos), ui: Some(ui) });
        id
    }

    fn edge(&mut self, from: &str, to: &str, port: Option<&str>) {
        self.edges.push(Edge { from: from.into(), to: to.into(), port: port.map(str::to_string), ui: None });
    }
}

/// `graph` with `g` added: its nodes and edges, missing parameters declared, and
/// the group listed under `ui.groups` (`{"id", "label"}`; nodes say `ui.group`).
pub fn insert(graph: &Graph, g: &Generated) -> Graph {
    let mut out = graph.clone();
    out.nodes.extend(g.nodes.iter().cloned());
    out.edges.extend(g.edges.iter().cloned());
    for (k, v) in &g.params {
        out.params.entry(k.clone()).or_insert_with(|| v.clone());
    }
    super::groups::add(&mut out, &g.group, &g.label);
    out
}
