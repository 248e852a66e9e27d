//! A year of each rhythm in the seeds, bank holidays in two nations, agenda send-by moments
//! and extraordinary deadlines, all on fixed dates.

use super::*;
use crate::config::{Day, SendBy, TimeOfDay};
use crate::meetings::fixture::{at as utc, day};

fn series(rule: Rule, time: &str) -> SeriesConfig {
    SeriesConfig {
        id: "panel".into(),
        title: "Panel".into(),
        la: None,
        rule,
        time: time.parse().expect("time"),
        duration_minutes: 90,
        on_holiday: OnHoliday::NextWorkingDay,
        chair_roles: vec!["chair".into()],
        vice_chair_roles: Vec::new(),
        members: Vec::new(),
        agenda_send_by: None,
    }
}

fn send_by(before: Before, at: Option<&str>) -> Option<SendBy> {
    let mut send = SendBy {
        days_before: None,
        working_days_before: None,
        weekday_before: None,
        at: at.map(|t| t.parse::<TimeOfDay>().expect("time")),
    };
    match before {
        Before::Days(n) => send.days_before = Some(n),
        Before::WorkingDays(n) => send.working_days_before = Some(n),
        Before::Weekday(d) => send.weekday_before = Some(d),
    }
    Some(send)
}

fn monthly(week: Nth, day: Day, time: &str) -> SeriesConfig {
    series(Rule::Monthly { week, day }, time)
}

/// Monthly on the second Thursday at 10:00, no agenda sent ahead.
fn second_thursdays() -> SeriesConfig {
    monthly(Nth::Second, Day::Thursday, "10:00")
}

fn england() -> Schedule<'static> {
    Schedule::new(
        Calendar::named("england-and-wales").expect("built in"),
        chrono_tz::Europe::London,
    )
}

fn scotland() -> Schedule<'static> {
    Schedule::new(
        Calendar::named("scotland").expect("built in"),
        chrono_tz::Europe::London,
    )
}

fn dates(o: &[Occurrence]) -> Vec<String> {
    o.iter().map(|o| o.date.to_string()).collect()
}

#[test]
fn a_year_of_second_thursdays_lands_on_twelve_right_days() {
    let s = second_thursdays();
    let year = england().between(&s, day("2027-01-01"), day("2027-12-31"));
    assert_eq!(
        dates(&year),
        [
            "2027-01-14",
            "2027-02-11",
            "2027-03-11",
            "2027-04-08",
            "2027-05-13",
            "2027-06-10",
            "2027-07-08",
            "2027-08-12",
            "2027-09-09",
            "2027-10-14",
            "2027-11-11",
            "2027-12-09"
        ]
    );
    // 10:00 in the zone: GMT in January, BST (09:00 UTC) in June.
    assert_eq!(year[0].starts_at, utc("2027-01-14T10:00:00Z"));
    assert_eq!(year[5].starts_at, utc("2027-06-10T09:00:00Z"));
    assert_eq!(year[5].ends_at, utc("2027-06-10T10:30:00Z"));
    assert!(year.iter().all(|o| o.moved_from.is_none()));
    assert_eq!(
        year[0].id().to_string(),
        "panel.2027-01-14",
        "a meeting's id is its series and day"
    );
}

#[test]
fn fourth_tuesdays_move_off_a_boxing_day_substitute() {
    let s = monthly(Nth::Fourth, Day::Tuesday, "10:00");
    let year = england().between(&s, day("2027-01-01"), day("2027-12-31"));
    let got = dates(&year);
    assert_eq!(got.len(), 12);
    assert_eq!(&got[..3], ["2027-01-26", "2027-02-23", "2027-03-23"]);
    // 28 December 2027 is the Boxing Day holiday: the meeting moves to Wednesday 29th.
    assert_eq!(got[11], "2027-12-29");
    assert_eq!(year[11].moved_from, Some(day("2027-12-28")));
    let mut skip = s.clone();
    skip.on_holiday = OnHoliday::Skip;
    assert_eq!(
        england()
            .between(&skip, day("2027-01-01"), day("2027-12-31"))
            .len(),
        11,
        "with on_holiday = skip, December has no meeting"
    );
}

#[test]
fn last_weekday_of_the_month_and_a_bank_holiday_monday() {
    let s = monthly(Nth::Last, Day::Monday, "14:00");
    let got = england().between(&s, day("2027-04-01"), day("2027-06-30"));
    // 31 May 2027 is the spring bank holiday: Tuesday 1 June instead.
    assert_eq!(dates(&got), ["2027-04-26", "2027-06-01", "2027-06-28"]);
}

