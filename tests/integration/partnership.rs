//! A second partnership runs on its own files alone. The harbour fixture's form ids, question
//! ids, local authorities, reference prefix, marking, calendar, roles and workflow (its states,
//! moves, who makes each, deadlines and questions) all differ from the project's; a referral
//! goes from its kiosk through its workspace's sign-off and escalation route to closing, and
//! every one of those comes out as the fixture says, with no Rust change.

use chrono::{Days, NaiveDate, TimeZone, Utc};

use crate::support::workspace::WorkspaceHarness;
use crate::support::{Harness, Partnership};

/// Today in the partnership's zone, as the inbox dates what it opens.
fn today(h: &Harness) -> NaiveDate {
    Utc::now()
        .with_timezone(&h.kiosk.config.zone())
        .date_naive()
}

fn long(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

#[test]
fn a_second_partnership_runs_its_own_workflow_from_its_own_files() {
    let h = Harness::start(|_| {});
    let ours = &h.kiosk.config;
    // The fixture really is another partnership: nothing below could pass on the project's words.
    let project = Partnership::Project.config();
    let (flow, theirs) = (
        &ours.workflows["young-person"],
        &project.workflows["referral"],
    );
    let ids = |w: &prem::config::WorkflowConfig| -> Vec<String> {
        (w.states.iter().map(|s| s.id.clone()))
            .chain(w.moves.iter().map(|m| m.id.clone()))
            .collect()
    };
    let (ours_ids, their_ids) = (ids(flow), ids(theirs));
    assert!(
        !ours_ids
            .iter()
            .any(|id| their_ids.contains(id) && !["dispute", "close"].contains(&id.as_str())),
        "the fixture's states and moves are its own: {ours_ids:?}"
    );
    assert!(!project.workflows.contains_key("young-person"));
    assert!(ours.roles.iter().any(|r| r.id == "council-lead"));
    assert!(!project.roles.iter().any(|r| r.id == "council-lead"));
    assert_ne!(ours.kiosk.reference_prefix, project.kiosk.reference_prefix);
    assert_ne!(ours.partnership.calendar, project.partnership.calendar);
    let project_forms =
        prem::forms::FormSet::load(&project, &Partnership::Project.root()).expect("project forms");
    for f in h.kiosk.forms.iter() {
        assert!(
            project_forms.get(&f.id).is_none(),
            "{}: a project form id",
            f.id
        );
    }

    // The kiosk speaks the fixture's words: its footer links, its emergency notice, its
    // declaration. Submitted under the fixture's prefix, pulled and opened by the inbox.
    let b = h.browser();
    let footer = b.get("/").text();
    let footer = &footer[footer.find("<footer").expect("footer")..];
    assert!(
        footer.contains("href=\"/panel/how-to-ask/\">How to ask the panel</a>")
            && !footer.contains("/roadshow/")
            && footer.contains(&ours.partnership.emergency_notice)
            && !footer.contains("call 999"),
        "{footer}"
    );
    assert!(b
        .get("/forms/")
        .contains(&ours.partnership.emergency_notice));
    h.forms.answer_until(&b, "young-person", |_| false);
    let check = b.get("/forms/young-person/check/");
    assert!(check.contains(&ours.kiosk.declaration), "{}", check.text());
    let reference = h
        .forms
        .try_submit(&b, "young-person", &check.csrf())
        .expect("sent");
    assert!(reference.starts_with("HCP-20"), "{reference}");
    let ih = WorkspaceHarness::start(&h, &h.internal_url(""), |_| {});
    ih.pull();
    let r = ih.inbox().store.all().expect("all").remove(0);
    assert_eq!(r.submission.reference, reference);
    // The LAs come from the fixture's own questions (bringing_council, yp_council), as answered.
    let form = ih.inbox().form_of(&r);
    assert_eq!(r.presenting_authority(form), Some("Northcliff"));
    assert_eq!(r.owning_authority(form), Some("Eastmouth"));

    // The bringing council's lead signs it off (the project calls that role something else).
    let path = format!("/cases/{}", r.key.path());
    let reviewer = ih.signed_in("rev.harbour", "reviewer", None);
    assert_eq!(reviewer.get(&path).status, 404, "not before sign-off");
    let lead = ih.signed_in("lead.harbour", "council-lead", Some("Northcliff"));
    let other = ih.signed_in("lead.east", "council-lead", Some("Eastmouth"));
    assert_eq!(other.get(&path).status, 404, "another council's lead");
    let sign_off = format!("{path}/moves/sign-off");
    assert_eq!(
        lead.submit(&sign_off, &sign_off, &[("reason", "Ours.")])
            .status,
        200
    );

    // Deadlines count the fixture's days in the fixture's (Scottish) calendar. Signed off on
    // Friday 27 November 2026, a decision is due three working days on, skipping St Andrew's
    // Day (Monday 30th, a working day in England): Thursday 3 December.
    let friday = Utc
        .with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .expect("time");
    let december = |d| NaiveDate::from_ymd_opt(2026, 12, d).expect("date");
    let mut earlier = ih.inbox().store.get(&r.key).expect("get").expect("there");
    earlier.case.entered = Some(friday);
    assert_eq!(ih.inbox().deadline(&earlier), Some(december(3)));
    // The decision on this referral is due three working days after the day it was signed off.
    let calendar = ours.calendar();
    let due = calendar.add_working_days(today(&h), 3);
    assert_ne!(
        due,
        calendar.add_working_days(today(&h), 7),
        "not the project's seven"
    );
    let page = reviewer.get(&path).text();
    assert!(page.contains(&long(due)), "decision due {due}: {page}");
    let list = reviewer.get("/").text();
    assert!(
        list.contains(&due.format("%-d %b %Y").to_string()),
        "{list}"
    );

    // A disputed decision opens the fixture's round one: its title, due in two calendar days.
    let dispute = format!("{path}/moves/dispute");
    let page = reviewer
        .submit(&dispute, &dispute, &[("reason", "The worker disputes it.")])
        .text();
    let round_one = &flow
        .states
        .iter()
        .find(|s| s.id == "round-one")
        .expect("state")
        .title;
    let stage1_due = today(&h) + Days::new(2);
    for want in [
        round_one.as_str(),
        &format!(
            "Due by</dt><dd class=\"govuk-summary-list__value\">{}",
            long(stage1_due)
        ),
    ] {
        assert!(page.contains(want), "{want}: {page}");
    }
    for theirs in &theirs.states {
        assert!(!page.contains(&theirs.title), "the project's state: {page}");
    }

    // Round one is moved on by a reviewer here (the project gives its stage to the chair): the
    // chair is not offered it and is refused.
    let to_board = format!("{path}/moves/to-board");
    let chair = ih.signed_in("chair.harbour", "chair", None);
    assert!(!chair.get(&path).contains(&to_board));
    assert_eq!(chair.get(&to_board).status, 403);
    let page = reviewer
        .submit(
            &to_board,
            &to_board,
            &[("reason", "Lead could not settle it.")],
        )
        .text();
    let stage2_due = calendar.add_working_days(today(&h), 10);
    assert!(
        page.contains(&format!(
            "Due by</dt><dd class=\"govuk-summary-list__value\">{}",
            long(stage2_due)
        )),
        "{page}"
    );

    // The board hears it; later its chair closes the case with the fixture's own questions.
    let hear = format!("{path}/moves/hear");
    chair.submit(&hear, &hear, &[("reason", "The board agreed.")]);
    let propose = format!("{path}/moves/propose-closing");
    reviewer.submit(&propose, &propose, &[("reason", "Safe now.")]);
    let close = format!("{path}/moves/close");
    let met = today(&h);
    let (d, m, y) = (
        met.format("%-d").to_string(),
        met.format("%-m").to_string(),
        met.format("%Y").to_string(),
    );
    let page = chair
        .submit(
            &close,
            &close,
            &[
                ("reason", "All done."),
                ("all_actions_done", "yes"),
                ("board_met-day", &d),
                ("board_met-month", &m),
                ("board_met-year", &y),
            ],
        )
        .text();
    assert!(
        page.contains("Closed by the board")
            && page.contains("Date the board met")
            && page.contains(&long(met)),
        "{page}"
    );

    // The export carries the fixture's marking and the steps as they were made.
    let json: serde_json::Value =
        serde_json::from_slice(&reviewer.get(&format!("{path}/export.json")).body).expect("json");
    assert_eq!(
        json["protective_marking"],
        ours.inbox.protective_marking.as_str()
    );
    assert_eq!(json["state"], "closed");
    let moves: Vec<&str> = (json["history"].as_array().expect("history").iter())
        .map(|s| s["move"].as_str().expect("move"))
        .collect();
    assert_eq!(
        moves,
        [
            "sign-off",
            "dispute",
            "to-board",
            "hear",
            "propose-closing",
            "close"
        ]
    );
    assert_eq!(json["history"][1]["by"], "rev.harbour");
    assert_eq!(json["history"][5]["by"], "chair.harbour");
    assert_eq!(json["history"][5]["role"], "chair");
    let actions = ih.audit_actions();
    for a in moves {
        let a = format!("move:{a}");
        assert!(actions.contains(&a), "audit has {a}: {actions:?}");
    }
}

#[test]
fn a_form_naming_a_workflow_its_partnership_does_not_declare_fails_prem_check_by_name() {
    let site = crate::support::fixture::copy_of("harbour");
    let form = site.path().join("forms/young-person.toml");
    let text = std::fs::read_to_string(&form).expect("read");
    std::fs::write(
        &form,
        text.replace("workflow = \"young-person\"", "workflow = \"referral\""),
    )
    .expect("write");
    let out = crate::support::process::run(site.path(), &["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("form \"young-person\": workflow \"referral\" is not declared in prem.toml")
            && err.contains("declared: notes, young-person"),
        "{err}"
    );
}
