//! Signing in and out.
//!
//! Password first; after a temporary password (a new account, or `user reset`), a new password
//! of the user's own; then the authenticator code (or enrolment the first time). Which step a
//! request may be at is [`Pending`]'s check; the session's bookkeeping is in `session`. Failures
//! of either factor count towards the lockout, and every one is audited.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;
use zeroize::Zeroizing;

use super::error::WorkspaceError;
use super::frame;
use super::io::Shared;
use super::io::{audit, blocking, Action};
use super::session::{self, step, NotAtStep, Pending};
use crate::http::csrf;
use crate::http::extract::{CsrfForm, TokenOnly};
use crate::workspace::accounts::{self, PasswordProblem, Refused, User};
use crate::workspace::views::{self, Chrome, FieldError};
use crate::workspace::{totp, Workspace};

pub fn router() -> Router<Arc<Workspace>> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/login/password", get(password_form).post(change_password))
        .route("/login/code", get(code_form).post(code))
        .route("/login/enrol", get(enrol_form).post(enrol))
        .route("/login/enrol/qr.svg", get(enrol_qr))
        .route("/logout", post(logout))
}

/// At enrolment the user and password are already proven, so the message can say exactly what
/// is wrong: the code.
const WRONG_ENROL_CODE: &str = "That code does not match: enter the 6-digit code your app shows now for this account (it changes every 30 seconds; if it still fails, check the device's clock is set automatically)";

const WRONG: &str = "The user name, password or code is wrong, or the account is locked for a while after too many attempts";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginPost {
    name: String,
    password: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordPost {
    password: String,
    confirm: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodePost {
    code: String,
}

/// The frame of a sign-in page, with this session's token.
async fn chrome<'a>(inbox: &'a Workspace, session: &Session) -> Result<Chrome<'a>, WorkspaceError> {
    Ok(frame::signed_out(inbox, csrf::token(session).await?))
}

/// A page refused with 400 or 401.
fn refused(status: StatusCode, page: impl IntoResponse) -> Result<Response, WorkspaceError> {
    Ok((status, page).into_response())
}

async fn login_form(State(inbox): Shared, session: Session) -> Result<Response, WorkspaceError> {
    if session::is_signed_in(&session).await? {
        return Ok(Redirect::to("/").into_response());
    }
    Ok(views::login_page(&chrome(&inbox, &session).await?, None).into_response())
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
    CsrfForm(post): CsrfForm<LoginPost>,
) -> Result<Response, WorkspaceError> {
    let name = post.name.trim().to_string();
    match check_password(&inbox, &name, post.password).await? {
        Ok(user) => Ok(session::password_given(&session, &user)
            .await?
            .into_response()),
        Err(why) => {
            audit(
                &inbox,
                &audit_name(&name),
                failed(why, Action::LoginFailed),
                "",
            )
            .await?;
            let page = views::login_page(&chrome(&inbox, &session).await?, Some(WRONG));
            refused(StatusCode::UNAUTHORIZED, page)
        }
    }
}

/// The first factor, checked off the async threads.
async fn check_password(
    inbox: &Arc<Workspace>,
    name: &str,
    password: String,
) -> Result<Result<User, Refused>, WorkspaceError> {
    let (i, name, password) = (inbox.clone(), name.to_string(), Zeroizing::new(password));
    blocking(move || accounts::check_password(&i.store, &name, &password, &i.policy, Utc::now()))
        .await
}

/// The audit action for a refused sign-in step: locked, or `wrong`.
fn failed(why: Refused, wrong: Action) -> Action {
    match why {
        Refused::Locked => Action::LoginLocked,
        Refused::Wrong => wrong,
    }
}

async fn password_form(
    State(inbox): Shared,
    at: Pending<step::Password>,
) -> Result<Response, WorkspaceError> {
    Ok(views::password_page(&chrome(&inbox, &at.session).await?, &[]).into_response())
}

async fn change_password(
    State(inbox): Shared,
    at: Pending<step::Password>,
    CsrfForm(post): CsrfForm<PasswordPost>,
) -> Result<Response, WorkspaceError> {
    match replace_password(&inbox, &at.user, post).await? {
        Ok(user) => Ok(session::step_passed(&at.session, &user)
            .await?
            .into_response()),
        Err(problem) => {
            let errors = [FieldError {
                field: problem.field(),
                message: problem.message(),
            }];
            let page = views::password_page(&chrome(&inbox, &at.session).await?, &errors);
            refused(StatusCode::BAD_REQUEST, page)
        }
    }
}

/// Replaces `user`'s temporary password with the one posted, off the async threads.
async fn replace_password(
    inbox: &Arc<Workspace>,
    user: &User,
    post: PasswordPost,
) -> Result<Result<User, PasswordProblem>, WorkspaceError> {
    let (i, name) = (inbox.clone(), user.name.clone());
    let (new, confirm) = (Zeroizing::new(post.password), Zeroizing::new(post.confirm));
    blocking(move || {
        accounts::change_temporary_password(&i.store, &name, &new, &confirm, i.policy.cost)
    })
    .await
}

