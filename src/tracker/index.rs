//! Everything the tracker holds, in memory, with blocking keys so that finding the records that
//! may match a new one looks at a few hundred records, not all of them.
//!
//! The keys are chosen from the weights, so that every pair the full scan would suggest shares
//! at least one key: with no name or alias word agreeing at some level, no date of birth
//! related and no phone in common, a pair adds up to at most a district and an age (+4), short
//! of "possible" (+8). So a person is filed under a key for each way two words can agree
//! (Double Metaphone codes; one-letter deletions, which one-slip pairs always share even when
//! the slip changes the sound; the first four letters), the date of birth (looked up as itself,
//! day and month swapped and a year either side) and each phone. Places are filed under the
//! keys of their distinctive words and their whole sorted name. A test checks on generated
//! variants that the index suggests exactly what a full scan would.

pub(super) mod keys;

use std::collections::HashMap;

use serde::Serialize;

use super::decide::{Decisions, Verdict};
use super::model::{CaseFacts, Id, Link, Person, Place};
use super::normalise;
use super::score::{score_people, score_places, Band, Explanation, PreparedPerson, PreparedPlace};
use keys::{
    entry, gather, keyed, name_hits, other_keys, person_keys, place_keys, slot_of, words_needed,
    Key,
};

/// A real-world person or place (a cluster of confirmed records) that may be the one looked
/// up, and why. One suggestion per cluster, through its best-scoring record: a perpetrator
/// named in forty confirmed referrals is one possible match, not forty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// The record that scored best; confirming the pair joins the probe to its cluster.
    pub id: Id,
    pub cluster: Id,
    /// How many records the cluster holds.
    pub records: usize,
    pub explanation: Explanation,
    /// "Unsure" when a reviewer has looked at this pair before without settling it.
    pub previous: Option<Verdict>,
    /// The cases the cluster's records are linked to, for the caller to show or, for a case
    /// the user may not see, to name only its local authority.
    pub cases: Vec<String>,
}

/// Where a record is held: people and places are numbered apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    Person(u32),
    Place(u32),
}

pub(super) struct Held<T, P> {
    pub record: T,
    pub prepared: P,
}

/// The tracker's records and their keys. Slots are never reused, so a number in a block
/// always means the record it was made for (a removed record leaves an empty slot).
#[derive(Default)]
pub struct Index {
    pub(super) people: Vec<Option<Held<Person, PreparedPerson>>>,
    pub(super) places: Vec<Option<Held<Place, PreparedPlace>>>,
    pub(super) slots: HashMap<Id, Slot>,
    pub(super) person_blocks: HashMap<Key, Vec<u32>>,
    pub(super) place_blocks: HashMap<Key, Vec<u32>>,
    pub(super) links_of: HashMap<Id, Vec<Link>>,
    pub(super) links_in: HashMap<String, Vec<Link>>,
    pub(super) cases: HashMap<String, CaseFacts>,
    /// Folded case reference → case key, for search.
    pub(super) references: HashMap<String, String>,
    /// Postcode district → people and places there, for search (not a blocking key: a district
    /// alone never makes a match, and its blocks are large).
    pub(super) districts: HashMap<String, Vec<Id>>,
}

fn unblock(blocks: &mut HashMap<Key, Vec<u32>>, keys: impl IntoIterator<Item = Key>, slot: u32) {
    for k in keys {
        if let Some(list) = blocks.get_mut(&k) {
            list.retain(|e| slot_of(*e) != slot);
            if list.is_empty() {
                blocks.remove(&k);
            }
        }
    }
}

impl Index {
    pub fn new() -> Index {
        Index::default()
    }

