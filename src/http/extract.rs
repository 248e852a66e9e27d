//! The extractor every form post goes through, so that each is read and checked the same way in
//! the same order: the body is decoded into the handler's own type first (an unknown, missing
//! or repeated field refuses it), then the CSRF token it carried is checked against the
//! session's. A handler that takes a [`CsrfForm`] never sees a post that failed either.

use axum::extract::{FromRequest, Request};
use axum::response::IntoResponse;
use serde::de::DeserializeOwned;
use tower_sessions::Session;

use super::csrf::{self, CsrfError};

/// A form post decoded into `T`, whose CSRF token matched the session's. `T` does not name the
/// token's field (it is taken out here); declare it `#[serde(deny_unknown_fields)]`.
pub struct CsrfForm<T>(pub T);

/// A post whose only field is the token (sign out, a button): the action is in the URL.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenOnly {}

/// Why a post was refused before its handler ran. The text is for the log; each app words
/// these for people on its own error pages.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// Not a form, or not this form: an unknown, missing or repeated field, or a value of the
    /// wrong kind.
    #[error("the form could not be read: {0}")]
    Malformed(String),
    #[error(transparent)]
    Csrf(#[from] CsrfError),
    /// The route is not behind the session layer: a mistake in the app's router.
    #[error("no session on a form post: the route is not behind the session layer")]
    NoSession,
}

/// The app's own error type, which a refused post becomes, so that the app shows its own page.
/// Each app implements this once, on its router's state.
pub trait Rejects {
    type Error: From<Refused> + IntoResponse;
}

impl<T, S> FromRequest<S> for CsrfForm<T>
where
    T: DeserializeOwned + Send,
    S: Rejects + Send + Sync,
{
    type Rejection = S::Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let session = req
            .extensions()
            .get::<Session>()
            .cloned()
            .ok_or(Refused::NoSession)?;
        let axum::Form(pairs) = axum::Form::<Vec<(String, String)>>::from_request(req, state)
            .await
            .map_err(|e| Refused::Malformed(e.body_text()))?;
        let (value, token) = decode::<T>(pairs)?;
        csrf::verify(&session, token.as_deref())
            .await
            .map_err(Refused::from)?;
        Ok(CsrfForm(value))
    }
}

/// Splits the token from the other fields and decodes those into `T`.
fn decode<T: DeserializeOwned>(
    mut pairs: Vec<(String, String)>,
) -> Result<(T, Option<String>), Refused> {
    let mut tokens = pairs.extract_if(.., |(name, _)| name == csrf::FIELD);
    let token = tokens.next().map(|(_, value)| value);
    if tokens.next().is_some() {
        return Err(Refused::Malformed("the token field is repeated".into()));
    }
    drop(tokens);
    let rest =
        serde_urlencoded::to_string(&pairs).map_err(|e| Refused::Malformed(e.to_string()))?;
    let value = serde_urlencoded::from_str(&rest).map_err(|e| Refused::Malformed(e.to_string()))?;
    Ok((value, token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Post {
        name: String,
        note: Option<String>,
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_token_is_taken_out_and_the_rest_decoded() {
        let (post, token) =
            decode::<Post>(pairs(&[("name", "a & b"), ("csrf", "t0k"), ("note", "")]))
                .expect("decoded");
        assert_eq!(
            post,
            Post {
                name: "a & b".into(),
                note: Some(String::new())
            }
        );
        assert_eq!(token.as_deref(), Some("t0k"));
    }

    #[test]
    fn unknown_missing_and_repeated_fields_are_refused() {
        for bad in [
            &[("name", "a"), ("extra", "x")][..],
            &[("note", "x")][..],
            &[("name", "a"), ("name", "b")][..],
            &[("name", "a"), ("csrf", "1"), ("csrf", "2")][..],
        ] {
            assert!(
                matches!(decode::<Post>(pairs(bad)), Err(Refused::Malformed(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_post_without_a_token_decodes_and_is_left_to_the_check() {
        let (_, token) = decode::<Post>(pairs(&[("name", "a")])).expect("decoded");
        assert_eq!(token, None);
    }
}
