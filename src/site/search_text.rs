//! Each page's search text between builds: its plain text and excerpt,
//! which only the search index needs. They are most of what a page leaves
//! behind (18 of 29 MB at 10,000 pages), and the render cache is read by
//! every rebuild, so they are kept apart, one file per part of the search
//! index, and a file is read only when its part must be written again.
//!
//! Every entry names the hash of the source it was made from and every file
//! the render key (configuration, data files, this program), so a stale
//! text is never used: a page without a fitting entry is rendered again.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// In the output folder; the server skips dot files and folders.
pub const TEXT_DIR: &str = ".prem-search-text";
const VERSION: u32 = 1;

/// One page's search text, and the source it was made from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Text {
    #[serde(with = "hex")]
    pub hash: [u8; 32],
    pub excerpt: String,
    pub text: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    key: String,
    /// By the page's source path.
    pages: HashMap<String, Text>,
}

#[derive(Serialize)]
struct FileRef<'a> {
    version: u32,
    key: &'a str,
    pages: &'a BTreeMap<&'a str, TextRef<'a>>,
}

/// A page's search text as the build holds it, for saving.
#[derive(Serialize)]
pub struct TextRef<'a> {
    #[serde(serialize_with = "hex::serialize")]
    pub hash: &'a [u8; 32],
    pub excerpt: &'a str,
    pub text: &'a str,
}

/// The file of part `part` of `parts`: the count is in the name, so files
/// of another split are never taken for this one's.
fn path(out: &Path, part: usize, parts: usize) -> PathBuf {
    out.join(TEXT_DIR).join(format!("{part}-of-{parts}.json"))
}

/// The texts saved for one part under `key`; empty when there are none (a
/// damaged file is simply not used).
pub fn read(out: &Path, part: usize, parts: usize, key: &str) -> HashMap<String, Text> {
    std::fs::read(path(out, part, parts))
        .ok()
        .and_then(|b| serde_json::from_slice::<File>(&b).ok())
        .filter(|f| f.version == VERSION && f.key == key)
        .map(|f| f.pages)
        .unwrap_or_default()
}

/// Saves one part's texts, aside and renamed so an interrupted build leaves
/// the old file or the new one.
pub fn write(
    out: &Path,
    part: usize,
    parts: usize,
    key: &str,
    pages: &BTreeMap<&str, TextRef>,
) -> Result<()> {
    let file = FileRef {
        version: VERSION,
        key,
        pages,
    };
    let json = serde_json::to_vec(&file).context("cannot encode search texts")?;
    let path = path(out, part, parts);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create folder", dir.display()))?;
    }
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, json).with_context(|| format!("{}: cannot write", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("{}: cannot write", path.display()))
}

/// Removes the files of another split (the site grew or shrank past a
/// part's worth of pages), which no build would read again.
pub fn tidy(out: &Path, parts: usize) {
    let Ok(entries) = std::fs::read_dir(out.join(TEXT_DIR)) else {
        return;
    };
    let suffix = format!("-of-{parts}.json");
    for e in entries.flatten() {
        let name = e.file_name();
        if !name.to_string_lossy().ends_with(&suffix) {
            // Only tidying: a file left behind costs disk space, nothing else.
            let _ = std::fs::remove_file(e.path());
        }
    }
}
