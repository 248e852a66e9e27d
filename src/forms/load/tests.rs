use std::path::Path;

use super::*;
use crate::forms::fixture::{self, criteria, local_authorities};

fn forms_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("forms")
}

#[test]
fn the_four_real_forms_load_without_problems() {
    let set = match load_dir(&forms_dir(), &criteria(), &local_authorities()) {
        Ok(set) => set,
        Err(problems) => panic!(
            "{}",
            problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        ),
    };
    let ids: Vec<&str> = set.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "adult-referral",
            "child-referral",
            "extraordinary-request",
            "soft-intelligence"
        ]
    );
    let child = set.get("child-referral").expect("child form");
    let (_, eligibility) = child
        .question("eligibility_met")
        .expect("eligibility question");
    let values: Vec<&str> = eligibility
        .kind
        .choices()
        .expect("choices")
        .iter()
        .map(|c| c.value.as_str())
        .collect();
    assert_eq!(
        values,
        ["harm", "mapping", "actions"],
        "options come from the criteria"
    );
    let (_, la) = child.question("owning_la").expect("owning LA");
    assert_eq!(
        la.kind.choice_label("North Tyneside"),
        Some("North Tyneside")
    );
}

/// Loads `pages` after the fixture head (6 lines) and returns the problems
/// as displayed.
fn problems(pages: &str) -> Vec<String> {
    match fixture::load(pages) {
        Ok(_) => panic!("expected problems in:\n{pages}"),
        Err(problems) => problems.iter().map(|p| p.to_string()).collect(),
    }
}

fn assert_problem(pages: &str, want: &str) {
    let got = problems(pages);
    assert!(
        got.iter().any(|p| p == want),
        "wanted {want:?}, got {got:#?}"
    );
}

/// Every `want` is part of some problem.
fn assert_all(pages: &str, wants: &[&str]) {
    let got = problems(pages).join("\n");
    for want in wants {
        assert!(got.contains(want), "wanted {want:?} in\n{got}");
    }
}

const PAGE: &str = "[[pages]]\nid = \"p\"\ntitle = \"P\"\n";

#[test]
fn unknown_type_names_file_line_question_and_a_hint() {
    let pages =
        format!("{PAGE}[[pages.questions]]\nid = \"foo\"\nlabel = \"Foo\"\ntype = \"txt\"\n");
    assert_problem(
        &pages,
        "forms/test.toml:13: question \"foo\": unknown type \"txt\" (did you mean \"text\"?)",
    );
}

#[test]
fn unknown_key_is_reported_with_its_line() {
    let pages = format!("{PAGE}colour = \"red\"\n");
    let got = problems(&pages);
    assert!(
        got[0].starts_with("forms/test.toml:10: unknown field `colour`"),
        "{got:?}"
    );
}

#[test]
fn duplicate_page_and_question_ids_are_reported() {
    let q = "[[pages.questions]]\nid = \"foo\"\nlabel = \"Foo\"\ntype = \"text\"\n";
    let pages = format!("{PAGE}{q}{PAGE}{q}");
    assert_problem(
        &pages,
        "forms/test.toml:15: page \"p\": duplicate page id (first used at line 8)",
    );
    assert_problem(
        &pages,
        "forms/test.toml:18: question \"foo\": duplicate question id (first used at line 11)",
    );
}

