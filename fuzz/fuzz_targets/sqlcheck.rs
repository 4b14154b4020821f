//! `transform.sql`: arbitrary query text through the one-SELECT check.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sluice_shared::sqlcheck::check;

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let _ = check(query, &["txns", "accts"], &|p| p == "biz_date");
    let _ = check(query, &[], &|_| false);
});
