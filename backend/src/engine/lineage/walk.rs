//! The plan walker behind column lineage. It reads a node's DataFusion logical
//! plan bottom-up and gives, for each output column, the columns it depends on
//! at two levels at once:
//! - `FULL`: source columns (a source is a table scan named by its node id);
//! - `HOP`: columns of the node's direct inputs (one step of the canvas path).
//!
//! Nodes are walked in topological order and remembered ([`Memo`]): where a
//! subtree of a plan is the plan of a node already walked (the engine builds
//! each node's plan on top of its inputs' plans; a SQL node reads its inputs as
//! views named by their ids), the walk stops there and reuses that node's
//! answer, so every plan step is walked once however deep the graph.

use datafusion::common::Column;
use datafusion::logical_expr::utils::grouping_set_to_exprlist;
use datafusion::logical_expr::{Distinct, Expr, JoinType, LogicalPlan, TableScan};
use std::collections::{BTreeMap, BTreeSet, HashMap};

mod exprs;
use exprs::Scope;

pub const FULL: usize = 0;
pub const HOP: usize = 1;

/// How a value depends on a column, in the order two routes merge (the larger wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum V {
    GroupKey,
    Direct,
    Computed,
    Aggregated,
}

impl V {
    /// `self` applied over a column that itself depends on something by `inner`.
    fn then(self, inner: V) -> V {
        if self == V::GroupKey || inner == V::GroupKey { V::GroupKey } else { self.max(inner) }
    }
}

/// How a column decides rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum R {
    Filter,
    JoinKey,
}

/// A column of a node: (node id, column name).
pub type Key = (String, String);

/// What one column depends on at one level, and its expression over those columns.
#[derive(Debug, Clone, Default)]
pub struct Lin {
    pub deps: BTreeMap<Key, V>,
    /// `None` when there is no single expression (union inputs differ) or it grew too large.
    pub expr: Option<Expr>,
}

impl Lin {
    fn leaf(node: &str, column: &str) -> Lin {
        Lin {
            deps: BTreeMap::from([((node.to_string(), column.to_string()), V::Direct)]),
            expr: Some(Expr::Column(Column::new(Some(node), column))),
        }
    }
}

pub type Col = [Lin; 2];
pub type Rows = [BTreeMap<Key, R>; 2];

/// The lineage of a plan's output columns (in schema order) and of its rows.
#[derive(Debug, Clone, Default)]
pub struct Walked {
    pub cols: Vec<Col>,
    pub rows: Rows,
}

/// An expression larger than this (in expression nodes) is not carried along.
const MAX_EXPR_NODES: usize = 200;

fn add_dep(deps: &mut BTreeMap<Key, V>, k: &Key, v: V) {
    let e = deps.entry(k.clone()).or_insert(v);
    *e = (*e).max(v);
}

fn add_row(rows: &mut BTreeMap<Key, R>, k: &Key, r: R) {
    let e = rows.entry(k.clone()).or_insert(r);
    *e = (*e).max(r);
}

fn add_rows(into: &mut Rows, from: &Rows) {
    for l in [FULL, HOP] {
        for (k, r) in &from[l] {
            add_row(&mut into[l], k, *r);
        }
    }
}

struct Entry {
    id: String,
    plan: LogicalPlan,
    walked: Walked,
}

/// The nodes walked so far, found again by name (a table scan of a view or a
/// named source) or by plan (a subtree that is that node's plan).
#[derive(Default)]
pub struct Memo {
    entries: Vec<Entry>,
    by_name: HashMap<String, usize>,
    by_schema: HashMap<usize, Vec<usize>>,
    /// Source node ids: a table scan of one of these (not a view) is where values start.
    sources: BTreeSet<String>,
}

fn schema_key(plan: &LogicalPlan) -> usize {
    std::sync::Arc::as_ptr(plan.schema()) as usize
}

impl Memo {
    pub fn new(sources: BTreeSet<String>) -> Self {
        Memo { sources, ..Default::default() }
    }

    /// Remembers node `id`, whose plan is `plan`.
    pub fn add(&mut self, id: &str, plan: &LogicalPlan, walked: Walked) {
        let i = self.entries.len();
        self.by_name.insert(id.to_string(), i);
        self.by_schema.entry(schema_key(plan)).or_default().push(i);
        self.entries.push(Entry { id: id.to_string(), plan: plan.clone(), walked });
    }

