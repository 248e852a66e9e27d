//! `SledSessionStore`: tower-sessions 0.15 records (the form drafts) on sled, encrypted.
//!
//! The published sled store targets tower-sessions 0.14, skips the expiry check on load and
//! stores plaintext, hence this one. The session id (128 random bits, only ever in the
//! visitor's cookie) is the secret: the stored key is SHA-256 of the id, and the record is
//! sealed with XChaCha20-Poly1305 under a key derived from the id with HKDF-SHA256. A copy of
//! the database therefore holds no id and cannot read a draft. The associated data binds the
//! ciphertext to its key and to the plaintext expiry kept in front of it (which lets the purge
//! run without any key). Saves are flushed so a restart loses no draft.
//!
//! tower-sessions 0.15 declares `SessionStore` with `#[async_trait]`; async-trait is not our
//! dependency, so the impl below spells out the boxed-future signatures it expands to.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2::{Digest, Sha256};
use tower_sessions::cookie::time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, Error};
use tower_sessions::SessionStore;
use zeroize::{Zeroize, Zeroizing};

use super::dir::DirLock;

/// Largest stored draft. sled values must stay well under 64 KB (larger ones go to never-fsynced
/// blob files); a draft bigger than this is refused rather than silently put at risk.
pub const MAX_DRAFT_BYTES: usize = 48 * 1024;

const NONCE_LEN: usize = 24;
const EXPIRY_LEN: usize = 8;

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = session_store::Result<T>> + Send + 'a>>;

/// The drafts store. Cheap to clone; shares the kiosk's database (tree `sessions`).
#[derive(Clone)]
pub struct SledSessionStore {
    tree: sled::Tree,
    _lock: Arc<DirLock>,
}

impl std::fmt::Debug for SledSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SledSessionStore")
    }
}

fn backend(e: sled::Error) -> Error {
    Error::Backend(format!("session store: {e}"))
}

/// Where a session lives: SHA-256 of its id, never the id.
fn store_key(id: &Id) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"prem session key v1");
    h.update(id.0.to_le_bytes());
    h.finalize().into()
}

/// The draft's encryption key, from the id alone.
fn cipher(id: &Id) -> XChaCha20Poly1305 {
    let ikm = Zeroizing::new(id.0.to_le_bytes());
    let hk = Hkdf::<Sha256>::new(Some(b"prem session draft v1"), ikm.as_slice());
    let mut okm = Zeroizing::new([0u8; 32]);
    hk.expand(b"xchacha20poly1305 key", okm.as_mut_slice())
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    XChaCha20Poly1305::new(&Key::from(*okm))
}

fn aad(key: &[u8; 32], expiry: &[u8; EXPIRY_LEN]) -> [u8; 32 + EXPIRY_LEN] {
    let mut out = [0u8; 32 + EXPIRY_LEN];
    out[..32].copy_from_slice(key);
    out[32..].copy_from_slice(expiry);
    out
}

/// `expiry (unix seconds, be) | nonce | ciphertext`.
fn seal(record: &Record) -> session_store::Result<([u8; 32], Vec<u8>)> {
    let key = store_key(&record.id);
    let expiry = record.expiry_date.unix_timestamp().to_be_bytes();
    let mut plain = serde_json::to_vec(record).map_err(|e| Error::Encode(e.to_string()))?;
    let nonce: [u8; NONCE_LEN] = rand::random();
    let sealed = cipher(&record.id).encrypt(
        &XNonce::from(nonce),
        Payload {
            msg: &plain,
            aad: &aad(&key, &expiry),
        },
    );
    plain.zeroize();
    let sealed = sealed.map_err(|_| Error::Encode("draft encryption failed".into()))?;
    let mut value = Vec::with_capacity(EXPIRY_LEN + NONCE_LEN + sealed.len());
    value.extend_from_slice(&expiry);
    value.extend_from_slice(&nonce);
    value.extend_from_slice(&sealed);
    if value.len() > MAX_DRAFT_BYTES {
        return Err(Error::Encode(format!(
            "draft of {} bytes exceeds the {MAX_DRAFT_BYTES}-byte limit",
            value.len()
        )));
    }
    Ok((key, value))
}

