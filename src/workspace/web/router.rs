//! The inbox's router: every area's routes, behind the inbox's layers and `http`'s hardening,
//! in the order they apply (the last layer added is the first a request meets).

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use super::error::WorkspaceError;
use super::layers::{self, render_errors};
use super::{add, assets, auth, cases, edit, meetings, moves, people, quarantine, subject};
use crate::http::headers::{security_headers, HeaderPolicy};
use crate::http::log::log_requests;
use crate::workspace::Workspace;

/// The inbox's router. `secure_cookies` is decided by the caller (off only on plain-HTTP localhost).
pub fn app(inbox: Arc<Workspace>, sessions: crate::store::SledSessionStore) -> Router {
    let c = &inbox.config.inbox;
    let timeout = Duration::from_secs(c.request_timeout_secs);
    Router::new()
        .merge(auth::router())
        .merge(cases::router())
        .merge(moves::router())
        .merge(people::router())
        .merge(edit::router())
        .merge(edit::outcome_router())
        .merge(add::router())
        .merge(subject::router())
        .merge(quarantine::router())
        .merge(meetings::router())
        .fallback(|| async { WorkspaceError::NotFound })
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
