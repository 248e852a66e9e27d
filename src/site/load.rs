//! Loading with the render cache: list the content, read and render only
//! the files whose metadata changed, and render a reused page again when
//! the build must write it.

use std::path::Path;

use anyhow::Result;
use rayon::prelude::*;

use super::{
    cache, check, glossary_links, render_page, state, BuildOptions, LoadedPage, RenderInputs, Site,
};
use crate::config::Config;
use crate::content::{self, Page, PageKind, Problems};
use crate::criteria::Criteria;
use crate::glossary::Glossary;

/// The pages of a load, and what the render cache saved.
pub(super) struct LoadedPages {
    pub(super) pages: Vec<LoadedPage>,
    pub(super) assets: Vec<String>,
    pub(super) inputs: RenderInputs,
    pub(super) rendered: usize,
    pub(super) reused: usize,
    pub(super) plan: cache::Plan,
}

/// Lists the content and reads and renders only the files whose metadata
/// differ from the render cache's. A reused page's links (to pages and to
/// their headings) are checked across pages with everyone else's, so one
/// pointing at a page deleted or a heading renamed since still fails.
pub(super) fn load_pages(
    config: &Config,
    opts: &BuildOptions,
    stamped: &state::Inputs,
    glossary: &Glossary,
    criteria: &Criteria,
    problems: &Problems,
) -> LoadedPages {
    let content_dir = opts.root.join(&config.build.content_dir);
    let decks = config.build.decks_section.as_str();
    let key = cache::render_key(&opts.root, config);
    // Decoding the cache is the longest step of a rebuild; the content
    // folder is listed meanwhile (its files were stamped before the load).
    let (mut cache, (listed, assets)) = rayon::join(
        || cache::RenderCache::load(&opts.out, &key),
        || {
            let (md, assets) = content::walk::list(&content_dir, problems);
            let stamped: Vec<(String, Option<cache::Stamp>)> = md
                .into_par_iter()
                .map(|rel| {
                    let stamp = stamped.stamp_of(&content_dir.join(&rel));
                    (rel, stamp)
                })
                .collect();
            (stamped, assets)
        },
    );
    let mut reused = Vec::with_capacity(listed.len());
    let mut to_read = Vec::new();
    for (rel, stamp) in listed {
        let place = content::walk::place(&rel, decks);
        // The glossary's intro is written with every build, so it keeps its HTML.
        let glossary_intro = place.1 == crate::glossary::GLOSSARY_URL;
        match cache.take(&rel, stamp).filter(|_| !glossary_intro) {
            Some(entry) => reused.push(cached_page(&content_dir, place, rel, entry)),
            None => to_read.push((rel, stamp)),
        }
    }
    let mut fresh: Vec<(Page, Option<cache::Stamp>)> = to_read
        .par_iter()
        .filter_map(|(rel, stamp)| {
            content::walk::load_one(&content_dir, rel, decks, problems).map(|p| (p, *stamp))
        })
        .collect();
    fresh.retain(|(p, _)| opts.drafts || !p.front.draft);
    reused.retain(|lp| opts.drafts || !lp.page.front.draft);
    let all: Vec<&Page> = fresh
        .iter()
        .map(|(p, _)| p)
        .chain(reused.iter().map(|lp| &lp.page))
        .collect();
    let urls = check::url_map(&all, problems);
    // Drafts left out and the glossary's intro are read every time: not a change.
    let changed = fresh
        .iter()
        .filter(|(p, _)| p.url != crate::glossary::GLOSSARY_URL)
        .map(|(p, _)| p.source.clone())
        .collect();
    let plan = cache.into_plan(key, changed);
    let links = glossary_links(glossary);
    let rendered = fresh.len();
    let pages: Vec<LoadedPage> = fresh
        .into_par_iter()
        .map(|(page, stamp)| LoadedPage {
            stamp,
            ..render_page(page, &urls, criteria, config, &links, problems)
        })
        .collect();
    let count = reused.len();
    let pages = merge_sorted(pages, reused);
    LoadedPages {
        pages,
        assets,
        inputs: RenderInputs { urls, links },
        rendered,
        reused: count,
        plan,
    }
}

/// The pages read and the pages reused, each in the listing's order (by
/// source path), as one list in that order. Merged rather than sorted: a
/// page is several hundred bytes, and sorting 10,000 of them moved tens of
/// megabytes; a few pages read are put in their places in the other list.
fn merge_sorted(a: Vec<LoadedPage>, mut b: Vec<LoadedPage>) -> Vec<LoadedPage> {
    if a.len() <= 16 {
        for lp in a {
            let at = b.partition_point(|x| x.page.source <= lp.page.source);
            b.insert(at, lp);
        }
        return b;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x.page.source <= y.page.source => a.next(),
            (Some(_), Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, _) => b.next(),
        };
        match next {
            Some(lp) => out.push(lp),
            None => {
                debug_assert!(out.is_sorted_by(|x, y| x.page.source <= y.page.source));
                return out;
            }
        }
    }
}

/// A page rebuilt from its cache entry, without reading its file.
fn cached_page(
    content_dir: &Path,
    (kind, url, parent): (PageKind, String, Option<String>),
    rel: String,
    e: cache::Entry,
) -> LoadedPage {
    LoadedPage {
        page: Page {
            display_path: content_dir.join(&rel),
            source: rel,
            kind,
            url,
            parent,
            front: e.front,
            body: String::new(),
            body_line: e.body_line,
            source_hash: e.source_hash,
        },
        rendered: e.facts.into_rendered(),
        slides: e.slides,
        stamp: Some(e.stamp),
        reused: true,
    }
}

impl Site {
    /// Reads and renders a reused page again, for writing it. The file was
    /// unchanged at load; if it has changed since, the build stops rather
    /// than publish a page that was never checked.
    pub(super) fn rerender(&self, lp: &LoadedPage) -> Result<LoadedPage> {
        let problems = Problems::default();
        let page = content::walk::load_one(
            &self.content_dir(),
            &lp.page.source,
            &self.config.build.decks_section,
            &problems,
        );
        let again = page.map(|page| {
            let i = &self.inputs;
            render_page(
                page,
                &i.urls,
                &self.criteria,
                &self.config,
                &i.links,
                &problems,
            )
        });
        let errors = problems.into_sorted();
        match again {
            Some(again) if errors.is_empty() && again.page.source_hash == lp.page.source_hash => {
                Ok(again)
            }
            _ => anyhow::bail!(
                "{}: changed during the build: build again",
                lp.page.display_path.display()
            ),
        }
    }

    /// Saves the render cache when this load changed what it holds.
    pub(super) fn save_cache(&self) -> Result<()> {
        cache::save(&self.opts.out, &self.cache_plan, &self.pages)
    }
}
