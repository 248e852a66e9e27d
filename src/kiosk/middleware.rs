//! The kiosk's own layers: the post guard, the rate limits and the session cookie's attributes
//! (the shared headers and request log are in `http::headers`).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use tower_sessions::Session;

use super::error::KioskError;
use super::Kiosk;
use crate::http::guard::{self, Refusal};
use crate::http::ratelimit::Cost;

/// Refuses posts from other sites and posts that are not urlencoded forms, before any
/// handler or session work (see `http::guard`).
pub async fn guard_posts(req: Request, next: Next) -> Response {
    match guard::check_post(req.method(), req.headers()) {
        Ok(()) => next.run(req).await,
        Err(Refusal::CrossSite) => KioskError::CrossSite.into_response(),
        Err(Refusal::MediaType) => KioskError::UnsupportedMedia.into_response(),
    }
}

/// Counts form-flow requests against the session's or the address's allowance (see
/// `http::ratelimit`). Runs inside the session layer, so it can tell a live session from a
/// request that would create one.
pub async fn limit_posts(
    State(k): State<Arc<Kiosk>>,
    session: Session,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let depth = path.trim_matches('/').split('/').count();
    // The forms index and a form's start page never create a session.
    let free = req.method() != Method::POST && depth <= 2;
    if !free {
        // Loads the session, so that `id()` is set only for a live one.
        let _ = session.get_value("csrf").await;
        let live = session.id().map(|id| id.to_string());
        let cost = match (&live, req.method() == Method::POST) {
            (None, _) => Some(Cost::NewSession),
            (Some(_), true) if path.ends_with("/submit/") => Some(Cost::Submit),
            (Some(_), true) => Some(Cost::SessionPost),
            (Some(_), false) => None,
        };
        let peer = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        if let (Some(cost), Some(peer)) = (cost, peer) {
            let address = k.limiter.client(peer, req.headers());
            if let Err(retry_after) = k.limiter.check(cost, live.as_deref(), address) {
                tracing::warn!(route = %matched(&req), "request refused: rate limit");
                return KioskError::TooManyRequests { retry_after }.into_response();
            }
        }
    }
    next.run(req).await
}

fn matched(req: &Request) -> String {
    req.extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default()
}

/// Gives every session `Set-Cookie` (the removal cookie too) the session cookie's attributes.
pub async fn harden_session_cookie(
    State(k): State<Arc<Kiosk>>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    guard::harden_cookies(
        res.headers_mut(),
        k.session_cookie_name(),
        k.config.kiosk.secure_cookies,
    );
    res
}
