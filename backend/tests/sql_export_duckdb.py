#!/usr/bin/env python3
"""Runs `sluice sql --dialect duckdb` statements in DuckDB (for ../sql_export_duckdb.rs).

Reads a job as JSON on stdin:
  {"sources": [{"id", "kind", "path", "delimiter", "has_header", "schema"}],
   "statements": [{"sink", "sql"}]}
creates one view per source node, named by its id, over the node's input file (the
names `sluice sql` reads from), runs every statement and prints, as JSON on stdout,
{sink: {"header": [...], "rows": [[cell text, ...]]} or {"error": "..."}}.
Cells are text: NULL is "", booleans `true`/`false`, everything else DuckDB's own text.
"""

import json
import sys

import duckdb

# The contract's types (shared/handbook/graph-format.md, "Types") in DuckDB.
TYPES = {
    "string": "VARCHAR",
    "int64": "BIGINT",
    "float64": "DOUBLE",
    "bool": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
}


def duck_type(ty):
    if ty.startswith("decimal"):
        return ty.upper()
    return TYPES[ty]


def lit(text):
    return "'" + text.replace("'", "''") + "'"


def ident(name):
    return '"' + name.replace('"', '""') + '"'


def reader(src):
    """The table function reading one source node's file."""
    path = lit(src["path"])
    kind = src["kind"]
    if kind == "source.parquet":
        return f"read_parquet({path})"
    if kind == "source.json":
        return f"read_json({path}, format = 'newline_delimited')"
    if kind != "source.csv":
        raise ValueError(f"{src['id']}: no DuckDB reader for {kind}")
    opts = [
        f"delim = {lit(src.get('delimiter') or ',')}",
        f"header = {'true' if src.get('has_header', True) else 'false'}",
        "quote = '\"'",
        "escape = '\"'",
    ]
    if src.get("schema"):
        cols = ", ".join(f"{lit(c['name'])}: {lit(duck_type(c['type']))}" for c in src["schema"])
        opts.append(f"columns = {{{cols}}}")
    return f"read_csv({path}, {', '.join(opts)})"


def cell(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def main():
    job = json.load(sys.stdin)
    con = duckdb.connect()
    for src in job["sources"]:
        con.execute(f"CREATE VIEW {ident(src['id'])} AS SELECT * FROM {reader(src)}")
    out = {}
    for st in job["statements"]:
        try:
            rel = con.execute(st["sql"])
            header = [d[0] for d in rel.description]
            rows = [[cell(v) for v in row] for row in rel.fetchall()]
            out[st["sink"]] = {"header": header, "rows": rows}
        except duckdb.Error as e:
            out[st["sink"]] = {"error": str(e)}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