    /// Adds a person, or replaces the one with the same id (after an edit).
    pub fn put_person(&mut self, person: Person) {
        self.remove_record(&person.id);
        let prepared = PreparedPerson::new(&person);
        let slot = u32::try_from(self.people.len()).unwrap_or(u32::MAX);
        for (k, name) in person_keys(&prepared) {
            self.person_blocks
                .entry(k)
                .or_default()
                .push(entry(slot, name));
        }
        self.slots.insert(person.id.clone(), Slot::Person(slot));
        if let Some(d) = &prepared.district {
            self.districts
                .entry(d.clone())
                .or_default()
                .push(person.id.clone());
        }
        self.people.push(Some(Held {
            record: person,
            prepared,
        }));
    }

    /// Adds a place, or replaces the one with the same id.
    pub fn put_place(&mut self, place: Place) {
        self.remove_record(&place.id);
        let prepared = PreparedPlace::new(&place);
        let slot = u32::try_from(self.places.len()).unwrap_or(u32::MAX);
        for k in place_keys(&prepared) {
            self.place_blocks.entry(k).or_default().push(entry(slot, 0));
        }
        self.slots.insert(place.id.clone(), Slot::Place(slot));
        if let Some(d) = &prepared.district {
            self.districts
                .entry(d.clone())
                .or_default()
                .push(place.id.clone());
        }
        self.places.push(Some(Held {
            record: place,
            prepared,
        }));
    }

    /// Forgets a person or place and its links (retention, or a record added in error).
    pub fn remove(&mut self, id: &Id) {
        self.remove_record(id);
        for link in self.links_of.remove(id).unwrap_or_default() {
            if let Some(list) = self.links_in.get_mut(&link.case) {
                list.retain(|l| l != &link);
            }
        }
    }

    fn remove_record(&mut self, id: &Id) {
        let district = match self.slots.remove(id) {
            Some(Slot::Person(n)) => {
                self.people
                    .get_mut(n as usize)
                    .and_then(Option::take)
                    .map(|h| {
                        let keys = person_keys(&h.prepared).into_iter().map(|(k, _)| k);
                        unblock(&mut self.person_blocks, keys, n);
                        h.prepared.district
                    })
            }
            Some(Slot::Place(n)) => {
                self.places
                    .get_mut(n as usize)
                    .and_then(Option::take)
                    .map(|h| {
                        unblock(&mut self.place_blocks, place_keys(&h.prepared), n);
                        h.prepared.district
                    })
            }
            None => None,
        };
        if let Some(list) = district.flatten().and_then(|d| self.districts.get_mut(&d)) {
            list.retain(|x| x != id);
        }
    }

    pub fn put_link(&mut self, link: Link) {
        let of = self.links_of.entry(link.subject.id().clone()).or_default();
        if of.contains(&link) {
            return;
        }
        of.push(link.clone());
        self.links_in
            .entry(link.case.clone())
            .or_default()
            .push(link);
    }

    pub fn remove_link(&mut self, link: &Link) {
        if let Some(list) = self.links_of.get_mut(link.subject.id()) {
            list.retain(|l| l != link);
        }
        if let Some(list) = self.links_in.get_mut(&link.case) {
            list.retain(|l| l != link);
        }
    }

    /// Adds or replaces what the tracker knows of a case (reference, LAs, date).
    pub fn put_case(&mut self, case: CaseFacts) {
        if let Some(old) = self.cases.get(&case.key) {
            self.references.remove(&normalise::fold(&old.reference));
        }
        self.references
            .insert(normalise::fold(&case.reference), case.key.clone());
        self.cases.insert(case.key.clone(), case);
    }

    pub fn person(&self, id: &Id) -> Option<&Person> {
        match self.slots.get(id)? {
            Slot::Person(n) => Some(&self.people.get(*n as usize)?.as_ref()?.record),
            Slot::Place(_) => None,
        }
    }

    pub fn place(&self, id: &Id) -> Option<&Place> {
        match self.slots.get(id)? {
            Slot::Place(n) => Some(&self.places.get(*n as usize)?.as_ref()?.record),
            Slot::Person(_) => None,
        }
    }

    pub fn links_of(&self, id: &Id) -> &[Link] {
        self.links_of.get(id).map(Vec::as_slice).unwrap_or_default()
    }

