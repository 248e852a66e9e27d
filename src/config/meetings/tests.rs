//! `[meetings]` read from a real `prem.toml`, and each mistake refused with its key.

use super::super::{Config, CONFIG_FILE};
use super::*;

/// Two LAs, the default roles, and three series: one per rhythm the seeds describe.
const BASE: &str = r#"
[partnership]
local_authorities = ["Alpha", "Beta"]

[meetings]
risk_levels = ["low", "medium", "high"]
extraordinary = { hours = 24 }

[[meetings.series]]
id = "alpha"
title = "Alpha panel"
la = "Alpha"
rule = { repeat = "monthly", week = "second", day = "thursday" }
time = "10:00"
chair_roles = ["chair"]
vice_chair_roles = ["la-manager"]
members = ["Police", "Housing"]
agenda_send_by = { days_before = 7 }

[[meetings.series]]
id = "fortnightly"
title = "Operational review"
rule = { repeat = "weekly", weeks = 2, day = "wednesday", from = 2027-01-06 }
time = "10:30"
chair_roles = ["chair"]
agenda_send_by = { weekday_before = "monday", at = "12:00" }

[[meetings.series]]
id = "daily"
title = "Daily risk meeting"
rule = { repeat = "every-working-day" }
time = "09:00"
duration_minutes = 45
chair_roles = ["reviewer"]
agenda_send_by = { working_days_before = 1, at = "16:00" }
"#;

fn load(text: &str) -> Result<Config, String> {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(CONFIG_FILE), text).expect("write");
    Config::load_with_env(dir.path(), Vec::<(String, String)>::new()).map_err(|e| format!("{e:#}"))
}

#[test]
fn each_rhythm_is_read_into_its_typed_rule() {
    let c = load(BASE).expect("the base loads");
    let m = &c.meetings;
    assert_eq!(m.series.len(), 3);
    assert_eq!(
        m.series[0].rule,
        Rule::Monthly {
            week: Nth::Second,
            day: Day::Thursday
        }
    );
    assert_eq!(m.series[0].la.as_deref(), Some("Alpha"));
    assert_eq!(m.series[0].duration_minutes, 120, "the default length");
    assert_eq!(m.series[0].on_holiday, OnHoliday::NextWorkingDay);
    let anchor = NaiveDate::from_ymd_opt(2027, 1, 6).expect("date");
    assert_eq!(
        m.series[1].rule,
        Rule::Weekly {
            weeks: 2,
            day: Day::Wednesday,
            from: anchor
        }
    );
    assert_eq!(m.series[2].rule, Rule::EveryWorkingDay {});
    let send = m.series[2].agenda_send_by.as_ref().expect("send by");
    assert_eq!(send.before(), Before::WorkingDays(1));
    assert_eq!(send.at, Some("16:00".parse().expect("time")));
    assert_eq!(m.extraordinary, Deadline::Hours(24));
    assert_eq!(m.minute_decisions.len(), 4, "the default decisions");
}

#[test]
fn without_a_meetings_table_there_are_no_series_and_the_default_lists() {
    let c = load("").expect("loads");
    assert!(c.meetings.series.is_empty());
    assert_eq!(c.meetings.risk_levels, ["low", "medium", "high"]);
    assert_eq!(c.meetings.extraordinary, Deadline::WorkingDays(2));
    assert!(c
        .meetings
        .minute_decisions
        .iter()
        .any(|d| d.id == "exit-proposed" && !d.next_review));
}

#[test]
fn a_date_may_be_written_as_text_too() {
    let text = BASE.replace("from = 2027-01-06", "from = \"2027-01-06\"");
    let c = load(&text).expect("loads");
    assert!(matches!(c.meetings.series[1].rule, Rule::Weekly { .. }));
}

