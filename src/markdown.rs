//! Markdown to HTML, as small passes over pulldown-cmark's events. This is
//! the one module that hands trusted HTML to the layouts: pulldown-cmark
//! passes raw HTML and `javascript:` links straight through, so every such
//! event is stopped here and reported with its line.

mod acronym;
mod criteria;
mod links;

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};

use crate::content::Heading;
use crate::criteria::Criteria;
pub use acronym::{find_acronyms, GlossaryLinks};
pub use links::{ImageRef, LinkTarget};

/// What the renderer needs from the rest of the site.
pub struct Context<'a> {
    /// Source path (relative to content/) of the page being rendered.
    pub source: &'a str,
    /// URL of the page being rendered, for same-page anchors.
    pub url: &'a str,
    /// Every page's source path mapped to its URL.
    pub urls: &'a HashMap<String, String>,
    pub criteria: &'a Criteria,
    pub allow_raw_html: bool,
    /// Line in the file where this Markdown starts.
    pub first_line: usize,
    /// Prepended to heading ids, so slides sharing a page keep ids unique.
    pub id_prefix: &'a str,
}

/// A rendered fragment and everything the site needs to check across pages.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Rendered {
    /// Not kept in the render cache: most of its size, and needed only when
    /// a page is written, when the build renders the page again.
    #[serde(skip)]
    pub html: String,
    pub headings: Vec<Heading>,
    /// Links to anchors on site pages, checked once every page is rendered.
    pub anchors: Vec<LinkTarget>,
    /// Images in the content folder, checked against its files once it is walked.
    pub images: Vec<ImageRef>,
    /// Upper-case acronyms with the line they appear on.
    pub acronyms: Vec<(String, usize)>,
    /// The first words of plain text, for search results.
    pub excerpt: String,
    /// All the plain text, for the search index (block ends become spaces);
    /// the site collapses and cuts it (`search::body_text`) for the index.
    pub text: String,
    /// Problems found in this fragment, as (line, message).
    pub problems: Vec<(usize, String)>,
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_GFM
}

/// Renders `md`; problems are returned in `Rendered::problems`, never panics.
pub fn render(md: &str, ctx: &Context) -> Rendered {
    render_linked(md, ctx, None)
}

/// `render`, also linking the first use of each acronym in `glossary` to its
/// glossary entry (not inside headings, links or code).
pub fn render_linked(md: &str, ctx: &Context, glossary: Option<&GlossaryLinks>) -> Rendered {
    let mut linked = HashSet::new();
    let mut in_link = 0usize;
    let lines = LineIndex::new(md, ctx.first_line);
    let mut out = Rendered::default();
    let mut ids = HashSet::new();
    let mut events: Vec<Event> = Vec::new();
    let mut iter = Parser::new_ext(md, options()).into_offset_iter().peekable();
    let mut in_code = false;
    // Inside an image: its source as written, line and alt text so far.
    let mut image: Option<(String, usize, String)> = None;
    while let Some((event, range)) = iter.next() {
        let line = lines.line(range.start);
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let mut inner = Vec::new();
                for (e, _) in iter.by_ref() {
                    if matches!(e, Event::End(TagEnd::Heading(_))) {
                        break;
                    }
                    inner.push(e);
                }
                let text = plain_text(&inner);
                scan_acronyms(&text, line, &mut out);
                push_text(&mut out.text, &text);
                let base = id
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| crate::content::slug(&text));
                let id = unique_id(format!("{}{base}", ctx.id_prefix), &mut ids);
                push_heading(&mut events, level, &id, inner);
                out.headings.push(Heading {
                    level: level as u8,
                    id,
                    text,
                });
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                in_link += 1;
                let dest = links::check(&dest_url, ctx, line, &mut out);
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest.into(),
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                // Inside an image nothing is linked (its text is the alt text).
                in_link += 1;
                let dest = links::image(&dest_url, ctx, line, &mut out);
                image = Some((dest_url.to_string(), line, String::new()));
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest.into(),
                    title,
                    id,
                }));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                events.push(Event::Html(callout_open(kind).into()))
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                events.push(Event::Html("</div></div>\n".into()))
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if info.as_ref() == "criteria" =>
            {
                let mut name = String::new();
                for (e, _) in iter.by_ref() {
                    match e {
                        Event::Text(t) => name.push_str(&t),
                        Event::End(TagEnd::CodeBlock) => break,
                        _ => {}
                    }
                }
                events.push(Event::Html(
                    criteria::block(name.trim(), ctx.criteria, line, &mut out).into(),
                ));
            }
            Event::Start(Tag::CodeBlock(_)) => {
                in_code = true;
                events.push(event);
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                events.push(event);
            }
            Event::Start(Tag::Table(_)) => {
                events.push(Event::Html("<div class=\"app-table-wrap\" role=\"region\" aria-label=\"Table\" tabindex=\"0\">".into()));
                events.push(event);
            }
            Event::End(TagEnd::Table) => {
                events.push(event);
                events.push(Event::Html("</div>".into()));
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                raw_html(&html, ctx, line, &mut out, &mut events)
            }
            Event::End(TagEnd::Image) => {
                in_link = in_link.saturating_sub(1);
                if let Some((src, line, alt)) = image.take() {
                    if alt.trim().is_empty() {
                        out.problems.push((line, format!("image \"{src}\" has no alt text: say what it shows between the brackets, ![a diagram of the referral route]({src})")));
                    }
                }
                events.push(event);
            }
            Event::TaskListMarker(done) => events.push(Event::Html(task_marker(done).into())),
            Event::Text(ref t) | Event::Code(ref t) if image.is_some() => {
                if let Some((_, _, alt)) = image.as_mut() {
                    alt.push_str(t);
                }
                events.push(event);
            }
            Event::Text(ref t) => {
                if !in_code {
                    scan_acronyms(t, line, &mut out);
                    add_excerpt(&mut out.excerpt, t);
                }
                out.text.push_str(t);
                let split = match glossary {
                    Some(g) if !in_code && in_link == 0 => {
                        acronym::link_first_uses(t, g, &mut linked)
                    }
                    _ => None,
                };
                match split {
                    Some(parts) => events.extend(parts),
                    None => events.push(event),
                }
            }
            Event::Code(ref t) => {
                out.text.push_str(t);
                events.push(event);
            }
            Event::SoftBreak | Event::HardBreak | Event::End(_) => {
                if matches!(event, Event::End(TagEnd::Link | TagEnd::Image)) {
                    in_link = in_link.saturating_sub(1);
                }
                push_text(&mut out.text, "");
                events.push(event);
            }
            other => events.push(other),
        }
    }
    pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
    out
}

