//! Search across the tracker: by name or alias (spelling slips and names that sound alike
//! included), date of birth, case reference, place name or postcode district. It answers with
//! people and places and the cases they are linked to. Who may see which case is the caller's
//! rule, passed in as a predicate over case keys: a hit whose cases are all hidden is not
//! returned at all, so a search never confirms that someone is held elsewhere.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::index::keys::{dob_key, gather, keyed, name_hits, place_keys};
use super::index::{Index, Slot};
use super::model::{Id, Place, Subject};
use super::normalise::{self, Token};
use super::score::{place_name_level, word_level, Level, PreparedPlace};

/// What to look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    Name(String),
    DateOfBirth(NaiveDate),
    Reference(String),
    Place(String),
    District(String),
}

impl Query {
    /// What a single search box most likely means: a date is a date of birth, a lone postcode
    /// district a district, anything else a reference, a name or a place (all three tried).
    pub fn guess(text: &str) -> Vec<Query> {
        let text = text.trim();
        if text.is_empty() {
            return Vec::new();
        }
        if let Some(date) = parse_date(text) {
            return vec![Query::DateOfBirth(date)];
        }
        let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if normalise::district(text).is_some_and(|d| d.eq_ignore_ascii_case(&squeezed)) {
            return vec![Query::District(text.to_owned())];
        }
        vec![
            Query::Reference(text.to_owned()),
            Query::Name(text.to_owned()),
            Query::Place(text.to_owned()),
        ]
    }
}

/// "2009-03-27", "27/3/2009", "27-03-2009", "27.3.2009" or "27 3 2009".
fn parse_date(text: &str) -> Option<NaiveDate> {
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(d);
    }
    let parts: Vec<u32> = text
        .split(['/', '-', '.', ' '])
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    match parts.as_slice() {
        [d, m, y] if *y >= 1900 => NaiveDate::from_ymd_opt(i32::try_from(*y).ok()?, *m, *d),
        _ => None,
    }
}

/// What a hit was found by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FoundBy {
    Name,
    Alias,
    DateOfBirth,
    Reference,
    PlaceName,
    District,
}

/// A person or place found, with the visible cases it is linked to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    pub subject: Subject,
    /// The person's main name (or first alias) or the place's name.
    pub label: String,
    pub found_by: FoundBy,
    pub level: Level,
    pub cases: Vec<String>,
}

impl Index {
    /// Runs every query [`Query::guess`] makes of `text` and keeps each record's best hit.
    pub fn search_text(
        &self,
        text: &str,
        visible: impl Fn(&str) -> bool,
        limit: usize,
    ) -> Vec<Hit> {
        let mut best: HashMap<Subject, Hit> = HashMap::new();
        for query in Query::guess(text) {
            for hit in self.search(&query, &visible, usize::MAX) {
                match best.get(&hit.subject) {
                    Some(have) if have.level >= hit.level => {}
                    _ => {
                        best.insert(hit.subject.clone(), hit);
                    }
                }
            }
        }
        ranked(best.into_values().collect(), limit)
    }

    /// Records matching `query` that are linked to at least one case `visible` allows, best
    /// first, at most `limit`.
    pub fn search(&self, query: &Query, visible: impl Fn(&str) -> bool, limit: usize) -> Vec<Hit> {
        let found: Vec<(Subject, FoundBy, Level)> = match query {
            Query::Name(text) => self.by_name(text),
            Query::DateOfBirth(date) => gather(&self.person_blocks, &[dob_key(*date)])
                .into_iter()
                .filter_map(|slot| self.people.get(slot as usize)?.as_ref())
                .filter(|held| held.record.date_of_birth == Some(*date))
                .map(|held| {
                    let subject = Subject::Person(held.record.id.clone());
                    (subject, FoundBy::DateOfBirth, Level::Exact)
                })
                .collect(),
            Query::Reference(text) => self
                .references
                .get(&normalise::fold(text))
                .map(|key| self.links_in(key))
                .unwrap_or_default()
                .iter()
                .map(|l| (l.subject.clone(), FoundBy::Reference, Level::Exact))
                .collect(),
            Query::Place(text) => self.by_place(text),
            Query::District(text) => normalise::district(text)
                .and_then(|d| self.districts.get(&d))
                .into_iter()
                .flatten()
                .filter_map(|id| self.subject(id))
                .map(|s| (s, FoundBy::District, Level::Exact))
                .collect(),
        };
        let hits = found
            .into_iter()
            .filter_map(|(subject, found_by, level)| self.hit(subject, found_by, level, &visible))
            .collect();
        ranked(hits, limit)
    }

