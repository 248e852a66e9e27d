//! CSRF synchronizer tokens: a random token kept in the session and echoed
//! in a hidden field of every form. tower-http's CSRF layer only checks
//! Fetch-Metadata and Origin, and lets requests carrying neither through, so
//! this token is what actually protects a post.

use subtle::ConstantTimeEq;
use tower_sessions::Session;

/// The hidden field every form carries.
pub const FIELD: &str = "csrf";
/// The session key the token lives under (also how a sign-out forgets it).
pub const KEY: &str = "csrf";

/// Why a post's token was not accepted; each app maps these onto its own pages.
#[derive(Debug, thiserror::Error)]
pub enum CsrfError {
    /// The session holds no token: it expired, or was never started.
    #[error("no session token (expired or never started)")]
    Expired,
    /// A token was posted but is not the session's (or none was posted).
    #[error("csrf token missing or wrong")]
    Wrong,
    #[error("session store: {0}")]
    Session(#[from] tower_sessions::session::Error),
}

/// The session's token, creating one (and so the session) when missing.
pub async fn token(session: &Session) -> Result<String, CsrfError> {
    if let Some(t) = session.get::<String>(KEY).await? {
        return Ok(t);
    }
    let t = hex::encode(rand::random::<[u8; 32]>());
    session.insert(KEY, &t).await?;
    Ok(t)
}

/// Checks a posted token against the session's, in constant time.
pub async fn verify(session: &Session, posted: Option<&str>) -> Result<(), CsrfError> {
    match (session.get::<String>(KEY).await?, posted) {
        (None, _) => Err(CsrfError::Expired),
        (Some(e), Some(p)) if bool::from(e.as_bytes().ct_eq(p.as_bytes())) => Ok(()),
        _ => Err(CsrfError::Wrong),
    }
}
