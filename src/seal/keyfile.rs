//! Key files: the public key in plain text, the private key wrapped under a passphrase.
//!
//! The private key file is the one thing that turns a stolen backup into readable referrals, so
//! it is stretched with Argon2id at a cost that makes guessing slow (about 0.4 s per guess here)
//! and sealed with XChaCha20-Poly1305, whose random 24-byte nonce needs no counter. The Argon2
//! parameters and salt live in the file so the cost can be raised later without breaking old
//! files; they are bounded on reading so a planted key file cannot make the inbox allocate
//! gigabytes. The key id is the associated data: a file whose id line was edited to pose as
//! another key fails to open.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use zeroize::{Zeroize, Zeroizing};

use super::key::{field, generate_keypair, KeyId, PublicKey, SecretKey, KEY_LEN};
use super::SealError;

const SECRET_KEY_MAGIC: &str = "prem-secret-key v1";
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;
const WRAPPED_LEN: usize = KEY_LEN + 16;

/// Argon2id cost parameters stored in a private key file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfParams {
    /// The cost `prem keygen` uses: 64 MiB, three passes, one lane.
    pub const DEFAULT: KdfParams = KdfParams {
        m_kib: 64 * 1024,
        t: 3,
        p: 1,
    };

    /// Cheap parameters for tests only: a key wrapped with these falls to guessing quickly.
    pub const INSECURE_FOR_TESTS: KdfParams = KdfParams {
        m_kib: 64,
        t: 1,
        p: 1,
    };

    /// The most a key file may ask for (1 GiB, 16 passes, 8 lanes), so a hostile file cannot
    /// exhaust memory or time.
    fn within_limits(self) -> bool {
        self.m_kib <= 1024 * 1024 && self.t <= 16 && self.p <= 8
    }

    fn derive(self, passphrase: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; 32]>, SealError> {
        let params = Params::new(self.m_kib, self.t, self.p, Some(32))
            .map_err(|_| SealError::MalformedKey)?;
        let mut key = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase, salt, key.as_mut())
            .map_err(|_| SealError::MalformedKey)?;
        Ok(key)
    }
}

/// Wraps a private key under a passphrase at the default cost.
pub fn wrap_secret(secret: &SecretKey, passphrase: &[u8]) -> Result<Vec<u8>, SealError> {
    wrap_secret_with_params(secret, passphrase, KdfParams::DEFAULT)
}

/// Wraps a private key with explicit Argon2id parameters (tests use cheap ones).
pub fn wrap_secret_with_params(
    secret: &SecretKey,
    passphrase: &[u8],
    params: KdfParams,
) -> Result<Vec<u8>, SealError> {
    let mut salt = [0u8; SALT_LEN];
    let mut nonce = [0u8; NONCE_LEN];
    rand::rng().fill_bytes(&mut salt);
    rand::rng().fill_bytes(&mut nonce);
    let key = params.derive(passphrase, &salt)?;
    let cipher = XChaCha20Poly1305::new(&(*key).into());
    let id = secret.id();
    let wrapped = cipher
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: secret.as_bytes(),
                aad: &id.0,
            },
        )
        .map_err(|_| SealError::Crypto)?;
    let text = format!(
        "{SECRET_KEY_MAGIC}\nid {id}\nkdf argon2id m={} t={} p={}\nsalt {}\nnonce {}\nsealed {}\n",
        params.m_kib,
        params.t,
        params.p,
        hex::encode(salt),
        hex::encode(nonce),
        hex::encode(wrapped),
    );
    Ok(text.into_bytes())
}

/// Unwraps a private key file. A well-formed file that fails to authenticate gives
/// [`SealError::WrongPassphrase`]: the passphrase is by far the likeliest cause, though an
/// edited ciphertext looks the same.
pub fn unwrap_secret(bytes: &[u8], passphrase: &[u8]) -> Result<SecretKey, SealError> {
    let file = SecretKeyFile::parse(bytes)?;
    let key = file.params.derive(passphrase, &file.salt)?;
    let cipher = XChaCha20Poly1305::new(&(*key).into());
    let mut plain = Zeroizing::new(
        cipher
            .decrypt(
                &XNonce::from(file.nonce),
                Payload {
                    msg: &file.wrapped,
                    aad: &file.id.0,
                },
            )
            .map_err(|_| SealError::WrongPassphrase(file.id))?,
    );
    let mut raw = [0u8; KEY_LEN];
    if plain.len() != KEY_LEN {
        return Err(SealError::MalformedKey);
    }
    raw.copy_from_slice(&plain);
    plain.zeroize();
    let secret = SecretKey::from_bytes(raw);
    raw.zeroize();
    if secret.id() != file.id {
        return Err(SealError::MalformedKey);
    }
    Ok(secret)
}

