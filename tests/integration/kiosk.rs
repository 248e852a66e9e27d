//! The kiosk with a real sled data directory, on the harbour partnership's forms: validation,
//! conditions, add another, changes, the sealed store, the hand-over API and the hardening.
//! Flows go over a real socket; the header, error-page and CSRF checks go straight into the
//! app's router (`oneshot`), with the same layers and no socket.

use crate::support::*;
use prem::forms::{self, Form, Page};
use prem::store::SubmissionStore;

/// A form, its first page and that page's path.
fn first_page(form: &Form) -> (&Form, &Page, String) {
    let first = forms::visible_pages(form, &Default::default())[0];
    (form, first, forms::page_href(&form.id, &first.id))
}

#[test]
fn validation_errors_keep_what_was_typed_and_link_to_fields() {
    let h = Harness::start(|_| {});
    let b = h.browser();
    let (form, first, href) = first_page(h.form("sighting"));
    let token = b.get(&href).csrf();
    // Type too much into the first text question: the page comes back with the text kept.
    let text_q = first
        .questions
        .iter()
        .find(|q| {
            matches!(
                q.kind,
                prem::forms::Kind::Text(_) | prem::forms::Kind::Textarea(_)
            )
        })
        .expect("a text question");
    let typed = format!("Typed by Testy {}", "x".repeat(6000));
    let mut pairs: Vec<(String, String)> = fill(form, first, &Default::default())
        .into_iter()
        .map(|(n, v)| {
            if n == text_q.id {
                (n, typed.clone())
            } else {
                (n, v)
            }
        })
        .collect();
    pairs.push(("csrf".into(), token));
    let res = b.post(&href, &pairs);
    assert_eq!(res.status, 200);
    assert_eq!(res.path, href, "stays on the page");
    let body = res.text();
    assert!(
        body.contains("There is a problem") && body.contains("govuk-error-summary"),
        "{body}"
    );
    assert!(body.contains(&typed), "keeps what was typed");
    assert!(body.contains("Enter no more than"), "{body}");
    assert!(
        body.contains(&format!("href=\"#{}\"", text_q.id)),
        "error summary links to the field"
    );
    assert!(
        body.contains("<title>Error: "),
        "title says there is an error"
    );
}

#[test]
fn out_of_order_pages_redirect_and_change_links_return_to_check() {
    let h = Harness::start(|_| {});
    let b = h.browser();
    let form = h.form("urgent-meeting");
    let pages = forms::visible_pages(form, &Default::default());
    // Asking for a later page first leads to the first unanswered one.
    let first_href = forms::page_href(&form.id, &pages[0].id);
    b.get(&first_href);
    let later = b.get(&forms::page_href(&form.id, &pages[2].id));
    assert_eq!(later.path, first_href);
    let check = b.get(&format!("/forms/{}/check/", form.id));
    assert_eq!(
        check.path, first_href,
        "check answers needs a complete form"
    );

    // Complete it, then change the first answer from "Check your answers".
    let (answers, _) = h.forms.answer_until(&b, &form.id, |_| false);
    let check = b.get(&format!("/forms/{}/check/", form.id)).text();
    let target = pages
        .iter()
        .copied()
        .find(|p| {
            fill(form, p, &Default::default())
                .iter()
                .any(|(_, v)| v.contains(MARKER))
        })
        .expect("a page with free text");
    let change = forms::change_href(&form.id, &target.id);
    assert!(
        check.contains(&change.replace('&', "&amp;")),
        "change link per answer"
    );
    let token = b.get(&change).csrf();
    let mut pairs: Vec<(String, String)> = fill(form, target, &answers)
        .into_iter()
        .map(|(n, v)| {
            if v.contains(MARKER) {
                (n, "Changed by Testy".to_string())
            } else {
                (n, v)
            }
        })
        .collect();
    pairs.push(("csrf".into(), token));
    let res = b.post(&change, &pairs);
    assert_eq!(
        res.path,
        format!("/forms/{}/check/", form.id),
        "back to check answers"
    );
    assert!(res.contains("Changed by Testy"));
}

