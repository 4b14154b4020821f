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

import datetime as dt
import io
import json
import random
import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
INVALID = HERE / "invalid"

D = dt.date
TS = dt.datetime


# --------------------------------------------------------------------------------------------
# Tables: the single source of truth for both the data files and the DuckDB expectations.
# --------------------------------------------------------------------------------------------
class Table:
    """Rows plus DuckDB column types. `name` is the DuckDB table name used in expected SQL."""

    def __init__(self, name: str, cols: list[tuple[str, str]], rows: list[tuple]):
        self.name, self.cols, self.rows = name, cols, rows
        for r in rows:
            assert len(r) == len(cols), (name, r)

    @property
    def names(self) -> list[str]:
        return [c for c, _ in self.cols]

    def schema(self) -> list[dict]:
        """The sluice `schema` config for this table (contract type names)."""
        tr = {"BIGINT": "int64", "DOUBLE": "float64", "VARCHAR": "string", "DATE": "date",
              "BOOLEAN": "bool", "TIMESTAMP": "timestamp"}
        return [{"name": c, "type": tr.get(t, t.lower())} for c, t in self.cols]


def fmt_value(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, (dt.date, Decimal, int)):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    return str(v)


def csv_field(v, delim: str) -> str:
    """Quote only where needed; NULL stays an unquoted empty field."""
    s = fmt_value(v)
    if s and (delim in s or '"' in s or "\n" in s or s != s.strip()):
        return '"' + s.replace('"', '""') + '"'
    return s


def csv_text(names: list[str], rows: list[tuple], delim: str = ",", header: bool = True) -> str:
    lines = [delim.join(csv_field(n, delim) for n in names)] if header else []
    lines += [delim.join(csv_field(v, delim) for v in r) for r in rows]
    return "\n".join(lines) + "\n"


def arrow_type(t: str):
    if t.startswith("DECIMAL"):
        p, s = t[t.index("(") + 1:-1].split(",")
        return pa.decimal128(int(p), int(s))
    return {"BIGINT": pa.int64(), "DOUBLE": pa.float64(), "VARCHAR": pa.string(),
            "DATE": pa.date32(), "BOOLEAN": pa.bool_(), "TIMESTAMP": pa.timestamp("us")}[t]


