//! The tracker's pages: one person or place (its details, the cases it is linked to as this
//! account may see them, and its possible matches, each explained field by field with an
//! absolute score and a form to confirm, reject or mark unsure); search; and the lists of
//! repeat victims, repeat perpetrators and hotspots.

use maud::{html, Markup};

use super::{csrf_field, page, Chrome};
use crate::tracker::index::Suggestion;
use crate::tracker::repeats::Row;
use crate::tracker::score::{Agreement, Band, Field};

/// A case a record is linked to, as one account may know it.
pub enum CaseLine {
    /// A case this account may open: its reference, the link's role, the page.
    Open {
        reference: String,
        role: String,
        href: String,
    },
    /// A case held elsewhere: only its local authorities are said.
    Elsewhere { las: String },
}

pub struct SubjectView<'a> {
    pub id: &'a str,
    /// "Person" or "Place".
    pub kind: &'static str,
    pub title: &'a str,
    /// (label, value) rows of what is known.
    pub details: Vec<(&'static str, String)>,
    pub cases: Vec<CaseLine>,
    /// Each possible match: the suggestion, its label, and where its cases are. No label: a
    /// match held only in cases this account may not see, said by their LAs alone.
    pub matches: Vec<(Suggestion, Option<String>, Vec<CaseLine>)>,
    pub can_decide: bool,
    pub can_edit: bool,
}

fn agreement(a: Agreement) -> &'static str {
    match a {
        Agreement::Agreed => "agreed",
        Agreement::Partly => "partly agreed",
        Agreement::Disagreed => "disagreed",
        Agreement::Missing => "not known on both",
    }
}

fn field(f: Field) -> &'static str {
    match f {
        Field::Name => "Name",
        Field::Alias => "Alias",
        Field::DateOfBirth => "Date of birth",
        Field::Age => "Age",
        Field::Phone => "Phone",
        Field::Postcode => "Postcode district",
        Field::PlaceName => "Place name",
        Field::Kind => "Kind of place",
    }
}

fn band(b: Band) -> &'static str {
    match b {
        Band::Likely => "Likely the same",
        Band::Possible => "Possibly the same",
        Band::Unlikely => "Unlikely",
    }
}

fn cases(lines: &[CaseLine]) -> Markup {
    html! {
        ul.govuk-list.govuk-list--bullet {
            @for l in lines {
                @match l {
                    CaseLine::Open { reference, role, href } => li { a.govuk-link href=(href) { (reference) } @if !role.is_empty() { " (" (role) ")" } },
                    CaseLine::Elsewhere { las } => li { "A case held by " (las) ": ask its team if you need to know more." },
                }
            }
        }
    }
}

