//! Page layouts of the default theme: base, home, section index, page,
//! search, glossary and 404. Compiled into prem (maud checks them at build
//! time); the theme's stylesheets and scripts sit beside this file.

use maud::{html, Markup, DOCTYPE};

use super::{
    asset, breadcrumbs, link_list, on_this_page, review_info, side_nav, trusted, Link, NavItem,
    PageView, SearchHit, SiteInfo,
};
use crate::glossary::{self, Glossary};

/// The frame around every page: skip link, header, navigation, footer.
pub fn base(site: &SiteInfo, title: &str, current: &str, scripts: &[&str], main: Markup) -> Markup {
    base_styled(site, title, current, scripts, &[], main)
}

/// `base` with extra stylesheets from the theme's assets (the decks' `deck.css`).
pub fn base_styled(
    site: &SiteInfo,
    title: &str,
    current: &str,
    scripts: &[&str],
    styles: &[&str],
    main: Markup,
) -> Markup {
    site_frame(
        site,
        Head {
            title,
            description: None,
        },
        current,
        scripts,
        styles,
        main,
    )
}

/// `base` with a meta description (the page's summary), which search engines
/// show under the title.
pub fn described(
    site: &SiteInfo,
    title: &str,
    description: Option<&str>,
    current: &str,
    scripts: &[&str],
    main: Markup,
) -> Markup {
    site_frame(
        site,
        Head { title, description },
        current,
        scripts,
        &[],
        main,
    )
}

/// The guidance site's frame: its navigation (with the script that folds it on a phone) and
/// footer around `main`.
fn site_frame(
    site: &SiteInfo,
    head: Head,
    current: &str,
    scripts: &[&str],
    styles: &[&str],
    main: Markup,
) -> Markup {
    let mut all = vec!["nav.js"];
    all.extend_from_slice(scripts);
    frame(
        site,
        head,
        &all,
        styles,
        service_nav(site, current),
        footer(site),
        main,
    )
}

/// What goes in `<head>` besides the site-wide links.
struct Head<'a> {
    title: &'a str,
    description: Option<&'a str>,
}

/// The frame for an application served beside the guidance (the inbox): the same head, skip
/// link and header, but the application's own navigation (`nav`, none when empty) and footer
/// text (`footer`) instead of the guidance site's links.
pub fn app_base(
    site: &SiteInfo,
    title: &str,
    current: &str,
    nav: &[NavItem],
    footer: Markup,
    main: Markup,
) -> Markup {
    let nav = html! {
        @if !nav.is_empty() {
            div.govuk-service-navigation.app-no-print {
                div.govuk-width-container {
                    nav.govuk-service-navigation__wrapper aria-label="Menu" {
                        ul.govuk-service-navigation__list #navigation {
                            @for item in nav { (app_nav_item(item, current)) }
                        }
                    }
                }
            }
        }
    };
    let footer = html! {
        footer.govuk-footer.app-no-print {
            div.govuk-width-container {
                div.govuk-footer__meta {
                    div.govuk-footer__meta-item.govuk-footer__meta-item--grow { (footer) }
                }
            }
        }
    };
    frame(
        site,
        Head {
            title,
            description: None,
        },
        &[],
        &[],
        nav,
        footer,
        main,
    )
}

fn app_nav_item(item: &NavItem, current: &str) -> Markup {
    match item {
        NavItem::Link { title, url } => {
            let active = if *url == "/" {
                current == "/"
            } else {
                current.starts_with(url)
            };
            nav_item(title, url, active)
        }
        NavItem::Post {
            title,
            action,
            fields,
        } => html! {
            li.govuk-service-navigation__item {
                form.app-nav-form method="post" action=(action) {
                    @for (name, value) in *fields { input type="hidden" name=(name) value=(value); }
                    button.govuk-service-navigation__link.app-nav-button type="submit" { (title) }
                }
            }
        },
    }
}

fn nav_item(title: &str, url: &str, active: bool) -> Markup {
    html! {
        li.govuk-service-navigation__item.govuk-service-navigation__item--active[active] {
            @if active {
                a.govuk-service-navigation__link href=(url) aria-current="true" { strong.govuk-service-navigation__active-fallback { (title) } }
            } @else {
                a.govuk-service-navigation__link href=(url) { (title) }
            }
        }
    }
}

