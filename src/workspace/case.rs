//! A case and its moves: the threshold decision (and its correction), the escalation stages,
//! and the statuses of status-only records.
//!
//! Each move checks its own rule here, once, and refuses with a typed [`Refusal`]; the pages ask
//! the same `may_*` methods to choose which forms to offer, so no rule is written twice (once
//! in a handler, again in a view). Nothing here touches HTTP, the store or the clock: the caller
//! says who signs and when, and saves the case afterwards.

mod parts;
mod refusal;
#[cfg(test)]
mod tests;

pub use parts::{Outcome, Signed, Stage, StageResult, Status};
pub use refusal::{Move, NotNow, Problem, Refusal};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::role::Role;
use crate::calendar::Calendar;
use crate::config::EscalationStage;
use crate::forms::Workflow;

/// The longest rationale a move accepts, in characters.
pub const MAX_RATIONALE: usize = 5000;

/// The workflow state of one record. `history` keeps every status change for the page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub status: Status,
    pub decision: Option<(Outcome, Signed)>,
    /// Earlier threshold decisions, replaced by a correction (oldest first): never lost.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<(Outcome, Signed)>,
    /// The first escalation stage, opened by an "escalate" decision.
    pub stage1: Option<Stage>,
    /// The second stage, opened when the first ends unresolved; it decides.
    pub stage2: Option<Stage>,
    pub history: Vec<(Status, Signed)>,
}

/// What a record's moves depend on besides its case: its form's workflow and the partnership's
/// escalation stages.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    pub workflow: Workflow,
    /// `[[inbox.escalation]]`: each stage's deadline and the roles that record its outcome.
    pub stages: &'a [EscalationStage],
    /// Deadlines count days in the partnership's zone.
    pub zone: Tz,
    /// Working days skip the bank holidays of `partnership.calendar`.
    pub calendar: &'a Calendar,
}

impl Rules<'_> {
    /// When stage `n` (0-based), opened at `opened`, must be held by.
    pub fn stage_deadline(&self, n: usize, opened: DateTime<Utc>) -> NaiveDate {
        let day = opened.with_timezone(&self.zone).date_naive();
        let stage = self.stages.get(n);
        match (
            stage.and_then(|s| s.working_days),
            stage.and_then(|s| s.days),
        ) {
            (Some(w), _) => self.calendar.add_working_days(day, w),
            (None, d) => day + chrono::Days::new(u64::from(d.unwrap_or(7))),
        }
    }

    /// Whether `role` is one of those configured to record stage `n`'s outcome.
    fn may_record(&self, n: usize, role: Role) -> bool {
        self.stages
            .get(n)
            .is_some_and(|s| s.roles.iter().any(|r| r == role.label()))
    }
}

/// Who signs a move, and when.
#[derive(Debug, Clone, Copy)]
pub struct Signer<'a> {
    pub name: &'a str,
    pub role: Role,
    pub at: DateTime<Utc>,
}

