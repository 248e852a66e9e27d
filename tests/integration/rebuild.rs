//! The render cache: a rebuild reads only the files that changed, and what
//! it reuses never hides a change that matters (an edited page, a deleted
//! or renamed link target, a new configuration or theme). Counts come from
//! `BuildStats`; no test here times anything.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use prem::config::Config;
use prem::site::{BuildOptions, BuildStats, Site};

use crate::support::fixture::{fixture, root};
use crate::support::tree::copy_dir;

/// A copy of the demo site with its own theme folder, every file dated an
/// hour ago: files changed in the last moments before a build are not
/// trusted by their metadata, and these must be.
fn demo_copy() -> tempfile::TempDir {
    let src = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixture("demo"), src.path());
    copy_dir(&root().join("themes"), &src.path().join("themes"));
    let toml = src.path().join("prem.toml");
    let text = std::fs::read_to_string(&toml).expect("toml");
    std::fs::write(&toml, text.replace("../../../themes", "themes")).expect("write");
    backdate(src.path());
    src
}

fn backdate(dir: &Path) {
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    for e in std::fs::read_dir(dir).expect("read").flatten() {
        if e.path().is_dir() {
            backdate(&e.path());
        } else {
            let f = std::fs::File::options()
                .write(true)
                .open(e.path())
                .expect("open");
            f.set_modified(hour_ago).expect("set time");
        }
    }
}

/// Edits a file and dates it an hour ago, a minute later than the rest,
/// so the test also shows a change is found when the size stays the same.
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{}: no {from:?}", path.display());
    std::fs::write(path, text.replace(from, to)).expect("write");
    let f = std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open");
    f.set_modified(SystemTime::now() - Duration::from_secs(3540))
        .expect("set time");
}

fn load(root: &Path, out: &Path) -> Result<Site, prem::site::Report> {
    let config = Config::load(root).expect("config");
    let mut o = BuildOptions::new(root, &config);
    o.out = out.to_path_buf();
    o.today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    Site::load(config, o)
}

fn build(root: &Path, out: &Path) -> BuildStats {
    let site = load(root, out).unwrap_or_else(|r| panic!("site has problems:\n{r}"));
    site.build().expect("build").stats
}

fn page(root: &Path, rel: &str) -> PathBuf {
    root.join("content").join(rel)
}

#[test]
fn unchanged_pages_are_not_read_and_an_edited_one_is_rendered_again() {
    let src = demo_copy();
    let out = tempfile::tempdir().expect("tempdir");
    let first = build(src.path(), out.path());
    assert_eq!(
        (first.rendered, first.reused),
        (first.pages, 0),
        "{first:?}"
    );

    let second = build(src.path(), out.path());
    assert_eq!(
        second.rendered, 0,
        "nothing changed, nothing read: {second:?}"
    );
    assert_eq!(second.reused, second.pages);
    assert_eq!(second.written, 0, "{second:?}");

    // Same length, so only the file's time tells it changed.
    edit(
        &page(src.path(), "guides/process.md"),
        "Wait seven working days.",
        "Wait eight working days.",
    );
    let third = build(src.path(), out.path());
    assert_eq!(third.rendered, 1, "only the edited page: {third:?}");
    assert_eq!(third.reused, third.pages - 1);
    let html = std::fs::read_to_string(out.path().join("guides/process/index.html"))
        .expect("process page");
    assert!(html.contains("Wait eight working days."), "{html}");
    let index = std::fs::read_to_string(out.path().join("search-index.json")).expect("index");
    assert!(index.contains("eight working days"), "search sees the edit");
}

#[test]
fn the_search_page_and_sitemap_follow_a_new_title_and_review_date() {
    let src = demo_copy();
    let out = tempfile::tempdir().expect("tempdir");
    build(src.path(), out.path());
    let read = |rel: &str| std::fs::read_to_string(out.path().join(rel)).expect(rel);
    assert!(read("sitemap.xml").contains(
        "<loc>https://demo.example.org/guides/process/</loc><lastmod>2020-01-01</lastmod>"
    ));
    edit(
        &page(src.path(), "guides/process.md"),
        "title = \"Process\"",
        "title = \"Procedure\"",
    );
    edit(
        &page(src.path(), "guides/process.md"),
        "reviewed = 2020-01-01",
        "reviewed = 2020-02-02",
    );
    build(src.path(), out.path());
    assert!(
        read("search/index.html").contains(">Procedure</a>"),
        "{}",
        read("search/index.html")
    );
    assert!(read("sitemap.xml").contains(
        "<loc>https://demo.example.org/guides/process/</loc><lastmod>2020-02-02</lastmod>"
    ));
}

