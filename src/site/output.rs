//! The one place the build writes files. It remembers, in a small manifest in
//! the output folder, the input hash each file was made from, so a rebuild
//! skips unchanged pages and removes files whose page has gone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

pub const MANIFEST: &str = ".prem-manifest.json";

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    version: u32,
    outputs: BTreeMap<String, String>,
}

pub struct Output {
    root: PathBuf,
    old: Manifest,
    new: Mutex<BTreeMap<String, String>>,
    pub written: AtomicUsize,
    pub skipped: AtomicUsize,
}

impl Output {
    pub fn open(root: &Path) -> Result<Self> {
        std::fs::create_dir_all(root)
            .with_context(|| format!("{}: cannot create output folder", root.display()))?;
        let old = std::fs::read(root.join(MANIFEST))
            .ok()
            .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
            .filter(|m| m.version == 1)
            .unwrap_or_default();
        Ok(Self {
            root: root.to_path_buf(),
            old,
            new: Mutex::default(),
            written: AtomicUsize::new(0),
            skipped: AtomicUsize::new(0),
        })
    }

    /// True when `rel` was last made from the same `key` and is still there;
    /// the file is then kept as it is.
    pub fn is_current(&self, rel: &str, key: &str) -> bool {
        let current =
            self.old.outputs.get(rel).is_some_and(|k| k == key) && self.root.join(rel).is_file();
        if current {
            self.record(rel, key);
            self.skipped.fetch_add(1, Ordering::Relaxed);
        }
        current
    }

    pub fn write(&self, rel: &str, key: &str, bytes: &[u8]) -> Result<()> {
        let path = self.root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("{}: cannot create folder", dir.display()))?;
        }
        std::fs::write(&path, bytes)
            .with_context(|| format!("{}: cannot write", path.display()))?;
        self.record(rel, key);
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Writes a generated file whose key is its own content hash.
    pub fn write_generated(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let key = super::build::hash_hex(&[bytes]);
        if self.is_current(rel, &key) {
            return Ok(());
        }
        self.write(rel, &key, bytes)
    }

    fn record(&self, rel: &str, key: &str) {
        self.new
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string(), key.to_string());
    }

    /// Removes outputs of pages that no longer exist and saves the manifest.
    pub fn finish(self) -> Result<usize> {
        let new = self.new.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut removed = 0;
        for rel in self.old.outputs.keys().filter(|k| !new.contains_key(*k)) {
            let path = self.root.join(rel);
            if std::fs::remove_file(&path).is_ok() {
                removed += 1;
                let mut dir = path.parent();
                while let Some(d) = dir.filter(|d| *d != self.root) {
                    if std::fs::remove_dir(d).is_err() {
                        break;
                    }
                    dir = d.parent();
                }
            }
        }
        let manifest = Manifest {
            version: 1,
            outputs: new,
        };
        let json = serde_json::to_vec(&manifest).context("cannot encode build manifest")?;
        std::fs::write(self.root.join(MANIFEST), json)
            .with_context(|| format!("{}: cannot write build manifest", self.root.display()))?;
        Ok(removed)
    }
}
