//! A case's part in the meeting cycle, on its own page: the meetings it is listed on and the
//! form to list it, its actions with their updates and the forms to agree, update and close
//! them, its minutes and the form to minute it, and its extraordinary meetings. A refused post
//! shows the case again with the error summary and what was typed in the form it came from.

use maud::{html, Markup};

use super::{csrf_field, Chrome, FieldError};
use crate::meetings::{Action, Minute, Status};

/// Everything the section shows; built by `workspace::web::meetings_case`.
#[derive(Default)]
pub struct CaseMeetings {
    /// `/cases/kiosk/id`
    pub base: String,
    /// Meetings it is listed on: (link, what the meeting is, new or review).
    pub listings: Vec<(String, String, &'static str)>,
    /// The meetings it may be listed on (id, label), when this account may list it.
    pub choices: Option<Vec<(String, String)>>,
    pub actions: Vec<Action>,
    pub can_act: bool,
    /// Meetings a minute may be for: (id, label).
    pub minute_meetings: Vec<(String, String)>,
    pub minutes: Vec<(String, Minute)>,
    /// The configured risk levels, as (value, words).
    pub risk_levels: Vec<(String, String)>,
    pub decisions: Vec<(String, String)>,
    pub can_request: bool,
    /// Its extraordinary meetings: (link, what it says).
    pub extraordinary: Vec<(String, String)>,
    /// The form a refused post came from, what was typed in it, and what was wrong.
    pub failed: Option<String>,
    pub typed: Vec<(String, String)>,
    pub errors: Vec<(String, String)>,
}

impl CaseMeetings {
    fn typed(&self, form: &str, name: &str) -> &str {
        if self.failed.as_deref() != Some(form) {
            return "";
        }
        (self.typed.iter())
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    fn error(&self, id: &str) -> Option<&str> {
        (self.errors.iter())
            .find(|(f, _)| f == id)
            .map(|(_, m)| m.as_str())
    }

    /// The errors for the page's summary.
    pub fn summary(&self) -> Vec<FieldError<'_>> {
        (self.errors.iter())
            .map(|(field, message)| FieldError { field, message })
            .collect()
    }
}

fn group(m: &CaseMeetings, id: &str, label: &str, input: Markup) -> Markup {
    let error = m.error(id);
    html! {
        div.govuk-form-group.govuk-form-group--error[error.is_some()] {
            label.govuk-label.govuk-label--s for=(id) { (label) }
            @if let Some(e) = error { p.govuk-error-message { span.govuk-visually-hidden { "Error:" } " " (e) } }
            (input)
        }
    }
}

fn text(m: &CaseMeetings, form: &str, name: &str, label: &str) -> Markup {
    let input =
        html! { input.govuk-input id=(name) name=(name) type="text" value=(m.typed(form, name)); };
    group(m, name, label, input)
}

fn area(m: &CaseMeetings, form: &str, name: &str, label: &str) -> Markup {
    let input =
        html! { textarea.govuk-textarea id=(name) name=(name) rows="3" { (m.typed(form, name)) } };
    group(m, name, label, input)
}

fn choose(
    m: &CaseMeetings,
    form: &str,
    name: &str,
    label: &str,
    options: &[(String, String)],
) -> Markup {
    let typed = m.typed(form, name);
    let input = html! {
        select.govuk-select id=(name) name=(name) {
            option value="" { "Choose" }
            @for (v, t) in options { option value=(v) selected[typed == v] { (t) } }
        }
    };
    group(m, name, label, input)
}

/// GOV.UK's date input: `{name}-day`, `-month`, `-year`; errors name `{name}-day`.
fn date(m: &CaseMeetings, form: &str, name: &str, label: &str) -> Markup {
    let day = format!("{name}-day");
    let error = m.error(&day);
    html! {
        div.govuk-form-group.govuk-form-group--error[error.is_some()] {
            fieldset.govuk-fieldset role="group" {
                legend.govuk-fieldset__legend.govuk-fieldset__legend--s { (label) }
                div.govuk-hint { "For example, 27 3 2027" }
                @if let Some(e) = error { p.govuk-error-message { span.govuk-visually-hidden { "Error:" } " " (e) } }
                div.govuk-date-input {
                    @for (part, words, width) in [("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4)] {
                        @let id = format!("{name}-{part}");
                        div.govuk-date-input__item { div.govuk-form-group {
                            label.govuk-label.govuk-date-input__label for=(id) { (words) }
                            input class={ "govuk-input govuk-date-input__input govuk-input--width-" (width) } id=(id) name=(id) type="text" inputmode="numeric" value=(m.typed(form, &id));
                        } }
                    }
                }
            }
        }
    }
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Open => "Open",
        Status::Done => "Done",
        Status::Dropped => "Dropped",
    }
}

fn action(c: &Chrome, m: &CaseMeetings, a: &Action) -> Markup {
    let form = format!("update-{}", a.id);
    let base = format!("{}/actions/{}", m.base, a.id);
    html! {
        div.govuk-summary-card {
            div.govuk-summary-card__title-wrapper {
                h4.govuk-summary-card__title { (a.text) " " strong.govuk-tag.govuk-tag--grey { (status_word(a.status)) } }
            }
            div.govuk-summary-card__content {
                p.govuk-body { "Owner: " (a.owner_agency) ", " (a.owner_role) ". Due " (a.due.format("%-d %B %Y")) ". Agreed " (a.agreed_on.format("%-d %B %Y")) "." }
                @if a.updates.is_empty() { p.govuk-body { "No updates yet." } }
                ul.govuk-list {
                    @for u in &a.updates {
                        li { (u.date.format("%-d %B %Y")) ", from " (u.reported_by) ": " (u.text) }
                    }
                }
                @if m.can_act {
                    details.govuk-details.app-no-print open[m.failed.as_deref() == Some(form.as_str())] {
                        summary.govuk-details__summary { span.govuk-details__summary-text { "Record an update" } }
                        div.govuk-details__text {
                            form method="post" action={ (base) "/updates" } novalidate {
                                (csrf_field(&c.csrf))
                                (area(m, &form, &format!("{form}-text"), "What was reported"))
                                (date(m, &form, &format!("{form}-date"), "When it was reported"))
                                (text(m, &form, &format!("{form}-reported_by"), "Who reported it (agency or role)"))
                                button.govuk-button.govuk-button--secondary type="submit" { "Record the update" }
                            }
                        }
                    }
                    div.govuk-button-group.app-no-print {
                        @let choices: &[(&str, &str)] = if a.is_open() { &[("done", "Mark done"), ("dropped", "Drop it")] } else { &[("open", "Open it again")] };
                        @for (value, words) in choices {
                            form method="post" action={ (base) "/status" } {
                                (csrf_field(&c.csrf))
                                input type="hidden" name="status" value=(value);
                                button.govuk-button.govuk-button--secondary type="submit" { (words) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// How a case may come to a meeting.
fn kinds() -> [(String, String); 2] {
    [("new", "A new case"), ("review", "A review")].map(|(v, t)| (v.to_string(), t.to_string()))
}

/// The meetings section of a case page.
pub fn section(c: &Chrome, m: &CaseMeetings) -> Markup {
    html! {
        h2.govuk-heading-l id="meetings" { "Meetings and actions" }
        @if m.listings.is_empty() { p.govuk-body { "Not listed for any meeting." } }
        ul.govuk-list {
            @for (href, what, kind) in &m.listings { li { a.govuk-link href=(href) { (what) } " (" (kind) ")" } }
        }
        @if let Some(choices) = &m.choices {
            form.app-no-print method="post" action={ (m.base) "/listing" } novalidate {
                (csrf_field(&c.csrf))
                (choose(m, "listing", "listing-meeting", "List for a meeting (the first is the next one hearing this case)", choices))
                (choose(m, "listing", "listing-kind", "As", &kinds()))
                button.govuk-button.govuk-button--secondary type="submit" { "List the case" }
            }
        }
        @for (href, what) in &m.extraordinary { p.govuk-body { a.govuk-link href=(href) { (what) } } }
        @if m.can_request {
            form.app-no-print method="post" action={ (m.base) "/extraordinary" } {
                (csrf_field(&c.csrf))
                p.govuk-body { "If a significant risk of harm cannot wait for the next meeting, ask the chair for an extraordinary meeting. The chair is told at once." }
                button.govuk-button.govuk-button--warning type="submit" { "Request an extraordinary meeting" }
            }
        }
        h3.govuk-heading-m { "Actions" }
        @if m.actions.is_empty() { p.govuk-body { "No actions agreed." } }
        @for a in &m.actions { (action(c, m, a)) }
        @if m.can_act {
            h3.govuk-heading-m.app-no-print { "Agree an action" }
            form.app-no-print method="post" action={ (m.base) "/actions" } novalidate {
                (csrf_field(&c.csrf))
                p.govuk-body { "Specific, measurable, agreed, realistic and time-based: an action needs an owning agency and role, and a due date." }
                (area(m, "action", "action-text", "The action"))
                (text(m, "action", "action-owner_agency", "Owning agency"))
                (text(m, "action", "action-owner_role", "Owning role"))
                (date(m, "action", "action-due", "Due by"))
                (choose(m, "action", "action-meeting", "Agreed at (optional)", &m.minute_meetings))
                button.govuk-button.govuk-button--secondary type="submit" { "Agree the action" }
            }
        }
        h3.govuk-heading-m { "Minutes" }
        @if m.minutes.is_empty() { p.govuk-body { "No minutes recorded." } }
        @for (meeting, minute) in &m.minutes {
            div.govuk-inset-text {
                p.govuk-body { strong { (meeting) } ": risk " (minute.risk_level) ", decision " (minute.decision)
                    @if let Some(d) = minute.next_review { ", next review " (d.format("%-d %B %Y")) } "." }
                p.govuk-body { (minute.summary) }
            }
        }
        @if m.can_act && !m.minute_meetings.is_empty() {
            h3.govuk-heading-m.app-no-print { "Minute this case" }
            form.app-no-print method="post" action={ (m.base) "/minutes" } novalidate {
                (csrf_field(&c.csrf))
                (choose(m, "minute", "minute-meeting", "Meeting", &m.minute_meetings))
                (area(m, "minute", "minute-summary", "Summary of the discussion"))
                (choose(m, "minute", "minute-risk_level", "Risk level", &m.risk_levels))
                (choose(m, "minute", "minute-decision", "Decision", &m.decisions))
                (date(m, "minute", "minute-next_review", "Next review (the case is listed for the first meeting on or after it)"))
                button.govuk-button.govuk-button--secondary type="submit" { "Record the minute" }
            }
        }
    }
}
