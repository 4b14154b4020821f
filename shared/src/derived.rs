//! Derived date parameters:
//! `"prev": {"type": "date", "derive": {"from": "biz_date", "calendar": "cn", "offset": -1}}`.
//! Declarations are checked without calendars (the editor has none); values are
//! bound after the base values, by the calendars the run knows (the server's
//! store, or `sluice run --calendar NAME=FILE`).

use crate::calendar::{Calendar, CalendarError, format_date};
use crate::model::{Derive, ParamDecl, ParamType};
use crate::params::ParamValue;
use crate::problem::Problem;
use std::collections::BTreeMap;

fn field(name: &str) -> String {
    format!("params.{name}")
}

/// Checks every `derive`: a date, no default, `from` a declared date parameter,
/// no cycle, and (when `calendars` is known) a known calendar.
pub fn check(
    params: &BTreeMap<String, ParamDecl>,
    calendars: Option<&BTreeMap<String, Calendar>>,
    problems: &mut Vec<Problem>,
) {
    for (name, decl) in params {
        let Some(d) = &decl.derive else { continue };
        let mut bad = |msg: String| problems.push(Problem::graph(Some(&field(name)), msg));
        if decl.ty != ParamType::Date {
            bad(format!("`{name}` is derived by a calendar, so it is a date; declare \"type\": \"date\""));
        }
        if decl.default.is_some() {
            bad(format!("`{name}` is derived from `{}`; it takes no default", d.from));
        }
        match params.get(&d.from) {
            None => bad(format!("derive.from: `{}` is not a declared parameter", d.from)),
            Some(base) if base.ty != ParamType::Date => {
                bad(format!("derive.from: `{}` is a {}, not a date", d.from, crate::params::type_name(base.ty)))
            }
            Some(_) => {
                if let Some(cycle) = cycle_from(params, name) {
                    bad(format!("derive: {} is a cycle", cycle.join(" → ")));
                }
            }
        }
        if d.calendar.trim().is_empty() {
            bad("derive.calendar: name the calendar the date is counted by".to_string());
        } else if let Some(known) = calendars
            && !known.contains_key(&d.calendar)
        {
            let names: Vec<&str> = known.keys().map(String::as_str).collect();
            let list = if names.is_empty() { "none".to_string() } else { names.join(", ") };
            bad(format!(
                "derive.calendar: `{}` is not a known calendar (known: {list}; on the command line give --calendar {}=FILE)",
                d.calendar, d.calendar
            ));
        }
    }
}

/// The chain of `from`s starting at `start` when it leads back to `start`.
fn cycle_from(params: &BTreeMap<String, ParamDecl>, start: &str) -> Option<Vec<String>> {
    let mut chain = vec![start.to_string()];
    let mut at = start;
    while let Some(Derive { from, .. }) = params.get(at).and_then(|p| p.derive.as_ref()) {
        chain.push(from.clone());
        if from == start {
            return Some(chain);
        }
        if chain.len() > params.len() + 1 {
            return None; // a cycle further down, reported at its own parameters
        }
        at = from;
    }
    None
}

/// Why one derived value could not be computed.
enum Fail {
    /// The run knows no calendar of that name.
    Unknown(String),
    /// The calendar could not compute it (e.g. outside its years).
    Calendar(CalendarError),
}

/// Computes the derived parameters from the bound `values`, in dependency order.
/// A derived parameter whose base has no value is left out (the base's problem
/// says why); a date the calendar cannot compute is a problem naming the parameter.
pub fn bind(
    params: &BTreeMap<String, ParamDecl>,
    values: &mut BTreeMap<String, ParamValue>,
    calendars: Option<&BTreeMap<String, Calendar>>,
    problems: &mut Vec<Problem>,
) {
    compute(params, values, calendars, &mut |name, fail| {
        let message = match fail {
            Fail::Unknown(m) => m,
            Fail::Calendar(e) => e.to_string(),
        };
        problems.push(Problem::graph(Some(&field(name)), message));
    });
}

/// The base (not derived) values: given as text, else the declared default.
fn base_values(params: &BTreeMap<String, ParamDecl>, given: &BTreeMap<String, String>) -> BTreeMap<String, ParamValue> {
    params
        .iter()
        .filter(|(_, d)| d.derive.is_none())
        .filter_map(|(name, d)| {
            let v = match (given.get(name), &d.default) {
                (Some(text), _) => ParamValue::parse(d.ty, text),
                (None, Some(default)) => ParamValue::from_json(d.ty, default),
                (None, None) => return None,
            };
            Some((name.clone(), v.ok()?))
        })
        .collect()
}