#[test]
fn every_mistake_is_refused_naming_its_key() {
    for (from, to, want) in [
        (
            "la = \"Alpha\"",
            "la = \"Gamma\"",
            "meetings.series[1].la: \"Gamma\" is not one of partnership.local_authorities",
        ),
        (
            "vice_chair_roles = [\"la-manager\"]",
            "vice_chair_roles = [\"deputy\"]",
            "meetings.series[1].vice_chair_roles: unknown role \"deputy\"",
        ),
        (
            "chair_roles = [\"reviewer\"]",
            "chair_roles = []",
            "meetings.series[3].chair_roles is empty",
        ),
        (
            "from = 2027-01-06",
            "from = 2027-01-07",
            "meetings.series[2].rule: from 2027-01-07 is a Thursday",
        ),
        (
            "weeks = 2",
            "weeks = 0",
            "meetings.series[2].rule: weeks is 0",
        ),
        (
            "id = \"daily\"",
            "id = \"alpha\"",
            "meetings.series[3].id: \"alpha\" must be unique",
        ),
        (
            "id = \"daily\"",
            "id = \"Daily Meeting\"",
            "meetings.series[3].id",
        ),
        (
            "duration_minutes = 45",
            "duration_minutes = 0",
            "meetings.series[3].duration_minutes is 0",
        ),
        (
            "{ days_before = 7 }",
            "{ days_before = 7, working_days_before = 2 }",
            "meetings.series[1].agenda_send_by: give exactly one of",
        ),
        (
            "{ days_before = 7 }",
            "{ at = \"09:00\" }",
            "meetings.series[1].agenda_send_by: give exactly one of",
        ),
        (
            "{ days_before = 7 }",
            "{ days_before = 0 }",
            "meetings.series[1].agenda_send_by: 0 days",
        ),
        (
            "members = [\"Police\", \"Housing\"]",
            "members = [\"Police\", \"Police\"]",
            "meetings.series[1].members[2]",
        ),
        (
            "risk_levels = [\"low\", \"medium\", \"high\"]",
            "risk_levels = []",
            "meetings.risk_levels is empty",
        ),
        (
            "risk_levels = [\"low\", \"medium\", \"high\"]",
            "risk_levels = [\"low\", \"low\"]",
            "meetings.risk_levels[2]",
        ),
        (
            "extraordinary = { hours = 24 }",
            "extraordinary = { hours = 0 }",
            "meetings.extraordinary: the deadline must be at least 1",
        ),
        (
            "extraordinary = { hours = 24 }",
            "minute_decisions = [{ id = \"go\", title = \"\" }]",
            "meetings.minute_decisions[1].title is empty",
        ),
    ] {
        assert!(BASE.contains(from), "{from}");
        let err = load(&BASE.replacen(from, to, 1)).expect_err(to);
        assert!(err.contains(want), "{to}: {err}");
    }
}

#[test]
fn a_misspelt_word_is_refused_with_the_line_it_is_on() {
    for (from, to, want) in [
        ("week = \"second\"", "week = \"2nd\"", "2nd"),
        ("day = \"thursday\"", "day = \"thurs\"", "thurs"),
        ("week = \"second\"", "week = \"second\", wek = 1", "wek"),
        (
            "repeat = \"every-working-day\"",
            "repeat = \"every-working-day\", day = \"monday\"",
            "day",
        ),
        ("repeat = \"monthly\"", "repeat = \"monthy\"", "monthy"),
        (
            "time = \"10:00\"",
            "time = \"10am\"",
            "must be written HH:MM",
        ),
        (
            "time = \"10:00\"",
            "time = \"25:00\"",
            "must be written HH:MM",
        ),
        (
            "extraordinary = { hours = 24 }",
            "extraordinary = { days = 1 }",
            "days",
        ),
        (
            "time = \"09:00\"",
            "time = \"09:00\"\non_holiday = \"ignore\"",
            "ignore",
        ),
    ] {
        let err = load(&BASE.replacen(from, to, 1)).expect_err(to);
        assert!(
            err.contains(want) && err.contains("prem.toml:"),
            "{to}: {err}"
        );
    }
}

#[test]
fn a_time_is_written_back_as_it_was_given() {
    let t: TimeOfDay = "09:05".parse().expect("time");
    let back = toml::Value::try_from(SendBy {
        days_before: None,
        working_days_before: Some(1),
        weekday_before: None,
        at: Some(t),
    })
    .expect("serialise");
    assert_eq!(back.get("at").and_then(|v| v.as_str()), Some("09:05"));
    assert!("9:05".parse::<TimeOfDay>().is_err());
}

#[test]
fn the_project_and_the_harbour_fixture_declare_their_own_cycles() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let none = Vec::<(String, String)>::new;
    let project = Config::load_with_env(root, none()).expect("prem.toml loads");
    let las = &project.partnership.local_authorities;
    assert_eq!(project.meetings.series.len(), las.len(), "a panel per LA");
    for la in las {
        let s = (project.meetings.series.iter())
            .find(|s| s.la.as_ref() == Some(la))
            .unwrap_or_else(|| panic!("no series for {la}"));
        assert!(matches!(s.rule, Rule::Monthly { .. }), "{la} meets monthly");
        let send = s.agenda_send_by.as_ref().map(SendBy::before);
        assert_eq!(send, Some(Before::Days(7)), "{la}: agenda a week ahead");
    }
    let harbour = Config::load_with_env(&root.join("tests/fixtures/harbour"), none())
        .expect("the fixture loads");
    let rules: Vec<&Rule> = harbour.meetings.series.iter().map(|s| &s.rule).collect();
    assert!(matches!(
        rules[..],
        [
            Rule::Weekly { weeks: 2, .. },
            Rule::EveryWorkingDay {},
            Rule::Monthly { .. }
        ]
    ));
    assert_eq!(harbour.meetings.extraordinary, Deadline::Hours(24));
    assert_ne!(harbour.meetings.risk_levels, project.meetings.risk_levels);
}
