//! Reviewer accounts: roles, argon2id password hashes, TOTP enrolment, lockout.
//!
//! Accounts are made on the command line (`prem inbox user add`), never on the web, so taking
//! over a browser session cannot mint an admin. Each record is sealed under the data key like a
//! referral, because it holds the TOTP secret. A failed password or code counts towards the
//! lockout; once locked, an account refuses even the right password until the lock runs out,
//! so guessing gets nowhere by being patient within the window.

use anyhow::{bail, Result};
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::store::InboxStore;
use super::totp;
use crate::seal::KdfParams;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Reviewer,
    Chair,
    BusinessSupport,
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "reviewer" => Some(Role::Reviewer),
            "chair" => Some(Role::Chair),
            "business-support" => Some(Role::BusinessSupport),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Reviewer => "reviewer",
            Role::Chair => "chair",
            Role::BusinessSupport => "business-support",
            Role::Admin => "admin",
        }
    }

    /// The one table of who may do what; every handler asks it.
    pub fn may(self, action: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Reviewer => matches!(
                action,
                ViewList | ViewReferral | Decide | SetStatus | Pull | Export
            ),
            Role::Chair => matches!(action, ViewList | ViewReferral | Export),
            Role::BusinessSupport => matches!(action, ViewList | ViewReferral | Export),
            Role::Admin => matches!(
                action,
                ViewList | Pull | ReadAudit | ExportCsv | ManageQuarantine
            ),
        }
    }
}

/// Things a request may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    ViewList,
    /// Read a referral's answers (and print it).
    ViewReferral,
    Decide,
    SetStatus,
    Pull,
    /// A referral as JSON or a printable page.
    Export,
    ExportCsv,
    ReadAudit,
    /// See records that did not open, and retry them.
    ManageQuarantine,
}

impl Permission {
    /// Its name in the audit trail (`denied:Decide`).
    pub fn name(self) -> &'static str {
        match self {
            Permission::ViewList => "ViewList",
            Permission::ViewReferral => "ViewReferral",
            Permission::Decide => "Decide",
            Permission::SetStatus => "SetStatus",
            Permission::Pull => "Pull",
            Permission::Export => "Export",
            Permission::ExportCsv => "ExportCsv",
            Permission::ReadAudit => "ReadAudit",
            Permission::ManageQuarantine => "ManageQuarantine",
        }
    }
}

#[derive(Clone, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub role: Role,
    /// The one LA a business-support account works for.
    pub la: Option<String>,
    password_hash: String,
    /// Set by `user add` and `user reset`: the password is a temporary one, which must be
    /// replaced at the next sign-in, before anything else (even enrolling the second factor).
    #[serde(default)]
    temporary_password: bool,
    /// Hex; `None` until enrolled (and again after a reset).
    totp_secret: Option<String>,
    totp_last_step: u64,
    failures: u32,
    locked_until: Option<DateTime<Utc>>,
    pub disabled: bool,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "User({}, {})", self.name, self.role.label())
    }
}

impl User {
    pub fn enrolled(&self) -> bool {
        self.totp_secret.is_some()
    }

    /// One word or two for lists: disabled, temporary password, active or not enrolled.
    pub fn state_label(&self) -> &'static str {
        if self.disabled {
            "disabled"
        } else if self.temporary_password {
            "temporary password"
        } else if self.enrolled() {
            "active"
        } else {
            "not enrolled"
        }
    }

    /// Signed in with a temporary password that has not been replaced yet.
    pub fn must_change_password(&self) -> bool {
        self.temporary_password
    }
}

/// The shortest password a user may choose (in characters).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest (in bytes): hashing costs the same, but a bound keeps posts small.
pub const MAX_PASSWORD_BYTES: usize = 256;

/// Why a new password was not accepted; each names the field to correct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    Missing,
    TooShort,
    TooLong,
    SameAsTemporary,
    Mismatch,
}

impl PasswordProblem {
    pub fn message(self) -> &'static str {
        match self {
            Self::Missing => "Enter a new password",
            Self::TooShort => "Your new password must be at least 12 characters long",
            Self::TooLong => "Your new password must be 256 characters or fewer",
            Self::SameAsTemporary => {
                "Your new password must be different from the temporary password"
            }
            Self::Mismatch => "The two passwords do not match: type the same password twice",
        }
    }

    /// The form field the message belongs to.
    pub fn field(self) -> &'static str {
        match self {
            Self::Mismatch => "confirm",
            _ => "password",
        }
    }
}