/// The first derived parameter that falls outside its calendar's years, as
/// `params.<name>: <reason naming the year>`: the command line makes that exit 1
/// (like `sluice bizdate`), not a graph problem.
pub fn outside_coverage(
    params: &BTreeMap<String, ParamDecl>,
    given: &BTreeMap<String, String>,
    calendars: Option<&BTreeMap<String, Calendar>>,
) -> Option<String> {
    let mut values = base_values(params, given);
    let mut first = None;
    compute(params, &mut values, calendars, &mut |name, fail| {
        if let (None, Fail::Calendar(e @ CalendarError::Outside { .. })) = (&first, fail) {
            first = Some(format!("{}: {e}", field(name)));
        }
    });
    first
}

/// Every derived parameter's value (ISO date) or why it has none, from the base
/// values `given` (text) or the declared defaults: what a run about to start
/// would bind, shown before it starts.
pub fn resolve(
    params: &BTreeMap<String, ParamDecl>,
    given: &BTreeMap<String, String>,
    calendars: Option<&BTreeMap<String, Calendar>>,
) -> BTreeMap<String, Result<String, String>> {
    let mut values = base_values(params, given);
    let mut failed = BTreeMap::new();
    compute(params, &mut values, calendars, &mut |name, fail| {
        let message = match fail {
            Fail::Unknown(m) => m,
            Fail::Calendar(e) => e.to_string(),
        };
        failed.insert(name.to_string(), message);
    });
    let derived = params.iter().filter_map(|(n, p)| p.derive.as_ref().map(|d| (n, d)));
    derived
        .map(|(name, d)| {
            let got = match (values.get(name), failed.remove(name)) {
                (_, Some(e)) => Err(e),
                (Some(v), None) => Ok(v.as_text()),
                (None, None) => Err(format!("`{}` has no date value to count from", d.from)),
            };
            (name.clone(), got)
        })
        .collect()
}

fn compute(
    params: &BTreeMap<String, ParamDecl>,
    values: &mut BTreeMap<String, ParamValue>,
    calendars: Option<&BTreeMap<String, Calendar>>,
    fail: &mut dyn FnMut(&str, Fail),
) {
    let mut pending: Vec<(&String, &Derive)> =
        params.iter().filter_map(|(n, p)| p.derive.as_ref().map(|d| (n, d))).collect();
    loop {
        let before = pending.len();
        let mut still = Vec::new();
        for (name, d) in pending {
            match values.get(&d.from) {
                // An unknown calendar among known ones is `check`'s problem.
                Some(ParamValue::Date(..)) if calendars.is_some_and(|c| !c.contains_key(&d.calendar)) => {}
                Some(ParamValue::Date(base, _)) => match derive_one(*base, d, calendars) {
                    Ok(day) => {
                        values.insert(name.clone(), ParamValue::Date(day, format_date(day)));
                    }
                    Err(e) => fail(name, e),
                },
                Some(_) => {} // not a date: `check` reports it
                None if params.get(&d.from).is_some_and(|p| p.derive.is_some()) => still.push((name, d)),
                None => {}
            }
        }
        pending = still;
        if pending.is_empty() || pending.len() == before {
            return; // done, or only cycles and failed bases remain
        }
    }
}

