//! Pages of the guided checker: a start page, one page per question with its
//! answers as links (so it works without JavaScript or a server), and one
//! page per outcome with the reason. The words all come from the checker data.

use maud::{html, Markup};

use super::{described, Link, SiteInfo};
use crate::checker::{paragraphs, Checker, Outcome, Question};
use crate::criteria::Criterion;

/// The start page: title, intro, the practice note and a start button.
pub fn checker_start(site: &SiteInfo, c: &Checker, crumbs: &[Link]) -> Markup {
    let main = html! {
        (super::breadcrumbs(crumbs))
        div.govuk-grid-row {
            div.govuk-grid-column-two-thirds {
                h1.govuk-heading-xl { (c.title) }
                @if !c.summary.is_empty() { p.govuk-body-l { (c.summary) } }
                @for p in paragraphs(&c.intro) { p.govuk-body { (p) } }
                (note(c))
                a.govuk-button.govuk-button--start href=(c.page_url(&c.start)) role="button" draggable="false" {
                    (c.start_label.as_deref().unwrap_or("Start now"))
                    svg.govuk-button__start-icon xmlns="http://www.w3.org/2000/svg" width="17.5" height="19" viewBox="0 0 33 40" aria-hidden="true" focusable="false" {
                        path fill="currentColor" d="M0 0h13l20 20-20 20H0l20-20z" {}
                    }
                }
            }
        }
    };
    described(site, &c.title, Some(&c.summary), &c.url, &[], main)
}

/// One question: the question as the page heading, the criterion it rests
/// on, and each answer as a link to the next page.
pub fn checker_question(
    site: &SiteInfo,
    c: &Checker,
    q: &Question,
    criterion: Option<&Criterion>,
) -> Markup {
    let main = html! {
        a.govuk-back-link href=(c.url) { "Back to the start" }
        div.govuk-grid-row {
            div.govuk-grid-column-two-thirds {
                span.govuk-caption-l { (c.title) }
                h1.govuk-heading-l #question { (q.question) }
                @if let Some(h) = &q.hint { p.govuk-hint { (h) } }
                @if let Some(cr) = criterion {
                    div.govuk-inset-text.app-checker__criterion {
                        p.govuk-body { strong { "What the criteria say: " } (cr.label) ". " (cr.text) }
                        @if let Some(n) = &cr.note { p.govuk-body { (n) } }
                    }
                }
                ul.govuk-list.app-checker__answers aria-labelledby="question" {
                    @for a in &q.answers {
                        @let href = a.next.as_deref().or(a.outcome.as_deref()).map(|id| c.page_url(id)).unwrap_or_default();
                        li { a.govuk-link.app-checker__answer href=(href) { (a.label) } }
                    }
                }
                (note(c))
            }
        }
    };
    described(site, &q.question, Some(&c.summary), &c.url, &[], main)
}

/// An outcome: where to go, why, and the pages or forms to use next.
pub fn checker_outcome(site: &SiteInfo, c: &Checker, o: &Outcome) -> Markup {
    let main = html! {
        div.govuk-grid-row {
            div.govuk-grid-column-two-thirds {
                span.govuk-caption-l { (c.title) }
                @if o.urgent {
                    h1.govuk-heading-xl { (o.title) }
                    div.govuk-warning-text {
                        span.govuk-warning-text__icon aria-hidden="true" { "!" }
                        strong.govuk-warning-text__text {
                            span.govuk-visually-hidden { "Warning" }
                            @for p in paragraphs(&o.reason).take(1) { (p) }
                        }
                    }
                    @for p in paragraphs(&o.reason).skip(1) { p.govuk-body { (p) } }
                } @else {
                    h1.govuk-heading-xl { (o.title) }
                    h2.govuk-heading-m { "Why" }
                    @for p in paragraphs(&o.reason) { p.govuk-body { (p) } }
                }
                @if !o.links.is_empty() {
                    h2.govuk-heading-m { "What to do next" }
                    ul.govuk-list {
                        @for l in &o.links { li { a.govuk-link href=(l.href) { (l.label) } } }
                    }
                }
                p.govuk-body { a.govuk-link href=(c.url) { "Start the questions again" } }
                (note(c))
            }
        }
    };
    described(site, &o.title, Some(&c.summary), &c.url, &[], main)
}

fn note(c: &Checker) -> Markup {
    html! {
        @if let Some(n) = &c.note { p.govuk-body-s.app-checker__note { (n) } }
    }
}
