//! The inbox's own data directory: one lock, one sled database, every sensitive value sealed
//! under the data key.
//!
//! ```text
//! <data_dir>/prem.lock   exclusive lock (shared with the kiosk's store code; its empty
//!                        spool/ folder is unused here)
//! <data_dir>/data.key    the data key, wrapped under the passphrase (see `vault`)
//! <data_dir>/index/      sled: referrals, users, kiosks, audit, sessions
//! ```
//!
//! Referrals are keyed by kiosk name and submission id, and inserted only if absent, which is
//! what makes a repeated pull harmless. Every change is flushed before it is reported done:
//! the pull acknowledges a record to the kiosk only after `insert_new` has returned.

mod changes;
mod meetings;
#[cfg(test)]
mod tests;
mod tracker;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::audit::AuditLog;
use super::case::Case;
use super::model::{RecordKey, Referral};
use super::vault::DataKey;
use crate::seal::KdfParams;
use crate::store::dir::{self, DirLock};
use crate::store::SledSessionStore;
pub use changes::Since;

/// The database, opened and locked but not yet unlocked: enough to check the audit trail.
pub struct WorkspaceDb {
    db: sled::Db,
    lock: Arc<DirLock>,
    dir: PathBuf,
}

impl WorkspaceDb {
    /// Opens (creating if needed) `dir`. Fails with one line if another process holds it.
    pub fn open(dir: &Path) -> Result<WorkspaceDb> {
        std::fs::create_dir_all(dir).map_err(|e| {
            anyhow::anyhow!(
                "cannot create the inbox data directory {} ({}): check inbox.data_dir in \
                     prem.toml and that this user may write there",
                dir.display(),
                e.kind()
            )
        })?;
        let lock = dir::lock(dir)?;
        let db = dir::open_sled(dir)?;
        Ok(WorkspaceDb {
            db,
            lock,
            dir: dir.to_path_buf(),
        })
    }

    pub fn audit(&self) -> Result<AuditLog> {
        Ok(AuditLog::new(self.db.open_tree("audit")?))
    }

    /// Unwraps (or on first start creates) the data key with the passphrase.
    pub fn unlock(self, passphrase: &[u8], params: KdfParams) -> Result<WorkspaceStore> {
        let key = DataKey::load_or_create(&self.dir.join("data.key"), passphrase, params)?;
        Ok(WorkspaceStore {
            referrals: self.db.open_tree("referrals")?,
            kiosks: self.db.open_tree("kiosks")?,
            quarantine: self.db.open_tree("quarantine")?,
            users: self.db.open_tree("users")?,
            audit: self.audit()?,
            key,
            update: Mutex::new(()),
            changes: Mutex::new(changes::Changes::default()),
            db: self.db,
            lock: self.lock,
        })
    }
}

/// A record the inbox fetched but could not open: kept exactly as sealed (and wrapped again
/// under the data key), so that nothing is lost and an admin can retry it once the cause (a
/// missing or wrong key, a damaged file) is fixed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Quarantined {
    pub key: RecordKey,
    /// The reference the kiosk listed it under (not authenticated until it opens).
    pub reference: String,
    pub sequence: u64,
    pub fetched_at: DateTime<Utc>,
    /// Why it did not open, for people: no contents, only the failure.
    pub reason: String,
    pub attempts: u32,
    #[serde(with = "hex::serde")]
    pub sealed: Vec<u8>,
}

/// A case change refused because another change got there first: the referral as it now is.
#[derive(Debug)]
pub struct Overtaken(pub Box<Referral>);

/// Per kiosk: the highest sequence number seen and the ranges never received.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskState {
    pub high: u64,
    pub gaps: Vec<(u64, u64)>,
}

impl KioskState {
    /// Records that `seq` arrived; returns the gap it opened, if any.
    pub fn note(&mut self, seq: u64) -> Option<(u64, u64)> {
        if seq > self.high {
            let gap = (seq > self.high + 1).then(|| (self.high + 1, seq - 1));
            gap.inspect(|g| self.gaps.push(*g));
            self.high = seq;
            return gap;
        }
        let mut gaps = Vec::new();
        for (a, b) in self.gaps.drain(..) {
            if (a..=b).contains(&seq) {
                if a < seq {
                    gaps.push((a, seq - 1));
                }
                if seq < b {
                    gaps.push((seq + 1, b));
                }
            } else {
                gaps.push((a, b));
            }
        }
        self.gaps = gaps;
        None
    }
}

/// The unlocked store every part of the inbox works through.
pub struct WorkspaceStore {
    db: sled::Db,
    lock: Arc<DirLock>,
    key: DataKey,
    referrals: sled::Tree,
    kiosks: sled::Tree,
    quarantine: sled::Tree,
    users: sled::Tree,
    pub audit: AuditLog,
    /// Serialises read-modify-write changes (one process holds the directory).
    update: Mutex<()>,
    /// Which referrals changed lately, for views kept in memory.
    changes: Mutex<changes::Changes>,
}

