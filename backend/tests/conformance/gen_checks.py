"""Conformance cases for `transform.check` (valid runs and invalid configs). See gen.py.

Expected outputs are DuckDB SQL over the same rows: a rule's failure condition is written
once here as SQL (NULL counts as passing except for not_null), `out` keeps the rows failing no
error-level row rule, and the quarantine is every failing row plus `_failed_rules`, the names
of the failed rules in rule order joined by `,` (DuckDB's concat_ws skips NULLs, as the
contract's list does). Runs that must fail (a broken error rule) are in tests/checks_cli.rs.
"""
from __future__ import annotations

from gen_lib import *  # noqa: F401,F403
from gen_lib import D

# Accounts with NULLs in every column, a duplicated account (A02 x2, A05 x3), odd currencies,
# and e-mail addresses some of which do not match the bank's pattern.
ACCTS = Table("accts", [("id", "BIGINT"), ("acct", "VARCHAR"), ("branch", "VARCHAR"), ("amount", "DOUBLE"),
                        ("ccy", "VARCHAR"), ("opened", "DATE"), ("email", "VARCHAR")], [
    (1, "A01", "N", 120.5, "CNY", D(2026, 1, 5), "li@bank.cn"),
    (2, "A02", "S", -30.25, "USD", D(2026, 2, 1), "wang@bank.cn"),
    (3, "A02", "E", 99.99, "EUR", D(2025, 12, 31), "zhao@BANK.cn"),
    (4, None, "W", 15.0, "CNY", D(2026, 3, 3), None),
    (5, "A05", None, 2500.0, "CNY", None, "chen@bank.cn"),
    (6, "A05", "N", None, None, D(2026, 4, 4), "x1@bank.cn"),
    (7, "A07", "E", 10.1, "JPY", D(2026, 7, 1), "sun@mail.com"),
    (8, "A05", "S", 55.5, "USD", D(2026, 5, 5), "zhou@bank.cn"),
    (9, "A09", "N", 0.0, "CNY", D(2026, 6, 30), "wu@bank.cn"),
    (10, "A10", "W", 1000.0, "cny", D(2026, 1, 1), "no mail"),
    (11, "A11", None, None, "USD", None, "qian@bank.cn"),
    (12, "A12", "N", 18.0, "CNY", D(2026, 2, 28), "feng@bank.cn"),
])

# Ledger totals to reconcile against: sum(amount) of ACCTS is 3788.84 (NULLs skipped).
TOTALS = Table("totals", [("branch", "VARCHAR"), ("total", "DOUBLE")], [
    ("N", 1138.5), ("S", 25.25), ("E", 110.09), ("W", 1015.0), ("X", 1500.0),
])


def fails(rule: dict) -> str | None:
    """A rule's failure condition in DuckDB SQL (NULL-safe), None for table rules."""
    k = rule["kind"]
    lit = lambda v: f"'{v}'" if isinstance(v, str) else str(v)  # noqa: E731
    if k == "not_null":
        return " OR ".join(f"{q(c)} IS NULL" for c in rule["columns"])
    if k == "unique":
        cs = ", ".join(q(c) for c in rule["columns"])
        set_ = " AND ".join(f"{q(c)} IS NOT NULL" for c in rule["columns"])
        return f"({set_}) AND count(*) OVER (PARTITION BY {cs}) > 1"
    c = q(rule.get("column", ""))
    if k == "in":
        return f"COALESCE({c} NOT IN ({', '.join(lit(v) for v in rule['values'])}), false)"
    if k == "between":
        parts = []
        if "min" in rule:
            parts.append(f"{c} < {lit(rule['min'])}")
        if "max" in rule:
            parts.append(f"{c} > {lit(rule['max'])}")
        return f"COALESCE({' OR '.join(parts)}, false)"
    if k == "matches":
        return f"COALESCE(NOT regexp_matches({c}, '{rule['pattern']}'), false)"
    if k == "expr":
        return f"COALESCE(NOT ({rule['sql']}), false)"
    return None


