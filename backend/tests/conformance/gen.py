#!/usr/bin/env python3
"""Generate the Sluice conformance suite (cases/ and invalid/) deterministically.

Run:  python3 backend/tests/conformance/gen.py      (deps: duckdb pandas pyarrow openpyxl)

Each valid case is a folder cases/<name>/ with
  graph.json   a sluice.graph/v1 graph; paths are relative to this folder (the data root)
  data/...     the input files
  expected/... one CSV per sink output, computed here with DuckDB SQL from the same rows that
               were written to data/ (never by running sluice). A CSV sink's expected file has
               the sink's path (expected/out/x.csv); a parquet or excel sink's expected file is
               that path plus ".csv" (expected/out/x.parquet.csv, expected/out/x.xlsx.csv).
  case.json    {"ordered": bool, "params": {k: v}}: ordered only when the graph ends in a sort
               that fixes the order completely; params go to `sluice run --param k=v`.

invalid/<name>.json are graphs with exactly one defect; invalid/expect.json says which node
prefix and which culprit strings `sluice validate` must print (see write_invalid()).

The expected outputs follow the contract in shared/handbook/graph-format.md plus the lead's
decisions: empty CSV field = NULL for every type; CSV types inferred as int64/float64/date/
string; derive is sequential; join = left columns then right columns, colliding right names get
"_right"; semi/anti give left columns; union takes the first input's column order; aggregate =
group columns then aggregates; sort puts NULLs last both ways.
"""
from __future__ import annotations

import shutil

from gen_checks import check_cases
from gen_invalid import write_invalid
from gen_lib import *  # noqa: F401,F403 (tables, writers, graph helpers)
from gen_lib import CASES, COUNT, HERE, INVALID

# --------------------------------------------------------------------------------------------
# Valid cases
# --------------------------------------------------------------------------------------------
def sources() -> None:
    # Inference (int64/float64/date/string), NULLs, negatives; pos, description and ui are accepted.
    s, f = csv_src("txns", TXNS)
    s["pos"] = [80, 120]
    g = graph("csv_basic", [s, node("out", "sink.csv", path="out/result.csv")], chain("txns", "out"),
              description="CSV in, CSV out", ui={"zoom": 1.5, "notes": ["free-form"]})
    add_case("csv_basic", g, [f], {"out/result.csv": f"SELECT * FROM txns"})

    semi = Table("semicolons", QUOTES.cols, [(i, l.replace(";", ","), c) if l else (i, l, c) for i, l, c in QUOTES.rows])
    simple("csv_delimiter_semicolon", semi, [], "SELECT * FROM semicolons", src_cfg={"delimiter": ";"})
    simple("csv_quoted_fields", QUOTES, [], "SELECT * FROM quotes")
    simple("csv_schema_types", LEDGER, [], "SELECT * FROM ledger", src_cfg={"schema": LEDGER.schema()})
    simple("csv_schema_decimal_sum", LEDGER,
           [node("agg", "transform.aggregate", group_by=["acct_no"],
                 aggregates=[{"fn": "sum", "column": "amount", "as": "total"},
                             {"fn": "min", "column": "amount", "as": "lowest"}])],
           "SELECT acct_no, sum(amount) AS total, min(amount) AS lowest FROM ledger GROUP BY acct_no",
           src_cfg={"schema": LEDGER.schema()})
    simple("csv_schema_timestamp_functions", EVENTS,
           [node("d", "transform.derive", columns=[
               {"name": "month_start", "expr": "date_trunc('month', ts)"},
               {"name": "yr", "expr": "extract(year from ev_day)"},
               {"name": "hr", "expr": "extract(hour from ts)"}])],
           "SELECT *, date_trunc('month', ts) AS month_start, extract(year from ev_day) AS yr, "
           "extract(hour from ts) AS hr FROM events", src_cfg={"schema": EVENTS.schema()})

    g = graph("parquet_source", [node("p", "source.parquet", path="data/products.parquet"),
                                 node("out", "sink.csv", path="out/result.csv")], chain("p", "out"))
    add_case("parquet_source", g, [("data/products.parquet", PRODUCTS, "parquet", {})],
             {"out/result.csv": "SELECT * FROM products"})

    g = graph("json_source", [node("j", "source.json", path="data/branches.ndjson"),
                              node("f", "transform.filter", predicate="active OR staff > 5"),
                              node("out", "sink.csv", path="out/result.csv")], chain("j", "f", "out"))
    add_case("json_source", g, [("data/branches.ndjson", BRANCHES, "ndjson", {"omit_null": ["rating", "active"]})],
             {"out/result.csv": "SELECT * FROM branches WHERE active OR staff > 5"})

    g = graph("excel_default_sheet", [node("x", "source.excel", path="data/book.xlsx"),
                                      node("out", "sink.csv", path="out/result.csv")], chain("x", "out"))
    add_case("excel_default_sheet", g, [], {"out/result.csv": 'SELECT * FROM "Summary"'},
             xlsx={"data/book.xlsx": [SUMMARY, STAFF]})
    g = graph("excel_named_sheet", [node("x", "source.excel", path="data/book.xlsx", sheet="Staff",
                                         schema=STAFF.schema()),
                                    node("out", "sink.csv", path="out/result.csv")], chain("x", "out"))
    add_case("excel_named_sheet", g, [], {"out/result.csv": 'SELECT * FROM "Staff"'},
             xlsx={"data/book.xlsx": [SUMMARY, STAFF]})


