//! The case list: which referrals a user sees, filtered as asked, a page at a time as rows with
//! their deadlines, urgent ones first, then by deadline; and the kiosks' missing sequence
//! numbers shown above it. The rows come from summaries kept in memory (`summary`).

mod summary;

use chrono::NaiveDate;
use serde::Deserialize;

pub use summary::{Summaries, Summary};

use super::accounts::{Permission, User};
use super::deadline;
use super::model::Referral;
use super::{Case, Flow, Workspace};
use crate::config::LaScope;

/// Whether `user` may see `r` at all: its state may be seen by only some roles (an unendorsed
/// referral by its LA's managers), and an LA-tied role sees only its LA's records. Every page,
/// export and search asks this (the case list asks `sees` of its summaries, the same rule).
pub fn visible(inbox: &Workspace, user: &User, r: &Referral) -> bool {
    let form = inbox.form_of(r);
    let presenting = r.presenting_authority(form);
    sees(user, &inbox.flow_for(form), &r.case, presenting, |la| {
        r.concerns_la(form, la)
    })
}

fn sees(
    user: &User,
    flow: &Flow,
    case: &Case,
    presenting: Option<&str>,
    concerns: impl Fn(&str) -> bool,
) -> bool {
    if !flow.seen_by(case, user.role.label()) {
        return false;
    }
    match (user.role.la_scope(), &user.la) {
        (LaScope::None, _) => true,
        (LaScope::Presenting, Some(la)) => presenting == Some(la.as_str()),
        (LaScope::Any, Some(la)) => concerns(la),
        (_, None) => false,
    }
}

fn sees_summary(inbox: &Workspace, user: &User, s: &Summary) -> bool {
    let flow = inbox.flow_for(inbox.forms.get(&s.form));
    let presenting = s.presenting.as_deref();
    sees(user, &flow, &s.case, presenting, |la| s.concerns_la(la))
}

/// The list's filters, as in its query string; an empty one does not filter. `page` counts
/// from 1; anything else shows the first page.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Filter {
    #[serde(default)]
    pub la: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub form: String,
    #[serde(default)]
    pub page: String,
}

impl Filter {
    fn keeps(&self, s: &Summary) -> bool {
        (self.la.is_empty() || s.concerns_la(&self.la))
            && (self.status.is_empty() || s.state_id == self.status)
            && (self.form.is_empty() || s.form == self.form)
    }

    fn page(&self) -> usize {
        self.page.parse().unwrap_or(1).max(1)
    }
}

/// One row of the case list.
pub struct Row {
    /// `None` when the user may not open referrals (so no link they cannot follow).
    pub href: Option<String>,
    pub reference: String,
    pub form: String,
    pub presenting_authority: String,
    pub owning_authority: String,
    /// The date the partner submitted it, in the partnership's zone.
    pub received: String,
    /// The title of its state.
    pub state: String,
    /// When it must leave its state by, if the state has a deadline.
    pub deadline: Option<NaiveDate>,
    pub overdue: bool,
    pub urgent: bool,
}

/// One page of the list, and where it stands among the rest.
pub struct Listing {
    pub rows: Vec<Row>,
    /// Cases the user sees under the filter, on every page.
    pub total: usize,
    /// This page, from 1 (the last page if the one asked for is past the end).
    pub page: usize,
    pub pages: usize,
    /// The position of this page's first row in the whole list, from 1.
    pub first: usize,
}

/// The page of cases `user` sees under `filter`: urgent first, then by deadline (those without
/// one last), then oldest first. Blocking: it brings the summaries up to date from the store.
pub fn list(inbox: &Workspace, user: &User, filter: &Filter) -> anyhow::Result<Listing> {
    let may_open = user.role.may(Permission::ViewCase);
    let today = inbox.today();
    let current = inbox.summaries.current(inbox)?;
    let mut kept: Vec<&Summary> = (current.iter())
        .filter(|s| filter.keeps(s) && sees_summary(inbox, user, s))
        .collect();
    kept.sort_by(|a, b| {
        let key = |s: &Summary| (!s.urgent, s.deadline.is_none(), s.deadline, s.submitted_at);
        key(a).cmp(&key(b)).then_with(|| a.path.cmp(&b.path))
    });
    // A page renders fast whatever the partnership holds (`inbox.cases_per_page`, at least 1).
    let per_page = inbox.config.inbox.cases_per_page.max(1);
    let total = kept.len();
    let pages = total.div_ceil(per_page).max(1);
    let page = filter.page().min(pages);
    let rows = (kept.iter().skip((page - 1) * per_page).take(per_page))
        .map(|s| row(s, may_open, today))
        .collect();
    Ok(Listing {
        rows,
        total,
        page,
        pages,
        first: (page - 1) * per_page + 1,
    })
}

fn row(s: &Summary, may_open: bool, today: NaiveDate) -> Row {
    Row {
        href: may_open.then(|| format!("/cases/{}", s.path)),
        reference: s.reference.clone(),
        form: s.form_title.clone(),
        presenting_authority: s.presenting.clone().unwrap_or_else(|| "—".into()),
        owning_authority: s.owning.clone().unwrap_or_else(|| "—".into()),
        received: s.received.clone(),
        state: s.state_title.clone(),
        deadline: s.deadline,
        overdue: s.deadline.is_some_and(|d| deadline::is_overdue(d, today)),
        urgent: s.urgent,
    }
}

/// A kiosk's name and the ranges of sequence numbers it never handed over.
pub type KioskGaps = (String, Vec<(u64, u64)>);

/// Per configured kiosk, the sequence numbers it never handed over (kiosks without gaps left
/// out). Reads the store.
pub fn gaps(inbox: &Workspace) -> anyhow::Result<Vec<KioskGaps>> {
    let mut out = Vec::new();
    for k in &inbox.config.inbox.kiosks {
        let gaps = inbox.store.kiosk_state(&k.name)?.gaps;
        if !gaps.is_empty() {
            out.push((k.name.clone(), gaps));
        }
    }
    Ok(out)
}

/// Every workflow's states as (id, title), each id once, for the list's filter.
pub fn states(inbox: &Workspace) -> Vec<(&str, &str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for s in inbox.config.workflows.values().flat_map(|w| &w.states) {
        if !out.iter().any(|(id, _)| *id == s.id) {
            out.push((&s.id, &s.title));
        }
    }
    out
}
