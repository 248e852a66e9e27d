//! The render cache: what `Site::load` learnt from each page last time, so a
//! rebuild reads and renders only the files that changed. The output
//! manifest alone only saves writing; reading and rendering 10,000 pages is
//! most of a build.
//!
//! A page is reused when its file has the same size and modification time
//! as when it was cached and every input that shapes a rendering is
//! unchanged (the render key: configuration, criteria, glossary and this
//! very program). Anything less certain re-renders: correct before fast.

use std::collections::HashMap;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::build::hash_hex;
use super::LoadedPage;
use crate::config::Config;
use crate::content::FrontMatter;
use crate::markdown::Rendered;
use crate::slides::Slide;

/// Beside the output manifest; the server skips dot files.
pub const CACHE_FILE: &str = ".prem-cache.json";
const VERSION: u32 = 1;

/// A file changed this soon before the cache is saved could change again
/// within the same clock tick keeping its size; such files are not cached,
/// so their next build reads them.
const RACY_NS: i64 = 2_000_000_000;

/// What the file system says about a file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub size: u64,
    pub mtime_ns: i64,
}

impl Stamp {
    pub fn of(path: &Path) -> Option<Self> {
        let meta = std::fs::metadata(path).ok()?;
        let since = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        Some(Self {
            size: meta.len(),
            mtime_ns: i64::try_from(since.as_nanos()).ok()?,
        })
    }
}

/// One page as `Site::load` left it. The HTML is not kept (see
/// `Rendered::html`): a page's output is rewritten only when something
/// changed, and then the build renders it again from its file.
#[derive(Debug, Serialize, Deserialize)]
pub struct Entry {
    pub stamp: Stamp,
    pub front: FrontMatter,
    pub body_line: usize,
    pub source_hash: [u8; 32],
    pub rendered: Rendered,
    pub slides: Vec<Slide>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct RenderCache {
    version: u32,
    key: String,
    pages: HashMap<String, Entry>,
}

impl RenderCache {
    /// The cache saved in `out`, or an empty one when there is none or it was
    /// made from other inputs (a damaged file is simply not used).
    pub fn load(out: &Path, key: &str) -> Self {
        std::fs::read(out.join(CACHE_FILE))
            .ok()
            .and_then(|b| serde_json::from_slice::<Self>(&b).ok())
            .filter(|c| c.version == VERSION && c.key == key)
            .unwrap_or_default()
    }

    /// Takes the entry for `rel` if the file still has the cached stamp.
    pub fn take(&mut self, rel: &str, stamp: Option<Stamp>) -> Option<Entry> {
        let entry = self.pages.remove(rel)?;
        (Some(entry.stamp) == stamp).then_some(entry)
    }

    pub fn len(&self) -> usize {
        self.pages.len()
    }
}

/// Everything besides a page's own file that shapes its rendering. A new
/// binary never reuses an old one's renderings: its size and time are part
/// of the key, as the theme's Markdown pieces are compiled in.
pub fn render_key(root: &Path, config: &Config) -> String {
    let config = serde_json::to_vec(config).unwrap_or_default();
    let read = |rel: &str| std::fs::read(root.join(rel)).unwrap_or_default();
    let criteria = read(crate::criteria::CRITERIA_FILE);
    let glossary = read(crate::glossary::GLOSSARY_FILE);
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| Stamp::of(&p))
        .map(|s| format!("{}:{}", s.size, s.mtime_ns))
        .unwrap_or_else(|| "unknown".into());
    let program = format!("{}|{exe}", env!("CARGO_PKG_VERSION"));
    hash_hex(&[&config, &criteria, &glossary, program.as_bytes()])
}

#[derive(Serialize)]
struct EntryRef<'a> {
    stamp: Stamp,
    front: &'a crate::content::FrontMatter,
    body_line: usize,
    source_hash: &'a [u8; 32],
    rendered: &'a Rendered,
    slides: &'a [Slide],
}

#[derive(Serialize)]
struct CacheRef<'a> {
    version: u32,
    key: &'a str,
    pages: HashMap<&'a str, EntryRef<'a>>,
}

/// Saves what this build loaded, for the next one. Pages changed in the
/// last moments are left out (see `RACY_NS`).
pub fn save(out: &Path, key: &str, pages: &[LoadedPage]) -> Result<()> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    let pages = pages
        .iter()
        .filter_map(|lp| {
            let stamp = lp.stamp?;
            (stamp.mtime_ns < now - RACY_NS).then_some((
                lp.page.source.as_str(),
                EntryRef {
                    stamp,
                    front: &lp.page.front,
                    body_line: lp.page.body_line,
                    source_hash: &lp.page.source_hash,
                    rendered: &lp.rendered,
                    slides: &lp.slides,
                },
            ))
        })
        .collect();
    let cache = CacheRef {
        version: VERSION,
        key,
        pages,
    };
    let json = serde_json::to_vec(&cache).context("cannot encode the render cache")?;
    let path = out.join(CACHE_FILE);
    // Written aside and renamed, so an interrupted build leaves the old
    // cache or the new one, never half of one.
    let tmp = out.join(format!("{CACHE_FILE}.tmp"));
    std::fs::write(&tmp, json).with_context(|| format!("{}: cannot write", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("{}: cannot write", path.display()))
}