def filters() -> None:
    def flt(name: str, pred: str, where: str | None = None, **kw):
        simple(name, TXNS, [node("f", "transform.filter", predicate=pred)],
               f"SELECT * FROM txns WHERE {where or pred}", **kw)

    flt("filter_and_or_not", "(amount > 100 OR channel = 'atm') AND NOT (branch = 'S')")
    flt("filter_is_null", "branch IS NULL OR (qty IS NOT NULL AND qty < 1)")
    flt("filter_in_between", "channel IN ('web', 'atm') AND qty BETWEEN 2 AND 5")
    flt("filter_like", "acct LIKE 'A1%' OR note LIKE '%refund%'")
    flt("filter_case", "CASE WHEN branch = 'N' THEN amount > 50 WHEN branch = 'S' THEN amount < 0 ELSE FALSE END")
    flt("filter_cast_substr", "CAST(substr(acct, 2, 2) AS BIGINT) >= 10 AND CAST(qty AS DOUBLE) > 1.5")
    flt("filter_date_literal", "txn_date < DATE '2026-01-06'")
    # NULL amount: `amount > 0` and `NOT (amount > 0)` are both NULL, so those rows go nowhere.
    flt("filter_null_is_false", "NOT (amount > 0)")
    flt("filter_params", "txn_date >= $from_date AND qty >= $min_qty",
        "txn_date >= DATE '2026-01-06' AND qty >= 3",
        gparams={"from_date": {"type": "date", "default": "2026-01-01"},
                 "min_qty": {"type": "int64", "default": 0}},
        params={"from_date": "2026-01-06", "min_qty": "3"})
    # No --param given: the defaults apply (string and float64 parameters).
    flt("filter_param_defaults", "branch = $br AND amount >= $min_amt", "branch = 'N' AND amount >= 50.5",
        gparams={"br": {"type": "string", "default": "N"}, "min_amt": {"type": "float64", "default": 50.5}})