impl WorkspaceStore {
    /// Reviewer sessions, on their own tree, encrypted by the kiosk's session store code.
    pub fn sessions(&self) -> Result<SledSessionStore> {
        Ok(SledSessionStore::new(
            self.db.open_tree("sessions")?,
            self.lock.clone(),
        ))
    }

    fn get_sealed<T: DeserializeOwned>(&self, tree: &sled::Tree, key: &[u8]) -> Result<Option<T>> {
        let Some(v) = tree.get(key)? else {
            return Ok(None);
        };
        let plain = self.key.open(key, &v)?;
        Ok(Some(serde_json::from_slice(&plain)?))
    }

    /// A keyed hash of `data` under the data key (see `DataKey::keyed_hash`).
    pub fn keyed_hash(&self, label: &str, data: &[u8]) -> String {
        self.key.keyed_hash(label, data)
    }

    fn seal<T: Serialize>(&self, key: &[u8], value: &T) -> Result<Vec<u8>> {
        let plain = zeroize::Zeroizing::new(serde_json::to_vec(value)?);
        self.key.seal(key, &plain)
    }

    pub fn contains(&self, key: &RecordKey) -> Result<bool> {
        Ok(self.referrals.contains_key(key.db_key())?)
    }

    /// Stores a newly opened referral durably; `false` if it was already there (unchanged).
    pub fn insert_new(&self, referral: &Referral) -> Result<bool> {
        let key = referral.key.db_key();
        let value = self.seal(&key, referral)?;
        let swapped = self
            .referrals
            .compare_and_swap(&key, None::<&[u8]>, Some(value))?;
        self.referrals.flush()?;
        if swapped.is_ok() {
            self.changed(key);
        }
        Ok(swapped.is_ok())
    }

    fn changed(&self, key: Vec<u8>) {
        self.changes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .note(key);
    }

    /// A counter bumped by every change to a referral; read it before reading referrals.
    pub fn generation(&self) -> u64 {
        let changes = self.changes.lock().unwrap_or_else(|e| e.into_inner());
        changes.generation()
    }

    /// The referrals changed after `generation` (from `generation` or an earlier call), and
    /// the generation now.
    pub fn changed_since(&self, generation: u64) -> (u64, Since) {
        let changes = self.changes.lock().unwrap_or_else(|e| e.into_inner());
        changes.since(generation)
    }

    pub fn get(&self, key: &RecordKey) -> Result<Option<Referral>> {
        self.get_sealed(&self.referrals, &key.db_key())
            .with_context(|| format!("referral {}", key.path()))
    }

    /// Every referral, opened. Fine for the hundreds a panel sees in a retention period.
    pub fn all(&self) -> Result<Vec<Referral>> {
        let mut out = Vec::new();
        for kv in self.referrals.iter() {
            let (k, v) = kv?;
            let plain = self.key.open(&k, &v)?;
            out.push(serde_json::from_slice(&plain)?);
        }
        Ok(out)
    }

    /// Every referral that opens, and the keys of those that do not (damaged on disk, say),
    /// so that one bad record never hides the rest; fails only if the tree cannot be read.
    pub fn all_readable(&self) -> Result<(Vec<Referral>, Vec<RecordKey>)> {
        let (mut out, mut bad) = (Vec::new(), Vec::new());
        for kv in self.referrals.iter() {
            let (k, v) = kv?;
            let opened = (self.key.open(&k, &v)).and_then(|p| Ok(serde_json::from_slice(&p)?));
            match (opened, RecordKey::from_db_key(&k)) {
                (Ok(r), _) => out.push(r),
                (Err(_), Some(key)) => bad.push(key),
                (Err(_), None) => {}
            }
        }
        Ok((out, bad))
    }

    /// Replaces a referral's case with `case`, flushed, if it is still the case the change was
    /// made from (`seen`), and records `audit` (actor, action) in the same write. If someone
    /// else's change got there first, nothing is written and the referral is returned as it now
    /// stands.
    pub fn save_case(
        &self,
        key: &RecordKey,
        seen: &Case,
        case: Case,
        (actor, action): (&str, &str),
    ) -> Result<Result<(), Overtaken>> {
        let _guard = self.update.lock().unwrap_or_else(|e| e.into_inner());
        let mut referral = self.get(key)?.with_context(|| {
            format!(
                "referral {} is no longer in the inbox (purged?)",
                key.path()
            )
        })?;
        if referral.case != *seen {
            return Ok(Err(Overtaken(Box::new(referral))));
        }
        referral.case = case;
        let k = key.db_key();
        let sealed = self.seal(&k, &referral)?;
        let change = Some((&self.referrals, &k[..], sealed));
        (self.audit).record_with(actor, action, &key.path(), change)?;
        self.changed(k);
        Ok(Ok(()))
    }

    /// Deletes referrals received more than `retention_days` ago, each deletion audited under
    /// `actor` (the daily timer, or `prem inbox purge`).
    pub fn purge_expired(&self, retention_days: u32, actor: &str) -> Result<usize> {
        let cutoff = Utc::now() - chrono::Duration::days(i64::from(retention_days));
        self.purge_older_than(cutoff, actor)
    }

