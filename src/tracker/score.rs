//! How alike two records are, Fellegi–Sunter style, with every step shown. Each field compares
//! to one of a few levels (exact, close, sounds alike, different, missing), and each level adds a
//! fixed weight: log2 of how much more often that level is seen when two records are the same
//! person (m) than when they are not (u). The weights add up to a score that means the same
//! whatever else is in the tracker — a lone weak hit stays weak, which is the mistake of
//! scores scaled to the best hit — and banded with fixed thresholds.
//!
//! The weights are fixed and written down here rather than trained (Splink trains them with EM)
//! because a panel needs to be able to read why two records were put side by side, and because
//! the tracker is small enough that hand-set, conservative weights do well.

mod place;

use chrono::NaiveDate;
use serde::Serialize;
use strsim::{damerau_levenshtein, jaro_winkler};

use super::model::{ApproxAge, Person};
use super::normalise::{self, day_month_swapped, Token};

pub use place::{place_name_level, score_places, PreparedPlace};

/// Weights, in bits. Rough m and u behind each: a full name is right in about 8 records in 10
/// for the same person (m ≈ 0.8) and shared by about 1 in 1,000 pairs of different people in
/// one force area (u ≈ 0.001): log2(800) ≈ 10. A spelling slip (m ≈ 0.1, u ≈ 0.0004) → 8, so
/// a perpetrator's name spelt differently is suggested on its own; "sounds alike" only
/// (m ≈ 0.05, u ≈ 0.005) → 3, so it needs a date of birth or a phone to be shown (at 4, a
/// likeness with a district and an age was enough, and on a six-LA benchmark that buried the
/// real matches); different names, m ≈ 0.05, u ≈ 0.99 → −5.
/// A date of birth: m ≈ 0.9, u ≈ 1/7,000 among young people → 10 (rounded down: dates are
/// mistyped); day and month swapped or the year one out are common slips → 6 and 5; a
/// different date, m ≈ 0.03 → −6 (rounded down from −5: two referrals rarely both err).
/// A phone number shared by two different people is rare (u ≈ 0.0005) → 10; people change
/// numbers, so different numbers count for nothing. A postcode district (≈ 1 in 100 districts,
/// but people move) → +3 / −1. An age that fits → +1 (most ages fit most people), one that
/// cannot fit → −3.
pub mod weights {
    pub const NAME_EXACT: i32 = 10;
    pub const NAME_CLOSE: i32 = 8;
    pub const NAME_PHONETIC: i32 = 3;
    pub const NAME_DIFFERENT: i32 = -5;
    pub const ALIAS_EXACT: i32 = 9;
    pub const ALIAS_CLOSE: i32 = 6;
    pub const ALIAS_PHONETIC: i32 = 3;
    pub const DOB_EXACT: i32 = 10;
    pub const DOB_SWAPPED: i32 = 6;
    pub const DOB_YEAR_OUT: i32 = 5;
    pub const DOB_DIFFERENT: i32 = -6;
    pub const AGE_FITS: i32 = 1;
    pub const AGE_CANNOT_FIT: i32 = -3;
    pub const PHONE_SAME: i32 = 10;
    pub const DISTRICT_SAME: i32 = 3;
    pub const DISTRICT_DIFFERENT: i32 = -1;
    /// A person pair at or above this is "likely" the same: a name and a date of birth, or
    /// a name slip with a date.
    pub const PERSON_LIKELY: i32 = 16;
    /// At or above this it is shown as "possible"; below, it is not suggested at all: an
    /// exact name or a slip alone is possible, a name that only sounds alike is not.
    pub const PERSON_POSSIBLE: i32 = 8;
}

/// Which field a line of an explanation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Field {
    Name,
    Alias,
    DateOfBirth,
    Age,
    Phone,
    Postcode,
    PlaceName,
    Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Agreement {
    Agreed,
    Partly,
    Disagreed,
    /// Unknown on one side or both: adds nothing either way.
    Missing,
}

/// One line of an explanation: "date of birth: partly (day and month swapped) +6".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldScore {
    pub field: Field,
    pub agreement: Agreement,
    pub detail: &'static str,
    pub weight: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Band {
    Unlikely,
    Possible,
    Likely,
}

/// Why a pair was (or was not) suggested: every field compared, its weight, and the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    pub fields: Vec<FieldScore>,
    pub total: i32,
    pub band: Band,
}

impl Explanation {
    fn new(fields: Vec<FieldScore>, likely: i32, possible: i32) -> Explanation {
        let total = fields.iter().map(|f| f.weight).sum();
        let band = if total >= likely {
            Band::Likely
        } else if total >= possible {
            Band::Possible
        } else {
            Band::Unlikely
        };
        Explanation {
            fields,
            total,
            band,
        }
    }

