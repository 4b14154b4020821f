#!/usr/bin/env python3
"""Deterministic benchmark data for the Sluice engine benchmark.

Writes, under bench/data/ (or --out DIR):

  transactions.csv  N rows (default 5,000,000)
      txn_id      int, 1..N
      account_id  int, 1..200000
      txn_date    YYYY-MM-DD, a day of 2026
      amount      decimal with exactly 2 digits, about 15 % negative
      currency    CNY / USD / EUR / HKD
      channel     branch / atm / online / mobile
      branch      B001 .. B120
  accounts.csv      200,000 rows
      account_id, customer_id, segment (retail/private/corporate/sme),
      open_date (YYYY-MM-DD), status (active/closed/dormant)

The same --rows and --seed always give byte-identical files. Everything is
vectorised (numpy + pyarrow.csv), written in chunks of 1M rows, so 5M rows take
a few seconds. A small marker file (.gen-marker.json) records what was written;
when it matches the request and the files still have the recorded sizes,
generation is skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

GENERATOR_VERSION = 2  # bump when the data layout or distributions change
N_ACCOUNTS = 200_000
CHUNK = 1_000_000

CURRENCIES = ["CNY", "USD", "EUR", "HKD"]
CURRENCY_P = [0.70, 0.15, 0.08, 0.07]
CHANNELS = ["branch", "atm", "online", "mobile"]
CHANNEL_P = [0.15, 0.25, 0.25, 0.35]
BRANCHES = [f"B{i:03d}" for i in range(1, 121)]
SEGMENTS = ["retail", "private", "corporate", "sme"]
SEGMENT_P = [0.70, 0.05, 0.10, 0.15]
STATUSES = ["active", "closed", "dormant"]
STATUS_P = [0.80, 0.08, 0.12]

DAY0_2026 = np.datetime64("2026-01-01", "D").astype(np.int64)  # days since epoch
OPEN_FIRST = np.datetime64("2005-01-01", "D").astype(np.int64)
OPEN_LAST = np.datetime64("2025-12-31", "D").astype(np.int64)


def categorical(rng: np.random.Generator, values: list[str], p: list[float], n: int) -> pa.Array:
    """A plain utf8 column drawn from `values` with probabilities `p`."""
    idx = rng.choice(len(values), size=n, p=p).astype(np.int8)
    dict_arr = pa.DictionaryArray.from_arrays(pa.array(idx, type=pa.int8()), pa.array(values))
    return dict_arr.dictionary_decode()


def cents_text(cents: np.ndarray) -> pa.Array:
    """int64 cents -> text with exactly two decimals: 12345 -> "123.45", -5 -> "-0.05"."""
    absolute = pa.array(np.abs(cents), type=pa.int64())
    whole = pc.cast(pc.divide(absolute, 100), pa.string())
    frac = pc.utf8_lpad(pc.cast(pc.subtract(absolute, pc.multiply(pc.divide(absolute, 100), 100)), pa.string()), 2, "0")
    sign = pc.if_else(pa.array(cents < 0), "-", "")
    return pc.binary_join_element_wise(pc.binary_join_element_wise(sign, whole, ""), frac, ".")


def transactions_chunk(seed: np.random.SeedSequence, start_id: int, n: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    txn_id = np.arange(start_id, start_id + n, dtype=np.int64)
    account_id = rng.integers(1, N_ACCOUNTS + 1, size=n, dtype=np.int64)
    days = rng.integers(0, 365, size=n, dtype=np.int64) + DAY0_2026
    txn_date = pa.array(days.astype(np.int32), type=pa.date32())
    # Log-normal magnitude (median about 100), capped; 15 % are negative
    # (withdrawals/refunds). Integer cents so the text has exactly 2 decimals.
    magnitude = np.minimum(rng.lognormal(mean=np.log(100.0), sigma=1.1, size=n), 250_000.0)
    cents = np.maximum(np.rint(magnitude * 100.0).astype(np.int64), 1)
    sign = np.where(rng.random(n) < 0.15, -1, 1)
    signed = cents * sign
    amount = cents_text(signed)
    return pa.table(
        {
            "txn_id": txn_id,
            "account_id": account_id,
            "txn_date": txn_date,
            "amount": amount,
            "currency": categorical(rng, CURRENCIES, CURRENCY_P, n),
            "channel": categorical(rng, CHANNELS, CHANNEL_P, n),
            "branch": categorical(rng, BRANCHES, [1 / len(BRANCHES)] * len(BRANCHES), n),
        }
    )


def accounts_table(seed: np.random.SeedSequence) -> pa.Table:
    rng = np.random.default_rng(seed)
    n = N_ACCOUNTS
    account_id = np.arange(1, n + 1, dtype=np.int64)
    customer_id = rng.integers(100_000, 100_000 + 150_000, size=n, dtype=np.int64)
    open_days = rng.integers(OPEN_FIRST, OPEN_LAST + 1, size=n, dtype=np.int64)
    return pa.table(
        {
            "account_id": account_id,
            "customer_id": customer_id,
            "segment": categorical(rng, SEGMENTS, SEGMENT_P, n),
            "open_date": pa.array(open_days.astype(np.int32), type=pa.date32()),
            "status": categorical(rng, STATUSES, STATUS_P, n),
        }
    )


def write_csv(path: Path, batches) -> None:
    """Write tables to `path` atomically (temp file + rename)."""
    tmp = path.with_name(path.name + ".tmp")
    writer = None
    try:
        for table in batches:
            if writer is None:
                writer = pacsv.CSVWriter(
                    str(tmp),
                    table.schema,
                    write_options=pacsv.WriteOptions(
                        include_header=True, quoting_header="none", quoting_style="none"
                    ),
                )
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=5_000_000, help="transactions rows (default 5,000,000)")
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "data")
    ap.add_argument("--force", action="store_true", help="regenerate even if the marker matches")
    args = ap.parse_args(argv)
    if args.rows < 1:
        ap.error("--rows must be at least 1")

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    txns, accts, marker = out / "transactions.csv", out / "accounts.csv", out / ".gen-marker.json"
    want = {
        "generator_version": GENERATOR_VERSION,
        "seed": args.seed,
        "transactions_rows": args.rows,
        "accounts_rows": N_ACCOUNTS,
    }

    if not args.force and marker.exists() and txns.exists() and accts.exists():
        try:
            have = json.loads(marker.read_text())
        except ValueError:
            have = {}
        same = all(have.get(k) == v for k, v in want.items())
        sizes_ok = (
            have.get("transactions_bytes") == txns.stat().st_size
            and have.get("accounts_bytes") == accts.stat().st_size
        )
        if same and sizes_ok:
            print(f"gen_data: {txns.name} ({args.rows:,} rows) and {accts.name} are up to date, skipping")
            return 0

    t0 = time.perf_counter()
    marker.unlink(missing_ok=True)
    root = np.random.SeedSequence(args.seed)
    acct_seed, txn_root = root.spawn(2)
    write_csv(accts, [accounts_table(acct_seed)])

    n_chunks = (args.rows + CHUNK - 1) // CHUNK
    chunk_seeds = txn_root.spawn(n_chunks)

    def chunks():
        for i, s in enumerate(chunk_seeds):
            start = i * CHUNK
            yield transactions_chunk(s, start + 1, min(CHUNK, args.rows - start))

    write_csv(txns, chunks())
    want["transactions_bytes"] = txns.stat().st_size
    want["accounts_bytes"] = accts.stat().st_size
    marker.write_text(json.dumps(want, indent=2) + "\n")
    dt = time.perf_counter() - t0
    print(
        f"gen_data: wrote {txns} ({args.rows:,} rows, {want['transactions_bytes'] / 1e6:.0f} MB) "
        f"and {accts} ({N_ACCOUNTS:,} rows) in {dt:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
