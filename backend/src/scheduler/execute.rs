//! One attempt of one run: load the pinned graph version by its hash, run it
//! for the business date, and record every node's outcome. A scheduled or
//! backfill run resolves connections and files in `prod`; a draft in `dev`
//! (both `<data-dir>/files` unless an admin set another root), and writes only
//! into its requester's sandbox. Error text is redacted of cell values before it is kept.

use super::watermarks::Commit;
use super::{RunEvent, Scheduler, redact::redact};
use crate::engine::{self, Mode, error::EngineError, root::DataRoot};
use crate::store::{RunKind, RunNodeRow, RunRow};
use sluice_shared::api::{NodeStatus, RunStatus};
use sluice_shared::{Category, Graph, NodeKind};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

impl Scheduler {
    pub(super) async fn execute(self: std::sync::Arc<Self>, run: RunRow, timeout_secs: i64) {
        let outcome = tokio::time::timeout(Duration::from_secs(timeout_secs.max(1) as u64), self.attempt(&run)).await;
        let now = self.clock.now_ms();
        let result = match outcome {
            Ok(r) => r,
            Err(_) => Err((None, format!("the run took longer than its timeout of {timeout_secs} s"))),
        };
        let result = result.map_err(|(node, message)| (node, redact(&message)));
        match result {
            Ok(commit) => {
                let (env, moves) = (&commit.environment, &commit.moves);
                let done = self.store.succeed_run(&run.id, &run.graph_id, env, moves, now).await;
                if let Err(e) = &done {
                    tracing::error!(run = %run.id, "scheduler: recording the success: {e}");
                }
                if done.unwrap_or(false) {
                    self.emit(&run.id, RunStatus::Succeeded, None);
                }
            }
            Err((node, message)) => {
                let text = match &node {
                    Some(n) => format!("{n}: {message}"),
                    None => message.clone(),
                };
                if self.store.finish_run(&run.id, RunStatus::Failed, Some(&text), now).await.unwrap_or(false) {
                    self.emit(&run.id, RunStatus::Failed, Some(&text));
                    if let Err(e) = self.retry_or_alert(&run, &text).await {
                        tracing::error!("scheduler: {e}");
                    }
                }
            }
        }
    }

    /// Where a run's sinks write: the data root for production runs, the
    /// requester's sandbox `<sandbox>/<user id>/` for drafts.
    /// Where a finished run's outputs are: the write root of [`Self::write_root`]
    /// in the environment the run resolved in.
    pub async fn output_root(&self, run: &RunRow) -> Result<DataRoot, String> {
        let env = self.environment_for(run.kind).await.map_err(|e| e.to_string())?;
        self.write_root(run, &env.root).await
    }

