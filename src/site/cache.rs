//! The render cache: what `Site::load` learnt from each page last time, so a
//! rebuild reads and renders only the files that changed. The output
//! manifest alone only saves writing; reading and rendering 10,000 pages is
//! most of a build.
//!
//! A page is reused when its file has the same size and modification time
//! as when it was cached and every input that shapes a rendering is
//! unchanged (the render key: configuration, criteria, glossary and this
//! very program). Anything less certain re-renders: correct before fast.

mod file;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use file::{write_atomically, BodyRef, EntryRef, FactsRef, File};

use super::output::hash_hex;
use super::LoadedPage;
use crate::config::Config;
use crate::content::{FrontMatter, Heading};
use crate::markdown::{ImageRef, LinkTarget, Rendered};
use crate::slides::Slide;

/// Beside the output manifest; the server skips dot files.
pub const CACHE_FILE: &str = ".prem-cache.bin";
/// Pages changed since `CACHE_FILE` was written, so an edit saves little.
pub const DELTA_FILE: &str = ".prem-cache-delta.bin";
const VERSION: u32 = 5;

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
/// changed, and then the build renders it again from its file. Nor is its
/// text: only the search index needs it, and it is most of a page's size,
/// so it is kept per part of the index (`search_text`) and read only when
/// that part changes; this file, read by every rebuild, stays small.
#[derive(Debug, Serialize, Deserialize)]
pub struct Entry {
    pub stamp: Stamp,
    pub front: FrontMatter,
    pub body_line: usize,
    pub source_hash: [u8; 32],
    pub facts: Facts,
    pub slides: Vec<Slide>,
}

/// What the checks across pages and the layouts need of a rendering. A
/// cached page rendered without problems, or the build that saved it
/// would have failed; its acronyms are not kept, as they were found in the
/// glossary then and the glossary is part of the render key.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Facts {
    pub headings: Vec<Heading>,
    pub anchors: Vec<LinkTarget>,
    pub images: Vec<ImageRef>,
}

impl Facts {
    /// A rendering with these facts and no HTML or text, for a reused page.
    pub fn into_rendered(self) -> Rendered {
        Rendered {
            headings: self.headings,
            anchors: self.anchors,
            images: self.images,
            ..Rendered::default()
        }
    }
}

/// The saved cache, base and delta merged, as a load finds it. Kept as the
/// base's sorted list, looked up by binary search: hashing 10,000 entries
/// of several hundred bytes into a map cost a rebuild more than finding
/// them.
#[derive(Debug, Default)]
pub struct RenderCache {
    /// The base's pages with the delta applied, sorted by source path; an
    /// entry is `None` once taken, or when the delta deleted it.
    pages: Vec<(String, Option<Entry>)>,
    /// Pages the delta added that the base does not have.
    added: HashMap<String, Entry>,
    /// The base's id, when there is a base for this key.
    base: Option<String>,
    /// Pages whose entry came from the delta: they still differ from the base.
    from_delta: HashSet<String>,
}

impl RenderCache {
    /// The cache saved in `out`, or an empty one when there is none or it was
    /// made from other inputs (a damaged file is simply not used).
    pub fn load(out: &Path, key: &str) -> Self {
        let Some(base) = File::read(&out.join(CACHE_FILE), key) else {
            return Self::default();
        };
        let mut cache = Self {
            pages: base
                .body
                .pages
                .into_iter()
                .map(|(rel, e)| (rel, Some(e)))
                .collect(),
            added: HashMap::new(),
            base: Some(base.base),
            from_delta: HashSet::new(),
        };
        let delta =
            File::read(&out.join(DELTA_FILE), key).filter(|d| Some(&d.base) == cache.base.as_ref());
        if let Some(delta) = delta {
            for rel in &delta.body.removed {
                if let Some(slot) = cache.slot(rel) {
                    *slot = None;
                }
                cache.added.remove(rel);
            }
            for (rel, e) in delta.body.pages {
                cache.from_delta.insert(rel.clone());
                match cache.slot(&rel) {
                    Some(slot) => *slot = Some(e),
                    None => {
                        cache.added.insert(rel, e);
                    }
                }
            }
        }
        cache
    }

    fn slot(&mut self, rel: &str) -> Option<&mut Option<Entry>> {
        let i = self
            .pages
            .binary_search_by(|(k, _)| k.as_str().cmp(rel))
            .ok()?;
        Some(&mut self.pages[i].1)
    }

