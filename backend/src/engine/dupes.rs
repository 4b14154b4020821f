//! `unique` rules of `transform.check` on one machine: a plan node that adds a
//! boolean column, `true` on every row whose key columns (all set) occur more
//! than once in the input, by hashing instead of sorting.
//!
//! The portable plan for the same flag is a window, `count(*) OVER (PARTITION BY
//! keys) > 1`, which DataFusion runs by sorting every row of the input by the
//! keys (issue 14's benchmark: 11× the unchecked pipeline over 5M rows). Here
//! the input is hash-partitioned by the keys (DataFusion inserts the
//! repartition from [`DupesExec`]'s distribution requirement, so the partitions
//! work in parallel and never share a key), and each partition keeps its
//! batches, encodes the keys of all its rows once (arrow's row format:
//! comparable bytes for any column types), and walks them through one hash
//! table of row positions: the first repeat of a key marks both rows, later
//! ones mark themselves. Then the batches leave in their order with the flag.
//!
//! Like a sort, the node has to see its whole input before the first row
//! leaves (the first row of a duplicate pair is known only at the second);
//! what it keeps is reserved from the session's memory pool, so an input
//! larger than the run's memory fails with the engine's memory error instead
//! of exhausting the machine. A cluster's executors and the SQL export do not
//! know this node: there `checks` plans the window.

use async_trait::async_trait;
use datafusion::arrow::array::{ArrayRef, BooleanArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Field, SchemaRef};
use datafusion::arrow::row::{RowConverter, Rows, SortField};
use datafusion::catalog::Session;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::{DFSchema, DFSchemaRef, Result};
use datafusion::execution::memory_pool::{MemoryConsumer, MemoryReservation};
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::logical_expr::physical_planning_context::PhysicalPlanningContext;
use datafusion::logical_expr::{Extension, LogicalPlan, UserDefinedLogicalNode, UserDefinedLogicalNodeCore};
use datafusion::physical_expr::{EquivalenceProperties, PhysicalExpr};
use datafusion::physical_plan::distribution_requirements::InputDistributionRequirements;
use datafusion::physical_plan::execution_plan::{
    Boundedness, ChildrenPropertiesMode, EmissionType, ReplaceChildrenOptions,
};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{DisplayAs, DisplayFormatType, Distribution, ExecutionPlan, PlanProperties};
use datafusion::physical_planner::{ExtensionPlanner, PhysicalPlanner};
use datafusion::prelude::{DataFrame, Expr};
use futures::{StreamExt, TryStreamExt};
use std::fmt;
use std::hash::BuildHasher;
use std::sync::Arc;

/// `df` with a column `flag`: `true` where the values of `keys` (all set) occur
/// in more than one row of `df`.
pub fn mark(df: DataFrame, keys: Vec<String>, flag: String) -> Result<DataFrame> {
    let (state, plan) = df.into_parts();
    let node = DupesNode::new(plan, keys, flag)?;
    Ok(DataFrame::new(state, LogicalPlan::Extension(Extension { node: Arc::new(node) })))
}

/// The logical node: its input's columns, then the flag.
#[derive(Debug, PartialEq, Eq, Hash)]
struct DupesNode {
    input: LogicalPlan,
    keys: Vec<String>,
    flag: String,
    schema: DFSchemaRef,
}

impl DupesNode {
    fn new(input: LogicalPlan, keys: Vec<String>, flag: String) -> Result<DupesNode> {
        let extra = DFSchema::try_from(datafusion::arrow::datatypes::Schema::new(vec![Field::new(
            &flag,
            DataType::Boolean,
            false,
        )]))?;
        let schema = Arc::new(input.schema().join(&extra)?);
        Ok(DupesNode { input, keys, flag, schema })
    }
}

impl PartialOrd for DupesNode {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        (&self.keys, &self.flag).partial_cmp(&(&other.keys, &other.flag))
    }
}

