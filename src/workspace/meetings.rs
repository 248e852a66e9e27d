//! The meeting cycle in the workspace: the records the store keeps beside the pure domain of
//! `crate::meetings` (a case listed for a meeting, an agenda as published), and the questions
//! every meeting page asks of configuration and the store: which meetings an account may see,
//! where a case goes next, what its agenda entry says, which agendas are late.
//!
//! An LA-tied role sees the meetings of its LA's series and of series hearing every LA; on
//! those, only the cases it may see (`listing::visible`), so a shared panel's agenda shows each
//! council's office its own cases alone.

pub mod change;
pub mod notify;

use chrono::{DateTime, Days, Utc};
use serde::{Deserialize, Serialize};

use super::accounts::User;
use super::model::{RecordKey, Referral};
use super::{listing, Workspace};
use crate::config::{LaScope, SeriesConfig};
use crate::meetings::{Agenda, Listing, ListingKind, MeetingId, Minute, Occurrence, Schedule};

/// How far ahead the calendar and the dashboard look.
pub const AHEAD_DAYS: u64 = 62;

/// A case listed for a meeting, and who is asked to come for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listed {
    pub meeting: MeetingId,
    /// The case's `kiosk/id`.
    pub case: String,
    pub kind: ListingKind,
    /// Listed for review after an extraordinary meeting heard it.
    #[serde(default)]
    pub extraordinary: bool,
    /// The member agencies chosen to attend for this case.
    #[serde(default)]
    pub agencies: Vec<String>,
    /// Those of them sent an invitation.
    #[serde(default)]
    pub invited: Vec<String>,
    /// Those who attended.
    #[serde(default)]
    pub attended: Vec<String>,
    pub listed_by: String,
    pub listed_at: DateTime<Utc>,
}

impl Listed {
    pub fn new(meeting: MeetingId, case: &str, kind: ListingKind, by: &str) -> Listed {
        Listed {
            meeting,
            case: case.into(),
            kind,
            extraordinary: false,
            agencies: Vec::new(),
            invited: Vec::new(),
            attended: Vec::new(),
            listed_by: by.into(),
            listed_at: Utc::now(),
        }
    }
}

/// An agenda as it was published: kept as sent, whatever changes after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    pub meeting: MeetingId,
    pub at: DateTime<Utc>,
    pub by: String,
    pub agenda: Agenda,
}

/// The series of `id`, if configured.
pub fn series<'a>(ws: &'a Workspace, id: &str) -> Option<&'a SeriesConfig> {
    ws.config.meetings.series.iter().find(|s| s.id == id)
}

/// Whether `user` may see the meetings of `s`: its own LA's series, or one hearing every LA.
pub fn series_visible(user: &User, s: &SeriesConfig) -> bool {
    match (user.role.la_scope(), &s.la, &user.la) {
        (LaScope::None, _, _) | (_, None, _) => true,
        (_, Some(la), Some(mine)) => la == mine,
        _ => false,
    }
}

/// The scheduled meeting `id` names, if its series meets that day and `user` may see it.
pub fn meeting<'a>(
    ws: &'a Workspace,
    user: &User,
    id: &MeetingId,
) -> Option<(&'a SeriesConfig, Occurrence)> {
    let MeetingId::Scheduled { series: s, date } = id else {
        return None;
    };
    let s = series(ws, s).filter(|s| series_visible(user, s))?;
    Some((s, Schedule::of(&ws.config).on(s, *date)?))
}

/// The meetings of the series `user` may see from today for [`AHEAD_DAYS`], not yet ended.
pub fn upcoming(ws: &Workspace, user: &User, now: DateTime<Utc>) -> Vec<Occurrence> {
    let schedule = Schedule::of(&ws.config);
    let today = schedule.today(now);
    let to = today + Days::new(AHEAD_DAYS);
    let visible: Vec<SeriesConfig> = (ws.config.meetings.series.iter())
        .filter(|s| series_visible(user, s))
        .cloned()
        .collect();
    (schedule.all_between(&visible, today, to).into_iter())
        .filter(|o| o.ends_at > now)
        .collect()
}

