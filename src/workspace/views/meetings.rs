//! The meeting calendar (`/meetings`), one meeting's page with its listed cases and the forms
//! that choose, invite and record who came, and the dashboard's warning about late agendas.

use maud::{html, Markup};

use super::{csrf_field, error_summary, page, title_for, Chrome, FieldError};

/// One meeting on the calendar.
pub struct CalendarRow {
    pub id: String,
    pub title: String,
    /// "Thursday 14 January 2027 at 10:00"
    pub when: String,
    /// The LA it hears, or "Every local authority".
    pub la: String,
    pub send_by: Option<String>,
    pub status: AgendaStatus,
    pub listed: usize,
    /// The bank holiday it was moved from, as a date.
    pub moved_from: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgendaStatus {
    Published,
    /// Due out and not published: the dashboard warns of it.
    Late,
    NotYetDue,
    /// The series sends no agenda ahead.
    NoneAhead,
}

fn status_tag(s: AgendaStatus) -> Markup {
    html! {
        @match s {
            AgendaStatus::Published => { strong.govuk-tag.govuk-tag--green { "Agenda published" } }
            AgendaStatus::Late => { strong.govuk-tag.govuk-tag--red { "Agenda not published" } }
            AgendaStatus::NotYetDue => { strong.govuk-tag.govuk-tag--grey { "Agenda not yet due" } }
            AgendaStatus::NoneAhead => { strong.govuk-tag.govuk-tag--grey { "No agenda ahead" } }
        }
    }
}

/// One extraordinary meeting asked for, on the calendar.
pub struct ExtraRow {
    pub id: String,
    pub reference: String,
    pub requested: String,
    pub deadline: String,
    pub overdue: bool,
    pub convened: bool,
}

pub fn calendar_page(c: &Chrome, rows: &[CalendarRow], extra: &[ExtraRow]) -> Markup {
    let main = html! {
        h1.govuk-heading-xl { "Meetings" }
        @if !extra.is_empty() {
            h2.govuk-heading-l { "Extraordinary meetings" }
            table.govuk-table {
                thead.govuk-table__head { tr.govuk-table__row {
                    @for h in ["Case", "Requested", "To be held by", "Status"] { th.govuk-table__header scope="col" { (h) } }
                } }
                tbody.govuk-table__body {
                    @for x in extra {
                        tr.govuk-table__row {
                            td.govuk-table__cell { a.govuk-link href={ "/extraordinary/" (x.id) } { (x.reference) } }
                            td.govuk-table__cell { (x.requested) }
                            td.govuk-table__cell { (x.deadline) }
                            td.govuk-table__cell {
                                @if x.convened { strong.govuk-tag.govuk-tag--green { "Convened" } }
                                @else if x.overdue { strong.govuk-tag.govuk-tag--red { "Overdue" } }
                                @else { strong.govuk-tag.govuk-tag--yellow { "To convene" } }
                            }
                        }
                    }
                }
            }
        }
        h2.govuk-heading-l { "Coming meetings" }
        p.govuk-body.app-no-print {
            "To ask for an extraordinary meeting, open the case from the "
            a.govuk-link href="/" { "list of cases" }
            " and choose \u{201c}Request an extraordinary meeting\u{201d}."
        }
        @if rows.is_empty() {
            p.govuk-body { "No meetings in the next two months that you may see." }
        } @else {
            table.govuk-table {
                thead.govuk-table__head { tr.govuk-table__row {
                    @for h in ["Meeting", "When", "Local authority", "Agenda to be sent by", "Cases", "Agenda"] {
                        th.govuk-table__header scope="col" { (h) }
                    }
                } }
                tbody.govuk-table__body {
                    @for r in rows {
                        tr.govuk-table__row {
                            td.govuk-table__cell { a.govuk-link href={ "/meetings/" (r.id) } { (r.title) } }
                            td.govuk-table__cell {
                                (r.when)
                                @if let Some(d) = &r.moved_from { br; span.govuk-body-s { "(moved from " (d) ", a bank holiday)" } }
                            }
                            td.govuk-table__cell { (r.la) }
                            td.govuk-table__cell { (r.send_by.as_deref().unwrap_or("—")) }
                            td.govuk-table__cell { (r.listed) }
                            td.govuk-table__cell { (status_tag(r.status)) }
                        }
                    }
                }
            }
        }
    };
    page(c, "Meetings", "/meetings", main)
}

/// A case listed for the meeting, with who is asked to come for it.
pub struct ListedRow {
    pub case: String,
    pub href: String,
    pub reference: String,
    pub kind: &'static str,
    pub extraordinary: bool,
    pub agencies: Vec<String>,
    pub invited: Vec<String>,
    pub attended: Vec<String>,
}

pub struct MeetingView {
    pub id: String,
    pub title: String,
    pub when: String,
    pub la: String,
    pub send_by: Option<String>,
    /// (when, by whom)
    pub published: Option<(String, String)>,
    pub late: bool,
    pub members: Vec<String>,
    pub cases: Vec<ListedRow>,
    pub can_manage: bool,
    pub can_choose: bool,
    /// A refused post: the form's case, the field, what to fix, and what was ticked.
    pub error: Option<(String, String, String, Vec<String>)>,
}

/// Checkboxes named `name` for `options`, ticked where `ticked` has them; ids `{prefix}-{n}`.
fn checkboxes(prefix: &str, name: &str, options: &[String], ticked: &[String]) -> Markup {
    html! {
        div.govuk-checkboxes.govuk-checkboxes--small data-module="govuk-checkboxes" {
            @for (n, o) in options.iter().enumerate() {
                div.govuk-checkboxes__item {
                    input.govuk-checkboxes__input id={ (prefix) "-" (n + 1) } name=(name) type="checkbox" value=(o) checked[ticked.contains(o)];
                    label.govuk-label.govuk-checkboxes__label for={ (prefix) "-" (n + 1) } { (o) }
                }
            }
        }
    }
}

/// One of a listed case's forms: a legend, its checkboxes and a button, with the error if the
/// last post of this form was refused.
fn tick_form(
    csrf: &str,
    v: &MeetingView,
    (row, n): (&ListedRow, usize),
    what: &str,
    (options, ticked): (&[String], &[String]),
) -> Markup {
    let (legend, button) = match what {
        "agencies" => ("Agencies to invite", "Save the agencies"),
        "invitations" => ("Invitations sent", "Save the invitations"),
        _ => ("Attended", "Save the attendance"),
    };
    let prefix = format!("c{}-{what}", n + 1);
    let error = v
        .error
        .as_ref()
        .filter(|(case, field, _, _)| *case == row.case && field.starts_with(&prefix));
    let ticked = error.map_or(ticked, |(_, _, _, typed)| typed.as_slice());
    html! {
        form method="post" action={ "/meetings/" (v.id) "/" (what) } novalidate {
            (csrf_field(csrf))
            input type="hidden" name="case" value=(row.case);
            div.govuk-form-group.govuk-form-group--error[error.is_some()] {
                fieldset.govuk-fieldset {
                    legend.govuk-fieldset__legend.govuk-fieldset__legend--s { (legend) " for " (row.reference) }
                    @if let Some((_, _, message, _)) = error {
                        p.govuk-error-message { span.govuk-visually-hidden { "Error:" } " " (message) }
                    }
                    (checkboxes(&prefix, "agency", options, ticked))
                }
            }
            button.govuk-button.govuk-button--secondary type="submit" { (button) }
        }
    }
}

fn listed_case(c: &Chrome, v: &MeetingView, n: usize, row: &ListedRow) -> Markup {
    let form = |what, options: &[String], ticked: &[String]| {
        tick_form(&c.csrf, v, (row, n), what, (options, ticked))
    };
    html! {
        div.govuk-summary-card {
            div.govuk-summary-card__title-wrapper {
                h3.govuk-summary-card__title {
                    a.govuk-link href=(row.href) { (row.reference) } " (" (row.kind) ")"
                    @if row.extraordinary { " " strong.govuk-tag.govuk-tag--red { "After an extraordinary meeting" } }
                }
            }
            div.govuk-summary-card__content {
                dl.govuk-summary-list {
                    @for (k, list) in [("Agencies to invite", &row.agencies), ("Invitations sent", &row.invited), ("Attended", &row.attended)] {
                        div.govuk-summary-list__row {
                            dt.govuk-summary-list__key { (k) }
                            dd.govuk-summary-list__value { @if list.is_empty() { "None yet" } @else { (list.join(", ")) } }
                        }
                    }
                }
                div.app-no-print {
                    @if v.can_choose { (form("agencies", &v.members, &row.agencies)) }
                    @if v.can_manage && !row.agencies.is_empty() {
                        (form("invitations", &row.agencies, &row.invited))
                        (form("attendance", &row.agencies, &row.attended))
                    }
                }
            }
        }
    }
}

pub fn meeting_page(c: &Chrome, v: &MeetingView) -> Markup {
    let errors: Vec<FieldError> = (v.error.iter())
        .map(|(_, field, message, _)| FieldError { field, message })
        .collect();
    let main = html! {
        (error_summary(&errors))
        span.govuk-caption-l { (v.la) }
        h1.govuk-heading-xl { (v.title) }
        p.govuk-body { (v.when) }
        @match &v.published {
            Some((at, by)) => { p.govuk-body { strong.govuk-tag.govuk-tag--green { "Agenda published" } " " (at) " by " (by) "." } }
            None => {
                @if v.late {
                    div.govuk-warning-text {
                        span.govuk-warning-text__icon aria-hidden="true" { "!" }
                        strong.govuk-warning-text__text { span.govuk-visually-hidden { "Warning" } "The agenda should have been sent by " (v.send_by.as_deref().unwrap_or("now")) " and is not published." }
                    }
                } @else if let Some(by) = &v.send_by {
                    p.govuk-body { "The agenda is to be sent by " (by) "." }
                }
            }
        }
        ul.govuk-list.app-no-print {
            li { a.govuk-link href={ "/meetings/" (v.id) "/agenda" } { @if v.published.is_some() { "The agenda as published (print it as the meeting pack)" } @else { "Preview the agenda" } } }
            li { a.govuk-link href={ "/meetings/" (v.id) "/agenda.csv" } { "Download the agenda as CSV" } }
        }
        h2.govuk-heading-l { "Cases listed" }
        @if v.cases.is_empty() {
            p.govuk-body { "No case is listed for this meeting yet. List one from its case page." }
        }
        @for (n, row) in v.cases.iter().enumerate() { (listed_case(c, v, n, row)) }
        @if v.can_manage && v.published.is_none() {
            h2.govuk-heading-m.app-no-print { "Publish the agenda" }
            form.app-no-print method="post" action={ "/meetings/" (v.id) "/publish" } {
                (csrf_field(&c.csrf))
                p.govuk-body { "Publishing keeps the agenda as it is now and tells the members in the workspace, without any detail, that it is out." }
                button.govuk-button type="submit" { "Publish the agenda" }
            }
        }
    };
    page(c, &title_for(&v.title, &errors), "/meetings", main)
}

/// The dashboard's warning: meetings soon whose agenda is due and not out. (title, when, id)
pub fn late_banner(late: &[(String, String, String)]) -> Markup {
    html! {
        @if !late.is_empty() {
            div.govuk-notification-banner role="region" aria-labelledby="agenda-title" data-module="govuk-notification-banner" {
                div.govuk-notification-banner__header {
                    h2.govuk-notification-banner__title id="agenda-title" { "Important" }
                }
                div.govuk-notification-banner__content {
                    p.govuk-notification-banner__heading { "Agendas due and not published" }
                    ul.govuk-list {
                        @for (title, when, id) in late {
                            li { a.govuk-notification-banner__link href={ "/meetings/" (id) } { (title) ", " (when) } }
                        }
                    }
                }
            }
        }
    }
}
