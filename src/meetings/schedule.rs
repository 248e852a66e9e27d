//! When each series meets: its rule laid over the partnership's working days, bank holidays
//! moved or skipped as the series says, each meeting's start in UTC from the partnership's zone,
//! and the moment its agenda must be published by. Also the deadline of an extraordinary
//! meeting, which counts in the same working days.

use chrono::{
    DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc,
    Weekday,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::MeetingId;
use crate::calendar::Calendar;
use crate::config::{Before, Config, Deadline, Nth, OnHoliday, Rule, SeriesConfig};

#[cfg(test)]
mod tests;

/// One meeting of a series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occurrence {
    pub series: String,
    pub date: NaiveDate,
    /// Local start time, in the partnership's zone.
    pub time: NaiveTime,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The day the rule gave, when a bank holiday moved the meeting from it.
    pub moved_from: Option<NaiveDate>,
    /// When its agenda must be published by; none when the series sends none ahead.
    pub publish_by: Option<DateTime<Utc>>,
}

/// An unpublished agenda whose send-by moment has come while its meeting is still ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgendaWarning {
    pub publish_by: DateTime<Utc>,
    pub starts_at: DateTime<Utc>,
}

impl Occurrence {
    pub fn id(&self) -> MeetingId {
        MeetingId::Scheduled {
            series: self.series.clone(),
            date: self.date,
        }
    }

    /// A warning for the dashboard when the agenda is not published, the moment it should have
    /// been has come, and the meeting has not yet begun (after that, a warning helps nobody).
    pub fn agenda_warning(&self, now: DateTime<Utc>, published: bool) -> Option<AgendaWarning> {
        let publish_by = self.publish_by?;
        (!published && publish_by <= now && now < self.starts_at).then_some(AgendaWarning {
            publish_by,
            starts_at: self.starts_at,
        })
    }
}

/// The partnership's working days and zone, which every date here is reckoned in.
#[derive(Debug, Clone, Copy)]
pub struct Schedule<'a> {
    calendar: &'a Calendar,
    zone: Tz,
}

impl Schedule<'static> {
    /// The calendar and zone `prem.toml` names.
    pub fn of(config: &Config) -> Self {
        Schedule::new(config.calendar(), config.zone())
    }
}

impl<'a> Schedule<'a> {
    pub fn new(calendar: &'a Calendar, zone: Tz) -> Self {
        Schedule { calendar, zone }
    }

