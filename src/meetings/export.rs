//! The agenda and the action register as CSV, for business support's own spreadsheets. One row
//! per open action (a case without any still gets a row), so the file sorts and filters by
//! agency or due date; the protective marking is a column on every row, as in the workspace's
//! export, so it travels with any row copied out. Fields go through `crate::csv`, which defuses
//! spreadsheet formulas.

use super::action::{Action, Status, Update};
use super::agenda::{Agenda, Section};
use crate::csv::row;

pub const AGENDA_COLUMNS: [&str; 17] = [
    "protective_marking",
    "meeting",
    "date",
    "position",
    "section",
    "reference",
    "reason",
    "work_done",
    "action_id",
    "action",
    "owner_agency",
    "owner_role",
    "due",
    "overdue",
    "latest_update",
    "latest_update_date",
    "reported_by",
];

pub const REGISTER_COLUMNS: [&str; 15] = [
    "protective_marking",
    "reference",
    "action_id",
    "action",
    "owner_agency",
    "owner_role",
    "agreed_on",
    "agreed_at_meeting",
    "due",
    "status",
    "closed_on",
    "updates",
    "latest_update",
    "latest_update_date",
    "reported_by",
];

/// The agenda in agenda order, a header row first.
pub fn agenda_csv(agenda: &Agenda, marking: &str) -> String {
    let mut out = row(&AGENDA_COLUMNS);
    for (n, item) in agenda.items.iter().enumerate() {
        let l = &item.listing;
        let case = [
            marking.to_string(),
            agenda.meeting.to_string(),
            agenda.date.to_string(),
            (n + 1).to_string(),
            section(l.section()).to_string(),
            l.reference.clone(),
            l.reason.clone(),
            l.work_done.clone(),
        ];
        if item.actions.is_empty() {
            out.push_str(&row(&[&case[..], &[""; 9].map(String::from)].concat()));
        }
        for open in &item.actions {
            let a = &open.action;
            let action = [
                a.id.clone(),
                a.text.clone(),
                a.owner_agency.clone(),
                a.owner_role.clone(),
                a.due.to_string(),
                if open.overdue { "yes" } else { "no" }.to_string(),
            ];
            let latest = latest(open.latest.as_ref());
            out.push_str(&row(&[&case[..], &action, &latest].concat()));
        }
    }
    out
}

/// Every action given, with its case's reference (`reference_of` maps a case key to it), by
/// reference then due date, a header row first.
pub fn register_csv(
    actions: &[Action],
    reference_of: impl Fn(&str) -> String,
    marking: &str,
) -> String {
    let mut rows: Vec<(String, &Action)> =
        actions.iter().map(|a| (reference_of(&a.case), a)).collect();
    rows.sort_by(|(r1, a1), (r2, a2)| (r1, a1.due, &a1.id).cmp(&(r2, a2.due, &a2.id)));
    let mut out = row(&REGISTER_COLUMNS);
    for (reference, a) in rows {
        let fields = [
            marking.to_string(),
            reference,
            a.id.clone(),
            a.text.clone(),
            a.owner_agency.clone(),
            a.owner_role.clone(),
            a.agreed_on.to_string(),
            a.agreed_at_meeting
                .as_ref()
                .map(|m| m.to_string())
                .unwrap_or_default(),
            a.due.to_string(),
            status(a.status).to_string(),
            a.closed_on.map(|d| d.to_string()).unwrap_or_default(),
            a.updates.len().to_string(),
        ];
        out.push_str(&row(&[&fields[..], &latest(a.latest_update())].concat()));
    }
    out
}

fn latest(u: Option<&Update>) -> [String; 3] {
    match u {
        Some(u) => [u.text.clone(), u.date.to_string(), u.reported_by.clone()],
        None => Default::default(),
    }
}

fn section(s: Section) -> &'static str {
    match s {
        Section::ExtraordinaryReview => "extraordinary-review",
        Section::New => "new",
        Section::Review => "review",
    }
}

fn status(s: Status) -> &'static str {
    match s {
        Status::Open => "open",
        Status::Done => "done",
        Status::Dropped => "dropped",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meetings::agenda::{assemble, Listing, ListingKind};
    use crate::meetings::fixture::{self, at, day};
    use crate::meetings::UpdateDraft;

    fn action(id: &str, case: &str, text: &str) -> Action {
        Action {
            text: text.into(),
            ..fixture::action(id, case, "2027-01-14", "2027-02-01")
        }
    }

    fn lines(csv: &str) -> Vec<&str> {
        csv.split("\r\n").filter(|l| !l.is_empty()).collect()
    }

    #[test]
    fn the_agenda_has_a_row_per_open_action_and_one_for_a_case_without() {
        let meeting = fixture::meeting("2027-02-11");
        let listing = |case: &str, kind| Listing {
            case: case.into(),
            reference: format!("REF-{case}"),
            reason: "=cmd|' /C calc'!A0".into(),
            work_done: "Visits".into(),
            kind,
            extraordinary: false,
        };
        let actions = [action("a1", "r1", "Visit"), action("a2", "r1", "@Call")];
        let agenda = assemble(
            &meeting,
            &[
                listing("r1", ListingKind::Review),
                listing("n1", ListingKind::New),
            ],
            &actions,
        );
        let csv = agenda_csv(&agenda, "OFFICIAL-SENSITIVE");
        let rows = lines(&csv);
        assert_eq!(
            rows[0],
            AGENDA_COLUMNS.map(|c| format!("\"{c}\"")).join(",")
        );
        assert_eq!(rows.len(), 4, "{csv}");
        assert!(rows[1].contains("\"1\",\"new\",\"REF-n1\""), "{}", rows[1]);
        assert!(
            rows[2].contains("\"2\",\"review\",\"REF-r1\""),
            "{}",
            rows[2]
        );
        assert!(rows[2].contains("\"'=cmd|"), "formula defused: {}", rows[2]);
        assert!(rows[3].contains("\"'@Call\""), "{}", rows[3]);
        assert!(
            rows[3].contains("\"yes\""),
            "due before the meeting: {}",
            rows[3]
        );
        assert!(rows
            .iter()
            .skip(1)
            .all(|r| r.starts_with("\"OFFICIAL-SENSITIVE\",")));
    }

    #[test]
    fn the_register_lists_every_action_by_reference_with_its_latest_update() {
        let mut a = action("a1", "c2", "Visit");
        a.record_update(
            &UpdateDraft {
                text: "-5 days behind".into(),
                date: Some(day("2027-01-20")),
                reported_by: "Housing".into(),
            },
            "bs-1",
            at("2027-01-20T10:00:00Z"),
            day("2027-01-20"),
        )
        .expect("valid");
        a.set_status(Status::Done, day("2027-01-21"));
        let actions = [a, action("b1", "c1", "Call")];
        let csv = register_csv(&actions, |case| format!("REF-{case}"), "OFFICIAL");
        let rows = lines(&csv);
        assert_eq!(rows.len(), 3);
        assert!(
            rows[1].starts_with("\"OFFICIAL\",\"REF-c1\",\"b1\""),
            "{}",
            rows[1]
        );
        assert!(
            rows[2].ends_with(
                "\"done\",\"2027-01-21\",\"1\",\"'-5 days behind\",\"2027-01-20\",\"Housing\""
            ),
            "{}",
            rows[2]
        );
    }
}
