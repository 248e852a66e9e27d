//! The sealed record's byte layout, parsed without any key.
//!
//! All integers are big-endian. The header comes first and its exact bytes are the associated
//! data for every AEAD in the record, so nothing in it can change unnoticed:
//!
//! ```text
//! magic "PREMSEAL" | format u16 | suite u16 | schema u16 | submission id [16]
//! | sequence u64 | created_at i64 | recipient count u8 | key id [16] x count
//! ```
//!
//! Then, per recipient in header order: `u16 len | enc`, `u16 len | wrapped content key`; the
//! 32-byte key commitment; `u32 len | body ciphertext`. Nothing may follow. The header is the
//! associated data of each wrapped key; everything before the body's length is the body's, so
//! a change to another recipient's entry is caught too, not just left for that recipient. Every length is
//! checked against the suite's fixed sizes or a limit before anything is allocated, because the
//! inbox decodes records that a compromised kiosk may have crafted.

use std::collections::HashSet;

use rand::RngCore;

use super::key::{KeyId, PublicKey};
use super::SealError;

/// Identifies the file format whatever its version.
pub const MAGIC: [u8; 8] = *b"PREMSEAL";
/// The layout described in this module.
pub const FORMAT_VERSION: u16 = 1;
/// HPKE base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305, for the content
/// key; the body under ChaCha20-Poly1305 with a key committed by HKDF-SHA256.
pub const SUITE_X25519_SHA256_CHACHA: u16 = 1;
/// Most recipients a record may name.
pub const MAX_RECIPIENTS: usize = 16;
/// Largest plaintext a record may carry (1 MiB).
pub const MAX_PLAINTEXT: usize = 1 << 20;

pub(crate) const ENC_LEN: usize = 32;
pub(crate) const TAG_LEN: usize = 16;
pub(crate) const CONTENT_KEY_LEN: usize = 32;
pub(crate) const WRAPPED_KEY_LEN: usize = CONTENT_KEY_LEN + TAG_LEN;
pub(crate) const COMMITMENT_LEN: usize = 32;

/// What a record says about itself in the clear, all of it authenticated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The algorithms used; only [`SUITE_X25519_SHA256_CHACHA`] exists today.
    pub suite: u16,
    /// Version of the serialised submission inside, for the inbox's decoder.
    pub schema_version: u16,
    /// Random, so it reveals nothing and can name the record publicly.
    pub submission_id: [u8; 16],
    /// The kiosk's own counter, so the inbox can report missing records.
    pub sequence: u64,
    /// Unix seconds.
    pub created_at: i64,
    /// Who can open the record, in the order of the recipient entries.
    pub recipients: Vec<KeyId>,
}

impl Header {
    /// A header for a new submission to `recipients`, with a fresh random submission id.
    pub fn new(
        schema_version: u16,
        sequence: u64,
        created_at: i64,
        recipients: &[PublicKey],
    ) -> Header {
        let mut submission_id = [0u8; 16];
        rand::rng().fill_bytes(&mut submission_id);
        Header {
            suite: SUITE_X25519_SHA256_CHACHA,
            schema_version,
            submission_id,
            sequence,
            created_at,
            recipients: recipients.iter().map(PublicKey::id).collect(),
        }
    }

    /// Checks what [`decode`] would refuse, so `seal` never writes a record nobody can parse.
    pub(crate) fn validate(&self) -> Result<(), SealError> {
        if self.suite != SUITE_X25519_SHA256_CHACHA {
            return Err(SealError::Unsupported);
        }
        let distinct: HashSet<&KeyId> = self.recipients.iter().collect();
        if self.recipients.is_empty()
            || self.recipients.len() > MAX_RECIPIENTS
            || distinct.len() != self.recipients.len()
        {
            return Err(SealError::Recipients);
        }
        Ok(())
    }

