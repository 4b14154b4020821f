//! One lock per output target, so two runs (two schedules, two backfill dates,
//! a run of the server and a `sluice run`) never publish the same file at once.
//!
//! A target is named by its key (its path from the data root with symlinks
//! resolved, see [`Output::key`](super::root::Output::key)). Inside a process
//! each key has an async mutex; across processes each key has an advisory
//! lock (`flock`) on `.sluice/locks/<hash>.lock` in the data root. Keys are
//! always taken in sorted order, so two runs wanting overlapping sets of
//! targets cannot deadlock. Lock files are never deleted (deleting one while
//! another process waits on it would split the lock in two).

use super::root::DataRoot;
use rustix::fs::{Mode, OFlags};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::File;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::OwnedMutexGuard;

pub(crate) const LOCK_DIR: &str = ".sluice/locks";

type Table = Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(Default::default)
}

/// Locks held on a set of targets; released when dropped.
pub struct Held {
    files: Vec<File>,
    guards: Vec<OwnedMutexGuard<()>>,
    names: Vec<String>,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.files.clear(); // closing the file releases its flock
        self.guards.clear();
        let mut t = table().lock().unwrap_or_else(|p| p.into_inner());
        for n in &self.names {
            if t.get(n).is_some_and(|m| Arc::strong_count(m) == 1) {
                t.remove(n);
            }
        }
    }
}

/// Takes the lock of every key (paths from the root), in sorted order:
/// first the in-process mutexes, then the file locks.
pub async fn lock(root: &DataRoot, keys: &[String]) -> Result<Held, String> {
    let mut keys = keys.to_vec();
    keys.sort();
    keys.dedup();
    let base = root.path().canonicalize().map_err(|e| format!("data root {}: {e}", root.path().display()))?;
    let names: Vec<String> = keys.iter().map(|k| base.join(k).to_string_lossy().into_owned()).collect();
    let mut held = Held { files: Vec::new(), guards: Vec::new(), names: names.clone() };
    for n in &names {
        let m = table().lock().unwrap_or_else(|p| p.into_inner()).entry(n.clone()).or_default().clone();
        held.guards.push(m.lock_owned().await);
    }
    let root = root.clone();
    held.files = tokio::task::spawn_blocking(move || lock_files(&root, &keys))
        .await
        .map_err(|e| format!("taking output locks: {e}"))??;
    Ok(held)
}

/// The cross-process half of [`lock`], blocking: one `flock` per key, in sorted order.
pub fn lock_files(root: &DataRoot, keys: &[String]) -> Result<Vec<File>, String> {
    let mut keys = keys.to_vec();
    keys.sort();
    keys.dedup();
    let folder = root.open_folder(LOCK_DIR, true)?;
    let flags = OFlags::CREATE | OFlags::RDWR | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let mut files = Vec::new();
    for k in &keys {
        let name = format!("{}.lock", &hex::encode(Sha256::digest(k.as_bytes()))[..32]);
        let fd = rustix::fs::openat(&folder.fd, name.as_str(), flags, Mode::from_raw_mode(0o644))
            .map_err(|e| format!("cannot open the lock for `{k}`: {e}"))?;
        let file = File::from(fd);
        file.lock().map_err(|e| format!("cannot lock `{k}`: {e}"))?;
        files.push(file);
    }
    Ok(files)
}
