//! Counting a check's failures while its rows stream to the sinks, so a run
//! reads a checked input once, not twice (issue 14's benchmark).
//!
//! A check node's flagged rows (one boolean column per row rule, see
//! [`super::checks`]) pass through a [`TallyNode`] on their way to `out` and
//! the quarantine. Planned, it is a [`TallyExec`]: a pass-through that adds up
//! each flag column (`true_count`, a bitmap popcount; no row loop) and the rows.
//! When every partition of one execution has reached its end, the totals are
//! kept in the node's [`Tally`]. The run then reads the counts from there after
//! staging, and publishes or not. A stream that did not reach its end (a
//! downstream limit, a join that stopped early, an error) leaves no totals, and
//! the run counts with the check's own aggregate instead (`checks::evaluate`).
//!
//! The node keeps filters, limits and projections from being pushed below it
//! (the defaults of `UserDefinedLogicalNodeCore` and `ExecutionPlan`), so it
//! always sees every input row.

use async_trait::async_trait;
use datafusion::arrow::array::{AsArray, RecordBatch};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::Session;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::{DFSchemaRef, Result};
use datafusion::execution::context::QueryPlanner;
use datafusion::execution::{RecordBatchStream, SendableRecordBatchStream, TaskContext};
use datafusion::logical_expr::physical_planning_context::PhysicalPlanningContext;
use datafusion::logical_expr::{Extension, LogicalPlan, UserDefinedLogicalNode, UserDefinedLogicalNodeCore};
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_plan::execution_plan::{ChildrenPropertiesMode, ReplaceChildrenOptions};
use datafusion::physical_plan::{DisplayAs, DisplayFormatType, ExecutionPlan, PlanProperties};
use datafusion::physical_planner::{DefaultPhysicalPlanner, ExtensionPlanner, PhysicalPlanner};
use datafusion::prelude::{DataFrame, Expr};
use futures::{Stream, StreamExt};
use std::fmt;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// What one complete pass over a check's input counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    pub rows: u64,
    /// Failing rows per flag column, in [`Tally::flags`] order.
    pub failures: Vec<u64>,
}

/// The flag columns a check counts and, once one execution has read its
/// whole input, the totals.
#[derive(Debug)]
pub struct Tally {
    pub flags: Vec<String>,
    done: Mutex<Option<Counts>>,
}

impl Tally {
    pub fn new(flags: Vec<String>) -> Arc<Tally> {
        Arc::new(Tally { flags, done: Mutex::new(None) })
    }

    /// The totals of the first execution that read the whole input, if any.
    pub fn counts(&self) -> Option<Counts> {
        self.done.lock().ok()?.clone()
    }
}

/// `df` passed through a tally of its flag columns.
pub fn wrap(df: DataFrame, tally: Arc<Tally>) -> Result<DataFrame> {
    let (state, plan) = df.into_parts();
    let node = TallyNode { input: plan, tally };
    Ok(DataFrame::new(state, LogicalPlan::Extension(Extension { node: Arc::new(node) })))
}

/// The logical node: its input unchanged.
#[derive(Debug)]
struct TallyNode {
    input: LogicalPlan,
    tally: Arc<Tally>,
}

impl PartialEq for TallyNode {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.tally, &other.tally) && self.input == other.input
    }
}
impl Eq for TallyNode {}
impl std::hash::Hash for TallyNode {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (Arc::as_ptr(&self.tally) as usize).hash(state);
        self.input.hash(state);
    }
}
impl PartialOrd for TallyNode {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        (Arc::as_ptr(&self.tally) as usize).partial_cmp(&(Arc::as_ptr(&other.tally) as usize))
    }
}

impl UserDefinedLogicalNodeCore for TallyNode {
    fn name(&self) -> &str {
        "CheckTally"
    }
    fn inputs(&self) -> Vec<&LogicalPlan> {
        vec![&self.input]
    }
    fn schema(&self) -> &DFSchemaRef {
        self.input.schema()
    }
    fn expressions(&self) -> Vec<Expr> {
        Vec::new()
    }
    fn fmt_for_explain(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "CheckTally: {}", self.tally.flags.join(", "))
    }
    fn with_exprs_and_inputs(&self, _exprs: Vec<Expr>, mut inputs: Vec<LogicalPlan>) -> Result<Self> {
        Ok(TallyNode { input: inputs.swap_remove(0), tally: self.tally.clone() })
    }
    /// The columns wanted above, and the flags: unused input columns are not read.
    fn necessary_children_exprs(&self, output_columns: &[usize]) -> Option<Vec<Vec<usize>>> {
        let schema = self.input.schema();
        let mut need = output_columns.to_vec();
        need.extend(self.tally.flags.iter().filter_map(|f| schema.index_of_column_by_name(None, f)));
        need.sort_unstable();
        need.dedup();
        Some(vec![need])
    }
}

/// The session's query planner: DataFusion's, knowing [`TallyNode`] and
/// [`super::dupes`]' node.
#[derive(Debug)]
pub struct Planner;

