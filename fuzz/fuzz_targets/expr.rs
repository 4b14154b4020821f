//! Expressions (filter predicates, derived columns): parsed and checked with a
//! known schema and without one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sluice_shared::expr::{Scope, check};
use sluice_shared::types::Field;
use sluice_shared::{DataType, ParamDecl, ParamType, Schema};
use std::collections::BTreeMap;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let schema = Schema(vec![
        Field::new("amount", Some(DataType::Float64)),
        Field::new("n", Some(DataType::Int64)),
        Field::new("price", Some(DataType::Decimal(18, 2))),
        Field::new("branch", Some(DataType::String)),
        Field::new("ok", Some(DataType::Bool)),
        Field::new("txn_date", Some(DataType::Date)),
        Field::new("ts", Some(DataType::Timestamp)),
        Field::new("unknown", None),
    ]);
    let mut params = BTreeMap::new();
    for (name, ty) in [
        ("biz_date", ParamType::Date),
        ("name", ParamType::String),
        ("limit", ParamType::Int64),
        ("rate", ParamType::Float64),
        ("flag", ParamType::Bool),
    ] {
        params.insert(name.to_string(), ParamDecl { ty, default: None, derive: None });
    }
    let _ = check(text, &Scope { schema: Some(&schema), params: &params });
    let _ = check(text, &Scope { schema: None, params: &params });
});