#[test]
fn an_acronym_taken_out_of_the_glossary_is_reported_on_an_unchanged_page() {
    let src = demo_copy();
    let out = tempfile::tempdir().expect("tempdir");
    build(src.path(), out.path());
    edit(
        &page(src.path(), "_data/glossary.toml"),
        "term = \"LA\"",
        "term = \"LAX\"",
    );
    let report = load(src.path(), out.path())
        .err()
        .expect("eligibility.md uses LA")
        .to_string();
    let eligibility = page(src.path(), "guides/eligibility.md");
    assert!(
        report.contains(&format!("{}:29", eligibility.display())) && report.contains("\"LA\""),
        "{report}"
    );
}

#[test]
fn a_damaged_render_cache_is_not_used_and_is_saved_whole_again() {
    let src = demo_copy();
    let out = tempfile::tempdir().expect("tempdir");
    build(src.path(), out.path());
    let cache = out.path().join(".prem-cache.bin");
    let bytes = std::fs::read(&cache).expect("a render cache");
    std::fs::write(&cache, &bytes[..bytes.len() / 2]).expect("cut");
    let again = build(src.path(), out.path());
    assert_eq!(
        (again.rendered, again.reused),
        (again.pages, 0),
        "{again:?}"
    );
    let third = build(src.path(), out.path());
    assert_eq!(
        (third.rendered, third.reused),
        (0, third.pages),
        "{third:?}"
    );
}

#[test]
fn a_reused_page_linking_to_a_deleted_page_fails_with_its_path_and_line() {
    let src = demo_copy();
    let out = tempfile::tempdir().expect("tempdir");
    build(src.path(), out.path());
    // roadshow/intro.md line 22 links to ../guides/eligibility.md, which
    // also links to process.md#steps (line 33): neither linking file changes.
    std::fs::remove_file(page(src.path(), "guides/eligibility.md")).expect("remove");
    let report = load(src.path(), out.path())
        .err()
        .expect("a link to a deleted page must fail the build")
        .to_string();
    let intro = page(src.path(), "roadshow/intro.md");
    assert!(
        report.contains(&format!("{}:22", intro.display())) && report.contains("broken link"),
        "{report}"
    );
}

#[test]
fn a_reused_page_linking_to_a_heading_that_changed_fails_with_its_path_and_line() {
    let src = demo_copy();
    let out = tempfile::tempdir().expect("tempdir");
    build(src.path(), out.path());
    edit(
        &page(src.path(), "guides/process.md"),
        "## Steps {#steps}",
        "## Stages {#stage}",
    );
    let report = load(src.path(), out.path())
        .err()
        .expect("a link to a heading that is gone must fail the build")
        .to_string();
    let eligibility = page(src.path(), "guides/eligibility.md");
    assert!(
        report.contains(&format!("{}:33", eligibility.display()))
            && report.contains("process/#steps"),
        "{report}"
    );
}

