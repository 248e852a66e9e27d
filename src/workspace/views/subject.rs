//! A subject access request: find the person, then everything held about them on one printable
//! page (every record of theirs the tracker holds, and every case those records are linked to,
//! in full), with a JSON copy. For an administrator, who otherwise never reads a case.

use maud::{html, Markup};

use super::{case_body, page, CaseView, Chrome};

/// One person found: their name, how many records, the page.
pub struct Candidate {
    pub label: String,
    pub href: String,
}

pub fn find_page(c: &Chrome, q: &str, found: Option<&[Candidate]>) -> Markup {
    let main = html! {
        h1.govuk-heading-xl { "Subject access request" }
        p.govuk-body { "Find the person the request is about. What is held about them is then shown on one page to print, and as a JSON file. Both are recorded in the audit trail." }
        form method="get" action="/subject-access" {
            div.govuk-form-group {
                label.govuk-label for="q" { "Their name, an alias or their date of birth" }
                input.govuk-input id="q" name="q" type="search" value=(q);
            }
            button.govuk-button type="submit" { "Find" }
        }
        @if let Some(found) = found {
            @if found.is_empty() { p.govuk-body { "No one held matches." } }
            ul.govuk-list {
                @for f in found { li { a.govuk-link href=(f.href) { (f.label) } } }
            }
        }
    };
    page(c, "Subject access request", "/subject-access", main)
}

pub struct HeldView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// Each of the person's records: its rows of what is known.
    pub records: Vec<Vec<(&'static str, String)>>,
    pub cases: Vec<CaseView<'a>>,
}

pub fn held_page(c: &Chrome, v: &HeldView) -> Markup {
    let main = html! {
        div.app-print-a4 {
            span.govuk-caption-l { "Subject access request" }
            h1.govuk-heading-xl { "Everything held about " (v.title) }
            p.govuk-body.app-no-print { a.govuk-link href={ "/subject-access/" (v.id) ".json" } { "Download as JSON" } }
            h2.govuk-heading-l { "Their records in the tracker" }
            @for rows in &v.records {
                dl.govuk-summary-list {
                    @for (k, value) in rows {
                        div.govuk-summary-list__row { dt.govuk-summary-list__key { (k) } dd.govuk-summary-list__value { (value) } }
                    }
                }
            }
            h2.govuk-heading-l { "Cases naming them (" (v.cases.len()) ")" }
            @for case in &v.cases { section.app-sar-case { (case_body(case)) } }
        }
    };
    page(c, v.title, "/subject-access", main)
}
