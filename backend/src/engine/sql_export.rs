//! `sluice sql`: each sink's rows as one SQL statement an engineer can read or
//! run elsewhere. The statement is not written by hand from the graph: the
//! engine plans the graph as for a run, with every source replaced by a table
//! named by its node id, and DataFusion's unparser turns that logical plan
//! back into SQL for the chosen dialect. Views that SQL nodes read are inlined
//! first (DataFusion's analyzer), so nothing refers to an intermediate node.

use super::error::EngineError;
use super::root::DataRoot;
use super::{Mode, Options, prepare_with};
use datafusion::logical_expr::LogicalPlan;
use datafusion::sql::unparser::Unparser;
use datafusion::sql::unparser::dialect::{
    CustomDialectBuilder, Dialect, DuckDBDialect, MySqlDialect, PostgreSqlDialect, ScalarFnToSqlHandler,
};
use sluice_shared::{Category, Graph};
use std::collections::BTreeMap;

mod repair;

/// The SQL flavours `--dialect` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlDialect {
    Generic,
    Postgres,
    Mysql,
    Duckdb,
}

impl SqlDialect {
    pub const ALL: [SqlDialect; 4] = [SqlDialect::Generic, SqlDialect::Postgres, SqlDialect::Mysql, SqlDialect::Duckdb];

    pub fn as_str(self) -> &'static str {
        match self {
            SqlDialect::Generic => "generic",
            SqlDialect::Postgres => "postgres",
            SqlDialect::Mysql => "mysql",
            SqlDialect::Duckdb => "duckdb",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        Self::ALL.into_iter().find(|d| d.as_str() == text).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|d| d.as_str()).collect();
            format!("`{text}` is not a dialect; use one of {}", names.join(", "))
        })
    }

    fn unparser_dialect(self) -> Box<dyn Dialect> {
        match self {
            // Standard SQL: double-quoted identifiers, nothing vendor-specific.
            SqlDialect::Generic => Box::new(
                CustomDialectBuilder::new()
                    .with_identifier_quote_style('"')
                    .with_requires_derived_table_alias(true)
                    .build(),
            ),
            SqlDialect::Postgres => Box::new(PostgreSqlDialect {}),
            SqlDialect::Mysql => Box::new(MySqlDialect {}),
            // DuckDB has no `btrim` (its `trim` is the same function), and
            // a check's `matches` rule is `regexp_matches` (unanchored, RE2).
            SqlDialect::Duckdb => Box::new(DuckDBDialect::new().with_custom_scalar_overrides(vec![
                ("btrim", renamed("trim")),
                ("sluice_matches", renamed("regexp_matches")),
            ])),
        }
    }
}

/// A function printed under another name, with the same arguments.
fn renamed(name: &'static str) -> ScalarFnToSqlHandler {
    Box::new(move |unparser: &Unparser, args: &[datafusion::prelude::Expr]| {
        unparser.scalar_function_to_sql(name, args).map(Some)
    })
}

impl From<sluice_shared::api::sql::Dialect> for SqlDialect {
    fn from(d: sluice_shared::api::sql::Dialect) -> Self {
        use sluice_shared::api::sql::Dialect as D;
        match d {
            D::Generic => SqlDialect::Generic,
            D::Postgres => SqlDialect::Postgres,
            D::Mysql => SqlDialect::Mysql,
            D::Duckdb => SqlDialect::Duckdb,
        }
    }
}

/// One sink's statement, or why it has none.
#[derive(Debug)]
pub struct Exported {
    pub sink: String,
    pub sql: Result<String, String>,
}

/// Every sink of `graph`, in graph order, as SQL over tables named by source ids.
pub async fn export(
    graph: &Graph,
    given: &BTreeMap<String, String>,
    root: &DataRoot,
    dialect: SqlDialect,
    opts: Options,
) -> Result<Vec<Exported>, EngineError> {
    let opts = Options { named_sources: true, ..opts };
    let prepared = prepare_with(graph, given, root, Mode::Run, opts).await?;
    let unparser_dialect = dialect.unparser_dialect();
    let mut out = Vec::new();
    for node in &graph.nodes {
        if sluice_shared::NodeKind::parse(&node.kind).map(|k| k.category()) != Some(Category::Distribution) {
            continue;
        }
        let input = prepared.report.inputs.get(&node.id).and_then(|p| p.get("in")).and_then(|f| f.first());
        let sql = match input.and_then(|i| prepared.frames.get(i)) {
            None => Err("the sink has no planned input".to_string()),
            Some(df) => planned(df).and_then(|plan| statement(&plan, unparser_dialect.as_ref())),
        };
        out.push(Exported { sink: node.id.clone(), sql });
    }
    Ok(out)
}

/// The plan to print: views inlined and projections merged by DataFusion's
/// optimizer (the unparser qualifies columns wrongly across stacked projections),
/// with the sink's columns named in order at the top (the unparser folds an
/// aggregate's output into its SELECT list in its own order).
fn planned(df: &datafusion::prelude::DataFrame) -> Result<LogicalPlan, String> {
    let clean = |e: datafusion::error::DataFusionError| super::error::clean(&e);
    let (state, plan) = df.clone().into_parts();
    let plan = state.optimize(&plan).map_err(clean)?;
    let plan = repair::plan(plan).map_err(clean)?;
    if matches!(plan, LogicalPlan::Projection(_)) {
        return Ok(plan);
    }
    let cols: Vec<datafusion::prelude::Expr> =
        plan.schema().columns().into_iter().map(datafusion::prelude::Expr::Column).collect();
    datafusion::logical_expr::LogicalPlanBuilder::from(plan).project(cols).and_then(|b| b.build()).map_err(clean)
}

fn statement(plan: &LogicalPlan, dialect: &dyn Dialect) -> Result<String, String> {
    let mut ast = Unparser::new(dialect).with_pretty(true).plan_to_sql(plan).map_err(|e| super::error::clean(&e))?;
    repair::statement(&mut ast);
    Ok(format!("{};", unique_derived_aliases(&ast.to_string())))
}

/// The unparser names every derived table it must alias `derived_<what>`, the
/// same name twice when both sides of a join need one, which databases refuse.
/// Nothing refers to these aliases (columns stay unqualified or keep their own
/// qualifiers), so each occurrence gets a number.
fn unique_derived_aliases(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    let mut rest = sql;
    while let Some(at) = ["AS \"derived_", "AS `derived_"].iter().filter_map(|p| rest.find(p)).min() {
        let quote = &rest[at + 3..at + 4];
        let name_start = at + 4;
        let Some(len) = rest[name_start..].find(quote) else { break };
        out.push_str(&rest[..name_start + len]);
        n += 1;
        out.push_str(&format!("_{n}"));
        rest = &rest[name_start + len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn derived_aliases_are_numbered() {
        let sql = r#"SELECT a FROM (SELECT 1) AS "derived_projection" JOIN (SELECT 2) AS "derived_projection" ON x"#;
        assert_eq!(
            super::unique_derived_aliases(sql),
            r#"SELECT a FROM (SELECT 1) AS "derived_projection_1" JOIN (SELECT 2) AS "derived_projection_2" ON x"#
        );
        assert_eq!(super::unique_derived_aliases("FROM t AS `derived_sort`"), "FROM t AS `derived_sort_1`");
    }
}