    /// A node walked before whose plan `plan` is: full lineage reused, the hop
    /// level starting at that node. Among equal plans, the node's own inputs first.
    fn hit(&self, plan: &LogicalPlan, inputs: &[String]) -> Option<Walked> {
        let named = match plan {
            LogicalPlan::TableScan(t) => self.by_name.get(t.table_name.table()).copied(),
            _ => None,
        };
        let found = named.or_else(|| {
            let same: Vec<usize> = self
                .by_schema
                .get(&schema_key(plan))?
                .iter()
                .copied()
                .filter(|i| std::mem::discriminant(&self.entries[*i].plan) == std::mem::discriminant(plan))
                .filter(|i| self.entries[*i].plan == *plan)
                .collect();
            same.iter().copied().find(|i| inputs.contains(&self.entries[*i].id)).or(same.first().copied())
        })?;
        let e = &self.entries[found];
        let names = plan.schema().fields().iter().map(|f| f.name().clone());
        let cols =
            e.walked.cols.iter().zip(names).map(|(c, name)| [c[FULL].clone(), Lin::leaf(&e.id, &name)]).collect();
        Some(Walked { cols, rows: [e.walked.rows[FULL].clone(), BTreeMap::new()] })
    }

    /// Walks `plan`, the plan of a node whose inputs are `inputs`.
    pub fn walk(&self, plan: &LogicalPlan, inputs: &[String]) -> Result<Walked, String> {
        if let Some(w) = self.hit(plan, inputs) {
            return Ok(w);
        }
        let w = self.step(plan, inputs)?;
        if w.cols.len() != plan.schema().fields().len() {
            return Err(format!("lineage lost track of the columns of a {} step", plan.display()));
        }
        Ok(w)
    }

    fn step(&self, plan: &LogicalPlan, inputs: &[String]) -> Result<Walked, String> {
        let walk = |p: &LogicalPlan| self.walk(p, inputs);
        Ok(match plan {
            LogicalPlan::Projection(p) => {
                let input = walk(&p.input)?;
                self.project(&p.expr, &p.input, input, inputs)?
            }
            LogicalPlan::Filter(f) => {
                let mut w = walk(&f.input)?;
                let rows = self.row_deps(&f.predicate, &Scope::one(&f.input, &w), R::Filter, inputs)?;
                add_rows(&mut w.rows, &rows);
                w
            }
            LogicalPlan::Window(win) => {
                let input = walk(&win.input)?;
                let scope = Scope::one(&win.input, &input);
                let extra =
                    win.window_expr.iter().map(|e| self.expr_col(e, &scope, inputs)).collect::<Result<Vec<_>, _>>()?;
                let mut w = input.clone();
                w.cols.extend(extra);
                w
            }
            LogicalPlan::Aggregate(a) => self.aggregate(a, inputs)?,
            LogicalPlan::Sort(s) => walk(&s.input)?,
            LogicalPlan::Limit(l) => walk(&l.input)?,
            LogicalPlan::Repartition(r) => walk(&r.input)?,
            LogicalPlan::SubqueryAlias(a) => walk(&a.input)?,
            LogicalPlan::Subquery(s) => walk(&s.subquery)?,
            LogicalPlan::Distinct(Distinct::All(input)) => walk(input)?,
            LogicalPlan::Distinct(Distinct::On(d)) => {
                let input = walk(&d.input)?;
                self.project(&d.select_expr, &d.input, input, inputs)?
            }
            LogicalPlan::Join(j) => self.join(j, inputs)?,
            LogicalPlan::Union(u) => {
                let parts = u.inputs.iter().map(|p| walk(p)).collect::<Result<Vec<_>, _>>()?;
                union(parts)
            }
            LogicalPlan::RecursiveQuery(r) => union(vec![walk(&r.static_term)?, walk(&r.recursive_term)?]),
            LogicalPlan::TableScan(t) => self.table_scan(t, plan, inputs)?,
            LogicalPlan::EmptyRelation(_) | LogicalPlan::Values(_) => {
                Walked { cols: vec![Default::default(); plan.schema().fields().len()], rows: Default::default() }
            }
            LogicalPlan::Unnest(u) => {
                let input = walk(&u.input)?;
                let unnested: BTreeSet<usize> =
                    u.list_type_columns.iter().map(|(i, _)| *i).chain(u.struct_type_columns.iter().copied()).collect();
                let cols = u
                    .dependency_indices
                    .iter()
                    .map(|i| {
                        let c = input.cols.get(*i).cloned().unwrap_or_default();
                        if unnested.contains(i) { c.map(|l| computed(l, V::Computed)) } else { c }
                    })
                    .collect();
                Walked { cols, rows: input.rows }
            }
            other => return Err(format!("lineage cannot follow a {} step", other.display())),
        })
    }

    /// A scan: of a view (a SQL node's input), followed into its plan; of a
    /// source, its columns as leaves; of anything else, unknown columns.
    fn table_scan(&self, t: &TableScan, plan: &LogicalPlan, inputs: &[String]) -> Result<Walked, String> {
        Ok(if let Some(view) = t.source.get_logical_plan() {
            let w = self.walk(&view, inputs)?;
            match &t.projection {
                Some(idx) => {
                    Walked { cols: idx.iter().filter_map(|i| w.cols.get(*i).cloned()).collect(), rows: w.rows }
                }
                None => w,
            }
        } else {
            let node = t.table_name.table();
            let known = self.sources.contains(node);
            let cols =
                plan.schema()
                    .fields()
                    .iter()
                    .map(|f| {
                        if known { [Lin::leaf(node, f.name()), Lin::leaf(node, f.name())] } else { Default::default() }
                    })
                    .collect();
            Walked { cols, rows: Default::default() }
        })
    }

