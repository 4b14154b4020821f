"""The SCD2 oracle: five successive loads of a customer dimension (insert, change,
no change, expire missing, re-insert) and facts dated around every boundary, with
the expected history table after each load and the surrogate key each fact finds,
computed by DuckDB SQL written from the contract (graph-format.md, `sink.table`
mode `scd2`), not from Sluice's code. Writes case.json beside this file;
`--check` compares instead (the Rust test `scd2_oracle` runs it when `duckdb`
is importable).

    pip install duckdb && python3 backend/tests/scd2/gen.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
CASE = HERE / "case.json"

# (as_of, expire_missing, rows of id,name,city,segment). `city` and `segment` are tracked; `name` is not.
LOADS = [
    ("2024-01-01", False, [(1, "a", "Beijing", "retail"), (2, "b", "Shanghai", "retail"), (3, "c", "Guangzhou", "sme"),
                           (4, "d", "Chengdu", None)]),
    # 2 moves city, 4 gains a segment (NULL -> value is a change), 3 renamed only (untracked: untouched), 5 new.
    ("2024-02-01", False, [(1, "a", "Beijing", "retail"), (2, "b", "Shenzhen", "retail"), (3, "C", "Guangzhou", "sme"),
                           (4, "d", "Chengdu", "private"), (5, "e", "Wuhan", "retail")]),
    # The same rows again: nothing changes.
    ("2024-03-01", False, [(1, "a", "Beijing", "retail"), (2, "b", "Shenzhen", "retail"), (3, "C", "Guangzhou", "sme"),
                           (4, "d", "Chengdu", "private"), (5, "e", "Wuhan", "retail")]),
    # Expire missing: 3 and 5 are gone; 1 changes segment on the same day.
    ("2024-04-01", True, [(1, "a", "Beijing", "private"), (2, "b", "Shenzhen", "retail"), (4, "d", "Chengdu", "private")]),
    # 3 comes back (a new version after its closed one), 2 moves back to an old city.
    ("2024-05-01", False, [(1, "a", "Beijing", "private"), (2, "b", "Shanghai", "retail"), (3, "C", "Xiamen", "sme"),
                           (4, "d", "Chengdu", "private")]),
]

# Facts: (fact id, customer id, date). Dates sit before, on and after every boundary.
FACT_DATES = ["2023-12-31", "2024-01-01", "2024-01-31", "2024-02-01", "2024-02-29", "2024-03-01", "2024-03-31",
              "2024-04-01", "2024-04-30", "2024-05-01", "2024-06-30"]
FACTS = [(100 * c + i, c, d) for c in (1, 2, 3, 4, 5, 9) for i, d in enumerate(FACT_DATES)]

COLS = "sk, id, name, city, segment, valid_from, valid_to, is_current"


def fmt(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "Y" if v else "N"
    return str(v)


def compute() -> dict:
    con = duckdb.connect()
    con.execute("CREATE TABLE dim (sk BIGINT, id BIGINT, name VARCHAR, city VARCHAR, segment VARCHAR,"
                " valid_from DATE, valid_to DATE, is_current BOOLEAN)")
    history = []
    for as_of, expire, rows in LOADS:
        con.execute("CREATE OR REPLACE TABLE src (id BIGINT, name VARCHAR, city VARCHAR, segment VARCHAR)")
        con.executemany("INSERT INTO src VALUES (?, ?, ?, ?)", rows)
        # A current version whose tracked values differ (NULL-safe) is closed on as_of.
        con.execute("""UPDATE dim SET valid_to = CAST(? AS DATE), is_current = FALSE
                       WHERE is_current AND id IN (SELECT s.id FROM src s JOIN dim d ON s.id = d.id AND d.is_current
                         WHERE s.city IS DISTINCT FROM d.city OR s.segment IS DISTINCT FROM d.segment)""", [as_of])
        if expire:
            con.execute("""UPDATE dim SET valid_to = CAST(? AS DATE), is_current = FALSE
                           WHERE is_current AND id NOT IN (SELECT id FROM src)""", [as_of])
        # Every key left without a current version gets one; new keys numbered after the largest, in key order.
        con.execute("""INSERT INTO dim
                       SELECT (SELECT COALESCE(MAX(sk), 0) FROM dim) + ROW_NUMBER() OVER (ORDER BY s.id),
                              s.id, s.name, s.city, s.segment, CAST(? AS DATE), NULL, TRUE
                       FROM src s WHERE s.id NOT IN (SELECT id FROM dim WHERE is_current)""", [as_of])
        table = con.execute(f"SELECT {COLS} FROM dim ORDER BY sk").fetchall()
        history.append([[fmt(v) for v in r] for r in table])
    # Point in time: the version with valid_from <= date < valid_to (open while current). A key the
    # dimension has never seen finds no version (NULL); a known key dated before its first version is
    # left out, as the generated filter does.
    con.execute("CREATE TABLE facts (fact_id BIGINT, customer_id BIGINT, d DATE)")
    con.executemany("INSERT INTO facts VALUES (?, ?, CAST(? AS DATE))", FACTS)
    lookup = con.execute("""
        SELECT f.fact_id, v.sk FROM facts f
        LEFT JOIN dim v ON v.id = f.customer_id AND v.valid_from <= f.d AND (v.valid_to IS NULL OR f.d < v.valid_to)
        WHERE v.sk IS NOT NULL OR f.customer_id NOT IN (SELECT id FROM dim)
        ORDER BY f.fact_id""").fetchall()
    return {
        "loads": [{"as_of": a, "expire_missing": e,
                   "csv": "id,name,city,segment\n" + "".join(
                       ",".join("" if v is None else str(v) for v in r) + "\n" for r in rows)}
                  for a, e, rows in LOADS],
        "history": history,
        "facts_csv": "fact_id,customer_id,fact_date\n" + "".join(f"{i},{c},{d}\n" for i, c, d in FACTS),
        "as_of_lookup": [[str(i), fmt(sk)] for i, sk in lookup],
    }


def main() -> None:
    text = json.dumps(compute(), indent=1, ensure_ascii=False) + "\n"
    if "--check" in sys.argv:
        if CASE.read_text(encoding="utf-8") != text:
            sys.exit("case.json is stale: run python3 backend/tests/scd2/gen.py")
        return
    CASE.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