#[test]
fn every_other_wednesday_counts_from_its_anchor() {
    let mut s = series(
        Rule::Weekly {
            weeks: 2,
            day: Day::Wednesday,
            from: day("2027-01-06"),
        },
        "10:30",
    );
    let year = england().between(&s, day("2026-12-01"), day("2027-12-31"));
    assert_eq!(year.len(), 26, "none before the anchor, 26 in its year");
    assert_eq!(year[0].date, day("2027-01-06"));
    assert_eq!(year[6].date, day("2027-03-31"));
    assert_eq!(year[25].date, day("2027-12-22"));
    // A range starting between meetings begins at the next one on the rhythm.
    let mid = england().between(&s, day("2027-01-07"), day("2027-02-28"));
    assert_eq!(dates(&mid), ["2027-01-20", "2027-02-03", "2027-02-17"]);
    s.rule = Rule::Weekly {
        weeks: 1,
        day: Day::Monday,
        from: day("2026-12-21"),
    };
    let weekly = england().between(&s, day("2026-12-21"), day("2027-01-11"));
    // Monday 28 December is a holiday, so that week's meeting is on Tuesday 29th.
    assert_eq!(
        dates(&weekly),
        ["2026-12-21", "2026-12-29", "2027-01-04", "2027-01-11"]
    );
}

#[test]
fn every_working_day_skips_weekends_and_christmas_in_england() {
    let s = series(Rule::EveryWorkingDay {}, "09:00");
    let got = england().between(&s, day("2026-12-21"), day("2027-01-05"));
    assert_eq!(
        dates(&got),
        [
            "2026-12-21",
            "2026-12-22",
            "2026-12-23",
            "2026-12-24",
            "2026-12-29",
            "2026-12-30",
            "2026-12-31",
            "2027-01-04",
            "2027-01-05"
        ]
    );
}

#[test]
fn every_working_day_in_scotland_keeps_st_andrews_day_and_its_new_year() {
    let s = series(Rule::EveryWorkingDay {}, "09:00");
    let nov = dates(&scotland().between(&s, day("2026-11-27"), day("2026-12-01")));
    assert_eq!(
        nov,
        ["2026-11-27", "2026-12-01"],
        "30 November is a holiday"
    );
    let jan = dates(&scotland().between(&s, day("2026-12-31"), day("2027-01-06")));
    // The 2nd of January falls on a Saturday in 2027, so Monday 4th is its substitute.
    assert_eq!(jan, ["2026-12-31", "2027-01-05", "2027-01-06"]);
    let e = dates(&england().between(&s, day("2026-11-30"), day("2026-11-30")));
    assert_eq!(e, ["2026-11-30"], "in England it is a working day");
}

#[test]
fn a_week_ahead_is_at_the_meetings_own_time_a_week_before() {
    let mut s = second_thursdays();
    s.agenda_send_by = send_by(Before::Days(7), None);
    let o = england().on(&s, day("2027-01-14")).expect("meets");
    assert_eq!(o.publish_by, Some(utc("2027-01-07T10:00:00Z")));
    // A week before Thursday 8 January 2026 is New Year's Day, a holiday, so the agenda is
    // due on the working day before it.
    let o = england().on(&s, day("2026-01-08")).expect("meets");
    assert_eq!(o.publish_by, Some(utc("2025-12-31T10:00:00Z")));
}

#[test]
fn the_daily_list_goes_by_four_on_the_previous_working_day() {
    let mut s = series(Rule::EveryWorkingDay {}, "09:00");
    s.agenda_send_by = send_by(Before::WorkingDays(1), Some("16:00"));
    let e = england();
    let monday = e.on(&s, day("2027-01-04")).expect("meets");
    // Friday 1 January is New Year's Day: the list goes on Thursday 31 December.
    assert_eq!(monday.publish_by, Some(utc("2026-12-31T16:00:00Z")));
    let tuesday = e.on(&s, day("2026-12-29")).expect("meets");
    assert_eq!(tuesday.publish_by, Some(utc("2026-12-24T16:00:00Z")));
    // In summer 16:00 is BST, 15:00 UTC.
    let june = e.on(&s, day("2027-06-15")).expect("meets");
    assert_eq!(june.publish_by, Some(utc("2027-06-14T15:00:00Z")));
    assert!(
        e.on(&s, day("2027-01-01")).is_none(),
        "no meeting on a holiday"
    );
}

#[test]
fn the_monday_before_comes_forward_over_easter() {
    let mut s = series(
        Rule::Weekly {
            weeks: 2,
            day: Day::Wednesday,
            from: day("2027-01-06"),
        },
        "10:30",
    );
    s.agenda_send_by = send_by(Before::Weekday(Day::Monday), Some("12:00"));
    let e = england();
    let jan = e.on(&s, day("2027-01-20")).expect("meets");
    assert_eq!(jan.publish_by, Some(utc("2027-01-18T12:00:00Z")));
    // Monday 29 March 2027 is Easter Monday and Friday 26th Good Friday: Thursday 25th it is.
    let easter = e.on(&s, day("2027-03-31")).expect("meets");
    assert_eq!(easter.publish_by, Some(utc("2027-03-25T12:00:00Z")));
}

