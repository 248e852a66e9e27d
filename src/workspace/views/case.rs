//! One case: the referral's answers in the form's own order and wording, where the case stands
//! (its stage, what is due, who endorsed it), its whole history, and the moves this user may make
//! now; and its A4 print view for the meeting pack.

use chrono::NaiveDate;
use chrono_tz::Tz;
use maud::{html, Markup};

use super::{error_summary, page, title_for, Chrome, FieldError};
use crate::config::MoveConfig;
use crate::forms::{self, Form};
use crate::local_time;
use crate::workspace::case::Step;
use crate::workspace::model::Referral;

pub struct CaseView<'a> {
    pub referral: &'a Referral,
    /// The form definition, when this workspace still has it.
    pub form: Option<&'a Form>,
    /// The title of the stage the case is at.
    pub state: String,
    pub deadline: Option<NaiveDate>,
    pub overdue: bool,
    /// The moves this user may make now.
    pub moves: Vec<&'a MoveConfig>,
    pub can_export: bool,
    pub zone: Tz,
    /// Said above the page when a move sent from an older copy of it was refused (409).
    pub overtaken: Option<&'a str>,
    /// The people and places linked to it that this account may see: (label, role, page).
    pub people: Vec<(String, String, String)>,
    /// Its coded outcomes (for accounts with the tracker), oldest first.
    pub outcomes: Vec<crate::tracker::model::Outcome>,
    /// The codes an outcome may be recorded with, when this account may record one.
    pub outcome_codes: Option<&'a [String]>,
    /// A refused outcome: the field and what to fix.
    pub outcome_error: Option<(&'a str, &'a str)>,
    /// Links to add a person or a place to the case by hand, for those who may: (words, page).
    pub add_links: Vec<(&'static str, String)>,
    /// Its meetings, actions and minutes, for accounts that see meetings.
    pub meetings: Option<super::meetings_case::CaseMeetings>,
}

impl CaseView<'_> {
    /// `/cases/kiosk/id`: where the case's own pages hang.
    pub fn base(&self) -> String {
        format!("/cases/{}", self.referral.key.path())
    }
}

/// The answers, grouped by page, without the kiosk's change links.
fn answers(v: &CaseView) -> Markup {
    let s = &v.referral.submission;
    let Some(form) = v.form else {
        // No definition to give the wording: show the raw question ids rather than nothing.
        return html! {
            p.govuk-body { "This form is no longer defined here; answers are shown by question id." }
            dl.govuk-summary-list {
                @for (q, a) in &s.answers.values {
                    div.govuk-summary-list__row {
                        dt.govuk-summary-list__key { (q) }
                        dd.govuk-summary-list__value {
                            @match a {
                                forms::Value::One(text) => { (text) }
                                forms::Value::Many(list) => { (list.join(", ")) }
                            }
                        }
                    }
                }
            }
        };
    };
    let rows = forms::check_answers_rows(form, &s.answers);
    let mut sections: Vec<(&str, Vec<&forms::CheckRow>)> = Vec::new();
    for row in &rows {
        match sections.last_mut() {
            Some((p, list)) if *p == row.page => list.push(row),
            _ => sections.push((&row.page, vec![row])),
        }
    }
    html! {
        @if form.version != s.form_version {
            p.govuk-body { "Submitted on version " (s.form_version) " of this form; shown with the wording of version " (form.version) "." }
        }
        @for (_, section) in &sections {
            @if let Some(first) = section.first() { h3.govuk-heading-s { (first.section) } }
            dl.govuk-summary-list {
                @for row in section {
                    div.govuk-summary-list__row {
                        dt.govuk-summary-list__key { (row.key) }
                        dd.govuk-summary-list__value {
                            @for line in &row.value { p.govuk-body { (line) } }
                        }
                    }
                }
            }
        }
    }
}

