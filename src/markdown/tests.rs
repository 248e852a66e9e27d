use std::collections::HashMap;

use super::*;

fn urls() -> HashMap<String, String> {
    [("a/b.md", "/a/b/"), ("a/_index.md", "/a/"), ("c.md", "/c/")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn render_at(md: &str, source: &str, criteria: &Criteria) -> Rendered {
    let urls = urls();
    let ctx = Context {
        source,
        url: "/a/b/",
        urls: &urls,
        criteria,
        allow_raw_html: false,
        first_line: 5,
        id_prefix: "",
    };
    render(md, &ctx)
}

fn r(md: &str) -> Rendered {
    render_at(md, "a/b.md", &Criteria::default())
}

#[test]
fn relative_md_links_become_site_urls() {
    let out = r("See [c](../c.md) and [sec](_index.md#top).\n");
    assert!(out.html.contains("href=\"/c/\""), "{}", out.html);
    assert!(out.html.contains("href=\"/a/#top\""), "{}", out.html);
    assert_eq!(
        out.anchors,
        vec![
            LinkTarget {
                url: "/c/".into(),
                anchor: String::new(),
                line: 5
            },
            LinkTarget {
                url: "/a/".into(),
                anchor: "top".into(),
                line: 5
            }
        ]
    );
    assert!(out.problems.is_empty());
}

#[test]
fn broken_link_is_reported_with_its_file_line() {
    let out = r("Line one\n\nsee [x](missing.md)\n");
    assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
    assert_eq!(out.problems[0].0, 7);
    assert!(out.problems[0].1.contains("broken link \"missing.md\""));
}

#[test]
fn raw_html_and_script_links_are_refused() {
    let out = r("<script>alert(1)</script>\n\n[x](javascript:alert(1)) and [y]( JaVaScRiPt:void(0))\n\n<!-- fine -->\n");
    let msgs: Vec<&str> = out.problems.iter().map(|p| p.1.as_str()).collect();
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("raw HTML is not allowed")),
        "{msgs:?}"
    );
    assert_eq!(
        msgs.iter().filter(|m| m.starts_with("unsafe link")).count(),
        2,
        "{msgs:?}"
    );
    assert!(!out.html.contains("<script"), "{}", out.html);
    assert!(
        !out.html.to_lowercase().contains("javascript:"),
        "{}",
        out.html
    );
}

#[test]
fn headings_get_unique_ids_and_anchor_links() {
    let out = r("## Who it is for\n\n## Who it is for\n\n### Custom {#my-id}\n");
    let ids: Vec<&str> = out.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, vec!["who-it-is-for", "who-it-is-for-2", "my-id"]);
    assert!(out.html.contains("<h2 id=\"who-it-is-for\">Who it is for<a class=\"app-heading-link\" href=\"#who-it-is-for\">"), "{}", out.html);
}

#[test]
fn callouts_render_as_warning_text() {
    let out = r("> [!WARNING]\n> If someone is in immediate danger, call 999.\n");
    assert!(out.html.contains("govuk-warning-text"), "{}", out.html);
    assert!(out.html.contains("call 999"), "{}", out.html);
    assert!(!out.html.contains("<blockquote"), "{}", out.html);
}

#[test]
fn criteria_blocks_render_the_shared_list() {
    let c = Criteria::parse("[lists.eligibility]\ntitle = \"Eligibility\"\n[[lists.eligibility.items]]\nid = \"harm\"\nlabel = \"Harm\"\ntext = \"Risk of significant harm.\"\n").expect("criteria");
    let out = render_at("```criteria\neligibility\n```\n", "a/b.md", &c);
    assert!(
        out.html.contains("Risk of significant harm."),
        "{}",
        out.html
    );
    let bad = render_at("```criteria\nnope\n```\n", "a/b.md", &c);
    assert!(
        bad.problems[0].1.contains("unknown criteria list \"nope\""),
        "{:?}",
        bad.problems
    );
}

#[test]
fn tables_footnotes_smart_quotes_and_tasks() {
    let out = r("| a | b |\n|---|---|\n| 1 | 2 |\n\nIt's \"quoted\"[^1].\n\n[^1]: Note.\n\n- [x] done\n- [ ] todo\n");
    assert!(out.html.contains("<table>"), "{}", out.html);
    assert!(
        out.html.contains("\u{2019}") && out.html.contains("\u{201c}"),
        "{}",
        out.html
    );
    assert!(out.html.contains("footnote"), "{}", out.html);
    assert!(
        out.html.contains("Done: ") && !out.html.contains("<input"),
        "{}",
        out.html
    );
}

#[test]
fn acronyms_are_collected_with_lines_outside_code() {
    let out = r("PREM meets.\n\n`NOTME` and\n\n```\nNOTME\n```\nThe LAs.\n");
    let names: Vec<(&str, usize)> = out.acronyms.iter().map(|(a, l)| (a.as_str(), *l)).collect();
    assert_eq!(names, vec![("PREM", 5), ("LA", 12)]);
}
