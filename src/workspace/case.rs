//! A case and its moves through the workflow its form names (`[workflows.NAME]` in `prem.toml`).
//!
//! The states, the moves between them, who may make each and what each asks are configuration;
//! here is the one place that applies them. Each move is checked against the case's state and
//! the mover's role, its answers against the move's fields, and is then appended to the case's
//! history with who, when, in which role and why; nothing is ever rewritten. The pages ask the
//! same [`Flow::moves_for`] to choose what to offer, so no rule is written twice. Nothing here
//! touches HTTP, the store or the clock: the caller says who signs and when, and saves the case.

mod answer;
#[cfg(test)]
mod tests;

pub use answer::{date_parts, Answered, Problem};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::calendar::Calendar;
use crate::config::{MoveConfig, StateConfig, WorkflowConfig};

/// The longest reason a move accepts, in characters.
pub const MAX_REASON: usize = 5000;

/// Where a case stands, and every move that brought it there (oldest first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    /// The state's id; empty until the first move (the case is then in its start state).
    #[serde(default)]
    pub state: String,
    /// When it entered its state; `None` while in its start state (which counts from the
    /// partner's submission).
    #[serde(default)]
    pub entered: Option<DateTime<Utc>>,
    #[serde(default)]
    pub history: Vec<Step>,
}

/// One move made: by whom, in which role, when, why, and what its questions were answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The move's id, as the audit trail records it.
    pub id: String,
    /// The move's title when it was made (kept, so a later change of configuration does not
    /// rewrite history).
    pub title: String,
    pub from: String,
    pub to: String,
    pub by: String,
    pub role: String,
    pub at: DateTime<Utc>,
    pub reason: String,
    /// Each field's label (as asked) and answer.
    #[serde(default)]
    pub answers: Vec<(String, String)>,
}

/// Who signs a move, in which role, and when.
#[derive(Debug, Clone, Copy)]
pub struct Signer<'a> {
    pub name: &'a str,
    pub role: &'a str,
    pub at: DateTime<Utc>,
}

/// Why a move was refused. The `Display` text is for the log; pages word each for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("no such move in this workflow")]
    Unknown,
    /// The case is not in a state this move starts from.
    #[error("the case is not in a state this move starts from")]
    NotNow,
    #[error("the move is made by other roles")]
    NotYours,
    /// The move may be made, but what was sent is not complete: each problem names its field.
    #[error("the post was incomplete ({} problems)", .0.len())]
    Incomplete(Vec<(String, Problem)>),
}

/// A case's rules: its workflow, where its form starts it, and how deadlines count.
#[derive(Debug, Clone, Copy)]
pub struct Flow<'a> {
    pub workflow: &'a WorkflowConfig,
    /// The state a record starts in: the form's `start`, else the workflow's.
    pub start: &'a str,
    pub zone: Tz,
    pub calendar: &'a Calendar,
}

impl<'a> Flow<'a> {
    /// The id of the state `case` is in.
    pub fn state_id<'c>(&self, case: &'c Case) -> &'c str
    where
        'a: 'c,
    {
        if case.state.is_empty() {
            self.start
        } else {
            &case.state
        }
    }

    /// The configuration of the state `case` is in (`None` if configuration no longer has it).
    pub fn state(&self, case: &Case) -> Option<&'a StateConfig> {
        let id = self.state_id(case);
        self.workflow.states.iter().find(|s| s.id == id)
    }

    /// The title of the state `case` is in (its id if configuration no longer has it).
    pub fn state_title(&self, case: &Case) -> String {
        self.state(case)
            .map_or_else(|| self.state_id(case).to_string(), |s| s.title.clone())
    }

    /// When the case must leave its state by, counted from entering it (for the start state,
    /// from the partner's submission at `created`); `None` if the state has no deadline.
    pub fn deadline(&self, case: &Case, created: DateTime<Utc>) -> Option<NaiveDate> {
        let state = self.state(case)?;
        let day = case
            .entered
            .unwrap_or(created)
            .with_timezone(&self.zone)
            .date_naive();
        match (state.working_days, state.days) {
            (Some(w), _) => Some(self.calendar.add_working_days(day, w)),
            (None, Some(d)) => Some(day + chrono::Days::new(u64::from(d))),
            (None, None) => None,
        }
    }

    /// Whether `role` sees a case in its current state (a state's `seen_by` narrows it).
    pub fn seen_by(&self, case: &Case, role: &str) -> bool {
        self.state(case)
            .and_then(|s| s.seen_by.as_ref())
            .is_none_or(|roles| roles.iter().any(|r| r == role))
    }

    /// The moves `role` may make on `case` now, in configuration order.
    pub fn moves_for(&self, case: &Case, role: &'a str) -> impl Iterator<Item = &'a MoveConfig> {
        let state = self.state_id(case).to_string();
        self.workflow
            .moves
            .iter()
            .filter(move |m| m.from.contains(&state) && m.roles.iter().any(|r| r == role))
    }

    /// The move called `id`, if `role` may make it on `case` now.
    pub fn may_move(&self, case: &Case, id: &str, role: &str) -> Result<&'a MoveConfig, Refusal> {
        let m = (self.workflow.moves.iter())
            .find(|m| m.id == id)
            .ok_or(Refusal::Unknown)?;
        if !m.from.iter().any(|s| s == self.state_id(case)) {
            return Err(Refusal::NotNow);
        }
        if !m.roles.iter().any(|r| r == role) {
            return Err(Refusal::NotYours);
        }
        Ok(m)
    }

    /// Makes move `id` on `case` with what was posted (`posted` gives a field's raw value by
    /// name), or refuses it; the case is changed only when the move is made.
    pub fn apply(
        &self,
        case: &mut Case,
        created: DateTime<Utc>,
        id: &str,
        posted: &dyn Fn(&str) -> Option<String>,
        by: &Signer,
    ) -> Result<&'a MoveConfig, Refusal> {
        let m = self.may_move(case, id, by.role)?;
        let deadline = self.deadline(case, created);
        let Answered { reason, answers } = answer::read(m, posted, deadline)?;
        let from = self.state_id(case).to_string();
        case.history.push(Step {
            id: m.id.clone(),
            title: m.title.clone(),
            from,
            to: m.to.clone(),
            by: by.name.to_string(),
            role: by.role.to_string(),
            at: by.at,
            reason,
            answers,
        });
        case.state = m.to.clone();
        case.entered = Some(by.at);
        Ok(m)
    }
}

impl Case {
    /// The last move into a state, e.g. who endorsed a referral and when.
    pub fn last_into(&self, state: &str) -> Option<&Step> {
        self.history.iter().rev().find(|s| s.to == state)
    }

    /// A short digest of the whole case. A page carries the one it was drawn from, so that a
    /// move sent from a page that someone else's change has since overtaken is refused rather
    /// than applied to a case its sender never saw.
    pub fn fingerprint(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        hex::encode(&Sha256::digest(&json)[..8])
    }
}
