"""Shared pieces of the conformance generator: the tables (data and DuckDB types), file
writers, graph helpers and the case writer. See gen.py."""
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
