//! The tracker inside the workspace: the in-memory index of people and places (loaded at start
//! from the store, where every change is written first), what a pulled referral adds to it, and
//! the rules of who sees which person or place. A person or place is seen through the cases it
//! is linked to: an account sees it if it may see one of those cases, and sees a perpetrator
//! only with the `intelligence` permission.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use anyhow::Result;

use super::accounts::{Permission, User};
use super::model::Referral;
use super::{listing, Workspace};
use crate::tracker::decide::Decisions;
use crate::tracker::index::Index;
use crate::tracker::model::{CaseFacts, Link, Subject};
use crate::tracker::repeats::{Lists, Roles};

/// The tracker as the pages ask it.
#[derive(Default)]
pub struct Tracker {
    pub index: Index,
    pub decisions: Decisions,
    /// The repeat and hotspot lists, read from every link once on first ask and forgotten by
    /// [`change`]: ten years of links take too long to read for every view of a list.
    lists: OnceLock<Lists>,
}

impl Tracker {
    pub fn new(index: Index, decisions: Decisions) -> Tracker {
        Tracker {
            index,
            decisions,
            lists: OnceLock::new(),
        }
    }

    pub fn lists(&self, roles: &Roles) -> &Lists {
        (self.lists).get_or_init(|| Lists::build(&self.index, self.decisions.clusters(), roles))
    }
}

/// Changes the tracker under its write lock; the lists are read again when next asked for.
pub fn change<T>(ws: &Workspace, f: impl FnOnce(&mut Tracker) -> T) -> T {
    let mut t = ws.tracker.write().unwrap_or_else(|e| e.into_inner());
    let out = f(&mut t);
    t.lists = OnceLock::new();
    out
}

/// The link roles each list counts, from `[tracker]`.
pub fn list_roles(ws: &Workspace) -> Roles {
    let c = &ws.config.tracker;
    Roles {
        referred: c.referred_roles.clone(),
        perpetrator: c.perpetrator_roles.clone(),
    }
}

/// What the tracker knows of a case: its reference, its LAs and the day it was sent.
pub fn facts(ws: &Workspace, r: &Referral) -> CaseFacts {
    let form = ws.form_of(r);
    let las: BTreeSet<String> = [r.presenting_authority(form), r.owning_authority(form)]
        .into_iter()
        .flatten()
        .map(String::from)
        .collect();
    CaseFacts {
        key: r.key.path(),
        reference: r.submission.reference.clone(),
        las: las.into_iter().collect(),
        date: r.created_at.with_timezone(&ws.config.zone()).date_naive(),
    }
}

/// Takes a newly stored referral's people and places into the tracker: stored, then indexed.
/// Nothing is matched or merged: possible matches are shown to a reviewer to decide.
pub fn take(ws: &Workspace, r: &Referral) -> Result<()> {
    let Some(form) = ws.form_of(r) else {
        return Ok(());
    };
    let ex = crate::tracker::extract::extract(form, &r.submission, &r.key.path());
    let facts = facts(ws, r);
    ws.store.put_extracted(&ex, &facts)?;
    change(ws, |t| {
        for p in ex.people {
            t.index.put_person(p);
        }
        for p in ex.places {
            t.index.put_place(p);
        }
        for l in ex.links {
            t.index.put_link(l);
        }
        t.index.put_case(facts);
    });
    Ok(())
}

/// Reads the whole tracker again from the store, after a change made beneath it (a purge,
/// whether from the daily timer or `prem workspace purge` through the control socket).
pub fn reload(ws: &Workspace) -> Result<()> {
    let (index, decisions) = ws.store.load_tracker()?;
    change(ws, |t| *t = Tracker::new(index, decisions));
    Ok(())
}

/// The roles a person (or, with `place`, a place) added by hand to a case may be linked in:
/// for people the configured referred and perpetrator roles, then every role the forms'
/// `[[people]]` declare; for places the roles of the forms' `[[places]]`. Intelligence roles
/// only for accounts that may see intelligence, since they could not see what they added.
pub fn roles_to_add(ws: &Workspace, user: &User, place: bool) -> Vec<String> {
    let c = &ws.config.tracker;
    let declared: Vec<&String> = if place {
        (ws.forms.iter())
            .flat_map(|f| f.places.iter().map(|p| &p.role))
            .collect()
    } else {
        (c.referred_roles.iter())
            .chain(&c.perpetrator_roles)
            .chain(
                ws.forms
                    .iter()
                    .flat_map(|f| f.people.iter().map(|p| &p.role)),
            )
            .collect()
    };
    let intelligence = user.role.may(Permission::Intelligence);
    let mut out: Vec<String> = Vec::new();
    for role in declared {
        if !out.contains(role) && (place || intelligence || !is_intelligence(ws, role)) {
            out.push(role.clone());
        }
    }
    out
}

