//! A form's draft: the answers so far, kept in the server-side session
//! (encrypted at rest by the session store) under the form's id, and the
//! clock that deletes it after a period without activity. Also the one
//! extractor every form post goes through, [`Posted`].

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::error::KioskError;
use super::pages::DraftClock;
use crate::config::Config;
use crate::forms::{self, Answers};
use crate::http::csrf;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Draft {
    /// Random per draft: makes the final submit idempotent.
    pub nonce: String,
    pub started_at: String,
    pub answers: Answers,
}

fn key(form: &str) -> String {
    format!("draft:{form}")
}

fn internal(e: tower_sessions::session::Error) -> KioskError {
    KioskError::Internal(e.into())
}

pub async fn save(session: &Session, form: &str, draft: &Draft) -> Result<(), KioskError> {
    session.insert(&key(form), draft).await.map_err(internal)
}

/// Forgets every draft and the session itself, once a form has been sent.
pub async fn forget_all(session: &Session) -> Result<(), KioskError> {
    session.flush().await.map_err(internal)
}

/// The draft a post belongs to: a post without one has outlived its draft.
pub async fn require(session: &Session, form: &str) -> Result<Draft, KioskError> {
    let draft = session.get::<Draft>(&key(form)).await.map_err(internal)?;
    draft.ok_or(KioskError::Expired)
}

/// The draft behind a page someone asks to see. The first page starts the form (it may be
/// reached by a link, not the start page), so there a missing draft is begun, and an id that
/// arrived from the client is never carried past it. Anywhere else a missing draft has
/// expired if this browser had a session, or was never started if it had none.
pub async fn for_page(
    session: &Session,
    form: &str,
    first_page: bool,
    had_session: bool,
) -> Result<Draft, KioskError> {
    match (
        session.get::<Draft>(&key(form)).await.map_err(internal)?,
        first_page,
    ) {
        (Some(d), true) => cycle_if_live(session).await.map(|()| d),
        (Some(d), false) => Ok(d),
        (None, true) => begin(session, form).await,
        (None, false) if had_session => Err(KioskError::Expired),
        (None, false) => Err(KioskError::NotStarted(form.to_owned())),
    }
}

/// Gives a live session a new id; does nothing (and creates nothing) without one.
pub async fn cycle_if_live(session: &Session) -> Result<(), KioskError> {
    let _ = session.get_value(csrf::KEY).await;
    if session.id().is_some() {
        session.cycle_id().await.map_err(internal)?;
    }
    Ok(())
}

/// A fresh draft for this form, in a session whose id is new: an id that
/// arrived from a client is never carried into a session with data.
async fn begin(session: &Session, form: &str) -> Result<Draft, KioskError> {
    session.cycle_id().await.map_err(internal)?;
    let draft = Draft {
        nonce: hex::encode(rand::random::<[u8; 32]>()),
        started_at: chrono::Utc::now().to_rfc3339(),
        answers: Answers::default(),
    };
    save(session, form, &draft).await?;
    Ok(draft)
}

/// Whether the request carried a session cookie of ours (live or not): tells an expired
/// draft from a page opened without ever starting the form.
pub fn had_session_cookie(cookie_name: &str, headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(';').any(|c| c.trim().starts_with(cookie_name)))
}

/// Now in the configured zone (checked at start-up), never the server's.
pub fn now(config: &Config) -> chrono::DateTime<chrono_tz::Tz> {
    chrono::Utc::now().with_timezone(&config.zone())
}

/// When a draft left alone from now will be deleted.
pub fn clock(config: &Config) -> DraftClock {
    let minutes = config.kiosk.draft_idle_minutes;
    let now = now(config);
    let at = now + chrono::Duration::minutes(i64::from(minutes));
    DraftClock {
        // "3:45pm BST": the zone's own name, right in summer and winter.
        expires_at: at.format("%-I:%M%P %Z").to_string(),
        expires_ms: at.timestamp_millis(),
        idle_minutes: minutes,
        today: now.date_naive(),
    }
}

/// A form post, decoded and checked in one order everywhere: the body is read (a body over the
/// limit keeps its 413), decoded with repeated or malformed fields refused, and its CSRF token
/// checked against the session's. The pairs handed on no longer hold the token.
pub struct Posted(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequest<S> for Posted {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let session = Session::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let body = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let bad = |_| KioskError::BadRequest.into_response();
        let pairs = forms::decode_post(&body).map_err(bad)?;
        let token = forms::single(&pairs, csrf::FIELD).map_err(bad)?;
        csrf::verify(&session, token)
            .await
            .map_err(|e| KioskError::from(e).into_response())?;
        Ok(Posted(
            pairs
                .into_iter()
                .filter(|(n, _)| n != csrf::FIELD)
                .collect(),
        ))
    }
}
