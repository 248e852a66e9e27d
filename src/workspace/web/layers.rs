//! What the inbox adds on top of `http`'s hardening, around every route: `Cache-Control:
//! no-store`, the post guard and rate limit, the session cookie's attributes, the session
//! layer itself, and the inbox's own error pages.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::{Session, SessionManagerLayer};

use crate::http::session::Cookie;

use super::error::{page_for, WorkspaceError};
use super::{frame, session};
use crate::http::csrf;
use crate::http::guard::{self, Refusal};
use crate::http::ratelimit::Cost;
use crate::store::SledSessionStore;
use crate::workspace::accounts::User;
use crate::workspace::views;
use crate::workspace::Workspace;

pub async fn no_store(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    res.headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    res
}

/// Refuses cross-site and non-form posts (see `http::guard`), then counts posts against the
/// signed-in session's allowance, or the address's when there is no live session (sign-in).
pub async fn limit_posts(
    State(inbox): State<Arc<Workspace>>,
    session: Session,
    req: Request,
    next: Next,
) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    if let Err(refusal) = guard::check_post(req.method(), req.headers()) {
        return refused(refusal).into_response();
    }
    // Sessions load lazily: reading one value loads it, so its id is known.
    let _ = session.get_value(csrf::KEY).await;
    let live = session.id().map(|id| id.to_string());
    match over_limit(&inbox, live, &req) {
        Some(refused) => refused.into_response(),
        None => next.run(req).await,
    }
}

/// The guard's refusal as the inbox's error (a cross-site post is logged).
fn refused(refusal: Refusal) -> WorkspaceError {
    match refusal {
        Refusal::CrossSite => {
            tracing::warn!("post refused: sent from another site");
            WorkspaceError::Csrf
        }
        Refusal::MediaType => WorkspaceError::MediaType,
    }
}

/// The rate limit's refusal of this post, if any, from the live session's id (if any) or the
/// client's address.
fn over_limit(inbox: &Workspace, live: Option<String>, req: &Request) -> Option<WorkspaceError> {
    let cost = if live.is_some() {
        Cost::SessionPost
    } else {
        Cost::NewSession
    };
    let ConnectInfo(peer) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied()?;
    let address = inbox.limiter.client(peer, req.headers());
    let retry_after = inbox.limiter.check(cost, live.as_deref(), address).err()?;
    tracing::warn!(route = %req.uri().path(), "post refused: rate limit");
    Some(WorkspaceError::TooMany { retry_after })
}

/// Gives every session `Set-Cookie` (the removal cookie too) the session cookie's attributes.
pub async fn harden_session_cookie(
    State(inbox): State<Arc<Workspace>>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    let secure = inbox.config.inbox.secure_cookies;
    guard::harden_cookies(res.headers_mut(), cookie_name(secure), secure);
    res
}

fn cookie_name(secure: bool) -> &'static str {
    Cookie::new(secure, "__Host-prem-inbox", "prem-inbox").name
}

/// Reviewer sessions: `__Host-` cookies when secure, same-site only, ended when idle.
pub fn sessions(
    inbox: &Workspace,
    store: SledSessionStore,
) -> SessionManagerLayer<SledSessionStore> {
    let c = &inbox.config.inbox;
    let cookie = Cookie::new(c.secure_cookies, "__Host-prem-inbox", "prem-inbox");
    crate::http::session::layer(store, cookie, c.session_idle_minutes)
}

/// Turns an error status into the inbox's page. Inside the session layer, so a signed-in user
/// keeps the menu (and can sign out) on a 403 or 404.
pub async fn render_errors(
    State(inbox): State<Arc<Workspace>>,
    req: Request,
    next: Next,
) -> Response {
    let session = req.extensions().get::<Session>().cloned();
    let id = crate::http::log::request_id(&req);
    let res = next.run(req).await;
    let Some(page) = page_for(&res) else {
        return res;
    };
    let failed = res
        .extensions()
        .get::<crate::http::log::Failure>()
        .is_some();
    let who = match &session {
        Some(session) => signed_in_as(&inbox, session).await,
        None => None,
    };
    let chrome = frame::error(&inbox, who.as_ref());
    let code = failed.then_some(id.as_str());
    let out = views::error_page(&chrome, page.title, &page.text, code);
    crate::http::headers::replace_body(res, out)
}

/// The signed-in user and their token, so an error page keeps the menu; `None` when signed out.
async fn signed_in_as(inbox: &Arc<Workspace>, session: &Session) -> Option<(User, String)> {
    let user = session::current_user(inbox, session).await.ok().flatten()?;
    let token = crate::http::csrf::token(session).await.ok()?;
    Some((user, token))
}
