//! `transform.check`: data quality rules over a node's input. The config types
//! live here with their checks (columns exist, values fit the column's type,
//! patterns parse, `reconcile` has its `against` input); the engine compiles the
//! rules into its plan.

use crate::expr::{self, Scope};
use crate::types::{DataType, Schema};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The column a quarantine output adds: the names of the rules a row failed.
pub const FAILED_RULES: &str = "_failed_rules";

macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The words, in the order of `ALL` (the editor's choices).
            pub const NAMES: &'static [&'static str] = &[$($text),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|k| k.as_str() == text)
            }
        }
    };
}

word_enum!(
    /// What a rule checks.
    RuleKind {
        NotNull => "not_null",
        Unique => "unique",
        In => "in",
        Between => "between",
        Matches => "matches",
        Expr => "expr",
        RowCount => "row_count",
        Reconcile => "reconcile",
    }
);

word_enum!(
    /// What a broken rule does: `error` fails the run, `warn` reports it.
    RuleLevel { Error => "error", Warn => "warn" }
);

word_enum!(
    /// The aggregate a `reconcile` rule compares.
    ReconcileFn { Sum => "sum", Count => "count", Min => "min", Max => "max" }
);

impl RuleKind {
    /// Table rules judge the whole input (no failing rows, no quarantine).
    pub fn is_table_rule(self) -> bool {
        matches!(self, Self::RowCount | Self::Reconcile)
    }
}

// The enum comes from `word_enum!`, which derives no `Default`.
#[allow(clippy::derivable_impls)]
impl Default for RuleLevel {
    fn default() -> Self {
        Self::Error
    }
}

/// One rule. The fields a kind does not use must be left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRule {
    pub name: String,
    pub kind: RuleKind,
    #[serde(default)]
    pub level: RuleLevel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_failures: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ratio: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expr: Option<String>,
    #[serde(default, rename = "fn", skip_serializing_if = "Option::is_none")]
    pub func: Option<ReconcileFn>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub against_column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<f64>,
}

impl CheckRule {
    /// Whether `failures` of `rows` break this row rule: more than
    /// `max_failures`, or a share above `max_ratio` (0 failures allowed when
    /// neither is given).
    pub fn breaks(&self, failures: u64, rows: u64) -> bool {
        let over_count = self.max_failures.is_some_and(|m| failures > m);
        let over_ratio = self.max_ratio.is_some_and(|r| rows > 0 && failures as f64 / rows as f64 > r);
        let default = self.max_failures.is_none() && self.max_ratio.is_none() && failures > 0;
        over_count || over_ratio || default
    }

    /// The column `reconcile` reads in `against` (its own `column` unless renamed).
    pub fn against_column(&self) -> Option<&str> {
        self.against_column.as_deref().or(self.column.as_deref())
    }
}

/// Where failing rows go: a file (`path`) or a table (`connection`, `table`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quarantine {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    pub rules: Vec<CheckRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quarantine: Option<Quarantine>,
}

type Issues = Vec<(String, String)>;

/// Checks a check node's config against its inputs; the output has the input's columns.
pub fn infer(
    c: &CheckConfig,
    input: Option<&Schema>,
    against: Option<Option<&Schema>>,
    ctx: &RuleCtx,
    issues: &mut Issues,
) {
    if c.rules.is_empty() {
        issues.push(("rules".into(), "add at least one rule".into()));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, r) in c.rules.iter().enumerate() {
        let at = format!("rules[{i}]");
        if r.name.trim().is_empty() {
            issues.push((format!("{at}.name"), "the rule needs a name".into()));
        } else if r.name.contains(',') || r.name.chars().any(char::is_control) {
            issues.push((
                format!("{at}.name"),
                format!("rule name `{}` may not contain `,` or control characters", r.name),
            ));
        } else if !seen.insert(r.name.as_str()) {
            issues.push((format!("{at}.name"), format!("two rules are named `{}`", r.name)));
        }
        crate::check_rules::rule(r, &at, input, against, ctx, issues);
    }
    if let Some(q) = &c.quarantine {
        quarantine(q, input, issues);
    }
}

