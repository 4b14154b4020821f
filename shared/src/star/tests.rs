//! The generated graphs validate with the shared validator, with real column
//! types, and carry the grain and measures through.

use super::*;
use crate::config::AggFn;
use crate::types::{DataType, Field, Schema};
use crate::{Context, Graph, validate};
use serde_json::json;
use std::collections::HashMap;

fn demo() -> (Graph, HashMap<String, Schema>) {
    let g = crate::parse_graph_value(json!({"format": "sluice.graph/v1", "name": "bank", "nodes": [
        {"id": "txns", "kind": "source.csv", "config": {"path": "demo/transactions.csv"}, "pos": [0, 0]},
        {"id": "accounts", "kind": "source.csv", "config": {"path": "demo/accounts.csv"}},
        {"id": "branches", "kind": "source.csv", "config": {"path": "demo/branches.csv"}}
    ]}))
    .unwrap();
    let s = |cols: &[(&str, DataType)]| Schema(cols.iter().map(|(n, t)| Field::new(*n, Some(*t))).collect());
    use DataType::*;
    let schemas = HashMap::from([
        (
            "txns".to_string(),
            s(&[
                ("txn_id", Int64),
                ("account_id", String),
                ("txn_date", Date),
                ("amount", Float64),
                ("branch", String),
            ]),
        ),
        ("accounts".to_string(), s(&[("account_id", String), ("customer_id", String), ("product", String)])),
        ("branches".to_string(), s(&[("branch", String), ("branch_name", String), ("region", String)])),
    ]);
    (g, schemas)
}

fn cols(schemas: &HashMap<String, Schema>, id: &str) -> Vec<String> {
    schemas[id].names().map(str::to_string).collect()
}

fn spec(schemas: &HashMap<String, Schema>, history: bool) -> StarSpec {
    let dim = |node: &str, key: &str| DimensionSpec {
        node: node.into(),
        columns: cols(schemas, node),
        fact_key: key.into(),
        key: key.into(),
        history: None,
    };
    let mut accounts = dim("accounts", "account_id");
    if history {
        accounts.history =
            Some(History { connection: "dw".into(), table: "dim_account".into(), tracked: vec!["product".into()] });
    }
    StarSpec {
        name: "Txn star".into(),
        fact: "txns".into(),
        fact_columns: cols(schemas, "txns"),
        date_column: Some("txn_date".into()),
        dimensions: vec![accounts, dim("branches", "branch")],
        grain: vec!["region".into(), "txn_date".into()],
        measures: vec![
            Measure {
                column: "amount".into(),
                func: AggFn::Sum,
                additivity: Additivity::Additive,
                alias: "total".into(),
            },
            Measure {
                column: "txn_id".into(),
                func: AggFn::Count,
                additivity: Additivity::Additive,
                alias: "n".into(),
            },
        ],
        mart: Mart::File { path: "out/txn_star.csv".into() },
    }
}

#[test]
fn the_generated_star_validates_and_aggregates_to_the_grain() {
    let (g, schemas) = demo();
    let s = spec(&schemas, false);
    let made = generate(&g, &s, [0.0, 300.0]).unwrap();
    let out = insert(&g, &made);
    let r = validate(&out, &Context { source_schemas: Some(&schemas), ..Default::default() });
    assert!(r.is_valid(), "{:?}", r.problems);
    let mart = r.schemas["txn_star_grain"].clone().unwrap();
    assert_eq!(mart.names().collect::<Vec<_>>(), ["region", "txn_date", "total", "n"]);
    // The joined columns the wizard offers are those the validator infers.
    let join = r.schemas["txn_star_branches_join"].clone().unwrap();
    assert_eq!(join.names().map(str::to_string).collect::<Vec<_>>(), joined_columns(&s));
    assert!(joined_columns(&s).contains(&"branch_right".to_string()));
    // Every new node is in the group; the group is listed once with its label.
    assert!(made.nodes.iter().all(|n| groups::of(n) == Some("txn_star")));
    assert_eq!(groups::list(&out)[0].label, "Txn star");
    assert_eq!(r.order.last().map(String::as_str), Some("txn_star_mart"));
    // A second star gets other ids.
    let again = generate(&out, &s, [0.0, 0.0]).unwrap();
    assert!(again.nodes.iter().all(|n| n.id.starts_with("txn_star2_")), "{:?}", again.nodes[0].id);
}

#[test]
fn a_dimension_with_history_is_loaded_as_scd2_and_looked_up_at_the_facts_date() {
    let (g, schemas) = demo();
    let made = generate(&g, &spec(&schemas, true), [0.0, 0.0]).unwrap();
    let out = insert(&g, &made);
    let r = validate(&out, &Context { source_schemas: Some(&schemas), ..Default::default() });
    assert!(r.is_valid(), "{:?}", r.problems);
    let load = out.node("txn_star_accounts_load").unwrap();
    assert_eq!(load.config["mode"], "scd2");
    assert_eq!(load.config["keys"], json!(["account_id"]));
    assert_eq!(out.params["biz_date"].ty, crate::ParamType::Date);
    let asof = out.node("txn_star_accounts_asof").unwrap();
    assert_eq!(
        asof.config["predicate"],
        "accounts_sk IS NULL OR (accounts_valid_from <= txn_date AND (accounts_valid_to IS NULL OR txn_date < accounts_valid_to))"
    );
    assert!(joined_columns(&spec(&schemas, true)).contains(&"accounts_sk".to_string()));
}

#[test]
fn wrong_choices_are_refused_in_words() {
    let (g, schemas) = demo();
    let mut s = spec(&schemas, true);
    s.date_column = None;
    s.grain = vec!["nope".into()];
    s.measures.push(Measure {
        column: "amount".into(),
        func: AggFn::Sum,
        additivity: Additivity::SemiAdditive,
        alias: "bal".into(),
    });
    s.dimensions[1].fact_key = "branch_code".into();
    let errs = generate(&g, &s, [0.0, 0.0]).unwrap_err();
    let all = errs.join("\n");
    assert!(all.contains("dimension `accounts` keeps history"), "{all}");
    assert!(all.contains("grain column `nope`"), "{all}");
    assert!(all.contains("the fact has no column `branch_code`"), "{all}");
    assert!(all.contains("`amount` is semi-additive"), "{all}");
}

#[test]
fn collapsing_renaming_and_ungrouping_the_star_change_nothing_that_runs() {
    let (g, schemas) = demo();
    let out = insert(&g, &generate(&g, &spec(&schemas, true), [0.0, 0.0]).unwrap());
    let ctx = Context { source_schemas: Some(&schemas), ..Default::default() };
    let before = validate(&out, &ctx);
    let mut changed = out.clone();
    groups::set_collapsed(&mut changed.ui, "txn_star", true);
    assert!(groups::rename(&mut changed.ui, "txn_star", "Bank star"));
    for n in changed.nodes.iter_mut().filter(|n| groups::of(n) == Some("txn_star")).take(1) {
        n.pos = Some([999.0, 999.0]);
    }
    for g in [changed.clone(), {
        let mut u = changed.clone();
        assert!(groups::ungroup(&mut u, "txn_star"));
        u
    }] {
        // Review sees no change, and the validator the same graph: same
        // problems, order, configs and schemas.
        assert!(crate::diff::diff(&out, &g).is_empty());
        let after = validate(&g, &ctx);
        assert_eq!(after.problems, before.problems);
        assert_eq!(after.order, before.order);
        assert_eq!(after.schemas, before.schemas);
        assert_eq!(format!("{:?}", after.configs), format!("{:?}", before.configs));
    }
}
