//! Body fragments for the kiosk in GOV.UK Frontend markup; the kiosk wraps
//! them in the site layout with the protective-marking banner. Views are pure
//! functions of borrowed data, and every value is spliced escaped: nothing
//! here uses `PreEscaped`, so an answer can never become markup.
//!
//! Form intros are plain paragraphs (blank-line separated, `- ` lines make a
//! bullet list) rather than Markdown: the Markdown renderer is the one place
//! allowed to produce trusted HTML, and form text needs no more than this.

mod field;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use maud::{html, Markup};

use super::answers::{field_name, Answers, FieldValues};
use super::flow::{check_answers_rows, visible_questions};
use super::model::{Form, Page, Question, Repeat};
use super::route::change_href;
use super::validate::{FieldError, PageErrors};

/// Plain text as GOV.UK paragraphs and bullet lists: blocks are separated
/// by blank lines, and within a block each run of `- ` lines is a list, so
/// "You will need:" followed by items renders as a lead-in and a list.
pub fn paragraphs(text: &str) -> Markup {
    let blocks = text.split("\n\n").map(str::trim).filter(|b| !b.is_empty());
    let runs = blocks.flat_map(|block| {
        let mut runs: Vec<(bool, Vec<&str>)> = Vec::new();
        for line in block.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let item = line.strip_prefix("- ");
            match (runs.last_mut(), item) {
                (Some((true, items)), Some(item)) => items.push(item),
                (Some((false, words)), None) => words.push(line),
                (_, Some(item)) => runs.push((true, vec![item])),
                (_, None) => runs.push((false, vec![line])),
            }
        }
        runs
    });
    html! {
        @for (list, lines) in runs {
            @if list {
                ul class="govuk-list govuk-list--bullet" {
                    @for item in &lines { li { (item) } }
                }
            } @else {
                p class="govuk-body" { (lines.join(" ")) }
            }
        }
    }
}

