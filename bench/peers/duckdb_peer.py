#!/usr/bin/env python3
"""Benchmark pipeline in DuckDB: one SQL statement, COPY ... TO one Parquet file.

usage: duckdb_peer.py DATA_DIR OUT.parquet
"""
import sys
from pathlib import Path

import duckdb

data, out = Path(sys.argv[1]), Path(sys.argv[2])
out.parent.mkdir(parents=True, exist_ok=True)
txns = str(data / "transactions.csv").replace("'", "''")
accts = str(data / "accounts.csv").replace("'", "''")
dest = str(out).replace("'", "''")

con = duckdb.connect()  # in-memory; all cores (DuckDB's default)
con.execute(f"""
COPY (
    SELECT a.segment, t.branch,
           count(*)      AS n,
           sum(t.amount) AS total,
           avg(t.amount) AS avg_amount
    FROM read_csv('{txns}') t
    JOIN read_csv('{accts}') a ON t.account_id = a.account_id
    WHERE t.amount > 100 AND t.channel <> 'atm' AND a.status = 'active'
    GROUP BY a.segment, t.branch
    ORDER BY total DESC
) TO '{dest}' (FORMAT parquet)
""")
