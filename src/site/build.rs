//! Rendering, as named steps run in order, the way Zola's `Site::build` does:
//! the pages, the section indexes and the decks (each in parallel), the search
//! index, the generated pages (glossary, search, 404), the checker, the
//! sitemap, and the content's and theme's files. Every step writes through
//! one `Output` and is timed, so a slow build says which step was slow.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::output::{hash_hex, Output};
use super::render::Render;
use super::tree::Tree;
use super::{assets, state, Site};
use crate::search::Entry;
use crate::theme::{Link, SiteInfo};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildStats {
    pub pages: usize,
    pub written: usize,
    pub skipped: usize,
    pub removed: usize,
    /// Pages whose Markdown was rendered (at load, or again to be written)
    /// and pages taken from the render cache without reading their file.
    pub rendered: usize,
    pub reused: usize,
}

/// What a server needs after a build to answer search on its own.
#[derive(Debug, Clone)]
pub struct Built {
    pub stats: BuildStats,
    pub info: SiteInfo,
    /// Every page A to Z, for the search page.
    pub all: Vec<Link>,
    /// The whole search index, when `BuildOptions::search_in_memory`; else empty.
    pub index: Vec<Entry>,
    /// Each step of the load and the build with the time it took, in the order they ran.
    pub steps: Vec<Step>,
}

/// One named step of a build and how long it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub name: &'static str,
    pub took: Duration,
}

pub fn build(site: &Site) -> Result<Built> {
    let mut steps = Steps(site.load_steps.clone());
    let out = steps.time("open_output", || Output::open(&site.opts.out))?;
    state::forget(&site.opts.out);
    let theme_assets = steps.time("read_theme_assets", || assets::theme(site))?;
    let tree = Tree::new(&site.pages);
    let info = site_info(site, &tree, &theme_assets);
    let global = global_key(site, &info)?;
    let r = Render::new(site, tree, info, out, global);
    steps.time("render_pages", || r.render_pages())?;
    steps.time("render_sections", || r.render_sections())?;
    steps.time("render_decks", || r.render_decks())?;
    let index = steps.time("render_search_index", || r.render_search_index())?;
    let all = steps.time("render_generated", || r.render_generated())?;
    steps.time("render_checker", || r.render_checker())?;
    steps.time("render_sitemap", || r.render_sitemap())?;
    steps.time("copy_assets", || r.copy_assets(&theme_assets))?;
    let Render {
        out, info, again, ..
    } = r;
    let written = out.written.load(Ordering::Relaxed);
    let skipped = out.skipped.load(Ordering::Relaxed);
    let removed = steps.time("finish_output", || out.finish())?;
    steps.time("save_cache", || site.save_cache())?;
    state::save(
        &site.opts.out,
        &site.stamped,
        site.pages.len(),
        &site.warnings,
    );
    Ok(Built {
        stats: BuildStats {
            pages: site.pages.len(),
            written,
            skipped,
            removed,
            rendered: site.rendered + again.load(Ordering::Relaxed),
            reused: site.reused,
        },
        info,
        all,
        index,
        steps: steps.0,
    })
}

/// The steps of a load and its build so far, in the order they ran.
#[derive(Debug, Default)]
pub(super) struct Steps(pub(super) Vec<Step>);

impl Steps {
    /// Runs one step, noting its name and time (also as a debug log line).
    pub(super) fn time<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let result = f();
        let took = start.elapsed();
        tracing::debug!(step = name, ms = took.as_secs_f64() * 1000.0, "build step");
        self.0.push(Step { name, took });
        result
    }
}

/// The site-wide facts every page shows; the assets' hash versions their URLs.
fn site_info(site: &Site, tree: &Tree, theme_assets: &[(String, Vec<u8>)]) -> SiteInfo {
    let bytes: Vec<&[u8]> = theme_assets.iter().map(|(_, b)| b.as_slice()).collect();
    SiteInfo {
        name: site.config.site.name.clone(),
        title: site.config.site.title.clone(),
        language: site.config.site.language.clone(),
        contact_mailbox: site.config.partnership.contact_mailbox.clone(),
        contact_role: site.config.partnership.contact_role.clone(),
        emergency_notice: site.config.partnership.emergency_notice.clone(),
        asset_version: hash_hex(&bytes)[..10].to_string(),
        live_reload: site.opts.live_reload,
        nav: tree.top_sections(),
        forms_link: site.opts.forms_link,
        footer_links: site
            .config
            .site
            .footer_links
            .iter()
            .map(|l| Link {
                title: l.title.clone(),
                url: l.href.clone(),
                summary: None,
            })
            .collect(),
    }
}

/// Everything that appears on every page: if it changes, every page is
/// redone. That includes this program: the layouts are compiled in, so a
/// new build of prem may draw every page differently.
fn global_key(site: &Site, info: &SiteInfo) -> Result<String> {
    let config = serde_json::to_vec(&site.config).context("cannot encode configuration")?;
    let nav: Vec<_> = site
        .pages
        .iter()
        .map(|lp| {
            (
                &lp.page.url,
                &lp.page.front.title,
                &lp.page.front.summary,
                lp.page.front.weight,
                &lp.page.parent,
            )
        })
        .collect();
    let nav = serde_json::to_vec(&nav).context("cannot encode navigation")?;
    let criteria =
        std::fs::read(site.opts.root.join(crate::criteria::CRITERIA_FILE)).unwrap_or_default();
    let flags = format!(
        "{}|{}|{}|{}|{}",
        env!("CARGO_PKG_VERSION"),
        state::program(),
        info.asset_version,
        site.opts.live_reload,
        site.opts.forms_link
    );
    let today = site.opts.today.to_string();
    Ok(hash_hex(&[
        &config,
        &nav,
        &criteria,
        flags.as_bytes(),
        today.as_bytes(),
    ]))
}
