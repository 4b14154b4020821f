//! Which node a failed sink's error came from. A sink runs its whole upstream
//! as one plan, so an error in the middle (a division by zero in a formula)
//! surfaces while the sink writes. On such a failure each node upstream of the
//! sink runs on its own, in pipeline order, every output column computed; the
//! first that fails is the culprit. Only failed runs pay for this, inside the
//! run's own memory and time limits.

use super::Prepared;
use super::error::EngineError;
use futures::StreamExt;
use std::collections::BTreeSet;

/// The nodes `id` reads from, itself included, every node after its inputs.
fn upstream(p: &Prepared, id: &str) -> Vec<String> {
    let mut want = BTreeSet::new();
    let mut stack = vec![id.to_string()];
    while let Some(n) = stack.pop() {
        if want.insert(n.clone()) {
            for from in p.report.inputs.get(&n).into_iter().flat_map(|ports| ports.values()).flatten() {
                stack.push(from.clone());
            }
        }
    }
    p.report.order.iter().filter(|n| want.contains(*n)).cloned().collect()
}

/// The error of the first node upstream of `input` (itself included) that
/// fails when run alone; `None` when all of them run (the sink's own writing failed).
pub async fn culprit(p: &Prepared, input: &str) -> Option<EngineError> {
    for id in upstream(p, input) {
        let Some(df) = p.frames.get(&id) else { continue };
        let mut stream = match df.clone().execute_stream().await {
            Ok(s) => s,
            Err(e) => return Some(EngineError::exec(&id, e)),
        };
        while let Some(batch) = stream.next().await {
            if let Err(e) = batch {
                return Some(EngineError::exec(&id, e));
            }
        }
    }
    None
}
