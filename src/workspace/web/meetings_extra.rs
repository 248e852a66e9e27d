//! Extraordinary meetings: asked for from a case (the chair is told at once, and the meeting
//! is due by `meetings.extraordinary`), recorded once convened (attendees, decisions, actions
//! with agency and timescale, lessons learned), its action plan printed, and the case listed
//! for review at the next scheduled meeting hearing it, by itself.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{NaiveDate, NaiveTime, TimeZone as _, Utc};

use super::error::WorkspaceError;
use super::io::{self, blocking, Action as Audit, Shared};
use super::meetings_case::label;
use super::meetings_form::val;
use super::session::{may, SignedIn};
use crate::http::extract::CsrfForm;
use crate::meetings::{ActionDraft, Attendee, ConveneDraft, Extraordinary, Schedule};
use crate::workspace::meetings as m;
use crate::workspace::model::{RecordKey, Referral};
use crate::workspace::views::meetings_extra::{extra_page, plan_page, ExtraView, ACTION_ROWS};
use crate::workspace::Workspace;

pub fn router() -> Router<Arc<Workspace>> {
    Router::new()
        .route("/cases/{kiosk}/{id}/extraordinary", post(request))
        .route("/extraordinary/{id}", get(show).post(convene))
        .route("/extraordinary/{id}/plan", get(plan))
}

type Typed = Vec<(String, String)>;

async fn request(
    State(ws): Shared,
    user: SignedIn<may::Extraordinary>,
    Path(key): Path<RecordKey>,
    _: CsrfForm<crate::http::extract::TokenOnly>,
) -> Result<Response, WorkspaceError> {
    let r = io::referral(&ws, &user, key).await?;
    if !m::listable(&ws, &r) {
        return Err(WorkspaceError::NotNow);
    }
    let (w, actor) = (ws.clone(), user.name.clone());
    let x = blocking(move || m::change::request_extraordinary(&w, &r, &actor)).await?;
    let id = x.id.clone();
    let by = crate::local_time::date_time(x.deadline, ws.config.zone());
    user.flash(&format!(
        "Extraordinary meeting requested: the chair has been told. It is to be held by {by}."
    ))
    .await?;
    Ok(Redirect::to(&format!("/extraordinary/{id}")).into_response())
}

/// The extraordinary meeting `id` and its case, if `user` may see the case.
async fn find<P>(
    ws: &Arc<Workspace>,
    user: &SignedIn<P>,
    id: &str,
) -> Result<(Extraordinary, Referral), WorkspaceError> {
    let (w, u, id) = (ws.clone(), user.user.clone(), id.to_string());
    blocking(move || {
        let Some(x) = w.store.extraordinary(&id)? else {
            return Ok(None);
        };
        let r = m::referral(&w, &x.case)?.filter(|r| crate::workspace::listing::visible(&w, &u, r));
        Ok(r.map(|r| (x, r)))
    })
    .await?
    .ok_or(WorkspaceError::NotFound)
}

