//! The meeting calendar and one meeting's page: the cases listed, the agencies chosen for each
//! (the chair, the LA manager or the sergeant), the invitations sent and who attended
//! (business support), and publishing the agenda, which keeps it as sent and tells the members
//! without any detail. Every view and change is audited; a refused post shows the page again.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;

use super::error::WorkspaceError;
use super::io::{blocking, Action, Shared};
use super::session::{may, SignedIn};
use crate::config::SeriesConfig;
use crate::http::extract::{CsrfForm, TokenOnly};
use crate::meetings::{ListingKind, MeetingId, Occurrence};
use crate::workspace::accounts::{Permission, User};
use crate::workspace::meetings as m;
use crate::workspace::views::meetings::{
    calendar_page, meeting_page, AgendaStatus, CalendarRow, ExtraRow, ListedRow, MeetingView,
};
use crate::workspace::Workspace;

pub fn router() -> Router<Arc<Workspace>> {
    Router::new()
        .route("/meetings", get(calendar))
        .route("/meetings/{id}", get(show))
        .route("/meetings/{id}/agencies", post(agencies))
        .route("/meetings/{id}/invitations", post(invitations))
        .route("/meetings/{id}/attendance", post(attendance))
        .route("/meetings/{id}/publish", post(publish))
        .merge(super::meetings_pack::router())
        .merge(super::meetings_case::router())
        .merge(super::meetings_extra::router())
}

/// "Thursday 14 January 2027 at 10:00", in the partnership's zone.
pub fn when(o: &Occurrence) -> String {
    format!(
        "{} at {}",
        o.date.format("%A %-d %B %Y"),
        o.time.format("%H:%M")
    )
}

pub fn la_of(s: &SeriesConfig) -> String {
    s.la.clone()
        .unwrap_or_else(|| "Every local authority".into())
}

/// The scheduled meeting a path names, if `user` may see it; anything else is not found.
pub fn find(
    ws: &Workspace,
    user: &User,
    id: &str,
) -> Result<(SeriesConfig, Occurrence), WorkspaceError> {
    let id: MeetingId = id.parse().map_err(|_| WorkspaceError::NotFound)?;
    let (s, o) = m::meeting(ws, user, &id).ok_or(WorkspaceError::NotFound)?;
    Ok((s.clone(), o))
}

async fn calendar(
    State(ws): Shared,
    user: SignedIn<may::Meetings>,
) -> Result<Response, WorkspaceError> {
    let (w, u) = (ws.clone(), user.user.clone());
    let (rows, extra) = blocking(move || Ok((calendar_rows(&w, &u)?, extra_rows(&w, &u)?))).await?;
    user.audit(&ws, Action::ViewList("meetings"), "").await?;
    Ok(calendar_page(&user.frame(&ws).await?, &rows, &extra).into_response())
}

fn calendar_rows(ws: &Workspace, user: &User) -> anyhow::Result<Vec<CalendarRow>> {
    let now = Utc::now();
    let zone = ws.config.zone();
    let mut rows = Vec::new();
    for o in m::upcoming(ws, user, now) {
        let Some(s) = m::series(ws, &o.series) else {
            continue;
        };
        let published = ws.store.published(&o.id())?.is_some();
        let status = match (published, o.publish_by) {
            (true, _) => AgendaStatus::Published,
            (false, None) => AgendaStatus::NoneAhead,
            (false, Some(by)) if by <= now => AgendaStatus::Late,
            (false, Some(_)) => AgendaStatus::NotYetDue,
        };
        let listed = (ws.store.listings(&o.id())?.iter())
            .filter(|l| m::case_visible(ws, user, &l.case))
            .count();
        rows.push(CalendarRow {
            id: o.id().to_string(),
            title: s.title.clone(),
            when: when(&o),
            la: la_of(s),
            send_by: o.publish_by.map(|t| crate::local_time::date_time(t, zone)),
            status,
            listed,
            moved_from: o.moved_from.map(|d| d.format("%-d %B").to_string()),
        });
    }
    Ok(rows)
}

