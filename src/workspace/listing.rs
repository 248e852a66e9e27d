//! The inbox list: which referrals a user sees, filtered as asked, as rows with their
//! deadlines, urgent ones first, then by deadline; and the kiosks' missing sequence numbers
//! shown above it. The rows are computed from records the caller has read.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use super::accounts::{Permission, User};
use super::deadline;
use super::model::Referral;
use super::Workspace;
use crate::config::LaScope;

/// Whether `user` may see `r` at all: its state may be seen by only some roles (an unendorsed
/// referral by its LA's managers), and an LA-tied role sees only its LA's records. Every page,
/// export and search asks this one function.
pub fn visible(inbox: &Workspace, user: &User, r: &Referral) -> bool {
    if !inbox.flow(r).seen_by(&r.case, user.role.label()) {
        return false;
    }
    let form = inbox.form_of(r);
    match (user.role.la_scope(), &user.la) {
        (LaScope::None, _) => true,
        (LaScope::Presenting, Some(la)) => r.presenting_authority(form) == Some(la.as_str()),
        (LaScope::Any, Some(la)) => r.concerns_la(form, la),
        (_, None) => false,
    }
}

/// The list's filters, as in its query string; an empty one does not filter.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Filter {
    #[serde(default)]
    pub la: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub form: String,
}

impl Filter {
    fn keeps(&self, inbox: &Workspace, r: &Referral) -> bool {
        (self.la.is_empty() || r.concerns_la(inbox.form_of(r), &self.la))
            && (self.status.is_empty() || inbox.flow(r).state_id(&r.case) == self.status)
            && (self.form.is_empty() || r.submission.form == self.form)
    }
}

/// One row of the inbox list.
pub struct Row {
    /// `None` when the user may not open referrals (so no link they cannot follow).
    pub href: Option<String>,
    pub reference: String,
    pub form: String,
    pub presenting_authority: String,
    pub owning_authority: String,
    /// The date the partner submitted it, in the partnership's zone.
    pub received: String,
    pub submitted_at: DateTime<Utc>,
    /// The title of its state.
    pub state: String,
    /// When it must leave its state by, if the state has a deadline.
    pub deadline: Option<NaiveDate>,
    pub overdue: bool,
    pub urgent: bool,
}

/// The rows `user` sees under `filter`: urgent first, then by deadline (those without one
/// last), then oldest first.
pub fn rows(inbox: &Workspace, user: &User, all: &[Referral], filter: &Filter) -> Vec<Row> {
    let may_open = user.role.may(Permission::ViewCase);
    let today = inbox.today();
    let mut rows: Vec<Row> = all
        .iter()
        .filter(|r| visible(inbox, user, r) && filter.keeps(inbox, r))
        .map(|r| row(inbox, r, may_open, today))
        .collect();
    rows.sort_by_key(|r| (!r.urgent, r.deadline.is_none(), r.deadline, r.submitted_at));
    rows
}

fn row(inbox: &Workspace, r: &Referral, may_open: bool, today: NaiveDate) -> Row {
    let form = inbox.form_of(r);
    let flow = inbox.flow(r);
    let deadline = flow.deadline(&r.case, r.created_at);
    Row {
        href: may_open.then(|| format!("/cases/{}", r.key.path())),
        reference: r.submission.reference.clone(),
        form: r.submission.form_title.clone(),
        presenting_authority: r.presenting_authority(form).unwrap_or("—").into(),
        owning_authority: r.owning_authority(form).unwrap_or("—").into(),
        received: crate::local_time::short_date(r.created_at, inbox.config.zone()),
        submitted_at: r.created_at,
        state: flow.state_title(&r.case),
        deadline,
        overdue: deadline.is_some_and(|d| deadline::is_overdue(d, today)),
        urgent: r.urgent(form),
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
