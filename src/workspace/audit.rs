//! The audit trail: who did what, when, to which record. Append-only and tamper-evident.
//!
//! Each entry carries the SHA-256 of the entry before it and its own hash over all its fields,
//! so editing, inserting or deleting an entry in the middle breaks the chain at that entry, and
//! `prem inbox audit verify` names it. A chain alone cannot catch someone who rewrites every
//! hash from the edit onwards, or cuts entries off the end: `verify` prints the head hash so it
//! can be written down somewhere else (the meeting minutes, a ticket) and compared later.
//!
//! Entries are stored in the clear: they hold account names, actions and record ids, never an
//! answer, a person's name or a rationale, and checking them must not need the passphrase.

use std::sync::Mutex;

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One line of the trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: u64,
    pub at: DateTime<Utc>,
    /// The account, or `cli` for the command line, `system` for timers.
    pub actor: String,
    /// What happened, e.g. `login`, `login-failed`, `view`, `decision:accept`, `purge`.
    pub action: String,
    /// `kiosk/id` of the record concerned, a user's name for user changes, or empty.
    pub record: String,
    pub prev_hash: String,
    pub hash: String,
}

impl Entry {
    fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"prem audit v1\n");
        for field in [
            self.seq.to_string(),
            self.at.to_rfc3339(),
            self.actor.clone(),
            self.action.clone(),
            self.record.clone(),
            self.prev_hash.clone(),
        ] {
            h.update((field.len() as u64).to_be_bytes());
            h.update(field.as_bytes());
        }
        hex::encode(h.finalize())
    }
}

/// The hash a first entry points back to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The trail, on its own sled tree (key: sequence number, big-endian).
pub struct AuditLog {
    tree: sled::Tree,
    append: Mutex<()>,
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Intact { entries: u64, head: String },
    Broken { seq: u64, reason: String },
}

impl AuditLog {
    pub fn new(tree: sled::Tree) -> Self {
        AuditLog {
            tree,
            append: Mutex::new(()),
        }
    }

    /// Appends an entry and flushes it before returning, so an action reported done is on disk.
    pub fn record(&self, actor: &str, action: &str, record: &str) -> Result<Entry> {
        self.record_with(actor, action, record, None)
    }

    /// Appends an entry and, in the same sled transaction, writes `change` (a tree, a key and
    /// a value): the change and the entry recording it are on disk together or not at all.
    pub fn record_with(
        &self,
        actor: &str,
        action: &str,
        record: &str,
        change: Option<(&sled::Tree, &[u8], Vec<u8>)>,
    ) -> Result<Entry> {
        self.record_with_all(actor, action, record, change.as_slice())
    }

    /// As [`AuditLog::record_with`], for a change that spans several trees (a record and its
    /// link to a case): every write and the entry are on disk together or not at all.
    pub fn record_with_all(
        &self,
        actor: &str,
        action: &str,
        record: &str,
        changes: &[(&sled::Tree, &[u8], Vec<u8>)],
    ) -> Result<Entry> {
        use sled::Transactional as _;
        let _guard = self.append.lock().unwrap_or_else(|e| e.into_inner());
        let (seq, prev_hash) = match self.tree.last()? {
            Some((_, v)) => {
                let last: Entry = serde_json::from_slice(&v).context("last audit entry")?;
                (last.seq + 1, last.hash)
            }
            None => (1, GENESIS.to_string()),
        };
        let mut entry = Entry {
            seq,
            at: Utc::now(),
            actor: actor.into(),
            action: action.into(),
            record: record.into(),
            prev_hash,
            hash: String::new(),
        };
        entry.hash = entry.compute_hash();
        let line = serde_json::to_vec(&entry)?;
        if changes.is_empty() {
            let inserted =
                (self.tree).compare_and_swap(seq.to_be_bytes(), None::<&[u8]>, Some(line))?;
            if inserted.is_err() {
                anyhow::bail!("audit entry {seq} already exists");
            }
        } else {
            let trees: Vec<&sled::Tree> = std::iter::once(&self.tree)
                .chain(changes.iter().map(|(tree, _, _)| *tree))
                .collect();
            trees[..]
                .transaction(|views| {
                    views[0].insert(&seq.to_be_bytes(), line.clone())?;
                    for (view, (_, key, value)) in views[1..].iter().zip(changes) {
                        view.insert(*key, value.clone())?;
                    }
                    Ok::<(), sled::transaction::ConflictableTransactionError>(())
                })
                .map_err(|e| anyhow::anyhow!("audited write failed: {e:?}"))?;
            for (tree, _, _) in changes {
                tree.flush()?;
            }
        }
        self.tree.flush()?;
        Ok(entry)
    }

