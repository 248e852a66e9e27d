//! Request hardening on the kiosk and the inbox, over real sockets: cookie attributes on every
//! `Set-Cookie` (removal too), session ids cycled when a form starts, posts from other sites
//! and non-form bodies refused, and post limits that let an office work while stopping a flood.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::Method;

use crate::support::browser::form_body;
use crate::support::workspace::WorkspaceHarness;
use crate::support::*;
use prem::forms::{self, Answers};

const FORM: &str = "sighting";

/// A browser that does not follow redirects, so every `Set-Cookie` and status is as sent.
fn browser(h: &Harness) -> Browser {
    h.browser().not_following()
}

/// Answers every page of `FORM` and returns the check page's CSRF token.
fn fill_in(b: &Browser, h: &Harness) -> String {
    let form = h.form(FORM);
    let mut answers = Answers::default();
    while let Some(page) = forms::first_unanswered_page(form, &answers) {
        let href = forms::page_href(FORM, &page.id);
        let html = b.get(&href).text();
        let mut pairs = fill(form, page, &answers);
        let valid = forms::validate_page(form, page, &answers, &pairs).expect("valid");
        answers.record(page, valid);
        pairs.push(("csrf".into(), csrf(&html)));
        let res = b.post(&href, &pairs);
        assert_eq!(res.status, 303, "{href}");
    }
    b.get(&format!("/forms/{FORM}/check/")).csrf()
}

fn assert_hardened(cookies: &[String], secure: bool) {
    assert!(!cookies.is_empty());
    for c in cookies {
        for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(c.contains(attr), "{c} lacks {attr}");
        }
        assert_eq!(c.contains("Secure"), secure, "{c}");
    }
}

#[test]
fn every_session_cookie_including_the_removal_carries_the_attributes() {
    let h = Harness::start(|_| {});
    let b = browser(&h);
    let token = fill_in(&b, &h);
    let pairs = [("csrf", token.as_str()), ("declaration", "yes")];
    let res = b.post(&format!("/forms/{FORM}/submit/"), &pairs);
    assert_eq!(res.status, 200);
    let seen = b.set_cookies();
    let removal: Vec<&String> = seen.iter().filter(|c| c.contains("Max-Age=0")).collect();
    assert_eq!(removal.len(), 1, "the submit removes the session: {seen:?}");
    assert_hardened(&seen, false);
}

#[test]
fn in_production_every_session_cookie_is_secure_and_host_prefixed_removal_too() {
    let h = Harness::prepare(Partnership::Harbour, true, |_| {}).listen();
    let b = browser(&h);
    let first = forms::page_href(FORM, &h.form(FORM).pages[0].id);
    b.get(&first);
    let name = b.cookies().into_keys().next().expect("a session cookie");
    assert!(name.starts_with("__Host-"), "{name}");
    // A stale id (a session since deleted) gets the removal cookie.
    b.plant(&name, "AAAAAAAAAAAAAAAAAAAAAA");
    let first_len = b.set_cookies().len();
    b.get(&format!("/forms/{FORM}/check/"));
    let seen = b.set_cookies();
    assert!(seen.len() > first_len, "{seen:?}");
    assert!(seen.iter().any(|c| c.contains("Max-Age=0")), "{seen:?}");
    assert_hardened(&seen, true);
}

#[test]
fn a_planted_live_session_stops_working_when_the_form_is_started() {
    let h = Harness::start(|_| {});
    let form = h.form(FORM);
    let first = forms::page_href(FORM, &form.pages[0].id);
    // The victim starts the form from the start page, or from a link straight to page one.
    for entry in [format!("/forms/{FORM}/"), first.clone()] {
        // The attacker starts the form and answers the first page: a live session with a draft.
        let attacker = browser(&h);
        let html = attacker.get(&first).text();
        let mut pairs = fill(form, &form.pages[0], &Answers::default());
        pairs.push(("csrf".into(), csrf(&html)));
        assert_eq!(attacker.post(&first, &pairs).status, 303);
        let planted = attacker.cookie("prem-session").expect("attacker's session");
        // The id is planted in the victim's browser.
        let victim = browser(&h);
        for (name, value) in attacker.cookies() {
            victim.plant(&name, &value);
        }
        victim.get(&entry);
        let now = victim.cookie("prem-session").expect("victim has a session");
        assert_ne!(now, planted, "{entry}: the planted id was kept");
        // The planted id opens nothing any more: the attacker cannot read what is typed next.
        let res = attacker.get(&format!("/forms/{FORM}/check/"));
        assert!(matches!(res.status, 403 | 303), "{entry}: {}", res.status);
        assert!(
            !res.contains("Check your answers"),
            "{entry}: the attacker still reads the draft"
        );
    }
}

