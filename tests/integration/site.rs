//! Builds the fixture sites into temp folders and checks the files a reader would get; the
//! `prem check`, `build` and `preview` commands on them.

use std::path::Path;
use std::sync::OnceLock;

use prem::config::Config;
use prem::site::{BuildOptions, Site};

use crate::support::background;
use crate::support::fixture::{copy_of, fixture};
use crate::support::process::{free_port, prem, run};
use crate::support::tree::{assert_internal_links_resolve, snapshot};

/// The render cache holds the source files' times, so it differs between two copies.
const CACHE: &str = ".prem-cache.bin";

fn opts(root: &Path, out: &Path, config: &Config) -> BuildOptions {
    let mut o = BuildOptions::new(root, config);
    o.out = out.to_path_buf();
    o.today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    o
}

fn build(root: &Path, out: &Path, drafts: bool) -> prem::site::Built {
    let config = Config::load(root).expect("config");
    let mut o = opts(root, out, &config);
    o.drafts = drafts;
    let site = Site::load(config, o).unwrap_or_else(|r| panic!("site has problems:\n{r}"));
    site.build().expect("build")
}

/// One build of the demo fixture, shared by the tests that only read it.
fn demo() -> &'static (tempfile::TempDir, prem::site::Built) {
    static DEMO: OnceLock<(tempfile::TempDir, prem::site::Built)> = OnceLock::new();
    DEMO.get_or_init(|| {
        let tmp = tempfile::tempdir().expect("tempdir");
        let built = build(&fixture("demo"), tmp.path(), false);
        (tmp, built)
    })
}

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn fixture_site_has_every_feature() {
    let (tmp, built) = demo();
    let out = tmp.path();
    assert_eq!(built.stats.pages, 6, "drafts are left out");

    let elig = read(out, "guides/eligibility/index.html");
    assert!(elig.contains("<h1 class=\"govuk-heading-xl\">Eligibility</h1>"));
    assert!(
        elig.contains("On this page"),
        "four h2 headings give contents"
    );
    assert!(
        elig.contains("id=\"criterion-mapping\"") && elig.contains("Not needed for one victim")
    );
    assert!(elig.contains("<table>") && elig.contains("footnote"));
    assert!(
        elig.contains("\u{2019}s \u{201c}smart\u{201d}"),
        "smart punctuation"
    );
    assert!(
        elig.contains("href=\"/guides/process/#steps\""),
        "md link rewritten with anchor"
    );
    assert!(
        elig.contains("Last reviewed")
            && elig.contains("1 January 2026")
            && elig.contains("Demo chair")
    );
    assert!(
        elig.contains("aria-current=\"page\" href=\"/guides/eligibility/\""),
        "section nav marks the page"
    );

    let process = read(out, "guides/process/index.html");
    assert!(
        process.contains("was due for review on 1 January 2021"),
        "overdue notice"
    );
    assert!(process.contains("govuk-inset-text"), "note callout");

    let home = read(out, "index.html");
    assert!(home.contains("govuk-warning-text") && home.contains("call 999"));
    assert!(home.contains("href=\"/guides/\""));

    for rel in [
        "roadshow/intro/index.html",
        "roadshow/intro/presenter/index.html",
        "roadshow/intro/handout/index.html",
    ] {
        let deck = read(out, rel);
        assert!(deck.contains("Slide 3 of 3"), "{rel}");
    }
    let presenter = read(out, "roadshow/intro/presenter/index.html");
    assert!(presenter.contains("Explain both points.") && presenter.contains("Speaker notes"));
    let slides = read(out, "roadshow/intro/index.html");
    assert!(
        slides.contains("id=\"slide-2\"") && !slides.contains("Explain both points."),
        "notes stay out of the slides"
    );

    let glossary = read(out, "glossary/index.html");
    assert!(glossary.contains("id=\"demo\"") && glossary.contains("Demonstration"));

    let sitemap = read(out, "sitemap.xml");
    assert!(sitemap.contains(
        "<loc>https://demo.example.org/guides/eligibility/</loc><lastmod>2026-01-01</lastmod>"
    ));
    assert!(sitemap.contains("https://demo.example.org/roadshow/intro/handout/"));
    assert!(!sitemap.contains("secret"));
    assert!(read(out, "404.html").contains("Page not found"));
    let index = read(out, "search-index.json");
    assert!(index.contains("\"u\":\"/guides/process/\""));
    assert!(read(out, "search/index.html").contains("All pages A to Z"));
    assert!(out.join("assets/prem.css").is_file() && out.join("assets/deck.js").is_file());
    assert!(out.join("assets/govuk-frontend.min.css").is_file());
    assert!(!out.join("guides/secret/index.html").exists());
    assert_internal_links_resolve(out);
}

