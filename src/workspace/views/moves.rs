//! One move's page: what the move means, its own questions (declared in `prem.toml`, like a
//! form's), and the reason every move asks for. Shown again with GOV.UK's error summary and
//! everything typed when a post is refused, and with the case as it now stands when someone
//! else's change got there first.

use chrono::NaiveDate;
use chrono_tz::Tz;
use maud::{html, Markup};

use super::{csrf_field, error_summary, page, title_for, Chrome, FieldError};
use crate::config::{FieldKind, MoveConfig, MoveField};
use crate::workspace::case::{self, Problem};
use crate::workspace::model::Referral;

pub struct MoveView<'a> {
    pub referral: &'a Referral,
    pub m: &'a MoveConfig,
    /// The title of the stage the case is at now.
    pub state: String,
    pub deadline: Option<NaiveDate>,
    /// The case's fingerprint, carried by the form so a move from an overtaken page is refused.
    pub seen: String,
    pub zone: Tz,
    /// What was typed, by field name, when a post is shown again.
    pub typed: &'a [(String, String)],
    pub errors: Vec<FieldError<'a>>,
}

impl MoveView<'_> {
    fn typed(&self, name: &str) -> &str {
        (self.typed.iter())
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    fn error(&self, id: &str) -> Option<&FieldError<'_>> {
        self.errors.iter().find(|e| e.field == id)
    }
}

/// Where an error about `field` takes the reader: the field, or a date's day box.
pub fn target(m: &MoveConfig, field: &str) -> String {
    match m.fields.iter().find(|f| f.id == field) {
        Some(f) if f.kind == FieldKind::Date => format!("{field}-day"),
        _ => field.to_string(),
    }
}

/// What a problem with `field` of `m` says, in GOV.UK's words for each kind of error.
pub fn message(m: &MoveConfig, field: &str, problem: Problem) -> String {
    let f = m.fields.iter().find(|f| f.id == field);
    let label = f.map_or(m.reason.trim_end_matches(" (required)"), |f| {
        f.label.as_str()
    });
    match (f.map(|f| f.kind), problem) {
        (None, Problem::Missing) => "Enter the reason for this step".to_string(),
        (Some(FieldKind::Confirm), Problem::Missing) => format!("Confirm: {label}"),
        (_, Problem::Missing) => format!("Enter {}", lower_first(label)),
        (_, Problem::TooLong) => format!("{label} must be 5000 characters or fewer"),
        (_, Problem::NotADate) => format!("{label} must be a real date, like 27 3 2026"),
        (_, Problem::AfterDeadline(d)) => format!(
            "{label} must be on or before {}, the deadline for this stage",
            d.format("%-d %B %Y")
        ),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        // Keep acronyms and names as written ("LA manager", "DCI").
        Some(first) if c.clone().next().is_some_and(|n| n.is_lowercase()) => {
            first.to_lowercase().chain(c).collect()
        }
        _ => s.to_string(),
    }
}

fn error_message(id: &str, error: Option<&FieldError>) -> Markup {
    html! {
        @if let Some(e) = error {
            p.govuk-error-message id=(id) { span.govuk-visually-hidden { "Error:" } " " (e.message) }
        }
    }
}

