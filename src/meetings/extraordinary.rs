//! Extraordinary meetings: called when a risk of serious harm cannot wait for the next
//! scheduled meeting. A request carries its own deadline (`meetings.extraordinary`, in hours or
//! working days, not the referral's); once convened, the meeting records who came, what was
//! decided, the actions with their agency and timescale, and the lessons learned. The case is
//! then reviewed at the next scheduled meeting (`Schedule::next_scheduled`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::action::{Action, ActionDraft, MAX_NAME, MAX_TEXT};
use super::{MeetingId, Problem, Problems, Schedule};
use crate::config::Deadline;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extraordinary {
    /// Given by the caller, unique in its store.
    pub id: String,
    pub case: String,
    pub requested_at: DateTime<Utc>,
    /// When it must be held by.
    pub deadline: DateTime<Utc>,
    pub convened: Option<Convened>,
}

/// What an extraordinary meeting recorded once held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Convened {
    pub at: DateTime<Utc>,
    pub attendees: Vec<Attendee>,
    pub decisions: Vec<String>,
    pub actions: Vec<Action>,
    pub lessons: String,
}

/// Who attended, by agency and role: enough to show the right seniority was there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    pub agency: String,
    pub role: String,
}

/// A convened meeting's record as a page sends it, before it is checked. Each action comes
/// with the id the caller gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConveneDraft {
    pub at: Option<DateTime<Utc>>,
    pub attendees: Vec<Attendee>,
    pub decisions: Vec<String>,
    pub actions: Vec<(String, ActionDraft)>,
    pub lessons: String,
}

impl Extraordinary {
    /// A request made at `requested_at`, due by the configured deadline.
    pub fn request(
        id: &str,
        case: &str,
        requested_at: DateTime<Utc>,
        deadline: Deadline,
        schedule: &Schedule,
    ) -> Self {
        Extraordinary {
            id: id.into(),
            case: case.into(),
            requested_at,
            deadline: schedule.deadline(requested_at, deadline),
            convened: None,
        }
    }

    pub fn meeting_id(&self) -> MeetingId {
        MeetingId::Extraordinary {
            id: self.id.clone(),
        }
    }

