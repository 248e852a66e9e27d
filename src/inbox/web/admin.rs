//! The administrator's pages for records that did not open: see why each was set aside, and
//! try them all again once the cause (usually the key) is fixed. The same actions are on the
//! command line (`prem inbox quarantine list|retry`), also while the inbox runs.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_sessions::Session;

use super::auth::{audit, require};
use super::referrals::chrome;
use super::{blocking, flash, take_notice, InboxError, Posted};
use crate::http::csrf;
use crate::inbox::accounts::Permission;
use crate::inbox::views;
use crate::inbox::{pull, Inbox};

type Shared = State<Arc<Inbox>>;

pub fn router() -> Router<Arc<Inbox>> {
    Router::new()
        .route("/quarantine/", get(list))
        .route("/quarantine/retry", post(retry))
}

async fn list(State(inbox): Shared, session: Session) -> Result<Response, InboxError> {
    let user = require(&inbox, &session, Permission::ManageQuarantine).await?;
    audit(&inbox, &user.name, "quarantine-view", "").await?;
    let store = inbox.store.clone();
    let held = blocking(move || store.quarantined()).await?;
    let token = csrf::token(&session).await?;
    let mut c = chrome(&inbox, &user, &token);
    c.notice = take_notice(&session).await;
    Ok(views::quarantine_page(&c, &held, inbox.config.zone()).into_response())
}

async fn retry(
    State(inbox): Shared,
    session: Session,
    Posted(form): Posted<super::CsrfOnly>,
) -> Result<Response, InboxError> {
    let user = require(&inbox, &session, Permission::ManageQuarantine).await?;
    csrf::verify(&session, Some(&form.csrf)).await?;
    let (i, name) = (inbox.clone(), user.name.clone());
    let (released, held) = blocking(move || pull::retry_quarantined(&i, &name)).await?;
    let message = match (released, held) {
        (0, 0) => "There was nothing to try again.".to_string(),
        (r, 0) => format!("All {r} opened and are now in the inbox."),
        (0, h) => format!("None opened: {h} still set aside. Check the reasons below."),
        (r, h) => format!("{r} opened and are now in the inbox; {h} still set aside."),
    };
    flash(&session, &message).await?;
    Ok(Redirect::to("/quarantine/").into_response())
}
