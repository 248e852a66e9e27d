//! The page model: Markdown files with TOML front matter, arranged in
//! sections (folders with an `_index.md`). Loading reads and checks every
//! file and collects every problem, so an author fixes a whole batch at once
//! instead of one error per build.

pub mod frontmatter;
pub mod problem;
pub mod walk;

use std::path::PathBuf;

pub use frontmatter::FrontMatter;
pub use problem::{Problem, Problems};

/// What a page is for, which decides its layout and its URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PageKind {
    Home,
    Section,
    Page,
    Deck,
}

#[derive(Debug, Clone)]
pub struct Page {
    /// Path relative to the content directory, with `/` separators.
    pub source: String,
    /// Path shown in messages: the content directory joined with `source`.
    pub display_path: PathBuf,
    pub kind: PageKind,
    /// Site path with leading and trailing slash, e.g. `/terms-of-reference/eligibility/`.
    pub url: String,
    /// URL of the section this page belongs to (`None` for the home page).
    pub parent: Option<String>,
    pub front: FrontMatter,
    /// Markdown after the front matter.
    pub body: String,
    /// Line number in the file of the first body line.
    pub body_line: usize,
    /// Hash of the whole source file, used to skip unchanged pages on rebuild.
    pub source_hash: [u8; 32],
}

impl Page {
    pub fn title(&self) -> &str {
        &self.front.title
    }

    /// Sort key within a section: weight, then title, then URL for stability.
    pub fn order_key(&self) -> (i64, &str, &str) {
        (
            self.front.weight,
            self.front.title.as_str(),
            self.url.as_str(),
        )
    }
}

/// A heading of a rendered page: its level, its id (the anchor links use)
/// and its text. Markdown finds them; the layouts list them and search
/// indexes them, so the plain type lives with the page model.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// Turns heading or file text into a URL-safe id: lowercase ASCII letters and
/// digits, everything else collapsed into single hyphens.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
        } else if c != '\'' && c != '\u{2019}' {
            pending_dash = true;
        }
    }
    if out.is_empty() {
        out.push_str("section");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slug_collapses_punctuation_and_drops_apostrophes() {
        assert_eq!(
            slug("Who's it for? (Adults & children)"),
            "whos-it-for-adults-children"
        );
        assert_eq!(slug("  THRIVE  "), "thrive");
        assert_eq!(slug("???"), "section");
    }
}
