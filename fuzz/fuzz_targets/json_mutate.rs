//! A structure-aware mutator for JSON documents: edits the parsed value and
//! writes it back, falling back to libFuzzer's byte mutations for inputs that
//! are not JSON (and for a quarter of those that are).

use libfuzzer_sys::fuzzer_mutate;
use serde_json::{Value, json};

/// Strings worth splicing into a graph: kinds, types, columns, expressions, paths.
const WORDS: &[&str] = &[
    "source.csv",
    "source.excel",
    "source.json",
    "source.parquet",
    "source.table",
    "transform.filter",
    "transform.derive",
    "transform.select",
    "transform.aggregate",
    "transform.join",
    "transform.union",
    "transform.sort",
    "transform.limit",
    "transform.distinct",
    "transform.sql",
    "sink.csv",
    "sink.excel",
    "sink.parquet",
    "sink.report",
    "sink.table",
    "int64",
    "float64",
    "decimal(18,2)",
    "decimal(38,38)",
    "string",
    "bool",
    "date",
    "timestamp",
    "amount",
    "branch",
    "txn_date",
    "left",
    "right",
    "in",
    "sum",
    "count",
    "avg",
    "min",
    "max",
    "inner",
    "full",
    "amount > 100 AND txn_date = $biz_date",
    "upper(branch)",
    "CAST(amount AS decimal(18,2))",
    "SELECT * FROM txns",
    "SELECT a FROM x UNION SELECT a FROM y",
    "out/{biz_date}/x.csv",
    "data/txns.csv",
    "../x.csv",
    "/etc/passwd",
    "{nope}",
    "$biz_date",
    "2026-02-30",
    "",
    " ",
    "é",
    "\u{0}",
];
const KEYS: &[&str] = &[
    "id",
    "kind",
    "config",
    "from",
    "to",
    "port",
    "path",
    "predicate",
    "expr",
    "columns",
    "name",
    "as",
    "fn",
    "column",
    "group_by",
    "aggregates",
    "on",
    "how",
    "by",
    "desc",
    "n",
    "sql",
    "schema",
    "type",
    "default",
    "params",
    "nodes",
    "edges",
    "sheet",
    "delimiter",
    "encoding",
    "has_header",
    "mode",
    "table",
    "offset",
];

/// xorshift64*: deterministic from libFuzzer's seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n.max(1)
    }
}

pub fn mutate(data: &mut [u8], size: usize, max_size: usize, seed: u32) -> usize {
    let mut rng = Rng(u64::from(seed) | 1 << 40);
    let parsed = serde_json::from_slice::<Value>(&data[..size]);
    let Ok(mut doc) = parsed else {
        return fuzzer_mutate(data, size, max_size);
    };
    if rng.below(4) == 0 {
        return fuzzer_mutate(data, size, max_size);
    }
    for _ in 0..=rng.below(3) {
        edit(&mut doc, &mut rng);
    }
    let out = if rng.below(2) == 0 { serde_json::to_vec(&doc) } else { serde_json::to_vec_pretty(&doc) };
    match out {
        Ok(out) if out.len() <= max_size => {
            data[..out.len()].copy_from_slice(&out);
            out.len()
        }
        _ => fuzzer_mutate(data, size, max_size),
    }
}

/// JSON pointers to every value in `v`.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                pointers(child, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                pointers(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

fn edit(doc: &mut Value, rng: &mut Rng) {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    let target = all[rng.below(all.len())].clone();
    let donor = doc.pointer(&all[rng.below(all.len())]).cloned().unwrap_or(Value::Null);
    let Some(v) = doc.pointer_mut(&target) else {
        return;
    };
    match (rng.below(8), v) {
        (0, v) => *v = donor,
        (1, Value::String(s)) => *s = mutate_text(s, rng),
        (1 | 2, v) => *v = json!(WORDS[rng.below(WORDS.len())]),
        (3, v) => {
            *v = [
                json!(0),
                json!(-1),
                json!(1.5),
                json!(i64::MAX),
                json!(u64::MAX),
                json!(1e308),
                json!(true),
                json!(null),
                json!([]),
                json!({}),
            ][rng.below(10)]
            .clone()
        }
        (4, Value::Array(a)) if !a.is_empty() => {
            let i = rng.below(a.len());
            if rng.below(2) == 0 {
                a.remove(i);
            } else {
                let c = a[i].clone();
                a.insert(rng.below(a.len() + 1), c);
            }
        }
        (5, Value::Array(a)) if a.len() > 1 => {
            let (i, j) = (rng.below(a.len()), rng.below(a.len()));
            a.swap(i, j);
        }
        (4 | 5, Value::Object(m)) if !m.is_empty() => {
            let k = m.keys().nth(rng.below(m.len())).cloned().unwrap_or_default();
            m.remove(&k);
        }
        (6, Value::Object(m)) => {
            m.insert(KEYS[rng.below(KEYS.len())].to_string(), donor);
        }
        (6, Value::Array(a)) => a.push(donor),
        (_, Value::String(s)) => *s = mutate_text(s, rng),
        _ => {}
    }
}

/// libFuzzer's byte mutations applied to one string value.
fn mutate_text(s: &str, rng: &mut Rng) -> String {
    let mut buf = s.as_bytes().to_vec();
    let len = buf.len();
    buf.resize(len + 16 + rng.below(64), 0);
    let max = buf.len();
    let n = fuzzer_mutate(&mut buf, len, max);
    buf.truncate(n);
    String::from_utf8_lossy(&buf).into_owned()
}
