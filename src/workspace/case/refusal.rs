//! What a move on a case ends in: the [`Move`] made, or the [`Refusal`] and why.

use super::parts::{Outcome, StageResult, Status};

/// A move a case made: what the audit trail records and the page confirms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Decided(Outcome),
    /// A decision replaced an earlier one (which is kept in `corrections`).
    Corrected(Outcome),
    /// Stage `n` (0-based) recorded its result.
    StageRecorded(usize, StageResult),
    StatusSet(Status),
}

impl Move {
    /// The action written in the audit trail, e.g. `decision:accept`, `escalation-stage1:unresolved`.
    pub fn audit_action(self) -> String {
        match self {
            Move::Decided(o) => format!("decision:{}", o.slug()),
            Move::Corrected(o) => format!("decision-corrected:{}", o.slug()),
            Move::StageRecorded(n, r) => format!("escalation-stage{}:{}", n + 1, r.slug()),
            Move::StatusSet(s) => format!("status:{}", s.slug()),
        }
    }
}

/// Why a case refused a move. The `Display` text is for the log; the pages word each one for
/// people themselves.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The case is not at a point where this move can be made.
    #[error("{0}")]
    NotNow(#[from] NotNow),
    /// The open stage's outcome is recorded by other roles (`[[inbox.escalation]]` roles).
    #[error("the open stage's outcome is recorded by other roles")]
    NotYourStage,
    /// The move is possible, but what was sent is not complete: each problem names its field.
    #[error("the post was incomplete ({} problems)", .0.len())]
    Incomplete(Vec<Problem>),
}

/// Where the case stands that rules a move out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotNow {
    #[error("a status-only record takes no threshold decision")]
    StatusRecord,
    #[error(
        "the threshold decision went to escalation and can no longer be recorded or corrected"
    )]
    Settled,
    #[error("no escalation stage is open")]
    NoOpenStage,
    #[error("a threshold record moves by its decision, not by a status")]
    ThresholdRecord,
    #[error("the record is closed")]
    Closed,
}

/// What is missing or wrong in what was sent for a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// No choice, or one not on offer for this move.
    NoChoice,
    NoRationale,
    /// Longer than [`super::MAX_RATIONALE`] characters.
    RationaleTooLong,
}