fn field(v: &MoveView, f: &MoveField) -> Markup {
    let target = target(v.m, &f.id);
    let error = v.error(&target);
    let error_id = format!("{}-error", f.id);
    let hint_id = format!("{}-hint", f.id);
    let described = [
        (!f.hint.is_empty()).then_some(hint_id.as_str()),
        error.map(|_| error_id.as_str()),
    ];
    let described = described
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let described = (!described.is_empty()).then_some(described);
    let hint = html! { @if !f.hint.is_empty() { div.govuk-hint id=(hint_id) { (f.hint) } } };
    let optional = if f.required { "" } else { " (optional)" };
    html! {
        div.govuk-form-group.govuk-form-group--error[error.is_some()] {
            @match f.kind {
                FieldKind::Line => {
                    label.govuk-label.govuk-label--s for=(f.id) { (f.label) (optional) }
                    (hint) (error_message(&error_id, error))
                    input.govuk-input.govuk-input--error[error.is_some()] id=(f.id) name=(f.id) type="text"
                        value=(v.typed(&f.id)) aria-describedby=[described.as_deref()];
                }
                FieldKind::Text => {
                    label.govuk-label.govuk-label--s for=(f.id) { (f.label) (optional) }
                    (hint) (error_message(&error_id, error))
                    textarea.govuk-textarea.govuk-textarea--error[error.is_some()] id=(f.id) name=(f.id) rows="4"
                        aria-describedby=[described.as_deref()] { (v.typed(&f.id)) }
                }
                FieldKind::Date => {
                    fieldset.govuk-fieldset role="group" aria-describedby=[described.as_deref()] {
                        legend.govuk-fieldset__legend.govuk-fieldset__legend--s { (f.label) (optional) }
                        (hint) (error_message(&error_id, error))
                        div.govuk-date-input {
                            @for (name, label, width) in date_boxes(&f.id) {
                                div.govuk-date-input__item { div.govuk-form-group {
                                    label.govuk-label.govuk-date-input__label for=(name) { (label) }
                                    input class={ "govuk-input govuk-date-input__input govuk-input--width-" (width) @if error.is_some() { " govuk-input--error" } }
                                        id=(name) name=(name) type="text" inputmode="numeric" value=(v.typed(&name));
                                } }
                            }
                        }
                    }
                }
                FieldKind::Confirm => {
                    (error_message(&error_id, error))
                    div.govuk-checkboxes.govuk-checkboxes--small {
                        div.govuk-checkboxes__item {
                            input.govuk-checkboxes__input id=(f.id) name=(f.id) type="checkbox" value="yes"
                                checked[v.typed(&f.id) == "yes"] aria-describedby=[described.as_deref()];
                            label.govuk-label.govuk-checkboxes__label for=(f.id) { (f.label) (optional) }
                        }
                    }
                    (hint)
                }
            }
        }
    }
}

fn date_boxes(id: &str) -> [(String, &'static str, u8); 3] {
    let [d, m, y] = case::date_parts(id);
    [(d, "Day", 2), (m, "Month", 2), (y, "Year", 4)]
}

fn reason(v: &MoveView) -> Markup {
    let error = v.error("reason");
    html! {
        div.govuk-form-group.govuk-form-group--error[error.is_some()] {
            label.govuk-label.govuk-label--s for="reason" { (v.m.reason) }
            (error_message("reason-error", error))
            textarea.govuk-textarea.govuk-textarea--error[error.is_some()] id="reason" name="reason" rows="5"
                maxlength="5000" aria-describedby=[error.map(|_| "reason-error")] { (v.typed("reason")) }
        }
    }
}

pub fn move_page(c: &Chrome, v: &MoveView) -> Markup {
    let r = v.referral;
    let base = format!("/cases/{}", r.key.path());
    let main = html! {
        (error_summary(&v.errors))
        span.govuk-caption-l { (r.submission.reference) " — " (r.submission.form_title) }
        h1.govuk-heading-xl { (v.m.title) }
        p.govuk-body {
            "This case is at: " strong { (v.state) }
            @if let Some(d) = v.deadline { ". Due by " (d.format("%-d %B %Y")) }
            "."
        }
        @if !v.m.hint.is_empty() { p.govuk-body { (v.m.hint) } }
        form method="post" action={ (base) "/moves/" (v.m.id) } novalidate {
            (csrf_field(&c.csrf))
            input type="hidden" name="seen" value=(v.seen);
            @for f in &v.m.fields { (field(v, f)) }
            (reason(v))
            div.govuk-button-group {
                button.govuk-button type="submit" { (v.m.title) }
                a.govuk-link href=(base) { "Cancel and go back to the case" }
            }
        }
    };
    page(c, &title_for(&v.m.title, &v.errors), "/", main)
}
