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
use chrono::Utc;

use super::error::WorkspaceError;
use super::io::{self, blocking, Shared};
use super::meetings_form::{self as form, PageErrors, Typed};
use super::session::{may, SignedIn};
use crate::http::extract::CsrfForm;
use crate::meetings::{Action, ListingKind, MeetingId, Status};
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
    errors: PageErrors,
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
    let l = match form::listing(&r, &choices, &typed, &user.name) {
        Ok(l) => l,
        Err(e) => return refused(&ws, &user, &r, "listing", typed, e).await,
    };
    let message = format!("Listed for {}.", label(&ws, &l.meeting));
    let (w, actor) = (ws.clone(), user.name.clone());
    blocking(move || w.store.put_listing(&l, &actor, "list-case")).await?;
    done(&user, &r, &message).await
}

/// Saves `a` with its audit entry as `word`, then says `message` on the case page.
async fn save<P>(
    ws: &Arc<Workspace>,
    user: &SignedIn<P>,
    r: &Referral,
    a: Action,
    (word, message): (&'static str, &str),
) -> Result<Response, WorkspaceError> {
    let (w, actor) = (ws.clone(), user.name.clone());
    blocking(move || w.store.put_action(&a, &actor, word)).await?;
    done(user, r, message).await
}

async fn agree(
    State(ws): Shared,
    user: SignedIn<may::Actions>,
    Path(key): Path<RecordKey>,
    CsrfForm(typed): CsrfForm<Typed>,
) -> Result<Response, WorkspaceError> {
    let r = io::referral(&ws, &user, key).await?;
    match form::action(&ws, &r, &typed) {
        Ok(a) => save(&ws, &user, &r, a, ("agree-action", "Action agreed.")).await,
        Err(e) => refused(&ws, &user, &r, "action", typed, e).await,
    }
}

async fn update(
    State(ws): Shared,
    user: SignedIn<may::Actions>,
    Path(at): Path<ActionPath>,
    CsrfForm(typed): CsrfForm<Typed>,
) -> Result<Response, WorkspaceError> {
    let r = io::referral(&ws, &user, at.key()).await?;
    let a = action_of(&ws, &r, &at.action).await?;
    let form = format!("update-{}", a.id);
    match form::update(&ws, a, &typed, &user.name) {
        Ok(a) => save(&ws, &user, &r, a, ("action-update", "Update recorded.")).await,
        Err(e) => refused(&ws, &user, &r, &form, typed, e).await,
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
    let (status, word, message) = match form::val(&typed, "status").as_str() {
        "done" => (Status::Done, "action-status:done", "Action marked done."),
        "dropped" => (Status::Dropped, "action-status:dropped", "Action dropped."),
        "open" => (Status::Open, "action-status:open", "Action open again."),
        _ => return Err(WorkspaceError::Malformed("an unknown status".into())),
    };
    a.set_status(status, ws.today());
    save(&ws, &user, &r, a, (word, message)).await
}

async fn minute(
    State(ws): Shared,
    user: SignedIn<may::Actions>,
    Path(key): Path<RecordKey>,
    CsrfForm(typed): CsrfForm<Typed>,
) -> Result<Response, WorkspaceError> {
    let r = io::referral(&ws, &user, key).await?;
    let id = form::val(&typed, "minute-meeting")
        .parse::<MeetingId>()
        .ok();
    let o = id
        .and_then(|id| m::meeting(&ws, &user, &id))
        .map(|(_, o)| o);
    let mi = match form::minute(&ws, &r, o.as_ref(), &typed, &user.name) {
        Ok(mi) => mi,
        Err(e) => return refused(&ws, &user, &r, "minute", typed, e).await,
    };
    let (w, actor, rr) = (ws.clone(), user.name.clone(), r.clone());
    let next = blocking(move || m::change::save_minute(&w, &rr, &mi, &actor)).await?;
    let listed = next.map(|id| format!(" Listed for review at {}.", label(&ws, &id)));
    done(
        &user,
        &r,
        &format!("Minute recorded.{}", listed.unwrap_or_default()),
    )
    .await
}
