# Bytes per crate of a WebAssembly module, from `twiggy top -f csv` of the
# module as cargo built it (name section still in), before wasm-bindgen:
#   twiggy top -n 1000000 -f csv target/wasm32-unknown-unknown/wasm-release/sluice_frontend.wasm > top.csv
#   python3 bench/wasm_crates.py top.csv 20
# A function is charged to the first non-std crate its name mentions (so
# `drop_in_place<sqlparser::ast::Expr>` counts as sqlparser), else to core/alloc/std.
import csv, sys, re, collections
rows = list(csv.DictReader(open(sys.argv[1])))
by = collections.Counter(); count = collections.Counter()
total = 0
seg = re.compile(r'(?<![A-Za-z0-9_:])([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::')
STD = {'core', 'alloc', 'std'}
def crate(n):
    if n.startswith('__wbindgen_describe') or n.startswith('export "__wbindgen_describe'): return '(wasm-bindgen describe: removed by bindgen)'
    if n.startswith('data segment'): return '(data: .rodata)'
    if 'section' in n or n.startswith('custom'): return '(custom sections: removed by bindgen)'
    found = seg.findall(n)
    for c in found:
        if c not in STD and c != 'impl': return c
    return found[0] if found else '(other)'
for r in rows:
    name = r['Name']; size = int(r['ShallowSize'])
    total += size
    c = crate(name)
    by[c] += size; count[c] += 1
shipped = sum(v for k, v in by.items() if 'removed by bindgen' not in k)
print(f'file {total} bytes; code and data that ship (names, custom sections and describe functions left out): {shipped}')
print('| crate | bytes | share of shipped | functions |\n|---|---:|---:|---:|')
for c, v in by.most_common(int(sys.argv[2]) if len(sys.argv) > 2 else 30):
    if 'removed by bindgen' in c: continue
    print(f'| {c} | {v} | {100*v/shipped:.1f}% | {count[c]} |')
