//! The publish journal: before the first output of a run moves, every
//! (temporary, target, backup) triple is written to
//! `.sluice/publish/<id>.json` in the data root and fsynced; the publishing
//! process holds an advisory lock on that file until it removes it. A journal
//! whose lock is free belongs to a process that died mid-publish: [`recover`]
//! rolls it forward when every temporary has been renamed into place (the
//! publish was complete: only backups are dropped), and back otherwise (each
//! target that still holds this run's file gets its backup again, or is
//! removed when it had none). A target someone replaced since is never touched.
//!
//! The journal is a file beside the outputs, for `sluice run` and the server
//! alike, rather than a store row: it is on the same file system as what it
//! describes, so it is durable exactly when the renames are; a `sluice run`
//! recovers what a crashed server left and the other way round; and the engine
//! stays free of the store.

use super::locks;
use super::root::{DataRoot, Folder};
use rustix::fs::{AtFlags, Mode, OFlags};
use rustix::io::Errno;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;

pub(crate) const JOURNAL_DIR: &str = ".sluice/publish";

/// One output of a publish.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub node: String,
    /// The target's folder, from the data root, symlinks resolved.
    pub folder: String,
    pub target: String,
    pub temp: String,
    pub backup: String,
    /// Identity of the temporary file (and of the target once renamed).
    pub dev: u64,
    pub ino: u64,
}

#[derive(Serialize, Deserialize)]
struct Doc {
    entries: Vec<Entry>,
}

/// A journal on disk, locked by this process until [`Journal::remove`].
pub struct Journal {
    folder: Folder,
    name: String,
    _file: File,
}

fn io(what: &str) -> impl Fn(Errno) -> String + '_ {
    move |e| format!("{what}: {e}")
}

impl Journal {
    /// Writes and fsyncs the journal, then gives it its final name: a journal
    /// is either complete or absent (a `.part` never means renames happened).
    pub fn write(root: &DataRoot, entries: &[Entry]) -> Result<Journal, String> {
        let folder = root.open_folder(JOURNAL_DIR, true)?;
        let id = uuid::Uuid::new_v4().simple().to_string();
        let (part, name) = (format!("{id}.part"), format!("{id}.json"));
        let flags = OFlags::CREATE | OFlags::EXCL | OFlags::RDWR | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = rustix::fs::openat(&folder.fd, part.as_str(), flags, Mode::from_raw_mode(0o600))
            .map_err(io("cannot create the publish journal"))?;
        let mut file = File::from(fd);
        file.try_lock().map_err(|e| format!("cannot lock the publish journal: {e}"))?;
        let text = serde_json::to_vec(&Doc { entries: entries.to_vec() }).map_err(|e| e.to_string())?;
        file.write_all(&text)
            .and_then(|()| file.sync_all())
            .map_err(|e| format!("writing the publish journal: {e}"))?;
        rustix::fs::renameat(&folder.fd, part.as_str(), &folder.fd, name.as_str())
            .map_err(io("naming the publish journal"))?;
        folder.fsync().map_err(|e| format!("syncing the publish journal: {e}"))?;
        Ok(Journal { folder, name, _file: file })
    }

    /// Removes the journal (still holding its lock, so no one recovers it meanwhile).
    pub fn remove(self) -> Result<(), String> {
        rustix::fs::unlinkat(&self.folder.fd, self.name.as_str(), AtFlags::empty())
            .map_err(io("removing the publish journal"))?;
        self.folder.fsync().map_err(|e| format!("syncing the publish journal folder: {e}"))
    }
}

fn exists(f: &Folder, name: &str) -> Result<bool, String> {
    f.stat(name).map(|s| s.is_some()).map_err(|e| format!("`{}`: {e}", super::root::join(&f.rel, name)))
}

fn unlink(f: &Folder, name: &str) -> Result<(), String> {
    match rustix::fs::unlinkat(&f.fd, name, AtFlags::empty()) {
        Ok(()) | Err(Errno::NOENT) => Ok(()),
        Err(e) => Err(format!("cannot remove `{}`: {e}", super::root::join(&f.rel, name))),
    }
}

fn rename(f: &Folder, from: &str, to: &str) -> Result<(), String> {
    rustix::fs::renameat(&f.fd, from, &f.fd, to)
        .map_err(|e| format!("cannot rename `{from}` to `{}`: {e}", super::root::join(&f.rel, to)))
}

/// Whether the target holds this entry's file (the renamed temporary).
fn ours(f: &Folder, e: &Entry) -> Result<bool, String> {
    let st = f.stat(&e.target).map_err(|x| format!("`{}`: {x}", e.target))?;
    Ok(st.is_some_and(|s| s.st_dev == e.dev && s.st_ino == e.ino))
}

