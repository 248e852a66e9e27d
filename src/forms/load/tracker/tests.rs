use std::path::Path;

use crate::forms::fixture::{self, criteria, local_authorities};
use crate::forms::load_dir;

/// Two pages: the person asked once, and a repeat page of perpetrators.
const PAGES: &str = r#"
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
id = "worries"
label = "Worries"
type = "checkboxes"
options = [{ value = "a", label = "A" }]

[[pages]]
id = "perpetrators"
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
required = false
"#;

fn problems(entries: &str) -> String {
    match fixture::load(&format!("{PAGES}{entries}")) {
        Ok(_) => panic!("expected problems in:\n{entries}"),
        Err(problems) => problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn declarations_are_stored_on_the_form() {
    let form = fixture::form(&format!(
        "{PAGES}{}",
        r#"
[[people]]
role = "referred"
name = ["first_name", "last_name"]
date_of_birth = "dob"
note = "worries"

[[people]]
group = "perpetrators"
role = "perpetrator"
name = "perp_name"
age = "perp_age"

[[places]]
role = "place-of-concern"
name = "last_name"
"#
    ));
    assert_eq!(form.people.len(), 2);
    assert_eq!(form.people[0].name, ["first_name", "last_name"]);
    assert_eq!(form.people[0].date_of_birth.as_deref(), Some("dob"));
    assert_eq!(form.people[0].note, ["worries"], "a note takes checkboxes");
    assert_eq!(form.people[1].group.as_deref(), Some("perpetrators"));
    assert_eq!(form.people[1].age.as_deref(), Some("perp_age"));
    assert_eq!(form.places[0].role, "place-of-concern");
}

#[test]
fn an_unknown_question_names_the_file_line_entry_key_and_a_hint() {
    let got = problems(
        "\n[[people]]\nrole = \"referred\"\nname = \"first_name\"\n\n[[people]]\ngroup = \"perpetrators\"\nrole = \"perpetrator\"\nname = \"perp_nam\"\n",
    );
    assert!(
        got.contains("forms/test.toml:56: [[people]] 2: name: unknown question \"perp_nam\" (did you mean \"perp_name\"?)"),
        "{got}"
    );
}

#[test]
fn questions_must_sit_on_the_entrys_repeat_page_or_off_every_repeat_page() {
    let got = problems(
        "\n[[people]]\nrole = \"referred\"\nname = \"perp_name\"\n\n[[people]]\ngroup = \"perpetrators\"\nrole = \"perpetrator\"\nname = \"perp_name\"\nalias = \"last_name\"\n",
    );
    assert!(
        got.contains("[[people]] 1: name: question \"perp_name\" is on repeat page \"perpetrators\"; add group = \"perpetrators\""),
        "{got}"
    );
    assert!(
        got.contains("[[people]] 2: alias: question \"last_name\" is not on page \"perpetrators\", the entry's group"),
        "{got}"
    );
}

#[test]
fn groups_roles_and_kinds_are_checked() {
    let got = problems(concat!(
        "\n[[people]]\ngroup = \"person\"\nrole = \"Referred Person\"\nname = \"first_name\"\n",
        "\n[[people]]\ngroup = \"perps\"\nrole = \"perpetrator\"\nname = \"perp_name\"\n",
        "\n[[people]]\nrole = \"referred\"\nname = []\ndate_of_birth = \"last_name\"\nalias = \"worries\"\n",
        "\n[[places]]\nrole = \"place\"\nname = \"first_name\"\nkind = \"worries\"\n",
    ));
    for want in [
        "[[people]] 1: group: page \"person\" is not a repeat page; leave group out for questions asked once",
        "[[people]] 1: role: ids start with a letter and use lowercase letters, digits and hyphens",
        "[[people]] 2: group: unknown page \"perps\"",
        "[[people]] 3: name: give at least one question id",
        "[[people]] 3: date_of_birth: question \"last_name\" is text, not a date",
        "[[people]] 3: alias: question \"worries\" is checkboxes, which holds several answers; use it as a note",
        "[[places]] 1: kind: question \"worries\" is checkboxes",
    ] {
        assert!(got.contains(want), "wanted {want:?} in\n{got}");
    }
}

#[test]
fn an_unknown_key_in_an_entry_is_refused() {
    let got =
        problems("\n[[people]]\nrole = \"referred\"\nname = \"first_name\"\nnickname = \"x\"\n");
    assert!(got.contains("unknown field `nickname`"), "{got}");
}

#[test]
fn every_real_form_tells_the_tracker_who_or_where_it_is_about() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    let set = load_dir(&dir, &criteria(), &local_authorities()).expect("the real forms load");
    for form in set.iter() {
        assert!(
            !form.people.is_empty() || !form.places.is_empty(),
            "{} declares no [[people]] or [[places]]",
            form.id
        );
    }
    let child = set.get("child-referral").expect("child form");
    let groups: Vec<Option<&str>> = child.people.iter().map(|p| p.group.as_deref()).collect();
    assert_eq!(groups, [None, Some("perpetrators")]);
}
