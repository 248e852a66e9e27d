//! Reviewer key pairs and their ids.
//!
//! A key is named by a hash of its public half so that a record, a key file and `prem.toml` can
//! all refer to it without carrying the key itself, and so that rotation is a matter of adding a
//! new id rather than guessing which key a record was sealed to.

use std::fmt;
use std::str::FromStr;

use hpke::{Deserializable, Kem as _, Serializable};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::{Kem, SealError};

/// Length of an X25519 public or secret key.
pub(crate) const KEY_LEN: usize = 32;

/// First line of a public key file; the version lets the format change without guessing.
const PUBLIC_KEY_MAGIC: &str = "prem-public-key v1";

/// The first 16 bytes of SHA-256 over a public key's bytes, shown as 32 hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub [u8; 16]);

impl KeyId {
    /// The id of the public key with these bytes.
    pub fn of(public_key: &[u8]) -> KeyId {
        let digest = Sha256::digest(public_key);
        let mut id = [0u8; 16];
        id.copy_from_slice(&digest[..16]);
        KeyId(id)
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

impl FromStr for KeyId {
    type Err = SealError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut id = [0u8; 16];
        hex::decode_to_slice(s, &mut id).map_err(|_| SealError::MalformedKey)?;
        Ok(KeyId(id))
    }
}

/// A reviewer's public key: all the kiosk ever holds.
///
/// The id is computed from the bytes on construction, so a `PublicKey` can never carry an id
/// that does not match its key.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    id: KeyId,
    bytes: [u8; KEY_LEN],
}

impl PublicKey {
    /// A public key from its 32 raw X25519 bytes.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> PublicKey {
        PublicKey {
            id: KeyId::of(&bytes),
            bytes,
        }
    }

    pub fn id(&self) -> KeyId {
        self.id
    }

    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.bytes
    }

    /// Parses the text written by [`PublicKey::to_text`]. The `id` line must match the key, which
    /// catches a key file pasted together from two keys.
    pub fn parse(text: &str) -> Result<PublicKey, SealError> {
        let mut lines = text.lines().map(str::trim_end);
        if lines.next() != Some(PUBLIC_KEY_MAGIC) {
            return Err(SealError::MalformedKey);
        }
        let id: KeyId = field(lines.next(), "id")?.parse()?;
        let mut bytes = [0u8; KEY_LEN];
        hex::decode_to_slice(field(lines.next(), "key")?, &mut bytes)
            .map_err(|_| SealError::MalformedKey)?;
        if lines.any(|line| !line.is_empty()) {
            return Err(SealError::MalformedKey);
        }
        let key = PublicKey::from_bytes(bytes);
        if key.id != id {
            return Err(SealError::MalformedKey);
        }
        Ok(key)
    }

    /// The public key file's contents.
    pub fn to_text(&self) -> String {
        format!(
            "{PUBLIC_KEY_MAGIC}\nid {}\nkey {}\n",
            self.id,
            hex::encode(self.bytes)
        )
    }

    pub(crate) fn to_hpke(&self) -> Result<<Kem as hpke::Kem>::PublicKey, SealError> {
        <Kem as hpke::Kem>::PublicKey::from_bytes(&self.bytes).map_err(|_| SealError::Recipients)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.id)
    }
}

/// `name value` on one line, or a malformed-key error.
pub(crate) fn field<'a>(line: Option<&'a str>, name: &str) -> Result<&'a str, SealError> {
    line.and_then(|line| line.strip_prefix(name))
        .and_then(|rest| rest.strip_prefix(' '))
        .ok_or(SealError::MalformedKey)
}

/// A reviewer's private key. Its bytes are wiped on drop and never printed.
#[derive(ZeroizeOnDrop)]
pub struct SecretKey {
    #[zeroize(skip)]
    id: KeyId,
    bytes: [u8; KEY_LEN],
}

impl SecretKey {
    /// A secret key from raw X25519 bytes; the caller wipes its own copy.
    pub(crate) fn from_bytes(bytes: [u8; KEY_LEN]) -> SecretKey {
        let mut key = SecretKey {
            id: KeyId([0; 16]),
            bytes,
        };
        key.id = key.public_key().id;
        key
    }

    /// The id of the matching public key.
    pub fn id(&self) -> KeyId {
        self.id
    }

    pub fn public_key(&self) -> PublicKey {
        let public = Kem::sk_to_pk(&self.to_hpke());
        let mut bytes = [0u8; KEY_LEN];
        public.write_exact(&mut bytes);
        PublicKey::from_bytes(bytes)
    }

    pub(crate) fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.bytes
    }

    /// The hpke form of the key; hpke's private key type wipes itself on drop.
    pub(crate) fn to_hpke(&self) -> <Kem as hpke::Kem>::PrivateKey {
        // X25519 accepts any 32 bytes (they are clamped on use), so this cannot fail; the
        // fallback keeps the library free of panics all the same.
        <Kem as hpke::Kem>::PrivateKey::from_bytes(&self.bytes)
            .unwrap_or_else(|_| Kem::derive_keypair(&self.bytes).0)
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretKey")
            .field("id", &self.id)
            .field("bytes", &"[redacted]")
            .finish()
    }
}

/// A fresh reviewer key pair from the operating system's random source.
pub fn generate_keypair() -> (PublicKey, SecretKey) {
    let (secret, _) = Kem::gen_keypair();
    let mut array = secret.to_bytes();
    let mut bytes = [0u8; KEY_LEN];
    bytes.copy_from_slice(&array);
    array.as_mut_slice().zeroize();
    let secret = SecretKey::from_bytes(bytes);
    bytes.zeroize();
    (secret.public_key(), secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_id_is_first_16_bytes_of_sha256_and_stable() {
        // SHA-256 of 32 zero bytes is 66687aad...; the id is its first half.
        let key = PublicKey::from_bytes([0u8; KEY_LEN]);
        assert_eq!(key.id().to_string(), "66687aadf862bd776c8fc18b8e9f8e20");
        let (public, secret) = generate_keypair();
        assert_eq!(public.id(), secret.id());
        assert_eq!(public.id(), KeyId::of(public.as_bytes()));
        assert_eq!(secret.public_key(), public);
    }

    #[test]
    fn public_key_text_round_trips() {
        let (public, _) = generate_keypair();
        let parsed = PublicKey::parse(&public.to_text()).expect("parse");
        assert_eq!(parsed, public);
        let crlf = public.to_text().replace('\n', "\r\n");
        assert_eq!(PublicKey::parse(&crlf).expect("parse crlf"), public);
    }

    #[test]
    fn public_key_with_mismatched_id_is_rejected() {
        let (a, _) = generate_keypair();
        let (b, _) = generate_keypair();
        let text = format!(
            "{PUBLIC_KEY_MAGIC}\nid {}\nkey {}\n",
            a.id(),
            hex::encode(b.as_bytes())
        );
        assert_eq!(PublicKey::parse(&text), Err(SealError::MalformedKey));
        assert_eq!(PublicKey::parse(""), Err(SealError::MalformedKey));
        assert_eq!(
            PublicKey::parse(&format!("{}extra\n", a.to_text())),
            Err(SealError::MalformedKey)
        );
    }

    #[test]
    fn secret_key_debug_is_redacted() {
        let (_, secret) = generate_keypair();
        let shown = format!("{secret:?}");
        assert!(shown.contains("[redacted]"));
        assert!(!shown.contains(&hex::encode(secret.as_bytes())));
    }
}
