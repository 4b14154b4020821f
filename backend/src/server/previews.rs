//! Preview bookkeeping: a small LRU cache of answers, and the running preview
//! of each editor so that a newer request can cancel the older one.

use super::engine_api::PreviewResponse;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use tokio::task::AbortHandle;

const CAPACITY: usize = 256;

#[derive(Default)]
pub struct Previews {
    cache: Mutex<(HashMap<String, PreviewResponse>, VecDeque<String>)>,
    running: Mutex<HashMap<String, AbortHandle>>,
}

impl Previews {
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

    /// Registers the preview now running for `slot`, aborting the one before it.
    pub fn start(&self, slot: &str, handle: AbortHandle) {
        if let Some(old) = self.running.lock().expect("previews").insert(slot.to_string(), handle) {
            old.abort();
        }
    }

    pub fn finish(&self, slot: &str) {
        let mut running = self.running.lock().expect("previews");
        if running.get(slot).is_some_and(|h| h.is_finished()) {
            running.remove(slot);
        }
    }
}
