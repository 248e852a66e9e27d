//! The tracker's routes: a person or place, a match decision, search, and the repeats lists.
//! Each is signed in with its permission; what a record shows is what this account may see
//! through its cases (`workspace::tracking`); every view, search, decision and export is audited,
//! a search by a keyed hash of its terms, never the terms.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{NaiveDate, Utc};
use serde::Deserialize;

use super::error::WorkspaceError;
use super::io::{blocking, Action, Shared};
use super::session::{may, SignedIn};
use crate::http::extract::CsrfForm;
use crate::tracker::decide::{MatchDecision, Verdict};
use crate::tracker::model::{Id, Subject};
use crate::tracker::repeats::{self, Filter, Page};
use crate::workspace::tracking::{self, Tracker};
use crate::workspace::views::people::{
    repeats_page, search_page, subject_page, CaseLine, Found, RepeatsView, SubjectView,
};
use crate::workspace::{accounts::User, Permission, Workspace};

pub fn router() -> Router<Arc<Workspace>> {
    Router::new()
        .route("/people/{id}", get(show))
        .route("/people/{id}/match", post(decide))
        .route("/search", get(search))
        .route(
            "/tracker/",
            get(|| async { Redirect::to("/tracker/perpetrators") }),
        )
        .route("/tracker/{list}", get(list))
}

pub(super) fn tracker(ws: &Workspace) -> std::sync::RwLockReadGuard<'_, Tracker> {
    ws.tracker.read().unwrap_or_else(|e| e.into_inner())
}

/// The subject called `id`, if there is one and `user` may see it through one of its cases.
fn subject(ws: &Workspace, t: &Tracker, user: &User, id: &str) -> Result<Subject, WorkspaceError> {
    let id = Id::parse(id).ok_or(WorkspaceError::NotFound)?;
    let s = if t.index.person(&id).is_some() {
        Subject::Person(id)
    } else if t.index.place(&id).is_some() {
        Subject::Place(id)
    } else {
        return Err(WorkspaceError::NotFound);
    };
    if tracking::visible_links(ws, user, t, &s).is_empty() {
        return Err(WorkspaceError::NotFound);
    }
    Ok(s)
}

/// How `user` may know of `case`: its page, or only its local authorities.
fn case_line(ws: &Workspace, t: &Tracker, user: &User, case: &str, role: &str) -> CaseLine {
    let facts = t.index.case(case);
    if tracking::sees_case(ws, user, case) {
        CaseLine::Open {
            reference: facts.map_or(case.to_string(), |f| f.reference.clone()),
            role: role.to_string(),
            href: format!("/cases/{case}"),
        }
    } else {
        let las = facts.map_or_else(|| "another team".to_string(), |f| f.las.join(" and "));
        CaseLine::Elsewhere { las }
    }
}

fn label(t: &Tracker, id: &Id) -> String {
    t.index
        .person(id)
        .map(|p| p.name.clone())
        .or_else(|| t.index.place(id).map(|p| p.name.clone()))
        .unwrap_or_default()
}

pub(super) fn details(t: &Tracker, s: &Subject) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(p) = t.index.person(s.id()) {
        out.push(("Name", p.name.clone()));
        if !p.aliases.is_empty() {
            out.push(("Also known as", p.aliases.join(", ")));
        }
        if let Some(d) = p.date_of_birth {
            out.push(("Date of birth", d.format("%-d %B %Y").to_string()));
        }
        if let Some(a) = p.age {
            out.push((
                "Age",
                format!(
                    "{} to {} (as of {})",
                    a.low,
                    a.high,
                    a.as_of.format("%-d %B %Y")
                ),
            ));
        }
        for (k, v) in [("Phones", &p.phones), ("Vehicles", &p.vehicles)] {
            if !v.is_empty() {
                out.push((k, v.join(", ")));
            }
        }
        out.extend(
            p.postcode_district
                .clone()
                .map(|d| ("Postcode district", d)),
        );
        if !p.note.is_empty() {
            out.push(("Note", p.note.clone()));
        }
    } else if let Some(p) = t.index.place(s.id()) {
        out.push(("Name", p.name.clone()));
        out.extend(p.kind.clone().map(|k| ("Kind of place", k)));
        out.extend(
            p.postcode_district
                .clone()
                .map(|d| ("Postcode district", d)),
        );
        if !p.note.is_empty() {
            out.push(("Note", p.note.clone()));
        }
    }
    out
}

