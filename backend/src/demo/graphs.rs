//! The demo's example graphs, one per common task: a daily report, a watchlist
//! for compliance, and a limit check that feeds a chart.

use serde_json::{Value, json};
use sluice_shared::Graph;

fn parse(doc: Value) -> Graph {
    sluice_shared::parse_graph_value(doc).expect("the demo graphs are constants that parse")
}

/// Large transactions of one business date, totalled per branch.
pub fn daily_branch_summary() -> Graph {
    parse(json!({
        "format": "sluice.graph/v1",
        "name": "daily_branch_summary",
        "description": "Transactions over 100 on the business date, totalled per branch, biggest first",
        "params": { "biz_date": { "type": "date", "default": super::data::END_DATE } },
        "nodes": [
            { "id": "transactions", "kind": "source.csv",
              "config": { "path": "demo/transactions.csv" }, "pos": [80, 80] },
            { "id": "branches", "kind": "source.csv",
              "config": { "path": "demo/branches.csv" }, "pos": [80, 260] },
            { "id": "large_on_date", "kind": "transform.filter",
              "config": { "predicate": "amount > 100 AND txn_date = $biz_date" }, "pos": [300, 80] },
            { "id": "with_branch", "kind": "transform.join",
              "config": { "how": "left", "on": [ { "left": "branch", "right": "branch" } ] }, "pos": [520, 170] },
            { "id": "per_branch", "kind": "transform.aggregate",
              "config": {
                  "group_by": ["branch", "branch_name"],
                  "aggregates": [
                      { "fn": "sum", "column": "amount", "as": "total" },
                      { "fn": "count", "as": "n" },
                      { "fn": "avg", "column": "amount", "as": "avg_amount" }
                  ]
              }, "pos": [740, 170] },
            { "id": "rounded", "kind": "transform.derive",
              "config": { "columns": [
                  { "name": "total", "expr": "round(total, 2)" },
                  { "name": "avg_amount", "expr": "round(avg_amount, 2)" }
              ] }, "pos": [960, 170] },
            { "id": "biggest_first", "kind": "transform.sort",
              "config": { "by": [ { "column": "total", "desc": true } ] }, "pos": [1180, 170] },
            { "id": "summary_csv", "kind": "sink.csv",
              "config": { "path": "out/daily_branch_summary_{biz_date}.csv" }, "pos": [1400, 170] }
        ],
        "edges": [
            { "from": "transactions", "to": "large_on_date" },
            { "from": "large_on_date", "to": "with_branch", "port": "left" },
            { "from": "branches", "to": "with_branch", "port": "right" },
            { "from": "with_branch", "to": "per_branch" },
            { "from": "per_branch", "to": "rounded" },
            { "from": "rounded", "to": "biggest_first" },
            { "from": "biggest_first", "to": "summary_csv" }
        ]
    }))
}

/// Large transactions with their account and customer, flagged for review.
pub fn large_txn_watchlist() -> Graph {
    let flag = "CASE \
        WHEN amount >= 50000 THEN 'very_large' \
        WHEN risk_rating >= 4 THEN 'high_risk_customer' \
        WHEN status <> 'active' THEN 'inactive_account' \
        WHEN currency <> 'CNY' THEN 'foreign_currency' \
        ELSE 'large' END";
    let amount_cny = "round(CASE \
        WHEN currency = 'USD' THEN amount * 7.12 \
        WHEN currency = 'HKD' THEN amount * 0.91 \
        WHEN currency = 'EUR' THEN amount * 7.75 \
        ELSE amount END, 2)";
    parse(json!({
        "format": "sluice.graph/v1",
        "name": "large_txn_watchlist",
        "description": "Transactions of 5,000 or more (2,000 for retail customers) with account and customer details, flagged for review",
        "nodes": [
            { "id": "transactions", "kind": "source.csv",
              "config": { "path": "demo/transactions.csv" }, "pos": [80, 60] },
            { "id": "accounts", "kind": "source.csv",
              "config": { "path": "demo/accounts.csv" }, "pos": [80, 220] },
            { "id": "customers", "kind": "source.csv",
              "config": { "path": "demo/customers.csv" }, "pos": [80, 380] },
            { "id": "with_account", "kind": "transform.join",
              "config": { "how": "inner", "on": [ { "left": "account_id", "right": "account_id" } ] },
              "pos": [300, 140] },
            { "id": "with_customer", "kind": "transform.join",
              "config": { "how": "inner", "on": [ { "left": "customer_id", "right": "customer_id" } ] },
              "pos": [520, 260] },
            { "id": "large", "kind": "transform.filter",
              "config": { "predicate": "amount >= 5000 OR (segment = 'retail' AND amount >= 2000)" },
              "pos": [740, 260] },
            { "id": "flagged", "kind": "transform.derive",
              "config": { "columns": [
                  { "name": "flag", "expr": flag },
                  { "name": "amount_cny", "expr": amount_cny }
              ] }, "pos": [960, 260] },
            { "id": "readable", "kind": "transform.select",
              "config": { "columns": [
                  "txn_id",
                  { "name": "txn_date", "as": "date" },
                  "branch",
                  "account_id",
                  "product",
                  { "name": "status", "as": "account_status" },
                  "customer_id",
                  { "name": "name", "as": "customer_name" },
                  "segment",
                  "risk_rating",
                  "channel",
                  "currency",
                  "amount",
                  "amount_cny",
                  "flag",
                  "memo"
              ] }, "pos": [1180, 260] },
            { "id": "largest_first", "kind": "transform.sort",
              "config": { "by": [ { "column": "amount_cny", "desc": true }, { "column": "txn_id" } ] },
              "pos": [1400, 260] },
            { "id": "watchlist_xlsx", "kind": "sink.excel",
              "config": { "path": "out/large_txn_watchlist.xlsx", "sheet": "watchlist" }, "pos": [1620, 260] }
        ],
        "edges": [
            { "from": "transactions", "to": "with_account", "port": "left" },
            { "from": "accounts", "to": "with_account", "port": "right" },
            { "from": "with_account", "to": "with_customer", "port": "left" },
            { "from": "customers", "to": "with_customer", "port": "right" },
            { "from": "with_customer", "to": "large" },
            { "from": "large", "to": "flagged" },
            { "from": "flagged", "to": "readable" },
            { "from": "readable", "to": "largest_first" },
            { "from": "largest_first", "to": "watchlist_xlsx" }
        ]
    }))
}

