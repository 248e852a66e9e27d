//! The meeting cycle as configuration (`[meetings]`, `[[meetings.series]]`): which panels meet,
//! on what rhythm, who chairs them, who attends, when their agenda must go out, and the risk
//! levels and decisions their minutes choose from. One partnership meets monthly per local
//! authority, another every working day and every other Wednesday; both are written here, in
//! `prem.toml`, so the engine names no day, panel or agency of its own.
//!
//! Every rule is a small typed table rather than a phrase to parse ("second Thursday"), so a
//! typo is refused by the loader with the line it is on, and the rest by `validate` with the key.

use anyhow::{bail, Result};
use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::workflow::{id_ok, RoleConfig};

#[cfg(test)]
mod tests;

/// `[meetings]`: the series, and the lists their minutes and requests draw on.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct MeetingsConfig {
    /// `[[meetings.series]]`: none by default, so a partnership without meetings has no calendar.
    pub series: Vec<SeriesConfig>,
    /// The risk levels a minute records, in the order the pages offer them.
    pub risk_levels: Vec<String>,
    /// The decisions a minute records for a case.
    pub minute_decisions: Vec<DecisionConfig>,
    /// How soon an extraordinary meeting must be convened once requested.
    pub extraordinary: Deadline,
    /// The workflow states (from `[workflows.NAME]`) a case may be listed for a meeting from,
    /// and an extraordinary meeting requested: none by default, so nothing is offered until a
    /// partnership says which of its states mean "the panel has it".
    pub listable_states: Vec<String>,
    /// The questions (ids from `forms/`) whose answers an agenda gives as the reason for
    /// referral, in order; a form without any of them shows none.
    pub agenda_reason: Vec<String>,
    /// The questions whose answers an agenda gives as the work done so far (the latest minute
    /// of the case follows them).
    pub agenda_work_done: Vec<String>,
}

impl Default for MeetingsConfig {
    fn default() -> Self {
        let decision = |id: &str, title: &str, next_review| DecisionConfig {
            id: id.into(),
            title: title.into(),
            next_review,
        };
        MeetingsConfig {
            series: Vec::new(),
            risk_levels: ["low", "medium", "high"].map(String::from).to_vec(),
            minute_decisions: vec![
                decision("continue", "Continue with the agreed actions", true),
                decision("review-date", "Review on a set date", true),
                decision("exit-proposed", "Exit proposed", false),
                decision("escalate", "Escalate", true),
            ],
            extraordinary: Deadline::WorkingDays(2),
            listable_states: Vec::new(),
            agenda_reason: Vec::new(),
            agenda_work_done: Vec::new(),
        }
    }
}

/// One series of meetings: a panel that meets on a rule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesConfig {
    /// Stable id, part of every meeting's id: lowercase letters, digits, '-' or '_'.
    pub id: String,
    pub title: String,
    /// The local authority whose cases this series hears (one of
    /// `partnership.local_authorities`); none for a series that hears every LA's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub la: Option<String>,
    pub rule: Rule,
    /// When the meeting starts, in the partnership's zone.
    pub time: TimeOfDay,
    #[serde(default = "default_duration")]
    pub duration_minutes: u32,
    /// What happens to a meeting the rule puts on a bank holiday.
    #[serde(default)]
    pub on_holiday: OnHoliday,
    /// Roles (from `[[roles]]`) that chair the meeting …
    pub chair_roles: Vec<String>,
    /// … and those that chair it in the chair's absence.
    #[serde(default)]
    pub vice_chair_roles: Vec<String>,
    /// The member agencies, offered when choosing whom to invite for a case.
    #[serde(default)]
    pub members: Vec<String>,
    /// When the agenda must be sent; none when the series sends no agenda ahead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agenda_send_by: Option<SendBy>,
}

fn default_duration() -> u32 {
    120
}

/// How a series repeats, tagged by `repeat`:
/// `{ repeat = "monthly", week = "second", day = "thursday" }`,
/// `{ repeat = "weekly", weeks = 2, day = "wednesday", from = "2027-01-06" }`,
/// `{ repeat = "every-working-day" }`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(tag = "repeat", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Rule {
    /// The `week`th `day` of every month.
    Monthly { week: Nth, day: Day },
    /// Every `weeks` weeks on `day`, the first meeting on `from` (which must be that day).
    Weekly {
        #[serde(default = "one")]
        weeks: u32,
        day: Day,
        #[serde(deserialize_with = "date")]
        from: NaiveDate,
    },
    /// Monday to Friday, bank holidays left out. (Braces, so that a stray key beside `repeat`
    /// is refused as on the other rules: serde ignores extra keys of a unit variant.)
    EveryWorkingDay {},
}

