//! Request hardening on the kiosk and the inbox, over real sockets: cookie attributes on every
//! `Set-Cookie` (removal too), session ids cycled when a form starts, posts from other sites
//! and non-form bodies refused, and post limits that let an office work while stopping a flood.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::support::inbox::InboxHarness;
use crate::support::*;
use prem::forms::{self, Answers};

const FORM: &str = "soft-intelligence";

/// A browser that keeps its cookies by hand, so tests see every `Set-Cookie` as sent, and can
/// plant a cookie as an attacker would.
struct Browser {
    http: reqwest::blocking::Client,
    cookies: HashMap<String, String>,
    set_cookies: Vec<String>,
}

impl Browser {
    fn new() -> Self {
        Browser {
            http: reqwest::blocking::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
            cookies: HashMap::new(),
            set_cookies: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, res: &reqwest::blocking::Response) {
        for v in res.headers().get_all("set-cookie") {
            let text = v.to_str().expect("ascii").to_string();
            let (pair, _) = text.split_once(';').unwrap_or((&text, ""));
            let (name, value) = pair.split_once('=').expect("name=value");
            if value.is_empty() || text.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_string(), value.to_string());
            }
            self.set_cookies.push(text);
        }
    }

    fn get(&mut self, url: &str) -> reqwest::blocking::Response {
        let res = self
            .http
            .get(url)
            .header("cookie", self.cookie_header())
            .send()
            .expect("get");
        self.keep(&res);
        res
    }

    fn post(&mut self, url: &str, pairs: &[(String, String)]) -> reqwest::blocking::Response {
        let res = self
            .http
            .post(url)
            .header("cookie", self.cookie_header())
            .form(pairs)
            .send()
            .expect("post");
        self.keep(&res);
        res
    }

    /// Answers every page of `FORM` and returns the check page's CSRF token.
    fn fill_in(&mut self, h: &Harness) -> String {
        let form = h.form(FORM);
        let mut answers = Answers::default();
        while let Some(page) = forms::first_unanswered_page(form, &answers) {
            let href = forms::page_href(FORM, &page.id);
            let html = self.get(&h.url(&href)).text().expect("text");
            let mut pairs = fill(form, page, &answers);
            let valid = forms::validate_page(form, page, &answers, &pairs).expect("valid");
            answers.record(page, valid);
            pairs.push(("csrf".into(), csrf(&html)));
            let res = self.post(&h.url(&href), &pairs);
            assert_eq!(res.status(), 303, "{href}");
        }
        let check = self
            .get(&h.url(&format!("/forms/{FORM}/check/")))
            .text()
            .expect("text");
        csrf(&check)
    }
}

fn session_cookie(b: &Browser) -> Option<String> {
    b.cookies
        .iter()
        .find(|(k, _)| k.contains("prem-session"))
        .map(|(_, v)| v.clone())
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
    let mut b = Browser::new();
    let token = b.fill_in(&h);
    let pairs = [
        ("csrf".to_string(), token),
        ("declaration".to_string(), "yes".to_string()),
    ];
    let res = b.post(&h.url(&format!("/forms/{FORM}/submit/")), &pairs);
    assert_eq!(res.status(), 200);
    let removal: Vec<&String> = b
        .set_cookies
        .iter()
        .filter(|c| c.contains("Max-Age=0"))
        .collect();
    assert_eq!(
        removal.len(),
        1,
        "the submit removes the session: {:?}",
        b.set_cookies
    );
    assert_hardened(&b.set_cookies, false);
}

#[test]
fn in_production_every_session_cookie_is_secure_and_host_prefixed_removal_too() {
    let h = Harness::start_with(|_| {}, true);
    let mut b = Browser::new();
    let first = forms::page_href(FORM, &h.form(FORM).pages[0].id);
    b.get(&h.url(&first));
    let name = b.cookies.keys().next().expect("a session cookie").clone();
    assert!(name.starts_with("__Host-"), "{name}");
    // A stale id (a session since deleted) gets the removal cookie.
    b.cookies.insert(name, "AAAAAAAAAAAAAAAAAAAAAA".into());
    let first_len = b.set_cookies.len();
    b.get(&h.url(&format!("/forms/{FORM}/check/")));
    assert!(b.set_cookies.len() > first_len, "{:?}", b.set_cookies);
    assert!(
        b.set_cookies.iter().any(|c| c.contains("Max-Age=0")),
        "{:?}",
        b.set_cookies
    );
    assert_hardened(&b.set_cookies, true);
}

