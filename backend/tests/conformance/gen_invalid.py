"""Invalid graphs for the conformance suite: one defect each. See gen.py."""
from __future__ import annotations

import json

from gen_lib import *  # noqa: F401,F403 (tables and graph helpers)
from gen_checks import invalid_check_cases
from gen_lib import COUNT, INVALID

# --------------------------------------------------------------------------------------------
# Invalid cases
# --------------------------------------------------------------------------------------------
def write_invalid() -> None:
    """Each graph has one defect. expect.json: name -> {node, contains, params?, run_only?}.

    node: the prefix the problem line must start with (`<node>: `); a list means any of them
          (where the contract does not say which node owns the problem, e.g. a cycle).
    contains: strings the same line must contain, case-insensitively; an inner list means any one.
    run_only: the defect needs run inputs (parameter values), so only `sluice run` is checked.
    """
    (INVALID / "data").mkdir(parents=True)
    tx = Table("txns", TX.cols + [("txn_date", "DATE")], [r + (D(2026, 1, 1 + i),) for i, r in enumerate(TX.rows)])
    (INVALID / "data" / "txns.csv").write_text(csv_text(tx.names, tx.rows))
    (INVALID / "data" / "accounts.csv").write_text(csv_text(ACCOUNTS.names, ACCOUNTS.rows))
    (INVALID / "data" / "secret.csv").write_text("user,password\nroot,hunter2\n")

    src = lambda id_="txns": node(id_, "source.csv", path="data/txns.csv")  # noqa: E731
    out = lambda name, id_="out": node(id_, "sink.csv", path=f"out/{name}.csv")  # noqa: E731
    cases: dict[str, tuple[dict, dict]] = {}

    def linear(name: str, steps: list[dict], expect: dict, params=None, source=None) -> None:
        nodes = [source or src(), *steps, out(name)]
        cases[name] = (graph(name, nodes, chain(*[n["id"] for n in nodes]), params), expect)

    def flt(pred: str) -> list[dict]:
        return [node("f", "transform.filter", predicate=pred)]

    def sql(query: str) -> list[dict]:
        return [node("q", "transform.sql", query=query)]

    # cycle u_mix -> v_keep -> u_mix (union accepts 2+ inputs, so arity is fine)
    cases["cycle"] = (graph("cycle", [src(), node("u_mix", "transform.union"),
                                      node("v_keep", "transform.filter", predicate="amount > 0"), out("cycle")],
                            [edge("txns", "u_mix"), edge("v_keep", "u_mix"), edge("u_mix", "v_keep"), edge("v_keep", "out")]),
                      {"node": ["(graph)", "u_mix", "v_keep"], "contains": ["cycle", "u_mix", "v_keep"]})
    linear("unknown_column_filter", flt("amout > 100"), {"node": "f", "contains": ["amout"]})
    linear("unknown_column_aggregate", [node("a", "transform.aggregate", group_by=["brnch"],
                                             aggregates=[{"fn": "count", "as": "n"}])], {"node": "a", "contains": ["brnch"]})
    linear("unknown_column_aggregate_fn", [node("a", "transform.aggregate", group_by=["branch"],
                                                aggregates=[{"fn": "sum", "column": "amount_usd", "as": "t"}])],
           {"node": "a", "contains": ["amount_usd"]})
    linear("unknown_column_sort", [node("s", "transform.sort", by=[{"column": "posted_on"}])],
           {"node": "s", "contains": ["posted_on"]})
    linear("unknown_column_select", [node("s", "transform.select", columns=["acct", "customer_nr"])],
           {"node": "s", "contains": ["customer_nr"]})
    linear("unknown_column_downstream", [node("s", "transform.select", columns=["acct", "amount"]),
                                         node("f", "transform.filter", predicate="branch = 'N'")],
           {"node": "f", "contains": ["branch"]})
    g = graph("unknown_top_level_field", [src(), out("unknown_top_level_field")], chain("txns", "out"))
    g["descripton"] = "typo"
    cases["unknown_top_level_field"] = (g, {"node": "(graph)", "contains": ["descripton"]})
    g = graph("unknown_node_field", [src(), out("unknown_node_field")], chain("txns", "out"))
    g["nodes"][0]["postion"] = [10, 20]
    cases["unknown_node_field"] = (g, {"node": "txns", "contains": ["postion"]})
    linear("unknown_config_field", [], {"node": "out", "contains": ["delimeter"]})
    cases["unknown_config_field"][0]["nodes"][-1]["config"]["delimeter"] = ";"
    linear("path_escape", [], {"node": "txns", "contains": ["../x.csv"]},
           source=node("txns", "source.csv", path="../x.csv"))
    linear("absolute_path", [], {"node": "txns", "contains": ["/etc/passwd"]},
           source=node("txns", "source.csv", path="/etc/passwd"))
    cases["sink_path_escape"] = (graph("sink_path_escape", [src(), node("out", "sink.csv", path="out/../../escaped.csv")],
                                       chain("txns", "out")), {"node": "out", "contains": ["escaped.csv"]})
    cases["missing_input_port"] = (graph("missing_input_port", [
        src(), node("accounts", "source.csv", path="data/accounts.csv"),
        node("j", "transform.join", how="inner", on=[{"left": "acct", "right": "acct"}]), out("missing_input_port"),
        out("missing_input_port_acc", "out2")],
        [edge("txns", "j", "left"), edge("j", "out"), edge("accounts", "out2")]),
        {"node": "j", "contains": ["right"]})
    linear("missing_param", flt("txn_date = $biz_date"), {"node": "(graph)", "contains": ["biz_date"], "run_only": True},
           params={"biz_date": {"type": "date"}})
    linear("undeclared_param", flt("txn_date = $cutoff_day"), {"node": "f", "contains": ["cutoff_day"]})
    linear("param_wrong_type", flt("txn_id > $top_n"),
           {"node": "(graph)", "contains": ["top_n"], "params": {"top_n": "abc"}, "run_only": True},
           params={"top_n": {"type": "int64", "default": 5}})
    linear("sql_ddl", sql("DROP TABLE txns"), {"node": "q", "contains": [["DROP", "SELECT"]]})
    linear("sql_file_read", sql("SELECT * FROM 'data/secret.csv'"), {"node": "q", "contains": ["secret.csv"]})
    linear("sql_table_function", sql("SELECT * FROM read_csv('data/secret.csv')"), {"node": "q", "contains": ["read_csv"]})
    linear("sql_two_statements", sql("SELECT * FROM txns; SELECT * FROM txns"),
           {"node": "q", "contains": [["statement", "single", "one", "multiple", ";"]]})
    # `accounts` is a node of this graph, but not an input of q.
    cases["sql_table_not_input"] = (graph("sql_table_not_input", [
        src(), node("accounts", "source.csv", path="data/accounts.csv"),
        node("q", "transform.sql", query="SELECT t.txn_id, a.cust_name FROM txns t JOIN accounts a ON t.acct = a.acct"),
        out("sql_table_not_input"), out("sql_table_not_input_acc", "out2")],
        [*chain("txns", "q", "out"), edge("accounts", "out2")]),
        {"node": "q", "contains": ["accounts"]})
    linear("dangling_edge", flt("amount > 0"), {"node": ["(graph)", "f", "ghost"], "contains": ["ghost"]})
    cases["dangling_edge"][0]["edges"].append(edge("f", "ghost"))
    cases["filter_two_inputs"] = (graph("filter_two_inputs", [
        src(), src("txns2"), node("f", "transform.filter", predicate="amount > 0"), out("filter_two_inputs")],
        [edge("txns", "f"), edge("txns2", "f"), edge("f", "out")]), {"node": "f", "contains": ["in"]})
    cases["source_with_input"] = (graph("source_with_input", [src(), src("txns2"), out("source_with_input")],
                                        [edge("txns", "txns2"), edge("txns2", "out")]), {"node": "txns2", "contains": []})
    linear("bad_expression", flt("amount >"), {"node": "f", "contains": []})
    linear("bad_node_id", [node("1abc", "transform.filter", predicate="amount > 0")],
           {"node": ["1abc", "(graph)"], "contains": ["1abc"]})
    cases["duplicate_node_id"] = (graph("duplicate_node_id", [
        src(), node("f", "transform.filter", predicate="amount > 0"), node("f", "transform.limit", n=3),
        out("duplicate_node_id")], chain("txns", "f", "out")),
        {"node": ["f", "(graph)"], "contains": [["duplicate", "unique", "twice", "more than once", "already"]]})
    linear("unknown_node_kind", [node("p", "transform.pivot", on="branch")], {"node": "p", "contains": ["transform.pivot"]})
    g = graph("wrong_format", [src(), out("wrong_format")], chain("txns", "out"))
    g["format"] = "sluice.graph/v2"
    cases["wrong_format"] = (g, {"node": "(graph)", "contains": ["format"]})
    cases["join_bad_how"] = (graph("join_bad_how", [
        src(), node("accounts", "source.csv", path="data/accounts.csv"),
        node("j", "transform.join", how="sideways", on=[{"left": "acct", "right": "acct"}]), out("join_bad_how")],
        [edge("txns", "j", "left"), edge("accounts", "j", "right"), edge("j", "out")]),
        {"node": "j", "contains": ["sideways"]})
    linear("aggregate_bad_fn", [node("a", "transform.aggregate", group_by=["branch"],
                                     aggregates=[{"fn": "median", "column": "amount", "as": "m"}])],
           {"node": "a", "contains": ["median"]})

    invalid_check_cases(cases, src, out)

    expect = {}
    for name, (g, e) in cases.items():
        (INVALID / f"{name}.json").write_text(json.dumps(g, indent=2) + "\n", encoding="utf-8")
        expect[name] = {"node": e["node"], "contains": e["contains"], "params": e.get("params", {}),
                        **({"run_only": True} if e.get("run_only") else {})}
    (INVALID / "expect.json").write_text(json.dumps(expect, indent=2) + "\n", encoding="utf-8")
    COUNT["invalid"] = len(cases)
