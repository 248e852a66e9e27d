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
mod session;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result};
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
use io::blocking;

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

/// Serves until `shutdown`, with the pull timer, the daily retention purge and the session purge.
pub async fn serve_on(
    inbox: Arc<Inbox>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let sessions = inbox.store.sessions()?;
    let purge_sessions = sessions.spawn_purge_task(Duration::from_secs(60));
    let socket = super::admin::socket_path(&inbox.config, &inbox.root);
    #[cfg(unix)]
    let control = super::admin::spawn_control(inbox.clone(), socket.clone())?;
    if inbox.config.inbox.kiosks.is_empty() {
        tracing::warn!(
            "no kiosks configured: nothing will be pulled (add [[inbox.kiosks]] with name, url \
             and token_file to prem.toml)"
        );
    }
    let timers = spawn_timers(inbox.clone());
    eprintln!("inbox on http://{}/", listener.local_addr()?);
    let header_timeout = Duration::from_secs(inbox.config.inbox.header_timeout_secs);
    let drain = Duration::from_secs(inbox.config.inbox.request_timeout_secs);
    crate::http::server::serve(
        listener,
        app(inbox, sessions),
        header_timeout,
        drain,
        shutdown,
    )
    .await;
    purge_sessions.abort();
    timers.abort();
    #[cfg(unix)]
    {
        control.abort();
        let _ = std::fs::remove_file(&socket);
    }
    eprintln!("stopped");
    Ok(())
}

/// Pulls every `pull_interval_secs`; purges past retention once a day.
fn spawn_timers(inbox: Arc<Inbox>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        // The first pull is at start (unless `pull_at_start` is off, as tests that decide when
        // pulls happen set it), then every interval.
        let every = Duration::from_secs(inbox.config.inbox.pull_interval_secs);
        let first = if inbox.config.inbox.pull_at_start {
            tokio::time::Instant::now()
        } else {
            tokio::time::Instant::now() + every
        };
        let mut pull = tokio::time::interval_at(first, every);
        let mut purge = tokio::time::interval(Duration::from_secs(24 * 3600));
        loop {
            tokio::select! {
                _ = pull.tick() => { pull_all_logged(inbox.clone()).await; }
                _ = purge.tick() => {
                    let i = inbox.clone();
                    let days = i.config.inbox.retention_days;
                    match blocking(move || i.store.purge_expired(days, "system")).await {
                        Ok(n) if n > 0 => tracing::info!(purged = n, "retention purge"),
                        Ok(_) => {}
                        Err(e) => tracing::error!(error = %e, "retention purge failed"),
                    }
                }
            }
        }
    })
}

async fn pull_all_logged(inbox: Arc<Inbox>) {
    let _ = super::pull::pull_all(inbox, "system").await;
}

/// Binds `inbox.addr` and serves until Ctrl-C or SIGTERM.
pub fn run(inbox: Arc<Inbox>) -> Result<()> {
    let rt = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    rt.block_on(async move {
        let addr: SocketAddr = inbox.config.inbox.addr.parse().with_context(|| {
            format!(
                "inbox.addr \"{}\" is not an address like 127.0.0.1:8090",
                inbox.config.inbox.addr
            )
        })?;
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
            format!("cannot listen on {addr}: is another server using that port?")
        })?;
        serve_on(inbox, listener, crate::http::server::shutdown_signal()).await
    })
}
