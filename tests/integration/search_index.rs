//! A large site's search index in parts: every page is in exactly one part,
//! the parts together are the index the server searches, an edit rewrites
//! only its page's part, and texts lost between builds are made again.
//! (The small site's single file is tested in `site` and `guidance`.)

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

use prem::config::Config;
use prem::search::{Entry, Parts};
use prem::site::{BuildOptions, Built, Site};

use crate::support::fixture::root;

/// Pages enough for the index to be split (past 500 entries).
const PAGES: usize = 600;

/// A site of `PAGES` short pages, each with a word of its own in its body
/// only, every file dated an hour ago (files changed in the last moments
/// before a build are not trusted by their metadata).
fn large_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let themes = root().join("themes");
    std::fs::write(
        dir.path().join("prem.toml"),
        format!(
            "[site]\nname = \"T\"\ntitle = \"Test\"\n\n[build]\nthemes_dir = {:?}\n",
            themes.display().to_string()
        ),
    )
    .expect("prem.toml");
    let content = dir.path().join("content/many");
    std::fs::create_dir_all(&content).expect("content");
    let front = |title: &str| {
        format!("+++\ntitle = \"{title}\"\nreviewed = 2026-01-01\nreview_due = 2099-01-01\n+++\n")
    };
    std::fs::write(
        dir.path().join("content/_index.md"),
        front("Home") + "Welcome.\n",
    )
    .expect("home");
    std::fs::write(content.join("_index.md"), front("Many") + "Many pages.\n").expect("section");
    for n in 0..PAGES {
        let body = format!("## About\n\nThis page alone says zq{n:04}x.\n");
        std::fs::write(
            content.join(format!("p{n:04}.md")),
            front(&format!("Page {n}")) + &body,
        )
        .expect("page");
    }
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    for e in std::fs::read_dir(&content).expect("read").flatten() {
        set_time(&e.path(), hour_ago);
    }
    set_time(&dir.path().join("content/_index.md"), hour_ago);
    dir
}

fn set_time(path: &Path, when: SystemTime) {
    let f = std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open");
    f.set_modified(when).expect("set time");
}

fn build(src: &Path, out: &Path) -> Built {
    let config = Config::load(src).expect("config");
    let mut o = BuildOptions::new(src, &config);
    o.out = out.to_path_buf();
    o.today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let site = Site::load(config, o).unwrap_or_else(|r| panic!("site has problems:\n{r}"));
    site.build().expect("build")
}

/// Every part by its file, as a browser would fetch them from the list.
fn parts(out: &Path) -> BTreeMap<String, Vec<Entry>> {
    let list: Parts =
        serde_json::from_slice(&std::fs::read(out.join("search-index.json")).expect("index"))
            .expect("a list of parts");
    list.parts
        .iter()
        .map(|u| {
            let rel = u.trim_start_matches('/').split('?').next().expect("path");
            let bytes = std::fs::read(out.join(rel)).unwrap_or_else(|_| panic!("{u} missing"));
            (u.clone(), serde_json::from_slice(&bytes).expect("part"))
        })
        .collect()
}

fn edit_page(src: &Path, n: usize, word: &str) {
    let path = src.join(format!("content/many/p{n:04}.md"));
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, format!("{text}\nNow it also says {word}.\n")).expect("write");
    set_time(&path, SystemTime::now() - Duration::from_secs(3540));
}

fn found(index: &[Entry], word: &str) -> Vec<String> {
    prem::search::search(index, word)
        .into_iter()
        .map(|e| e.u.clone())
        .collect()
}

#[test]
fn a_large_sites_index_is_in_parts_that_together_are_the_servers_index() {
    let src = large_site();
    let out = tempfile::tempdir().expect("tempdir");
    let built = build(src.path(), out.path());
    let parts = parts(out.path());
    assert!(parts.len() > 1, "{} parts", parts.len());
    let mut all: Vec<Entry> = parts.values().flatten().cloned().collect();
    assert_eq!(all.len(), built.index.len(), "every entry in one part");
    all = prem::search::sorted(all);
    assert_eq!(all, built.index);
    let share = all.len() / 4..all.len() * 3 / 4;
    assert!(
        parts.values().all(|p| share.contains(&p.len())),
        "parts share the pages"
    );
    assert_eq!(found(&all, "zq0123x"), ["/many/p0123/"]);
}

#[test]
fn an_edit_rewrites_only_its_pages_part_and_search_finds_the_new_word() {
    let src = large_site();
    let out = tempfile::tempdir().expect("tempdir");
    build(src.path(), out.path());
    let before = parts(out.path());
    edit_page(src.path(), 7, "newword");
    let built = build(src.path(), out.path());
    assert_eq!(built.stats.rendered, 1, "{:?}", built.stats);
    let after = parts(out.path());
    let changed: Vec<&String> = after.keys().filter(|u| !before.contains_key(*u)).collect();
    assert_eq!(changed.len(), 1, "one part has a new version: {changed:?}");
    assert!(after[changed[0]].iter().any(|e| e.u == "/many/p0007/"));
    assert_eq!(before.len(), after.len());
    assert_eq!(found(&built.index, "newword"), ["/many/p0007/"]);
    // The part's other pages, reused without reading their files, keep their words.
    for e in &after[changed[0]] {
        if let Some(n) =
            e.u.strip_prefix("/many/p")
                .and_then(|s| s.strip_suffix('/'))
        {
            let word = format!("zq{n}x");
            assert!(e.b.contains(&word), "{} lost its text", e.u);
            assert_eq!(found(&built.index, &word), [e.u.as_str()]);
        }
    }
}

#[test]
fn texts_lost_since_the_last_build_are_made_again_from_the_pages() {
    let src = large_site();
    let out = tempfile::tempdir().expect("tempdir");
    build(src.path(), out.path());
    std::fs::remove_dir_all(out.path().join(".prem-search-text")).expect("texts are kept");
    edit_page(src.path(), 9, "otherword");
    let built = build(src.path(), out.path());
    assert_eq!(found(&built.index, "otherword"), ["/many/p0009/"]);
    let all = prem::search::sorted(parts(out.path()).into_values().flatten().collect());
    assert_eq!(all, built.index);
    assert_eq!(found(&all, "zq0321x"), ["/many/p0321/"]);
}
