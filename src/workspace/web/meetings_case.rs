//! A case's meetings, actions and minutes, on its own page: listing it for a meeting (business
//! support), agreeing a SMART action, recording an update or a status, and minuting it. Each
//! post is checked by the domain (`crate::meetings`), saved with its audit entry and confirmed,
//! or refused with the case page again, the error summary and what was typed.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;
use chrono::{NaiveDate, Utc};

use super::error::WorkspaceError;
use super::io::{self, blocking, Shared};
use super::session::{may, SignedIn};
use crate::http::extract::CsrfForm;
use crate::meetings::{
    Action, ActionDraft, ListingKind, MeetingId, Minute, MinuteDraft, Problem, Problems, Status,
    UpdateDraft,
};
use crate::workspace::accounts::{Permission, User};
use crate::workspace::meetings::{self as m, Listed};
use crate::workspace::model::{RecordKey, Referral};
use crate::workspace::views::{self, meetings_case::CaseMeetings};
use crate::workspace::Workspace;

pub fn router() -> Router<Arc<Workspace>> {
    Router::new()
        .route("/cases/{kiosk}/{id}/listing", post(list))
        .route("/cases/{kiosk}/{id}/actions", post(agree))
        .route("/cases/{kiosk}/{id}/actions/{action}/updates", post(update))
        .route("/cases/{kiosk}/{id}/actions/{action}/status", post(status))
        .route("/cases/{kiosk}/{id}/minutes", post(minute))
}

type Typed = Vec<(String, String)>;

/// What `name` was typed as, trimmed.
pub(super) fn val(typed: &[(String, String)], name: &str) -> String {
    (typed.iter())
        .find(|(n, _)| n == name)
        .map_or_else(String::new, |(_, v)| v.trim().to_string())
}

/// The date typed in `{name}-day`, `-month`, `-year`: none when all are empty, an error when
/// they are not a real date.
pub(super) fn date(typed: &[(String, String)], name: &str) -> Result<Option<NaiveDate>, ()> {
    let [d, mo, y] = ["day", "month", "year"].map(|p| val(typed, &format!("{name}-{p}")));
    if d.is_empty() && mo.is_empty() && y.is_empty() {
        return Ok(None);
    }
    let n = |s: &str| s.parse::<u32>().ok();
    match (n(&y), n(&mo), n(&d)) {
        (Some(y), Some(mo), Some(d)) if (2000..=2200).contains(&y) => {
            NaiveDate::from_ymd_opt(y as i32, mo, d).map(Some).ok_or(())
        }
        _ => Err(()),
    }
}

/// How a meeting is named on a case's page.
pub(super) fn label(ws: &Workspace, id: &MeetingId) -> String {
    match id {
        MeetingId::Scheduled { series, date } => {
            let title = m::series(ws, series).map_or(series.as_str(), |s| s.title.as_str());
            format!("{title}, {}", date.format("%-d %B %Y"))
        }
        MeetingId::Extraordinary { .. } => "Extraordinary meeting".into(),
    }
}

