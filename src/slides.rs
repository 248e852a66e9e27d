//! Slide decks (the pages of `build.decks_section`): one Markdown file,
//! slides separated by a line holding only `---`, speaker notes after a
//! paragraph starting `Note:`. Splitting happens on lines before Markdown
//! parsing (inside fenced code `---` is left alone), so every slide keeps its
//! real line numbers for error messages. A slide may open with a layout
//! directive (see `layout`).

pub mod layout;

use crate::markdown::{self, Context, Rendered};
pub use layout::Layout;
use layout::{Part, Parts};

/// One slide's Markdown, before rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlideSource {
    pub content: String,
    pub content_line: usize,
    /// Speaker notes without the `Note:` marker; empty when there are none.
    pub notes: String,
    pub notes_line: usize,
    pub layout: Layout,
    /// The line of the layout directive (the slide's first line without one).
    pub layout_line: usize,
    /// Problems found while splitting, as (line, message).
    pub problems: Vec<(usize, String)>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Slide {
    pub title: String,
    pub layout: Layout,
    pub body: Rendered,
    pub notes: Rendered,
}

impl Slide {
    /// The level for headings the views add after the slide's body (notes,
    /// next slide): one below the body's highest heading, so no level is skipped.
    pub fn sub_level(&self, otherwise: u8) -> u8 {
        self.body
            .headings
            .iter()
            .map(|h| h.level)
            .min()
            .map_or(otherwise, |l| (l + 1).min(6))
    }
}

/// Splits a deck body whose first line is line `first_line` of the file.
pub fn split(body: &str, first_line: usize) -> Vec<SlideSource> {
    let mut slides = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut start = first_line;
    let mut fence: Option<&str> = None;
    for (i, line) in body.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            }
        } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
        } else if line.trim_end() == "---" {
            slides.push(one(&current, start));
            current.clear();
            start = first_line + i + 1;
            continue;
        }
        current.push(line);
    }
    slides.push(one(&current, start));
    slides.retain(|s| !s.content.trim().is_empty() || !s.notes.trim().is_empty());
    slides
}

fn one(lines: &[&str], start: usize) -> SlideSource {
    let mut s = notes_apart(lines, start);
    let mut lines: Vec<&str> = s.content.lines().collect();
    if let Some(i) = lines.iter().position(|l| !l.trim().is_empty()) {
        if let Some(name) = layout::directive(lines[i]) {
            s.layout_line = start + i;
            match Layout::parse(name) {
                Some(l) => s.layout = l,
                None => s.problems.push((
                    start + i,
                    format!(
                        "unknown slide layout \"{name}\": use one of {}",
                        Layout::NAMES.join(", ")
                    ),
                )),
            }
            // Blanked, not removed, so later lines keep their numbers.
            lines[i] = "";
            s.content = lines.join("\n");
        }
    }
    s
}

fn notes_apart(lines: &[&str], start: usize) -> SlideSource {
    let note_at = lines
        .iter()
        .enumerate()
        .position(|(i, l)| l.starts_with("Note:") && (i == 0 || lines[i - 1].trim().is_empty()));
    match note_at {
        Some(n) => {
            let mut notes = lines[n..].join("\n");
            notes.replace_range(..5, "");
            SlideSource {
                content: lines[..n].join("\n"),
                content_line: start,
                notes: notes.trim_start().to_string(),
                notes_line: start + n,
                layout: Layout::default(),
                layout_line: start,
                problems: Vec::new(),
            }
        }
        None => SlideSource {
            content: lines.join("\n"),
            content_line: start,
            notes: String::new(),
            notes_line: start,
            layout: Layout::default(),
            layout_line: start,
            problems: Vec::new(),
        },
    }
}

/// Renders every slide; the slide title is its first heading.
pub fn render(sources: &[SlideSource], ctx: &Context) -> Vec<Slide> {
    sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let n = i + 1;
            let mut body = render_body(s, n, ctx);
            body.problems.extend(s.problems.iter().cloned());
            let notes_prefix = format!("s{n}-notes-");
            let notes = markdown::render(
                &s.notes,
                &Context {
                    first_line: s.notes_line,
                    id_prefix: &notes_prefix,
                    ..*ctx
                },
            );
            let title = body
                .headings
                .first()
                .map(|h| h.text.clone())
                .unwrap_or_else(|| format!("Slide {n}"));
            Slide {
                title,
                layout: s.layout,
                body,
                notes,
            }
        })
        .collect()
}

/// The slide's body, its parts rendered separately and placed by its layout.
fn render_body(s: &SlideSource, n: usize, ctx: &Context) -> Rendered {
    let part = |p: &Part, prefix: &str| {
        let prefix = format!("s{n}-{prefix}");
        markdown::render(
            &p.text,
            &Context {
                first_line: p.line,
                id_prefix: &prefix,
                ..*ctx
            },
        )
    };
    let cut = match layout::cut(s.layout, &s.content, s.content_line) {
        Ok(parts) => parts,
        Err(message) => {
            let mut r = part(
                &Part {
                    text: s.content.clone(),
                    line: s.content_line,
                },
                "",
            );
            r.problems.push((s.layout_line, message));
            return r;
        }
    };
    match cut {
        Parts::Whole(p) => part(&p, ""),
        Parts::Columns { head, left, right } => {
            let head = head.map(|h| part(&h, ""));
            let (left, right) = (part(&left, "c1-"), part(&right, "c2-"));
            let html = format!(
                "{}<div class=\"app-cols\"><div class=\"app-col\">{}</div><div class=\"app-col\">{}</div></div>",
                head.as_ref().map_or("", |h| h.html.as_str()),
                left.html,
                right.html
            );
            merge(html, head.into_iter().chain([left, right]))
        }
        Parts::Figure {
            head,
            image,
            caption,
        } => {
            let head = head.map(|h| part(&h, ""));
            let (image, caption) = (part(&image, "img-"), part(&caption, "cap-"));
            let caption_html = if caption.html.trim().is_empty() {
                String::new()
            } else {
                format!(
                    "<figcaption class=\"app-figure__caption\">{}</figcaption>",
                    caption.html
                )
            };
            let html = format!(
                "{}<figure class=\"app-figure\">{}{caption_html}</figure>",
                head.as_ref().map_or("", |h| h.html.as_str()),
                image.html
            );
            merge(html, head.into_iter().chain([image, caption]))
        }
    }
}

/// One `Rendered` from the parts of a slide, with the layout's `html`.
fn merge(html: String, parts: impl Iterator<Item = Rendered>) -> Rendered {
    let mut out = Rendered {
        html,
        ..Rendered::default()
    };
    for p in parts {
        out.headings.extend(p.headings);
        out.anchors.extend(p.anchors);
        out.acronyms.extend(p.acronyms);
        out.images.extend(p.images);
        out.problems.extend(p.problems);
        if out.excerpt.is_empty() {
            out.excerpt = p.excerpt;
        }
    }
    out
}

#[cfg(test)]
mod tests;