#[test]
fn add_another_keeps_items_and_respects_removal() {
    let h = Harness::start(|_| {});
    let b = h.browser();
    let form = h.form("young-person");
    let (answers, repeat_page) = h.forms.answer_until(&b, &form.id, |p| p.repeat.is_some());
    let repeat_page = repeat_page.expect("a repeat page exists");
    let href = forms::page_href(&form.id, &repeat_page.id);
    // Items 1..=n as typed, each with its own words in place of the marker.
    let items = |n: usize| -> Vec<(String, String)> {
        (1..=n)
            .flat_map(|i| {
                fill(form, repeat_page, &answers)
                    .into_iter()
                    .filter(|(k, _)| k != "action")
                    .map(move |(k, v)| {
                        (
                            k.replace("-1", &format!("-{i}")),
                            v.replace(MARKER, &format!("item{i}")),
                        )
                    })
            })
            .collect()
    };
    for n in 1..=2 {
        let token = b.get(&href).csrf();
        let mut pairs = items(n);
        pairs.push(("action".into(), "add".into()));
        pairs.push(("csrf".into(), token));
        let res = b.post(&href, &pairs);
        assert_eq!(res.path, href, "add another stays on the page");
    }
    let html = b.get(&href).text();
    assert!(
        html.contains("item1") && html.contains("item2"),
        "both items kept:\n{html}"
    );
    // Remove the first item: the second is renumbered and kept.
    let mut pairs = items(2);
    pairs.extend([
        ("remove".to_string(), "1".to_string()),
        ("action".into(), "add".into()),
        ("csrf".into(), csrf(&html)),
    ]);
    b.post(&href, &pairs);
    let html = b.get(&href).text();
    assert!(
        !html.contains("item1") && html.contains("item2"),
        "item 1 removed:\n{html}"
    );
    // Going on with the one item left: it is the only one the answers keep.
    let mut pairs: Vec<(String, String)> = items(1)
        .into_iter()
        .map(|(k, v)| (k, v.replace("item1", "item2")))
        .collect();
    pairs.extend([
        ("action".to_string(), "continue".to_string()),
        ("csrf".into(), csrf(&html)),
    ]);
    let res = b.post(&href, &pairs);
    assert_ne!(res.path, href, "the page is done:\n{}", res.text());
    let check = b.get(&format!("/forms/{}/check/", form.id)).text();
    assert!(
        check.contains("item2") && !check.contains("item1"),
        "{check}"
    );
}

#[test]
fn csrf_missing_or_wrong_is_403_and_expired_draft_is_explained() {
    let h = Harness::prepare(Partnership::Harbour, false, |_| {});
    let b = h.in_process();
    let (form, first, href) = first_page(h.form("sighting"));
    let _ = b.get(&href).csrf();
    let pairs = fill(form, first, &Default::default());
    let none = b.post(&href, &pairs);
    assert_eq!(none.status, 403);
    let mut wrong = pairs.clone();
    wrong.push(("csrf".into(), "0".repeat(64)));
    let res = b.post(&href, &wrong);
    assert_eq!(res.status, 403);
    assert!(res.contains("could not be sent"));
    assert!(
        res.contains(&h.forms.marking),
        "the error page is the kiosk's own"
    );

    // A browser whose draft has gone gets a clear page, not an error.
    let stale = h.in_process();
    stale.plant("prem-session", "AAAAAAAAAAAAAAAAAAAAAA");
    let later = forms::visible_pages(form, &Default::default())[1];
    let res = stale.get(&forms::page_href(&form.id, &later.id));
    assert!(res.contains("Your answers have expired"));
}

#[test]
fn malformed_posts_are_rejected() {
    let h = Harness::prepare(Partnership::Harbour, false, |_| {});
    let b = h.in_process();
    let (form, first, href) = first_page(h.form("sighting"));
    let token = b.get(&href).csrf();
    let mut unknown = fill(form, first, &Default::default());
    unknown.push(("csrf".into(), token.clone()));
    unknown.push(("is_admin".into(), "yes".into()));
    assert_eq!(b.post(&href, &unknown).status, 400);
    let mut repeated = fill(form, first, &Default::default());
    repeated.push(("csrf".into(), token.clone()));
    repeated.push(("csrf".into(), token));
    assert_eq!(b.post(&href, &repeated).status, 400);
    let big = "x".repeat(70 * 1024);
    let res = b.post(&href, &[("a", big)]);
    assert_eq!(res.status, 413);
    assert!(res.contains("Too much information"));
}

#[test]
fn a_burst_of_posts_gets_a_friendly_429() {
    let h = Harness::prepare(Partnership::Harbour, false, |c| {
        c.kiosk.new_sessions_per_minute = 5
    });
    let b = h.in_process();
    let statuses: Vec<u16> = (0..8)
        .map(|_| b.post("/forms/sighting/submit/", &[("csrf", "x")]).status)
        .collect();
    assert!(statuses[..5].iter().all(|s| *s != 429), "{statuses:?}");
    assert_eq!(statuses[7], 429, "{statuses:?}");
    let res = b.post("/forms/sighting/submit/", &[("csrf", "x")]);
    assert!(res.header("retry-after").is_some());
    assert!(res.contains("Too many attempts"));
}

