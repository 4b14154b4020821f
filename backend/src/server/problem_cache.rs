//! The problems of stored graph versions, remembered by content hash.
//!
//! Reading a graph answers its problems too. Without source schemas the
//! validator's answer depends only on the document, so the same version never
//! needs validating twice: a read is then a store query and a map lookup, and
//! reads do not queue behind the validations and previews that share the
//! bounded validation threads.

use sluice_shared::Problem;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// At most this many versions are remembered; the oldest goes first.
const CAPACITY: usize = 1024;

#[derive(Default)]
pub struct ProblemCache {
    inner: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    map: HashMap<String, Arc<Vec<Problem>>>,
    order: VecDeque<String>,
}

impl ProblemCache {
    pub fn get(&self, hash: &str) -> Option<Arc<Vec<Problem>>> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).map.get(hash).cloned()
    }

    pub fn put(&self, hash: String, problems: Vec<Problem>) -> Arc<Vec<Problem>> {
        let problems = Arc::new(problems);
        let mut e = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if e.map.insert(hash.clone(), problems.clone()).is_none() {
            e.order.push_back(hash);
        }
        while e.order.len() > CAPACITY {
            if let Some(old) = e.order.pop_front() {
                e.map.remove(&old);
            }
        }
        problems
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_at_most_its_capacity_and_forgets_the_oldest_first() {
        let c = ProblemCache::default();
        for i in 0..CAPACITY + 10 {
            c.put(format!("h{i}"), Vec::new());
        }
        assert_eq!(c.len(), CAPACITY);
        assert!(c.get("h0").is_none());
        assert!(c.get(&format!("h{}", CAPACITY + 9)).is_some());
    }
}
