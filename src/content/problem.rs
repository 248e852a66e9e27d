//! Build problems reported to authors as `path:line: message`, gathered
//! across all files so one run lists every one of them.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
    pub warning: bool,
}

impl Problem {
    pub fn error(path: &Path, line: usize, message: impl Into<String>) -> Self {
        Self {
            path: path.to_path_buf(),
            line,
            message: message.into(),
            warning: false,
        }
    }

    pub fn warning(path: &Path, line: usize, message: impl Into<String>) -> Self {
        Self {
            path: path.to_path_buf(),
            line,
            message: message.into(),
            warning: true,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.warning { "warning: " } else { "" };
        write!(
            f,
            "{}:{}: {kind}{}",
            self.path.display(),
            self.line,
            self.message
        )
    }
}

/// A thread-safe collector: pages are checked in parallel.
#[derive(Debug, Default)]
pub struct Problems(Mutex<Vec<Problem>>);

impl Problems {
    pub fn push(&self, p: Problem) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(p);
    }

    pub fn extend(&self, ps: impl IntoIterator<Item = Problem>) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).extend(ps);
    }

    /// Every problem, sorted by file and line so output is stable.
    pub fn into_sorted(self) -> Vec<Problem> {
        let mut v = self.0.into_inner().unwrap_or_else(|e| e.into_inner());
        v.sort();
        v.dedup();
        v
    }
}
