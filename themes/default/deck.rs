//! Slide deck layouts: the slides, the presenter view and the printable
//! handout. Without JavaScript the slides read as one scrolling page with the
//! site around them; `deck.js` turns that page into a full-window 16:9 stage
//! and the presenter view into a console that drives it (`deck.css`).
//! Printing the slides page gives one slide per 16:9 landscape page; printing
//! the handout gives one slide per A4 page with its notes.

use maud::{html, Markup};

use super::{base_styled, breadcrumbs, review_info, trusted, Link, PageView};
use crate::slides::Slide;

pub struct DeckView<'a> {
    pub page: PageView<'a>,
    pub slides: &'a [Slide],
}

const STYLES: &[&str] = &["deck.css"];
const SCRIPTS: &[&str] = &["deck.js"];

fn deck_links(url: &str) -> Markup {
    html! {
        ul.govuk-list.app-deck__views.app-no-print {
            li { a.govuk-link href=(url) { "Slides" } }
            li { a.govuk-link href={ (url) "presenter/" } { "Presenter view (with speaker notes)" } }
            li { a.govuk-link href={ (url) "handout/" } { "Printable handout" } }
        }
    }
}

/// A heading at a computed level, so views nest under the slide's own headings.
fn heading(level: u8, text: &str) -> Markup {
    html! {
        @match level {
            0..=2 => h2.govuk-heading-s { (text) },
            3 => h3.govuk-heading-s { (text) },
            4 => h4.govuk-heading-s { (text) },
            5 => h5.govuk-heading-s { (text) },
            _ => h6.govuk-heading-s { (text) },
        }
    }
}

fn layout_class(s: &Slide) -> String {
    format!("app-slide--{}", s.layout.name())
}

fn slide_section(i: usize, total: usize, s: &Slide) -> Markup {
    let n = i + 1;
    html! {
        section.slide.app-slide.(layout_class(s)) id={ "slide-" (n) } aria-labelledby={ "slide-" (n) "-label" } {
            p.app-slide__count id={ "slide-" (n) "-label" } { "Slide " (n) " of " (total) span.govuk-visually-hidden { ": " (s.title) } }
            div.app-slide__body { (trusted(&s.body.html)) }
        }
    }
}

/// Where `deck.js` announces the slide it moves to; polite, so it never cuts a reader off.
fn status() -> Markup {
    html! { div.govuk-visually-hidden aria-live="polite" aria-atomic="true" data-deck-status {} }
}

fn controls() -> Markup {
    html! {
        div.app-deck__controls.app-no-print hidden {
            button.govuk-button.govuk-button--secondary type="button" data-deck-prev { "Previous slide" }
            button.govuk-button.govuk-button--secondary type="button" data-deck-next { "Next slide" }
            button.govuk-button.govuk-button--secondary type="button" data-deck-fullscreen { "Full screen" }
            p.govuk-body-s.app-deck__keys { "Keys: → or Page Down for the next slide, ← or Page Up for the previous one, Home and End for the first and last, F for full screen." }
        }
    }
}

/// Whether the first slide opens with a level-1 heading, which then is the page's `<h1>`.
fn first_slide_has_h1(slides: &[Slide]) -> bool {
    slides
        .first()
        .and_then(|s| s.body.headings.first())
        .is_some_and(|h| h.level == 1)
}

/// The slides: a scrolling page without JavaScript, a projection stage with it.
pub fn deck_page(d: &DeckView) -> Markup {
    let v = &d.page;
    let total = d.slides.len();
    let main = html! {
        div.app-deck__intro.app-no-print {
            (breadcrumbs(&v.breadcrumbs))
            @if !first_slide_has_h1(d.slides) { h1.govuk-heading-xl.app-deck__title { (v.front.title) } }
            (deck_links(v.url))
            p.govuk-body-s { "Print this page for the slides alone, one to a 16:9 landscape page; print the handout for A4 pages with notes." }
        }
        div.app-deck data-deck="slides" data-deck-url=(v.url) {
            @for (i, s) in d.slides.iter().enumerate() { (slide_section(i, total, s)) }
        }
        (controls())
        (status())
        div.app-deck__after.app-no-print {
            @if let Some(s) = &v.front.summary { p.govuk-body { (s) } }
            (review_info(v.front, v.overdue()))
        }
    };
    base_styled(v.site, &v.front.title, v.url, SCRIPTS, STYLES, main)
}