def check_case(name: str, rules: list[dict], *, quarantine: bool = True, against: Table | None = None,
               sink_path: str = "out/result.csv") -> None:
    """src -> check -> sink (and the quarantine file); expected `out` and quarantine from DuckDB."""
    s, f = csv_src("src", ACCTS)
    cfg_rules = [{k: v for k, v in r.items() if k != "sql"} for r in rules]
    cfg = {"rules": cfg_rules}
    if quarantine:
        cfg["quarantine"] = {"path": "out/quarantine.csv"}
    nodes = [s, node("chk", "transform.check", **cfg), node("out", "sink.parquet" if sink_path.endswith(".parquet") else "sink.csv", path=sink_path)]
    edges = chain("src", "chk", "out")
    files = [f]
    if against is not None:
        a, fa = csv_src("ledger", against)
        nodes.insert(1, a)
        edges.append(edge("ledger", "chk", "against"))
        files.append(fa)
    row = [(i, r) for i, r in enumerate(rules) if fails(r) is not None]
    flags = ", ".join(f"{fails(r)} AS _f{i}" for i, r in row) or "false AS _none"
    flagged = f"(SELECT *, {flags} FROM accts)"
    errors = [f"_f{i}" for i, r in row if r.get("level", "error") == "error"]
    keep = f"WHERE NOT ({' OR '.join(errors)})" if errors else ""
    expected = {sink_path: f"SELECT {cols(ACCTS)} FROM {flagged} {keep}"}
    if quarantine:
        reasons = ", ".join(f"CASE WHEN _f{i} THEN '{r['name']}' END" for i, r in row)
        any_ = " OR ".join(f"_f{i}" for i, _ in row) or "false"
        expected["out/quarantine.csv"] = (f"SELECT {cols(ACCTS)}, concat_ws(',', {reasons}) AS _failed_rules "
                                          f"FROM {flagged} WHERE {any_}")
    add_case(name, graph(name, nodes, edges), files, expected, min_rows=0)


def check_cases() -> None:
    check_case("check_not_null_warn", [
        {"name": "acct_set", "kind": "not_null", "columns": ["acct", "amount"], "level": "warn"}])
    check_case("check_unique_every_duplicate_fails", [
        {"name": "one_row_per_acct", "kind": "unique", "columns": ["acct"], "level": "warn"}])
    check_case("check_unique_two_columns", [
        {"name": "acct_branch", "kind": "unique", "columns": ["acct", "branch"], "max_failures": 0}])
    check_case("check_in_error_under_threshold", [
        {"name": "known_ccy", "kind": "in", "column": "ccy", "values": ["CNY", "USD"], "max_failures": 4}])
    check_case("check_between_ratio", [
        {"name": "amount_range", "kind": "between", "column": "amount", "min": 0, "max": 1000, "max_ratio": 0.3}])
    check_case("check_between_min_only_dates", [
        {"name": "opened_2026", "kind": "between", "column": "opened", "min": "2026-01-01", "level": "warn"}])
    check_case("check_matches_unanchored", [
        {"name": "bank_mail", "kind": "matches", "column": "email", "pattern": "@bank\\.cn", "level": "warn"}])
    check_case("check_matches_anchored_class", [
        {"name": "mail_shape", "kind": "matches", "column": "email", "pattern": "^[a-z][a-z0-9]*@bank[.]cn$",
         "max_failures": 10}])
    check_case("check_expr_null_passes", [
        {"name": "big_or_usd", "kind": "expr", "expr": "amount * 2 > 10 OR ccy = 'USD'",
         "sql": "amount * 2 > 10 OR ccy = 'USD'", "max_failures": 5}])
    # Warn rules keep their rows in `out`; error rules under threshold drop theirs; the
    # quarantine lists every failed rule of a row in rule order.
    check_case("check_rule_order_warn_and_error", [
        {"name": "ccy_known", "kind": "in", "column": "ccy", "values": ["CNY", "USD"], "level": "warn"},
        {"name": "acct_set", "kind": "not_null", "columns": ["acct"], "max_failures": 1},
        {"name": "dup_acct", "kind": "unique", "columns": ["acct"], "level": "warn"},
        {"name": "amount_ok", "kind": "between", "column": "amount", "max": 1000, "max_ratio": 0.25},
        {"name": "mail", "kind": "matches", "column": "email", "pattern": "^[a-z0-9]+@bank\\.cn$", "level": "warn"},
        {"name": "positive", "kind": "expr", "expr": "amount >= 0", "sql": "amount >= 0", "max_failures": 3}])
    check_case("check_table_rules_pass", [
        {"name": "enough_rows", "kind": "row_count", "min": 10, "max": 12},
        {"name": "ties_to_ledger", "kind": "reconcile", "fn": "sum", "column": "amount",
         "against_column": "total", "tolerance": 0.01},
        {"name": "same_branches", "kind": "reconcile", "fn": "count", "level": "warn"},
        {"name": "acct_set", "kind": "not_null", "columns": ["acct"], "level": "warn"}], against=TOTALS)
    check_case("check_no_quarantine_parquet", [
        {"name": "ccy_set", "kind": "not_null", "columns": ["ccy"], "max_failures": 1}],
        quarantine=False, sink_path="out/result.parquet")


