//! Per-kind checks and schema inference: given the schemas on a node's inputs,
//! check its config against them and compute the schema on its output.
//! `None` means "not known here" (a source not inspected yet, a SQL node): the
//! checks that need columns are then skipped rather than guessed.

mod sources;

use crate::config::*;
use crate::expr::{self, Scope};
use crate::types::{DataType, Field, Schema};
use sources::{csv_source, declared, table_source};

/// What a node's checks can see.
pub struct NodeCtx<'a> {
    pub id: &'a str,
    pub scope_params: &'a std::collections::BTreeMap<String, crate::model::ParamDecl>,
    /// Input schemas per port, in edge order, each with the upstream node id.
    pub inputs: Vec<(&'a str, &'a str, Option<&'a Schema>)>,
    /// A schema the server learned by inspecting this node's source, if any.
    pub inspected: Option<&'a Schema>,
    /// The business calendars known where the graph runs (`None`: not known).
    pub calendars: Option<&'a std::collections::BTreeMap<String, crate::calendar::Calendar>>,
}

/// Problems as (field, message) pairs; the caller ties them to the node.
pub type Issues = Vec<(String, String)>;

impl NodeCtx<'_> {
    fn input(&self, port: &str) -> Option<&Schema> {
        self.inputs.iter().find(|(p, _, _)| *p == port).and_then(|(_, _, s)| *s)
    }
}

/// Checks `cfg` and infers the output schema.
pub fn infer(cfg: &NodeConfig, ctx: &NodeCtx, issues: &mut Issues) -> Option<Schema> {
    match cfg {
        NodeConfig::SourceCsv(c) => csv_source(c, ctx, issues),
        NodeConfig::SourceExcel(c) => declared(c.schema.as_deref(), issues).or_else(|| ctx.inspected.cloned()),
        NodeConfig::SourceParquet(_) | NodeConfig::SourceJson(_) => ctx.inspected.cloned(),
        NodeConfig::SourceTable(c) => {
            if c.connection.trim().is_empty() {
                issues.push(("connection".into(), "choose a connection".into()));
            }
            table_source(c, ctx, issues)
        }
        NodeConfig::SourceDates(c) => Some(crate::calendar::dates::check(c, ctx, issues)),
        NodeConfig::Filter(c) => filter(c, ctx, issues),
        NodeConfig::Select(c) => select(c, ctx.input("in"), issues),
        NodeConfig::Derive(c) => derive(c, ctx, issues),
        NodeConfig::Join(c) => join(c, ctx.input("left"), ctx.input("right"), issues),
        NodeConfig::Union(_) => union(ctx, issues),
        NodeConfig::Aggregate(c) => aggregate(c, ctx.input("in"), issues),
        NodeConfig::Sort(c) => sort(c, ctx, issues),
        NodeConfig::Distinct(c) => distinct(c, ctx, issues),
        NodeConfig::Limit(_) => ctx.input("in").cloned(),
        NodeConfig::Sql(c) => {
            let inputs: Vec<&str> = ctx.inputs.iter().map(|(_, from, _)| *from).collect();
            let declared = |p: &str| ctx.scope_params.contains_key(p);
            push_all(issues, "query", crate::sqlcheck::check(&c.query, &inputs, &declared));
            None
        }
        NodeConfig::TransformCheck(c) => {
            let input = ctx.input("in");
            let against = ctx.inputs.iter().find(|(p, _, _)| *p == "against").map(|(_, _, s)| *s);
            let rctx = crate::check::RuleCtx { params: ctx.scope_params };
            crate::check::infer(c, input, against, &rctx, issues);
            input.cloned()
        }
        NodeConfig::SinkCsv(c) => {
            single_char(&c.delimiter, "delimiter", issues);
            ctx.input("in").cloned()
        }
        NodeConfig::SinkExcel(c) => excel_sink(c, ctx, issues),
        NodeConfig::SinkParquet(_) => ctx.input("in").cloned(),
        NodeConfig::SinkTable(c) => {
            crate::tables::check_sink(c, ctx.input("in"), ctx.scope_params, issues);
            ctx.input("in").cloned()
        }
        NodeConfig::SinkReport(c) => {
            let input = ctx.input("in");
            crate::report::check(c, input, issues);
            input.cloned()
        }
    }
}