fn open(id: &Id, key: &[u8; 32], value: &[u8]) -> session_store::Result<Record> {
    if value.len() < EXPIRY_LEN + NONCE_LEN {
        return Err(Error::Decode("stored draft is truncated".into()));
    }
    let (expiry, rest) = value.split_at(EXPIRY_LEN);
    let (nonce, sealed) = rest.split_at(NONCE_LEN);
    let expiry: [u8; EXPIRY_LEN] = expiry.try_into().expect("split at EXPIRY_LEN");
    let nonce: [u8; NONCE_LEN] = nonce.try_into().expect("split at NONCE_LEN");
    let plain = cipher(id)
        .decrypt(
            &XNonce::from(nonce),
            Payload {
                msg: sealed,
                aad: &aad(key, &expiry),
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| Error::Decode("stored draft failed authentication".into()))?;
    serde_json::from_slice(&plain).map_err(|e| Error::Decode(e.to_string()))
}

fn expiry_of(value: &[u8]) -> Option<i64> {
    Some(i64::from_be_bytes(
        value.get(..EXPIRY_LEN)?.try_into().ok()?,
    ))
}

impl SledSessionStore {
    pub(crate) fn new(tree: sled::Tree, lock: Arc<DirLock>) -> Self {
        SledSessionStore { tree, _lock: lock }
    }

    /// Delete every expired draft; returns how many. Uses only the plaintext expiry, no keys.
    /// Writes every saved draft to disk; called once at shutdown.
    pub fn flush_blocking(&self) -> sled::Result<usize> {
        self.tree.flush()
    }

    pub fn delete_expired(&self) -> session_store::Result<usize> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let mut removed = 0;
        for kv in self.tree.iter() {
            let (k, v) = kv.map_err(backend)?;
            if expiry_of(&v).is_none_or(|at| at <= now) {
                // Only if unchanged: a concurrent save may just have extended it.
                if self
                    .tree
                    .compare_and_swap(&k, Some(&v), None::<&[u8]>)
                    .map_err(backend)?
                    .is_ok()
                {
                    removed += 1;
                }
            }
        }
        if removed > 0 {
            self.tree.flush().map_err(backend)?;
        }
        Ok(removed)
    }

    /// Run [`Self::delete_expired`] every `period` on the tokio runtime, logging failures.
    pub fn spawn_purge_task(&self, period: std::time::Duration) -> tokio::task::JoinHandle<()> {
        let store = self.clone();
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(period);
            interval.tick().await; // the first tick is immediate
            loop {
                interval.tick().await;
                let s = store.clone();
                match tokio::task::spawn_blocking(move || s.delete_expired()).await {
                    Ok(Ok(n)) if n > 0 => tracing::debug!(purged = n, "expired drafts purged"),
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => tracing::error!(error = %e, "purging expired drafts failed"),
                    Err(e) => tracing::error!(error = %e, "draft purge task failed"),
                }
            }
        })
    }

    /// Drafts are not flushed on every save: sled's own flusher writes them
    /// within half a second, and a clean shutdown flushes them all, so a
    /// restart loses none. (Flushing on every save cost several fsyncs per
    /// submission, and sled 0.34's `flush_async` deadlocks when called
    /// concurrently, spacejam/sled#1308.) Acknowledged submissions never
    /// depend on this: the spool store makes them durable itself.
    async fn flush(&self) -> session_store::Result<()> {
        Ok(())
    }

    async fn create_record(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            let (key, value) = seal(record)?;
            let swapped = self
                .tree
                .compare_and_swap(key, None::<&[u8]>, Some(value))
                .map_err(backend)?;
            if swapped.is_ok() {
                return self.flush().await;
            }
            record.id = Id::default(); // collision: never overwrite someone else's draft
        }
    }

    async fn save_record(&self, record: &Record) -> session_store::Result<()> {
        let (key, value) = seal(record)?;
        self.tree.insert(key, value).map_err(backend)?;
        self.flush().await
    }

    async fn load_record(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let key = store_key(id);
        let Some(value) = self.tree.get(key).map_err(backend)? else {
            return Ok(None);
        };
        let record = open(id, &key, &value)?;
        if record.expiry_date <= OffsetDateTime::now_utc() {
            self.tree.remove(key).map_err(backend)?;
            return Ok(None);
        }
        Ok(Some(record))
    }

    async fn delete_record(&self, id: &Id) -> session_store::Result<()> {
        self.tree.remove(store_key(id)).map_err(backend)?;
        self.flush().await
    }
}

impl SessionStore for SledSessionStore {
    fn create<'s, 'r, 'at>(&'s self, record: &'r mut Record) -> BoxFuture<'at, ()>
    where
        's: 'at,
        'r: 'at,
        Self: 'at,
    {
        Box::pin(self.create_record(record))
    }

    fn save<'s, 'r, 'at>(&'s self, record: &'r Record) -> BoxFuture<'at, ()>
    where
        's: 'at,
        'r: 'at,
        Self: 'at,
    {
        Box::pin(self.save_record(record))
    }

    fn load<'s, 'i, 'at>(&'s self, id: &'i Id) -> BoxFuture<'at, Option<Record>>
    where
        's: 'at,
        'i: 'at,
        Self: 'at,
    {
        Box::pin(self.load_record(id))
    }

    fn delete<'s, 'i, 'at>(&'s self, id: &'i Id) -> BoxFuture<'at, ()>
    where
        's: 'at,
        'i: 'at,
        Self: 'at,
    {
        Box::pin(self.delete_record(id))
    }
}

#[cfg(test)]
mod tests;
