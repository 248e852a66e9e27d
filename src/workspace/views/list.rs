//! The inbox list: what a missing sequence number or the last pull needs saying, the pull and
//! export buttons, the filters, and the table, urgent first, then by deadline.

use maud::{html, Markup};

use super::{csrf_field, page, Chrome};
use crate::workspace::listing::{KioskGaps, Listing};
use crate::workspace::pull::PullReport;

/// The current filter values and the choices offered.
pub struct Filters<'a> {
    pub la: &'a str,
    pub status: &'a str,
    pub form: &'a str,
    pub las: &'a [String],
    /// Every workflow's states, (id, title), each id once.
    pub states: Vec<(&'a str, &'a str)>,
    /// (id, title)
    pub forms: Vec<(&'a str, &'a str)>,
}

pub struct ListView<'a> {
    pub listing: &'a Listing,
    pub filters: Filters<'a>,
    /// Kiosks with sequence numbers never received.
    pub gaps: Vec<KioskGaps>,
    pub last_pull: Option<(String, &'a [PullReport])>,
    pub can_pull: bool,
    pub can_export_csv: bool,
    /// Meetings soon whose agenda is due and not published: (title, when, id).
    pub late_agendas: Vec<(String, String, String)>,
}

pub fn list_page(c: &Chrome, v: &ListView) -> Markup {
    let main = html! {
        (super::meetings::late_banner(&v.late_agendas))
        h1.govuk-heading-xl { "Cases" }
        @for (kiosk, gaps) in &v.gaps { (gap_warning(kiosk, gaps)) }
        @if let Some((at, reports)) = &v.last_pull { (last_pull(at, reports)) }
        div.app-no-print {
            @if v.can_pull {
                form method="post" action="/pull" {
                    (csrf_field(&c.csrf))
                    button.govuk-button.govuk-button--secondary type="submit" { "Fetch new referrals now" }
                }
            }
            @if v.can_export_csv {
                p.govuk-body { a.govuk-link href="/export.csv" { "Download the list as CSV (no free text)" } }
            }
            (filters(&v.filters))
        }
        @if v.listing.rows.is_empty() {
            p.govuk-body { "No cases match." }
        } @else {
            (table(v.listing))
            (pagination(v.listing, &v.filters))
        }
    };
    page(c, "Cases", "/", main)
}

fn gap_warning(kiosk: &str, gaps: &[(u64, u64)]) -> Markup {
    html! {
        div.govuk-warning-text {
            span.govuk-warning-text__icon aria-hidden="true" { "!" }
            strong.govuk-warning-text__text {
                span.govuk-visually-hidden { "Warning" }
                "Kiosk " (kiosk) " never handed over "
                @if gaps.len() == 1 && gaps[0].0 == gaps[0].1 { "sequence number " } @else { "sequence numbers " }
                @for (i, (a, b)) in gaps.iter().enumerate() {
                    @if i > 0 { ", " }
                    @if a == b { (a) } @else { (a) " to " (b) }
                }
                ". Ask the kiosk's operator whether submissions were lost."
            }
        }
    }
}

