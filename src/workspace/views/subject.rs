//! A subject access request: find the person, then everything held about them on one printable
//! page (every record of theirs the tracker holds, and every case those records are linked to,
//! with other people's answers withheld and listed), with a JSON copy. For an administrator,
//! who otherwise never reads a case.

use maud::{html, Markup};

use super::{case_body, page, CaseView, Chrome};
use crate::tracker::redact::{Redacted, MARKER};

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
    /// Each case, with the other people's answers withheld from it.
    pub cases: Vec<(CaseView<'a>, &'a [Redacted])>,
}

/// What was withheld from one case, said before its answers.
fn withheld(list: &[Redacted]) -> Markup {
    html! {
        @if !list.is_empty() {
            div.govuk-inset-text {
                p.govuk-body { "Withheld from this case, as other people's information (shown as " strong { (MARKER) } "):" }
                ul.govuk-list.govuk-list--bullet {
                    @for r in list {
                        li { (r.answers_in) " (" (r.role) "): " (r.answers) @if r.answers == 1 { " answer" } @else { " answers" } }
                    }
                }
            }
        }
    }
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
            p.govuk-body { "Other people each case names (perpetrators, associates, other victims) are withheld and listed with the case. Free-text answers may still name others: read them before sending." }
            @for (case, list) in &v.cases { section.app-sar-case { (case_body(case)) (withheld(list)) } }
        }
    };
    page(c, v.title, "/subject-access", main)
}
