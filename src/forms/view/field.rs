//! One question in GOV.UK Frontend markup. Ids follow GOV.UK's conventions
//! (`x-hint`, `x-error`, `x-day`, the first option's id is the field name and
//! the others `x-2`, `x-3`, ...) so the error summary's links land on the
//! first input. Radios never carry `aria-expanded`/`aria-controls`: nothing is
//! revealed in place (govuk-frontend#979).

use chrono::NaiveDate;
use maud::{html, Markup};

use crate::forms::answers::FieldValues;
use crate::forms::model::{Choice, Kind, Question};
use crate::forms::validate::FieldError;

pub(super) fn field(
    q: &Question,
    name: &str,
    values: &FieldValues,
    error: Option<&FieldError>,
    (heading, today): (bool, NaiveDate),
) -> Markup {
    let group = match error {
        Some(_) => "govuk-form-group govuk-form-group--error",
        None => "govuk-form-group",
    };
    let f = Field {
        q,
        name,
        values,
        error,
        heading,
        date_hint: match &q.kind {
            Kind::Date(rules) => {
                format!("For example, {}", rules.example(today).format("%-d %-m %Y"))
            }
            _ => String::new(),
        },
    };
    html! {
        div class=(group) {
            @match &q.kind {
                Kind::Textarea(_) => (f.textarea()),
                Kind::Date(_) => (f.date()),
                Kind::Radios(c) => (f.choices(c, "radios", "radio", false)),
                Kind::YesNo(c) => (f.choices(c, "radios", "radio", true)),
                Kind::Checkboxes(c) => (f.choices(c, "checkboxes", "checkbox", false)),
                Kind::Select(c) => (f.select(c)),
                _ => (f.input()),
            }
        }
    }
}

struct Field<'a> {
    q: &'a Question,
    name: &'a str,
    values: &'a FieldValues,
    error: Option<&'a FieldError>,
    heading: bool,
    /// "For example, 27 3 2011": a date the question accepts today.
    date_hint: String,
}

