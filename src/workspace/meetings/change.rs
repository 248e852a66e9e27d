//! The meeting cycle's changes that do more than save one record: publishing an agenda (kept
//! as sent, the members told), asking for an extraordinary meeting (the chairs told), recording
//! one convened and a minute (each listing the case for review by itself). Each runs off the
//! async threads; every write goes with its audit entry.

use chrono::Utc;

use super::{draft_agenda, list_for_review, new_id, notify, Published};
use crate::config::SeriesConfig;
use crate::meetings::{Extraordinary, MeetingId, Minute, Occurrence, Schedule};
use crate::workspace::model::Referral;
use crate::workspace::Workspace;

/// Publishes the agenda of `o` as it stands and tells the members; `false` if it already was.
pub fn publish(ws: &Workspace, s: &SeriesConfig, o: &Occurrence, by: &str) -> anyhow::Result<bool> {
    if ws.store.published(&o.id())?.is_some() {
        return Ok(false);
    }
    let p = Published {
        meeting: o.id(),
        at: Utc::now(),
        by: by.into(),
        agenda: draft_agenda(ws, o)?,
    };
    ws.store.publish(&p, by)?;
    notify::agenda_published(ws, s, by);
    Ok(true)
}

/// Asks for an extraordinary meeting about `r`, due by `meetings.extraordinary`, and tells the
/// chairs at once.
pub fn request_extraordinary(
    ws: &Workspace,
    r: &Referral,
    by: &str,
) -> anyhow::Result<Extraordinary> {
    let schedule = Schedule::of(&ws.config);
    let deadline = ws.config.meetings.extraordinary;
    let x = Extraordinary::request(&new_id(), &r.key.path(), Utc::now(), deadline, &schedule);
    ws.store
        .put_extraordinary(&x, by, "request-extraordinary")?;
    notify::extraordinary_requested(ws, r, by);
    Ok(x)
}

/// Keeps a convened extraordinary meeting and the actions it agreed, and lists `r` for review
/// at the next scheduled meeting hearing it: where it was listed.
pub fn save_convened(
    ws: &Workspace,
    x: &Extraordinary,
    r: &Referral,
    by: &str,
) -> anyhow::Result<Option<MeetingId>> {
    let Some(c) = &x.convened else {
        return Ok(None);
    };
    ws.store.put_extraordinary(x, by, "convene-extraordinary")?;
    for a in &c.actions {
        ws.store.put_action(a, by, "agree-action")?;
    }
    list_for_review(ws, r, c.at, true, by)
}

/// Keeps a minute and, when it gives a next review, lists the case for review at the first
/// meeting hearing it from that day: where it was listed.
pub fn save_minute(
    ws: &Workspace,
    r: &Referral,
    mi: &Minute,
    by: &str,
) -> anyhow::Result<Option<MeetingId>> {
    ws.store.put_minute(mi, by)?;
    let from = (mi.next_review)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc());
    match from {
        Some(from) => list_for_review(ws, r, from, false, by),
        None => Ok(None),
    }
}
