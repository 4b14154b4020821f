//! Measures and the grain: which aggregates make sense for which measure.
//! A balance (semi-additive) adds up across accounts or branches but not across
//! days; a ratio (non-additive) adds up across nothing. Summing either across
//! time is refused here, with the reason, before any graph is generated.

use crate::config::AggFn;
use serde::{Deserialize, Serialize};

/// How a measure may be summed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Additivity {
    /// Sums across every dimension (an amount, a count).
    Additive,
    /// Sums across every dimension but time (a balance, a stock level).
    SemiAdditive,
    /// Sums across nothing (a ratio, a price, a percentage).
    NonAdditive,
}

impl Additivity {
    pub const ALL: [Additivity; 3] = [Additivity::Additive, Additivity::SemiAdditive, Additivity::NonAdditive];

    pub fn as_str(self) -> &'static str {
        match self {
            Additivity::Additive => "additive",
            Additivity::SemiAdditive => "semi_additive",
            Additivity::NonAdditive => "non_additive",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// One measure of the mart: `func(column) AS alias`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measure {
    pub column: String,
    #[serde(rename = "fn")]
    pub func: AggFn,
    pub additivity: Additivity,
    /// The output column; empty: `<fn>_<column>`.
    #[serde(default, rename = "as")]
    pub alias: String,
}

impl Measure {
    pub fn output(&self) -> String {
        if self.alias.trim().is_empty() {
            format!("{}_{}", self.func.as_str(), self.column)
        } else {
            self.alias.clone()
        }
    }
}

/// Why `m` cannot be aggregated to `grain`, if it cannot. `date` is the
/// fact's date column (the time axis); a grain that holds it keeps each day apart.
pub fn refusal(m: &Measure, grain: &[String], date: Option<&str>) -> Option<String> {
    if m.func != AggFn::Sum {
        return None;
    }
    let keeps_days = date.is_some_and(|d| grain.iter().any(|g| g == d));
    let col = &m.column;
    match m.additivity {
        Additivity::Additive => None,
        Additivity::SemiAdditive if keeps_days => None,
        Additivity::SemiAdditive => Some(match date {
            Some(d) => format!(
                "`{col}` is semi-additive (like a balance): summing it across days counts the same money once per day; \
                 add `{d}` to the grain, or use avg, min or max"
            ),
            None => format!(
                "`{col}` is semi-additive (like a balance) and the fact has no date column to keep days apart; use avg, min or max"
            ),
        }),
        Additivity::NonAdditive if !keeps_days => Some(format!(
            "`{col}` is non-additive (like a ratio or a price): a sum of ratios across time means nothing; use avg, min or max, or sum its numerator and denominator as separate measures"
        )),
        Additivity::NonAdditive => Some(format!(
            "`{col}` is non-additive (like a ratio or a price): it cannot be summed across the rows of a grain either; use avg, min or max, or sum its numerator and denominator as separate measures"
        )),
    }
}

/// Every refusal for `measures` at `grain`, each naming its measure, plus the
/// shape problems (no grain and no measure, duplicate outputs).
pub fn check(grain: &[String], measures: &[Measure], date: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    if grain.is_empty() && measures.is_empty() {
        out.push("pick at least one grain column or one measure".to_string());
    }
    let mut seen: Vec<String> = grain.to_vec();
    for m in measures {
        if let Some(why) = refusal(m, grain, date) {
            out.push(why);
        }
        let name = m.output();
        if seen.contains(&name) {
            out.push(format!(
                "the mart would have two columns named `{name}`; give the measure on `{}` another name",
                m.column
            ));
        }
        seen.push(name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(col: &str, func: AggFn, a: Additivity) -> Measure {
        Measure { column: col.into(), func, additivity: a, alias: String::new() }
    }
    fn g(cols: &[&str]) -> Vec<String> {
        cols.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_balance_summed_across_time_is_refused_with_the_reason() {
        let bal = m("balance", AggFn::Sum, Additivity::SemiAdditive);
        let why = refusal(&bal, &g(&["branch"]), Some("txn_date")).unwrap();
        assert!(why.contains("`balance` is semi-additive") && why.contains("add `txn_date` to the grain"), "{why}");
        // Per day it adds up across accounts; an average across days is fine.
        assert_eq!(refusal(&bal, &g(&["branch", "txn_date"]), Some("txn_date")), None);
        assert_eq!(
            refusal(&m("balance", AggFn::Avg, Additivity::SemiAdditive), &g(&["branch"]), Some("txn_date")),
            None
        );
    }

    #[test]
    fn a_ratio_is_never_summed() {
        let r = m("fx_rate", AggFn::Sum, Additivity::NonAdditive);
        assert!(refusal(&r, &g(&["branch"]), Some("txn_date")).unwrap().contains("across time"));
        assert!(refusal(&r, &g(&["branch", "txn_date"]), Some("txn_date")).unwrap().contains("non-additive"));
        assert_eq!(refusal(&m("fx_rate", AggFn::Max, Additivity::NonAdditive), &g(&["branch"]), None), None);
    }

    #[test]
    fn amounts_sum_anywhere_and_names_must_differ() {
        let amt = m("amount", AggFn::Sum, Additivity::Additive);
        assert!(check(&g(&["branch"]), std::slice::from_ref(&amt), Some("txn_date")).is_empty());
        let dup = Measure { alias: "branch".into(), ..amt };
        assert!(check(&g(&["branch"]), &[dup], None)[0].contains("two columns named `branch`"));
        assert!(!check(&[], &[], None).is_empty());
        assert_eq!(Additivity::parse("semi_additive"), Some(Additivity::SemiAdditive));
    }
}