/// The upcoming meetings whose agenda is late: due out, not published, meeting not begun.
pub fn late_agendas(
    ws: &Workspace,
    user: &User,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Occurrence>> {
    let mut late = Vec::new();
    for o in upcoming(ws, user, now) {
        let published = ws.store.published(&o.id())?.is_some();
        if o.agenda_warning(now, published).is_some() {
            late.push(o);
        }
    }
    Ok(late)
}

/// The LA whose meetings hear `r`: the owning LA, else the presenting one.
pub fn case_la<'a>(ws: &'a Workspace, r: &'a Referral) -> Option<&'a str> {
    let form = ws.form_of(r);
    r.owning_authority(form)
        .or_else(|| r.presenting_authority(form))
}

/// Whether `r` is in a state `meetings.listable_states` names.
pub fn listable(ws: &Workspace, r: &Referral) -> bool {
    let state = ws.flow(r).state_id(&r.case).to_string();
    ws.config.meetings.listable_states.contains(&state)
}

/// The first meeting after `after` that hears `r`: its LA's series, or those hearing every LA.
pub fn next_for(ws: &Workspace, r: &Referral, after: DateTime<Utc>) -> Option<Occurrence> {
    let schedule = Schedule::of(&ws.config);
    let series = &ws.config.meetings.series;
    match case_la(ws, r) {
        Some(la) => schedule.next_for_la(series, la, after),
        None => (series.iter().filter(|s| s.la.is_none()))
            .filter_map(|s| schedule.next_scheduled(s, after))
            .min_by_key(|o| o.starts_at),
    }
}

/// The meetings `r` may be listed on: those of the series hearing it, from now for
/// [`AHEAD_DAYS`].
pub fn choices_for(ws: &Workspace, r: &Referral, now: DateTime<Utc>) -> Vec<Occurrence> {
    let la = case_la(ws, r);
    let series = &ws.config.meetings.series;
    let own = series
        .iter()
        .any(|s| s.la.is_some() && s.la.as_deref() == la);
    let hearing: Vec<SeriesConfig> = (series.iter())
        .filter(|s| {
            if own {
                s.la.as_deref() == la
            } else {
                s.la.is_none()
            }
        })
        .cloned()
        .collect();
    let schedule = Schedule::of(&ws.config);
    let today = schedule.today(now);
    (schedule
        .all_between(&hearing, today, today + Days::new(AHEAD_DAYS))
        .into_iter())
    .filter(|o| o.starts_at > now)
    .collect()
}

/// The answers of `r` to `questions`, each on its own line.
fn answers(r: &Referral, questions: &[String]) -> String {
    (questions.iter())
        .filter_map(|q| r.submission.answers.get(q))
        .map(|v| match v {
            crate::forms::Value::One(s) => s.clone(),
            crate::forms::Value::Many(list) => list.join(", "),
        })
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `l`'s entry on an agenda: the reason for referral and the work done so far from the
/// configured questions, and the summary of the case's latest minute.
pub fn agenda_listing(ws: &Workspace, r: &Referral, l: &Listed, minutes: &[Minute]) -> Listing {
    let m = &ws.config.meetings;
    let mut work_done = answers(r, &m.agenda_work_done);
    if let Some(last) = minutes.last() {
        if !work_done.is_empty() {
            work_done.push('\n');
        }
        work_done.push_str(&format!("Last minuted: {}", last.summary));
    }
    Listing {
        case: l.case.clone(),
        reference: r.submission.reference.clone(),
        reason: answers(r, &m.agenda_reason),
        work_done,
        kind: l.kind,
        extraordinary: l.extraordinary,
    }
}

/// The agenda of `o` as it would be published now, from every case listed (whoever looks).
pub fn draft_agenda(ws: &Workspace, o: &Occurrence) -> anyhow::Result<Agenda> {
    let mut listings = Vec::new();
    let mut actions = Vec::new();
    for l in ws.store.listings(&o.id())? {
        let Some(r) = referral(ws, &l.case)? else {
            continue;
        };
        let minutes = ws.store.minutes_of(&l.case)?;
        listings.push(agenda_listing(ws, &r, &l, &minutes));
        actions.extend(ws.store.actions_of(&l.case)?);
    }
    Ok(crate::meetings::assemble(o, &listings, &actions))
}

/// The referral of a case by its `kiosk/id`, if still held.
pub fn referral(ws: &Workspace, case: &str) -> anyhow::Result<Option<Referral>> {
    let Some((kiosk, id)) = case.split_once('/') else {
        return Ok(None);
    };
    ws.store.get(&RecordKey {
        kiosk: kiosk.into(),
        id: id.into(),
    })
}

/// Whether `user` may see the case `case` (`kiosk/id`); false once it is gone.
pub fn case_visible(ws: &Workspace, user: &User, case: &str) -> bool {
    matches!(referral(ws, case), Ok(Some(r)) if listing::visible(ws, user, &r))
}

/// `agenda` with only the cases `user` may see.
pub fn agenda_for(ws: &Workspace, user: &User, mut agenda: Agenda) -> Agenda {
    agenda
        .items
        .retain(|i| case_visible(ws, user, &i.listing.case));
    agenda
}

/// A new random id for an action or an extraordinary meeting: hex, safe in a URL.
pub fn new_id() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// Lists `case` for review on the next meeting hearing it after `after`, marking it as heard
/// by an extraordinary meeting; an existing listing there is marked so too.
pub fn list_for_review(
    ws: &Workspace,
    r: &Referral,
    after: DateTime<Utc>,
    extraordinary: bool,
    by: &str,
) -> anyhow::Result<Option<MeetingId>> {
    let Some(next) = next_for(ws, r, after) else {
        return Ok(None);
    };
    let case = r.key.path();
    let mut l = (ws.store.listing(&next.id(), &case)?)
        .unwrap_or_else(|| Listed::new(next.id(), &case, ListingKind::Review, by));
    l.extraordinary |= extraordinary;
    ws.store.put_listing(&l, by, "list-for-review")?;
    Ok(Some(next.id()))
}
