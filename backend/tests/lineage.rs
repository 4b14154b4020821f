//! Column lineage on the conformance graphs (tests/conformance/cases). For each
//! sink column the source columns and how they reach it are written here by
//! hand from the graph, and compared with what the engine reads off the plans.
//! Notation: `node.column=how`, several separated by spaces; `rows` lists the
//! source columns that only decide which rows reach the sink.

mod lineage_support;

use lineage_support::{TX, TXNS, check, check_owned, cols, copied, parse, triples};
use sluice_backend::engine::{self, root::DataRoot};
use std::collections::BTreeMap;

#[tokio::test]
async fn aggregates_name_their_measures_and_group_keys() {
    let g = "src.branch=group_key";
    check(
        "aggregate_all_functions",
        "out",
        &[
            ("branch", "src.branch=copied"),
            ("n", g),
            ("n_qty", &format!("src.qty=aggregated {g}")),
            ("n_accts", &format!("src.acct=aggregated {g}")),
            ("total", &format!("src.amount=aggregated {g}")),
            ("mean", &format!("src.amount=aggregated {g}")),
            ("first_day", &format!("src.txn_date=aggregated {g}")),
            ("biggest", &format!("src.amount=aggregated {g}")),
            ("last_acct", &format!("src.acct=aggregated {g}")),
            ("units", &format!("src.qty=aggregated {g}")),
        ],
        "",
    )
    .await;
    check(
        "aggregate_no_group_empty_input",
        "out",
        &[
            ("n", ""),
            ("n_qty", "src.qty=aggregated"),
            ("n_accts", "src.acct=aggregated"),
            ("total", "src.amount=aggregated"),
            ("mean", "src.amount=aggregated"),
            ("first_day", "src.txn_date=aggregated"),
            ("biggest", "src.amount=aggregated"),
            ("last_acct", "src.acct=aggregated"),
            ("units", "src.qty=aggregated"),
        ],
        "src.amount=filter",
    )
    .await;
    let g = "src.channel=group_key src.branch=group_key";
    check(
        "aggregate_two_keys",
        "out",
        &[
            ("channel", "src.channel=copied"),
            ("branch", "src.branch=copied"),
            ("units", &format!("src.qty=aggregated {g}")),
            ("n", g),
            ("smallest", &format!("src.amount=aggregated {g}")),
        ],
        "",
    )
    .await;
    check(
        "sort_after_aggregate",
        "out",
        &[("acct", "src.acct=copied"), ("total", "src.amount=aggregated src.acct=group_key")],
        "",
    )
    .await;
}

#[tokio::test]
async fn derives_follow_derived_columns_back_to_the_source() {
    let mut c = copied("src", &TXNS);
    c.extend([
        ("double_amt", "src.amount=computed".to_string()),
        ("chan_up", "src.channel=computed".into()),
        ("acct_low", "src.acct=computed".into()),
        ("branch_or", "src.branch=computed".into()),
        ("abs_amt", "src.amount=computed".into()),
    ]);
    check_owned("derive_new_columns", "out", cols(&c), "").await;

    let mut c = copied("src", &TXNS);
    c[3].1 = "src.amount=computed".into();
    c[6].1 = "src.channel=computed".into();
    check_owned("derive_replace_in_place", "out", cols(&c), "").await;

    // amount = coalesce(amount, 0); gross = amount * 1.1; gross_r = round(gross, 1); flag from gross_r.
    let mut c = copied("src", &TXNS);
    c[3].1 = "src.amount=computed".into();
    for name in ["gross", "gross_r", "flag"] {
        c.push((name, "src.amount=computed".into()));
    }
    let all = check_owned("derive_sequential", "out", cols(&c), "").await;
    let d = all.node("d").unwrap();
    let flag = d.column("flag").unwrap();
    let full = flag.expr.as_deref().unwrap();
    for part in ["coalesce", "1.1", "round", "100", "big"] {
        assert!(full.contains(part), "the expression over the source: {full}");
    }
    // The node's own formula is over its input's columns: gross_r and gross are its own, so
    // they are spelled out too.
    let step = flag.step.as_deref().unwrap();
    assert!(step.contains("coalesce") && !step.contains("gross"), "this node's own formula: {step}");
    assert_eq!(flag.from.len(), 1, "one step back: the source's amount");
    assert_eq!((flag.from[0].node.as_str(), flag.from[0].column.as_str()), ("src", "amount"));

    let mut c = copied("src", &["pid", "name", "city", "score"]);
    c.extend([
        ("name_trim", "src.name=computed".to_string()),
        ("initial", "src.name=computed".into()),
        ("city_low", "src.city=computed".into()),
        ("tag", "src.name=computed src.city=computed".into()),
        ("score_r", "src.score=computed".into()),
        ("score_abs", "src.score=computed".into()),
    ]);
    check_owned("derive_string_functions", "out", cols(&c), "").await;

    let c = [
        ("CustName", "src.CustName=copied"),
        ("Amount", "src.Amount=copied"),
        ("Region", "src.Region=copied"),
        ("Shout", "src.CustName=computed"),
    ];
    check("mixed_case_columns", "out", &c, "src.Amount=filter src.Region=filter").await;
}

