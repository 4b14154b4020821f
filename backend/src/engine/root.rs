//! The data root: every path a graph names resolves inside it, and nothing
//! (not `..`, not an absolute path, not a symlink) may lead outside.
//!
//! Outputs are reached without a check-then-open race: from an open handle on
//! the root, one folder at a time, each opened without following a symlink.
//! A symlink met on the way is resolved, checked to stay inside the root, and
//! its target walked again the same way; a missing folder is created only
//! inside a folder already reached like this. Sinks then create their
//! temporary files in, and rename them within, that open folder.

use rustix::fs::{AtFlags, FileType, Mode, OFlags, Stat};
use rustix::io::Errno;
use std::collections::VecDeque;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct DataRoot {
    root: PathBuf,
}

/// A folder inside the data root, held open.
#[derive(Debug)]
pub struct Folder {
    pub(crate) fd: OwnedFd,
    /// Its path from the root with symlinks resolved (`""` for the root itself).
    pub rel: String,
}

/// Where an output goes: an open folder and a file name in it.
#[derive(Debug, Clone)]
pub struct Output {
    pub folder: Arc<Folder>,
    pub name: String,
}

impl Output {
    /// The target's path from the root with symlinks resolved: two outputs with
    /// the same key are the same file.
    pub fn key(&self) -> String {
        join(&self.folder.rel, &self.name)
    }
}

const DIR: OFlags = OFlags::DIRECTORY.union(OFlags::NOFOLLOW).union(OFlags::RDONLY).union(OFlags::CLOEXEC);
/// Symlinks followed on one walk before giving up (Linux allows 40).
const MAX_LINKS: usize = 40;

pub(crate) fn join(folder: &str, name: &str) -> String {
    if folder.is_empty() { name.to_string() } else { format!("{folder}/{name}") }
}

impl Folder {
    /// What `name` in this folder is, without following a symlink; `None` if nothing.
    pub(crate) fn stat(&self, name: &str) -> std::io::Result<Option<Stat>> {
        match rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) => Ok(Some(st)),
            Err(Errno::NOENT) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    pub(crate) fn fsync(&self) -> std::io::Result<()> {
        rustix::fs::fsync(&self.fd).map_err(Into::into)
    }
}

pub(crate) fn is_dir(st: &Stat) -> bool {
    FileType::from_raw_mode(st.st_mode) == FileType::Directory
}

impl DataRoot {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DataRoot { root: root.into() }
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    /// Resolves a path that already passed the shared path rules, and checks
    /// that what it points at (after symlinks) is still inside the root.
    pub fn resolve_existing(&self, rel: &str) -> Result<PathBuf, String> {
        let full = self.root.join(rel);
        if !full.exists() {
            return Err(format!("file `{rel}` not found in the data root"));
        }
        self.inside(&full, rel)?;
        if !full.is_file() {
            return Err(format!("`{rel}` is not a file"));
        }
        Ok(full)
    }

    /// Opens the folder of output `rel`, creating missing folders one at a
    /// time, all inside the root; the target itself must not be a folder.
    pub fn open_output(&self, rel: &str) -> Result<Output, String> {
        let normal = sluice_shared::paths::normalize(rel);
        let mut parts: Vec<String> = normal.split('/').map(str::to_string).collect();
        let name = parts.pop().filter(|n| !n.is_empty()).ok_or_else(|| format!("`{rel}` names no file"))?;
        let folder = self.walk(parts.into(), true, rel)?;
        let st = folder.stat(&name).map_err(|e| format!("`{rel}`: {e}"))?;
        if st.as_ref().is_some_and(is_dir) {
            return Err(format!("`{rel}` is a folder, not a file"));
        }
        Ok(Output { folder: Arc::new(folder), name })
    }

