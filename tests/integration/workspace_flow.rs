//! The inbox end to end on the harbour partnership: a real kiosk (the support module's
//! Harness) and a real inbox, both on loopback with real sled directories; every form
//! submitted, pulled, opened and listed; a reviewer signing in over HTTP, deciding, correcting,
//! exporting; the whole audit trail; and retention on both sides. (Escalation, which follows
//! the partnership's own stages, is in `partnership`.)

use std::collections::BTreeSet;

use crate::support::browser::hidden;
use crate::support::workspace::InboxHarness;
use crate::support::{all_bytes, contains, csrf, Harness, MARKER};
use chrono::{Duration, Utc};
use prem::store::SubmissionStore;
use prem::workspace::accounts::Role;
use prem::workspace::audit::Verdict;

#[test]
fn a_referral_goes_from_kiosk_to_decision_with_the_whole_trail() {
    let h = Harness::start(|_| {});
    let forms: Vec<String> = h.kiosk.forms.iter().map(|f| f.id.clone()).collect();
    let mut refs = BTreeSet::new();
    for form in &forms {
        refs.insert(h.submit_one(form));
    }
    let ih = InboxHarness::start(&h, &h.internal_url(""), |_| {});
    let marking = ih.inbox().config.inbox.protective_marking.clone();
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
        !contains(&all_bytes(&ih.data_dir), MARKER.as_bytes()),
        "encrypted at rest"
    );

    let client = ih.signed_in("rev.one", Role::Reviewer, None);
    let list = client.get("/").text();
    assert!(list.contains(&marking));
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
        .expect("an urgent meeting request");
    let first_ref = refs
        .iter()
        .map(|r| list.find(r.as_str()).expect("listed"))
        .min();
    assert_eq!(
        list.find(&urgent.submission.reference),
        first_ref,
        "urgent first"
    );
    let filtered = client.get("/?form=sighting").text();
    assert_eq!(
        refs.iter()
            .filter(|r| filtered.contains(r.as_str()))
            .count(),
        1
    );

    // A referral page shows the answers in the form's wording, and a decision sticks.
    let young = stored
        .iter()
        .find(|r| r.submission.form == "young-person")
        .expect("young person");
    let path = format!("/referrals/{}", young.key.path());
    let page = client.get(&path).text();
    let worded = h
        .form("young-person")
        .pages
        .iter()
        .flat_map(|p| &p.questions)
        .find(|q| q.id == "worry_detail")
        .expect("question");
    assert!(page.contains(&worded.label), "form wording");
    assert!(page.contains(MARKER) && page.contains(&marking));
    let decision = format!("{path}/decision");
    let res = client.submit(
        &path,
        &decision,
        &[
            ("outcome", "accept"),
            ("rationale", "Meets criteria 1 and 3."),
        ],
    );
    assert_eq!(res.status, 200);
    let page = res.text();
    assert!(
        page.contains("Threshold decision: Accept") && page.contains("rev.one"),
        "{page}"
    );
    assert!(
        page.contains("Decision recorded."),
        "a message after the change"
    );
    let res = client.submit(
        &path,
        &decision,
        &[("outcome", "accept"), ("rationale", "")],
    );
    assert_eq!(res.status, 400, "a rationale is required");
    // The decision can be corrected by the same role; the first one is kept.
    let page = client
        .submit(
            &path,
            &decision,
            &[
                ("outcome", "not-accepted"),
                ("rationale", "Criterion 3 was misread."),
            ],
        )
        .text();
    assert!(
        page.contains("Decision corrected")
            && page.contains("Threshold decision: Not accepted")
            && page.contains("Earlier decision, since corrected: Accept")
            && page.contains("Meets criteria 1 and 3."),
        "{page}"
    );

    // A sighting moves by status.
    let sighting = stored
        .iter()
        .find(|r| r.submission.form == "sighting")
        .expect("sighting");
    let spath = format!("/referrals/{}", sighting.key.path());
    let page = client
        .submit(
            &spath,
            &format!("{spath}/status"),
            &[("status", "reviewed"), ("rationale", "Passed to intel.")],
        )
        .text();
    assert!(page.contains("Reviewed"));

    // Exports carry the marking.
    let json: serde_json::Value =
        serde_json::from_slice(&client.get(&format!("{path}/export.json")).body).expect("json");
    assert_eq!(json["protective_marking"], marking.as_str());
    assert_eq!(json["case"]["status"], "not-accepted");
    // Plain objects with named fields, never tuples.
    assert_eq!(json["case"]["decision"]["outcome"], "not-accepted");
    assert_eq!(json["case"]["decision"]["signed"]["by"], "rev.one");
    assert_eq!(json["case"]["corrections"][0]["outcome"], "accept");
    let print = client.get(&format!("{path}/print")).text();
    assert!(print.contains(&marking) && print.contains("app-print-a4"));

    let actions = ih.audit_actions();
    for a in [
        "receive",
        "login",
        "password-changed",
        "totp-enrolled",
        "view",
        "decision:accept",
        "decision-corrected:not-accepted",
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
        ih.audit_actions().iter().filter(|a| *a == "purge").count(),
        refs.len()
    );
}

