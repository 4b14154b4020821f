#!/usr/bin/env python3
"""Benchmark pipeline in Polars: lazy scan_csv ... sink_parquet (one file).

usage: polars_peer.py DATA_DIR OUT.parquet
"""
import sys
from pathlib import Path

import polars as pl

data, out = Path(sys.argv[1]), Path(sys.argv[2])
out.parent.mkdir(parents=True, exist_ok=True)

txns = pl.scan_csv(data / "transactions.csv").filter(
    (pl.col("amount") > 100) & (pl.col("channel") != "atm")
)
accts = pl.scan_csv(data / "accounts.csv").filter(pl.col("status") == "active")

(
    txns.join(accts, on="account_id", how="inner")
    .group_by("segment", "branch")
    .agg(
        pl.len().alias("n"),
        pl.col("amount").sum().alias("total"),
        pl.col("amount").mean().alias("avg_amount"),
    )
    .sort("total", descending=True)
    .sink_parquet(out)
)