/// Adds a person or place by hand to the case `r`, linked in `role`: stored sealed with its
/// link, the case's facts and its audit entry in one write, then indexed at once so its
/// possible matches can be shown straight after.
pub fn add(ws: &Workspace, r: &Referral, record: Added, role: &str, actor: &str) -> Result<()> {
    let facts = facts(ws, r);
    let link = Link {
        case: facts.key.clone(),
        subject: record.subject(),
        role: role.to_owned(),
    };
    match &record {
        Added::Person(p) => ws.store.add_linked(p, &link, &facts, actor)?,
        Added::Place(p) => ws.store.add_linked(p, &link, &facts, actor)?,
    }
    change(ws, |t| {
        match record {
            Added::Person(p) => t.index.put_person(p),
            Added::Place(p) => t.index.put_place(p),
        }
        t.index.put_link(link);
        t.index.put_case(facts);
    });
    Ok(())
}

/// A person or place added by hand (or being edited).
pub enum Added {
    Person(crate::tracker::model::Person),
    Place(crate::tracker::model::Place),
}

impl Added {
    pub fn subject(&self) -> Subject {
        match self {
            Added::Person(p) => Subject::Person(p.id.clone()),
            Added::Place(p) => Subject::Place(p.id.clone()),
        }
    }

    pub fn id(&self) -> &crate::tracker::model::Id {
        match self {
            Added::Person(p) => &p.id,
            Added::Place(p) => &p.id,
        }
    }
}

/// Whether a link role is intelligence about someone else (`tracker.perpetrator_roles`).
pub fn is_intelligence(ws: &Workspace, role: &str) -> bool {
    ws.config
        .tracker
        .perpetrator_roles
        .iter()
        .any(|r| r == role)
}

/// Whether `user` may see the case `key` (as the tracker names it, `kiosk/id`).
pub fn sees_case(ws: &Workspace, user: &User, key: &str) -> bool {
    let Some((kiosk, id)) = key.split_once('/') else {
        return false;
    };
    let key = super::RecordKey {
        kiosk: kiosk.into(),
        id: id.into(),
    };
    matches!(ws.store.get(&key), Ok(Some(r)) if listing::visible(ws, user, &r))
}

/// Whether `user` may see `link`: its case, and, for a perpetrator, intelligence.
pub fn sees_link(ws: &Workspace, user: &User, link: &Link) -> bool {
    (!is_intelligence(ws, &link.role) || user.role.may(Permission::Intelligence))
        && sees_case(ws, user, &link.case)
}

/// The links of `subject` that `user` may see; none means the subject is "not found" to them.
pub fn visible_links(ws: &Workspace, user: &User, t: &Tracker, subject: &Subject) -> Vec<Link> {
    (t.index.links_of(subject.id()).iter())
        .filter(|l| sees_link(ws, user, l))
        .cloned()
        .collect()
}

/// How `user` may know of a possible match: in full (`Some(true)`) when they may see one of its
/// records' links; only as held by its cases' LAs (`Some(false)`) when those cases are not
/// theirs to see; not at all when it is intelligence they may not have. So an account learns no
/// name, detail or score from a case it may not open.
pub fn match_reach(
    ws: &Workspace,
    user: &User,
    t: &Tracker,
    sg: &crate::tracker::Suggestion,
) -> Option<bool> {
    let members = t.decisions.clusters().members(&sg.cluster);
    let links: Vec<&Link> = (members.iter()).flat_map(|m| t.index.links_of(m)).collect();
    if links.iter().any(|l| sees_link(ws, user, l)) {
        return Some(true);
    }
    let intelligence = user.role.may(Permission::Intelligence);
    (intelligence || links.iter().any(|l| !is_intelligence(ws, &l.role))).then_some(false)
}

/// Takes out of `r`'s answers what is intelligence about others, for an account without the
/// `intelligence` permission: the repeat pages (and single questions) a form's `[[people]]`
/// declares as perpetrators. Every page, print and export of a case goes through this.
pub fn redact(ws: &Workspace, user: &User, r: &mut Referral) {
    if user.role.may(Permission::Intelligence) {
        return;
    }
    let Some(form) = ws.form_of(r) else {
        return;
    };
    let answers = &mut r.submission.answers;
    for source in (form.people.iter()).filter(|p| is_intelligence(ws, &p.role)) {
        match &source.group {
            Some(page) => {
                answers.items.remove(page);
            }
            None => {
                let asked = [&source.name, &source.alias, &source.phone, &source.vehicle];
                let single = [&source.date_of_birth, &source.age, &source.postcode];
                for q in asked
                    .into_iter()
                    .flatten()
                    .chain(single.into_iter().flatten())
                {
                    answers.values.remove(q);
                }
            }
        }
    }
}
