//! Signing in and out, and the check every other handler starts with.
//!
//! Password first; after a temporary password (a new account, or `user reset`), a new password
//! of the user's own; then the authenticator code (or enrolment the first time). Each step
//! checks the ones before it on the server, so none can be skipped. The session id
//! is cycled after each step, so an id seen before sign-in is worthless after it, and the
//! CSRF token is replaced once signed in. Failures of either factor count towards the lockout.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use super::{blocking, InboxError, Posted};
use crate::http::csrf;
use crate::inbox::accounts::{self, Permission, Refused, User};
use crate::inbox::views::{self, Chrome};
use crate::inbox::{totp, Inbox};

const USER: &str = "user";
const PENDING: &str = "pending";
const ENROL: &str = "enrol-secret";
const SIGNED_IN_AT: &str = "signed-in-at";
/// Signed-in sessions end after this long even when active.
const ABSOLUTE_HOURS: i64 = 10;

type Shared = State<Arc<Inbox>>;

pub fn router() -> Router<Arc<Inbox>> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/login/password", get(password_form).post(change_password))
        .route("/login/code", get(code_form).post(code))
        .route("/login/enrol", get(enrol_form).post(enrol))
        .route("/login/enrol/qr.svg", get(enrol_qr))
        .route("/logout", post(logout))
}

/// The fully signed-in user of this session, if any (and still allowed in); a session past its
/// absolute limit, or of a disabled account, is ended.
pub async fn current_user(
    inbox: &Arc<Inbox>,
    session: &Session,
) -> Result<Option<User>, InboxError> {
    let Some(name) = session.get::<String>(USER).await? else {
        return Ok(None);
    };
    let at = session.get::<i64>(SIGNED_IN_AT).await?.unwrap_or(0);
    if Utc::now().timestamp() - at > ABSOLUTE_HOURS * 3600 {
        session.flush().await?;
        return Ok(None);
    }
    let store = inbox.store.clone();
    let user = blocking(move || accounts::get(&store, &name)).await?;
    let Some(user) = user.filter(|u| !u.disabled) else {
        session.flush().await?;
        return Ok(None);
    };
    Ok(Some(user))
}

/// The signed-in user, if allowed `action`; otherwise sign-in or 403 (recorded in the audit).
pub async fn require(
    inbox: &Arc<Inbox>,
    session: &Session,
    action: Permission,
) -> Result<User, InboxError> {
    let Some(user) = current_user(inbox, session).await? else {
        return Err(InboxError::SignIn);
    };
    if !user.role.may(action) {
        audit(inbox, &user.name, &format!("denied:{action:?}"), "").await?;
        return Err(InboxError::Forbidden);
    }
    Ok(user)
}

pub async fn audit(
    inbox: &Arc<Inbox>,
    actor: &str,
    action: &str,
    record: &str,
) -> Result<(), InboxError> {
    let (store, actor, action, record) = (
        inbox.store.clone(),
        actor.to_string(),
        action.to_string(),
        record.to_string(),
    );
    blocking(move || store.audit.record(&actor, &action, &record).map(|_| ())).await
}

fn chrome<'a>(inbox: &'a Inbox, token: &'a str) -> Chrome<'a> {
    Chrome {
        site: &inbox.site,
        marking: &inbox.config.inbox.protective_marking,
        user: None,
        csrf: token,
        notice: None,
        quarantined: 0,
    }
}

/// At enrolment the user and password are already proven, so the message can say exactly what
/// is wrong: the code.
const WRONG_ENROL_CODE: &str = "That code does not match: enter the 6-digit code your app shows now for this account (it changes every 30 seconds; if it still fails, check the device's clock is set automatically)";

const WRONG: &str = "The user name, password or code is wrong, or the account is locked for a while after too many attempts";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginPost {
    csrf: String,
    name: String,
    password: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordPost {
    csrf: String,
    password: String,
    confirm: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodePost {
    csrf: String,
    code: String,
}

async fn login_form(State(inbox): Shared, session: Session) -> Result<Response, InboxError> {
    if session.get::<String>(USER).await?.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    let token = csrf::token(&session).await?;
    Ok(views::login_page(&chrome(&inbox, &token), None).into_response())
}

/// An account name as typed, made safe for the audit trail (it may be an attacker's junk).
fn audit_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_graphic())
        .take(40)
        .collect()
}