    /// Not yet convened and past its deadline.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.convened.is_none() && now > self.deadline
    }

    /// Records the meeting as held, or names every problem: `at` (between the request and
    /// `now`), `attendees` (one at least; `attendees[2].agency`), `decisions` (one at least),
    /// each action's fields (`actions[1].due`). The actions are agreed on the meeting's day.
    pub fn convene(
        &mut self,
        draft: &ConveneDraft,
        now: DateTime<Utc>,
        schedule: &Schedule,
    ) -> Result<(), Problems> {
        let mut p = Problems::default();
        let at = match draft.at {
            None => {
                p.push("at", Problem::Missing);
                now
            }
            Some(at) if at < self.requested_at => {
                p.push("at", Problem::Before(schedule.today(self.requested_at)));
                at
            }
            Some(at) if at > now => {
                p.push("at", Problem::After(schedule.today(now)));
                at
            }
            Some(at) => at,
        };
        if draft.attendees.is_empty() {
            p.push("attendees", Problem::Missing);
        }
        let attendees: Vec<Attendee> = (draft.attendees.iter().enumerate())
            .map(|(n, a)| Attendee {
                agency: p.text(
                    &format!("attendees[{}].agency", n + 1),
                    &a.agency,
                    MAX_NAME,
                    true,
                ),
                role: p.text(
                    &format!("attendees[{}].role", n + 1),
                    &a.role,
                    MAX_NAME,
                    true,
                ),
            })
            .collect();
        let decisions: Vec<String> = (draft.decisions.iter().enumerate())
            .map(|(n, d)| p.text(&format!("decisions[{}]", n + 1), d, MAX_TEXT, false))
            .filter(|d| !d.is_empty())
            .collect();
        if decisions.is_empty() {
            p.push("decisions", Problem::Missing);
        }
        let mut actions = Vec::new();
        for (n, (id, a)) in draft.actions.iter().enumerate() {
            let agreed = Action::agree(
                id,
                &self.case,
                a,
                schedule.today(at),
                Some(self.meeting_id()),
            );
            match agreed {
                Ok(a) => actions.push(a),
                Err(e) => {
                    for (field, problem) in e.0 {
                        p.push(format!("actions[{}].{field}", n + 1), problem);
                    }
                }
            }
        }
        let lessons = p.text("lessons", &draft.lessons, MAX_TEXT, false);
        self.convened = Some(p.or(Convened {
            at,
            attendees,
            decisions,
            actions,
            lessons,
        })?);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;
    use crate::meetings::fixture::at;
    use chrono::NaiveDate;

    fn schedule() -> Schedule<'static> {
        Schedule::new(
            Calendar::named("england-and-wales").expect("built in"),
            chrono_tz::Europe::London,
        )
    }

    fn requested() -> Extraordinary {
        let s = schedule();
        Extraordinary::request(
            "x1",
            "case-1",
            at("2027-01-08T16:00:00Z"),
            Deadline::WorkingDays(1),
            &s,
        )
    }

    fn draft() -> ConveneDraft {
        ConveneDraft {
            at: Some(at("2027-01-11T09:00:00Z")),
            attendees: vec![Attendee {
                agency: "Police".into(),
                role: "Detective Inspector".into(),
            }],
            decisions: vec!["Safety plan agreed".into(), "  ".into()],
            actions: vec![(
                "xa1".into(),
                ActionDraft {
                    text: "Place of safety arranged".into(),
                    owner_agency: "Children's services".into(),
                    owner_role: "Team manager".into(),
                    due: NaiveDate::from_ymd_opt(2027, 1, 12),
                },
            )],
            lessons: "Earlier sharing from the school would have helped.".into(),
        }
    }

    #[test]
    fn a_request_is_due_by_the_configured_deadline_and_overdue_after_it() {
        let x = requested();
        // Friday 16:00 plus one working day: Monday 16:00.
        assert_eq!(x.deadline, at("2027-01-11T16:00:00Z"));
        assert!(!x.is_overdue(at("2027-01-11T16:00:00Z")));
        assert!(x.is_overdue(at("2027-01-11T16:01:00Z")));
        assert_eq!(x.meeting_id().to_string(), "extraordinary:x1");
    }

    #[test]
    fn convening_records_the_meeting_and_agrees_its_actions_that_day() {
        let mut x = requested();
        x.convene(&draft(), at("2027-01-11T12:00:00Z"), &schedule())
            .expect("valid");
        let c = x.convened.as_ref().expect("convened");
        assert_eq!(c.decisions, ["Safety plan agreed"], "blank lines dropped");
        assert_eq!(
            c.actions[0].agreed_on,
            NaiveDate::from_ymd_opt(2027, 1, 11).expect("d")
        );
        assert_eq!(c.actions[0].agreed_at_meeting, Some(x.meeting_id()));
        assert_eq!(c.actions[0].case, "case-1");
        assert!(!x.is_overdue(at("2027-02-01T00:00:00Z")));
    }

    #[test]
    fn every_problem_in_the_record_is_named_at_once() {
        let mut x = requested();
        let mut bad = draft();
        bad.at = Some(at("2027-01-08T15:00:00Z"));
        bad.attendees.push(Attendee::default());
        bad.decisions = vec![" ".into()];
        bad.actions[0].1.owner_agency.clear();
        bad.actions[0].1.due = None;
        let err = x
            .convene(&bad, at("2027-01-11T12:00:00Z"), &schedule())
            .expect_err("refused");
        let fields: Vec<&str> = err.0.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "at",
                "attendees[2].agency",
                "attendees[2].role",
                "decisions",
                "actions[1].owner_agency",
                "actions[1].due"
            ]
        );
        assert!(x.convened.is_none());
        let future = ConveneDraft {
            at: Some(at("2027-01-12T09:00:00Z")),
            ..draft()
        };
        let err = x
            .convene(&future, at("2027-01-11T12:00:00Z"), &schedule())
            .expect_err("not yet held");
        assert_eq!(
            err.get("at"),
            NaiveDate::from_ymd_opt(2027, 1, 11).map(Problem::After)
        );
        let none = ConveneDraft::default();
        let err = x
            .convene(&none, at("2027-01-11T12:00:00Z"), &schedule())
            .expect_err("empty");
        assert_eq!(err.get("attendees"), Some(Problem::Missing));
        assert_eq!(err.get("at"), Some(Problem::Missing));
    }

    #[test]
    fn the_case_goes_to_the_next_scheduled_meeting_after_it_convened() {
        let mut x = requested();
        x.convene(&draft(), at("2027-01-11T12:00:00Z"), &schedule())
            .expect("valid");
        let series: crate::config::SeriesConfig = toml::from_str(
            r#"id = "north"
title = "North panel"
rule = { repeat = "monthly", week = "second", day = "thursday" }
time = "10:00"
chair_roles = ["chair"]"#,
        )
        .expect("series");
        let convened_at = x.convened.as_ref().map(|c| c.at).expect("convened");
        let next = schedule()
            .next_scheduled(&series, convened_at)
            .expect("next");
        assert_eq!(next.date, NaiveDate::from_ymd_opt(2027, 1, 14).expect("d"));
    }
}
