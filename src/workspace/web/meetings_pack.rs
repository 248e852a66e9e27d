//! What is printed and downloaded: a meeting's agenda (as published, or a preview before) as
//! the meeting pack and as CSV, and the action register per LA as a page and as CSV. Each
//! shows only the cases the reader may see, and each view and download is audited.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::Utc;

use super::error::WorkspaceError;
use super::io::{blocking, Action, Shared};
use super::meetings::{find, la_of, when};
use super::session::{may, SignedIn};
use crate::meetings::action::{completed, due_before, overdue};
use crate::meetings::{export, Action as Agreed, Agenda, Schedule};
use crate::workspace::accounts::User;
use crate::workspace::meetings as m;
use crate::workspace::views::meetings_pack::{
    agenda_page, register_page, AgendaView, RegisterPart, RegisterRow,
};
use crate::workspace::Workspace;

pub fn router() -> Router<Arc<Workspace>> {
    Router::new()
        .route("/meetings/{id}/agenda", get(agenda))
        .route("/meetings/{id}/agenda.csv", get(agenda_csv))
        .route("/actions", get(register))
        .route("/actions.csv", get(register_csv))
}

/// The agenda of a meeting as `user` may see it: as published (with when and by whom), else
/// as it stands now.
async fn agenda_of(
    ws: &Arc<Workspace>,
    user: &User,
    id: &str,
) -> Result<(Agenda, Option<(String, String)>), WorkspaceError> {
    let (_, o) = find(ws, user, id)?;
    let (w, u) = (ws.clone(), user.clone());
    blocking(move || {
        let zone = w.config.zone();
        let (agenda, published) = match w.store.published(&o.id())? {
            Some(p) => (
                p.agenda,
                Some((crate::local_time::date_time(p.at, zone), p.by)),
            ),
            None => (m::draft_agenda(&w, &o)?, None),
        };
        Ok((m::agenda_for(&w, &u, agenda), published))
    })
    .await
}

async fn agenda(
    State(ws): Shared,
    user: SignedIn<may::Meetings>,
    Path(id): Path<String>,
) -> Result<Response, WorkspaceError> {
    let (s, o) = find(&ws, &user, &id)?;
    let (agenda, published) = agenda_of(&ws, &user, &id).await?;
    user.audit(&ws, Action::ViewList("agenda"), &id).await?;
    let view = AgendaView {
        id: &id,
        title: &s.title,
        when: when(&o),
        la: la_of(&s),
        published,
        agenda: &agenda,
    };
    Ok(agenda_page(&user.frame(&ws).await?, &view).into_response())
}

fn csv(body: String, name: &str, marking: &str) -> Response {
    let file = format!(
        "attachment; filename=\"{name}-{}.csv\"",
        marking.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "-")
    );
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, file),
        ],
        body,
    )
        .into_response()
}

async fn agenda_csv(
    State(ws): Shared,
    user: SignedIn<may::Meetings>,
    Path(id): Path<String>,
) -> Result<Response, WorkspaceError> {
    let (agenda, _) = agenda_of(&ws, &user, &id).await?;
    user.audit(&ws, Action::ExportList("agenda"), &id).await?;
    let marking = &ws.config.inbox.protective_marking;
    Ok(csv(
        export::agenda_csv(&agenda, marking),
        &format!("agenda-{id}"),
        marking,
    ))
}

/// Every action of the cases `user` may see, with each case's reference and LA.
fn visible_actions(
    ws: &Workspace,
    user: &User,
) -> anyhow::Result<Vec<(Agreed, String, Option<String>)>> {
    let mut out = Vec::new();
    for a in ws.store.all_actions()? {
        let Some(r) =
            m::referral(ws, &a.case)?.filter(|r| crate::workspace::listing::visible(ws, user, r))
        else {
            continue;
        };
        let la = m::case_la(ws, &r).map(String::from);
        out.push((a, r.submission.reference.clone(), la));
    }
    Ok(out)
}

fn row(a: &Agreed, reference: &str) -> RegisterRow {
    RegisterRow {
        reference: reference.into(),
        href: format!("/cases/{}#meetings", a.case),
        text: a.text.clone(),
        owner: format!("{}, {}", a.owner_agency, a.owner_role),
        due: a.due.format("%-d %B %Y").to_string(),
        latest: a.latest_update().map_or_else(
            || "None yet".into(),
            |u| {
                format!(
                    "{} ({}, {})",
                    u.text,
                    u.reported_by,
                    u.date.format("%-d %B %Y")
                )
            },
        ),
    }
}

/// The register in parts, one per LA with actions, each against that LA's next meeting.
fn parts(ws: &Workspace, all: &[(Agreed, String, Option<String>)]) -> Vec<RegisterPart> {
    let now = Utc::now();
    let schedule = Schedule::of(&ws.config);
    let today = schedule.today(now);
    let mut las: Vec<Option<String>> = all.iter().map(|(_, _, la)| la.clone()).collect();
    las.sort();
    las.dedup();
    let series = &ws.config.meetings.series;
    las.into_iter()
        .map(|la| {
            let next = match &la {
                Some(la) => schedule.next_for_la(series, la, now),
                None => series
                    .iter()
                    .filter(|s| s.la.is_none())
                    .filter_map(|s| schedule.next_scheduled(s, now))
                    .min_by_key(|o| o.starts_at),
            };
            let mine: Vec<Agreed> = all
                .iter()
                .filter(|(_, _, l)| *l == la)
                .map(|(a, _, _)| a.clone())
                .collect();
            let reference = |a: &Agreed| {
                all.iter()
                    .find(|(b, _, _)| b.id == a.id)
                    .map_or("", |(_, r, _)| r.as_str())
                    .to_string()
            };
            let rows = |list: Vec<&Agreed>| -> Vec<RegisterRow> {
                list.into_iter().map(|a| row(a, &reference(a))).collect()
            };
            let until = next
                .as_ref()
                .map_or(today + chrono::Days::new(m::AHEAD_DAYS), |o| o.date);
            RegisterPart {
                la: la.unwrap_or_else(|| "No local authority given".into()),
                next_meeting: next.as_ref().map(when),
                due: rows(due_before(&mine, today, until)),
                overdue: rows(overdue(&mine, today)),
                completed: rows(completed(&mine)),
            }
        })
        .collect()
}

async fn register(
    State(ws): Shared,
    user: SignedIn<may::Actions>,
) -> Result<Response, WorkspaceError> {
    let (w, u) = (ws.clone(), user.user.clone());
    let parts = blocking(move || Ok(parts(&w, &visible_actions(&w, &u)?))).await?;
    user.audit(&ws, Action::ViewList("actions"), "").await?;
    Ok(register_page(&user.frame(&ws).await?, &parts).into_response())
}

async fn register_csv(
    State(ws): Shared,
    user: SignedIn<may::Actions>,
) -> Result<Response, WorkspaceError> {
    let (w, u) = (ws.clone(), user.user.clone());
    let all = blocking(move || visible_actions(&w, &u)).await?;
    user.audit(&ws, Action::ExportList("actions"), "").await?;
    let marking = &ws.config.inbox.protective_marking;
    let actions: Vec<Agreed> = all.iter().map(|(a, _, _)| a.clone()).collect();
    let reference_of = |case: &str| {
        all.iter()
            .find(|(a, _, _)| a.case == case)
            .map_or_else(String::new, |(_, r, _)| r.clone())
    };
    Ok(csv(
        export::register_csv(&actions, reference_of, marking),
        "actions",
        marking,
    ))
}
