//! Page layouts of the default theme: home, section index, page, search,
//! glossary and 404, each inside the frame (`frame.rs`). Compiled into prem
//! (maud checks them at build time).

use maud::{html, Markup};

use super::frame::{base, described};
use super::{
    breadcrumbs, link_list, on_this_page, review_info, side_nav, trusted, Link, PageView,
    SearchHit, SiteInfo,
};
use crate::glossary::{self, Glossary};

/// An ordinary guidance page, with section navigation beside it.
pub fn page(v: &PageView) -> Markup {
    let main = html! {
        (breadcrumbs(&v.breadcrumbs))
        div.govuk-grid-row {
            div.govuk-grid-column-two-thirds {
                (page_body(v))
            }
            div.govuk-grid-column-one-third.app-no-print {
                (side_nav(v.section_title.as_deref(), &v.section_nav, v.url))
            }
        }
    };
    described(
        v.site,
        &v.front.title,
        v.front.summary.as_deref(),
        v.url,
        &[],
        main,
    )
}

fn page_body(v: &PageView) -> Markup {
    html! {
        h1.govuk-heading-xl { (v.front.title) }
        @if let Some(s) = &v.front.summary { p.govuk-body-l.app-summary { (s) } }
        (review_info(v.front, v.overdue()))
        (on_this_page(v.headings))
        div.app-prose { (trusted(v.body_html)) }
    }
}

/// A section's index page: its own text, then its pages.
pub fn section_page(v: &PageView) -> Markup {
    let main = html! {
        (breadcrumbs(&v.breadcrumbs))
        div.govuk-grid-row {
            div.govuk-grid-column-two-thirds {
                (page_body(v))
                @if !v.children.is_empty() {
                    h2.govuk-heading-l #pages-in-this-section { "Pages in this section" }
                    (link_list(&v.children))
                }
            }
        }
    };
    described(
        v.site,
        &v.front.title,
        v.front.summary.as_deref(),
        v.url,
        &[],
        main,
    )
}

/// The home page: its text, then every top-level section.
pub fn home_page(v: &PageView) -> Markup {
    let main = html! {
        div.govuk-grid-row {
            div.govuk-grid-column-two-thirds {
                h1.govuk-heading-xl { (v.front.title) }
                @if let Some(s) = &v.front.summary { p.govuk-body-l { (s) } }
                div.app-prose { (trusted(v.body_html)) }
                @if !v.children.is_empty() {
                    h2.govuk-heading-l #guidance { "Guidance" }
                    (link_list(&v.children))
                }
                (review_info(v.front, v.overdue()))
            }
        }
    };
    described(
        v.site,
        &v.front.title,
        v.front.summary.as_deref(),
        v.url,
        &[],
        main,
    )
}

/// The search page. `results` is `None` when no query was given; `all` is the
/// A–Z list shown without JavaScript on a static host.
pub fn search_page(
    site: &SiteInfo,
    query: Option<&str>,
    results: Option<&[SearchHit]>,
    all: &[Link],
) -> Markup {
    let main = html! {
        div.govuk-grid-row {
            div.govuk-grid-column-two-thirds {
                h1.govuk-heading-xl { "Search" }
                form.app-search action="/search/" method="get" role="search" {
                    div.govuk-form-group {
                        label.govuk-label.govuk-label--m for="search-q" { "Search the guidance" }
                        input.govuk-input #search-q name="q" type="search" value=[query] autocomplete="off" spellcheck="false";
                    }
                    button.govuk-button type="submit" { "Search" }
                }
                div #search-results aria-live="polite" {
                    @if let Some(r) = results { (search_results(query.unwrap_or(""), r)) }
                }
                h2.govuk-heading-l #a-to-z { "All pages A to Z" }
                (link_list(all))
            }
        }
    };
    described(
        site,
        "Search",
        Some("Search every page of the guidance and the glossary."),
        "/search/",
        &["search.js"],
        main,
    )
}

pub fn search_results(query: &str, results: &[SearchHit]) -> Markup {
    html! {
        h2.govuk-heading-m { (results.len()) " result" @if results.len() != 1 { "s" } " for “" (query) "”" }
        @if results.is_empty() {
            p.govuk-body { "No pages match. Try fewer or different words, or browse the A to Z list below." }
        } @else {
            ul.govuk-list.app-link-list {
                @for hit in results {
                    li {
                        a.govuk-link.govuk-link--no-visited-state."govuk-!-font-weight-bold" href=(hit.url) { (hit.title) }
                        @if !hit.snippet.is_empty() {
                            p.govuk-body.app-link-list__summary.app-search__snippet {
                                @for piece in &hit.snippet {
                                    @if piece.mark { mark { (piece.text) } } @else { (piece.text) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub fn glossary_page(
    site: &SiteInfo,
    title: &str,
    intro: Option<&PageView>,
    g: &Glossary,
) -> Markup {
    let groups = g.by_letter();
    let main = html! {
        div.govuk-grid-row {
            div.govuk-grid-column-two-thirds {
                h1.govuk-heading-xl { (title) }
                @if let Some(v) = intro {
                    @if let Some(s) = &v.front.summary { p.govuk-body-l { (s) } }
                    div.app-prose { (trusted(v.body_html)) }
                }
                nav.app-az aria-label="Glossary letters" {
                    ul.app-az__list { @for (l, _) in &groups { li { a.govuk-link href={ "#letter-" (l) } { (l) } } } }
                }
                @for (l, terms) in &groups {
                    h2.govuk-heading-l id={ "letter-" (l) } { (l) }
                    dl.app-glossary {
                        @for t in terms {
                            dt id=(glossary::anchor(&t.term)) { (t.term) @if let Some(e) = &t.expansion { span.app-glossary__expansion { " – " (e) } } }
                            dd { (t.definition) }
                        }
                    }
                }
                @if let Some(v) = intro { (review_info(v.front, v.overdue())) }
            }
        }
    };
    let description = intro.and_then(|v| v.front.summary.as_deref());
    described(site, title, description, "/glossary/", &[], main)
}

pub fn not_found_page(site: &SiteInfo) -> Markup {
    let main = html! {
        div.govuk-grid-row {
            div.govuk-grid-column-two-thirds {
                h1.govuk-heading-xl { "Page not found" }
                p.govuk-body { "If you typed the web address, check it is correct." }
                p.govuk-body { "If you pasted the web address, check you copied the entire address." }
                p.govuk-body { "You can " a.govuk-link href="/search/" { "search the guidance" } " or go to the " a.govuk-link href="/" { "home page" } "." }
            }
        }
    };
    base(site, "Page not found", "/404", &[], main)
}
