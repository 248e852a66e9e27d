//! The sled index over the spool: key layout, entries, and the check run at every open.
//!
//! All submission metadata lives in one tree so that a group of puts, an ack or a purge is one
//! atomic `Batch` (sled batches are per tree). Keys are prefixed by kind:
//!
//! ```text
//! r<id>          -> IndexEntry (JSON, ~200 bytes)    the record
//! f<reference>   -> id                              reference lookup, uniqueness
//! t<team><seq be> -> id                             unacknowledged by that team (16-byte id)
//! u<seq be>      -> id                              unacknowledged, records with no team list
//! i<idem hash>   -> id                              idempotency claim
//! p<id>          -> ()                              purge in progress (file to unlink)
//! mlast_seq      -> u64 be                          highest sequence ever stored
//! ```
//!
//! The spool is the source of truth: [`check_and_recover`] verifies every entry against its file,
//! finishes interrupted purges, and adopts spool files the index never heard of (a crash between
//! the spool fsync and the index flush); anything else that disagrees fails closed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::dir::{corrupt, spool_dir};
use super::frame::{self, FrameHeader};
use super::{RecipientId, RecordInfo, Result, StoreError, SubmissionId};

const LAST_SEQ: &[u8] = b"mlast_seq";

pub(crate) fn record_key(id: &SubmissionId) -> Vec<u8> {
    prefixed(b'r', id.as_bytes())
}
pub(crate) fn reference_key(reference: &str) -> Vec<u8> {
    prefixed(b'f', reference.as_bytes())
}
pub(crate) fn unacked_key(seq: u64) -> Vec<u8> {
    prefixed(b'u', &seq.to_be_bytes())
}
pub(crate) fn team_unacked_key(team: &RecipientId, seq: u64) -> Vec<u8> {
    let mut k = prefixed(b't', team);
    k.extend_from_slice(&seq.to_be_bytes());
    k
}
pub(crate) fn team_prefix(team: &RecipientId) -> Vec<u8> {
    prefixed(b't', team)
}
pub(crate) fn idem_key(hash: &[u8; 32]) -> Vec<u8> {
    prefixed(b'i', hash)
}
pub(crate) fn purge_key(id: &SubmissionId) -> Vec<u8> {
    prefixed(b'p', id.as_bytes())
}

fn prefixed(kind: u8, rest: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + rest.len());
    k.push(kind);
    k.extend_from_slice(rest);
    k
}

pub(crate) fn id_from_value(v: &[u8]) -> Option<SubmissionId> {
    Some(SubmissionId(v.try_into().ok()?))
}

/// What the index keeps per record. The file name is derived from the id.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct IndexEntry {
    pub reference: String,
    pub sequence: u64,
    pub created_at: DateTime<Utc>,
    pub acked_at: Option<DateTime<Utc>>,
    pub idem_hash: String,
    pub len: u64,
    /// The teams it is sealed to (hex ids); empty for records written before teams existed,
    /// which any team may take, once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<String>,
    /// Each team's acknowledgement time, by hex id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub acks: BTreeMap<String, DateTime<Utc>>,
}

impl IndexEntry {
    /// A fresh entry; `acks` restores acknowledgements kept from an older index (rebuild).
    pub(crate) fn new(h: &FrameHeader, len: u64, acks: Option<&Acks>) -> Self {
        let mut entry = IndexEntry {
            reference: h.reference.clone(),
            sequence: h.sequence,
            created_at: h.created_at,
            acked_at: None,
            idem_hash: hex::encode(h.idem_hash),
            len,
            recipients: h.recipients.iter().map(hex::encode).collect(),
            acks: BTreeMap::new(),
        };
        if let Some(old) = acks {
            entry.acks = old
                .by_team
                .iter()
                .filter(|(team, _)| entry.recipients.contains(team))
                .map(|(t, at)| (t.clone(), *at))
                .collect();
            entry.acked_at = if entry.recipients.is_empty() {
                old.all
            } else {
                entry.all_acked_at()
            };
        }
        entry
    }

    /// Whether `team` may see this record: sealed to one of its ids, or written before teams.
    pub(crate) fn is_for(&self, team: &[RecipientId]) -> bool {
        self.recipients.is_empty()
            || team
                .iter()
                .any(|t| self.recipients.contains(&hex::encode(t)))
    }

    /// The recipients still to acknowledge, as ids.
    pub(crate) fn waiting(&self) -> Vec<RecipientId> {
        self.recipients
            .iter()
            .filter(|r| !self.acks.contains_key(*r))
            .filter_map(|r| {
                let mut id = [0u8; 16];
                hex::decode_to_slice(r, &mut id).ok().map(|_| id)
            })
            .collect()
    }

    /// When the last team acknowledged, once every team has.
    fn all_acked_at(&self) -> Option<DateTime<Utc>> {
        if self.recipients.iter().all(|r| self.acks.contains_key(r)) {
            self.acks.values().max().copied()
        } else {
            None
        }
    }

