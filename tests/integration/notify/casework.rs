//! Notifications from the workspace itself, through a real SMTP server: a pulled referral tells
//! its own council's lead (no one else) that it waits for sign-off; signing it off tells the
//! panel's reviewers and chair, not the lead who did it; and no message names the young person,
//! the reference, a council or any answer.

use std::time::Duration;

use prem::workspace::accounts;

use super::relay_on;
use crate::support::smtp::SmtpServer;
use crate::support::workspace::WorkspaceHarness;
use crate::support::{Harness, MARKER};

#[test]
fn each_step_of_a_case_tells_exactly_whoever_must_act_next_and_nothing_of_the_case() {
    let smtp = SmtpServer::start();
    let h = Harness::start(|_| {});
    let reference = h.submit_one("young-person");
    let ih = WorkspaceHarness::start(&h, &h.internal_url(""), |c| c.notify = relay_on(smtp.port));
    let store = &ih.inbox().store;
    let lead = ih.signed_in("lead.north", "council-lead", Some("Northcliff"));
    for (name, role, la) in [
        ("lead.east", "council-lead", Some("Eastmouth")),
        ("rev.one", "reviewer", None),
        ("chair.one", "chair", None),
        ("office.north", "business-support", Some("Northcliff")),
    ] {
        ih.add_user(name, role, la);
    }
    for name in [
        "lead.north",
        "lead.east",
        "rev.one",
        "chair.one",
        "office.north",
    ] {
        let addr = format!("{name}@council.example.org");
        accounts::set_email(store, name, Some(&addr)).expect("email");
    }

    // Pulled: it waits for the presenting council's lead alone.
    ih.pull();
    let mail = smtp.wait_for(1, Duration::from_secs(10));
    std::thread::sleep(Duration::from_millis(500));
    let mail_now = smtp.messages();
    assert_eq!(mail_now.len(), 1, "{mail_now:?}");
    assert_eq!(mail[0].rcpt_to, "lead.north@council.example.org");
    assert!(
        mail[0].subject.contains("waiting for endorsement"),
        "{}",
        mail[0].subject
    );

    // Signed off: the panel's movers are told, not the lead who signed it off, not the office.
    let r = store.all().expect("all").remove(0);
    let sign_off = format!("/cases/{}/moves/sign-off", r.key.path());
    assert_eq!(
        lead.submit(&sign_off, &sign_off, &[("reason", "Ours.")])
            .status,
        200
    );
    let mail = smtp.wait_for(3, Duration::from_secs(10));
    std::thread::sleep(Duration::from_millis(500));
    let all = smtp.messages();
    assert_eq!(all.len(), 3, "{all:?}");
    let mut told: Vec<&str> = mail[1..].iter().map(|m| m.rcpt_to.as_str()).collect();
    told.sort();
    assert_eq!(
        told,
        [
            "chair.one@council.example.org",
            "rev.one@council.example.org"
        ]
    );
    assert!(mail[1..]
        .iter()
        .all(|m| m.subject.contains("waiting for review")));

    // Nothing of the case in any message.
    let answers = &r.submission.answers;
    let mut forbidden = vec![
        MARKER.to_string(),
        reference.clone(),
        "Northcliff".into(),
        "Eastmouth".into(),
    ];
    forbidden.extend(
        answers
            .values
            .values()
            .filter_map(|v| v.as_one())
            .filter(|v| v.len() > 3)
            .map(String::from),
    );
    for m in &all {
        for word in &forbidden {
            assert!(
                !m.raw.contains(word.as_str()) && !m.body.contains(word.as_str()),
                "{word:?} in {}",
                m.raw
            );
        }
    }
}
