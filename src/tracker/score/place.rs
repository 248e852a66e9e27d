//! Places get the same treatment as people: a name compared word by word, a postcode district
//! and a kind, each with a fixed weight. Place names are looser than people's ("the park by
//! the Greggs", "Greggs, High St"), so the common words of addresses are set aside when
//! deciding whether two names share what makes them distinctive.

use super::{line, word_level, Agreement, Explanation, Field, FieldScore, Level};
use crate::tracker::model::Place;
use crate::tracker::normalise::{self, Token};

/// Weights in bits, as for people (see `super::weights`). An exact place name: m ≈ 0.6 (people
/// describe places differently), u ≈ 0.002 → 8; close → 6; sounds alike → 3; different → −3
/// (a description differs more often than a person's name). A postcode district is strong for
/// a place, which does not move: +4 / −4. The kind is often a guess: ±1.
pub mod weights {
    pub const NAME_EXACT: i32 = 8;
    pub const NAME_CLOSE: i32 = 6;
    pub const NAME_PHONETIC: i32 = 3;
    pub const NAME_DIFFERENT: i32 = -3;
    pub const DISTRICT_SAME: i32 = 4;
    pub const DISTRICT_DIFFERENT: i32 = -4;
    pub const KIND_SAME: i32 = 1;
    pub const KIND_DIFFERENT: i32 = -1;
    /// The same name in the same district.
    pub const PLACE_LIKELY: i32 = 11;
    /// The same name with no district to say otherwise; a shared district alone is not enough
    /// (search by district finds those).
    pub const PLACE_POSSIBLE: i32 = 6;
}

/// Words of addresses and descriptions that say what a place is but not which one.
const GENERIC: [&str; 36] = [
    "the", "of", "and", "at", "on", "in", "near", "by", "outside", "behind", "opposite", "street",
    "road", "lane", "avenue", "close", "way", "drive", "square", "crescent", "terrace", "court",
    "place", "estate", "park", "flat", "flats", "house", "shop", "store", "school", "station",
    "centre", "center", "bus", "stop",
];

/// Abbreviations written in addresses, spelt out so "High St" and "High Street" agree.
const SPELT_OUT: [(&str, &str); 9] = [
    ("st", "street"),
    ("rd", "road"),
    ("ave", "avenue"),
    ("ln", "lane"),
    ("sq", "square"),
    ("cres", "crescent"),
    ("dr", "drive"),
    ("pk", "park"),
    ("ctr", "centre"),
];

/// A place made ready for comparing.
#[derive(Debug, Clone)]
pub struct PreparedPlace {
    /// Every word, abbreviations spelt out.
    pub words: Vec<Token>,
    /// The words that tell this place apart (not in `GENERIC`).
    pub distinctive: Vec<Token>,
    pub district: Option<String>,
    pub kind: Option<String>,
}

impl PreparedPlace {
    pub fn new(p: &Place) -> PreparedPlace {
        let words: Vec<Token> = normalise::fold(&p.name)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| {
                let spelt = SPELT_OUT.iter().find(|(short, _)| *short == w);
                Token::new(spelt.map_or(w, |(_, long)| long))
            })
            .collect();
        let distinctive = words
            .iter()
            .filter(|t| !GENERIC.contains(&t.text.as_str()))
            .cloned()
            .collect();
        PreparedPlace {
            words,
            distinctive,
            district: p.postcode_district.as_deref().and_then(normalise::district),
            kind: p
                .kind
                .as_deref()
                .map(normalise::fold)
                .filter(|k| !k.is_empty()),
        }
    }
}

/// The same words in any order; or every distinctive word of the shorter name found (spelt
/// alike, or a slip apart) in the longer ("Greggs" in "Greggs, High Street"); or those words
/// only sound alike. A name of common words only ("the park") matches only itself.
pub fn place_name_level(a: &PreparedPlace, b: &PreparedPlace) -> Level {
    let sorted = |p: &PreparedPlace| {
        let mut w: Vec<&str> = p.words.iter().map(|t| t.text.as_str()).collect();
        w.sort_unstable();
        w.join(" ")
    };
    let (sa, sb) = (sorted(a), sorted(b));
    if sa == sb {
        return Level::Exact;
    }
    let (short, long) = if a.distinctive.len() <= b.distinctive.len() {
        (&a.distinctive, &b.distinctive)
    } else {
        (&b.distinctive, &a.distinctive)
    };
    if short.is_empty() {
        return Level::Different;
    }
    short
        .iter()
        .map(|w| {
            long.iter()
                .map(|o| word_level(w, o))
                .max()
                .unwrap_or(Level::Different)
        })
        .min()
        .map_or(Level::Different, |worst| worst.min(Level::Close))
}

/// Scores two places; see [`weights`].
pub fn score_places(a: &PreparedPlace, b: &PreparedPlace) -> Explanation {
    use weights::*;
    use Agreement::*;
    let name = if a.words.is_empty() || b.words.is_empty() {
        line(Field::PlaceName, Missing, "not known on both", 0)
    } else {
        match place_name_level(a, b) {
            Level::Exact => line(Field::PlaceName, Agreed, "the same", NAME_EXACT),
            Level::Close => line(Field::PlaceName, Partly, "nearly the same", NAME_CLOSE),
            Level::Phonetic => line(Field::PlaceName, Partly, "sounds alike", NAME_PHONETIC),
            Level::Different => line(Field::PlaceName, Disagreed, "different", NAME_DIFFERENT),
        }
    };
    let district = match (&a.district, &b.district) {
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
    };
    let kind: FieldScore = match (&a.kind, &b.kind) {
        (Some(x), Some(y)) if x == y => line(Field::Kind, Agreed, "the same kind", KIND_SAME),
        (Some(_), Some(_)) => line(Field::Kind, Disagreed, "different kinds", KIND_DIFFERENT),
        _ => line(Field::Kind, Missing, "not known on both", 0),
    };
    Explanation::new(vec![name, district, kind], PLACE_LIKELY, PLACE_POSSIBLE)
}
