//! Undo and redo by snapshots of the whole document. A graph of a thousand
//! nodes is a few hundred kilobytes, so a bounded stack of snapshots is cheap
//! and impossible to get subtly wrong, unlike inverse operations.

use sluice_shared::Graph;

/// How many steps are kept.
const LIMIT: usize = 100;
/// Edits with the same coalescing key closer than this become one step
/// (typing a predicate is one step, not one per key).
const COALESCE_MS: f64 = 1200.0;

#[derive(Default)]
pub struct History {
    undo: Vec<Graph>,
    redo: Vec<Graph>,
    /// Key and time of the last recorded edit.
    last: Option<(String, f64)>,
}

impl History {
    /// Whether an edit with `key` at `now` folds into the previous step.
    pub fn coalesces(&mut self, key: Option<&str>, now: f64) -> bool {
        let fold = match (key, &self.last) {
            (Some(k), Some((lk, t))) => k == lk && now - t < COALESCE_MS,
            _ => false,
        };
        self.last = key.map(|k| (k.to_string(), now));
        fold
    }

    /// Records the state before an edit.
    pub fn record(&mut self, before: Graph) {
        self.undo.push(before);
        if self.undo.len() > LIMIT {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    /// Takes the state to go back to, given the current one.
    pub fn undo(&mut self, current: Graph) -> Option<Graph> {
        let prev = self.undo.pop()?;
        self.redo.push(current);
        self.last = None;
        Some(prev)
    }

    pub fn redo(&mut self, current: Graph) -> Option<Graph> {
        let next = self.redo.pop()?;
        self.undo.push(current);
        self.last = None;
        Some(next)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Breaks coalescing so the next edit starts a new step.
    pub fn seal(&mut self) {
        self.last = None;
    }
}