    pub fn field(&self, field: Field) -> Option<&FieldScore> {
        self.fields.iter().find(|f| f.field == field)
    }
}

fn line(field: Field, agreement: Agreement, detail: &'static str, weight: i32) -> FieldScore {
    FieldScore {
        field,
        agreement,
        detail,
        weight,
    }
}

/// How closely two words or two names agree, worst to best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Different,
    Phonetic,
    Close,
    Exact,
}

/// Two words: the same; a slip (one letter wrong, missing, extra, or two swapped; or, after the
/// same first four letters, close by Jaro-Winkler, which forgives two slips in a long word); an
/// initial against a word it starts; alike in sound; or different. Words with digits (house
/// numbers) must be the same. Each level is one the index has a key for (`index::keys`), so a
/// lookup through the index finds exactly what comparing with every record would.
pub fn word_level(a: &Token, b: &Token) -> Level {
    if a.text == b.text {
        return Level::Exact;
    }
    if a.text.bytes().any(|c| c.is_ascii_digit()) || b.text.bytes().any(|c| c.is_ascii_digit()) {
        return Level::Different;
    }
    if a.text.len() == 1 || b.text.len() == 1 {
        let initial = a.text.as_bytes().first() == b.text.as_bytes().first();
        return if initial {
            Level::Phonetic
        } else {
            Level::Different
        };
    }
    let longest = a.text.len().max(b.text.len());
    if longest >= 4 && damerau_levenshtein(&a.text, &b.text) <= 1 {
        return Level::Close;
    }
    if same_start(&a.text, &b.text) && jaro_winkler(&a.text, &b.text) >= 0.94 {
        return Level::Close;
    }
    if a.sounds_like(b) {
        Level::Phonetic
    } else {
        Level::Different
    }
}

/// The first four letters, when both words are longer than that.
pub fn same_start(a: &str, b: &str) -> bool {
    a.len() > 4 && b.len() > 4 && a.as_bytes()[..4] == b.as_bytes()[..4]
}