fn one() -> u32 {
    1
}

/// A date written as a TOML date (`2027-01-06`) or as text (`"2027-01-06"`, as the environment
/// gives it).
fn date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Toml(toml::value::Datetime),
        Text(String),
    }
    let text = match Written::deserialize(d)? {
        Written::Toml(t) => t.to_string(),
        Written::Text(s) => s,
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map_err(|_| serde::de::Error::custom(format!("\"{text}\" is not a date like 2027-01-06")))
}

/// Which of a month's weekdays: the first to the fourth (every month has them) or the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Nth {
    First,
    Second,
    Third,
    Fourth,
    Last,
}

/// A day of the week, written in full in lowercase (`thursday`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Day {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl From<Day> for chrono::Weekday {
    fn from(d: Day) -> Self {
        use chrono::Weekday::*;
        match d {
            Day::Monday => Mon,
            Day::Tuesday => Tue,
            Day::Wednesday => Wed,
            Day::Thursday => Thu,
            Day::Friday => Fri,
            Day::Saturday => Sat,
            Day::Sunday => Sun,
        }
    }
}

/// A meeting the rule puts on a bank holiday moves to the next working day, or does not happen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnHoliday {
    #[default]
    NextWorkingDay,
    Skip,
}

/// A clock time written `HH:MM` (`"10:00"`, `"16:30"`), kept as such when written back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeOfDay(pub NaiveTime);

impl std::str::FromStr for TimeOfDay {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let well_formed = s.len() == 5 && s.as_bytes()[2] == b':';
        match NaiveTime::parse_from_str(s, "%H:%M") {
            Ok(t) if well_formed => Ok(TimeOfDay(t)),
            _ => Err(format!(
                "time \"{s}\" must be written HH:MM on the 24-hour clock, e.g. \"10:00\""
            )),
        }
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.format("%H:%M").to_string())
    }
}

/// When a series' agenda must be sent: one of `days_before` (calendar days), `working_days_before`
/// or `weekday_before` (the last such day before the meeting), at `at` (the meeting's own time
/// when left out). A send-by day that is not a working day comes forward to the working day
/// before it, since nobody is there to send it. Examples: `{ days_before = 7 }` (a week ahead),
/// `{ working_days_before = 1, at = "16:00" }`, `{ weekday_before = "monday", at = "12:00" }`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SendBy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_before: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_days_before: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday_before: Option<Day>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<TimeOfDay>,
}

/// Which day a `SendBy` names, once validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Before {
    Days(u32),
    WorkingDays(u32),
    Weekday(Day),
}

impl SendBy {
    /// The one day form given (checked at load; a week ahead if somehow none is).
    pub fn before(&self) -> Before {
        match (
            self.days_before,
            self.working_days_before,
            self.weekday_before,
        ) {
            (_, Some(n), _) => Before::WorkingDays(n),
            (_, _, Some(d)) => Before::Weekday(d),
            (n, _, _) => Before::Days(n.unwrap_or(7)),
        }
    }
}

/// One decision a minute may record, e.g. "exit proposed".
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionConfig {
    pub id: String,
    pub title: String,
    /// The minute must then give the date of the next review.
    #[serde(default = "yes")]
    pub next_review: bool,
}

fn yes() -> bool {
    true
}

/// A deadline in clock hours (`{ hours = 24 }`) or in working days (`{ working_days = 2 }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Deadline {
    Hours(u32),
    WorkingDays(u32),
}

