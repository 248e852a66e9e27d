//! The data directory: its layout, its one lock, and opening sled with errors a person can act on.
//!
//! We take our own lock on `prem.lock` before sled takes its lock on `index/db`, so the whole
//! directory (spool included) belongs to one process, and "in use" is told apart from corruption
//! without parsing sled's message (we still map it, in case the index is locked alone).

use std::fs::{self, File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Result, StoreError};

pub(crate) const TREE_INDEX: &str = "index";
pub(crate) const TREE_TOKENS: &str = "tokens";
pub(crate) const TREE_SESSIONS: &str = "sessions";

/// Holds the directory lock for as long as any handle (store, tokens, sessions) lives.
#[derive(Debug)]
pub(crate) struct DirLock {
    _file: File,
    pub(crate) root: PathBuf,
}

pub(crate) fn spool_dir(root: &Path) -> PathBuf {
    root.join("spool")
}

pub(crate) fn index_dir(root: &Path) -> PathBuf {
    root.join("index")
}

/// Create the layout if needed and take the lock.
pub(crate) fn lock(root: &Path) -> Result<Arc<DirLock>> {
    for d in [root.to_path_buf(), spool_dir(root)] {
        fs::create_dir_all(&d)
            .map_err(|e| StoreError::io(format!("cannot create {}", d.display()), e))?;
    }
    let path = root.join("prem.lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| StoreError::io(format!("cannot open {}", path.display()), e))?;
    match file.try_lock() {
        Ok(()) => Ok(Arc::new(DirLock {
            _file: file,
            root: root.to_path_buf(),
        })),
        Err(TryLockError::WouldBlock) => Err(StoreError::InUse {
            path: root.to_path_buf(),
        }),
        Err(TryLockError::Error(e)) => {
            Err(StoreError::io(format!("cannot lock {}", path.display()), e))
        }
    }
}

/// Open (or create) the sled index. Caller holds the directory lock.
///
/// sled 0.34 can panic on some damaged files instead of returning `Corruption`; a panic while
/// opening is reported as a corrupt index, so start-up fails closed with one line.
///
/// Holding our lock, a sled lock error can only be a handle of this process still closing
/// (sled's background threads let go of the file shortly after the last `Db` is dropped), so
/// that case is retried for up to two seconds before being reported as "in use".
pub(crate) fn open_sled(root: &Path) -> Result<sled::Db> {
    let mut attempts = 0;
    loop {
        match open_sled_once(root) {
            Err(StoreError::InUse { .. }) if attempts < 40 => {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            other => return other,
        }
    }
}

fn open_sled_once(root: &Path) -> Result<sled::Db> {
    let path = index_dir(root);
    let config = sled::Config::new().path(&path).mode(sled::Mode::LowSpace);
    // The config is consumed here and never touched after a panic.
    let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || config.open()));
    match opened {
        Ok(Ok(db)) => Ok(db),
        Ok(Err(e)) => Err(map_sled_open_error(root, e)),
        Err(_) => Err(StoreError::CorruptIndex {
            path,
            detail: "sled panicked while opening the database".into(),
        }),
    }
}

fn map_sled_open_error(root: &Path, e: sled::Error) -> StoreError {
    match e {
        sled::Error::Io(io) if io.to_string().contains("could not acquire lock") => {
            StoreError::InUse {
                path: root.to_path_buf(),
            }
        }
        sled::Error::Io(io) => StoreError::io(
            format!("cannot open index in {}", index_dir(root).display()),
            io,
        ),
        other => StoreError::CorruptIndex {
            path: index_dir(root),
            detail: other.to_string(),
        },
    }
}

/// Any sled error met while checking the index at open means we cannot trust it.
pub(crate) fn corrupt(root: &Path, detail: impl Into<String>) -> StoreError {
    StoreError::CorruptIndex {
        path: index_dir(root),
        detail: detail.into(),
    }
}