    /// Takes the entry for `rel` if the file still has the cached stamp.
    pub fn take(&mut self, rel: &str, stamp: Option<Stamp>) -> Option<Entry> {
        let entry = match self.slot(rel) {
            Some(slot) => slot.take(),
            None => self.added.remove(rel),
        }?;
        (Some(entry.stamp) == stamp).then_some(entry)
    }

    /// What saving needs to know once the load is done: `changed` are the
    /// pages read this time; entries left untaken are pages deleted since.
    pub fn into_plan(self, key: String, changed: HashSet<String>) -> Plan {
        let untaken = !self.added.is_empty() || self.pages.iter().any(|(_, e)| e.is_some());
        let stale = !changed.is_empty() || untaken;
        let mut changed = changed;
        changed.extend(self.from_delta);
        let pages = self.pages;
        Plan {
            key,
            base: self
                .base
                .map(|id| (id, pages.into_iter().map(|(rel, _)| rel).collect())),
            changed,
            stale,
        }
    }
}

/// How the next save goes: nothing when nothing changed, a small delta when
/// few pages did, a whole new base otherwise. Saving all 10,000 pages would
/// cost an edit of one page more than everything else the rebuild does.
#[derive(Debug, Default)]
pub struct Plan {
    pub key: String,
    /// The base's id and its pages, sorted.
    base: Option<(String, Vec<String>)>,
    /// Pages that differ from the base (read this time, or in the delta).
    changed: HashSet<String>,
    stale: bool,
}

/// Everything besides a page's own file that shapes its rendering. A new
/// binary never reuses an old one's renderings: its size and time are part
/// of the key, as the theme's Markdown pieces are compiled in.
pub fn render_key(root: &Path, config: &Config) -> String {
    let config = serde_json::to_vec(config).unwrap_or_default();
    let read = |rel: &str| std::fs::read(root.join(rel)).unwrap_or_default();
    let criteria = read(crate::criteria::CRITERIA_FILE);
    let glossary = read(crate::glossary::GLOSSARY_FILE);
    let program = format!("{}|{}", env!("CARGO_PKG_VERSION"), super::state::program());
    hash_hex(&[&config, &criteria, &glossary, program.as_bytes()])
}

/// A delta past this share of the site's pages is folded into a new base.
const DELTA_SHARE: usize = 10;

/// Saves what this build loaded, for the next one. Pages changed in the
/// last moments are left out (see `RACY_NS`).
pub fn save(out: &Path, plan: &Plan, pages: &[LoadedPage]) -> Result<()> {
    if !plan.stale {
        return Ok(());
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    let delta = plan
        .base
        .as_ref()
        .filter(|_| plan.changed.len() <= pages.len() / DELTA_SHARE);
    let entries = |only_changed: bool| -> Vec<(&str, EntryRef)> {
        pages
            .iter()
            .filter(|lp| !only_changed || plan.changed.contains(&lp.page.source))
            .filter_map(|lp| {
                let stamp = lp.stamp?;
                (stamp.mtime_ns < now - RACY_NS).then_some((
                    lp.page.source.as_str(),
                    EntryRef {
                        stamp,
                        front: &lp.page.front,
                        body_line: lp.page.body_line,
                        source_hash: &lp.page.source_hash,
                        facts: FactsRef::of(&lp.rendered),
                        slides: &lp.slides,
                    },
                ))
            })
            .collect()
    };
    match delta {
        Some((id, keys)) => {
            // The site's pages are sorted by source, as the base's are.
            let present = |k: &str| {
                pages
                    .binary_search_by(|lp| lp.page.source.as_str().cmp(k))
                    .is_ok()
            };
            let removed = keys
                .iter()
                .map(String::as_str)
                .filter(|k| !present(k))
                .collect();
            let body = BodyRef {
                pages: entries(true),
                removed,
            };
            write_atomically(out, DELTA_FILE, &plan.key, id, &body)
        }
        None => {
            let id = hash_hex(&[plan.key.as_bytes(), &now.to_le_bytes()]);
            let body = BodyRef {
                pages: entries(false),
                removed: Vec::new(),
            };
            write_atomically(out, CACHE_FILE, &plan.key, &id, &body)?;
            match std::fs::remove_file(out.join(DELTA_FILE)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e)
                    .with_context(|| format!("{}: cannot remove", out.join(DELTA_FILE).display())),
                _ => Ok(()),
            }
        }
    }
}
