//! An extraordinary meeting's page: when it was asked for and must be held by, the form that
//! records it once convened (who came, what was decided, the actions with their agency and
//! timescale, the lessons learned), and its action plan, printable like a meeting pack.

use maud::{html, Markup};

use super::{csrf_field, error_summary, page, title_for, Chrome, FieldError};
use crate::meetings::{Action, Convened};

pub struct ExtraView<'a> {
    pub id: &'a str,
    pub reference: &'a str,
    pub case_href: String,
    pub requested: String,
    pub deadline: String,
    pub overdue: bool,
    /// (when it was held, what it recorded)
    pub convened: Option<(String, &'a Convened)>,
    pub can_convene: bool,
    /// Where the case goes next for review, once convened.
    pub next: Option<String>,
    pub typed: &'a [(String, String)],
    pub errors: Vec<(String, String)>,
}

/// How many action rows the form offers; rows left empty are ignored.
pub const ACTION_ROWS: usize = 3;

impl ExtraView<'_> {
    fn typed(&self, name: &str) -> &str {
        (self.typed.iter())
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    fn error(&self, id: &str) -> Option<&str> {
        (self.errors.iter())
            .find(|(f, _)| f == id)
            .map(|(_, m)| m.as_str())
    }

    fn field(&self, id: &str, label: &str, hint: &str, input: Markup) -> Markup {
        let error = self.error(id);
        html! {
            div.govuk-form-group.govuk-form-group--error[error.is_some()] {
                label.govuk-label.govuk-label--s for=(id) { (label) }
                @if !hint.is_empty() { div.govuk-hint { (hint) } }
                @if let Some(e) = error { p.govuk-error-message { span.govuk-visually-hidden { "Error:" } " " (e) } }
                (input)
            }
        }
    }

    fn line(&self, id: &str, label: &str, hint: &str) -> Markup {
        self.field(
            id,
            label,
            hint,
            html! { input.govuk-input id=(id) name=(id) type="text" value=(self.typed(id)); },
        )
    }

    fn area(&self, id: &str, label: &str, hint: &str) -> Markup {
        self.field(
            id,
            label,
            hint,
            html! { textarea.govuk-textarea id=(id) name=(id) rows="4" { (self.typed(id)) } },
        )
    }
}

/// The actions agreed, as a table.
pub fn actions_table(actions: &[Action]) -> Markup {
    html! {
        table.govuk-table {
            thead.govuk-table__head { tr.govuk-table__row {
                @for h in ["Action", "Responsible agency", "Role", "By"] { th.govuk-table__header scope="col" { (h) } }
            } }
            tbody.govuk-table__body {
                @for a in actions {
                    tr.govuk-table__row {
                        td.govuk-table__cell { (a.text) }
                        td.govuk-table__cell { (a.owner_agency) }
                        td.govuk-table__cell { (a.owner_role) }
                        td.govuk-table__cell.app-nowrap { (a.due.format("%-d %B %Y")) }
                    }
                }
            }
        }
    }
}

/// What a convened meeting recorded (the plan's body).
pub fn record(at: &str, c: &Convened) -> Markup {
    html! {
        p.govuk-body { "Held " (at) "." }
        h2.govuk-heading-m { "Who attended" }
        ul.govuk-list.govuk-list--bullet { @for a in &c.attendees { li { (a.agency) ", " (a.role) } } }
        h2.govuk-heading-m { "Decisions" }
        ul.govuk-list.govuk-list--bullet { @for d in &c.decisions { li { (d) } } }
        h2.govuk-heading-m { "Actions" }
        @if c.actions.is_empty() { p.govuk-body { "None." } } @else { (actions_table(&c.actions)) }
        h2.govuk-heading-m { "Lessons learned" }
        p.govuk-body { @if c.lessons.is_empty() { "None recorded." } @else { (c.lessons) } }
    }
}

fn convene_form(c: &Chrome, v: &ExtraView) -> Markup {
    html! {
        h2.govuk-heading-l { "Record the meeting" }
        form method="post" action={ "/extraordinary/" (v.id) } novalidate {
            (csrf_field(&c.csrf))
            (v.line("held-date", "The day it was held", "For example, 27/3/2027"))
            (v.line("held-time", "The time it started", "For example, 14:30"))
            (v.area("attendees", "Who attended", "One a line: agency, then role. For example: Police, Detective Inspector"))
            (v.area("decisions", "Decisions", "One a line"))
            @for n in 1..=ACTION_ROWS {
                fieldset.govuk-fieldset {
                    legend.govuk-fieldset__legend.govuk-fieldset__legend--s { "Action " (n) " (leave empty if none)" }
                    (v.line(&format!("action{n}-text"), "The action", ""))
                    (v.line(&format!("action{n}-owner_agency"), "Responsible agency", ""))
                    (v.line(&format!("action{n}-owner_role"), "Role", ""))
                    (v.line(&format!("action{n}-due"), "Timescale: done by", "For example, 27/3/2027"))
                }
            }
            (v.area("lessons", "Lessons learned (optional)", ""))
            button.govuk-button type="submit" { "Record the meeting" }
        }
    }
}

pub fn extra_page(c: &Chrome, v: &ExtraView) -> Markup {
    let errors: Vec<FieldError> = (v.errors.iter())
        .map(|(field, message)| FieldError { field, message })
        .collect();
    let title = format!("Extraordinary meeting for {}", v.reference);
    let main = html! {
        (error_summary(&errors))
        h1.govuk-heading-xl { "Extraordinary meeting" }
        p.govuk-body { "For case " a.govuk-link href=(v.case_href) { (v.reference) } ". Requested " (v.requested) "." }
        p.govuk-body {
            "To be held by " strong { (v.deadline) } "."
            @if v.overdue { " " strong.govuk-tag.govuk-tag--red { "Overdue" } }
        }
        @match &v.convened {
            Some((at, record_of)) => {
                (record(at, record_of))
                @if let Some(next) = &v.next { p.govuk-body { "The case is listed for review at " (next) "." } }
                p.govuk-body.app-no-print { a.govuk-link href={ "/extraordinary/" (v.id) "/plan" } { "The action plan, to print and circulate" } }
            }
            None => { @if v.can_convene { (convene_form(c, v)) } }
        }
    };
    page(c, &title_for(&title, &errors), "/meetings", main)
}

pub fn plan_page(c: &Chrome, reference: &str, at: &str, record_of: &Convened) -> Markup {
    let main = html! {
        div.app-print-a4 {
            section.app-pack-case {
                h1.govuk-heading-xl { "Action plan: extraordinary meeting for " (reference) }
                (record(at, record_of))
            }
        }
    };
    page(
        c,
        &format!("Action plan for {reference}"),
        "/meetings",
        main,
    )
}
