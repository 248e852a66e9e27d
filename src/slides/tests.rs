//! Splitting decks into slides, layouts, and the images they show.

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
        html.find("<h2").expect("h2") < cols,
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
            && b.html
                .contains("<figcaption class=\"app-figure__caption\"><p>From form to meeting.</p>"),
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