#[async_trait]
impl QueryPlanner for Planner {
    async fn create_physical_plan(&self, plan: &LogicalPlan, state: &dyn Session) -> Result<Arc<dyn ExecutionPlan>> {
        DefaultPhysicalPlanner::with_extension_planners(vec![
            Arc::new(TallyPlanner),
            Arc::new(super::dupes::DupesPlanner),
        ])
        .create_physical_plan(plan, state)
        .await
    }
}

struct TallyPlanner;

#[async_trait]
impl ExtensionPlanner for TallyPlanner {
    async fn plan_extension(
        &self,
        _planner: &dyn PhysicalPlanner,
        node: &dyn UserDefinedLogicalNode,
        _logical_inputs: &[&LogicalPlan],
        physical_inputs: &[Arc<dyn ExecutionPlan>],
        _state: &dyn Session,
        _context: &PhysicalPlanningContext,
    ) -> Result<Option<Arc<dyn ExecutionPlan>>> {
        Ok(node
            .as_any()
            .downcast_ref::<TallyNode>()
            .map(|n| Arc::new(TallyExec::new(physical_inputs[0].clone(), n.tally.clone())) as Arc<dyn ExecutionPlan>))
    }
}

/// The counters of one physical plan (one execution).
#[derive(Debug)]
struct Acc {
    rows: AtomicU64,
    failures: Vec<AtomicU64>,
    /// Partitions not yet read to their end.
    remaining: AtomicUsize,
}

#[derive(Debug, Clone)]
struct TallyExec {
    input: Arc<dyn ExecutionPlan>,
    tally: Arc<Tally>,
    /// The flag columns' positions in the input.
    columns: Arc<[usize]>,
    acc: Arc<Acc>,
    properties: Arc<PlanProperties>,
}

impl TallyExec {
    fn new(input: Arc<dyn ExecutionPlan>, tally: Arc<Tally>) -> TallyExec {
        let schema = input.schema();
        let columns: Arc<[usize]> = tally.flags.iter().filter_map(|f| schema.index_of(f).ok()).collect();
        let partitions = input.properties().output_partitioning().partition_count();
        let acc = Arc::new(Acc {
            rows: AtomicU64::new(0),
            failures: tally.flags.iter().map(|_| AtomicU64::new(0)).collect(),
            // A flag column missing from the input (never expected) leaves the tally incomplete.
            remaining: AtomicUsize::new(if columns.len() == tally.flags.len() { partitions } else { usize::MAX }),
        });
        let properties = input.properties().clone();
        TallyExec { input, tally, columns, acc, properties }
    }
}

impl DisplayAs for TallyExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "CheckTallyExec: {}", self.tally.flags.join(", "))
    }
}

impl ExecutionPlan for TallyExec {
    fn name(&self) -> &str {
        "CheckTallyExec"
    }
    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }
    fn maintains_input_order(&self) -> Vec<bool> {
        vec![true]
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }
    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }
    fn replace_children(
        self: Arc<Self>,
        mut children: Vec<Arc<dyn ExecutionPlan>>,
        _options: ReplaceChildrenOptions,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        // Fresh counters either way: a new plan is a new execution.
        Ok(Arc::new(TallyExec::new(children.swap_remove(0), self.tally.clone())))
    }
    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        self.replace_children(children, ReplaceChildrenOptions::new(ChildrenPropertiesMode::Recompute))
    }
    fn execute(&self, partition: usize, context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        let input = self.input.execute(partition, context)?;
        Ok(Box::pin(Counting {
            input,
            acc: self.acc.clone(),
            tally: self.tally.clone(),
            columns: self.columns.clone(),
            ended: false,
        }))
    }
}

struct Counting {
    input: SendableRecordBatchStream,
    acc: Arc<Acc>,
    tally: Arc<Tally>,
    columns: Arc<[usize]>,
    ended: bool,
}

impl Counting {
    fn add(&self, batch: &RecordBatch) {
        self.acc.rows.fetch_add(batch.num_rows() as u64, Ordering::Relaxed);
        for (slot, &c) in self.acc.failures.iter().zip(self.columns.iter()) {
            if let Some(flags) = batch.column(c).as_boolean_opt() {
                slot.fetch_add(flags.true_count() as u64, Ordering::Relaxed);
            }
        }
    }

    /// One partition read to its end; the last one keeps the totals.
    fn end(&mut self) {
        if std::mem::replace(&mut self.ended, true) {
            return;
        }
        if self.acc.remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
            let counts = Counts {
                rows: self.acc.rows.load(Ordering::Acquire),
                failures: self.acc.failures.iter().map(|a| a.load(Ordering::Acquire)).collect(),
            };
            if let Ok(mut done) = self.tally.done.lock() {
                done.get_or_insert(counts);
            }
        }
    }
}

impl Stream for Counting {
    type Item = Result<RecordBatch>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let next = self.input.poll_next_unpin(cx);
        match &next {
            Poll::Ready(Some(Ok(batch))) => self.add(batch),
            Poll::Ready(None) => self.end(),
            _ => {}
        }
        next
    }
}

impl RecordBatchStream for Counting {
    fn schema(&self) -> SchemaRef {
        self.input.schema()
    }
}
