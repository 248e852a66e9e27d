//! Every move and every refusal of a case on a configured workflow, without HTTP or a store.

use std::collections::HashMap;

use chrono::{NaiveDate, TimeZone as _, Utc};

use super::*;
use crate::config::{FieldKind, MoveField};

/// A workflow written the way a partnership would: an endorsement seen only by one role, a
/// review with a working-day deadline, a dispute with a calendar-day one, and a final move
/// asking its own questions.
fn workflow() -> WorkflowConfig {
    let text = r#"
title = "Referral"
start = "endorse"

[[states]]
id = "endorse"
title = "Awaiting endorsement"
seen_by = ["manager"]

[[states]]
id = "review"
title = "In review"
working_days = 7

[[states]]
id = "disputed"
title = "Disputed"
days = 7

[[states]]
id = "open"
title = "Open"

[[states]]
id = "closed"
title = "Closed"

[[moves]]
id = "endorse"
title = "Endorse"
from = ["endorse"]
to = "review"
roles = ["manager"]

[[moves]]
id = "accept"
title = "Accept"
from = ["review", "disputed"]
to = "open"
roles = ["reviewer"]

[[moves]]
id = "dispute"
title = "Dispute"
from = ["review"]
to = "disputed"
roles = ["reviewer"]

[[moves]]
id = "close"
title = "Close"
from = ["open", "disputed"]
to = "closed"
roles = ["chair"]

[[moves.fields]]
id = "reviewed"
label = "Every action reviewed"
kind = "confirm"
required = true

[[moves.fields]]
id = "met_on"
label = "Date the panel met"
kind = "date"
required = true
by_deadline = true

[[moves.fields]]
id = "note"
label = "Anything else"
kind = "text"
"#;
    toml::from_str(text).expect("a workflow")
}

fn flow(w: &WorkflowConfig) -> Flow<'_> {
    Flow {
        workflow: w,
        start: &w.start,
        zone: chrono_tz::Europe::London,
        calendar: crate::calendar::Calendar::named("england-and-wales").expect("built in"),
    }
}

/// Monday 3 March 2025, 10:00 UTC: no bank holiday in the fortnight after.
fn monday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 3, 10, 0, 0)
        .single()
        .expect("a time")
}