async fn code_form(
    State(inbox): Shared,
    at: Pending<step::Code>,
) -> Result<Response, WorkspaceError> {
    Ok(views::code_page(&chrome(&inbox, &at.session).await?, None).into_response())
}

async fn enrol_form(
    State(inbox): Shared,
    at: Pending<step::Enrol>,
) -> Result<Response, WorkspaceError> {
    Ok(enrol_page(&inbox, &at, None).await?.into_response())
}

/// The enrolment page: the secret as text and as a QR code, and the code field.
async fn enrol_page(
    inbox: &Workspace,
    at: &Pending<step::Enrol>,
    error: Option<&str>,
) -> Result<maud::Markup, WorkspaceError> {
    let secret = at.enrol_secret().await?;
    let uri = totp::otpauth_uri(&inbox.site.name, &at.user.name, &secret);
    let shown = totp::base32_encode(&secret);
    Ok(views::enrol_page(
        &chrome(inbox, &at.session).await?,
        &shown,
        &uri,
        error,
    ))
}

/// The enrolment QR code, as an image of its own (so the page needs no inline SVG), only for
/// the session that is enrolling, never cached.
async fn enrol_qr(
    State(inbox): Shared,
    at: Result<Pending<step::Enrol>, NotAtStep>,
) -> Result<Response, WorkspaceError> {
    let at = at.map_err(|not| match not {
        NotAtStep::Elsewhere(_) => WorkspaceError::NotFound,
        NotAtStep::Error(e) => e,
    })?;
    let secret = at.enrol_secret().await?;
    let uri = totp::otpauth_uri(&inbox.site.name, &at.user.name, &secret);
    let svg = totp::qr_svg(&uri).map_err(WorkspaceError::Internal)?;
    let headers = [
        (header::CONTENT_TYPE, "image/svg+xml"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    Ok((headers, svg).into_response())
}

/// Checks a code against the enrolled secret, or against `enrolling` (then saved).
async fn check_code(
    inbox: &Arc<Workspace>,
    user: &User,
    code: String,
    enrolling: Option<Vec<u8>>,
) -> Result<Result<User, Refused>, WorkspaceError> {
    let (i, name) = (inbox.clone(), user.name.clone());
    blocking(move || {
        let policy = &i.policy;
        accounts::check_code(
            &i.store,
            &name,
            &code,
            enrolling.as_deref(),
            policy,
            Utc::now(),
        )
    })
    .await
}

/// A wrong code: audited, and a locked account must start again from the password.
async fn code_refused<S>(
    inbox: &Arc<Workspace>,
    at: &Pending<S>,
    why: Refused,
) -> Result<(), WorkspaceError> {
    audit(
        inbox,
        &at.user.name,
        failed(why, Action::LoginFailedCode),
        "",
    )
    .await?;
    if why == Refused::Locked {
        at.forget().await?;
    }
    Ok(())
}

/// The second factor passed: signed in, audited.
async fn signed_in(
    inbox: &Arc<Workspace>,
    session: &Session,
    user: &User,
    enrolled: bool,
) -> Result<Response, WorkspaceError> {
    let home = session::signed_in(session, user).await?;
    if enrolled {
        audit(inbox, &user.name, Action::TotpEnrolled, "").await?;
    }
    audit(inbox, &user.name, Action::Login, "").await?;
    Ok(home.into_response())
}

async fn code(
    State(inbox): Shared,
    at: Pending<step::Code>,
    CsrfForm(post): CsrfForm<CodePost>,
) -> Result<Response, WorkspaceError> {
    match check_code(&inbox, &at.user, post.code, None).await? {
        Ok(user) => signed_in(&inbox, &at.session, &user, false).await,
        Err(why) => {
            code_refused(&inbox, &at, why).await?;
            let page = views::code_page(&chrome(&inbox, &at.session).await?, Some(WRONG));
            refused(StatusCode::UNAUTHORIZED, page)
        }
    }
}

async fn enrol(
    State(inbox): Shared,
    at: Pending<step::Enrol>,
    CsrfForm(post): CsrfForm<CodePost>,
) -> Result<Response, WorkspaceError> {
    let secret = at.enrol_secret().await?;
    match check_code(&inbox, &at.user, post.code, Some(secret)).await? {
        Ok(user) => signed_in(&inbox, &at.session, &user, true).await,
        Err(why) => {
            code_refused(&inbox, &at, why).await?;
            if why == Refused::Locked {
                // No longer half-signed-in: back to the sign-in page.
                return Err(WorkspaceError::SignIn);
            }
            let page = enrol_page(&inbox, &at, Some(WRONG_ENROL_CODE)).await?;
            refused(StatusCode::UNAUTHORIZED, page)
        }
    }
}

async fn logout(
    State(inbox): Shared,
    session: Session,
    _: CsrfForm<TokenOnly>,
) -> Result<Response, WorkspaceError> {
    if let Some(name) = session::sign_out(&session).await? {
        audit(&inbox, &name, Action::Logout, "").await?;
    }
    let clear = [("clear-site-data", "\"cookies\", \"storage\"")];
    Ok((clear, Redirect::to("/login")).into_response())
}
