//! The inbox end to end: a real kiosk (the support module's Harness) and a real inbox, both on
//! loopback with real sled directories; every form submitted, pulled, opened and listed; a
//! reviewer signing in over HTTP, deciding, escalating, exporting; the whole audit trail; and
//! retention on both sides.

use std::collections::BTreeSet;

use crate::support;
use crate::support::inbox::{audit_actions, post_form, sign_in, InboxHarness};
use crate::support::{complete_form, contains, Harness, MARKER};
use chrono::{Duration, Utc};
use prem::inbox::accounts::Role;
use prem::inbox::audit::Verdict;
use prem::store::SubmissionStore;

#[test]
fn a_referral_goes_from_kiosk_to_decision_with_the_whole_trail() {
    let h = Harness::start(|_| {});
    let kiosk_client = Harness::client();
    let forms: Vec<String> = h.kiosk.forms.iter().map(|f| f.id.clone()).collect();
    let mut refs = BTreeSet::new();
    for form in &forms {
        refs.insert(complete_form(&h, &kiosk_client, form));
    }
    let ih = InboxHarness::start(&h, &h.internal_url(""), |_| {});
    ih.pull();
    let stored = ih.inbox().store.all().expect("all");
    let got: BTreeSet<String> = stored
        .iter()
        .map(|r| r.submission.reference.clone())
        .collect();
    assert_eq!(got, refs, "every form pulled and opened");
    assert!(
        h.kiosk
            .store
            .list_unacked(&h.kiosk.team_ids(None), 100)
            .expect("list")
            .is_empty(),
        "all acknowledged"
    );
    assert!(
        !contains(&support::all_bytes(&ih.data_dir), MARKER.as_bytes()),
        "encrypted at rest"
    );

    let password = ih.add_user("rev.one", Role::Reviewer, None);
    let client = sign_in(&ih, "rev.one", &password);
    let list = client
        .get(ih.url("/"))
        .send()
        .expect("list")
        .text()
        .expect("text");
    assert!(list.contains("OFFICIAL-SENSITIVE"));
    // The inbox's own navigation, none of the guidance site's links.
    assert!(
        list.contains("href=\"/\"") && list.contains("action=\"/logout\""),
        "{list}"
    );
    for dead in ["/search/", "/glossary/", "/roadshow/", "/forms/"] {
        assert!(
            !list.contains(&format!("href=\"{dead}")),
            "no guidance link {dead}"
        );
    }
    assert!(
        !list.contains("href=\"/audit/\""),
        "reviewers do not read the audit trail"
    );
    let urgent = stored
        .iter()
        .find(|r| r.urgent(ih.inbox().form_of(r)))
        .expect("an extraordinary request");
    let first_ref = refs
        .iter()
        .map(|r| list.find(r.as_str()).expect("listed"))
        .min();
    assert_eq!(
        list.find(&urgent.submission.reference),
        first_ref,
        "urgent first"
    );
    let filtered = client
        .get(ih.url("/?form=soft-intelligence"))
        .send()
        .expect("filter")
        .text()
        .expect("text");
    assert_eq!(
        refs.iter()
            .filter(|r| filtered.contains(r.as_str()))
            .count(),
        1
    );

    // A referral page shows the answers in the form's wording, and a decision sticks.
    let child = stored
        .iter()
        .find(|r| r.submission.form == "child-referral")
        .expect("child");
    let path = format!("/referrals/{}", child.key.path());
    let page = client
        .get(ih.url(&path))
        .send()
        .expect("view")
        .text()
        .expect("text");
    let form = h.form("child-referral");
    assert!(
        page.contains(&form.pages[0].questions[0].label),
        "form wording"
    );
    assert!(page.contains(MARKER) && page.contains("OFFICIAL-SENSITIVE"));
    let res = post_form(
        &client,
        &ih,
        &path,
        &format!("{path}/decision"),
        &[
            ("outcome", "accept"),
            ("rationale", "Meets criteria 1 and 3."),
        ],
    );
    assert_eq!(res.status(), 200);
    let page = res.text().expect("text");
    assert!(
        page.contains("Threshold decision: Accept") && page.contains("rev.one"),
        "{page}"
    );
    assert!(
        page.contains("Decision recorded."),
        "a message after the change"
    );
    let res = post_form(
        &client,
        &ih,
        &path,
        &format!("{path}/decision"),
        &[("outcome", "accept"), ("rationale", "")],
    );
    assert_eq!(res.status(), 400, "a rationale is required");
    // The decision can be corrected by the same role; the first one is kept.
    let page = post_form(
        &client,
        &ih,
        &path,
        &format!("{path}/decision"),
        &[
            ("outcome", "not-accepted"),
            ("rationale", "Criterion 3 was misread."),
        ],
    )
    .text()
    .expect("text");
    assert!(
        page.contains("Decision corrected")
            && page.contains("Threshold decision: Not accepted")
            && page.contains("Earlier decision, since corrected: Accept")
            && page.contains("Meets criteria 1 and 3."),
        "{page}"
    );

    // Escalation: stage 1 unresolved, then stage 2 decides.
    let adult = stored
        .iter()
        .find(|r| r.submission.form == "adult-referral")
        .expect("adult");
    let apath = format!("/referrals/{}", adult.key.path());
    post_form(
        &client,
        &ih,
        &apath,
        &format!("{apath}/decision"),
        &[("outcome", "escalate"), ("rationale", "Referrer disputes.")],
    );
    // Only the roles configured for a stage record its outcome: not this reviewer.
    let token = support::csrf(
        &client
            .get(ih.url(&apath))
            .send()
            .expect("page")
            .text()
            .expect("text"),
    );
    let res = client
        .post(ih.url(&format!("{apath}/escalation")))
        .form(&[
            ("csrf", token.as_str()),
            ("result", "accept"),
            ("rationale", "Not mine to record."),
        ])
        .send()
        .expect("post");
    assert_eq!(res.status(), 403);
    let chair_password = ih.add_user("chair.one", Role::Chair, None);
    let chair = sign_in(&ih, "chair.one", &chair_password);
    post_form(
        &chair,
        &ih,
        &apath,
        &format!("{apath}/escalation"),
        &[
            ("result", "unresolved"),
            ("rationale", "No agreement with the chair."),
        ],
    );
    let page = post_form(
        &chair,
        &ih,
        &apath,
        &format!("{apath}/escalation"),
        &[("result", "accept"), ("rationale", "DCI agreed.")],
    )
    .text()
    .expect("text");
    assert!(
        page.contains("Stage 2") && page.contains("Accepted"),
        "{page}"
    );

    // Soft intelligence moves by status.
    let soft = stored
        .iter()
        .find(|r| r.submission.form == "soft-intelligence")
        .expect("soft");
    let spath = format!("/referrals/{}", soft.key.path());
    let page = post_form(
        &client,
        &ih,
        &spath,
        &format!("{spath}/status"),
        &[("status", "reviewed"), ("rationale", "Passed to intel.")],
    )
    .text()
    .expect("text");
    assert!(page.contains("Reviewed"));

    // Exports carry the marking.
    let json: serde_json::Value = client
        .get(ih.url(&format!("{path}/export.json")))
        .send()
        .expect("json")
        .json()
        .expect("json");
    assert_eq!(json["protective_marking"], "OFFICIAL-SENSITIVE");
    assert_eq!(json["case"]["status"], "not-accepted");
    // Plain objects with named fields, never tuples.
    assert_eq!(json["case"]["decision"]["outcome"], "not-accepted");
    assert_eq!(json["case"]["decision"]["signed"]["by"], "rev.one");
    assert_eq!(json["case"]["corrections"][0]["outcome"], "accept");
    let print = client
        .get(ih.url(&format!("{path}/print")))
        .send()
        .expect("print")
        .text()
        .expect("text");
    assert!(print.contains("OFFICIAL-SENSITIVE") && print.contains("app-print-a4"));

    let actions = audit_actions(ih.inbox());
    for a in [
        "receive",
        "login",
        "password-changed",
        "totp-enrolled",
        "view",
        "decision:accept",
        "decision-corrected:not-accepted",
        "decision:escalate",
        "escalation-stage1:unresolved",
        "escalation-stage2:accept",
        "status:reviewed",
        "export-json",
        "export-print",
    ] {
        assert!(actions.iter().any(|x| x == a), "audit has {a}: {actions:?}");
    }
    assert!(matches!(
        ih.inbox().store.audit.verify().expect("verify"),
        Verdict::Intact { .. }
    ));

    // Retention on both sides.
    let later = Utc::now() + Duration::days(1);
    assert_eq!(
        h.kiosk.store.purge_acked(later).expect("kiosk purge"),
        refs.len()
    );
    assert_eq!(
        ih.inbox()
            .store
            .purge_older_than(later, "test")
            .expect("inbox purge"),
        refs.len()
    );
    assert!(ih.inbox().store.all().expect("all").is_empty());
    assert_eq!(
        audit_actions(ih.inbox())
            .iter()
            .filter(|a| *a == "purge")
            .count(),
        refs.len()
    );
}

