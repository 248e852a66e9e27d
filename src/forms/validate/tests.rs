use super::*;
use crate::forms::fixture::{form, post, today, FLOW as PAGES};

fn errors(result: Result<PageAnswers, PageError>) -> PageErrors {
    match result {
        Err(PageError::Invalid(errors)) => errors,
        other => panic!("expected field errors, got {other:?}"),
    }
}

fn messages(result: Result<PageAnswers, PageError>) -> Vec<String> {
    errors(result)
        .errors
        .into_iter()
        .map(|e| e.summary)
        .collect()
}

fn person(name: &str, d: &str, m: &str, y: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", name.to_owned()),
        ("dob-day", d.to_owned()),
        ("dob-month", m.to_owned()),
        ("dob-year", y.to_owned()),
    ]
}

fn post_person(name: &str, d: &str, m: &str, y: &str) -> Result<PageAnswers, PageError> {
    let owned = person(name, d, m, y);
    let list: Vec<(&str, &str)> = owned.iter().map(|(n, v)| (*n, v.as_str())).collect();
    post("person", &Answers::default(), &list)
}

#[test]
fn missing_required_answers_get_govuk_messages_linked_to_the_field() {
    let e = errors(post_person("", "", "", ""));
    let got: Vec<(&str, &str)> = e
        .errors
        .iter()
        .map(|e| (e.target.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("name", "Enter the person's full name"),
            ("dob-day", "Enter the person's date of birth")
        ]
    );
}

#[test]
fn too_long_text_is_refused_and_what_was_typed_is_kept() {
    let long = "x".repeat(201);
    let e = errors(post_person(&long, "4", "3", "2010"));
    assert_eq!(e.errors[0].message, "Enter no more than 200 characters");
    assert_eq!(e.values.get("name"), Some(long.as_str()));
    assert_eq!(e.values.get("dob-year"), Some("2010"));
}

#[test]
fn dates_must_be_real_complete_and_in_bounds() {
    let cases = [
        (
            ("31", "2", "2010"),
            "The person's date of birth must be a real date",
        ),
        (
            ("1", "1", "2027"),
            "The person's date of birth must be today or in the past",
        ),
        (
            ("1", "", "2010"),
            "The person's date of birth must include a month",
        ),
        (
            ("", "", "2010"),
            "The person's date of birth must include a day and month",
        ),
        (("1", "1", "10"), "Year must include 4 numbers"),
        (
            ("1", "x", "2010"),
            "The person's date of birth must be a real date",
        ),
        (
            ("31", "12", "1899"),
            "The person's date of birth must be on or after 1 January 1900",
        ),
    ];
    for ((d, m, y), want) in cases {
        let got = messages(post_person("Testy McTestface", d, m, y));
        assert_eq!(got, [want], "{d}/{m}/{y}");
    }
    let partial = errors(post_person("T", "1", "", "2010"));
    assert_eq!(partial.errors[0].target, "dob-month");
    assert_eq!(partial.errors[0].parts, ["month"]);
}

#[test]
fn valid_page_is_normalised_for_storage() {
    let list = [
        ("csrf", "token"),
        ("name", "  Testy McTestface "),
        ("dob-day", "04"),
        ("dob-month", "3"),
        ("dob-year", "2010"),
        ("email", ""),
        ("count", "7"),
        ("action", "continue"),
    ];
    let got = post("person", &Answers::default(), &list).expect("valid");
    let PageContent::Values(values) = got.content else {
        panic!("values expected");
    };
    assert_eq!(values["name"], Value::One("Testy McTestface".into()));
    assert_eq!(values["dob"], Value::One("2010-03-04".into()));
    assert_eq!(
        values["email"],
        Value::One(String::new()),
        "blank optional answers are stored"
    );
    assert_eq!(values["count"], Value::One("7".into()));
}

#[test]
fn email_and_number_messages() {
    let base = [
        ("name", "T"),
        ("dob-day", "1"),
        ("dob-month", "1"),
        ("dob-year", "2000"),
    ];
    let with = |extra: (&'static str, &'static str)| {
        let mut list = base.to_vec();
        list.push(extra);
        messages(post("person", &Answers::default(), &list))
    };
    assert_eq!(
        with(("email", "testy.example.com")),
        ["Enter an email address in the correct format, like name@example.com"]
    );
    assert_eq!(
        with(("count", "lots")),
        ["The number of missing episodes must be a whole number"]
    );
    assert_eq!(
        with(("count", "11")),
        ["The number of missing episodes must be 10 or less"]
    );
}

