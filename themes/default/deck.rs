//! Roadshow deck layouts: the slides, the presenter view and the printable
//! handout. Without JavaScript the slides read as one scrolling page;
//! `deck.js` turns them into a one-slide-at-a-time presentation.

use maud::{html, Markup};

use super::{base, breadcrumbs, review_info, trusted, Link, PageView};
use crate::slides::Slide;

pub struct DeckView<'a> {
    pub page: PageView<'a>,
    pub slides: &'a [Slide],
}

fn deck_links(url: &str) -> Markup {
    html! {
        ul.govuk-list.app-deck__views.app-no-print {
            li { a.govuk-link href=(url) { "Slides" } }
            li { a.govuk-link href={ (url) "presenter/" } { "Presenter view (with speaker notes)" } }
            li { a.govuk-link href={ (url) "handout/" } { "Printable handout" } }
        }
    }
}

fn slide_section(i: usize, total: usize, s: &Slide, class: &str) -> Markup {
    let n = i + 1;
    html! {
        section.slide.(class) id={ "slide-" (n) } aria-labelledby={ "slide-" (n) "-label" } {
            p.app-slide__count id={ "slide-" (n) "-label" } { "Slide " (n) " of " (total) span.govuk-visually-hidden { ": " (s.title) } }
            div.app-slide__body { (trusted(&s.body.html)) }
        }
    }
}

fn controls() -> Markup {
    html! {
        div.app-deck__controls.app-no-print hidden {
            button.govuk-button.govuk-button--secondary type="button" data-deck-prev { "Previous slide" }
            button.govuk-button.govuk-button--secondary type="button" data-deck-next { "Next slide" }
            p.govuk-body-s.app-deck__keys { "Keys: ← and → move between slides, Home and End jump to the first and last." }
        }
    }
}

/// The slides themselves.
pub fn deck_page(d: &DeckView) -> Markup {
    let v = &d.page;
    let total = d.slides.len();
    let main = html! {
        (breadcrumbs(&v.breadcrumbs))
        h1.govuk-heading-xl.app-deck__title { (v.front.title) }
        @if let Some(s) = &v.front.summary { p.govuk-body-l.app-no-print { (s) } }
        (deck_links(v.url))
        (controls())
        div.app-deck data-deck {
            @for (i, s) in d.slides.iter().enumerate() { (slide_section(i, total, s, "app-slide")) }
        }
        (review_info(v.front, v.overdue()))
    };
    base(v.site, &v.front.title, v.url, &["deck.js"], main)
}

/// Current slide, its notes and the next slide, one step at a time with JS.
pub fn presenter_page(d: &DeckView) -> Markup {
    let v = &d.page;
    let total = d.slides.len();
    let title = format!("{} – presenter view", v.front.title);
    let mut crumbs: Vec<Link> = v.breadcrumbs.clone();
    crumbs.push(Link {
        title: v.front.title.clone(),
        url: v.url.to_string(),
        summary: None,
    });
    let main = html! {
        (breadcrumbs(&crumbs))
        h1.govuk-heading-l { (title) }
        (deck_links(v.url))
        (controls())
        div.app-deck.app-presenter data-deck {
            @for (i, s) in d.slides.iter().enumerate() {
                @let n = i + 1;
                section.slide.app-presenter__step id={ "slide-" (n) } aria-labelledby={ "slide-" (n) "-label" } {
                    h2.govuk-heading-m id={ "slide-" (n) "-label" } { "Slide " (n) " of " (total) ": " (s.title) }
                    div.app-presenter__grid {
                        div.app-presenter__current { div.app-slide__body { (trusted(&s.body.html)) } }
                        div.app-presenter__notes {
                            h3.govuk-heading-s { "Speaker notes" }
                            div.app-prose { (trusted(&s.notes.html)) }
                        }
                        div.app-presenter__next {
                            h3.govuk-heading-s { "Next" }
                            @match d.slides.get(i + 1) {
                                Some(next) => { p.govuk-body { (next.title) } },
                                None => { p.govuk-body { "End of the deck." } },
                            }
                        }
                    }
                }
            }
        }
    };
    base(v.site, &title, v.url, &["deck.js"], main)
}

/// One slide per A4 page with its notes, for printing to PDF.
pub fn handout_page(d: &DeckView) -> Markup {
    let v = &d.page;
    let total = d.slides.len();
    let title = format!("{} – handout", v.front.title);
    let main = html! {
        div.app-no-print {
            (breadcrumbs(&v.breadcrumbs))
            (deck_links(v.url))
            p.govuk-body { "Print this page (Ctrl+P or ⌘P) and choose A4 to make a handout: one slide per page, with its notes." }
        }
        h1.govuk-heading-l { (title) }
        (review_info(v.front, false))
        @for (i, s) in d.slides.iter().enumerate() {
            article.app-handout__slide aria-labelledby={ "handout-" (i + 1) } {
                h2.govuk-heading-s.app-slide__count id={ "handout-" (i + 1) } { "Slide " (i + 1) " of " (total) ": " (s.title) }
                div.app-handout__frame { div.app-slide__body { (trusted(&s.body.html)) } }
                @if !s.notes.html.trim().is_empty() {
                    div.app-handout__notes {
                        h3.govuk-heading-s { "Notes" }
                        div.app-prose { (trusted(&s.notes.html)) }
                    }
                }
            }
        }
    };
    base(v.site, &title, v.url, &[], main)
}