#[test]
fn a_planted_live_session_stops_working_when_the_form_is_started() {
    let h = Harness::start(|_| {});
    let form = h.form(FORM);
    let first = forms::page_href(FORM, &form.pages[0].id);
    // The victim starts the form from the start page, or from a link straight to page one.
    for entry in [format!("/forms/{FORM}/"), first.clone()] {
        // The attacker starts the form and answers the first page: a live session with a draft.
        let mut attacker = Browser::new();
        let html = attacker.get(&h.url(&first)).text().expect("text");
        let mut pairs = fill(form, &form.pages[0], &Answers::default());
        pairs.push(("csrf".into(), csrf(&html)));
        assert_eq!(attacker.post(&h.url(&first), &pairs).status(), 303);
        let planted = session_cookie(&attacker).expect("attacker's session");
        // The id is planted in the victim's browser.
        let mut victim = Browser::new();
        victim.cookies = attacker.cookies.clone();
        victim.get(&h.url(&entry));
        let now = session_cookie(&victim).expect("victim has a session");
        assert_ne!(now, planted, "{entry}: the planted id was kept");
        // The planted id opens nothing any more: the attacker cannot read what is typed next.
        let res = attacker.get(&h.url(&format!("/forms/{FORM}/check/")));
        assert!(
            matches!(res.status().as_u16(), 403 | 303),
            "{entry}: {}",
            res.status()
        );
        assert!(
            !res.text().expect("text").contains("Check your answers"),
            "{entry}: the attacker still reads the draft"
        );
    }
}

#[test]
fn posts_from_other_sites_and_non_form_bodies_are_refused() {
    let h = Harness::start(|_| {});
    let mut b = Browser::new();
    let form = h.form(FORM);
    let first = forms::page_href(FORM, &form.pages[0].id);
    let html = b.get(&h.url(&first)).text().expect("text");
    let mut pairs = fill(form, &form.pages[0], &Answers::default());
    pairs.push(("csrf".into(), csrf(&html)));
    let body = serde_urlencoded(&pairs);
    let post = |headers: &[(&str, &str)], content_type: &str| {
        let mut req = b
            .http
            .post(h.url(&first))
            .header("cookie", b.cookie_header())
            .header("content-type", content_type)
            .body(body.clone());
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send().expect("post").status().as_u16()
    };
    const FORM_TYPE: &str = "application/x-www-form-urlencoded";
    assert_eq!(post(&[("sec-fetch-site", "cross-site")], FORM_TYPE), 403);
    assert_eq!(post(&[("origin", "https://evil.example")], FORM_TYPE), 403);
    assert_eq!(post(&[], "text/plain"), 415);
    assert_eq!(post(&[], "multipart/form-data; boundary=x"), 415);
    // The same post from the kiosk's own page goes through, token and all.
    let own = format!("http://{}", h.addr);
    assert_eq!(
        post(
            &[("origin", &own), ("sec-fetch-site", "same-origin")],
            FORM_TYPE
        ),
        303
    );

    // The inbox applies the same rules to its sign-in.
    let ih = InboxHarness::start(&h, &h.internal_url(""), |_| {});
    let login = |headers: &[(&str, &str)], content_type: &str| {
        let mut req = reqwest::blocking::Client::new()
            .post(ih.url("/login"))
            .header("content-type", content_type)
            .body("csrf=x&name=a&password=b");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send().expect("post").status().as_u16()
    };
    assert_eq!(login(&[("sec-fetch-site", "cross-site")], FORM_TYPE), 403);
    assert_eq!(login(&[("origin", "https://evil.example")], FORM_TYPE), 403);
    assert_eq!(login(&[], "text/plain"), 415);
}

fn serde_urlencoded(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", urlencoding::encode(k), urlencoding::encode(v)))
        .collect::<Vec<_>>()
        .join("&")
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
                let mut b = Browser::new();
                let form = h.form(FORM);
                let mut answers = Answers::default();
                while let Some(page) = forms::first_unanswered_page(form, &answers) {
                    let href = forms::page_href(FORM, &page.id);
                    let res = b.get(&h.url(&href));
                    if res.status() == 429 {
                        refused.fetch_add(1, Ordering::SeqCst);
                        return;
                    }
                    let html = res.text().expect("text");
                    std::thread::sleep(pace);
                    let mut pairs = fill(form, page, &answers);
                    answers.record(
                        page,
                        forms::validate_page(form, page, &answers, &pairs).expect("valid"),
                    );
                    pairs.push(("csrf".into(), csrf(&html)));
                    if b.post(&h.url(&href), &pairs).status() == 429 {
                        refused.fetch_add(1, Ordering::SeqCst);
                        return;
                    }
                }
                let check = b
                    .get(&h.url(&format!("/forms/{FORM}/check/")))
                    .text()
                    .expect("text");
                let pairs = [
                    ("csrf".to_string(), csrf(&check)),
                    ("declaration".to_string(), "yes".to_string()),
                ];
                if b.post(&h.url(&format!("/forms/{FORM}/submit/")), &pairs)
                    .status()
                    != 200
                {
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
    let mut flood = Browser::new();
    let form = h.form(FORM);
    let first = forms::page_href(FORM, &form.pages[0].id);
    let html = flood.get(&h.url(&first)).text().expect("text");
    let mut pairs = fill(form, &form.pages[0], &Answers::default());
    pairs.push(("csrf".into(), csrf(&html)));
    let mut hit = None;
    for _ in 0..(defaults.posts_per_minute * SCALE + 50) {
        let res = flood.post(&h.url(&first), &pairs);
        if res.status() == 429 {
            hit = res
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().expect("text").to_string());
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
                    let mut fresh = Browser::new();
                    if fresh.get(&h.url(&first)).status() == 429 {
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