fn by(role: &str, days_later: i64) -> Signer<'_> {
    Signer {
        name: "someone",
        role,
        at: monday() + chrono::Duration::days(days_later),
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

/// A post of `pairs`, as the handler hands it over.
fn post(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

#[test]
fn a_new_case_is_in_the_start_state_and_only_its_roles_see_it() {
    let w = workflow();
    let f = flow(&w);
    let case = Case::default();
    assert_eq!(f.state_id(&case), "endorse");
    assert_eq!(f.state_title(&case), "Awaiting endorsement");
    assert!(f.seen_by(&case, "manager"));
    assert!(!f.seen_by(&case, "reviewer"), "not before endorsement");
    assert_eq!(f.deadline(&case, monday()), None);
    let offered: Vec<_> = f.moves_for(&case, "manager").map(|m| &m.id).collect();
    assert_eq!(offered, ["endorse"]);
    assert_eq!(f.moves_for(&case, "reviewer").count(), 0);
}

#[test]
fn a_move_is_signed_with_its_trimmed_reason_and_starts_the_next_deadline() {
    let w = workflow();
    let f = flow(&w);
    let mut case = Case::default();
    let m = f
        .apply(
            &mut case,
            monday(),
            "endorse",
            &post(&[("reason", "  known to us \n")]),
            &by("manager", 2),
        )
        .expect("endorsed");
    assert_eq!(m.to, "review");
    assert_eq!(case.state, "review");
    let step = case.last_into("review").expect("endorsement recorded");
    assert_eq!(
        (
            step.id.as_str(),
            step.by.as_str(),
            step.role.as_str(),
            step.reason.as_str()
        ),
        ("endorse", "someone", "manager", "known to us")
    );
    assert_eq!(step.at, monday() + chrono::Duration::days(2));
    // Seven working days from Wednesday 5 March (the endorsement), not from the submission.
    assert_eq!(f.deadline(&case, monday()), Some(day(2025, 3, 14)));
    assert!(f.seen_by(&case, "reviewer"));
}

#[test]
fn the_start_state_counts_its_deadline_from_the_submission() {
    let w = workflow();
    let f = Flow {
        start: "review",
        ..flow(&w)
    };
    assert_eq!(
        f.deadline(&Case::default(), monday()),
        Some(day(2025, 3, 12))
    );
}

#[test]
fn a_calendar_day_deadline_counts_weekends() {
    let w = workflow();
    let f = flow(&w);
    let mut case = Case::default();
    let ok = post(&[("reason", "r")]);
    f.apply(&mut case, monday(), "endorse", &ok, &by("manager", 0))
        .expect("endorse");
    f.apply(&mut case, monday(), "dispute", &ok, &by("reviewer", 0))
        .expect("dispute");
    assert_eq!(f.deadline(&case, monday()), Some(day(2025, 3, 10)));
}

#[test]
fn a_move_from_the_wrong_state_or_by_the_wrong_role_is_refused_and_changes_nothing() {
    let w = workflow();
    let f = flow(&w);
    let mut case = Case::default();
    let ok = post(&[("reason", "r")]);
    let before = case.clone();
    assert_eq!(
        f.apply(&mut case, monday(), "accept", &ok, &by("reviewer", 0)),
        Err(Refusal::NotNow)
    );
    assert_eq!(
        f.apply(&mut case, monday(), "endorse", &ok, &by("reviewer", 0)),
        Err(Refusal::NotYours)
    );
    assert_eq!(
        f.apply(&mut case, monday(), "merge", &ok, &by("manager", 0)),
        Err(Refusal::Unknown)
    );
    assert_eq!(case, before);
}

#[test]
fn a_reason_is_always_required_and_every_problem_is_named_at_once() {
    let w = workflow();
    let f = flow(&w);
    let mut case = Case {
        state: "open".into(),
        ..Case::default()
    };
    let before = case.clone();
    let refused = f.apply(
        &mut case,
        monday(),
        "close",
        &post(&[
            ("reason", "   "),
            ("met_on-day", "31"),
            ("met_on-month", "2"),
            ("met_on-year", "2025"),
        ]),
        &by("chair", 0),
    );
    assert_eq!(
        refused,
        Err(Refusal::Incomplete(vec![
            ("reviewed".into(), Problem::Missing),
            ("met_on".into(), Problem::NotADate),
            ("reason".into(), Problem::Missing),
        ]))
    );
    assert_eq!(case, before);
    let long = "x".repeat(MAX_REASON + 1);
    let refused = f.apply(
        &mut case,
        monday(),
        "close",
        &post(&[
            ("reason", &long),
            ("reviewed", "yes"),
            ("met_on-day", "3"),
            ("met_on-month", "3"),
            ("met_on-year", "2025"),
        ]),
        &by("chair", 0),
    );
    assert_eq!(
        refused,
        Err(Refusal::Incomplete(vec![(
            "reason".into(),
            Problem::TooLong
        )]))
    );
}

#[test]
fn a_move_keeps_its_answers_with_their_labels_and_leaves_optional_ones_out() {
    let w = workflow();
    let f = flow(&w);
    let mut case = Case {
        state: "open".into(),
        ..Case::default()
    };
    f.apply(
        &mut case,
        monday(),
        "close",
        &post(&[
            ("reason", "managed"),
            ("reviewed", "yes"),
            ("met_on-day", "4"),
            ("met_on-month", "3"),
            ("met_on-year", "2025"),
            ("note", " "),
        ]),
        &by("chair", 1),
    )
    .expect("closed");
    let step = case.history.last().expect("a step");
    assert_eq!(
        step.answers,
        [
            ("Every action reviewed".to_string(), "Yes".to_string()),
            ("Date the panel met".to_string(), "4 March 2025".to_string()),
        ]
    );
    assert_eq!(f.moves_for(&case, "chair").count(), 0, "closed is the end");
}

#[test]
fn a_date_by_deadline_may_not_fall_after_the_deadline_of_the_state_being_left() {
    let w = workflow();
    let f = flow(&w);
    let mut case = Case::default();
    let ok = post(&[("reason", "r")]);
    f.apply(&mut case, monday(), "endorse", &ok, &by("manager", 0))
        .expect("endorse");
    f.apply(&mut case, monday(), "dispute", &ok, &by("reviewer", 0))
        .expect("dispute");
    // The dispute is due Monday 10 March: a panel date of the 11th is too late.
    let late = post(&[
        ("reason", "r"),
        ("reviewed", "yes"),
        ("met_on-day", "11"),
        ("met_on-month", "3"),
        ("met_on-year", "2025"),
    ]);
    assert_eq!(
        f.apply(&mut case, monday(), "close", &late, &by("chair", 0)),
        Err(Refusal::Incomplete(vec![(
            "met_on".into(),
            Problem::AfterDeadline(day(2025, 3, 10))
        )]))
    );
    let in_time = post(&[
        ("reason", "r"),
        ("reviewed", "yes"),
        ("met_on-day", "10"),
        ("met_on-month", "3"),
        ("met_on-year", "2025"),
    ]);
    f.apply(&mut case, monday(), "close", &in_time, &by("chair", 0))
        .expect("on the deadline day is in time");
}

#[test]
fn history_is_only_ever_appended_and_the_fingerprint_follows_every_change() {
    let w = workflow();
    let f = flow(&w);
    let mut case = Case::default();
    let ok = post(&[("reason", "r")]);
    let prints = [case.fingerprint()];
    f.apply(&mut case, monday(), "endorse", &ok, &by("manager", 0))
        .expect("endorse");
    let first = case.history[0].clone();
    assert_ne!(case.fingerprint(), prints[0]);
    f.apply(&mut case, monday(), "accept", &ok, &by("reviewer", 0))
        .expect("accept");
    assert_eq!(case.history.len(), 2);
    assert_eq!(case.history[0], first, "earlier steps are never rewritten");
    assert_eq!(
        (case.history[1].from.as_str(), case.history[1].to.as_str()),
        ("review", "open")
    );
}

#[test]
fn a_field_kind_and_its_names_are_what_the_page_posts() {
    let f = MoveField {
        id: "met_on".into(),
        label: "Date".into(),
        hint: String::new(),
        kind: FieldKind::Date,
        required: false,
        by_deadline: false,
    };
    assert_eq!(
        date_parts(&f.id),
        ["met_on-day", "met_on-month", "met_on-year"].map(String::from)
    );
}