fn step(s: &Step, zone: Tz) -> Markup {
    html! {
        li.app-history__step {
            h3.govuk-heading-s { (s.title) }
            p.govuk-body-s { "By " (s.by) " (" (s.role) ") on " (local_time::date_time(s.at, zone)) }
            p.govuk-body { (s.reason) }
            @if !s.answers.is_empty() {
                dl.govuk-summary-list.govuk-summary-list--no-border {
                    @for (q, a) in &s.answers {
                        div.govuk-summary-list__row {
                            dt.govuk-summary-list__key { (q) }
                            dd.govuk-summary-list__value { (a) }
                        }
                    }
                }
            }
        }
    }
}

/// Where the case stands and how it got there, newest step first.
fn standing(v: &CaseView) -> Markup {
    let c = &v.referral.case;
    html! {
        h2.govuk-heading-l id="case" { "Case" }
        dl.govuk-summary-list {
            div.govuk-summary-list__row { dt.govuk-summary-list__key { "Stage" } dd.govuk-summary-list__value { (v.state) } }
            @if let Some(d) = v.deadline {
                div.govuk-summary-list__row {
                    dt.govuk-summary-list__key { "Due by" }
                    dd.govuk-summary-list__value {
                        (d.format("%-d %B %Y"))
                        @if v.overdue { " " strong.govuk-tag.govuk-tag--red { "Overdue" } }
                    }
                }
            }
        }
        @if !v.people.is_empty() {
            h3.govuk-heading-m { "People and places" }
            ul.govuk-list {
                @for (label, role, href) in &v.people {
                    li { a.govuk-link href=(href) { (if label.is_empty() { "(no name given)" } else { label }) } " (" (role) ")" }
                }
            }
        }
        (outcomes(v))
        h3.govuk-heading-m { "History" }
        @if c.history.is_empty() {
            p.govuk-body { "Nothing has been done on this case yet." }
        } @else {
            ol.govuk-list.app-history reversed {
                @for s in c.history.iter().rev() { (step(s, v.zone)) }
            }
        }
    }
}

/// The case's coded outcomes, and the form to add one for those who may.
fn outcomes(v: &CaseView) -> Markup {
    html! {
        @if v.outcome_codes.is_some() || !v.outcomes.is_empty() {
            h3.govuk-heading-m { "Outcomes" }
            @if v.outcomes.is_empty() { p.govuk-body { "None recorded." } }
            ul.govuk-list {
                @for o in &v.outcomes {
                    li { strong { (o.code) } ", " (o.date.format("%-d %B %Y")) @if !o.note.is_empty() { ": " (o.note) } }
                }
            }
        }
    }
}

/// The form that records an outcome, for those who may.
fn outcome_form(c: &Chrome, v: &CaseView) -> Markup {
    let error = v.outcome_error;
    html! {
        @if let Some(codes) = v.outcome_codes {
            h2.govuk-heading-m { "Record an outcome" }
            form method="post" action={ (v.base()) "/outcomes" } novalidate {
                (super::csrf_field(&c.csrf))
                div.govuk-form-group {
                    label.govuk-label for="outcome-code" { "Outcome" }
                    select.govuk-select id="outcome-code" name="code" {
                        @for c in codes { option value=(c) { (c) } }
                    }
                }
                div.govuk-form-group.govuk-form-group--error[error.is_some()] {
                    fieldset.govuk-fieldset role="group" {
                        legend.govuk-fieldset__legend.govuk-fieldset__legend--s { "Date" }
                        @if let Some((_, m)) = error { p.govuk-error-message id="outcome-error" { span.govuk-visually-hidden { "Error:" } " " (m) } }
                        div.govuk-date-input {
                            @for (name, label, width) in [("outcome-day", "Day", 2), ("outcome-month", "Month", 2), ("outcome-year", "Year", 4)] {
                                div.govuk-date-input__item { div.govuk-form-group {
                                    label.govuk-label.govuk-date-input__label for=(name) { (label) }
                                    input class={ "govuk-input govuk-date-input__input govuk-input--width-" (width) } id=(name) name=(name) type="text" inputmode="numeric";
                                } }
                            }
                        }
                    }
                }
                div.govuk-form-group {
                    label.govuk-label for="outcome-note" { "Note (optional)" }
                    input.govuk-input id="outcome-note" name="note" type="text";
                }
                button.govuk-button.govuk-button--secondary type="submit" { "Record the outcome" }
            }
        }
    }
}

