//! Durable storage for the kiosk: sealed submissions, hand-over tokens and form drafts.
//!
//! Everything lives in one data directory guarded by one lock:
//!
//! ```text
//! <dir>/prem.lock            exclusive lock: one prem process per directory
//! <dir>/spool/<id-hex>.rec   one file per sealed submission (framed, see `frame`)
//! <dir>/index/               sled 0.34 database, small values only
//! ```
//!
//! Why the split: sled's `flush` does not survive power loss (spacejam/sled#1452) and its large
//! values go to files that are never fsynced, so the sealed bytes go to their own spool file,
//! fsynced with its directory, before the metadata reaches sled. The index is therefore a cache of
//! the spool that can always be rebuilt from it (`SpoolStore::rebuild`), and opening fails closed
//! when the two disagree. Concurrent submissions share their fsyncs through one writer thread
//! (group commit, see `writer`).
//!
//! The sealed record is opaque here: this module never sees plaintext answers and never logs
//! record contents, references or session ids.

pub(crate) mod dir;
mod frame;
mod index;
mod session;
mod spool;
mod token;
mod writer;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use chrono::{DateTime, Utc};

pub use session::SledSessionStore;
pub use spool::{RebuildReport, SpoolStore};
pub use token::{TokenInfo, TokenStore, Verified};

/// What can go wrong in the store. Messages follow the house style: lowercase, name the thing.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data directory's lock is held (another process, or another open in this one).
    #[error("data directory {} is in use by another prem process", path.display())]
    InUse { path: PathBuf },
    /// The sled index cannot be read or disagrees with the spool. Fail closed.
    #[error(
        "index in {} is corrupt or inconsistent: {detail} \
         (stop prem and run `prem store rebuild` to rebuild it from the spool)",
        path.display()
    )]
    CorruptIndex { path: PathBuf, detail: String },
    /// A spool file is damaged (bad magic, truncated, checksum mismatch).
    #[error("spool file {} is corrupt: {detail}", path.display())]
    CorruptRecord { path: PathBuf, detail: String },
    #[error("no stored submission with id {0}")]
    NotFound(SubmissionId),
    /// The caller broke a contract (sequence not reserved, duplicate id or reference, bad name).
    #[error("invalid request: {0}")]
    Invalid(String),
    #[error("{context}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("sled index error")]
    Sled(#[from] sled::Error),
    /// The group this submission was written with failed; nothing of it is acknowledged.
    #[error("cannot store the submission: {0}")]
    WriteFailed(String),
    /// The group-commit writer thread stopped (it only stops when the store is dropped or it
    /// panicked); nothing was stored.
    #[error("the spool writer has stopped; the submission was not stored")]
    WriterStopped,
}

impl StoreError {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        StoreError::Io {
            context: context.into(),
            source,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A submission's random 128-bit id, chosen by the caller because it also goes in the sealed
/// header. Shown as 32 lowercase hex digits (also the spool file's name).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubmissionId(pub [u8; 16]);

impl SubmissionId {
    pub fn random() -> Self {
        SubmissionId(rand::random())
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Display for SubmissionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for SubmissionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SubmissionId({self})")
    }
}

impl FromStr for SubmissionId {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self> {
        let mut out = [0u8; 16];
        hex::decode_to_slice(s, &mut out)
            .map_err(|_| StoreError::Invalid(format!("bad submission id {s:?}")))?;
        Ok(SubmissionId(out))
    }
}

/// The id of one team a record is sealed to (the kiosk uses the recipient key's id). The store
/// treats it as an opaque label: each team lists, fetches and acknowledges only its own records.
pub type RecipientId = [u8; 16];

/// Metadata the caller fixes before sealing, because the sealed header carries it too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordMeta {
    pub submission_id: SubmissionId,
    /// From [`SubmissionStore::reserve_sequence`].
    pub sequence: u64,
    pub created_at: DateTime<Utc>,
    /// The teams this record is sealed to. It is purged only when every one has acknowledged it.
    pub recipients: Vec<RecipientId>,
}

/// One stored submission as the hand-over API lists it (no ciphertext).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordInfo {
    pub submission_id: SubmissionId,
    pub reference: String,
    pub sequence: u64,
    pub created_at: DateTime<Utc>,
    /// When the last of its teams acknowledged it (retention counts from here).
    pub acked_at: Option<DateTime<Utc>>,
    /// Length of the sealed bytes.
    pub len: u64,
}

/// Result of a [`SubmissionStore::put`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PutOutcome {
    /// The record is now durable under the reference given.
    Stored,
    /// The idempotency key was already used: nothing new was written, and this is the reference
    /// of the record stored the first time (show it, not the new one).
    Existing(String),
}

/// Bytes used by the data directory, exported so operators can watch sled's space growth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiskUsage {
    /// sled's own figure for the index database.
    pub index: u64,
    /// Sum of the spool files' sizes.
    pub spool: u64,
}

/// The submissions store, behind a trait so the backend can change (redb, say) without touching
/// the kiosk or the hand-over API.
///
/// Every method blocks on disk I/O: call them from `tokio::task::spawn_blocking`, typically in
/// the same closure that seals the record (`reserve_sequence`, seal, `put`). `put` returns only
/// once the record is durable (spool file and directory fsynced, index flushed).
pub trait SubmissionStore: Send + Sync {
    /// Hand out the next sequence number for a sealed header. Numbers never repeat for stored
    /// records, also across crashes and purges; a reserved number that is never stored leaves a
    /// gap (and may be handed out again after a restart, since nothing carries it).
    fn reserve_sequence(&self) -> Result<u64>;

    /// Store a sealed record durably, once per `idem_key` (see [`PutOutcome`]).
    fn put(
        &self,
        idem_key: &[u8; 32],
        reference: &str,
        record: Vec<u8>,
        meta: RecordMeta,
    ) -> Result<PutOutcome>;

    /// Records sealed to `team` (any of its ids) that it has not acknowledged, in sequence
    /// order, at most `limit`.
    fn list_unacked(&self, team: &[RecipientId], limit: usize) -> Result<Vec<RecordInfo>>;

    /// The sealed bytes of one record sealed to `team` (acknowledged or not, until purged);
    /// `NotFound` for a record sealed only to other teams.
    fn read(&self, id: &SubmissionId, team: &[RecipientId]) -> Result<Vec<u8>>;

    /// Mark a record as received by `team`'s inbox. Acknowledging twice keeps the first time;
    /// `NotFound` for a record not sealed to `team`.
    fn ack(&self, id: &SubmissionId, team: &[RecipientId], now: DateTime<Utc>) -> Result<()>;

    /// Delete records acknowledged before `older_than` (the retention cut-off); returns how many.
    fn purge_acked(&self, older_than: DateTime<Utc>) -> Result<usize>;

    fn size_on_disk(&self) -> Result<DiskUsage>;
}
