//! The index's blocking keys and how a lookup gathers records by them (the module doc of
//! `index` says why these keys). A key is a kind and some bytes hashed to 64 bits: two keys that
//! collide only put a few more records before the scorer, which decides, and holding hashes
//! rather than words keeps the index a fraction of the size. A block lists entries: a record's
//! slot and which of its names (main name, then aliases) the key came from, packed in a `u32`.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};

use crate::tracker::normalise::Token;
use crate::tracker::score::{PreparedPerson, PreparedPlace};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(in crate::tracker) struct Key(u64);

/// FNV-1a: small, stable across runs and platforms, and good enough for bucketing.
fn key(kind: u8, bytes: &[u8]) -> Key {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in std::iter::once(&kind).chain(bytes) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    Key(h)
}

const CODE: u8 = 1;
const NEAR: u8 = 2;
const DOB: u8 = 3;
const PHONE: u8 = 4;
const WORDS: u8 = 5;
const START: u8 = 6;

pub(in crate::tracker) fn dob_key(date: NaiveDate) -> Key {
    key(DOB, &date.num_days_from_ce().to_le_bytes())
}

/// A word's codes, its one-letter deletions (and itself), and its first four letters when it is
/// longer: one key for each way `score::word_level` lets two words agree. Initials get none: an
/// initial alone would block nearly everyone.
pub(in crate::tracker) fn word_keys(w: &Token) -> Vec<Key> {
    if w.text.len() <= 1 {
        return Vec::new();
    }
    let mut out: Vec<Key> = w.codes().map(|c| key(CODE, c)).collect();
    out.push(key(NEAR, w.text.as_bytes()));
    if w.text.len() > 4 {
        out.push(key(START, &w.text.as_bytes()[..4]));
    }
    if w.text.len() >= 4 {
        for (i, _) in w.text.char_indices() {
            let mut near = w.text.clone();
            near.remove(i);
            out.push(key(NEAR, near.as_bytes()));
        }
    }
    out
}

/// The date of birth and phone keys. A probe also looks up its date with day and month
/// swapped and a year either side, the slips the scorer still counts for something.
pub(in crate::tracker) fn other_keys(p: &PreparedPerson, probe: bool) -> Vec<Key> {
    let mut keys = Vec::new();
    if let Some(dob) = p.dob {
        keys.push(dob_key(dob));
        if probe {
            let swapped = NaiveDate::from_ymd_opt(dob.year(), dob.day(), dob.month());
            let before = NaiveDate::from_ymd_opt(dob.year() - 1, dob.month(), dob.day());
            let after = NaiveDate::from_ymd_opt(dob.year() + 1, dob.month(), dob.day());
            keys.extend([swapped, before, after].into_iter().flatten().map(dob_key));
        }
    }
    keys.extend(p.phones.iter().map(|n| key(PHONE, n.as_bytes())));
    keys
}

/// Bits of an entry that say which name of the record a key came from; aliases past the 31st
/// share the last number, and lookups then ask less of them.
const NAME_BITS: u32 = 5;
const LAST_NAME: usize = (1 << NAME_BITS) - 1;

pub(in crate::tracker) fn entry(slot: u32, name: usize) -> u32 {
    (slot << NAME_BITS) | u32::try_from(name.min(LAST_NAME)).unwrap_or(0)
}

pub(in crate::tracker) fn slot_of(entry: u32) -> u32 {
    entry >> NAME_BITS
}

fn name_of(entry: u32) -> usize {
    (entry & ((1 << NAME_BITS) - 1)) as usize
}

/// Every key a held person is filed under, with the name it came from (dates and phones: 0).
pub(in crate::tracker) fn person_keys(p: &PreparedPerson) -> Vec<(Key, usize)> {
    let mut keys: Vec<(Key, usize)> = Vec::new();
    for (j, name) in p.names.iter().enumerate() {
        keys.extend(
            name.iter()
                .flat_map(word_keys)
                .map(|k| (k, j.min(LAST_NAME))),
        );
    }
    keys.extend(other_keys(p, false).into_iter().map(|k| (k, 0)));
    let mut seen = HashSet::new();
    keys.retain(|k| seen.insert(*k));
    keys
}

pub(in crate::tracker) fn place_keys(p: &PreparedPlace) -> Vec<Key> {
    let mut keys: Vec<Key> = p.distinctive.iter().flat_map(word_keys).collect();
    let mut words: Vec<&str> = p.words.iter().map(|t| t.text.as_str()).collect();
    words.sort_unstable();
    if !words.is_empty() {
        keys.push(key(WORDS, words.join(" ").as_bytes()));
    }
    dedup(keys)
}

pub(in crate::tracker) fn dedup(keys: Vec<Key>) -> Vec<Key> {
    let mut seen = HashSet::new();
    keys.into_iter().filter(|k| seen.insert(*k)).collect()
}

/// Every slot that shares at least one key, once.
pub(in crate::tracker) fn gather(blocks: &HashMap<Key, Vec<u32>>, keys: &[Key]) -> Vec<u32> {
    let mut slots: Vec<u32> = keys
        .iter()
        .filter_map(|k| blocks.get(k))
        .flatten()
        .map(|e| slot_of(*e))
        .collect();
    slots.sort_unstable();
    slots.dedup();
    slots
}

/// The words of a name that have keys, and whether it has initials (which match without one).
pub(in crate::tracker) fn keyed(name: &[Token]) -> (Vec<&Token>, bool) {
    let words: Vec<&Token> = name.iter().filter(|w| w.text.len() > 1).collect();
    let initials = words.len() < name.len();
    (words, initials)
}

/// How many keyed words a name needs to share with a probe of `k` keyed words to possibly
/// match it (see [`name_hits`]): a word of the shorter name must match a different word of
/// the longer, and matching words share a key; initials match without one, so a name with
/// initials on either side needs only one.
pub(in crate::tracker) fn words_needed(name: &[Token], k: usize, probe_initials: bool) -> usize {
    let (words, initials) = keyed(name);
    if initials || probe_initials {
        1
    } else {
        words.len().min(k).max(1)
    }
}

/// Slots whose name `j` shares keys with at least `need(slot, j)` different words of `words`
/// (`j` is `None` past the last name an entry can tell apart). This is what keeps a lookup
/// to a few hundred records when first names are common: a record found through its first
/// name alone, when both names have two words or more, cannot match by name, and is not scored.
pub(in crate::tracker) fn name_hits(
    blocks: &HashMap<Key, Vec<u32>>,
    words: &[&Token],
    need: impl Fn(u32, Option<usize>) -> usize,
) -> Vec<u32> {
    let mut hits: Vec<(u32, usize)> = Vec::new();
    for (t, w) in words.iter().enumerate() {
        let mut entries: Vec<u32> = word_keys(w)
            .iter()
            .filter_map(|k| blocks.get(k))
            .flatten()
            .copied()
            .collect();
        entries.sort_unstable();
        entries.dedup();
        hits.extend(entries.into_iter().map(|e| (e, t)));
    }
    hits.sort_unstable();
    let mut slots: Vec<u32> = hits
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|run| {
            let (slot, j) = (slot_of(run[0].0), name_of(run[0].0));
            run.len() >= need(slot, (j < LAST_NAME).then_some(j))
        })
        .map(|run| slot_of(run[0].0))
        .collect();
    slots.dedup();
    slots
}