#[test]
fn conditions_on_missing_same_page_or_later_questions_are_reported() {
    let yesno =
        |id: &str| format!("[[pages.questions]]\nid = \"{id}\"\nlabel = \"L\"\ntype = \"yesno\"\n");
    let cond = |q: &str| format!("when = {{ question = \"{q}\", equals = \"yes\" }}\n");
    let pages = format!(
        "{PAGE}{}{}{}{}[[pages]]\nid = \"q\"\ntitle = \"Q\"\n{}{}",
        yesno("a"),
        yesno("b"),
        cond("a"),
        cond("z").replace(
            "when",
            "\n[[pages.questions]]\nid = \"c\"\nlabel = \"C\"\ntype = \"yesno\"\nwhen"
        ),
        yesno("d"),
        cond("later")
    );
    let got = problems(&pages).join("\n");
    assert!(
        got.contains(
            "question \"b\": condition refers to question \"a\", which is not on an earlier page"
        ),
        "{got}"
    );
    assert!(
        got.contains("question \"c\": condition refers to unknown question \"z\""),
        "{got}"
    );
    assert!(
        got.contains("question \"d\": condition refers to unknown question \"later\""),
        "{got}"
    );
    let later = format!(
        "{PAGE}when = {{ question = \"x\", equals = \"yes\" }}\n{}{PAGE}",
        yesno("y")
    )
    .replacen("id = \"p\"", "id = \"first\"", 1)
        + &yesno("x");
    let got = problems(&later).join("\n");
    assert!(got.contains("forms/test.toml:10: page \"first\": condition refers to question \"x\", which is not on an earlier page"), "{got}");
}

#[test]
fn condition_values_and_kinds_are_checked() {
    let pages = format!(
        "{PAGE}[[pages.questions]]\nid = \"a\"\nlabel = \"A\"\ntype = \"yesno\"\n\
         [[pages.questions]]\nid = \"t\"\nlabel = \"T\"\ntype = \"text\"\n\
         [[pages]]\nid = \"q\"\ntitle = \"Q\"\n\
         [[pages.questions]]\nid = \"b\"\nlabel = \"B\"\ntype = \"text\"\nwhen = {{ question = \"a\", equals = \"yess\" }}\n\
         [[pages.questions]]\nid = \"c\"\nlabel = \"C\"\ntype = \"text\"\nwhen = {{ question = \"t\", equals = \"x\" }}\n\
         [[pages.questions]]\nid = \"d\"\nlabel = \"D\"\ntype = \"text\"\nwhen = {{ question = \"a\" }}\n"
    );
    let got = problems(&pages).join("\n");
    assert!(got.contains("question \"b\": condition value \"yess\" is not an option of \"a\" (did you mean \"yes\"?) (options: yes, no)"), "{got}");
    assert!(got.contains("question \"c\": condition \"equals\" needs a radios, select or yesno question, but \"t\" is text"), "{got}");
    assert!(
        got.contains("question \"d\": condition needs exactly one of \"equals\" or \"includes\""),
        "{got}"
    );
}

#[test]
fn choice_questions_need_options_from_a_known_source() {
    let q = |extra: &str| {
        format!("[[pages.questions]]\nid = \"c\"\nlabel = \"C\"\ntype = \"radios\"\n{extra}")
    };
    assert_problem(
        &format!("{PAGE}{}", q("")),
        "forms/test.toml:11: question \"c\": radios questions need options or options_from",
    );
    assert_problem(
        &format!("{PAGE}{}", q("options_from = \"criteria:eligibilty\"\n")),
        "forms/test.toml:14: question \"c\": options_from names unknown criteria list \"eligibilty\" (did you mean \"eligibility\"?) (known: eligibility, extraordinary_triggers, risk_assessment, risk_grades)",
    );
    assert_problem(
        &format!("{PAGE}{}", q("options_from = \"config:forces\"\n")),
        "forms/test.toml:14: question \"c\": options_from \"config:forces\" must be \"criteria:<list>\" or \"config:local_authorities\"",
    );
    let dup = q("options = [{ value = \"a\", label = \"A\" }, { value = \"a\", label = \"B\" }]\n");
    assert_problem(
        &format!("{PAGE}{dup}"),
        "forms/test.toml:11: question \"c\": duplicate option value \"a\"",
    );
}

