//! Exports: one referral as JSON (everything, marked), and the list as CSV for admins with no
//! free text at all, so a spreadsheet of the caseload never carries a narrative or a name.

use chrono::NaiveDate;
use serde_json::json;

use super::case::{Case, Flow};
use super::model::Referral;
use crate::csv::field;

/// The whole referral, with its marking, state and deadline, as one JSON document of plain
/// objects (named fields, never tuples), so that another system can read it without knowing
/// prem.
pub fn referral_json(r: &Referral, flow: &Flow, marking: &str) -> serde_json::Value {
    json!({
        "protective_marking": marking,
        "kiosk": r.key.kiosk,
        "id": r.key.id,
        "sequence": r.sequence,
        "created_at": r.created_at.to_rfc3339(),
        "received_at": r.received_at.to_rfc3339(),
        "state": flow.state_id(&r.case),
        "state_title": flow.state_title(&r.case),
        "deadline": flow.deadline(&r.case, r.created_at).map(|d| d.to_string()),
        "submission": r.submission,
        "history": history_json(&r.case),
    })
}

fn history_json(c: &Case) -> serde_json::Value {
    c.history
        .iter()
        .map(|s| {
            json!({
                "move": s.id,
                "title": s.title,
                "from": s.from,
                "to": s.to,
                "by": s.by,
                "role": s.role,
                "at": s.at.to_rfc3339(),
                "reason": s.reason,
                "answers": s.answers.iter().map(|(label, value)| json!({
                    "question": label,
                    "answer": value,
                })).collect::<Vec<_>>(),
            })
        })
        .collect()
}

pub const CSV_COLUMNS: [&str; 14] = [
    "protective_marking",
    "kiosk",
    "id",
    "sequence",
    "reference",
    "form",
    "presenting_authority",
    "owning_authority",
    "received",
    "deadline",
    "state",
    "last_move",
    "moved_by",
    "moved_at",
];

/// Structured fields only: ids, dates, LAs chosen from the configured list, states. The
/// header row comes first, so spreadsheets and scripts read it as they expect; the marking is a
/// column on every row (and in the file name), so it travels with any row copied out.
pub fn csv(
    referrals: &[Referral],
    forms: &crate::forms::FormSet,
    flow: impl Fn(&Referral) -> (String, Option<NaiveDate>),
    marking: &str,
) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push_str("\r\n");
    for r in referrals {
        let (state, deadline) = flow(r);
        let last = r.case.history.last();
        let row = [
            marking.to_string(),
            r.key.kiosk.clone(),
            r.key.id.clone(),
            r.sequence.to_string(),
            r.submission.reference.clone(),
            r.submission.form.clone(),
            r.presenting_authority(forms.get(&r.submission.form))
                .unwrap_or_default()
                .to_string(),
            r.owning_authority(forms.get(&r.submission.form))
                .unwrap_or_default()
                .to_string(),
            r.received_at.date_naive().to_string(),
            deadline.map(|d| d.to_string()).unwrap_or_default(),
            state,
            last.map(|s| s.id.clone()).unwrap_or_default(),
            last.map(|s| s.by.clone()).unwrap_or_default(),
            last.map(|s| s.at.to_rfc3339()).unwrap_or_default(),
        ];
        let row: Vec<String> = row.iter().map(|s| field(s)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The CSV's file name, carrying the marking: `referrals-OFFICIAL-SENSITIVE.csv`.
pub fn csv_file_name(marking: &str) -> String {
    let safe: String = marking
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("referrals-{}.csv", safe.trim_matches('-'))
}

/// The JSON export's file name: the reference, kept to letters, digits and hyphens.
pub fn json_file_name(r: &Referral) -> String {
    let safe =
        (r.submission.reference).replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "");
    format!("{safe}.json")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_csv_starts_with_its_header_and_carries_the_marking_on_every_row() {
        let text = super::csv(
            &[],
            &Default::default(),
            |_| (String::new(), None),
            "OFFICIAL-SENSITIVE",
        );
        assert!(text.starts_with("protective_marking,kiosk,id,"), "{text}");
        assert_eq!(
            super::csv_file_name("OFFICIAL-SENSITIVE"),
            "referrals-OFFICIAL-SENSITIVE.csv"
        );
    }
}
