//! Downloads of one business date of a report: CSV and Excel with the numbers
//! as the page shows them (the report's `format`, through the shared
//! formatter for CSV, as Excel number formats for xlsx so cells stay numbers),
//! and the chart as SVG or PNG. At most `MAX_DOWNLOAD_ROWS` rows; more answer 413.

use super::{config_of, file_of, pick, read_error, read_query, readable};
use crate::server::AppState;
use crate::server::auth::CurrentUser;
use crate::server::error::{ApiError, ApiResult};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use sluice_shared::api::reports::{MAX_DOWNLOAD_ROWS, RowsQuery};
use sluice_shared::config::ReportSink;
use sluice_shared::report::ColumnFormat;
use sluice_shared::report_format::format_cell;
use sluice_shared::{DataType, Field};

/// Every row of the chosen date (sorted and filtered as asked), and its names.
async fn all_rows(
    state: &AppState,
    user: &CurrentUser,
    name: &str,
    q: &RowsQuery,
    headers: &HeaderMap,
) -> ApiResult<(ReportSink, String, Vec<Field>, Vec<Vec<Value>>)> {
    readable(state, user, name).await?;
    let d = pick(state, user, name, q.date.as_deref(), q.draft).await?;
    let mut cfg = config_of(&d)?;
    // The title as the caller reads it (the demo's titles are translated).
    cfg.title = sluice_shared::i18n::demo(crate::server::i18n::lang_of(state, headers).await, &cfg.title);
    let mut rq = read_query(q, &cfg, MAX_DOWNLOAD_ROWS + 1)?;
    rq.offset = 0;
    let read = crate::engine::report_store::read(file_of(&d)?, rq).await.map_err(read_error)?;
    if read.total > MAX_DOWNLOAD_ROWS {
        return Err(ApiError::TooLarge(format!(
            "{} rows; a download holds at most {MAX_DOWNLOAD_ROWS}: filter the report first",
            read.total
        )));
    }
    Ok((cfg, format!("{name}_{}", d.biz_date), read.columns, read.rows))
}

fn attachment(body: Vec<u8>, mime: &'static str, file: &str) -> Response {
    let disposition = format!("attachment; filename=\"{file}\"");
    ([(header::CONTENT_TYPE, mime.to_string()), (header::CONTENT_DISPOSITION, disposition)], body).into_response()
}

/// The rows as CSV (UTF-8 with a byte-order mark, so Excel reads Chinese text).
#[utoipa::path(get, path = "/api/reports/{name}/csv", responses((status = 200, description = "CSV", content_type = "text/csv")))]
pub async fn csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
    Query(q): Query<RowsQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (cfg, file, columns, rows) = all_rows(&state, &user, &name, &q, &headers).await?;
    Ok(attachment(csv_text(&cfg, &columns, &rows).into_bytes(), "text/csv; charset=utf-8", &format!("{file}.csv")))
}

/// CSV text: header, then each cell as the page shows it.
pub fn csv_text(cfg: &ReportSink, columns: &[Field], rows: &[Vec<Value>]) -> String {
    let mut out = String::from("\u{feff}");
    let header: Vec<String> = columns.iter().map(|c| quote(&c.name)).collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    let plain = ColumnFormat::default();
    let formats: Vec<&ColumnFormat> = columns.iter().map(|c| cfg.format.get(&c.name).unwrap_or(&plain)).collect();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&formats)
            .map(|(v, f)| {
                let text = format_cell(v, f);
                // A text cell that a spreadsheet would run as a formula is kept as text.
                let text = if matches!(v, Value::String(_)) && text.starts_with(['=', '+', '@', '\t', '\r']) {
                    format!("'{text}")
                } else {
                    text
                };
                quote(&text)
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// The rows as an Excel workbook: numbers stay numbers, shown with the format.
#[utoipa::path(get, path = "/api/reports/{name}/xlsx", responses((status = 200, description = "Excel workbook",
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
    Query(q): Query<RowsQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (cfg, file, columns, rows) = all_rows(&state, &user, &name, &q, &headers).await?;
    let bytes = tokio::task::spawn_blocking(move || workbook(&cfg, &columns, &rows))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::Internal)?;
    let mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    Ok(attachment(bytes, mime, &format!("{file}.xlsx")))
}

