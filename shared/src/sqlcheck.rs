//! `transform.sql`: a single SELECT over the node's inputs and nothing else.
//! DDL, DML, COPY, table functions, file paths and unknown tables are refused
//! here, before anything runs, in the browser and on the server alike.

#[cfg(feature = "sql")]
use sqlparser::ast::{Expr, ObjectName, ObjectNamePart, Query, Select, Statement, TableFactor, Value, Visit, Visitor};
#[cfg(feature = "sql")]
use sqlparser::dialect::GenericDialect;
#[cfg(feature = "sql")]
use sqlparser::parser::Parser;
#[cfg(feature = "sql")]
use std::collections::BTreeSet;
#[cfg(feature = "sql")]
use std::ops::ControlFlow;

/// Checks `query` for a SQL node whose inputs are `inputs` (upstream node ids).
/// `declared` tells whether a `$param` exists. Returns every problem found.
pub fn check(query: &str, inputs: &[&str], declared: &dyn Fn(&str) -> bool) -> Vec<String> {
    check_in(query, Over::Inputs(inputs), declared)
}

/// Checks the `query` of a `source.table`: one SELECT the database runs over
/// its own tables, by the statement rules of `transform.sql` (no DDL, DML,
/// locking, `SELECT INTO`, table functions, several statements). Table names
/// are the database's, so they are not checked against inputs; functions that
/// reach outside the database (files, other servers, sleeping) are refused,
/// and `$params` are not available (filter after the source instead: the
/// filter is pushed down to the database).
pub fn check_query_readonly(query: &str) -> Vec<String> {
    check_in(query, Over::Database, &|_| false)
}

/// What the FROM clauses of a query may name.
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "sql"), allow(dead_code))]
enum Over<'a> {
    /// A SQL node's inputs (upstream node ids).
    Inputs(&'a [&'a str]),
    /// Any table of the database the query runs on.
    Database,
}

/// Functions a read-only database query may not call: they read or write
/// server files, reach other servers, change settings or stall the server.
#[cfg(feature = "sql")]
const DB_REFUSED_FUNCTIONS: &[&str] = &[
    "pg_read_file",
    "pg_read_binary_file",
    "pg_ls_dir",
    "pg_stat_file",
    "lo_import",
    "lo_export",
    "lo_from_bytea",
    "lo_put",
    "dblink",
    "dblink_exec",
    "pg_sleep",
    "pg_sleep_for",
    "pg_sleep_until",
    "pg_terminate_backend",
    "pg_cancel_backend",
    "pg_reload_conf",
    "set_config",
    "pg_advisory_lock",
    "pg_notify",
    "load_file",
    "sleep",
    "benchmark",
    "get_lock",
    "load_extension",
    "readfile",
    "writefile",
];

#[cfg(feature = "sql")]
fn check_in(query: &str, over: Over, declared: &dyn Fn(&str) -> bool) -> Vec<String> {
    let inputs: &[&str] = match over {
        Over::Inputs(i) => i,
        Over::Database => &[],
    };
    if let Err(e) = crate::complexity::check(query, crate::complexity::MAX_SQL_OPERATORS) {
        return vec![format!("the SQL is {e}")];
    }
    let dialect = GenericDialect {};
    let statements = match Parser::parse_sql(&dialect, query) {
        Ok(s) => s,
        Err(e) => {
            let msg = e.to_string();
            let msg = msg.strip_prefix("sql parser error: ").unwrap_or(&msg);
            return vec![format!("cannot read the SQL: {msg}")];
        }
    };
    match statements.as_slice() {
        [] => vec!["the SQL is empty; write one SELECT".into()],
        [Statement::Query(q)] => {
            let mut v = Checker {
                inputs,
                database: matches!(over, Over::Database),
                declared,
                ctes: BTreeSet::new(),
                functions: BTreeSet::new(),
                unknown: Vec::new(),
                errors: Vec::new(),
            };
            let _ = q.visit(&mut v);
            // CTEs may be declared after a reference is walked, and table
            // functions are already reported, so unknown names are settled last.
            for name in std::mem::take(&mut v.unknown) {
                if !v.ctes.contains(&name) && !v.functions.contains(&name) {
                    let inputs = if inputs.is_empty() { "none".to_string() } else { inputs.join(", ") };
                    v.err(format!("table `{name}` is not an input of this node (inputs: {inputs})"));
                }
            }
            v.errors
        }
        [one] => vec![format!("only a SELECT is allowed, not {}", leading_keywords(&one.to_string()))],
        many => vec![format!("only one SELECT statement is allowed; found {} statements", many.len())],
    }
}

