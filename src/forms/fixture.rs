//! Test fixtures shared by the forms tests: a synthetic criteria file (not
//! the real `content/`, so these tests do not move when the guidance does)
//! and a helper that loads a definition from a string.

use std::path::Path;

use super::answers::Answers;
use super::load::{load_str, Problem, Sources};
use super::model::Form;
use super::validate::{validate_page_on, PageAnswers, PageError};
use crate::criteria::Criteria;

const CRITERIA: &str = r#"
[lists.eligibility]
title = "Eligibility"
[[lists.eligibility.items]]
id = "harm"
label = "Risk of significant harm"
text = "Synthetic text about harm."
[[lists.eligibility.items]]
id = "mapping"
label = "Mapping"
text = "Synthetic text about mapping."
note = "synthetic exception note."
[[lists.eligibility.items]]
id = "actions"
label = "Previous actions"
text = "Synthetic text about actions."

[lists.risk_assessment]
title = "Risk assessment"
[[lists.risk_assessment.items]]
id = "missing-often"
label = "Goes missing often"
text = "Synthetic indicator."
[[lists.risk_assessment.items]]
id = "older-associates"
label = "Older associates"
text = "Synthetic indicator."

[lists.extraordinary_triggers]
title = "Triggers"
[[lists.extraordinary_triggers.items]]
id = "cannot-wait"
label = "Cannot wait"
text = "Synthetic trigger."
[[lists.extraordinary_triggers.items]]
id = "imminent"
label = "Imminent danger"
text = "Synthetic trigger."

[lists.risk_grades]
title = "Risk grades"
[[lists.risk_grades.items]]
id = "high"
label = "High"
text = "Synthetic grade."
[[lists.risk_grades.items]]
id = "medium"
label = "Medium"
text = "Synthetic grade."
"#;

pub(crate) fn criteria() -> Criteria {
    Criteria::parse(CRITERIA).expect("fixture criteria parse")
}

pub(crate) fn local_authorities() -> Vec<String> {
    [
        "Gateshead",
        "Newcastle",
        "North Tyneside",
        "Northumberland",
        "South Tyneside",
        "Sunderland",
    ]
    .map(String::from)
    .to_vec()
}

/// The top of a valid form; tests append pages.
pub(crate) const HEAD: &str = r#"id = "test"
title = "Test form"
version = 1
audience = "Testers"
intro = "Hello."
what_happens_next = "Nothing."
"#;

/// Loads `HEAD` + `pages` as `forms/test.toml`.
pub(crate) fn load(pages: &str) -> Result<Form, Vec<Problem>> {
    let criteria = criteria();
    let las = local_authorities();
    let sources = Sources {
        criteria: &criteria,
        local_authorities: &las,
    };
    load_str(
        Path::new("forms/test.toml"),
        &format!("{HEAD}{pages}"),
        &sources,
    )
}

pub(crate) fn form(pages: &str) -> Form {
    match load(pages) {
        Ok(form) => form,
        Err(problems) => panic!("fixture form has problems: {problems:#?}"),
    }
}

pub(crate) fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// A fixed "today" so date tests do not age.
pub(crate) fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 6, 15).expect("date")
}

/// Validates a post of `page` of the `FLOW` form.
pub(crate) fn post(
    page: &str,
    answers: &Answers,
    list: &[(&str, &str)],
) -> Result<PageAnswers, PageError> {
    let form = form(FLOW);
    let page = form.page(page).expect("page");
    validate_page_on(&form, page, answers, &pairs(list), today())
}

/// A small form exercising every kind of flow: conditions on pages and
/// questions, checkboxes, dates and a repeat group.
pub(crate) const FLOW: &str = r#"
[[pages]]
id = "person"
title = "The person"

[[pages.questions]]
id = "name"
label = "Full name"
name = "the person's full name"
type = "text"

[[pages.questions]]
id = "dob"
label = "Date of birth"
name = "the person's date of birth"
type = "date"
not_future = true
not_before = "1900-01-01"

[[pages.questions]]
id = "email"
label = "Email address"
type = "email"
required = false

[[pages.questions]]
id = "count"
label = "Missing episodes"
name = "the number of missing episodes"
type = "number"
min = 0
max = 10
required = false

[[pages]]
id = "placement"
title = "Placement"

[[pages.questions]]
id = "out_of_area"
label = "Placed out of area?"
name = "whether the person is placed out of area"
type = "yesno"

[[pages.questions]]
id = "concerns"
label = "Concerns"
name = "the concerns"
type = "checkboxes"
options = [{ value = "online", label = "Online" }, { value = "missing", label = "Going missing" }]

[[pages]]
id = "host"
title = "Host force"
when = { question = "out_of_area", equals = "yes" }

[[pages.questions]]
id = "host_force"
label = "Host force"
name = "the host force"
type = "text"

[[pages]]
id = "more"
title = "More"

[[pages.questions]]
id = "online_detail"
label = "Online detail"
name = "the online detail"
type = "textarea"
when = { question = "concerns", includes = "online" }

[[pages.questions]]
id = "general"
label = "General notes"
type = "textarea"
required = false

[[pages]]
id = "perps"
title = "Perpetrators"
repeat = { min = 1, max = 2, item_label = "Perpetrator" }

[[pages.questions]]
id = "perp_name"
label = "Name or description"
name = "the name or a description"
type = "text"

[[pages.questions]]
id = "perp_seen"
label = "Last seen"
name = "the date last seen"
type = "date"
required = false
"#;
