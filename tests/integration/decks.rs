//! Roadshow decks built from small sites written here: images beside a deck
//! and in a folder of it, layouts, an overdue review, and the build errors
//! (`path:line`) for missing images, missing alt text and unknown layouts.

use std::path::Path;

use prem::config::Config;
use prem::site::{BuildOptions, Site};

use crate::support::fixture::root;
use crate::support::process::run;

const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"16\" height=\"9\"></svg>\n";

/// Writes `files` (path, text) under a new temporary site root whose decks are in `roadshow/`.
fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    site_with("decks_section = \"roadshow\"\n", "", files)
}

/// `site`, with `build` added to its `[build]` table and `more` to its `prem.toml`.
fn site_with(build: &str, more: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    let themes = root().join("themes");
    let toml = format!(
        "[site]\nname = \"DEMO\"\ntitle = \"Demonstration\"\nbase_url = \"https://demo.example.org/\"\n\n[build]\nthemes_dir = {:?}\n{build}{more}",
        themes.display().to_string()
    );
    std::fs::write(tmp.path().join("prem.toml"), toml).expect("write prem.toml");
    for (rel, text) in files {
        let path = tmp.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    tmp
}

const HOME: (&str, &str) = ("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n");
const DECKS: (&str, &str) = (
    "content/roadshow/_index.md",
    "+++\ntitle = \"Roadshow\"\n+++\nDecks.\n",
);

#[test]
fn images_are_copied_and_linked_and_layouts_and_overdue_reviews_show() {
    let deck = "+++\ntitle = \"Route\"\nreviewed = 2020-01-01\nreview_due = 2021-01-01\n+++\n\
<!-- layout: title -->\n# Route\n\nSubtitle\n\nNote: Hello.\n---\n\
<!-- layout: image -->\n## Picture\n\n![Boxes in a row](route/flow.svg)\n\nThe caption.\n---\n\
<!-- layout: two-columns -->\n## Sides\n\n![A logo](logo.svg)\n<!-- column -->\nRight.\n\nNote: Both sides.\n";
    let tmp = site(&[
        HOME,
        DECKS,
        ("content/roadshow/route.md", deck),
        ("content/roadshow/route/flow.svg", SVG),
        ("content/roadshow/logo.svg", SVG),
    ]);
    let out = tmp.path().join("public");
    let config = Config::load(tmp.path()).expect("config");
    let mut opts = BuildOptions::new(tmp.path(), &config);
    opts.out = out.clone();
    opts.today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let site = Site::load(config, opts).unwrap_or_else(|r| panic!("problems:\n{r}"));
    site.build().expect("build");

    assert_eq!(
        std::fs::read_to_string(out.join("roadshow/route/flow.svg")).expect("image copied"),
        SVG
    );
    assert!(out.join("roadshow/logo.svg").is_file());
    let slides = std::fs::read_to_string(out.join("roadshow/route/index.html")).expect("slides");
    assert!(slides.contains("src=\"/roadshow/route/flow.svg\" alt=\"Boxes in a row\""));
    assert!(slides.contains("src=\"/roadshow/logo.svg\""));
    for class in [
        "app-slide--title",
        "app-slide--image",
        "app-slide--two-columns",
    ] {
        assert!(slides.contains(class), "{class} missing");
    }
    assert!(slides.contains("<figcaption class=\"app-figure__caption\"><p>The caption.</p>"));
    assert!(slides.contains("deck.css") && slides.contains("deck.js"));
    assert_eq!(
        slides.matches("<h1").count(),
        1,
        "slide 1's heading is the page's h1"
    );
    for view in [
        "roadshow/route/presenter/index.html",
        "roadshow/route/handout/index.html",
    ] {
        let html = std::fs::read_to_string(out.join(view)).expect(view);
        assert!(
            html.contains("was due for review on 1 January 2021"),
            "{view}: no overdue notice"
        );
        assert!(html.contains("src=\"/roadshow/route/flow.svg\""), "{view}");
    }
    let presenter =
        std::fs::read_to_string(out.join("roadshow/route/presenter/index.html")).expect("p");
    assert!(
        presenter.contains("<h2 class=\"govuk-heading-s\">Speaker notes</h2>"),
        "notes nest under slide 1's h1"
    );
    assert!(presenter.contains("<h3 class=\"govuk-heading-s\">Speaker notes</h3>"));
}

#[test]
fn missing_images_alt_text_and_layout_mistakes_are_errors_with_path_and_line() {
    let deck = "+++\ntitle = \"Bad\"\n+++\n## One\n\n![A chart](chart.svg)\n---\n## Two\n\n![](logo.svg)\n---\n<!-- layout: columns -->\n## Three\n---\n<!-- layout: two-columns -->\n## Four\n";
    let page = "+++\ntitle = \"Guide\"\n+++\nText.\n\n![A map](maps/area.png)\n";
    let tmp = site(&[
        HOME,
        DECKS,
        ("content/roadshow/bad.md", deck),
        ("content/roadshow/logo.svg", SVG),
        ("content/guide.md", page),
    ]);
    let out = run(tmp.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "content/roadshow/bad.md:6: image \"chart.svg\" not found (looked for roadshow/chart.svg)",
        "content/roadshow/bad.md:10: image \"logo.svg\" has no alt text",
        "content/roadshow/bad.md:12: unknown slide layout \"columns\"",
        "content/roadshow/bad.md:15: the two-columns layout needs a line `<!-- column -->`",
        "content/guide.md:6: image \"maps/area.png\" not found (looked for maps/area.png)",
        "5 problems found",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
}

/// Builds the site at `root` into `root/public`, failing on any problem.
fn build(root: &Path) -> std::path::PathBuf {
    let out = root.join("public");
    let config = Config::load(root).expect("config");
    let mut opts = BuildOptions::new(root, &config);
    opts.out = out.clone();
    let site = Site::load(config, opts).unwrap_or_else(|r| panic!("problems:\n{r}"));
    site.build().expect("build");
    out
}

#[test]
fn decks_are_built_in_the_configured_section_and_the_footer_links_come_from_config() {
    let deck = "+++\ntitle = \"Intro\"\n+++\n# Intro\n\nNote: Say hello.\n---\n## Next\n\nMore.\n";
    let page = "+++\ntitle = \"Old\"\n+++\n## A page\n\nJust text.\n";
    let talks = (
        "content/training/talks/_index.md",
        "+++\ntitle = \"Talks\"\n+++\nTalks.\n",
    );
    let footer = "\n[[site.footer_links]]\ntitle = \"All talks\"\nhref = \"/training/talks/\"\n";
    let tmp = site_with(
        "decks_section = \"training/talks\"\n",
        footer,
        &[
            HOME,
            (
                "content/training/_index.md",
                "+++\ntitle = \"Training\"\n+++\nT.\n",
            ),
            talks,
            ("content/training/talks/intro.md", deck),
            DECKS,
            ("content/roadshow/old.md", page),
        ],
    );
    let out = build(tmp.path());
    for view in ["", "presenter/", "handout/"] {
        let file = out.join(format!("training/talks/intro/{view}index.html"));
        assert!(file.is_file(), "no deck view {}", file.display());
    }
    let slides =
        std::fs::read_to_string(out.join("training/talks/intro/index.html")).expect("slides");
    assert!(slides.contains("data-deck=\"slides\""), "a deck's page");
    assert!(
        !out.join("roadshow/old/presenter").exists(),
        "roadshow/ is an ordinary section on this site"
    );
    let old = std::fs::read_to_string(out.join("roadshow/old/index.html")).expect("page");
    assert!(!old.contains("data-deck"), "an ordinary page");
    let footer = &slides[slides.find("<footer").expect("footer")..];
    assert!(
        footer.contains("href=\"/training/talks/\">All talks</a>"),
        "{footer}"
    );
    assert!(!footer.contains("/glossary/"), "the configured links only");

    // With no decks_section, decks are in content/decks/ and the footer links to the glossary and search.
    let tmp = site_with(
        "",
        "",
        &[
            HOME,
            (
                "content/decks/_index.md",
                "+++\ntitle = \"Decks\"\n+++\nD.\n",
            ),
            ("content/decks/intro.md", deck),
        ],
    );
    let out = build(tmp.path());
    assert!(out.join("decks/intro/handout/index.html").is_file());
    let home = std::fs::read_to_string(out.join("index.html")).expect("home");
    let footer = &home[home.find("<footer").expect("footer")..];
    assert!(
        footer.contains("href=\"/glossary/\">Glossary</a>")
            && footer.contains("href=\"/search/\">Search</a>")
    );
}
