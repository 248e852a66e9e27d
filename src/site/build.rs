//! Rendering: every page through its layout, in parallel, then the generated
//! pages (glossary, search, 404), the search index, the sitemap and assets.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};
use rayon::prelude::*;

use super::output::{hash_hex, Output};
use super::{LoadedPage, Site};
use crate::content::PageKind;
use crate::search::{self, Entry};
use crate::theme::{self, DeckView, Link, PageView, SiteInfo};

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
    pub index: Vec<Entry>,
}

/// Who links to whom: children of each section, and titles for breadcrumbs.
struct Tree<'a> {
    children: HashMap<&'a str, Vec<&'a LoadedPage>>,
    by_url: HashMap<&'a str, &'a LoadedPage>,
}

impl<'a> Tree<'a> {
    fn new(pages: &'a [LoadedPage]) -> Self {
        let mut children: HashMap<&str, Vec<&LoadedPage>> = HashMap::new();
        for lp in pages {
            if let Some(parent) = &lp.page.parent {
                children.entry(parent.as_str()).or_default().push(lp);
            }
        }
        for v in children.values_mut() {
            v.sort_by(|a, b| a.page.order_key().cmp(&b.page.order_key()));
        }
        Self {
            children,
            by_url: pages.iter().map(|lp| (lp.page.url.as_str(), lp)).collect(),
        }
    }

    fn links(&self, parent: &str) -> Vec<Link> {
        self.children
            .get(parent)
            .map(|v| v.iter().map(|lp| link(lp)).collect())
            .unwrap_or_default()
    }

    /// The side navigation for a page: its section's pages, or, in a large
    /// section, the pages either side of it and a link to the whole list, so
    /// no page carries hundreds of links.
    fn neighbours(&self, parent: &str, url: &str) -> Vec<Link> {
        const WINDOW: usize = 10;
        let Some(pages) = self.children.get(parent) else {
            return Vec::new();
        };
        if pages.len() <= 2 * WINDOW + 5 {
            return pages.iter().map(|lp| link(lp)).collect();
        }
        let at = pages.iter().position(|lp| lp.page.url == url).unwrap_or(0);
        let from = at.saturating_sub(WINDOW);
        let to = (at + WINDOW + 1).min(pages.len());
        let mut links: Vec<Link> = pages[from..to].iter().map(|lp| link(lp)).collect();
        let title = format!("All {} pages in this section", pages.len());
        links.push(Link {
            title,
            url: parent.to_string(),
            summary: None,
        });
        links
    }

    fn breadcrumbs(&self, lp: &LoadedPage) -> Vec<Link> {
        let mut crumbs = Vec::new();
        let mut parent = lp.page.parent.as_deref();
        while let Some(url) = parent {
            match self.by_url.get(url) {
                Some(p) => {
                    let title = if p.page.kind == PageKind::Home {
                        "Home".to_string()
                    } else {
                        p.page.front.title.clone()
                    };
                    crumbs.push(Link {
                        title,
                        url: url.to_string(),
                        summary: None,
                    });
                    parent = p.page.parent.as_deref();
                }
                None => break,
            }
        }
        crumbs.reverse();
        crumbs
    }
}

fn link(lp: &LoadedPage) -> Link {
    Link {
        title: lp.page.front.title.clone(),
        url: lp.page.url.clone(),
        summary: lp.page.front.summary.clone(),
    }
}