fn suggestion(
    c: &Chrome,
    v: &SubjectView,
    s: &Suggestion,
    label: Option<&str>,
    lines: &[CaseLine],
) -> Markup {
    let id = s.id.as_str();
    let Some(label) = label else {
        let elsewhere: Vec<&CaseLine> = (lines.iter())
            .filter(|l| matches!(l, CaseLine::Elsewhere { .. }))
            .collect();
        return html! {
            div.govuk-inset-text {
                p.govuk-body { "A possible match is held in a case you may not see:" }
                ul.govuk-list.govuk-list--bullet {
                    @for l in elsewhere {
                        @if let CaseLine::Elsewhere { las } = l { li { "A case held by " (las) ": ask its team if you need to know more." } }
                    }
                }
            }
        };
    };
    let label = if label.is_empty() {
        "(no name given)"
    } else {
        label
    };
    html! {
        div.govuk-summary-card {
            div.govuk-summary-card__title-wrapper {
                h3.govuk-summary-card__title { (label) ": " (band(s.explanation.band)) ", score " (s.explanation.total) }
            }
            div.govuk-summary-card__content {
                table.govuk-table {
                    caption.govuk-table__caption.govuk-table__caption--s { "Why it was suggested" }
                    thead.govuk-table__head { tr.govuk-table__row {
                        th.govuk-table__header scope="col" { "Field" }
                        th.govuk-table__header scope="col" { "Compared" }
                        th.govuk-table__header.govuk-table__header--numeric scope="col" { "Weight" }
                    } }
                    tbody.govuk-table__body {
                        @for f in &s.explanation.fields {
                            tr.govuk-table__row {
                                td.govuk-table__cell { (field(f.field)) }
                                td.govuk-table__cell { (agreement(f.agreement)) @if !f.detail.is_empty() { " (" (f.detail) ")" } }
                                td.govuk-table__cell.govuk-table__cell--numeric { (format!("{:+}", f.weight)) }
                            }
                        }
                    }
                }
                p.govuk-body { "Held in " (s.records) @if s.records == 1 { " record" } @else { " records" } ", linked to:" }
                (cases(lines))
                @if let Some(p) = s.previous { p.govuk-body { "Looked at before: " (format!("{p:?}").to_lowercase()) "." } }
                @if v.can_decide {
                    form method="post" action={ "/people/" (v.id) "/match" } novalidate {
                        (csrf_field(&c.csrf))
                        input type="hidden" name="other" value=(id);
                        div.govuk-form-group {
                            fieldset.govuk-fieldset {
                                legend.govuk-fieldset__legend.govuk-fieldset__legend--s { "Is this the same " (v.kind.to_lowercase()) "?" }
                                div.govuk-radios.govuk-radios--small {
                                    @for (value, text) in [("confirmed", "Yes, the same"), ("rejected", "No, not the same"), ("unsure", "Not sure yet")] {
                                        div.govuk-radios__item {
                                            input.govuk-radios__input id={ "verdict-" (id) "-" (value) } name="verdict" type="radio" value=(value);
                                            label.govuk-label.govuk-radios__label for={ "verdict-" (id) "-" (value) } { (text) }
                                        }
                                    }
                                }
                            }
                        }
                        div.govuk-form-group {
                            label.govuk-label for={ "reason-" (id) } { "Why (required)" }
                            textarea.govuk-textarea id={ "reason-" (id) } name="reason" rows="2" maxlength="2000" {}
                        }
                        button.govuk-button.govuk-button--secondary type="submit" { "Record the decision about " (label) }
                    }
                }
            }
        }
    }
}

pub fn subject_page(c: &Chrome, v: &SubjectView) -> Markup {
    let main = html! {
        span.govuk-caption-l { (v.kind) }
        h1.govuk-heading-xl { (v.title) }
        dl.govuk-summary-list {
            @for (k, value) in &v.details {
                div.govuk-summary-list__row { dt.govuk-summary-list__key { (k) } dd.govuk-summary-list__value { (value) } }
            }
        }
        @if v.can_edit { p.govuk-body.app-no-print { a.govuk-link href={ "/people/" (v.id) "/edit" } { "Edit this record" } } }
        h2.govuk-heading-m { "Cases" }
        (cases(&v.cases))
        h2.govuk-heading-m { "Possible matches" }
        @if v.matches.is_empty() {
            p.govuk-body { "None held." }
        } @else {
            @if v.matches.iter().any(|(_, label, _)| label.is_some()) {
                p.govuk-body { "Scores are absolute: each field that agrees adds its weight, each that disagrees takes it away. Nothing is merged until a person confirms it." }
            }
            @for (s, label, lines) in &v.matches { (suggestion(c, v, s, label.as_deref(), lines)) }
        }
    };
    page(c, v.title, "/", main)
}

/// One search result: what was found, how, and the visible cases.
pub struct Found {
    pub label: String,
    pub href: String,
    pub how: &'static str,
    pub cases: Vec<(String, String)>,
}