def selects_and_derives() -> None:
    simple("select_rename_reorder", TXNS,
           [node("s", "transform.select", columns=["amount", {"name": "acct", "as": "account"}, "txn_id"])],
           "SELECT amount, acct AS account, txn_id FROM txns")
    simple("select_cast", CODES,
           [node("s", "transform.select", columns=[
               "label", {"name": "code", "type": "int64"},
               {"name": "amount_txt", "as": "amount", "type": "decimal(10,2)"},
               {"name": "day_txt", "as": "day", "type": "date"},
               {"name": "n", "as": "n_text", "type": "string"},
               {"name": "n", "as": "n_float", "type": "float64"}])],
           "SELECT label, CAST(code AS BIGINT) AS code, CAST(amount_txt AS DECIMAL(10,2)) AS amount, "
           "CAST(day_txt AS DATE) AS day, CAST(n AS VARCHAR) AS n_text, CAST(n AS DOUBLE) AS n_float FROM codes",
           src_cfg={"schema": CODES.schema()})
    simple("derive_new_columns", TXNS,
           [node("d", "transform.derive", columns=[
               {"name": "double_amt", "expr": "amount * 2"},
               {"name": "chan_up", "expr": "upper(channel)"},
               {"name": "acct_low", "expr": "lower(acct)"},
               {"name": "branch_or", "expr": "coalesce(branch, 'none')"},
               {"name": "abs_amt", "expr": "abs(amount)"}])],
           "SELECT *, amount * 2 AS double_amt, upper(channel) AS chan_up, lower(acct) AS acct_low, "
           "coalesce(branch, 'none') AS branch_or, abs(amount) AS abs_amt FROM txns")
    # Same name replaces in place: column order unchanged.
    simple("derive_replace_in_place", TXNS,
           [node("d", "transform.derive", columns=[
               {"name": "amount", "expr": "abs(amount)"}, {"name": "channel", "expr": "upper(channel)"}])],
           "SELECT txn_id, acct, branch, abs(amount) AS amount, qty, txn_date, upper(channel) AS channel, note FROM txns")
    # Sequential: amount is replaced first, then later columns see the new amount.
    simple("derive_sequential", TXNS,
           [node("d", "transform.derive", columns=[
               {"name": "amount", "expr": "coalesce(amount, 0)"},
               {"name": "gross", "expr": "amount * 1.1"},
               {"name": "gross_r", "expr": "round(gross, 1)"},
               {"name": "flag", "expr": "CASE WHEN gross_r > 100 THEN 'big' ELSE 'small' END"}])],
           "WITH a AS (SELECT txn_id, acct, branch, coalesce(amount, 0) AS amount, qty, txn_date, channel, note FROM txns), "
           "b AS (SELECT *, amount * 1.1 AS gross FROM a), c AS (SELECT *, round(gross, 1) AS gross_r FROM b) "
           "SELECT *, CASE WHEN gross_r > 100 THEN 'big' ELSE 'small' END AS flag FROM c")
    simple("derive_string_functions", PEOPLE,
           [node("d", "transform.derive", columns=[
               {"name": "name_trim", "expr": "trim(name)"},
               {"name": "initial", "expr": "upper(substr(trim(name), 1, 1))"},
               {"name": "city_low", "expr": "lower(city)"},
               {"name": "tag", "expr": "lower(trim(name)) || '@' || coalesce(lower(city), 'nowhere')"},
               {"name": "score_r", "expr": "round(score, 1)"},
               {"name": "score_abs", "expr": "abs(score)"}])],
           "SELECT *, trim(name) AS name_trim, upper(substr(trim(name), 1, 1)) AS initial, lower(city) AS city_low, "
           "lower(trim(name)) || '@' || coalesce(lower(city), 'nowhere') AS tag, round(score, 1) AS score_r, "
           "abs(score) AS score_abs FROM people")
    # Identifiers are case-sensitive as written (lead's decision).
    simple("mixed_case_columns", MIXED,
           [node("f", "transform.filter", predicate="Amount >= 10 AND Region IS NOT NULL"),
            node("d", "transform.derive", columns=[{"name": "Shout", "expr": "upper(CustName)"}])],
           'SELECT *, upper("CustName") AS "Shout" FROM mixed WHERE "Amount" >= 10 AND "Region" IS NOT NULL')


