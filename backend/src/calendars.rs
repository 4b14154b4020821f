//! Calendars on the server side: the built-in ones shipped as data, and the
//! `--calendar NAME=FILE` files of the command line. The arithmetic lives in
//! `sluice_shared::calendar`.

use crate::engine::limits::Calendars;
use sluice_shared::calendar::{self, Calendar};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, LazyLock};

/// Mainland China's statutory holidays and make-up workdays, generated from
/// chinese-calendar 1.11 by `data/calendars/gen_cn.py` (refresh steps there).
pub const CN_CSV: &str = include_str!("../../data/calendars/cn.csv");

/// Names and files of the built-in calendars.
pub const BUILTIN: &[(&str, &str)] = &[("cn", CN_CSV)];

/// A built-in calendar by name.
pub fn builtin(name: &str) -> Option<Calendar> {
    let (_, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
    calendar::parse_csv(text).ok()
}

/// Every built-in calendar by name (parsed once).
pub fn builtins() -> Arc<Calendars> {
    static ALL: LazyLock<Arc<Calendars>> = LazyLock::new(|| {
        Arc::new(BUILTIN.iter().filter_map(|(name, _)| Some((name.to_string(), builtin(name)?))).collect())
    });
    ALL.clone()
}

/// Reads a calendar file; the error names the file, the line and the reason.
pub fn read_file(path: &Path) -> Result<Calendar, String> {
    let text = std::fs::read(path).map_err(|e| format!("cannot read calendar {}: {e}", path.display()))?;
    let text = String::from_utf8(text)
        .map_err(|_| format!("calendar {}: not UTF-8 text (save it as UTF-8 CSV)", path.display()))?;
    calendar::parse_csv(&text).map_err(|e| format!("calendar {}: {e}", path.display()))
}

/// Reads `--calendar NAME=FILE` pairs (repeatable); every bad pair or file is one error.
pub fn from_cli(pairs: &[String]) -> Result<BTreeMap<String, Calendar>, Vec<String>> {
    let mut out = BTreeMap::new();
    let mut errors = Vec::new();
    for pair in pairs {
        let Some((name, file)) = pair.split_once('=').filter(|(n, f)| !n.trim().is_empty() && !f.is_empty()) else {
            errors.push(format!("--calendar `{pair}` is not of the form NAME=FILE"));
            continue;
        };
        let name = name.trim();
        if out.contains_key(name) {
            errors.push(format!("--calendar {name} is given twice"));
            continue;
        }
        match read_file(Path::new(file)) {
            Ok(c) => {
                out.insert(name.to_string(), c);
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_builtin_china_calendar_reads() {
        let cn = super::builtin("cn").expect("cn.csv parses");
        assert_eq!(cn.years().0, 2004);
        assert!(cn.years().1 >= 2026);
        assert!(super::builtin("mars").is_none());
    }
}
