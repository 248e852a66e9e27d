//! Bearer tokens for the internal hand-over API (`prem token add|revoke|list`).
//!
//! A token is shown once, when created; the database keeps only its SHA-256, so a copy of the
//! data directory cannot be replayed against the API. Tokens are 256 random bits, so a plain
//! hash (no password hashing) is enough. Verification compares against every stored hash in
//! constant time and never stops early, so timing says nothing about which token nearly matched.
//! Adds and revocations are flushed: a revoked token must stay revoked after a crash.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};

use super::dir::DirLock;
use super::{Result, StoreError};

const PREFIX: &str = "prem_";

/// A token as `prem token list` shows it: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub name: String,
    /// The recipient team whose records the token lists and acknowledges (`None` for tokens made
    /// before teams, which stand for the only team when there is one).
    pub team: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Who a verified token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub name: String,
    pub team: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    sha256: String,
    created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    team: Option<String>,
}

/// The hand-over API's tokens, in the kiosk's database (tree `tokens`, key = name).
#[derive(Clone)]
pub struct TokenStore {
    tree: sled::Tree,
    _lock: Arc<DirLock>,
}

impl std::fmt::Debug for TokenStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenStore")
    }
}

fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "token name {name:?} must be 1 to 64 letters, digits, '.', '_' or '-'"
        )))
    }
}

impl TokenStore {
    pub(crate) fn new(tree: sled::Tree, lock: Arc<DirLock>) -> Self {
        TokenStore { tree, _lock: lock }
    }

    /// Create a token named `name` for the recipient team `team` and return it. This is the
    /// only time it is available.
    pub fn add(&self, name: &str, team: &str) -> Result<String> {
        check_name(name)?;
        let token = format!("{PREFIX}{}", hex::encode(rand::random::<[u8; 32]>()));
        let stored = Stored {
            sha256: hex::encode(hash(&token)),
            created_at: Utc::now(),
            team: Some(team.to_string()),
        };
        let value = serde_json::to_vec(&stored).expect("a token record always serialises");
        if self
            .tree
            .compare_and_swap(name, None::<&[u8]>, Some(value))?
            .is_err()
        {
            return Err(StoreError::Invalid(format!(
                "a token named {name:?} already exists (revoke it first)"
            )));
        }
        self.tree.flush()?;
        Ok(token)
    }

    /// Revoke the token named `name`; `false` if there was none.
    pub fn revoke(&self, name: &str) -> Result<bool> {
        let existed = self.tree.remove(name)?.is_some();
        self.tree.flush()?;
        Ok(existed)
    }

    /// The name of the token matching `token`, if any. Reads only memory-cached sled data in
    /// practice, so it is fine to call from async middleware.
    pub fn verify(&self, token: &str) -> Result<Option<Verified>> {
        let wanted = hash(token);
        let mut found: Option<Verified> = None;
        for kv in self.tree.iter() {
            let (k, v) = kv?;
            let Ok(stored) = serde_json::from_slice::<Stored>(&v) else {
                continue;
            };
            let mut have = [0u8; 32];
            if hex::decode_to_slice(&stored.sha256, &mut have).is_err() {
                continue;
            }
            let matched: Choice = have.ct_eq(&wanted);
            if bool::from(matched) && found.is_none() {
                found = Some(Verified {
                    name: String::from_utf8_lossy(&k).into_owned(),
                    team: stored.team.clone(),
                });
            }
        }
        Ok(found)
    }

    pub fn list(&self) -> Result<Vec<TokenInfo>> {
        let mut out = Vec::new();
        for kv in self.tree.iter() {
            let (k, v) = kv?;
            let stored: Stored = serde_json::from_slice(&v)
                .map_err(|_| StoreError::Invalid("undecodable token record".into()))?;
            out.push(TokenInfo {
                name: String::from_utf8_lossy(&k).into_owned(),
                team: stored.team,
                created_at: stored.created_at,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::store::SpoolStore;

    #[test]
    fn token_verifies_until_revoked_and_is_stored_hashed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SpoolStore::open(dir.path()).expect("open");
        let tokens = store.tokens();
        let token = tokens.add("police-inbox", "police").expect("add");
        assert!(token.starts_with("prem_") && token.len() == 5 + 64);
        let who = tokens.verify(&token).expect("verify").expect("known");
        assert_eq!(who.name, "police-inbox");
        assert_eq!(who.team.as_deref(), Some("police"));
        assert_eq!(tokens.verify("prem_wrong").expect("verify"), None);
        assert!(
            tokens.add("police-inbox", "police").is_err(),
            "no silent replacement"
        );
        assert!(tokens.add("bad name", "police").is_err());
        assert_eq!(tokens.list().expect("list")[0].name, "police-inbox");

        for (_, v) in tokens.tree.iter().flatten() {
            let raw = String::from_utf8_lossy(&v);
            assert!(!raw.contains(&token[5..]), "the token itself is stored");
        }
        assert!(tokens.revoke("police-inbox").expect("revoke"));
        assert_eq!(tokens.verify(&token).expect("verify"), None);
        assert!(!tokens.revoke("police-inbox").expect("revoke"));
    }
}
