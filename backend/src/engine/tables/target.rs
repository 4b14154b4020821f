//! An existing target table against the output: every output column must be a
//! column of the table (matched by name) whose type the output's type fits.

use sluice_shared::DataType;

/// What a declared column type holds, read from its name in any of the databases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Int,
    Float,
    Decimal {
        scale: i64,
    },
    Text,
    Bool,
    Date,
    Timestamp,
    /// SQLite without a declared type: anything.
    Any,
    Other,
}

pub fn family(declared: &str) -> Family {
    let t = declared.trim().to_ascii_lowercase();
    let starts = |p: &str| t.starts_with(p);
    if t.is_empty() {
        Family::Any
    } else if starts("timestamp") || starts("datetime") {
        Family::Timestamp
    } else if t == "date" {
        Family::Date
    } else if starts("bool") || t == "tinyint(1)" || t == "bit(1)" {
        Family::Bool
    } else if starts("interval") || starts("point") {
        Family::Other
    } else if t.contains("int") || starts("serial") || starts("bigserial") {
        Family::Int
    } else if starts("numeric") || starts("decimal") || starts("dec") {
        let scale = t.split(',').nth(1).and_then(|s| s.trim_end_matches([')', ' ']).trim().parse().ok()).unwrap_or(0);
        Family::Decimal { scale }
    } else if starts("double") || starts("float") || starts("real") {
        Family::Float
    } else if t.contains("char") || t.contains("text") || t.contains("clob") || t == "name" || t == "citext" {
        Family::Text
    } else {
        Family::Other
    }
}

/// Whether output values of type `out` can be stored in a column of `family`.
pub fn fits(out: DataType, family: Family) -> bool {
    use DataType as T;
    match family {
        Family::Any | Family::Text => true,
        Family::Int => matches!(out, T::Int64 | T::Decimal(_, 0)),
        Family::Float | Family::Decimal { .. } => matches!(out, T::Int64 | T::Float64 | T::Decimal(..)),
        Family::Bool => out == T::Bool,
        Family::Date => out == T::Date,
        Family::Timestamp => matches!(out, T::Timestamp | T::Date),
        Family::Other => false,
    }
}

/// The table column an output column writes: the same name, or else the one
/// column whose name differs only in case.
pub fn match_column<'a>(out: &str, table: &'a [(String, String)]) -> Option<&'a (String, String)> {
    table.iter().find(|(n, _)| n == out).or_else(|| {
        let mut same = table.iter().filter(|(n, _)| n.eq_ignore_ascii_case(out));
        match (same.next(), same.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_read_in_every_dialect() {
        assert_eq!(family("bigint(20)"), Family::Int);
        assert_eq!(family("integer"), Family::Int);
        assert_eq!(family("numeric(18,2)"), Family::Decimal { scale: 2 });
        assert_eq!(family("character varying(20)"), Family::Text);
        assert_eq!(family("timestamp without time zone"), Family::Timestamp);
        assert_eq!(family("datetime(6)"), Family::Timestamp);
        assert_eq!(family("tinyint(1)"), Family::Bool);
        assert_eq!(family("interval"), Family::Other);
        assert!(!fits(DataType::String, family("integer")));
        assert!(fits(DataType::Int64, family("text")));
        assert!(fits(DataType::Decimal(18, 2), family("DECIMAL(18,2)")));
    }
}
