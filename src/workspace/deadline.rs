//! When a deadline has passed. The days themselves are counted in `crate::calendar`, in the
//! calendar and zone the partnership names in `prem.toml`.

use chrono::NaiveDate;

/// Past due: the whole deadline day has gone by.
pub fn is_overdue(deadline: NaiveDate, today: NaiveDate) -> bool {
    today > deadline
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_is_overdue_only_once_its_whole_day_has_gone() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 6, d).expect("date");
        assert!(is_overdue(day(19), day(20)));
        assert!(!is_overdue(day(19), day(19)));
        assert!(!is_overdue(day(19), day(18)));
    }
}
