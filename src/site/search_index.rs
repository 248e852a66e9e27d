//! The step that writes the search index: every page's title, headings,
//! summary and text, each glossary term, and the checker, with compressed
//! copies for browsers (on a large site the index is most of what a search
//! downloads).
//!
//! The index is named by its inputs, not its bytes: on a large site it is
//! many megabytes, and encoding, hashing and compressing it again when no
//! page changed would be most of a rebuild.

use anyhow::Result;

use super::output::hash_hex;
use super::render::Render;
use super::Site;
use crate::search::{self, Entry};

impl Render<'_> {
    pub(super) fn render_search_index(&self) -> Result<Vec<Entry>> {
        let index = entries(self.site);
        let key = inputs_key(self.site);
        if !self.out.is_current_with_copies(search::INDEX_FILE, &key) {
            let json = search::index_json(&index);
            self.out.write(search::INDEX_FILE, &key, json.as_bytes())?;
            self.out
                .write_compressed_copies(search::INDEX_FILE, &key, json.as_bytes())?;
        }
        Ok(index)
    }
}

/// Everything the index is made from: the inputs of every page's rendering
/// (the render cache's key: configuration, criteria, glossary and this
/// program), each page's address and source, and the checker's words.
fn inputs_key(site: &Site) -> String {
    let pages: Vec<&[u8]> = site
        .pages
        .iter()
        .flat_map(|lp| [lp.page.url.as_bytes(), &lp.page.source_hash[..]])
        .collect();
    let checker = checker_entry(site)
        .map(|e| search::index_json(&[e]))
        .unwrap_or_default();
    let mut parts = vec![site.cache_plan.key.as_bytes(), checker.as_bytes()];
    parts.extend(pages);
    hash_hex(&parts)
}

fn entries(site: &Site) -> Vec<Entry> {
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
            // Already whitespace-collapsed and cut when the page was rendered.
            b: lp.rendered.text.clone(),
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
