//! "Nothing to do": the stamp (path, size and time) of every file a build
//! reads, saved after a build that succeeded, so that the next `prem build`
//! with the same inputs, the same configuration and program, and its output
//! all still there, can say so without loading the site. A rebuild that
//! finds one file changed takes the whole road (the render cache then saves
//! most of it); anything less certain does too.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::cache::Stamp;
use super::output::{self, hash_hex};
use super::BuildOptions;
use crate::config::Config;
use crate::content::Problem;

/// Beside the output manifest; the server skips dot files.
pub const STATE_FILE: &str = ".prem-state.json";
const VERSION: u32 = 1;

/// A file changed this soon before the state is saved could change again
/// within the same clock tick keeping its size, so then none is saved.
const RACY_NS: i64 = 2_000_000_000;

/// Everything a build reads, stamped before it reads any of it.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    key: String,
    newest_ns: i64,
    /// Each file's stamp, sorted by path, so the load asks the file system
    /// about each source once: a third of a rebuild's time at 10,000 pages
    /// went on asking three times. Searched rather than hashed: a build
    /// with nothing changed never looks.
    stamps: Vec<(String, Option<Stamp>)>,
    /// How long stamping took, for `prem build --timings`.
    pub(super) took: std::time::Duration,
}

/// Whether the last build into the output folder is still what these
/// inputs would make.
#[derive(Debug)]
pub enum Freshness {
    UpToDate(UpToDate),
    /// Something changed: the inputs as stamped, for `Site::load_stamped`.
    Changed(Inputs),
}

#[derive(Debug, Serialize, Deserialize)]
struct State {
    version: u32,
    key: String,
    pages: usize,
    /// The warnings the build printed, printed again when nothing changed.
    warnings: Vec<String>,
}

/// What a build with nothing to do reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpToDate {
    pub pages: usize,
    /// Files in the output, every one still there.
    pub outputs: usize,
    pub warnings: Vec<String>,
}

impl Inputs {
    /// Stamps the content folder, the theme, the data files, the
    /// configuration (with its environment overrides), this program and how
    /// the build is run.
    pub fn stamp(config: &Config, opts: &BuildOptions) -> Self {
        let start = std::time::Instant::now();
        let root = &opts.root;
        let mut files = Vec::new();
        collect(&root.join(&config.build.content_dir), &mut files);
        collect(
            &root.join(&config.build.themes_dir).join(&config.site.theme),
            &mut files,
        );
        for data in [
            crate::criteria::CRITERIA_FILE,
            crate::glossary::GLOSSARY_FILE,
            crate::checker::CHECKER_FILE,
        ] {
            files.push(root.join(data));
        }
        let mut stamps: Vec<(String, Option<Stamp>)> = files
            .into_par_iter()
            .map(|p| {
                let stamp = Stamp::of(&p);
                (p.to_string_lossy().into_owned(), stamp)
            })
            .collect();
        // As text: comparing paths component by component is much slower.
        stamps.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let newest_ns = stamps
            .iter()
            .filter_map(|(_, s)| s.map(|s| s.mtime_ns))
            .max()
            .unwrap_or(0);
        let mut listed = String::with_capacity(stamps.len() * 96);
        for (p, s) in &stamps {
            let _ = match s {
                Some(s) => writeln!(listed, "{p}\t{}\t{}", s.size, s.mtime_ns),
                None => writeln!(listed, "{p}\tabsent"),
            };
        }
        let how = format!(
            "{VERSION}|{}|{}|{}|{}|{}",
            program(),
            opts.drafts,
            opts.live_reload,
            opts.forms_link,
            opts.today
        );
        let config = serde_json::to_vec(config).unwrap_or_default();
        Self {
            key: hash_hex(&[how.as_bytes(), &config, listed.as_bytes()]),
            newest_ns,
            stamps,
            took: start.elapsed(),
        }
    }

    /// The stamp of `path` as taken before the load read anything, or taken
    /// now when the path was not among the inputs stamped.
    pub fn stamp_of(&self, path: &Path) -> Option<Stamp> {
        let found = path.to_str().and_then(|p| {
            self.stamps
                .binary_search_by(|(q, _)| q.as_str().cmp(p))
                .ok()
        });
        match found {
            Some(i) => self.stamps[i].1,
            None => Stamp::of(path),
        }
    }
}

/// This very program, by size and time: a new build of prem never trusts
/// an old one's output (its layouts and Markdown passes are compiled in).
pub(super) fn program() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|p| Stamp::of(&p))
        .map(|s| format!("{}:{}", s.size, s.mtime_ns))
        .unwrap_or_else(|| "unknown".into())
}

fn collect(dir: &Path, into: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        match e.file_type() {
            Ok(t) if t.is_dir() => collect(&e.path(), into),
            _ => into.push(e.path()),
        }
    }
}

/// `UpToDate` when the last build into `opts.out` read exactly these
/// inputs, succeeded, and left every file it made in place.
pub fn up_to_date(config: &Config, opts: &BuildOptions) -> Freshness {
    let inputs = Inputs::stamp(config, opts);
    match last_build(opts, &inputs) {
        Some(done) => Freshness::UpToDate(done),
        None => Freshness::Changed(inputs),
    }
}

fn last_build(opts: &BuildOptions, inputs: &Inputs) -> Option<UpToDate> {
    let bytes = std::fs::read(opts.out.join(STATE_FILE)).ok()?;
    let state: State = serde_json::from_slice(&bytes).ok()?;
    if state.version != VERSION || state.key != inputs.key {
        return None;
    }
    let outputs = output::recorded(&opts.out)?;
    let all_there = outputs.par_iter().all(|rel| opts.out.join(rel).is_file());
    all_there.then_some(UpToDate {
        pages: state.pages,
        outputs: outputs.len(),
        warnings: state.warnings,
    })
}

/// Called before a build changes its output: until it has finished, the
/// output is not what any saved state describes.
pub(super) fn forget(out: &Path) {
    let _ = std::fs::remove_file(out.join(STATE_FILE));
}

/// Saves the state after a build that succeeded, unless an input changed
/// in the last moments (see `RACY_NS`).
pub(super) fn save(out: &Path, inputs: &Inputs, pages: usize, warnings: &[Problem]) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    if inputs.key.is_empty() || inputs.newest_ns >= now - RACY_NS {
        return;
    }
    let state = State {
        version: VERSION,
        key: inputs.key.clone(),
        pages,
        warnings: warnings.iter().map(ToString::to_string).collect(),
    };
    if let Ok(json) = serde_json::to_vec(&state) {
        // Only a saving: a state that cannot be written means a full rebuild next time.
        let _ = std::fs::write(out.join(STATE_FILE), json);
    }
}