/// The error summary at the top of a page, each message linking to its
/// field; empty when there are no errors.
pub fn error_summary(errors: &[FieldError]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div class="govuk-error-summary" data-module="govuk-error-summary" {
                div role="alert" {
                    h2 class="govuk-error-summary__title" { "There is a problem" }
                    div class="govuk-error-summary__body" {
                        ul class="govuk-list govuk-error-summary__list" {
                            @for e in errors {
                                li { a href={ "#" (e.target) } { (e.summary) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One question as a form group. `field` is the question id, or its
/// per-item name on a repeat page (`perp_name-2`).
pub fn question(
    q: &Question,
    field: &str,
    values: &FieldValues,
    error: Option<&FieldError>,
    today: NaiveDate,
) -> Markup {
    field::field(q, field, values, error, (false, today))
}

/// One page of a form as it is about to be shown: the answers so far, and
/// what was typed and what was wrong with it when the page is shown again.
pub struct Step<'a> {
    pub form: &'a Form,
    pub page: &'a Page,
    pub answers: &'a Answers,
    pub values: FieldValues,
    pub errors: Vec<FieldError>,
}

impl<'a> Step<'a> {
    /// The page as the answers so far fill it in.
    pub fn fresh(form: &'a Form, page: &'a Page, answers: &'a Answers) -> Self {
        let values = FieldValues::from_answers(page, answers);
        Step {
            form,
            page,
            answers,
            values,
            errors: Vec::new(),
        }
    }

    /// The page shown again after a post with errors, keeping what was typed.
    pub fn again(form: &'a Form, page: &'a Page, answers: &'a Answers, e: PageErrors) -> Self {
        Step {
            form,
            page,
            answers,
            values: e.values,
            errors: e.errors,
        }
    }
}

/// A whole page: error summary, heading, the questions (those the answers so
/// far show), the hidden CSRF field and the buttons. A page with a single
/// question and no intro uses the question as its heading, as GOV.UK does.
/// `today` (in the kiosk's zone) dates the examples in date hints.
pub fn page_form(step: &Step<'_>, csrf_token: &str, action: &str, today: NaiveDate) -> Markup {
    let (form, page, answers) = (step.form, step.page, step.answers);
    let (values, errors) = (&step.values, &step.errors[..]);
    let questions = visible_questions(form, page, answers);
    let single = page.repeat.is_none() && page.intro.is_none() && questions.len() == 1;
    let error_for = |field: &str| errors.iter().find(|e| e.field == field);
    html! {
        (error_summary(errors))
        span class="govuk-caption-l" { (form.title) }
        @if !single {
            h1 class="govuk-heading-l" { (page.title) }
        }
        @if let Some(intro) = &page.intro {
            (paragraphs(intro))
        }
        form method="post" action=(action) novalidate {
            input type="hidden" name="csrf" value=(csrf_token);
            @match &page.repeat {
                None => {
                    @for q in &questions {
                        (field::field(q, &q.id, values, error_for(&q.id), (single, today)))
                    }
                    button type="submit" class="govuk-button" data-module="govuk-button"
                        name="action" value="continue" { "Continue" }
                }
                Some(repeat) => (repeat_items(repeat, &questions, values, errors, today)),
            }
        }
    }
}

/// Saved items, each with a "Remove" tick box, then a blank item and "Save
/// and add another" while there is room. Without JavaScript this is how
/// "add another" works: every press saves and shows the page again. The
/// add button comes first, so pressing Enter saves rather than leaves.
fn repeat_items(
    repeat: &Repeat,
    questions: &[&Question],
    values: &FieldValues,
    errors: &[FieldError],
    today: NaiveDate,
) -> Markup {
    let item_name = repeat.item_label.to_lowercase();
    let slots = if values.items < repeat.max {
        values.items + 1
    } else {
        values.items
    };
    html! {
        @for n in 1..=slots {
            fieldset class="govuk-fieldset" {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--m" {
                    (repeat.item_label) " " (n)
                }
                @if n > values.items && repeat.min < n {
                    div class="govuk-hint" { "Leave this blank if there is nothing more to add." }
                }
                @for q in questions {
                    @let field = field_name(&q.id, Some(n));
                    (field::field(q, &field, values, errors.iter().find(|e| e.field == field), (false, today)))
                }
                @if n <= values.items {
                    div class="govuk-form-group" {
                        div class="govuk-checkboxes govuk-checkboxes--small" {
                            div class="govuk-checkboxes__item" {
                                input class="govuk-checkboxes__input" id={ "remove-" (n) }
                                    name="remove" type="checkbox" value=(n);
                                label class="govuk-label govuk-checkboxes__label" for={ "remove-" (n) } {
                                    "Remove " (item_name) " " (n)
                                }
                            }
                        }
                    }
                }
            }
        }
        @if values.items < repeat.max {
            button type="submit" class="govuk-button govuk-button--secondary"
                data-module="govuk-button" name="action" value="add" {
                "Save and add another " (item_name)
            }
        } @else {
            div class="govuk-inset-text" {
                "You have added " (repeat.max) " " (repeat.item_plural) ", the most this form takes."
            }
        }
        div class="govuk-button-group" {
            button type="submit" class="govuk-button" data-module="govuk-button"
                name="action" value="continue" { "Continue" }
        }
    }
}

/// "Check your answers": a summary list per page, each row with a change
/// link naming what it changes for screen-reader users. The name keeps the
/// label's case: lowercasing it ("change is the child placed outside the
/// northumbria police area?") makes screen readers misread proper nouns.
pub fn check_answers(form: &Form, answers: &Answers) -> Markup {
    summary(form, answers, true)
}

/// The referrer's copy of what was sent, for the confirmation page: the
/// same rows as "Check your answers" without the change links.
pub fn answers_copy(form: &Form, answers: &Answers) -> Markup {
    summary(form, answers, false)
}

fn summary(form: &Form, answers: &Answers, change: bool) -> Markup {
    let rows = check_answers_rows(form, answers);
    let mut sections: Vec<(&str, Vec<&super::flow::CheckRow>)> = Vec::new();
    for row in &rows {
        match sections.last_mut() {
            Some((page, list)) if *page == row.page => list.push(row),
            _ => sections.push((&row.page, vec![row])),
        }
    }
    html! {
        @for (_, section) in &sections {
            @if let Some(first) = section.first() {
                h2 class="govuk-heading-m" { (first.section) }
            }
            dl class="govuk-summary-list" {
                @for row in section {
                    div class={ "govuk-summary-list__row" @if !change { " govuk-summary-list__row--no-actions" } } {
                        dt class="govuk-summary-list__key" { (row.key) }
                        dd class="govuk-summary-list__value" {
                            @for line in &row.value {
                                p class="govuk-body" { (line) }
                            }
                        }
                        @if change {
                            dd class="govuk-summary-list__actions" {
                                a class="govuk-link" href=(change_href(&form.id, &row.page)) {
                                    "Change"
                                    span class="govuk-visually-hidden" { " " (row.key) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