/// Excel's number format for a column format, and the factor values are divided by
/// (万/亿: Excel has no such scaling, so the cell holds the scaled number).
pub fn excel_format(f: &ColumnFormat, ty: Option<DataType>) -> (Option<String>, f64) {
    let scaled = f.scale.map(|s| s.shift_and_suffix());
    let default = if f.percent || scaled.is_some() { Some(2) } else { None };
    let decimals = f.decimals.or(default);
    if decimals.is_none() && !f.thousands {
        return (None, 1.0);
    }
    let d = decimals.unwrap_or(if ty == Some(DataType::Int64) { 0 } else { 2 }) as usize;
    let mut s = if f.thousands { "#,##0".to_string() } else { "0".to_string() };
    if d > 0 {
        s.push('.');
        s.push_str(&"0".repeat(d));
    }
    if f.percent {
        s.push('%');
    }
    let mut factor = 1.0;
    if let Some((shift, suffix)) = scaled {
        s.push_str(&format!("\"{suffix}\""));
        factor = 10f64.powi(shift);
    }
    (Some(s), factor)
}

pub fn workbook(cfg: &ReportSink, columns: &[Field], rows: &[Vec<Value>]) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    let title: String = cfg.title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    if !title.trim().is_empty() {
        ws.set_name(title.trim()).map_err(e)?;
    }
    let bold = Format::new().set_bold();
    let plain = ColumnFormat::default();
    let mut formats = Vec::new();
    for (c, col) in columns.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, &col.name, &bold).map_err(e)?;
        let (fmt, factor) = excel_format(cfg.format.get(&col.name).unwrap_or(&plain), col.ty);
        formats.push((fmt.map(|f| Format::new().set_num_format(f)), factor));
    }
    for (r, row) in rows.iter().enumerate() {
        let at = r as u32 + 1;
        for (c, v) in row.iter().enumerate() {
            let c16 = c as u16;
            match v {
                Value::Number(n) => {
                    let (fmt, factor) = &formats[c];
                    let x = n.as_f64().unwrap_or(0.0) / factor;
                    let written = match fmt {
                        Some(f) => ws.write_number_with_format(at, c16, x, f).map(|_| ()),
                        None => ws.write_number(at, c16, x).map(|_| ()),
                    };
                    written.map_err(e)?;
                }
                Value::Bool(b) => {
                    ws.write_boolean(at, c16, *b).map_err(e)?;
                }
                Value::String(s) => {
                    ws.write_string(at, c16, s).map_err(e)?;
                }
                _ => {}
            }
        }
    }
    book.save_to_buffer().map_err(e)
}

/// The file name and the chart (SVG text) of the chosen date: what `svg` sends and `png` draws.
async fn chart_svg(
    state: &AppState,
    user: &CurrentUser,
    name: &str,
    q: &RowsQuery,
    headers: &HeaderMap,
) -> ApiResult<(String, String)> {
    let (cfg, file, columns, rows) = all_rows(state, user, name, q, headers).await?;
    Ok((file, super::chart::svg(&super::chart::data(&cfg, &columns, &rows))))
}

/// The chart of the chosen date as SVG.
#[utoipa::path(get, path = "/api/reports/{name}/svg", responses((status = 200, description = "SVG", content_type = "image/svg+xml")))]
pub async fn svg(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
    Query(q): Query<RowsQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (file, text) = chart_svg(&state, &user, &name, &q, &headers).await?;
    let mut res = attachment(text.into_bytes(), "image/svg+xml", &format!("{file}.svg"));
    // Shown inline by the page as well as downloaded.
    res.headers_mut().insert(header::CONTENT_DISPOSITION, header::HeaderValue::from_static("inline"));
    Ok(res)
}

/// The chart of the chosen date as PNG (the SVG rasterised with the server's fonts,
/// off the async workers and for at most the preview time).
#[utoipa::path(get, path = "/api/reports/{name}/png", responses((status = 200, description = "PNG", content_type = "image/png"),
    (status = 422, description = "No font on the server draws some of the chart's text")))]
pub async fn png(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
    Query(q): Query<RowsQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    use crate::engine::limits::{Stopped, bounded, off_thread};
    let (file, text) = chart_svg(&state, &user, &name, &q, &headers).await?;
    let work = off_thread(move || super::png::render(&text));
    match bounded(work, state.previews.timeout, |_| {}).await {
        Ok(Ok(bytes)) => Ok(attachment(bytes, "image/png", &format!("{file}.png"))),
        Ok(Err(e @ super::png::PngError::MissingGlyphs(_))) => Err(ApiError::Unprocessable(e.to_string())),
        Ok(Err(e)) => Err(ApiError::Internal(e.to_string())),
        Err(Stopped::TimedOut(after)) => {
            Err(ApiError::Timeout(format!("drawing the chart took longer than {} s", after.as_secs())))
        }
        Err(other) => Err(ApiError::Internal(format!("png: {other:?}"))),
    }
}
