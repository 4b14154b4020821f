//! Column types of the graph format and the schemas built from them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A column type as written in a graph (`int64`, `decimal(18,2)`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataType {
    Int64,
    Float64,
    Decimal(u8, i8),
    String,
    Bool,
    Date,
    Timestamp,
}

impl DataType {
    pub fn is_numeric(self) -> bool {
        matches!(self, Self::Int64 | Self::Float64 | Self::Decimal(..))
    }

    pub fn is_temporal(self) -> bool {
        matches!(self, Self::Date | Self::Timestamp)
    }

    /// Parses the textual form; the error says what is accepted.
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim().to_ascii_lowercase();
        let ty = match t.as_str() {
            "int64" => Self::Int64,
            "float64" => Self::Float64,
            "string" => Self::String,
            "bool" => Self::Bool,
            "date" => Self::Date,
            "timestamp" => Self::Timestamp,
            _ => {
                return parse_decimal(&t).ok_or_else(|| {
                    format!("unknown type `{text}`: use int64, float64, decimal(p,s), string, bool, date or timestamp")
                })?;
            }
        };
        Ok(ty)
    }
}

fn parse_decimal(t: &str) -> Option<Result<DataType, String>> {
    let inner = t.strip_prefix("decimal(")?.strip_suffix(')')?;
    let (p, s) = inner.split_once(',')?;
    let (p, s): (u8, i8) = (p.trim().parse().ok()?, s.trim().parse().ok()?);
    if !(1..=38).contains(&p) || s < 0 || s as u8 > p {
        return Some(Err(format!("decimal({p},{s}): precision must be 1 to 38 and scale 0 to the precision")));
    }
    Some(Ok(DataType::Decimal(p, s)))
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int64 => f.write_str("int64"),
            Self::Float64 => f.write_str("float64"),
            Self::Decimal(p, s) => write!(f, "decimal({p},{s})"),
            Self::String => f.write_str("string"),
            Self::Bool => f.write_str("bool"),
            Self::Date => f.write_str("date"),
            Self::Timestamp => f.write_str("timestamp"),
        }
    }
}

impl Serialize for DataType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DataType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        DataType::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// One column of a schema. A `None` type means "not known yet" (e.g. an
/// expression whose type the browser cannot infer); checks skip it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: Option<DataType>,
}

impl Field {
    pub fn new(name: impl Into<String>, ty: Option<DataType>) -> Self {
        Field { name: name.into(), ty }
    }
}

/// The ordered columns on an edge.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Schema(pub Vec<Field>);

impl Schema {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.0.iter().find(|f| f.name == name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.field(name).is_some()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|f| f.name.as_str())
    }

    /// "amount, branch, ..." for messages, cut short on wide tables.
    pub fn describe_columns(&self) -> String {
        let names: Vec<&str> = self.names().take(12).collect();
        let more = self.0.len().saturating_sub(names.len());
        let mut out = names.join(", ");
        if more > 0 {
            out.push_str(&format!(" and {more} more"));
        }
        if out.is_empty() {
            out.push_str("none");
        }
        out
    }

    /// A close spelling of `name` among the columns, for "did you mean" hints.
    pub fn suggest(&self, name: &str) -> Option<&str> {
        let lower = name.to_lowercase();
        self.names()
            .map(|c| (c, edit_distance(&c.to_lowercase(), &lower)))
            .filter(|(c, d)| *d <= 2.max(c.len() / 4))
            .min_by_key(|(_, d)| *d)
            .map(|(c, _)| c)
    }
}

pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Days since 1970-01-01 for a `YYYY-MM-DD` date, or `None` if it is not a real date.
pub fn parse_date_days(text: &str) -> Option<i32> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let y: i64 = text[0..4].parse().ok()?;
    let m: i64 = text[5..7].parse().ok()?;
    let d: i64 = text[8..10].parse().ok()?;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_len = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&m) || d < 1 || d > month_len[(m - 1) as usize] {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i32::try_from(era * 146_097 + doe - 719_468).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_round_trip_through_text() {
        for t in ["int64", "float64", "decimal(18,2)", "string", "bool", "date", "timestamp"] {
            assert_eq!(DataType::parse(t).unwrap().to_string(), t);
        }
        assert!(DataType::parse("decimal(40,2)").is_err());
        assert!(DataType::parse("money").unwrap_err().contains("money"));
    }

    #[test]
    fn dates_map_to_epoch_days() {
        assert_eq!(parse_date_days("1970-01-01"), Some(0));
        assert_eq!(parse_date_days("2000-03-01"), Some(11017));
        assert_eq!(parse_date_days("2024-02-29"), Some(19782));
        assert_eq!(parse_date_days("2023-02-29"), None);
        assert_eq!(parse_date_days("2023-2-1"), None);
    }

    #[test]
    fn suggests_near_names() {
        let s = Schema(vec![Field::new("amount", None), Field::new("branch", None)]);
        assert_eq!(s.suggest("amt"), None);
        assert_eq!(s.suggest("amout"), Some("amount"));
        assert_eq!(s.suggest("Branch"), Some("branch"));
    }
}
