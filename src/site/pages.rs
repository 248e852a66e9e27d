//! The steps that render content pages through their layouts, in parallel:
//! ordinary pages, section indexes (and the home page), and decks (each a
//! slides page, a presenter view and a handout). A page whose output was
//! made from the same inputs is left as it is.

use std::sync::atomic::Ordering;

use anyhow::Result;
use rayon::prelude::*;

use super::output::hash_hex;
use super::render::{index_rel, Render};
use super::LoadedPage;
use crate::content::PageKind;
use crate::theme::{self, DeckView, PageView};

impl Render<'_> {
    pub(super) fn render_pages(&self) -> Result<()> {
        self.render_kind(&[PageKind::Page])
    }

    /// The home page and every section's index page.
    pub(super) fn render_sections(&self) -> Result<()> {
        self.render_kind(&[PageKind::Home, PageKind::Section])
    }

    pub(super) fn render_decks(&self) -> Result<()> {
        self.render_kind(&[PageKind::Deck])
    }

    fn render_kind(&self, kinds: &[PageKind]) -> Result<()> {
        self.site
            .pages
            .par_iter()
            .filter(|lp| kinds.contains(&lp.page.kind))
            .try_for_each(|lp| {
                self.tick();
                self.render_one(lp)
            })
    }

    fn render_one(&self, lp: &LoadedPage) -> Result<()> {
        let p = &lp.page;
        if p.url == crate::glossary::GLOSSARY_URL {
            return Ok(()); // rendered with the generated pages, from the glossary data
        }
        let key = hash_hex(&[self.global.as_bytes(), &p.source_hash]);
        let rel = index_rel(&p.url);
        if self.out.is_current(&rel, &key)
            && (p.kind != PageKind::Deck || self.deck_current(&p.url, &key))
        {
            return Ok(());
        }
        let fresh;
        let lp = if lp.reused {
            fresh = self.site.rerender(lp)?;
            self.again.fetch_add(1, Ordering::Relaxed);
            &fresh
        } else {
            lp
        };
        let view = self.page_view(lp);
        let html = match p.kind {
            PageKind::Home => theme::home_page(&view),
            PageKind::Section => theme::section_page(&view),
            PageKind::Page => theme::page(&view),
            PageKind::Deck => {
                let deck = DeckView {
                    page: view,
                    slides: &lp.slides,
                };
                let presenter = theme::presenter_page(&deck).into_string();
                let handout = theme::handout_page(&deck).into_string();
                self.out
                    .write(&presenter_rel(&p.url), &key, presenter.as_bytes())?;
                self.out
                    .write(&handout_rel(&p.url), &key, handout.as_bytes())?;
                theme::deck_page(&deck)
            }
        };
        self.out.write(&rel, &key, html.into_string().as_bytes())
    }

    /// What a page's layout needs: the page and its place in the site.
    fn page_view<'p>(&'p self, lp: &'p LoadedPage) -> PageView<'p> {
        let p = &lp.page;
        let section = p.parent.as_deref().and_then(|u| self.tree.by_url.get(u));
        PageView {
            site: &self.info,
            url: &p.url,
            front: &p.front,
            breadcrumbs: self.tree.breadcrumbs(lp),
            section_nav: p
                .parent
                .as_deref()
                .map(|u| self.tree.neighbours(u, &p.url))
                .unwrap_or_default(),
            section_title: section
                .filter(|s| s.page.kind != PageKind::Home)
                .map(|s| s.page.front.title.clone()),
            children: self.tree.links(&p.url),
            headings: &lp.rendered.headings,
            body_html: &lp.rendered.html,
            today: self.site.opts.today,
        }
    }

    fn deck_current(&self, url: &str, key: &str) -> bool {
        self.out.is_current(&presenter_rel(url), key) && self.out.is_current(&handout_rel(url), key)
    }
}

fn presenter_rel(url: &str) -> String {
    index_rel(&format!("{url}presenter/"))
}

fn handout_rel(url: &str) -> String {
    index_rel(&format!("{url}handout/"))
}
