//! Size limits on what a request may carry. Every JSON body read through
//! `ApiJson` has each of its strings checked against the limit of its field
//! (the `graph` document is bounded by its own rules), and the router gives
//! each group of routes a body limit of its own (`server::router`).

use super::error::{ApiError, ApiResult};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
use std::fmt;

/// Usernames: letters, digits, `.`, `_`, `-`.
pub const USERNAME_MAX: usize = 64;
/// Passwords (characters); argon2 hashes any length, but nobody types more.
pub const PASSWORD_MAX: usize = 256;
/// Free text: review comments, submission messages, descriptions.
pub const LONG_TEXT_MAX: usize = 16 * 1024;
/// Connection fields: host names (253 in DNS), database names and files, users, secrets.
pub const HOST_MAX: usize = 255;
pub const CONNECTION_FIELD_MAX: usize = 1024;
/// A calendar file (`csv` or `ics` of `/api/calendars`): decades of holidays fit easily.
pub const CALENDAR_FILE_MAX: usize = 200 * 1024;
/// Any other string field: names, ids, dates, cron lines, parameter values.
pub const TEXT_MAX: usize = 4 * 1024;
/// Body limit of the sign-in and user routes.
pub const SMALL_BODY: usize = 16 * 1024;
/// Body limit of reviews, schedules and runs (comments, parameters).
pub const MEDIUM_BODY: usize = 256 * 1024;

/// The longest a field may be, by its name.
pub fn max_len(field: &str) -> usize {
    match field {
        "username" => USERNAME_MAX,
        "password" | "current_password" => PASSWORD_MAX,
        "comment" | "message" | "description" => LONG_TEXT_MAX,
        "host" => HOST_MAX,
        "user" | "secret" | "database" | "data_root" => CONNECTION_FIELD_MAX,
        "csv" | "ics" => CALENDAR_FILE_MAX,
        _ => TEXT_MAX,
    }
}

/// Refuses a value longer than its field allows, naming the field.
pub fn check(field: &str, value: &str) -> ApiResult<()> {
    let max = max_len(field.rsplit('.').next().unwrap_or(field));
    if value.chars().count() > max {
        return Err(ApiError::BadRequest(format!("`{field}` is longer than {max} characters")));
    }
    Ok(())
}

/// Checks every string of a JSON body outside its top-level `graph`. A body
/// that is not JSON passes here (the typed parse reports it).
pub fn check_body(bytes: &[u8]) -> ApiResult<()> {
    let found = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let _ = Probe { path: String::new(), found: &found }.deserialize(&mut de);
    match found.into_inner() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Walks a JSON value; the first string over its limit is kept in `found`
/// (and stops the walk through a serde error).
struct Probe<'a> {
    path: String,
    found: &'a RefCell<Option<ApiError>>,
}

impl<'de> DeserializeSeed<'de> for Probe<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Probe<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("JSON")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        match check(if self.path.is_empty() { "body" } else { &self.path }, v) {
            Ok(()) => Ok(()),
            Err(e) => {
                *self.found.borrow_mut() = Some(e);
                Err(E::custom("over the limit"))
            }
        }
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let path = format!("{}[]", self.path);
        while seq.next_element_seed(Probe { path: path.clone(), found: self.found })?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if self.path.is_empty() && key == "graph" {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            if let Err(e) = check("field name", &key) {
                *self.found.borrow_mut() = Some(e);
                return Err(<A::Error as serde::de::Error>::custom("over the limit"));
            }
            let path = if self.path.is_empty() { key } else { format!("{}.{key}", self.path) };
            map.next_value_seed(Probe { path, found: self.found })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(body: serde_json::Value) -> Option<String> {
        match check_body(body.to_string().as_bytes()) {
            Ok(()) => None,
            Err(ApiError::BadRequest(m)) => Some(m),
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn every_string_outside_the_graph_is_bounded_by_its_field() {
        let long = |n: usize| "x".repeat(n);
        assert_eq!(
            message(serde_json::json!({"username": long(65)})).unwrap(),
            "`username` is longer than 64 characters"
        );
        assert!(message(serde_json::json!({"username": long(64), "password": long(256)})).is_none());
        assert!(message(serde_json::json!({"comment": long(16 * 1024)})).is_none());
        assert!(message(serde_json::json!({"comment": long(16 * 1024 + 1)})).unwrap().contains("`comment`"));
        let nested = serde_json::json!({"params": {"biz_date": long(5000)}});
        assert!(message(nested).unwrap().contains("`params.biz_date`"));
        assert!(message(serde_json::json!({"deps": ["a", long(5000)]})).unwrap().contains("`deps[]`"));
        // The graph document has its own limits; this one only skips it.
        assert!(message(serde_json::json!({"graph": {"description": long(50_000)}})).is_none());
        assert!(check_body(b"{not json").is_ok());
    }
}