    /// The header's bytes; call [`Header::validate`] first.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(47 + 16 * self.recipients.len());
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_be_bytes());
        out.extend_from_slice(&self.suite.to_be_bytes());
        out.extend_from_slice(&self.schema_version.to_be_bytes());
        out.extend_from_slice(&self.submission_id);
        out.extend_from_slice(&self.sequence.to_be_bytes());
        out.extend_from_slice(&self.created_at.to_be_bytes());
        // validate() caps the count at MAX_RECIPIENTS, well inside a u8.
        out.push(self.recipients.len() as u8);
        for id in &self.recipients {
            out.extend_from_slice(&id.0);
        }
        out
    }

    fn read(r: &mut Reader<'_>) -> Result<Header, SealError> {
        if r.array::<8>()? != MAGIC {
            return Err(SealError::Malformed);
        }
        if r.u16()? != FORMAT_VERSION {
            return Err(SealError::Unsupported);
        }
        let suite = r.u16()?;
        if suite != SUITE_X25519_SHA256_CHACHA {
            return Err(SealError::Unsupported);
        }
        let schema_version = r.u16()?;
        let submission_id = r.array()?;
        let sequence = u64::from_be_bytes(r.array()?);
        let created_at = i64::from_be_bytes(r.array()?);
        let count = usize::from(r.array::<1>()?[0]);
        if count == 0 || count > MAX_RECIPIENTS {
            return Err(SealError::Malformed);
        }
        let recipients = (0..count)
            .map(|_| r.array().map(KeyId))
            .collect::<Result<Vec<_>, _>>()?;
        let header = Header {
            suite,
            schema_version,
            submission_id,
            sequence,
            created_at,
            recipients,
        };
        header.validate().map_err(|_| SealError::Malformed)?;
        Ok(header)
    }
}

/// One recipient's copy of the content key.
#[derive(Clone, Debug)]
pub(crate) struct RecipientEntry {
    pub(crate) enc: [u8; ENC_LEN],
    pub(crate) wrapped_key: [u8; WRAPPED_KEY_LEN],
}

/// A record parsed but not decrypted: enough to route it and to check its header.
#[derive(Clone, Debug)]
pub struct SealedRecord {
    pub(crate) header: Header,
    pub(crate) header_bytes: Vec<u8>,
    pub(crate) entries: Vec<RecipientEntry>,
    pub(crate) commitment: [u8; COMMITMENT_LEN],
    pub(crate) body: Vec<u8>,
}

impl SealedRecord {
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Whether the key with this id can open the record.
    pub fn is_for(&self, id: KeyId) -> bool {
        self.header.recipients.contains(&id)
    }

    /// Everything before the body's length: the body's associated data. Every field has a
    /// fixed size, so this re-encoding is byte for byte what was decoded.
    pub(crate) fn encode_prefix(&self) -> Vec<u8> {
        let mut out = self.header_bytes.clone();
        for entry in &self.entries {
            put_field(&mut out, &entry.enc);
            put_field(&mut out, &entry.wrapped_key);
        }
        out.extend_from_slice(&self.commitment);
        out
    }

    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = self.encode_prefix();
        // The body is at most MAX_PLAINTEXT + TAG_LEN, far below u32::MAX.
        out.extend_from_slice(&(self.body.len() as u32).to_be_bytes());
        out.extend_from_slice(&self.body);
        out
    }
}

fn put_field(out: &mut Vec<u8>, bytes: &[u8]) {
    // Fixed-size keys of at most 48 bytes.
    out.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Parses a sealed record without decrypting it. Never panics, and allocates at most about the
/// input's size, whatever the input.
pub fn decode(bytes: &[u8]) -> Result<SealedRecord, SealError> {
    let mut r = Reader(bytes);
    let header = Header::read(&mut r)?;
    let header_len = bytes.len().saturating_sub(r.0.len());
    let header_bytes = bytes
        .get(..header_len)
        .ok_or(SealError::Malformed)?
        .to_vec();
    let entries = header
        .recipients
        .iter()
        .map(|_| {
            Ok(RecipientEntry {
                enc: r.sized_field()?,
                wrapped_key: r.sized_field()?,
            })
        })
        .collect::<Result<Vec<_>, SealError>>()?;
    let commitment = r.array()?;
    let body_len =
        usize::try_from(u32::from_be_bytes(r.array()?)).map_err(|_| SealError::Malformed)?;
    if !(TAG_LEN..=MAX_PLAINTEXT + TAG_LEN).contains(&body_len) {
        return Err(SealError::Malformed);
    }
    let body = r.take(body_len)?.to_vec();
    if !r.0.is_empty() {
        return Err(SealError::Malformed);
    }
    Ok(SealedRecord {
        header,
        header_bytes,
        entries,
        commitment,
        body,
    })
}

/// A cursor over untrusted bytes whose every read is bounds-checked.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], SealError> {
        let (head, rest) = self.0.split_at_checked(n).ok_or(SealError::Malformed)?;
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], SealError> {
        self.take(N)?.try_into().map_err(|_| SealError::Malformed)
    }

    fn u16(&mut self) -> Result<u16, SealError> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    /// A `u16`-length-prefixed field whose length the suite fixes at `N`.
    fn sized_field<const N: usize>(&mut self) -> Result<[u8; N], SealError> {
        if usize::from(self.u16()?) != N {
            return Err(SealError::Malformed);
        }
        self.array()
    }
}
