//! What the views are drawn from: the frame of every page, and the view of one referral with
//! the forms this user may use on it (asked of the case, so a page offers exactly the moves the
//! case would accept).

use crate::workspace::accounts::{Permission, User};
use crate::workspace::deadline;
use crate::workspace::model::Referral;
use crate::workspace::views::{CaseView, Chrome};
use crate::workspace::Workspace;

/// The frame of a page before signing in.
pub fn signed_out(inbox: &Workspace, csrf: String) -> Chrome<'_> {
    Chrome {
        site: &inbox.site,
        marking: &inbox.config.inbox.protective_marking,
        user: None,
        csrf,
        notice: None,
        quarantined: 0,
    }
}

/// The frame of a signed-in page: the quarantine banner shows on every one of them.
pub fn signed_in<'a>(
    inbox: &'a Workspace,
    user: &'a User,
    csrf: String,
    notice: Option<String>,
) -> Chrome<'a> {
    Chrome {
        user: Some(user),
        notice,
        quarantined: inbox.store.quarantine_count(),
        ..signed_out(inbox, csrf)
    }
}

/// The frame of an error page: the menu of whoever is signed in (with their token), so they
/// can go on or sign out, but no banners.
pub fn error<'a>(inbox: &'a Workspace, who: Option<&'a (User, String)>) -> Chrome<'a> {
    let token = who.map(|(_, token)| token.clone()).unwrap_or_default();
    Chrome {
        user: who.map(|(user, _)| user),
        ..signed_out(inbox, token)
    }
}

/// One case as `user` sees it: the moves offered are exactly those the case would accept from
/// this user's role now.
pub fn case<'a>(inbox: &'a Workspace, user: &'a User, r: &'a Referral) -> CaseView<'a> {
    let flow = inbox.flow(r);
    let deadline = flow.deadline(&r.case, r.created_at);
    CaseView {
        referral: r,
        form: inbox.form_of(r),
        state: flow.state_title(&r.case),
        deadline,
        overdue: deadline.is_some_and(|d| deadline::is_overdue(d, inbox.today())),
        moves: flow.moves_for(&r.case, user.role.label()).collect(),
        can_export: user.role.may(Permission::Export),
        zone: inbox.config.zone(),
        overtaken: None,
        people: people(inbox, user, r),
        outcomes: if user.role.may(Permission::Tracker) {
            inbox.store.outcomes(&r.key.path()).unwrap_or_default()
        } else {
            Vec::new()
        },
        outcome_codes: (user.role.may(Permission::EditTracker))
            .then_some(&inbox.config.tracker.outcome_codes[..]),
        outcome_error: None,
        add_links: add_links(inbox, user, r),
        meetings: super::meetings_case::model(inbox, user, r),
    }
}

/// "Add a person" and "Add a place" for accounts with `edit-tracker`, each only when there is
/// a role to add it in.
fn add_links(inbox: &Workspace, user: &User, r: &Referral) -> Vec<(&'static str, String)> {
    if !user.role.may(Permission::EditTracker) {
        return Vec::new();
    }
    let base = format!("/cases/{}/add", r.key.path());
    [
        (false, "Add a person", "person"),
        (true, "Add a place", "place"),
    ]
    .into_iter()
    .filter(|(place, _, _)| {
        !crate::workspace::tracking::roles_to_add(inbox, user, *place).is_empty()
    })
    .map(|(_, words, what)| (words, format!("{base}/{what}")))
    .collect()
}

/// The people and places linked to `r` that `user` may see: none without the tracker
/// permission, no perpetrator without intelligence. (label, link role, page)
fn people(inbox: &Workspace, user: &User, r: &Referral) -> Vec<(String, String, String)> {
    if !user.role.may(Permission::Tracker) {
        return Vec::new();
    }
    let t = inbox.tracker.read().unwrap_or_else(|e| e.into_inner());
    let intelligence = user.role.may(Permission::Intelligence);
    (t.index.links_in(&r.key.path()).iter())
        .filter(|l| intelligence || !crate::workspace::tracking::is_intelligence(inbox, &l.role))
        .map(|l| {
            let id = l.subject.id();
            let label = (t.index.person(id).map(|p| p.name.clone()))
                .or_else(|| t.index.place(id).map(|p| p.name.clone()))
                .unwrap_or_default();
            (label, l.role.clone(), format!("/people/{id}"))
        })
        .collect()
}