def joins() -> None:
    right_names = [c + "_right" if c in TX.names else c for c in ACCOUNTS.names]
    all_cols = cols(TX, "l") + ", " + ", ".join(f"r.{q(c)} AS {q(n)}" for c, n in zip(ACCOUNTS.names, right_names))
    for how, sql in [
        ("inner", f"SELECT {all_cols} FROM tx l JOIN accounts r ON l.acct = r.acct"),
        ("left", f"SELECT {all_cols} FROM tx l LEFT JOIN accounts r ON l.acct = r.acct"),
        ("right", f"SELECT {all_cols} FROM tx l RIGHT JOIN accounts r ON l.acct = r.acct"),
        ("full", f"SELECT {all_cols} FROM tx l FULL JOIN accounts r ON l.acct = r.acct"),
        ("semi", "SELECT * FROM tx l WHERE EXISTS (SELECT 1 FROM accounts r WHERE r.acct = l.acct)"),
        ("anti", "SELECT * FROM tx l WHERE NOT EXISTS (SELECT 1 FROM accounts r WHERE r.acct = l.acct)"),
    ]:
        l, fl = csv_src("tx", TX)
        r, fr = csv_src("accounts", ACCOUNTS)
        j = node("j", "transform.join", how=how, on=[{"left": "acct", "right": "acct"}])
        nodes = [l, r, j, node("out", "sink.csv", path="out/result.csv")]
        edges = [edge("tx", "j", "left"), edge("accounts", "j", "right"), edge("j", "out")]
        add_case(f"join_{how}", graph(f"join_{how}", nodes, edges), [fl, fr], {"out/result.csv": sql})

    # Multi-key: both keys collide and come back as acct_right / branch_right. NULL never matches.
    l, fl = csv_src("tx", TX)
    r, fr = csv_src("budgets", BUDGETS)
    j = node("j", "transform.join", how="left",
             on=[{"left": "acct", "right": "acct"}, {"left": "branch", "right": "branch"}])
    nodes = [l, r, j, node("out", "sink.csv", path="out/result.csv")]
    edges = [edge("budgets", "j", "right"), edge("tx", "j", "left"), edge("j", "out")]
    add_case("join_multi_key", graph("join_multi_key", nodes, edges), [fl, fr], {"out/result.csv":
             f"SELECT {cols(TX, 'l')}, r.acct AS acct_right, r.branch AS branch_right, r.cap "
             "FROM tx l LEFT JOIN budgets r ON l.acct = r.acct AND l.branch = r.branch"})

    # Keys with different names on each side; no collision except `branch`.
    ren = Table("owners", [("owner_acct", "VARCHAR"), ("branch", "VARCHAR"), ("since", "DATE")],
                [("A01", "S", D(2020, 1, 1)), ("A02", "N", D(2021, 2, 2)), ("A99", None, None), ("Z00", "E", D(2022, 3, 3))])
    l, fl = csv_src("tx", TX)
    r, fr = csv_src("owners", ren)
    j = node("j", "transform.join", how="inner", on=[{"left": "acct", "right": "owner_acct"}])
    nodes = [l, r, j, node("out", "sink.csv", path="out/result.csv")]
    edges = [edge("tx", "j", "left"), edge("owners", "j", "right"), edge("j", "out")]
    add_case("join_different_key_names", graph("join_different_key_names", nodes, edges), [fl, fr],
             {"out/result.csv": f"SELECT {cols(TX, 'l')}, r.owner_acct, r.branch AS branch_right, r.since "
                                "FROM tx l JOIN owners r ON l.acct = r.owner_acct"})


def unions() -> None:
    a, fa = csv_src("pn", PART_N)
    b, fb = csv_src("ps", PART_S)
    c, fc = csv_src("pe", PART_E)
    order = cols(PART_N)
    g = graph("union_two_all", [a, b, node("u", "transform.union"), node("out", "sink.csv", path="out/result.csv")],
              [edge("pn", "u"), edge("ps", "u"), edge("u", "out")])
    add_case("union_two_all", g, [fa, fb],
             {"out/result.csv": f"SELECT {order} FROM part_n UNION ALL SELECT {order} FROM part_s"})
    g = graph("union_three_distinct",
              [a, b, c, node("u", "transform.union", distinct=True), node("out", "sink.csv", path="out/result.csv")],
              [edge("pn", "u"), edge("ps", "u"), edge("pe", "u"), edge("u", "out")])
    add_case("union_three_distinct", g, [fa, fb, fc], {"out/result.csv":
             f"SELECT {order} FROM part_n UNION SELECT {order} FROM part_s UNION SELECT {order} FROM part_e"})
    g = graph("union_explicit_false",
              [a, c, node("u", "transform.union", distinct=False), node("out", "sink.csv", path="out/result.csv")],
              [edge("pe", "u"), edge("pn", "u"), edge("u", "out")])
    # First input is pe here, so the output takes pe's column order.
    add_case("union_explicit_false", g, [fa, fc], {"out/result.csv":
             f"SELECT {cols(PART_E)} FROM part_e UNION ALL SELECT {cols(PART_E)} FROM part_n"})