async fn render<P>(
    ws: &Arc<Workspace>,
    user: &SignedIn<P>,
    (x, r): (&Extraordinary, &Referral),
    typed: &[(String, String)],
    errors: Vec<(String, String)>,
) -> Result<Response, WorkspaceError> {
    let zone = ws.config.zone();
    let next = match &x.convened {
        Some(c) => m::next_for(ws, r, c.at).map(|o| label(ws, &o.id())),
        None => None,
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let view = ExtraView {
        id: &x.id,
        reference: &r.submission.reference,
        case_href: format!("/cases/{}", r.key.path()),
        requested: crate::local_time::date_time(x.requested_at, zone),
        deadline: crate::local_time::date_time(x.deadline, zone),
        overdue: x.is_overdue(Utc::now()),
        convened: x
            .convened
            .as_ref()
            .map(|c| (crate::local_time::date_time(c.at, zone), c)),
        can_convene: user.role.may(crate::workspace::Permission::Extraordinary),
        next,
        typed,
        errors,
    };
    Ok((status, extra_page(&user.frame(ws).await?, &view)).into_response())
}

async fn show(
    State(ws): Shared,
    user: SignedIn<may::Meetings>,
    Path(id): Path<String>,
) -> Result<Response, WorkspaceError> {
    let (x, r) = find(&ws, &user, &id).await?;
    user.audit(&ws, Audit::ViewList("extraordinary"), &r.key.path())
        .await?;
    render(&ws, &user, (&x, &r), &[], Vec::new()).await
}

/// A date typed as `27/3/2027` (or with `-` or `.` between).
fn day(s: &str) -> Option<NaiveDate> {
    let parts: Vec<u32> = s
        .split(['/', '-', '.', ' '])
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    match parts[..] {
        [d, mo, y] if (2000..=2200).contains(&y) => NaiveDate::from_ymd_opt(y as i32, mo, d),
        _ => None,
    }
}

/// The non-empty lines typed in `name`, trimmed.
fn lines(typed: &[(String, String)], name: &str) -> Vec<String> {
    (val(typed, name).lines())
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// "Agency, role" as an attendee (with no role when there is no comma, which is refused).
fn attendee(line: String) -> Attendee {
    match line.split_once(',') {
        Some((agency, role)) => Attendee {
            agency: agency.trim().into(),
            role: role.trim().into(),
        },
        None => Attendee {
            agency: line,
            role: String::new(),
        },
    }
}

/// The action rows filled in (a row left wholly empty is none), each with a new id.
fn actions(typed: &[(String, String)]) -> Vec<(String, ActionDraft)> {
    let mut out = Vec::new();
    for n in 1..=ACTION_ROWS {
        let f = |k: &str| val(typed, &format!("action{n}-{k}"));
        if ["text", "owner_agency", "owner_role", "due"]
            .iter()
            .all(|k| f(k).is_empty())
        {
            continue;
        }
        let draft = ActionDraft {
            text: f("text"),
            owner_agency: f("owner_agency"),
            owner_role: f("owner_role"),
            due: day(&f("due")),
        };
        out.push((m::new_id(), draft));
    }
    out
}

/// The meeting's record as typed, and the problems found reading it (before the domain's).
/// A time typed to the minute in the minute the request was made counts from the request.
fn draft(
    ws: &Workspace,
    x: &Extraordinary,
    typed: &[(String, String)],
) -> (ConveneDraft, Vec<(String, String)>) {
    let mut errors = Vec::new();
    let time = NaiveTime::parse_from_str(&val(typed, "held-time"), "%H:%M").ok();
    let at = day(&val(typed, "held-date"))
        .zip(time)
        .and_then(|(d, t)| {
            ws.config
                .zone()
                .from_local_datetime(&d.and_time(t))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc));
    let same_minute = |t: chrono::DateTime<Utc>| {
        t < x.requested_at && x.requested_at - t < chrono::TimeDelta::minutes(1)
    };
    let at = at.map(|t| if same_minute(t) { x.requested_at } else { t });
    if at.is_none() {
        errors.push((
            "held-date".into(),
            "Enter the day it was held, like 27/3/2027, and the time it started, like 14:30".into(),
        ));
    }
    let draft = ConveneDraft {
        at,
        attendees: lines(typed, "attendees")
            .into_iter()
            .map(attendee)
            .collect(),
        decisions: lines(typed, "decisions"),
        actions: actions(typed),
        lessons: val(typed, "lessons"),
    };
    (draft, errors)
}

/// The domain's problems as the page's errors, each at the field it is about.
fn problem_errors(p: crate::meetings::Problems) -> Vec<(String, String)> {
    (p.0.into_iter())
        .map(|(field, problem)| {
            let (id, what) = match field.split_once('.') {
                Some((list, rest)) if list.starts_with("attendees") => ("attendees".to_string(), format!("Give each attendee as agency, then role ({list} {rest} {problem})")),
                Some((list, rest)) => {
                    let n = list.trim_start_matches("actions[").trim_end_matches(']');
                    (format!("action{n}-{rest}"), format!("Action {n}: the {} {problem}: an action needs an agency, a role and a date", rest.replace('_', " ")))
                }
                None if field == "at" => ("held-date".into(), "Enter when it was held: after it was requested, and not in the future".into()),
                None if field == "attendees" => (field.clone(), "Enter who attended".into()),
                None if field == "decisions" => (field.clone(), "Enter the decisions made".into()),
                None => (field.clone(), format!("{field} {problem}")),
            };
            (id, what)
        })
        .collect()
}

/// Records `x` as convened from the form, or every problem with what was typed.
fn convened(
    ws: &Workspace,
    x: &mut Extraordinary,
    typed: &Typed,
) -> Result<(), Vec<(String, String)>> {
    let (draft, mut errors) = draft(ws, x, typed);
    if let Err(p) = x.convene(&draft, Utc::now(), &Schedule::of(&ws.config)) {
        for (id, message) in problem_errors(p) {
            if !errors.iter().any(|(e, _)| *e == id) {
                errors.push((id, message));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

async fn convene(
    State(ws): Shared,
    user: SignedIn<may::Extraordinary>,
    Path(id): Path<String>,
    CsrfForm(typed): CsrfForm<Typed>,
) -> Result<Response, WorkspaceError> {
    let (mut x, r) = find(&ws, &user, &id).await?;
    if x.convened.is_some() {
        return Err(WorkspaceError::NotNow);
    }
    if let Err(errors) = convened(&ws, &mut x, &typed) {
        return render(&ws, &user, (&x, &r), &typed, errors).await;
    }
    let (w, actor, rr) = (ws.clone(), user.name.clone(), r.clone());
    let next = blocking(move || m::change::save_convened(&w, &x, &rr, &actor)).await?;
    let listed = next
        .map(|id| format!(" The case is listed for review at {}.", label(&ws, &id)))
        .unwrap_or_default();
    user.flash(&format!("Extraordinary meeting recorded.{listed}"))
        .await?;
    Ok(Redirect::to(&format!("/extraordinary/{id}")).into_response())
}

async fn plan(
    State(ws): Shared,
    user: SignedIn<may::Meetings>,
    Path(id): Path<String>,
) -> Result<Response, WorkspaceError> {
    let (x, r) = find(&ws, &user, &id).await?;
    let c = x.convened.as_ref().ok_or(WorkspaceError::NotFound)?;
    user.audit(&ws, Audit::ViewList("action-plan"), &r.key.path())
        .await?;
    let at = crate::local_time::date_time(c.at, ws.config.zone());
    Ok(plan_page(&user.frame(&ws).await?, &r.submission.reference, &at, c).into_response())
}
