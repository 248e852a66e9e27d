//! Folder trees: every file's bytes (to search a data directory for plain text), a snapshot
//! to compare two builds, and a copy.

use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `dir` by its path relative to `dir`, with its bytes; `skip` names files
/// to leave out (by file name).
pub fn snapshot(dir: &Path, skip: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let mut map = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if !skip.iter().any(|s| e.file_name() == *s) {
                let rel = p.strip_prefix(dir).expect("prefix");
                map.insert(
                    rel.to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap_or_default(),
                );
            }
        }
    }
    map
}

/// Every file's bytes under `dir`, concatenated, for searching.
pub fn all_bytes(dir: &Path) -> Vec<u8> {
    snapshot(dir, &[]).into_values().flatten().collect()
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Copies the tree at `from` into `to` (created if missing).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read").flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// Checks that every same-site href in every HTML file under `out` points at a file that
/// exists (the forms are the kiosk's, not files).
pub fn assert_internal_links_resolve(out: &Path) {
    let mut bad = Vec::new();
    for (rel, bytes) in snapshot(out, &[]) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).expect("utf8");
        for part in html.split("href=\"").skip(1) {
            let href = &part[..part.find('"').expect("closing quote")];
            if !href.starts_with('/') || href.starts_with("//") || href.starts_with("/forms/") {
                continue;
            }
            let path = href.split(['#', '?']).next().unwrap_or("");
            let target = if path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path.to_string()
            };
            if !out.join(target.trim_start_matches('/')).is_file() {
                bad.push(format!("{rel}: {href}"));
            }
        }
    }
    assert!(bad.is_empty(), "broken internal links:\n{}", bad.join("\n"));
}
