#!/usr/bin/env python3
"""Builds the starting corpora of the fuzz targets from the repository's own
graphs: the conformance cases (valid and invalid), the demo graphs (exported
into fuzz/seeds/), and the expressions and SQL found inside them, plus a few
hand-written ones. Writes into fuzz/corpus/<target>/, files named by SHA-1."""

import hashlib
import json
import pathlib

FUZZ = pathlib.Path(__file__).resolve().parent
REPO = FUZZ.parent
CONF = REPO / "backend" / "tests" / "conformance"

EXPRS = [
    "amount > 100 AND txn_date = $biz_date",
    "branch IN ('B1', 'B2') OR NOT amount BETWEEN 1 AND 2",
    "CASE WHEN amount > 0 THEN 'credit' ELSE 'debit' END = 'x'",
    "CAST(amount AS decimal(18,2)) > 1",
    "coalesce(upper(trim(branch)), 'x') = substr(branch, 1, 2)",
    "round(abs(amount), 2) > 0 AND extract(year FROM txn_date) = 2026",
    "date_trunc('month', txn_date) IS NOT NULL AND txn_date > DATE '2026-01-31'",
    "ts >= TIMESTAMP '2026-01-31 10:00:00' AND n % 2 = 0 AND ok",
    "lpad(branch, $limit, '0') LIKE $name || '%'",
    "price * 1.5 - n / 2 > $rate",
]
SQLS = [
    "SELECT * FROM txns",
    "SELECT t.a FROM txns t JOIN accts a ON t.id = a.id WHERE t.d = $biz_date",
    "WITH x AS (SELECT * FROM txns) SELECT count(*) FROM x",
    "SELECT a FROM txns UNION SELECT a FROM accts ORDER BY 1 LIMIT 10",
    "SELECT * FROM txns WHERE a IN (SELECT a FROM accts)",
    "SELECT * FROM read_csv('x.csv')",
    "COPY txns TO 'x.csv'",
    "SELECT 1; SELECT 2",
    "SELECT branch, sum(amount) OVER (PARTITION BY branch ORDER BY d) FROM txns",
]


def strings(value, keys):
    """Every string under one of `keys`, anywhere in a JSON value."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k in keys and isinstance(v, str):
                yield v
            yield from strings(v, keys)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v, keys)


def write(target, texts):
    out = FUZZ / "corpus" / target
    out.mkdir(parents=True, exist_ok=True)
    for t in texts:
        data = t.encode()
        (out / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main():
    files = sorted(CONF.glob("cases/*/graph.json")) + sorted(CONF.glob("invalid/*.json"))
    files += sorted((FUZZ / "seeds").glob("*.json"))
    files = [f for f in files if f.name != "expect.json"]
    texts = [f.read_text() for f in files]
    docs = []
    for t in texts:
        try:
            docs.append(json.loads(t))
        except ValueError:
            pass
    write("graph", texts)
    write("expr", EXPRS + sorted({s for d in docs for s in strings(d, {"predicate", "expr"})}))
    write("sqlcheck", SQLS + sorted({s for d in docs for s in strings(d, {"sql", "query"})}))
    for target in ("graph", "expr", "sqlcheck"):
        print(target, len(list((FUZZ / "corpus" / target).iterdir())))


if __name__ == "__main__":
    main()
