//! What the views are drawn from: the frame of every page, and the view of one referral with
//! the forms this user may use on it (asked of the case, so a page offers exactly the moves the
//! case would accept).

use crate::workspace::accounts::{Permission, User};
use crate::workspace::deadline;
use crate::workspace::model::Referral;
use crate::workspace::views::{Chrome, ReferralView};
use crate::workspace::Inbox;

/// The frame of a page before signing in.
pub fn signed_out(inbox: &Inbox, csrf: String) -> Chrome<'_> {
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
    inbox: &'a Inbox,
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
pub fn error<'a>(inbox: &'a Inbox, who: Option<&'a (User, String)>) -> Chrome<'a> {
    let token = who.map(|(_, token)| token.clone()).unwrap_or_default();
    Chrome {
        user: who.map(|(user, _)| user),
        ..signed_out(inbox, token)
    }
}

/// One referral as `user` sees it.
pub fn referral<'a>(inbox: &'a Inbox, user: &User, r: &'a Referral) -> ReferralView<'a> {
    let rules = inbox.rules(r);
    let deadline = inbox.decision_deadline(r);
    let case = &r.case;
    ReferralView {
        referral: r,
        form: inbox.form_of(r),
        deadline,
        overdue: case.status.awaiting_decision() && deadline::is_overdue(deadline, inbox.today()),
        can_decide: user.role.may(Permission::Decide) && case.may_decide(&rules).is_ok(),
        open_stage: case.open_stage(),
        can_escalate: case.may_record_stage(&rules, user.role).is_ok(),
        stages: &inbox.config.inbox.escalation,
        zone: inbox.config.zone(),
        can_set_status: user.role.may(Permission::SetStatus) && case.may_set_status(&rules).is_ok(),
        can_export: user.role.may(Permission::Export),
        seen: case.fingerprint(),
        posted: None,
    }
}