/// Why a sign-in step was refused. People see one message for all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Unknown name, wrong password or code, or a disabled account.
    Wrong,
    Locked,
}

/// Lockout policy and hashing cost.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub attempts: u32,
    pub lock_for: Duration,
    pub cost: KdfParams,
}

/// ASVS 5.0's Argon2id minimum: 19 MiB, two passes, one lane.
pub const PASSWORD_COST: KdfParams = KdfParams {
    m_kib: 19 * 1024,
    t: 2,
    p: 1,
};

fn hasher(cost: KdfParams) -> Result<Argon2<'static>> {
    let params = Params::new(cost.m_kib, cost.t, cost.p, None)
        .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash_password(password: &str, cost: KdfParams) -> Result<String> {
    Ok(hasher(cost)?
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))?
        .to_string())
}

/// A temporary password: 20 characters from an unambiguous alphabet (~100 bits).
fn temporary_password() -> Zeroizing<String> {
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    Zeroizing::new(
        (0..20)
            .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
            .collect(),
    )
}

fn valid_name(name: &str) -> bool {
    (2..=40).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// Creates an account and returns its temporary password (shown once, never stored).
pub fn add(
    store: &InboxStore,
    name: &str,
    role: Role,
    la: Option<&str>,
    cost: KdfParams,
) -> Result<Zeroizing<String>> {
    if !valid_name(name) {
        bail!("invalid user name {name:?} (2 to 40 letters, digits, '.', '-' or '_')");
    }
    match (role, la) {
        (Role::BusinessSupport, None) => {
            bail!("a business-support account needs --la (the local authority it works for)")
        }
        (Role::BusinessSupport, Some(_)) | (_, None) => {}
        (_, Some(_)) => bail!("--la applies only to business-support accounts"),
    }
    let password = temporary_password();
    let user = User {
        name: name.into(),
        role,
        la: la.map(Into::into),
        password_hash: hash_password(&password, cost)?,
        temporary_password: true,
        totp_secret: None,
        totp_last_step: 0,
        failures: 0,
        locked_until: None,
        disabled: false,
    };
    store.locked(|| {
        if store.get_user::<User>(name)?.is_some() {
            bail!("user {name:?} already exists");
        }
        store.put_user(name, &user)
    })?;
    store.audit.record("cli", "user-add", name)?;
    Ok(password)
}

/// Disables an account; its sessions fail at their next request.
pub fn disable(store: &InboxStore, name: &str) -> Result<()> {
    change(store, name, |u| {
        u.disabled = true;
        Ok(())
    })?;
    store.audit.record("cli", "user-disable", name)?;
    Ok(())
}

/// A new temporary password (to be replaced at the next sign-in), the TOTP secret forgotten (so it must be enrolled again), the
/// lock lifted and the account re-enabled.
pub fn reset(store: &InboxStore, name: &str, cost: KdfParams) -> Result<Zeroizing<String>> {
    let password = temporary_password();
    let hash = hash_password(&password, cost)?;
    change(store, name, |u| {
        u.password_hash = hash;
        u.temporary_password = true;
        u.totp_secret = None;
        u.totp_last_step = 0;
        u.failures = 0;
        u.locked_until = None;
        u.disabled = false;
        Ok(())
    })?;
    store.audit.record("cli", "user-reset", name)?;
    Ok(password)
}

pub fn get(store: &InboxStore, name: &str) -> Result<Option<User>> {
    store.get_user(name)
}

fn change(store: &InboxStore, name: &str, f: impl FnOnce(&mut User) -> Result<()>) -> Result<User> {
    store.locked(|| {
        let Some(mut user) = store.get_user::<User>(name)? else {
            bail!("no user named {name:?} (see `prem inbox user list`)");
        };
        f(&mut user)?;
        store.put_user(name, &user)?;
        Ok(user)
    })
}

/// Counts a failure and locks the account when the policy says so.
fn fail(store: &InboxStore, name: &str, policy: &Policy, now: DateTime<Utc>) -> Result<Refused> {
    let user = change(store, name, |u| {
        u.failures += 1;
        if u.failures >= policy.attempts {
            u.failures = 0;
            u.locked_until = Some(now + policy.lock_for);
        }
        Ok(())
    })?;
    Ok(if user.locked_until.is_some_and(|t| t > now) {
        Refused::Locked
    } else {
        Refused::Wrong
    })
}

fn usable(user: Option<User>, now: DateTime<Utc>) -> Result<User, Refused> {
    match user {
        None => Err(Refused::Wrong),
        Some(u) if u.disabled => Err(Refused::Wrong),
        Some(u) if u.locked_until.is_some_and(|t| t > now) => Err(Refused::Locked),
        Some(u) => Ok(u),
    }
}

/// First factor. Runs argon2 even for unknown names so timing does not reveal which exist.
pub fn check_password(
    store: &InboxStore,
    name: &str,
    password: &str,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Result<User, Refused>> {
    let user = match usable(store.get_user(name)?, now) {
        Ok(u) => u,
        Err(refused) => {
            let _ = hash_password(password, policy.cost);
            return Ok(Err(refused));
        }
    };
    let ok = hasher(policy.cost)?
        .verify_password(password.as_bytes(), user.password_hash.as_str())
        .is_ok();
    if !ok {
        return Ok(Err(fail(store, name, policy, now)?));
    }
    change(store, name, |u| {
        u.failures = 0;
        Ok(())
    })?;
    Ok(Ok(user))
}

/// Second factor: `code` against the enrolled secret, or against `enrolling` (which is then
/// saved as the account's secret).
pub fn check_code(
    store: &InboxStore,
    name: &str,
    code: &str,
    enrolling: Option<&[u8]>,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Result<User, Refused>> {
    let user = match usable(store.get_user(name)?, now) {
        Ok(u) => u,
        Err(refused) => return Ok(Err(refused)),
    };
    if user.temporary_password {
        // The password step comes first; a session that skipped it is stale.
        return Ok(Err(Refused::Wrong));
    }
    let secret = match (enrolling, &user.totp_secret) {
        (Some(s), None) => s.to_vec(),
        (None, Some(hex_secret)) => hex::decode(hex_secret)?,
        // Enrolling twice, or a code before enrolment: the session is stale.
        _ => return Ok(Err(Refused::Wrong)),
    };
    let Some(step) = totp::verify(&secret, code, now.timestamp(), user.totp_last_step) else {
        return Ok(Err(fail(store, name, policy, now)?));
    };
    let user = change(store, name, |u| {
        u.failures = 0;
        u.totp_last_step = step;
        if enrolling.is_some() {
            u.totp_secret = Some(hex::encode(&secret));
        }
        Ok(())
    })?;
    Ok(Ok(user))
}

/// Replaces a temporary password with the user's own, after they signed in with it: at least
/// [`MIN_PASSWORD_CHARS`] characters, typed twice, and not the temporary one. Audited.
pub fn change_temporary_password(
    store: &InboxStore,
    name: &str,
    new: &str,
    confirm: &str,
    cost: KdfParams,
) -> Result<Result<User, PasswordProblem>> {
    let Some(user) = store.get_user::<User>(name)? else {
        bail!("no user named {name:?}");
    };
    if !user.temporary_password {
        bail!("{name} has no temporary password to change");
    }
    let problem = if new.is_empty() {
        Some(PasswordProblem::Missing)
    } else if new.chars().count() < MIN_PASSWORD_CHARS {
        Some(PasswordProblem::TooShort)
    } else if new.len() > MAX_PASSWORD_BYTES {
        Some(PasswordProblem::TooLong)
    } else if new != confirm {
        Some(PasswordProblem::Mismatch)
    } else if hasher(cost)?
        .verify_password(new.as_bytes(), user.password_hash.as_str())
        .is_ok()
    {
        Some(PasswordProblem::SameAsTemporary)
    } else {
        None
    };
    if let Some(p) = problem {
        return Ok(Err(p));
    }
    let hash = hash_password(new, cost)?;
    let user = change(store, name, |u| {
        if !u.temporary_password {
            bail!("{name}'s password was changed meanwhile");
        }
        u.password_hash = hash;
        u.temporary_password = false;
        Ok(())
    })?;
    store.audit.record(name, "password-changed", name)?;
    Ok(Ok(user))
}
