use super::*;
use crate::forms::answers::Value;
use crate::forms::fixture::{form, pairs, today, FLOW};
use crate::forms::validate::{validate_page, PageError};

/// Posts `list` to `page` of the FLOW form and renders the page again with
/// its errors, as the kiosk does.
fn rerender(page: &str, list: &[(&str, &str)], csrf: &str) -> String {
    let form = form(FLOW);
    let page = form.page(page).expect("page");
    let e = match validate_page(&form, page, &Answers::default(), &pairs(list)) {
        Err(PageError::Invalid(errors)) => errors,
        other => panic!("expected errors, got {other:?}"),
    };
    page_form(
        &Step {
            form: &form,
            page,
            answers: &Answers::default(),
            values: e.values.clone(),
            errors: e.errors.clone(),
        },
        csrf,
        "/x",
        today(),
    )
    .into_string()
}

/// A page as first shown: no answers, no errors.
fn blank(form: &crate::forms::Form, page: &crate::forms::Page) -> String {
    let values = FieldValues::default();
    page_form(
        &Step {
            form,
            page,
            answers: &Answers::default(),
            values: values.clone(),
            errors: Vec::new(),
        },
        "t",
        "/x",
        today(),
    )
    .into_string()
}

#[test]
fn user_input_is_escaped_everywhere_it_is_shown() {
    let form = form(FLOW);
    let script = "<script>alert(1)</script>";
    let html = rerender(
        "person",
        &[("name", script), ("dob-day", "\"><b>")],
        "t\"ok",
    );
    assert!(!html.contains("<script>"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(!html.contains("\"><b>"), "{html}");
    assert!(html.contains(r#"name="csrf" value="t&quot;ok""#), "{html}");

    let mut answers = Answers::default();
    answers
        .values
        .insert("general".into(), Value::One(script.into()));
    let more = form.page("more").expect("page");
    let values = FieldValues::from_answers(more, &answers);
    let textarea = page_form(
        &Step {
            form: &form,
            page: more,
            answers: &answers,
            values: values.clone(),
            errors: Vec::new(),
        },
        "t",
        "/x",
        today(),
    )
    .into_string();
    assert!(textarea.contains("&lt;script&gt;"), "{textarea}");
    let check = check_answers(&form, &answers).into_string();
    assert!(
        check.contains("&lt;script&gt;") && !check.contains("<script>"),
        "{check}"
    );
}

#[test]
fn error_summary_links_point_at_field_ids_on_the_page() {
    let list = [("name", ""), ("dob-day", "1"), ("dob-year", "2000")];
    let html = rerender("person", &list, "t");
    assert!(html.contains("govuk-error-summary"));
    for target in ["name", "dob-month"] {
        assert!(
            html.contains(&format!(r##"href="#{target}""##)),
            "link to {target}: {html}"
        );
        assert!(
            html.contains(&format!(r#"id="{target}""#)),
            "element {target}: {html}"
        );
    }
    // Only the missing part of the date is highlighted; the message is tied
    // to the fieldset for screen readers.
    assert!(
        html.contains(r#"govuk-input--width-2 govuk-input--error" id="dob-month""#),
        "{html}"
    );
    assert!(
        !html.contains(r#"govuk-input--error" id="dob-day""#),
        "{html}"
    );
    assert!(
        html.contains(r#"aria-describedby="dob-hint dob-error""#),
        "{html}"
    );
    assert!(html.contains(r#"value="2000""#), "kept what was typed");
}

#[test]
fn radios_carry_no_aria_expanded_or_controls() {
    let form = form(FLOW);
    let page = form.page("placement").expect("page");
    let html = blank(&form, page);
    assert!(html.contains("govuk-radios govuk-radios--inline"), "{html}");
    assert!(html.contains("govuk-checkboxes__input"), "{html}");
    assert!(
        !html.contains("aria-expanded") && !html.contains("aria-controls"),
        "{html}"
    );
}

#[test]
fn a_single_question_page_uses_the_question_as_its_heading() {
    let form = form(FLOW);
    let page = form.page("host").expect("page");
    let html = blank(&form, page);
    assert!(html.contains(r#"<h1 class="govuk-label-wrapper"><label class="govuk-label govuk-label--l" for="host_force">Host force</label></h1>"#), "{html}");
    assert!(!html.contains("govuk-heading-l"), "one h1 only: {html}");
}

#[test]
fn repeat_page_shows_saved_items_a_blank_slot_and_add_another() {
    let form = form(FLOW);
    let page = form.page("perps").expect("page");
    let mut answers = Answers::default();
    let mut item = crate::forms::Item::new();
    item.insert("perp_name".into(), Value::One("Mx Example".into()));
    answers.items.insert("perps".into(), vec![item]);
    let values = FieldValues::from_answers(page, &answers);
    let html = page_form(
        &Step {
            form: &form,
            page,
            answers: &answers,
            values: values.clone(),
            errors: Vec::new(),
        },
        "t",
        "/x",
        today(),
    )
    .into_string();
    assert!(
        html.contains(r#"id="perp_name-1" name="perp_name-1" type="text" value="Mx Example""#),
        "{html}"
    );
    assert!(html.contains(r#"id="perp_name-2""#), "blank slot: {html}");
    assert!(
        html.contains(r#"name="remove" type="checkbox" value="1""#),
        "{html}"
    );
    assert!(html.contains("Save and add another perpetrator"), "{html}");
    // At max there is no blank slot and no add button.
    let mut full = values.clone();
    full.items = 2;
    let html = page_form(
        &Step {
            form: &form,
            page,
            answers: &answers,
            values: full.clone(),
            errors: Vec::new(),
        },
        "t",
        "/x",
        today(),
    )
    .into_string();
    assert!(
        !html.contains(r#"id="perp_name-3""#) && !html.contains("Save and add another"),
        "{html}"
    );
}

#[test]
fn check_answers_has_a_change_link_per_row() {
    let form = form(FLOW);
    let mut answers = Answers::default();
    answers
        .values
        .insert("out_of_area".into(), Value::One("no".into()));
    let html = check_answers(&form, &answers).into_string();
    assert!(html.contains("govuk-summary-list__row"), "{html}");
    assert!(
        html.contains(r#"href="/forms/test/placement/?change""#),
        "{html}"
    );
    assert!(
        html.contains(r#"<span class="govuk-visually-hidden"> Placed out of area?</span>"#),
        "{html}"
    );
}

#[test]
fn a_lead_in_line_and_its_items_render_as_a_paragraph_and_a_list() {
    let html = paragraphs("You will need:\n- the child's details\n- a manager\nThen send it.")
        .into_string();
    assert_eq!(
        html,
        r#"<p class="govuk-body">You will need:</p><ul class="govuk-list govuk-list--bullet"><li>the child's details</li><li>a manager</li></ul><p class="govuk-body">Then send it.</p>"#
    );
}

#[test]
fn paragraphs_make_lists_and_escape() {
    let html = paragraphs("One\nline <b>.\n\n- a\n- b").into_string();
    assert_eq!(
        html,
        r#"<p class="govuk-body">One line &lt;b&gt;.</p><ul class="govuk-list govuk-list--bullet"><li>a</li><li>b</li></ul>"#
    );
}
