//! The inbox list: which referrals a user sees, filtered as asked, as rows with their
//! deadlines, urgent ones first, then by deadline; and the kiosks' missing sequence numbers
//! shown above it. The rows are computed from records the caller has read.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use super::accounts::{Permission, Role, User};
use super::case::Status;
use super::deadline;
use super::model::Referral;
use super::Inbox;

/// A business-support account sees only referrals naming its LA; other roles see them all.
pub fn visible(inbox: &Inbox, user: &User, r: &Referral) -> bool {
    match (user.role, &user.la) {
        (Role::BusinessSupport, Some(la)) => r.concerns_la(inbox.form_of(r), la),
        (Role::BusinessSupport, None) => false,
        _ => true,
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
    fn keeps(&self, inbox: &Inbox, r: &Referral) -> bool {
        (self.la.is_empty() || r.concerns_la(inbox.form_of(r), &self.la))
            && (self.status.is_empty() || r.case.status.slug() == self.status)
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
    pub status: Status,
    pub deadline: NaiveDate,
    pub overdue: bool,
    pub urgent: bool,
}

/// The rows `user` sees under `filter`: urgent first, then by deadline, then oldest first.
pub fn rows(inbox: &Inbox, user: &User, all: &[Referral], filter: &Filter) -> Vec<Row> {
    let may_open = user.role.may(Permission::ViewReferral);
    let today = inbox.today();
    let mut rows: Vec<Row> = all
        .iter()
        .filter(|r| visible(inbox, user, r) && filter.keeps(inbox, r))
        .map(|r| row(inbox, r, may_open, today))
        .collect();
    rows.sort_by_key(|r| (!r.urgent, r.deadline, r.submitted_at));
    rows
}

fn row(inbox: &Inbox, r: &Referral, may_open: bool, today: NaiveDate) -> Row {
    let form = inbox.form_of(r);
    let deadline = inbox.decision_deadline(r);
    Row {
        href: may_open.then(|| format!("/referrals/{}", r.key.path())),
        reference: r.submission.reference.clone(),
        form: r.submission.form_title.clone(),
        presenting_authority: r.presenting_authority(form).unwrap_or("—").into(),
        owning_authority: r.owning_authority(form).unwrap_or("—").into(),
        received: crate::local_time::short_date(r.created_at, inbox.config.zone()),
        submitted_at: r.created_at,
        status: r.case.status,
        deadline,
        overdue: r.case.status.awaiting_decision() && deadline::is_overdue(deadline, today),
        urgent: r.urgent(form),
    }
}

/// A kiosk's name and the ranges of sequence numbers it never handed over.
pub type KioskGaps = (String, Vec<(u64, u64)>);

/// Per configured kiosk, the sequence numbers it never handed over (kiosks without gaps left
/// out). Reads the store.
pub fn gaps(inbox: &Inbox) -> anyhow::Result<Vec<KioskGaps>> {
    let mut out = Vec::new();
    for k in &inbox.config.inbox.kiosks {
        let gaps = inbox.store.kiosk_state(&k.name)?.gaps;
        if !gaps.is_empty() {
            out.push((k.name.clone(), gaps));
        }
    }
    Ok(out)
}
