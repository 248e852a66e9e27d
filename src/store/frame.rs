//! The spool file format: a small plaintext frame around the opaque sealed bytes.
//!
//! The frame carries exactly what the index needs (id, reference, hash of the idempotency key,
//! sequence, created-at), so the index can be rebuilt from the spool alone, and ends in a
//! SHA-256 of everything before it so a damaged or truncated file is caught at open, not when
//! the inbox fails to decrypt it. Nothing in the frame is secret beyond what the index holds.
//!
//! ```text
//! "PREMSPL2" | id[16] | sequence u64 | created_at (secs i64, nanos u32) | idem_hash[32]
//! | ref_len u16 | reference | n u8 | recipient[16] * n | sealed_len u64 | sealed | sha256[32]
//! ```
//! (integers big-endian). The recipients are the ids of the teams the record was sealed to: each
//! team lists and acknowledges its own records, and a rebuilt index must know them too.
//! Version 1 files (`PREMSPL1`, no recipient list) are still read: their records belong to
//! whichever team asks, as before.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::{Result, StoreError, SubmissionId};

const MAGIC: &[u8; 8] = b"PREMSPL2";
const MAGIC_V1: &[u8; 8] = b"PREMSPL1";
const FIXED: usize = 8 + 16 + 8 + 8 + 4 + 32 + 2;

/// The plaintext header of a spool file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FrameHeader {
    pub id: SubmissionId,
    pub sequence: u64,
    pub created_at: DateTime<Utc>,
    pub idem_hash: [u8; 32],
    pub reference: String,
    /// Ids of the teams the record is sealed to; empty for version 1 files.
    pub recipients: Vec<[u8; 16]>,
}

pub(crate) fn file_name(id: &SubmissionId) -> String {
    format!("{id}.rec")
}

/// The id a spool file name stands for, if it is one of ours.
pub(crate) fn parse_file_name(name: &str) -> Option<SubmissionId> {
    name.strip_suffix(".rec")?.parse().ok()
}

/// Hash of the caller's idempotency key: the key itself may be derived from a session, so only
/// its hash is written anywhere.
pub(crate) fn idem_hash(idem_key: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"prem idempotency v1");
    h.update(idem_key);
    h.finalize().into()
}

pub(crate) fn encode(header: &FrameHeader, sealed: &[u8]) -> Result<Vec<u8>> {
    let reference = header.reference.as_bytes();
    let ref_len = u16::try_from(reference.len())
        .map_err(|_| StoreError::Invalid("reference is too long".into()))?;
    let mut out = Vec::with_capacity(FIXED + reference.len() + 8 + sealed.len() + 32);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(header.id.as_bytes());
    out.extend_from_slice(&header.sequence.to_be_bytes());
    out.extend_from_slice(&header.created_at.timestamp().to_be_bytes());
    out.extend_from_slice(&header.created_at.timestamp_subsec_nanos().to_be_bytes());
    out.extend_from_slice(&header.idem_hash);
    out.extend_from_slice(&ref_len.to_be_bytes());
    out.extend_from_slice(reference);
    let n = u8::try_from(header.recipients.len())
        .map_err(|_| StoreError::Invalid("too many recipients".into()))?;
    out.push(n);
    for r in &header.recipients {
        out.extend_from_slice(r);
    }
    out.extend_from_slice(&(sealed.len() as u64).to_be_bytes());
    out.extend_from_slice(sealed);
    let sum: [u8; 32] = Sha256::digest(&out).into();
    out.extend_from_slice(&sum);
    Ok(out)
}

/// A version 1 file, as kiosks wrote before teams: for the compatibility tests.
#[cfg(test)]
pub(crate) fn encode_v1_for_tests(header: &FrameHeader, sealed: &[u8]) -> Vec<u8> {
    let reference = header.reference.as_bytes();
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC_V1);
    out.extend_from_slice(header.id.as_bytes());
    out.extend_from_slice(&header.sequence.to_be_bytes());
    out.extend_from_slice(&header.created_at.timestamp().to_be_bytes());
    out.extend_from_slice(&header.created_at.timestamp_subsec_nanos().to_be_bytes());
    out.extend_from_slice(&header.idem_hash);
    out.extend_from_slice(&(reference.len() as u16).to_be_bytes());
    out.extend_from_slice(reference);
    out.extend_from_slice(&(sealed.len() as u64).to_be_bytes());
    out.extend_from_slice(sealed);
    let sum: [u8; 32] = Sha256::digest(&out).into();
    out.extend_from_slice(&sum);
    out
}

