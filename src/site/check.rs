//! Checks that need the whole site: URL clashes, links and anchors between
//! pages, acronyms missing from the glossary, and overdue reviews.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use rayon::prelude::*;

use super::fast_hash::{FastMap, FastSet};
use super::LoadedPage;
use crate::checker::Checker;
use crate::content::{Page, PageKind, Problem, Problems};
use crate::glossary::{self, Glossary};
use crate::markdown::find_acronyms;

/// URL prefixes that belong to the server or the generator, not to content.
pub const RESERVED: &[&str] = &["/search/", "/assets/", "/forms/", "/_prem/", "/internal/"];

/// Site paths that the kiosk answers; links to them are not checked here.
const SERVED_ELSEWHERE: &[&str] = &["/forms/", "/assets/"];

/// Maps every source path to its URL, reporting clashes.
pub fn url_map(pages: &[&Page], problems: &Problems) -> HashMap<String, String> {
    let mut by_url: HashMap<&str, &Page> = HashMap::new();
    for &p in pages {
        if let Some(r) = RESERVED.iter().find(|r| p.url.starts_with(*r)) {
            problems.push(Problem::error(
                &p.display_path,
                1,
                format!(
                    "the URL {} is reserved for prem itself ({r}): rename this file",
                    p.url
                ),
            ));
        }
        if let Some(other) = by_url.insert(&p.url, p) {
            problems.push(Problem::error(
                &p.display_path,
                1,
                format!(
                    "this page and {} would both be published at {}",
                    other.display_path.display(),
                    p.url
                ),
            ));
        }
    }
    pages
        .iter()
        .map(|p| (p.source.clone(), p.url.clone()))
        .collect()
}

/// What a link may point at: every address of the built site, and the ids
/// on each. A page's ids are looked up in the page itself when a link names
/// one (few do): gathering every heading of 10,000 pages into one set, to
/// look up a handful, was most of this check.
#[derive(Default)]
struct Anchors<'a> {
    pages: FastMap<&'a str, &'a LoadedPage>,
    /// Addresses the build makes from data (glossary, search, checker, the
    /// decks section), with their ids; an address may be a page's as well.
    made: FastMap<Cow<'a, str>, FastSet<Cow<'a, str>>>,
}

impl<'a> Anchors<'a> {
    fn add(&mut self, url: Cow<'a, str>, ids: impl IntoIterator<Item = Cow<'a, str>>) {
        self.made.entry(url).or_default().extend(ids);
    }

    fn has_page(&self, url: &str) -> bool {
        self.pages.contains_key(url) || self.made.contains_key(url)
    }

    fn has_id(&self, url: &str, id: &str) -> bool {
        let on_page = self.pages.get(url).is_some_and(|lp| {
            id == MAIN
                || lp.rendered.headings.iter().any(|h| h.id == id)
                || (lp.page.kind == PageKind::Deck && slide_number(id, lp.slides.len()))
        });
        on_page || self.made.get(url).is_some_and(|ids| ids.contains(id))
    }
}

/// The skip link's target, on every page.
const MAIN: &str = "main-content";

/// Whether `id` is `slide-N` for a slide of a deck of `slides` (written as
/// the deck writes it: no sign, no leading zero).
fn slide_number(id: &str, slides: usize) -> bool {
    id.strip_prefix("slide-").is_some_and(|n| {
        !n.starts_with('0')
            && n.bytes().all(|b| b.is_ascii_digit())
            && n.parse::<usize>().is_ok_and(|n| (1..=slides).contains(&n))
    })
}

fn anchor_sets<'a>(
    pages: &'a [LoadedPage],
    g: &'a Glossary,
    checker: &Checker,
    decks_url: &str,
) -> Anchors<'a> {
    let mut sets = Anchors::default();
    sets.pages.reserve(pages.len());
    for lp in pages {
        sets.pages.insert(&lp.page.url, lp);
    }
    let terms = g
        .terms
        .iter()
        .map(|t| Cow::Owned(glossary::anchor(&t.term)));
    let letters = g
        .by_letter()
        .into_iter()
        .map(|(l, _)| Cow::Owned(format!("letter-{l}")));
    let main = || std::iter::once(Cow::Borrowed(MAIN));
    sets.add(
        glossary::GLOSSARY_URL.into(),
        terms.chain(letters).chain(main()),
    );
    sets.add(
        crate::search::SEARCH_URL.into(),
        main().chain([Cow::Borrowed("a-to-z")]),
    );
    // The decks section is always an address a link may name (a footer may link to it).
    sets.add(Cow::Owned(decks_url.to_string()), []);
    for url in checker.urls() {
        sets.add(Cow::Owned(url), main());
    }
    sets
}

