use chrono::NaiveDate;

use super::*;
use crate::tracker::model::{ApproxAge, Person, Place};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn person(name: &str, dob: Option<NaiveDate>) -> Person {
    let mut p = Person::new(name);
    p.date_of_birth = dob;
    p
}

fn score(a: &Person, b: &Person) -> Explanation {
    score_people(&PreparedPerson::new(a), &PreparedPerson::new(b))
}

fn words(s: &str) -> Vec<Token> {
    normalise::name_tokens(s)
}

#[test]
fn word_levels_tell_slips_from_sounds_from_differences() {
    let w = |a: &str, b: &str| word_level(&Token::new(a), &Token::new(b));
    assert_eq!(w("jayden", "jayden"), Level::Exact);
    assert_eq!(w("jayden", "jaydon"), Level::Close, "one letter wrong");
    assert_eq!(w("marhs", "marsh"), Level::Close, "two letters swapped");
    assert_eq!(w("christopher", "christophre"), Level::Close);
    assert_eq!(
        w("nevoror", "nevor"),
        Level::Close,
        "two slips after the same start"
    );
    assert_eq!(w("rovoren", "ren"), Level::Different);
    assert_eq!(w("stephen", "steven"), Level::Phonetic);
    assert_eq!(w("j", "jayden"), Level::Phonetic, "an initial");
    assert_eq!(w("k", "jayden"), Level::Different);
    assert_eq!(w("kade", "vantor"), Level::Different);
    assert_eq!(
        w("12", "14"),
        Level::Different,
        "house numbers must be the same"
    );
    assert_eq!(
        w("jon", "jan"),
        Level::Phonetic,
        "in a three-letter name one letter is not a slip, only a likeness"
    );
}

#[test]
fn name_levels_ignore_middle_names_and_order_but_not_a_lone_surname() {
    assert_eq!(
        name_level(&words("Tamsin Jo Orrel"), &words("Orrel, Tamsin")),
        Level::Exact
    );
    assert_eq!(
        name_level(&words("Tamsin Orrel"), &words("Tamsyn Orrel")),
        Level::Close
    );
    assert_eq!(
        name_level(&words("Orrel"), &words("Tamsin Orrel")),
        Level::Phonetic
    );
    assert_eq!(
        name_level(&words("Kade Orrel"), &words("Tamsin Orrel")),
        Level::Different
    );
    assert_eq!(name_level(&words("Bigz"), &words("Bigz")), Level::Exact);
    assert_eq!(name_level(&[], &words("Bigz")), Level::Different);
}

#[test]
fn a_name_and_a_date_of_birth_are_likely_and_each_field_says_why() {
    let a = person("Tamsin Orrel", Some(day(2008, 3, 4)));
    let b = person("Tamsyn Orrel", Some(day(2008, 3, 4)));
    let e = score(&a, &b);
    assert_eq!(e.band, Band::Likely);
    assert_eq!(e.total, weights::NAME_CLOSE + weights::DOB_EXACT);
    let name = e.field(Field::Name).expect("name line");
    assert_eq!(
        (name.agreement, name.weight),
        (Agreement::Partly, weights::NAME_CLOSE)
    );
    let dob = e.field(Field::DateOfBirth).expect("dob line");
    assert_eq!(dob.agreement, Agreement::Agreed);
    let phone = e.field(Field::Phone).expect("phone line");
    assert_eq!((phone.agreement, phone.weight), (Agreement::Missing, 0));
}

#[test]
fn the_score_is_absolute_a_lone_weak_hit_stays_weak() {
    let probe = person("Stephen Vantor", None);
    let only = person("Steven Vantor", None);
    let e = score(&probe, &only);
    assert_eq!(e.total, weights::NAME_PHONETIC);
    assert_eq!(
        e.band,
        Band::Unlikely,
        "sounds alike alone is never shown as likely"
    );
}

#[test]
fn date_of_birth_slips_score_less_than_the_same_date_and_a_different_date_counts_against() {
    let dob = |d| {
        score(
            &person("Kade Vantor", Some(day(2007, 3, 4))),
            &person("Kade Vantor", Some(d)),
        )
    };
    let same = dob(day(2007, 3, 4));
    let swapped = dob(day(2007, 4, 3));
    let year = dob(day(2008, 3, 4));
    let other = dob(day(2001, 9, 9));
    assert_eq!(
        same.field(Field::DateOfBirth).map(|f| f.weight),
        Some(weights::DOB_EXACT)
    );
    assert_eq!(
        swapped.field(Field::DateOfBirth).map(|f| f.detail),
        Some("day and month swapped")
    );
    assert_eq!(
        year.field(Field::DateOfBirth).map(|f| f.weight),
        Some(weights::DOB_YEAR_OUT)
    );
    assert!(same.total > swapped.total && swapped.total > year.total);
    assert_eq!(
        other.band,
        Band::Unlikely,
        "same name, different date: another person"
    );
}

#[test]
fn an_alias_can_stand_for_the_name_without_counting_twice() {
    let mut a = person("Kade Vantor", None);
    a.aliases.push("Bigz".into());
    let b = person("Bigz", None);
    let e = score(&a, &b);
    let name = e.field(Field::Name).expect("name");
    assert_eq!((name.agreement, name.weight), (Agreement::Disagreed, 0));
    assert_eq!(
        e.field(Field::Alias).map(|f| f.weight),
        Some(weights::ALIAS_EXACT)
    );
    assert_eq!(e.band, Band::Possible);
    let mut c = person("Kade Vantor", None);
    c.aliases.push("Bigz".into());
    let both = score(&a, &c);
    assert_eq!(
        both.total,
        weights::NAME_EXACT,
        "the alias adds nothing the name did not show"
    );
}

