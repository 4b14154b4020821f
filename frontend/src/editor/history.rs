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

#[cfg(test)]
mod tests {
    use super::*;

    fn g(name: &str) -> Graph {
        Graph::new(name)
    }

    #[test]
    fn undo_and_redo_walk_the_snapshots_and_a_new_edit_drops_the_redo() {
        let mut h = History::default();
        assert!(!h.can_undo() && !h.can_redo());
        h.record(g("a"));
        h.record(g("b"));
        assert_eq!(h.undo(g("c")).map(|x| x.name), Some("b".into()));
        assert_eq!(h.undo(g("b")).map(|x| x.name), Some("a".into()));
        assert!(h.undo(g("a")).is_none());
        assert_eq!(h.redo(g("a")).map(|x| x.name), Some("b".into()));
        assert!(h.can_redo());
        h.record(g("b"));
        assert!(!h.can_redo(), "a new edit after undo forgets the redo");
    }

    #[test]
    fn typing_in_one_field_coalesces_and_other_edits_or_a_pause_do_not() {
        let mut h = History::default();
        assert!(!h.coalesces(Some("cfg:1:predicate"), 0.0));
        assert!(h.coalesces(Some("cfg:1:predicate"), 500.0));
        assert!(h.coalesces(Some("cfg:1:predicate"), 1500.0));
        assert!(!h.coalesces(Some("cfg:1:predicate"), 1500.0 + COALESCE_MS));
        assert!(!h.coalesces(Some("cfg:2:predicate"), 1501.0 + COALESCE_MS));
        assert!(!h.coalesces(None, 1502.0 + COALESCE_MS));
        assert!(!h.coalesces(Some("cfg:2:predicate"), 1503.0 + COALESCE_MS));
        h.seal();
        assert!(!h.coalesces(Some("cfg:2:predicate"), 1504.0 + COALESCE_MS), "sealed: a new step");
    }

    #[test]
    fn only_the_last_hundred_steps_are_kept() {
        let mut h = History::default();
        for i in 0..LIMIT + 20 {
            h.record(g(&i.to_string()));
        }
        let mut n = 0;
        let mut oldest = String::new();
        while let Some(prev) = h.undo(g("now")) {
            oldest = prev.name;
            n += 1;
        }
        assert_eq!(n, LIMIT);
        assert_eq!(oldest, "20");
    }
}