    async fn write_root(&self, run: &RunRow, env: &DataRoot) -> Result<DataRoot, String> {
        if run.kind != RunKind::Draft {
            return Ok(env.clone());
        }
        let user = self
            .store
            .user_by_name(&run.requested_by)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("the account `{}` that asked for this draft run is gone", run.requested_by))?;
        let dir = self.sandbox.join(&user.id);
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create the sandbox: {e}"))?;
        Ok(DataRoot::new(dir))
    }

    /// A draft's requester's user id (drafts' reports are theirs alone; a
    /// requester gone since gets a scope no one reads).
    async fn draft_requester(&self, run: &RunRow) -> Option<String> {
        if run.kind != RunKind::Draft {
            return None;
        }
        let user = self.store.user_by_name(&run.requested_by).await.ok().flatten();
        Some(user.map(|u| u.id).unwrap_or_else(|| format!("gone:{}", run.requested_by)))
    }

    async fn attempt(&self, run: &RunRow) -> Result<Commit, (Option<String>, String)> {
        // Drafts resolve connections and files in `dev`, the others in `prod`.
        let env = self.environment_for(run.kind).await.map_err(|e| (None, e.to_string()))?;
        let out = self.write_root(run, &env.root).await.map_err(|e| (None, e))?;
        let doc = self
            .store
            .doc_by_hash(&run.graph_id, &run.hash)
            .await
            .map_err(|e| (None, format!("pinned version not found: {e}")))?;
        let graph: Graph = serde_json::from_str(&doc).map_err(|e| (None, format!("stored graph: {e}")))?;
        // A backfill reads every row (no watermark): its `append` sinks replace their partitions.
        let graph = if run.kind == RunKind::Backfill {
            if let Some(p) = sluice_shared::backfill::problems(&graph).first() {
                return Err((p.node.clone(), p.message.clone()));
            }
            sluice_shared::backfill::for_backfill(&graph)
        } else {
            graph
        };
        let reports =
            super::reports::plan(&self.store, &run.graph_id, &run.biz_date, &graph).await.map_err(|e| (None, e))?;
        let report_paths = super::reports::paths(&reports);
        let started = self.clock.now_ms();
        for n in &graph.nodes {
            self.node(run, n, NodeStatus::Running, None, None, Some(started), None).await;
        }
        let hook = self.hook.lock().expect("hook").clone();
        if let Some(hook) = hook {
            hook(run);
        }
        // The values the run was started with; the business date is the run's own.
        let mut params = run.params.0.clone();
        if graph.params.contains_key("biz_date") {
            params.insert("biz_date".to_string(), run.biz_date.clone());
        }
        let opts = self.options(run, &env).await.map_err(|e| (None, e))?;
        let mut commit = Commit { environment: env.name.clone(), moves: Vec::new() };
        let (checks, result, node_rows) = match engine::prepare_with(&graph, &params, &env.root, Mode::Run, opts).await
        {
            Ok(prepared) => {
                commit.moves = super::watermarks::moves(&prepared.advances);
                let o = engine::run::execute_with(&prepared, &out, &Default::default(), &report_paths).await;
                (o.checks, o.result, o.node_rows)
            }
            Err(e) => (Vec::new(), Err(e), BTreeMap::new()),
        };
        if let Err(e) = self.store.save_checks(&run.id, &checks).await {
            tracing::error!(run = %run.id, "scheduler: recording the checks: {e}");
        }
        let now = self.clock.now_ms();
        match result {
            Ok(written) => {
                let requester = self.draft_requester(run).await;
                let by = super::reports::Publication {
                    graph_id: &run.graph_id,
                    hash: &run.hash,
                    run_id: &run.id,
                    biz_date: &run.biz_date,
                    scope: requester.as_deref().unwrap_or(""),
                };
                let indexed = super::reports::record(&self.store, &by, &reports, &written, &out, now).await;
                // A check node's own write is its quarantine, not its output.
                let is_check = |id: &str| graph.node(id).is_some_and(|n| n.kind == NodeKind::TransformCheck.as_str());
                // Rows out of every node from the plan metrics; a sink's from what it wrote.
                let mut rows: BTreeMap<String, i64> = node_rows.into_iter().map(|(k, v)| (k, v as i64)).collect();
                let mut outputs = BTreeMap::new();
                for w in written.iter().filter(|w| !is_check(&w.node)) {
                    rows.insert(w.node.clone(), w.rows as i64);
                    outputs.insert(w.node.clone(), w.table.clone().unwrap_or_else(|| w.path.clone()));
                }
                for n in &graph.nodes {
                    let done = Done { rows: rows.get(&n.id).copied(), rows_in: rows_in(&graph, &rows, &n.id) };
                    self.finished(run, n, done, outputs.remove(&n.id), (started, now)).await;
                }
                indexed.map(|()| commit).map_err(|e| (None, e))
            }
            Err(e) => Err(self.failed(run, &graph, &e, (started, now)).await),
        }
    }

    /// The engine's options for a run in `env`: its connections and cluster, the
    /// calendars derived dates count by, and the watermarks incremental sources start from.
    async fn options(&self, run: &RunRow, env: &crate::environments::Resolved) -> Result<engine::Options, String> {
        // Derived date parameters count by the built-in and the stored calendars.
        let mut calendars = self.store.calendars_by_name().await.unwrap_or_default();
        calendars.extend(crate::calendars::builtins().iter().map(|(k, v)| (k.clone(), v.clone())));
        Ok(engine::Options {
            connections: Some(env.connections.clone()),
            calendars: Some(Arc::new(calendars)),
            watermarks: self.start_marks(run, &env.name).await?,
            // An environment with a cluster runs there (see `crate::cluster`).
            cluster: env.cluster.clone(),
            ..Default::default()
        })
    }

    /// Records a failed run's nodes: the ones the error names failed, the others
    /// cancelled. Returns the first culprit and the (redacted) message.
    async fn failed(
        &self,
        run: &RunRow,
        graph: &Graph,
        e: &EngineError,
        (started, now): (i64, i64),
    ) -> (Option<String>, String) {
        let (culprits, message): (Vec<String>, String) = match e {
            EngineError::Invalid(p) => (p.iter().filter_map(|p| p.node.clone()).collect(), e.to_string()),
            EngineError::Failed { node, message } => (node.iter().cloned().collect(), message.clone()),
        };
        let message = redact(&message);
        for n in &graph.nodes {
            let (status, err) = if culprits.contains(&n.id) {
                (NodeStatus::Failed, Some(message.as_str()))
            } else {
                (NodeStatus::Cancelled, None)
            };
            self.node(run, n, status, None, err, Some(started), Some(now)).await;
        }
        (culprits.first().cloned(), message)
    }

    /// Records a node that succeeded, with its rows and (for a sink) where it wrote.
    async fn finished(&self, run: &RunRow, n: &sluice_shared::Node, d: Done, output: Option<String>, at: (i64, i64)) {
        let row = RunNodeRow {
            run_id: run.id.clone(),
            node_id: n.id.clone(),
            kind: n.kind.clone(),
            status: NodeStatus::Succeeded,
            rows_in: d.rows_in,
            rows_out: d.rows,
            started_at: Some(at.0),
            finished_at: Some(at.1),
            error: None,
            output,
        };
        if let Err(e) = self.store.upsert_run_node(&row).await {
            tracing::error!(node = %n.id, "scheduler: recording a node: {e}");
        }
        let _ = self.events.send(RunEvent::Node {
            run_id: run.id.clone(),
            node: n.id.clone(),
            status: NodeStatus::Succeeded,
            rows: d.rows,
            error: None,
        });
    }

    #[allow(clippy::too_many_arguments)]
    async fn node(
        &self,
        run: &RunRow,
        n: &sluice_shared::Node,
        status: NodeStatus,
        rows: Option<i64>,
        error: Option<&str>,
        started: Option<i64>,
        finished: Option<i64>,
    ) {
        let is_sink = NodeKind::parse(&n.kind).map(|k| k.category()) == Some(Category::Distribution);
        let row = RunNodeRow {
            run_id: run.id.clone(),
            node_id: n.id.clone(),
            kind: n.kind.clone(),
            status,
            rows_in: if is_sink { rows } else { None },
            rows_out: rows,
            started_at: started,
            finished_at: finished,
            error: error.map(str::to_string),
            output: None,
        };
        if let Err(e) = self.store.upsert_run_node(&row).await {
            tracing::error!(node = %n.id, "scheduler: recording a node: {e}");
        }
        let _ = self.events.send(RunEvent::Node {
            run_id: run.id.clone(),
            node: n.id.clone(),
            status,
            rows,
            error: error.map(str::to_string),
        });
    }
}

/// Rows a succeeded node made and took in.
struct Done {
    rows: Option<i64>,
    rows_in: Option<i64>,
}

/// Rows into node `id`: the sum of its inputs' rows out, when all are known.
fn rows_in(graph: &Graph, rows: &BTreeMap<String, i64>, id: &str) -> Option<i64> {
    let froms: Vec<&str> = graph.edges.iter().filter(|e| e.to == id).map(|e| e.from.as_str()).collect();
    if froms.is_empty() {
        return None;
    }
    froms.iter().map(|f| rows.get(*f).copied()).sum()
}
