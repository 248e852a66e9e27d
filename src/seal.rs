//! Sealing submissions so that the kiosk that writes them can never read them back.
//!
//! Threat model. The kiosk faces the internet and stores special-category data, so we assume it
//! may be taken over, its disk stolen or its backups copied. It therefore holds only reviewers'
//! *public* keys and no symmetric storage key: every record is encrypted to keys whose private
//! halves live with the reviewers, wrapped under a passphrase. Whoever controls the kiosk at time
//! T can read what is typed from then on, drop records or write bogus ones (HPKE base mode does
//! not authenticate the sender; the inbox trusts records because it pulls them from the kiosk
//! over an authenticated channel), but cannot read any record sealed before T. The header's
//! sequence number lets the inbox notice dropped records; the AEADs only detect changes.
//!
//! Design (RFC 9180 HPKE, base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
//! ChaCha20-Poly1305). A form may go to several reviewer teams, each of which must open it
//! alone, so the body is encrypted once under a random 32-byte content key and only that key is
//! HPKE-sealed to each recipient. This keeps a record's size near the plaintext's whatever the
//! number of recipients, and every recipient decrypts the very same ciphertext. The header (see
//! [`record`]) is the associated data of every wrapped key, and the header with all wrapped keys
//! is the body's, so a changed sequence number, date, recipient list or any other recipient's
//! entry fails to open for everyone.
//!
//! Two details are easy to get wrong:
//! - The body key and a key commitment are both derived from the content key with HKDF, and the
//!   commitment is stored in the record. ChaCha20-Poly1305 is not key-committing: without this a
//!   crafted record could hand two recipients different content keys that each decrypt the same
//!   body to a different text. With it, every recipient who opens a record reads the same text.
//! - The body is encrypted with an all-zero nonce. That is sound only because the body key comes
//!   from a content key drawn afresh for every record and used for one message; a random nonce
//!   would add bytes and nothing else.
//!
//! Keys carry ids (a hash of the public key) because keys get rotated: a record names the ids
//! it was sealed to, so the inbox knows which key, old or new, opens it. To rotate, run
//! `prem keygen` for the new pair, list its public key in `prem.toml` instead of (or, during a
//! hand-over, beside) the old one, and keep the old private key until every record naming the
//! old id has been opened.

mod key;
mod keyfile;
pub mod record;
#[cfg(test)]
mod tests;

use chacha20poly1305::aead::{Aead as _, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use hkdf::Hkdf;
use hpke::{Deserializable, OpModeR, OpModeS, Serializable};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

pub use key::{generate_keypair, KeyId, PublicKey, SecretKey};
pub use keyfile::{
    keygen, keygen_with_params, read_public_key, read_secret_key, unwrap_secret, wrap_secret,
    wrap_secret_with_params, KdfParams,
};
pub use record::{decode, Header, SealedRecord, MAX_PLAINTEXT, MAX_RECIPIENTS};

use record::{RecipientEntry, COMMITMENT_LEN, CONTENT_KEY_LEN, ENC_LEN, WRAPPED_KEY_LEN};

type Kem = hpke::kem::X25519HkdfSha256;
type Kdf = hpke::kdf::HkdfSha256;
type HpkeAead = hpke::aead::ChaCha20Poly1305;

/// HPKE `info`: names what the HPKE context protects, so a content key can never be confused
/// with another use of the same reviewer key.
const HPKE_INFO: &[u8] = b"prem seal v1 content key";
const HKDF_SALT: &[u8] = b"prem seal v1";

/// Why sealing, opening or reading a key failed. Variants carry no detail from the crypto
/// libraries, so nothing about a secret can leak through an error message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("malformed sealed record")]
    Malformed,
    #[error("unsupported sealed-record version or suite")]
    Unsupported,
    #[error("record is not sealed to this key")]
    NotForThisKey,
    #[error("sealed record failed to decrypt (it was altered or corrupted)")]
    Decrypt,
    #[error("malformed key file")]
    MalformedKey,
    #[error("wrong passphrase for key {0}")]
    WrongPassphrase(KeyId),
    #[error("recipients must be 1 to 16 distinct valid keys matching the header's list")]
    Recipients,
    #[error("submission larger than the 1 MiB limit")]
    TooLarge,
    #[error("encryption failed")]
    Crypto,
}