/// The predicate reads known columns and gives true/false; the columns pass through.
fn filter(c: &crate::config::FilterConfig, ctx: &NodeCtx, issues: &mut Issues) -> Option<Schema> {
    let input = ctx.input("in");
    let checked = expr::check(&c.predicate, &Scope { schema: input, params: ctx.scope_params });
    push_all(issues, "predicate", checked.errors);
    if let Some(t) = checked.ty.filter(|t| *t != DataType::Bool) {
        issues.push(("predicate".into(), format!("the predicate gives {t}, not true/false")));
    }
    input.cloned()
}

/// At least one key, each a known column; the columns pass through.
fn sort(c: &crate::config::SortConfig, ctx: &NodeCtx, issues: &mut Issues) -> Option<Schema> {
    if c.by.is_empty() {
        issues.push(("by".into(), "choose at least one column to sort by".into()));
    }
    let input = ctx.input("in");
    for k in &c.by {
        need_column(input, &k.column, "by", issues);
    }
    input.cloned()
}

/// All columns, or the listed ones (each known).
fn distinct(c: &crate::config::DistinctConfig, ctx: &NodeCtx, issues: &mut Issues) -> Option<Schema> {
    let input = ctx.input("in");
    match &c.columns {
        None => input.cloned(),
        Some(cols) => {
            if cols.is_empty() {
                issues.push(("columns".into(), "list at least one column, or leave `columns` out".into()));
            }
            for n in cols {
                need_column(input, n, "columns", issues);
            }
            let input = input?;
            Some(Schema(cols.iter().filter_map(|n| input.field(n).cloned()).collect()))
        }
    }
}

/// A sheet name Excel accepts; the columns pass through.
fn excel_sink(c: &crate::config::ExcelSink, ctx: &NodeCtx, issues: &mut Issues) -> Option<Schema> {
    if c.sheet.is_empty() || c.sheet.chars().count() > 31 || c.sheet.contains(['[', ']', ':', '*', '?', '/', '\\']) {
        issues.push((
            "sheet".into(),
            format!("`{}` is not a valid sheet name (1 to 31 characters, none of []:*?/\\)", c.sheet),
        ));
    }
    ctx.input("in").cloned()
}

fn push_all(issues: &mut Issues, field: &str, msgs: Vec<String>) {
    issues.extend(msgs.into_iter().map(|m| (field.to_string(), m)));
}

fn single_char(d: &str, field: &str, issues: &mut Issues) {
    if d.len() != 1 || !d.is_ascii() {
        issues.push((field.into(), format!("the {field} must be one character, not `{d}`")));
    }
}

/// Records an unknown-column problem; returns the column if it exists (or if the
/// input is not known yet, in which case nothing can be said).
pub(crate) fn need_column<'s>(
    input: Option<&'s Schema>,
    name: &str,
    field: &str,
    issues: &mut Issues,
) -> Option<&'s Field> {
    let input = input?;
    let found = input.field(name);
    if found.is_none() {
        let hint = match input.suggest(name) {
            Some(s) => format!("; did you mean `{s}`?"),
            None => format!(" (columns: {})", input.describe_columns()),
        };
        issues.push((field.into(), format!("unknown column `{name}`{hint}")));
    }
    found
}

fn unique_names<'a>(names: impl Iterator<Item = &'a str>, field: &str, issues: &mut Issues) {
    let mut seen = std::collections::HashSet::new();
    for n in names {
        if n.is_empty() {
            issues.push((field.into(), "an output column has an empty name".into()));
        } else if !seen.insert(n) {
            issues.push((field.into(), format!("output column `{n}` appears twice")));
        }
    }
}