#[test]
fn posts_from_other_sites_and_non_form_bodies_are_refused() {
    let h = Harness::start(|_| {});
    let b = browser(&h);
    let form = h.form(FORM);
    let first = forms::page_href(FORM, &form.pages[0].id);
    let html = b.get(&first).text();
    let mut pairs = fill(form, &form.pages[0], &Answers::default());
    pairs.push(("csrf".into(), csrf(&html)));
    let body = form_body(&pairs);
    let post = |headers: &[(&str, &str)], content_type: &str| {
        let mut headers = headers.to_vec();
        headers.push(("content-type", content_type));
        let body = Some(body.clone().into_bytes());
        let res = b.request(Method::POST, &first, &headers, body);
        res.expect("post").status
    };
    const FORM_TYPE: &str = "application/x-www-form-urlencoded";
    assert_eq!(post(&[("sec-fetch-site", "cross-site")], FORM_TYPE), 403);
    assert_eq!(post(&[("origin", "https://evil.example")], FORM_TYPE), 403);
    assert_eq!(post(&[], "text/plain"), 415);
    assert_eq!(post(&[], "multipart/form-data; boundary=x"), 415);
    // The same post from the kiosk's own page goes through, token and all.
    let own = format!("http://{}", h.addr());
    assert_eq!(
        post(
            &[("origin", &own), ("sec-fetch-site", "same-origin")],
            FORM_TYPE
        ),
        303
    );

    // The inbox applies the same rules to its sign-in.
    let ih = WorkspaceHarness::start(&h, &h.internal_url(""), |_| {});
    let login = |headers: &[(&str, &str)], content_type: &str| {
        let mut headers = headers.to_vec();
        headers.push(("content-type", content_type));
        let body = Some(b"csrf=x&name=a&password=b".to_vec());
        let res = ih.browser().request(Method::POST, "/login", &headers, body);
        res.expect("post").status
    };
    assert_eq!(login(&[("sec-fetch-site", "cross-site")], FORM_TYPE), 403);
    assert_eq!(login(&[("origin", "https://evil.example")], FORM_TYPE), 403);
    assert_eq!(login(&[], "text/plain"), 415);
}