struct SecretKeyFile {
    id: KeyId,
    params: KdfParams,
    salt: [u8; SALT_LEN],
    nonce: [u8; NONCE_LEN],
    wrapped: [u8; WRAPPED_LEN],
}

impl SecretKeyFile {
    fn parse(bytes: &[u8]) -> Result<SecretKeyFile, SealError> {
        let text = std::str::from_utf8(bytes).map_err(|_| SealError::MalformedKey)?;
        let mut lines = text.lines().map(str::trim_end);
        if lines.next() != Some(SECRET_KEY_MAGIC) {
            return Err(SealError::MalformedKey);
        }
        let id: KeyId = field(lines.next(), "id")?.parse()?;
        let params = parse_kdf(field(lines.next(), "kdf")?)?;
        let salt = hex_array(field(lines.next(), "salt")?)?;
        let nonce = hex_array(field(lines.next(), "nonce")?)?;
        let wrapped = hex_array(field(lines.next(), "sealed")?)?;
        if lines.any(|line| !line.is_empty()) {
            return Err(SealError::MalformedKey);
        }
        Ok(SecretKeyFile {
            id,
            params,
            salt,
            nonce,
            wrapped,
        })
    }
}

/// `argon2id m=<KiB> t=<passes> p=<lanes>`, in that order.
fn parse_kdf(value: &str) -> Result<KdfParams, SealError> {
    let mut words = value.split(' ');
    if words.next() != Some("argon2id") {
        return Err(SealError::MalformedKey);
    }
    let mut number = |name: &str| -> Result<u32, SealError> {
        words
            .next()
            .and_then(|word| word.strip_prefix(name))
            .and_then(|n| n.parse().ok())
            .ok_or(SealError::MalformedKey)
    };
    let params = KdfParams {
        m_kib: number("m=")?,
        t: number("t=")?,
        p: number("p=")?,
    };
    if words.next().is_some() || !params.within_limits() {
        return Err(SealError::MalformedKey);
    }
    Ok(params)
}

fn hex_array<const N: usize>(value: &str) -> Result<[u8; N], SealError> {
    let mut out = [0u8; N];
    hex::decode_to_slice(value, &mut out).map_err(|_| SealError::MalformedKey)?;
    Ok(out)
}

/// Writes a new key pair as `<name>.pub` and `<name>.key` in `dir` at the default cost.
pub fn keygen(dir: &Path, name: &str, passphrase: &[u8]) -> anyhow::Result<(PathBuf, PathBuf)> {
    keygen_with_params(dir, name, passphrase, KdfParams::DEFAULT)
}

/// [`keygen`] with explicit Argon2id parameters. Neither file is overwritten: replacing a
/// reviewer key by accident would leave every record sealed to it unreadable.
pub fn keygen_with_params(
    dir: &Path,
    name: &str,
    passphrase: &[u8],
    params: KdfParams,
) -> anyhow::Result<(PathBuf, PathBuf)> {
    let plain_name = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !plain_name {
        anyhow::bail!(
            "invalid key name {name:?} (use letters, digits, '-', '_' or '.', e.g. \"police-2026\")"
        );
    }
    let public_path = dir.join(format!("{name}.pub"));
    let secret_path = dir.join(format!("{name}.key"));
    for path in [&public_path, &secret_path] {
        if path.exists() {
            anyhow::bail!(
                "{}: already exists (refusing to overwrite a key; choose another name)",
                path.display()
            );
        }
    }
    let (public, secret) = generate_keypair();
    let wrapped = wrap_secret_with_params(&secret, passphrase, params)?;
    write_new(&secret_path, &wrapped, 0o600)?;
    write_new(&public_path, public.to_text().as_bytes(), 0o644)?;
    Ok((public_path, secret_path))
}

/// Creates `path` (failing if it exists, so a race cannot clobber a key either) with `mode`
/// from the start, writes `bytes` and syncs them.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> anyhow::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options
        .open(path)
        .with_context(|| format!("{}: cannot create key file", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("{}: cannot write key file", path.display()))
}

