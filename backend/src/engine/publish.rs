//! Publishing a run's staged outputs: all of them, or none.
//!
//! 1. Every target is opened (folders created inside the root only, see
//!    [`DataRoot::open_output`]) and checked before any plan runs: two sinks
//!    may not name the same file, even through a symlink.
//! 2. After staging, a lock is taken on every target ([`locks`]), and each
//!    target is checked again (not a folder, temporary still there).
//! 3. The [`journal`] lists every (temporary, target, backup) triple and is
//!    fsynced; every existing target gets a backup (a hard link, so readers
//!    never find it missing); folders are fsynced; every temporary is renamed
//!    over its target; folders are fsynced again.
//! 4. Backups and the journal are removed. A failure in step 3 rolls every
//!    target back from its backup; a crash leaves the journal for
//!    [`journal::recover`], which runs when `sluice run` and `sluice serve`
//!    start and before every publish.

use super::error::EngineError;
use super::journal::{self, Entry, Journal, Settle};
use super::locks;
use super::root::{self, DataRoot, Folder, Output};
use super::sinks::Staged;
use rustix::fs::AtFlags;
use rustix::io::Errno;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Points in a publish a test can watch (and hold up, by blocking).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// About to wait for the target locks.
    Locking,
    /// Holding every target lock.
    Locked,
    /// `n` temporaries renamed over their targets.
    Renamed(usize),
}

/// Observers of a publish, for tests; `Hooks::default()` does nothing.
#[derive(Clone, Default)]
pub struct Hooks {
    pub on_step: Option<Arc<dyn Fn(Step) + Send + Sync>>,
}

impl Hooks {
    fn step(&self, s: Step) {
        if let Some(f) = &self.on_step {
            f(s);
        }
        crash_point(s);
    }
}

/// Fault injection for the crash tests (debug builds only): with
/// `SLUICE_TEST_CRASH_AFTER_RENAMES=k` the process aborts, as if killed,
/// right after the k-th temporary was renamed over its target.
fn crash_point(s: Step) {
    #[cfg(debug_assertions)]
    if let Step::Renamed(n) = s
        && std::env::var("SLUICE_TEST_CRASH_AFTER_RENAMES").ok().and_then(|v| v.parse().ok()) == Some(n)
    {
        std::process::abort();
    }
    let _ = s;
}

/// Fault injection for the incremental tests (debug builds only): with
/// `SLUICE_TEST_CRASH_BEFORE_PUBLISH` set the process aborts, as if killed, once
/// every sink of a run has staged (its sources are read) and before anything publishes.
pub fn crash_before_publish() {
    #[cfg(debug_assertions)]
    if std::env::var_os("SLUICE_TEST_CRASH_BEFORE_PUBLISH").is_some() {
        std::process::abort();
    }
}

/// Opens the target of every file sink (`(node, path)` in run order) and
/// refuses two sinks writing one file.
pub fn open_targets(sinks: &[(&str, &str)], root: &DataRoot) -> Result<HashMap<String, Output>, EngineError> {
    let mut outputs = HashMap::new();
    let mut seen: HashMap<String, (&str, &str)> = HashMap::new();
    for (id, rel) in sinks {
        let out = root.open_output(rel).map_err(|m| EngineError::failed(id, m))?;
        if let Some((other, other_rel)) = seen.insert(out.key(), (id, rel)) {
            let msg =
                format!("writes `{rel}`, the same file as `{other}` (`{other_rel}`) once symbolic links are followed");
            return Err(EngineError::failed(id, msg));
        }
        outputs.insert(id.to_string(), out);
    }
    Ok(outputs)
}

/// Sink paths after parameter substitution may clash where the written ones
/// did not (`out/{a}.csv`, `out/{b}.csv`): the same rule, checked again.
pub fn check_resolved(sinks: &[(&str, &str)]) -> Result<(), EngineError> {
    let problems: Vec<_> = sluice_shared::paths::clashes(sinks)
        .into_iter()
        .map(|(id, msg)| sluice_shared::Problem::node(&id, Some("path"), msg))
        .collect();
    if problems.is_empty() { Ok(()) } else { Err(EngineError::Invalid(problems)) }
}

fn settle_pending(root: &DataRoot) -> Result<Vec<String>, String> {
    journal::recover(root)
}

