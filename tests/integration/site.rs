//! Builds real sites (the fixture and the project's own content/) into temp
//! folders and checks the files a reader would get.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use prem::config::Config;
use prem::site::{BuildOptions, Site};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

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

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every file under `dir`, with its bytes, but for the render cache, which
/// holds the source files' times and so differs between two copies.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut map = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if e.file_name() != ".prem-cache.json" {
                let rel = p
                    .strip_prefix(dir)
                    .expect("prefix")
                    .to_string_lossy()
                    .into_owned();
                map.insert(rel, std::fs::read(&p).expect("read"));
            }
        }
    }
    map
}

/// Checks that every same-site href in every HTML file points at a file that exists.
fn assert_internal_links_resolve(out: &Path) {
    let mut bad = Vec::new();
    for (rel, bytes) in snapshot(out) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).expect("utf8");
        for part in html.split("href=\"").skip(1) {
            let href = &part[..part.find('"').expect("closing quote")];
            if !href.starts_with('/') || href.starts_with("//") || href.starts_with("/forms/") {
                continue;
            }
            let path = href.split(['#', '?']).next().unwrap_or("");
            let target = if path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path.to_string()
            };
            if !out.join(target.trim_start_matches('/')).is_file() {
                bad.push(format!("{rel}: {href}"));
            }
        }
    }
    assert!(bad.is_empty(), "broken internal links:\n{}", bad.join("\n"));
}

#[test]
fn fixture_site_has_every_feature() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path();
    let built = build(&fixture("demo"), out, false);
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
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    build(&fixture("demo"), a.path(), false);
    build(&fixture("demo"), b.path(), false);
    assert_eq!(snapshot(a.path()), snapshot(b.path()));
}

#[test]
fn rebuild_rewrites_only_what_changed_and_removes_deleted_pages() {
    let src = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixture("demo"), src.path());
    std::fs::write(
        src.path().join("prem.toml"),
        std::fs::read_to_string(src.path().join("prem.toml"))
            .expect("toml")
            .replace(
                "../../../themes",
                &format!("{}/themes", env!("CARGO_MANIFEST_DIR")),
            ),
    )
    .expect("write");
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

fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).expect("read").flatten() {
        let dest = to.join(e.file_name());
        if e.path().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

#[test]
fn project_content_builds_cleanly_with_working_links() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("tempdir");
    let built = build(root, tmp.path(), false);
    assert!(built.stats.pages >= 20, "{:?}", built.stats);
    assert!(tmp
        .path()
        .join("terms-of-reference/eligibility/index.html")
        .is_file());
    assert!(tmp.path().join("glossary/index.html").is_file());
    assert!(read(tmp.path(), "sitemap.xml").matches("<url>").count() >= built.stats.pages);
    assert_internal_links_resolve(tmp.path());
}

#[test]
fn check_lists_every_problem_with_path_and_line() {
    let out = Command::new(env!("CARGO_BIN_EXE_prem"))
        .args(["check", "--site"])
        .arg(fixture("broken"))
        .output()
        .expect("run prem");
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
    let out = Command::new(env!("CARGO_BIN_EXE_prem"))
        .args(["build", "--site"])
        .arg(fixture("demo"))
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
    let tmp = tempfile::tempdir().expect("tempdir");
    let built = build(&fixture("demo"), tmp.path(), false);
    let served = prem::published::Published::load(tmp.path(), built).expect("served");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let addr = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            axum::serve(listener, prem::published::router(served))
                .await
                .ok()
        });
        addr
    });
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
    let src = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixture("demo"), src.path());
    let toml = std::fs::read_to_string(src.path().join("prem.toml")).expect("toml");
    std::fs::write(
        src.path().join("prem.toml"),
        toml.replace(
            "../../../themes",
            &format!("{}/themes", env!("CARGO_MANIFEST_DIR")),
        ),
    )
    .expect("write");
    let out = tempfile::tempdir().expect("tempdir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_prem"))
        .args(["preview", "--addr", &format!("127.0.0.1:{port}"), "--site"])
        .arg(src.path())
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
