//! `prem serve`: the public kiosk. It serves the guidance site and the forms,
//! keeps drafts in encrypted server-side sessions, and seals every submission
//! to the reviewers' public keys before storing it durably. It holds no key
//! that can open what it stored: taking over this process reveals nothing
//! submitted before.

mod draft;
mod error;
mod flow;
mod internal;
mod keys;
pub(crate) mod middleware;
mod pages;
mod run;
mod submit;

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::config::Config;
use crate::forms::FormSet;
use crate::published::Published;
use crate::seal::PublicKey;
use crate::store::{SledSessionStore, SpoolStore};

pub use crate::http::server::serve;
pub use error::{ErrorKind, ErrorPage, KioskError};
pub use keys::{load_recipients, RecipientKey};
pub use run::{prepare, run, serve_on, ServeOptions};
pub use submit::SCHEMA_VERSION;

/// Everything the handlers share.
pub struct Kiosk {
    pub config: Arc<Config>,
    pub served: Published,
    pub forms: FormSet,
    pub store: Arc<SpoolStore>,
    pub recipients: Vec<RecipientKey>,
    pub limiter: Arc<crate::http::ratelimit::RateLimiter>,
}

impl Kiosk {
    /// The public keys a form's submissions are sealed to.
    pub fn recipients_for(&self, form: &str) -> Vec<PublicKey> {
        self.recipients
            .iter()
            .filter(|r| r.forms.is_empty() || r.forms.iter().any(|f| f == form))
            .map(|r| r.key.clone())
            .collect()
    }

    /// The recipient ids a hand-over token's team may list, fetch and acknowledge. A token made
    /// before teams existed stands for the only team, when there is exactly one.
    pub fn team_ids(&self, team: Option<&str>) -> Vec<crate::store::RecipientId> {
        let names: std::collections::BTreeSet<&str> =
            self.recipients.iter().map(|r| r.name.as_str()).collect();
        let team = match team {
            Some(t) => t,
            None if names.len() == 1 => names.first().copied().unwrap_or_default(),
            None => return Vec::new(),
        };
        self.recipients
            .iter()
            .filter(|r| r.name == team)
            .map(|r| r.key.id().0)
            .collect()
    }

    /// Renders one of the kiosk's pages with what every page is drawn with: the site as last
    /// built, the partnership's words from `prem.toml` and the draft's clock.
    fn render(&self, view: impl FnOnce(&pages::Chrome<'_>) -> maud::Markup) -> maud::Markup {
        let built = self.served.built.read().unwrap_or_else(|e| e.into_inner());
        let k = &self.config.kiosk;
        view(&pages::Chrome {
            site: &built.info,
            mark: &k.protective_marking,
            emergency_notice: &self.config.partnership.emergency_notice,
            declaration: &k.declaration,
            clock: draft::clock(&self.config),
        })
    }

    pub fn session_cookie_name(&self) -> &'static str {
        let secure = self.config.kiosk.secure_cookies;
        crate::http::session::Cookie::new(secure, "__Host-prem-session", "prem-session").name
    }
}

/// The public router: site, search and forms, behind every hardening layer.
pub fn app(k: Arc<Kiosk>, sessions: SledSessionStore) -> Router {
    let cookie = crate::http::session::Cookie {
        name: k.session_cookie_name(),
        secure: k.config.kiosk.secure_cookies,
    };
    let session_layer =
        crate::http::session::layer(sessions, cookie, k.config.kiosk.draft_idle_minutes);
    let policy = crate::http::headers::HeaderPolicy {
        hsts: k.config.kiosk.hsts,
        no_store_under: "/forms/",
    };
    let timeout = Duration::from_secs(k.config.kiosk.request_timeout_secs);
    Router::new()
        .merge(
            flow::router(k.clone())
                .layer(from_fn_with_state(k.clone(), middleware::limit_posts))
                .layer(session_layer)
                .layer(from_fn_with_state(
                    k.clone(),
                    middleware::harden_session_cookie,
                )),
        )
        .merge(crate::published::router(k.served.clone()))
        .route("/healthz", get(|| async { "ok" }))
        .layer(from_fn(middleware::guard_posts))
        .layer(RequestBodyLimitLayer::new(k.config.kiosk.body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(from_fn_with_state(k.clone(), render_error_pages))
        .layer(from_fn_with_state(
            policy,
            crate::http::headers::security_headers,
        ))
        .layer(from_fn(crate::http::log::log_requests))
}

/// The internal router the inbox pulls from. Never mounted on the public port.
pub fn internal_app(k: Arc<Kiosk>) -> Router {
    internal::router(k).layer(from_fn(crate::http::log::log_requests))
}

/// Turns bare error statuses into themed pages that explain what to do. An internal failure's
/// page quotes this request's id, the one its log line carries.
async fn render_error_pages(
    axum::extract::State(k): axum::extract::State<Arc<Kiosk>>,
    req: Request,
    next: Next,
) -> Response {
    let id = crate::http::log::request_id(&req);
    let res = next.run(req).await;
    let kind = match (res.extensions().get::<ErrorPage>(), res.status()) {
        (Some(p), _) => p.kind,
        (None, StatusCode::PAYLOAD_TOO_LARGE) => ErrorKind::TooLarge,
        (None, StatusCode::REQUEST_TIMEOUT) => ErrorKind::Timeout,
        _ => return res,
    };
    let failed = res
        .extensions()
        .get::<crate::http::log::Failure>()
        .is_some();
    let code = failed.then_some(id.as_str());
    let page = k.render(|c| pages::error_page(c, kind, code));
    crate::http::headers::replace_body(res, page)
}

/// The team a new hand-over token belongs to: the one asked for, which must be a configured
/// recipient, or the only one configured.
pub fn token_team(config: &Config, asked: Option<&str>) -> Result<String> {
    let mut names: Vec<&str> = config
        .kiosk
        .recipients
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    if names.is_empty() {
        names.push(keys::DEV_TEAM);
    }
    names.dedup();
    match asked {
        Some(t) if names.contains(&t) => Ok(t.to_string()),
        Some(t) => anyhow::bail!(
            "no recipient team named \"{t}\" in prem.toml (configured: {}): \
             use one of those names, or add a [[kiosk.recipients]] entry",
            names.join(", ")
        ),
        None if names.len() == 1 => Ok(names[0].to_string()),
        None => anyhow::bail!(
            "several recipient teams are configured ({}): say which one the token is for with --team",
            names.join(", ")
        ),
    }
}

/// Opens the data directory, failing with one clear line when it cannot.
pub fn open_store(config: &Config, root: &std::path::Path) -> Result<SpoolStore> {
    let dir = root.join(&config.kiosk.data_dir);
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create data directory {}", dir.display()))?;
    SpoolStore::open(&dir).map_err(|e| anyhow::anyhow!("{e}"))
}