    pub fn links_in(&self, case: &str) -> &[Link] {
        self.links_in
            .get(case)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    pub fn case(&self, key: &str) -> Option<&CaseFacts> {
        self.cases.get(key)
    }

    pub fn people(&self) -> impl Iterator<Item = &Person> {
        self.people.iter().flatten().map(|h| &h.record)
    }

    pub fn places(&self) -> impl Iterator<Item = &Place> {
        self.places.iter().flatten().map(|h| &h.record)
    }

    /// People who may be `person`, best first, at least "possible", leaving out pairs a reviewer
    /// has settled. `person` need not be in the index yet (a case arriving), and is never its
    /// own candidate when it is.
    pub fn candidates(&self, person: &Person, decisions: &Decisions) -> Vec<Suggestion> {
        let probe = PreparedPerson::new(person);
        let slots = self.person_slots(&probe);
        let found = slots.into_iter().filter_map(|s| {
            let held = self.people.get(s as usize)?.as_ref()?;
            Some((&held.record.id, score_people(&probe, &held.prepared)))
        });
        self.suggest(&person.id, found, decisions)
    }

    /// The people a probe shares a date of birth or phone key with, and those whose names it
    /// shares enough word keys with to match by name (see [`keys::name_hits`]).
    fn person_slots(&self, probe: &PreparedPerson) -> Vec<u32> {
        let mut slots = gather(&self.person_blocks, &other_keys(probe, true));
        for name in &probe.names {
            let (words, probe_initials) = keyed(name);
            let need = |slot: u32, j: Option<usize>| {
                let held = self.people.get(slot as usize).and_then(Option::as_ref);
                let name = held.zip(j).and_then(|(h, j)| h.prepared.names.get(j));
                name.map_or(1, |n| words_needed(n, words.len(), probe_initials))
            };
            slots.extend(name_hits(&self.person_blocks, &words, need));
        }
        slots.sort_unstable();
        slots.dedup();
        slots
    }

    /// Places that may be `place`, as [`Index::candidates`] does for people.
    pub fn place_candidates(&self, place: &Place, decisions: &Decisions) -> Vec<Suggestion> {
        let probe = PreparedPlace::new(place);
        let slots = gather(&self.place_blocks, &place_keys(&probe));
        let found = slots.into_iter().filter_map(|s| {
            let held = self.places.get(s as usize)?.as_ref()?;
            Some((&held.record.id, score_places(&probe, &held.prepared)))
        });
        self.suggest(&place.id, found, decisions)
    }

    fn suggest<'a>(
        &self,
        probe: &Id,
        found: impl Iterator<Item = (&'a Id, Explanation)>,
        decisions: &Decisions,
    ) -> Vec<Suggestion> {
        let clusters = decisions.clusters();
        let mut best: HashMap<&Id, (&Id, Explanation)> = HashMap::new();
        for (id, e) in found {
            if id == probe || e.band < Band::Possible || decisions.settled(probe, id) {
                continue;
            }
            let better = |(have, old): &(&Id, Explanation)| {
                (e.total, std::cmp::Reverse(id)) > (old.total, std::cmp::Reverse(*have))
            };
            let cluster = clusters.of(id);
            if best.get(cluster).is_none_or(better) {
                best.insert(cluster, (id, e));
            }
        }
        let mut out: Vec<Suggestion> = best
            .into_iter()
            .map(|(cluster, (id, explanation))| {
                let records = clusters.members(cluster);
                let mut cases: Vec<String> = records
                    .iter()
                    .flat_map(|r| self.links_of(r))
                    .map(|l| l.case.clone())
                    .collect();
                cases.sort();
                cases.dedup();
                Suggestion {
                    id: id.clone(),
                    cluster: cluster.clone(),
                    records: records.len(),
                    previous: decisions.latest(probe, id).map(|d| d.verdict),
                    explanation,
                    cases,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.explanation
                .total
                .cmp(&a.explanation.total)
                .then_with(|| a.id.cmp(&b.id))
        });
        out
    }
}

#[cfg(test)]
mod tests;