    /// The newest `limit` entries, newest first.
    pub fn recent(&self, limit: usize) -> Result<Vec<Entry>> {
        self.tree
            .iter()
            .rev()
            .take(limit)
            .map(|kv| Ok(serde_json::from_slice(&kv?.1)?))
            .collect()
    }

    /// Walks the whole chain from the first entry; stops at the first bad one.
    pub fn verify(&self) -> Result<Verdict> {
        let mut prev = GENESIS.to_string();
        let mut expected_seq = 1u64;
        for kv in self.tree.iter() {
            let (k, v) = kv?;
            let key_seq = k
                .as_ref()
                .try_into()
                .map(u64::from_be_bytes)
                .unwrap_or(u64::MAX);
            let broken = |reason: &str| Verdict::Broken {
                seq: expected_seq,
                reason: reason.into(),
            };
            let Ok(entry) = serde_json::from_slice::<Entry>(&v) else {
                return Ok(broken("cannot be read"));
            };
            if key_seq != expected_seq || entry.seq != expected_seq {
                return Ok(broken("out of sequence (an entry was removed or inserted)"));
            }
            if entry.prev_hash != prev {
                return Ok(broken("does not follow the entry before it"));
            }
            if entry.compute_hash() != entry.hash {
                return Ok(broken("was changed after it was written"));
            }
            prev = entry.hash;
            expected_seq += 1;
        }
        Ok(Verdict::Intact {
            entries: expected_seq - 1,
            head: prev,
        })
    }

    /// Overwrites an entry's bytes, for tests that prove `verify` notices.
    #[doc(hidden)]
    pub fn tamper_for_tests(&self, seq: u64, edit: impl FnOnce(&mut Entry)) -> Result<()> {
        let v = self.tree.get(seq.to_be_bytes())?.context("no such entry")?;
        let mut entry: Entry = serde_json::from_slice(&v)?;
        edit(&mut entry);
        self.tree
            .insert(seq.to_be_bytes(), serde_json::to_vec(&entry)?)?;
        self.tree.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log() -> (tempfile::TempDir, AuditLog) {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = sled::Config::new().path(dir.path()).open().expect("sled");
        let tree = db.open_tree("audit").expect("tree");
        (dir, AuditLog::new(tree))
    }

    #[test]
    fn chain_verifies_and_names_the_first_edited_entry() {
        let (_dir, log) = log();
        for i in 0..5 {
            log.record("sam", "view", &format!("k/{i}"))
                .expect("append");
        }
        let Verdict::Intact { entries, head } = log.verify().expect("verify") else {
            panic!("fresh chain is intact");
        };
        assert_eq!(entries, 5);
        assert_eq!(head, log.recent(1).expect("recent")[0].hash);
        log.tamper_for_tests(3, |e| e.actor = "someone-else".into())
            .expect("tamper");
        assert!(matches!(
            log.verify().expect("verify"),
            Verdict::Broken { seq: 3, .. }
        ));
    }

    #[test]
    fn a_removed_or_rehashed_entry_is_caught_too() {
        let (_dir, log) = log();
        for _ in 0..4 {
            log.record("sam", "login", "").expect("append");
        }
        // Rewriting an entry's own hash moves the break to the next entry.
        log.tamper_for_tests(2, |e| {
            e.action = "logout".into();
            e.hash = e.compute_hash();
        })
        .expect("tamper");
        assert!(matches!(
            log.verify().expect("verify"),
            Verdict::Broken { seq: 3, .. }
        ));
        log.tree.remove(2u64.to_be_bytes()).expect("remove");
        assert!(matches!(
            log.verify().expect("verify"),
            Verdict::Broken { seq: 2, .. }
        ));
    }
}