#[test]
fn a_refused_decision_shows_the_form_again_with_its_errors_and_unknown_pages_are_404() {
    let h = Harness::start(|_| {});
    let kiosk_client = Harness::client();
    complete_form(&h, &kiosk_client, "child-referral");
    complete_form(&h, &kiosk_client, "soft-intelligence");
    let ih = InboxHarness::start(&h, &h.internal_url(""), |_| {});
    ih.pull();
    let stored = ih.inbox().store.all().expect("all");
    let path_of = |form: &str| {
        let r = stored
            .iter()
            .find(|r| r.submission.form == form)
            .expect("stored");
        format!("/referrals/{}", r.key.path())
    };
    let (path, spath) = (path_of("child-referral"), path_of("soft-intelligence"));
    let client = sign_in(
        &ih,
        "rev.err",
        &ih.add_user("rev.err", Role::Reviewer, None),
    );

    // No choice: the page again, the typed rationale kept, the summary linking to the radios.
    let res = post_form(
        &client,
        &ih,
        &path,
        &format!("{path}/decision"),
        &[("rationale", "Kept <as typed>")],
    );
    assert_eq!(res.status(), 400);
    let page = res.text().expect("text");
    for want in [
        "<title>Error: ",
        "There is a problem",
        "href=\"#outcome-accept\"",
        "id=\"outcome-accept\"",
        "Choose whether the referral meets the threshold",
        "Kept &lt;as typed&gt;</textarea>",
        "OFFICIAL-SENSITIVE",
    ] {
        assert!(page.contains(want), "{want}: {page}");
    }
    // No rationale: the choice stays checked.
    let page = post_form(
        &client,
        &ih,
        &path,
        &format!("{path}/decision"),
        &[("outcome", "not-accepted"), ("rationale", "   ")],
    )
    .text()
    .expect("text");
    assert!(
        page.contains("Enter the rationale for the decision")
            && page.contains("href=\"#decision-rationale\"")
            && page.contains("value=\"not-accepted\" checked"),
        "{page}"
    );
    // A status without either: both errors.
    let res = post_form(
        &client,
        &ih,
        &spath,
        &format!("{spath}/status"),
        &[("rationale", "")],
    );
    assert_eq!(res.status(), 400);
    let page = res.text().expect("text");
    assert!(
        page.contains("Choose the new status") && page.contains("Enter a note"),
        "{page}"
    );
    // Nothing changed and nothing was decided.
    assert!(ih
        .inbox()
        .store
        .all()
        .expect("all")
        .iter()
        .all(|r| r.case.history.is_empty()));
    assert!(!audit_actions(ih.inbox())
        .iter()
        .any(|a| a.starts_with("decision") || a.starts_with("status")));

    // An unknown page is a page, not an empty 404.
    let res = client.get(ih.url("/no/such/page")).send().expect("404");
    assert_eq!(res.status(), 404);
    let page = res.text().expect("text");
    assert!(
        page.contains("Page not found") && page.contains("OFFICIAL-SENSITIVE"),
        "{page}"
    );
}