    /// Records `team`'s acknowledgement; returns the unacked keys to remove.
    pub(crate) fn acknowledge(&mut self, team: &[RecipientId], now: DateTime<Utc>) -> Vec<Vec<u8>> {
        if self.recipients.is_empty() {
            if self.acked_at.is_some() {
                return Vec::new();
            }
            self.acked_at = Some(now);
            return vec![unacked_key(self.sequence)];
        }
        let mut gone = Vec::new();
        for t in team {
            let hex_id = hex::encode(t);
            if self.recipients.contains(&hex_id) && !self.acks.contains_key(&hex_id) {
                self.acks.insert(hex_id, now);
                gone.push(team_unacked_key(t, self.sequence));
            }
        }
        self.acked_at = self.all_acked_at();
        gone
    }

    pub(crate) fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("an index entry always serialises")
    }

    pub(crate) fn decode(v: &[u8]) -> Option<Self> {
        serde_json::from_slice(v).ok()
    }

    pub(crate) fn info(&self, id: SubmissionId) -> RecordInfo {
        RecordInfo {
            submission_id: id,
            reference: self.reference.clone(),
            sequence: self.sequence,
            created_at: self.created_at,
            acked_at: self.acked_at,
            len: self.len,
        }
    }
}

/// Acknowledgements kept from an older index while it is rebuilt.
#[derive(Debug, Clone, Default)]
pub(crate) struct Acks {
    /// For records with no team list: when it was acknowledged.
    pub all: Option<DateTime<Utc>>,
    pub by_team: BTreeMap<String, DateTime<Utc>>,
}

/// The lookup keys listing a record as unacknowledged, one per team still to acknowledge.
pub(crate) fn unacked_keys(entry: &IndexEntry) -> Vec<Vec<u8>> {
    if entry.recipients.is_empty() {
        return match entry.acked_at {
            None => vec![unacked_key(entry.sequence)],
            Some(_) => Vec::new(),
        };
    }
    entry
        .waiting()
        .iter()
        .map(|t| team_unacked_key(t, entry.sequence))
        .collect()
}

/// Add every key for one record to `batch`.
pub(crate) fn insert(batch: &mut sled::Batch, h: &FrameHeader, entry: &IndexEntry) {
    batch.insert(record_key(&h.id), entry.encode());
    batch.insert(reference_key(&h.reference), h.id.as_bytes().to_vec());
    batch.insert(idem_key(&h.idem_hash), h.id.as_bytes().to_vec());
    for key in unacked_keys(entry) {
        batch.insert(key, h.id.as_bytes().to_vec());
    }
}

pub(crate) fn get_entry(tree: &sled::Tree, id: &SubmissionId) -> Result<Option<IndexEntry>> {
    match tree.get(record_key(id))? {
        None => Ok(None),
        Some(v) => IndexEntry::decode(&v).map(Some).ok_or_else(|| {
            StoreError::Invalid(format!("undecodable index entry for submission {id}"))
        }),
    }
}

pub(crate) fn last_seq(tree: &sled::Tree) -> Result<u64> {
    match tree.get(LAST_SEQ)? {
        None => Ok(0),
        Some(v) => v
            .as_ref()
            .try_into()
            .map(u64::from_be_bytes)
            .map_err(|_| StoreError::Invalid("undecodable last sequence number".into())),
    }
}

pub(crate) fn set_last_seq(batch: &mut sled::Batch, seq: u64) {
    batch.insert(LAST_SEQ, seq.to_be_bytes().to_vec());
}

/// Finish purges that were interrupted between the index batch and the unlinks.
pub(crate) fn finish_purges(root: &Path, tree: &sled::Tree) -> Result<()> {
    let spool = spool_dir(root);
    let mut done = sled::Batch::default();
    let mut any = false;
    for kv in tree.scan_prefix(b"p") {
        let (k, _) = kv?;
        let id = id_from_value(&k[1..]).ok_or_else(|| corrupt(root, "bad purge marker"))?;
        let path = spool.join(frame::file_name(&id));
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(StoreError::io(
                    format!("cannot remove {}", path.display()),
                    e,
                ))
            }
        }
        done.remove(k);
        any = true;
    }
    if any {
        frame::sync_dir(&spool)?;
        tree.apply_batch(done)?;
    }
    Ok(())
}

