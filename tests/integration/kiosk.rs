//! The kiosk over a real socket with a real sled data directory: every form
//! end to end, validation, conditions, add another, changes, the sealed
//! store, the hand-over API and the hardening.

use crate::support::*;
use prem::forms;
use prem::store::SubmissionStore;

#[test]
fn every_form_completes_and_is_sealed_unreadably() {
    let h = Harness::start(|_| {});
    let client = Harness::client();
    let index = client
        .get(h.url("/forms/"))
        .send()
        .expect("index")
        .text()
        .expect("text");
    let mut refs = Vec::new();
    for id in [
        "child-referral",
        "adult-referral",
        "soft-intelligence",
        "extraordinary-request",
    ] {
        assert!(
            index.contains(&format!("href=\"/forms/{id}/\"")),
            "forms index lists {id}"
        );
        let client = Harness::client();
        let reference = complete_form(&h, &client, id);
        assert!(
            reference.starts_with("PREM-20") && reference.len() == 16,
            "{reference}"
        );
        refs.push(reference);
    }
    let unique: std::collections::HashSet<_> = refs.iter().collect();
    assert_eq!(unique.len(), 4);

    // Nothing the users typed is on disk in the clear.
    let disk = all_bytes(&h.data_dir);
    assert!(!disk.is_empty());
    assert!(
        !contains(&disk, MARKER.as_bytes()),
        "the marker must not appear in the data directory"
    );
    assert!(!contains(&disk, b"Testy McTestface"));

    // The reviewers' key opens every record; the content is all there.
    let records = h
        .kiosk
        .store
        .list_unacked(&h.kiosk.team_ids(None), 100)
        .expect("list");
    assert_eq!(records.len(), 4);
    for r in &records {
        let bytes = h
            .kiosk
            .store
            .read(&r.submission_id, &h.kiosk.team_ids(None))
            .expect("read");
        let (header, plain) =
            prem::seal::open(&bytes, &h.secret).expect("opens with the reviewer key");
        assert_eq!(header.sequence, r.sequence);
        let text = String::from_utf8(plain).expect("utf8");
        assert!(
            text.contains(MARKER) && text.contains(&r.reference),
            "{text}"
        );
        let mut tampered = bytes.clone();
        let mid = tampered.len() / 2;
        tampered[mid] ^= 1;
        assert!(
            prem::seal::open(&tampered, &h.secret).is_err(),
            "a tampered record fails to open"
        );
    }
}

#[test]
fn validation_errors_keep_what_was_typed_and_link_to_fields() {
    let h = Harness::start(|_| {});
    let client = Harness::client();
    let form = h.form("soft-intelligence");
    let first = forms::visible_pages(form, &Default::default())[0];
    let href = forms::page_href(&form.id, &first.id);
    let html = client
        .get(h.url(&href))
        .send()
        .expect("get")
        .text()
        .expect("text");
    let token = csrf(&html);
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
    let res = client.post(h.url(&href)).form(&pairs).send().expect("post");
    assert_eq!(res.status(), 200);
    assert_eq!(res.url().path(), href, "stays on the page");
    let body = res.text().expect("text");
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
    let client = Harness::client();
    let form = h.form("extraordinary-request");
    let pages = forms::visible_pages(form, &Default::default());
    // Asking for a later page first leads to the first unanswered one.
    let first_href = forms::page_href(&form.id, &pages[0].id);
    client.get(h.url(&first_href)).send().expect("start draft");
    let later = client
        .get(h.url(&forms::page_href(&form.id, &pages[2].id)))
        .send()
        .expect("later");
    assert_eq!(later.url().path(), first_href);
    let check = client
        .get(h.url(&format!("/forms/{}/check/", form.id)))
        .send()
        .expect("check");
    assert_eq!(
        check.url().path(),
        first_href,
        "check answers needs a complete form"
    );

    // Complete it, then change the first answer from "Check your answers".
    let (answers, _) = answer_until(&h, &client, &form.id, |_| false);
    let check = client
        .get(h.url(&format!("/forms/{}/check/", form.id)))
        .send()
        .expect("check")
        .text()
        .expect("text");
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
    let page_html = client
        .get(h.url(&change))
        .send()
        .expect("change")
        .text()
        .expect("text");
    let token = csrf(&page_html);
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
    let res = client
        .post(h.url(&change))
        .form(&pairs)
        .send()
        .expect("post change");
    assert_eq!(
        res.url().path(),
        format!("/forms/{}/check/", form.id),
        "back to check answers"
    );
    assert!(res.text().expect("text").contains("Changed by Testy"));
}

