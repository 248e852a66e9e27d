//! Link rewriting and checking. Authors link to the `.md` source they can
//! see in their editor; readers get the published URL. A link to a missing
//! page fails here; anchors are checked once every page has been rendered.

use super::{Context, Rendered};
use crate::content::walk::resolve_source;

/// A link to `url#anchor` on a site page, checked after every page is
/// rendered. An empty anchor checks only that the page exists.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LinkTarget {
    pub url: String,
    pub anchor: String,
    pub line: usize,
}

/// An image whose file should be in the content folder (kept in the render cache, so a reused
/// page's images are still checked).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImageRef {
    /// The source as the author wrote it.
    pub src: String,
    /// The file, relative to the content folder.
    pub path: String,
    pub line: usize,
}

/// Returns the published address of an image. A relative path is relative
/// to the Markdown file, as in the author's editor; it becomes an absolute
/// URL because the page itself is published one folder deeper (`deck.md`
/// becomes `/deck/`), where a relative path would miss the file.
pub(super) fn image(dest: &str, ctx: &Context, line: usize, out: &mut Rendered) -> String {
    let lower = dest.trim().to_ascii_lowercase();
    if dest.is_empty() || dest.starts_with('/') || dest.starts_with('#') || has_scheme(&lower) {
        return check(dest, ctx, line, out);
    }
    let path = dest.split(['?', '#']).next().unwrap_or(dest);
    match resolve_source(ctx.source, path) {
        Some(rel) if !rel.is_empty() => {
            out.images.push(ImageRef {
                src: dest.to_string(),
                path: rel.clone(),
                line,
            });
            format!("/{rel}")
        }
        _ => {
            out.problems.push((
                line,
                format!("image \"{}\" is outside the content folder: put the file beside this page or in a folder of it", truncate(dest)),
            ));
            "#".into()
        }
    }
}

/// Returns the destination to publish for `dest`, recording problems.
pub(super) fn check(dest: &str, ctx: &Context, line: usize, out: &mut Rendered) -> String {
    let trimmed: String = dest
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let lower = trimmed.to_ascii_lowercase();
    if ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| lower.starts_with(s))
    {
        out.problems.push((
            line,
            format!(
                "unsafe link \"{}\": script and data links are not allowed",
                truncate(dest)
            ),
        ));
        return "#".into();
    }
    if has_scheme(&lower) {
        return dest.to_string();
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (dest, None),
    };
    if path.is_empty() {
        if let Some(a) = anchor {
            out.anchors.push(LinkTarget {
                url: ctx.url.to_string(),
                anchor: a.to_string(),
                line,
            });
        }
        return dest.to_string();
    }
    if path.starts_with('/') {
        let anchor = anchor.unwrap_or_default().to_string();
        out.anchors.push(LinkTarget {
            url: path.to_string(),
            anchor,
            line,
        });
        return dest.to_string();
    }
    if !path.ends_with(".md") {
        return dest.to_string();
    }
    let Some(target) = resolve_source(ctx.source, path).and_then(|s| ctx.urls.get(&s)) else {
        out.problems.push((
            line,
            format!(
                "broken link \"{dest}\": no page at that path (links are relative to this file)"
            ),
        ));
        return "#".into();
    };
    match anchor {
        Some(a) => {
            out.anchors.push(LinkTarget {
                url: target.clone(),
                anchor: a.to_string(),
                line,
            });
            format!("{target}#{a}")
        }
        None => {
            // Recorded too, so a rebuild that reuses this page's rendering
            // can tell when the page it links to has gone.
            out.anchors.push(LinkTarget {
                url: target.clone(),
                anchor: String::new(),
                line,
            });
            target.clone()
        }
    }
}

fn has_scheme(lower: &str) -> bool {
    match lower.split_once(':') {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && !scheme.contains('/')
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => lower.starts_with("//"),
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}
