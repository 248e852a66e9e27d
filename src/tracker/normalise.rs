//! Turning what people type into comparable pieces. Referrals are written by many hands:
//! "O'Brien", "o brien" and "OBRIEN"; "Smith, Jo" and "Jo Smith"; "07700 900123" and
//! "+44 7700 900123". Matching and search compare these normal forms, never the raw text.

use chrono::{Datelike, NaiveDate};
use rphonetic::{DoubleMetaphone, Encoder};

use super::model::ApproxAge;

/// Lowercase ASCII words separated by single spaces: diacritics folded (é → e, ø → o, ß → ss),
/// apostrophes dropped so "O'Brien" stays one word, every other mark a word break.
pub fn fold(s: &str) -> String {
    let ascii = deunicode::deunicode(s).to_lowercase();
    let mut out = String::with_capacity(ascii.len());
    let mut gap = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c);
        } else if c != '\'' && c != '`' {
            gap = true;
        }
    }
    out
}

/// A Double Metaphone code: at most four ASCII letters, kept inline (zero-padded) because the
/// tracker holds hundreds of thousands of words and each would otherwise own two small strings.
pub type Code = [u8; 4];

/// One word of a name with its Double Metaphone codes (primary and alternate; the same twice
/// when they agree; all zeros when the word has none, as digits do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub codes: [Code; 2],
}

fn code(s: &str) -> Code {
    let mut out = [0; 4];
    for (slot, b) in out.iter_mut().zip(s.bytes()) {
        *slot = b;
    }
    out
}

impl Token {
    pub fn new(text: &str) -> Token {
        let dm = DoubleMetaphone::default();
        Token {
            text: text.to_owned(),
            codes: [code(&dm.encode(text)), code(&dm.encode_alternate(text))],
        }
    }

    /// The codes worth comparing or keying on (not the empty one).
    pub fn codes(&self) -> impl Iterator<Item = &Code> {
        let [a, b] = &self.codes;
        std::iter::once(a)
            .chain((b != a).then_some(b))
            .filter(|c| c[0] != 0)
    }

    /// Whether the two words sound alike under any of their codes.
    pub fn sounds_like(&self, other: &Token) -> bool {
        self.codes().any(|c| other.codes().any(|o| o == c))
    }
}

/// Courtesy titles carry no identity; dropped so "Mr J Smith" and "J Smith" compare equal.
const TITLES: [&str; 7] = ["mr", "mrs", "ms", "miss", "mx", "dr", "master"];

/// A name as words in given-name-first order. "Surname, Given Middle" (one comma, words on both
/// sides) is turned round, so it compares with "Given Middle Surname".
pub fn name_tokens(raw: &str) -> Vec<Token> {
    let reordered = match raw.split_once(',') {
        Some((surname, given))
            if !given.contains(',') && !fold(surname).is_empty() && !fold(given).is_empty() =>
        {
            format!("{given} {surname}")
        }
        _ => raw.to_owned(),
    };
    fold(&reordered)
        .split(' ')
        .filter(|w| !w.is_empty() && !TITLES.contains(w))
        .map(Token::new)
        .collect()
}

/// A phone number as digits in national form ("+44 7700 900123" → "07700900123"), or `None`
/// when too few digits are left to identify a line.
pub fn phone(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let national = if let Some(rest) = digits.strip_prefix("0044") {
        format!("0{rest}")
    } else if raw.trim_start().starts_with('+') && digits.starts_with("44") {
        format!("0{}", &digits[2..])
    } else {
        digits
    };
    (national.len() >= 6).then_some(national)
}

/// A vehicle registration as capitals and digits only ("ab12 cde" → "AB12CDE").
pub fn vehicle(raw: &str) -> String {
    raw.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The shapes of a postcode's outward part (A = letter, 9 = digit).
const OUTWARD: [&str; 6] = ["A9", "A99", "AA9", "AA99", "A9A", "AA9A"];

fn shape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'A'..='Z' => 'A',
            '0'..='9' => '9',
            _ => '?',
        })
        .collect()
}

/// The postcode district in free text ("Byker, AB6" or "flat near AB6 1XY" → "AB6"). A full
/// postcode anywhere wins; otherwise an answer that is only a district; otherwise a word with a
/// two-letter area ("AB6") inside a sentence. A one-letter word inside a sentence ("the A1") is
/// too often a road to be taken for a district.
pub fn district(raw: &str) -> Option<String> {
    let words: Vec<String> = raw
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    let is_outward = |w: &str| OUTWARD.contains(&shape(w).as_str());
    for pair in words.windows(2) {
        if is_outward(&pair[0]) && shape(&pair[1]) == "9AA" {
            return Some(pair[0].clone());
        }
    }
    for w in &words {
        let s = shape(w);
        if s.len() > 3 && s.ends_with("9AA") && OUTWARD.contains(&&s[..s.len() - 3]) {
            return Some(w[..w.len() - 3].to_owned());
        }
    }
    match words.as_slice() {
        [only] if is_outward(only) => Some(only.clone()),
        _ => words
            .iter()
            .find(|w| is_outward(w) && shape(w).starts_with("AA"))
            .cloned(),
    }
}