fn extra_rows(ws: &Workspace, user: &User) -> anyhow::Result<Vec<ExtraRow>> {
    let (now, zone) = (Utc::now(), ws.config.zone());
    let mut all = ws.store.all_extraordinary()?;
    all.sort_by_key(|x| std::cmp::Reverse(x.requested_at));
    let mut rows = Vec::new();
    for x in all {
        let Some(r) = m::referral(ws, &x.case)? else {
            continue;
        };
        if !crate::workspace::listing::visible(ws, user, &r) {
            continue;
        }
        rows.push(ExtraRow {
            id: x.id.clone(),
            reference: r.submission.reference.clone(),
            requested: crate::local_time::date_time(x.requested_at, zone),
            deadline: crate::local_time::date_time(x.deadline, zone),
            overdue: x.is_overdue(now),
            convened: x.convened.is_some(),
        });
    }
    Ok(rows)
}

/// The meeting page's model for `user`, with a refused post's error if there is one.
fn meeting_view(
    ws: &Workspace,
    user: &User,
    (s, o): (&SeriesConfig, &Occurrence),
    error: Option<(String, String, String, Vec<String>)>,
) -> anyhow::Result<MeetingView> {
    let zone = ws.config.zone();
    let published = ws.store.published(&o.id())?;
    let mut cases = Vec::new();
    for l in ws.store.listings(&o.id())? {
        let Some(r) =
            m::referral(ws, &l.case)?.filter(|r| crate::workspace::listing::visible(ws, user, r))
        else {
            continue;
        };
        cases.push(ListedRow {
            href: format!("/cases/{}", l.case),
            case: l.case,
            reference: r.submission.reference.clone(),
            kind: if l.kind == ListingKind::New {
                "new"
            } else {
                "review"
            },
            extraordinary: l.extraordinary,
            agencies: l.agencies,
            invited: l.invited,
            attended: l.attended,
        });
    }
    Ok(MeetingView {
        id: o.id().to_string(),
        title: s.title.clone(),
        when: when(o),
        la: la_of(s),
        send_by: o.publish_by.map(|t| crate::local_time::date_time(t, zone)),
        late: o.agenda_warning(Utc::now(), published.is_some()).is_some(),
        published: published.map(|p| (crate::local_time::date_time(p.at, zone), p.by)),
        members: s.members.clone(),
        cases,
        can_manage: user.role.may(Permission::ManageMeetings),
        can_choose: user.role.may(Permission::ChooseAgencies),
        error,
    })
}

async fn render<P>(
    ws: &Arc<Workspace>,
    user: &SignedIn<P>,
    id: &str,
    status: StatusCode,
    error: Option<(String, String, String, Vec<String>)>,
) -> Result<Response, WorkspaceError> {
    let (s, o) = find(ws, user, id)?;
    let (w, u) = (ws.clone(), user.user.clone());
    let view = blocking(move || meeting_view(&w, &u, (&s, &o), error)).await?;
    Ok((status, meeting_page(&user.frame(ws).await?, &view)).into_response())
}

async fn show(
    State(ws): Shared,
    user: SignedIn<may::Meetings>,
    Path(id): Path<String>,
) -> Result<Response, WorkspaceError> {
    let page = render(&ws, &user, &id, StatusCode::OK, None).await?;
    user.audit(&ws, Action::ViewList("meeting"), &id).await?;
    Ok(page)
}

/// Which list of a listing a post ticks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tick {
    Agencies,
    Invitations,
    Attendance,
}