fn select(c: &SelectConfig, input: Option<&Schema>, issues: &mut Issues) -> Option<Schema> {
    if c.columns.is_empty() {
        issues.push(("columns".into(), "choose at least one column".into()));
    }
    unique_names(c.columns.iter().map(SelectColumn::output_name), "columns", issues);
    let mut out = Vec::new();
    for col in &c.columns {
        let f = need_column(input, col.name(), "columns", issues);
        out.push(Field::new(col.output_name(), col.cast().or(f.and_then(|f| f.ty))));
    }
    input.map(|_| Schema(out))
}

fn derive(c: &DeriveConfig, ctx: &NodeCtx, issues: &mut Issues) -> Option<Schema> {
    if c.columns.is_empty() {
        issues.push(("columns".into(), "add at least one formula".into()));
    }
    // Sequential: each formula sees the columns made by the ones before it.
    let mut schema = ctx.input("in").cloned();
    for (i, d) in c.columns.iter().enumerate() {
        let field = format!("columns[{i}]");
        if d.name.trim().is_empty() {
            issues.push((field.clone(), "the new column needs a name".into()));
        }
        let checked = expr::check(&d.expr, &Scope { schema: schema.as_ref(), params: ctx.scope_params });
        push_all(issues, &format!("{field}.expr"), checked.errors);
        if let Some(s) = schema.as_mut() {
            match s.0.iter_mut().find(|f| f.name == d.name) {
                Some(f) => f.ty = checked.ty,
                None => s.0.push(Field::new(&d.name, checked.ty)),
            }
        }
    }
    schema
}

/// Output names of a join's right side: a name the left side (or an earlier
/// renamed column) already has gets `_right` appended until it is unique.
pub fn join_right_names(left: &[&str], right: &[&str]) -> Vec<String> {
    let mut taken: std::collections::HashSet<String> = left.iter().map(|s| s.to_string()).collect();
    let mut out = Vec::with_capacity(right.len());
    for name in right {
        let mut n = name.to_string();
        while taken.contains(&n) {
            n.push_str("_right");
        }
        taken.insert(n.clone());
        out.push(n);
    }
    out
}

fn join(c: &JoinConfig, left: Option<&Schema>, right: Option<&Schema>, issues: &mut Issues) -> Option<Schema> {
    if c.on.is_empty() {
        issues.push(("on".into(), "choose at least one pair of key columns".into()));
    }
    for (i, k) in c.on.iter().enumerate() {
        let field = format!("on[{i}]");
        let l = need_column(left, &k.left, &format!("{field}.left"), issues);
        let r = need_column(right, &k.right, &format!("{field}.right"), issues);
        if let (Some(lt), Some(rt)) = (l.and_then(|f| f.ty), r.and_then(|f| f.ty))
            && !comparable(lt, rt)
        {
            issues.push((field, format!("`{}` is {lt} but `{}` is {rt}; they cannot be matched", k.left, k.right)));
        }
    }
    let left = left?;
    if matches!(c.how, JoinHow::Semi | JoinHow::Anti) {
        return Some(left.clone());
    }
    let right = right?;
    let lnames: Vec<&str> = left.names().collect();
    let rnames: Vec<&str> = right.names().collect();
    let renamed = join_right_names(&lnames, &rnames);
    let mut out = left.0.clone();
    out.extend(right.0.iter().zip(renamed).map(|(f, n)| Field::new(n, f.ty)));
    Some(Schema(out))
}

/// Whether two column types can be matched by a join key.
pub fn comparable(a: DataType, b: DataType) -> bool {
    a == b || (a.is_numeric() && b.is_numeric()) || (a.is_temporal() && b.is_temporal())
}

