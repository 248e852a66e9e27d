//! Telling people that something waits for them: when a case arrives in a state configured with
//! `notify`, and the day before a state's deadline. Who is told is read from configuration: the
//! accounts whose role may make a move from that state and who may see the case (an LA manager
//! only for its own LA), never the person who moved it there. What they are told is a fixed
//! [`Waiting`] kind with no content at all (see `crate::notify`).
//!
//! Everything here reads the accounts, so it runs off the async threads.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::model::Referral;
use super::{accounts, listing, Workspace};
use crate::notify::Waiting;

/// What kind of wait `r` is in now, if its state asks for a notification.
fn kind(inbox: &Workspace, r: &Referral) -> Option<Waiting> {
    let state = inbox.flow(r).state(&r.case)?;
    if !state.notify {
        return None;
    }
    Some(if r.urgent(inbox.form_of(r)) {
        Waiting::Urgent
    } else if state.seen_by.is_some() {
        Waiting::ToEndorse
    } else {
        Waiting::ToReview
    })
}

/// The addresses of the accounts that may move `r` on from its state and may see it, other
/// than `actor`'s.
fn recipients(inbox: &Workspace, r: &Referral, actor: Option<&str>) -> anyhow::Result<Vec<String>> {
    let flow = inbox.flow(r);
    let here = flow.state_id(&r.case).to_string();
    let roles: BTreeSet<&str> = (flow.workflow.moves.iter())
        .filter(|m| m.from.contains(&here))
        .flat_map(|m| m.roles.iter().map(String::as_str))
        .collect();
    accounts::addresses(&inbox.store, |u| {
        let mut u = u.clone();
        inbox.roles.resolve(&mut u.role);
        roles.contains(u.role.label())
            && Some(u.name.as_str()) != actor
            && listing::visible(inbox, &u, r)
    })
}

/// Tells whoever must act on `r` now that it waits for them, if its state says to. Never fails
/// the caller: a problem reading the accounts is logged (without any address) and skipped.
pub fn arrived(inbox: &Workspace, r: &Referral, actor: Option<&str>) {
    let Some(kind) = kind(inbox, r) else {
        return;
    };
    if !inbox.notifier.is_enabled() {
        return;
    }
    match recipients(inbox, r, actor) {
        Ok(to) if !to.is_empty() => inbox.notifier.notify(to, kind),
        Ok(_) => {}
        Err(e) => {
            tracing::warn!(error = %e, kind = kind.name(), "could not read the accounts to notify")
        }
    }
}

/// Tells whoever must act on each case whose deadline is `tomorrow` that a decision is due.
pub fn due_tomorrow(inbox: &Workspace, all: &[Referral], tomorrow: NaiveDate) {
    if !inbox.notifier.is_enabled() {
        return;
    }
    let mut to = BTreeSet::new();
    for r in all.iter().filter(|r| inbox.deadline(r) == Some(tomorrow)) {
        match recipients(inbox, r, None) {
            Ok(list) => to.extend(list),
            Err(e) => tracing::warn!(error = %e, "could not read the accounts to notify"),
        }
    }
    if !to.is_empty() {
        inbox
            .notifier
            .notify(to.into_iter().collect(), Waiting::DueTomorrow);
    }
}