#[test]
fn a_refused_decision_shows_the_form_again_with_its_errors_and_unknown_pages_are_404() {
    let h = Harness::start(|_| {});
    h.submit_one("young-person");
    h.submit_one("sighting");
    let ih = InboxHarness::start(&h, &h.internal_url(""), |_| {});
    let marking = ih.inbox().config.inbox.protective_marking.clone();
    ih.pull();
    let stored = ih.inbox().store.all().expect("all");
    let path_of = |form: &str| {
        let r = stored
            .iter()
            .find(|r| r.submission.form == form)
            .expect("stored");
        format!("/referrals/{}", r.key.path())
    };
    let (path, spath) = (path_of("young-person"), path_of("sighting"));
    let client = ih.signed_in("rev.err", Role::Reviewer, None);

    // No choice: the page again, the typed rationale kept, the summary linking to the radios.
    let res = client.submit(
        &path,
        &format!("{path}/decision"),
        &[("rationale", "Kept <as typed>")],
    );
    assert_eq!(res.status, 400);
    let page = res.text();
    for want in [
        "<title>Error: ",
        "There is a problem",
        "href=\"#outcome-accept\"",
        "id=\"outcome-accept\"",
        "Choose whether the referral meets the threshold",
        "Kept &lt;as typed&gt;</textarea>",
        marking.as_str(),
    ] {
        assert!(page.contains(want), "{want}: {page}");
    }
    // No rationale: the choice stays checked.
    let page = client
        .submit(
            &path,
            &format!("{path}/decision"),
            &[("outcome", "not-accepted"), ("rationale", "   ")],
        )
        .text();
    assert!(
        page.contains("Enter the rationale for the decision")
            && page.contains("href=\"#decision-rationale\"")
            && page.contains("value=\"not-accepted\" checked"),
        "{page}"
    );
    // A status without either: both errors.
    let res = client.submit(&spath, &format!("{spath}/status"), &[("rationale", "")]);
    assert_eq!(res.status, 400);
    let page = res.text();
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
    assert!(!ih
        .audit_actions()
        .iter()
        .any(|a| a.starts_with("decision") || a.starts_with("status")));

    // An unknown page is a page, not an empty 404.
    let res = client.get("/no/such/page");
    assert_eq!(res.status, 404);
    let page = res.text();
    assert!(
        page.contains("Page not found") && page.contains(&marking),
        "{page}"
    );
}

#[test]
fn a_decision_sent_from_a_page_another_change_overtook_is_a_409_page_and_overwrites_nothing() {
    let h = Harness::start(|_| {});
    h.submit_one("young-person");
    let ih = InboxHarness::start(&h, &h.internal_url(""), |_| {});
    ih.pull();
    let r = ih.inbox().store.all().expect("all").remove(0);
    let (path, key) = (format!("/referrals/{}", r.key.path()), r.key.clone());
    let decision = format!("{path}/decision");
    let first = ih.signed_in("rev.first", Role::Reviewer, None);
    let second = ih.signed_in("rev.second", Role::Reviewer, None);

    // Both have the page open; the first decides.
    let open = second.get(&path).text();
    let res = first.submit(
        &path,
        &decision,
        &[("outcome", "accept"), ("rationale", "First.")],
    );
    assert_eq!(res.status, 200);

    // The second sends from the page they had: refused, the first decision shown, what they
    // typed kept.
    let res = second.post(
        &decision,
        &[
            ("csrf", csrf(&open).as_str()),
            ("seen", hidden(&open, "seen").as_str()),
            ("outcome", "not-accepted"),
            ("rationale", "Second <typed>."),
        ],
    );
    assert_eq!(res.status, 409);
    let page = res.text();
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
    let res = second.post(
        &decision,
        &[
            ("csrf", csrf(&page).as_str()),
            ("seen", hidden(&page, "seen").as_str()),
            ("outcome", "not-accepted"),
            ("rationale", "Second, having read the first."),
        ],
    );
    assert_eq!(res.status, 200);
    assert!(res.contains("Decision corrected"));
    let actions = ih.audit_actions();
    let count = |a: &str| actions.iter().filter(|x| *x == a).count();
    assert_eq!(
        (
            count("decision:accept"),
            count("decision-corrected:not-accepted")
        ),
        (1, 1)
    );
}