fn derive_one(base: i32, d: &Derive, calendars: Option<&BTreeMap<String, Calendar>>) -> Result<i32, Fail> {
    let cal = calendars.and_then(|c| c.get(&d.calendar)).ok_or_else(|| {
        Fail::Unknown(format!(
            "calendar `{}` is not known here (on the command line give --calendar {}=FILE)",
            d.calendar, d.calendar
        ))
    })?;
    cal.resolve(base, d.rule, d.offset).map_err(Fail::Calendar)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{Rule, parse_csv, parse_date};

    fn decls(json: serde_json::Value) -> BTreeMap<String, ParamDecl> {
        serde_json::from_value(json).unwrap()
    }

    fn cals() -> BTreeMap<String, Calendar> {
        let cn = "date,kind,note\n2024-10-01,holiday,\n2024-10-02,holiday,\n2024-10-03,holiday,\n\
                  2024-10-04,holiday,\n2024-10-07,holiday,\n2024-10-12,workday,\n";
        BTreeMap::from([("cn".to_string(), parse_csv(cn).unwrap())])
    }

    #[test]
    fn derived_values_follow_the_calendar_in_dependency_order() {
        let p = decls(serde_json::json!({
            "biz_date": {"type": "date"},
            "prev2": {"type": "date", "derive": {"from": "prev", "calendar": "cn", "offset": -1}},
            "prev": {"type": "date", "derive": {"from": "biz_date", "calendar": "cn", "offset": -1}},
            "mstart": {"type": "date", "derive": {"from": "biz_date", "calendar": "cn", "rule": "first_of_month"}},
            "lastm": {"type": "date", "derive": {"from": "biz_date", "calendar": "cn", "rule": "same_day_last_month"}}
        }));
        let mut problems = Vec::new();
        check(&p, Some(&cals()), &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        let day = parse_date("2024-10-08").unwrap();
        let mut values = BTreeMap::from([("biz_date".to_string(), ParamValue::Date(day, "2024-10-08".into()))]);
        bind(&p, &mut values, Some(&cals()), &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(values["prev"].as_text(), "2024-09-30");
        assert_eq!(values["prev2"].as_text(), "2024-09-27");
        assert_eq!(values["mstart"].as_text(), "2024-10-08");
        assert_eq!(values["lastm"].as_text(), "2024-09-06", "09-08 is a Sunday");
        assert_eq!(p["mstart"].derive.as_ref().unwrap().rule, Some(Rule::FirstOfMonth));
    }

    #[test]
    fn bad_declarations_name_the_parameter() {
        let p = decls(serde_json::json!({
            "name": {"type": "string"},
            "a": {"type": "date", "derive": {"from": "b", "calendar": "cn"}},
            "b": {"type": "date", "derive": {"from": "a", "calendar": "cn"}},
            "c": {"type": "string", "derive": {"from": "nope", "calendar": "cn"}},
            "d": {"type": "date", "default": "2024-01-01", "derive": {"from": "name", "calendar": "xx"}}
        }));
        let mut problems = Vec::new();
        check(&p, Some(&cals()), &mut problems);
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        let has = |f: &str, m: &str| text.iter().any(|t| t.contains(f) && t.contains(m));
        assert!(has("params.a", "cycle") && has("params.b", "cycle"), "{text:?}");
        assert!(has("params.c", "\"type\": \"date\"") && has("params.c", "`nope`"), "{text:?}");
        assert!(has("params.d", "no default") && has("params.d", "not a date") && has("params.d", "`xx`"), "{text:?}");
        assert!(
            serde_json::from_value::<ParamDecl>(
                serde_json::json!({"type": "date", "derive": {"from": "x", "calendar": "cn", "rule": "soon"}})
            )
            .is_err()
        );
    }

    #[test]
    fn a_date_outside_the_calendar_is_a_problem_naming_param_and_year() {
        let p = decls(serde_json::json!({
            "biz_date": {"type": "date"},
            "prev": {"type": "date", "derive": {"from": "biz_date", "calendar": "cn", "offset": -1}}
        }));
        let day = parse_date("2024-01-01").unwrap();
        let mut values = BTreeMap::from([("biz_date".to_string(), ParamValue::Date(day, "2024-01-01".into()))]);
        let mut problems = Vec::new();
        bind(&p, &mut values, Some(&cals()), &mut problems);
        assert_eq!(problems.len(), 1);
        let t = problems[0].to_string();
        assert!(t.contains("params.prev") && t.contains("2023"), "{t}");
        let given = BTreeMap::from([("biz_date".to_string(), "2024-01-01".to_string())]);
        let out = outside_coverage(&p, &given, Some(&cals())).unwrap();
        assert!(out.starts_with("params.prev: ") && out.contains("2023"), "{out}");
        let given = BTreeMap::from([("biz_date".to_string(), "2024-01-02".to_string())]);
        assert_eq!(outside_coverage(&p, &given, Some(&cals())), None);
        let mut problems = Vec::new();
        bind(&p, &mut values, None, &mut problems);
        assert!(problems[0].to_string().contains("--calendar cn=FILE"), "{:?}", problems);
    }
}
