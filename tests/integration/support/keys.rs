//! Reviewer key pairs made for a test, at a cheap key-derivation cost, and private files.

use std::path::{Path, PathBuf};

use prem::seal::{KdfParams, SecretKey};

/// Every test key and inbox is locked with this.
pub const PASSPHRASE: &str = "correct horse battery staple";

/// A fresh reviewer key pair: the files `prem keygen` would write, and the opened private key.
pub struct KeyPair {
    pub public: PathBuf,
    pub secret_file: PathBuf,
    pub secret: SecretKey,
}

/// Makes the key pair `name` in `dir` (created if missing), locked with [`PASSPHRASE`].
pub fn generate(dir: &Path, name: &str) -> KeyPair {
    std::fs::create_dir_all(dir).expect("keys dir");
    let (public, secret_file) = prem::seal::keygen_with_params(
        dir,
        name,
        PASSPHRASE.as_bytes(),
        KdfParams::INSECURE_FOR_TESTS,
    )
    .expect("keygen");
    let secret = prem::seal::read_secret_key(&secret_file, PASSPHRASE.as_bytes()).expect("secret");
    KeyPair {
        public,
        secret_file,
        secret,
    }
}

/// Writes `text` readable by this user only, as key, token and passphrase files must be.
pub fn write_private(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
}