    /// The meetings of `series` from `from` to `to`, both included, in date order.
    pub fn between(
        &self,
        series: &SeriesConfig,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Vec<Occurrence> {
        // A holiday moves a meeting a few days at most (Christmas to New Year), so rule days
        // from a fortnight earlier may land in the range.
        let early = from.checked_sub_days(Days::new(14)).unwrap_or(from);
        let mut days: Vec<(NaiveDate, Option<NaiveDate>)> = self
            .rule_days(&series.rule, early, to)
            .into_iter()
            .filter_map(|d| self.place(series.on_holiday, d))
            .filter(|(d, _)| (from..=to).contains(d))
            .collect();
        days.sort();
        days.dedup_by_key(|(d, _)| *d);
        days.into_iter()
            .map(|(date, moved_from)| self.occurrence(series, date, moved_from))
            .collect()
    }

    /// Every series' meetings from `from` to `to`, in the order they start.
    pub fn all_between(
        &self,
        series: &[SeriesConfig],
        from: NaiveDate,
        to: NaiveDate,
    ) -> Vec<Occurrence> {
        let mut all: Vec<Occurrence> = series
            .iter()
            .flat_map(|s| self.between(s, from, to))
            .collect();
        all.sort_by(|a, b| (a.starts_at, &a.series).cmp(&(b.starts_at, &b.series)));
        all
    }

    /// The meeting of `series` on `date`, if it meets that day (to rebuild one from its id).
    pub fn on(&self, series: &SeriesConfig, date: NaiveDate) -> Option<Occurrence> {
        self.between(series, date, date).into_iter().next()
    }

    /// The first meeting of `series` starting after `after`: where a case goes next, such as
    /// one an extraordinary meeting heard. Looks a year and a bit ahead.
    pub fn next_scheduled(
        &self,
        series: &SeriesConfig,
        after: DateTime<Utc>,
    ) -> Option<Occurrence> {
        let from = after.with_timezone(&self.zone).date_naive();
        let to = from.checked_add_days(Days::new(400))?;
        self.between(series, from, to)
            .into_iter()
            .find(|o| o.starts_at > after)
    }

    /// The first meeting after `after` that hears `la`'s cases: the earliest of the series
    /// set for that LA, or, if none is, of those hearing every LA. Where an accepted case
    /// goes unless someone chooses another meeting.
    pub fn next_for_la(
        &self,
        series: &[SeriesConfig],
        la: &str,
        after: DateTime<Utc>,
    ) -> Option<Occurrence> {
        let own: Vec<&SeriesConfig> = series
            .iter()
            .filter(|s| s.la.as_deref() == Some(la))
            .collect();
        let hearing = if own.is_empty() {
            series.iter().filter(|s| s.la.is_none()).collect()
        } else {
            own
        };
        hearing
            .into_iter()
            .filter_map(|s| self.next_scheduled(s, after))
            .min_by_key(|o| o.starts_at)
    }

    /// When an extraordinary meeting requested at `requested_at` must be held by: so many clock
    /// hours later, or so many working days later at the same local time.
    pub fn deadline(&self, requested_at: DateTime<Utc>, deadline: Deadline) -> DateTime<Utc> {
        match deadline {
            Deadline::Hours(h) => requested_at + TimeDelta::hours(i64::from(h)),
            Deadline::WorkingDays(n) => {
                let local = requested_at.with_timezone(&self.zone).naive_local();
                let day = self.calendar.add_working_days(local.date(), n);
                self.utc(day, local.time())
            }
        }
    }

    /// Today's date in the partnership's zone, for a caller holding only `now`.
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.zone).date_naive()
    }

    fn occurrence(
        &self,
        series: &SeriesConfig,
        date: NaiveDate,
        moved_from: Option<NaiveDate>,
    ) -> Occurrence {
        let time = series.time.0;
        let starts_at = self.utc(date, time);
        Occurrence {
            series: series.id.clone(),
            date,
            time,
            starts_at,
            ends_at: starts_at + TimeDelta::minutes(i64::from(series.duration_minutes)),
            moved_from,
            publish_by: self.publish_by(series, date, time),
        }
    }

    /// The send-by moment of a meeting on `date` at `time`, from the series' `agenda_send_by`.
    fn publish_by(
        &self,
        series: &SeriesConfig,
        date: NaiveDate,
        time: NaiveTime,
    ) -> Option<DateTime<Utc>> {
        let send = series.agenda_send_by.as_ref()?;
        let day = match send.before() {
            Before::Days(n) => self.working_on_or_before(date - Days::new(u64::from(n))),
            Before::WorkingDays(n) => (0..n).fold(date, |d, _| self.previous_working_day(d)),
            Before::Weekday(w) => {
                let w = Weekday::from(w);
                let mut d = date.pred_opt()?;
                while d.weekday() != w {
                    d = d.pred_opt()?;
                }
                self.working_on_or_before(d)
            }
        };
        Some(self.utc(day, send.at.map_or(time, |t| t.0)))
    }

    /// The days the rule names in `from..=to`, before any holiday is considered.
    fn rule_days(&self, rule: &Rule, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        match rule {
            Rule::Monthly { week, day } => {
                let mut out = Vec::new();
                let mut month = from.with_day(1).unwrap_or(from);
                while month <= to {
                    if let Some(d) = nth_weekday(month, *week, (*day).into()) {
                        if (from..=to).contains(&d) {
                            out.push(d);
                        }
                    }
                    month = month + chrono::Months::new(1);
                }
                out
            }
            Rule::Weekly {
                weeks, from: first, ..
            } => {
                let step = i64::from(*weeks).max(1) * 7;
                let gap = (from - *first).num_days().max(0);
                // The first meeting on or after `from`: whole steps on from the anchor.
                let mut d = *first + TimeDelta::days((gap + step - 1) / step * step);
                let mut out = Vec::new();
                while d <= to {
                    out.push(d);
                    d += TimeDelta::days(step);
                }
                out
            }
            Rule::EveryWorkingDay {} => from
                .iter_days()
                .take_while(|d| *d <= to)
                .filter(|d| self.calendar.is_working_day(*d))
                .collect(),
        }
    }

    /// Where a rule day's meeting is held: the day itself, the next working day if a bank
    /// holiday falls on it, or nowhere. A weekend is no holiday: a series set on a Saturday
    /// stays there.
    fn place(&self, on_holiday: OnHoliday, d: NaiveDate) -> Option<(NaiveDate, Option<NaiveDate>)> {
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        if weekend || self.calendar.is_working_day(d) {
            return Some((d, None));
        }
        match on_holiday {
            OnHoliday::Skip => None,
            OnHoliday::NextWorkingDay => Some((self.calendar.add_working_days(d, 1), Some(d))),
        }
    }

    fn previous_working_day(&self, d: NaiveDate) -> NaiveDate {
        self.working_on_or_before(d.pred_opt().unwrap_or(d))
    }

    fn working_on_or_before(&self, mut d: NaiveDate) -> NaiveDate {
        while !self.calendar.is_working_day(d) {
            match d.pred_opt() {
                Some(p) => d = p,
                None => break,
            }
        }
        d
    }

    /// A local date and time in the zone as UTC. A time the clocks skip (the spring-forward
    /// hour) is read an hour later; a time they repeat, as its first instance.
    fn utc(&self, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        let local = NaiveDateTime::new(date, time);
        self.zone
            .from_local_datetime(&local)
            .earliest()
            .or_else(|| {
                self.zone
                    .from_local_datetime(&(local + TimeDelta::hours(1)))
                    .earliest()
            })
            .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc))
    }
}

/// The `week`th `day` of the month `first` falls in.
fn nth_weekday(first: NaiveDate, week: Nth, day: Weekday) -> Option<NaiveDate> {
    let n = match week {
        Nth::First => 1,
        Nth::Second => 2,
        Nth::Third => 3,
        Nth::Fourth => 4,
        Nth::Last => {
            let next = first.with_day(1)? + chrono::Months::new(1);
            let mut d = next.pred_opt()?;
            while d.weekday() != day {
                d = d.pred_opt()?;
            }
            return Some(d);
        }
    };
    NaiveDate::from_weekday_of_month_opt(first.year(), first.month(), day, n)
}
