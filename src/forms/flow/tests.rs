use super::*;
use crate::forms::fixture::{form, post, FLOW as PAGES};
use crate::forms::model::Kind;
use crate::forms::validate::PageError;

fn answered_placement(out_of_area: &str, concerns: &[&str]) -> Answers {
    let mut a = Answers::default();
    a.values
        .insert("out_of_area".into(), Value::One(out_of_area.into()));
    a.values.insert(
        "concerns".into(),
        Value::Many(concerns.iter().map(|c| c.to_string()).collect()),
    );
    a
}

#[test]
fn conditions_show_pages_and_questions_only_when_earlier_answers_match() {
    let form = form(PAGES);
    let ids = |a: &Answers| {
        visible_pages(&form, a)
            .iter()
            .map(|p| p.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&answered_placement("no", &[])),
        ["person", "placement", "more", "perps"]
    );
    assert_eq!(
        ids(&answered_placement("yes", &[])),
        ["person", "placement", "host", "more", "perps"]
    );
    // A question hidden by its condition may not be posted.
    let hidden = post(
        "more",
        &answered_placement("no", &["missing"]),
        &[("online_detail", "x")],
    );
    assert_eq!(
        hidden,
        Err(PageError::BadRequest(
            "unexpected field \"online_detail\"".into()
        ))
    );
    let shown = post(
        "more",
        &answered_placement("no", &["online"]),
        &[("online_detail", "")],
    );
    assert!(
        matches!(shown, Err(PageError::Invalid(e)) if e.errors[0].message == "Enter the online detail")
    );
}

#[test]
fn flow_finds_the_first_unanswered_page_and_prunes_stale_answers() {
    let form = form(PAGES);
    let mut a = Answers::default();
    assert_eq!(
        first_unanswered_page(&form, &a).map(|p| p.id.as_str()),
        Some("person")
    );
    assert!(!can_visit(&form, &a, "placement"), "no skipping ahead");
    let person = post(
        "person",
        &a,
        &[
            ("name", "Testy McTestface"),
            ("dob-day", "1"),
            ("dob-month", "2"),
            ("dob-year", "2011"),
        ],
    );
    a.record(form.page("person").expect("page"), person.expect("valid"));
    a.record(
        form.page("placement").expect("page"),
        post(
            "placement",
            &a,
            &[("out_of_area", "yes"), ("concerns", "missing")],
        )
        .expect("valid"),
    );
    assert_eq!(
        first_unanswered_page(&form, &a).map(|p| p.id.as_str()),
        Some("host")
    );
    a.record(
        form.page("host").expect("page"),
        post("host", &a, &[("host_force", "Testshire Police")]).expect("valid"),
    );
    a.record(
        form.page("more").expect("page"),
        post("more", &a, &[]).expect("valid"),
    );
    assert_eq!(
        first_unanswered_page(&form, &a).map(|p| p.id.as_str()),
        Some("perps")
    );
    let perps = post("perps", &a, &[("perp_name-1", "Mx Example")]).expect("valid");
    a.record(form.page("perps").expect("page"), perps);
    assert!(is_complete(&form, &a));
    assert!(can_visit(&form, &a, "host"));
    // Changing an answer hides the page that depended on it, and its answer
    // is no longer part of what is submitted.
    a.values
        .insert("out_of_area".into(), Value::One("no".into()));
    assert!(is_complete(&form, &a));
    assert!(!can_visit(&form, &a, "host"));
    assert!(a.pruned(&form).get("host_force").is_none());
    assert!(
        a.get("host_force").is_some(),
        "the draft keeps it in case of a change back"
    );
}

