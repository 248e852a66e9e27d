//! The inbox's pages, as pure functions of borrowed data, in the site's layout. Every page
//! carries the protective marking, because every page (even the list) names referrals.

mod auth;
mod referral;

use chrono::NaiveDate;
use maud::{html, Markup};

use super::accounts::{Permission, User};
use super::audit::Entry;
use super::model::Status;
use super::pull::PullReport;
use crate::kiosk::csrf::FIELD as CSRF_FIELD;
use crate::kiosk::pages::marking;
use crate::theme::{self, NavItem, SiteInfo};

pub use auth::{code_page, enrol_page, login_page, password_page};
pub use referral::{print_page, referral_page, CaseForm, ReferralView, RefusedPost};

/// What every page needs: the site, the marking, and (once signed in) who is looking.
pub struct Chrome<'a> {
    pub site: &'a SiteInfo,
    pub marking: &'a str,
    pub user: Option<&'a User>,
    pub csrf: &'a str,
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
    let sign_out = [(CSRF_FIELD, c.csrf)];
    let mut nav = Vec::new();
    if let Some(u) = c.user {
        nav.push(NavItem::Link {
            title: "Inbox",
            url: "/",
        });
        if u.role.may(Permission::ReadAudit) {
            nav.push(NavItem::Link {
                title: "Audit trail",
                url: "/audit/",
            });
        }
        nav.push(NavItem::Post {
            title: "Sign out",
            action: "/logout",
            fields: &sign_out,
        });
    }
    let body = html! {
        (marking(c.marking))
        @if let Some(u) = c.user {
            p.govuk-body-s.app-inbox-user.app-no-print {
                "Signed in as " strong { (u.name) } " (" (u.role.label())
                @if let Some(la) = &u.la { ", " (la) }
                ")"
            }
        }
        (main)
        (marking(c.marking))
    };
    let footer = html! {
        p.govuk-body-s { "For help with your account or your access, ask an inbox administrator." }
        p.govuk-body-s { "Every sign-in, view, decision and export is recorded in the audit trail." }
    };
    theme::app_base(c.site, title, current, &nav, footer, body)
}

/// One row of the inbox list.
pub struct Row {
    pub href: String,
    pub reference: String,
    pub form: String,
    pub presenting_la: String,
    pub owning_la: String,
    pub received: NaiveDate,
    pub status: Status,
    pub deadline: NaiveDate,
    pub overdue: bool,
    pub urgent: bool,
}

/// The current filter values and the choices offered.
pub struct Filters<'a> {
    pub la: &'a str,
    pub status: &'a str,
    pub form: &'a str,
    pub las: &'a [String],
    /// (id, title)
    pub forms: Vec<(&'a str, &'a str)>,
}

pub struct ListView<'a> {
    pub rows: &'a [Row],
    pub filters: Filters<'a>,
    /// (kiosk, gaps) for kiosks with sequence numbers never received.
    pub gaps: Vec<(String, Vec<(u64, u64)>)>,
    pub last_pull: Option<(String, &'a [PullReport])>,
    pub can_pull: bool,
    pub can_export_csv: bool,
}

fn select(name: &str, label: &str, current: &str, options: &[(&str, &str)]) -> Markup {
    html! {
        div.govuk-form-group {
            label.govuk-label for=(name) { (label) }
            select.govuk-select id=(name) name=(name) {
                option value="" selected[current.is_empty()] { "All" }
                @for (value, text) in options {
                    option value=(value) selected[*value == current] { (text) }
                }
            }
        }
    }
}