#[test]
fn add_another_keeps_items_and_respects_removal() {
    let h = Harness::start(|_| {});
    let client = Harness::client();
    let form = h.form("child-referral");
    let (mut answers, repeat_page) = answer_until(&h, &client, &form.id, |p| p.repeat.is_some());
    let repeat_page = repeat_page.expect("a repeat page exists");
    let href = forms::page_href(&form.id, &repeat_page.id);
    for n in 1..=2 {
        let html = client
            .get(h.url(&href))
            .send()
            .expect("get")
            .text()
            .expect("text");
        let token = csrf(&html);
        let mut pairs: Vec<(String, String)> = (1..=n)
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
            .collect();
        pairs.push(("action".into(), "add".into()));
        pairs.push(("csrf".into(), token));
        let res = client.post(h.url(&href)).form(&pairs).send().expect("add");
        assert_eq!(res.url().path(), href, "add another stays on the page");
    }
    let html = client
        .get(h.url(&href))
        .send()
        .expect("get")
        .text()
        .expect("text");
    assert!(
        html.contains("item1") && html.contains("item2"),
        "both items kept:\n{html}"
    );
    // Remove the first item: the second is renumbered and kept.
    let token = csrf(&html);
    let mut pairs: Vec<(String, String)> = (1..=2)
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
        .collect();
    pairs.extend([
        ("remove".to_string(), "1".to_string()),
        ("action".into(), "add".into()),
        ("csrf".into(), token),
    ]);
    client
        .post(h.url(&href))
        .form(&pairs)
        .send()
        .expect("remove");
    let html = client
        .get(h.url(&href))
        .send()
        .expect("get")
        .text()
        .expect("text");
    assert!(
        !html.contains("item1") && html.contains("item2"),
        "item 1 removed:\n{html}"
    );
    answers.record(
        repeat_page,
        forms::validate_page(
            form,
            repeat_page,
            &answers,
            &fill(form, repeat_page, &answers),
        )
        .expect("valid"),
    );
}

#[test]
fn csrf_missing_or_wrong_is_403_and_expired_draft_is_explained() {
    let h = Harness::start(|_| {});
    let client = Harness::client();
    let form = h.form("soft-intelligence");
    let first = forms::visible_pages(form, &Default::default())[0];
    let href = forms::page_href(&form.id, &first.id);
    let html = client
        .get(h.url(&href))
        .send()
        .expect("get")
        .text()
        .expect("text");
    let _ = csrf(&html);
    let pairs = fill(form, first, &Default::default());
    let none = client.post(h.url(&href)).form(&pairs).send().expect("post");
    assert_eq!(none.status(), 403);
    let mut wrong = pairs.clone();
    wrong.push(("csrf".into(), "0".repeat(64)));
    let res = client.post(h.url(&href)).form(&wrong).send().expect("post");
    assert_eq!(res.status(), 403);
    assert!(res.text().expect("text").contains("could not be sent"));

    // A browser whose draft has gone gets a clear page, not an error.
    let stale = reqwest::blocking::Client::new();
    let later = forms::visible_pages(form, &Default::default())[1];
    let res = stale
        .get(h.url(&forms::page_href(&form.id, &later.id)))
        .header("cookie", "prem-session=AAAAAAAAAAAAAAAAAAAAAA")
        .send()
        .expect("get");
    assert!(res
        .text()
        .expect("text")
        .contains("Your answers have expired"));
}

