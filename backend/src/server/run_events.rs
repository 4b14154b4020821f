//! Live progress of one run as server-sent events.
//!
//! Only a user who may see the run (`runs::scope`) may follow it; unknown and
//! hidden runs answer 404. The stream starts with the run's current state,
//! ends after the run's final event, and ends when the session does: it re-checks the session every
//! `stream_session_check`. A user holds at most `max_event_streams` at once
//! (429 beyond). A run that has already ended answers 204 No Content, which
//! also tells a browser's `EventSource` to stop reconnecting once a run is over.

use super::AppState;
use super::auth::{self, CurrentUser};
use super::error::{ApiError, ApiResult};
use super::runs::visible_run;
use crate::scheduler::RunEvent;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use sluice_shared::api::RunStatus;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::broadcast::{self, error::RecvError};

/// Open streams per user.
pub struct Streams {
    max: usize,
    check: Duration,
    open: Mutex<HashMap<String, usize>>,
}

impl Streams {
    pub fn new(max: usize, check: Duration) -> Self {
        Streams { max, check: check.max(Duration::from_millis(10)), open: Mutex::new(HashMap::new()) }
    }

    fn acquire(&self, state: &AppState, user_id: &str) -> ApiResult<Slot> {
        let mut open = self.open.lock().expect("streams");
        let n = open.entry(user_id.to_string()).or_default();
        if *n >= self.max {
            return Err(ApiError::TooManyRequests(format!(
                "you already follow {} runs live; close one first",
                self.max
            )));
        }
        *n += 1;
        Ok(Slot { state: state.clone(), user_id: user_id.to_string() })
    }
}

/// One open stream; closing it frees the slot.
struct Slot {
    state: AppState,
    user_id: String,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.state.runs.streams.open.lock().expect("streams");
        if let Some(n) = open.get_mut(&self.user_id) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.user_id);
            }
        }
    }
}

fn to_event(ev: &RunEvent) -> Event {
    Event::default().event(ev.name()).json_data(ev).unwrap_or_default()
}

/// What the stream carries between events.
struct Follow {
    id: String,
    rx: broadcast::Receiver<RunEvent>,
    session: String,
    check: tokio::time::Interval,
    first: Option<RunEvent>,
    done: bool,
    slot: Slot,
}

impl Follow {
    /// The next event to send, and whether it is the last.
    async fn next(&mut self) -> Option<(RunEvent, bool)> {
        if let Some(ev) = self.first.take() {
            let last = ev.ends_run();
            return Some((ev, last));
        }
        loop {
            tokio::select! {
                got = self.rx.recv() => match got {
                    Ok(ev) if ev.run_id() == self.id => {
                        let last = ev.ends_run();
                        return Some((ev, last));
                    }
                    Ok(_) | Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return None,
                },
                _ = self.check.tick() => {
                    let store = &self.slot.state.store;
                    if !matches!(store.session_user(&self.session).await, Ok(Some(_))) {
                        return None; // signed out or expired
                    }
                    // A final event missed while lagging still ends the stream.
                    if let Ok(run) = store.run(&self.id).await && !run.status.is_active() {
                        return Some((snapshot(&run.id, run.status, run.error.as_deref()), true));
                    }
                }
            }
        }
    }
}

fn snapshot(id: &str, status: RunStatus, error: Option<&str>) -> RunEvent {
    RunEvent::Run { run_id: id.into(), status, error: error.map(str::to_string) }
}

/// Live progress of one run: its current state, then every run and node
/// state change, until the run ends or the session does.
pub async fn events(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    visible_run(&state, &user, &id).await?;
    let session = auth::session_token(&headers)
        .map(|t| auth::hash_token(&t))
        .ok_or_else(|| ApiError::Unauthorized("sign in first".into()))?;
    let slot = state.runs.streams.acquire(&state, &user.id)?;
    // Subscribe before reading the state, so no change falls in between.
    let rx = state.scheduler.events.subscribe();
    let run = state.store.run(&id).await?;
    if !run.status.is_active() {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let mut check = tokio::time::interval(state.runs.streams.check);
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let follow = Follow {
        first: Some(snapshot(&run.id, run.status, run.error.as_deref())),
        id,
        rx,
        session,
        check,
        done: false,
        slot,
    };
    let stream = futures::stream::unfold(follow, |mut f| async move {
        if f.done {
            return None;
        }
        let (ev, last) = f.next().await?;
        f.done = last;
        Some((Ok::<Event, Infallible>(to_event(&ev)), f))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()).into_response())
}
