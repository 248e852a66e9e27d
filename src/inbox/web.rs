//! The inbox's HTTP side: one router behind the shared hardening of `http` (security headers,
//! request logs, body limit, timeouts, the hyper server with a header-read timeout), plus what a
//! signed-in service needs on top: `Cache-Control: no-store` on everything, a rate limit on
//! every post, and an error type that never shows internals.

mod admin;
mod auth;
mod decisions;
mod error;
mod referrals;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result};
use axum::extract::{ConnectInfo, FromRequest, Path, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

use super::Inbox;
use crate::http::guard::{self, Refusal};
use crate::http::headers::{log_requests, security_headers, HeaderPolicy};
use crate::http::ratelimit::Cost;

pub use auth::require;
use error::render_errors;
pub use error::InboxError;

/// Appended to the theme's stylesheet: the A4 print layout and the inbox's few extras.
const INBOX_CSS: &str = include_str!("inbox.css");

/// A form post decoded into `T`; anything malformed (repeated or unknown fields) is a 400.
pub struct Posted<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for Posted<T> {
    type Rejection = InboxError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|f| Posted(f.0))
            .map_err(|_| InboxError::BadRequest("the form could not be read"))
    }
}

/// Leaves a message for the next page this user sees ("Decision recorded."): every change
/// says that it happened.
pub async fn flash(session: &Session, message: &str) -> Result<(), InboxError> {
    session.insert(NOTICE, message).await?;
    Ok(())
}

/// The message left by [`flash`], once.
pub async fn take_notice(session: &Session) -> Option<String> {
    session.remove::<String>(NOTICE).await.ok().flatten()
}

const NOTICE: &str = "notice";

/// A post whose only field is the CSRF token (sign out, pull now, retry): the action is in the
/// URL.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsrfOnly {
    pub csrf: String,
}

/// Runs blocking store or crypto work off the async threads.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T, InboxError> {
    Ok(tokio::task::spawn_blocking(f).await??)
}

async fn no_store(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    res.headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    res
}

/// Refuses cross-site and non-form posts (see `http::guard`), then counts posts against the
/// signed-in session's allowance, or the address's when there is no live session (sign-in).
async fn limit_posts(
    State(inbox): State<Arc<Inbox>>,
    session: Session,
    req: Request,
    next: Next,
) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    match guard::check_post(req.method(), req.headers()) {
        Ok(()) => {}
        Err(Refusal::CrossSite) => {
            tracing::warn!("post refused: sent from another site");
            return InboxError::Csrf.into_response();
        }
        Err(Refusal::MediaType) => return InboxError::MediaType.into_response(),
    }
    let _ = session.get_value("csrf").await;
    let live = session.id().map(|id| id.to_string());
    let cost = if live.is_some() {
        Cost::SessionPost
    } else {
        Cost::NewSession
    };
    if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let address = inbox.limiter.client(peer, req.headers());
        if let Err(retry_after) = inbox.limiter.check(cost, live.as_deref(), address) {
            tracing::warn!(route = %req.uri().path(), "post refused: rate limit");
            return InboxError::TooMany { retry_after }.into_response();
        }
    }
    next.run(req).await
}

/// Gives every session `Set-Cookie` (the removal cookie too) the session cookie's attributes.
async fn harden_session_cookie(
    State(inbox): State<Arc<Inbox>>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    let c = &inbox.config.inbox;
    guard::harden_cookies(
        res.headers_mut(),
        cookie_name(c.secure_cookies),
        c.secure_cookies,
    );
    res
}

fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-prem-inbox"
    } else {
        "prem-inbox"
    }
}

/// The theme's assets; `prem.css` gets the inbox's rules appended.
async fn asset(State(inbox): State<Arc<Inbox>>, Path(name): Path<String>) -> Response {
    let plain = !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !plain {
        return StatusCode::NOT_FOUND.into_response();
    }
    let theme = inbox
        .root
        .join(&inbox.config.build.themes_dir)
        .join(&inbox.config.site.theme);
    let path = match name.as_str() {
        "govuk-frontend.min.css" => theme.join("vendor/govuk-frontend").join(&name),
        _ => theme.join("assets").join(&name),
    };
    let Ok(mut bytes) = tokio::fs::read(&path).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if name == "prem.css" {
        bytes.extend_from_slice(b"\n");
        bytes.extend_from_slice(INBOX_CSS.as_bytes());
    }
    let kind = match name.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        _ => "application/octet-stream",
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        bytes,
    )
        .into_response()
}

/// The inbox's router. `secure_cookies` is decided by the caller (off only on plain-HTTP localhost).
pub fn app(inbox: Arc<Inbox>, sessions: crate::store::SledSessionStore) -> Router {
    let c = &inbox.config.inbox;
    let idle = tower_sessions::cookie::time::Duration::minutes(i64::from(c.session_idle_minutes));
    let session_layer = SessionManagerLayer::new(sessions)
        .with_name(cookie_name(c.secure_cookies))
        .with_secure(c.secure_cookies)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle));
    let timeout = Duration::from_secs(inbox.config.inbox.request_timeout_secs);
    Router::new()
        .merge(auth::router())
        .merge(referrals::router())
        .merge(admin::router())
        .fallback(|| async { InboxError::NotFound })
        .layer(from_fn(no_store))
        .route("/assets/{name}", get(asset))
        .route("/healthz", get(|| async { "ok" }))
        .layer(from_fn_with_state(inbox.clone(), limit_posts))
        .layer(RequestBodyLimitLayer::new(inbox.config.inbox.body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(from_fn_with_state(inbox.clone(), render_errors))
        // Sessions are loaded lazily: assets and health checks never read one.
        .layer(session_layer)
        .layer(from_fn_with_state(inbox.clone(), harden_session_cookie))
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
                    match blocking(move || super::admin::purge_expired(&i.store, &i.config, "system")).await {
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
