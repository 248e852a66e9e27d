//! The one place the build writes files. It remembers, in a small manifest in
//! the output folder, the input hash each file was made from, so a rebuild
//! skips unchanged pages and removes files whose page has gone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::fast_hash::FastMap;

pub const MANIFEST: &str = ".prem-manifest.json";

/// A short hash of `parts` (each length-prefixed, so parts never run
/// together): the key the manifest records for what a file was made from,
/// and the name of the inputs of anything else the build keeps (the render
/// cache, the assets' version).
pub fn hash_hex(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    hex::encode(&h.finalize()[..16])
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    version: u32,
    outputs: BTreeMap<String, String>,
}

/// The manifest as read: looked up once per output, so by hash.
#[derive(Debug, Default, Deserialize)]
struct OldManifest {
    version: u32,
    outputs: FastMap<String, String>,
}

pub struct Output {
    root: PathBuf,
    old: OldManifest,
    /// What this build made or kept, in no order (sorted when saved).
    new: Mutex<Vec<(String, String)>>,
    pub written: AtomicUsize,
    pub skipped: AtomicUsize,
}

impl Output {
    pub fn open(root: &Path) -> Result<Self> {
        std::fs::create_dir_all(root)
            .with_context(|| format!("{}: cannot create output folder", root.display()))?;
        let old = std::fs::read(root.join(MANIFEST))
            .ok()
            .and_then(|b| serde_json::from_slice::<OldManifest>(&b).ok())
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
        let current = self.was_made_from(rel, key);
        if current {
            self.record(rel, key);
            self.skipped.fetch_add(1, Ordering::Relaxed);
        }
        current
    }

    /// Whether `rel` was last made from `key` and is still there, without
    /// keeping it.
    fn was_made_from(&self, rel: &str, key: &str) -> bool {
        self.old.outputs.get(rel).is_some_and(|k| k == key) && self.root.join(rel).is_file()
    }

    /// `is_current` for a file and the compressed copies made with it: all
    /// of them are kept, or none (a copy deleted since is made again).
    pub fn is_current_with_copies(&self, rel: &str, key: &str) -> bool {
        let copies = COPIES.map(|suffix| format!("{rel}{suffix}"));
        let made =
            |copy: &String| !self.old.outputs.contains_key(copy) || self.was_made_from(copy, key);
        if !self.was_made_from(rel, key) || !copies.iter().all(made) {
            return false;
        }
        for name in std::iter::once(rel).chain(copies.iter().map(String::as_str)) {
            if self.old.outputs.contains_key(name) {
                self.is_current(name, key);
            }
        }
        true
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
        let key = hash_hex(&[bytes]);
        if self.is_current(rel, &key) {
            return Ok(());
        }
        self.write(rel, &key, bytes)
    }

    /// Writes a generated file and, when it is text worth compressing, its
    /// gzip (`rel.gz`) and brotli (`rel.br`) copies for the server to send
    /// to clients that ask. Compressing at maximum effort costs the build a
    /// fraction of a second, once: an unchanged file keeps its copies.
    pub fn write_precompressed(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let key = hash_hex(&[bytes]);
        if !self.is_current(rel, &key) {
            self.write(rel, &key, bytes)?;
        }
        self.write_compressed_copies(rel, &key, bytes)
    }

    /// The gzip and brotli copies alone, for a file already written from `key`.
    pub fn write_compressed_copies(&self, rel: &str, key: &str, bytes: &[u8]) -> Result<()> {
        self.write_copies(rel, key, bytes, Effort::for_size(bytes.len()))
    }

    /// A fast gzip copy alone, for a file rewritten often enough that the
    /// time to compress it well would be most of a rebuild (a part of a
    /// large site's search index, remade whenever one of its pages changes).
    pub fn write_fast_copy(&self, rel: &str, key: &str, bytes: &[u8]) -> Result<()> {
        self.write_copies(rel, key, bytes, Effort::FAST)
    }

