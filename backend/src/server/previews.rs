//! Preview bookkeeping: a small LRU cache of answers, the running preview of
//! each editor so that a newer request can cancel the older one, and the bounds
//! every preview runs within (memory, spill space, time), the editor's and the
//! review page's alike.

use super::engine_api::PreviewResponse;
use crate::engine::error::EngineError;
use crate::engine::limits::{self, Limits, Stopped};
use crate::engine::preview::{self, Preview};
use crate::environments::Resolved;
use sluice_shared::Graph;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;
use tokio::task::AbortHandle;

const CAPACITY: usize = 256;

pub struct Previews {
    cache: Mutex<(HashMap<String, PreviewResponse>, VecDeque<String>)>,
    running: Mutex<HashMap<String, AbortHandle>>,
    /// Memory and spill space of one preview.
    pub limits: Limits,
    /// How long one preview may run before it is stopped.
    pub timeout: Duration,
}

impl Default for Previews {
    fn default() -> Self {
        Previews::new(Limits::PREVIEW, limits::PREVIEW_TIMEOUT)
    }
}

/// Why a preview gave no rows.
#[derive(Debug)]
pub enum Failure {
    /// The graph or the data is at fault; the problems name the node.
    Engine(EngineError),
    /// It ran out of time and was stopped.
    TimedOut { node: String, after: Duration },
    /// A newer preview from the same editor replaced it.
    Replaced,
    /// A bug: the preview task panicked.
    Panicked(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Engine(e) => write!(f, "{e}"),
            Failure::TimedOut { node, after } => write!(
                f,
                "the preview of `{node}` took longer than {} s and was stopped; add a filter before it or run the graph",
                after.as_secs_f64()
            ),
            Failure::Replaced => write!(f, "a newer preview replaced this one"),
            Failure::Panicked(m) => write!(f, "the preview failed: {m}"),
        }
    }
}

impl Previews {
    pub fn new(limits: Limits, timeout: Duration) -> Self {
        Previews { cache: Mutex::default(), running: Mutex::default(), limits, timeout }
    }

    pub fn get(&self, key: &str) -> Option<PreviewResponse> {
        let mut guard = self.cache.lock().expect("preview cache");
        let (map, order) = &mut *guard;
        let hit = map.get(key).cloned()?;
        order.retain(|k| k != key);
        order.push_back(key.to_string());
        Some(hit)
    }

    pub fn put(&self, key: String, value: PreviewResponse) {
        let mut guard = self.cache.lock().expect("preview cache");
        let (map, order) = &mut *guard;
        if map.insert(key.clone(), value).is_none() {
            order.push_back(key);
        }
        while order.len() > CAPACITY {
            if let Some(old) = order.pop_front() {
                map.remove(&old);
            }
        }
    }

    /// Computes a preview in `env` (its data root and connections) in a task of
    /// its own, within this server's memory, spill and time limits. With a `slot` (one editor tab), a newer preview for the same
    /// slot aborts this one. On a timeout or a cancellation the task is stopped
    /// (its plan dropped) before this returns; if the caller goes away, it is too.
    #[allow(clippy::too_many_arguments)]
    pub async fn run(
        &self,
        graph: Graph,
        node: &str,
        params: &BTreeMap<String, String>,
        env: &Resolved,
        limit: usize,
        full: bool,
        slot: Option<&str>,
        calendars: Option<std::sync::Arc<crate::engine::limits::Calendars>>,
    ) -> Result<Preview, Failure> {
        let (node_id, params, l) = (node.to_string(), params.clone(), self.limits);
        let (root, conns) = (env.root.clone(), env.connections.clone());
        let work = async move {
            preview::run_in(&graph, &node_id, &params, &root, limit, full, l, Some(conns), calendars).await
        };
        let outcome = limits::bounded(work, self.timeout, |handle| {
            if let Some(slot) = slot {
                self.start(slot, handle);
            }
        })
        .await;
        if let Some(slot) = slot {
            self.finish(slot);
        }
        match outcome {
            Ok(r) => r.map_err(Failure::Engine),
            Err(Stopped::TimedOut(after)) => Err(Failure::TimedOut { node: node.to_string(), after }),
            Err(Stopped::Cancelled) => Err(Failure::Replaced),
            Err(Stopped::Panicked(m)) => Err(Failure::Panicked(m)),
        }
    }

    /// Registers the preview now running for `slot`, aborting the one before it.
    fn start(&self, slot: &str, handle: AbortHandle) {
        if let Some(old) = self.running.lock().expect("previews").insert(slot.to_string(), handle) {
            old.abort();
        }
    }

    fn finish(&self, slot: &str) {
        let mut running = self.running.lock().expect("previews");
        if running.get(slot).is_some_and(|h| h.is_finished()) {
            running.remove(slot);
        }
    }

    /// How many editor previews are registered and still running.
    pub fn running(&self) -> usize {
        self.running.lock().expect("previews").values().filter(|h| !h.is_finished()).count()
    }
}