/// Verify the index against the spool, repair what a crash can leave behind, and return the
/// highest sequence number ever stored. `acks` restores acknowledgement times for adopted files
/// (used by rebuild).
pub(crate) fn check_and_recover(
    root: &Path,
    tree: &sled::Tree,
    acks: &HashMap<SubmissionId, Acks>,
) -> Result<u64> {
    finish_purges(root, tree)?;
    let spool = spool_dir(root);
    let files = spool_files(&spool)?;
    let mut max_seq = last_seq(tree).map_err(|e| corrupt(root, e.to_string()))?;
    let mut indexed = HashSet::new();
    let bad = |detail: String| corrupt(root, detail);

    for kv in tree.scan_prefix(b"r") {
        let (k, v) = kv.map_err(|e| bad(e.to_string()))?;
        let id = id_from_value(&k[1..]).ok_or_else(|| bad("bad record key".into()))?;
        let entry = IndexEntry::decode(&v)
            .ok_or_else(|| bad(format!("undecodable entry for submission {id}")))?;
        let name = frame::file_name(&id);
        if !files.contains(&id) {
            return Err(bad(format!("spool file spool/{name} is missing")));
        }
        let (h, sealed) = frame::read_file(&spool.join(&name))?;
        let recipients: Vec<String> = h.recipients.iter().map(hex::encode).collect();
        if h.id != id
            || h.sequence != entry.sequence
            || h.reference != entry.reference
            || sealed.len() as u64 != entry.len
            || recipients != entry.recipients
        {
            return Err(bad(format!(
                "entry for spool/{name} does not match the file"
            )));
        }
        expect_points_to(tree, &reference_key(&h.reference), &id, root, "reference")?;
        for key in unacked_keys(&entry) {
            expect_points_to(tree, &key, &id, root, "unacked")?;
        }
        max_seq = max_seq.max(h.sequence);
        indexed.insert(id);
    }
    for prefix in [b"f", b"u", b"t"] {
        for kv in tree.scan_prefix(prefix) {
            let (_, v) = kv.map_err(|e| bad(e.to_string()))?;
            match id_from_value(&v) {
                Some(id) if indexed.contains(&id) => {}
                _ => return Err(bad("a lookup key points to no record".into())),
            }
        }
    }

    let mut repair = sled::Batch::default();
    // An idempotency claim without its record is a group commit that never finished.
    for kv in tree.scan_prefix(b"i") {
        let (k, v) = kv.map_err(|e| bad(e.to_string()))?;
        if !id_from_value(&v).is_some_and(|id| indexed.contains(&id)) {
            repair.remove(k);
        }
    }
    // A spool file without an entry is a record fsynced before a crash: adopt it.
    let mut adopted = 0usize;
    for id in files.iter().filter(|id| !indexed.contains(id)) {
        let (h, sealed) = frame::read_file(&spool.join(frame::file_name(id)))?;
        if h.id != *id {
            return Err(bad(format!(
                "spool/{} holds another id",
                frame::file_name(id)
            )));
        }
        if tree.contains_key(reference_key(&h.reference))? {
            return Err(bad(format!(
                "spool/{} reuses a reference",
                frame::file_name(id)
            )));
        }
        let entry = IndexEntry::new(&h, sealed.len() as u64, acks.get(id));
        insert(&mut repair, &h, &entry);
        max_seq = max_seq.max(h.sequence);
        adopted += 1;
    }
    set_last_seq(&mut repair, max_seq);
    tree.apply_batch(repair)?;
    tree.flush()?;
    if adopted > 0 {
        tracing::info!(adopted, "indexed spool files left by an interrupted write");
    }
    Ok(max_seq)
}

fn expect_points_to(
    tree: &sled::Tree,
    key: &[u8],
    id: &SubmissionId,
    root: &Path,
    what: &str,
) -> Result<()> {
    let found = tree.get(key).map_err(|e| corrupt(root, e.to_string()))?;
    if found.as_deref() == Some(id.as_bytes().as_slice()) {
        Ok(())
    } else {
        Err(corrupt(
            root,
            format!("{what} key for submission {id} is missing or wrong"),
        ))
    }
}

/// Ids of the complete spool files; removes temp files left by a crash mid-write.
pub(crate) fn spool_files(spool: &Path) -> Result<HashSet<SubmissionId>> {
    let mut ids = HashSet::new();
    let ctx = || format!("cannot list {}", spool.display());
    for dirent in fs::read_dir(spool).map_err(|e| StoreError::io(ctx(), e))? {
        let dirent = dirent.map_err(|e| StoreError::io(ctx(), e))?;
        let name = dirent.file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".tmp") {
            let path = dirent.path();
            fs::remove_file(&path)
                .map_err(|e| StoreError::io(format!("cannot remove {}", path.display()), e))?;
        } else if let Some(id) = frame::parse_file_name(&name) {
            ids.insert(id);
        }
    }
    Ok(ids)
}

/// Sum of spool file sizes.
pub(crate) fn spool_bytes(spool: &Path) -> Result<u64> {
    let ctx = || format!("cannot list {}", spool.display());
    let mut total = 0;
    for dirent in fs::read_dir(spool).map_err(|e| StoreError::io(ctx(), e))? {
        let dirent = dirent.map_err(|e| StoreError::io(ctx(), e))?;
        total += dirent.metadata().map(|m| m.len()).unwrap_or(0);
    }
    Ok(total)
}
