//! Who the meeting cycle tells, and of what: a published agenda goes to every account that may
//! see the meeting (the members' people in the workspace); an extraordinary request goes at
//! once to the chairs of the panel hearing the case. What they are told is a fixed
//! `Waiting` kind with no content (see `crate::notify`), as for cases.
//!
//! Everything here reads the accounts, so it runs off the async threads.

use super::{case_visible, series_visible};
use crate::config::SeriesConfig;
use crate::notify::Waiting;
use crate::workspace::accounts::{self, Permission, User};
use crate::workspace::model::Referral;
use crate::workspace::Workspace;

fn send(ws: &Workspace, kind: Waiting, which: impl Fn(&User) -> bool) {
    if !ws.notifier.is_enabled() {
        return;
    }
    let to = accounts::addresses(&ws.store, |u| {
        let mut u = u.clone();
        ws.roles.resolve(&mut u.role);
        which(&u)
    });
    match to {
        Ok(to) if !to.is_empty() => ws.notifier.notify(to, kind),
        Ok(_) => {}
        Err(e) => {
            tracing::warn!(error = %e, kind = kind.name(), "could not read the accounts to notify")
        }
    }
}

/// Tells the accounts that may see `series`' meetings, other than `actor`, that an agenda is out.
pub fn agenda_published(ws: &Workspace, series: &SeriesConfig, actor: &str) {
    send(ws, Waiting::AgendaPublished, |u| {
        u.role.may(Permission::Meetings) && series_visible(u, series) && u.name != actor
    });
}

/// Tells the chairs (and vice chairs) of the series hearing `r` that an extraordinary meeting
/// has been asked for, other than `actor`.
pub fn extraordinary_requested(ws: &Workspace, r: &Referral, actor: &str) {
    let la = super::case_la(ws, r);
    let series = &ws.config.meetings.series;
    let own = series
        .iter()
        .any(|s| s.la.is_some() && s.la.as_deref() == la);
    let chairs: Vec<&str> = (series.iter())
        .filter(|s| {
            if own {
                s.la.as_deref() == la
            } else {
                s.la.is_none()
            }
        })
        .flat_map(|s| s.chair_roles.iter().chain(&s.vice_chair_roles))
        .map(String::as_str)
        .collect();
    let case = r.key.path();
    send(ws, Waiting::Extraordinary, |u| {
        chairs.contains(&u.role.label()) && u.name != actor && case_visible(ws, u, &case)
    });
}
