//! Log lines: `tracing` events to standard error, as text or as JSON objects
//! (`sluice serve --log-format json`). Every request is a span (method, path,
//! status, latency) from tower-http's `TraceLayer`; headers are never logged,
//! so neither is the session cookie.

use tower_http::trace::{DefaultMakeSpan, DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tracing::Level;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// Lines for people.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Installs the process's subscriber (once; a second call changes nothing).
pub fn init(format: LogFormat) {
    let builder = tracing_subscriber::fmt().with_max_level(Level::INFO).with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

/// One span per request, and its response (status, latency) as an event in it.
pub fn requests() -> TraceLayer<tower_http::classify::SharedClassifier<tower_http::classify::ServerErrorsAsFailures>> {
    TraceLayer::new_for_http()
        .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
        .on_response(DefaultOnResponse::new().level(Level::INFO))
        .on_failure(DefaultOnFailure::new().level(Level::ERROR))
}