def aggregates() -> None:
    all_fns = [{"fn": "count", "as": "n"}, {"fn": "count", "column": "qty", "as": "n_qty"},
               {"fn": "count_distinct", "column": "acct", "as": "n_accts"},
               {"fn": "sum", "column": "amount", "as": "total"}, {"fn": "avg", "column": "amount", "as": "mean"},
               {"fn": "min", "column": "txn_date", "as": "first_day"}, {"fn": "max", "column": "amount", "as": "biggest"},
               {"fn": "max", "column": "acct", "as": "last_acct"}, {"fn": "sum", "column": "qty", "as": "units"}]
    agg_sql = ("count(*) AS n, count(qty) AS n_qty, count(DISTINCT acct) AS n_accts, sum(amount) AS total, "
               "avg(amount) AS mean, min(txn_date) AS first_day, max(amount) AS biggest, max(acct) AS last_acct, "
               "sum(qty) AS units")
    # NULL branch forms its own group.
    simple("aggregate_all_functions", TXNS,
           [node("a", "transform.aggregate", group_by=["branch"], aggregates=all_fns)],
           f"SELECT branch, {agg_sql} FROM txns GROUP BY branch")
    simple("aggregate_two_keys", TXNS,
           [node("a", "transform.aggregate", group_by=["channel", "branch"],
                 aggregates=[{"fn": "sum", "column": "qty", "as": "units"}, {"fn": "count", "as": "n"},
                             {"fn": "min", "column": "amount", "as": "smallest"}])],
           "SELECT channel, branch, sum(qty) AS units, count(*) AS n, min(amount) AS smallest FROM txns GROUP BY channel, branch")
    simple("aggregate_no_group", TXNS,
           [node("a", "transform.aggregate", group_by=[], aggregates=all_fns)],
           f"SELECT {agg_sql} FROM txns")
    # Empty group_by over zero rows is still one row: count 0, other aggregates NULL.
    simple("aggregate_no_group_empty_input", TXNS,
           [node("f", "transform.filter", predicate="amount > 1000000"),
            node("a", "transform.aggregate", group_by=[], aggregates=all_fns)],
           f"SELECT {agg_sql} FROM txns WHERE amount > 1000000")


def sorts_distinct_limit() -> None:
    simple("sort_multi_keys_nulls_last", TXNS,
           [node("s", "transform.sort", by=[{"column": "branch"}, {"column": "amount", "desc": True},
                                            {"column": "txn_id"}])],
           "SELECT * FROM txns ORDER BY branch ASC NULLS LAST, amount DESC NULLS LAST, txn_id ASC", ordered=True)
    simple("sort_desc_nulls_last", TXNS,
           [node("s", "transform.sort", by=[{"column": "qty", "desc": True}, {"column": "txn_date", "desc": False},
                                            {"column": "txn_id", "desc": True}])],
           "SELECT * FROM txns ORDER BY qty DESC NULLS LAST, txn_date ASC NULLS LAST, txn_id DESC", ordered=True)
    simple("sort_after_aggregate", TXNS,
           [node("a", "transform.aggregate", group_by=["acct"],
                 aggregates=[{"fn": "sum", "column": "amount", "as": "total"}]),
            node("s", "transform.sort", by=[{"column": "total", "desc": True}, {"column": "acct"}])],
           "SELECT acct, sum(amount) AS total FROM txns GROUP BY acct ORDER BY total DESC NULLS LAST, acct",
           ordered=True)
    simple("distinct_all_columns", DUPS, [node("d", "transform.distinct")], "SELECT DISTINCT * FROM dups")
    simple("distinct_some_columns", DUPS, [node("d", "transform.distinct", columns=["channel", "branch"])],
           "SELECT DISTINCT channel, branch FROM dups")
    # A limit is only deterministic after a sort on a unique key; the multiset is checked.
    simple("limit_offset_after_sort", TXNS,
           [node("s", "transform.sort", by=[{"column": "txn_id"}]), node("l", "transform.limit", n=5, offset=3)],
           "SELECT * FROM txns ORDER BY txn_id LIMIT 5 OFFSET 3")
    simple("limit_after_sort_desc", TXNS,
           [node("s", "transform.sort", by=[{"column": "amount", "desc": True}, {"column": "txn_id"}]),
            node("l", "transform.limit", n=4)],
           "SELECT * FROM txns ORDER BY amount DESC NULLS LAST, txn_id LIMIT 4")