#[test]
fn a_configuration_criteria_or_theme_change_renders_every_page_again() {
    let src = demo_copy();
    let out = tempfile::tempdir().expect("tempdir");
    build(src.path(), out.path());
    assert_eq!(build(src.path(), out.path()).rendered, 0);

    edit(
        &src.path().join("prem.toml"),
        "Demonstration Partnership",
        "Demonstration Partnership (new)",
    );
    let config = build(src.path(), out.path());
    assert_eq!(config.rendered, config.pages, "{config:?}");
    assert_eq!(build(src.path(), out.path()).rendered, 0);

    let criteria = page(src.path(), "_data/criteria.toml");
    let text = std::fs::read_to_string(&criteria).expect("criteria");
    std::fs::write(&criteria, format!("{text}\n# reworded\n")).expect("write");
    backdate(criteria.parent().expect("data dir"));
    let after = build(src.path(), out.path());
    assert_eq!(after.rendered, after.pages, "{after:?}");

    // A theme asset changes every page's stylesheet link: each page is
    // written again, and so rendered again from its file.
    let css = src.path().join("themes/default/assets/prem.css");
    let text = std::fs::read_to_string(&css).expect("theme css");
    std::fs::write(&css, format!("{text}\n/* new */\n")).expect("write");
    let theme = build(src.path(), out.path());
    assert_eq!(theme.reused, theme.pages, "the Markdown is unchanged");
    assert!(theme.rendered >= theme.pages - 1, "{theme:?}");
    assert!(theme.written >= theme.pages, "{theme:?}");
}

#[test]
fn drafts_and_review_notices_stay_right_when_pages_are_reused() {
    let src = demo_copy();
    let out = tempfile::tempdir().expect("tempdir");
    let without = build(src.path(), out.path());
    assert!(!out.path().join("guides/secret/index.html").exists());
    let config = Config::load(src.path()).expect("config");
    let mut o = BuildOptions::new(src.path(), &config);
    o.out = out.path().to_path_buf();
    o.drafts = true;
    o.today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let with = Site::load(config, o).expect("load").build().expect("build");
    assert_eq!(with.stats.pages, without.pages + 1);
    assert!(out.path().join("guides/secret/index.html").is_file());
    assert_eq!(build(src.path(), out.path()).pages, without.pages);
    assert!(!out.path().join("guides/secret/index.html").exists());

    let eligibility = out.path().join("guides/eligibility/index.html");
    let html = std::fs::read_to_string(&eligibility).expect("eligibility page");
    assert!(!html.contains("app-review-overdue"), "due in 2099");

    // Later every reused page is past its review date: the warnings and
    // the pages' notices come from today's date, not the cache's.
    let config = Config::load(src.path()).expect("config");
    let mut o = BuildOptions::new(src.path(), &config);
    o.out = out.path().to_path_buf();
    o.today = chrono::NaiveDate::from_ymd_opt(2100, 1, 1).expect("date");
    let site = Site::load(config, o).expect("load");
    assert_eq!(site.reused, site.pages.len());
    let warned = |rel: &str| {
        site.warnings
            .iter()
            .any(|w| w.path.ends_with(rel) && w.message.contains("2099-01-01"))
    };
    assert!(warned("guides/eligibility.md"), "{:?}", site.warnings);
    site.build().expect("build");
    let html = std::fs::read_to_string(&eligibility).expect("eligibility page");
    assert!(html.contains("app-review-overdue"), "{html}");
}

/// A site of `n` plain pages in one section, each linking to the next.
fn many_pages(root: &Path, n: usize) {
    std::fs::write(
        root.join("prem.toml"),
        format!(
            "[site]\nname = \"T\"\ntitle = \"Test\"\nbase_url = \"https://t.example.org/\"\n\n[build]\nthemes_dir = \"{}/themes\"\n",
            crate::support::root().display()
        ),
    )
    .expect("toml");
    let dir = root.join("content/s");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        root.join("content/_index.md"),
        "+++\ntitle = \"Home\"\n+++\nHello.\n",
    )
    .expect("home");
    std::fs::write(
        dir.join("_index.md"),
        "+++\ntitle = \"Section\"\n+++\nPages.\n",
    )
    .expect("section");
    for i in 0..n {
        let next = (i + 1) % n;
        std::fs::write(
            dir.join(format!("p{i:02}.md")),
            format!("+++\ntitle = \"Page {i}\"\n+++\n## Part {i}\n\nSee [the next](p{next:02}.md#part-{next}).\n"),
        )
        .expect("page");
    }
    backdate(root);
}