def invalid_check_cases(cases: dict, src, out) -> None:
    """Invalid check configs: each problem names the node and the rule's field."""
    def chk(name: str, rules: list[dict], expect: dict, quarantine: dict | None = None, against: bool = False):
        cfg = {"rules": rules, **({"quarantine": quarantine} if quarantine else {})}
        nodes = [src(), node("chk", "transform.check", **cfg), out(name)]
        edges = chain("txns", "chk", "out")
        if against:
            nodes.insert(1, node("acc", "source.csv", path="data/accounts.csv"))
            edges.append(edge("acc", "chk", "against"))
        cases[name] = (graph(name, nodes, edges), expect)

    chk("check_unknown_column", [{"name": "r", "kind": "not_null", "columns": ["acct", "acount"]}],
        {"node": "chk", "contains": ["rules[0].columns", "acount"]})
    chk("check_in_values_wrong_type", [{"name": "r", "kind": "in", "column": "amount", "values": [1, "x"]}],
        {"node": "chk", "contains": ["rules[0].values", "\"x\""]})
    chk("check_bad_regex", [{"name": "ok", "kind": "not_null", "columns": ["acct"]},
                            {"name": "r", "kind": "matches", "column": "acct", "pattern": "A(0"}],
        {"node": "chk", "contains": ["rules[1].pattern", "A(0"]})
    chk("check_expr_unknown_column", [{"name": "r", "kind": "expr", "expr": "amout > 0"}],
        {"node": "chk", "contains": ["rules[0].expr", "amout"]})
    chk("check_reconcile_without_against", [{"name": "r", "kind": "reconcile", "fn": "sum", "column": "amount"}],
        {"node": "chk", "contains": ["rules[0]", "against"]})
    chk("check_reconcile_against_column", [{"name": "r", "kind": "reconcile", "fn": "max", "column": "acct",
                                            "against_column": "acct_nr"}],
        {"node": "chk", "contains": ["rules[0].against_column", "acct_nr"]}, against=True)
    chk("check_unknown_kind", [{"name": "r", "kind": "not_empty", "columns": ["acct"]}],
        {"node": "chk", "contains": ["not_empty"]})
    chk("check_bad_level", [{"name": "r", "kind": "not_null", "columns": ["acct"], "level": "fatal"}],
        {"node": "chk", "contains": ["fatal"]})
    chk("check_field_of_other_kind", [{"name": "r", "kind": "not_null", "columns": ["acct"], "pattern": "x"}],
        {"node": "chk", "contains": ["rules[0].pattern", "not_null"]})
    chk("check_duplicate_rule_name", [{"name": "r", "kind": "not_null", "columns": ["acct"]},
                                      {"name": "r", "kind": "unique", "columns": ["txn_id"]}],
        {"node": "chk", "contains": ["rules[1].name", "`r`"]})
    chk("check_quarantine_path_escape", [{"name": "r", "kind": "not_null", "columns": ["acct"]}],
        {"node": "chk", "contains": ["quarantine.path", "../bad.csv"]}, quarantine={"path": "../bad.csv"})
    chk("check_row_count_threshold", [{"name": "r", "kind": "row_count", "min": 1, "max_failures": 3}],
        {"node": "chk", "contains": ["rules[0].max_failures", "row_count"]})
    chk("check_no_rules", [], {"node": "chk", "contains": ["rules", "rule"]})
    # The quarantine writes a file like a sink: two outputs on one path clash.
    chk("check_quarantine_clashes_with_sink", [{"name": "r", "kind": "not_null", "columns": ["acct"]}],
        {"node": ["chk", "out"], "contains": ["check_quarantine_clashes_with_sink.csv"]},
        quarantine={"path": "out/check_quarantine_clashes_with_sink.csv"})