/// Seals `plaintext` to every key in `recipients`, which must match `header.recipients` in
/// order (build the header with [`Header::new`]).
pub fn seal(
    header: &Header,
    recipients: &[PublicKey],
    plaintext: &[u8],
) -> Result<Vec<u8>, SealError> {
    header.validate()?;
    if plaintext.len() > MAX_PLAINTEXT {
        return Err(SealError::TooLarge);
    }
    if !recipients
        .iter()
        .map(PublicKey::id)
        .eq(header.recipients.iter().copied())
    {
        return Err(SealError::Recipients);
    }
    let header_bytes = header.encode();
    let mut content_key = Zeroizing::new([0u8; CONTENT_KEY_LEN]);
    rand::RngCore::fill_bytes(&mut rand::rng(), content_key.as_mut());
    let (body_key, commitment) = derive(&content_key)?;
    let entries = recipients
        .iter()
        .map(|recipient| wrap_content_key(recipient, &content_key, &header_bytes))
        .collect::<Result<Vec<_>, _>>()?;
    let mut record = SealedRecord {
        header: header.clone(),
        header_bytes,
        entries,
        commitment,
        body: Vec::new(),
    };
    record.body = ChaCha20Poly1305::new(&(*body_key).into())
        .encrypt(
            &Nonce::default(),
            Payload {
                msg: plaintext,
                aad: &record.encode_prefix(),
            },
        )
        .map_err(|_| SealError::Crypto)?;
    Ok(record.encode())
}

/// Decodes a record and opens it with `secret`.
pub fn open(bytes: &[u8], secret: &SecretKey) -> Result<(Header, Vec<u8>), SealError> {
    let record = decode(bytes)?;
    let plaintext = record.open(secret)?;
    Ok((record.header, plaintext))
}

impl SealedRecord {
    /// Decrypts the record with `secret`. The plaintext is the caller's to wipe.
    pub fn open(&self, secret: &SecretKey) -> Result<Vec<u8>, SealError> {
        let index = self
            .header
            .recipients
            .iter()
            .position(|id| *id == secret.id())
            .ok_or(SealError::NotForThisKey)?;
        let entry = self.entries.get(index).ok_or(SealError::Malformed)?;
        let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(&entry.enc)
            .map_err(|_| SealError::Decrypt)?;
        let content_key = Zeroizing::new(
            hpke::single_shot_open::<HpkeAead, Kdf, Kem>(
                &OpModeR::Base,
                &secret.to_hpke(),
                &enc,
                HPKE_INFO,
                &entry.wrapped_key,
                &self.header_bytes,
            )
            .map_err(|_| SealError::Decrypt)?,
        );
        let content_key: &[u8; CONTENT_KEY_LEN] = content_key
            .as_slice()
            .try_into()
            .map_err(|_| SealError::Decrypt)?;
        let (body_key, commitment) = derive(content_key)?;
        if !bool::from(commitment.ct_eq(&self.commitment)) {
            return Err(SealError::Decrypt);
        }
        ChaCha20Poly1305::new(&(*body_key).into())
            .decrypt(
                &Nonce::default(),
                Payload {
                    msg: &self.body,
                    aad: &self.encode_prefix(),
                },
            )
            .map_err(|_| SealError::Decrypt)
    }
}

/// HPKE-seals the content key to one recipient, bound to the header.
fn wrap_content_key(
    recipient: &PublicKey,
    content_key: &[u8; CONTENT_KEY_LEN],
    header_bytes: &[u8],
) -> Result<RecipientEntry, SealError> {
    let (enc, wrapped) = hpke::single_shot_seal::<HpkeAead, Kdf, Kem>(
        &OpModeS::Base,
        &recipient.to_hpke()?,
        HPKE_INFO,
        content_key,
        header_bytes,
    )
    .map_err(|_| SealError::Crypto)?;
    let enc: [u8; ENC_LEN] = enc
        .to_bytes()
        .as_slice()
        .try_into()
        .map_err(|_| SealError::Crypto)?;
    let wrapped_key: [u8; WRAPPED_KEY_LEN] = wrapped
        .as_slice()
        .try_into()
        .map_err(|_| SealError::Crypto)?;
    Ok(RecipientEntry { enc, wrapped_key })
}

/// The body key and the public key commitment, both from the content key.
fn derive(
    content_key: &[u8; CONTENT_KEY_LEN],
) -> Result<(Zeroizing<[u8; 32]>, [u8; COMMITMENT_LEN]), SealError> {
    let hkdf = Hkdf::<Sha256>::new(Some(HKDF_SALT), content_key);
    let mut body_key = Zeroizing::new([0u8; 32]);
    let mut commitment = [0u8; COMMITMENT_LEN];
    hkdf.expand(b"body key", body_key.as_mut())
        .and_then(|()| hkdf.expand(b"key commitment", &mut commitment))
        .map_err(|_| SealError::Crypto)?;
    Ok((body_key, commitment))
}