#[test]
fn drafts_are_built_only_when_asked() {
    let tmp = tempfile::tempdir().expect("tempdir");
    build(&fixture("demo"), tmp.path(), true);
    assert!(tmp.path().join("guides/secret/index.html").is_file());
}

#[test]
fn two_builds_are_byte_identical() {
    let b = tempfile::tempdir().expect("tempdir");
    build(&fixture("demo"), b.path(), false);
    assert_eq!(
        snapshot(demo().0.path(), &[CACHE]),
        snapshot(b.path(), &[CACHE])
    );
}

#[test]
fn rebuild_rewrites_only_what_changed_and_removes_deleted_pages() {
    let src = copy_of("demo");
    let out = tempfile::tempdir().expect("tempdir");
    let first = build(src.path(), out.path(), false);
    assert!(first.stats.written > 10);
    let second = build(src.path(), out.path(), false);
    assert_eq!(second.stats.written, 0, "nothing changed, nothing written");

    let page = src.path().join("content/guides/process.md");
    let text = std::fs::read_to_string(&page).expect("read");
    std::fs::write(
        &page,
        text.replace(
            "Wait seven working days.",
            "Wait seven working days, then ask.",
        ),
    )
    .expect("write");
    let third = build(src.path(), out.path(), false);
    assert!(
        third.stats.written >= 1 && third.stats.written <= 4,
        "only the changed page, the search index and its gzip and brotli copies: {:?}",
        third.stats
    );
    assert!(read(out.path(), "guides/process/index.html").contains("then ask"));

    std::fs::remove_file(src.path().join("content/roadshow/intro.md")).expect("remove");
    let fourth = build(src.path(), out.path(), false);
    assert!(fourth.stats.removed >= 3, "{:?}", fourth.stats);
    assert!(!out.path().join("roadshow/intro/index.html").exists());
}

#[test]
fn check_lists_every_problem_with_path_and_line() {
    let out = run(&fixture("broken"), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "content/_index.md:4: broken link \"nowhere.md\"",
        "content/guides/_index.md:3: unknown front-matter key \"reviwed\" (did you mean \"reviewed\"?)",
        "content/guides/bad.md:6: raw HTML is not allowed",
        "content/guides/bad.md:8: broken link \"/#no-such-heading\"",
        "content/guides/bad.md:8: unsafe link \"javascript:alert(1)\"",
        "5 problems found",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
}

#[test]
fn build_command_writes_the_site_and_exits_zero() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = prem(&fixture("demo"))
        .arg("build")
        .arg("--out")
        .arg(tmp.path())
        .output()
        .expect("run prem");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("built 6 pages"));
    assert!(tmp.path().join("index.html").is_file());
}

#[test]
fn server_answers_search_without_javascript() {
    let (tmp, built) = demo();
    let served = prem::published::Published::load(tmp.path(), built.clone()).expect("served");
    let (_server, addr) = background::serve(prem::published::router(served));
    let body = reqwest::blocking::get(format!("http://{addr}/search/?q=steps"))
        .expect("get")
        .text()
        .expect("text");
    assert!(
        body.contains("1 result for") && body.contains("href=\"/guides/process/\""),
        "{body}"
    );
    let missing = reqwest::blocking::get(format!("http://{addr}/no/such/page/")).expect("get");
    assert_eq!(missing.status().as_u16(), 404);
    assert!(missing.text().expect("text").contains("Page not found"));
    let page = reqwest::blocking::get(format!("http://{addr}/guides/")).expect("get");
    assert_eq!(page.status().as_u16(), 200);
}

#[test]
fn preview_rebuilds_when_a_page_changes() {
    let src = copy_of("demo");
    let out = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let mut child = prem(src.path())
        .args(["preview", "--addr", &format!("127.0.0.1:{port}")])
        .arg("--out")
        .arg(out.path())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn preview");
    let get = |path: &str| {
        reqwest::blocking::get(format!("http://127.0.0.1:{port}{path}"))
            .ok()
            .and_then(|r| r.text().ok())
    };
    let wait_for = |path: &str, want: &str| {
        for _ in 0..100 {
            if get(path).is_some_and(|t| t.contains(want)) {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        false
    };
    assert!(
        wait_for("/guides/process/", "/_prem/reload.js"),
        "preview pages carry the reload script"
    );
    let before = get("/_prem/version").expect("version");
    let page = src.path().join("content/guides/process.md");
    let text = std::fs::read_to_string(&page).expect("read");
    std::fs::write(&page, text.replace("Refer.", "Refer promptly.")).expect("write");
    let rebuilt = wait_for("/guides/process/", "Refer promptly.");
    let after = get("/_prem/version").expect("version");
    child.kill().ok();
    child.wait().ok();
    assert!(rebuilt, "the page was rebuilt");
    assert_ne!(before, after, "the version moved on, so open pages reload");
}
