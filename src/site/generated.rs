//! The steps that render pages made from data rather than from a page's own
//! Markdown: the glossary (from the glossary file, under the intro page if
//! there is one), the search page with its A to Z list, the 404 page, and the
//! checker's start, question and outcome pages.

use anyhow::Result;

use super::output::hash_hex;
use super::render::{index_rel, Render};
use super::tree::link;
use crate::glossary::GLOSSARY_URL;
use crate::theme::{self, Link, PageView};

const SEARCH_PAGE: &str = "search/index.html";

impl Render<'_> {
    /// The glossary, search and 404 pages; returns the search page's A to Z
    /// list, which the server's search page shows too (when the build keeps
    /// what a server needs, `BuildOptions::search_in_memory`).
    pub(super) fn render_generated(&self) -> Result<Vec<Link>> {
        self.render_glossary()?;
        // Named by the pages' titles and addresses (in the site's order:
        // the same pages give the same list) and what every page shows, so
        // a large site's list is neither sorted nor rendered to find it
        // unchanged.
        let mut parts: Vec<&[u8]> = vec![self.global.as_bytes()];
        for lp in &self.site.pages {
            parts.extend([lp.page.front.title.as_bytes(), lp.page.url.as_bytes()]);
        }
        let key = hash_hex(&parts);
        let current = self.out.is_current(SEARCH_PAGE, &key);
        let all = if current && !self.site.opts.search_in_memory {
            Vec::new()
        } else {
            self.a_to_z()
        };
        if !current {
            let search = theme::search_page(&self.info, None, None, &all);
            self.out
                .write(SEARCH_PAGE, &key, search.into_string().as_bytes())?;
        }
        let not_found = theme::not_found_page(&self.info);
        self.out
            .write_generated("404.html", not_found.into_string().as_bytes())?;
        Ok(all)
    }

    fn render_glossary(&self) -> Result<()> {
        let site = self.site;
        let intro = self.tree.by_url.get(GLOSSARY_URL);
        if !site.glossary.present && intro.is_none() {
            return Ok(());
        }
        let intro_view = intro.map(|lp| PageView {
            site: &self.info,
            url: GLOSSARY_URL,
            front: &lp.page.front,
            breadcrumbs: Vec::new(),
            section_nav: Vec::new(),
            section_title: None,
            children: Vec::new(),
            headings: &lp.rendered.headings,
            body_html: &lp.rendered.html,
            today: site.opts.today,
        });
        let title = intro
            .map(|lp| lp.page.front.title.as_str())
            .unwrap_or("Glossary");
        let html = theme::glossary_page(&self.info, title, intro_view.as_ref(), &site.glossary);
        self.out
            .write_generated("glossary/index.html", html.into_string().as_bytes())
    }

    /// Every page by title, A to Z. Titles only: on a large site the list
    /// would otherwise dwarf every other page.
    fn a_to_z(&self) -> Vec<Link> {
        let mut all: Vec<Link> = self
            .site
            .pages
            .iter()
            .map(|lp| Link {
                summary: None,
                ..link(lp)
            })
            .collect();
        // Each title lower-cased once, not at every comparison.
        all.sort_by_cached_key(|l| (l.title.to_lowercase(), l.url.clone()));
        all
    }

    /// The checker's start page, each question and each outcome, as static pages.
    pub(super) fn render_checker(&self) -> Result<()> {
        let c = &self.site.checker;
        if !c.present {
            return Ok(());
        }
        let home = Link {
            title: "Home".into(),
            url: "/".into(),
            summary: None,
        };
        let start = theme::checker_start(&self.info, c, &[home]);
        self.out
            .write_generated(&index_rel(&c.url), start.into_string().as_bytes())?;
        for q in &c.questions {
            let criterion = q
                .criterion
                .as_deref()
                .and_then(|name| c.criterion_in(&self.site.criteria, name));
            let html = theme::checker_question(&self.info, c, q, criterion);
            self.out.write_generated(
                &index_rel(&c.page_url(&q.id)),
                html.into_string().as_bytes(),
            )?;
        }
        for o in &c.outcomes {
            let html = theme::checker_outcome(&self.info, c, o);
            self.out.write_generated(
                &index_rel(&c.page_url(&o.id)),
                html.into_string().as_bytes(),
            )?;
        }
        Ok(())
    }
}
