//! Slide layouts, chosen by the author with a directive on the first line of a
//! slide: `<!-- layout: two-columns -->`. An HTML comment, so the Markdown still
//! reads cleanly in any editor or on a code host, which simply hides it.
//! Layouts that need structure (two columns, an image with its caption) are
//! cut here into parts on whole lines, so every part keeps its real line
//! numbers for error messages.

/// How one slide is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Layout {
    /// Heading and body text: what a slide is without a directive.
    #[default]
    Content,
    /// The opening slide: a large centred title and a subtitle.
    Title,
    /// A divider between parts of a deck.
    Section,
    /// Heading across the top, then two columns split by `<!-- column -->`.
    TwoColumns,
    /// One large image with the text after it as its caption.
    Image,
    /// One figure or short phrase in very large type, with a line of context.
    BigNumber,
    /// A quotation in large type, with its attribution.
    Quote,
}

impl Layout {
    /// Every name an author may write, in the order the README lists them.
    pub const NAMES: &'static [&'static str] = &[
        "content",
        "title",
        "section",
        "two-columns",
        "image",
        "big-number",
        "quote",
    ];

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "content" => Self::Content,
            "title" => Self::Title,
            "section" => Self::Section,
            "two-columns" => Self::TwoColumns,
            "image" => Self::Image,
            "big-number" => Self::BigNumber,
            "quote" => Self::Quote,
            _ => return None,
        })
    }

    /// The name as written in Markdown, also the CSS modifier `app-slide--<name>`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Content => "content",
            Self::Title => "title",
            Self::Section => "section",
            Self::TwoColumns => "two-columns",
            Self::Image => "image",
            Self::BigNumber => "big-number",
            Self::Quote => "quote",
        }
    }
}

/// The marker line that starts the second column of a `two-columns` slide.
pub const COLUMN_MARKER: &str = "<!-- column -->";

/// Reads a `<!-- layout: name -->` line; `None` when `line` is not a directive.
pub fn directive(line: &str) -> Option<&str> {
    let inner = line
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim();
    let name = inner.strip_prefix("layout:")?;
    Some(name.trim())
}

/// A run of whole lines of a slide, starting at file line `line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub text: String,
    pub line: usize,
}

/// A slide's Markdown cut into the parts its layout places.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parts {
    /// Rendered as one block.
    Whole(Part),
    /// An optional heading across the top, then two columns.
    Columns {
        head: Option<Part>,
        left: Part,
        right: Part,
    },
    /// An optional heading, the image line, and its caption (may be empty).
    Figure {
        head: Option<Part>,
        image: Part,
        caption: Part,
    },
}

fn part(lines: &[&str], line: usize) -> Part {
    Part {
        text: lines.join("\n"),
        line,
    }
}

/// Cuts `content` (starting at file line `first`) for `layout`; a layout
/// that cannot find what it needs says so in `Err`.
pub fn cut(layout: Layout, content: &str, first: usize) -> Result<Parts, String> {
    let lines: Vec<&str> = content.lines().collect();
    match layout {
        Layout::TwoColumns => {
            let Some(at) = lines.iter().position(|l| l.trim() == COLUMN_MARKER) else {
                return Err(format!("the two-columns layout needs a line `{COLUMN_MARKER}` where the second column starts: add one between the columns"));
            };
            let (head, start) = leading_heading(&lines[..at], first);
            Ok(Parts::Columns {
                head,
                left: part(&lines[start..at], first + start),
                right: part(&lines[at + 1..], first + at + 1),
            })
        }
        Layout::Image => {
            let Some(at) = lines.iter().position(|l| l.trim_start().starts_with("![")) else {
                return Err("the image layout needs a line starting with an image, `![what it shows](file.svg)`: add one, or choose another layout".into());
            };
            Ok(Parts::Figure {
                head: (at > 0).then(|| part(&lines[..at], first)),
                image: part(&lines[at..=at], first + at),
                caption: part(&lines[at + 1..], first + at + 1),
            })
        }
        _ => Ok(Parts::Whole(part(&lines, first))),
    }
}

/// The first heading line and the blank lines around it, if the part opens with one.
fn leading_heading(lines: &[&str], first: usize) -> (Option<Part>, usize) {
    let Some(h) = lines.iter().position(|l| !l.trim().is_empty()) else {
        return (None, 0);
    };
    if !lines[h].starts_with('#') {
        return (None, 0);
    }
    (Some(part(&lines[..=h], first)), h + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_are_read_and_other_comments_are_not() {
        assert_eq!(directive("<!-- layout: quote -->"), Some("quote"));
        assert_eq!(
            directive("  <!--layout:two-columns-->  "),
            Some("two-columns")
        );
        assert_eq!(directive("<!-- a comment -->"), None);
        assert_eq!(directive("layout: quote"), None);
        for name in Layout::NAMES {
            assert_eq!(Layout::parse(name).map(Layout::name), Some(*name));
        }
        assert_eq!(Layout::parse("columns"), None);
    }

    #[test]
    fn two_columns_split_at_the_marker_with_the_heading_on_top() {
        let md = "\n## Both\n\n- left\n<!-- column -->\n- right\n";
        let Parts::Columns { head, left, right } = cut(Layout::TwoColumns, md, 20).expect("cut")
        else {
            panic!("not columns");
        };
        assert_eq!(head.expect("heading").text.trim(), "## Both");
        assert_eq!(left.text.trim(), "- left");
        assert_eq!(left.line, 22);
        assert_eq!(right.text.trim(), "- right");
        assert_eq!(right.line, 25);
    }

    #[test]
    fn two_columns_without_a_marker_is_an_error() {
        let Err(err) = cut(Layout::TwoColumns, "## One\ntext\n", 7) else {
            panic!("no error");
        };
        assert!(err.contains(COLUMN_MARKER), "{err}");
    }

    #[test]
    fn image_layout_finds_the_image_and_its_caption() {
        let md = "## Flow\n\n![A diagram](flow.svg)\nThe caption.\n";
        let Parts::Figure {
            head,
            image,
            caption,
        } = cut(Layout::Image, md, 3).expect("cut")
        else {
            panic!("not a figure");
        };
        assert_eq!(head.expect("heading").text.trim(), "## Flow");
        assert_eq!(image.line, 5);
        assert_eq!(caption.text.trim(), "The caption.");
        assert_eq!(caption.line, 6);
        assert!(cut(Layout::Image, "## No picture\n", 3).is_err());
    }
}
