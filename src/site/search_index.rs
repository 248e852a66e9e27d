//! The step that writes the search index: every page's title, headings,
//! summary and text, each glossary term, and the checker, with compressed
//! copies for browsers.
//!
//! A small site's index is one file. A large site's is split into parts by
//! a hash of each entry's address, and the index file lists the parts: an
//! edit to one page rewrites one part, not the 19 MB a 10,000-page index
//! weighs. A part is named by its inputs, not its bytes, so a part whose
//! pages did not change is neither encoded, hashed nor compressed again,
//! and the pages' texts it is made from are read only when it must be
//! (`search_text`).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use anyhow::{Context, Result};
use rayon::prelude::*;

use super::output::hash_hex;
use super::render::Render;
use super::search_text::{self, TextRef};
use super::{LoadedPage, Site};
use crate::search::{self, Entry};

/// About this many entries a part: past it the index is split.
const PART_ENTRIES: usize = 500;

/// How many parts an index of `entries` entries is split into: a power of
/// two, so the split (and so every part) changes only when the site doubles
/// or halves, never with a page added or removed.
fn part_count(entries: usize) -> usize {
    entries.div_ceil(PART_ENTRIES).max(1).next_power_of_two()
}

/// The part an address belongs to, the same from build to build (FNV-1a:
/// std's hasher is free to change between Rust releases).
fn part_of(url: &str, parts: usize) -> usize {
    let hash = url.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    // The remainder is below `parts`, a usize.
    usize::try_from(hash % parts as u64).unwrap_or(0)
}

/// One part of the index: its pages, and the entries not made from a page.
struct Part<'a> {
    number: usize,
    of: usize,
    pages: Vec<&'a LoadedPage>,
    others: Vec<Entry>,
}

impl Part<'_> {
    /// The file: the index itself when there is one part.
    fn rel(&self) -> String {
        if self.of == 1 {
            search::INDEX_FILE.to_string()
        } else {
            format!("{}/{}.json", search::PARTS_DIR, self.number)
        }
    }

    /// Everything the part is made from: the inputs of every page's
    /// rendering (the render cache's key: configuration, criteria, glossary
    /// and this program), each page's address and source, the split, and
    /// the entries not made from a page.
    fn key(&self, render_key: &str) -> String {
        let split = format!("{}/{}", self.number, self.of);
        let others = search::index_json(&self.others);
        let mut parts: Vec<&[u8]> =
            vec![render_key.as_bytes(), split.as_bytes(), others.as_bytes()];
        for lp in &self.pages {
            parts.push(lp.page.url.as_bytes());
            parts.push(&lp.page.source_hash);
        }
        hash_hex(&parts)
    }
}

/// A page's excerpt and text.
type Texts<'a> = (Cow<'a, str>, Cow<'a, str>);