/// What rule checks need besides the schemas.
pub struct RuleCtx<'a> {
    pub params: &'a std::collections::BTreeMap<String, crate::model::ParamDecl>,
}

impl RuleCtx<'_> {
    pub fn scope<'s>(&'s self, schema: Option<&'s Schema>) -> Scope<'s> {
        Scope { schema, params: self.params }
    }
}

fn quarantine(q: &Quarantine, input: Option<&Schema>, issues: &mut Issues) {
    match (&q.path, &q.connection, &q.table) {
        (Some(_), None, None) => {}
        (None, Some(conn), Some(table)) => {
            if conn.trim().is_empty() {
                issues.push(("quarantine.connection".into(), "choose a connection".into()));
            }
            if table.trim().is_empty() {
                issues.push(("quarantine.table".into(), "name the table to write".into()));
            } else {
                // `{param}` placeholders are resolved (and the result checked) when the run writes.
                match crate::tables::placeholders(table) {
                    Err(e) => issues.push(("quarantine.table".into(), e)),
                    Ok(names) if names.is_empty() => {
                        if let Err(e) = crate::tables::parse_table_name(table) {
                            issues.push(("quarantine.table".into(), e));
                        }
                    }
                    Ok(_) => {}
                }
            }
        }
        _ => issues.push((
            "quarantine".into(),
            "give a file `{\"path\"}` or a table `{\"connection\", \"table\"}`, not both".into(),
        )),
    }
    if input.is_some_and(|s| s.contains(FAILED_RULES)) {
        issues.push((
            "quarantine".into(),
            format!("the input already has a column `{FAILED_RULES}`, which the quarantine output adds"),
        ));
    }
}

/// Checks an expression of a rule (`expr` kind) and returns its problems.
pub fn check_expr(text: &str, scope: &Scope) -> Vec<String> {
    let checked = expr::check(text, scope);
    let mut errors = checked.errors;
    if let Some(t) = checked.ty.filter(|t| *t != DataType::Bool) {
        errors.push(format!("the expression gives {t}, not true/false"));
    }
    errors
}

/// What one check node found in a run: kept by the server per run, printed by
/// the command line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    pub node: String,
    /// Rows of the `in` input.
    pub rows: u64,
    pub rules: Vec<RuleResult>,
    /// Columns of `sample` (the input's, then `_failed_rules`).
    pub sample_columns: Vec<String>,
    /// The first failing rows (at most [`SAMPLE_ROWS`]), as JSON values.
    pub sample: Vec<Vec<Value>>,
}

/// How many failing rows a result keeps.
pub const SAMPLE_ROWS: usize = 20;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleResult {
    pub name: String,
    pub kind: RuleKind,
    pub level: RuleLevel,
    /// Failing rows of a row rule; for a broken table rule all rows.
    pub failures: u64,
    pub broken: bool,
    /// For table rules, what was compared (`12 rows`, `sum 10.50 against 10.00`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Broken rules of a run's checks, for the run history.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckSummary {
    pub errors: u64,
    pub warnings: u64,
}

impl CheckSummary {
    /// Adds the broken rules of `r`.
    pub fn add(&mut self, r: &CheckResult) {
        for rule in r.rules.iter().filter(|x| x.broken) {
            match rule.level {
                RuleLevel::Error => self.errors += 1,
                RuleLevel::Warn => self.warnings += 1,
            }
        }
    }
}

impl CheckResult {
    /// Whether an `error` rule broke (the run fails).
    pub fn failed(&self) -> bool {
        self.rules.iter().any(|r| r.broken && r.level == RuleLevel::Error)
    }

    /// One line per broken rule, as the command line prints them:
    /// `<node>: check <rule> failed: <n> of <rows> rows`, warnings prefixed `warning: `.
    pub fn lines(&self) -> Vec<String> {
        self.rules
            .iter()
            .filter(|r| r.broken)
            .map(|r| {
                let line = format!("{}: check {} failed: {} of {} rows", self.node, r.name, r.failures, self.rows);
                if r.level == RuleLevel::Warn { format!("warning: {line}") } else { line }
            })
            .collect()
    }
}
