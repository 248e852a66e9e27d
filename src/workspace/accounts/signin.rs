//! The two factors at sign-in, and the lockout: a failed password or code counts towards it;
//! once locked, an account refuses even the right password until the lock runs out, so
//! guessing gets nowhere by being patient within the window.

use anyhow::Result;
use argon2::password_hash::PasswordVerifier as _;
use chrono::{DateTime, Duration, Utc};

use super::password::{hash_password, hasher};
use super::{change, User};
use crate::seal::KdfParams;
use crate::workspace::store::WorkspaceStore;
use crate::workspace::totp;

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

/// Counts a failure and locks the account when the policy says so.
fn fail(
    store: &WorkspaceStore,
    name: &str,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Refused> {
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
    store: &WorkspaceStore,
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
    store: &WorkspaceStore,
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