#[test]
fn bad_bounds_and_misplaced_settings_are_reported() {
    let q = |ty: &str, extra: &str| {
        format!("[[pages.questions]]\nid = \"q_{ty}\"\nlabel = \"Q\"\ntype = \"{ty}\"\n{extra}")
    };
    let pages = format!(
        "{PAGE}{}{}{}{}{}{}{}",
        q("text", "min_length = 10\nmax_length = 5\n"),
        q("number", "min = 3\nmax = 1\n"),
        q("date", "not_before = \"1900-13-01\"\nmax_length = 3\n"),
        q("textarea", "pattern = \"digits\"\n"),
        q("text", "pattern = \"postcode\"\n").replace("q_text", "q_pattern"),
        q("text", "example = \"AB1 2CD\"\n").replace("q_text", "q_lonely"),
        q("text", "pattern = \"digits\"\nexample = \"12a\"\n").replace("q_text", "q_misfit"),
    );
    assert_all(
        &pages,
        &[
        "question \"q_text\": min_length 10 is more than max_length 5",
        "question \"q_number\": min 3 is more than max 1",
        "question \"q_date\": not_before \"1900-13-01\" is not a date like \"1900-01-01\"",
        "question \"q_date\": \"max_length\" does not apply to date questions",
        "question \"q_textarea\": \"pattern\" does not apply to textarea questions",
        "question \"q_pattern\": unknown pattern \"postcode\" (known: digits, uk-postcode, postcode-district)",
        "question \"q_lonely\": \"example\" is quoted in a pattern's message, so it needs a pattern",
        "question \"q_misfit\": example \"12a\" does not fit its own pattern",
        ],
    );
}

#[test]
fn repeat_bounds_ids_and_guidance_are_checked() {
    let q = "[[pages.questions]]\nid = \"Bad-Id\"\nlabel = \"What?\"\ntype = \"text\"\nguidance = [{ label = \"x\", href = \"javascript:alert(1)\" }]\n";
    let pages = format!("{PAGE}repeat = {{ min = 3, max = 2, item_label = \"Thing\" }}\n{q}");
    assert_all(
        &pages,
        &[
        "forms/test.toml:10: page \"p\": repeat min 3 is more than max 2",
        "question \"Bad-Id\": ids start with a letter and use lowercase letters, digits and underscores",
        "question \"Bad-Id\": the label is a question, so give a name for error messages",
        "question \"Bad-Id\": guidance href \"javascript:alert(1)\" must be a site path",
        ],
    );
}

#[test]
fn form_id_must_match_the_file_name_and_folder_problems_are_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = fixture::HEAD.replace("id = \"test\"", "id = \"other\"")
        + "[[pages]]\nid = \"p\"\ntitle = \"P\"\n[[pages.questions]]\nid = \"a\"\nlabel = \"A\"\ntype = \"text\"\n";
    std::fs::write(dir.path().join("test.toml"), text).expect("write");
    std::fs::write(dir.path().join("broken.toml"), "id = \n").expect("write");
    let problems = load_dir(dir.path(), &criteria(), &[]).expect_err("problems");
    let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    let base = dir.path().display();
    assert!(
        shown[0].starts_with(&format!("{base}/broken.toml:1: ")),
        "{shown:?}"
    );
    assert_eq!(
        shown[1],
        format!(
            "{base}/test.toml:1: form \"other\": id does not match the file name \"test.toml\""
        )
    );
    let missing = load_dir(&dir.path().join("nope"), &criteria(), &[]).expect_err("missing");
    assert!(missing[0]
        .to_string()
        .contains("cannot read the forms folder"));
}

#[test]
fn local_authorities_must_be_configured_when_a_form_uses_them() {
    let text = std::fs::read_to_string(forms_dir().join("child-referral.toml")).expect("read");
    let sources = Sources {
        criteria: &criteria(),
        local_authorities: &[],
    };
    let problems =
        load_str(Path::new("forms/child-referral.toml"), &text, &sources).expect_err("no LAs");
    assert!(
        problems[0]
            .message
            .contains("no local authorities are configured"),
        "{problems:?}"
    );
}

