//! For the conformance suite: reading a sink's output back as a text table
//! (CSV, Parquet, Excel), comparing two tables with a float tolerance, and
//! copying a case's files.

use std::fmt::Display;
use std::fs;
use std::path::{Path, PathBuf};

/// A header and rows, every cell as text; NULL is "".
pub type Table = (Vec<String>, Vec<Vec<String>>);

fn err(e: impl Display) -> String {
    e.to_string()
}

pub fn read_csv(path: &Path, delimiter: u8) -> Result<Table, String> {
    let mut rdr = csv::ReaderBuilder::new().delimiter(delimiter).from_path(path).map_err(err)?;
    let strings = |r: &csv::StringRecord| r.iter().map(String::from).collect::<Vec<_>>();
    let header = strings(rdr.headers().map_err(err)?);
    let rows = rdr.records().map(|r| r.map(|r| strings(&r))).collect::<Result<_, _>>();
    Ok((header, rows.map_err(err)?))
}

pub fn read_parquet(path: &Path) -> Result<Table, String> {
    use datafusion::arrow::util::display::array_value_to_string; // NULL prints as ""
    use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let builder = ParquetRecordBatchReaderBuilder::try_new(fs::File::open(path).map_err(err)?);
    let builder = builder.map_err(err)?;
    let header = builder.schema().fields().iter().map(|f| f.name().clone()).collect();
    let mut rows = Vec::new();
    for batch in builder.build().map_err(err)? {
        let batch = batch.map_err(err)?;
        for r in 0..batch.num_rows() {
            let row = batch.columns().iter().map(|c| array_value_to_string(c.as_ref(), r));
            rows.push(row.collect::<Result<_, _>>().map_err(err)?);
        }
    }
    Ok((header, rows))
}

pub fn read_xlsx(path: &Path, sheet: &str) -> Result<Table, String> {
    use calamine::{Data, Reader, open_workbook_auto};
    let mut book = open_workbook_auto(path).map_err(err)?;
    let range = book.worksheet_range(sheet).map_err(|e| format!("sheet {sheet:?}: {e}"))?;
    let cell = |d: &Data| match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        // Excel has no date type, only serial numbers with a date format: a whole day reads
        // back as a date, anything else as a timestamp.
        Data::DateTime(dt) => match dt.to_ymd_hms_milli() {
            (y, m, d, 0, 0, 0, 0) => format!("{y:04}-{m:02}-{d:02}"),
            (y, m, d, h, mi, s, _) => format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}"),
        },
        Data::Error(e) => format!("#ERROR {e:?}"),
    };
    let mut rows = range.rows().map(|r| r.iter().map(cell).collect::<Vec<_>>());
    let header = rows.next().ok_or("empty sheet")?;
    Ok((header, rows.collect()))
}

/// Canonical cell text: booleans lower-case; in a timestamp `T` becomes a space and an all-zero
/// fraction of a second is dropped. Strings are NOT trimmed: padded text is part of the cases.
fn norm(s: &str) -> String {
    if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") {
        return s.to_ascii_lowercase();
    }
    let b = s.as_bytes();
    let is_ts = b.len() >= 19 && b[4] == b'-' && b[7] == b'-' && b"T ".contains(&b[10]);
    if !is_ts || b[13] != b':' {
        return s.to_string();
    }
    let mut t = s.replacen('T', " ", 1);
    if t.len() > 19 && t.as_bytes()[19] == b'.' && t[20..].bytes().all(|c| c == b'0') {
        t.truncate(19);
    }
    t
}

fn cell_eq(expected: &str, actual: &str) -> bool {
    let (e, a) = (norm(expected), norm(actual));
    match (e.parse::<f64>(), a.parse::<f64>()) {
        // Relative 1e-6; the tiny absolute floor lets float sums that should be 0 pass.
        (Ok(x), Ok(y)) => e == a || (x - y).abs() <= 1e-6 * x.abs().max(y.abs()) + 1e-9,
        _ => e == a, // empty == empty covers NULL in every format
    }
}

fn row_eq(e: &[String], a: &[String]) -> bool {
    e.len() == a.len() && e.iter().zip(a).all(|(x, y)| cell_eq(x, y))
}

fn fmt_row(r: Option<&Vec<String>>) -> String {
    r.map_or("<no row>".into(), |r| format!("[{}]", r.join(" | ")))
}

/// Same header, and the same rows: in sequence when `ordered`, else as a multiset. The float
/// tolerance makes equality non-transitive, so the multiset check pairs rows greedily.
pub fn compare(expected: &Table, actual: &Table, ordered: bool) -> Result<(), String> {
    let ((eh, exp), (ah, act)) = (expected, actual);
    if eh != ah {
        return Err(format!("header differs\n    expected {eh:?}\n    actual   {ah:?}"));
    }
    let counts = format!("{} expected rows, {} actual", exp.len(), act.len());
    if ordered {
        let n = exp.len().max(act.len());
        let bad = (0..n).filter(|&i| !matches!((exp.get(i), act.get(i)), (Some(e), Some(a)) if row_eq(e, a)));
        let diffs: Vec<String> = bad
            .take(5)
            .map(|i| {
                let (e, a) = (fmt_row(exp.get(i)), fmt_row(act.get(i)));
                format!("    row {i}:\n      expected {e}\n      actual   {a}")
            })
            .collect();
        return if diffs.is_empty() {
            Ok(())
        } else {
            Err(format!("{counts}; first differences:\n{}", diffs.join("\n")))
        };
    }
    let mut used = vec![false; act.len()];
    let mut missing = Vec::new();
    for e in exp {
        match (0..act.len()).find(|&i| !used[i] && row_eq(e, &act[i])) {
            Some(i) => used[i] = true,
            None => missing.push(e),
        }
    }
    let extra: Vec<&Vec<String>> = act.iter().zip(&used).filter(|(_, u)| !**u).map(|(r, _)| r).collect();
    if missing.is_empty() && extra.is_empty() {
        return Ok(());
    }
    let list = |rows: &[&Vec<String>]| {
        let shown: Vec<String> = rows.iter().take(5).map(|r| format!("      {}", fmt_row(Some(*r)))).collect();
        format!("({}):\n{}", rows.len(), shown.join("\n"))
    };
    Err(format!("{counts}\n    missing {}\n    unexpected {}", list(&missing), list(&extra)))
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().map(Result::unwrap) {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file below `dir`, relative to it and sorted, so that listings compare directly.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, acc: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            if entry.file_type().unwrap().is_dir() {
                walk(root, &entry.path(), acc);
            } else {
                acc.push(entry.path().strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut acc = Vec::new();
    walk(dir, dir, &mut acc);
    acc.sort();
    acc
}
