//! The meeting cycle as pure functions over `[meetings]`: when each series meets and by when
//! its agenda must go out (`schedule`), the actions agreed and their updates (`action`), the
//! minute of each case (`minute`), the agenda built from the listed cases (`agenda`),
//! extraordinary meetings (`extraordinary`) and CSV exports (`export`).
//!
//! Nothing here reads a clock, a database or a request: the caller passes today or now and the
//! records, and gets values back. That keeps every rule testable on fixed dates (a year of
//! meetings, a Christmas, a bank holiday) and leaves storage and pages to the workspace.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub mod action;
pub mod agenda;
pub mod export;
pub mod extraordinary;
pub mod minute;
pub mod schedule;

pub use action::{Action, ActionDraft, Status, Update, UpdateDraft};
pub use agenda::{assemble, Agenda, Item, Listing, ListingKind, OpenAction, Section};
pub use extraordinary::{Attendee, ConveneDraft, Convened, Extraordinary};
pub use minute::{Minute, MinuteDraft};
pub use schedule::{AgendaWarning, Occurrence, Schedule};

/// Which meeting something happened at: a scheduled one by its series and day (a series meets
/// at most once a day), or an extraordinary one by the id its request was given.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MeetingId {
    Scheduled { series: String, date: NaiveDate },
    Extraordinary { id: String },
}

/// `alpha.2027-01-14` or `extraordinary:ID`: safe in a URL path, since series ids are
/// lowercase letters, digits, '-' and '_'.
impl fmt::Display for MeetingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MeetingId::Scheduled { series, date } => write!(f, "{series}.{date}"),
            MeetingId::Extraordinary { id } => write!(f, "extraordinary:{id}"),
        }
    }
}

impl std::str::FromStr for MeetingId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if let Some(id) = s.strip_prefix("extraordinary:").filter(|id| !id.is_empty()) {
            return Ok(MeetingId::Extraordinary { id: id.into() });
        }
        let (series, date) = s
            .rsplit_once('.')
            .ok_or_else(|| format!("meeting \"{s}\" is not SERIES.YYYY-MM-DD"))?;
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map_err(|_| format!("meeting \"{s}\" does not end in a date"))?;
        Ok(MeetingId::Scheduled {
            series: series.into(),
            date,
        })
    }
}

/// What is wrong with one field of what was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Left empty, or an empty list where one entry at least is needed.
    Missing,
    /// Longer than the given number of characters.
    TooLong(usize),
    /// Not one of the configured choices (a risk level, a decision).
    Unknown,
    /// Earlier than this date, the first one allowed.
    Before(NaiveDate),
    /// Later than this date, the last one allowed.
    After(NaiveDate),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Missing => write!(f, "is missing"),
            Problem::TooLong(max) => write!(f, "is longer than {max} characters"),
            Problem::Unknown => write!(f, "is not one of the choices"),
            Problem::Before(d) => write!(f, "must be on or after {d}"),
            Problem::After(d) => write!(f, "must be on or before {d}"),
        }
    }
}

/// Every problem with what was sent, each by its field (`due`, `actions[2].owner_agency`), so a
/// page can show them all at once beside their fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems(pub Vec<(String, Problem)>);

impl Problems {
    pub fn push(&mut self, field: impl Into<String>, p: Problem) {
        self.0.push((field.into(), p));
    }

    /// The problem with `field`, if any.
    pub fn get(&self, field: &str) -> Option<Problem> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, p)| *p)
    }

    /// `value` trimmed; a problem noted if it is empty (when `required`) or over `max` characters.
    fn text(&mut self, field: &str, value: &str, max: usize, required: bool) -> String {
        let value = value.trim();
        if required && value.is_empty() {
            self.push(field, Problem::Missing);
        } else if value.chars().count() > max {
            self.push(field, Problem::TooLong(max));
        }
        value.to_string()
    }

    /// The date, or a problem if there is none or it falls outside `first..=last`.
    fn date(
        &mut self,
        field: &str,
        value: Option<NaiveDate>,
        first: Option<NaiveDate>,
        last: Option<NaiveDate>,
    ) -> NaiveDate {
        let Some(d) = value else {
            self.push(field, Problem::Missing);
            return NaiveDate::MIN;
        };
        if let Some(first) = first.filter(|f| d < *f) {
            self.push(field, Problem::Before(first));
        } else if let Some(last) = last.filter(|l| d > *l) {
            self.push(field, Problem::After(last));
        }
        d
    }

    /// `Ok(value)` when nothing was found wrong.
    fn or<T>(self, value: T) -> Result<T, Problems> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, (field, p)) in self.0.iter().enumerate() {
            let sep = if n == 0 { "" } else { "; " };
            write!(f, "{sep}{field} {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

/// Fixed days, a meeting and actions for the tests of every part.
#[cfg(test)]
pub(crate) mod fixture {
    use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

    use super::{Action, ActionDraft, Occurrence};

    pub fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a YYYY-MM-DD date")
    }

    pub fn at(s: &str) -> DateTime<Utc> {
        s.parse().expect("an RFC 3339 time")
    }

    /// A meeting of the series `north` on `date` at 10:00 UTC, with no agenda deadline.
    pub fn meeting(date: &str) -> Occurrence {
        let starts_at = at(&format!("{date}T10:00:00Z"));
        Occurrence {
            series: "north".into(),
            date: day(date),
            time: NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
            starts_at,
            ends_at: starts_at,
            moved_from: None,
            publish_by: None,
        }
    }

    /// An open action `id` of `case`, agreed on `agreed` and due on `due`.
    pub fn action(id: &str, case: &str, agreed: &str, due: &str) -> Action {
        let draft = ActionDraft {
            text: format!("Action {id}"),
            owner_agency: "Police".into(),
            owner_role: "Sergeant".into(),
            due: Some(day(due)),
        };
        Action::agree(id, case, &draft, day(agreed), None).expect("valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_meeting_id_reads_back_from_its_text() {
        let date = NaiveDate::from_ymd_opt(2027, 1, 14).expect("date");
        for id in [
            MeetingId::Scheduled {
                series: "north-side".into(),
                date,
            },
            MeetingId::Extraordinary { id: "x7".into() },
        ] {
            assert_eq!(id.to_string().parse::<MeetingId>(), Ok(id));
        }
        assert_eq!(
            MeetingId::Scheduled {
                series: "a".into(),
                date
            }
            .to_string(),
            "a.2027-01-14"
        );
        assert!("north".parse::<MeetingId>().is_err());
        assert!("north.2027-02-30".parse::<MeetingId>().is_err());
        assert!("extraordinary:".parse::<MeetingId>().is_err());
    }

    #[test]
    fn problems_read_as_one_line_per_field() {
        let mut p = Problems::default();
        p.push("due", Problem::Missing);
        p.push("text", Problem::TooLong(10));
        assert_eq!(
            p.to_string(),
            "due is missing; text is longer than 10 characters"
        );
        assert_eq!(p.get("text"), Some(Problem::TooLong(10)));
        assert_eq!(p.get("owner_role"), None);
    }
}
