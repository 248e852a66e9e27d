//! Site search. The build writes a small JSON index that `search.js` reads in
//! the browser; `prem preview` and `prem serve` answer `/search/?q=` from the
//! same index on the server, so search also works with JavaScript off.
//!
//! Practitioners type what they read in the body of a page (an acronym, a
//! phone number, a phrase), so the index holds each page's text as well as its
//! title, headings and summary. Scoring and snippets are written twice, here
//! and in `search.js`, and the two must agree.

use serde::{Deserialize, Serialize};

pub const INDEX_FILE: &str = "search-index.json";
/// Where a large site's index is split into parts; `INDEX_FILE` then
/// holds `Parts`, and `search.js` fetches every part.
pub const PARTS_DIR: &str = "search-index";

/// The index file of a large site: the address of each part, with a
/// version so a browser never mixes parts of two builds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Parts {
    pub parts: Vec<String>,
}
pub const SEARCH_URL: &str = "/search/";

/// The most body text kept per page: enough for any guidance page, and a
/// bound on the index a very large site would otherwise send to browsers.
pub const MAX_BODY: usize = 12_000;

/// Characters of context shown either side of a match in a snippet.
const BEFORE: usize = 70;
const AFTER: usize = 130;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    /// Title.
    pub t: String,
    /// URL.
    pub u: String,
    /// Summary or the first words of the page.
    pub s: String,
    /// Headings, joined with spaces.
    pub h: String,
    /// The page's text, whitespace collapsed, at most `MAX_BODY` bytes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub b: String,
}

/// Collapses whitespace and cuts `text` to `MAX_BODY` bytes on a character
/// boundary, for an entry's body.
pub fn body_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_BODY));
    for word in text.split_whitespace() {
        if out.len() + word.len() + 1 > MAX_BODY {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Sorts entries by title (then URL), so the index file is stable.
pub fn sorted(mut entries: Vec<Entry>) -> Vec<Entry> {
    // Each title lower-cased once, not at every comparison.
    entries.sort_by_cached_key(|e| (e.t.to_lowercase(), e.u.clone()));
    entries
}

/// Serialises entries as the index file `search.js` reads.
pub fn index_json(entries: &[Entry]) -> String {
    serde_json::to_string(entries).unwrap_or_else(|_| "[]".into())
}

/// The words of a query, lower-cased, at most ten.
pub fn query_words(query: &str) -> Vec<String> {
    query
        .split_whitespace()
        .map(str::to_lowercase)
        .take(10)
        .collect()
}

/// Every word must appear somewhere. Each word scores by where it is found
/// first: title 10, headings 5, summary 2, body 1, so a page whose title or
/// headings hold the words ranks above one that only mentions them.
fn score(e: &Entry, words: &[String]) -> Option<u32> {
    let (t, h, s, b) = (
        e.t.to_lowercase(),
        e.h.to_lowercase(),
        e.s.to_lowercase(),
        e.b.to_lowercase(),
    );
    let mut total = 0;
    for w in words {
        total += if t.contains(w.as_str()) {
            10
        } else if h.contains(w.as_str()) {
            5
        } else if s.contains(w.as_str()) {
            2
        } else if b.contains(w.as_str()) {
            1
        } else {
            return None;
        };
    }
    Some(total)
}

/// Ranks entries by `score`, best first, then by title.
pub fn search<'a>(entries: &'a [Entry], query: &str) -> Vec<&'a Entry> {
    let words = query_words(query);
    if words.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(u32, &Entry)> = entries
        .iter()
        .filter_map(|e| score(e, &words).map(|s| (s, e)))
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.t.cmp(&b.1.t)));
    scored.into_iter().take(50).map(|(_, e)| e).collect()
}

/// A piece of a snippet: text, and whether it is a match to highlight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub mark: bool,
}

/// The text to show under a result: the part of the body around the first
/// match when a word is only in the body, otherwise the summary; matches
/// marked. Matching is ASCII case-insensitive so byte offsets stay valid.
pub fn snippet(e: &Entry, query: &str) -> Vec<Piece> {
    let words: Vec<String> = query_words(query)
        .into_iter()
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let lower_s = e.s.to_ascii_lowercase();
    let in_summary = words.iter().any(|w| lower_s.contains(w.as_str()));
    let lower_b = e.b.to_ascii_lowercase();
    let first_in_body = words.iter().filter_map(|w| lower_b.find(w.as_str())).min();
    match first_in_body {
        Some(at) if !in_summary || e.s.is_empty() => {
            let (from, to) = window(&e.b, at);
            let mut pieces = Vec::new();
            if from > 0 {
                pieces.push(plain("…"));
            }
            pieces.extend(marked(&e.b[from..to], &words));
            if to < e.b.len() {
                pieces.push(plain("…"));
            }
            pieces
        }
        _ => marked(&e.s, &words),
    }
}

fn plain(text: &str) -> Piece {
    Piece {
        text: text.into(),
        mark: false,
    }
}

/// The byte range of `text` to show around `at`, cut at spaces.
fn window(text: &str, at: usize) -> (usize, usize) {
    let mut from = at.saturating_sub(BEFORE);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    if from > 0 {
        from = text[from..at]
            .find(' ')
            .map(|i| from + i + 1)
            .unwrap_or(from);
    }
    let mut to = (at + AFTER).min(text.len());
    while !text.is_char_boundary(to) {
        to += 1;
    }
    if to < text.len() {
        to = text[at..to].rfind(' ').map(|i| at + i).unwrap_or(to);
    }
    (from, to)
}

/// Splits `text` into pieces, marking every occurrence of any word.
fn marked(text: &str, words: &[String]) -> Vec<Piece> {
    let lower = text.to_ascii_lowercase();
    let mut pieces = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let next = words
            .iter()
            .filter(|w| !w.is_empty())
            .filter_map(|w| lower[pos..].find(w.as_str()).map(|i| (pos + i, w.len())))
            .min_by_key(|&(i, len)| (i, std::cmp::Reverse(len)));
        let Some((at, len)) = next else { break };
        if at > pos {
            pieces.push(plain(&text[pos..at]));
        }
        pieces.push(Piece {
            text: text[at..at + len].into(),
            mark: true,
        });
        pos = at + len;
    }
    if pos < text.len() {
        pieces.push(plain(&text[pos..]));
    }
    pieces
}

#[cfg(test)]
mod tests;