#[tokio::test]
async fn filters_decide_rows_not_values() {
    let all = cols(&copied("src", &TXNS));
    for (case, rows) in [
        ("filter_and_or_not", "src.amount=filter src.channel=filter src.branch=filter"),
        ("filter_case", "src.branch=filter src.amount=filter"),
        ("filter_like", "src.acct=filter src.note=filter"),
        ("filter_params", "src.txn_date=filter src.qty=filter"),
        ("filter_cast_substr", "src.acct=filter src.qty=filter"),
        ("limit_after_sort_desc", ""),
    ] {
        check_owned(case, "out", all.clone(), rows).await;
    }
    let j = ["code", "name", "staff", "rating", "active"];
    check_owned("json_source", "out", cols(&copied("j", &j)), "j.active=filter j.staff=filter").await;
    // An error-level unique rule keeps rows by the rule's columns.
    let accts = ["id", "acct", "branch", "amount", "ccy", "opened", "email"];
    check_owned("check_unique_two_columns", "out", cols(&copied("src", &accts)), "src.acct=filter src.branch=filter")
        .await;
    check_owned("check_not_null_warn", "out", cols(&copied("src", &accts)), "").await;
}

#[tokio::test]
async fn joins_rename_right_columns_and_match_on_keys() {
    let keys = "tx.acct=join_key accounts.acct=join_key";
    let mut c = cols(&copied("tx", &TX));
    c.extend(cols(&[
        ("acct_right", "accounts.acct=renamed".to_string()),
        ("cust_name", "accounts.cust_name=copied".into()),
        ("branch_right", "accounts.branch=renamed".into()),
        ("opened", "accounts.opened=copied".into()),
        ("tier", "accounts.tier=copied".into()),
    ]));
    for case in ["join_inner", "join_left", "join_right", "join_full"] {
        check_owned(case, "out", c.clone(), keys).await;
    }
    for case in ["join_semi", "join_anti"] {
        check_owned(case, "out", cols(&copied("tx", &TX)), keys).await;
    }
    let mut c = cols(&copied("tx", &TX));
    c.extend(cols(&[
        ("owner_acct", "owners.owner_acct=copied".to_string()),
        ("branch_right", "owners.branch=renamed".into()),
        ("since", "owners.since=copied".into()),
    ]));
    check_owned("join_different_key_names", "out", c, "tx.acct=join_key owners.owner_acct=join_key").await;
    let mut c = cols(&copied("tx", &TX));
    c.extend(cols(&[
        ("acct_right", "budgets.acct=renamed".to_string()),
        ("branch_right", "budgets.branch=renamed".into()),
        ("cap", "budgets.cap=copied".into()),
    ]));
    let keys = "tx.acct=join_key tx.branch=join_key budgets.acct=join_key budgets.branch=join_key";
    let all = check_owned("join_multi_key", "out", c, keys).await;
    // The path of a renamed right column: sink ← join ← budgets, never the left side.
    let lit = all.path("out", "branch_right");
    assert_eq!(lit.nodes.iter().map(String::as_str).collect::<Vec<_>>(), ["budgets", "j", "out"]);
    assert!(lit.edges.contains(&("budgets".into(), "j".into())) && lit.edges.contains(&("j".into(), "out".into())));
    assert_eq!(lit.columns["budgets"].iter().next().map(String::as_str), Some("branch"));
}

#[tokio::test]
async fn a_join_then_an_aggregate() {
    let all = check(
        "pipeline_mixed",
        "out",
        &[
            ("name", "br.name=copied"),
            ("n", "br.name=group_key"),
            ("total", "txns.amount=aggregated br.name=group_key"),
        ],
        "txns.branch=join_key br.code=join_key",
    )
    .await;
    let lit = all.path("out", "total");
    assert_eq!(lit.nodes.iter().map(String::as_str).collect::<Vec<_>>(), ["a", "j", "out", "s", "txns"]);
    assert!(!lit.nodes.contains("br"), "the value of total does not come from br");
}

#[tokio::test]
async fn selects_rename_and_cast() {
    check(
        "select_rename_reorder",
        "out",
        &[("amount", "src.amount=copied"), ("account", "src.acct=renamed"), ("txn_id", "src.txn_id=copied")],
        "",
    )
    .await;
    check(
        "select_cast",
        "out",
        &[
            ("label", "src.label=copied"),
            ("code", "src.code=computed"),
            ("amount", "src.amount_txt=computed"),
            ("day", "src.day_txt=computed"),
            ("n_text", "src.n=computed"),
            ("n_float", "src.n=computed"),
        ],
        "",
    )
    .await;
    check("distinct_some_columns", "out", &[("channel", "src.channel=copied"), ("branch", "src.branch=copied")], "")
        .await;
}

