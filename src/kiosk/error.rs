//! The kiosk's one error type. Each variant becomes a themed page with the
//! right status; internal detail goes to the request's log line (`http::log`) and is never
//! shown, so an error page can leak nothing about the server.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum KioskError {
    #[error("not found")]
    NotFound,
    /// A form post without the session's CSRF token, or with a wrong one.
    #[error("csrf token missing or wrong")]
    Csrf,
    /// A page of a form asked for in a browser that never started the form: not an error to
    /// show, a redirect to the form's start page.
    #[error("form not started")]
    NotStarted(String),
    /// A post arrived but the draft it belongs to has expired.
    #[error("draft expired")]
    Expired,
    /// A malformed post: repeated or unknown fields, bad encoding.
    #[error("bad request")]
    BadRequest,
    #[error("too many requests")]
    TooManyRequests { retry_after: u64 },
    /// A post the browser says comes from another site (Fetch Metadata or `Origin`).
    #[error("cross-site post")]
    CrossSite,
    /// A post whose body is not urlencoded.
    #[error("unsupported media type")]
    UnsupportedMedia,
    /// The submission could not be made durable; nothing was acknowledged.
    #[error("submission not stored")]
    NotStored(#[source] anyhow::Error),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// Carried from `into_response` to the error-page middleware, which has the
/// site's layout to render the page with.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub kind: ErrorKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    NotFound,
    Csrf,
    Expired,
    BadRequest,
    TooLarge,
    TooMany,
    NotStored,
    Internal,
    Timeout,
}

impl IntoResponse for KioskError {
    fn into_response(self) -> Response {
        let (status, kind) = match &self {
            Self::NotStarted(form) => {
                let to = crate::forms::route::start_href(form);
                return axum::response::Redirect::to(&to).into_response();
            }
            Self::NotFound => (StatusCode::NOT_FOUND, ErrorKind::NotFound),
            Self::Csrf => (StatusCode::FORBIDDEN, ErrorKind::Csrf),
            Self::Expired => (StatusCode::FORBIDDEN, ErrorKind::Expired),
            Self::BadRequest => (StatusCode::BAD_REQUEST, ErrorKind::BadRequest),
            Self::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorKind::TooMany),
            Self::CrossSite => (StatusCode::FORBIDDEN, ErrorKind::Csrf),
            Self::UnsupportedMedia => (StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorKind::BadRequest),
            Self::NotStored(_) => (StatusCode::SERVICE_UNAVAILABLE, ErrorKind::NotStored),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, ErrorKind::Internal),
        };
        match &self {
            Self::Csrf => tracing::warn!("form post refused: csrf token missing or wrong"),
            Self::CrossSite => tracing::warn!("form post refused: sent from another site"),
            _ => {}
        }
        let mut res = status.into_response();
        if let Self::TooManyRequests { retry_after } = self {
            if let Ok(v) = retry_after.to_string().parse() {
                res.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
            }
        }
        if let Self::NotStored(e) | Self::Internal(e) = &self {
            crate::http::log::Failure::attach(&mut res, e);
        }
        res.extensions_mut().insert(ErrorPage { kind });
        res
    }
}

impl From<crate::http::csrf::CsrfError> for KioskError {
    fn from(e: crate::http::csrf::CsrfError) -> Self {
        use crate::http::csrf::CsrfError;
        match e {
            CsrfError::Expired => Self::Expired,
            CsrfError::Wrong => Self::Csrf,
            CsrfError::Session(e) => Self::Internal(e.into()),
        }
    }
}

impl From<anyhow::Error> for KioskError {
    fn from(e: anyhow::Error) -> Self {
        Self::Internal(e)
    }
}