    fn write_copies(&self, rel: &str, key: &str, bytes: &[u8], effort: Effort) -> Result<()> {
        if bytes.len() < PRECOMPRESS_MIN || !PRECOMPRESS.iter().any(|ext| rel.ends_with(ext)) {
            return Ok(());
        }
        let copy = |suffix: &str, compress: fn(&[u8], Effort) -> Result<Vec<u8>>| {
            let copy = format!("{rel}{suffix}");
            if self.is_current(&copy, key) {
                return Ok(());
            }
            let packed = compress(bytes, effort)?;
            // A copy no smaller than the file is not worth a header.
            if packed.len() < bytes.len() {
                self.write(&copy, key, &packed)?;
            }
            Ok(())
        };
        let (gz, br) = rayon::join(
            || copy(COPIES[0], gzip),
            || match effort.brotli {
                Some(_) => copy(COPIES[1], brotli),
                None => Ok(()),
            },
        );
        gz.and(br)
    }

    fn record(&self, rel: &str, key: &str) {
        let entry = (rel.to_string(), key.to_string());
        self.new
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(entry);
    }

    /// Removes outputs of pages that no longer exist and saves the manifest.
    pub fn finish(self) -> Result<usize> {
        // A file recorded twice keeps its last key, as a map insert would.
        let new: BTreeMap<String, String> = self
            .new
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .collect();
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
        let same = new.len() == self.old.outputs.len()
            && new.iter().all(|(k, v)| self.old.outputs.get(k) == Some(v));
        if same && self.old.version == 1 {
            return Ok(0); // the manifest on disk says just this
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

/// The files the last build into `root` made, by the manifest it left;
/// `None` when there is none.
pub fn recorded(root: &Path) -> Option<Vec<String>> {
    let bytes = std::fs::read(root.join(MANIFEST)).ok()?;
    let manifest: OldManifest = serde_json::from_slice(&bytes).ok()?;
    (manifest.version == 1).then(|| manifest.outputs.into_keys().collect())
}

/// The suffixes of a file's gzip and brotli copies.
const COPIES: [&str; 2] = [".gz", ".br"];

/// Files smaller than this gain too little from compression to keep copies.
const PRECOMPRESS_MIN: usize = 1024;
/// The text formats among the site's assets.
const PRECOMPRESS: [&str; 6] = [".css", ".js", ".json", ".svg", ".txt", ".xml"];

/// How hard to compress. The theme's assets, read on every first visit,
/// get maximum effort; a file past `FAST_FROM`, or remade often (the parts
/// of a large site's search index: 19 MB in all for 10,000 pages), would
/// take seconds at that effort on every rebuild that changes it, so it gets
/// fast gzip alone (about 3.3x smaller, at some 100 MB/s), which every
/// client takes; brotli's fast settings compress worse than gzip's.
#[derive(Debug, Clone, Copy)]
struct Effort {
    gzip: u32,
    /// `None`: no brotli copy.
    brotli: Option<i32>,
}

const FAST_FROM: usize = 1 << 20;

/// Past this size brotli's top quality stops paying: GOV.UK Frontend's 131 KB stylesheet takes
/// 0.28 s at quality 11 (13.1 KB) and 0.01 s at quality 9 (14.2 KB), and that 0.27 s was most of
/// a clean 1,000-page build. A kilobyte more on a first visit is the better trade.
const BROTLI_TOP_BELOW: usize = 64 << 10;

impl Effort {
    const FAST: Self = Self {
        gzip: 1,
        brotli: None,
    };

    fn for_size(len: usize) -> Self {
        if len < BROTLI_TOP_BELOW {
            Self {
                gzip: 9,
                brotli: Some(11),
            }
        } else if len < FAST_FROM {
            Self {
                gzip: 9,
                brotli: Some(9),
            }
        } else {
            Self::FAST
        }
    }
}

fn gzip(bytes: &[u8], effort: Effort) -> Result<Vec<u8>> {
    use std::io::Write as _;
    let level = flate2::Compression::new(effort.gzip);
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), level);
    enc.write_all(bytes).context("cannot gzip an asset")?;
    enc.finish().context("cannot gzip an asset")
}

fn brotli(bytes: &[u8], effort: Effort) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: effort.brotli.unwrap_or(11),
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)
        .context("cannot compress an asset with brotli")?;
    Ok(out)
}
