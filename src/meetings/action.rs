//! SMART actions: what is to be done for a case, by which agency and role, by when, agreed at
//! which meeting, and the updates business support records before the review. An action
//! without an owner or a due date cannot be made, so the register never holds one nobody owns.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{MeetingId, Problems};

#[cfg(test)]
mod tests;

/// The longest action or update text, in characters.
pub const MAX_TEXT: usize = 2000;
/// The longest agency, role or reporter name.
pub const MAX_NAME: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Open,
    Done,
    Dropped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// Given by the caller, unique in its store.
    pub id: String,
    /// The case it is for, as the workspace keys cases (opaque here).
    pub case: String,
    pub text: String,
    pub owner_agency: String,
    pub owner_role: String,
    pub due: NaiveDate,
    /// The day it was agreed: an action is carried to the meetings after that day.
    pub agreed_on: NaiveDate,
    pub agreed_at_meeting: Option<MeetingId>,
    pub status: Status,
    /// When it was marked done or dropped.
    pub closed_on: Option<NaiveDate>,
    pub updates: Vec<Update>,
}

/// A progress report: what the owner said, when, and who wrote it down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Update {
    pub text: String,
    /// The day the progress was reported.
    pub date: NaiveDate,
    /// Who reported it (an agency or a role, as they gave it).
    pub reported_by: String,
    /// The account that recorded it.
    pub recorded_by: String,
    pub at: DateTime<Utc>,
}

/// An action as a page sends it, before it is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionDraft {
    pub text: String,
    pub owner_agency: String,
    pub owner_role: String,
    pub due: Option<NaiveDate>,
}

/// An update as a page sends it, before it is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateDraft {
    pub text: String,
    pub date: Option<NaiveDate>,
    pub reported_by: String,
}

impl Action {
    /// Checks `draft` and makes the action, or names every problem at once (`text`,
    /// `owner_agency`, `owner_role`, `due`; a due date before the day it is agreed is refused).
    pub fn agree(
        id: &str,
        case: &str,
        draft: &ActionDraft,
        agreed_on: NaiveDate,
        meeting: Option<MeetingId>,
    ) -> Result<Action, Problems> {
        let mut p = Problems::default();
        let text = p.text("text", &draft.text, MAX_TEXT, true);
        let owner_agency = p.text("owner_agency", &draft.owner_agency, MAX_NAME, true);
        let owner_role = p.text("owner_role", &draft.owner_role, MAX_NAME, true);
        let due = p.date("due", draft.due, Some(agreed_on), None);
        p.or(Action {
            id: id.into(),
            case: case.into(),
            text,
            owner_agency,
            owner_role,
            due,
            agreed_on,
            agreed_at_meeting: meeting,
            status: Status::Open,
            closed_on: None,
            updates: Vec::new(),
        })
    }

    /// Adds an update reported between the day the action was agreed and `today`.
    pub fn record_update(
        &mut self,
        draft: &UpdateDraft,
        recorded_by: &str,
        at: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<(), Problems> {
        let mut p = Problems::default();
        let text = p.text("text", &draft.text, MAX_TEXT, true);
        let date = p.date("date", draft.date, Some(self.agreed_on), Some(today));
        let reported_by = p.text("reported_by", &draft.reported_by, MAX_NAME, true);
        let update = p.or(Update {
            text,
            date,
            reported_by,
            recorded_by: recorded_by.into(),
            at,
        })?;
        self.updates.push(update);
        Ok(())
    }

    /// Marks it done or dropped on `on`, or open again (`Status::Open`) if closed by mistake.
    pub fn set_status(&mut self, status: Status, on: NaiveDate) {
        self.status = status;
        self.closed_on = (status != Status::Open).then_some(on);
    }

    /// The update reported last (by its day, then by when it was recorded).
    pub fn latest_update(&self) -> Option<&Update> {
        self.updates.iter().max_by_key(|u| (u.date, u.at))
    }

    pub fn is_open(&self) -> bool {
        self.status == Status::Open
    }

    /// Open and due before `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.is_open() && self.due < today
    }
}

/// Open actions due from `today` up to, not including, `date` (pass the next meeting's day):
/// the "due before the next meeting" view. Those already overdue are `overdue`'s. By due date.
pub fn due_before(actions: &[Action], today: NaiveDate, date: NaiveDate) -> Vec<&Action> {
    by_due(
        actions
            .iter()
            .filter(|a| a.is_open() && (today..date).contains(&a.due)),
    )
}

/// Open actions whose due date has passed on `today`, by due date.
pub fn overdue(actions: &[Action], today: NaiveDate) -> Vec<&Action> {
    by_due(actions.iter().filter(|a| a.is_overdue(today)))
}

/// Actions marked done, most recently closed first.
pub fn completed(actions: &[Action]) -> Vec<&Action> {
    let mut done: Vec<&Action> = actions
        .iter()
        .filter(|a| a.status == Status::Done)
        .collect();
    done.sort_by(|a, b| b.closed_on.cmp(&a.closed_on).then(a.id.cmp(&b.id)));
    done
}

/// The actions a meeting on `meeting_date` reviews: open, and agreed before that day (one
/// agreed at the meeting itself is new business, not carried). By due date.
pub fn carry_forward(actions: &[Action], meeting_date: NaiveDate) -> Vec<&Action> {
    by_due(
        actions
            .iter()
            .filter(|a| a.is_open() && a.agreed_on < meeting_date),
    )
}

fn by_due<'a>(actions: impl Iterator<Item = &'a Action>) -> Vec<&'a Action> {
    let mut v: Vec<&Action> = actions.collect();
    v.sort_by(|a, b| (a.due, &a.id).cmp(&(b.due, &b.id)));
    v
}
