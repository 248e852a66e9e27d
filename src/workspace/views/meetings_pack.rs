//! What the meeting cycle prints: a meeting's agenda as the meeting pack (one case per printed
//! page), an extraordinary meeting's action plan, and the action register per LA. Each is a
//! normal workspace page (`views::page`, so the marking is on it and on every printed sheet);
//! links and buttons carry `app-no-print`.

use maud::{html, Markup};

use super::{page, Chrome};
use crate::meetings::{Agenda, Item, OpenAction, Section};

pub struct AgendaView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub when: String,
    pub la: String,
    /// (when, by whom); none for a preview of an agenda not yet published.
    pub published: Option<(String, String)>,
    pub agenda: &'a Agenda,
}

fn section_name(s: Section) -> &'static str {
    match s {
        Section::ExtraordinaryReview => "Review after an extraordinary meeting",
        Section::New => "New case",
        Section::Review => "Review",
    }
}

/// Text kept with its line breaks, one paragraph per line.
fn lines(text: &str) -> Markup {
    html! {
        @if text.trim().is_empty() { p.govuk-body { "None given." } }
        @for l in text.lines().filter(|l| !l.trim().is_empty()) { p.govuk-body { (l) } }
    }
}

/// The open actions of one case, each with its latest update.
pub fn open_actions(actions: &[OpenAction]) -> Markup {
    html! {
        @if actions.is_empty() {
            p.govuk-body { "No open actions." }
        } @else {
            table.govuk-table {
                thead.govuk-table__head { tr.govuk-table__row {
                    @for h in ["Action", "Owner", "Due", "Latest update"] { th.govuk-table__header scope="col" { (h) } }
                } }
                tbody.govuk-table__body {
                    @for o in actions {
                        tr.govuk-table__row {
                            td.govuk-table__cell { (o.action.text) }
                            td.govuk-table__cell { (o.action.owner_agency) ", " (o.action.owner_role) }
                            td.govuk-table__cell.app-nowrap {
                                (o.action.due.format("%-d %B %Y"))
                                @if o.overdue { " " strong.govuk-tag.govuk-tag--red { "Overdue" } }
                            }
                            td.govuk-table__cell {
                                @match &o.latest {
                                    Some(u) => { (u.text) " (" (u.reported_by) ", " (u.date.format("%-d %B %Y")) ")" }
                                    None => { "None yet" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn item(n: usize, i: &Item) -> Markup {
    let l = &i.listing;
    html! {
        section.app-pack-case {
            h2.govuk-heading-l { (n + 1) ". " (l.reference) }
            p.govuk-body { strong.govuk-tag { (section_name(l.section())) } }
            h3.govuk-heading-m { "Reason for referral" }
            (lines(&l.reason))
            h3.govuk-heading-m { "Work done so far to reduce the risk" }
            (lines(&l.work_done))
            h3.govuk-heading-m { "Open actions" }
            (open_actions(&i.actions))
        }
    }
}

pub fn agenda_page(c: &Chrome, v: &AgendaView) -> Markup {
    let main = html! {
        div.app-print-a4 {
            span.govuk-caption-l { (v.la) }
            h1.govuk-heading-xl { "Agenda: " (v.title) }
            p.govuk-body { (v.when) }
            @match &v.published {
                Some((at, by)) => { p.govuk-body { "Published " (at) " by " (by) "." } }
                None => { p.govuk-body { strong.govuk-tag.govuk-tag--yellow { "Draft" } " Not yet published: this is how it stands now." } }
            }
            p.govuk-body.app-no-print {
                a.govuk-link href={ "/meetings/" (v.id) } { "Back to the meeting" } " · "
                a.govuk-link href={ "/meetings/" (v.id) "/agenda.csv" } { "Download as CSV" }
            }
            @if v.agenda.items.is_empty() { p.govuk-body { "No cases on this agenda." } }
            @for (n, i) in v.agenda.items.iter().enumerate() { (item(n, i)) }
        }
    };
    page(c, &format!("Agenda: {}", v.title), "/meetings", main)
}

/// One action on the register.
pub struct RegisterRow {
    pub reference: String,
    pub href: String,
    pub text: String,
    pub owner: String,
    pub due: String,
    pub latest: String,
}

/// One LA's part of the register: its next meeting and its actions by where they stand.
pub struct RegisterPart {
    pub la: String,
    pub next_meeting: Option<String>,
    pub due: Vec<RegisterRow>,
    pub overdue: Vec<RegisterRow>,
    pub completed: Vec<RegisterRow>,
}

fn register_table(caption: &str, rows: &[RegisterRow]) -> Markup {
    html! {
        table.govuk-table {
            caption.govuk-table__caption.govuk-table__caption--m { (caption) " (" (rows.len()) ")" }
            @if !rows.is_empty() {
                thead.govuk-table__head { tr.govuk-table__row {
                    @for h in ["Case", "Action", "Owner", "Due", "Latest update"] { th.govuk-table__header scope="col" { (h) } }
                } }
                tbody.govuk-table__body {
                    @for r in rows {
                        tr.govuk-table__row {
                            td.govuk-table__cell { a.govuk-link href=(r.href) { (r.reference) } }
                            td.govuk-table__cell { (r.text) }
                            td.govuk-table__cell { (r.owner) }
                            td.govuk-table__cell.app-nowrap { (r.due) }
                            td.govuk-table__cell { (r.latest) }
                        }
                    }
                }
            }
        }
    }
}

pub fn register_page(c: &Chrome, parts: &[RegisterPart]) -> Markup {
    let main = html! {
        h1.govuk-heading-xl { "Action register" }
        p.govuk-body.app-no-print { a.govuk-link href="/actions.csv" { "Download every action as CSV" } }
        @if parts.is_empty() { p.govuk-body { "No actions you may see." } }
        @for p in parts {
            section.app-pack-case {
                h2.govuk-heading-l { (p.la) }
                p.govuk-body {
                    @match &p.next_meeting {
                        Some(m) => { "Next meeting: " (m) "." }
                        None => { "No meeting scheduled." }
                    }
                }
                (register_table("Overdue", &p.overdue))
                (register_table("Due before the next meeting", &p.due))
                (register_table("Completed", &p.completed))
            }
        }
    };
    page(c, "Action register", "/actions", main)
}