#[test]
fn a_few_changes_are_saved_as_a_delta_that_later_builds_apply() {
    let src = tempfile::tempdir().expect("tempdir");
    many_pages(src.path(), 40);
    let out = tempfile::tempdir().expect("tempdir");
    let delta = out.path().join(".prem-cache-delta.bin");
    let first = build(src.path(), out.path());
    assert_eq!(first.rendered, 42);
    assert!(!delta.exists());

    edit(&page(src.path(), "s/p03.md"), "## Part 3", "## Bit 3");
    let report = load(src.path(), out.path())
        .err()
        .expect("p02 links to the renamed heading")
        .to_string();
    assert!(
        report.contains(&format!("{}:6", page(src.path(), "s/p02.md").display())),
        "{report}"
    );
    edit(&page(src.path(), "s/p03.md"), "## Bit 3", "## Part 3");
    edit(&page(src.path(), "s/p10.md"), "See", "Read");
    let second = build(src.path(), out.path());
    assert_eq!(second.rendered, 2, "{second:?}");
    assert!(delta.is_file(), "two changed pages of 42 are saved aside");

    // The delta's pages are reused too, and the deleted page is dropped.
    std::fs::remove_file(page(src.path(), "s/p20.md")).expect("remove");
    edit(
        &page(src.path(), "s/p19.md"),
        "p20.md#part-20",
        "p21.md#part-21",
    );
    let third = build(src.path(), out.path());
    assert_eq!(third.reused, 40, "only p19 is read: {third:?}");
    // The section's list changed, so every page is written and rendered again.
    assert_eq!(third.rendered, third.pages, "{third:?}");
    let fourth = build(src.path(), out.path());
    assert_eq!((fourth.rendered, fourth.reused), (0, 41), "{fourth:?}");
    let html = std::fs::read_to_string(out.path().join("s/p10/index.html")).expect("p10");
    assert!(html.contains("Read"), "{html}");
    assert!(!out.path().join("s/p20/index.html").exists());
}

/// `prem build --site SRC --out OUT EXTRA…`, which must succeed; its stderr.
fn prem_build(src: &Path, out: &Path, extra: &[&str]) -> String {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_prem"))
        .arg("build")
        .arg("--site")
        .arg(src)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("run prem");
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{err}");
    err
}

#[test]
fn the_command_with_nothing_changed_does_nothing_and_still_sees_every_change() {
    let src = demo_copy();
    let out = tempfile::tempdir().expect("tempdir");
    let warnings = |err: &str| -> Vec<String> {
        err.lines()
            .filter(|l| l.contains("warning:"))
            .map(str::to_string)
            .collect()
    };
    let first = prem_build(src.path(), out.path(), &[]);
    assert!(!warnings(&first).is_empty(), "the demo has an overdue page");
    let second = prem_build(src.path(), out.path(), &[]);
    assert!(second.contains("(0 files written, "), "{second}");
    assert_eq!(warnings(&second), warnings(&first), "the same warnings");
    // The same counts as a rebuild that loads the site (which the missing
    // state forces) and finds nothing to write.
    std::fs::remove_file(out.path().join(".prem-state.json")).expect("state saved");
    let slow = prem_build(src.path(), out.path(), &[]);
    let counts = |err: &str| err.rsplit_once(" (").map(|(_, c)| c.trim().to_string());
    assert_eq!(counts(&second), counts(&slow), "{second}\n{slow}");
    assert!(out.path().join(".prem-state.json").is_file(), "saved again");

    edit(
        &page(src.path(), "guides/process.md"),
        "Wait seven working days.",
        "Wait eight working days.",
    );
    let edited = prem_build(src.path(), out.path(), &[]);
    assert!(!edited.contains("(0 files written, "), "{edited}");
    let process = out.path().join("guides/process/index.html");
    let html = std::fs::read_to_string(&process).expect("process page");
    assert!(html.contains("Wait eight working days."));

    std::fs::remove_file(&process).expect("remove");
    let restored = prem_build(src.path(), out.path(), &[]);
    assert!(!restored.contains("(0 files written, "), "{restored}");
    assert!(process.is_file(), "a deleted output is made again");

    prem_build(src.path(), out.path(), &["--drafts"]);
    assert!(out.path().join("guides/secret/index.html").is_file());
    let again = prem_build(src.path(), out.path(), &[]);
    assert!(
        !again.contains("(0 files written, "),
        "drafts are left out again"
    );
    assert!(!out.path().join("guides/secret/index.html").exists());
}
