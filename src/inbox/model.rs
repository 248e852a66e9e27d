//! What the inbox knows about a referral: the opened submission, exactly as sealed, and the
//! case built on it (status, threshold decision, escalation stages). Both are stored together,
//! encrypted, under the kiosk's name and the submission id, so pulling the same record twice
//! finds it already there.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Questions whose answer is a local authority, in every form that has one. A business-support
/// account sees a referral when any of them names its LA.
pub const LA_QUESTIONS: [&str; 3] = ["presenting_la", "owning_la", "person_la"];

/// Forms whose records get the simple new → reviewed → actioned/closed statuses.
pub const SOFT_INTELLIGENCE: &str = "soft-intelligence";
pub const EXTRAORDINARY: &str = "extraordinary-request";

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

impl Referral {
    fn answer(&self, question: &str) -> Option<&str> {
        self.submission
            .answers
            .get(question)
            .and_then(|v| v.as_one())
            .filter(|s| !s.is_empty())
    }

    pub fn presenting_la(&self) -> Option<&str> {
        self.answer("presenting_la").or(self.answer("person_la"))
    }

    pub fn owning_la(&self) -> Option<&str> {
        self.answer("owning_la")
    }

    /// Whether any LA answer names `la`.
    pub fn concerns_la(&self, la: &str) -> bool {
        LA_QUESTIONS.iter().any(|q| self.answer(q) == Some(la))
    }

    pub fn kind(&self) -> Kind {
        match self.submission.form.as_str() {
            SOFT_INTELLIGENCE => Kind::SoftIntelligence,
            EXTRAORDINARY => Kind::Extraordinary,
            _ => Kind::Referral,
        }
    }

    /// Extraordinary requests cannot wait for the normal cycle.
    pub fn urgent(&self) -> bool {
        self.kind() == Kind::Extraordinary
    }
}

/// Which workflow a record follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A PREM referral: threshold decision, perhaps escalation.
    Referral,
    SoftIntelligence,
    Extraordinary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    #[default]
    New,
    Accepted,
    NotAccepted,
    Escalated,
    Reviewed,
    Actioned,
    Closed,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::New,
        Status::Accepted,
        Status::NotAccepted,
        Status::Escalated,
        Status::Reviewed,
        Status::Actioned,
        Status::Closed,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Accepted => "accepted",
            Status::NotAccepted => "not-accepted",
            Status::Escalated => "escalated",
            Status::Reviewed => "reviewed",
            Status::Actioned => "actioned",
            Status::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::New => "New",
            Status::Accepted => "Accepted",
            Status::NotAccepted => "Not accepted",
            Status::Escalated => "Escalated",
            Status::Reviewed => "Reviewed",
            Status::Actioned => "Actioned",
            Status::Closed => "Closed",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.slug() == s)
    }

    /// Whether the seven-day decision is still owed.
    pub fn awaiting_decision(self) -> bool {
        matches!(self, Status::New | Status::Escalated)
    }
}

/// Who did something, when, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signed {
    pub by: String,
    pub at: DateTime<Utc>,
    pub rationale: String,
}

/// The threshold decision's three answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Accept,
    NotAccepted,
    Escalate,
}

impl Outcome {
    pub fn parse(s: &str) -> Option<Outcome> {
        match s {
            "accept" => Some(Outcome::Accept),
            "not-accepted" => Some(Outcome::NotAccepted),
            "escalate" => Some(Outcome::Escalate),
            _ => None,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Outcome::Accept => "accept",
            Outcome::NotAccepted => "not-accepted",
            Outcome::Escalate => "escalate",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Accept => "Accept",
            Outcome::NotAccepted => "Not accepted",
            Outcome::Escalate => "Escalate",
        }
    }
}

/// One escalation stage: when it must happen by and, once held, what it decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    pub deadline: NaiveDate,
    pub outcome: Option<(StageResult, Signed)>,
}

/// What a stage concluded: the threshold question settled, or (stage 1 only) still disputed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StageResult {
    Accept,
    NotAccepted,
    Unresolved,
}

impl StageResult {
    pub fn slug(self) -> &'static str {
        match self {
            StageResult::Accept => "accept",
            StageResult::NotAccepted => "not-accepted",
            StageResult::Unresolved => "unresolved",
        }
    }

    pub fn parse(s: &str) -> Option<StageResult> {
        match s {
            "accept" => Some(StageResult::Accept),
            "not-accepted" => Some(StageResult::NotAccepted),
            "unresolved" => Some(StageResult::Unresolved),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StageResult::Accept => "Meets the threshold: accept",
            StageResult::NotAccepted => "Does not meet the threshold",
            StageResult::Unresolved => "Still disputed: go to stage 2",
        }
    }
}

impl Case {
    /// The escalation stage (0 or 1) waiting for its outcome, if any.
    pub fn open_stage(&self) -> Option<usize> {
        let open = |st: &Option<Stage>| st.as_ref().is_some_and(|s| s.outcome.is_none());
        if open(&self.stage1) {
            Some(0)
        } else if open(&self.stage2) {
            Some(1)
        } else {
            None
        }
    }

    /// Whether a threshold decision may be recorded now: the first one, or a correction of an
    /// accept or not-accepted decision that no escalation has followed.
    pub fn decidable(&self) -> bool {
        match &self.decision {
            None => self.status == Status::New,
            Some((Outcome::Accept | Outcome::NotAccepted, _)) => self.stage1.is_none(),
            Some((Outcome::Escalate, _)) => false,
        }
    }
}

/// The workflow state of one record. `history` keeps every status change for the page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub status: Status,
    pub decision: Option<(Outcome, Signed)>,
    /// Earlier threshold decisions, replaced by a correction (oldest first): never lost.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<(Outcome, Signed)>,
    /// Stage 1: face-to-face discussion with the chair.
    pub stage1: Option<Stage>,
    /// Stage 2: a senior LA manager with the DCI or superintendent, within seven days.
    pub stage2: Option<Stage>,
    pub history: Vec<(Status, Signed)>,
}