#[test]
fn malformed_posts_are_rejected() {
    let h = Harness::start(|_| {});
    let client = Harness::client();
    let form = h.form("soft-intelligence");
    let first = forms::visible_pages(form, &Default::default())[0];
    let href = forms::page_href(&form.id, &first.id);
    let token = csrf(
        &client
            .get(h.url(&href))
            .send()
            .expect("get")
            .text()
            .expect("text"),
    );
    let mut unknown = fill(form, first, &Default::default());
    unknown.push(("csrf".into(), token.clone()));
    unknown.push(("is_admin".into(), "yes".into()));
    assert_eq!(
        client
            .post(h.url(&href))
            .form(&unknown)
            .send()
            .expect("post")
            .status(),
        400
    );
    let mut repeated = fill(form, first, &Default::default());
    repeated.push(("csrf".into(), token.clone()));
    repeated.push(("csrf".into(), token));
    assert_eq!(
        client
            .post(h.url(&href))
            .form(&repeated)
            .send()
            .expect("post")
            .status(),
        400
    );
    let big = "x".repeat(70 * 1024);
    let res = client
        .post(h.url(&href))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("a={big}"))
        .send()
        .expect("post");
    assert_eq!(res.status(), 413);
    assert!(res.text().expect("text").contains("Too much information"));
}

#[test]
fn a_burst_of_posts_gets_a_friendly_429() {
    let h = Harness::start(|c| c.kiosk.new_sessions_per_minute = 5);
    let client = Harness::client();
    let statuses: Vec<u16> = (0..8)
        .map(|_| {
            client
                .post(h.url("/forms/soft-intelligence/submit/"))
                .form(&[("csrf", "x")])
                .send()
                .expect("post")
                .status()
                .as_u16()
        })
        .collect();
    assert!(statuses[..5].iter().all(|s| *s != 429), "{statuses:?}");
    assert_eq!(statuses[7], 429, "{statuses:?}");
    let res = client
        .post(h.url("/forms/soft-intelligence/submit/"))
        .form(&[("csrf", "x")])
        .send()
        .expect("post");
    assert!(res.headers().get("retry-after").is_some());
    assert!(res.text().expect("text").contains("Too many attempts"));
}

#[test]
fn security_headers_and_cookie_flags() {
    let h = Harness::start_with(|_| {}, true);
    let client = Harness::client();
    let form = h.form("soft-intelligence");
    let first = forms::visible_pages(form, &Default::default())[0];
    let res = client
        .get(h.url(&forms::page_href(&form.id, &first.id)))
        .send()
        .expect("get");
    let hd = res.headers();
    let csp = hd
        .get("content-security-policy")
        .expect("csp")
        .to_str()
        .expect("ascii");
    assert!(
        csp.contains("script-src 'self'")
            && csp.contains("frame-ancestors 'none'")
            && !csp.contains("unsafe-inline")
    );
    assert_eq!(hd.get("referrer-policy").expect("rp"), "no-referrer");
    assert_eq!(
        hd.get("x-content-type-options").expect("nosniff"),
        "nosniff"
    );
    assert_eq!(hd.get("cache-control").expect("cache"), "no-store");
    let cookie = hd
        .get("set-cookie")
        .expect("session cookie")
        .to_str()
        .expect("ascii");
    assert!(cookie.starts_with("__Host-prem-session="), "{cookie}");
    for flag in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} in {cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    let page = client
        .get(h.url("/terms-of-reference/"))
        .send()
        .expect("get");
    assert!(page.headers().get("content-security-policy").is_some());
    assert!(
        page.headers().get("set-cookie").is_none(),
        "guidance pages set no cookie"
    );
}

