//! Moving a case on: each move has its own page (`/cases/{kiosk}/{id}/moves/{move}`), with the
//! questions configuration gives it. The rules are the case's own (`workspace::case`): here a
//! post becomes a move, which is saved with its audit entry in one write and confirmed, or
//! refused with the page again: 400 with the errors and what was typed, or 409 when someone
//! else changed the case meanwhile (never overwritten, never a 500).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

use super::error::WorkspaceError;
use super::io::{self, blocking, Shared};
use super::session::{may, SignedIn};
use crate::config::MoveConfig;
use crate::http::extract::CsrfForm;
use crate::workspace::case::Refusal;
use crate::workspace::model::{RecordKey, Referral};
use crate::workspace::store::Overtaken;
use crate::workspace::views::{self, FieldError, MoveView};
use crate::workspace::Workspace;

pub fn router() -> Router<Arc<Workspace>> {
    Router::new().route("/cases/{kiosk}/{id}/moves/{step}", get(show).post(make))
}

/// A case's key and the move asked for, from the path.
#[derive(serde::Deserialize)]
struct MovePath {
    kiosk: String,
    id: String,
    step: String,
}

impl MovePath {
    fn key(&self) -> RecordKey {
        RecordKey {
            kiosk: self.kiosk.clone(),
            id: self.id.clone(),
        }
    }
}

/// Said on the page when someone else's change got there first.
const OVERTAKEN: &str = "Someone else changed this case while you were working on it, so your change was not saved. The case as it now stands is shown: check it, then try again if you still need to.";

async fn show(
    State(inbox): Shared,
    user: SignedIn<may::ViewCase>,
    Path(at): Path<MovePath>,
) -> Result<Response, WorkspaceError> {
    let r = io::referral(&inbox, &user, at.key()).await?;
    let m = allowed(&inbox, &user, &r, &at.step)?;
    let page = Page {
        inbox: &inbox,
        user: &user,
        r: &r,
        m,
    };
    page.render(StatusCode::OK, &[], Vec::new()).await
}

async fn make(
    State(inbox): Shared,
    user: SignedIn<may::ViewCase>,
    Path(at): Path<MovePath>,
    CsrfForm(typed): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WorkspaceError> {
    let r = io::referral(&inbox, &user, at.key()).await?;
    let seen = typed
        .iter()
        .find(|(n, _)| n == "seen")
        .map(|(_, v)| v.as_str());
    if seen.is_some_and(|seen| seen != r.case.fingerprint()) {
        return overtaken(&inbox, &user, &r, &at.step, &typed).await;
    }
    let m = allowed(&inbox, &user, &r, &at.step)?;
    let page = Page {
        inbox: &inbox,
        user: &user,
        r: &r,
        m,
    };
    page.apply(&typed).await
}

/// The move, if this user's role may make it on this case now: an unknown move is "not found",
/// another role's is forbidden, one the case is not ready for says so.
fn allowed<'a, P>(
    inbox: &'a Workspace,
    user: &SignedIn<P>,
    r: &Referral,
    step: &str,
) -> Result<&'a MoveConfig, WorkspaceError> {
    match inbox.flow(r).may_move(&r.case, step, user.role.label()) {
        Ok(m) => Ok(m),
        Err(Refusal::Unknown) => Err(WorkspaceError::NotFound),
        Err(Refusal::NotYours) => Err(WorkspaceError::Forbidden),
        Err(_) => Err(WorkspaceError::NotNow),
    }
}

