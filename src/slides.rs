//! Roadshow decks: one Markdown file, slides separated by a line holding only
//! `---`, speaker notes after a paragraph starting `Note:`. Splitting happens
//! on lines before Markdown parsing (inside fenced code `---` is left alone),
//! so every slide keeps its real line numbers for error messages.

use crate::markdown::{self, Context, Rendered};

/// One slide's Markdown, before rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlideSource {
    pub content: String,
    pub content_line: usize,
    /// Speaker notes without the `Note:` marker; empty when there are none.
    pub notes: String,
    pub notes_line: usize,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Slide {
    pub title: String,
    pub body: Rendered,
    pub notes: Rendered,
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
            }
        }
        None => SlideSource {
            content: lines.join("\n"),
            content_line: start,
            notes: String::new(),
            notes_line: start,
        },
    }
}

/// Renders every slide; the slide title is its first heading.
pub fn render(sources: &[SlideSource], ctx: &Context) -> Vec<Slide> {
    sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let prefix = format!("s{}-", i + 1);
            let notes_prefix = format!("s{}-notes-", i + 1);
            let body = markdown::render(
                &s.content,
                &Context {
                    first_line: s.content_line,
                    id_prefix: &prefix,
                    ..*ctx
                },
            );
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
                .unwrap_or_else(|| format!("Slide {}", i + 1));
            Slide { title, body, notes }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_rule_lines_and_keeps_line_numbers() {
        let deck = "# One\n\nNote: hello\n---\n## Two\ntext\n---\n## Three\n";
        let s = split(deck, 10);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].content.trim(), "# One");
        assert_eq!(s[0].notes, "hello");
        assert_eq!(s[0].notes_line, 12);
        assert_eq!(s[1].content_line, 14);
        assert_eq!(s[2].content_line, 17);
        assert!(s[2].notes.is_empty());
    }

    #[test]
    fn rules_inside_code_fences_do_not_split() {
        let deck = "## Code\n```\n---\n```\n---\n## Next\n";
        let s = split(deck, 1);
        assert_eq!(s.len(), 2);
        assert!(s[0].content.contains("---"));
    }

    #[test]
    fn note_must_start_a_paragraph() {
        let s = split(
            "## A\nsome text Note: not notes\nNote: still text\n\nNote: real notes\nmore\n",
            1,
        );
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].notes, "real notes\nmore");
        assert!(s[0].content.contains("Note: still text"));
    }

    #[test]
    fn empty_trailing_slides_are_dropped() {
        assert_eq!(split("## A\n---\n\n", 1).len(), 1);
    }
}