pub fn search_page(c: &Chrome, q: &str, found: Option<&[Found]>) -> Markup {
    let main = html! {
        h1.govuk-heading-xl { "Search" }
        form method="get" action="/search" {
            div.govuk-form-group {
                label.govuk-label for="q" { "Name or alias, date of birth, reference, place or postcode district" }
                div.govuk-hint id="q-hint" { "For example, a nickname, 27/3/2011 or a district such as the first half of a postcode." }
                input.govuk-input id="q" name="q" type="search" value=(q) aria-describedby="q-hint";
            }
            button.govuk-button type="submit" { "Search" }
        }
        @if let Some(found) = found {
            h2.govuk-heading-m { (found.len()) @if found.len() == 1 { " result" } @else { " results" } }
            @if found.is_empty() { p.govuk-body { "Nothing you may see matches." } }
            ul.govuk-list {
                @for f in found {
                    li {
                        a.govuk-link href=(f.href) { (f.label) } " — found by " (f.how)
                        @for (r, h) in &f.cases { " · " a.govuk-link href=(h) { (r) } }
                    }
                }
            }
        }
    };
    page(c, "Search", "/search", main)
}

/// The repeats page: which list, its filters, its rows.
pub struct RepeatsView<'a> {
    pub list: &'a str,
    pub title: &'static str,
    pub lists: Vec<(&'static str, &'static str)>,
    pub la: &'a str,
    pub las: &'a [String],
    pub from: &'a str,
    pub to: &'a str,
    pub rows: &'a [Row],
    /// Row label and page link.
    pub labels: Vec<(String, String)>,
}

pub fn repeats_page(c: &Chrome, v: &RepeatsView) -> Markup {
    let query = format!("la={}&from={}&to={}", v.la, v.from, v.to);
    let main = html! {
        h1.govuk-heading-xl { (v.title) }
        nav.app-no-print aria-label="Lists" {
            ul.govuk-list {
                @for (id, title) in &v.lists {
                    li { a.govuk-link href={ "/tracker/" (id) } aria-current=[(*id == v.list).then_some("page")] { (title) } }
                }
            }
        }
        form.app-no-print method="get" action={ "/tracker/" (v.list) } {
            div.govuk-form-group {
                label.govuk-label for="la" { "Local authority" }
                select.govuk-select id="la" name="la" {
                    option value="" selected[v.la.is_empty()] { "All" }
                    @for l in v.las { option value=(l) selected[l == v.la] { (l) } }
                }
            }
            div.govuk-form-group {
                label.govuk-label for="from" { "From (YYYY-MM-DD)" }
                input.govuk-input.govuk-input--width-10 id="from" name="from" type="text" value=(v.from);
            }
            div.govuk-form-group {
                label.govuk-label for="to" { "To (YYYY-MM-DD)" }
                input.govuk-input.govuk-input--width-10 id="to" name="to" type="text" value=(v.to);
            }
            button.govuk-button type="submit" { "Apply filters" }
        }
        p.govuk-body.app-no-print { a.govuk-link href={ "/tracker/" (v.list) ".csv?" (query) } { "Download this list as CSV" } }
        @if v.rows.is_empty() {
            p.govuk-body { "None." }
        } @else {
            table.govuk-table {
                caption.govuk-table__caption.govuk-table__caption--m { (v.rows.len()) " in this list" }
                thead.govuk-table__head { tr.govuk-table__row {
                    @for h in ["Name", "Cases", "By local authority", "By year"] { th.govuk-table__header scope="col" { (h) } }
                } }
                tbody.govuk-table__body {
                    @for (r, (label, href)) in v.rows.iter().zip(&v.labels) {
                        tr.govuk-table__row {
                            td.govuk-table__cell { a.govuk-link href=(href) { (label) } }
                            td.govuk-table__cell { (r.cases.len()) }
                            td.govuk-table__cell { @for (la, n) in &r.by_la { (la) ": " (n) br; } }
                            td.govuk-table__cell { @for (y, n) in &r.by_year { (y) ": " (n) br; } }
                        }
                    }
                }
            }
        }
    };
    page(c, v.title, "/tracker/", main)
}