/// Days on which a branch's transactions went over its daily limit.
pub fn branch_limit_check() -> Graph {
    parse(json!({
        "format": "sluice.graph/v1",
        "name": "branch_limit_check",
        "description": "Branch days whose transaction total went over the branch's daily limit (from branch_limits.xlsx)",
        "nodes": [
            { "id": "transactions", "kind": "source.csv",
              "config": { "path": "demo/transactions.csv" }, "pos": [80, 80] },
            { "id": "branch_limits", "kind": "source.excel",
              "config": { "path": "demo/branch_limits.xlsx", "sheet": "limits" }, "pos": [80, 260] },
            { "id": "daily_totals", "kind": "transform.aggregate",
              "config": {
                  "group_by": ["branch", "txn_date"],
                  "aggregates": [ { "fn": "sum", "column": "amount", "as": "total" } ]
              }, "pos": [300, 80] },
            { "id": "with_limit", "kind": "transform.join",
              "config": { "how": "inner", "on": [ { "left": "branch", "right": "branch" } ] }, "pos": [520, 170] },
            { "id": "checked", "kind": "transform.derive",
              "config": { "columns": [
                  { "name": "total", "expr": "round(total, 2)" },
                  { "name": "over_limit", "expr": "total > daily_limit" },
                  { "name": "excess", "expr": "round(total - daily_limit, 2)" }
              ] }, "pos": [740, 170] },
            { "id": "over", "kind": "transform.filter",
              "config": { "predicate": "over_limit" }, "pos": [960, 170] },
            { "id": "tidy", "kind": "transform.select",
              "config": { "columns": [
                  "branch", "txn_date", "total", "daily_limit", "excess", "currency"
              ] }, "pos": [1180, 170] },
            { "id": "latest_first", "kind": "transform.sort",
              "config": { "by": [ { "column": "txn_date", "desc": true }, { "column": "excess", "desc": true } ] },
              "pos": [1400, 170] },
            { "id": "over_limit_report", "kind": "sink.report",
              "config": { "title": "Branches over their daily limit", "chart": "bar", "x": "branch", "y": "total" },
              "pos": [1620, 80] },
            { "id": "over_limit_parquet", "kind": "sink.parquet",
              "config": { "path": "out/branch_limit_check.parquet" }, "pos": [1620, 260] }
        ],
        "edges": [
            { "from": "transactions", "to": "daily_totals" },
            { "from": "daily_totals", "to": "with_limit", "port": "left" },
            { "from": "branch_limits", "to": "with_limit", "port": "right" },
            { "from": "with_limit", "to": "checked" },
            { "from": "checked", "to": "over" },
            { "from": "over", "to": "tidy" },
            { "from": "tidy", "to": "latest_first" },
            { "from": "latest_first", "to": "over_limit_report" },
            { "from": "latest_first", "to": "over_limit_parquet" }
        ]
    }))
}