#[test]
fn an_unpublished_agenda_warns_from_its_send_by_moment_until_the_meeting() {
    let mut s = second_thursdays();
    s.agenda_send_by = send_by(Before::Days(7), None);
    let o = england().on(&s, day("2027-01-14")).expect("meets");
    let warned = |now: &str, published| o.agenda_warning(utc(now), published);
    assert_eq!(warned("2027-01-07T09:59:00Z", false), None, "not yet due");
    assert_eq!(
        warned("2027-01-07T10:00:00Z", false),
        Some(AgendaWarning {
            publish_by: utc("2027-01-07T10:00:00Z"),
            starts_at: utc("2027-01-14T10:00:00Z"),
        })
    );
    assert!(warned("2027-01-13T17:00:00Z", false).is_some());
    assert_eq!(warned("2027-01-13T17:00:00Z", true), None, "published");
    assert_eq!(warned("2027-01-14T10:00:00Z", false), None, "begun");
    s.agenda_send_by = None;
    let quiet = england().on(&s, day("2027-01-14")).expect("meets");
    assert_eq!(
        quiet.agenda_warning(utc("2027-01-13T17:00:00Z"), false),
        None
    );
}

#[test]
fn the_next_scheduled_meeting_is_the_first_to_start_after() {
    let s = second_thursdays();
    let e = england();
    let next = |at: &str| e.next_scheduled(&s, utc(at)).map(|o| o.date.to_string());
    assert_eq!(next("2027-01-14T09:00:00Z").as_deref(), Some("2027-01-14"));
    assert_eq!(
        next("2027-01-14T10:00:00Z").as_deref(),
        Some("2027-02-11"),
        "a meeting that has begun is not next"
    );
    let daily = series(Rule::EveryWorkingDay {}, "09:00");
    let friday = e.next_scheduled(&daily, utc("2027-01-08T12:00:00Z"));
    assert_eq!(friday.map(|o| o.date), Some(day("2027-01-11")));
}

#[test]
fn a_case_goes_to_its_own_las_next_meeting_or_else_to_one_hearing_every_la() {
    let mut north = second_thursdays();
    north.id = "north".into();
    north.la = Some("North".into());
    let mut all = monthly(Nth::First, Day::Monday, "10:00");
    all.id = "all".into();
    let series = [north, all];
    let e = england();
    let after = utc("2027-01-01T12:00:00Z");
    let next = |la: &str| {
        e.next_for_la(&series, la, after)
            .map(|o| o.id().to_string())
    };
    assert_eq!(next("North").as_deref(), Some("north.2027-01-14"));
    assert_eq!(next("South").as_deref(), Some("all.2027-01-04"));
}

#[test]
fn all_series_together_come_in_the_order_they_start() {
    let a = series(Rule::EveryWorkingDay {}, "09:00");
    let mut b = monthly(Nth::Second, Day::Thursday, "08:30");
    b.id = "early".into();
    let all = england().all_between(&[a, b], day("2027-01-13"), day("2027-01-14"));
    let got: Vec<(String, String)> = all
        .iter()
        .map(|o| (o.series.clone(), o.date.to_string()))
        .collect();
    assert_eq!(
        got,
        [
            ("panel".into(), "2027-01-13".into()),
            ("early".into(), "2027-01-14".into()),
            ("panel".into(), "2027-01-14".into())
        ]
    );
}

#[test]
fn an_extraordinary_deadline_counts_hours_or_working_days() {
    let e = england();
    let asked = utc("2026-12-24T15:00:00Z");
    assert_eq!(
        e.deadline(asked, Deadline::Hours(24)),
        utc("2026-12-25T15:00:00Z")
    );
    // Christmas, the weekend and the Boxing Day substitute are not working days.
    assert_eq!(
        e.deadline(asked, Deadline::WorkingDays(2)),
        utc("2026-12-30T15:00:00Z")
    );
    // Across the clocks going forward, the local time is kept: 15:00 GMT → 15:00 BST.
    assert_eq!(
        e.deadline(utc("2027-03-25T15:00:00Z"), Deadline::WorkingDays(1)),
        utc("2027-03-30T14:00:00Z")
    );
    assert_eq!(e.today(utc("2027-06-30T23:30:00Z")), day("2027-07-01"));
}

#[test]
fn a_time_the_clocks_skip_is_read_an_hour_later() {
    let s = series(
        Rule::Weekly {
            weeks: 1,
            day: Day::Sunday,
            from: day("2027-03-21"),
        },
        "01:30",
    );
    let got = england().between(&s, day("2027-03-21"), day("2027-03-28"));
    assert_eq!(got[0].starts_at, utc("2027-03-21T01:30:00Z"));
    // 01:30 on 28 March 2027 does not exist in London; 02:30 BST is 01:30 UTC.
    assert_eq!(got[1].starts_at, utc("2027-03-28T01:30:00Z"));
}
