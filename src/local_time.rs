//! Times as people read them: in the partnership's zone (`partnership.time_zone`, by default
//! Europe/London, so summer times are BST), never a raw RFC 3339 string or a UTC clock time
//! an hour out for half the year.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// "2 December 2026 at 07:54".
pub fn date_time(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone)
        .format("%-d %B %Y at %H:%M")
        .to_string()
}

/// "2 Dec 2026", for tables.
pub fn short_date(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%-d %b %Y").to_string()
}

/// Parses a zone name from configuration, naming the key in the error.
pub fn parse_zone(name: &str) -> anyhow::Result<Tz> {
    name.parse().map_err(|_| {
        anyhow::anyhow!(
            "partnership.time_zone \"{name}\" is not an IANA time zone name (for example Europe/London)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_the_zone_with_summer_time() {
        let zone = parse_zone("Europe/London").expect("zone");
        let winter: DateTime<Utc> = "2026-12-02T07:54:51.97Z".parse().expect("time");
        assert_eq!(date_time(winter, zone), "2 December 2026 at 07:54");
        let summer: DateTime<Utc> = "2026-07-01T07:54:00Z".parse().expect("time");
        assert_eq!(date_time(summer, zone), "1 July 2026 at 08:54");
        assert_eq!(short_date(winter, zone), "2 Dec 2026");
        assert!(parse_zone("Mars/Olympus").is_err());
    }
}