    /// Deletes referrals received before `cutoff`, auditing each deletion before it happens
    /// (a crash in between leaves an entry for a record still there, which the next purge
    /// deletes and records again: never a deletion without an entry).
    pub fn purge_older_than(&self, cutoff: DateTime<Utc>, actor: &str) -> Result<usize> {
        let mut purged = 0;
        for referral in self.all()? {
            if referral.received_at < cutoff {
                self.audit.record(actor, "purge", &referral.key.path())?;
                self.referrals.remove(referral.key.db_key())?;
                self.referrals.flush()?;
                self.changed(referral.key.db_key());
                // Its people and places go with it, unless another case still names them.
                let forgotten = self.forget_case(&referral.key.path())?;
                if forgotten > 0 {
                    let action = format!("purge-tracker:{forgotten}");
                    self.audit.record(actor, &action, &referral.key.path())?;
                }
                // And its listings, actions, minutes and extraordinary meetings.
                let forgotten = self.forget_meetings(&referral.key.path())?;
                if forgotten > 0 {
                    let action = format!("purge-meetings:{forgotten}");
                    self.audit.record(actor, &action, &referral.key.path())?;
                }
                purged += 1;
            }
        }
        Ok(purged)
    }

    /// Sets a record aside (or updates the reason of one already set aside), flushed before the
    /// caller acknowledges it to the kiosk.
    pub fn quarantine(&self, record: &Quarantined) -> Result<()> {
        let k = record.key.db_key();
        self.quarantine.insert(&k, self.seal(&k, record)?)?;
        self.quarantine.flush()?;
        Ok(())
    }

    pub fn is_quarantined(&self, key: &RecordKey) -> Result<bool> {
        Ok(self.quarantine.contains_key(key.db_key())?)
    }

    /// Every record set aside, oldest first.
    pub fn quarantined(&self) -> Result<Vec<Quarantined>> {
        let mut out: Vec<Quarantined> = Vec::new();
        for kv in self.quarantine.iter() {
            let (k, v) = kv?;
            let plain = self.key.open(&k, &v)?;
            out.push(serde_json::from_slice(&plain)?);
        }
        out.sort_by_key(|q| q.fetched_at);
        Ok(out)
    }

    /// Each record's reference by its `kiosk/id`, for records held or set aside: the audit
    /// page names records by reference where the inbox still has them.
    pub fn references(&self) -> Result<std::collections::HashMap<String, String>> {
        let mut refs = std::collections::HashMap::new();
        for r in self.all()? {
            refs.insert(r.key.path(), r.submission.reference);
        }
        for q in self.quarantined()? {
            if !q.reference.is_empty() {
                refs.insert(q.key.path(), q.reference);
            }
        }
        Ok(refs)
    }

    pub fn quarantine_count(&self) -> usize {
        self.quarantine.len()
    }

    /// Moves a quarantined record that now opens into the referrals, in one flushed step each
    /// (the referral first: a crash in between leaves a duplicate that the next retry clears).
    pub fn release(&self, referral: &Referral) -> Result<()> {
        self.insert_new(referral)?;
        self.quarantine.remove(referral.key.db_key())?;
        self.quarantine.flush()?;
        Ok(())
    }

    pub fn kiosk_state(&self, kiosk: &str) -> Result<KioskState> {
        Ok(match self.kiosks.get(kiosk.as_bytes())? {
            Some(v) => serde_json::from_slice(&v)?,
            None => KioskState::default(),
        })
    }

    /// Notes a sequence number from `kiosk`; returns a gap it revealed.
    pub fn note_sequence(&self, kiosk: &str, seq: u64) -> Result<Option<(u64, u64)>> {
        let _guard = self.update.lock().unwrap_or_else(|e| e.into_inner());
        let mut state = self.kiosk_state(kiosk)?;
        let before = state.clone();
        let gap = state.note(seq);
        if state != before {
            self.kiosks
                .insert(kiosk.as_bytes(), serde_json::to_vec(&state)?)?;
            self.kiosks.flush()?;
        }
        Ok(gap)
    }

    pub(crate) fn get_user<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>> {
        self.get_sealed(&self.users, name.as_bytes())
    }

    pub(crate) fn put_user<T: Serialize>(&self, name: &str, user: &T) -> Result<()> {
        self.users
            .insert(name.as_bytes(), self.seal(name.as_bytes(), user)?)?;
        self.users.flush()?;
        Ok(())
    }

    /// Runs a read-modify-write on users under the same lock as referrals.
    pub(crate) fn locked<R>(&self, f: impl FnOnce() -> Result<R>) -> Result<R> {
        let _guard = self.update.lock().unwrap_or_else(|e| e.into_inner());
        f()
    }

    pub fn user_names(&self) -> Result<Vec<String>> {
        self.users
            .iter()
            .keys()
            .map(|k| Ok(String::from_utf8_lossy(&k?).into_owned()))
            .collect()
    }
}