#[test]
fn check_answers_rows_show_labels_readable_values_and_change_pages() {
    let form = form(PAGES);
    let mut a = answered_placement("yes", &["online", "missing"]);
    a.values
        .insert("dob".into(), Value::One("2010-03-04".into()));
    a.values.insert("email".into(), Value::One(String::new()));
    let mut item = crate::forms::Item::new();
    item.insert("perp_name".into(), Value::One("Mx Example".into()));
    item.insert("perp_seen".into(), Value::One(String::new()));
    a.items.insert("perps".into(), vec![item]);
    let rows = check_answers_rows(&form, &a);
    let find = |key: &str| {
        rows.iter()
            .find(|r| r.key == key)
            .unwrap_or_else(|| panic!("no row {key}: {rows:#?}"))
    };
    assert_eq!(find("Date of birth").value, ["4 March 2010"]);
    assert_eq!(find("Date of birth").page, "person");
    assert_eq!(find("Email address").value, ["Not answered"]);
    assert_eq!(find("Placed out of area?").value, ["Yes"]);
    assert_eq!(find("Concerns").value, ["Online", "Going missing"]);
    assert_eq!(
        find("Perpetrator 1").value,
        ["Name or description: Mx Example"]
    );
    assert_eq!(find("Perpetrator 1").page, "perps");
}

/// Synthetic answers for every question on `page`: "yes", and the last
/// radio option, which in our forms is the one that leads to a follow-up
/// page ("not appropriate", "without consent"), so every page is reached.
fn fill(form: &Form, page: &Page, answers: &Answers) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let field = |q: &Question| match &page.repeat {
        Some(_) => format!("{}-1", q.id),
        None => q.id.clone(),
    };
    for q in visible_questions(form, page, answers) {
        let name = field(q);
        let value = match &q.kind {
            Kind::Date(rules) => {
                // The hint's own example: it must pass the question's rules.
                let d = rules.example(crate::forms::fixture::today());
                let parts = [("day", "%-d"), ("month", "%-m"), ("year", "%Y")];
                for (part, f) in parts {
                    out.push((format!("{name}-{part}"), d.format(f).to_string()));
                }
                continue;
            }
            Kind::Email(_) => "testy@example.com".to_owned(),
            Kind::Phone(_) => "01632 960 001".to_owned(),
            Kind::Number(_) => "2".to_owned(),
            Kind::Text(r) if r.pattern.is_some() => "NE1 4ST".to_owned(),
            Kind::YesNo(_) => "yes".to_owned(),
            Kind::Radios(c) => c[c.len() - 1].value.clone(),
            Kind::Select(c) | Kind::Checkboxes(c) => c[0].value.clone(),
            _ => "Testy <b>".to_owned(),
        };
        out.push((name, value));
    }
    out
}

#[test]
fn every_real_form_can_be_completed_end_to_end() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    let criteria = crate::forms::fixture::criteria();
    let las = crate::forms::fixture::local_authorities();
    let set = crate::forms::load_dir(&dir, &criteria, &las).expect("forms load");
    for form in set.iter() {
        let mut answers = Answers::default();
        let mut visited = Vec::new();
        while let Some(page) = first_unanswered_page(form, &answers) {
            assert!(
                !visited.contains(&page.id),
                "{}: page {} asked twice",
                form.id,
                page.id
            );
            visited.push(page.id.clone());
            let values = crate::forms::FieldValues::default();
            let today = crate::forms::fixture::today();
            let html = crate::forms::page_form(
                &crate::forms::Step {
                    form,
                    page,
                    answers: &answers,
                    values: values.clone(),
                    errors: Vec::new(),
                },
                "t",
                "/x",
                today,
            );
            assert!(html.into_string().contains("name=\"csrf\""));
            let pairs = fill(form, page, &answers);
            match crate::forms::validate_page_on(form, page, &answers, &pairs, today) {
                Ok(valid) => answers.record(page, valid),
                Err(e) => panic!("{} page {}: {e:?}", form.id, page.id),
            }
        }
        assert!(is_complete(form, &answers), "{}", form.id);
        assert_eq!(
            visited.len(),
            form.pages.len(),
            "{}: every page reached",
            form.id
        );
        let check = crate::forms::check_answers(form, &answers).into_string();
        assert!(check.contains("Testy &lt;b&gt;"), "{}", form.id);
    }
}