async fn show(
    State(ws): Shared,
    user: SignedIn<may::Tracker>,
    Path(id): Path<String>,
) -> Result<Response, WorkspaceError> {
    let (w, u) = (ws.clone(), user.user.clone());
    let (view_id, kind, title, details, cases, matches) = blocking(move || {
        let t = tracker(&w);
        let s = subject(&w, &t, &u, &id).map_err(|e| anyhow::anyhow!(e.to_string()))?;
        let cases: Vec<CaseLine> = (tracking::visible_links(&w, &u, &t, &s).iter())
            .map(|l| case_line(&w, &t, &u, &l.case, &l.role))
            .collect();
        let suggestions = match &s {
            Subject::Person(id) => t
                .index
                .candidates(t.index.person(id).expect("held"), &t.decisions),
            Subject::Place(id) => t
                .index
                .place_candidates(t.index.place(id).expect("held"), &t.decisions),
        };
        let matches = (suggestions.into_iter())
            .filter_map(|sg| {
                let full = tracking::match_reach(&w, &u, &t, &sg)?;
                let lines = (sg.cases.iter())
                    .map(|c| case_line(&w, &t, &u, c, ""))
                    .collect();
                let label = full.then(|| label(&t, &sg.id));
                Some((sg, label, lines))
            })
            .collect::<Vec<_>>();
        let kind = if matches!(s, Subject::Person(_)) {
            "Person"
        } else {
            "Place"
        };
        Ok((
            s.id().to_string(),
            kind,
            label(&t, s.id()),
            details(&t, &s),
            cases,
            matches,
        ))
    })
    .await
    .map_err(|_| WorkspaceError::NotFound)?;
    user.audit(&ws, Action::ViewSubject, &view_id).await?;
    let view = SubjectView {
        id: &view_id,
        kind,
        title: &title,
        details,
        cases,
        matches,
        can_decide: user.role.may(Permission::Match),
        can_edit: user.role.may(Permission::EditTracker),
    };
    Ok(subject_page(&user.frame(&ws).await?, &view).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionPost {
    other: String,
    verdict: Option<String>,
    reason: String,
}

async fn decide(
    State(ws): Shared,
    user: SignedIn<may::Match>,
    Path(id): Path<String>,
    CsrfForm(post): CsrfForm<DecisionPost>,
) -> Result<Response, WorkspaceError> {
    let verdict = match post.verdict.as_deref() {
        Some("confirmed") => Verdict::Confirmed,
        Some("rejected") => Verdict::Rejected,
        Some("unsure") => Verdict::Unsure,
        _ => return Err(WorkspaceError::Malformed("no verdict chosen".into())),
    };
    if post.reason.trim().is_empty() {
        return Err(WorkspaceError::Malformed("no reason given".into()));
    }
    let (w, u) = (ws.clone(), user.user.clone());
    let back = id.clone();
    blocking(move || {
        tracking::change(&w.clone(), |t| {
            let a = subject(&w, t, &u, &id).map_err(|e| anyhow::anyhow!(e.to_string()))?;
            let b = Id::parse(&post.other).ok_or_else(|| anyhow::anyhow!("no such record"))?;
            let d = MatchDecision {
                a: a.id().clone(),
                b,
                verdict,
                by: u.name.clone(),
                at: Utc::now(),
                reason: post.reason.trim().to_string(),
            };
            let seq = t.decisions.history().len() as u64 + 1;
            let action = format!("match:{}", format!("{verdict:?}").to_lowercase());
            w.store.put_decision(&d, seq, &action)?;
            t.decisions.record(d)
        })
    })
    .await?;
    user.flash("Match decision recorded.").await?;
    Ok(Redirect::to(&format!("/people/{back}")).into_response())
}

#[derive(Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

async fn search(
    State(ws): Shared,
    user: SignedIn<may::Search>,
    Query(SearchQuery { q }): Query<SearchQuery>,
) -> Result<Response, WorkspaceError> {
    let q = q.chars().take(200).collect::<String>();
    if q.trim().is_empty() {
        return Ok(search_page(&user.frame(&ws).await?, "", None).into_response());
    }
    let hashed = ws
        .store
        .keyed_hash("search", crate::tracker::normalise::fold(&q).as_bytes());
    user.audit(&ws, Action::Search(hashed), "").await?;
    let (w, u, text) = (ws.clone(), user.user.clone(), q.clone());
    let found = blocking(move || {
        let t = tracker(&w);
        let hits = t
            .index
            .search_text(&text, |c| tracking::sees_case(&w, &u, c), 50);
        Ok(hits
            .into_iter()
            .filter(|h| !tracking::visible_links(&w, &u, &t, &h.subject).is_empty())
            .map(|h| Found {
                label: h.label.clone(),
                href: format!("/people/{}", h.subject.id()),
                how: found_by(h.found_by),
                cases: (h.cases.iter())
                    .filter_map(|c| {
                        t.index
                            .case(c)
                            .map(|f| (f.reference.clone(), format!("/cases/{c}")))
                    })
                    .collect(),
            })
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(search_page(&user.frame(&ws).await?, &q, Some(&found)).into_response())
}

fn found_by(f: crate::tracker::search::FoundBy) -> &'static str {
    use crate::tracker::search::FoundBy::*;
    match f {
        Name => "name",
        Alias => "alias",
        DateOfBirth => "date of birth",
        Reference => "reference",
        PlaceName => "place name",
        District => "postcode district",
    }
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    la: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

const LISTS: [(&str, &str); 3] = [
    ("perpetrators", "Repeat perpetrators"),
    ("victims", "Repeat victims"),
    ("hotspots", "Hotspots"),
];

async fn list(
    State(ws): Shared,
    user: SignedIn<may::Tracker>,
    Path(list): Path<String>,
    Query(f): Query<ListQuery>,
) -> Result<Response, WorkspaceError> {
    let (name, csv) = match list.strip_suffix(".csv") {
        Some(n) => (n.to_string(), true),
        None => (list.clone(), false),
    };
    let Some(&(id, title)) = LISTS.iter().find(|(id, _)| *id == name) else {
        return Err(WorkspaceError::NotFound);
    };
    if id == "perpetrators" && !user.role.may(Permission::Intelligence) {
        return Err(WorkspaceError::Forbidden);
    }
    let date = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let filter = Filter {
        la: (!f.la.is_empty()).then(|| f.la.clone()),
        from: date(&f.from),
        to: date(&f.to),
    };
    let (w, u) = (ws.clone(), user.user.clone());
    let (rows, labels, text) = blocking(move || {
        let t = tracker(&w);
        let lists = t.lists(&tracking::list_roles(&w));
        let rows = match id {
            "perpetrators" => lists.repeat_perpetrators(&filter, Page::ALL),
            "victims" => lists.repeat_victims(&filter, Page::ALL),
            _ => lists.hotspots(&filter, Page::ALL),
        }
        .rows;
        // Only the rows this account may see every case of, so no count tells of a case it
        // may not open.
        let rows: Vec<_> = (rows.into_iter())
            .filter(|r| r.cases.iter().all(|c| tracking::sees_case(&w, &u, c)))
            .collect();
        let labels = (rows.iter())
            .map(|r| (r.label.clone(), format!("/people/{}", r.subject.id())))
            .collect::<Vec<_>>();
        let text = repeats::csv(&rows);
        Ok((rows, labels, text))
    })
    .await?;
    let action = if csv {
        Action::ExportList(id)
    } else {
        Action::ViewList(id)
    };
    user.audit(&ws, action, "").await?;
    if csv {
        let marking = &ws.config.inbox.protective_marking;
        let disposition = format!("attachment; filename=\"{id}.csv\"");
        let body = format!("\"{marking}\"\n{text}");
        let headers = [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ];
        return Ok((headers, body).into_response());
    }
    let lists = (LISTS.iter())
        .filter(|(l, _)| *l != "perpetrators" || user.role.may(Permission::Intelligence))
        .copied()
        .collect();
    let view = RepeatsView {
        list: id,
        title,
        lists,
        la: &f.la,
        las: &ws.config.partnership.local_authorities,
        from: &f.from,
        to: &f.to,
        rows: &rows,
        labels,
    };
    Ok(repeats_page(&user.frame(&ws).await?, &view).into_response())
}
