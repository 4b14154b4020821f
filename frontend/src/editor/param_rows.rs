//! Parameter declarations as the parameters form edits them. Reading and
//! writing a default goes through `sluice_shared::params` (one parser).

use sluice_shared::params::{default_as_text, default_from_text};
use sluice_shared::{ParamDecl, ParamType};

/// A parameter row as edited: the default stays text until it is saved.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamRow {
    pub name: String,
    pub ty: ParamType,
    pub default: String,
    /// A calendar derivation, kept as read (not edited in this form).
    pub derive: Option<sluice_shared::Derive>,
}

impl ParamRow {
    pub fn from_decl(name: &str, d: &ParamDecl) -> Self {
        ParamRow {
            name: name.to_string(),
            ty: d.ty,
            default: default_as_text(d.default.as_ref()),
            derive: d.derive.clone(),
        }
    }

    /// The declaration; a default that does not read as its type is kept as
    /// text so the validator reports it instead of it vanishing.
    pub fn to_decl(&self) -> ParamDecl {
        ParamDecl { ty: self.ty, default: default_from_text(self.ty, &self.default), derive: self.derive.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(ty: ParamType, default: &str) -> ParamRow {
        ParamRow { name: "p".into(), ty, default: default.into(), derive: None }
    }

    #[test]
    fn declarations_round_trip_and_keep_bad_text_for_the_validator() {
        let d = row(ParamType::Int64, "7").to_decl();
        assert_eq!(d.default, Some(json!(7)));
        assert_eq!(ParamRow::from_decl("p", &d), row(ParamType::Int64, "7"));
        assert_eq!(row(ParamType::Int64, "seven").to_decl().default, Some(json!("seven")));
        assert_eq!(row(ParamType::Bool, "false").to_decl().default, Some(json!(false)));
        assert_eq!(row(ParamType::Date, " ").to_decl().default, None);
        let date = row(ParamType::Date, "2026-11-24").to_decl();
        assert_eq!(ParamRow::from_decl("p", &date).default, "2026-11-24");
        // The validator sees the text and names the parameter.
        let mut params = std::collections::BTreeMap::new();
        params.insert("p".to_string(), row(ParamType::Int64, "seven").to_decl());
        let mut problems = Vec::new();
        sluice_shared::params::check_decls(&params, &mut problems);
        assert_eq!(problems.len(), 1, "{problems:?}");
    }
}
