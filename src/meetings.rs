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

pub mod schedule;

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
}