#[test]
fn security_headers_and_cookie_flags() {
    let h = Harness::prepare(Partnership::Harbour, true, |_| {});
    let b = h.in_process();
    let (_, _, href) = first_page(h.form("sighting"));
    let res = b.get(&href);
    let csp = res.header("content-security-policy").expect("csp");
    assert!(
        csp.contains("script-src 'self'")
            && csp.contains("frame-ancestors 'none'")
            && !csp.contains("unsafe-inline")
    );
    assert_eq!(res.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(res.header("cache-control"), Some("no-store"));
    let cookie = res.header("set-cookie").expect("session cookie");
    assert!(cookie.starts_with("__Host-prem-session="), "{cookie}");
    for flag in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} in {cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    let page = b.get("/panel/");
    assert_eq!(page.status, 200);
    assert!(page.header("content-security-policy").is_some());
    assert!(
        page.header("set-cookie").is_none(),
        "guidance pages set no cookie"
    );
    // An unknown page is the site's own 404 page, with the same headers.
    let missing = b.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.contains("Page not found"));
    assert!(missing.header("content-security-policy").is_some());
}

#[test]
fn double_submit_stores_one_record_with_one_reference() {
    let h = Harness::start(|_| {});
    let b = h.browser();
    let form = h.form("urgent-meeting");
    h.forms.answer_until(&b, &form.id, |_| false);
    let token = b.get(&format!("/forms/{}/check/", form.id)).csrf();
    let submit = format!("/forms/{}/submit/", form.id);
    let send = || {
        let pairs = [("csrf", token.as_str()), ("declaration", "yes")];
        h.forms.reference_in(&b.post(&submit, &pairs).text())
    };
    let refs: Vec<Option<String>> = std::thread::scope(|s| {
        let a = s.spawn(send);
        let b = s.spawn(send);
        vec![a.join().expect("a"), b.join().expect("b")]
    });
    let shown: Vec<&String> = refs.iter().flatten().collect();
    assert!(!shown.is_empty());
    assert!(
        shown.windows(2).all(|w| w[0] == w[1]),
        "one reference: {refs:?}"
    );
    assert_eq!(
        h.kiosk
            .store
            .list_unacked(&h.kiosk.team_ids(None), 10)
            .expect("list")
            .len(),
        1,
        "one record"
    );
}

#[test]
fn internal_api_needs_a_token_and_hands_over_ciphertext() {
    let h = Harness::start(|_| {});
    let reference = h.submit_one("urgent-meeting");
    assert!(
        reference.starts_with("HCP-20"),
        "the partnership's own prefix: {reference}"
    );
    let api = reqwest::blocking::Client::new();
    assert_eq!(
        api.get(h.internal_url("/v1/records"))
            .send()
            .expect("get")
            .status(),
        401
    );
    assert_eq!(
        api.get(h.internal_url("/v1/records"))
            .bearer_auth("not-a-token")
            .send()
            .expect("get")
            .status(),
        401
    );
    let token = h
        .kiosk
        .store
        .tokens()
        .add("inbox", "police")
        .expect("token");
    let list: serde_json::Value = api
        .get(h.internal_url("/v1/records"))
        .bearer_auth(&token)
        .send()
        .expect("list")
        .json()
        .expect("json");
    let rec = &list["records"][0];
    assert_eq!(rec["reference"], reference.as_str());
    let id = rec["id"].as_str().expect("id");
    let bytes = api
        .get(h.internal_url(&format!("/v1/records/{id}")))
        .bearer_auth(&token)
        .send()
        .expect("fetch")
        .bytes()
        .expect("bytes");
    assert!(!contains(&bytes, MARKER.as_bytes()), "ciphertext only");
    prem::seal::open(&bytes, &h.secret).expect("opens");
    assert_eq!(
        api.post(h.internal_url(&format!("/v1/records/{id}/ack")))
            .bearer_auth(&token)
            .send()
            .expect("ack")
            .status(),
        204
    );
    let after: serde_json::Value = api
        .get(h.internal_url("/v1/records"))
        .bearer_auth(&token)
        .send()
        .expect("list")
        .json()
        .expect("json");
    assert_eq!(after["records"].as_array().expect("array").len(), 0);
    // The public listener has no route to stored records.
    assert_eq!(h.browser().get(&format!("/v1/records/{id}")).status, 404);
    h.kiosk.store.tokens().revoke("inbox").expect("revoke");
    assert_eq!(
        api.get(h.internal_url("/v1/records"))
            .bearer_auth(&token)
            .send()
            .expect("get")
            .status(),
        401
    );
}