    fn project(
        &self,
        exprs: &[Expr],
        input_plan: &LogicalPlan,
        input: Walked,
        inputs: &[String],
    ) -> Result<Walked, String> {
        let scope = Scope::one(input_plan, &input);
        let cols = exprs.iter().map(|e| self.expr_col(e, &scope, inputs)).collect::<Result<Vec<_>, _>>()?;
        Ok(Walked { cols, rows: input.rows.clone() })
    }

    fn aggregate(&self, a: &datafusion::logical_expr::Aggregate, inputs: &[String]) -> Result<Walked, String> {
        let input = self.walk(&a.input, inputs)?;
        let scope = Scope::one(&a.input, &input);
        let groups = grouping_set_to_exprlist(&a.group_expr).map_err(|e| e.to_string())?;
        let mut cols = groups.iter().map(|e| self.expr_col(e, &scope, inputs)).collect::<Result<Vec<_>, _>>()?;
        // What every aggregate value depends on through its grouping.
        let mut keys: Col = Default::default();
        for c in &cols {
            for l in [FULL, HOP] {
                for k in c[l].deps.keys() {
                    add_dep(&mut keys[l].deps, k, V::GroupKey);
                }
            }
        }
        if a.schema.fields().len() == cols.len() + a.aggr_expr.len() + 1 {
            cols.push(keys.clone().map(|l| Lin { expr: None, ..l })); // the grouping-set id
        }
        for e in &a.aggr_expr {
            let mut c = self.expr_col(e, &scope, inputs)?;
            for l in [FULL, HOP] {
                for k in keys[l].deps.keys() {
                    add_dep(&mut c[l].deps, k, V::GroupKey);
                }
            }
            cols.push(c);
        }
        Ok(Walked { cols, rows: input.rows })
    }

    fn join(&self, j: &datafusion::logical_expr::Join, inputs: &[String]) -> Result<Walked, String> {
        let (left, right) = (self.walk(&j.left, inputs)?, self.walk(&j.right, inputs)?);
        let (ls, rs) = (Scope::one(&j.left, &left), Scope::one(&j.right, &right));
        let mut rows = left.rows.clone();
        add_rows(&mut rows, &right.rows);
        for (l, r) in &j.on {
            add_rows(&mut rows, &self.row_deps(l, &ls, R::JoinKey, inputs)?);
            add_rows(&mut rows, &self.row_deps(r, &rs, R::JoinKey, inputs)?);
        }
        if let Some(f) = &j.filter {
            let both = Scope { parts: vec![ls.parts[0], rs.parts[0]] };
            add_rows(&mut rows, &self.row_deps(f, &both, R::JoinKey, inputs)?);
        }
        // A mark join's extra column says whether a match exists: it depends on the keys.
        let mark = || {
            let mut c: Col = Default::default();
            for l in [FULL, HOP] {
                for k in rows[l].keys() {
                    add_dep(&mut c[l].deps, k, V::Computed);
                }
            }
            c
        };
        let cols = match j.join_type {
            JoinType::LeftSemi | JoinType::LeftAnti => left.cols.clone(),
            JoinType::RightSemi | JoinType::RightAnti => right.cols.clone(),
            JoinType::LeftMark => left.cols.iter().cloned().chain([mark()]).collect(),
            JoinType::RightMark => right.cols.iter().cloned().chain([mark()]).collect(),
            _ => left.cols.iter().chain(&right.cols).cloned().collect(),
        };
        Ok(Walked { cols, rows })
    }
}

fn computed(mut l: Lin, v: V) -> Lin {
    for d in l.deps.values_mut() {
        *d = v.then(*d);
    }
    l.expr = None;
    l
}

/// Columns matched by position across the inputs of a union.
fn union(parts: Vec<Walked>) -> Walked {
    let mut out = Walked::default();
    let n = parts.first().map_or(0, |p| p.cols.len());
    for i in 0..n {
        let mut col: Col = Default::default();
        for l in [FULL, HOP] {
            let exprs: Vec<Option<&Expr>> =
                parts.iter().map(|p| p.cols.get(i).and_then(|c| c[l].expr.as_ref())).collect();
            // One expression when every input gives the same one (after the source names).
            col[l].expr = exprs[0].filter(|first| exprs.iter().all(|e| e == &Some(*first))).cloned();
            for p in &parts {
                for (k, v) in p.cols.get(i).map(|c| &c[l].deps).into_iter().flatten() {
                    add_dep(&mut col[l].deps, k, *v);
                }
            }
        }
        out.cols.push(col);
    }
    for p in &parts {
        add_rows(&mut out.rows, &p.rows);
    }
    out
}