/// A move sent from a page someone else's change has since overtaken (409): the move's page
/// again over the case as it now stands, what was typed kept; or, if the move is no longer
/// open, the case's own page showing what changed.
async fn overtaken<P>(
    inbox: &Arc<Workspace>,
    user: &SignedIn<P>,
    r: &Referral,
    step: &str,
    typed: &[(String, String)],
) -> Result<Response, WorkspaceError> {
    if let Ok(m) = allowed(inbox, user, r, step) {
        let errors = vec![("reason".to_string(), OVERTAKEN.to_string())];
        let page = Page { inbox, user, r, m };
        return page.render(StatusCode::CONFLICT, typed, errors).await;
    }
    let mut view = super::frame::case(inbox, user, r);
    view.overtaken = Some(OVERTAKEN);
    let chrome = user.frame(inbox).await?;
    Ok((StatusCode::CONFLICT, views::case_page(&chrome, &view)).into_response())
}

/// One move's page for one user and case.
struct Page<'a, P> {
    inbox: &'a Arc<Workspace>,
    user: &'a SignedIn<P>,
    r: &'a Referral,
    m: &'a MoveConfig,
}

impl<P> Page<'_, P> {
    /// Makes the move on a copy of the case, then saves it, or shows the page with the problems.
    async fn apply(&self, typed: &[(String, String)]) -> Result<Response, WorkspaceError> {
        let posted = |name: &str| {
            (typed.iter())
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        let mut case = self.r.case.clone();
        let flow = self.inbox.flow(self.r);
        match flow.apply(
            &mut case,
            self.r.created_at,
            &self.m.id,
            &posted,
            &self.user.signer(),
        ) {
            Ok(_) => self.save(case, typed).await,
            Err(Refusal::Incomplete(problems)) => {
                let errors = (problems.into_iter())
                    .map(|(f, p)| (views::target(self.m, &f), views::message(self.m, &f, p)))
                    .collect();
                self.render(StatusCode::BAD_REQUEST, typed, errors).await
            }
            Err(Refusal::NotYours) => Err(WorkspaceError::Forbidden),
            Err(Refusal::Unknown) => Err(WorkspaceError::NotFound),
            Err(Refusal::NotNow) => Err(WorkspaceError::NotNow),
        }
    }

    /// Saves the moved case with its audit entry unless someone else's change got there first.
    async fn save(
        &self,
        case: crate::workspace::Case,
        typed: &[(String, String)],
    ) -> Result<Response, WorkspaceError> {
        let store = self.inbox.store.clone();
        let moved = Referral {
            case: case.clone(),
            ..self.r.clone()
        };
        let (key, seen) = (self.r.key.clone(), self.r.case.clone());
        let (actor, action) = (self.user.name.clone(), io::Action::Moved(self.m.id.clone()));
        let saved =
            blocking(move || store.save_case(&key, &seen, case, (&actor, &action.to_string())))
                .await?;
        match saved {
            Ok(()) => {
                let (inbox, actor) = (self.inbox.clone(), self.user.name.clone());
                tokio::task::spawn_blocking(move || {
                    crate::workspace::waiting::arrived(&inbox, &moved, Some(&actor));
                });
                self.user.flash(&format!("{}: done.", self.m.title)).await?;
                Ok(Redirect::to(&format!("/cases/{}", self.r.key.path())).into_response())
            }
            Err(Overtaken(now)) => {
                let mut now = *now;
                crate::workspace::tracking::redact(self.inbox, self.user, &mut now);
                overtaken(self.inbox, self.user, &now, &self.m.id, typed).await
            }
        }
    }

    async fn render(
        &self,
        status: StatusCode,
        typed: &[(String, String)],
        errors: Vec<(String, String)>,
    ) -> Result<Response, WorkspaceError> {
        let flow = self.inbox.flow(self.r);
        let view = MoveView {
            referral: self.r,
            m: self.m,
            state: flow.state_title(&self.r.case),
            deadline: flow.deadline(&self.r.case, self.r.created_at),
            seen: self.r.case.fingerprint(),
            zone: self.inbox.config.zone(),
            typed,
            errors: (errors.iter())
                .map(|(field, message)| FieldError { field, message })
                .collect(),
        };
        let chrome = self.user.frame(self.inbox).await?;
        Ok((status, views::move_page(&chrome, &view)).into_response())
    }
}
