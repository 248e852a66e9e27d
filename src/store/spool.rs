//! `SpoolStore`: the [`SubmissionStore`] on spool files plus a sled index.
//!
//! Puts go through the group-commit writer (`writer`); reads, acks and purges use sled directly.
//! Acks and purges take one mutex between them, so a purge can never delete a record an ack is
//! rewriting (which would leave an index entry without its file and fail the next open).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use super::dir::{self, DirLock};
use super::frame::{self, FrameHeader};
use super::index::{self, IndexEntry};
use super::writer::Writer;
use super::{
    DiskUsage, PutOutcome, RecipientId, RecordInfo, RecordMeta, Result, SledSessionStore,
    StoreError, SubmissionId, SubmissionStore, TokenStore,
};

/// Longest reference accepted (`PREM-2026-7KX4QF` is 16).
const MAX_REFERENCE: usize = 64;

/// The kiosk's submission store. Cheap to clone; the data directory stays locked until the last
/// clone, [`TokenStore`] and [`SledSessionStore`] taken from it are dropped.
#[derive(Clone)]
pub struct SpoolStore {
    inner: Arc<Inner>,
}

struct Inner {
    // Field order is drop order: stop the writer before closing sled and unlocking.
    writer: Writer,
    tree: sled::Tree,
    tokens: sled::Tree,
    sessions: sled::Tree,
    db: sled::Db,
    lock: Arc<DirLock>,
    /// The next sequence number to hand out.
    next_seq: AtomicU64,
    maintenance: Mutex<()>,
}

/// What [`SpoolStore::rebuild`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RebuildReport {
    pub records: usize,
    pub unacked: usize,
    /// Where the old index went when sled could not open it at all (tokens and drafts lived
    /// there too: re-add the tokens).
    pub index_moved_to: Option<PathBuf>,
}

impl SpoolStore {
    /// Open the data directory (creating it if needed), check the index against the spool and
    /// start the writer. Fails closed: a corrupt or inconsistent index is an error, never a
    /// silently emptier store.
    pub fn open(dir: &Path) -> Result<Self> {
        let lock = dir::lock(dir)?;
        let db = dir::open_sled(dir)?;
        let tree = db.open_tree(dir::TREE_INDEX)?;
        let last = index::check_and_recover(dir, &tree, &HashMap::new())?;
        let writer = Writer::spawn(dir::spool_dir(dir), tree.clone())?;
        Ok(SpoolStore {
            inner: Arc::new(Inner {
                writer,
                tokens: db.open_tree(dir::TREE_TOKENS)?,
                sessions: db.open_tree(dir::TREE_SESSIONS)?,
                tree,
                db,
                lock,
                next_seq: AtomicU64::new(last + 1),
                maintenance: Mutex::new(()),
            }),
        })
    }

    /// Rebuild the index from the spool files (`prem store rebuild`). Acknowledgement times are
    /// kept where the old index can still be read; otherwise records come back unacknowledged
    /// and the inbox, which deduplicates by submission id, acknowledges them again.
    pub fn rebuild(dir: &Path) -> Result<RebuildReport> {
        let _lock = dir::lock(dir)?;
        let (db, moved) = match dir::open_sled(dir) {
            Ok(db) => (db, None),
            Err(StoreError::CorruptIndex { .. }) => {
                let stamp = Utc::now().format("%Y%m%dT%H%M%S");
                let aside = dir.join(format!("index.corrupt-{stamp}"));
                std::fs::rename(dir::index_dir(dir), &aside).map_err(|e| {
                    StoreError::io(
                        format!("cannot move the index aside to {}", aside.display()),
                        e,
                    )
                })?;
                (dir::open_sled(dir)?, Some(aside))
            }
            Err(e) => return Err(e),
        };
        let tree = db.open_tree(dir::TREE_INDEX)?;
        if let Err(e) = index::finish_purges(dir, &tree) {
            tracing::warn!(error = %e, "could not finish interrupted purges before rebuilding");
        }
        let mut acks = HashMap::new();
        for (k, v) in tree.scan_prefix(b"r").flatten() {
            let id = index::id_from_value(&k[1..]);
            if let (Some(id), Some(entry)) = (id, IndexEntry::decode(&v)) {
                acks.insert(
                    id,
                    index::Acks {
                        all: entry.acked_at,
                        by_team: entry.acks,
                    },
                );
            }
        }
        let last = index::last_seq(&tree).unwrap_or(0);
        tree.clear()?;
        let mut batch = sled::Batch::default();
        index::set_last_seq(&mut batch, last);
        tree.apply_batch(batch)?;
        index::check_and_recover(dir, &tree, &acks)?;
        db.flush()?;
        Ok(RebuildReport {
            records: tree.scan_prefix(b"r").count(),
            unacked: tree
                .scan_prefix(b"r")
                .filter_map(|kv| kv.ok().and_then(|(_, v)| IndexEntry::decode(&v)))
                .filter(|e| e.acked_at.is_none())
                .count(),
            index_moved_to: moved,
        })
    }

    /// Bearer tokens for the internal hand-over API, in the same database.
    pub fn tokens(&self) -> TokenStore {
        TokenStore::new(self.inner.tokens.clone(), self.inner.lock.clone())
    }

    /// The drafts session store, in the same database.
    pub fn sessions(&self) -> SledSessionStore {
        SledSessionStore::new(self.inner.sessions.clone(), self.inner.lock.clone())
    }

    /// The data directory this store holds.
    pub fn dir(&self) -> &Path {
        &self.inner.lock.root
    }

