//! The inbox's pages, as pure functions of borrowed data, in the site's layout. Every page
//! carries the protective marking, because every page (even the list) names referrals.

mod auth;
mod case;
pub mod edit;
mod list;
pub mod meetings;
pub mod meetings_case;
pub mod meetings_extra;
pub mod meetings_pack;
mod moves;
pub mod people;
pub mod subject;

use maud::{html, Markup};

use super::accounts::{Permission, User};
use super::audit::Entry;
use crate::http::csrf::FIELD as CSRF_FIELD;
use crate::theme::marking;
use crate::theme::{self, NavItem, SiteInfo};

pub use auth::{code_page, enrol_page, login_page, password_page};
pub use case::{case_body, case_page, print_page, CaseView};
pub use list::{list_page, Filters, ListView};
pub use moves::{message, move_page, target, MoveView};

/// What every page needs: the site, the marking, and (once signed in) who is looking.
pub struct Chrome<'a> {
    pub site: &'a SiteInfo,
    pub marking: &'a str,
    pub user: Option<&'a User>,
    pub csrf: String,
    /// A message about the change just made, shown once as a success banner.
    pub notice: Option<String>,
    /// Records set aside because they did not open: a banner for those who handle them.
    pub quarantined: usize,
}

/// A message for one field of a form, shown in the error summary and beside the field.
#[derive(Debug, Clone, Copy)]
pub struct FieldError<'a> {
    /// The id of the field (or of the first input of a group) the summary links to.
    pub field: &'a str,
    pub message: &'a str,
}

/// GOV.UK's error summary: each message links to its field. Empty without errors.
pub fn error_summary(errors: &[FieldError]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.govuk-error-summary data-module="govuk-error-summary" {
                div role="alert" {
                    h2.govuk-error-summary__title { "There is a problem" }
                    div.govuk-error-summary__body {
                        ul.govuk-list.govuk-error-summary__list {
                            @for e in errors { li { a href={ "#" (e.field) } { (e.message) } } }
                        }
                    }
                }
            }
        }
    }
}

/// A page title, starting "Error: " when the page shows errors (so it is heard first).
pub fn title_for(title: &str, errors: &[FieldError]) -> String {
    if errors.is_empty() {
        title.to_string()
    } else {
        format!("Error: {title}")
    }
}

/// The hidden CSRF field every form carries.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(token); }
}

/// The inbox's own frame (no guidance links): the marking above and below, and once signed in
/// the navigation (the list, the audit trail for those who may read it, sign out).
pub fn page(c: &Chrome, title: &str, current: &str, main: Markup) -> Markup {
    let sign_out = [(CSRF_FIELD, c.csrf.as_str())];
    let nav = c.user.map(|u| nav(u, &sign_out)).unwrap_or_default();
    let body = html! {
        (marking(c.marking))
        @if let Some(u) = c.user {
            p.govuk-body-s.app-inbox-user.app-no-print {
                "Signed in as " strong { (u.name) } " (" (u.role.label())
                @if let Some(la) = &u.la { ", " (la) }
                ")"
            }
        }
        @if let Some(notice) = &c.notice { (notice_banner(notice)) }
        @if let Some(u) = c.user.filter(|u| c.quarantined > 0 && u.role.may(Permission::ViewList)) {
            (quarantine_banner(c.quarantined, u.role.may(Permission::ManageQuarantine)))
        }
        (main)
        (marking(c.marking))
    };
    let footer = html! {
        p.govuk-body-s { "For help with your account or your access, ask a workspace administrator." }
        p.govuk-body-s { "Every sign-in, view, move, search and export is recorded in the audit trail." }
    };
    theme::app_base(c.site, title, current, &nav, footer, body)
}

/// The signed-in menu: the list, the audit trail and the set-aside records for those who may
/// use them, and signing out.
fn nav<'a>(u: &User, sign_out: &'a [(&'a str, &'a str)]) -> Vec<NavItem<'a>> {
    let mut nav = vec![NavItem::Link {
        title: "Cases",
        url: "/",
    }];
    if u.role.may(Permission::Search) {
        nav.push(NavItem::Link {
            title: "Search",
            url: "/search",
        });
    }
    if u.role.may(Permission::Tracker) {
        nav.push(NavItem::Link {
            title: "Repeats and hotspots",
            url: "/tracker/",
        });
    }
    if u.role.may(Permission::Meetings) {
        nav.push(NavItem::Link {
            title: "Meetings",
            url: "/meetings",
        });
    }
    if u.role.may(Permission::Actions) {
        nav.push(NavItem::Link {
            title: "Actions",
            url: "/actions",
        });
    }
    if u.role.may(Permission::SubjectAccess) {
        nav.push(NavItem::Link {
            title: "Subject access",
            url: "/subject-access",
        });
    }
    if u.role.may(Permission::ReadAudit) {
        nav.push(NavItem::Link {
            title: "Audit trail",
            url: "/audit/",
        });
    }
    if u.role.may(Permission::ManageQuarantine) {
        nav.push(NavItem::Link {
            title: "Set aside",
            url: "/quarantine/",
        });
    }
    nav.push(NavItem::Post {
        title: "Sign out",
        action: "/logout",
        fields: sign_out,
    });
    nav
}

