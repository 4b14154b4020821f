//! Source checks: a CSV source's delimiter and encoding, a table source's table or
//! query and incremental column, and a declared `schema`.

use super::{Issues, NodeCtx, push_all, single_char};
use crate::config::{ColumnDecl, CsvSource, TableSource, declared_schema};
use crate::types::Schema;

/// The delimiter, the encoding, and the declared or inspected columns of a CSV source.
pub(super) fn csv_source(c: &CsvSource, ctx: &NodeCtx, issues: &mut Issues) -> Option<Schema> {
    single_char(&c.delimiter, "delimiter", issues);
    if let Some(enc) = &c.encoding
        && let lower = enc.to_ascii_lowercase()
        && lower != "utf8"
        && !crate::config::ENCODINGS.contains(&lower.as_str())
    {
        issues.push(("encoding".into(), format!("encoding `{enc}` is not supported; use utf-8 or gbk")));
    }
    declared(c.schema.as_deref(), issues).or_else(|| ctx.inspected.cloned())
}

/// `source.table`: a table name or one read-only SELECT, and the incremental column.
pub(super) fn table_source(c: &TableSource, ctx: &NodeCtx, issues: &mut Issues) -> Option<Schema> {
    let declared = |p: &str| ctx.scope_params.contains_key(p);
    match (&c.table, &c.query) {
        (Some(_), Some(_)) => issues.push(("table".into(), "give `table` or `query`, not both".into())),
        (None, None) => issues.push(("table".into(), "give a `table` or a `query`".into())),
        (Some(t), None) => {
            if let Err(e) = crate::table_source::check_written(t, &declared) {
                issues.push(("table".into(), e));
            }
        }
        (None, Some(q)) => push_all(issues, "query", crate::sqlcheck::check_query_readonly(q)),
    }
    if let Some(inc) = &c.incremental {
        if inc.column.trim().is_empty() {
            issues.push(("incremental".into(), "name the column that grows (for example `updated_at`)".into()));
        } else if let Some(s) = ctx.inspected
            && s.field(&inc.column).is_none()
        {
            issues.push(("incremental".into(), format!("column `{}` is not in the table", inc.column)));
        }
        if let Err(e) = inc.initial_text() {
            issues.push(("incremental.initial".into(), e));
        } else if inc.initial.as_ref().and_then(|v| v.as_str()).is_some_and(|s| s.len() > 200) {
            issues.push(("incremental.initial".into(), "`initial` is at most 200 characters".into()));
        }
    }
    ctx.inspected.cloned()
}

pub(super) fn declared(cols: Option<&[ColumnDecl]>, issues: &mut Issues) -> Option<Schema> {
    let cols = cols?;
    let mut seen = std::collections::HashSet::new();
    for c in cols {
        if c.name.is_empty() {
            issues.push(("schema".into(), "a column in `schema` has an empty name".into()));
        } else if !seen.insert(c.name.as_str()) {
            issues.push(("schema".into(), format!("column `{}` is declared twice", c.name)));
        }
    }
    Some(declared_schema(cols))
}
