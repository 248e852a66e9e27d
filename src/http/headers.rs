//! The response headers every prem listener sends, and one log line per request.
//!
//! Logs carry a request id, the route pattern, the status and the time taken: never answers,
//! names, query strings or session ids (the route pattern, not the path, so ids in URLs stay
//! out too).

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The strict policy every page is served with: no inline script or style, nothing from other
/// origins, no framing.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The headers every page carries, wherever it is served from (the preview too).
pub fn insert_security_headers(h: &mut HeaderMap) {
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

/// What an app adds to the common headers.
#[derive(Clone, Copy)]
pub struct HeaderPolicy {
    /// Send HSTS (set when the listener is reached over TLS).
    pub hsts: bool,
    /// Responses under this path are never cached (pages that carry answers or tokens).
    pub no_store_under: &'static str,
}

pub async fn security_headers(
    State(policy): State<HeaderPolicy>,
    req: Request,
    next: Next,
) -> Response {
    let no_store = req.uri().path().starts_with(policy.no_store_under);
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    insert_security_headers(h);
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    if policy.hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if no_store {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// One line per request: id, method, route pattern, status, milliseconds.
pub async fn log_requests(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let id = hex::encode(rand::random::<[u8; 8]>());
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string());
    let mut res = next.run(req).await;
    let route = route.unwrap_or_else(|| {
        if res.status().is_success() {
            "static".into()
        } else {
            "unmatched".into()
        }
    });
    tracing::info!(
        request_id = %id,
        method = %method,
        route = %route,
        status = res.status().as_u16(),
        ms = start.elapsed().as_millis() as u64,
        "request"
    );
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}