/// The value of the hidden field `name` on a page.
fn hidden(html: &str, name: &str) -> String {
    let at = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&at)
        .unwrap_or_else(|| panic!("no {name} in:\n{html}"))
        + at.len();
    html[start..start + html[start..].find('"').expect("quote")].to_string()
}

#[test]
fn a_decision_sent_from_a_page_another_change_overtook_is_a_409_page_and_overwrites_nothing() {
    let h = Harness::start(|_| {});
    complete_form(&h, &Harness::client(), "child-referral");
    let ih = InboxHarness::start(&h, &h.internal_url(""), |_| {});
    ih.pull();
    let r = ih.inbox().store.all().expect("all").remove(0);
    let (path, key) = (format!("/referrals/{}", r.key.path()), r.key.clone());
    let decision = format!("{path}/decision");
    let first = sign_in(
        &ih,
        "rev.first",
        &ih.add_user("rev.first", Role::Reviewer, None),
    );
    let second = sign_in(
        &ih,
        "rev.second",
        &ih.add_user("rev.second", Role::Reviewer, None),
    );

    // Both have the page open; the first decides.
    let open = second
        .get(ih.url(&path))
        .send()
        .expect("page")
        .text()
        .expect("text");
    let res = post_form(
        &first,
        &ih,
        &path,
        &decision,
        &[("outcome", "accept"), ("rationale", "First.")],
    );
    assert_eq!(res.status(), 200);

    // The second sends from the page they had: refused, the first decision shown, what they
    // typed kept.
    let res = second
        .post(ih.url(&decision))
        .form(&[
            ("csrf", common::csrf(&open).as_str()),
            ("seen", hidden(&open, "seen").as_str()),
            ("outcome", "not-accepted"),
            ("rationale", "Second <typed>."),
        ])
        .send()
        .expect("post");
    assert_eq!(res.status(), 409);
    let page = res.text().expect("text");
    for want in [
        "<title>Error: ",
        "Someone else changed this referral",
        "Threshold decision: Accept",
        "value=\"not-accepted\" checked",
        "Second &lt;typed&gt;.</textarea>",
    ] {
        assert!(page.contains(want), "{want}: {page}");
    }
    let case = ih
        .inbox()
        .store
        .get(&key)
        .expect("get")
        .expect("there")
        .case;
    assert_eq!(
        case.decision.map(|(outcome, s)| (outcome.slug(), s.by)),
        Some(("accept", "rev.first".to_string())),
        "nothing overwritten"
    );
    assert!(case.corrections.is_empty());

    // Sent again from the page that came back, it is a correction its sender has seen.
    let res = second
        .post(ih.url(&decision))
        .form(&[
            ("csrf", common::csrf(&page).as_str()),
            ("seen", hidden(&page, "seen").as_str()),
            ("outcome", "not-accepted"),
            ("rationale", "Second, having read the first."),
        ])
        .send()
        .expect("post");
    assert_eq!(res.status(), 200);
    assert!(res.text().expect("text").contains("Decision corrected"));
    let actions = audit_actions(ih.inbox());
    let count = |a: &str| actions.iter().filter(|x| *x == a).count();
    assert_eq!(
        (
            count("decision:accept"),
            count("decision-corrected:not-accepted")
        ),
        (1, 1)
    );
}
