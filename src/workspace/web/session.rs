//! Who is asking. [`SignedIn`] is the signed-in user of a session, as an extractor that also
//! checks the permission its route needs, named in the handler's signature; [`Pending`] is
//! someone half-way through signing in, at one step. The session's keys are private to this
//! module, so nothing else reads or writes them by string.
//!
//! The session id is cycled after every sign-in step, so an id seen before sign-in is worthless
//! after it, and the CSRF token is replaced once signed in.

use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use tower_sessions::Session;

use super::error::WorkspaceError;
use super::frame;
use super::io::{audit, blocking, Action};
use crate::http::csrf;
use crate::workspace::accounts::{self, Permission, User};
use crate::workspace::case::Signer;
use crate::workspace::totp;
use crate::workspace::views::Chrome;
use crate::workspace::Workspace;

const USER: &str = "user";
const PENDING: &str = "pending";
const ENROL: &str = "enrol-secret";
const SIGNED_IN_AT: &str = "signed-in-at";
const NOTICE: &str = "notice";
/// Signed-in sessions end after this long even when active.
const ABSOLUTE_HOURS: i64 = 10;

/// A permission a route needs, as a type: `SignedIn<may::Decide>`.
pub trait Need {
    const PERMISSION: Permission;
}

/// One type per [`Permission`], to name in a handler's [`SignedIn`].
pub mod may {
    use super::{Need, Permission};

    macro_rules! needs {
        ($($name:ident),*) => {$(
            #[doc = concat!("Needs [`Permission::", stringify!($name), "`].")]
            pub struct $name;
            impl Need for $name {
                const PERMISSION: Permission = Permission::$name;
            }
        )*};
    }

    needs!(
        ViewList,
        ViewCase,
        Pull,
        Export,
        ExportCsv,
        ReadAudit,
        ManageQuarantine,
        Search,
        Tracker,
        EditTracker,
        Match,
        SubjectAccess,
        Meetings,
        ManageMeetings,
        ChooseAgencies,
        Actions,
        Extraordinary
    );
}

fn session_of(parts: &Parts) -> Result<Session, WorkspaceError> {
    parts
        .extensions
        .get::<Session>()
        .cloned()
        .ok_or_else(|| WorkspaceError::Internal(anyhow::anyhow!("no session layer on this route")))
}

/// The fully signed-in user of this session, if any (and still allowed in); a session past its
/// absolute limit, or of a disabled account, is ended.
pub async fn current_user(
    inbox: &Arc<Workspace>,
    session: &Session,
) -> Result<Option<User>, WorkspaceError> {
    let Some(name) = session.get::<String>(USER).await? else {
        return Ok(None);
    };
    let at = session.get::<i64>(SIGNED_IN_AT).await?.unwrap_or(0);
    let store = inbox.store.clone();
    let user = if Utc::now().timestamp() - at > ABSOLUTE_HOURS * 3600 {
        None
    } else {
        blocking(move || accounts::get(&store, &name)).await?
    };
    let mut user = user.filter(|u| !u.disabled);
    if let Some(u) = user.as_mut() {
        inbox.roles.resolve(&mut u.role);
    }
    if user.is_none() {
        session.flush().await?;
    }
    Ok(user)
}

/// The signed-in user, allowed `P`. Anyone else is sent to sign in; a user whose role does not
/// allow `P` gets 403, and the attempt is audited.
pub struct SignedIn<P> {
    pub user: User,
    pub session: Session,
    need: PhantomData<P>,
}

impl<P: Need> FromRequestParts<Arc<Workspace>> for SignedIn<P> {
    type Rejection = WorkspaceError;

    async fn from_request_parts(
        parts: &mut Parts,
        inbox: &Arc<Workspace>,
    ) -> Result<Self, WorkspaceError> {
        let session = session_of(parts)?;
        let user = current_user(inbox, &session)
            .await?
            .ok_or(WorkspaceError::SignIn)?;
        if !user.role.may(P::PERMISSION) {
            audit(inbox, &user.name, Action::Denied(P::PERMISSION), "").await?;
            return Err(WorkspaceError::Forbidden);
        }
        Ok(SignedIn {
            user,
            session,
            need: PhantomData,
        })
    }
}

impl<P> Deref for SignedIn<P> {
    type Target = User;
    fn deref(&self) -> &User {
        &self.user
    }
}

impl<P> SignedIn<P> {
    /// The frame of a page for this user, with the notice left by the last change, once.
    pub async fn frame<'a>(&'a self, inbox: &'a Workspace) -> Result<Chrome<'a>, WorkspaceError> {
        let token = csrf::token(&self.session).await?;
        let notice = self.session.remove::<String>(NOTICE).await.ok().flatten();
        Ok(frame::signed_in(inbox, &self.user, token, notice))
    }

    /// Records `action` by this user in the audit trail.
    pub async fn audit(
        &self,
        inbox: &Arc<Workspace>,
        action: Action,
        record: &str,
    ) -> Result<(), WorkspaceError> {
        audit(inbox, &self.user.name, action, record).await
    }

    /// Leaves a message for the next page this user sees ("Decision recorded."): every change
    /// says that it happened.
    pub async fn flash(&self, message: &str) -> Result<(), WorkspaceError> {
        self.session.insert(NOTICE, message).await?;
        Ok(())
    }

    /// This user, signing a move now.
    pub fn signer(&self) -> Signer<'_> {
        Signer {
            name: &self.user.name,
            role: self.user.role.label(),
            at: Utc::now(),
        }
    }
}