impl UserDefinedLogicalNodeCore for DupesNode {
    fn name(&self) -> &str {
        "CheckUnique"
    }
    fn inputs(&self) -> Vec<&LogicalPlan> {
        vec![&self.input]
    }
    fn schema(&self) -> &DFSchemaRef {
        &self.schema
    }
    fn expressions(&self) -> Vec<Expr> {
        Vec::new()
    }
    fn fmt_for_explain(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "CheckUnique: {} by {}", self.flag, self.keys.join(", "))
    }
    fn with_exprs_and_inputs(&self, _exprs: Vec<Expr>, mut inputs: Vec<LogicalPlan>) -> Result<Self> {
        DupesNode::new(inputs.swap_remove(0), self.keys.clone(), self.flag.clone())
    }
    /// The input columns wanted above, and the keys: unused input columns are not read.
    fn necessary_children_exprs(&self, output_columns: &[usize]) -> Option<Vec<Vec<usize>>> {
        let schema = self.input.schema();
        let mut need: Vec<usize> = output_columns.iter().copied().filter(|c| *c < schema.fields().len()).collect();
        for k in &self.keys {
            need.push(schema.index_of_column_by_name(None, k)?);
        }
        need.sort_unstable();
        need.dedup();
        Some(vec![need])
    }
}

/// Plans [`DupesNode`] as [`DupesExec`] (registered with the session's planner in `tally`).
pub struct DupesPlanner;

#[async_trait]
impl ExtensionPlanner for DupesPlanner {
    async fn plan_extension(
        &self,
        _planner: &dyn PhysicalPlanner,
        node: &dyn UserDefinedLogicalNode,
        _logical_inputs: &[&LogicalPlan],
        physical_inputs: &[Arc<dyn ExecutionPlan>],
        _state: &dyn Session,
        _context: &PhysicalPlanningContext,
    ) -> Result<Option<Arc<dyn ExecutionPlan>>> {
        let Some(n) = node.as_any().downcast_ref::<DupesNode>() else {
            return Ok(None);
        };
        let input = physical_inputs[0].clone();
        let keys = n
            .keys
            .iter()
            .map(|k| datafusion::physical_expr::expressions::col(k, &input.schema()))
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(Arc::new(DupesExec::new(input, keys, Arc::new(n.schema.as_arrow().clone())))))
    }
}

#[derive(Debug)]
struct DupesExec {
    input: Arc<dyn ExecutionPlan>,
    keys: Vec<Arc<dyn PhysicalExpr>>,
    schema: SchemaRef,
    properties: Arc<PlanProperties>,
}

impl DupesExec {
    fn new(input: Arc<dyn ExecutionPlan>, keys: Vec<Arc<dyn PhysicalExpr>>, schema: SchemaRef) -> DupesExec {
        let properties = PlanProperties::new(
            EquivalenceProperties::new(schema.clone()),
            // The flag is the last column: the input's key positions stay true.
            input.properties().output_partitioning().clone(),
            EmissionType::Final,
            Boundedness::Bounded,
        );
        DupesExec { input, keys, schema, properties: Arc::new(properties) }
    }
}

impl DisplayAs for DupesExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        let keys: Vec<String> = self.keys.iter().map(|k| k.to_string()).collect();
        write!(f, "CheckUniqueExec: by {}", keys.join(", "))
    }
}

impl ExecutionPlan for DupesExec {
    fn name(&self) -> &str {
        "CheckUniqueExec"
    }
    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }
    fn input_distribution_requirements(&self) -> InputDistributionRequirements {
        InputDistributionRequirements::new(vec![Distribution::KeyPartitioned(self.keys.clone())])
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }
    fn apply_expressions(
        &self,
        f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        for k in &self.keys {
            if f(k)? == TreeNodeRecursion::Stop {
                return Ok(TreeNodeRecursion::Stop);
            }
        }
        Ok(TreeNodeRecursion::Continue)
    }
    fn replace_children(
        self: Arc<Self>,
        mut children: Vec<Arc<dyn ExecutionPlan>>,
        _options: ReplaceChildrenOptions,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        Ok(Arc::new(DupesExec::new(children.swap_remove(0), self.keys.clone(), self.schema.clone())))
    }
    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        self.replace_children(children, ReplaceChildrenOptions::new(ChildrenPropertiesMode::Recompute))
    }
    fn execute(&self, partition: usize, context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        let input = self.input.execute(partition, context.clone())?;
        let reservation = MemoryConsumer::new(format!("CheckUnique[{partition}]")).register(context.memory_pool());
        let (keys, schema) = (self.keys.clone(), self.schema.clone());
        let marked = futures::stream::once(async move {
            let (batches, reservation) = keep(input, reservation).await?;
            let out = mark_batches(&batches, &keys, &schema, &reservation)?;
            drop(batches);
            // The reservation lives until the last marked batch has left.
            Ok::<_, datafusion::error::DataFusionError>(futures::stream::iter(out).map(move |b| {
                let _held = &reservation;
                Ok(b)
            }))
        })
        .try_flatten();
        Ok(Box::pin(RecordBatchStreamAdapter::new(self.schema.clone(), marked)))
    }
}