#[test]
fn an_age_is_weighed_against_a_date_of_birth_on_the_day_it_was_given() {
    let mut a = person("Kade Vantor", None);
    a.age = Some(ApproxAge {
        low: 18,
        high: 22,
        as_of: day(2024, 1, 1),
    });
    let fits = score(&a, &person("Kade Vantor", Some(day(2004, 6, 1))));
    assert_eq!(
        fits.field(Field::Age).map(|f| f.weight),
        Some(weights::AGE_FITS)
    );
    let cannot = score(&a, &person("Kade Vantor", Some(day(1980, 6, 1))));
    assert_eq!(
        cannot.field(Field::Age).map(|f| f.weight),
        Some(weights::AGE_CANNOT_FIT)
    );
    let both = score(
        &person("Kade Vantor", Some(day(2004, 6, 1))),
        &person("Kade Vantor", Some(day(2004, 6, 1))),
    );
    assert_eq!(
        both.field(Field::Age).map(|f| f.agreement),
        Some(Agreement::Missing)
    );
}

#[test]
fn a_shared_phone_outweighs_a_different_name() {
    let mut a = person("Kade Vantor", Some(day(2004, 6, 1)));
    a.phones.push("07700 900123".into());
    let mut b = person("Jory Pellam", Some(day(2004, 6, 1)));
    b.phones.push("+44 7700 900123".into());
    let e = score(&a, &b);
    assert_eq!(
        e.total,
        weights::NAME_DIFFERENT + weights::DOB_EXACT + weights::PHONE_SAME
    );
    assert_eq!(e.band, Band::Possible);
    b.phones = vec!["07700 900999".into()];
    assert_eq!(score(&a, &b).field(Field::Phone).map(|f| f.weight), Some(0));
}

#[test]
fn postcode_districts_add_a_little_and_differ_a_little() {
    let mut a = person("Kade Vantor", None);
    let mut b = person("Kade Vantor", None);
    a.postcode_district = Some("ab6".into());
    b.postcode_district = Some("AB6".into());
    assert_eq!(
        score(&a, &b).total,
        weights::NAME_EXACT + weights::DISTRICT_SAME
    );
    b.postcode_district = Some("AB7".into());
    assert_eq!(
        score(&a, &b).total,
        weights::NAME_EXACT + weights::DISTRICT_DIFFERENT
    );
}

fn place(name: &str, district: Option<&str>, kind: Option<&str>) -> PreparedPlace {
    let mut p = Place::new(name);
    p.postcode_district = district.map(str::to_owned);
    p.kind = kind.map(str::to_owned);
    PreparedPlace::new(&p)
}

#[test]
fn places_agree_on_words_in_any_order_and_spelt_out_abbreviations() {
    let a = place("Greggs, High St", Some("AB6"), Some("shop"));
    let b = place("high street greggs", Some("AB6 1XY"), Some("Shop"));
    let e = score_places(&a, &b);
    assert_eq!(
        e.field(Field::PlaceName).map(|f| f.agreement),
        Some(Agreement::Agreed)
    );
    assert_eq!(e.total, 8 + 4 + 1);
    assert_eq!(e.band, Band::Likely);
}

#[test]
fn a_place_named_inside_a_longer_description_is_close_but_a_generic_word_is_not() {
    let a = place("Greggs", None, None);
    let b = place("the Greggs on High Street", None, None);
    assert_eq!(place_name_level(&a, &b), Level::Close);
    let park = place("the park", None, None);
    let other = place("Leazes Park", None, None);
    assert_eq!(place_name_level(&park, &other), Level::Different);
}

#[test]
fn the_same_chain_in_another_district_is_not_suggested() {
    let a = place("Greggs", Some("AB6"), None);
    let b = place("Greggs", Some("CD1"), None);
    assert_eq!(score_places(&a, &b).band, Band::Unlikely);
    let c = place("Greggs", None, None);
    assert_eq!(score_places(&a, &c).band, Band::Possible);
    let d = place("Orrel Court", Some("AB6"), None);
    assert_eq!(
        score_places(&a, &d).band,
        Band::Unlikely,
        "a district alone is not enough"
    );
}

/// A slip in each word of one name ("Darick" has a letter doubled and one changed; the surname
/// a letter short), with the same date of birth: the first name only sounds alike (two edits,
/// and the first four letters differ), the surname is a slip, so the name is "sounds alike"
/// (+3) and the date (+10) takes the pair to "possible". The same name with nothing else
/// agreeing stays below it, and so does the name with a different date.
#[test]
fn two_slips_in_one_name_with_the_same_date_of_birth_are_possible() {
    let dob = Some(day(1994, 7, 21));
    let e = score(
        &person("Darick Vantablak", dob),
        &person("Darrik Vantablack", dob),
    );
    assert_eq!(
        e.field(Field::Name).map(|f| (f.agreement, f.weight)),
        Some((Agreement::Partly, weights::NAME_PHONETIC)),
        "{e:#?}"
    );
    assert_eq!(e.total, weights::NAME_PHONETIC + weights::DOB_EXACT);
    assert!(e.band >= Band::Possible, "{e:#?}");
    let alone = score(
        &person("Darick Vantablak", None),
        &person("Darrik Vantablack", None),
    );
    assert_eq!(alone.band, Band::Unlikely, "a lone weak hit: {alone:#?}");
    let other_day = score(
        &person("Darick Vantablak", dob),
        &person("Darrik Vantablack", Some(day(1988, 2, 3))),
    );
    assert_eq!(other_day.band, Band::Unlikely, "{other_day:#?}");
}
