//! The frame of the default theme: the `<head>`, skip link, header,
//! navigation and footer around every page, for the guidance site
//! (`base`, `described`) and for applications served beside it (`app_base`).
//! Compiled into prem (maud checks them at build time); the theme's
//! stylesheets and scripts sit beside this file.

use maud::{html, Markup, DOCTYPE};

use super::{asset, NavItem, SiteInfo};

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
                        @if !site.footer_links.is_empty() {
                            h2.govuk-visually-hidden { "Support links" }
                            ul.govuk-footer__inline-list {
                                @for l in &site.footer_links {
                                    li.govuk-footer__inline-list-item { a.govuk-footer__link href=(l.url) { (l.title) } }
                                }
                            }
                        }
                        p.govuk-body-s.app-footer__contact {
                            "Questions about this guidance: contact the " (site.contact_role) " at "
                            a.govuk-footer__link href={ "mailto:" (site.contact_mailbox) } { (site.contact_mailbox) } "."
                        }
                        @if !site.emergency_notice.is_empty() {
                            p.govuk-body-s { (site.emergency_notice) }
                        }
                    }
                }
            }
        }
    }
}