impl Field<'_> {
    fn hint(&self) -> Option<&str> {
        match (&self.q.hint, &self.q.kind) {
            (Some(hint), _) => Some(hint),
            (None, Kind::Date(_)) => Some(&self.date_hint),
            (None, _) => None,
        }
    }

    fn described_by(&self) -> Option<String> {
        let mut ids = Vec::new();
        if self.hint().is_some() {
            ids.push(format!("{}-hint", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.name));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }

    /// Hint, guidance links and error message, in GOV.UK's order.
    fn notes(&self) -> Markup {
        html! {
            @if let Some(hint) = self.hint() {
                div class="govuk-hint" id={ (self.name) "-hint" } { (hint) }
            }
            @for g in &self.q.guidance {
                p class="govuk-body-s" {
                    a class="govuk-link" href=(g.href) target="_blank" rel="noreferrer noopener" {
                        (g.label) " (opens in new tab)"
                    }
                }
            }
            @if let Some(e) = self.error {
                p class="govuk-error-message" id={ (self.name) "-error" } {
                    span class="govuk-visually-hidden" { "Error:" } " " (e.message)
                }
            }
        }
    }

    fn label(&self) -> Markup {
        html! {
            @if self.heading {
                h1 class="govuk-label-wrapper" {
                    label class="govuk-label govuk-label--l" for=(self.name) { (self.q.label) }
                }
            } @else {
                label class="govuk-label govuk-label--s" for=(self.name) { (self.q.label) }
            }
        }
    }

    fn legend(&self) -> Markup {
        html! {
            @if self.heading {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--l" {
                    h1 class="govuk-fieldset__heading" { (self.q.label) }
                }
            } @else {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (self.q.label) }
            }
        }
    }

    fn input(&self) -> Markup {
        let (kind, width) = match self.q.kind {
            Kind::Email(_) => ("email", ""),
            Kind::Phone(_) => ("tel", " govuk-input--width-20"),
            Kind::Number(_) => ("text", " govuk-input--width-5"),
            _ => ("text", ""),
        };
        let error = if self.error.is_some() {
            " govuk-input--error"
        } else {
            ""
        };
        let numeric = matches!(self.q.kind, Kind::Number(_)).then_some("numeric");
        let email = matches!(self.q.kind, Kind::Email(_));
        html! {
            (self.label())
            (self.notes())
            input class={ "govuk-input" (width) (error) } id=(self.name) name=(self.name)
                type=(kind) value=(self.values.get(self.name).unwrap_or_default())
                inputmode=[numeric] autocomplete=[self.q.autocomplete.as_deref()]
                spellcheck=[email.then_some("false")] aria-describedby=[self.described_by()];
        }
    }

    fn textarea(&self) -> Markup {
        let error = if self.error.is_some() {
            " govuk-textarea--error"
        } else {
            ""
        };
        html! {
            (self.label())
            (self.notes())
            textarea class={ "govuk-textarea" (error) } id=(self.name) name=(self.name) rows="5"
                aria-describedby=[self.described_by()] {
                (self.values.get(self.name).unwrap_or_default())
            }
        }
    }

    fn date(&self) -> Markup {
        let parts = [
            ("day", "Day", 2),
            ("month", "Month", 2),
            ("year", "Year", 4),
        ];
        html! {
            fieldset class="govuk-fieldset" role="group" aria-describedby=[self.described_by()] {
                (self.legend())
                (self.notes())
                div class="govuk-date-input" id=(self.name) {
                    @for (part, label, width) in parts {
                        @let id = format!("{}-{part}", self.name);
                        @let error = self.error.is_some_and(|e| e.parts.is_empty() || e.parts.contains(&part));
                        div class="govuk-date-input__item" {
                            div class="govuk-form-group" {
                                label class="govuk-label govuk-date-input__label" for=(id) { (label) }
                                input class={
                                    "govuk-input govuk-date-input__input govuk-input--width-" (width)
                                    @if error { " govuk-input--error" }
                                } id=(id) name=(id) type="text" inputmode="numeric"
                                    value=(self.values.get(&id).unwrap_or_default());
                            }
                        }
                    }
                }
            }
        }
    }

    /// Radios and checkboxes share GOV.UK's markup bar the `kind` prefix.
    fn choices(&self, choices: &[Choice], kind: &str, input: &str, inline: bool) -> Markup {
        let picked = self.values.all(self.name);
        html! {
            fieldset class="govuk-fieldset" aria-describedby=[self.described_by()] {
                (self.legend())
                (self.notes())
                div class={ "govuk-" (kind) @if inline { " govuk-" (kind) "--inline" } } {
                    @for (i, c) in choices.iter().enumerate() {
                        @let id = option_id(self.name, i);
                        @let hint_id = format!("{id}-item-hint");
                        div class={ "govuk-" (kind) "__item" } {
                            input class={ "govuk-" (kind) "__input" } id=(id) name=(self.name)
                                type=(input) value=(c.value) checked[picked.contains(&c.value)]
                                aria-describedby=[c.hint.as_ref().map(|_| &hint_id)];
                            label class={ "govuk-label govuk-" (kind) "__label" } for=(id) { (c.label) }
                            @if let Some(hint) = &c.hint {
                                div class={ "govuk-hint govuk-" (kind) "__hint" } id=(hint_id) { (hint) }
                            }
                        }
                    }
                }
            }
        }
    }

    fn select(&self, choices: &[Choice]) -> Markup {
        let picked = self.values.get(self.name).unwrap_or_default();
        let error = if self.error.is_some() {
            " govuk-select--error"
        } else {
            ""
        };
        html! {
            (self.label())
            (self.notes())
            select class={ "govuk-select" (error) } id=(self.name) name=(self.name)
                aria-describedby=[self.described_by()] {
                option value="" { "Choose an option" }
                @for c in choices {
                    option value=(c.value) selected[picked == c.value] { (c.label) }
                }
            }
        }
    }
}

/// The first option's id is the field name itself, so error links land on it.
pub(super) fn option_id(name: &str, index: usize) -> String {
    match index {
        0 => name.to_owned(),
        i => format!("{name}-{}", i + 1),
    }
}