pub fn build(site: &Site) -> Result<Built> {
    let out = Output::open(&site.opts.out)?;
    let assets = collect_assets(site)?;
    let asset_version =
        hash_hex(&assets.iter().map(|(_, b)| b.as_slice()).collect::<Vec<_>>())[..10].to_string();
    let tree = Tree::new(&site.pages);
    let info = SiteInfo {
        name: site.config.site.name.clone(),
        title: site.config.site.title.clone(),
        language: site.config.site.language.clone(),
        contact_mailbox: site.config.partnership.contact_mailbox.clone(),
        contact_role: site.config.partnership.contact_role.clone(),
        asset_version,
        live_reload: site.opts.live_reload,
        nav: tree
            .children
            .get("/")
            .map(|v| {
                v.iter()
                    .filter(|lp| lp.page.kind == PageKind::Section)
                    .map(|lp| link(lp))
                    .collect()
            })
            .unwrap_or_default(),
        forms_link: site.opts.forms_link,
    };
    let global = global_key(site, &info)?;
    let done = AtomicUsize::new(0);
    let again = AtomicUsize::new(0);
    let total = site.pages.len();
    site.pages.par_iter().try_for_each(|lp| {
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        if site.opts.progress {
            show_progress(n, total);
        }
        render_one(site, &tree, &info, &out, &global, lp, &again)
    })?;
    let index = search_entries(site);
    let all = write_generated(site, &tree, &info, &out, &index)?;
    write_checker(site, &info, &out)?;
    write_assets(&out, &assets)?;
    let written = out.written.load(Ordering::Relaxed);
    let skipped = out.skipped.load(Ordering::Relaxed);
    let removed = out.finish()?;
    site.save_cache()?;
    Ok(Built {
        stats: BuildStats {
            pages: total,
            written,
            skipped,
            removed,
            rendered: site.rendered + again.load(Ordering::Relaxed),
            reused: site.reused,
        },
        info,
        all,
        index,
    })
}

/// One line on a terminal, rewritten in place ("rendered 4000 of 10000
/// pages (40%)"), for builds long enough to wonder about; `progress` is only
/// set when stderr is a terminal, so logs and pipes never get it.
fn show_progress(n: usize, total: usize) {
    if total < 500 || !(n.is_multiple_of(250) || n == total) {
        return;
    }
    let end = if n == total { "\n" } else { "" };
    eprint!(
        "\r  rendered {n} of {total} pages ({}%){end}",
        n * 100 / total
    );
}

/// Everything that appears on every page: if it changes, every page is redone.
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
        "{}|{}|{}|{}",
        env!("CARGO_PKG_VERSION"),
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

fn index_rel(url: &str) -> String {
    format!("{}index.html", url.trim_start_matches('/'))
}

fn render_one(
    site: &Site,
    tree: &Tree,
    info: &SiteInfo,
    out: &Output,
    global: &str,
    lp: &LoadedPage,
    again: &AtomicUsize,
) -> Result<()> {
    let p = &lp.page;
    if p.url == crate::glossary::GLOSSARY_URL {
        return Ok(()); // rendered with the generated pages, from the glossary data
    }
    let key = hash_hex(&[global.as_bytes(), &p.source_hash]);
    let rel = index_rel(&p.url);
    if out.is_current(&rel, &key) && (p.kind != PageKind::Deck || deck_current(out, &p.url, &key)) {
        return Ok(());
    }
    let fresh;
    let lp = if lp.reused {
        fresh = site.rerender(lp)?;
        again.fetch_add(1, Ordering::Relaxed);
        &fresh
    } else {
        lp
    };
    let section = p.parent.as_deref().and_then(|u| tree.by_url.get(u));
    let view = PageView {
        site: info,
        url: &p.url,
        front: &p.front,
        breadcrumbs: tree.breadcrumbs(lp),
        section_nav: p
            .parent
            .as_deref()
            .map(|u| tree.neighbours(u, &p.url))
            .unwrap_or_default(),
        section_title: section
            .filter(|s| s.page.kind != PageKind::Home)
            .map(|s| s.page.front.title.clone()),
        children: tree.links(&p.url),
        headings: &lp.rendered.headings,
        body_html: &lp.rendered.html,
        today: site.opts.today,
    };
    let html = match p.kind {
        PageKind::Home => theme::home_page(&view),
        PageKind::Section => theme::section_page(&view),
        PageKind::Page => theme::page(&view),
        PageKind::Deck => {
            let deck = DeckView {
                page: view,
                slides: &lp.slides,
            };
            out.write(
                &index_rel(&format!("{}presenter/", p.url)),
                &key,
                theme::presenter_page(&deck).into_string().as_bytes(),
            )?;
            out.write(
                &index_rel(&format!("{}handout/", p.url)),
                &key,
                theme::handout_page(&deck).into_string().as_bytes(),
            )?;
            theme::deck_page(&deck)
        }
    };
    out.write(&rel, &key, html.into_string().as_bytes())
}