async fn login(
    State(inbox): Shared,
    session: Session,
    Posted(form): Posted<LoginPost>,
) -> Result<Response, InboxError> {
    csrf::verify(&session, Some(&form.csrf)).await?;
    let (i, name, password) = (
        inbox.clone(),
        form.name.trim().to_string(),
        zeroize::Zeroizing::new(form.password),
    );
    let n = name.clone();
    let result =
        blocking(move || accounts::check_password(&i.store, &n, &password, &i.policy, Utc::now()))
            .await?;
    match result {
        Ok(user) => {
            session.cycle_id().await?;
            session.remove::<String>(USER).await?;
            session.insert(PENDING, &user.name).await?;
            Ok(Redirect::to(next_step(&user)).into_response())
        }
        Err(refused) => {
            let action = if refused == Refused::Locked {
                "login-locked"
            } else {
                "login-failed"
            };
            audit(&inbox, &audit_name(&name), action, "").await?;
            let token = csrf::token(&session).await?;
            let page = views::login_page(&chrome(&inbox, &token), Some(WRONG));
            Ok((axum::http::StatusCode::UNAUTHORIZED, page).into_response())
        }
    }
}

/// Where someone who has given the right password goes next.
fn next_step(user: &User) -> &'static str {
    if user.must_change_password() {
        "/login/password"
    } else if user.enrolled() {
        "/login/code"
    } else {
        "/login/enrol"
    }
}

async fn pending(session: &Session) -> Result<String, InboxError> {
    session
        .get::<String>(PENDING)
        .await?
        .ok_or(InboxError::SignIn)
}

/// The half-signed-in user, if `step` is the one they are at; otherwise where they should be.
async fn at_step(
    inbox: &Arc<Inbox>,
    session: &Session,
    step: &str,
) -> Result<Result<User, Redirect>, InboxError> {
    let name = pending(session).await?;
    let store = inbox.store.clone();
    let Some(user) = blocking(move || accounts::get(&store, &name))
        .await?
        .filter(|u| !u.disabled)
    else {
        session.flush().await?;
        return Err(InboxError::SignIn);
    };
    let next = next_step(&user);
    Ok(if next == step {
        Ok(user)
    } else {
        Err(Redirect::to(next))
    })
}

async fn password_form(State(inbox): Shared, session: Session) -> Result<Response, InboxError> {
    if let Err(elsewhere) = at_step(&inbox, &session, "/login/password").await? {
        return Ok(elsewhere.into_response());
    }
    let token = csrf::token(&session).await?;
    Ok(views::password_page(&chrome(&inbox, &token), &[]).into_response())
}

async fn change_password(
    State(inbox): Shared,
    session: Session,
    Posted(form): Posted<PasswordPost>,
) -> Result<Response, InboxError> {
    csrf::verify(&session, Some(&form.csrf)).await?;
    let user = match at_step(&inbox, &session, "/login/password").await? {
        Ok(user) => user,
        Err(elsewhere) => return Ok(elsewhere.into_response()),
    };
    let (i, name) = (inbox.clone(), user.name.clone());
    let (new, confirm) = (
        zeroize::Zeroizing::new(form.password),
        zeroize::Zeroizing::new(form.confirm),
    );
    let result = blocking(move || {
        accounts::change_temporary_password(&i.store, &name, &new, &confirm, i.policy.cost)
    })
    .await?;
    match result {
        Ok(user) => {
            session.cycle_id().await?;
            Ok(Redirect::to(next_step(&user)).into_response())
        }
        Err(problem) => {
            let token = csrf::token(&session).await?;
            let errors = [views::FieldError {
                field: problem.field(),
                message: problem.message(),
            }];
            let page = views::password_page(&chrome(&inbox, &token), &errors);
            Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response())
        }
    }
}

async fn code_form(State(inbox): Shared, session: Session) -> Result<Response, InboxError> {
    if let Err(elsewhere) = at_step(&inbox, &session, "/login/code").await? {
        return Ok(elsewhere.into_response());
    }
    let token = csrf::token(&session).await?;
    Ok(views::code_page(&chrome(&inbox, &token), None).into_response())
}

async fn enrol_secret(session: &Session) -> Result<Vec<u8>, InboxError> {
    if let Some(hex_secret) = session.get::<String>(ENROL).await? {
        return hex::decode(hex_secret).map_err(|e| InboxError::Internal(e.into()));
    }
    let secret = totp::new_secret();
    session.insert(ENROL, hex::encode(secret)).await?;
    Ok(secret.to_vec())
}

