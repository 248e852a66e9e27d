//! The inbox end to end on the harbour partnership: a real kiosk (the support module's
//! Harness) and a real inbox, both on loopback with real sled directories; every form
//! submitted, pulled, opened and listed; a reviewer signing in over HTTP, deciding, correcting,
//! exporting; the whole audit trail; and retention on both sides. (Escalation, which follows
//! the partnership's own stages, is in `partnership`.)

use std::collections::BTreeSet;

use crate::support::browser::hidden;
use crate::support::workspace::WorkspaceHarness;
use crate::support::{all_bytes, contains, csrf, Harness, MARKER};
use chrono::{Duration, Utc};
use prem::store::SubmissionStore;
use prem::workspace::audit::Verdict;

#[test]
fn a_referral_goes_from_kiosk_to_decision_with_the_whole_trail() {
    let h = Harness::start(|_| {});
    let forms: Vec<String> = h.kiosk.forms.iter().map(|f| f.id.clone()).collect();
    let mut refs = BTreeSet::new();
    for form in &forms {
        refs.insert(h.submit_one(form));
    }
    let ih = WorkspaceHarness::start(&h, &h.internal_url(""), |_| {});
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

    let client = ih.signed_in("rev.one", "reviewer", None);
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
    let first_ref = refs.iter().filter_map(|r| list.find(r.as_str())).min();
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

    // A young person's referral waits for its council lead's sign-off: no reviewer sees it
    // before then, not in the list, not by its address.
    let young = stored
        .iter()
        .find(|r| r.submission.form == "young-person")
        .expect("young person");
    assert!(!list.contains(&young.submission.reference), "{list}");
    let path = format!("/cases/{}", young.key.path());
    assert_eq!(client.get(&path).status, 404);
    let council = young
        .presenting_authority(ih.inbox().form_of(young))
        .expect("presenting LA")
        .to_string();
    let lead = ih.signed_in("lead.one", "council-lead", Some(&council));
    let page = lead.get(&path).text();
    assert!(
        page.contains("Waiting for the council lead&#39;s sign-off")
            || page.contains("Waiting for the council lead's sign-off"),
        "{page}"
    );
    let sign_off = format!("{path}/moves/sign-off");
    assert!(page.contains(&format!("href=\"{sign_off}\"")), "{page}");
    let res = lead.submit(&sign_off, &sign_off, &[("reason", "Known to our team.")]);
    assert_eq!(res.status, 200);
    assert!(
        res.contains("Sign the referral off: done."),
        "a message after the change"
    );
    // Signed off, it is with the panel: the lead still sees their council's case but has nothing
    // to do on it; the reviewer sees it, with who signed it off and when.
    let page = lead.get(&path).text();
    assert!(!page.contains("/moves/"), "{page}");
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
    assert!(
        page.contains("With the panel for a decision")
            && page.contains("Sign the referral off")
            && page.contains("lead.one")
            && page.contains("Known to our team."),
        "{page}"
    );
    let hear = format!("{path}/moves/hear");
    let res = client.submit(&hear, &hear, &[("reason", "Meets criteria 1 and 3.")]);
    assert_eq!(res.status, 200);
    let page = res.text();
    assert!(
        page.contains("To be heard by the panel") && page.contains("rev.one"),
        "{page}"
    );
    let res = client.submit(&hear, &hear, &[("reason", "again")]);
    assert_eq!(res.status, 400, "not from this state");
    // The decision can be reconsidered and another recorded; the first one stays in the history.
    let reconsider = format!("{path}/moves/reconsider");
    client.submit(
        &reconsider,
        &reconsider,
        &[("reason", "Criterion 3 was misread.")],
    );
    let not_hear = format!("{path}/moves/not-hear");
    let page = client
        .submit(
            &not_hear,
            &not_hear,
            &[("reason", "Does not meet criterion 3.")],
        )
        .text();
    assert!(
        page.contains("Not for the panel")
            && page.contains("Meets criteria 1 and 3.")
            && page.contains("Criterion 3 was misread."),
        "{page}"
    );

    // A sighting moves by its own workflow.
    let sighting = stored
        .iter()
        .find(|r| r.submission.form == "sighting")
        .expect("sighting");
    let spath = format!("/cases/{}", sighting.key.path());
    let read = format!("{spath}/moves/read");
    let page = client
        .submit(&read, &read, &[("reason", "Passed to intel.")])
        .text();
    assert!(page.contains("Read by the panel"), "{page}");

    // Exports carry the marking.
    let json: serde_json::Value =
        serde_json::from_slice(&client.get(&format!("{path}/export.json")).body).expect("json");
    assert_eq!(json["protective_marking"], marking.as_str());
    assert_eq!(json["state"], "not-heard");
    // Plain objects with named fields, never tuples.
    assert_eq!(json["history"][0]["move"], "sign-off");
    assert_eq!(json["history"][0]["by"], "lead.one");
    assert_eq!(json["history"][1]["move"], "hear");
    assert_eq!(json["history"][3]["to"], "not-heard");
    let print = client.get(&format!("{path}/print")).text();
    assert!(print.contains(&marking) && print.contains("app-print-a4"));

    let actions = ih.audit_actions();
    for a in [
        "receive",
        "login",
        "password-changed",
        "totp-enrolled",
        "view",
        "move:sign-off",
        "move:hear",
        "move:reconsider",
        "move:not-hear",
        "move:read",
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
fn a_refused_move_shows_its_page_again_with_its_errors_and_unknown_pages_are_404() {
    let h = Harness::start(|_| {});
    h.submit_one("young-person");
    h.submit_one("sighting");
    let ih = WorkspaceHarness::start(&h, &h.internal_url(""), |_| {});
    let marking = ih.inbox().config.inbox.protective_marking.clone();
    ih.pull();
    let stored = ih.inbox().store.all().expect("all");
    let find = |form: &str| {
        stored
            .iter()
            .find(|r| r.submission.form == form)
            .expect("stored")
    };
    let (young, sighting) = (find("young-person"), find("sighting"));
    ih.move_case(&young.key, "sign-off", "council-lead");
    ih.move_case(&young.key, "hear", "reviewer");
    ih.move_case(&young.key, "propose-closing", "reviewer");
    let path = format!("/cases/{}", young.key.path());
    let spath = format!("/cases/{}", sighting.key.path());
    let chair = ih.signed_in("chair.err", "chair", None);

    // The closing move asks its own questions: each missing one is named in the summary and
    // beside its field, what was typed is kept, and nothing is saved.
    let close = format!("{path}/moves/close");
    let res = chair.submit(
        &close,
        &close,
        &[
            ("reason", "Kept <as typed>"),
            ("board_met-day", "31"),
            ("board_met-month", "2"),
            ("board_met-year", "2026"),
        ],
    );
    assert_eq!(res.status, 400);
    let page = res.text();
    for want in [
        "<title>Error: ",
        "There is a problem",
        "href=\"#board_met-day\"",
        "Date the board met must be a real date",
        "href=\"#all_actions_done\"",
        "Confirm: Every agreed action is complete or handed on",
        "Kept &lt;as typed&gt;</textarea>",
        "value=\"31\"",
        marking.as_str(),
    ] {
        assert!(page.contains(want), "{want}: {page}");
    }
    // No reason: named, and the box stays ticked.
    let page = chair
        .submit(
            &close,
            &close,
            &[("reason", "   "), ("all_actions_done", "yes")],
        )
        .text();
    assert!(
        page.contains("Enter the reason for this step")
            && page.contains("href=\"#reason\"")
            && page.contains("value=\"yes\" checked"),
        "{page}"
    );
    // A status note without a reason is refused too.
    let read = format!("{spath}/moves/read");
    let res = chair.submit(&read, &read, &[("reason", "")]);
    assert_eq!(res.status, 400);
    // Nothing changed: the closing case is where it was, the sighting untouched.
    let now = ih
        .inbox()
        .store
        .get(&young.key)
        .expect("get")
        .expect("there");
    assert_eq!(now.case.state, "closing");
    assert!(ih
        .inbox()
        .store
        .get(&sighting.key)
        .expect("get")
        .expect("there")
        .case
        .history
        .is_empty());
    assert!(!ih
        .audit_actions()
        .iter()
        .any(|a| a == "move:close" || a == "move:read"));

    // A move the role may not make is refused and audited nowhere as made; a reviewer is not
    // offered the chair's closing move.
    let reviewer = ih.signed_in("rev.err", "reviewer", None);
    assert!(!reviewer.get(&path).contains("/moves/close"));
    assert_eq!(reviewer.get(&close).status, 403);
    assert_eq!(
        reviewer.get(&format!("{path}/moves/no-such-move")).status,
        404
    );

    // An unknown page is a page, not an empty 404.
    let res = chair.get("/no/such/page");
    assert_eq!(res.status, 404);
    let page = res.text();
    assert!(
        page.contains("Page not found") && page.contains(&marking),
        "{page}"
    );
}

#[test]
fn a_move_sent_from_a_page_another_change_overtook_is_a_409_page_and_overwrites_nothing() {
    let h = Harness::start(|_| {});
    h.submit_one("young-person");
    let ih = WorkspaceHarness::start(&h, &h.internal_url(""), |_| {});
    ih.pull();
    let r = ih.inbox().store.all().expect("all").remove(0);
    ih.move_case(&r.key, "sign-off", "council-lead");
    let (path, key) = (format!("/cases/{}", r.key.path()), r.key.clone());
    let first = ih.signed_in("rev.first", "reviewer", None);
    let second = ih.signed_in("rev.second", "reviewer", None);

    // Both have a move page open; the first decides.
    let not_hear = format!("{path}/moves/not-hear");
    let open = second.get(&not_hear).text();
    let hear = format!("{path}/moves/hear");
    let res = first.submit(&hear, &hear, &[("reason", "First.")]);
    assert_eq!(res.status, 200);

    // The second sends from the page they had: refused, the first decision shown.
    let res = second.post(
        &not_hear,
        &[
            ("csrf", csrf(&open).as_str()),
            ("seen", hidden(&open, "seen").as_str()),
            ("reason", "Second <typed>."),
        ],
    );
    assert_eq!(res.status, 409);
    let page = res.text();
    for want in [
        "<title>Error: ",
        "Someone else changed this case",
        "To be heard by the panel",
        "First.",
        "rev.first",
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
    assert_eq!(case.state, "heard", "nothing overwritten");
    assert_eq!(case.history.len(), 2);

    // Two people on the same move page: the second's save, sent from the older page, is
    // refused with the move's page again, what they typed kept.
    let reconsider = format!("{path}/moves/reconsider");
    let a = first.get(&reconsider).text();
    let b = second.get(&reconsider).text();
    let post = |who: &crate::support::browser::Browser, page: &str, reason: &str| {
        who.post(
            &reconsider,
            &[
                ("csrf", csrf(page).as_str()),
                ("seen", hidden(page, "seen").as_str()),
                ("reason", reason),
            ],
        )
    };
    assert_eq!(post(&first, &a, "Misread.").status, 200);
    let res = post(&second, &b, "Also <misread>.");
    assert_eq!(
        res.status, 409,
        "the page was drawn before the first's change"
    );
    assert!(
        res.contains("Someone else changed this case"),
        "{}",
        res.text()
    );
    let actions = ih.audit_actions();
    let count = |a: &str| actions.iter().filter(|x| *x == a).count();
    assert_eq!((count("move:hear"), count("move:reconsider")), (1, 1));
}
