//! Passwords: argon2id hashes at ASVS's minimum cost, the temporary password an account starts
//! with (and gets again on a reset), and replacing it with one of the user's own.

use anyhow::{bail, Result};
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use zeroize::Zeroizing;

use super::{change, User};
use crate::seal::KdfParams;
use crate::workspace::store::WorkspaceStore;

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

/// ASVS 5.0's Argon2id minimum: 19 MiB, two passes, one lane.
pub const PASSWORD_COST: KdfParams = KdfParams {
    m_kib: 19 * 1024,
    t: 2,
    p: 1,
};

pub(super) fn hasher(cost: KdfParams) -> Result<Argon2<'static>> {
    let params = Params::new(cost.m_kib, cost.t, cost.p, None)
        .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

pub(super) fn hash_password(password: &str, cost: KdfParams) -> Result<String> {
    Ok(hasher(cost)?
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))?
        .to_string())
}

/// A temporary password: 20 characters from an unambiguous alphabet (~100 bits).
pub(super) fn temporary_password() -> Zeroizing<String> {
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    Zeroizing::new(
        (0..20)
            .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
            .collect(),
    )
}

/// Replaces a temporary password with the user's own, after they signed in with it: at least
/// [`MIN_PASSWORD_CHARS`] characters, typed twice, and not the temporary one. Audited.
pub fn change_temporary_password(
    store: &WorkspaceStore,
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
