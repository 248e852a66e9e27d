//! The inbox's data key: what keeps opened referrals unreadable at rest.
//!
//! Opened referrals must never sit in the inbox's database in the clear, yet reviewers need them
//! every few seconds, so each value is sealed with XChaCha20-Poly1305 (random 24-byte nonces, no
//! counter to keep) under one local 32-byte data key. That key is stored in `data.key`, wrapped
//! under the same passphrase as the reviewers' private key, in the very format `prem keygen`
//! writes (Argon2id + XChaCha20-Poly1305, see `seal::keyfile`): rather than a second wrapping
//! scheme, the file holds a fresh X25519 secret whose bytes are only ever used as HKDF input for
//! the data key. A wrong passphrase therefore fails exactly like the private key's does.
//!
//! Every sealed value names what it is (its database key) as associated data, so a value copied
//! onto another record's key fails to open instead of showing the wrong referral.

use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result};
use chacha20poly1305::aead::{Aead as _, KeyInit as _, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::seal::{self, KdfParams};

const NONCE_LEN: usize = 24;

/// The symmetric key every stored value is sealed under. Never leaves memory.
pub struct DataKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

impl DataKey {
    /// Unwraps `path` with `passphrase`, creating it (wrapped at `params`) on first start.
    /// A wrong passphrase stays downcastable to [`seal::SealError::WrongPassphrase`].
    pub fn load_or_create(path: &Path, passphrase: &[u8], params: KdfParams) -> Result<DataKey> {
        if !path.exists() {
            let (_, fresh) = seal::generate_keypair();
            let wrapped = seal::wrap_secret_with_params(&fresh, passphrase, params)?;
            write_new(path, &wrapped)?;
        }
        let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| {
            anyhow::anyhow!(
                "{}: cannot read the data key ({}): it is the inbox's own key file in its \
                         data directory; check the directory's owner and permissions",
                path.display(),
                e.kind()
            )
        })?);
        let secret = seal::unwrap_secret(&bytes, passphrase)
            .with_context(|| format!("{}", path.display()))?;
        Ok(DataKey::derive(secret.as_bytes()))
    }

    fn derive(ikm: &[u8; 32]) -> DataKey {
        let hk = Hkdf::<Sha256>::new(Some(b"prem inbox data key v1"), ikm);
        let mut key = Zeroizing::new([0u8; 32]);
        hk.expand(b"xchacha20poly1305", key.as_mut())
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        DataKey(key)
    }

    /// `nonce | ciphertext`, bound to `aad`.
    pub fn seal(&self, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>> {
        let nonce: [u8; NONCE_LEN] = rand::random();
        let sealed = XChaCha20Poly1305::new(&(*self.0).into())
            .encrypt(&XNonce::from(nonce), Payload { msg: plain, aad })
            .map_err(|_| anyhow::anyhow!("encryption failed"))?;
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// A keyed hash of `data` (HMAC-SHA256 under a key derived from this one for `label`), hex:
    /// what the audit trail keeps of a search, so the same term can be recognised across
    /// entries by someone holding the data key, and read by no one.
    pub fn keyed_hash(&self, label: &str, data: &[u8]) -> String {
        use hmac::{Mac as _, SimpleHmac};
        let hk = Hkdf::<Sha256>::new(Some(b"prem keyed hash v1"), self.0.as_ref());
        let mut key = Zeroizing::new([0u8; 32]);
        hk.expand(label.as_bytes(), key.as_mut())
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        let mut mac =
            SimpleHmac::<Sha256>::new_from_slice(key.as_ref()).expect("HMAC takes any key length");
        mac.update(data);
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// Opens what [`DataKey::seal`] made with the same `aad`.
    pub fn open(&self, aad: &[u8], bytes: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        if bytes.len() < NONCE_LEN {
            anyhow::bail!("stored value is truncated");
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().expect("split at NONCE_LEN");
        XChaCha20Poly1305::new(&(*self.0).into())
            .decrypt(&XNonce::from(nonce), Payload { msg: sealed, aad })
            .map(Zeroizing::new)
            .map_err(|_| anyhow::anyhow!("stored value failed authentication"))
    }
}

/// Creates the key file 0600 from the start (failing if it exists) and syncs it.
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("{}: cannot create the data key", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("{}: cannot write the data key", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_key_round_trips_and_refuses_a_wrong_passphrase() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("data.key");
        let cheap = KdfParams::INSECURE_FOR_TESTS;
        let a = DataKey::load_or_create(&path, b"pw", cheap).expect("create");
        let sealed = a.seal(b"record 1", b"hello").expect("seal");
        let b = DataKey::load_or_create(&path, b"pw", cheap).expect("reopen");
        assert_eq!(&**b.open(b"record 1", &sealed).expect("open"), b"hello");
        assert!(b.open(b"record 2", &sealed).is_err(), "bound to its key");
        let err = DataKey::load_or_create(&path, b"nope", cheap).expect_err("wrong");
        assert!(matches!(
            err.downcast_ref::<seal::SealError>(),
            Some(seal::SealError::WrongPassphrase(_))
        ));
    }
}
