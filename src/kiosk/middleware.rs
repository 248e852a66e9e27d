//! Layers every kiosk response passes through: security headers, a request
//! id with one log line per request, and the rate limit on posts. Logs carry
//! the route pattern, status and timing: never answers, names, query strings
//! or session ids.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::KioskError;
use super::ratelimit::RateLimiter;
use crate::site::serve::insert_security_headers;

#[derive(Clone, Copy)]
pub struct HeaderPolicy {
    pub hsts: bool,
}

pub async fn security_headers(
    State(policy): State<HeaderPolicy>,
    req: Request,
    next: Next,
) -> Response {
    let is_form = req.uri().path().starts_with("/forms/");
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
    if is_form {
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

pub async fn rate_limit_posts(
    State(limiter): State<Arc<RateLimiter>>,
    req: Request,
    next: Next,
) -> Response {
    if req.method() == Method::POST {
        let peer = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        if let Some(peer) = peer {
            let client = limiter.client(peer, req.headers());
            if let Err(retry_after) = limiter.check(client) {
                tracing::warn!(route = %req.uri().path(), "form post refused: rate limit");
                return KioskError::TooManyRequests { retry_after }.into_response();
            }
        }
    }
    next.run(req).await
}
