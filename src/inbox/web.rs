//! The inbox's HTTP side: one router behind the shared hardening of `http` (security headers,
//! request logs, body limit, timeouts, the hyper server with a header-read timeout), plus what a
//! signed-in service needs on top (`layers`): `Cache-Control: no-store` on everything, a rate
//! limit on every post, and an error type that never shows internals.
//!
//! Handlers are short: extractors on top ([`session::SignedIn`] with the permission a route
//! needs, `http::extract::CsrfForm` for posts), the domain below (`inbox::case`,
//! `inbox::listing`, the store), and a view to render.

mod assets;
mod auth;
mod decisions;
mod error;
mod frame;
mod io;
mod layers;
mod quarantine;
mod referrals;
mod serve;
mod session;

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use super::Inbox;
use crate::http::headers::{log_requests, security_headers, HeaderPolicy};
use error::render_errors;
pub use error::InboxError;
pub use serve::{run, serve_on};

/// The router's state, as every handler takes it.
type Shared = axum::extract::State<Arc<Inbox>>;

/// A refused post shows the inbox's own error page.
impl crate::http::extract::Rejects for Arc<Inbox> {
    type Error = InboxError;
}

/// The inbox's router. `secure_cookies` is decided by the caller (off only on plain-HTTP localhost).
pub fn app(inbox: Arc<Inbox>, sessions: crate::store::SledSessionStore) -> Router {
    let c = &inbox.config.inbox;
    let timeout = Duration::from_secs(c.request_timeout_secs);
    Router::new()
        .merge(auth::router())
        .merge(referrals::router())
        .merge(decisions::router())
        .merge(quarantine::router())
        .fallback(|| async { InboxError::NotFound })
        .layer(from_fn(layers::no_store))
        .route("/assets/{name}", get(assets::asset))
        .route("/healthz", get(|| async { "ok" }))
        .layer(from_fn_with_state(inbox.clone(), layers::limit_posts))
        .layer(RequestBodyLimitLayer::new(c.body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(from_fn_with_state(inbox.clone(), render_errors))
        // Sessions are loaded lazily: assets and health checks never read one.
        .layer(layers::sessions(&inbox, sessions))
        .layer(from_fn_with_state(
            inbox.clone(),
            layers::harden_session_cookie,
        ))
        .layer(from_fn_with_state(
            HeaderPolicy {
                hsts: c.hsts,
                no_store_under: "/",
            },
            security_headers,
        ))
        .layer(from_fn(log_requests))
        .with_state(inbox)
}
