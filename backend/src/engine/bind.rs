//! Expressions in DataFusion: the text is parsed by DataFusion against the
//! node's input schema, then every `$name` placeholder is replaced by a typed
//! literal. Values are never pasted into SQL text, so they cannot change a query.

use datafusion::common::ScalarValue;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::Expr;
use datafusion::prelude::{DataFrame, lit};
use sluice_shared::{Graph, ParamValue};
use std::collections::{BTreeMap, HashMap};

/// The typed value DataFusion sees for a parameter.
pub fn scalar(v: &ParamValue) -> ScalarValue {
    match v {
        ParamValue::Date(days, _) => ScalarValue::Date32(Some(*days)),
        ParamValue::String(s) => ScalarValue::Utf8(Some(s.clone())),
        ParamValue::Int64(i) => ScalarValue::Int64(Some(*i)),
        ParamValue::Float64(f) => ScalarValue::Float64(Some(*f)),
        ParamValue::Bool(b) => ScalarValue::Boolean(Some(*b)),
    }
}

/// All parameters keyed the way DataFusion's `with_param_values` wants them.
pub fn param_map(params: &BTreeMap<String, ParamValue>) -> HashMap<String, ScalarValue> {
    params.iter().map(|(k, v)| (k.clone(), scalar(v))).collect()
}

/// Parses `text` as an expression over `df`'s columns with parameters bound.
pub fn expr(df: &DataFrame, text: &str, params: &BTreeMap<String, ParamValue>) -> Result<Expr> {
    let parsed = df.parse_sql_expr(text)?;
    parsed
        .transform(|e| match &e {
            Expr::Placeholder(p) => {
                let name = p.id.trim_start_matches('$');
                let v = params
                    .get(name)
                    .ok_or_else(|| DataFusionError::Plan(format!("parameter `{}` has no value", p.id)))?;
                Ok(Transformed::yes(lit(scalar(v))))
            }
            _ => Ok(Transformed::no(e)),
        })
        .map(|t| t.data)
}

/// Parameter values from defaults alone (for checking a graph being edited), and
/// the dates derived from them where the calendars allow.
pub fn defaults(graph: &Graph, calendars: Option<&super::limits::Calendars>) -> BTreeMap<String, ParamValue> {
    let mut values = graph
        .params
        .iter()
        .filter_map(|(k, d)| Some((k.clone(), ParamValue::from_json(d.ty, d.default.as_ref()?).ok()?)))
        .collect();
    // A derived value that cannot be computed stays missing (a stand-in takes its place).
    sluice_shared::derived::bind(&graph.params, &mut values, calendars, &mut Vec::new());
    values
}

/// In Check mode a parameter may have no value yet; expressions still need a
/// typed literal to plan, so a stand-in of the declared type fills the gap.
pub fn with_stand_ins(graph: &Graph, mut params: BTreeMap<String, ParamValue>) -> BTreeMap<String, ParamValue> {
    for (name, decl) in &graph.params {
        params.entry(name.clone()).or_insert_with(|| match decl.ty {
            sluice_shared::ParamType::Date => ParamValue::Date(0, "1970-01-01".into()),
            sluice_shared::ParamType::String => ParamValue::String(String::new()),
            sluice_shared::ParamType::Int64 => ParamValue::Int64(0),
            sluice_shared::ParamType::Float64 => ParamValue::Float64(0.0),
            sluice_shared::ParamType::Bool => ParamValue::Bool(false),
        });
    }
    params
}
