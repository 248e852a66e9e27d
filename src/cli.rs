//! The commands behind `main.rs`, kept in the library so tests run exactly
//! what the binary runs. Each returns the process exit code: 0 on success,
//! 1 when content has problems (every one of them printed as `path:line`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;

use crate::config::Config;
use crate::site::{BuildOptions, Report, Site};

fn load(
    root: &Path,
    drafts: bool,
    out: Option<PathBuf>,
) -> Result<std::result::Result<Site, Report>> {
    let config = Config::load(root)?;
    let mut opts = BuildOptions::new(root, &config);
    opts.drafts |= drafts;
    opts.progress = true;
    if let Some(out) = out {
        opts.out = out;
    }
    Ok(Site::load(config, opts))
}

fn print_report(report: &Report) -> ExitCode {
    eprintln!("{report}");
    ExitCode::from(1)
}

fn print_warnings(site: &Site) {
    for w in &site.warnings {
        eprintln!("{w}");
    }
}

pub fn build(root: &Path, out: Option<PathBuf>, drafts: bool) -> Result<ExitCode> {
    let start = Instant::now();
    let site = match load(root, drafts, out)? {
        Ok(site) => site,
        Err(report) => return Ok(print_report(&report)),
    };
    print_warnings(&site);
    let built = site.build()?;
    let s = built.stats;
    eprintln!(
        "built {} pages into {} in {:.2?} ({} files written, {} unchanged, {} removed)",
        s.pages,
        site.opts.out.display(),
        start.elapsed(),
        s.written,
        s.skipped,
        s.removed
    );
    Ok(ExitCode::SUCCESS)
}

pub fn check(root: &Path, drafts: bool) -> Result<ExitCode> {
    let site = match load(root, drafts, None)? {
        Ok(site) => site,
        Err(report) => return Ok(print_report(&report)),
    };
    print_warnings(&site);
    eprintln!("checked {} pages: no problems found", site.pages.len());
    Ok(ExitCode::SUCCESS)
}

pub fn preview(root: &Path, addr: &str, out: Option<PathBuf>, drafts: bool) -> Result<ExitCode> {
    let config = Config::load(root)?;
    let mut opts = BuildOptions::new(root, &config);
    opts.drafts |= drafts;
    opts.live_reload = true;
    opts.out = out.unwrap_or_else(|| std::env::temp_dir().join("prem-preview"));
    crate::preview::run(config, opts, addr)?;
    Ok(ExitCode::SUCCESS)
}
