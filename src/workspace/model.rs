//! What the inbox knows about a referral: the opened submission, exactly as sealed, and the
//! case built on it (see `case`). Both are stored together, encrypted, under the kiosk's name
//! and the submission id, so pulling the same record twice finds it already there.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::case::Case;
use crate::forms::{Form, LaRole};

/// Where a record came from: the kiosk's configured name and its random submission id (hex).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RecordKey {
    pub kiosk: String,
    pub id: String,
}

impl RecordKey {
    /// The database key (also the associated data of the sealed value).
    pub fn db_key(&self) -> Vec<u8> {
        format!("{}\0{}", self.kiosk, self.id).into_bytes()
    }

    pub fn from_db_key(key: &[u8]) -> Option<RecordKey> {
        let text = std::str::from_utf8(key).ok()?;
        let (kiosk, id) = text.split_once('\0')?;
        Some(RecordKey {
            kiosk: kiosk.into(),
            id: id.into(),
        })
    }

    /// `kiosk/id`, as written in the audit trail and in URLs.
    pub fn path(&self) -> String {
        format!("{}/{}", self.kiosk, self.id)
    }
}

pub use crate::submission::Submission;

/// One stored referral.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Referral {
    pub key: RecordKey,
    /// The kiosk's sequence number from the sealed header.
    pub sequence: u64,
    /// When the kiosk sealed it (from the authenticated header): the partner submitted then,
    /// so the decision deadline counts from here, not from when the inbox pulled it.
    pub created_at: DateTime<Utc>,
    /// When this inbox stored it (retention counts from here).
    pub received_at: DateTime<Utc>,
    pub submission: Submission,
    #[serde(default)]
    pub case: Case,
}

/// What the inbox needs to know about a record's form, and does not keep in code: which
/// questions name a local authority and what the reviewers do with it. Each form declares these
/// (`workflow`, `urgent`, `local_authority` in `forms/*.toml`); a record whose form this inbox no
/// longer has is treated as a threshold referral with no LA.
impl Referral {
    pub(crate) fn answer(&self, question: &str) -> Option<&str> {
        self.submission
            .answers
            .get(question)
            .and_then(|v| v.as_one())
            .filter(|s| !s.is_empty())
    }

    fn la(&self, form: Option<&Form>, role: LaRole) -> Option<&str> {
        form?
            .la_questions(Some(role))
            .find_map(|q| self.answer(&q.id))
    }

    pub fn presenting_authority(&self, form: Option<&Form>) -> Option<&str> {
        self.la(form, LaRole::Presenting)
    }

    pub fn owning_authority(&self, form: Option<&Form>) -> Option<&str> {
        self.la(form, LaRole::Owning)
    }

    /// Whether any LA answer names `la` (a business-support account sees such records).
    pub fn concerns_la(&self, form: Option<&Form>, la: &str) -> bool {
        form.is_some_and(|f| f.la_questions(None).any(|q| self.answer(&q.id) == Some(la)))
    }

    /// Records that cannot wait for the normal cycle.
    pub fn urgent(&self, form: Option<&Form>) -> bool {
        form.is_some_and(|f| f.urgent)
    }
}
