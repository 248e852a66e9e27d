//! A second partnership runs on its own files alone. The harbour fixture's form ids, question
//! ids, local authorities, reference prefix, marking, calendar, decision deadline and escalation
//! stages (titles, questions, deadlines and the roles that record each) all differ from the
//! project's; a referral goes from its kiosk through its inbox to the end of its escalation
//! route, and every one of those comes out as the fixture says, with no Rust change.

use chrono::{Days, NaiveDate, TimeZone, Utc};
use prem::workspace::accounts::Role;

use crate::support::workspace::InboxHarness;
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
    let (stages, theirs) = (&ours.inbox.escalation, &project.inbox.escalation);
    assert_eq!(stages.len(), 2);
    for (n, (a, b)) in stages.iter().zip(theirs).enumerate() {
        assert!(
            a.title != b.title
                && a.question != b.question
                && (a.working_days, a.days) != (b.working_days, b.days),
            "stage {n} must differ from the project's"
        );
    }
    assert_ne!(stages[0].roles, theirs[0].roles, "round one's roles");
    assert_ne!(
        ours.inbox.decision_working_days,
        project.inbox.decision_working_days
    );
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
    let ih = InboxHarness::start(&h, &h.internal_url(""), |_| {});
    ih.pull();
    let r = ih.inbox().store.all().expect("all").remove(0);
    assert_eq!(r.submission.reference, reference);
    // The LAs come from the fixture's own questions (bringing_council, yp_council), as answered.
    let form = ih.inbox().form_of(&r);
    assert_eq!(r.presenting_authority(form), Some("Northcliff"));
    assert_eq!(r.owning_authority(form), Some("Eastmouth"));

    // Deadlines count the fixture's days in the fixture's (Scottish) calendar. Sent on Friday
    // 27 November 2026, a decision is due three working days on, skipping St Andrew's Day
    // (Monday 30th, a working day in England): Thursday 3 December. A second round opened then
    // is due ten working days on: Monday 14 December.
    let friday = Utc
        .with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .expect("time");
    let december = |d| NaiveDate::from_ymd_opt(2026, 12, d).expect("date");
    let mut earlier = r.clone();
    earlier.created_at = friday;
    assert_eq!(ih.inbox().decision_deadline(&earlier), december(3));
    assert_eq!(ih.inbox().rules(&r).stage_deadline(1, friday), december(14));
    // The decision on this referral is due three working days after the day it was sent.
    let calendar = ours.calendar();
    let sent = r.created_at.with_timezone(&ours.zone()).date_naive();
    let due = calendar.add_working_days(sent, 3);
    assert_ne!(
        due,
        calendar.add_working_days(sent, 7),
        "not the project's seven"
    );
    let reviewer = ih.signed_in("rev.harbour", Role::Reviewer, None);
    let path = format!("/referrals/{}", r.key.path());
    let page = reviewer.get(&path).text();
    assert!(page.contains(&long(due)), "decision due {due}: {page}");
    let list = reviewer.get("/").text();
    assert!(
        list.contains(&due.format("%-d %b %Y").to_string()),
        "{list}"
    );

    // A disputed decision opens the fixture's first stage: its title, its question, due in
    // two calendar days.
    let page = reviewer
        .submit(
            &path,
            &format!("{path}/decision"),
            &[("outcome", "escalate"), ("rationale", "Referrer disputes.")],
        )
        .text();
    let stage1_due = today(&h) + Days::new(2);
    for want in [
        stages[0].title.as_str(),
        stages[0].question.as_str(),
        &format!("Due by {}", long(stage1_due)),
    ] {
        assert!(page.contains(want), "{want}: {page}");
    }
    for theirs in theirs {
        assert!(!page.contains(&theirs.title), "the project's stage: {page}");
    }

    // Round one is recorded by a reviewer here (the project gives it to the chair): a chair is
    // refused, the reviewer records that it stays unresolved.
    let escalation = format!("{path}/escalation");
    let chair = ih.signed_in("chair.harbour", Role::Chair, None);
    let page = chair.get(&path).text();
    assert!(
        page.contains(&stages[0].title) && !page.contains(&stages[0].question),
        "the chair is not offered round one: {page}"
    );
    let fields = [
        ("result", "unresolved"),
        ("rationale", "Lead could not settle it."),
    ];
    assert_eq!(chair.submit(&path, &escalation, &fields).status, 403);
    let res = reviewer.submit(&path, &escalation, &fields);
    assert_eq!(res.status, 200);
    let page = res.text();
    let stage2_due = calendar.add_working_days(today(&h), 10);
    for want in [
        stages[1].title.as_str(),
        &format!("Due by {}", long(stage2_due)),
    ] {
        assert!(page.contains(want), "{want}: {page}");
    }
    assert!(
        !page.contains(&stages[1].question),
        "the reviewer is not offered round two: {page}"
    );
    assert!(chair.get(&path).contains(&stages[1].question));

    // Round two is the board's chair's: the reviewer is refused, the chair decides.
    let fields = [("result", "accept"), ("rationale", "The board agreed.")];
    assert_eq!(reviewer.submit(&path, &escalation, &fields).status, 403);
    let page = chair.submit(&path, &escalation, &fields).text();
    assert!(
        page.contains(&stages[1].title) && page.contains("Accepted"),
        "{page}"
    );

    // The export carries the fixture's marking and the deadlines as they were set.
    let json: serde_json::Value =
        serde_json::from_slice(&reviewer.get(&format!("{path}/export.json")).body).expect("json");
    assert_eq!(
        json["protective_marking"],
        ours.inbox.protective_marking.as_str()
    );
    assert_eq!(json["decision_deadline"], due.to_string());
    assert_eq!(json["case"]["status"], "accepted");
    let exported = &json["case"]["escalation_stages"];
    assert_eq!(exported[0]["deadline"], stage1_due.to_string());
    assert_eq!(exported[0]["outcome"]["result"], "unresolved");
    assert_eq!(exported[0]["outcome"]["signed"]["by"], "rev.harbour");
    assert_eq!(exported[1]["deadline"], stage2_due.to_string());
    assert_eq!(exported[1]["outcome"]["signed"]["by"], "chair.harbour");
    let actions = ih.audit_actions();
    for a in [
        "decision:escalate",
        "escalation-stage1:unresolved",
        "escalation-stage2:accept",
    ] {
        assert!(actions.iter().any(|x| x == a), "audit has {a}: {actions:?}");
    }
}