/// Publishes every staged output, or none (see the module documentation).
pub async fn publish(root: &DataRoot, mut staged: Vec<Staged>, hooks: &Hooks) -> Result<(), EngineError> {
    if staged.is_empty() {
        return Ok(());
    }
    let r = root.clone();
    if let Ok(Err(e)) = tokio::task::spawn_blocking(move || settle_pending(&r)).await {
        eprintln!("warning: {e}");
    }
    let keys: Vec<String> = staged.iter().map(|s| s.out.key()).collect();
    hooks.step(Step::Locking);
    let _held = locks::lock(root, &keys).await.map_err(|m| EngineError::Failed { node: None, message: m })?;
    hooks.step(Step::Locked);
    for s in &staged {
        check(s)?;
    }
    let entries: Vec<Entry> = staged.iter().map(entry).collect();
    let journal = Journal::write(root, &entries).map_err(|m| EngineError::Failed { node: None, message: m })?;
    match apply(&entries, &staged, hooks) {
        Ok(()) => {
            for s in &mut staged {
                s.published = true;
            }
            let pairs: Vec<(Entry, &Folder)> = entries.into_iter().zip(staged.iter().map(|s| &*s.out.folder)).collect();
            // Complete: dropping the backups cannot fail the run any more.
            if let Err(e) = journal::settle(&pairs, Settle::Forward).and_then(|_| journal.remove()) {
                eprintln!("warning: cleaning up after publishing: {e}");
            }
            Ok(())
        }
        Err((node, message)) => {
            let pairs: Vec<(Entry, &Folder)> = entries.into_iter().zip(staged.iter().map(|s| &*s.out.folder)).collect();
            let message = match journal::settle(&pairs, Settle::Back).and_then(|_| journal.remove()) {
                Ok(()) => format!("{message}; every output was put back as it was"),
                Err(e) => format!("{message}; putting outputs back failed too ({e}), the next start will retry"),
            };
            Err(EngineError::Failed { node: Some(node), message })
        }
    }
}

/// Checks a target under its lock: still not a folder, temporary still there.
fn check(s: &Staged) -> Result<(), EngineError> {
    let f = &s.out.folder;
    let fail = |m: String| EngineError::failed(&s.node, m);
    match f.stat(&s.out.name) {
        Ok(Some(st)) if root::is_dir(&st) => return Err(fail(format!("`{}` is a folder, not a file", s.rel))),
        Ok(_) => {}
        Err(e) => return Err(fail(format!("`{}`: {e}", s.rel))),
    }
    match f.stat(&s.temp) {
        Ok(Some(st)) if (st.st_dev, st.st_ino) == s.id => Ok(()),
        _ => Err(fail(format!("the temporary file for `{}` disappeared before publishing", s.rel))),
    }
}

fn entry(s: &Staged) -> Entry {
    Entry {
        node: s.node.clone(),
        folder: s.out.folder.rel.clone(),
        target: s.out.name.clone(),
        temp: s.temp.clone(),
        backup: format!(".sluice-{}.bak", uuid::Uuid::new_v4().simple()),
        dev: s.id.0,
        ino: s.id.1,
    }
}

/// Backs up every existing target, then renames every temporary into place,
/// fsyncing the folders after each phase. Errors name the node.
fn apply(entries: &[Entry], staged: &[Staged], hooks: &Hooks) -> Result<(), (String, String)> {
    let folders: BTreeMap<&str, &Folder> = staged.iter().map(|s| (s.out.folder.rel.as_str(), &*s.out.folder)).collect();
    let sync = |node: &str| -> Result<(), (String, String)> {
        for f in folders.values() {
            f.fsync().map_err(|e| (node.to_string(), format!("syncing folder `{}`: {e}", f.rel)))?;
        }
        Ok(())
    };
    for (e, s) in entries.iter().zip(staged) {
        backup(&s.out.folder, e).map_err(|m| (e.node.clone(), format!("cannot back up `{}`: {m}", s.rel)))?;
    }
    sync(&entries[0].node)?;
    for (i, (e, s)) in entries.iter().zip(staged).enumerate() {
        rustix::fs::renameat(&s.out.folder.fd, e.temp.as_str(), &s.out.folder.fd, e.target.as_str())
            .map_err(|x| (e.node.clone(), format!("cannot publish `{}`: {x}", s.rel)))?;
        hooks.step(Step::Renamed(i + 1));
    }
    sync(&entries[0].node)
}

/// A second link to the current target, or (where links are not supported)
/// the target moved aside.
fn backup(f: &Folder, e: &Entry) -> Result<(), Errno> {
    if f.stat(&e.target).map_err(|x| Errno::from_io_error(&x).unwrap_or(Errno::IO))?.is_none() {
        return Ok(());
    }
    match rustix::fs::linkat(&f.fd, e.target.as_str(), &f.fd, e.backup.as_str(), AtFlags::empty()) {
        Ok(()) => Ok(()),
        Err(Errno::PERM | Errno::OPNOTSUPP | Errno::XDEV | Errno::MLINK) => {
            rustix::fs::renameat(&f.fd, e.target.as_str(), &f.fd, e.backup.as_str())
        }
        Err(x) => Err(x),
    }
}