fn last_pull(at: &str, reports: &[PullReport]) -> Markup {
    html! {
        div.govuk-inset-text {
            p.govuk-body { "Last pull " (at) ":" }
            ul.govuk-list {
                @for r in reports {
                    li {
                        (r.summary())
                        @if let Some(e) = &r.error {
                            br;
                            strong { "It stopped: " (e) ". What was fetched before that is safe; the next pull starts again where this one stopped." }
                        }
                    }
                }
            }
        }
    }
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

fn filters(f: &Filters) -> Markup {
    let las: Vec<(&str, &str)> = f.las.iter().map(|l| (l.as_str(), l.as_str())).collect();
    html! {
        form method="get" action="/" {
            fieldset.govuk-fieldset {
                legend.govuk-fieldset__legend.govuk-fieldset__legend--m { "Filter" }
                (select("la", "Local authority", f.la, &las))
                (select("status", "Stage", f.status, &f.states))
                (select("form", "Form", f.form, &f.forms))
                button.govuk-button type="submit" { "Apply filters" }
            }
        }
    }
}

fn table(listing: &Listing) -> Markup {
    let (rows, total) = (&listing.rows, listing.total);
    let first = listing.first;
    html! {
        table.govuk-table {
            caption.govuk-table__caption.govuk-table__caption--m {
                (total) @if total == 1 { " case" } @else { " cases" } ", urgent first, then by deadline"
                @if listing.pages > 1 {
                    span.govuk-caption-m {
                        @if rows.len() == 1 { "Showing case " (first) } @else { "Showing " (first) " to " (first + rows.len() - 1) }
                        ", page " (listing.page) " of " (listing.pages)
                    }
                }
            }
            thead.govuk-table__head { tr.govuk-table__row {
                @for h in ["Reference", "Form", "Presenting LA", "Owning LA", "Submitted", "Stage", "Due"] {
                    th.govuk-table__header.app-nowrap scope="col" { (h) }
                }
            } }
            tbody.govuk-table__body {
                @for r in rows {
                    tr.govuk-table__row {
                        td.govuk-table__cell {
                            @if let Some(href) = &r.href { a.govuk-link href=(href) { (r.reference) } } @else { (r.reference) }
                            @if r.urgent { " " strong.govuk-tag.govuk-tag--red { "Urgent" } }
                        }
                        td.govuk-table__cell { (r.form) }
                        td.govuk-table__cell { (r.presenting_authority) }
                        td.govuk-table__cell { (r.owning_authority) }
                        td.govuk-table__cell { (r.received) }
                        td.govuk-table__cell { (r.state) }
                        td.govuk-table__cell {
                            @if let Some(d) = r.deadline { span.app-nowrap { (d.format("%-d %b %Y")) } } @else { "—" }
                            @if r.overdue { " " strong.govuk-tag.govuk-tag--red { "Overdue" } }
                        }
                    }
                }
            }
        }
    }
}

/// The list's address for page `n`, keeping the filters.
fn page_href(f: &Filters, n: usize) -> String {
    let page = n.to_string();
    let pairs: Vec<(&str, &str)> = [("la", f.la), ("status", f.status), ("form", f.form)]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .chain([("page", page.as_str())])
        .collect();
    format!(
        "/?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

/// GOV.UK pagination: previous and next, the first and last pages, and those either side of
/// this one, with ellipses between.
fn pagination(l: &Listing, f: &Filters) -> Markup {
    if l.pages < 2 {
        return html! {};
    }
    let near = |n: usize| n == 1 || n == l.pages || n.abs_diff(l.page) <= 1;
    html! {
        nav.govuk-pagination.app-no-print aria-label="Pages of cases" {
            @if l.page > 1 {
                div.govuk-pagination__prev {
                    a.govuk-link.govuk-pagination__link href=(page_href(f, l.page - 1)) rel="prev" {
                        span.govuk-pagination__link-title { "Previous" span.govuk-visually-hidden { " page" } }
                    }
                }
            }
            ul.govuk-pagination__list {
                @for n in 1..=l.pages {
                    @if near(n) {
                        @if n == l.page {
                            li.govuk-pagination__item.govuk-pagination__item--current {
                                a.govuk-link.govuk-pagination__link href=(page_href(f, n)) aria-label=(format!("Page {n}")) aria-current="page" { (n) }
                            }
                        } @else {
                            li.govuk-pagination__item {
                                a.govuk-link.govuk-pagination__link href=(page_href(f, n)) aria-label=(format!("Page {n}")) { (n) }
                            }
                        }
                    } @else if near(n - 1) {
                        li.govuk-pagination__item.govuk-pagination__item--ellipses { "⋯" }
                    }
                }
            }
            @if l.page < l.pages {
                div.govuk-pagination__next {
                    a.govuk-link.govuk-pagination__link href=(page_href(f, l.page + 1)) rel="next" {
                        span.govuk-pagination__link-title { "Next" span.govuk-visually-hidden { " page" } }
                    }
                }
            }
        }
    }
}
