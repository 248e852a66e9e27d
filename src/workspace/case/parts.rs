//! The parts a case is made of: its status, the threshold decision's outcomes, the escalation
//! stages and their results, and the signature on every step. Their slugs are what posts,
//! exports and the audit trail carry; their labels are what pages show.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

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

    /// The statuses a status-only record may be moved to.
    pub const SETTABLE: [Status; 3] = [Status::Reviewed, Status::Actioned, Status::Closed];

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
    /// The results stage `n` (0-based) may conclude with: the last stage decides, so
    /// "unresolved" is offered only before it.
    pub fn offered_at(n: usize) -> &'static [StageResult] {
        if n == 0 {
            &[
                StageResult::Accept,
                StageResult::NotAccepted,
                StageResult::Unresolved,
            ]
        } else {
            &[StageResult::Accept, StageResult::NotAccepted]
        }
    }

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
