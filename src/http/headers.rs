//! The response headers every prem listener sends (the request log is in `http::log`).

use axum::extract::{Request, State};
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

/// An error response with its body swapped for an app's themed page: the status, every header
/// (a `Retry-After`, a cookie) but the length and type, which are the page's own, and the
/// extensions (the `Failure` the request log reads) kept.
pub fn replace_body(res: Response, page: impl axum::response::IntoResponse) -> Response {
    let (parts, _) = res.into_parts();
    let mut out = page.into_response();
    *out.status_mut() = parts.status;
    out.extensions_mut().extend(parts.extensions);
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().insert(name.clone(), value.clone());
        }
    }
    out
}
