//! Join-key candidates from column names and types: `account_id` ↔
//! `accounts.id`, `branch_code` ↔ `branches.code`, `branch` ↔
//! `branches.branch`. The score says how sure the names alone are; the server
//! adds the value overlap it measures on a sample.

use crate::types::{DataType, Field};

/// Column names a dimension's key is usually called.
const KEY_WORDS: [&str; 5] = ["id", "code", "key", "no", "num"];

/// One fact column ↔ dimension column pair worth measuring.
#[derive(Debug, Clone, PartialEq)]
pub struct NameMatch {
    pub fact_column: String,
    pub dimension_column: String,
    /// 0 < score ≤ 1: how strongly the names alone suggest the pair.
    pub score: f64,
    /// Why, in words ("same name", "`account` + `id`").
    pub reason: String,
}

/// `accounts` → `account`, `branches` → `branch`, `categories` → `category`,
/// `dim_customer` → `customer` (a `dim_`/`d_` prefix is dropped).
pub fn entity(dimension: &str) -> String {
    let lower = dimension.to_lowercase();
    let base = lower.strip_prefix("dim_").or_else(|| lower.strip_prefix("d_")).unwrap_or(&lower);
    if let Some(stem) = base.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = base.strip_suffix("ches").or_else(|| base.strip_suffix("shes")) {
        format!("{stem}{}", &base[stem.len()..stem.len() + 2])
    } else if let Some(stem) = base.strip_suffix("sses") {
        format!("{stem}ss")
    } else if let Some(stem) = base.strip_suffix('s').filter(|s| !s.ends_with('s')) {
        stem.to_string()
    } else {
        base.to_string()
    }
}

/// Whether values of these types can be compared as keys (the join's rule; unknown types may).
pub fn comparable(a: Option<DataType>, b: Option<DataType>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => crate::infer::comparable(x, y),
        _ => true,
    }
}

/// How strongly the names suggest `fact` ↔ `dim_column` of dimension node `dimension`.
pub fn name_score(fact: &str, dimension: &str, dim_column: &str) -> Option<(f64, String)> {
    let (f, d, e) = (fact.to_lowercase(), dim_column.to_lowercase(), entity(dimension));
    if f == d {
        let keyish = d == e || KEY_WORDS.iter().any(|k| d == *k || d.ends_with(&format!("_{k}")));
        return Some((if keyish { 1.0 } else { 0.6 }, "same name".into()));
    }
    if f == format!("{e}_{d}") || f == format!("{e}{d}") {
        return Some((0.95, format!("`{e}` + `{d}`")));
    }
    if f == e && KEY_WORDS.contains(&d.as_str()) {
        return Some((0.8, format!("the dimension's `{d}`, named after `{e}`")));
    }
    if d.starts_with(&format!("{e}_")) && f.ends_with(&format!("_{d}")) {
        return Some((0.5, format!("a role of `{d}` (`{fact}`)")));
    }
    if d == "date" && f.ends_with("_date") {
        return Some((0.7, "a date ↔ the date dimension's `date`".into()));
    }
    if f.ends_with(&format!("_{d}")) && KEY_WORDS.contains(&d.as_str()) {
        return Some((0.3, format!("ends in `_{d}`")));
    }
    None
}

/// Every pair of comparable columns whose names suggest a join, best first.
pub fn candidates(fact: &[Field], dimension: &str, dim: &[Field]) -> Vec<NameMatch> {
    let mut out = Vec::new();
    for f in fact {
        for d in dim {
            if !comparable(f.ty, d.ty) {
                continue;
            }
            if let Some((score, reason)) = name_score(&f.name, dimension, &d.name) {
                out.push(NameMatch { fact_column: f.name.clone(), dimension_column: d.name.clone(), score, reason });
            }
        }
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    out
}

/// The overall rank of a measured candidate: names and overlap weigh the same,
/// and a dimension column that is not unique cannot be a key, so it halves.
pub fn rank(name_score: f64, match_rate: f64, unique: bool) -> f64 {
    let s = 0.5 * name_score + 0.5 * match_rate;
    if unique { s } else { s / 2.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(n: &str, t: DataType) -> Field {
        Field::new(n, Some(t))
    }

    #[test]
    fn entities_are_singular() {
        assert_eq!(entity("accounts"), "account");
        assert_eq!(entity("branches"), "branch");
        assert_eq!(entity("categories"), "category");
        assert_eq!(entity("dim_customer"), "customer");
        assert_eq!(entity("address"), "address");
        assert_eq!(entity("classes"), "class");
    }

    #[test]
    fn names_propose_the_usual_keys() {
        assert_eq!(name_score("account_id", "accounts", "id").unwrap().0, 0.95);
        assert_eq!(name_score("branch_code", "branches", "code").unwrap().0, 0.95);
        assert_eq!(name_score("account_id", "accounts", "account_id").unwrap().0, 1.0);
        assert_eq!(name_score("branch", "branches", "branch").unwrap().0, 1.0);
        assert_eq!(name_score("branch", "branches", "code").unwrap().0, 0.8);
        assert_eq!(name_score("city", "branches", "city").unwrap().0, 0.6);
        assert!(name_score("amount", "accounts", "id").is_none());
        assert_eq!(name_score("owner_id", "customers", "id").unwrap().0, 0.3);
        assert_eq!(name_score("home_branch_code", "branches", "branch_code").unwrap().0, 0.5);
        assert!(name_score("account_id", "customers", "customer_id").is_none());
        assert_eq!(name_score("txn_date", "dates", "date").unwrap().0, 0.7);
    }

    #[test]
    fn types_must_be_comparable() {
        let fact = [f("account_id", DataType::String), f("amount", DataType::Float64)];
        let dim = [f("account_id", DataType::String), f("id", DataType::Int64)];
        let c = candidates(&fact, "accounts", &dim);
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!((c[0].fact_column.as_str(), c[0].dimension_column.as_str()), ("account_id", "account_id"));
        let dim = [f("id", DataType::String)];
        assert_eq!(candidates(&fact, "accounts", &dim)[0].reason, "`account` + `id`");
        assert!(!comparable(Some(DataType::Date), Some(DataType::Int64)));
        assert!(comparable(Some(DataType::Date), Some(DataType::Timestamp)));
        assert!(rank(1.0, 1.0, false) < rank(0.5, 0.5, true) + 0.01);
    }
}