/// Thirty people behind one address, each a page every ten seconds, with the clock scaled:
/// the limits and the pace are both twenty times the defaults, so the test takes seconds and
/// the proportions are the real ones. Nobody is refused; one client flooding is.
#[test]
fn an_office_behind_one_address_never_sees_a_429_but_a_flood_does() {
    const SCALE: u32 = 20;
    let defaults = prem::config::Config::default().kiosk;
    let h = Harness::start(|c| {
        c.kiosk.posts_per_minute = defaults.posts_per_minute * SCALE;
        c.kiosk.new_sessions_per_minute = defaults.new_sessions_per_minute * SCALE;
    });
    let pace = Duration::from_millis(10_000 / u64::from(SCALE));
    let refused = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..30 {
            s.spawn(|| {
                let b = browser(&h);
                let form = h.form(FORM);
                let mut answers = Answers::default();
                while let Some(page) = forms::first_unanswered_page(form, &answers) {
                    let href = forms::page_href(FORM, &page.id);
                    let res = b.get(&href);
                    if res.status == 429 {
                        refused.fetch_add(1, Ordering::SeqCst);
                        return;
                    }
                    let html = res.text();
                    std::thread::sleep(pace);
                    let mut pairs = fill(form, page, &answers);
                    answers.record(
                        page,
                        forms::validate_page(form, page, &answers, &pairs).expect("valid"),
                    );
                    pairs.push(("csrf".into(), csrf(&html)));
                    if b.post(&href, &pairs).status == 429 {
                        refused.fetch_add(1, Ordering::SeqCst);
                        return;
                    }
                }
                let token = b.get(&format!("/forms/{FORM}/check/")).csrf();
                let pairs = [("csrf", token.as_str()), ("declaration", "yes")];
                if b.post(&format!("/forms/{FORM}/submit/"), &pairs).status != 200 {
                    refused.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
    });
    assert_eq!(
        refused.load(Ordering::SeqCst),
        0,
        "someone in the office was refused"
    );

    // One client hammering one session is refused, with Retry-After...
    let flood = browser(&h);
    let form = h.form(FORM);
    let first = forms::page_href(FORM, &form.pages[0].id);
    let html = flood.get(&first).text();
    let mut pairs = fill(form, &form.pages[0], &Answers::default());
    pairs.push(("csrf".into(), csrf(&html)));
    let mut hit = None;
    for _ in 0..(defaults.posts_per_minute * SCALE + 50) {
        let res = flood.post(&first, &pairs);
        if res.status == 429 {
            hit = res.header("retry-after").map(str::to_string);
            break;
        }
    }
    assert!(
        hit.is_some_and(|s| s.parse::<u64>().is_ok()),
        "no 429 with Retry-After for a post flood"
    );
    // ...and so is one client minting sessions (eight connections at once, as a script would).
    let minted = AtomicUsize::new(0);
    let refused_new = std::sync::atomic::AtomicBool::new(false);
    let budget = (defaults.new_sessions_per_minute * SCALE + 200) as usize;
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                while !refused_new.load(Ordering::SeqCst) && minted.load(Ordering::SeqCst) < budget
                {
                    if browser(&h).get(&first).status == 429 {
                        refused_new.store(true, Ordering::SeqCst);
                    } else {
                        minted.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
        }
    });
    assert!(
        refused_new.load(Ordering::SeqCst),
        "{} sessions minted without a 429",
        minted.load(Ordering::SeqCst)
    );
}

/// The inbox's own hardening, sent straight into its router: the security headers on every
/// page, a sign-in post refused without its page's token or from another site, and its own
/// error pages (with the marking) for each refusal.
#[test]
fn the_inbox_sends_hardening_headers_and_its_own_error_pages() {
    let h = Harness::prepare(Partnership::Harbour, false, |_| {});
    // Nothing is pulled here, so the kiosk's address is never asked.
    let ih = WorkspaceHarness::open(&h, "http://127.0.0.1:9", |_| {});
    let marking = ih.inbox().config.inbox.protective_marking.clone();
    let b = ih.in_process();
    let login = b.get("/login");
    assert_eq!(login.status, 200);
    let csp = login.header("content-security-policy").expect("csp");
    assert!(
        csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(login.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(login.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(login.header("cache-control"), Some("no-store"));
    assert_hardened(&b.set_cookies(), false);

    let wrong = b.post(
        "/login",
        &[("csrf", "wrong"), ("name", "rev.one"), ("password", "x")],
    );
    assert_eq!(wrong.status, 403);
    assert!(wrong.contains(&marking), "{}", wrong.text());
    let form = [
        ("csrf", login.csrf()),
        ("name", "a".into()),
        ("password", "b".into()),
    ];
    let body = Some(form_body(&form).into_bytes());
    let cross = b.request(
        Method::POST,
        "/login",
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("sec-fetch-site", "cross-site"),
        ],
        body,
    );
    assert_eq!(cross.expect("post").status, 403);
    let missing = b.get("/no/such/page");
    assert_eq!(missing.status, 404);
    assert!(
        missing.contains("Page not found") && missing.contains(&marking),
        "{}",
        missing.text()
    );
    assert!(missing.header("content-security-policy").is_some());
}
