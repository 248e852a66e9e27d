//! The project's own guidance, built into a temp folder and read as a
//! practitioner would: the corrections that must not come back, search that
//! finds body text (served over a real socket, no JavaScript), and every path
//! through the "is this a case for the panel?" checker.

use std::sync::OnceLock;

use crate::support::background::{self, Background};
use crate::support::fixture::project_build as project;
use crate::support::tree::snapshot;

fn page(url: &str) -> String {
    let rel = format!("{}index.html", url.trim_start_matches('/'));
    std::fs::read_to_string(project().out.join(&rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The text of `<main>`, tags removed, whitespace collapsed, quotes decoded.
fn main_text(url: &str) -> String {
    let html = page(url);
    let main = &html[html.find("<main").expect("main")..html.find("</main>").expect("/main")];
    let mut text = String::new();
    let mut in_tag = false;
    for c in main.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
}

/// Every built HTML page: its path in the output folder and its text.
fn every_html() -> Vec<(String, String)> {
    snapshot(&project().out, &[])
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".html"))
        .map(|(rel, bytes)| (rel, String::from_utf8(bytes).expect("utf8")))
        .collect()
}

#[test]
fn residence_is_not_among_the_criteria_a_referral_must_show() {
    let text = main_text("/terms-of-reference/eligibility/");
    let list = &text[text.find("must show all three").expect("intro")..];
    let must = &list[..list
        .find("Where the person lives")
        .expect("residence section")];
    for c in [
        "Risk of significant harm",
        "Mapping of perpetrators",
        "Previous partnership actions",
    ] {
        assert!(must.contains(c), "{c} missing from the must-show list");
    }
    assert!(!must.contains("Lives in"), "{must}");
    assert!(text.contains("should live"), "residence is a should");
    assert!(text.contains("host police force"));
    let home = main_text("/");
    assert!(
        !home.contains("all four"),
        "the home page asks four musts again"
    );
    let guide = main_text("/quick-reference/making-a-good-referral/");
    assert!(
        !guide.contains("not live in the Northumbria Police area"),
        "living elsewhere is back as a reason to turn a referral back"
    );
    // The decks too: residence is a "should" on every page, slide and handout.
    for (rel, html) in every_html() {
        assert!(
            !html.contains("must <strong>live"),
            "{rel} makes residence a must"
        );
        assert!(
            !html.contains("must live in"),
            "{rel} makes residence a must"
        );
    }
}

#[test]
fn the_decks_ask_for_an_agency_and_a_timescale_not_smart_actions_as_prem_procedure() {
    let deck = page("/roadshow/extraordinary-prem/");
    assert!(
        !deck.contains("Make every action <strong>SMART</strong>"),
        "SMART is back as PREM procedure"
    );
    assert!(deck.contains("<strong>responsible agency</strong>"));
    assert!(
        !deck.contains("the risk is serious"),
        "serious, not significant, risk is back"
    );
    let refer = page("/roadshow/how-to-refer/");
    assert!(
        refer.contains("<strong>DI</strong>") || refer.contains(">DI<"),
        "stage 1 names the DI"
    );
}

#[test]
fn there_is_one_route_for_sending_a_referral() {
    for (rel, html) in every_html() {
        assert!(
            !html.contains("PREM mailbox"),
            "{rel} names the PREM mailbox"
        );
        assert!(!html.contains("premmailbox"), "{rel} gives the old mailbox");
    }
    let glossary = main_text("/glossary/");
    let gatekeeper = &glossary[glossary.find("LA gatekeeper").expect("term")..];
    assert!(gatekeeper[..200].contains("secure online referral form"));
}

#[test]
fn extraordinary_content_says_significant_not_serious_harm() {
    for url in [
        "/quick-reference/extraordinary-prem/",
        "/checker/extraordinary-urgent/",
        "/checker/extraordinary-advice/",
    ] {
        let text = main_text(url).to_lowercase();
        assert!(!text.contains("serious harm"), "{url}");
        assert!(!text.contains("serious and urgent"), "{url}");
    }
    assert!(main_text("/").contains("significant threat or risk"));
}

#[test]
fn other_partnerships_models_are_labelled_practice_guidance() {
    for url in [
        "/risk-and-actions/smart-actions/",
        "/risk-and-actions/thrive/",
        "/risk-and-actions/four-ps/",
    ] {
        let text = main_text(url);
        assert!(
            text.contains("Practice guidance, not a PREM procedure"),
            "{url}"
        );
    }
    let smart = main_text("/risk-and-actions/smart-actions/");
    assert!(!smart.contains("Every action agreed at PREM should be"));
    let deck = page("/roadshow/how-to-refer/");
    let at_meeting = &deck[deck.find("At the meeting").expect("slide")..];
    let slide = &at_meeting[..at_meeting.len().min(600)];
    assert!(!slide.contains("<strong>SMART</strong>") && !slide.contains("<strong>4 Ps</strong>"));
}

#[test]
fn pages_carry_a_meta_description_from_their_summary() {
    let html = page("/terms-of-reference/review-and-threshold/");
    assert!(html.contains("<meta name=\"description\" content=\"How a referral is checked"));
    assert!(page("/").contains("<meta name=\"description\""));
}

#[test]
fn first_use_of_an_acronym_links_to_the_glossary() {
    let html = page("/terms-of-reference/review-and-threshold/");
    let link = "<a class=\"app-acronym\" href=\"/glossary/#la\">LA</a>";
    assert_eq!(html.matches(link).count(), 1, "linked once");
    let body = &html[html.find(link).expect("link") + link.len()..];
    assert!(body.contains(" LA "), "later uses stay plain");
}

#[test]
fn search_index_covers_bodies_and_stays_small() {
    // gzip -9, as a server or CDN would send it.
    let out = std::process::Command::new("gzip")
        .arg("-9c")
        .arg(project().out.join("search-index.json"))
        .output()
        .expect("gzip runs");
    let size = out.stdout.len();
    assert!(out.status.success() && size > 0);
    assert!(size < 100 * 1024, "search index is {size} bytes gzipped");
    for q in ["MFHC", "escalation", "host force", "999"] {
        let hits = prem::search::search(&project().built.index, q);
        assert!(
            hits.iter().any(|e| !e.u.starts_with("/glossary/")),
            "{q} finds no page"
        );
    }
}

/// Serves the built site over a real socket, as `prem preview` and the kiosk do.
fn serve() -> std::net::SocketAddr {
    static SERVER: OnceLock<(Background, std::net::SocketAddr)> = OnceLock::new();
    SERVER
        .get_or_init(|| {
            let p = project();
            let served = prem::published::Published::load(&p.out, p.built.clone()).expect("served");
            background::serve(prem::published::router(served))
        })
        .1
}

#[test]
fn server_search_finds_a_word_only_in_a_page_body_with_a_marked_snippet() {
    // "superintendent" is in the body of the review page, not its title,
    // summary or headings.
    let p = project();
    let entry = p
        .built
        .index
        .iter()
        .find(|e| e.u == "/terms-of-reference/review-and-threshold/")
        .expect("entry");
    for field in [&entry.t, &entry.s, &entry.h] {
        assert!(!field.to_lowercase().contains("superintendent"));
    }
    let body = reqwest::blocking::get(format!("http://{}/search?q=superintendent", serve()))
        .expect("get")
        .text()
        .expect("text");
    assert!(
        body.contains("href=\"/terms-of-reference/review-and-threshold/\""),
        "{body}"
    );
    assert!(body.contains("<mark>superintendent</mark>"), "{body}");
}

#[test]
fn server_search_ranks_heading_hits_above_body_hits() {
    // "Pre-meetings" is a heading on the review page and only body text elsewhere.
    let body = reqwest::blocking::get(format!("http://{}/search/?q=pre-meetings", serve()))
        .expect("get")
        .text()
        .expect("text");
    let results = &body[body.find("result").expect("results")..];
    let first = results
        .find("href=\"")
        .map(|i| &results[i + 6..])
        .expect("a hit");
    let first = &first[..first.find('"').expect("quote")];
    let entry = project()
        .built
        .index
        .iter()
        .find(|e| e.u == first)
        .expect("entry");
    let top = format!("{} {}", entry.t, entry.h).to_lowercase();
    assert!(
        top.contains("pre-meetings"),
        "first hit {first} has it only in the body"
    );
    assert!(
        body.matches("<mark>").count() > 1,
        "more than one hit, each marked"
    );
}

#[test]
fn every_checker_path_ends_at_an_outcome_page_with_its_reason() {
    let c = &project().checker;
    let paths = c.paths();
    assert!(paths.contains_key("refer") && paths.contains_key("extraordinary-urgent"));
    assert!(paths.contains_key("procedures-first"));
    for o in &c.outcomes {
        assert!(paths.contains_key(&o.id), "{} is never reached", o.id);
    }
    // Walk every path through the built pages by following the answer links.
    for (outcome, walks) in &paths {
        for walk in walks {
            let mut url = c.url.clone();
            let start = page(&url);
            url = href_of(&start, "govuk-button--start");
            for step in walk {
                let (qid, label) = step.split_once('=').expect("step");
                assert_eq!(url, c.page_url(qid), "path {walk:?}");
                let html = page(&url);
                url = answer_href(&html, label);
            }
            assert_eq!(url, c.page_url(outcome), "path {walk:?}");
            let text = main_text(&url);
            let o = c.outcome(outcome).expect("outcome");
            let first_reason = prem::checker::paragraphs(&o.reason).next().expect("reason");
            assert!(text.contains(&o.title), "{url}");
            assert!(text.contains(first_reason), "{url} has no reason");
        }
    }
}

#[test]
fn checker_outcomes_lead_to_the_form_procedures_or_an_extraordinary_request() {
    assert!(page("/checker/refer/").contains("href=\"/forms/\""));
    assert!(
        page("/checker/extraordinary-urgent/").contains("href=\"/forms/extraordinary-request/\"")
    );
    assert!(main_text("/checker/procedures-first/").contains("standard safeguarding procedures"));
    assert!(
        page("/").contains("href=\"/checker/\""),
        "home page links the checker"
    );
    let placed = main_text("/checker/refer-placed/");
    assert!(placed.contains("can still be referred"));
}

fn href_of(html: &str, class: &str) -> String {
    let at = html.find(class).expect("class");
    let rest = &html[at..];
    let h = &rest[rest.find("href=\"").expect("href") + 6..];
    h[..h.find('"').expect("quote")].to_string()
}

fn answer_href(html: &str, label: &str) -> String {
    let needle = format!("\">{}</a>", maud::html! { (label) }.into_string());
    let end = html
        .find(&needle)
        .unwrap_or_else(|| panic!("no answer {label}"));
    let start = html[..end].rfind("href=\"").expect("href") + 6;
    html[start..end].to_string()
}