fn deck_current(out: &Output, url: &str, key: &str) -> bool {
    out.is_current(&index_rel(&format!("{url}presenter/")), key)
        && out.is_current(&index_rel(&format!("{url}handout/")), key)
}

fn write_generated(
    site: &Site,
    tree: &Tree,
    info: &SiteInfo,
    out: &Output,
    index: &[Entry],
) -> Result<Vec<Link>> {
    let glossary_intro = tree.by_url.get(crate::glossary::GLOSSARY_URL);
    let intro_view = glossary_intro.map(|lp| PageView {
        site: info,
        url: crate::glossary::GLOSSARY_URL,
        front: &lp.page.front,
        breadcrumbs: Vec::new(),
        section_nav: Vec::new(),
        section_title: None,
        children: Vec::new(),
        headings: &lp.rendered.headings,
        body_html: &lp.rendered.html,
        today: site.opts.today,
    });
    let title = glossary_intro
        .map(|lp| lp.page.front.title.as_str())
        .unwrap_or("Glossary");
    if site.glossary.present || glossary_intro.is_some() {
        let html =
            theme::glossary_page(info, title, intro_view.as_ref(), &site.glossary).into_string();
        out.write_generated("glossary/index.html", html.as_bytes())?;
    }
    // Titles only: on a large site the A to Z list would otherwise dwarf every other page.
    let mut all: Vec<Link> = site
        .pages
        .iter()
        .map(|lp| Link {
            summary: None,
            ..link(lp)
        })
        .collect();
    all.sort_by(|a, b| {
        a.title
            .to_lowercase()
            .cmp(&b.title.to_lowercase())
            .then(a.url.cmp(&b.url))
    });
    out.write_generated(
        "search/index.html",
        theme::search_page(info, None, None, &all)
            .into_string()
            .as_bytes(),
    )?;
    out.write_generated(search::INDEX_FILE, search::index_json(index).as_bytes())?;
    out.write_generated(
        "404.html",
        theme::not_found_page(info).into_string().as_bytes(),
    )?;
    out.write_generated("sitemap.xml", sitemap(site).as_bytes())?;
    out.write_generated(
        "robots.txt",
        format!(
            "User-agent: *\nAllow: /\nSitemap: {}/sitemap.xml\n",
            site.config.base_url()
        )
        .as_bytes(),
    )?;
    for rel in &site.assets {
        let bytes = std::fs::read(site.content_dir().join(rel))
            .with_context(|| format!("{}: cannot read", site.content_dir().join(rel).display()))?;
        out.write_generated(rel, &bytes)?;
    }
    Ok(all)
}

