//! Walks the content directory: lists its files (sorted, so builds are
//! deterministic whatever order the file system returns), and reads one
//! source into a page, placing it by its path. The caller reads in parallel
//! and only what it must (see `site::load`).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{frontmatter, Page, PageKind, Problem, Problems};

/// The Markdown sources and other files under `content_dir`, sorted, without
/// reading them: a rebuild decides from this list which files it must read.
pub fn list(content_dir: &Path, problems: &Problems) -> (Vec<String>, Vec<String>) {
    let mut md = Vec::new();
    let mut assets = Vec::new();
    if let Err(e) = collect(content_dir, content_dir, &mut md, &mut assets, problems) {
        problems.push(Problem::error(
            content_dir,
            1,
            format!("cannot read content directory: {e}"),
        ));
    }
    md.sort();
    assets.sort();
    (md, assets)
}

fn collect(
    root: &Path,
    dir: &Path,
    md: &mut Vec<String>,
    assets: &mut Vec<String>,
    problems: &Problems,
) -> std::io::Result<()> {
    let mut has_index = false;
    let mut has_pages = false;
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_cached_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if name.starts_with('.') || (name.starts_with('_') && name != "_index.md") {
            continue;
        }
        let rel = rel_path(root, &path);
        if entry.file_type()?.is_dir() {
            collect(root, &path, md, assets, problems)?;
        } else if name.ends_with(".md") {
            has_index |= name == "_index.md";
            has_pages = true;
            md.push(rel);
        } else {
            assets.push(rel);
        }
    }
    if has_pages && !has_index {
        problems.push(Problem::error(
            dir,
            1,
            "section folder has no _index.md: add one with a title",
        ));
    }
    Ok(())
}

fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads and parses one source file, reporting its problems. Pages directly
/// in `decks_section` (a folder under the content folder) are decks.
pub fn load_one(
    content_dir: &Path,
    rel: &str,
    decks_section: &str,
    problems: &Problems,
) -> Option<Page> {
    let display_path: PathBuf = content_dir.join(rel);
    let text = match std::fs::read_to_string(&display_path) {
        Ok(t) => t,
        Err(e) => {
            problems.push(Problem::error(
                &display_path,
                1,
                format!("cannot read file: {e}"),
            ));
            return None;
        }
    };
    let (front, body, body_line) = match frontmatter::split(&text) {
        Ok(parts) => parts,
        Err(errs) => {
            problems.extend(
                errs.into_iter()
                    .map(|e| Problem::error(&display_path, e.line, e.message)),
            );
            return None;
        }
    };
    let (kind, url, parent) = place(rel, decks_section);
    Some(Page {
        source: rel.to_string(),
        display_path,
        kind,
        url,
        parent,
        front,
        body: body.to_string(),
        body_line,
        source_hash: Sha256::digest(text.as_bytes()).into(),
    })
}

/// The kind, URL and parent section URL of a source path; pages directly in
/// the folder `decks_section` are decks.
pub fn place(rel: &str, decks_section: &str) -> (PageKind, String, Option<String>) {
    let (dir, file) = rel.rsplit_once('/').unwrap_or(("", rel));
    let stem = file.trim_end_matches(".md");
    let dir_url = if dir.is_empty() {
        "/".to_string()
    } else {
        format!("/{dir}/")
    };
    if stem == "_index" {
        if dir.is_empty() {
            return (PageKind::Home, "/".into(), None);
        }
        let parent = match dir.rsplit_once('/') {
            Some((up, _)) => format!("/{up}/"),
            None => "/".into(),
        };
        return (PageKind::Section, dir_url, Some(parent));
    }
    let kind = if dir == decks_section {
        PageKind::Deck
    } else {
        PageKind::Page
    };
    (kind, format!("{dir_url}{stem}/"), Some(dir_url))
}

/// Resolves a relative `.md` link written in `from` (a source path) to the
/// source path it names, or `None` if it climbs out of the content tree.
pub fn resolve_source(from: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in link.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_pages_sections_home_and_decks() {
        let place = |rel| place(rel, "talks");
        assert_eq!(place("_index.md"), (PageKind::Home, "/".into(), None));
        assert_eq!(
            place("a/_index.md"),
            (PageKind::Section, "/a/".into(), Some("/".into()))
        );
        assert_eq!(place("a/b/_index.md").2, Some("/a/".into()));
        assert_eq!(
            place("a/page.md"),
            (PageKind::Page, "/a/page/".into(), Some("/a/".into()))
        );
        assert_eq!(place("talks/deck.md").0, PageKind::Deck);
        assert_eq!(place("talks/_index.md").0, PageKind::Section);
        assert_eq!(place("talks/more/deck.md").0, PageKind::Page);
        assert_eq!(place("top.md").1, "/top/");
    }

    #[test]
    fn resolves_relative_links() {
        assert_eq!(
            resolve_source("a/b.md", "../c/d.md").as_deref(),
            Some("c/d.md")
        );
        assert_eq!(resolve_source("a/b.md", "e.md").as_deref(), Some("a/e.md"));
        assert_eq!(
            resolve_source("b.md", "./x/_index.md").as_deref(),
            Some("x/_index.md")
        );
        assert_eq!(resolve_source("b.md", "../../x.md"), None);
    }
}