#[test]
fn both_listeners_may_ask_for_any_free_port_but_never_share_one() {
    // The harness's internal listener is 127.0.0.1:0; the public one asks for port 0 too.
    let h = Harness::prepare(Partnership::Harbour, false, |c| {
        c.kiosk.addr = "127.0.0.1:0".into()
    });
    assert_eq!(h.kiosk.config.kiosk.internal_addr, "127.0.0.1:0");
    let mut config = (*h.kiosk.config).clone();
    config.kiosk.addr = "127.0.0.1:18093".into();
    config.kiosk.internal_addr = "0.0.0.0:18093".into();
    let err = prem::kiosk::prepare(
        config,
        &h.root,
        &prem::kiosk::ServeOptions { production: false },
    )
    .err()
    .expect("refused");
    assert!(
        format!("{err:#}").contains("must not share the public port 18093"),
        "{err:#}"
    );
}

/// The confirmation carries the referrer's copy of what was sent, once: the
/// response is `no-store`, and neither a reload of the submit nor the check
/// page can show the answers again, because the session was emptied first.
#[test]
fn the_confirmation_shows_a_copy_of_what_was_sent_once() {
    let h = Harness::start(|_| {});
    let b = h.browser();
    let form_id = "urgent-meeting";
    b.get(&format!("/forms/{form_id}/"));
    h.forms.answer_until(&b, form_id, |_| false);
    let token = b.get(&format!("/forms/{form_id}/check/")).csrf();
    let submit = format!("/forms/{form_id}/submit/");
    let res = b.post(&submit, &[("csrf", token.as_str()), ("declaration", "yes")]);
    assert_eq!(res.status, 200);
    assert_eq!(res.header("cache-control"), Some("no-store"));
    let page = res.text();
    assert!(page.contains("Your copy of what you sent"), "{page}");
    let copy = &page[page.find("app-answers-copy").expect("copy section")..];
    assert!(copy.contains(MARKER), "the typed answers are in the copy");
    assert!(!copy.contains("?change"), "no change links in a sent copy");

    // Sending again or asking for the check page shows nothing of it.
    let again = b
        .post(&submit, &[("csrf", token.as_str()), ("declaration", "yes")])
        .text();
    assert!(!again.contains(MARKER), "{again}");
    let later = b.get(&format!("/forms/{form_id}/check/")).text();
    assert!(!later.contains(MARKER), "{later}");
    assert!(!contains(&all_bytes(&h.data_dir), MARKER.as_bytes()));
}

/// A young person's form refuses an adult's date of birth and says why; the
/// date hint gives an example that fits; the draft expiry shows the UK zone.
#[test]
fn date_of_birth_limits_hints_and_times_follow_the_form() {
    let h = Harness::start(|_| {});
    let b = h.browser();
    let form_id = "young-person";
    b.get(&format!("/forms/{form_id}/"));
    let (_, page) = h.forms.answer_until(&b, form_id, |p| {
        p.questions.iter().any(|q| q.id == "yp_birth")
    });
    let page = page.expect("the page asking the date of birth");
    let href = forms::page_href(form_id, &page.id);
    let html = b.get(&href).text();
    let hint_year: i32 = html
        .split("For example, ")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .and_then(|d| d.split(' ').nth(2))
        .and_then(|y| y.parse().ok())
        .expect("a date hint with a year");
    let this_year: i32 = chrono::Utc::now()
        .format("%Y")
        .to_string()
        .parse()
        .expect("year");
    assert!(
        (this_year - 17..=this_year).contains(&hint_year),
        "{hint_year}: a young person's birthday"
    );
    let zone = if html.contains(" BST</strong>") || html.contains(" GMT</strong>") {
        "uk"
    } else {
        "other"
    };
    assert_eq!(zone, "uk", "draft expiry names the UK zone: {html}");

    let mut pairs = fill(h.form(form_id), page, &forms::Answers::default());
    for (name, value) in pairs.iter_mut() {
        match name.as_str() {
            "yp_birth-day" => *value = "1".into(),
            "yp_birth-month" => *value = "1".into(),
            "yp_birth-year" => *value = "1990".into(),
            _ => {}
        }
    }
    pairs.push(("csrf".into(), csrf(&html)));
    let body = b.post(&href, &pairs).text();
    assert!(
        body.contains("must be for someone under 18. This form is for young people"),
        "{body}"
    );
}