    fn spool_path(&self, id: &SubmissionId) -> PathBuf {
        dir::spool_dir(self.dir()).join(frame::file_name(id))
    }

    fn maintenance(&self) -> std::sync::MutexGuard<'_, ()> {
        // The guarded data is (); a panic elsewhere cannot leave it inconsistent.
        self.inner
            .maintenance
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl SubmissionStore for SpoolStore {
    fn reserve_sequence(&self) -> Result<u64> {
        Ok(self.inner.next_seq.fetch_add(1, Ordering::SeqCst))
    }

    fn put(
        &self,
        idem_key: &[u8; 32],
        reference: &str,
        record: Vec<u8>,
        meta: RecordMeta,
    ) -> Result<PutOutcome> {
        if meta.sequence == 0 || meta.sequence >= self.inner.next_seq.load(Ordering::SeqCst) {
            return Err(StoreError::Invalid(
                "sequence number was not reserved with reserve_sequence".into(),
            ));
        }
        if reference.is_empty() || reference.len() > MAX_REFERENCE {
            return Err(StoreError::Invalid("reference is empty or too long".into()));
        }
        let header = FrameHeader {
            id: meta.submission_id,
            sequence: meta.sequence,
            created_at: meta.created_at,
            idem_hash: frame::idem_hash(idem_key),
            reference: reference.to_owned(),
            recipients: meta.recipients,
        };
        self.inner.writer.submit(header, record)
    }

    fn list_unacked(&self, team: &[RecipientId], limit: usize) -> Result<Vec<RecordInfo>> {
        // Each team's keys are in sequence order already; merge them with the records that
        // predate team lists, also in sequence order, and keep the first `limit`.
        let mut found = std::collections::BTreeMap::new();
        let prefixes = team
            .iter()
            .map(index::team_prefix)
            .chain(std::iter::once(b"u".to_vec()));
        for prefix in prefixes {
            for kv in self.inner.tree.scan_prefix(&prefix).take(limit) {
                let (k, v) = kv?;
                let id = index::id_from_value(&v)
                    .ok_or_else(|| StoreError::Invalid("undecodable unacked key".into()))?;
                let seq: [u8; 8] = k[k.len() - 8..]
                    .try_into()
                    .map_err(|_| StoreError::Invalid("undecodable unacked key".into()))?;
                found.insert(u64::from_be_bytes(seq), id);
            }
        }
        let mut out = Vec::new();
        for id in found.into_values().take(limit) {
            if let Some(entry) = index::get_entry(&self.inner.tree, &id)? {
                out.push(entry.info(id));
            }
        }
        Ok(out)
    }

    fn read(&self, id: &SubmissionId, team: &[RecipientId]) -> Result<Vec<u8>> {
        match index::get_entry(&self.inner.tree, id)? {
            Some(entry) if entry.is_for(team) => {}
            _ => return Err(StoreError::NotFound(*id)),
        }
        let path = self.spool_path(id);
        let (header, sealed) = frame::read_file(&path)?;
        if header.id != *id {
            return Err(StoreError::CorruptRecord {
                path,
                detail: "holds another submission id".into(),
            });
        }
        Ok(sealed)
    }

    fn ack(&self, id: &SubmissionId, team: &[RecipientId], now: DateTime<Utc>) -> Result<()> {
        let _guard = self.maintenance();
        let tree = &self.inner.tree;
        let mut entry = index::get_entry(tree, id)?
            .filter(|e| e.is_for(team))
            .ok_or(StoreError::NotFound(*id))?;
        let gone = entry.acknowledge(team, now);
        if gone.is_empty() {
            return Ok(());
        }
        let mut batch = sled::Batch::default();
        batch.insert(index::record_key(id), entry.encode());
        for key in gone {
            batch.remove(key);
        }
        tree.apply_batch(batch)?;
        tree.flush()?;
        Ok(())
    }

    fn purge_acked(&self, older_than: DateTime<Utc>) -> Result<usize> {
        let _guard = self.maintenance();
        let tree = &self.inner.tree;
        let mut doomed = Vec::new();
        for kv in tree.scan_prefix(b"r") {
            let (k, v) = kv?;
            let (Some(id), Some(entry)) = (index::id_from_value(&k[1..]), IndexEntry::decode(&v))
            else {
                return Err(StoreError::Invalid("undecodable index entry".into()));
            };
            if entry.acked_at.is_some_and(|at| at < older_than) {
                doomed.push((id, entry));
            }
        }
        if doomed.is_empty() {
            return Ok(0);
        }
        // Index first, with a marker per file, then the files: a crash in between is finished
        // at the next open instead of resurrecting the records.
        let mut batch = sled::Batch::default();
        for (id, entry) in &doomed {
            batch.remove(index::record_key(id));
            batch.remove(index::reference_key(&entry.reference));
            let mut hash = [0u8; 32];
            if hex::decode_to_slice(&entry.idem_hash, &mut hash).is_ok() {
                let key = index::idem_key(&hash);
                if tree.get(&key)?.as_deref() == Some(id.as_bytes().as_slice()) {
                    batch.remove(key);
                }
            }
            batch.insert(index::purge_key(id), Vec::<u8>::new());
        }
        tree.apply_batch(batch)?;
        tree.flush()?;
        index::finish_purges(self.dir(), tree)?;
        Ok(doomed.len())
    }

    fn size_on_disk(&self) -> Result<DiskUsage> {
        Ok(DiskUsage {
            index: self.inner.db.size_on_disk()?,
            spool: index::spool_bytes(&dir::spool_dir(self.dir()))?,
        })
    }
}

#[cfg(test)]
mod tests;