pub fn list_page(c: &Chrome, v: &ListView) -> Markup {
    let las: Vec<(&str, &str)> = v
        .filters
        .las
        .iter()
        .map(|l| (l.as_str(), l.as_str()))
        .collect();
    let statuses: Vec<(&str, &str)> = Status::ALL.iter().map(|s| (s.slug(), s.label())).collect();
    let main = html! {
        h1.govuk-heading-xl { "Referrals" }
        @for (kiosk, gaps) in &v.gaps {
            div.govuk-warning-text {
                span.govuk-warning-text__icon aria-hidden="true" { "!" }
                strong.govuk-warning-text__text {
                    span.govuk-visually-hidden { "Warning" }
                    "Kiosk " (kiosk) " never handed over sequence numbers "
                    @for (i, (a, b)) in gaps.iter().enumerate() {
                        @if i > 0 { ", " }
                        @if a == b { (a) } @else { (a) "–" (b) }
                    }
                    ". Ask the kiosk's operator whether submissions were lost."
                }
            }
        }
        @if let Some((at, reports)) = &v.last_pull {
            div.govuk-inset-text {
                p.govuk-body { "Last pull " (at) ":" }
                ul.govuk-list {
                    @for r in *reports {
                        li {
                            (r.kiosk) ": " (r.stored) " new, " (r.acked) " acknowledged"
                            @if r.error.is_some() { strong { " — stopped early; it will resume at the next pull" } }
                        }
                    }
                }
            }
        }
        div.app-no-print {
            @if v.can_pull {
                form method="post" action="/pull" {
                    (csrf_field(c.csrf))
                    button.govuk-button.govuk-button--secondary type="submit" { "Fetch new referrals now" }
                }
            }
            @if v.can_export_csv {
                p.govuk-body { a.govuk-link href="/export.csv" { "Download the list as CSV (no free text)" } }
            }
            form method="get" action="/" {
                fieldset.govuk-fieldset {
                    legend.govuk-fieldset__legend.govuk-fieldset__legend--m { "Filter" }
                    (select("la", "Local authority", v.filters.la, &las))
                    (select("status", "Status", v.filters.status, &statuses))
                    (select("form", "Form", v.filters.form, &v.filters.forms))
                    button.govuk-button type="submit" { "Apply filters" }
                }
            }
        }
        @if v.rows.is_empty() {
            p.govuk-body { "No referrals match." }
        } @else {
            table.govuk-table {
                caption.govuk-table__caption.govuk-table__caption--m { (v.rows.len()) @if v.rows.len() == 1 { " referral" } @else { " referrals" } ", urgent first, then by deadline" }
                thead.govuk-table__head { tr.govuk-table__row {
                    @for h in ["Reference", "Form", "Presenting LA", "Owning LA", "Received", "Status", "Decision due"] {
                        th.govuk-table__header scope="col" { (h) }
                    }
                } }
                tbody.govuk-table__body {
                    @for r in v.rows {
                        tr.govuk-table__row {
                            td.govuk-table__cell {
                                a.govuk-link href=(r.href) { (r.reference) }
                                @if r.urgent { " " strong.govuk-tag.govuk-tag--red { "Urgent" } }
                            }
                            td.govuk-table__cell { (r.form) }
                            td.govuk-table__cell { (r.presenting_la) }
                            td.govuk-table__cell { (r.owning_la) }
                            td.govuk-table__cell { (r.received.format("%-d %b %Y")) }
                            td.govuk-table__cell { (r.status.label()) }
                            td.govuk-table__cell {
                                (r.deadline.format("%-d %b %Y"))
                                @if r.overdue { " " strong.govuk-tag.govuk-tag--red { "Overdue" } }
                            }
                        }
                    }
                }
            }
        }
    };
    page(c, "Referrals", "/", main)
}

pub fn audit_page(c: &Chrome, entries: &[Entry]) -> Markup {
    let main = html! {
        h1.govuk-heading-xl { "Audit trail" }
        p.govuk-body { "The newest " (entries.len()) " entries. Check the whole chain with " code { "prem inbox audit verify" } "." }
        table.govuk-table {
            thead.govuk-table__head { tr.govuk-table__row {
                @for h in ["#", "When (UTC)", "Who", "What", "Record"] { th.govuk-table__header scope="col" { (h) } }
            } }
            tbody.govuk-table__body {
                @for e in entries {
                    tr.govuk-table__row {
                        td.govuk-table__cell { (e.seq) }
                        td.govuk-table__cell { (e.at.format("%Y-%m-%d %H:%M:%S")) }
                        td.govuk-table__cell { (e.actor) }
                        td.govuk-table__cell { (e.action) }
                        td.govuk-table__cell { (e.record) }
                    }
                }
            }
        }
    };
    page(c, "Audit trail", "/audit/", main)
}

/// An error page: a heading and what to do, nothing about the server.
pub fn error_page(c: &Chrome, title: &str, text: &str, correlation: Option<&str>) -> Markup {
    let main = html! {
        h1.govuk-heading-xl { (title) }
        p.govuk-body { (text) }
        @if let Some(id) = correlation {
            p.govuk-body { "If you report this, quote " strong { (id) } "." }
        }
        p.govuk-body { a.govuk-link href="/" { "Back to the referrals" } }
    };
    page(c, title, "", main)
}