/// Without the `sql` feature (the editor's first-paint module) nothing is
/// parsed and nothing reported: the full checker or the server does it.
#[cfg(not(feature = "sql"))]
fn check_in(_query: &str, _over: Over, _declared: &dyn Fn(&str) -> bool) -> Vec<String> {
    Vec::new()
}

#[cfg(feature = "sql")]
fn leading_keywords(sql: &str) -> String {
    let words: Vec<&str> = sql.split_whitespace().take(2).collect();
    words.join(" ").to_uppercase()
}

#[cfg(feature = "sql")]
struct Checker<'a> {
    inputs: &'a [&'a str],
    /// A query the database runs over its own tables (`source.table`).
    database: bool,
    declared: &'a dyn Fn(&str) -> bool,
    ctes: BTreeSet<String>,
    /// Table functions already refused, so their names are not reported again as tables.
    functions: BTreeSet<String>,
    /// Relations that are neither inputs nor CTEs, reported after the walk.
    unknown: Vec<String>,
    errors: Vec<String>,
}

#[cfg(feature = "sql")]
impl Checker<'_> {
    fn err(&mut self, msg: String) {
        if !self.errors.contains(&msg) {
            self.errors.push(msg);
        }
    }
}

#[cfg(feature = "sql")]
impl Visitor for Checker<'_> {
    type Break = ();

    fn pre_visit_query(&mut self, q: &Query) -> ControlFlow<()> {
        if let Some(with) = &q.with {
            for cte in &with.cte_tables {
                self.ctes.insert(cte.alias.name.value.clone());
            }
        }
        if !q.locks.is_empty() {
            self.err("locking clauses (FOR UPDATE) are not allowed".into());
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, s: &Select) -> ControlFlow<()> {
        if s.into.is_some() {
            self.err("SELECT INTO writes a table and is not allowed".into());
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, t: &TableFactor) -> ControlFlow<()> {
        match t {
            TableFactor::Table { name, args: Some(_), .. } => {
                self.functions.insert(name.to_string());
                self.err(format!("table function `{name}(...)` is not allowed; read only this node's inputs"));
            }
            TableFactor::Table { .. } | TableFactor::Derived { .. } | TableFactor::NestedJoin { .. } => {}
            other => {
                let text = other.to_string();
                let head: String = text.chars().take(40).collect();
                self.err(format!("`{head}` is not allowed; read only this node's inputs"));
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, name: &ObjectName) -> ControlFlow<()> {
        if self.database {
            let quoted_text =
                name.0.iter().any(|p| matches!(p, ObjectNamePart::Identifier(id) if id.quote_style == Some('\'')));
            if quoted_text || name.0.len() > 3 {
                self.err(format!("`{name}` is not a table name of the database"));
            }
            return ControlFlow::Continue(());
        }
        let parts: Vec<&ObjectNamePart> = name.0.iter().collect();
        let ident = match parts.as_slice() {
            [ObjectNamePart::Identifier(id)] => id,
            _ => {
                self.err(format!("`{name}`: refer to an input by its node id alone"));
                return ControlFlow::Continue(());
            }
        };
        if ident.quote_style == Some('\'') || ident.value.contains(['/', '\\', '.']) {
            self.err(format!("`{name}` looks like a file path; a SQL node reads only its inputs"));
        } else if !self.inputs.contains(&ident.value.as_str()) && !self.ctes.contains(&ident.value) {
            self.unknown.push(ident.value.clone());
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
        if let Expr::Function(f) = e
            && let Some(m) = crate::expr::growth_problem(f)
        {
            self.err(m);
        }
        if self.database
            && let Expr::Function(f) = e
            && let Some(ObjectNamePart::Identifier(last)) = f.name.0.last()
            && DB_REFUSED_FUNCTIONS.contains(&last.value.to_ascii_lowercase().as_str())
        {
            self.err(format!("function `{}` is not allowed in a database query", f.name));
        }
        if let Expr::Value(v) = e
            && let Value::Placeholder(p) = &v.value
        {
            let name = p.strip_prefix('$').unwrap_or(p);
            if self.database {
                self.err(format!(
                    "parameter `{p}` cannot be used in a database query; filter after the source with transform.filter (the filter runs in the database)"
                ));
            } else if !(self.declared)(name) {
                self.err(format!("parameter `{p}` is not declared in the graph's params"));
            }
        }
        ControlFlow::Continue(())
    }
}

#[cfg(feature = "sql")]
#[cfg(test)]
mod tests {
    use super::{check, check_query_readonly};

    #[test]
    fn database_queries_are_one_select_over_any_table() {
        assert!(check_query_readonly("SELECT a, b FROM core.txns t JOIN accts USING (id) WHERE a > 1").is_empty());
        assert!(check_query_readonly("WITH x AS (SELECT * FROM t) SELECT count(*) FROM x").is_empty());
        assert!(check_query_readonly("INSERT INTO t VALUES (1)")[0].contains("INSERT"));
        assert!(check_query_readonly("DROP TABLE t")[0].contains("DROP"));
        assert!(check_query_readonly("CREATE TABLE t (a int)")[0].contains("CREATE"));
        assert!(check_query_readonly("SELECT 1; DELETE FROM t")[0].contains("2 statements"));
        assert!(check_query_readonly("SELECT * FROM t FOR UPDATE")[0].contains("FOR UPDATE"));
        assert!(check_query_readonly("SELECT * INTO t2 FROM t")[0].contains("INTO"));
        assert!(check_query_readonly("SELECT pg_read_file('/etc/passwd')")[0].contains("pg_read_file"));
        assert!(check_query_readonly("SELECT * FROM t WHERE d = $biz_date")[0].contains("transform.filter"));
        assert!(check_query_readonly("SELECT * FROM generate_series(1, 10)")[0].contains("table function"));
    }

    fn errs(q: &str) -> Vec<String> {
        check(q, &["txns", "accts"], &|p| p == "biz_date")
    }

    #[test]
    fn accepts_selects_over_inputs() {
        assert!(errs("SELECT * FROM txns").is_empty());
        assert!(errs("SELECT t.a FROM txns t JOIN accts a ON t.id = a.id WHERE t.d = $biz_date").is_empty());
        assert!(errs("WITH x AS (SELECT * FROM txns) SELECT count(*) FROM x").is_empty());
        assert!(errs("SELECT * FROM (SELECT 1 AS a) s").is_empty());
    }

    #[test]
    fn refuses_everything_else() {
        assert!(errs("DROP TABLE txns")[0].contains("DROP"));
        assert!(errs("INSERT INTO txns VALUES (1)")[0].contains("INSERT"));
        assert!(errs("COPY txns TO 'x.csv'")[0].contains("COPY"));
        assert!(errs("SELECT 1; SELECT 2")[0].contains("2 statements"));
        assert!(errs("SELECT * FROM read_csv('x.csv')")[0].contains("read_csv"));
        assert!(errs("SELECT * FROM txns WHERE a IN (SELECT a FROM other)")[0].contains("`other`"));
        assert!(errs("SELECT * FROM txns WHERE EXISTS (SELECT 1 FROM 'x.csv')")[0].contains("x.csv"));
        assert!(errs("SELECT (SELECT max(a) FROM nope) FROM txns")[0].contains("`nope`"));
        assert!(errs("SELECT * FROM txns t JOIN accts a ON t.id IN (SELECT id FROM secret)")[0].contains("`secret`"));
        assert!(errs("SELECT a FROM txns UNION SELECT a FROM hidden")[0].contains("`hidden`"));
        assert!(errs("SELECT coalesce($nope, 1) FROM txns")[0].contains("$nope"));
        let e = errs("SELECT * FROM txns JOIN read_csv('x') r ON 1=1");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(errs("SELECT * FROM 'data/x.csv'")[0].contains("data/x.csv"));
        assert!(errs("SELECT * FROM other")[0].contains("`other`"));
        assert!(errs("SELECT * FROM txns WHERE a = $nope")[0].contains("$nope"));
        assert!(errs("SELECT * INTO t2 FROM txns")[0].contains("INTO"));
        assert!(errs("SELECT concat(repeat(a, 100000000), 'x') FROM txns")[0].contains("`repeat` with a count"));
    }
}