fn presenter_bar() -> Markup {
    html! {
        div.app-presenter__bar.app-no-print hidden data-presenter-bar {
            button.govuk-button type="button" data-deck-audience { "Open audience window" }
            button.govuk-button.govuk-button--secondary type="button" data-deck-prev { "Previous slide" }
            button.govuk-button.govuk-button--secondary type="button" data-deck-next { "Next slide" }
            p.govuk-body.app-presenter__position { "Slide " span data-deck-position { "1" } }
            p.govuk-body.app-presenter__timer {
                "Timer " span role="timer" data-timer { "0:00" }
            }
            button.govuk-button.govuk-button--secondary type="button" data-timer-toggle { "Start timer" }
            button.govuk-button.govuk-button--secondary type="button" data-timer-reset { "Reset timer" }
            p.govuk-body.app-presenter__clock { "Time now " span data-clock { "" } }
            p.govuk-body-s.app-presenter__help { "The audience window follows this one, and this one follows it: a clicker works in either. Keys as on the slides; F for full screen." }
        }
    }
}

/// Current slide, its notes and the next slide; with JavaScript, a console
/// with a timer and the clock that keeps an audience window in step.
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
        div.app-no-print { (breadcrumbs(&crumbs)) }
        h1.govuk-heading-l.app-presenter__title { (title) }
        (review_info(v.front, v.overdue()))
        (deck_links(v.url))
        (presenter_bar())
        div.app-deck.app-presenter data-deck="presenter" data-deck-url=(v.url) {
            @for (i, s) in d.slides.iter().enumerate() {
                @let n = i + 1;
                @let level = s.sub_level(3);
                section.slide.app-presenter__step id={ "slide-" (n) } aria-labelledby={ "slide-" (n) "-label" } {
                    h2.govuk-heading-m id={ "slide-" (n) "-label" } { "Slide " (n) " of " (total) ": " (s.title) }
                    div.app-presenter__grid {
                        div.app-presenter__current {
                            div.app-frame.app-slide.(layout_class(s)) { div.app-slide__body { (trusted(&s.body.html)) } }
                        }
                        div.app-presenter__notes {
                            (heading(level, "Speaker notes"))
                            @if s.notes.html.trim().is_empty() {
                                p.govuk-body { "No notes for this slide." }
                            } @else {
                                div.app-prose { (trusted(&s.notes.html)) }
                            }
                        }
                        div.app-presenter__next {
                            (heading(level, "Next"))
                            @match d.slides.get(i + 1) {
                                Some(next) => { p.govuk-body { (next.title) } div data-next-preview {} },
                                None => { p.govuk-body { "End of the deck." } },
                            }
                        }
                    }
                }
            }
        }
        (status())
    };
    base_styled(v.site, &title, v.url, SCRIPTS, STYLES, main)
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
            p.govuk-body { "Print this page (Ctrl+P or ⌘P) and choose A4 to make a handout: one slide per page, with its notes. For the slides alone, 16:9, print the slides page instead." }
        }
        h1.govuk-heading-l { (title) }
        (review_info(v.front, v.overdue()))
        @for (i, s) in d.slides.iter().enumerate() {
            article.app-handout__slide aria-labelledby={ "handout-" (i + 1) } {
                h2.govuk-heading-s.app-slide__count id={ "handout-" (i + 1) } { "Slide " (i + 1) " of " (total) ": " (s.title) }
                div.app-handout__frame.app-slide.(layout_class(s)) { div.app-slide__body { (trusted(&s.body.html)) } }
                @if !s.notes.html.trim().is_empty() {
                    div.app-handout__notes {
                        (heading(s.sub_level(3), "Notes"))
                        div.app-prose { (trusted(&s.notes.html)) }
                    }
                }
            }
        }
    };
    base_styled(v.site, &title, v.url, &[], STYLES, main)
}