#[test]
fn unknown_repeated_or_tampered_fields_are_bad_requests() {
    let bad = |list: &[(&str, &str)]| match post("placement", &Answers::default(), list) {
        Err(PageError::BadRequest(message)) => message,
        other => panic!("expected a bad request, got {other:?}"),
    };
    assert_eq!(
        bad(&[("out_of_area", "yes"), ("isAdmin", "1")]),
        "unexpected field \"isAdmin\""
    );
    assert_eq!(
        bad(&[("out_of_area", "yes"), ("out_of_area", "no")]),
        "field \"out_of_area\" appears more than once"
    );
    assert_eq!(
        bad(&[("csrf", "a"), ("csrf", "b")]),
        "field \"csrf\" appears more than once"
    );
    assert_eq!(
        bad(&[("out_of_area", "maybe")]),
        "\"out_of_area\" is not one of its options"
    );
    assert_eq!(
        bad(&[("concerns", "sexual")]),
        "\"concerns\" has an unknown option \"sexual\""
    );
    assert_eq!(bad(&[("action", "add")]), "unexpected action \"add\"");
    // Checkboxes legitimately repeat; the answer keeps the options' order.
    let ok = post(
        "placement",
        &Answers::default(),
        &[
            ("out_of_area", "no"),
            ("concerns", "missing"),
            ("concerns", "online"),
        ],
    );
    let PageContent::Values(values) = ok.expect("valid").content else {
        panic!("values expected");
    };
    assert_eq!(
        values["concerns"],
        Value::Many(vec!["online".into(), "missing".into()])
    );
}

#[test]
fn validation_never_panics_on_arbitrary_pairs() {
    let names = [
        "name",
        "dob-day",
        "dob-year",
        "concerns",
        "perp_name-1",
        "perp_name-3",
        "remove",
        "action",
        "csrf",
        "x",
    ];
    let values = [
        "",
        "1",
        "31",
        "yes",
        "online",
        "add",
        "continue",
        "2",
        "-1",
        "99999999999",
        "\u{0}<b>",
    ];
    let form = form(PAGES);
    let mut state = 0x1234_5678_9abc_def1_u64;
    for _ in 0..3000 {
        let mut list = Vec::new();
        for _ in 0..(state % 6) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let name = names[(state % names.len() as u64) as usize];
            let value = values[((state >> 16) % values.len() as u64) as usize];
            list.push((name.to_owned(), value.to_owned()));
        }
        let page = &form.pages[(state % form.pages.len() as u64) as usize];
        let _ = validate_page_on(&form, page, &Answers::default(), &list, today());
    }
}

#[test]
fn repeat_groups_enforce_min_and_max_and_drop_blank_or_removed_items() {
    let none = Answers::default();
    assert_eq!(
        messages(post("perps", &none, &[("perp_name-1", "")])),
        ["Add at least one perpetrator"]
    );
    let e = errors(post("perps", &none, &[]));
    assert_eq!(e.errors[0].target, "perp_name-1");
    // Beyond max is not something our page can send.
    assert!(matches!(
        post("perps", &none, &[("perp_name-3", "x")]),
        Err(PageError::BadRequest(_))
    ));
    // Removal and blank slots: items are renumbered from 1.
    let got = post(
        "perps",
        &none,
        &[
            ("perp_name-1", "Gone"),
            ("perp_name-2", "Kept"),
            ("remove", "1"),
        ],
    )
    .expect("valid");
    assert_eq!(got.intent, Intent::Stay);
    let PageContent::Items(items) = got.content else {
        panic!("items expected");
    };
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["perp_name"], Value::One("Kept".into()));
    // "Add another" saves and stays; item errors name the item.
    let add = post("perps", &none, &[("perp_name-1", "A"), ("action", "add")]).expect("valid");
    assert_eq!(add.intent, Intent::Stay);
    let bad_date = post(
        "perps",
        &none,
        &[
            ("perp_name-1", "A"),
            ("perp_name-2", "B"),
            ("perp_seen-2-day", "31"),
            ("perp_seen-2-month", "2"),
            ("perp_seen-2-year", "2020"),
        ],
    );
    let e = errors(bad_date);
    assert_eq!(
        e.errors[0].summary,
        "Perpetrator 2: The date last seen must be a real date"
    );
    assert_eq!(e.errors[0].target, "perp_seen-2-day");
}

