//! The report number formats, exactly as the table, the downloads and the
//! charts show them (one formatter in `shared` for the browser and the server).

use serde_json::json;
use sluice_shared::report::{ColumnFormat, Scale};
use sluice_shared::report_format::{format_cell, format_decimal, format_f64, format_i64};

fn fmt(decimals: Option<u8>, thousands: bool, percent: bool, scale: Option<Scale>) -> ColumnFormat {
    ColumnFormat { decimals, thousands, percent, scale }
}

#[test]
fn plain_numbers_stay_as_stored() {
    let f = ColumnFormat::default();
    assert_eq!(format_i64(1234567, &f), "1234567");
    assert_eq!(format_f64(0.1, &f), "0.1");
    assert_eq!(format_f64(-2.5, &f), "-2.5");
    assert_eq!(format_i64(0, &f), "0");
}

#[test]
fn decimals_round_half_away_from_zero_on_the_shown_digits() {
    let two = fmt(Some(2), false, false, None);
    assert_eq!(format_f64(1.005, &two), "1.01");
    assert_eq!(format_f64(-1.005, &two), "-1.01");
    assert_eq!(format_f64(2.675, &two), "2.68");
    assert_eq!(format_f64(9.999, &two), "10.00");
    assert_eq!(format_f64(-0.001, &two), "0.00");
    assert_eq!(format_i64(7, &two), "7.00");
    assert_eq!(format_f64(0.5, &fmt(Some(0), false, false, None)), "1");
    assert_eq!(format_f64(1e-7, &fmt(Some(8), false, false, None)), "0.00000010");
}

#[test]
fn thousands_separators() {
    let f = fmt(Some(2), true, false, None);
    assert_eq!(format_f64(1234567.891, &f), "1,234,567.89");
    assert_eq!(format_i64(-1234567, &fmt(None, true, false, None)), "-1,234,567");
    assert_eq!(format_i64(999, &fmt(None, true, false, None)), "999");
    assert_eq!(format_f64(999999.996, &f), "1,000,000.00");
    assert_eq!(format_i64(i64::MIN, &fmt(None, true, false, None)), "-9,223,372,036,854,775,808");
}

#[test]
fn percent() {
    assert_eq!(format_f64(0.1234, &fmt(None, false, true, None)), "12.34%");
    assert_eq!(format_f64(0.12345, &fmt(Some(1), false, true, None)), "12.3%");
    assert_eq!(format_f64(0.12355, &fmt(Some(2), false, true, None)), "12.36%");
    assert_eq!(format_i64(1, &fmt(Some(0), false, true, None)), "100%");
    assert_eq!(format_f64(-0.005, &fmt(Some(0), false, true, None)), "-1%");
    assert_eq!(format_f64(12.5, &fmt(Some(0), true, true, None)), "1,250%");
}

#[test]
fn wan_and_yi() {
    let wan = fmt(None, false, false, Some(Scale::Wan));
    assert_eq!(format_i64(12345, &wan), "1.23万");
    assert_eq!(format_i64(12350, &wan), "1.24万");
    assert_eq!(format_i64(5, &wan), "0.00万");
    assert_eq!(format_i64(123456789, &fmt(Some(1), true, false, Some(Scale::Wan))), "12,345.7万");
    let yi = fmt(Some(2), false, false, Some(Scale::Yi));
    assert_eq!(format_i64(123456789, &yi), "1.23亿");
    assert_eq!(format_f64(-987654321.0, &yi), "-9.88亿");
    assert_eq!(format_i64(100000000000, &fmt(Some(0), true, false, Some(Scale::Yi))), "1,000亿");
}

#[test]
fn scale_names_read_in_latin_or_chinese() {
    let f: ColumnFormat = serde_json::from_value(json!({"scale": "万", "decimals": 1})).unwrap();
    assert_eq!(f.scale, Some(Scale::Wan));
    let f: ColumnFormat = serde_json::from_value(json!({"scale": "yi"})).unwrap();
    assert_eq!(f.scale, Some(Scale::Yi));
    assert!(serde_json::from_value::<ColumnFormat>(json!({"scale": "k"})).is_err());
}

#[test]
fn cells() {
    let f = fmt(Some(1), true, false, None);
    assert_eq!(format_cell(&json!(1234.56), &f), "1,234.6");
    assert_eq!(format_cell(&json!("98765.4321"), &f), "98,765.4");
    assert_eq!(format_cell(&json!("north"), &f), "north");
    assert_eq!(format_cell(&json!(null), &f), "");
    assert_eq!(format_cell(&json!(1e21), &fmt(None, true, false, None)), "1,000,000,000,000,000,000,000");
    assert_eq!(format_decimal("abc", &f), "abc");
}