/// Every batch of one partition, each reserved from the pool before it is kept.
async fn keep(
    mut input: SendableRecordBatchStream,
    reservation: MemoryReservation,
) -> Result<(Vec<RecordBatch>, MemoryReservation)> {
    let mut batches = Vec::new();
    while let Some(batch) = input.next().await {
        let batch = batch?;
        reservation.try_grow(batch.get_array_memory_size())?;
        batches.push(batch);
    }
    Ok((batches, reservation))
}

/// The batches with the flag appended (see the module's note).
fn mark_batches(
    batches: &[RecordBatch],
    keys: &[Arc<dyn PhysicalExpr>],
    schema: &SchemaRef,
    reservation: &MemoryReservation,
) -> Result<Vec<RecordBatch>> {
    let columns = batches
        .iter()
        .map(|b| keys.iter().map(|k| k.evaluate(b)?.into_array(b.num_rows())).collect::<Result<Vec<ArrayRef>>>())
        .collect::<Result<Vec<_>>>()?;
    let Some(first) = columns.first() else {
        return Ok(Vec::new());
    };
    let converter = RowConverter::new(first.iter().map(|a| SortField::new(a.data_type().clone())).collect())?;
    let total: usize = batches.iter().map(RecordBatch::num_rows).sum();
    if u32::try_from(total).is_err() {
        return datafusion::common::exec_err!("a unique rule over more than {} rows in one partition", u32::MAX);
    }
    let mut rows = converter.empty_rows(total, 0);
    let mut set = Vec::with_capacity(total);
    for cols in &columns {
        converter.append(&mut rows, cols)?;
        let n = cols.first().map_or(0, |c| c.len());
        set.extend((0..n).map(|i| cols.iter().all(|c| c.is_valid(i))));
    }
    reservation.try_grow(rows.size() + total * (std::mem::size_of::<u32>() + 2))?;
    let dup = duplicates(&rows, &set);
    let mut offset = 0;
    batches
        .iter()
        .map(|b| {
            let n = b.num_rows();
            let flags = BooleanArray::from(dup[offset..offset + n].to_vec());
            offset += n;
            let mut cols = b.columns().to_vec();
            cols.push(Arc::new(flags));
            Ok(RecordBatch::try_new(schema.clone(), cols)?)
        })
        .collect()
}

/// Per row: its key is set (`set`) and another row has the same one.
fn duplicates(rows: &Rows, set: &[bool]) -> Vec<bool> {
    let hasher = hashbrown::DefaultHashBuilder::default();
    let mut seen: hashbrown::HashTable<u32> = hashbrown::HashTable::with_capacity(rows.num_rows());
    let mut dup = vec![false; rows.num_rows()];
    for (i, row) in rows.iter().enumerate() {
        if !set[i] {
            continue;
        }
        let bytes = row.as_ref();
        let hash = hasher.hash_one(bytes);
        let found = seen.find(hash, |&j| rows.row(j as usize).as_ref() == bytes).copied();
        match found {
            Some(j) => {
                dup[j as usize] = true;
                dup[i] = true;
            }
            None => {
                seen.insert_unique(hash, i as u32, |&j| hasher.hash_one(rows.row(j as usize).as_ref()));
            }
        }
    }
    dup
}