fn union(ctx: &NodeCtx, issues: &mut Issues) -> Option<Schema> {
    let schemas: Vec<(&str, &Schema)> =
        ctx.inputs.iter().map(|(_, from, s)| s.map(|s| (*from, s))).collect::<Option<_>>()?;
    let (first_id, first) = *schemas.first()?;
    let mut out = first.clone();
    for (id, s) in &schemas[1..] {
        let missing: Vec<&str> = first.names().filter(|n| !s.contains(n)).collect();
        let extra: Vec<&str> = s.names().filter(|n| !first.contains(n)).collect();
        if !missing.is_empty() || !extra.is_empty() {
            let mut parts = Vec::new();
            if !missing.is_empty() {
                parts.push(format!("`{id}` lacks {}", missing.join(", ")));
            }
            if !extra.is_empty() {
                parts.push(format!("`{id}` has extra {}", extra.join(", ")));
            }
            issues.push((
                "in".into(),
                format!("inputs must have the same column names as `{first_id}`: {}", parts.join("; ")),
            ));
            continue;
        }
        for f in out.0.iter_mut() {
            let other = s.field(&f.name).and_then(|o| o.ty);
            f.ty = match (f.ty, other) {
                (Some(a), Some(b)) if a == b => Some(a),
                (Some(a), Some(b)) if a.is_numeric() && b.is_numeric() => {
                    if a == DataType::Float64 || b == DataType::Float64 { Some(DataType::Float64) } else { None }
                }
                (Some(a), Some(b)) if a.is_temporal() && b.is_temporal() => Some(DataType::Timestamp),
                (Some(a), Some(b)) => {
                    issues.push(("in".into(), format!("column `{}` is {a} in `{first_id}` but {b} in `{id}`", f.name)));
                    None
                }
                _ => None,
            };
        }
    }
    Some(out)
}

fn aggregate(c: &AggregateConfig, input: Option<&Schema>, issues: &mut Issues) -> Option<Schema> {
    if c.aggregates.is_empty() && c.group_by.is_empty() {
        issues.push(("aggregates".into(), "add a group-by column or an aggregate".into()));
    }
    let names = c.group_by.iter().map(String::as_str).chain(c.aggregates.iter().map(|a| a.alias.as_str()));
    unique_names(names, "aggregates", issues);
    let mut out = Vec::new();
    for g in &c.group_by {
        let f = need_column(input, g, "group_by", issues);
        out.push(Field::new(g, f.and_then(|f| f.ty)));
    }
    for (i, a) in c.aggregates.iter().enumerate() {
        let field = format!("aggregates[{i}]");
        let col_ty = match &a.column {
            None if a.func == AggFn::Count => None,
            None => {
                issues.push((field.clone(), format!("`{}` needs a column", fn_name(a.func))));
                None
            }
            Some(col) => need_column(input, col, &format!("{field}.column"), issues).and_then(|f| f.ty),
        };
        if matches!(a.func, AggFn::Sum | AggFn::Avg)
            && let Some(t) = col_ty.filter(|t| !t.is_numeric())
        {
            issues.push((
                field.clone(),
                format!("`{}` needs a numeric column; `{}` is {t}", fn_name(a.func), a.column.as_deref().unwrap_or("")),
            ));
        }
        out.push(Field::new(&a.alias, agg_type(a.func, col_ty)));
    }
    input.map(|_| Schema(out))
}

/// Result types as DataFusion computes them.
pub fn agg_type(f: AggFn, input: Option<DataType>) -> Option<DataType> {
    use DataType::*;
    match f {
        AggFn::Count | AggFn::CountDistinct => Some(Int64),
        AggFn::Min | AggFn::Max => input,
        AggFn::Sum => match input? {
            Decimal(p, s) => Some(Decimal((p + 10).min(38), s)),
            t => Some(t),
        },
        AggFn::Avg => match input? {
            Decimal(p, s) => Some(Decimal((p + 4).min(38), (s + 4).min(38))),
            _ => Some(Float64),
        },
    }
}

pub fn fn_name(f: AggFn) -> &'static str {
    f.as_str()
}