/// The steps of signing in after the password, in the order they come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Replace a temporary password with one's own.
    Password,
    /// Set up the authenticator app (the first time, and after a reset).
    Enrol,
    Code,
}

impl Step {
    /// Where someone who has given the right password goes next.
    pub fn of(user: &User) -> Step {
        if user.must_change_password() {
            Step::Password
        } else if user.enrolled() {
            Step::Code
        } else {
            Step::Enrol
        }
    }

    pub fn path(self) -> &'static str {
        match self {
            Step::Password => "/login/password",
            Step::Enrol => "/login/enrol",
            Step::Code => "/login/code",
        }
    }
}

/// A sign-in step as a type: `Pending<step::Code>`.
pub trait AtStep {
    const STEP: Step;
}

/// One type per [`Step`], to name in a handler's [`Pending`].
pub mod step {
    use super::{AtStep, Step};

    macro_rules! steps {
        ($($name:ident),*) => {$(
            #[doc = concat!("At [`Step::", stringify!($name), "`].")]
            pub struct $name;
            impl AtStep for $name {
                const STEP: Step = Step::$name;
            }
        )*};
    }

    steps!(Password, Enrol, Code);
}

/// Someone who gave the right password and is at step `S`. Each step checks the ones before it
/// on the server, so none can be skipped.
pub struct Pending<S> {
    pub user: User,
    pub session: Session,
    step: PhantomData<S>,
}

/// Why a request is not at the step its route serves.
pub enum NotAtStep {
    /// At another step: sent there.
    Elsewhere(Step),
    /// Not half-signed-in at all (or an error).
    Error(WorkspaceError),
}

impl IntoResponse for NotAtStep {
    fn into_response(self) -> Response {
        match self {
            NotAtStep::Elsewhere(step) => Redirect::to(step.path()).into_response(),
            NotAtStep::Error(e) => e.into_response(),
        }
    }
}

impl From<WorkspaceError> for NotAtStep {
    fn from(e: WorkspaceError) -> Self {
        NotAtStep::Error(e)
    }
}

impl From<tower_sessions::session::Error> for NotAtStep {
    fn from(e: tower_sessions::session::Error) -> Self {
        NotAtStep::Error(e.into())
    }
}

impl<S: AtStep> FromRequestParts<Arc<Workspace>> for Pending<S> {
    type Rejection = NotAtStep;

    async fn from_request_parts(
        parts: &mut Parts,
        inbox: &Arc<Workspace>,
    ) -> Result<Self, NotAtStep> {
        let session = session_of(parts)?;
        let Some(name) = session.get::<String>(PENDING).await? else {
            return Err(WorkspaceError::SignIn.into());
        };
        let store = inbox.store.clone();
        let user = blocking(move || accounts::get(&store, &name)).await?;
        let Some(user) = user.filter(|u| !u.disabled) else {
            session.flush().await?;
            return Err(WorkspaceError::SignIn.into());
        };
        match Step::of(&user) {
            at if at == S::STEP => Ok(Pending {
                user,
                session,
                step: PhantomData,
            }),
            at => Err(NotAtStep::Elsewhere(at)),
        }
    }
}

impl<S> Pending<S> {
    /// The authenticator secret being enrolled, made once per session.
    pub async fn enrol_secret(&self) -> Result<Vec<u8>, WorkspaceError> {
        if let Some(hex_secret) = self.session.get::<String>(ENROL).await? {
            return hex::decode(hex_secret).map_err(|e| WorkspaceError::Internal(e.into()));
        }
        let secret = totp::new_secret();
        self.session.insert(ENROL, hex::encode(secret)).await?;
        Ok(secret.to_vec())
    }

    /// After a locked account's refusal: the password must be given again.
    pub async fn forget(&self) -> Result<(), WorkspaceError> {
        self.session.remove::<String>(PENDING).await?;
        Ok(())
    }
}

/// Whether this session is fully signed in (not checking the account: for the sign-in page).
pub async fn is_signed_in(session: &Session) -> Result<bool, WorkspaceError> {
    Ok(session.get::<String>(USER).await?.is_some())
}

/// The right password was given: a new session id, and `user` at their next step.
pub async fn password_given(session: &Session, user: &User) -> Result<Redirect, WorkspaceError> {
    session.cycle_id().await?;
    session.remove::<String>(USER).await?;
    session.insert(PENDING, &user.name).await?;
    Ok(Redirect::to(Step::of(user).path()))
}

/// A step passed short of signing in: a new session id, and the next step.
pub async fn step_passed(session: &Session, user: &User) -> Result<Redirect, WorkspaceError> {
    session.cycle_id().await?;
    Ok(Redirect::to(Step::of(user).path()))
}

/// The last step passed: a new session id and CSRF token, and `user` signed in.
pub async fn signed_in(session: &Session, user: &User) -> Result<Redirect, WorkspaceError> {
    session.cycle_id().await?;
    for key in [PENDING, ENROL, csrf::KEY] {
        session.remove::<serde_json::Value>(key).await?;
    }
    session.insert(USER, &user.name).await?;
    session.insert(SIGNED_IN_AT, Utc::now().timestamp()).await?;
    Ok(Redirect::to("/"))
}

/// Ends the session; returns who was signed in, if anyone.
pub async fn sign_out(session: &Session) -> Result<Option<String>, WorkspaceError> {
    let name = session.get::<String>(USER).await?;
    session.flush().await?;
    Ok(name)
}