fn frame(
    site: &SiteInfo,
    head: Head,
    scripts: &[&str],
    styles: &[&str],
    nav: Markup,
    footer: Markup,
    main: Markup,
) -> Markup {
    let title = head.title;
    let full_title = if title == site.title {
        title.to_string()
    } else {
        format!("{title} – {}", site.name)
    };
    html! {
        (DOCTYPE)
        html lang=(site.language) class="govuk-template" {
            head {
                meta charset="utf-8";
                title { (full_title) }
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if let Some(d) = head.description.filter(|d| !d.trim().is_empty()) { meta name="description" content=(d); }
                meta name="referrer" content="no-referrer";
                link rel="icon" type="image/svg+xml" href=(asset(site, "favicon.svg"));
                link rel="stylesheet" href=(asset(site, "govuk-frontend.min.css"));
                link rel="stylesheet" href=(asset(site, "prem.css"));
                @for s in styles { link rel="stylesheet" href=(asset(site, s)); }
                @for s in scripts { script src=(asset(site, s)) defer {} }
                @if site.live_reload { script src="/_prem/reload.js" defer {} }
            }
            body.govuk-template__body {
                a.govuk-skip-link href="#main-content" { "Skip to main content" }
                (header(site))
                (nav)
                div.govuk-width-container {
                    main.govuk-main-wrapper #main-content tabindex="-1" { (main) }
                }
                (footer)
            }
        }
    }
}

fn header(site: &SiteInfo) -> Markup {
    html! {
        header.govuk-header.app-header {
            div.govuk-header__container.govuk-width-container {
                div.govuk-header__logo {
                    a.govuk-header__link.govuk-header__link--homepage href="/" {
                        span.app-header__name { (site.name) }
                    }
                }
                div.govuk-header__content {
                    span.app-header__title { (site.title) }
                }
            }
        }
    }
}

fn service_nav(site: &SiteInfo, current: &str) -> Markup {
    let mut items: Vec<(&str, &str)> = site
        .nav
        .iter()
        .map(|l| (l.title.as_str(), l.url.as_str()))
        .collect();
    if site.forms_link {
        items.push(("Make a referral", "/forms/"));
    }
    items.push(("Search", "/search/"));
    // GOV.UK's service navigation: nav.js shows the Menu button and folds the
    // list away on a narrow screen; without JavaScript every link stays shown.
    html! {
        div.govuk-service-navigation.app-no-print {
            div.govuk-width-container {
                div.govuk-service-navigation__container {
                    nav.govuk-service-navigation__wrapper aria-label="Menu" {
                        button.govuk-service-navigation__toggle.govuk-js-service-navigation-toggle type="button" aria-controls="navigation" hidden { "Menu" }
                        ul.govuk-service-navigation__list #navigation {
                            @for (title, url) in items {
                                (nav_item(title, url, url != "/" && current.starts_with(url)))
                            }
                        }
                    }
                }
            }
        }
    }
}

fn footer(site: &SiteInfo) -> Markup {
    html! {
        footer.govuk-footer.app-no-print {
            div.govuk-width-container {
                div.govuk-footer__meta {
                    div.govuk-footer__meta-item.govuk-footer__meta-item--grow {
                        h2.govuk-visually-hidden { "Support links" }
                        ul.govuk-footer__inline-list {
                            li.govuk-footer__inline-list-item { a.govuk-footer__link href="/glossary/" { "Glossary" } }
                            li.govuk-footer__inline-list-item { a.govuk-footer__link href="/search/" { "Search" } }
                            li.govuk-footer__inline-list-item { a.govuk-footer__link href="/roadshow/" { "Roadshow training" } }
                        }
                        p.govuk-body-s.app-footer__contact {
                            "Questions about this guidance: contact the " (site.contact_role) " at "
                            a.govuk-footer__link href={ "mailto:" (site.contact_mailbox) } { (site.contact_mailbox) } "."
                        }
                        p.govuk-body-s { "If someone is in immediate danger, call 999." }
                    }
                }
            }
        }
    }
}

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
                div.app-prose { (super::trusted(v.body_html)) }
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
                    div.app-prose { (super::trusted(v.body_html)) }
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