def sql_nodes() -> None:
    q1 = ("SELECT branch, count(*) AS n, sum(amount) AS total, max(txn_date) AS last_day FROM txns "
          "WHERE amount > 0 GROUP BY branch")
    s, f = csv_src("txns", TXNS)
    g = graph("sql_one_input", [s, node("q", "transform.sql", query=q1), node("out", "sink.csv", path="out/result.csv")],
              chain("txns", "q", "out"))
    add_case("sql_one_input", g, [f], {"out/result.csv": q1})

    q2 = ("SELECT t.txn_id, t.amount, a.cust_name, a.tier FROM tx t JOIN accounts a ON t.acct = a.acct "
          "WHERE t.amount > 0")
    l, fl = csv_src("tx", TX)
    r, fr = csv_src("accounts", ACCOUNTS)
    g = graph("sql_two_inputs", [l, r, node("q", "transform.sql", query=q2), node("out", "sink.csv", path="out/result.csv")],
              [edge("tx", "q"), edge("accounts", "q"), edge("q", "out")])
    add_case("sql_two_inputs", g, [fl, fr], {"out/result.csv": q2})

    q3 = ("WITH per_acct AS (SELECT acct, sum(amount) AS total, count(*) AS n FROM txns GROUP BY acct), "
          "big AS (SELECT * FROM per_acct WHERE total > 500) "
          "SELECT acct, total, n, CASE WHEN n > 2 THEN 'many' ELSE 'few' END AS kind FROM big")
    s, f = csv_src("txns", TXNS)
    g = graph("sql_cte", [s, node("q", "transform.sql", query=q3), node("out", "sink.csv", path="out/result.csv")],
              chain("txns", "q", "out"))
    add_case("sql_cte", g, [f], {"out/result.csv": q3})

    # SQL downstream of a transform: the table is named by the upstream node id (`pos_only`).
    q4 = "SELECT acct, count(*) AS n FROM pos_only GROUP BY acct"
    s, f = csv_src("txns", TXNS)
    g = graph("sql_after_transform", [s, node("pos_only", "transform.filter", predicate="amount > 0"),
                                      node("q", "transform.sql", query=q4), node("out", "sink.csv", path="out/result.csv")],
              chain("txns", "pos_only", "q", "out"))
    add_case("sql_after_transform", g, [f], {"out/result.csv":
             "SELECT acct, count(*) AS n FROM (SELECT * FROM txns WHERE amount > 0) GROUP BY acct"})