#[tokio::test]
async fn unions_match_columns_by_name() {
    let both = |c: &str| format!("pe.{c}=copied pn.{c}=copied");
    let c = ["acct", "amount", "txn_id"].map(|c| (c.to_string(), both(c)));
    check_owned("union_explicit_false", "out", c.to_vec(), "").await;
    let three = |c: &str| format!("pe.{c}=copied pn.{c}=copied ps.{c}=copied");
    let c = ["txn_id", "acct", "amount"].map(|c| (c.to_string(), three(c)));
    check_owned("union_three_distinct", "out", c.to_vec(), "").await;
    let two = |c: &str| format!("pn.{c}=copied ps.{c}=copied");
    let c = ["txn_id", "acct", "amount"].map(|c| (c.to_string(), two(c)));
    let all = check_owned("union_two_all", "out", c.to_vec(), "").await;
    let lit = all.path("out", "amount");
    assert!(lit.nodes.contains("pn") && lit.nodes.contains("ps"), "both inputs of a union carry the column");
}

#[tokio::test]
async fn sql_nodes_are_followed_through_their_views() {
    check(
        "sql_after_transform",
        "out",
        &[("acct", "txns.acct=copied"), ("n", "txns.acct=group_key")],
        "txns.amount=filter",
    )
    .await;
    let all = check(
        "sql_cte",
        "out",
        &[
            ("acct", "txns.acct=copied"),
            ("total", "txns.amount=aggregated txns.acct=group_key"),
            ("n", "txns.acct=group_key"),
            ("kind", "txns.acct=group_key"),
        ],
        "txns.amount=filter txns.acct=filter",
    )
    .await;
    let kind = all.node("q").unwrap().column("kind").unwrap();
    assert!(kind.expr.as_deref().is_some_and(|e| e.contains("count") && e.contains("many")), "{kind:?}");
    let g = "txns.branch=group_key";
    check(
        "sql_one_input",
        "out",
        &[
            ("branch", "txns.branch=copied"),
            ("n", g),
            ("total", &format!("txns.amount=aggregated {g}")),
            ("last_day", &format!("txns.txn_date=aggregated {g}")),
        ],
        "txns.amount=filter",
    )
    .await;
    let all = check(
        "sql_two_inputs",
        "out",
        &[
            ("txn_id", "tx.txn_id=copied"),
            ("amount", "tx.amount=copied"),
            ("cust_name", "accounts.cust_name=copied"),
            ("tier", "accounts.tier=copied"),
        ],
        "tx.acct=join_key accounts.acct=join_key tx.amount=filter",
    )
    .await;
    let q = all.node("q").unwrap();
    let from = &q.column("cust_name").unwrap().from;
    assert_eq!((from[0].node.as_str(), from[0].column.as_str()), ("accounts", "cust_name"), "one step back");
}

#[tokio::test]
async fn two_sinks_each_get_their_own_lineage() {
    let all = check_owned("two_sinks", "detail", cols(&copied("txns", &TXNS)), "txns.amount=filter").await;
    let summary = all.node("summary").unwrap();
    assert_eq!(triples(summary, "total"), parse("txns.amount=aggregated txns.channel=group_key"));
    assert_eq!(triples(summary, "avg_qty"), parse("txns.qty=aggregated txns.channel=group_key"));
    assert_eq!(triples(summary, "channel"), parse("txns.channel=copied"));
}

#[tokio::test]
async fn a_missing_source_leaves_its_downstream_unknown_and_names_why() {
    let dir = tempfile::tempdir().unwrap();
    let graph = sluice_shared::parse_graph(
        r#"{"format": "sluice.graph/v1", "name": "m", "nodes": [
            {"id": "gone", "kind": "source.csv", "config": {"path": "nope.csv"}},
            {"id": "f", "kind": "transform.filter", "config": {"predicate": "x > 1"}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out.csv"}}],
           "edges": [{"from": "gone", "to": "f"}, {"from": "f", "to": "out"}]}"#,
    )
    .unwrap();
    let all = engine::lineage::lineage(&graph, &BTreeMap::new(), &DataRoot::new(dir.path()), Default::default())
        .await
        .unwrap();
    assert!(all.node("gone").unwrap().unknown.as_deref().unwrap().contains("could not be opened"));
    assert!(all.node("f").unwrap().unknown.as_deref().unwrap().contains("`gone`"));
    assert!(all.node("out").unwrap().columns.is_empty());
}
