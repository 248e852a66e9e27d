//! The kiosk's own pages, in the site's layout: forms index, start page,
//! question pages, check answers, confirmation and error pages. Every page
//! that can hold referral details carries the protective-marking banner.

use maud::{html, Markup};

use super::error::ErrorKind;
use crate::forms::route::{self, INDEX};
use crate::forms::{self, Answers, FieldError, Form, FormSet, Page, Step};
use crate::theme::{self, marking, SiteInfo};

/// What every kiosk page is drawn with: the site's layout, the partnership's words from
/// `prem.toml`, and the draft's clock. Built once per request by `Kiosk::render`.
pub struct Chrome<'a> {
    pub site: &'a SiteInfo,
    pub mark: &'a str,
    pub emergency_notice: &'a str,
    pub declaration: &'a str,
    pub clock: DraftClock,
}

/// Facts about the draft every form page shows (WCAG 2.2.1, timing adjustable).
pub struct DraftClock {
    /// When the draft will be deleted if the user does nothing, e.g. "3:45pm".
    pub expires_at: String,
    pub expires_ms: i64,
    pub idle_minutes: u32,
    /// Today in the kiosk's zone, for the examples in date hints.
    pub today: chrono::NaiveDate,
}

fn clock(c: &DraftClock) -> Markup {
    html! {
        div.app-draft-clock data-expires-at=(c.expires_ms) {
            p.govuk-body-s #draft-expiry {
                "To protect the people named in this form, we delete unsent answers after "
                (c.idle_minutes) " minutes without activity. We will keep your answers until "
                strong { (c.expires_at) } ". Each page you complete resets this time."
            }
            div.app-timeout-warning role="alert" hidden {
                p.govuk-body { strong { "Your answers will be deleted in a few minutes." } " Do you need more time?" }
                button.govuk-button.govuk-button--secondary type="button" data-keep-alive { "Keep my answers" }
            }
        }
    }
}

pub fn forms_index(c: &Chrome<'_>, forms: &FormSet) -> Markup {
    let main = html! {
        div.govuk-grid-row { div.govuk-grid-column-two-thirds {
            h1.govuk-heading-xl { "Make a referral or share information" }
            p.govuk-body-l { "Choose the form you need. Each one explains what to have ready before you start." }
            (forms_list(forms))
            @if !c.emergency_notice.is_empty() {
                div.govuk-warning-text {
                    span.govuk-warning-text__icon aria-hidden="true" { "!" }
                    strong.govuk-warning-text__text { span.govuk-visually-hidden { "Warning" } (c.emergency_notice) }
                }
            }
        } }
    };
    theme::base(c.site, "Forms", INDEX, &[], main)
}

fn forms_list(forms: &FormSet) -> Markup {
    html! {
        ul.govuk-list.app-link-list {
            @for f in forms.iter() {
                li {
                    a.govuk-link."govuk-!-font-weight-bold" href=(route::start_href(&f.id)) { (f.title) }
                    p.govuk-body.app-link-list__summary { (f.audience) }
                }
            }
        }
    }
}

pub fn start_page(c: &Chrome<'_>, form: &Form, first: &Page) -> Markup {
    let main = html! {
        (marking(c.mark))
        div.govuk-grid-row { div.govuk-grid-column-two-thirds {
            h1.govuk-heading-xl { (form.title) }
            (forms::paragraphs(&form.intro))
            a.govuk-button.govuk-button--start href=(route::page_href(&form.id, &first.id)) role="button" draggable="false" {
                "Start now"
                svg.govuk-button__start-icon xmlns="http://www.w3.org/2000/svg" width="17.5" height="19" viewBox="0 0 33 40" aria-hidden="true" focusable="false" {
                    path fill="currentColor" d="M0 0h13l20 20-20 20H0l20-20z" {}
                }
            }
            h2.govuk-heading-m { "What happens next" }
            (forms::paragraphs(&form.what_happens_next))
        } }
    };
    theme::base(c.site, &form.title, INDEX, &[], main)
}

/// A question page; `visit` says whether it was reached from "Check your answers", which
/// decides where it posts to and where its back link goes.
pub fn question_page(c: &Chrome<'_>, step: &Step<'_>, csrf: &str, visit: forms::Visit) -> Markup {
    let (form, page) = (step.form, step.page);
    let title = theme::title_with_errors(
        &format!("{} – {}", page.title, form.title),
        !step.errors.is_empty(),
    );
    let main = html! {
        (marking(c.mark))
        a.govuk-back-link href=(visit.back(form, step.answers, &page.id)) { "Back" }
        div.govuk-grid-row { div.govuk-grid-column-two-thirds {
            (forms::page_form(step, csrf, &visit.action(&form.id, &page.id), c.clock.today))
            (clock(&c.clock))
        } }
    };
    theme::base(c.site, &title, INDEX, &["timeout.js"], main)
}

