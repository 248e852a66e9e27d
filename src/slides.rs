//! Roadshow decks: one Markdown file, slides separated by a line holding only
//! `---`, speaker notes after a paragraph starting `Note:`. Splitting happens
//! on lines before Markdown parsing (inside fenced code `---` is left alone),
//! so every slide keeps its real line numbers for error messages. A slide may
//! open with a layout directive (see `layout`).

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

#[derive(Debug, Clone)]
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

    fn rendered(deck: &str) -> Vec<Slide> {
        let urls = std::collections::HashMap::new();
        let criteria = crate::criteria::Criteria::default();
        let ctx = Context {
            source: "roadshow/deck.md",
            url: "/roadshow/deck/",
            urls: &urls,
            criteria: &criteria,
            allow_raw_html: false,
            first_line: 10,
            id_prefix: "",
        };
        render(&split(deck, 10), &ctx)
    }

    #[test]
    fn a_layout_directive_is_read_and_blanked_keeping_line_numbers() {
        let s = split("## A\n---\n\n<!-- layout: quote -->\n## B\n> words\n", 1);
        assert_eq!(s[0].layout, Layout::Content);
        assert_eq!(s[1].layout, Layout::Quote);
        assert!(!s[1].content.contains("layout"), "{}", s[1].content);
        assert_eq!(s[1].content_line, 3);
        assert_eq!(s[1].content.lines().position(|l| l == "## B"), Some(2));
        assert!(s[1].problems.is_empty());
    }

    #[test]
    fn an_unknown_layout_is_an_error_on_its_line_naming_the_known_ones() {
        let s = split("## A\n---\n\n<!-- layout: columns -->\n## B\n", 20);
        assert_eq!(s[1].problems.len(), 1);
        let (line, msg) = &s[1].problems[0];
        assert_eq!(*line, 23);
        assert!(
            msg.contains("\"columns\"") && msg.contains("two-columns"),
            "{msg}"
        );
        let slides = rendered("## A\n---\n<!-- layout: columns -->\n## B\n");
        assert_eq!(
            slides[1].body.problems.len(),
            1,
            "the problem reaches the page"
        );
    }

    #[test]
    fn two_columns_render_side_by_side_with_unique_ids() {
        let slides = rendered(
            "<!-- layout: two-columns -->\n## Both\n\n### Same\n- a\n\n<!-- column -->\n\n### Same\n- b\n",
        );
        let s = &slides[0];
        assert_eq!(s.layout, Layout::TwoColumns);
        assert_eq!(s.title, "Both");
        let html = &s.body.html;
        let cols = html.find("<div class=\"app-cols\">").expect("columns");
        assert!(
            html.find("<h2").unwrap() < cols,
            "heading above the columns: {html}"
        );
        assert_eq!(html.matches("<div class=\"app-col\">").count(), 2);
        let ids: Vec<&str> = s.body.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["s1-both", "s1-c1-same", "s1-c2-same"]);
        assert!(s.body.problems.is_empty(), "{:?}", s.body.problems);
    }

    #[test]
    fn two_columns_without_a_marker_reports_the_slide_line() {
        let slides = rendered("## A\n---\n<!-- layout: two-columns -->\n## B\n- one\n");
        let p = &slides[1].body.problems;
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].0, 12, "the line of the directive");
        assert!(slides[1].body.html.contains("one"), "the text still shows");
    }

    #[test]
    fn image_layout_makes_a_figure_with_the_image_rewritten_and_checked() {
        let slides = rendered(
            "<!-- layout: image -->\n## Route\n\n![The route in five steps](img/route.svg)\n\nFrom form to meeting.\n",
        );
        let b = &slides[0].body;
        assert!(
            b.html.contains("<figure class=\"app-figure\">")
                && b.html.contains("src=\"/roadshow/img/route.svg\"")
                && b.html.contains(
                    "<figcaption class=\"app-figure__caption\"><p>From form to meeting.</p>"
                ),
            "{}",
            b.html
        );
        assert_eq!(b.images.len(), 1);
        assert_eq!(b.images[0].path, "roadshow/img/route.svg");
        assert_eq!(b.images[0].src, "img/route.svg");
        assert_eq!(b.images[0].line, 13);
        assert!(b.problems.is_empty(), "{:?}", b.problems);
    }

    #[test]
    fn images_need_alt_text_and_stay_inside_the_content_folder() {
        let slides = rendered("## A\n\n![](a.png)\n---\n## B\n\n![x](../../up.png)\n");
        let p = &slides[0].body.problems;
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].0, 12);
        assert!(
            p[0].1.starts_with("image \"a.png\" has no alt text"),
            "{}",
            p[0].1
        );
        let p = &slides[1].body.problems;
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].0, 16);
        assert!(p[0].1.contains("outside the content folder"), "{}", p[0].1);
        let ok = rendered("## C\n\n![A chart](https://example.org/c.png) ![Logo](/logo.svg)\n");
        assert!(
            ok[0].body.images.is_empty(),
            "external and absolute images are not files here"
        );
        assert!(ok[0]
            .body
            .html
            .contains("src=\"https://example.org/c.png\""));
    }

    #[test]
    fn headings_added_after_a_slide_nest_under_its_highest_heading() {
        let slides = rendered("# Title\n## Sub\n---\n## Two\n---\nno heading\n");
        assert_eq!(slides[0].sub_level(3), 2);
        assert_eq!(slides[1].sub_level(3), 3);
        assert_eq!(slides[2].sub_level(3), 3);
        assert_eq!(slides[2].title, "Slide 3");
    }

    #[test]
    fn empty_trailing_slides_are_dropped() {
        assert_eq!(split("## A\n---\n\n", 1).len(), 1);
    }
}
