//! Site search. The build writes a small JSON index that `search.js` reads in
//! the browser; `prem preview` and `prem serve` answer `/search/?q=` from the
//! same index on the server, so search also works with JavaScript off.

use serde::{Deserialize, Serialize};

pub const INDEX_FILE: &str = "search-index.json";
pub const SEARCH_URL: &str = "/search/";

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
}

/// Sorts entries by title (then URL), so the index file is stable.
pub fn sorted(mut entries: Vec<Entry>) -> Vec<Entry> {
    entries.sort_by(|a, b| {
        a.t.to_lowercase()
            .cmp(&b.t.to_lowercase())
            .then(a.u.cmp(&b.u))
    });
    entries
}

/// Serialises entries as the index file `search.js` reads.
pub fn index_json(entries: &[Entry]) -> String {
    serde_json::to_string(entries).unwrap_or_else(|_| "[]".into())
}

/// Ranks entries by how many query words they contain, title matches first.
/// The same scoring is written in `search.js`, so results agree.
pub fn search<'a>(entries: &'a [Entry], query: &str) -> Vec<&'a Entry> {
    let words: Vec<String> = query
        .split_whitespace()
        .map(str::to_lowercase)
        .filter(|w| !w.is_empty())
        .take(10)
        .collect();
    if words.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(u32, &Entry)> = entries
        .iter()
        .filter_map(|e| {
            let (t, h, s) = (e.t.to_lowercase(), e.h.to_lowercase(), e.s.to_lowercase());
            let mut score = 0;
            for w in &words {
                let hit = if t.contains(w.as_str()) {
                    10
                } else if h.contains(w.as_str()) {
                    3
                } else if s.contains(w.as_str()) {
                    1
                } else {
                    return None;
                };
                score += hit;
            }
            Some((score, e))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.t.cmp(&b.1.t)));
    scored.into_iter().take(50).map(|(_, e)| e).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(t: &str, s: &str, h: &str) -> Entry {
        Entry {
            t: t.into(),
            u: format!("/{}/", crate::content::slug(t)),
            s: s.into(),
            h: h.into(),
        }
    }

    #[test]
    fn every_word_must_match_and_titles_rank_first() {
        let idx = vec![
            e("Making a referral", "How to refer", ""),
            e("Eligibility", "Who can be referred", "Referral criteria"),
        ];
        let hits = search(&idx, "referral");
        assert_eq!(
            hits.iter().map(|h| h.t.as_str()).collect::<Vec<_>>(),
            vec!["Making a referral", "Eligibility"]
        );
        assert_eq!(search(&idx, "referral nothing").len(), 0);
        assert!(search(&idx, "   ").is_empty());
    }

    #[test]
    fn index_round_trips_sorted() {
        let json = index_json(&sorted(vec![e("b", "", ""), e("A", "", "")]));
        let back: Vec<Entry> = serde_json::from_str(&json).expect("valid json");
        assert_eq!(back[0].t, "A");
    }
}