/// Adding a person or place the referral did not name, for those who may.
fn add_links(v: &CaseView) -> Markup {
    html! {
        @if !v.add_links.is_empty() {
            h2.govuk-heading-m { "Add a person or place to this case" }
            ul.govuk-list {
                @for (words, href) in &v.add_links { li { a.govuk-link href=(href) { (words) } } }
            }
        }
    }
}

/// The moves this user may make now, each a link to its own page; and the exports.
fn actions(v: &CaseView) -> Markup {
    let base = v.base();
    html! {
        @if !v.moves.is_empty() {
            h2.govuk-heading-m { "What you can do" }
            ul.govuk-list {
                @for m in &v.moves {
                    li { a.govuk-link href={ (base) "/moves/" (m.id) } { (m.title) } }
                }
            }
        }
        @if v.can_export {
            h2.govuk-heading-m { "Print or download" }
            ul.govuk-list {
                li { a.govuk-link href={ (base) "/print" } { "Print view (A4, for the meeting pack)" } }
                li { a.govuk-link href={ (base) "/export.json" } { "Download as JSON" } }
            }
        }
    }
}

pub fn heading(r: &Referral, form: Option<&Form>, zone: Tz) -> Markup {
    html! {
        span.govuk-caption-l { (r.submission.form_title) }
        h1.govuk-heading-xl {
            (r.submission.reference)
            @if r.urgent(form) { " " strong.govuk-tag.govuk-tag--red { "Urgent" } }
        }
        p.govuk-body {
            "Submitted " (local_time::date_time(r.created_at, zone)) "; received " (local_time::date_time(r.received_at, zone))
            " from kiosk " (r.key.kiosk) " (sequence " (r.sequence) ")."
        }
    }
}

pub fn case_page(c: &Chrome, v: &CaseView) -> Markup {
    let mut errors: Vec<FieldError> = (v.overtaken.iter())
        .map(|message| FieldError {
            field: "case",
            message,
        })
        .collect();
    errors.extend(
        v.outcome_error
            .map(|(field, message)| FieldError { field, message }),
    );
    errors.extend(v.meetings.iter().flat_map(|m| m.summary()));
    let main = html! {
        (error_summary(&errors))
        (heading(v.referral, v.form, v.zone))
        div.govuk-grid-row {
            div.govuk-grid-column-two-thirds {
                h2.govuk-heading-l { "Answers" }
                (answers(v))
            }
            div.govuk-grid-column-one-third { div.app-no-print { (actions(v)) (add_links(v)) (outcome_form(c, v)) } (standing(v)) }
        }
        @if let Some(m) = &v.meetings { (super::meetings_case::section(c, m)) }
    };
    page(
        c,
        &title_for(&v.referral.submission.reference, &errors),
        "/",
        main,
    )
}

/// A case as printed: heading, standing and history, and the answers.
pub fn case_body(v: &CaseView) -> Markup {
    html! {
        (heading(v.referral, v.form, v.zone))
        (standing(v))
        h2.govuk-heading-l { "Answers" }
        (answers(v))
    }
}

/// The print view: the same content without links to act, laid out for A4 by the print
/// stylesheet.
pub fn print_page(c: &Chrome, v: &CaseView) -> Markup {
    let main = html! {
        div.app-print-a4 { (case_body(v)) }
    };
    page(c, &v.referral.submission.reference, "/", main)
}