#[test]
fn loader_never_panics_on_damaged_definitions() {
    let text = std::fs::read_to_string(forms_dir().join("soft-intelligence.toml")).expect("read");
    let criteria = criteria();
    let las = local_authorities();
    let sources = Sources {
        criteria: &criteria,
        local_authorities: &las,
    };
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    for _ in 0..300 {
        let mut damaged: Vec<char> = text.chars().collect();
        for _ in 0..4 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let at = (state as usize) % damaged.len().max(1);
            match state % 3 {
                0 => {
                    damaged.remove(at);
                }
                1 => damaged.insert(at, ['"', '[', '=', '\n', 'é'][(state >> 3) as usize % 5]),
                _ => damaged.truncate(at),
            }
        }
        let damaged: String = damaged.into_iter().collect();
        let _ = load_str(
            Path::new("forms/soft-intelligence.toml"),
            &damaged,
            &sources,
        );
    }
}

#[test]
fn page_ids_the_kiosk_uses_are_refused() {
    let pages = "[[pages]]\nid = \"check\"\ntitle = \"Check\"\n[[pages.questions]]\nid = \"foo\"\nlabel = \"Foo\"\ntype = \"text\"\n";
    assert_problem(
        pages,
        "forms/test.toml:8: page \"check\": this id is reserved for the kiosk's own pages",
    );
}

#[test]
fn age_limits_need_a_reason_and_sensible_bounds() {
    let q = |id: &str, extra: &str| {
        format!("[[pages.questions]]\nid = \"{id}\"\nlabel = \"Q\"\ntype = \"date\"\n{extra}")
    };
    let pages = format!(
        "{PAGE}{}{}{}{}{}",
        q("no_reason", "not_future = true\nmax_age = 17\n"),
        q(
            "upside_down",
            "not_future = true\nmin_age = 18\nmax_age = 17\nage_reason = \"R\"\n"
        ),
        q("future", "max_age = 17\nage_reason = \"R\"\n"),
        q("lonely", "age_reason = \"R\"\n"),
        "[[pages.questions]]\nid = \"n\"\nlabel = \"N\"\ntype = \"number\"\nmin_age = 3\n",
    );
    assert_all(
        &pages,
        &[
            "question \"no_reason\": give age_reason",
            "question \"upside_down\": min_age 18 is more than max_age 17",
            "question \"future\": a date with age limits is a date of birth: add not_future = true",
            "question \"lonely\": age_reason needs min_age or max_age",
            "question \"n\": \"min_age\" does not apply to number questions",
        ],
    );
}

#[test]
fn list_items_the_kiosk_cannot_render_are_named_by_line() {
    let head = fixture::HEAD.lines().count();
    let pages = "[[pages]]\nid = \"p\"\ntitle = \"P\"\nintro = \"\"\"\nYou will need:\n* a name\n- a date\n\"\"\"\n\
         [[pages.questions]]\nid = \"q\"\nlabel = \"Q\"\ntype = \"text\"\n";
    let want = format!(
        "forms/test.toml:{}: page \"p\": intro has a list item written as \"*\": start each bullet \
         point with \"- \" (a hyphen and a space)",
        head + 6
    );
    assert_problem(pages, &want);
}

#[test]
fn the_workflow_keys_are_read_and_a_wrong_value_is_named_with_its_line() {
    let set = load_dir(&forms_dir(), &criteria(), &local_authorities()).expect("loads");
    let soft = set.get("soft-intelligence").expect("form");
    assert_eq!((soft.workflow.as_str(), soft.urgent), ("status", false));
    let urgent = set.get("extraordinary-request").expect("form");
    assert_eq!((urgent.workflow.as_str(), urgent.urgent), ("status", true));
    let child = set.get("child-referral").expect("form");
    assert_eq!(
        (child.workflow.as_str(), child.start.as_deref()),
        ("referral", None)
    );
    let owning: Vec<&str> = child
        .la_questions(Some(crate::forms::LaRole::Owning))
        .map(|q| q.id.as_str())
        .collect();
    assert_eq!(owning, ["owning_la"]);
    assert_eq!(child.la_questions(None).count(), 2);

    let pages = format!(
        "{PAGE}[[pages.questions]]\nid = \"where\"\nlabel = \"Where\"\ntype = \"text\"\nlocal_authority = \"hosting\"\n"
    );
    assert_all(
        &pages,
        &["forms/test.toml:14:", "unknown local_authority \"hosting\""],
    );
}
