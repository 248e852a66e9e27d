//! A meeting's agenda, built from the cases listed for it and their actions: cases reviewed
//! after an extraordinary meeting first (the most urgent), then new cases, then reviews; each
//! with the reason for referral, the work done so far, and its open actions with their latest
//! update. It is plain data that serialises, so a published agenda can be kept as it was sent.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::action::{carry_forward, Action, Update};
use super::{MeetingId, Occurrence};

/// Whether a case comes to the meeting for the first time or to be reviewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ListingKind {
    New,
    Review,
}

/// One case listed for a meeting, as the workspace knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    /// The case's key in the workspace (opaque here).
    pub case: String,
    /// The reference people quote.
    pub reference: String,
    pub reason: String,
    pub work_done: String,
    pub kind: ListingKind,
    /// Listed because an extraordinary meeting heard it since the last scheduled one.
    pub extraordinary: bool,
}

/// Where an item sits on the agenda, in agenda order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Section {
    ExtraordinaryReview,
    New,
    Review,
}

impl Listing {
    pub fn section(&self) -> Section {
        match (self.extraordinary, self.kind) {
            (true, _) => Section::ExtraordinaryReview,
            (false, ListingKind::New) => Section::New,
            (false, ListingKind::Review) => Section::Review,
        }
    }
}

/// An open action as the agenda shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenAction {
    pub action: Action,
    pub latest: Option<Update>,
    /// Its due date is before the meeting.
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub listing: Listing,
    pub actions: Vec<OpenAction>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agenda {
    pub meeting: MeetingId,
    pub series: String,
    pub date: NaiveDate,
    pub starts_at: DateTime<Utc>,
    pub publish_by: Option<DateTime<Utc>>,
    pub items: Vec<Item>,
}

/// The agenda of `meeting` for `listings`, in agenda order (the caller's order kept within each
/// section), each case with the open actions agreed before the meeting. Actions of cases not
/// listed are left out.
pub fn assemble(meeting: &Occurrence, listings: &[Listing], actions: &[Action]) -> Agenda {
    let mut items: Vec<Item> = listings
        .iter()
        .map(|listing| {
            let own: Vec<Action> = actions
                .iter()
                .filter(|a| a.case == listing.case)
                .cloned()
                .collect();
            let actions = carry_forward(&own, meeting.date)
                .into_iter()
                .map(|a| OpenAction {
                    latest: a.latest_update().cloned(),
                    overdue: a.due < meeting.date,
                    action: a.clone(),
                })
                .collect();
            Item {
                listing: listing.clone(),
                actions,
            }
        })
        .collect();
    items.sort_by_key(|i| i.listing.section());
    Agenda {
        meeting: meeting.id(),
        series: meeting.series.clone(),
        date: meeting.date,
        starts_at: meeting.starts_at,
        publish_by: meeting.publish_by,
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meetings::action::UpdateDraft;
    use crate::meetings::fixture::{self, action, at, day};

    fn meeting() -> Occurrence {
        Occurrence {
            publish_by: Some(at("2027-02-04T10:00:00Z")),
            ..fixture::meeting("2027-02-11")
        }
    }

    fn listing(case: &str, kind: ListingKind, extraordinary: bool) -> Listing {
        Listing {
            case: case.into(),
            reference: format!("REF-{case}"),
            reason: "Missing three times this month".into(),
            work_done: "Return interviews held".into(),
            kind,
            extraordinary,
        }
    }

    #[test]
    fn extraordinary_reviews_come_first_then_new_cases_then_reviews() {
        let listings = [
            listing("r1", ListingKind::Review, false),
            listing("n1", ListingKind::New, false),
            listing("x1", ListingKind::Review, true),
            listing("r2", ListingKind::Review, false),
            listing("n2", ListingKind::New, false),
        ];
        let agenda = assemble(&meeting(), &listings, &[]);
        let order: Vec<&str> = agenda
            .items
            .iter()
            .map(|i| i.listing.case.as_str())
            .collect();
        assert_eq!(order, ["x1", "n1", "n2", "r1", "r2"]);
        assert_eq!(agenda.meeting.to_string(), "north.2027-02-11");
        assert_eq!(agenda.publish_by, meeting().publish_by);
    }

    #[test]
    fn each_case_carries_its_own_open_actions_with_their_latest_update() {
        let mut updated = action("a2", "r1", "2027-01-14", "2027-03-01");
        let update = |text: &str, date: &str| UpdateDraft {
            text: text.into(),
            date: Some(day(date)),
            reported_by: "Housing".into(),
        };
        let when = at("2027-02-01T09:00:00Z");
        for (text, date) in [("Second", "2027-01-30"), ("First", "2027-01-20")] {
            updated
                .record_update(&update(text, date), "bs-1", when, day("2027-02-01"))
                .expect("valid");
        }
        let mut done = action("a3", "r1", "2027-01-14", "2027-01-20");
        done.set_status(crate::meetings::Status::Done, day("2027-01-19"));
        let actions = vec![
            updated,
            action("a1", "r1", "2027-01-14", "2027-02-01"),
            done,
            action("other", "unlisted", "2027-01-14", "2027-02-01"),
        ];
        let agenda = assemble(
            &meeting(),
            &[listing("r1", ListingKind::Review, false)],
            &actions,
        );
        let item = &agenda.items[0];
        let ids: Vec<&str> = item.actions.iter().map(|a| a.action.id.as_str()).collect();
        assert_eq!(ids, ["a1", "a2"], "open ones of this case, by due date");
        assert!(item.actions[0].overdue && !item.actions[1].overdue);
        assert_eq!(item.actions[0].latest, None);
        assert_eq!(
            item.actions[1].latest.as_ref().map(|u| u.text.as_str()),
            Some("Second")
        );
    }
}