/// The choice and the signed rationale, or every problem with them at once.
fn complete<T>(choice: Option<T>, rationale: &str, by: &Signer) -> Result<(T, Signed), Refusal> {
    let rationale = rationale.trim();
    let mut problems = Vec::new();
    if choice.is_none() {
        problems.push(Problem::NoChoice);
    }
    if rationale.is_empty() {
        problems.push(Problem::NoRationale);
    } else if rationale.chars().count() > MAX_RATIONALE {
        problems.push(Problem::RationaleTooLong);
    }
    match choice {
        Some(choice) if problems.is_empty() => Ok((
            choice,
            Signed {
                by: by.name.to_string(),
                at: by.at,
                rationale: rationale.to_string(),
            },
        )),
        _ => Err(Refusal::Incomplete(problems)),
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
    pub fn may_decide(&self, rules: &Rules) -> Result<(), Refusal> {
        if rules.workflow != Workflow::Threshold {
            return Err(NotNow::StatusRecord.into());
        }
        let open = match &self.decision {
            None => self.status == Status::New,
            Some((Outcome::Accept | Outcome::NotAccepted, _)) => self.stage1.is_none(),
            Some((Outcome::Escalate, _)) => false,
        };
        if open {
            Ok(())
        } else {
            Err(NotNow::Settled.into())
        }
    }

    /// Records (or corrects) the threshold decision. "Escalate" opens the first stage.
    pub fn decide(
        &mut self,
        rules: &Rules,
        outcome: Option<Outcome>,
        rationale: &str,
        by: &Signer,
    ) -> Result<Move, Refusal> {
        self.may_decide(rules)?;
        let (outcome, signed) = complete(outcome, rationale, by)?;
        let status = match outcome {
            Outcome::Accept => Status::Accepted,
            Outcome::NotAccepted => Status::NotAccepted,
            Outcome::Escalate => {
                self.stage1 = Some(Stage {
                    deadline: rules.stage_deadline(0, by.at),
                    outcome: None,
                });
                Status::Escalated
            }
        };
        self.status = status;
        self.history.push((status, signed.clone()));
        match self.decision.replace((outcome, signed)) {
            Some(earlier) => {
                self.corrections.push(earlier);
                Ok(Move::Corrected(outcome))
            }
            None => Ok(Move::Decided(outcome)),
        }
    }

    /// The open stage, if `role` may record its outcome.
    pub fn may_record_stage(&self, rules: &Rules, role: Role) -> Result<usize, Refusal> {
        let n = self.open_stage().ok_or(NotNow::NoOpenStage)?;
        if rules.may_record(n, role) {
            Ok(n)
        } else {
            Err(Refusal::NotYourStage)
        }
    }

    /// Records the open stage's result: accept or not-accepted settles the case; "unresolved"
    /// (offered only before the last stage) opens the next stage.
    pub fn record_stage(
        &mut self,
        rules: &Rules,
        result: Option<StageResult>,
        rationale: &str,
        by: &Signer,
    ) -> Result<Move, Refusal> {
        let n = self.may_record_stage(rules, by.role)?;
        let result = result.filter(|r| StageResult::offered_at(n).contains(r));
        let (result, signed) = complete(result, rationale, by)?;
        let stage = if n == 0 {
            &mut self.stage1
        } else {
            &mut self.stage2
        };
        if let Some(stage) = stage.as_mut() {
            stage.outcome = Some((result, signed.clone()));
        }
        let status = match result {
            StageResult::Accept => Status::Accepted,
            StageResult::NotAccepted => Status::NotAccepted,
            StageResult::Unresolved => {
                self.stage2 = Some(Stage {
                    deadline: rules.stage_deadline(1, by.at),
                    outcome: None,
                });
                return Ok(Move::StageRecorded(n, result));
            }
        };
        self.status = status;
        self.history.push((status, signed));
        Ok(Move::StageRecorded(n, result))
    }

    /// Whether a status may be set now: only on a status-only record that is not closed.
    pub fn may_set_status(&self, rules: &Rules) -> Result<(), Refusal> {
        if rules.workflow == Workflow::Threshold {
            Err(NotNow::ThresholdRecord.into())
        } else if self.status == Status::Closed {
            Err(NotNow::Closed.into())
        } else {
            Ok(())
        }
    }

    /// Moves a status-only record on to one of [`Status::SETTABLE`].
    pub fn set_status(
        &mut self,
        rules: &Rules,
        status: Option<Status>,
        rationale: &str,
        by: &Signer,
    ) -> Result<Move, Refusal> {
        self.may_set_status(rules)?;
        let status = status.filter(|s| Status::SETTABLE.contains(s));
        let (status, signed) = complete(status, rationale, by)?;
        self.status = status;
        self.history.push((status, signed));
        Ok(Move::StatusSet(status))
    }

    /// A short digest of the whole case. A page carries the one it was drawn from, so that a
    /// move sent from a page that someone else's change has since overtaken is refused rather
    /// than applied to a case its sender never saw.
    pub fn fingerprint(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        hex::encode(&Sha256::digest(&json)[..8])
    }
}
