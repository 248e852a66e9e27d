//! Sealing and storing one submission. Runs on a blocking thread: sealing is
//! CPU work and the store fsyncs. The reference is shown to the user only
//! after `put` has returned, which is after the record is durable.

use chrono::{Datelike, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

use std::sync::Arc;

use super::draft::Draft;
use super::error::KioskError;
use super::Kiosk;
use crate::forms::{Answers, Form};
use crate::seal::{self, Header};
use crate::store::{PutOutcome, RecordMeta, StoreError, SubmissionId, SubmissionStore};

pub use crate::submission::SCHEMA_VERSION;

/// Characters of a reference: no 0/O or 1/I/L, so it survives being read
/// out over the phone.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// What the reviewers receive, sealed: `crate::submission::Submission`, borrowed so that the
/// answers are not copied before sealing (a test checks the two stay the same shape).
#[derive(Serialize)]
pub struct SealedSubmission<'a> {
    pub schema: u16,
    pub reference: &'a str,
    pub form: &'a str,
    pub form_title: &'a str,
    pub form_version: u32,
    pub started_at: &'a str,
    pub submitted_at: String,
    pub answers: &'a Answers,
}

/// A reference such as `PREM-2026-7KX4QF`: random, so it reveals nothing
/// about how many referrals there have been and cannot be guessed.
pub fn new_reference(prefix: &str, year: i32) -> String {
    let code: String = (0..6)
        .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{prefix}-{year}-{code}")
}

/// Seals a finished draft (only the answers the form still asks for) on a blocking thread, off
/// the async workers: sealing is CPU work and the store fsyncs. Any failure means nothing was
/// acknowledged.
pub async fn seal_and_store_async(
    k: Arc<Kiosk>,
    form: Form,
    draft: Draft,
) -> Result<String, KioskError> {
    let job = move || {
        let answers = draft.answers.pruned(&form);
        seal_and_store(&k, &form, &answers, &draft.started_at, &draft.nonce)
    };
    tokio::task::spawn_blocking(job)
        .await
        .map_err(|e| KioskError::NotStored(e.into()))?
        .map_err(KioskError::NotStored)
}

/// Seals the answers to the form's reviewers and stores them durably.
/// `nonce` identifies the draft: a second submit of the same draft (a double
/// click, a second tab) stores nothing new and returns the first reference.
pub fn seal_and_store(
    k: &Kiosk,
    form: &Form,
    answers: &Answers,
    started_at: &str,
    nonce: &str,
) -> anyhow::Result<String> {
    let recipients = k.recipients_for(&form.id);
    let idem: [u8; 32] = Sha256::new()
        .chain_update(b"prem submit v1\0")
        .chain_update(nonce.as_bytes())
        .finalize()
        .into();
    let mut last_err = None;
    for _ in 0..3 {
        let now = Utc::now();
        let sequence = k.store.reserve_sequence()?;
        let header = Header::new(SCHEMA_VERSION, sequence, now.timestamp(), &recipients);
        let reference = new_reference(&k.config.kiosk.reference_prefix, now.year());
        let body = SealedSubmission {
            schema: SCHEMA_VERSION,
            reference: &reference,
            form: &form.id,
            form_title: &form.title,
            form_version: form.version,
            started_at,
            submitted_at: now.to_rfc3339(),
            answers,
        };
        let mut plaintext = serde_json::to_vec(&body)?;
        let sealed = seal::seal(&header, &recipients, &plaintext);
        plaintext.zeroize();
        let record = sealed.map_err(|e| anyhow::anyhow!("cannot seal the submission: {e}"))?;
        let meta = RecordMeta {
            submission_id: SubmissionId(header.submission_id),
            sequence,
            created_at: now,
            recipients: recipients.iter().map(|r| r.id().0).collect(),
        };
        match k.store.put(&idem, &reference, record, meta) {
            Ok(PutOutcome::Stored) => return Ok(reference),
            Ok(PutOutcome::Existing(first)) => return Ok(first),
            // A clash of random references: draw another.
            Err(StoreError::Invalid(msg)) => {
                last_err = Some(anyhow::anyhow!("cannot store the submission: {msg}"))
            }
            Err(e) => return Err(anyhow::anyhow!("cannot store the submission: {e}")),
        }
    }
    Err(last_err.unwrap_or_else(|| anyhow::anyhow!("cannot store the submission")))
}

#[cfg(test)]
mod tests {
    use super::new_reference;

    #[test]
    fn what_the_kiosk_seals_is_what_the_inbox_reads() {
        let answers = crate::forms::Answers::default();
        let sealed = super::SealedSubmission {
            schema: super::SCHEMA_VERSION,
            reference: "REF-2026-AAAAAA",
            form: "f",
            form_title: "A form",
            form_version: 3,
            started_at: "2026-12-02T10:00:00Z",
            submitted_at: "2026-12-02T10:05:00Z".into(),
            answers: &answers,
        };
        let json = serde_json::to_vec(&sealed).expect("json");
        let read: crate::submission::Submission = serde_json::from_slice(&json).expect("reads");
        assert_eq!(read.reference, "REF-2026-AAAAAA");
        assert_eq!((read.form_version, read.schema), (3, super::SCHEMA_VERSION));
        let back = serde_json::to_value(&read).expect("json");
        assert_eq!(
            back,
            serde_json::to_value(&sealed).expect("json"),
            "same fields both ways"
        );
    }

    #[test]
    fn references_have_the_documented_shape_and_differ() {
        let a = new_reference("PREM", 2026);
        assert!(a.starts_with("PREM-2026-") && a.len() == 16, "{a}");
        assert!(a[10..]
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
        let many: std::collections::HashSet<String> =
            (0..1000).map(|_| new_reference("PREM", 2026)).collect();
        assert!(many.len() > 990, "references are random");
    }
}
