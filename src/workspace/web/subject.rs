//! Subject access requests: an administrator finds a person and gets everything held about them
//! (every record of their confirmed cluster, every case those records are linked to) as a
//! printable page and as JSON, with the other people each case names withheld and listed
//! (`tracker::redact`). Each is audited under the person's record id, never their name.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::error::WorkspaceError;
use super::io::{blocking, Action, Shared};
use super::people::{details, tracker};
use super::session::{may, SignedIn};
use crate::tracker::model::{Id, Subject};
use crate::tracker::redact::{third_parties, Redacted};
use crate::workspace::model::Referral;
use crate::workspace::views::subject::{find_page, held_page, Candidate, HeldView};
use crate::workspace::{export, Workspace};

pub fn router() -> Router<Arc<Workspace>> {
    Router::new()
        .route("/subject-access", get(find))
        .route("/subject-access/{id}", get(held))
}

#[derive(Deserialize)]
struct Find {
    #[serde(default)]
    q: String,
}

async fn find(
    State(ws): Shared,
    user: SignedIn<may::SubjectAccess>,
    Query(Find { q }): Query<Find>,
) -> Result<Response, WorkspaceError> {
    let q: String = q.chars().take(200).collect();
    if q.trim().is_empty() {
        return Ok(find_page(&user.frame(&ws).await?, "", None).into_response());
    }
    let hashed = ws
        .store
        .keyed_hash("search", crate::tracker::normalise::fold(&q).as_bytes());
    user.audit(&ws, Action::Search(hashed), "subject-access")
        .await?;
    let found: Vec<Candidate> = {
        let t = tracker(&ws);
        (t.index.search_text(&q, |_| true, 50).into_iter())
            .filter(|h| matches!(h.subject, Subject::Person(_)))
            .map(|h| Candidate {
                label: h.label,
                href: format!("/subject-access/{}", h.subject.id()),
            })
            .collect()
    };
    Ok(find_page(&user.frame(&ws).await?, &q, Some(&found)).into_response())
}

/// The person's name, their records (their confirmed cluster) as rows of what is known, and
/// the referrals they are linked to, each with the other people named in it withheld.
type Held = (
    String,
    Vec<Vec<(&'static str, String)>>,
    Vec<(Referral, Vec<Redacted>)>,
);

fn gather(ws: &Workspace, id: &str) -> anyhow::Result<Option<Held>> {
    let Some(id) = Id::parse(id) else {
        return Ok(None);
    };
    let t = tracker(ws);
    let Some(person) = t.index.person(&id) else {
        return Ok(None);
    };
    let name = person.name.clone();
    let mut records = Vec::new();
    let mut people = Vec::new();
    let mut cases = std::collections::BTreeSet::new();
    for m in &t.decisions.clusters().members(&id) {
        if let Some(p) = t.index.person(m) {
            records.push(details(&t, &Subject::Person(m.clone())));
            people.push(p.clone());
            cases.extend(t.index.links_of(m).iter().map(|l| l.case.clone()));
        }
    }
    drop(t);
    let mut referrals = Vec::new();
    for case in cases {
        if let Some((kiosk, id)) = case.split_once('/') {
            let key = crate::workspace::RecordKey {
                kiosk: kiosk.into(),
                id: id.into(),
            };
            if let Some(mut r) = ws.store.get(&key)? {
                let withheld = match ws.form_of(&r) {
                    Some(form) => third_parties(form, &mut r.submission, &people),
                    None => Vec::new(),
                };
                referrals.push((r, withheld));
            }
        }
    }
    Ok(Some((name, records, referrals)))
}

async fn held(
    State(ws): Shared,
    user: SignedIn<may::SubjectAccess>,
    Path(id): Path<String>,
) -> Result<Response, WorkspaceError> {
    let (id, json) = match id.strip_suffix(".json") {
        Some(id) => (id.to_string(), true),
        None => (id, false),
    };
    let (w, i) = (ws.clone(), id.clone());
    let (name, records, referrals) = blocking(move || gather(&w, &i))
        .await?
        .ok_or(WorkspaceError::NotFound)?;
    let action = if json {
        Action::SubjectAccessJson
    } else {
        Action::SubjectAccess
    };
    user.audit(&ws, action, &id).await?;
    if json {
        let marking = &ws.config.inbox.protective_marking;
        let body = serde_json::json!({
            "protective_marking": marking,
            "subject": name,
            "records": records.iter().map(|rows| rows.iter().map(|(k, v)| serde_json::json!({"field": k, "value": v})).collect::<Vec<_>>()).collect::<Vec<_>>(),
            "cases": referrals.iter().map(|(r, _)| export::referral_json(r, &ws.flow(r), marking)).collect::<Vec<_>>(),
            "redacted": referrals.iter().map(|(r, w)| serde_json::json!({"reference": r.submission.reference, "third_parties": w})).collect::<Vec<_>>(),
        });
        let disposition = format!("attachment; filename=\"subject-access-{id}.json\"");
        return Ok((
            [(header::CONTENT_DISPOSITION, disposition)],
            axum::Json(body),
        )
            .into_response());
    }
    let cases = (referrals.iter())
        .map(|(r, withheld)| (super::frame::case(&ws, &user.user, r), &withheld[..]))
        .collect();
    let view = HeldView {
        id: &id,
        title: &name,
        records,
        cases,
    };
    Ok(held_page(&user.frame(&ws).await?, &view).into_response())
}
