//! CSRF synchronizer tokens: a random token kept in the session and echoed
//! in a hidden field of every form. tower-http's CSRF layer only checks
//! Fetch-Metadata and Origin, and lets requests carrying neither through, so
//! this token is what actually protects a post.

use subtle::ConstantTimeEq;
use tower_sessions::Session;

use super::error::KioskError;

pub const FIELD: &str = "csrf";
const KEY: &str = "csrf";

/// The session's token, creating one (and so the session) when missing.
pub async fn token(session: &Session) -> Result<String, KioskError> {
    if let Some(t) = session
        .get::<String>(KEY)
        .await
        .map_err(|e| KioskError::Internal(e.into()))?
    {
        return Ok(t);
    }
    let t = hex::encode(rand::random::<[u8; 32]>());
    session
        .insert(KEY, &t)
        .await
        .map_err(|e| KioskError::Internal(e.into()))?;
    Ok(t)
}

/// Checks a posted token against the session's, in constant time.
pub async fn verify(session: &Session, posted: Option<&str>) -> Result<(), KioskError> {
    let expected = session
        .get::<String>(KEY)
        .await
        .map_err(|e| KioskError::Internal(e.into()))?;
    match (expected, posted) {
        (None, _) => Err(KioskError::Expired),
        (Some(e), Some(p)) if bool::from(e.as_bytes().ct_eq(p.as_bytes())) => Ok(()),
        _ => Err(KioskError::Csrf),
    }
}
