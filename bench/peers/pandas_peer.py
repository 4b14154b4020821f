#!/usr/bin/env python3
"""Benchmark pipeline in pandas: read_csv, filter, merge, groupby, to_parquet (pyarrow).

Written the way a pandas user would: default read_csv (C parser, every column).

usage: pandas_peer.py DATA_DIR OUT.parquet
"""
import sys
from pathlib import Path

import pandas as pd

data, out = Path(sys.argv[1]), Path(sys.argv[2])
out.parent.mkdir(parents=True, exist_ok=True)

txns = pd.read_csv(data / "transactions.csv")
accts = pd.read_csv(data / "accounts.csv")

txns = txns[(txns["amount"] > 100) & (txns["channel"] != "atm")]
accts = accts[accts["status"] == "active"]

result = (
    txns.merge(accts, on="account_id", how="inner")
    .groupby(["segment", "branch"], as_index=False)
    .agg(n=("amount", "size"), total=("amount", "sum"), avg_amount=("amount", "mean"))
    .sort_values("total", ascending=False)
)
result.to_parquet(out, engine="pyarrow", index=False)