/// The case page's meetings section for `user`, if they see meetings or actions.
pub(super) fn model(ws: &Workspace, user: &User, r: &Referral) -> Option<CaseMeetings> {
    let may = |p| user.role.may(p);
    if !may(Permission::Meetings) && !may(Permission::Actions) {
        return None;
    }
    let case = r.key.path();
    let listed: Vec<Listed> = (ws.store.all_listings().ok()?.into_iter())
        .filter(|l| l.case == case)
        .collect();
    let listable = m::listable(ws, r);
    let choices = (may(Permission::ManageMeetings) && listable).then(|| {
        (m::choices_for(ws, r, Utc::now()).iter())
            .map(|o| (o.id().to_string(), label(ws, &o.id())))
            .collect()
    });
    let zone = ws.config.zone();
    let extraordinary = (ws.store.all_extraordinary().ok()?.into_iter())
        .filter(|x| x.case == case)
        .map(|x| {
            let state = if x.convened.is_some() {
                "convened"
            } else {
                "to be held by"
            };
            let what = format!(
                "Extraordinary meeting requested {}: {state} {}",
                crate::local_time::date_time(x.requested_at, zone),
                crate::local_time::date_time(x.deadline, zone)
            );
            (format!("/extraordinary/{}", x.id), what)
        });
    let minutes = ws.store.minutes_of(&case).ok()?;
    Some(CaseMeetings {
        base: format!("/cases/{case}"),
        listings: listed
            .iter()
            .map(|l| {
                (
                    format!("/meetings/{}", l.meeting),
                    label(ws, &l.meeting),
                    if l.kind == ListingKind::New {
                        "new"
                    } else {
                        "review"
                    },
                )
            })
            .collect(),
        choices,
        actions: ws.store.actions_of(&case).ok()?,
        can_act: may(Permission::Actions),
        minute_meetings: listed
            .iter()
            .map(|l| (l.meeting.to_string(), label(ws, &l.meeting)))
            .collect(),
        minutes: minutes
            .into_iter()
            .map(|mi| (label(ws, &mi.meeting), mi))
            .collect(),
        risk_levels: (ws.config.meetings.risk_levels.iter())
            .map(|l| (l.clone(), l.clone()))
            .collect(),
        decisions: (ws.config.meetings.minute_decisions.iter())
            .map(|d| (d.id.clone(), d.title.clone()))
            .collect(),
        can_request: may(Permission::Extraordinary) && listable,
        extraordinary: extraordinary.collect(),
        ..CaseMeetings::default()
    })
}

/// The case page again (400) with a refused form's errors and what was typed in it.
async fn refused<P>(
    ws: &Arc<Workspace>,
    user: &SignedIn<P>,
    r: &Referral,
    form: &str,
    typed: Typed,
    errors: Vec<(String, String)>,
) -> Result<Response, WorkspaceError> {
    let mut view = super::frame::case(ws, user, r);
    if let Some(meetings) = view.meetings.as_mut() {
        meetings.failed = Some(form.to_string());
        meetings.typed = typed;
        meetings.errors = errors;
    }
    let chrome = user.frame(ws).await?;
    Ok((StatusCode::BAD_REQUEST, views::case_page(&chrome, &view)).into_response())
}

/// Saved: the message, and back to the case's meetings section.
async fn done<P>(
    user: &SignedIn<P>,
    r: &Referral,
    message: &str,
) -> Result<Response, WorkspaceError> {
    user.flash(message).await?;
    Ok(Redirect::to(&format!("/cases/{}#meetings", r.key.path())).into_response())
}