fn push_heading<'a>(
    events: &mut Vec<Event<'a>>,
    level: HeadingLevel,
    id: &str,
    inner: Vec<Event<'a>>,
) {
    let id = escape(id);
    events.push(Event::Html(format!("<{level} id=\"{id}\">").into()));
    events.extend(inner);
    events.push(Event::Html(
        format!("<a class=\"app-heading-link\" href=\"#{id}\"><span class=\"govuk-visually-hidden\">(link to this section)</span></a></{level}>\n").into(),
    ));
}

fn unique_id(base: String, seen: &mut HashSet<String>) -> String {
    let mut id = base.clone();
    let mut n = 1;
    while !seen.insert(id.clone()) {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

fn plain_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        if let Event::Text(t) | Event::Code(t) = e {
            s.push_str(t);
        }
    }
    s
}

fn scan_acronyms(text: &str, line: usize, out: &mut Rendered) {
    for a in find_acronyms(text) {
        out.acronyms.push((a.to_string(), line));
    }
}

/// Appends `text` to the search text after a space, so words never run together.
fn push_text(all: &mut String, text: &str) {
    if !all.is_empty() && !all.ends_with(' ') {
        all.push(' ');
    }
    all.push_str(text);
}

fn add_excerpt(excerpt: &mut String, text: &str) {
    const MAX: usize = 240;
    if excerpt.len() >= MAX {
        return;
    }
    if !excerpt.is_empty() && !excerpt.ends_with(' ') {
        excerpt.push(' ');
    }
    for c in text.chars() {
        if excerpt.len() >= MAX {
            excerpt.push('…');
            break;
        }
        excerpt.push(c);
    }
}

/// Comments are dropped quietly; any other raw HTML is an error unless the
/// site allows it, because it bypasses every check the renderer makes.
fn raw_html<'a>(
    html: &CowStr<'a>,
    ctx: &Context,
    line: usize,
    out: &mut Rendered,
    events: &mut Vec<Event<'a>>,
) {
    let t = html.trim();
    if t.is_empty() || (t.starts_with("<!--") && t.ends_with("-->")) {
        return;
    }
    if ctx.allow_raw_html {
        events.push(Event::Html(html.clone()));
    } else {
        out.problems.push((line, format!("raw HTML is not allowed (found `{}`): write it in Markdown, or set site.allow_raw_html = true in prem.toml", truncate(t, 40))));
    }
}

fn truncate(s: &str, n: usize) -> String {
    let first_line = s.lines().next().unwrap_or("");
    first_line.chars().take(n).collect()
}

fn callout_open(kind: BlockQuoteKind) -> String {
    let (class, label) = match kind {
        BlockQuoteKind::Note => ("govuk-inset-text app-callout app-callout--note", "Note"),
        BlockQuoteKind::Tip => ("govuk-inset-text app-callout app-callout--tip", "Tip"),
        BlockQuoteKind::Important => ("app-callout app-callout--important", "Important"),
        BlockQuoteKind::Warning => (
            "govuk-warning-text app-callout app-callout--warning",
            "Warning",
        ),
        BlockQuoteKind::Caution => (
            "govuk-warning-text app-callout app-callout--caution",
            "Caution",
        ),
    };
    let icon = if matches!(kind, BlockQuoteKind::Warning | BlockQuoteKind::Caution) {
        "<span class=\"govuk-warning-text__icon\" aria-hidden=\"true\">!</span>"
    } else {
        ""
    };
    format!("<div class=\"{class}\">{icon}<div class=\"app-callout__body\"><span class=\"govuk-visually-hidden\">{label}: </span>\n")
}

fn task_marker(done: bool) -> &'static str {
    if done {
        "<span class=\"app-task app-task--done\" aria-hidden=\"true\">&#x2611;</span><span class=\"govuk-visually-hidden\">Done: </span>"
    } else {
        "<span class=\"app-task\" aria-hidden=\"true\">&#x2610;</span><span class=\"govuk-visually-hidden\">To do: </span>"
    }
}

fn escape(s: &str) -> String {
    maud::html! { (s) }.into_string()
}

/// Maps byte offsets in a fragment to 1-based lines of the file.
struct LineIndex {
    starts: Vec<usize>,
    first_line: usize,
}

impl LineIndex {
    fn new(text: &str, first_line: usize) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { starts, first_line }
    }

    fn line(&self, offset: usize) -> usize {
        let idx = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        self.first_line + idx
    }
}

#[cfg(test)]
mod tests;