/// Puts one target back as it was before the publish.
fn roll_back(f: &Folder, e: &Entry) -> Result<(), String> {
    let backup = exists(f, &e.backup)?;
    if ours(f, e)? {
        if backup { rename(f, &e.backup, &e.target)? } else { unlink(f, &e.target)? }
    } else if backup {
        // The target is the old file (the backup is a second link to it), or was
        // moved to the backup and is missing; a target replaced since stays.
        if exists(f, &e.target)? { unlink(f, &e.backup)? } else { rename(f, &e.backup, &e.target)? }
    }
    unlink(f, &e.temp)
}

/// How to finish a publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settle {
    /// Every temporary is in place: drop the backups.
    Forward,
    /// Put every target back as it was.
    Back,
    /// Forward when no temporary is left to rename, else back (recovery).
    Auto,
}

/// Finishes a publish one way or the other; `true` when rolled forward.
pub fn settle(entries: &[(Entry, &Folder)], how: Settle) -> Result<bool, String> {
    let mut forward = how != Settle::Back;
    if how == Settle::Auto {
        for (e, f) in entries {
            forward = forward && !exists(f, &e.temp)?;
        }
    }
    for (e, f) in entries {
        if forward {
            unlink(f, &e.backup)?;
        } else {
            roll_back(f, e)?;
        }
    }
    let folders: BTreeMap<&str, &Folder> = entries.iter().map(|(_, f)| (f.rel.as_str(), *f)).collect();
    for f in folders.values() {
        f.fsync().map_err(|e| format!("syncing `{}`: {e}", f.rel))?;
    }
    Ok(forward)
}

/// Settles every journal left by a process that died mid-publish. Returns one
/// line per journal settled. Journals of live processes are left alone.
pub fn recover(root: &DataRoot) -> Result<Vec<String>, String> {
    let folder = match root.open_folder(JOURNAL_DIR, false) {
        Ok(f) => f,
        Err(_) if !root.path().join(JOURNAL_DIR).exists() => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let names = std::fs::read_dir(root.path().join(JOURNAL_DIR)).map_err(|e| format!("{JOURNAL_DIR}: {e}"))?;
    let (mut done, mut failed) = (Vec::new(), Vec::new());
    // One journal that cannot be settled must not keep the others from being settled.
    for name in names.flatten().filter_map(|d| d.file_name().into_string().ok()) {
        match recover_one(root, &folder, &name) {
            Ok(Some(line)) => done.push(line),
            Ok(None) => {}
            Err(e) => failed.push(format!("publish journal {JOURNAL_DIR}/{name}: {e}")),
        }
    }
    if failed.is_empty() { Ok(done) } else { Err(failed.join("; ")) }
}

/// [`recover`], printing what it did (on `sluice serve` and `sluice run` start).
pub fn recover_and_report(root: &DataRoot) {
    match recover(root) {
        Ok(lines) => lines.iter().for_each(|l| eprintln!("{l}")),
        Err(e) => eprintln!("warning: {e}"),
    }
}

fn recover_one(root: &DataRoot, folder: &Folder, name: &str) -> Result<Option<String>, String> {
    if !name.ends_with(".json") && !name.ends_with(".part") {
        return Ok(None);
    }
    let flags = OFlags::RDWR | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let Ok(fd) = rustix::fs::openat(&folder.fd, name, flags, Mode::empty()) else { return Ok(None) };
    let file = File::from(fd);
    if file.try_lock().is_err() {
        return Ok(None); // its process is alive and publishing
    }
    if rustix::fs::fstat(&file).map(|s| s.st_nlink == 0).unwrap_or(true) {
        return Ok(None); // finished and removed while we opened it
    }
    if name.ends_with(".part") {
        unlink(folder, name)?; // died before the journal was complete: nothing moved yet
        return Ok(None);
    }
    let doc: Doc =
        serde_json::from_reader(&file).map_err(|e| format!("cannot be read ({e}); fix or remove it by hand"))?;
    let keys: Vec<String> = doc.entries.iter().map(|e| super::root::join(&e.folder, &e.target)).collect();
    let _locks = locks::lock_files(root, &keys)?;
    let mut folders = BTreeMap::new();
    for e in &doc.entries {
        if !folders.contains_key(&e.folder) {
            folders.insert(e.folder.clone(), root.open_folder(&e.folder, false)?);
        }
    }
    let entries: Vec<(Entry, &Folder)> = doc.entries.iter().map(|e| (e.clone(), &folders[&e.folder])).collect();
    let forward = settle(&entries, Settle::Auto)?;
    unlink(folder, name)?;
    folder.fsync().map_err(|e| format!("syncing {JOURNAL_DIR}: {e}"))?;
    let how = if forward { "completed" } else { "rolled back" };
    Ok(Some(format!("an interrupted publish of {} output(s) was {how} ({})", entries.len(), keys.join(", "))))
}