fn search_entries(site: &Site) -> Vec<Entry> {
    let entries = site
        .pages
        .iter()
        .map(|lp| Entry {
            t: lp.page.front.title.clone(),
            u: lp.page.url.clone(),
            s: lp
                .page
                .front
                .summary
                .clone()
                .unwrap_or_else(|| lp.rendered.excerpt.clone()),
            h: lp
                .rendered
                .headings
                .iter()
                .filter(|h| h.level <= 3)
                .map(|h| h.text.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            b: search::body_text(&lp.rendered.text),
        })
        .chain(glossary_entries(site))
        .chain(checker_entry(site))
        .collect();
    search::sorted(entries)
}

/// One search entry per glossary term, so a search for an acronym finds
/// its meaning as well as the pages that use it.
fn glossary_entries(site: &Site) -> Vec<Entry> {
    site.glossary
        .terms
        .iter()
        .map(|t| Entry {
            t: format!("{} (glossary)", t.term),
            u: format!(
                "{}#{}",
                crate::glossary::GLOSSARY_URL,
                crate::glossary::anchor(&t.term)
            ),
            s: match &t.expansion {
                Some(e) => format!("{e}: {}", t.definition),
                None => t.definition.clone(),
            },
            h: String::new(),
            b: String::new(),
        })
        .collect()
}

/// The checker's start page, each question and each outcome, as static pages.
fn write_checker(site: &Site, info: &SiteInfo, out: &Output) -> Result<()> {
    let c = &site.checker;
    if !c.present {
        return Ok(());
    }
    let rel = |url: &str| index_rel(url);
    let home = Link {
        title: "Home".into(),
        url: "/".into(),
        summary: None,
    };
    let start = theme::checker_start(info, c, &[home]);
    out.write_generated(&rel(&c.url), start.into_string().as_bytes())?;
    for q in &c.questions {
        let criterion = q
            .criterion
            .as_deref()
            .and_then(|name| c.criterion_in(&site.criteria, name));
        let html = theme::checker_question(info, c, q, criterion);
        out.write_generated(&rel(&c.page_url(&q.id)), html.into_string().as_bytes())?;
    }
    for o in &c.outcomes {
        let html = theme::checker_outcome(info, c, o);
        out.write_generated(&rel(&c.page_url(&o.id)), html.into_string().as_bytes())?;
    }
    Ok(())
}

/// The checker's start page in search, found by any of its words.
fn checker_entry(site: &Site) -> Option<Entry> {
    let c = &site.checker;
    c.present.then(|| Entry {
        t: c.title.clone(),
        u: c.url.clone(),
        s: c.summary.clone(),
        h: String::new(),
        b: search::body_text(&c.text()),
    })
}

fn sitemap(site: &Site) -> String {
    let base = site.config.base_url();
    let mut urls: Vec<(String, Option<String>)> = Vec::new();
    for lp in &site.pages {
        let lastmod = lp.page.front.reviewed.map(|d| d.to_string());
        urls.push((lp.page.url.clone(), lastmod.clone()));
        if lp.page.kind == PageKind::Deck {
            urls.push((format!("{}presenter/", lp.page.url), lastmod.clone()));
            urls.push((format!("{}handout/", lp.page.url), lastmod));
        }
    }
    if !urls.iter().any(|(u, _)| u == crate::glossary::GLOSSARY_URL) && site.glossary.present {
        urls.push((crate::glossary::GLOSSARY_URL.into(), None));
    }
    urls.push((search::SEARCH_URL.into(), None));
    if site.checker.present {
        urls.push((site.checker.url.clone(), None));
    }
    urls.sort();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (u, lastmod) in urls {
        xml.push_str(&format!(
            "  <url><loc>{}</loc>",
            crate::markdown::escape(&format!("{base}{u}"))
        ));
        if let Some(d) = lastmod {
            xml.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// Writes the theme's assets with their gzip and brotli copies, and adds
/// copies of the search index the browser fetches: every text file a page
/// loads travels compressed (GOV.UK Frontend's CSS: 131 KB becomes ~15 KB).
fn write_assets(out: &Output, assets: &[(String, Vec<u8>)]) -> Result<()> {
    for (rel, bytes) in assets {
        out.write_precompressed(rel, bytes)?;
    }
    let index = out.root().join(search::INDEX_FILE);
    if let Ok(bytes) = std::fs::read(&index) {
        out.write_compressed_copies(search::INDEX_FILE, &bytes)?;
    }
    Ok(())
}

/// The theme's assets and the vendored GOV.UK Frontend CSS, as (output path, bytes).
fn collect_assets(site: &Site) -> Result<Vec<(String, Vec<u8>)>> {
    let theme_dir = site
        .opts
        .root
        .join(&site.config.build.themes_dir)
        .join(&site.config.site.theme);
    let mut assets = Vec::new();
    read_dir_into(&theme_dir.join("assets"), "assets", &mut assets)?;
    let vendor = theme_dir.join("vendor/govuk-frontend");
    for (from, to) in [
        ("govuk-frontend.min.css", "assets/govuk-frontend.min.css"),
        ("LICENCE", "assets/govuk-frontend-LICENCE.txt"),
    ] {
        if let Ok(bytes) = std::fs::read(vendor.join(from)) {
            assets.push((to.to_string(), bytes));
        }
    }
    assets.sort();
    Ok(assets)
}

fn read_dir_into(dir: &Path, prefix: &str, into: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot read theme assets", dir.display()))?;
    for e in entries {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = format!("{prefix}/{name}");
        if e.file_type()?.is_dir() {
            read_dir_into(&e.path(), &rel, into)?;
        } else if !name.starts_with('.') {
            into.push((
                rel,
                std::fs::read(e.path())
                    .with_context(|| format!("{}: cannot read", e.path().display()))?,
            ));
        }
    }
    Ok(())
}
