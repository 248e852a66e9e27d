//! Opening what was fetched: a sealed record opened with the reviewers' key and stored
//! re-encrypted, or set aside in the quarantine, still sealed, with why it did not open; and
//! the quarantine tried again once the cause is fixed. Every outcome is audited. Blocking:
//! call from `spawn_blocking`.

use anyhow::{bail, Context as _, Result};
use chrono::{DateTime, Utc};
use zeroize::Zeroizing;

use super::super::model::{RecordKey, Referral, Submission};
use super::super::store::Quarantined;
use super::super::Workspace;
use crate::seal;

/// What became of a fetched record.
pub enum Taken {
    Stored,
    /// Already stored (an earlier pull stopped before acknowledging it).
    Already,
    /// Set aside, with why.
    Quarantined(String),
}

/// A fetched record as the kiosk listed it: its key, sequence number and reference.
pub struct Fetched {
    pub key: RecordKey,
    pub sequence: u64,
    pub reference: String,
    pub sealed: Vec<u8>,
}

/// Opens and stores a fetched record, or sets it aside; either way audited under `actor`.
pub fn keep(inbox: &Workspace, fetched: Fetched, actor: &str) -> Result<Taken> {
    let path = fetched.key.path();
    let key = fetched.key.clone();
    match open_record(inbox, key, fetched.sequence, &fetched.sealed, Utc::now()) {
        Ok(referral) => {
            if !inbox.store.insert_new(&referral)? {
                return Ok(Taken::Already);
            }
            inbox.store.audit.record(actor, "receive", &path)?;
            super::super::tracking::take(inbox, &referral)?;
            super::super::waiting::arrived(inbox, &referral, None);
            Ok(Taken::Stored)
        }
        Err(why) => {
            let reason = format!("{why:#}");
            inbox.store.quarantine(&Quarantined {
                key: fetched.key,
                reference: fetched.reference,
                sequence: fetched.sequence,
                fetched_at: Utc::now(),
                reason: reason.clone(),
                attempts: 1,
                sealed: fetched.sealed,
            })?;
            let action = format!("quarantine: {reason}");
            inbox.store.audit.record(actor, &action, &path)?;
            Ok(Taken::Quarantined(reason))
        }
    }
}

/// Tries every quarantined record again with the current key; returns (released, still held).
/// Each release is audited.
pub fn retry_quarantined(inbox: &Workspace, actor: &str) -> Result<(usize, usize)> {
    let (mut released, mut held) = (0, 0);
    for mut q in inbox.store.quarantined()? {
        match open_record(inbox, q.key.clone(), q.sequence, &q.sealed, Utc::now()) {
            Ok(referral) => {
                inbox.store.release(&referral)?;
                inbox
                    .store
                    .audit
                    .record(actor, "quarantine-released", &q.key.path())?;
                released += 1;
            }
            Err(why) => {
                q.reason = format!("{why:#}");
                q.attempts += 1;
                inbox.store.quarantine(&q)?;
                held += 1;
            }
        }
    }
    if released + held > 0 {
        inbox.store.audit.record(
            actor,
            &format!("quarantine-retry: {released} released, {held} still held"),
            "quarantine",
        )?;
    }
    Ok((released, held))
}

/// Opens one sealed record and checks that it is the one the kiosk listed.
fn open_record(
    inbox: &Workspace,
    key: RecordKey,
    listed_sequence: u64,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<Referral> {
    let (header, plaintext) = seal::open(bytes, &inbox.secret).map_err(|e| match e {
        seal::SealError::NotForThisKey => anyhow::anyhow!(
            "it is not sealed to this inbox's key {} (a development key, or another team's?)",
            inbox.secret.id()
        ),
        e => anyhow::anyhow!("it does not open: {e}"),
    })?;
    let plaintext = Zeroizing::new(plaintext);
    if hex::encode(header.submission_id) != key.id || header.sequence != listed_sequence {
        bail!("it is not what the kiosk listed (its id or sequence number differ)");
    }
    let submission: Submission = serde_json::from_slice(&plaintext)
        .context("it opens, but the submission inside cannot be read")?;
    if submission.schema != crate::submission::SCHEMA_VERSION {
        bail!(
            "it opens, but its submission schema {} is not supported by this version of prem",
            submission.schema
        );
    }
    Ok(Referral {
        key,
        sequence: header.sequence,
        created_at: DateTime::from_timestamp(header.created_at, 0).unwrap_or(now),
        received_at: now,
        submission,
        case: Default::default(),
    })
}