def write_file(path: Path, table: Table, fmt: str, opts: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        path.write_text(csv_text(table.names, table.rows, opts.get("delimiter", ",")), encoding="utf-8")
        self_check_csv(path, table, opts.get("delimiter", ","))
    elif fmt == "parquet":
        schema = pa.schema([(c, arrow_type(t)) for c, t in table.cols])
        cols = {c: [r[i] for r in table.rows] for i, c in enumerate(table.names)}
        pq.write_table(pa.table(cols, schema=schema), path)
    elif fmt == "ndjson":
        lines = []
        for r in table.rows:
            obj = {}
            for (c, _), v in zip(table.cols, r):
                if v is None and c in opts.get("omit_null", []):
                    continue  # a missing key must read as NULL too
                obj[c] = v.isoformat() if isinstance(v, dt.date) else v
            lines.append(json.dumps(obj))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        raise ValueError(fmt)


def write_xlsx(path: Path, sheets: list[Table]) -> None:
    """One workbook, one sheet per table (sheet name = table name), header in row 1."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for t in sheets:
        ws = wb.create_sheet(t.name)
        ws.append(t.names)
        for r in t.rows:
            ws.append(list(r))
            for cell, v in zip(ws[ws.max_row], r):
                if isinstance(v, dt.date):
                    cell.number_format = "yyyy-mm-dd"
    fixed = TS(2026, 1, 1)
    wb.properties.created = wb.properties.modified = fixed
    buf = io.BytesIO()
    wb.save(buf)
    # openpyxl stamps zip entries with "now": rewrite them with a fixed time for determinism.
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl sets `modified` to now on save
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, (2026, 1, 1, 0, 0, 0)), data,
                         compress_type=zipfile.ZIP_DEFLATED)


def self_check_csv(path: Path, table: Table, delim: str) -> None:
    """Guard against bugs in this generator: DuckDB must read the file back as the same rows."""
    con = duckdb.connect()
    types = "{" + ", ".join(f"'{c}': '{t}'" for c, t in table.cols) + "}"
    got = con.execute(f"SELECT * FROM read_csv('{path}', header=true, delim='{delim}', "
                      f"columns={types}, quote='\"', escape='\"')").fetchall()
    assert [tuple(r) for r in got] == [tuple(r) for r in table.rows], path


# --------------------------------------------------------------------------------------------
# Data sets
# --------------------------------------------------------------------------------------------
def make_txns() -> Table:
    """30 seeded-random bank transactions: NULLs in most columns, negatives, repeated accounts."""
    rng = random.Random(20261124)
    accts = [f"A{i:02d}" for i in range(1, 13)] + ["A99"]
    notes = [None, None, None, "refund", "fee", "salary", "refund partial", "gift"]
    rows = []
    for i in range(1, 31):
        acct = rng.choice(accts)
        branch = rng.choice(["N", "S", "E", "W", "N", "S", None])
        amount = None if i % 9 == 0 else round(rng.uniform(-250, 950), 2)
        qty = None if i % 7 == 3 else rng.randint(-1, 9)
        day = D(2026, 1, 10) if i in (4, 9, 15, 22, 27) else D(2026, 1, 1) + dt.timedelta(rng.randint(0, 11))
        channel = rng.choice(["web", "atm", "branch", "mobile"])
        rows.append((i, acct, branch, amount, qty, day, channel, rng.choice(notes)))
    return Table("txns", [("txn_id", "BIGINT"), ("acct", "VARCHAR"), ("branch", "VARCHAR"),
                          ("amount", "DOUBLE"), ("qty", "BIGINT"), ("txn_date", "DATE"),
                          ("channel", "VARCHAR"), ("note", "VARCHAR")], rows)


TXNS = make_txns()

# Join inputs, hand-written: duplicate right key (A03), NULL keys on both sides, unmatched keys
# on both sides (A99, A12 / B01), and `acct` + `branch` on both sides to force `_right` names.
TX = Table("tx", [("txn_id", "BIGINT"), ("acct", "VARCHAR"), ("branch", "VARCHAR"), ("amount", "DOUBLE")], [
    (1, "A01", "N", 120.5), (2, "A02", "S", -30.25), (3, "A03", "E", 99.99), (4, "A03", "W", 15.0),
    (5, "A04", None, 250.0), (6, "A07", "N", None), (7, "A99", "E", 10.1), (8, None, "S", 55.5),
    (9, "A05", "N", -5.75), (10, "A01", "S", 300.0), (11, "A08", "W", 42.42), (12, "A12", "N", 18.0),
])
ACCOUNTS = Table("accounts", [("acct", "VARCHAR"), ("cust_name", "VARCHAR"), ("branch", "VARCHAR"),
                              ("opened", "DATE"), ("tier", "BIGINT")], [
    ("A01", "Alice", "N", D(2024, 2, 1), 1), ("A02", "Bob", "S", D(2023, 7, 15), 2),
    ("A03", "Carol", "E", D(2022, 11, 30), 1), ("A03", "Carol Jr", "W", D(2025, 1, 5), 3),
    ("A04", "Dan", None, D(2021, 5, 20), 2), ("A05", "Eve", "N", D(2020, 9, 9), None),
    ("A07", "Gus", "N", D(2019, 12, 31), 1), ("A08", "Hal", "E", None, 2),
    ("B01", "Zed", "E", D(2024, 4, 4), 3), (None, "Nobody", "S", D(2024, 1, 1), 1),
])

# Union parts: same column names, different orders, duplicates within and across parts.
PART_N = Table("part_n", [("txn_id", "BIGINT"), ("acct", "VARCHAR"), ("amount", "DOUBLE")], [
    (1, "A01", 10.5), (2, "A02", -3.25), (3, None, 7.0), (2, "A02", -3.25), (4, "A04", None)])
PART_S = Table("part_s", [("amount", "DOUBLE"), ("txn_id", "BIGINT"), ("acct", "VARCHAR")], [
    (10.5, 1, "A01"), (99.0, 5, "A05"), (None, 4, "A04"), (12.75, 6, "A06")])
PART_E = Table("part_e", [("acct", "VARCHAR"), ("amount", "DOUBLE"), ("txn_id", "BIGINT")], [
    ("A07", 1.0, 7), (None, 7.0, 3), ("A01", 10.5, 1), ("A08", -8.5, 8)])

# Exact duplicate rows (including all-NULL-ish ones) for transform.distinct.
DUPS = Table("dups", [("branch", "VARCHAR"), ("channel", "VARCHAR"), ("qty", "BIGINT")], [
    ("N", "web", 1), ("N", "web", 1), ("S", "atm", 2), (None, "atm", 2), (None, "atm", 2),
    ("N", "atm", None), ("N", "atm", None), ("S", "atm", 3), ("E", None, None), ("E", None, None),
    ("N", "web", 4), ("S", "web", 2)])

# Typed via `schema`: acct_no would infer as int64 and lose its leading zeros.
LEDGER = Table("ledger", [("acct_no", "VARCHAR"), ("amount", "DECIMAL(18,2)"), ("posted", "DATE"),
                          ("units", "BIGINT")], [
    ("00123", Decimal("12.50"), D(2026, 1, 3), 5), ("00123", Decimal("-3.10"), D(2026, 1, 4), None),
    ("00456", Decimal("1000.00"), D(2026, 1, 4), 1), ("00456", Decimal("0.01"), None, 2),
    ("00789", None, D(2026, 1, 5), -7), ("00123", Decimal("7.35"), D(2026, 1, 6), 3),
    ("01000", Decimal("-250.75"), D(2026, 1, 7), 0), ("00789", Decimal("99.99"), D(2026, 1, 8), 4),
    ("00456", Decimal("15.25"), D(2026, 1, 8), None), (None, Decimal("5.00"), D(2026, 1, 9), 1)])

# All strings (read with a string schema) to be cast by transform.select.
CODES = Table("codes", [("code", "VARCHAR"), ("amount_txt", "VARCHAR"), ("day_txt", "VARCHAR"),
                        ("n", "BIGINT"), ("label", "VARCHAR")], [
    ("042", "12.5", "2026-01-05", 1, "alpha"), ("007", "-3.25", "2026-02-28", 22, "beta"),
    (None, "100", "2025-12-31", None, "gamma"), ("120", None, None, -4, None),
    ("000", "0.1", "2026-01-01", 0, "delta"), ("999", "7.75", "2026-03-15", 15, "eps")])

# Text needing CSV quoting: delimiters, quotes, leading/trailing spaces.
QUOTES = Table("quotes", [("id", "BIGINT"), ("label", "VARCHAR"), ("city", "VARCHAR")], [
    (1, "plain", "Oslo"), (2, "a,b", "Lima"), (3, 'say "hi"', None), (4, "semi;colon", "Rome"),
    (5, "  padded ", "Kyiv"), (6, None, "Pune"), (7, "x;y,z", "Nice")])

PEOPLE = Table("people", [("pid", "BIGINT"), ("name", "VARCHAR"), ("city", "VARCHAR"), ("score", "DOUBLE")], [
    (1, "  Alice ", "oslo", 12.345), (2, "bob", "LIMA", -7.26), (3, "CAROL  ", None, 0.04),
    (4, None, "Rome", 99.94), (5, " dave", "kyiv", None), (6, "Eve", "Pune", -0.66)])

MIXED = Table("mixed", [("CustName", "VARCHAR"), ("Amount", "DOUBLE"), ("Region", "VARCHAR")], [
    ("Alice", 12.5, "North"), ("Bob", 8.0, "South"), ("Carol", None, "North"), ("Dan", 30.25, None),
    ("Eve", 10.0, "East"), ("Finn", 10.5, "East")])

EVENTS = Table("events", [("event_id", "BIGINT"), ("ts", "TIMESTAMP"), ("ev_day", "DATE")], [
    (1, TS(2026, 1, 5, 10, 15), D(2026, 1, 5)), (2, TS(2025, 12, 31, 23, 59, 59), D(2025, 12, 31)),
    (3, None, D(2026, 2, 1)), (4, TS(2026, 2, 14, 0, 0), None), (5, TS(2026, 3, 1, 8, 30), D(2026, 3, 1))])

PRODUCTS = Table("products", [("id", "BIGINT"), ("name", "VARCHAR"), ("made", "DATE"),
                              ("price", "DECIMAL(18,2)"), ("in_stock", "BOOLEAN"), ("score", "DOUBLE"),
                              ("updated", "TIMESTAMP")], [
    (1, "bolt", D(2025, 5, 1), Decimal("0.25"), True, 4.5, TS(2026, 1, 2, 9, 0)),
    (2, "nut", D(2025, 6, 1), Decimal("0.10"), False, None, TS(2026, 1, 3, 17, 45, 30)),
    (3, "gear", None, Decimal("12.99"), True, 3.75, None),
    (4, None, D(2024, 1, 31), None, None, -1.5, TS(2025, 12, 31, 23, 0)),
    (5, "spring", D(2025, 8, 15), Decimal("-2.50"), True, 0.0, TS(2026, 1, 1, 0, 0)),
    (6, "washer", D(2025, 9, 9), Decimal("1.05"), False, 2.25, TS(2026, 1, 4, 12, 0))])

BRANCHES = Table("branches", [("code", "VARCHAR"), ("name", "VARCHAR"), ("staff", "BIGINT"),
                              ("rating", "DOUBLE"), ("active", "BOOLEAN")], [
    ("N", "North", 12, 4.5, True), ("S", "South", 7, None, True), ("E", "East", None, 3.25, False),
    ("W", "West", 3, 2.0, None), ("X", None, 0, -1.5, False), ("C", "Central", 25, 4.75, True)])

SUMMARY = Table("Summary", [("region", "VARCHAR"), ("target", "BIGINT"), ("ratio", "DOUBLE")], [
    ("North", 120, 0.5), ("South", 80, None), ("East", None, 1.25), ("West", 45, -0.75), (None, 10, 2.5)])
STAFF = Table("Staff", [("emp_id", "BIGINT"), ("name", "VARCHAR"), ("hired", "DATE"), ("salary", "DOUBLE")], [
    (1, "Ann", D(2020, 1, 15), 5200.5), (2, "Ben", D(2021, 6, 1), 4100.0), (3, "Cid", None, 3900.25),
    (4, None, D(2019, 3, 3), 6100.0), (5, "Dee", D(2026, 1, 2), None)])


def budgets_from(tx: Table) -> Table:
    """Multi-key join partner: some (acct, branch) pairs match, one NULL branch never does."""
    rows = [("A01", "N", 500.0), ("A01", "E", 1.0), ("A03", "E", 250.5), ("A03", "W", 75.25),
            ("A04", None, 900.0), ("A05", "N", 10.0), ("A08", "W", 60.0), ("A99", "S", 5.0)]
    return Table("budgets", [("acct", "VARCHAR"), ("branch", "VARCHAR"), ("cap", "DOUBLE")], rows)


BUDGETS = budgets_from(TX)


# --------------------------------------------------------------------------------------------
# Graph helpers
# --------------------------------------------------------------------------------------------
def node(id_: str, kind: str, **config) -> dict:
    return {"id": id_, "kind": kind, "config": config}


def chain(*ids: str) -> list[dict]:
    return [{"from": a, "to": b} for a, b in zip(ids, ids[1:])]


def edge(a: str, b: str, port: str | None = None) -> dict:
    return {"from": a, "to": b, **({"port": port} if port else {})}


def graph(name: str, nodes: list, edges: list, params: dict | None = None, **extra) -> dict:
    g = {"format": "sluice.graph/v1", "name": name}
    g.update(extra)
    if params:
        g["params"] = params
    g["nodes"], g["edges"] = nodes, edges
    return g


def csv_src(id_: str, table: Table, **cfg) -> tuple[dict, tuple]:
    """A source.csv node reading data/<table>.csv, plus the data-file spec it needs."""
    path = f"data/{table.name}.csv"
    return node(id_, "source.csv", path=path, **cfg), (path, table, "csv", {k: v for k, v in cfg.items() if k == "delimiter"})


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def cols(t: Table, alias: str = "") -> str:
    return ", ".join((alias + "." if alias else "") + q(c) for c in t.names)


# --------------------------------------------------------------------------------------------
# Case writer
# --------------------------------------------------------------------------------------------
COUNT = {"cases": 0}


def add_case(name: str, g: dict, files: list[tuple], expected: dict[str, str], *, ordered: bool = False,
             params: dict | None = None, xlsx: dict[str, list[Table]] | None = None,
             min_rows: int = 1) -> None:
    """files: (relpath, Table, fmt, opts); expected: sink output path -> DuckDB SQL over the tables."""
    root = CASES / name
    root.mkdir(parents=True)
    con = duckdb.connect()
    tables: dict[str, Table] = {}
    for path, table, fmt, opts in files:
        write_file(root / path, table, fmt, opts)
        tables[table.name] = table
    for path, sheets in (xlsx or {}).items():
        write_xlsx(root / path, sheets)
        for t in sheets:
            tables[t.name] = t
    for t in tables.values():
        con.execute(f"CREATE TABLE {q(t.name)} ({', '.join(q(c) + ' ' + ty for c, ty in t.cols)})")
        if t.rows:
            con.executemany(f"INSERT INTO {q(t.name)} VALUES ({', '.join('?' * len(t.cols))})", t.rows)
    for out, sql in expected.items():
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
        if not ordered:  # any order is right; sort only so that the file is stable across runs
            rows.sort(key=lambda r: tuple((v is None, fmt_value(v)) for v in r))
        assert len(rows) >= min_rows, f"{name}: expected output {out} has only {len(rows)} rows"
        exp = root / "expected" / (out if out.endswith(".csv") else out + ".csv")
        exp.parent.mkdir(parents=True, exist_ok=True)
        exp.write_text(csv_text(names, rows), encoding="utf-8")
    (root / "graph.json").write_text(json.dumps(g, indent=2) + "\n", encoding="utf-8")
    (root / "case.json").write_text(json.dumps({"ordered": ordered, "params": params or {}}, indent=2) + "\n",
                                    encoding="utf-8")
    COUNT["cases"] += 1


def simple(name: str, table: Table, steps: list[dict], sql: str, *, src_cfg: dict | None = None,
           sink: dict | None = None, gparams: dict | None = None, **kw) -> None:
    """source.csv(table) -> steps... -> one sink (default sink.csv out/result.csv): the common shape."""
    s, f = csv_src("src", table, **(src_cfg or {}))
    sk = sink or node("out", "sink.csv", path="out/result.csv")
    nodes = [s, *steps, sk]
    add_case(name, graph(name, nodes, chain(*[n["id"] for n in nodes]), gparams), [f],
             {sk["config"]["path"]: sql}, **kw)


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

    expect = {}
    for name, (g, e) in cases.items():
        (INVALID / f"{name}.json").write_text(json.dumps(g, indent=2) + "\n", encoding="utf-8")
        expect[name] = {"node": e["node"], "contains": e["contains"], "params": e.get("params", {}),
                        **({"run_only": True} if e.get("run_only") else {})}
    (INVALID / "expect.json").write_text(json.dumps(expect, indent=2) + "\n", encoding="utf-8")
    COUNT["invalid"] = len(cases)


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
    write_invalid()
    print(f"wrote {COUNT['cases']} cases to {CASES.relative_to(HERE.parent.parent.parent)} "
          f"and {COUNT['invalid']} invalid graphs to {INVALID.relative_to(HERE.parent.parent.parent)}")


if __name__ == "__main__":
    main()
