//! Reviewer accounts: who they are, their role, and their management from the command line
//! (add, disable, reset). Passwords are in `password`; checking the two factors, with the
//! lockout, in `signin`.
//!
//! Accounts are made on the command line (`prem inbox user add`), never on the web, so taking
//! over a browser session cannot mint an admin. Each record is sealed under the data key like a
//! referral, because it holds the TOTP secret. A failed password or code counts towards the
//! lockout; once locked, an account refuses even the right password until the lock runs out,
//! so guessing gets nowhere by being patient within the window.

mod password;
mod signin;

use anyhow::{bail, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

pub use super::role::{Permission, Role};
use super::store::WorkspaceStore;
use crate::seal::KdfParams;
pub use password::{
    change_temporary_password, PasswordProblem, MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS,
    PASSWORD_COST,
};
use password::{hash_password, temporary_password};
pub use signin::{check_code, check_password, Policy, Refused};

#[derive(Clone, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub role: Role,
    /// The one LA an account of an LA-tied role (business support, LA manager) works for.
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
    /// Where notifications go (`user add --email`, `user email`); none until set, and none in
    /// accounts stored before addresses existed.
    #[serde(default)]
    pub email: Option<String>,
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

fn valid_name(name: &str) -> bool {
    (2..=40).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// Creates an account and returns its temporary password (shown once, never stored).
pub fn add(
    store: &WorkspaceStore,
    name: &str,
    role: &Role,
    la: Option<&str>,
    cost: KdfParams,
) -> Result<Zeroizing<String>> {
    if !valid_name(name) {
        bail!("invalid user name {name:?} (2 to 40 letters, digits, '.', '-' or '_')");
    }
    let tied = role.la_scope() != crate::config::LaScope::None;
    match (tied, la) {
        (true, None) => bail!(
            "a {} account needs --la (the local authority it works for)",
            role.label()
        ),
        (false, Some(_)) => bail!(
            "--la applies only to roles tied to one local authority, and {} is not \
             (see its la key in [[roles]])",
            role.label()
        ),
        _ => {}
    }
    let password = temporary_password();
    let user = User {
        name: name.into(),
        role: Role::named(role.label()),
        la: la.map(Into::into),
        password_hash: hash_password(&password, cost)?,
        temporary_password: true,
        totp_secret: None,
        totp_last_step: 0,
        failures: 0,
        locked_until: None,
        disabled: false,
        email: None,
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
pub fn disable(store: &WorkspaceStore, name: &str) -> Result<()> {
    change(store, name, |u| {
        u.disabled = true;
        Ok(())
    })?;
    store.audit.record("cli", "user-disable", name)?;
    Ok(())
}

/// A new temporary password (to be replaced at the next sign-in), the TOTP secret forgotten (so it must be enrolled again), the
/// lock lifted and the account re-enabled.
pub fn reset(store: &WorkspaceStore, name: &str, cost: KdfParams) -> Result<Zeroizing<String>> {
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

/// Refuses what is not a plain address: a line break or list punctuation in it could add a
/// header or a recipient to every message sent to it.
pub fn check_email(addr: &str) -> Result<()> {
    if !crate::config::is_plain_address(addr) {
        bail!("{addr:?} is not an email address (one '@', no spaces, line breaks, commas or <>)");
    }
    Ok(())
}

/// Sets, or with `None` removes, the address an account's notifications go to.
pub fn set_email(store: &WorkspaceStore, name: &str, email: Option<&str>) -> Result<()> {
    email.map(check_email).transpose()?;
    change(store, name, |u| {
        u.email = email.map(Into::into);
        Ok(())
    })?;
    let action = if email.is_some() {
        "user-email"
    } else {
        "user-email-removed"
    };
    store.audit.record("cli", action, name)?;
    Ok(())
}

/// The addresses of the enabled accounts `which` picks (e.g. everyone in one role), for
/// `notify::Notifier::notify`; accounts without an address are left out.
pub fn addresses(store: &WorkspaceStore, which: impl Fn(&User) -> bool) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for name in store.user_names()? {
        if let Some(u) = get(store, &name)?.filter(|u| !u.disabled && which(u)) {
            out.extend(u.email);
        }
    }
    Ok(out)
}

pub fn get(store: &WorkspaceStore, name: &str) -> Result<Option<User>> {
    store.get_user(name)
}

fn change(
    store: &WorkspaceStore,
    name: &str,
    f: impl FnOnce(&mut User) -> Result<()>,
) -> Result<User> {
    store.locked(|| {
        let Some(mut user) = store.get_user::<User>(name)? else {
            bail!("no user named {name:?} (see `prem inbox user list`)");
        };
        f(&mut user)?;
        store.put_user(name, &user)?;
        Ok(user)
    })
}
