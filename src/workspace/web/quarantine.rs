//! The administrator's pages for records that did not open: see why each was set aside, and
//! try them all again once the cause (usually the key) is fixed. The same actions are on the
//! command line (`prem inbox quarantine list|retry`), also while the inbox runs.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::error::WorkspaceError;
use super::io::Shared;
use super::io::{blocking, Action};
use super::session::{may, SignedIn};
use crate::http::extract::{CsrfForm, TokenOnly};
use crate::workspace::{pull, views, Workspace};

pub fn router() -> Router<Arc<Workspace>> {
    Router::new()
        .route("/quarantine/", get(list))
        .route("/quarantine/retry", post(retry))
}

async fn list(
    State(inbox): Shared,
    user: SignedIn<may::ManageQuarantine>,
) -> Result<Response, WorkspaceError> {
    user.audit(&inbox, Action::QuarantineView, "").await?;
    let store = inbox.store.clone();
    let held = blocking(move || store.quarantined()).await?;
    let page = views::quarantine_page(&user.frame(&inbox).await?, &held, inbox.config.zone());
    Ok(page.into_response())
}

async fn retry(
    State(inbox): Shared,
    user: SignedIn<may::ManageQuarantine>,
    _: CsrfForm<TokenOnly>,
) -> Result<Response, WorkspaceError> {
    let (i, name) = (inbox.clone(), user.name.clone());
    let (released, held) = blocking(move || pull::retry_quarantined(&i, &name)).await?;
    user.flash(&retried(released, held)).await?;
    Ok(Redirect::to("/quarantine/").into_response())
}

/// What trying the set-aside records again did, in a sentence.
fn retried(released: usize, held: usize) -> String {
    match (released, held) {
        (0, 0) => "There was nothing to try again.".to_string(),
        (r, 0) => format!("All {r} opened and are now in the inbox."),
        (0, h) => format!("None opened: {h} still set aside. Check the reasons below."),
        (r, h) => format!("{r} opened and are now in the inbox; {h} still set aside."),
    }
}