    fn subject(&self, id: &Id) -> Option<Subject> {
        match self.slots.get(id)? {
            Slot::Person(_) => Some(Subject::Person(id.clone())),
            Slot::Place(_) => Some(Subject::Place(id.clone())),
        }
    }

    /// Each word of the query must match some word of a name or alias (a slip or a likeness
    /// will do); the hit is as good as its worst word.
    fn by_name(&self, text: &str) -> Vec<(Subject, FoundBy, Level)> {
        let query = normalise::name_tokens(text);
        let (words, _) = keyed(&query);
        // Every keyed query word must match (so share a key with) a word of one name, unless
        // that name has initials, which match without one.
        let need = |slot: u32, j: Option<usize>| {
            let held = self.people.get(slot as usize).and_then(Option::as_ref);
            match held.zip(j).and_then(|(h, j)| h.prepared.names.get(j)) {
                Some(name) if !keyed(name).1 => words.len(),
                _ => 1,
            }
        };
        let mut out = Vec::new();
        for slot in name_hits(&self.person_blocks, &words, need) {
            let Some(held) = self.people.get(slot as usize).and_then(Option::as_ref) else {
                continue;
            };
            let best = held
                .prepared
                .names
                .iter()
                .enumerate()
                .filter_map(|(i, name)| query_level(&query, name).map(|l| (l, i == 0)))
                .max();
            if let Some((level, main)) = best {
                let by = if main { FoundBy::Name } else { FoundBy::Alias };
                out.push((Subject::Person(held.record.id.clone()), by, level));
            }
        }
        out
    }

    fn by_place(&self, text: &str) -> Vec<(Subject, FoundBy, Level)> {
        let probe = PreparedPlace::new(&Place::new(text));
        gather(&self.place_blocks, &place_keys(&probe))
            .into_iter()
            .filter_map(|slot| self.places.get(slot as usize)?.as_ref())
            .map(|held| (held, place_name_level(&probe, &held.prepared)))
            .filter(|(_, level)| *level > Level::Different)
            .map(|(held, level)| {
                (
                    Subject::Place(held.record.id.clone()),
                    FoundBy::PlaceName,
                    level,
                )
            })
            .collect()
    }

    fn hit(
        &self,
        subject: Subject,
        found_by: FoundBy,
        level: Level,
        visible: &impl Fn(&str) -> bool,
    ) -> Option<Hit> {
        let mut cases: Vec<String> = self
            .links_of(subject.id())
            .iter()
            .map(|l| l.case.clone())
            .filter(|c| visible(c))
            .collect();
        if cases.is_empty() {
            return None;
        }
        cases.sort();
        cases.dedup();
        let label = match &subject {
            Subject::Person(id) => self.person(id).map(|p| {
                std::iter::once(&p.name)
                    .chain(&p.aliases)
                    .find(|n| !n.trim().is_empty())
                    .cloned()
                    .unwrap_or_default()
            }),
            Subject::Place(id) => self.place(id).map(|p| p.name.clone()),
        }?;
        Some(Hit {
            subject,
            label,
            found_by,
            level,
            cases,
        })
    }
}

fn query_level(query: &[Token], name: &[Token]) -> Option<Level> {
    if query.is_empty() || name.is_empty() {
        return None;
    }
    query
        .iter()
        .map(|q| {
            name.iter()
                .map(|w| word_level(q, w))
                .max()
                .unwrap_or(Level::Different)
        })
        .min()
        .filter(|l| *l > Level::Different)
}

fn ranked(mut hits: Vec<Hit>, limit: usize) -> Vec<Hit> {
    hits.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then_with(|| a.label.cmp(&b.label))
            .then_with(|| a.subject.cmp(&b.subject))
    });
    hits.truncate(limit);
    hits
}

#[cfg(test)]
mod tests;