/// Reads a public key file.
pub fn read_public_key(path: &Path) -> anyhow::Result<PublicKey> {
    let text = fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read public key", path.display()))?;
    PublicKey::parse(&text).with_context(|| format!("{}: not a prem public key", path.display()))
}

/// Reads and unwraps a private key file. A wrong passphrase stays downcastable to
/// [`SealError::WrongPassphrase`] so the caller can print its one line.
pub fn read_secret_key(path: &Path, passphrase: &[u8]) -> anyhow::Result<SecretKey> {
    let bytes = Zeroizing::new(
        fs::read(path).with_context(|| format!("{}: cannot read private key", path.display()))?,
    );
    unwrap_secret(&bytes, passphrase).with_context(|| format!("{}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: KdfParams = KdfParams::INSECURE_FOR_TESTS;

    #[test]
    fn key_file_round_trips() {
        let (public, secret) = generate_keypair();
        let file = wrap_secret_with_params(&secret, b"correct horse", CHEAP).expect("wrap");
        let back = unwrap_secret(&file, b"correct horse").expect("unwrap");
        assert_eq!(back.id(), secret.id());
        assert_eq!(back.public_key(), public);
        let text = String::from_utf8(file).expect("utf-8");
        assert!(text.contains("kdf argon2id m=64 t=1 p=1\n"));
        assert!(!text.contains(&hex::encode(secret.as_bytes())));
    }

    #[test]
    fn wrong_passphrase_is_its_own_error_naming_the_key() {
        let (_, secret) = generate_keypair();
        let file = wrap_secret_with_params(&secret, b"right", CHEAP).expect("wrap");
        let err = unwrap_secret(&file, b"wrong").expect_err("must fail");
        assert_eq!(err, SealError::WrongPassphrase(secret.id()));
        assert_eq!(
            err.to_string(),
            format!("wrong passphrase for key {}", secret.id())
        );
    }

    #[test]
    fn edited_key_file_does_not_open() {
        let (_, other) = generate_keypair();
        let (_, secret) = generate_keypair();
        let file = wrap_secret_with_params(&secret, b"pw", CHEAP).expect("wrap");
        let text = String::from_utf8(file).expect("utf-8");
        let swapped = text.replace(&secret.id().to_string(), &other.id().to_string());
        assert!(unwrap_secret(swapped.as_bytes(), b"pw").is_err());
        let greedy = text.replace("m=64 ", "m=4294967295 ");
        assert_eq!(
            unwrap_secret(greedy.as_bytes(), b"pw").map(|k| k.id()),
            Err(SealError::MalformedKey)
        );
        // Every cut short of the final newline loses part of a field.
        for cut in 0..text.len() - 1 {
            assert!(unwrap_secret(&text.as_bytes()[..cut], b"pw").is_err());
        }
    }

    #[test]
    fn keygen_writes_private_key_0600_and_refuses_to_overwrite() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (pub_path, key_path) =
            keygen_with_params(dir.path(), "police", b"pw", CHEAP).expect("keygen");
        assert_eq!(pub_path, dir.path().join("police.pub"));
        assert_eq!(key_path, dir.path().join("police.key"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&key_path).expect("stat").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let public = read_public_key(&pub_path).expect("read pub");
        let secret = read_secret_key(&key_path, b"pw").expect("read key");
        assert_eq!(secret.public_key(), public);
        let before = fs::read(&key_path).expect("read");
        let err = keygen_with_params(dir.path(), "police", b"pw", CHEAP).expect_err("overwrite");
        assert!(err.to_string().contains("already exists"), "{err}");
        assert_eq!(fs::read(&key_path).expect("read"), before);
        assert!(keygen_with_params(dir.path(), "../escape", b"pw", CHEAP).is_err());
        assert!(!dir.path().join("../escape.key").exists());
    }

    #[test]
    fn read_secret_key_keeps_wrong_passphrase_downcastable() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (_, key_path) = keygen_with_params(dir.path(), "la", b"pw", CHEAP).expect("keygen");
        let err = read_secret_key(&key_path, b"nope").expect_err("must fail");
        assert!(matches!(
            err.downcast_ref::<SealError>(),
            Some(SealError::WrongPassphrase(_))
        ));
    }
}