    /// Opens a folder inside the root by its path from the root, creating it
    /// (and the folders above it) when `create` says so.
    pub fn open_folder(&self, rel: &str, create: bool) -> Result<Folder, String> {
        let parts = rel.split('/').filter(|p| !p.is_empty()).map(str::to_string).collect();
        self.walk(parts, create, rel)
    }

    fn walk(&self, mut todo: VecDeque<String>, create: bool, rel: &str) -> Result<Folder, String> {
        let root_real = self.root.canonicalize().map_err(|e| format!("data root {}: {e}", self.root.display()))?;
        let root_fd = rustix::fs::open(&root_real, DIR, Mode::empty())
            .map_err(|e| format!("data root {}: {e}", self.root.display()))?;
        let mut fd = root_fd.try_clone().map_err(|e| e.to_string())?;
        let mut here: Vec<String> = Vec::new();
        let mut links = 0;
        while let Some(part) = todo.pop_front() {
            if part.is_empty() || part == "." {
                continue;
            }
            let shown = join(&here.join("/"), &part);
            if part == ".." {
                return Err(format!("`{rel}` leaves the data root"));
            }
            match rustix::fs::openat(&fd, part.as_str(), DIR, Mode::empty()) {
                Ok(next) => {
                    fd = next;
                    here.push(part);
                }
                Err(Errno::NOENT) if create => {
                    match rustix::fs::mkdirat(&fd, part.as_str(), Mode::from_raw_mode(0o755)) {
                        Ok(()) | Err(Errno::EXIST) => todo.push_front(part),
                        Err(e) => return Err(format!("cannot create the folder `{shown}` for `{rel}`: {e}")),
                    }
                }
                Err(Errno::NOENT) => return Err(format!("folder `{shown}` not found in the data root")),
                Err(Errno::LOOP | Errno::NOTDIR) => {
                    let st = rustix::fs::statat(&fd, part.as_str(), AtFlags::SYMLINK_NOFOLLOW)
                        .map_err(|e| format!("`{shown}`: {e}"))?;
                    if FileType::from_raw_mode(st.st_mode) != FileType::Symlink {
                        return Err(format!("`{shown}` is a file, so `{rel}` cannot be inside it"));
                    }
                    links += 1;
                    if links > MAX_LINKS {
                        return Err(format!("`{rel}`: too many symbolic links"));
                    }
                    // Resolve the link to check it, then walk its target again
                    // from the root, following nothing.
                    let target = follow(&root_real, &shown, rel)?;
                    todo = target.into_iter().chain(todo).collect();
                    fd = root_fd.try_clone().map_err(|e| e.to_string())?;
                    here.clear();
                }
                Err(e) => return Err(format!("cannot open the folder `{shown}` for `{rel}`: {e}")),
            }
        }
        Ok(Folder { fd, rel: here.join("/") })
    }

    fn inside(&self, p: &Path, rel: &str) -> Result<(), String> {
        let root = self.root.canonicalize().map_err(|e| format!("data root {}: {e}", self.root.display()))?;
        let real = p.canonicalize().map_err(|e| format!("`{rel}`: {e}"))?;
        if real.starts_with(&root) { Ok(()) } else { Err(format!("`{rel}` leads outside the data root")) }
    }
}

/// Where the symlink at `shown` (a path from the root without symlinks before
/// its last part) leads, as parts from the root; refused when outside.
fn follow(root_real: &Path, shown: &str, rel: &str) -> Result<Vec<String>, String> {
    let real = root_real.join(shown).canonicalize().map_err(|e| {
        format!("`{shown}` is a symbolic link that cannot be followed ({e}), so `{rel}` cannot be written")
    })?;
    let inside = real
        .strip_prefix(root_real)
        .map_err(|_| format!("`{shown}` is a symbolic link that leads outside the data root; `{rel}` is refused"))?;
    inside
        .components()
        .map(|c| {
            c.as_os_str()
                .to_str()
                .map(str::to_string)
                .ok_or_else(|| format!("`{shown}` leads to a name that is not UTF-8"))
        })
        .collect()
}