/// "Check your answers" and the declaration; `error` when it was sent unticked.
pub fn check_page(
    c: &Chrome<'_>,
    form: &Form,
    answers: &Answers,
    csrf: &str,
    error: Option<&FieldError>,
) -> Markup {
    let errors: Vec<FieldError> = error.into_iter().cloned().collect();
    let title = theme::title_with_errors(
        &format!("Check your answers – {}", form.title),
        error.is_some(),
    );
    let main = html! {
        (marking(c.mark))
        div.govuk-grid-row { div.govuk-grid-column-two-thirds {
            (forms::error_summary(&errors))
            span.govuk-caption-l { (form.title) }
            h1.govuk-heading-xl { "Check your answers before sending" }
            (forms::check_answers(form, answers))
            h2.govuk-heading-m { "Now send your form" }
            form method="post" action=(route::submit_href(&form.id)) novalidate {
                input type="hidden" name="csrf" value=(csrf);
                div.govuk-form-group.govuk-form-group--error[error.is_some()] {
                    fieldset.govuk-fieldset aria-describedby=[error.map(|_| "declaration-error")] {
                        legend.govuk-fieldset__legend.govuk-fieldset__legend--s { "Declaration" }
                        @if let Some(e) = error { p.govuk-error-message #declaration-error { span.govuk-visually-hidden { "Error:" } " " (e.message) } }
                        div.govuk-checkboxes data-module="govuk-checkboxes" {
                            div.govuk-checkboxes__item {
                                input.govuk-checkboxes__input #declaration name="declaration" type="checkbox" value="yes";
                                label.govuk-label.govuk-checkboxes__label for="declaration" { (c.declaration) }
                            }
                        }
                    }
                }
                button.govuk-button type="submit" data-prevent-double-click="true" { "Accept and send" }
            }
            (clock(&c.clock))
        } }
    };
    theme::base(c.site, &title, INDEX, &["timeout.js"], main)
}

/// The confirmation, with the referrer's copy of what was sent. It is in
/// this one response only (sent `no-store`): the answers were cleared from
/// the session before it was rendered, so once the page is left the copy is
/// gone, and nothing of it was ever written anywhere unencrypted.
pub fn confirmation_page(c: &Chrome<'_>, form: &Form, reference: &str, copy: Markup) -> Markup {
    let main = html! {
        (marking(c.mark))
        div.govuk-grid-row { div.govuk-grid-column-two-thirds {
            div.govuk-panel.govuk-panel--confirmation {
                h1.govuk-panel__title { "Form sent" }
                div.govuk-panel__body { "Your reference number" br; strong.app-reference { (reference) } }
            }
            p.govuk-body { "We have received your " (form.title) ". Keep the reference number: quote it in any contact about this form." }
            h2.govuk-heading-m { "What happens next" }
            (forms::paragraphs(&form.what_happens_next))
            h2.govuk-heading-m #your-copy { "Your copy of what you sent" }
            div.govuk-warning-text {
                span.govuk-warning-text__icon aria-hidden="true" { "!" }
                strong.govuk-warning-text__text {
                    span.govuk-visually-hidden { "Warning" }
                    "Print this page or save it as a PDF now if you need a copy. For your security, your answers have been cleared and this copy will not be shown again."
                }
            }
            button.govuk-button.govuk-button--secondary.app-no-print type="button" data-print hidden { "Print your copy" }
            p.govuk-body.app-print-hint { "Use your browser's print option, or press Ctrl and P (Command and P on a Mac). Store the copy as securely as the case file it belongs to." }
            section.app-answers-copy aria-labelledby="your-copy" {
                (copy)
            }
            p.govuk-body { a.govuk-link href=(INDEX) { "Send another form" } }
        } }
    };
    theme::base(c.site, "Form sent", INDEX, &["print.js"], main)
}

/// A themed error page; `code` is the request id to quote when something failed inside.
pub fn error_page(c: &Chrome<'_>, kind: ErrorKind, code: Option<&str>) -> Markup {
    let (title, lines): (&str, &[&str]) = match kind {
        ErrorKind::NotFound => ("Page not found", &["If you typed the web address, check it is correct."]),
        ErrorKind::Csrf => ("Your form could not be sent", &["For your security, a form can only be sent from the page it was opened on, in the same browser session.", "Go back to the form, reload the page and try again. Your saved answers have not been lost."]),
        ErrorKind::Expired => ("Your answers have expired", &["To protect the people named in the form, we delete unsent answers after a period without activity, and when a form has been sent.", "If you have already sent this form, you do not need to do anything else. Otherwise, please start again."]),
        ErrorKind::BadRequest => ("There is a problem with the information sent", &["The page sent information we could not read. Go back to the form, reload the page and try again."]),
        ErrorKind::TooLarge => ("Too much information was sent", &["Answers are limited in length. Go back, shorten the longest answers and try again."]),
        ErrorKind::TooMany => ("Too many attempts", &["You have sent a lot of pages in a short time. Wait a minute, then go back and try again. Your saved answers have not been lost."]),
        ErrorKind::NotStored => ("Your form has not been sent", &["Something went wrong while saving your form, so nothing was sent and there is no reference number.", "Your answers are still saved. Go back to the check your answers page and try again in a few minutes."]),
        ErrorKind::Internal => ("Sorry, there is a problem with the service", &["Try again later. Your saved answers have not been lost."]),
        ErrorKind::Timeout => ("The request took too long", &["Go back and try again."]),
    };
    let main = html! {
        @if !matches!(kind, ErrorKind::NotFound) { (marking(c.mark)) }
        div.govuk-grid-row { div.govuk-grid-column-two-thirds {
            h1.govuk-heading-xl { (title) }
            @for l in lines { p.govuk-body { (l) } }
            @if let Some(id) = code { p.govuk-body { "If you contact us about this, quote the error code " strong { (id) } "." } }
            p.govuk-body { a.govuk-link href=(INDEX) { "Go to the list of forms" } }
        } }
    };
    theme::base(c.site, title, INDEX, &[], main)
}
