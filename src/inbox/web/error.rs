//! The inbox's one error type, and the middleware that turns an error status into the inbox's
//! own page (with the signed-in menu). Internal detail is logged with a correlation id and never
//! shown.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::{frame, session};
use crate::http::extract::Refused;
use crate::inbox::case::NotNow;
use crate::inbox::views;
use crate::inbox::Inbox;

/// Every way a request can fail. Internal detail is logged with a correlation id, never shown.
#[derive(Debug, thiserror::Error)]
pub enum InboxError {
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
    /// The case is not at a point where the move asked for can be made.
    #[error("case move refused: {0}")]
    NotNow(NotNow),
    #[error("too many requests")]
    TooMany { retry_after: u64 },
    #[error("unsupported media type")]
    MediaType,
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<anyhow::Error> for InboxError {
    fn from(e: anyhow::Error) -> Self {
        InboxError::Internal(e)
    }
}

impl From<crate::http::csrf::CsrfError> for InboxError {
    fn from(e: crate::http::csrf::CsrfError) -> Self {
        use crate::http::csrf::CsrfError;
        match e {
            CsrfError::Expired | CsrfError::Wrong => InboxError::Csrf,
            CsrfError::Session(e) => InboxError::Internal(e.into()),
        }
    }
}

impl From<Refused> for InboxError {
    fn from(e: Refused) -> Self {
        match e {
            Refused::Malformed(why) => InboxError::Malformed(why),
            Refused::Csrf(e) => e.into(),
            Refused::NoSession => InboxError::Internal(Refused::NoSession.into()),
        }
    }
}

impl From<tokio::task::JoinError> for InboxError {
    fn from(e: tokio::task::JoinError) -> Self {
        InboxError::Internal(e.into())
    }
}

impl From<tower_sessions::session::Error> for InboxError {
    fn from(e: tower_sessions::session::Error) -> Self {
        InboxError::Internal(e.into())
    }
}

/// Why a case refused a move, for people (the `Display` text is the log's).
fn not_now(why: NotNow) -> &'static str {
    match why {
        NotNow::StatusRecord => "This record takes a status, not a threshold decision.",
        NotNow::Settled => "This referral's threshold decision went to escalation, so it cannot be recorded or corrected now.",
        NotNow::NoOpenStage => "There is no open escalation stage to record an outcome for.",
        NotNow::ThresholdRecord => "Referrals move on by a threshold decision, not by a status.",
        NotNow::Closed => "This record is closed, so its status cannot change.",
    }
}

/// Carried to [`render_errors`], which has the site to render the page with.
#[derive(Clone)]
struct ErrorPage {
    title: &'static str,
    text: String,
    correlation: Option<String>,
}

impl IntoResponse for InboxError {
    fn into_response(self) -> Response {
        let (status, title, text) = match &self {
            Self::SignIn => return Redirect::to("/login").into_response(),
            Self::Forbidden => (
                StatusCode::FORBIDDEN,
                "You cannot do that",
                "Your role does not allow this. Ask an inbox administrator if you need it."
                    .to_string(),
            ),
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "There is nothing here, or nothing you may see.".to_string(),
            ),
            Self::Csrf => (
                StatusCode::FORBIDDEN,
                "Your session has changed",
                "The page you sent from was out of date. Go back, reload the page and try again."
                    .to_string(),
            ),
            Self::Malformed(_) => (
                StatusCode::BAD_REQUEST,
                "Something was missing",
                "The page sent a form the inbox could not read. Go back, reload the page and try again.".to_string(),
            ),
            Self::NotNow(why) => (
                StatusCode::BAD_REQUEST,
                "That cannot be done now",
                format!("{} Go back to the referral and reload it to see where it stands.", not_now(*why)),
            ),
            Self::TooMany { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "Too many attempts",
                "Wait a minute, then try again.".to_string(),
            ),
            Self::MediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Something was missing",
                "The page sent information in a form the inbox does not accept. Go back, reload the page and try again.".to_string(),
            ),
            Self::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sorry, there is a problem",
                "Nothing you sent was lost. Try again in a moment.".to_string(),
            ),
        };
        let correlation = match &self {
            Self::Internal(e) => {
                let id = hex::encode(rand::random::<[u8; 6]>());
                tracing::error!(correlation = %id, error = %format!("{e:#}"), "request failed");
                Some(id)
            }
            Self::Csrf => {
                tracing::warn!("post refused: csrf token missing or wrong");
                None
            }
            _ => None,
        };
        let mut res = status.into_response();
        if let Self::TooMany { retry_after } = self {
            if let Ok(v) = retry_after.to_string().parse() {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        res.extensions_mut().insert(ErrorPage {
            title,
            text,
            correlation,
        });
        res
    }
}

/// The page for an error response: the one its [`InboxError`] chose, or one for the statuses
/// the layers below answer with themselves.
fn page_for(res: &Response) -> Option<ErrorPage> {
    let (title, text) = match (res.extensions().get::<ErrorPage>(), res.status()) {
        (Some(page), _) => return Some(page.clone()),
        (None, StatusCode::PAYLOAD_TOO_LARGE) => ("Too much text", "What you sent was too long."),
        (None, StatusCode::REQUEST_TIMEOUT) => ("That took too long", "Try again."),
        _ => return None,
    };
    Some(ErrorPage {
        title,
        text: text.into(),
        correlation: None,
    })
}

/// Turns an error status into the inbox's page. Inside the session layer, so a signed-in user
/// keeps the menu (and can sign out) on a 403 or 404.
pub(super) async fn render_errors(
    State(inbox): State<Arc<Inbox>>,
    req: Request,
    next: Next,
) -> Response {
    let session = req.extensions().get::<Session>().cloned();
    let res = next.run(req).await;
    let Some(page) = page_for(&res) else {
        return res;
    };
    let (mut user, mut token) = (None, String::new());
    if let Some(session) = &session {
        if let Ok(Some(u)) = session::current_user(&inbox, session).await {
            if let Ok(t) = crate::http::csrf::token(session).await {
                (user, token) = (Some(u), t);
            }
        }
    }
    let chrome = views::Chrome {
        user: user.as_ref(),
        ..frame::signed_out(&inbox, token)
    };
    let mut out = views::error_page(&chrome, page.title, &page.text, page.correlation.as_deref())
        .into_response();
    *out.status_mut() = res.status();
    out
}