/// Two names as word lists: each word of the shorter name is paired with its best unused word
/// of the longer, and the name is only as good as its worst pair. Extra words on one side
/// (a middle name) cost nothing, but a one-word name against a longer one is at best
/// "sounds alike": a shared surname alone says little.
pub fn name_level(a: &[Token], b: &[Token]) -> Level {
    if a.is_empty() || b.is_empty() {
        return Level::Different;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let mut used = vec![false; long.len()];
    let mut worst = Level::Exact;
    for word in short {
        let best = long
            .iter()
            .enumerate()
            .filter(|(j, _)| !used[*j])
            .map(|(j, other)| (word_level(word, other), j))
            .max_by_key(|(level, j)| (*level, std::cmp::Reverse(*j)));
        match best {
            Some((level, j)) if level > Level::Different => {
                used[j] = true;
                worst = worst.min(level);
            }
            _ => return Level::Different,
        }
    }
    if short.len() == 1 && long.len() > 1 {
        worst = worst.min(Level::Phonetic);
    }
    worst
}

/// A person made ready for comparing: names as words with their codes (the main name first,
/// then each alias), phones in national form.
#[derive(Debug, Clone)]
pub struct PreparedPerson {
    pub names: Vec<Vec<Token>>,
    pub dob: Option<NaiveDate>,
    pub age: Option<ApproxAge>,
    pub phones: Vec<String>,
    pub district: Option<String>,
}

impl PreparedPerson {
    pub fn new(p: &Person) -> PreparedPerson {
        let names = std::iter::once(&p.name)
            .chain(&p.aliases)
            .map(|n| normalise::name_tokens(n))
            .collect();
        PreparedPerson {
            names,
            dob: p.date_of_birth,
            age: p.age,
            phones: p
                .phones
                .iter()
                .filter_map(|n| normalise::phone(n))
                .collect(),
            district: p.postcode_district.as_deref().and_then(normalise::district),
        }
    }

    fn has_aliases(&self) -> bool {
        self.names.iter().skip(1).any(|n| !n.is_empty())
    }
}

/// Scores two people; see [`weights`] for the why of each number.
pub fn score_people(a: &PreparedPerson, b: &PreparedPerson) -> Explanation {
    use weights::*;
    use Agreement::*;
    let main = (&a.names[0], &b.names[0]);
    let name = if main.0.is_empty() || main.1.is_empty() {
        None
    } else {
        Some(name_level(main.0, main.1))
    };
    let mut alias = None;
    for (i, x) in a.names.iter().enumerate() {
        for (j, y) in b.names.iter().enumerate() {
            if (i, j) != (0, 0) && !x.is_empty() && !y.is_empty() {
                alias = alias.max(Some(name_level(x, y)));
            }
        }
    }
    let alias_hit = alias.is_some_and(|l| l >= Level::Close);
    let mut fields = vec![match name {
        None => line(Field::Name, Missing, "not known on both", 0),
        Some(Level::Exact) => line(Field::Name, Agreed, "the same", NAME_EXACT),
        Some(Level::Close) => line(Field::Name, Partly, "a spelling slip apart", NAME_CLOSE),
        Some(Level::Phonetic) => line(Field::Name, Partly, "sounds alike", NAME_PHONETIC),
        Some(Level::Different) if alias_hit => {
            line(Field::Name, Disagreed, "different, but an alias agrees", 0)
        }
        Some(Level::Different) => line(Field::Name, Disagreed, "different", NAME_DIFFERENT),
    }];
    fields.push(match alias {
        _ if !a.has_aliases() && !b.has_aliases() => line(Field::Alias, Missing, "none given", 0),
        Some(level) if name.is_some_and(|n| n >= level) && level > Level::Different => {
            line(Field::Alias, Agreed, "no more than the name shows", 0)
        }
        Some(Level::Exact) => line(
            Field::Alias,
            Agreed,
            "a name or alias is the same",
            ALIAS_EXACT,
        ),
        Some(Level::Close) => line(
            Field::Alias,
            Partly,
            "a name or alias is a slip apart",
            ALIAS_CLOSE,
        ),
        Some(Level::Phonetic) => line(
            Field::Alias,
            Partly,
            "a name or alias sounds alike",
            ALIAS_PHONETIC,
        ),
        _ => line(
            Field::Alias,
            Disagreed,
            "none agrees (aliases are often partial)",
            0,
        ),
    });
    fields.push(match (a.dob, b.dob) {
        (Some(x), Some(y)) if x == y => line(Field::DateOfBirth, Agreed, "the same", DOB_EXACT),
        (Some(x), Some(y)) if day_month_swapped(x, y) => line(
            Field::DateOfBirth,
            Partly,
            "day and month swapped",
            DOB_SWAPPED,
        ),
        (Some(x), Some(y)) if year_out(x, y) => {
            line(Field::DateOfBirth, Partly, "the year one out", DOB_YEAR_OUT)
        }
        (Some(_), Some(_)) => line(Field::DateOfBirth, Disagreed, "different", DOB_DIFFERENT),
        _ => line(Field::DateOfBirth, Missing, "not known on both", 0),
    });
    fields.push(age_line(a, b));
    fields.push(match (a.phones.is_empty(), b.phones.is_empty()) {
        (false, false) if a.phones.iter().any(|p| b.phones.contains(p)) => {
            line(Field::Phone, Agreed, "a number is the same", PHONE_SAME)
        }
        (false, false) => line(Field::Phone, Disagreed, "different (numbers change)", 0),
        _ => line(Field::Phone, Missing, "not known on both", 0),
    });
    fields.push(match (&a.district, &b.district) {
        (Some(x), Some(y)) if x == y => {
            line(Field::Postcode, Agreed, "the same district", DISTRICT_SAME)
        }
        (Some(_), Some(_)) => line(
            Field::Postcode,
            Disagreed,
            "different districts",
            DISTRICT_DIFFERENT,
        ),
        _ => line(Field::Postcode, Missing, "not known on both", 0),
    });
    Explanation::new(fields, PERSON_LIKELY, PERSON_POSSIBLE)
}

fn year_out(a: NaiveDate, b: NaiveDate) -> bool {
    use chrono::Datelike;
    (a.month(), a.day()) == (b.month(), b.day()) && (a.year() - b.year()).abs() == 1
}

/// An age is only weighed when a date of birth is missing on a side: two dates are compared
/// as dates, and an age adds nothing to them.
fn age_line(a: &PreparedPerson, b: &PreparedPerson) -> FieldScore {
    use weights::{AGE_CANNOT_FIT, AGE_FITS};
    let fits = match (a.dob, a.age, b.dob, b.age) {
        (Some(_), _, Some(_), _) => None,
        (Some(dob), _, None, Some(age)) | (None, Some(age), Some(dob), _) => Some(age.fits(dob)),
        (None, Some(x), None, Some(y)) => Some(x.overlaps(&y)),
        _ => None,
    };
    match fits {
        Some(true) => line(Field::Age, Agreement::Agreed, "consistent", AGE_FITS),
        Some(false) => line(
            Field::Age,
            Agreement::Disagreed,
            "cannot be the same age",
            AGE_CANNOT_FIT,
        ),
        None => line(Field::Age, Agreement::Missing, "not compared", 0),
    }
}

#[cfg(test)]
mod tests;