/// An approximate age from free text, as estimated on `as_of`: "25" or "about 25" → 23–27
/// (a referrer's figure is a guess), "20-25" or "20 to 25" → 20–25, "early 20s" → 20–23,
/// "mid 20s" → 23–27, "late 20s" → 26–29, "20s" → 20–29, "teen"/"teenager" → 13–19.
/// Anything else is `None`, and the caller keeps the words in the note.
pub fn age(raw: &str, as_of: NaiveDate) -> Option<ApproxAge> {
    let text = fold(raw);
    let numbers: Vec<u32> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .filter(|n| *n <= 120)
        .collect();
    let decade = text
        .split(' ')
        .find_map(|w| w.strip_suffix('s').and_then(|n| n.parse::<u32>().ok()))
        .filter(|n| n % 10 == 0);
    let (low, high) = if let Some(d) = decade {
        if text.contains("early") {
            (d, d + 3)
        } else if text.contains("mid") {
            (d + 3, d + 7)
        } else if text.contains("late") {
            (d + 6, d + 9)
        } else {
            (d, d + 9)
        }
    } else {
        match numbers.as_slice() {
            [n] => (n.saturating_sub(2), n + 2),
            [a, b, ..] if a <= b => (*a, *b),
            [] if text.contains("teen") => (13, 19),
            _ => return None,
        }
    };
    Some(ApproxAge {
        low: u8::try_from(low).ok()?,
        high: u8::try_from(high).ok()?,
        as_of,
    })
}

/// Whether two dates are the same with day and month swapped (03/04 written for 04/03).
pub fn day_month_swapped(a: NaiveDate, b: NaiveDate) -> bool {
    a != b && a.year() == b.year() && a.day() == b.month() && a.month() == b.day()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(tokens: &[Token]) -> Vec<&str> {
        tokens.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn folding_drops_case_diacritics_and_punctuation() {
        assert_eq!(fold("  Zoë  O'Brïen-Łukasz "), "zoe obrien lukasz");
        assert_eq!(fold("Søren Straße"), "soren strasse");
        assert_eq!(fold("St. Mary's, 12B"), "st marys 12b");
        assert_eq!(fold("!!!"), "");
    }

    #[test]
    fn surname_first_names_are_turned_round_and_titles_dropped() {
        assert_eq!(
            texts(&name_tokens("Orrel, Tamsin Jo")),
            ["tamsin", "jo", "orrel"]
        );
        assert_eq!(texts(&name_tokens("Mr Kade Vantor")), ["kade", "vantor"]);
        assert_eq!(
            texts(&name_tokens("Vantor,")),
            ["vantor"],
            "no given name: left alone"
        );
        assert_eq!(
            texts(&name_tokens("a, b, c")),
            ["a", "b", "c"],
            "a list, not a name"
        );
    }

    #[test]
    fn names_that_sound_alike_share_a_code() {
        let (a, b) = (Token::new("stephen"), Token::new("steven"));
        assert!(a.sounds_like(&b), "{:?} {:?}", a.codes, b.codes);
        assert!(Token::new("smith").sounds_like(&Token::new("smyth")));
        assert!(!Token::new("smith").sounds_like(&Token::new("jones")));
        assert!(
            !Token::new("12").sounds_like(&Token::new("34")),
            "no code is no likeness"
        );
    }

    #[test]
    fn phones_compare_in_national_form() {
        assert_eq!(phone("+44 7700 900123").as_deref(), Some("07700900123"));
        assert_eq!(phone("0044 7700-900-123").as_deref(), Some("07700900123"));
        assert_eq!(phone("07700 900123").as_deref(), Some("07700900123"));
        assert_eq!(phone("call 123"), None);
        assert_eq!(vehicle("ab12 cde"), "AB12CDE");
    }

    #[test]
    fn districts_are_found_in_free_text_but_roads_are_not() {
        assert_eq!(district("ab6").as_deref(), Some("AB6"));
        assert_eq!(district("Flat 2, AB6 1XY").as_deref(), Some("AB6"));
        assert_eq!(district("ab61xy").as_deref(), Some("AB6"));
        assert_eq!(district("Byker, CD12").as_deref(), Some("CD12"));
        assert_eq!(district("W1A").as_deref(), Some("W1A"));
        assert_eq!(district("by the A1 near the shops"), None);
        assert_eq!(district("Heaton"), None);
    }

    #[test]
    fn ages_are_read_from_the_ways_people_write_them() {
        let on = NaiveDate::from_ymd_opt(2024, 5, 1).expect("date");
        let range = |s: &str| age(s, on).map(|a| (a.low, a.high));
        assert_eq!(range("25"), Some((23, 27)));
        assert_eq!(range("about 19 years old"), Some((17, 21)));
        assert_eq!(range("20-25"), Some((20, 25)));
        assert_eq!(range("20 to 25"), Some((20, 25)));
        assert_eq!(range("early 20s"), Some((20, 23)));
        assert_eq!(range("mid-30s"), Some((33, 37)));
        assert_eq!(range("late 20s"), Some((26, 29)));
        assert_eq!(range("in his 40s"), Some((40, 49)));
        assert_eq!(range("older teenager"), Some((13, 19)));
        assert_eq!(range("older than her"), None);
        assert_eq!(age("25", on).map(|a| a.as_of), Some(on));
    }

    #[test]
    fn swapped_day_and_month_is_recognised() {
        let d = |m, day| NaiveDate::from_ymd_opt(2009, m, day).expect("date");
        assert!(day_month_swapped(d(3, 4), d(4, 3)));
        assert!(!day_month_swapped(d(3, 3), d(3, 3)));
        assert!(!day_month_swapped(d(3, 4), d(4, 5)));
    }
}