#[test]
fn double_submit_stores_one_record_with_one_reference() {
    let h = Harness::start(|_| {});
    let client = Harness::client();
    let form = h.form("extraordinary-request");
    answer_until(&h, &client, &form.id, |_| false);
    let token = csrf(
        &client
            .get(h.url(&format!("/forms/{}/check/", form.id)))
            .send()
            .expect("check")
            .text()
            .expect("text"),
    );
    let refs: Vec<Option<String>> = std::thread::scope(|s| {
        let a = s.spawn(|| {
            client
                .post(h.url(&format!("/forms/{}/submit/", form.id)))
                .form(&[("csrf", token.as_str()), ("declaration", "yes")])
                .send()
                .expect("a")
                .text()
                .ok()
                .and_then(|t| reference_in(&t))
        });
        let b = s.spawn(|| {
            client
                .post(h.url(&format!("/forms/{}/submit/", form.id)))
                .form(&[("csrf", token.as_str()), ("declaration", "yes")])
                .send()
                .expect("b")
                .text()
                .ok()
                .and_then(|t| reference_in(&t))
        });
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
    let client = Harness::client();
    let reference = complete_form(&h, &client, "extraordinary-request");
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
    assert_eq!(
        client
            .get(h.url(&format!("/v1/records/{id}")))
            .send()
            .expect("get")
            .status(),
        404
    );
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
    let h = Harness::start(|c| c.kiosk.addr = "127.0.0.1:0".into());
    assert_eq!(h.kiosk.config.kiosk.internal_addr, "127.0.0.1:0");
    let mut config = (*h.kiosk.config).clone();
    config.kiosk.addr = "127.0.0.1:18093".into();
    config.kiosk.internal_addr = "0.0.0.0:18093".into();
    let err = prem::kiosk::prepare(
        config,
        &root(),
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
    let client = Harness::client();
    let form_id = "extraordinary-request";
    client
        .get(h.url(&format!("/forms/{form_id}/")))
        .send()
        .expect("start");
    answer_until(&h, &client, form_id, |_| false);
    let check = client
        .get(h.url(&format!("/forms/{form_id}/check/")))
        .send()
        .expect("check")
        .text()
        .expect("text");
    let token = csrf(&check);
    let res = client
        .post(h.url(&format!("/forms/{form_id}/submit/")))
        .form(&[("csrf", token.as_str()), ("declaration", "yes")])
        .send()
        .expect("submit");
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let page = res.text().expect("text");
    assert!(page.contains("Your copy of what you sent"), "{page}");
    let copy = &page[page.find("app-answers-copy").expect("copy section")..];
    assert!(copy.contains(MARKER), "the typed answers are in the copy");
    assert!(!copy.contains("?change"), "no change links in a sent copy");

    // Sending again or asking for the check page shows nothing of it.
    let again = client
        .post(h.url(&format!("/forms/{form_id}/submit/")))
        .form(&[("csrf", token.as_str()), ("declaration", "yes")])
        .send()
        .expect("resubmit")
        .text()
        .expect("text");
    assert!(!again.contains(MARKER), "{again}");
    let later = client
        .get(h.url(&format!("/forms/{form_id}/check/")))
        .send()
        .expect("check again")
        .text()
        .expect("text");
    assert!(!later.contains(MARKER), "{later}");
    assert!(!contains(&all_bytes(&h.data_dir), MARKER.as_bytes()));
}

/// A child's form refuses an adult's date of birth and says why; the date
/// hint gives an example that fits; the draft expiry shows the UK zone.
#[test]
fn date_of_birth_limits_hints_and_times_follow_the_form() {
    let h = Harness::start(|_| {});
    let client = Harness::client();
    let form_id = "child-referral";
    client
        .get(h.url(&format!("/forms/{form_id}/")))
        .send()
        .expect("start");
    let (_, page) = answer_until(&h, &client, form_id, |p| {
        p.questions.iter().any(|q| q.id == "person_dob")
    });
    let page = page.expect("the page asking the date of birth");
    let href = forms::page_href(form_id, &page.id);
    let html = client
        .get(h.url(&href))
        .send()
        .expect("get")
        .text()
        .expect("text");
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
        "{hint_year}: a child's birthday"
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
            "person_dob-day" => *value = "1".into(),
            "person_dob-month" => *value = "1".into(),
            "person_dob-year" => *value = "1990".into(),
            _ => {}
        }
    }
    pairs.push(("csrf".into(), csrf(&html)));
    let res = client.post(h.url(&href)).form(&pairs).send().expect("post");
    let body = res.text().expect("text");
    assert!(
        body.contains("must be for someone under 18. This form is for children"),
        "{body}"
    );
}