/// Checks `[meetings]` against the roles, local authorities and workflow states, naming the key
/// of any mistake.
pub fn validate(
    m: &MeetingsConfig,
    roles: &[RoleConfig],
    local_authorities: &[String],
    states: &[&str],
) -> Result<()> {
    for (n, s) in m.listable_states.iter().enumerate() {
        if !states.contains(&s.as_str()) {
            bail!(
                "meetings.listable_states[{}]: \"{s}\" is not a state of any workflow (states: {})",
                n + 1,
                states.join(", ")
            );
        }
    }
    let mut ids: Vec<&str> = Vec::new();
    for (n, s) in m.series.iter().enumerate() {
        let at = format!("meetings.series[{}]", n + 1);
        if !id_ok(&s.id) || ids.contains(&s.id.as_str()) {
            bail!(
                "{at}.id: \"{}\" must be unique and lowercase letters, digits, '-' or '_'",
                s.id
            );
        }
        ids.push(&s.id);
        validate_series(&at, s, roles, local_authorities)?;
    }
    if m.risk_levels.is_empty() {
        bail!("meetings.risk_levels is empty: give the levels a minute chooses from, e.g. [\"low\", \"medium\", \"high\"]");
    }
    for (n, level) in m.risk_levels.iter().enumerate() {
        if level.trim().is_empty() || m.risk_levels[..n].contains(level) {
            bail!(
                "meetings.risk_levels[{}]: \"{level}\" is empty or given twice",
                n + 1
            );
        }
    }
    if m.minute_decisions.is_empty() {
        bail!("meetings.minute_decisions is empty: declare the decisions a minute records (or leave the key out for the defaults)");
    }
    for (n, d) in m.minute_decisions.iter().enumerate() {
        let at = format!("meetings.minute_decisions[{}]", n + 1);
        if !id_ok(&d.id) || m.minute_decisions[..n].iter().any(|e| e.id == d.id) {
            bail!(
                "{at}.id: \"{}\" must be unique and lowercase letters, digits, '-' or '_'",
                d.id
            );
        }
        if d.title.trim().is_empty() {
            bail!("{at}.title is empty: give the words the minute shows");
        }
    }
    if matches!(
        m.extraordinary,
        Deadline::Hours(0) | Deadline::WorkingDays(0)
    ) {
        bail!("meetings.extraordinary: the deadline must be at least 1 (hour or working day)");
    }
    Ok(())
}

fn validate_series(
    at: &str,
    s: &SeriesConfig,
    roles: &[RoleConfig],
    local_authorities: &[String],
) -> Result<()> {
    if s.title.trim().is_empty() {
        bail!("{at}.title is empty: give the meeting's name as pages show it");
    }
    if let Some(la) = s.la.as_ref().filter(|la| !local_authorities.contains(la)) {
        bail!(
            "{at}.la: \"{la}\" is not one of partnership.local_authorities ({})",
            local_authorities.join(", ")
        );
    }
    if let Rule::Weekly { weeks, day, from } = &s.rule {
        if !(1..=52).contains(weeks) {
            bail!("{at}.rule: weeks is {weeks}: it must be 1 to 52");
        }
        if from.weekday() != chrono::Weekday::from(*day) {
            bail!(
                "{at}.rule: from {from} is a {}, not the rule's day (give a date that is one)",
                from.format("%A")
            );
        }
    }
    if !(1..=24 * 60).contains(&s.duration_minutes) {
        bail!(
            "{at}.duration_minutes is {}: it must be 1 to 1440",
            s.duration_minutes
        );
    }
    if s.chair_roles.is_empty() {
        bail!("{at}.chair_roles is empty: name the roles (from [[roles]]) that chair it");
    }
    for (key, list) in [
        ("chair_roles", &s.chair_roles),
        ("vice_chair_roles", &s.vice_chair_roles),
    ] {
        for role in list {
            if !roles.iter().any(|r| &r.id == role) {
                let known: Vec<&str> = roles.iter().map(|r| r.id.as_str()).collect();
                bail!(
                    "{at}.{key}: unknown role \"{role}\" (declared roles: {})",
                    known.join(", ")
                );
            }
        }
    }
    for (n, member) in s.members.iter().enumerate() {
        if member.trim().is_empty() || s.members[..n].contains(member) {
            bail!(
                "{at}.members[{}]: \"{member}\" is empty or given twice",
                n + 1
            );
        }
    }
    if let Some(send) = &s.agenda_send_by {
        let given = [
            send.days_before.is_some(),
            send.working_days_before.is_some(),
            send.weekday_before.is_some(),
        ];
        if given.iter().filter(|g| **g).count() != 1 {
            bail!("{at}.agenda_send_by: give exactly one of days_before, working_days_before or weekday_before");
        }
        if let Some(n) = send.days_before.or(send.working_days_before) {
            if !(1..=90).contains(&n) {
                bail!("{at}.agenda_send_by: {n} days before must be 1 to 90");
            }
        }
    }
    Ok(())
}
