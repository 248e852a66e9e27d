use super::*;
use crate::meetings::fixture::{at, day};
use crate::meetings::Problem;

fn draft(due: Option<&str>) -> ActionDraft {
    ActionDraft {
        text: "  Home visit with the youth worker  ".into(),
        owner_agency: "Children's services".into(),
        owner_role: "Social worker".into(),
        due: due.map(day),
    }
}

/// An open action agreed on `agreed` and due on `due`.
fn action(id: &str, agreed: &str, due: &str) -> Action {
    Action::agree(id, "case-1", &draft(Some(due)), day(agreed), None).expect("valid")
}

#[test]
fn an_action_is_made_trimmed_and_open() {
    let meeting = MeetingId::Scheduled {
        series: "north".into(),
        date: day("2027-01-14"),
    };
    let a = Action::agree(
        "a1",
        "case-1",
        &draft(Some("2027-02-01")),
        day("2027-01-14"),
        Some(meeting.clone()),
    )
    .expect("valid");
    assert_eq!(a.text, "Home visit with the youth worker");
    assert_eq!(a.status, Status::Open);
    assert_eq!(a.agreed_at_meeting, Some(meeting));
    assert!(a.updates.is_empty() && a.closed_on.is_none());
}

#[test]
fn without_an_owner_or_due_date_every_problem_is_named_at_once() {
    let empty = ActionDraft {
        text: " ".into(),
        ..Default::default()
    };
    let err = Action::agree("a1", "c", &empty, day("2027-01-14"), None).expect_err("refused");
    for field in ["text", "owner_agency", "owner_role", "due"] {
        assert_eq!(err.get(field), Some(Problem::Missing), "{field}: {err}");
    }
    let mut late = draft(Some("2027-01-13"));
    late.owner_role = "x".repeat(MAX_NAME + 1);
    let err = Action::agree("a1", "c", &late, day("2027-01-14"), None).expect_err("refused");
    assert_eq!(err.get("due"), Some(Problem::Before(day("2027-01-14"))));
    assert_eq!(err.get("owner_role"), Some(Problem::TooLong(MAX_NAME)));
    assert_eq!(err.0.len(), 2, "{err}");
}

#[test]
fn updates_are_checked_and_the_latest_is_by_the_day_reported() {
    let mut a = action("a1", "2027-01-14", "2027-02-01");
    let update = |text: &str, date: &str| UpdateDraft {
        text: text.into(),
        date: Some(day(date)),
        reported_by: "Housing".into(),
    };
    let today = day("2027-01-25");
    a.record_update(
        &update("Visit booked", "2027-01-20"),
        "bs-1",
        at("2027-01-25T10:00:00Z"),
        today,
    )
    .expect("valid");
    a.record_update(
        &update("Earlier call", "2027-01-18"),
        "bs-1",
        at("2027-01-25T11:00:00Z"),
        today,
    )
    .expect("valid");
    let latest = a.latest_update().expect("one");
    assert_eq!(latest.text, "Visit booked", "reported last, recorded first");
    assert_eq!(latest.recorded_by, "bs-1");
    let err = a
        .record_update(
            &update("From the future", "2027-01-26"),
            "bs-1",
            at("2027-01-25T12:00:00Z"),
            today,
        )
        .expect_err("future");
    assert_eq!(err.get("date"), Some(Problem::After(today)));
    let err = a
        .record_update(
            &UpdateDraft::default(),
            "bs-1",
            at("2027-01-25T12:00:00Z"),
            today,
        )
        .expect_err("empty");
    assert_eq!(err.0.len(), 3, "{err}");
    assert_eq!(a.updates.len(), 2, "a refused update is not kept");
}

#[test]
fn the_views_split_open_actions_by_their_due_dates() {
    let today = day("2027-02-01");
    let next_meeting = day("2027-02-11");
    let mut done = action("done", "2027-01-14", "2027-01-20");
    done.set_status(Status::Done, day("2027-01-19"));
    let mut dropped = action("dropped", "2027-01-14", "2027-01-20");
    dropped.set_status(Status::Dropped, day("2027-01-19"));
    let all = vec![
        action("late", "2027-01-14", "2027-01-31"),
        action("soon", "2027-01-14", "2027-02-10"),
        action("today", "2027-01-14", "2027-02-01"),
        action("on-the-day", "2027-01-14", "2027-02-11"),
        done,
        dropped,
    ];
    let ids = |v: Vec<&Action>| v.iter().map(|a| a.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(overdue(&all, today)), ["late"]);
    assert_eq!(
        ids(due_before(&all, today, next_meeting)),
        ["today", "soon"]
    );
    assert_eq!(ids(completed(&all)), ["done"]);
    assert_eq!(all[4].closed_on, Some(day("2027-01-19")));
}

#[test]
fn open_actions_agreed_before_a_meeting_carry_to_it() {
    let mut reopened = action("reopened", "2027-01-14", "2027-03-01");
    reopened.set_status(Status::Done, day("2027-01-20"));
    reopened.set_status(Status::Open, day("2027-01-21"));
    assert_eq!(reopened.closed_on, None);
    let mut done = action("done", "2027-01-14", "2027-01-20");
    done.set_status(Status::Done, day("2027-01-19"));
    let all = vec![
        action("b", "2027-01-14", "2027-02-20"),
        action("a", "2027-01-14", "2027-02-01"),
        action("agreed-at-the-meeting", "2027-02-11", "2027-03-01"),
        reopened,
        done,
    ];
    let carried: Vec<&str> = carry_forward(&all, day("2027-02-11"))
        .iter()
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(carried, ["a", "b", "reopened"]);
}
