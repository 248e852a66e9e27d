//! Exports: one referral as JSON (everything, marked), and the list as CSV for admins with no
//! free text at all, so a spreadsheet of the caseload never carries a narrative or a name.

use chrono::NaiveDate;
use serde_json::json;

use super::case::{Case, Signed, Stage};
use super::model::Referral;

/// The whole referral, with its marking and deadline, as one JSON document of plain objects
/// (named fields, never tuples), so that another system can read it without knowing prem.
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
        "case": case_json(&r.case),
    })
}

fn signed_json(s: &Signed) -> serde_json::Value {
    json!({ "by": s.by, "at": s.at.to_rfc3339(), "rationale": s.rationale })
}

fn stage_json(st: &Stage) -> serde_json::Value {
    json!({
        "deadline": st.deadline.to_string(),
        "outcome": st.outcome.as_ref().map(|(result, s)| json!({
            "result": result.slug(),
            "signed": signed_json(s),
        })),
    })
}

fn case_json(c: &Case) -> serde_json::Value {
    json!({
        "status": c.status.slug(),
        "decision": c.decision.as_ref().map(|(outcome, s)| json!({
            "outcome": outcome.slug(),
            "signed": signed_json(s),
        })),
        "corrections": c.corrections.iter().map(|(outcome, s)| json!({
            "outcome": outcome.slug(),
            "signed": signed_json(s),
        })).collect::<Vec<_>>(),
        "escalation_stages": [c.stage1.as_ref().map(stage_json), c.stage2.as_ref().map(stage_json)],
        "history": c.history.iter().map(|(status, s)| json!({
            "status": status.slug(),
            "signed": signed_json(s),
        })).collect::<Vec<_>>(),
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
    "status",
    "decision",
    "decided_by",
    "decided_at",
];

/// Structured fields only: ids, dates, LAs chosen from the configured list, statuses. The
/// header row comes first, so spreadsheets and scripts read it as they expect; the marking is a
/// column on every row (and in the file name), so it travels with any row copied out.
pub fn csv(
    referrals: &[Referral],
    forms: &crate::forms::FormSet,
    deadline: impl Fn(&Referral) -> NaiveDate,
    marking: &str,
) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push_str("\r\n");
    for r in referrals {
        let decision = r.case.decision.as_ref();
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
            deadline(r).to_string(),
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
    use super::field;

    #[test]
    fn the_csv_starts_with_its_header_and_carries_the_marking_on_every_row() {
        let text = super::csv(
            &[],
            &Default::default(),
            |_| chrono::NaiveDate::MIN,
            "OFFICIAL-SENSITIVE",
        );
        assert!(text.starts_with("protective_marking,kiosk,id,"), "{text}");
        assert_eq!(
            super::csv_file_name("OFFICIAL-SENSITIVE"),
            "referrals-OFFICIAL-SENSITIVE.csv"
        );
    }

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("a\"b"), "\"a\"\"b\"");
        assert_eq!(field("=HYPERLINK(1)"), "\"'=HYPERLINK(1)\"");
    }
}