/// The change just made ("Decision recorded."), shown once.
fn notice_banner(notice: &str) -> Markup {
    html! {
        div.govuk-notification-banner.govuk-notification-banner--success role="alert" aria-labelledby="notice-title" data-module="govuk-notification-banner" {
            div.govuk-notification-banner__header {
                h2.govuk-notification-banner__title id="notice-title" { "Success" }
            }
            div.govuk-notification-banner__content {
                p.govuk-notification-banner__heading { (notice) }
            }
        }
    }
}

/// Records that did not open: a link to them for those who handle them, a word for the rest.
fn quarantine_banner(count: usize, manages: bool) -> Markup {
    html! {
        div.govuk-notification-banner role="region" aria-labelledby="quarantine-title" data-module="govuk-notification-banner" {
            div.govuk-notification-banner__header {
                h2.govuk-notification-banner__title id="quarantine-title" { "Important" }
            }
            div.govuk-notification-banner__content {
                p.govuk-notification-banner__heading {
                    (count) @if count == 1 { " record was" } @else { " records were" }
                    " received but could not be opened, and are set aside unread."
                }
                @if manages {
                    p.govuk-body { a.govuk-notification-banner__link href="/quarantine/" { "See why, and try them again" } }
                } @else {
                    p.govuk-body { "A workspace administrator has been told on their pages. Nothing in them is lost." }
                }
            }
        }
    }
}

/// The newest audit entries. Records are shown by their reference where the inbox still
/// holds them (the id stays in the trail itself, which never changes).
pub fn audit_page(
    c: &Chrome,
    entries: &[Entry],
    references: &std::collections::HashMap<String, String>,
    zone: chrono_tz::Tz,
) -> Markup {
    let main = html! {
        h1.govuk-heading-xl { "Audit trail" }
        p.govuk-body { "The newest " (entries.len()) " entries. Check the whole chain with " code { "prem workspace audit verify" } " (it works while the workspace runs)." }
        table.govuk-table {
            thead.govuk-table__head { tr.govuk-table__row {
                @for h in ["#", "When", "Who", "What", "Record"] { th.govuk-table__header scope="col" { (h) } }
            } }
            tbody.govuk-table__body {
                @for e in entries {
                    tr.govuk-table__row {
                        td.govuk-table__cell { (e.seq) }
                        td.govuk-table__cell { (crate::local_time::date_time(e.at, zone)) }
                        td.govuk-table__cell { (e.actor) }
                        td.govuk-table__cell { (e.action) }
                        td.govuk-table__cell {
                            @match references.get(&e.record) {
                                Some(reference) => { (reference) }
                                None => { (e.record) }
                            }
                        }
                    }
                }
            }
        }
    };
    page(c, "Audit trail", "/audit/", main)
}

/// Records that did not open, with why, and the button that tries them again.
pub fn quarantine_page(
    c: &Chrome,
    held: &[crate::workspace::store::Quarantined],
    zone: chrono_tz::Tz,
) -> Markup {
    let main = html! {
        h1.govuk-heading-xl { "Records set aside" }
        p.govuk-body {
            "These records reached the workspace but could not be opened. They are kept sealed, exactly as they arrived, and the kiosk has been told the workspace holds them, so nothing is lost and nothing behind them was held up."
        }
        p.govuk-body {
            "The usual causes: the kiosk sealed them to a development key or to another team's key, or the workspace is using the wrong key file. Fix the key (see the README), restart the workspace if you changed its key file, then try them again."
        }
        @if held.is_empty() {
            p.govuk-body { "Nothing is set aside." }
        } @else {
            table.govuk-table {
                caption.govuk-table__caption.govuk-table__caption--m { (held.len()) @if held.len() == 1 { " record" } @else { " records" } }
                thead.govuk-table__head { tr.govuk-table__row {
                    @for h in ["Reference", "Kiosk and sequence", "Received", "Tries", "Why it did not open"] { th.govuk-table__header scope="col" { (h) } }
                } }
                tbody.govuk-table__body {
                    @for q in held {
                        tr.govuk-table__row {
                            td.govuk-table__cell { @if q.reference.is_empty() { "(none listed)" } @else { (q.reference) } }
                            td.govuk-table__cell { (q.key.kiosk) ", number " (q.sequence) }
                            td.govuk-table__cell { (crate::local_time::date_time(q.fetched_at, zone)) }
                            td.govuk-table__cell { (q.attempts) }
                            td.govuk-table__cell { (q.reason) }
                        }
                    }
                }
            }
            form method="post" action="/quarantine/retry" {
                (csrf_field(&c.csrf))
                button.govuk-button type="submit" { "Try to open them again" }
            }
        }
    };
    page(c, "Records set aside", "/quarantine/", main)
}

/// An error page: a heading and what to do, nothing about the server.
pub fn error_page(c: &Chrome, title: &str, text: &str, correlation: Option<&str>) -> Markup {
    let main = html! {
        h1.govuk-heading-xl { (title) }
        p.govuk-body { (text) }
        @if let Some(id) = correlation {
            p.govuk-body { "If you report this, quote " strong { (id) } "." }
        }
        p.govuk-body { a.govuk-link href="/" { "Back to the cases" } }
    };
    page(c, title, "", main)
}
