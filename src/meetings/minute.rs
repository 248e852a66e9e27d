//! The minute of one case at one meeting: what was discussed, the risk level and decision from
//! the partnership's own lists (`meetings.risk_levels`, `meetings.minute_decisions`), and when
//! the case is next reviewed, which a decision may require.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{MeetingId, Occurrence, Problem, Problems};
use crate::config::MeetingsConfig;

/// The longest discussion summary, in characters.
pub const MAX_SUMMARY: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Minute {
    pub case: String,
    pub meeting: MeetingId,
    pub summary: String,
    /// One of `meetings.risk_levels`.
    pub risk_level: String,
    /// The id of one of `meetings.minute_decisions`.
    pub decision: String,
    pub next_review: Option<NaiveDate>,
    pub recorded_by: String,
    pub at: DateTime<Utc>,
}

/// A minute as a page sends it, before it is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MinuteDraft {
    pub summary: String,
    pub risk_level: String,
    pub decision: String,
    pub next_review: Option<NaiveDate>,
}

impl Minute {
    /// Checks `draft` against the configured lists and makes the minute of `case` at `meeting`,
    /// or names every problem (`summary`, `risk_level`, `decision`, `next_review`). The next
    /// review must fall after the meeting, and is required when the decision says so.
    pub fn record(
        case: &str,
        meeting: &Occurrence,
        draft: &MinuteDraft,
        config: &MeetingsConfig,
        recorded_by: &str,
        at: DateTime<Utc>,
    ) -> Result<Minute, Problems> {
        let mut p = Problems::default();
        let summary = p.text("summary", &draft.summary, MAX_SUMMARY, true);
        let risk_level = draft.risk_level.trim().to_string();
        if risk_level.is_empty() {
            p.push("risk_level", Problem::Missing);
        } else if !config.risk_levels.contains(&risk_level) {
            p.push("risk_level", Problem::Unknown);
        }
        let decision = draft.decision.trim().to_string();
        let chosen = config.minute_decisions.iter().find(|d| d.id == decision);
        match chosen {
            None if decision.is_empty() => p.push("decision", Problem::Missing),
            None => p.push("decision", Problem::Unknown),
            Some(_) => {}
        }
        let needs_review = chosen.is_some_and(|d| d.next_review);
        let next_review = match draft.next_review {
            None if needs_review => {
                p.push("next_review", Problem::Missing);
                None
            }
            None => None,
            Some(d) => Some(p.date("next_review", Some(d), meeting.date.succ_opt(), None)),
        };
        p.or(Minute {
            case: case.into(),
            meeting: meeting.id(),
            summary,
            risk_level,
            decision,
            next_review,
            recorded_by: recorded_by.into(),
            at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meetings::fixture::{at, day, meeting};

    fn record(draft: &MinuteDraft) -> Result<Minute, Problems> {
        let meeting = meeting("2027-01-14");
        let when = at("2027-01-14T12:00:00Z");
        Minute::record(
            "case-1",
            &meeting,
            draft,
            &MeetingsConfig::default(),
            "bs-1",
            when,
        )
    }

    fn draft(decision: &str, next_review: Option<&str>) -> MinuteDraft {
        MinuteDraft {
            summary: "Discussed the missing episodes; school attendance improving.".into(),
            risk_level: "medium".into(),
            decision: decision.into(),
            next_review: next_review.map(day),
        }
    }

    #[test]
    fn a_minute_takes_its_level_and_decision_from_the_configured_lists() {
        let m = record(&draft("continue", Some("2027-02-11"))).expect("valid");
        assert_eq!(m.meeting.to_string(), "north.2027-01-14");
        assert_eq!(m.risk_level, "medium");
        assert_eq!(m.next_review, Some(day("2027-02-11")));
        let err = record(&MinuteDraft {
            risk_level: "severe".into(),
            decision: "adjourn".into(),
            ..Default::default()
        })
        .expect_err("refused");
        assert_eq!(err.get("summary"), Some(Problem::Missing));
        assert_eq!(err.get("risk_level"), Some(Problem::Unknown));
        assert_eq!(err.get("decision"), Some(Problem::Unknown));
        let err = record(&MinuteDraft::default()).expect_err("refused");
        assert_eq!(err.get("decision"), Some(Problem::Missing));
        assert_eq!(err.get("risk_level"), Some(Problem::Missing));
    }

    #[test]
    fn a_next_review_is_required_by_the_decision_and_falls_after_the_meeting() {
        let err = record(&draft("continue", None)).expect_err("refused");
        assert_eq!(err.get("next_review"), Some(Problem::Missing));
        let m = record(&draft("exit-proposed", None)).expect("no review needed");
        assert_eq!(m.next_review, None);
        let err = record(&draft("review-date", Some("2027-01-14"))).expect_err("same day");
        assert_eq!(
            err.get("next_review"),
            Some(Problem::Before(day("2027-01-15")))
        );
    }
}