def sinks() -> None:
    simple("sink_csv_semicolon", QUOTES, [], "SELECT * FROM quotes",
           sink=node("out", "sink.csv", path="out/result.csv", delimiter=";"))
    simple("sink_parquet", TXNS, [node("f", "transform.filter", predicate="amount > 0")],
           "SELECT * FROM txns WHERE amount > 0", sink=node("out", "sink.parquet", path="out/result.parquet"))
    simple("sink_parquet_typed", LEDGER, [], "SELECT * FROM ledger", src_cfg={"schema": LEDGER.schema()},
           sink=node("out", "sink.parquet", path="out/ledger.parquet"))
    simple("sink_excel_sheet", TXNS, [node("s", "transform.select", columns=["txn_id", "acct", "amount", "txn_date", "note"])],
           "SELECT txn_id, acct, amount, txn_date, note FROM txns",
           sink=node("out", "sink.excel", path="out/report.xlsx", sheet="Report"))
    simple("sink_excel_default_sheet", PEOPLE, [], "SELECT * FROM people",
           sink=node("out", "sink.excel", path="out/people.xlsx"))

    # The handbook's own example, with {biz_date} in the sink path and the date given on the command line.
    g = graph("daily_branch_summary", [
        node("txns", "source.csv", path="data/txns.csv"),
        node("big", "transform.filter", predicate="amount > 100 AND txn_date = $biz_date"),
        node("by_br", "transform.aggregate", group_by=["branch"],
             aggregates=[{"fn": "sum", "column": "amount", "as": "total"}, {"fn": "count", "as": "n"}]),
        node("out", "sink.csv", path="out/summary_{biz_date}.csv")], chain("txns", "big", "by_br", "out"),
        {"biz_date": {"type": "date", "default": "2026-11-24"}},
        description="Sum of large transactions per branch for the business date")
    add_case("sink_path_param", g, [("data/txns.csv", TXNS, "csv", {})], {"out/summary_2026-01-10.csv":
             "SELECT branch, sum(amount) AS total, count(*) AS n FROM txns "
             "WHERE amount > 100 AND txn_date = DATE '2026-01-10' GROUP BY branch"},
             params={"biz_date": "2026-01-10"})

    # Two sinks fed from one filter; one is parquet under a default-parameter path.
    g = graph("two_sinks", [
        node("txns", "source.csv", path="data/txns.csv"),
        node("pos", "transform.filter", predicate="amount > 0"),
        node("detail", "sink.csv", path="out/positive.csv"),
        node("agg", "transform.aggregate", group_by=["channel"],
             aggregates=[{"fn": "sum", "column": "amount", "as": "total"}, {"fn": "avg", "column": "qty", "as": "avg_qty"}]),
        node("summary", "sink.parquet", path="out/{region}/by_channel.parquet")],
        [*chain("txns", "pos", "detail"), *chain("pos", "agg", "summary")],
        {"region": {"type": "string", "default": "emea"}})
    add_case("two_sinks", g, [("data/txns.csv", TXNS, "csv", {})], {
        "out/positive.csv": "SELECT * FROM txns WHERE amount > 0",
        "out/emea/by_channel.parquet": "SELECT channel, sum(amount) AS total, avg(qty) AS avg_qty FROM txns "
                                       "WHERE amount > 0 GROUP BY channel"})

    # A longer pipeline mixing sources: JSON lookup joined to CSV facts, aggregated, sorted, excel out.
    g = graph("pipeline_mixed", [
        node("txns", "source.csv", path="data/txns.csv"),
        node("br", "source.json", path="data/branches.ndjson"),
        node("j", "transform.join", how="left", on=[{"left": "branch", "right": "code"}]),
        node("a", "transform.aggregate", group_by=["name"],
             aggregates=[{"fn": "count", "as": "n"}, {"fn": "sum", "column": "amount", "as": "total"}]),
        node("s", "transform.sort", by=[{"column": "name"}]),
        node("out", "sink.excel", path="out/by_branch.xlsx", sheet="By branch")],
        [edge("txns", "j", "left"), edge("br", "j", "right"), *chain("j", "a", "s", "out")])
    add_case("pipeline_mixed", g, [("data/txns.csv", TXNS, "csv", {}), ("data/branches.ndjson", BRANCHES, "ndjson", {})],
             {"out/by_branch.xlsx": "SELECT b.name, count(*) AS n, sum(t.amount) AS total FROM txns t "
                                    "LEFT JOIN branches b ON t.branch = b.code GROUP BY b.name ORDER BY b.name NULLS LAST"},
             ordered=True)


def main() -> None:
    for d in (CASES, INVALID):
        if d.exists():
            shutil.rmtree(d)
    sources()
    filters()
    selects_and_derives()
    joins()
    unions()
    aggregates()
    sorts_distinct_limit()
    sql_nodes()
    sinks()
    check_cases()
    write_invalid()
    print(f"wrote {COUNT['cases']} cases to {CASES.relative_to(HERE.parent.parent.parent)} "
          f"and {COUNT['invalid']} invalid graphs to {INVALID.relative_to(HERE.parent.parent.parent)}")


if __name__ == "__main__":
    main()