/// A problem with one field, in words: `what` names the field.
fn words(what: &str, p: Problem) -> String {
    match p {
        Problem::Missing => format!("Enter {what}"),
        Problem::TooLong(n) => format!("{} must be {n} characters or fewer", capital(what)),
        Problem::Unknown => format!("Choose {what} from the list"),
        Problem::Before(d) => format!(
            "{} must be on or after {}",
            capital(what),
            d.format("%-d %B %Y")
        ),
        Problem::After(d) => format!(
            "{} must be on or before {}",
            capital(what),
            d.format("%-d %B %Y")
        ),
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// The domain's problems as the page's errors: each field's id on the page and its words. A
/// date typed that is no date is missing to the domain, and said so here.
fn errors(
    prefix: &str,
    p: Problems,
    names: &[(&str, &str)],
    typed: &[(String, String)],
) -> Vec<(String, String)> {
    (p.0.into_iter())
        .map(|(field, problem)| {
            let what = names
                .iter()
                .find(|(f, _)| *f == field)
                .map_or("this", |(_, w)| w);
            let dated = ["due", "date", "next_review"].contains(&field.as_str());
            if !dated {
                return (format!("{prefix}-{field}"), words(what, problem));
            }
            let base = format!("{prefix}-{field}");
            let message = match date(typed, &base) {
                Err(()) => "Enter a real date, like 27 3 2027".to_string(),
                Ok(_) => words(what, problem),
            };
            (format!("{base}-day"), message)
        })
        .collect()
}

async fn list(
    State(ws): Shared,
    user: SignedIn<may::ManageMeetings>,
    Path(key): Path<RecordKey>,
    CsrfForm(typed): CsrfForm<Typed>,
) -> Result<Response, WorkspaceError> {
    let r = io::referral(&ws, &user, key).await?;
    if !m::listable(&ws, &r) {
        return Err(WorkspaceError::NotNow);
    }
    let choices = m::choices_for(&ws, &r, Utc::now());
    let chosen = choices
        .iter()
        .find(|o| o.id().to_string() == val(&typed, "listing-meeting"));
    let kind = match val(&typed, "listing-kind").as_str() {
        "new" => Some(ListingKind::New),
        "review" => Some(ListingKind::Review),
        _ => None,
    };
    let (Some(o), Some(kind)) = (chosen, kind) else {
        let mut e = Vec::new();
        if chosen.is_none() {
            e.push((
                "listing-meeting".into(),
                "Choose the meeting to list the case for".into(),
            ));
        }
        if kind.is_none() {
            e.push((
                "listing-kind".into(),
                "Choose whether it comes as a new case or a review".into(),
            ));
        }
        return refused(&ws, &user, &r, "listing", typed, e).await;
    };
    let (w, listed, actor) = (
        ws.clone(),
        Listed::new(o.id(), &r.key.path(), kind, &user.name),
        user.name.clone(),
    );
    blocking(move || w.store.put_listing(&listed, &actor, "list-case")).await?;
    done(&user, &r, &format!("Listed for {}.", label(&ws, &o.id()))).await
}

async fn agree(
    State(ws): Shared,
    user: SignedIn<may::Actions>,
    Path(key): Path<RecordKey>,
    CsrfForm(typed): CsrfForm<Typed>,
) -> Result<Response, WorkspaceError> {
    let r = io::referral(&ws, &user, key).await?;
    let meeting = val(&typed, "action-meeting").parse::<MeetingId>().ok();
    let draft = ActionDraft {
        text: val(&typed, "action-text"),
        owner_agency: val(&typed, "action-owner_agency"),
        owner_role: val(&typed, "action-owner_role"),
        due: date(&typed, "action-due").ok().flatten(),
    };
    let names = [
        ("text", "the action"),
        (
            "owner_agency",
            "the owning agency: an action without an owner cannot be saved",
        ),
        ("owner_role", "the owning role"),
        ("due", "a due date: an action without one cannot be saved"),
    ];
    match Action::agree(&m::new_id(), &r.key.path(), &draft, ws.today(), meeting) {
        Ok(a) => {
            let (w, actor) = (ws.clone(), user.name.clone());
            blocking(move || w.store.put_action(&a, &actor, "agree-action")).await?;
            done(&user, &r, "Action agreed.").await
        }
        Err(p) => {
            let e = errors("action", p, &names, &typed);
            refused(&ws, &user, &r, "action", typed, e).await
        }
    }
}

/// The action `id` of case `r`, or not found.
async fn action_of(ws: &Arc<Workspace>, r: &Referral, id: &str) -> Result<Action, WorkspaceError> {
    let (w, case, id) = (ws.clone(), r.key.path(), id.to_string());
    blocking(move || w.store.action(&case, &id))
        .await?
        .ok_or(WorkspaceError::NotFound)
}

#[derive(serde::Deserialize)]
struct ActionPath {
    kiosk: String,
    id: String,
    action: String,
}

impl ActionPath {
    fn key(&self) -> RecordKey {
        RecordKey {
            kiosk: self.kiosk.clone(),
            id: self.id.clone(),
        }
    }
}

async fn update(
    State(ws): Shared,
    user: SignedIn<may::Actions>,
    Path(at): Path<ActionPath>,
    CsrfForm(typed): CsrfForm<Typed>,
) -> Result<Response, WorkspaceError> {
    let r = io::referral(&ws, &user, at.key()).await?;
    let mut a = action_of(&ws, &r, &at.action).await?;
    let form = format!("update-{}", a.id);
    let draft = UpdateDraft {
        text: val(&typed, &format!("{form}-text")),
        date: date(&typed, &format!("{form}-date")).ok().flatten(),
        reported_by: val(&typed, &format!("{form}-reported_by")),
    };
    let names = [
        ("text", "what was reported"),
        ("date", "the date it was reported"),
        ("reported_by", "who reported it"),
    ];
    match a.record_update(&draft, &user.name, Utc::now(), ws.today()) {
        Ok(()) => {
            let (w, actor) = (ws.clone(), user.name.clone());
            blocking(move || w.store.put_action(&a, &actor, "action-update")).await?;
            done(&user, &r, "Update recorded.").await
        }
        Err(p) => {
            let e = errors(&form, p, &names, &typed);
            refused(&ws, &user, &r, &form, typed, e).await
        }
    }
}

async fn status(
    State(ws): Shared,
    user: SignedIn<may::Actions>,
    Path(at): Path<ActionPath>,
    CsrfForm(typed): CsrfForm<Typed>,
) -> Result<Response, WorkspaceError> {
    let r = io::referral(&ws, &user, at.key()).await?;
    let mut a = action_of(&ws, &r, &at.action).await?;
    let (status, word) = match val(&typed, "status").as_str() {
        "done" => (Status::Done, "done"),
        "dropped" => (Status::Dropped, "dropped"),
        "open" => (Status::Open, "open"),
        _ => return Err(WorkspaceError::Malformed("an unknown status".into())),
    };
    a.set_status(status, ws.today());
    let (w, actor, audit) = (
        ws.clone(),
        user.name.clone(),
        format!("action-status:{word}"),
    );
    blocking(move || w.store.put_action(&a, &actor, &audit)).await?;
    done(&user, &r, &format!("Action marked {word}.")).await
}

async fn minute(
    State(ws): Shared,
    user: SignedIn<may::Actions>,
    Path(key): Path<RecordKey>,
    CsrfForm(typed): CsrfForm<Typed>,
) -> Result<Response, WorkspaceError> {
    let r = io::referral(&ws, &user, key).await?;
    let meeting = val(&typed, "minute-meeting")
        .parse::<MeetingId>()
        .ok()
        .and_then(|id| m::meeting(&ws, &user, &id));
    let Some((_, o)) = meeting else {
        let e = vec![(
            "minute-meeting".into(),
            "Choose the meeting this minute is for".into(),
        )];
        return refused(&ws, &user, &r, "minute", typed, e).await;
    };
    let draft = MinuteDraft {
        summary: val(&typed, "minute-summary"),
        risk_level: val(&typed, "minute-risk_level"),
        decision: val(&typed, "minute-decision"),
        next_review: date(&typed, "minute-next_review").ok().flatten(),
    };
    let names = [
        ("summary", "a summary of the discussion"),
        ("risk_level", "a risk level"),
        ("decision", "the decision"),
        ("next_review", "the date of the next review"),
    ];
    match Minute::record(
        &r.key.path(),
        &o,
        &draft,
        &ws.config.meetings,
        &user.name,
        Utc::now(),
    ) {
        Ok(mi) => {
            let (w, actor, rr) = (ws.clone(), user.name.clone(), r.clone());
            let next = blocking(move || {
                w.store.put_minute(&mi, &actor)?;
                let after = mi
                    .next_review
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|t| t.and_utc());
                after.map_or(Ok(None), |after| {
                    m::list_for_review(&w, &rr, after, false, &actor)
                })
            })
            .await?;
            let listed = next
                .map(|id| format!(" Listed for review at {}.", label(&ws, &id)))
                .unwrap_or_default();
            done(&user, &r, &format!("Minute recorded.{listed}")).await
        }
        Err(p) => {
            let e = errors("minute", p, &names, &typed);
            refused(&ws, &user, &r, "minute", typed, e).await
        }
    }
}