pub fn cross_page(
    pages: &[LoadedPage],
    g: &Glossary,
    checker: &Checker,
    decks_url: &str,
    problems: &Problems,
) {
    let sets = anchor_sets(pages, g, checker, decks_url);
    checker_links(checker, &sets, problems);
    let known = g.known_acronyms();
    pages.par_iter().for_each(|lp| {
        links(lp, &sets, problems);
        // A reused page passed this check in the build that cached it, with
        // the same glossary (a new glossary renders every page again).
        if g.present && !lp.reused {
            acronyms(lp, &known, problems);
        }
    });
}

/// Every link on a page leads to a page of the site, and to a heading or
/// anchor on it when it names one.
fn links(lp: &LoadedPage, sets: &Anchors, problems: &Problems) {
    let path = &lp.page.display_path;
    for link in &lp.rendered.anchors {
        if SERVED_ELSEWHERE.iter().any(|p| link.url.starts_with(p)) || has_extension(&link.url) {
            continue;
        }
        let url: Cow<str> = if link.url.ends_with('/') {
            Cow::Borrowed(&link.url)
        } else {
            Cow::Owned(format!("{}/", link.url))
        };
        if !sets.has_page(&url) {
            problems.push(Problem::error(
                path,
                link.line,
                format!(
                    "broken link \"{}\": there is no page at that address",
                    link.url
                ),
            ));
        } else if !link.anchor.is_empty() && !sets.has_id(&url, &link.anchor) {
            problems.push(Problem::error(
                path,
                link.line,
                format!(
                    "broken link \"{}#{}\": that page has no heading or anchor \"{}\"",
                    link.url, link.anchor, link.anchor
                ),
            ));
        }
    }
}

/// Every acronym on a page (title, summary and body) is in the glossary.
fn acronyms(lp: &LoadedPage, known: &BTreeSet<&str>, problems: &Problems) {
    let in_title = find_acronyms(&lp.page.front.title)
        .into_iter()
        .map(|a| (a.to_string(), 1));
    let in_summary = lp
        .page
        .front
        .summary
        .iter()
        .flat_map(|s| find_acronyms(s))
        .map(|a| (a.to_string(), 1));
    let mut reported = HashSet::new();
    for (a, line) in in_title
        .chain(in_summary)
        .chain(lp.rendered.acronyms.iter().cloned())
    {
        if !known.contains(a.as_str()) && reported.insert(a.clone()) {
            problems.push(Problem::error(
                &lp.page.display_path,
                line,
                format!(
                    "acronym \"{a}\" is not in the glossary: define it in {}",
                    glossary::GLOSSARY_FILE
                ),
            ));
        }
    }
}

/// The checker's outcome links must lead to real pages and headings.
fn checker_links(checker: &Checker, sets: &Anchors, problems: &Problems) {
    let path = std::path::Path::new(crate::checker::CHECKER_FILE);
    for link in checker.outcomes.iter().flat_map(|o| &o.links) {
        let href = link.href.as_str();
        if !href.starts_with('/') || SERVED_ELSEWHERE.iter().any(|p| href.starts_with(p)) {
            continue;
        }
        let (url, anchor) = href.split_once('#').unwrap_or((href, ""));
        let ok = sets.has_page(url) && (anchor.is_empty() || sets.has_id(url, anchor));
        if !ok {
            problems.push(Problem::error(
                path,
                link.line,
                format!("broken link \"{href}\": there is no page or heading at that address"),
            ));
        }
    }
}

/// Every image a page shows must be a file in the content folder, which the
/// build copies to the same path; a missing one would break silently.
pub fn images(pages: &[LoadedPage], assets: &[String], problems: &Problems) {
    let files: HashSet<&str> = assets.iter().map(String::as_str).collect();
    for lp in pages {
        for img in &lp.rendered.images {
            if !files.contains(img.path.as_str()) {
                problems.push(Problem::error(
                    &lp.page.display_path,
                    img.line,
                    format!(
                        "image \"{}\" not found (looked for {}): image paths are relative to this file; check the name and that the file is in the content folder",
                        img.src, img.path
                    ),
                ));
            }
        }
    }
}

fn has_extension(url: &str) -> bool {
    url.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

/// A page past its review date still builds, with a warning.
pub fn reviews(pages: &[LoadedPage], today: NaiveDate) -> Vec<Problem> {
    pages
        .iter()
        .filter_map(|lp| {
            let due = lp.page.front.review_due?;
            (due < today).then(|| Problem::warning(&lp.page.display_path, 1, format!("review was due on {due}: review the page and update reviewed and review_due")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::slide_number;

    #[test]
    fn a_slide_anchor_names_a_slide_of_the_deck_as_the_deck_writes_it() {
        assert!(slide_number("slide-1", 3) && slide_number("slide-3", 3));
        for id in [
            "slide-4", "slide-0", "slide-03", "slide-+3", "slides-3", "slide-",
        ] {
            assert!(!slide_number(id, 3), "{id}");
        }
    }
}
