#!/usr/bin/env python3
"""Rough size check for the project rules: Rust files over 400 lines and functions over 80 lines.

Usage: scripts/fn_lengths.py [--max-fn N] [--max-file N] [DIR ...]   (default dirs: backend shared frontend xtask)

Functions are found by brace counting on text with comments, strings and char literals blanked out,
so it is approximate. Lines inside Leptos `view! { ... }` macros are not counted toward a function's
length (the project rule exempts them). Exit status 1 if anything is over a limit.
"""
import os
import re
import sys

FN_RE = re.compile(r"\bfn\s+([A-Za-z_][A-Za-z0-9_]*)")
VIEW_RE = re.compile(r"\bview!\s*\{")


def blank(src):
    """Replace comments, string and char literal contents with spaces, keeping newlines and offsets."""
    out = list(src)
    i, n = 0, len(src)

    def wipe(a, b):
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            wipe(i, j)
            i = j
        elif src.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if src.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif src.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            wipe(i, j)
            i = j
        elif c == "r" and re.match(r'r#*"', src[i:i + 10]) and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_")):
            m = re.match(r'r(#*)"', src[i:])
            end = '"' + m.group(1)
            j = src.find(end, i + len(m.group(0)))
            j = n if j < 0 else j + len(end)
            wipe(i + 1, j)
            i = j
        elif c == '"':
            j = i + 1
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            wipe(i + 1, j)
            i = j + 1
        elif c == "'":
            # char literal ('a', '\n', '\u{..}') vs lifetime ('a)
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", src[i:])
            if m:
                wipe(i + 1, i + len(m.group(0)) - 1)
                i += len(m.group(0))
            else:
                i += 1
        else:
            i += 1
    return "".join(out)


def match_brace(text, open_at):
    depth = 0
    for k in range(open_at, len(text)):
        if text[k] == "{":
            depth += 1
        elif text[k] == "}":
            depth -= 1
            if depth == 0:
                return k
    return len(text) - 1


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def functions(path):
    src = open(path, encoding="utf-8").read()
    text = blank(src)
    views = []
    for m in VIEW_RE.finditer(text):
        a = m.end() - 1
        views.append((line_of(text, a), line_of(text, match_brace(text, a))))
    for m in FN_RE.finditer(text):
        # the body starts at the first '{' after the signature; a ';' first means no body
        k = m.end()
        depth = 0
        while k < len(text):
            ch = text[k]
            if ch in "(<[":
                depth += 1
            elif ch in ")>]":
                depth -= 1
            elif ch == ";" and depth <= 0:
                k = -1
                break
            elif ch == "{" and depth <= 0:
                break
            k += 1
        if k < 0 or k >= len(text):
            continue
        if text[k - 1] == "-":  # '->' counted as '>'
            pass
        start, end = line_of(text, m.start()), line_of(text, match_brace(text, k))
        inside = 0
        for a, b in views:
            if a >= start and b <= end:
                inside += b - a + 1
        yield m.group(1), start, end - start + 1 - inside


def main(argv):
    max_fn, max_file, dirs = 80, 400, []
    it = iter(argv)
    for a in it:
        if a == "--max-fn":
            max_fn = int(next(it))
        elif a == "--max-file":
            max_file = int(next(it))
        else:
            dirs.append(a)
    dirs = dirs or ["backend", "shared", "frontend", "xtask"]
    long_files, long_fns = [], []
    for d in dirs:
        for root, subdirs, files in os.walk(d):
            subdirs[:] = sorted(s for s in subdirs if s not in ("target", "node_modules", "pkg"))
            for f in sorted(files):
                if not f.endswith(".rs"):
                    continue
                p = os.path.join(root, f)
                n = sum(1 for _ in open(p, encoding="utf-8"))
                if n > max_file:
                    long_files.append((n, p))
                for name, line, length in functions(p):
                    if length > max_fn:
                        long_fns.append((length, f"{p}:{line}", name))
    for n, p in sorted(long_files, reverse=True):
        print(f"file {n:5} {p}")
    for n, where, name in sorted(long_fns, reverse=True):
        print(f"fn   {n:5} {where} {name}")
    print(f"{len(long_files)} files over {max_file} lines, {len(long_fns)} functions over {max_fn} lines")
    return 1 if long_files or long_fns else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