/// A one-page form asking a date of birth with `rules` (TOML lines).
fn dob_form(rules: &str) -> crate::forms::Form {
    form(&format!(
        "[[pages]]\nid = \"p\"\ntitle = \"P\"\n[[pages.questions]]\nid = \"dob\"\n\
         label = \"Date of birth\"\nname = \"the child's date of birth\"\ntype = \"date\"\n\
         not_future = true\n{rules}"
    ))
}

fn post_dob(form: &crate::forms::Form, d: &str, m: &str, y: &str) -> Vec<String> {
    let page = &form.pages[0];
    let list = [("dob-day", d), ("dob-month", m), ("dob-year", y)];
    let owned: Vec<(String, String)> = list
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    match validate_page_on(form, page, &Answers::default(), &owned, today()) {
        Ok(_) => Vec::new(),
        Err(e) => errors(Err(e))
            .errors
            .into_iter()
            .map(|e| e.message)
            .collect(),
    }
}

#[test]
fn dates_of_birth_outside_the_forms_ages_are_refused_with_the_reason() {
    // today() is 15 June 2026.
    let child = dob_form("max_age = 17\nage_reason = \"This form is for children.\"\n");
    assert_eq!(
        post_dob(&child, "15", "6", "2008"),
        ["The child's date of birth must be for someone under 18. This form is for children."],
        "18 today"
    );
    assert!(
        post_dob(&child, "16", "6", "2008").is_empty(),
        "17 until tomorrow"
    );
    assert_eq!(post_dob(&child, "1", "1", "1990").len(), 1, "an adult");
    let adult = dob_form("min_age = 18\nage_reason = \"Use the child form.\"\n");
    assert_eq!(
        post_dob(&adult, "16", "6", "2008"),
        ["The child's date of birth must be for someone aged 18 or over. Use the child form."]
    );
    assert!(post_dob(&adult, "15", "6", "2008").is_empty(), "18 today");
    assert_eq!(
        post_dob(&adult, "1", "2", "2015").len(),
        1,
        "an 11-year-old"
    );
}

#[test]
fn the_date_hint_example_is_accepted_by_its_own_question() {
    for (rules, want) in [
        ("max_age = 17\nage_reason = \"R.\"\n", "2012-03-27"),
        ("min_age = 18\nage_reason = \"R.\"\n", "1996-03-27"),
        ("", "2026-06-05"),
    ] {
        let form = dob_form(rules);
        let crate::forms::Kind::Date(r) = &form.pages[0].questions[0].kind else {
            panic!("date");
        };
        let example = r.example(today());
        assert_eq!(example.to_string(), want, "{rules}");
        let parts = [
            example.format("%-d"),
            example.format("%-m"),
            example.format("%Y"),
        ]
        .map(|p| p.to_string());
        assert!(
            post_dob(&form, &parts[0], &parts[1], &parts[2]).is_empty(),
            "{rules}"
        );
    }
}

#[test]
fn a_pattern_message_quotes_the_questions_own_example_and_none_without_one() {
    let page = |example: &str| {
        format!("[[pages]]\nid = \"where\"\ntitle = \"Where\"\n\n[[pages.questions]]\nid = \"pc\"\nlabel = \"Postcode\"\nname = \"the postcode\"\ntype = \"text\"\npattern = \"uk-postcode\"\n{example}")
    };
    let message = |form: &crate::forms::Form| {
        let p = form.page("where").expect("page");
        let pairs = crate::forms::fixture::pairs(&[("pc", "not one")]);
        messages(validate_page_on(
            form,
            p,
            &Answers::default(),
            &pairs,
            today(),
        ))
    };
    let with = form(&page("example = \"ZZ9 9ZZ\"\n"));
    assert_eq!(
        message(&with),
        vec!["Enter a full UK postcode, like ZZ9 9ZZ"]
    );
    let without = form(&page(""));
    assert_eq!(message(&without), vec!["Enter a full UK postcode"]);
}