impl Render<'_> {
    /// Writes the parts that changed (and the list of parts, when split);
    /// returns the whole index when the site's options ask to keep it.
    pub(super) fn render_search_index(&self) -> Result<Vec<Entry>> {
        let site = self.site;
        let others: Vec<Entry> = glossary_entries(site)
            .into_iter()
            .chain(checker_entry(site))
            .collect();
        let of = part_count(site.pages.len() + others.len());
        let mut parts: Vec<Part> = (0..of)
            .map(|number| Part {
                number,
                of,
                pages: Vec::new(),
                others: Vec::new(),
            })
            .collect();
        for lp in &site.pages {
            parts[part_of(&lp.page.url, of)].pages.push(lp);
        }
        for e in others {
            parts[part_of(&e.u, of)].others.push(e);
        }
        let done: Vec<(String, Vec<Entry>)> = parts
            .par_iter()
            .map(|part| self.search_part(part))
            .collect::<Result<_>>()?;
        if of > 1 {
            let list = search::Parts {
                parts: done
                    .iter()
                    .enumerate()
                    .map(|(n, (key, _))| {
                        format!("/{}/{n}.json?v={}", search::PARTS_DIR, &key[..12])
                    })
                    .collect(),
            };
            let json =
                serde_json::to_vec(&list).context("cannot encode the search index's parts")?;
            self.out.write_generated(search::INDEX_FILE, &json)?;
        }
        search_text::tidy(&site.opts.out, of);
        Ok(if site.opts.search_in_memory {
            search::sorted(done.into_iter().flat_map(|(_, e)| e).collect())
        } else {
            Vec::new()
        })
    }

    /// Writes one part if its inputs changed; returns its key, and its
    /// entries when the whole index is kept.
    fn search_part(&self, part: &Part) -> Result<(String, Vec<Entry>)> {
        let key = part.key(&self.site.cache_plan.key);
        let rel = part.rel();
        let current = self.out.is_current_with_copies(&rel, &key);
        if current && !self.site.opts.search_in_memory {
            return Ok((key, Vec::new()));
        }
        let texts = self.texts(part, !current)?;
        let mut entries: Vec<Entry> = part
            .pages
            .iter()
            .zip(&texts)
            .map(|(lp, (excerpt, text))| page_entry(lp, excerpt, text))
            .collect();
        entries.extend(part.others.iter().cloned());
        let entries = search::sorted(entries);
        if !current {
            let json = search::index_json(&entries);
            self.out.write(&rel, &key, json.as_bytes())?;
            if part.of == 1 {
                self.out
                    .write_compressed_copies(&rel, &key, json.as_bytes())?;
            } else {
                self.out.write_fast_copy(&rel, &key, json.as_bytes())?;
            }
        }
        Ok((key, entries))
    }

    /// Each page's excerpt and text: a page read this time has them; a
    /// reused one's come from the texts saved with its part, or from
    /// rendering it again when they are missing or stale. Saved again when
    /// the part is rewritten or a page had to be rendered again.
    fn texts<'p>(&self, part: &Part<'p>, save: bool) -> Result<Vec<Texts<'p>>> {
        let out = &self.site.opts.out;
        let render_key = &self.site.cache_plan.key;
        let mut saved = None;
        let mut again = false;
        let mut texts = Vec::with_capacity(part.pages.len());
        for lp in &part.pages {
            if !lp.reused {
                texts.push((
                    Cow::Borrowed(lp.rendered.excerpt.as_str()),
                    Cow::Borrowed(lp.rendered.text.as_str()),
                ));
                continue;
            }
            let saved = saved
                .get_or_insert_with(|| search_text::read(out, part.number, part.of, render_key));
            match saved
                .remove(&lp.page.source)
                .filter(|t| t.hash == lp.page.source_hash)
            {
                Some(t) => texts.push((Cow::Owned(t.excerpt), Cow::Owned(t.text))),
                None => {
                    let fresh = self.site.rerender(lp)?;
                    self.again.fetch_add(1, Ordering::Relaxed);
                    again = true;
                    texts.push((
                        Cow::Owned(fresh.rendered.excerpt),
                        Cow::Owned(fresh.rendered.text),
                    ));
                }
            }
        }
        if save || again {
            let pages: BTreeMap<&str, TextRef> = part
                .pages
                .iter()
                .zip(&texts)
                .map(|(lp, (excerpt, text))| {
                    let text = TextRef {
                        hash: &lp.page.source_hash,
                        excerpt,
                        text,
                    };
                    (lp.page.source.as_str(), text)
                })
                .collect();
            search_text::write(out, part.number, part.of, render_key, &pages)?;
        }
        Ok(texts)
    }
}

fn page_entry(lp: &LoadedPage, excerpt: &str, text: &str) -> Entry {
    Entry {
        t: lp.page.front.title.clone(),
        u: lp.page.url.clone(),
        s: lp
            .page
            .front
            .summary
            .clone()
            .unwrap_or_else(|| excerpt.to_string()),
        h: lp
            .rendered
            .headings
            .iter()
            .filter(|h| h.level <= 3)
            .map(|h| h.text.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        // Already whitespace-collapsed and cut when the page was rendered.
        b: text.to_string(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_site_has_one_part_and_the_split_doubles_with_the_site() {
        assert_eq!(part_count(0), 1);
        assert_eq!(part_count(PART_ENTRIES), 1);
        assert_eq!(part_count(PART_ENTRIES + 1), 2);
        assert_eq!(part_count(10_100), 32);
        assert_eq!(
            part_count(10_100),
            part_count(10_200),
            "a page more: same split"
        );
    }

    #[test]
    fn an_address_stays_in_its_part_and_parts_share_the_pages() {
        assert_eq!(
            part_of("/sec-00/page-00080/", 32),
            part_of("/sec-00/page-00080/", 32)
        );
        let mut counts = [0usize; 8];
        for n in 0..8000 {
            counts[part_of(&format!("/sec-{:02}/page-{n:05}/", n % 20), 8)] += 1;
        }
        assert!(
            counts.iter().all(|&c| (800..1200).contains(&c)),
            "{counts:?}"
        );
    }
}