async fn agencies(
    State(ws): Shared,
    user: SignedIn<may::ChooseAgencies>,
    Path(id): Path<String>,
    CsrfForm(typed): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WorkspaceError> {
    tick(&ws, &user, &id, Tick::Agencies, &typed).await
}

async fn invitations(
    State(ws): Shared,
    user: SignedIn<may::ManageMeetings>,
    Path(id): Path<String>,
    CsrfForm(typed): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WorkspaceError> {
    tick(&ws, &user, &id, Tick::Invitations, &typed).await
}

async fn attendance(
    State(ws): Shared,
    user: SignedIn<may::ManageMeetings>,
    Path(id): Path<String>,
    CsrfForm(typed): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WorkspaceError> {
    tick(&ws, &user, &id, Tick::Attendance, &typed).await
}

/// The listing of `case` on meeting `o`, if `user` may see the case.
async fn listed(
    ws: &Arc<Workspace>,
    user: &User,
    o: &Occurrence,
    case: &str,
) -> Result<m::Listed, WorkspaceError> {
    let (w, u, id, c) = (ws.clone(), user.clone(), o.id(), case.to_string());
    let found = blocking(move || {
        Ok(w.store
            .listing(&id, &c)?
            .filter(|_| m::case_visible(&w, &u, &c)))
    })
    .await?;
    found.ok_or(WorkspaceError::NotFound)
}

/// `l` with `ticked` as its agencies, invitations or attendance (those invited or present
/// stay among those chosen); the audit trail's word and the message for the change.
fn ticked_into(
    mut l: m::Listed,
    what: Tick,
    ticked: Vec<String>,
) -> (m::Listed, &'static str, &'static str) {
    match what {
        Tick::Agencies => {
            l.invited.retain(|a| ticked.contains(a));
            l.attended.retain(|a| ticked.contains(a));
            l.agencies = ticked;
            (l, "choose-agencies", "Agencies to invite saved.")
        }
        Tick::Invitations => (
            m::Listed {
                invited: ticked,
                ..l
            },
            "record-invitations",
            "Invitations saved.",
        ),
        Tick::Attendance => (
            m::Listed {
                attended: ticked,
                ..l
            },
            "record-attendance",
            "Attendance saved.",
        ),
    }
}

/// The meeting page again (400) when no agency was ticked for `case`, the error at its form.
async fn none_chosen<P>(
    ws: &Arc<Workspace>,
    user: &SignedIn<P>,
    (id, o): (&str, &Occurrence),
    case: String,
) -> Result<Response, WorkspaceError> {
    let (w, mid) = (ws.clone(), o.id());
    let listed = blocking(move || w.store.listings(&mid)).await?;
    let n = listed.iter().position(|l| l.case == case).unwrap_or(0);
    let field = format!("c{}-agencies-1", n + 1);
    let error = (
        case,
        field,
        "Choose at least one agency to invite".into(),
        Vec::new(),
    );
    render(ws, user, id, StatusCode::BAD_REQUEST, Some(error)).await
}

/// Saves the agencies ticked for one listed case: chosen from the series' members (one at
/// least, else the page again with the error), or invited or present from those chosen.
async fn tick<P>(
    ws: &Arc<Workspace>,
    user: &SignedIn<P>,
    id: &str,
    what: Tick,
    typed: &[(String, String)],
) -> Result<Response, WorkspaceError> {
    let (s, o) = find(ws, user, id)?;
    let case = (typed.iter())
        .find(|(n, _)| n == "case")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let ticked: Vec<String> = (typed.iter())
        .filter(|(n, _)| n == "agency")
        .map(|(_, v)| v.clone())
        .collect();
    let l = listed(ws, user, &o, &case).await?;
    let offered = if what == Tick::Agencies {
        &s.members
    } else {
        &l.agencies
    };
    if ticked.iter().any(|t| !offered.contains(t)) {
        return Err(WorkspaceError::Malformed(
            "an agency that is not offered".into(),
        ));
    }
    if what == Tick::Agencies && ticked.is_empty() {
        return none_chosen(ws, user, (id, &o), case).await;
    }
    let (changed, word, done) = ticked_into(l, what, ticked);
    let (w, actor) = (ws.clone(), user.name.clone());
    blocking(move || w.store.put_listing(&changed, &actor, word)).await?;
    user.flash(done).await?;
    Ok(Redirect::to(&format!("/meetings/{id}")).into_response())
}

async fn publish(
    State(ws): Shared,
    user: SignedIn<may::ManageMeetings>,
    Path(id): Path<String>,
    _: CsrfForm<TokenOnly>,
) -> Result<Response, WorkspaceError> {
    let (s, o) = find(&ws, &user, &id)?;
    let (w, actor) = (ws.clone(), user.name.clone());
    let done = blocking(move || m::change::publish(&w, &s, &o, &actor)).await?;
    user.flash(if done {
        "Agenda published. The members have been told it is out."
    } else {
        "This agenda was already published."
    })
    .await?;
    Ok(Redirect::to(&format!("/meetings/{id}")).into_response())
}

/// The dashboard's late agendas for `user`: (title, when, id).
pub async fn late<P>(
    ws: &Arc<Workspace>,
    user: &SignedIn<P>,
) -> Result<Vec<(String, String, String)>, WorkspaceError> {
    if !user.role.may(Permission::Meetings) {
        return Ok(Vec::new());
    }
    let (w, u) = (ws.clone(), user.user.clone());
    blocking(move || {
        let late = m::late_agendas(&w, &u, Utc::now())?;
        Ok(late
            .iter()
            .map(|o| {
                let title =
                    m::series(&w, &o.series).map_or_else(|| o.series.clone(), |s| s.title.clone());
                (title, when(o), o.id().to_string())
            })
            .collect())
    })
    .await
}
