//! The tracker's records in the workspace's database: people, places, their links to cases,
//! each case's facts (reference, LAs, date) and every match decision, each sealed under the data
//! key like a referral. The whole tracker is read once at start into the in-memory index the
//! pages ask (`crate::tracker::Index`); every change is written here first, then to the index.

use anyhow::{Context as _, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::WorkspaceStore;
use crate::tracker::decide::{Decisions, MatchDecision};
use crate::tracker::extract::Extracted;
use crate::tracker::index::Index;
use crate::tracker::model::{CaseFacts, Link, Outcome, Person, Place, Subject};

const PEOPLE: &str = "tracker-people";
const PLACES: &str = "tracker-places";
const LINKS: &str = "tracker-links";
const FACTS: &str = "tracker-cases";
const DECISIONS: &str = "tracker-decisions";
const OUTCOMES: &str = "tracker-outcomes";

/// The database key of a link: its case, then what it points at and in which role.
fn link_key(l: &Link) -> Vec<u8> {
    format!("{}\0{}\0{}", l.case, l.subject.id(), l.role).into_bytes()
}

impl WorkspaceStore {
    fn tree(&self, name: &str) -> Result<sled::Tree> {
        Ok(self.db.open_tree(name)?)
    }

    fn put<T: Serialize>(&self, tree: &sled::Tree, key: &[u8], value: &T) -> Result<()> {
        tree.insert(key, self.seal(key, value)?)?;
        Ok(())
    }

    fn every<T: DeserializeOwned>(&self, name: &str) -> Result<Vec<T>> {
        let tree = self.tree(name)?;
        let mut out = Vec::new();
        for kv in tree.iter() {
            let (k, v) = kv?;
            let plain = self
                .key
                .open(&k, &v)
                .with_context(|| format!("{name} record"))?;
            out.push(serde_json::from_slice(&plain)?);
        }
        Ok(out)
    }

    /// Stores what a referral added (its people, places and links) and its case's facts,
    /// flushed before it is indexed.
    pub fn put_extracted(&self, ex: &Extracted, facts: &CaseFacts) -> Result<()> {
        let (people, places, links) = (self.tree(PEOPLE)?, self.tree(PLACES)?, self.tree(LINKS)?);
        for p in &ex.people {
            self.put(&people, p.id.as_str().as_bytes(), p)?;
        }
        for p in &ex.places {
            self.put(&places, p.id.as_str().as_bytes(), p)?;
        }
        for l in &ex.links {
            self.put(&links, &link_key(l), l)?;
        }
        let f = self.tree(FACTS)?;
        self.put(&f, facts.key.as_bytes(), facts)?;
        self.db.flush()?;
        Ok(())
    }

    /// Replaces one person's record (an edit), audited in the same write.
    pub fn put_person(&self, p: &Person, (actor, action): (&str, &str)) -> Result<()> {
        let tree = self.tree(PEOPLE)?;
        let key = p.id.as_str().as_bytes();
        let change = Some((&tree, key, self.seal(key, p)?));
        self.audit
            .record_with(actor, action, p.id.as_str(), change)?;
        Ok(())
    }

    /// Replaces one place's record (an edit), audited in the same write.
    pub fn put_place(&self, p: &Place, (actor, action): (&str, &str)) -> Result<()> {
        let tree = self.tree(PLACES)?;
        let key = p.id.as_str().as_bytes();
        let change = Some((&tree, key, self.seal(key, p)?));
        self.audit
            .record_with(actor, action, p.id.as_str(), change)?;
        Ok(())
    }

    /// Stores a person or place added by hand (`record`, of the kind `link` points at), its
    /// link to the case and the case's facts, with the audit entry, in one transaction: a
    /// record is never held without the case it belongs to, nor added unaudited.
    pub fn add_linked<T: Serialize>(
        &self,
        record: &T,
        link: &Link,
        facts: &CaseFacts,
        actor: &str,
    ) -> Result<()> {
        let id = link.subject.id().as_str().as_bytes();
        let tree = match link.subject {
            Subject::Person(_) => self.tree(PEOPLE)?,
            Subject::Place(_) => self.tree(PLACES)?,
        };
        let value = self.seal(id, record)?;
        let (links, cases) = (self.tree(LINKS)?, self.tree(FACTS)?);
        let lk = link_key(link);
        let changes = [
            (&tree, id, value),
            (&links, &lk[..], self.seal(&lk, link)?),
            (
                &cases,
                facts.key.as_bytes(),
                self.seal(facts.key.as_bytes(), facts)?,
            ),
        ];
        let action = format!("add-tracker:{}", link.role);
        self.audit
            .record_with_all(actor, &action, link.subject.id().as_str(), &changes)?;
        Ok(())
    }

    /// Keeps a match decision for ever, with its audit entry in the same write.
    pub fn put_decision(&self, d: &MatchDecision, seq: u64, action: &str) -> Result<()> {
        let tree = self.tree(DECISIONS)?;
        let key = seq.to_be_bytes();
        let change = Some((&tree, &key[..], self.seal(&key, d)?));
        let record = format!("{} {}", d.a, d.b);
        self.audit.record_with(&d.by, action, &record, change)?;
        Ok(())
    }

    /// Adds a coded outcome to a case, with its audit entry in the same write.
    pub fn add_outcome(&self, o: &Outcome, actor: &str) -> Result<()> {
        let tree = self.tree(OUTCOMES)?;
        let key = format!("{}\0{}", o.case, crate::tracker::model::Id::random()).into_bytes();
        let change = Some((&tree, &key[..], self.seal(&key, o)?));
        let action = format!("outcome:{}", o.code);
        self.audit.record_with(actor, &action, &o.case, change)?;
        Ok(())
    }

    /// A case's outcomes, oldest first.
    pub fn outcomes(&self, case: &str) -> Result<Vec<Outcome>> {
        let tree = self.tree(OUTCOMES)?;
        let mut out = Vec::new();
        for kv in tree.scan_prefix(format!("{case}\0").as_bytes()) {
            let (k, v) = kv?;
            out.push(serde_json::from_slice::<Outcome>(&self.key.open(&k, &v)?)?);
        }
        out.sort_by_key(|o| o.date);
        Ok(out)
    }

    /// Removes a purged case's links and facts, and any person or place left linked to no case.
    pub fn forget_case(&self, case: &str) -> Result<usize> {
        let links = self.tree(LINKS)?;
        let prefix = format!("{case}\0");
        let mut gone = Vec::new();
        for kv in links.scan_prefix(prefix.as_bytes()) {
            let (k, v) = kv?;
            let link: Link = serde_json::from_slice(&self.key.open(&k, &v)?)?;
            links.remove(&k)?;
            gone.push(link);
        }
        self.tree(FACTS)?.remove(case.as_bytes())?;
        let outcomes = self.tree(OUTCOMES)?;
        for kv in outcomes.scan_prefix(format!("{case}\0").as_bytes()) {
            outcomes.remove(kv?.0)?;
        }
        let remaining: Vec<Link> = self.every(LINKS)?;
        let mut removed = 0;
        for l in &gone {
            let id = l.subject.id();
            if !remaining.iter().any(|r| r.subject.id() == id) {
                let tree = match l.subject {
                    Subject::Person(_) => self.tree(PEOPLE)?,
                    Subject::Place(_) => self.tree(PLACES)?,
                };
                removed += usize::from(tree.remove(id.as_str().as_bytes())?.is_some());
            }
        }
        self.db.flush()?;
        Ok(removed)
    }

    /// Everything the tracker holds, indexed, and every decision replayed in order.
    pub fn load_tracker(&self) -> Result<(Index, Decisions)> {
        let mut index = Index::new();
        for p in self.every::<Person>(PEOPLE)? {
            index.put_person(p);
        }
        for p in self.every::<Place>(PLACES)? {
            index.put_place(p);
        }
        for l in self.every::<Link>(LINKS)? {
            index.put_link(l);
        }
        for f in self.every::<CaseFacts>(FACTS)? {
            index.put_case(f);
        }
        let decisions = Decisions::replay(self.every::<MatchDecision>(DECISIONS)?)?;
        Ok((index, decisions))
    }
}