async fn enrol_page(
    inbox: &Inbox,
    session: &Session,
    error: Option<&str>,
) -> Result<Response, InboxError> {
    let name = pending(session).await?;
    let secret = enrol_secret(session).await?;
    let token = csrf::token(session).await?;
    let uri = totp::otpauth_uri(&inbox.site.name, &name, &secret);
    let page = views::enrol_page(
        &chrome(inbox, &token),
        &totp::base32_encode(&secret),
        &uri,
        error,
    );
    Ok(page.into_response())
}

/// The enrolment QR code, as an image of its own (so the page needs no inline SVG), only for
/// the session that is enrolling, never cached.
async fn enrol_qr(State(inbox): Shared, session: Session) -> Result<Response, InboxError> {
    if at_step(&inbox, &session, "/login/enrol").await?.is_err() {
        return Err(InboxError::NotFound);
    }
    let name = pending(&session).await?;
    let secret = enrol_secret(&session).await?;
    let uri = totp::otpauth_uri(&inbox.site.name, &name, &secret);
    let svg = totp::qr_svg(&uri).map_err(InboxError::Internal)?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "image/svg+xml"),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        svg,
    )
        .into_response())
}

async fn enrol_form(State(inbox): Shared, session: Session) -> Result<Response, InboxError> {
    if let Err(elsewhere) = at_step(&inbox, &session, "/login/enrol").await? {
        return Ok(elsewhere.into_response());
    }
    enrol_page(&inbox, &session, None).await
}

async fn code(
    State(inbox): Shared,
    session: Session,
    Posted(form): Posted<CodePost>,
) -> Result<Response, InboxError> {
    second_factor(inbox, session, form, false).await
}

async fn enrol(
    State(inbox): Shared,
    session: Session,
    Posted(form): Posted<CodePost>,
) -> Result<Response, InboxError> {
    second_factor(inbox, session, form, true).await
}

async fn second_factor(
    inbox: Arc<Inbox>,
    session: Session,
    form: CodePost,
    enrolling: bool,
) -> Result<Response, InboxError> {
    csrf::verify(&session, Some(&form.csrf)).await?;
    let step = if enrolling {
        "/login/enrol"
    } else {
        "/login/code"
    };
    let name = match at_step(&inbox, &session, step).await? {
        Ok(user) => user.name,
        Err(elsewhere) => return Ok(elsewhere.into_response()),
    };
    let secret = if enrolling {
        Some(enrol_secret(&session).await?)
    } else {
        None
    };
    let (i, n) = (inbox.clone(), name.clone());
    let result = blocking(move || {
        accounts::check_code(
            &i.store,
            &n,
            &form.code,
            secret.as_deref(),
            &i.policy,
            Utc::now(),
        )
    })
    .await?;
    match result {
        Ok(user) => {
            session.cycle_id().await?;
            for key in [PENDING, ENROL, crate::http::csrf::KEY] {
                session.remove::<serde_json::Value>(key).await?;
            }
            session.insert(USER, &user.name).await?;
            session.insert(SIGNED_IN_AT, Utc::now().timestamp()).await?;
            if enrolling {
                audit(&inbox, &user.name, "totp-enrolled", "").await?;
            }
            audit(&inbox, &user.name, "login", "").await?;
            Ok(Redirect::to("/").into_response())
        }
        Err(refused) => {
            let action = if refused == Refused::Locked {
                "login-locked"
            } else {
                "login-failed-code"
            };
            audit(&inbox, &name, action, "").await?;
            if refused == Refused::Locked {
                session.remove::<String>(PENDING).await?;
            }
            let res = if enrolling && refused != Refused::Locked {
                enrol_page(&inbox, &session, Some(WRONG_ENROL_CODE)).await?
            } else if enrolling {
                enrol_page(&inbox, &session, Some(WRONG)).await?
            } else {
                let token = csrf::token(&session).await?;
                views::code_page(&chrome(&inbox, &token), Some(WRONG)).into_response()
            };
            Ok((axum::http::StatusCode::UNAUTHORIZED, res).into_response())
        }
    }
}

async fn logout(
    State(inbox): Shared,
    session: Session,
    Posted(form): Posted<super::CsrfOnly>,
) -> Result<Response, InboxError> {
    csrf::verify(&session, Some(&form.csrf)).await?;
    if let Some(name) = session.get::<String>(USER).await? {
        audit(&inbox, &name, "logout", "").await?;
    }
    session.flush().await?;
    Ok((
        [("clear-site-data", "\"cookies\", \"storage\"")],
        Redirect::to("/login"),
    )
        .into_response())
}
