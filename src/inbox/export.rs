//! Exports: one referral as JSON (everything, marked), and the list as CSV for admins with no
//! free text at all, so a spreadsheet of the caseload never carries a narrative or a name.

use chrono::NaiveDate;
use serde_json::json;

use super::deadline::Calendar;
use super::model::Referral;

/// The whole referral, with its marking and deadline, as one JSON document.
pub fn referral_json(r: &Referral, deadline: NaiveDate, marking: &str) -> serde_json::Value {
    json!({
        "protective_marking": marking,
        "kiosk": r.key.kiosk,
        "id": r.key.id,
        "sequence": r.sequence,
        "created_at": r.created_at.to_rfc3339(),
        "received_at": r.received_at.to_rfc3339(),
        "decision_deadline": deadline.to_string(),
        "submission": r.submission,
        "case": r.case,
    })
}

/// Quotes a CSV field, and defuses spreadsheet formulas (a field starting `=`, `+`, `-`, `@`).
fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    format!("\"{}\"", s.replace('"', "\"\""))
}

pub const CSV_COLUMNS: [&str; 13] = [
    "kiosk",
    "id",
    "sequence",
    "reference",
    "form",
    "presenting_la",
    "owning_la",
    "received",
    "deadline",
    "status",
    "decision",
    "decided_by",
    "decided_at",
];

/// Structured fields only: ids, dates, LAs chosen from the configured list, statuses.
pub fn csv(referrals: &[Referral], cal: &Calendar, marking: &str) -> String {
    let mut out = format!("{}\r\n", field(marking));
    out.push_str(&CSV_COLUMNS.join(","));
    out.push_str("\r\n");
    for r in referrals {
        let decision = r.case.decision.as_ref();
        let row = [
            r.key.kiosk.clone(),
            r.key.id.clone(),
            r.sequence.to_string(),
            r.submission.reference.clone(),
            r.submission.form.clone(),
            r.presenting_la().unwrap_or_default().to_string(),
            r.owning_la().unwrap_or_default().to_string(),
            r.received_at.date_naive().to_string(),
            cal.decision_deadline(r.received_at).to_string(),
            r.case.status.slug().to_string(),
            decision.map(|d| d.0.slug().to_string()).unwrap_or_default(),
            decision.map(|d| d.1.by.clone()).unwrap_or_default(),
            decision.map(|d| d.1.at.to_rfc3339()).unwrap_or_default(),
        ];
        let row: Vec<String> = row.iter().map(|s| field(s)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("a\"b"), "\"a\"\"b\"");
        assert_eq!(field("=HYPERLINK(1)"), "\"'=HYPERLINK(1)\"");
    }
}
