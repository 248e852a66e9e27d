use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use super::*;
use crate::criteria::Criteria;
use crate::forms::{load_str, Answers, Sources};

pub(crate) const FORM: &str = r#"
id = "test"
title = "Test"
version = 1
audience = "Testers"
intro = "Hello."
what_happens_next = "Nothing."

[[pages]]
id = "person"
title = "Person"
[[pages.questions]]
id = "first_name"
label = "First name"
type = "text"
[[pages.questions]]
id = "last_name"
label = "Last name"
type = "text"
[[pages.questions]]
id = "dob"
label = "Date of birth"
type = "date"
[[pages.questions]]
id = "area"
label = "Where they live"
type = "text"

[[pages]]
id = "perps"
title = "Perpetrators"
repeat = { min = 0, max = 5, item_label = "Perpetrator" }
[[pages.questions]]
id = "perp_name"
label = "Name"
type = "text"
[[pages.questions]]
id = "perp_age"
label = "Age"
type = "text"
[[pages.questions]]
id = "perp_phone"
label = "Phone"
type = "phone"
[[pages.questions]]
id = "perp_known"
label = "What is known"
type = "textarea"

[[pages]]
id = "places"
title = "Places"
repeat = { min = 0, max = 5, item_label = "Place" }
[[pages.questions]]
id = "place_name"
label = "Place"
type = "text"
[[pages.questions]]
id = "place_postcode"
label = "Postcode"
type = "text"
[[pages.questions]]
id = "place_kind"
label = "Kind"
type = "radios"
options = [{ value = "shop", label = "A shop" }, { value = "park", label = "A park" }]

[[people]]
role = "referred"
name = ["first_name", "last_name"]
date_of_birth = "dob"
postcode = "area"

[[people]]
group = "perps"
role = "perpetrator"
name = "perp_name"
age = "perp_age"
phone = "perp_phone"
note = "perp_known"

[[places]]
group = "places"
role = "place-of-concern"
name = "place_name"
postcode = "place_postcode"
kind = "place_kind"
"#;

pub(crate) fn form(text: &str) -> Form {
    let criteria = Criteria::default();
    let sources = Sources {
        criteria: &criteria,
        local_authorities: &[],
    };
    load_str(Path::new("test.toml"), text, &sources).expect("the test form loads")
}

fn one(pairs: &[(&str, &str)]) -> Item {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Value::One((*v).to_owned())))
        .collect()
}

pub(crate) fn submission(answers: Answers) -> Submission {
    Submission {
        schema: 1,
        reference: "REF-1".into(),
        form: "test".into(),
        form_title: "Test".into(),
        form_version: 1,
        started_at: "2025-06-01T09:00:00Z".into(),
        submitted_at: "2025-06-01T10:00:00+01:00".into(),
        answers,
    }
}

pub(crate) fn answers() -> Answers {
    Answers {
        values: one(&[
            ("first_name", "Tamsin"),
            ("last_name", "Orrel"),
            ("dob", "2009-03-27"),
            ("area", "Byker, AB6 2CD"),
        ]),
        items: BTreeMap::from([
            (
                "perps".to_owned(),
                vec![
                    one(&[
                        ("perp_name", "Kade Vantor (Bigz)"),
                        ("perp_age", "about 25"),
                        ("perp_phone", "07700 900123"),
                        ("perp_known", "Drives a blue car"),
                    ]),
                    one(&[
                        ("perp_name", "Jory"),
                        ("perp_age", "older than her"),
                        ("perp_phone", ""),
                        ("perp_known", ""),
                    ]),
                    one(&[
                        ("perp_name", ""),
                        ("perp_age", ""),
                        ("perp_phone", ""),
                        ("perp_known", ""),
                    ]),
                ],
            ),
            (
                "places".to_owned(),
                vec![one(&[
                    ("place_name", "Greggs, High St"),
                    ("place_postcode", "AB6 1XY"),
                    ("place_kind", "shop"),
                ])],
            ),
        ]),
    }
}