/// Check and split a spool file's bytes. `Err` carries a description for `CorruptRecord`.
pub(crate) fn decode(bytes: &[u8]) -> std::result::Result<(FrameHeader, &[u8]), String> {
    if bytes.len() < FIXED + 8 + 32 {
        return Err(format!("too short ({} bytes)", bytes.len()));
    }
    let (body, sum) = bytes.split_at(bytes.len() - 32);
    if Sha256::digest(body).as_slice() != sum {
        return Err("checksum mismatch (damaged or truncated)".into());
    }
    let mut r = Reader(body);
    let version2 = match r.take(8)? {
        m if m == MAGIC => true,
        m if m == MAGIC_V1 => false,
        _ => return Err("not a prem spool file (bad magic)".into()),
    };
    let id = SubmissionId(r.array()?);
    let sequence = u64::from_be_bytes(r.array()?);
    let secs = i64::from_be_bytes(r.array()?);
    let nanos = u32::from_be_bytes(r.array()?);
    let created_at =
        DateTime::from_timestamp(secs, nanos).ok_or("created_at out of range".to_string())?;
    let idem_hash = r.array()?;
    let ref_len = u16::from_be_bytes(r.array()?) as usize;
    let reference = String::from_utf8(r.take(ref_len)?.to_vec())
        .map_err(|_| "reference is not UTF-8".to_string())?;
    let mut recipients = Vec::new();
    if version2 {
        let [n] = r.array::<1>()?;
        for _ in 0..n {
            recipients.push(r.array()?);
        }
    }
    let sealed_len = u64::from_be_bytes(r.array()?);
    let sealed = r.0;
    if sealed.len() as u64 != sealed_len {
        return Err("sealed length does not match".into());
    }
    let header = FrameHeader {
        id,
        sequence,
        created_at,
        idem_hash,
        reference,
        recipients,
    };
    Ok((header, sealed))
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> std::result::Result<&'a [u8], String> {
        if self.0.len() < n {
            return Err("truncated header".into());
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> std::result::Result<[u8; N], String> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }
}

/// Read and check one spool file.
pub(crate) fn read_file(path: &Path) -> Result<(FrameHeader, Vec<u8>)> {
    let bytes =
        fs::read(path).map_err(|e| StoreError::io(format!("cannot read {}", path.display()), e))?;
    let (header, sealed) = decode(&bytes).map_err(|detail| StoreError::CorruptRecord {
        path: path.to_path_buf(),
        detail,
    })?;
    Ok((header, sealed.to_vec()))
}

/// A record written to its temp name, not yet synced or renamed. The writer writes a whole
/// group first and then syncs it, so the syncs overlap.
pub(crate) struct Pending {
    file: File,
    tmp: PathBuf,
    dest: PathBuf,
}

/// Write `bytes` to `<dir>/<name>.tmp`.
pub(crate) fn write_unsynced(dir: &Path, name: &str, bytes: &[u8]) -> Result<Pending> {
    let tmp = dir.join(format!("{name}.tmp"));
    let mut file = File::create(&tmp)
        .map_err(|e| StoreError::io(format!("cannot create {}", tmp.display()), e))?;
    file.write_all(bytes)
        .map_err(|e| StoreError::io(format!("cannot write {}", tmp.display()), e))?;
    Ok(Pending {
        file,
        tmp,
        dest: dir.join(name),
    })
}

impl Pending {
    pub(crate) fn sync(&self) -> Result<()> {
        self.file
            .sync_all()
            .map_err(|e| StoreError::io(format!("cannot fsync {}", self.tmp.display()), e))
    }

    /// Move the synced file to its final name; the caller fsyncs the directory once for the
    /// whole group ([`sync_dir`]).
    pub(crate) fn rename(self) -> Result<()> {
        drop(self.file);
        fs::rename(&self.tmp, &self.dest)
            .map_err(|e| StoreError::io(format!("cannot rename {}", self.tmp.display()), e))
    }
}

/// fsync a directory so the renames and unlinks in it survive power loss.
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| StoreError::io(format!("cannot fsync directory {}", dir.display()), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> FrameHeader {
        FrameHeader {
            id: SubmissionId([7; 16]),
            sequence: 42,
            created_at: DateTime::from_timestamp(1_790_000_000, 123_456_789).expect("time"),
            idem_hash: [9; 32],
            reference: "REF-2026-7KX4QF".into(),
            recipients: vec![[1; 16], [2; 16]],
        }
    }

    #[test]
    fn frame_round_trips() {
        let bytes = encode(&header(), b"sealed bytes").expect("encode");
        let (h, sealed) = decode(&bytes).expect("decode");
        assert_eq!(h, header());
        assert_eq!(sealed, b"sealed bytes");
    }

    #[test]
    fn any_flipped_or_missing_byte_is_detected() {
        let bytes = encode(&header(), b"sealed bytes").expect("encode");
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 1;
            assert!(decode(&bad).is_err(), "flip at {i} not detected");
        }
        assert!(decode(&bytes[..bytes.len() - 1]).is_err());
    }

    #[test]
    fn file_names_round_trip_and_reject_strangers() {
        let id = SubmissionId([0xab; 16]);
        assert_eq!(parse_file_name(&file_name(&id)), Some(id));
        assert_eq!(parse_file_name("x.rec.tmp"), None);
        assert_eq!(parse_file_name("notes.txt"), None);
    }
}
