//! The inbox's one error type: its status, its words for people (never the log's text), and
//! what it logs. Internal detail goes to the request's log line (`http::log`), never to the page.

use std::sync::Arc;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use crate::http::extract::Refused;
use crate::workspace::Workspace;

/// Every way a request can fail. Internal detail is logged under the request id, never shown.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// Not signed in (or the session ended): go to the sign-in page.
    #[error("sign-in required")]
    SignIn,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("csrf token missing or wrong")]
    Csrf,
    /// A post that is not the form its route takes (see `http::extract::Refused`).
    #[error("{0}")]
    Malformed(String),
    /// The case is not in a state the move asked for starts from.
    #[error("case move refused: not from this state")]
    NotNow,
    #[error("too many requests")]
    TooMany { retry_after: u64 },
    #[error("unsupported media type")]
    MediaType,
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<anyhow::Error> for WorkspaceError {
    fn from(e: anyhow::Error) -> Self {
        WorkspaceError::Internal(e)
    }
}

impl From<crate::http::csrf::CsrfError> for WorkspaceError {
    fn from(e: crate::http::csrf::CsrfError) -> Self {
        use crate::http::csrf::CsrfError;
        match e {
            CsrfError::Expired | CsrfError::Wrong => WorkspaceError::Csrf,
            CsrfError::Session(e) => WorkspaceError::Internal(e.into()),
        }
    }
}

/// A refused post shows the inbox's own error page.
impl crate::http::extract::Rejects for Arc<Workspace> {
    type Error = WorkspaceError;
}

impl From<Refused> for WorkspaceError {
    fn from(e: Refused) -> Self {
        match e {
            Refused::Malformed(why) => WorkspaceError::Malformed(why),
            Refused::Csrf(e) => e.into(),
            Refused::NoSession => WorkspaceError::Internal(Refused::NoSession.into()),
        }
    }
}

impl From<tokio::task::JoinError> for WorkspaceError {
    fn from(e: tokio::task::JoinError) -> Self {
        WorkspaceError::Internal(e.into())
    }
}

impl From<tower_sessions::session::Error> for WorkspaceError {
    fn from(e: tower_sessions::session::Error) -> Self {
        WorkspaceError::Internal(e.into())
    }
}

/// Carried to the layer that renders error pages (`layers::render_errors`), which has the
/// site and the session to render the page with.
#[derive(Clone)]
pub(super) struct ErrorPage {
    pub title: &'static str,
    pub text: String,
}

impl WorkspaceError {
    fn status(&self) -> StatusCode {
        match self {
            Self::SignIn => StatusCode::SEE_OTHER,
            Self::Forbidden | Self::Csrf => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Malformed(_) | Self::NotNow => StatusCode::BAD_REQUEST,
            Self::TooMany { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::MediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The page's title and text, for people (the `Display` text is the log's).
    fn words(&self) -> (&'static str, String) {
        let (title, text) = match self {
            Self::SignIn => ("Sign in", "Sign in to continue."),
            Self::Forbidden => (
                "You cannot do that",
                "Your role does not allow this. Ask a workspace administrator if you need it.",
            ),
            Self::NotFound => (
                "Page not found",
                "There is nothing here, or nothing you may see.",
            ),
            Self::Csrf => (
                "Your session has changed",
                "The page you sent from was out of date. Go back, reload the page and try again.",
            ),
            Self::Malformed(_) => (
                "Something was missing",
                "The page sent a form the workspace could not read. Go back, reload the page and try again.",
            ),
            Self::NotNow => (
                "That cannot be done now",
                "This case has moved on to a stage where that is not possible. Go back to the case and reload it to see where it stands.",
            ),
            Self::TooMany { .. } => ("Too many attempts", "Wait a minute, then try again."),
            Self::MediaType => (
                "Something was missing",
                "The page sent information in a form the workspace does not accept. Go back, reload the page and try again.",
            ),
            Self::Internal(_) => (
                "Sorry, there is a problem",
                "Nothing you sent was lost. Try again in a moment.",
            ),
        };
        (title, text.to_string())
    }

    /// Tells the log what it should know: a refused token here, a failure's detail on the
    /// request's own line (`http::log`), under the id its page quotes.
    fn log(&self, res: &mut Response) {
        match self {
            Self::Internal(e) => crate::http::log::Failure::attach(res, e),
            Self::Csrf => tracing::warn!("post refused: csrf token missing or wrong"),
            _ => {}
        }
    }
}

impl IntoResponse for WorkspaceError {
    fn into_response(self) -> Response {
        if let Self::SignIn = self {
            return Redirect::to("/login").into_response();
        }
        let (title, text) = self.words();
        let mut res = self.status().into_response();
        self.log(&mut res);
        if let Self::TooMany { retry_after } = self {
            if let Ok(v) = retry_after.to_string().parse() {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        res.extensions_mut().insert(ErrorPage { title, text });
        res
    }
}

/// The page for an error response: the one its [`WorkspaceError`] chose, or one for the statuses
/// the layers below answer with themselves.
pub(super) fn page_for(res: &Response) -> Option<ErrorPage> {
    let (title, text) = match (res.extensions().get::<ErrorPage>(), res.status()) {
        (Some(page), _) => return Some(page.clone()),
        (None, StatusCode::PAYLOAD_TOO_LARGE) => ("Too much text", "What you sent was too long."),
        (None, StatusCode::REQUEST_TIMEOUT) => ("That took too long", "Try again."),
        _ => return None,
    };
    Some(ErrorPage {
        title,
        text: text.into(),
    })
}
