//! The look of the site: small maud components built on GOV.UK Frontend's
//! classes, and the frame and page layouts in `themes/default/`. Views are pure
//! functions of borrowed data; trusted HTML only arrives from `markdown`.

#[path = "../themes/default/checker.rs"]
mod checker;
#[path = "../themes/default/deck.rs"]
mod deck;
#[path = "../themes/default/frame.rs"]
mod frame;
#[path = "../themes/default/layout.rs"]
mod layout;

use chrono::NaiveDate;
use maud::{html, Markup, PreEscaped};

use crate::content::{FrontMatter, Heading};

pub use checker::{checker_outcome, checker_question, checker_start};
pub use deck::{deck_page, handout_page, presenter_page, DeckView};
pub use frame::{app_base, base, base_styled, described};
pub use layout::{
    glossary_page, home_page, not_found_page, page, search_page, search_results, section_page,
};

/// Site-wide facts every page shows.
#[derive(Debug, Clone)]
pub struct SiteInfo {
    pub name: String,
    pub title: String,
    pub language: String,
    pub contact_mailbox: String,
    pub contact_role: String,
    /// `?v=` suffixes for asset URLs, so browsers never use a stale file.
    pub asset_version: String,
    /// Preview adds its reload script; published pages never carry it.
    pub live_reload: bool,
    /// Top navigation: (title, url) of the top-level sections.
    pub nav: Vec<Link>,
    /// Pages that the kiosk serves (e.g. the forms index), linked in the header.
    pub forms_link: bool,
    /// The guidance site's footer links, in order (an application's frame has its own footer).
    pub footer_links: Vec<Link>,
    /// `partnership.emergency_notice`, at the foot of every guidance page; none when empty.
    pub emergency_notice: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub title: String,
    pub url: String,
    pub summary: Option<String>,
}

/// A search result: a page, and the text around the match.
#[derive(Debug, Clone)]
pub struct SearchHit {
    pub title: String,
    pub url: String,
    pub snippet: Vec<crate::search::Piece>,
}

/// One entry of an application's own navigation (see `app_base`).
#[derive(Debug, Clone, Copy)]
pub enum NavItem<'a> {
    Link {
        title: &'a str,
        url: &'a str,
    },
    /// A button that posts a small form (e.g. sign out, with its CSRF token): works without
    /// JavaScript, and a link cannot change state.
    Post {
        title: &'a str,
        action: &'a str,
        fields: &'a [(&'a str, &'a str)],
    },
}

/// Everything a content page's layout needs.
pub struct PageView<'a> {
    pub site: &'a SiteInfo,
    pub url: &'a str,
    pub front: &'a FrontMatter,
    pub breadcrumbs: Vec<Link>,
    /// Sibling pages in this section, for the side navigation.
    pub section_nav: Vec<Link>,
    pub section_title: Option<String>,
    /// Child pages, listed on section index pages.
    pub children: Vec<Link>,
    pub headings: &'a [Heading],
    pub body_html: &'a str,
    pub today: NaiveDate,
}

impl PageView<'_> {
    pub fn overdue(&self) -> bool {
        self.front.review_due.is_some_and(|d| d < self.today)
    }
}

/// The only place Markdown output (already checked) becomes markup.
pub(crate) fn trusted(html: &str) -> PreEscaped<&str> {
    PreEscaped(html)
}

pub fn asset(site: &SiteInfo, name: &str) -> String {
    format!("/assets/{name}?v={}", site.asset_version)
}

pub fn breadcrumbs(links: &[Link]) -> Markup {
    html! {
        @if !links.is_empty() {
            nav.govuk-breadcrumbs aria-label="Breadcrumb" {
                ol.govuk-breadcrumbs__list {
                    @for l in links {
                        li.govuk-breadcrumbs__list-item { a.govuk-breadcrumbs__link href=(l.url) { (l.title) } }
                    }
                }
            }
        }
    }
}

/// "On this page" contents, for pages long enough to need one.
pub fn on_this_page(headings: &[Heading]) -> Markup {
    let h2: Vec<&Heading> = headings.iter().filter(|h| h.level == 2).collect();
    html! {
        @if h2.len() >= 3 {
            nav.app-contents aria-labelledby="on-this-page" {
                h2.govuk-heading-s #on-this-page { "On this page" }
                ul.govuk-list.app-contents__list {
                    @for h in h2 { li { a.govuk-link href={ "#" (h.id) } { (h.text) } } }
                }
            }
        }
    }
}

pub fn side_nav(title: Option<&str>, links: &[Link], current: &str) -> Markup {
    html! {
        @if !links.is_empty() {
            nav.app-side-nav aria-label={ "Pages in " (title.unwrap_or("this section")) } {
                @if let Some(t) = title { h2.govuk-heading-s { (t) } }
                ul.govuk-list {
                    @for l in links {
                        @if l.url == current {
                            li.app-side-nav__item--current { a.govuk-link aria-current="page" href=(l.url) { (l.title) } }
                        } @else {
                            li { a.govuk-link href=(l.url) { (l.title) } }
                        }
                    }
                }
            }
        }
    }
}

/// Cards for a section's pages: title link and one-line summary.
pub fn link_list(links: &[Link]) -> Markup {
    html! {
        ul.govuk-list.app-link-list {
            @for l in links {
                li {
                    a.govuk-link.govuk-link--no-visited-state."govuk-!-font-weight-bold" href=(l.url) { (l.title) }
                    @if let Some(s) = &l.summary { p.govuk-body.app-link-list__summary { (s) } }
                }
            }
        }
    }
}

/// "Last reviewed / next review due / owner", and a notice when overdue.
pub fn review_info(front: &FrontMatter, overdue: bool) -> Markup {
    html! {
        @if overdue {
            div.govuk-warning-text.app-review-overdue {
                span.govuk-warning-text__icon aria-hidden="true" { "!" }
                strong.govuk-warning-text__text {
                    span.govuk-visually-hidden { "Warning" }
                    "This page was due for review on " (long_date(front.review_due)) ". Check with its owner before relying on it."
                }
            }
        }
        @if front.reviewed.is_some() || front.review_due.is_some() || front.owner.is_some() {
            dl.app-review {
                @if let Some(d) = front.reviewed { div { dt { "Last reviewed" } dd { (long_date(Some(d))) } } }
                @if let Some(d) = front.review_due { div { dt { "Next review due" } dd { (long_date(Some(d))) } } }
                @if let Some(o) = &front.owner { div { dt { "Page owner" } dd { (o) } } }
            }
        }
    }
}

pub fn long_date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%-d %B %Y").to_string())
        .unwrap_or_default()
}

/// The protective marking banner (OFFICIAL-SENSITIVE, say) at the top and bottom of every page
/// that names a person or a referral, on the kiosk and in the inbox; nothing when unset.
pub fn marking(marking: &str) -> Markup {
    html! {
        @if !marking.is_empty() {
            div.app-marking role="note" aria-label="Protective marking" { strong { (marking) } }
        }
    }
}

/// A page title that starts "Error: " when the page shows errors, so a screen reader user
/// hears it first (GOV.UK's pattern).
pub fn title_with_errors(title: &str, has_errors: bool) -> String {
    if has_errors {
        format!("Error: {title}")
    } else {
        title.to_owned()
    }
}
