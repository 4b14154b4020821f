//! The data root: every path a graph names resolves inside it, and nothing
//! (not `..`, not an absolute path, not a symlink) may lead outside.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct DataRoot {
    root: PathBuf,
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

    /// Resolves an output path, creating its folder; the folder must be inside the root.
    pub fn resolve_output(&self, rel: &str) -> Result<PathBuf, String> {
        let full = self.root.join(rel);
        let parent = full.parent().ok_or_else(|| format!("`{rel}` has no folder"))?;
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create the folder for `{rel}`: {e}"))?;
        self.inside(parent, rel)?;
        if full.is_dir() {
            return Err(format!("`{rel}` is a folder, not a file"));
        }
        Ok(full)
    }

    fn inside(&self, p: &Path, rel: &str) -> Result<(), String> {
        let root = self.root.canonicalize().map_err(|e| format!("data root {}: {e}", self.root.display()))?;
        let real = p.canonicalize().map_err(|e| format!("`{rel}`: {e}"))?;
        if real.starts_with(&root) { Ok(()) } else { Err(format!("`{rel}` leads outside the data root")) }
    }
}
