//! The tracker's records, shaped like the police person–object–location–event model: a person
//! or a place exists once and is *linked* to cases with a role, so a perpetrator named in three
//! referrals can become one real-world person once a reviewer confirms the matches. Plain serde
//! types: the workspace seals and stores them; nothing here touches storage or the clock.

use std::fmt;

use anyhow::bail;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A record's id: 16 random bytes as 32 hex digits. Random rather than counted, so an id says
/// nothing about how many records exist or in what order they came, and ids made apart never
/// collide.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Id(String);

impl Id {
    pub fn random() -> Id {
        let bytes: [u8; 16] = rand::random();
        Id(hex::encode(bytes))
    }

    /// An id read back from a URL or a form: only 32 lowercase hex digits are one.
    pub fn parse(s: &str) -> Option<Id> {
        let ok = s.len() == 32
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ok.then(|| Id(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person referred, a perpetrator or an associate. Everything but the id may be unknown:
/// a referral often gives only a nickname and a guessed age.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: Id,
    /// The main name as written (may be empty when only a description is known).
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub date_of_birth: Option<NaiveDate>,
    /// Used when the date of birth is not known.
    #[serde(default)]
    pub age: Option<ApproxAge>,
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub vehicles: Vec<String>,
    /// The outward part of a postcode only: a district says enough to match on and to count
    /// by, and a full address is more than the tracker needs to hold.
    #[serde(default)]
    pub postcode_district: Option<String>,
    #[serde(default)]
    pub note: String,
}

impl Person {
    pub fn new(name: impl Into<String>) -> Person {
        Person {
            id: Id::random(),
            name: name.into(),
            aliases: Vec::new(),
            date_of_birth: None,
            age: None,
            phones: Vec::new(),
            vehicles: Vec::new(),
            postcode_district: None,
            note: String::new(),
        }
    }
}

/// "About 25", as known on a given day: an age is only meaningful with the date it was given,
/// so a referral from 2019 saying 20 and one from 2024 saying 25 can agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApproxAge {
    pub low: u8,
    pub high: u8,
    pub as_of: NaiveDate,
}

impl ApproxAge {
    /// The years of birth this age allows (a person aged 20 on a day in 2024 was born in 2003
    /// or 2004).
    pub fn birth_years(&self) -> (i32, i32) {
        let year = self.as_of.year();
        (year - i32::from(self.high) - 1, year - i32::from(self.low))
    }

    /// Whether someone born on `dob` had an age in this range on `as_of`.
    pub fn fits(&self, dob: NaiveDate) -> bool {
        let age = crate::forms::DateRules::age_on(dob, self.as_of);
        (i64::from(self.low)..=i64::from(self.high)).contains(&age)
    }

    /// Whether two estimates could describe the same person.
    pub fn overlaps(&self, other: &ApproxAge) -> bool {
        let (a_lo, a_hi) = self.birth_years();
        let (b_lo, b_hi) = other.birth_years();
        a_lo <= b_hi && b_lo <= a_hi
    }
}

/// A place of concern: an address, a shop, a park, a suspected cuckooed flat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub id: Id,
    pub name: String,
    #[serde(default)]
    pub postcode_district: Option<String>,
    /// One of the kinds the partnership configures (home, school, shop, park...).
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub note: String,
}

impl Place {
    pub fn new(name: impl Into<String>) -> Place {
        Place {
            id: Id::random(),
            name: name.into(),
            postcode_district: None,
            kind: None,
            note: String::new(),
        }
    }
}

/// What a link points at.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Subject {
    Person(Id),
    Place(Id),
}

impl Subject {
    pub fn id(&self) -> &Id {
        match self {
            Subject::Person(id) | Subject::Place(id) => id,
        }
    }
}

/// A person or place named in a case, in a role the form or the configuration declares
/// ("referred", "perpetrator", "associate", "place-of-concern"): the roles are data, so a
/// partnership with other roles needs no code change.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Link {
    /// The workspace's key for the case; opaque here.
    pub case: String,
    pub subject: Subject,
    pub role: String,
}

/// What was achieved in a case (risk reduced, a notice issued...), coded so it can be counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub case: String,
    pub code: String,
    pub date: NaiveDate,
    #[serde(default)]
    pub note: String,
}

impl Outcome {
    /// An outcome whose code is one of the configured `codes`: a free-typed code would split
    /// one outcome into several in every count.
    pub fn new(
        case: &str,
        code: &str,
        date: NaiveDate,
        note: &str,
        codes: &[String],
    ) -> anyhow::Result<Outcome> {
        if !codes.iter().any(|c| c == code) {
            bail!(
                "unknown outcome code \"{code}\" (known: {}); add it to the configured outcome codes first",
                codes.join(", ")
            );
        }
        Ok(Outcome {
            case: case.to_owned(),
            code: code.to_owned(),
            date,
            note: note.to_owned(),
        })
    }
}

/// What the tracker needs to know about a case it does not own: its reference (for search),
/// its local authorities (presenting and owning, for counts) and its date (for counts by year).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFacts {
    pub key: String,
    pub reference: String,
    pub las: Vec<String>,
    pub date: NaiveDate,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn random_ids_are_32_hex_digits_and_differ() {
        let (a, b) = (Id::random(), Id::random());
        assert_ne!(a, b);
        assert_eq!(Id::parse(a.as_str()), Some(a.clone()));
        assert_eq!(Id::parse("../etc/passwd"), None);
        assert_eq!(Id::parse(&a.as_str().to_uppercase()), None);
    }

    #[test]
    fn an_age_fits_a_date_of_birth_only_on_its_own_day() {
        let age = ApproxAge {
            low: 18,
            high: 20,
            as_of: day(2024, 6, 1),
        };
        assert!(age.fits(day(2005, 1, 1)), "19 on the day");
        assert!(!age.fits(day(2008, 1, 1)), "16 on the day");
        assert_eq!(age.birth_years(), (2003, 2006));
        let later = ApproxAge {
            low: 23,
            high: 23,
            as_of: day(2028, 6, 1),
        };
        assert!(age.overlaps(&later), "20 in 2024 can be 23 in 2028");
        let older = ApproxAge {
            low: 40,
            high: 45,
            as_of: day(2024, 6, 1),
        };
        assert!(!age.overlaps(&older));
    }

    #[test]
    fn outcome_codes_must_be_configured() {
        let codes = vec!["risk-reduced".to_owned(), "arrest".to_owned()];
        let ok = Outcome::new("c1", "arrest", day(2025, 1, 2), "", &codes).expect("known code");
        assert_eq!(ok.code, "arrest");
        let err = Outcome::new("c1", "arest", day(2025, 1, 2), "", &codes).expect_err("unknown");
        assert!(
            err.to_string().contains("unknown outcome code \"arest\""),
            "{err}"
        );
    }

    #[test]
    fn records_round_trip_through_json() {
        let mut p = Person::new("Tamsin Orrel");
        p.aliases.push("Tam".into());
        p.date_of_birth = Some(day(2008, 3, 4));
        let json = serde_json::to_string(&p).expect("json");
        assert_eq!(serde_json::from_str::<Person>(&json).expect("back"), p);
        let link = Link {
            case: "k".into(),
            subject: Subject::Place(Id::random()),
            role: "place-of-concern".into(),
        };
        let json = serde_json::to_string(&link).expect("json");
        assert!(json.contains("\"place\":"), "{json}");
        assert_eq!(serde_json::from_str::<Link>(&json).expect("back"), link);
    }
}