#[test]
fn the_referred_person_is_read_from_the_questions_asked_once() {
    let got = extract(&form(FORM), &submission(answers()), "case-1");
    let child = &got.people[0];
    assert_eq!(child.name, "Tamsin Orrel");
    assert_eq!(child.date_of_birth, NaiveDate::from_ymd_opt(2009, 3, 27));
    assert_eq!(child.postcode_district.as_deref(), Some("AB6"));
    assert_eq!(got.links[0].case, "case-1");
    assert_eq!(got.links[0].role, "referred");
    assert_eq!(got.links[0].subject, Subject::Person(child.id.clone()));
}

#[test]
fn one_perpetrator_per_filled_item_with_aliases_ages_and_notes() {
    let got = extract(&form(FORM), &submission(answers()), "case-1");
    assert_eq!(got.people.len(), 3, "the blank item adds nobody");
    let kade = &got.people[1];
    assert_eq!(
        (kade.name.as_str(), kade.aliases.as_slice()),
        ("Kade Vantor", &["Bigz".to_owned()][..])
    );
    let age = kade.age.expect("an age");
    assert_eq!((age.low, age.high), (23, 27));
    assert_eq!(
        age.as_of,
        NaiveDate::from_ymd_opt(2025, 6, 1).expect("date")
    );
    assert_eq!(kade.phones, ["07700 900123"]);
    assert_eq!(kade.note, "What is known: Drives a blue car");
    let jory = &got.people[2];
    assert_eq!(jory.age, None);
    assert_eq!(
        jory.note, "Age: older than her",
        "an unreadable age is kept, not lost"
    );
    let roles: Vec<&str> = got.links.iter().map(|l| l.role.as_str()).collect();
    assert_eq!(
        roles,
        ["referred", "perpetrator", "perpetrator", "place-of-concern"]
    );
}

#[test]
fn places_keep_their_district_and_the_kinds_value() {
    let got = extract(&form(FORM), &submission(answers()), "case-1");
    let shop = &got.places[0];
    assert_eq!(shop.name, "Greggs, High St");
    assert_eq!(shop.postcode_district.as_deref(), Some("AB6"));
    assert_eq!(shop.kind.as_deref(), Some("shop"));
    assert_eq!(got.links[3].subject, Subject::Place(shop.id.clone()));
}

#[test]
fn an_area_without_a_postcode_goes_to_the_note_and_a_form_without_declarations_adds_nothing() {
    let mut a = answers();
    a.values.insert("area".into(), Value::One("Heaton".into()));
    let got = extract(&form(FORM), &submission(a), "case-1");
    assert_eq!(got.people[0].postcode_district, None);
    assert_eq!(got.people[0].note, "Where they live: Heaton");
    let bare = FORM.split("[[people]]").next().expect("head");
    assert_eq!(
        extract(&form(bare), &submission(answers()), "c"),
        Extracted::default()
    );
}

#[test]
fn other_names_written_into_a_name_become_aliases() {
    let cases = [
        ("Kade Vantor (Bigz)", "Kade Vantor", vec!["Bigz"]),
        ("Kade Vantor aka Bigz", "Kade Vantor", vec!["Bigz"]),
        (
            "Kade Vantor, known as Bigz / KV",
            "Kade Vantor",
            vec!["Bigz", "KV"],
        ),
        ("Kade Vantor AKA Bigz", "Kade Vantor", vec!["Bigz"]),
        ("Vantor, Kade", "Vantor, Kade", vec![]),
        ("Zoë (Zo) Orrel", "Zoë Orrel", vec!["Zo"]),
        ("Kade (unclosed", "Kade", vec!["unclosed"]),
    ];
    for (text, main, aliases) in cases {
        let (got_main, got_aliases) = known_as(text);
        assert_eq!(
            (got_main.as_str(), got_aliases),
            (
                main,
                aliases.iter().map(|s| s.to_string()).collect::<Vec<_>>()
            ),
            "{text}"
        );
    }
}
