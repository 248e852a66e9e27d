//! Store and audit-trail work for a request, run off the async threads; and the audit trail's
//! words for what people do on the web, typed, so each is written in one place.

use std::fmt;
use std::sync::Arc;

use anyhow::Result;

use super::error::WorkspaceError;
use crate::workspace::accounts::{Permission, User};
use crate::workspace::model::{RecordKey, Referral};
use crate::workspace::{listing, Workspace};

/// The router's state, as every handler takes it.
pub type Shared = axum::extract::State<Arc<Workspace>>;

/// Runs blocking store or crypto work off the async threads.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T, WorkspaceError> {
    Ok(tokio::task::spawn_blocking(f).await??)
}

/// What an audit entry written from the web records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Login,
    /// A wrong name or password.
    LoginFailed,
    /// A wrong authenticator code.
    LoginFailedCode,
    /// Refused because the account is locked for a while.
    LoginLocked,
    TotpEnrolled,
    Logout,
    View,
    ExportPrint,
    ExportJson,
    ExportCsv,
    AuditView,
    QuarantineView,
    Pull,
    /// A request for something the user's role does not allow.
    Denied(Permission),
    /// A case moved on: the move's id.
    Moved(String),
    /// A person's or place's page.
    ViewSubject,
    /// A search, by the keyed hash of its terms (never the terms).
    Search(String),
    /// One of the tracker's lists, seen or downloaded.
    ViewList(&'static str),
    ExportList(&'static str),
    /// Everything held about one person, as a page or as JSON.
    SubjectAccess,
    SubjectAccessJson,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = match self {
            Action::Login => "login",
            Action::LoginFailed => "login-failed",
            Action::LoginFailedCode => "login-failed-code",
            Action::LoginLocked => "login-locked",
            Action::TotpEnrolled => "totp-enrolled",
            Action::Logout => "logout",
            Action::View => "view",
            Action::ExportPrint => "export-print",
            Action::ExportJson => "export-json",
            Action::ExportCsv => "export-csv",
            Action::AuditView => "audit-view",
            Action::QuarantineView => "quarantine-view",
            Action::Pull => "pull",
            Action::Denied(p) => return write!(f, "denied:{}", p.name()),
            Action::Moved(m) => return write!(f, "move:{m}"),
            Action::ViewSubject => "view-tracker",
            Action::SubjectAccess => "subject-access",
            Action::SubjectAccessJson => "subject-access-json",
            Action::Search(h) => return write!(f, "search:{h}"),
            Action::ViewList(l) => return write!(f, "view-list:{l}"),
            Action::ExportList(l) => return write!(f, "export-list:{l}"),
        };
        f.write_str(word)
    }
}

/// Appends to the audit trail: `record` is a record's `kiosk/id`, or empty.
pub async fn audit(
    inbox: &Arc<Workspace>,
    actor: &str,
    action: Action,
    record: &str,
) -> Result<(), WorkspaceError> {
    let (store, actor, action, record) = (
        inbox.store.clone(),
        actor.to_string(),
        action.to_string(),
        record.to_string(),
    );
    blocking(move || store.audit.record(&actor, &action, &record).map(|_| ())).await
}

/// A referral `user` may see; any other is "not found", so its existence is not told.
pub async fn referral(
    inbox: &Arc<Workspace>,
    user: &User,
    key: RecordKey,
) -> Result<Referral, WorkspaceError> {
    let store = inbox.store.clone();
    let referral = blocking(move || store.get(&key)).await?;
    let mut r = referral
        .filter(|r| listing::visible(inbox, user, r))
        .ok_or(WorkspaceError::NotFound)?;
    crate::workspace::tracking::redact(inbox, user, &mut r);
    Ok(r)
}
