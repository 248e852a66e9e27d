use super::*;

const OK: &str = r#"
url = "/check/"
title = "T"
start = "a"

[[questions]]
id = "a"
question = "A?"
criterion = "l:x"
answers = [{ label = "Yes", next = "b" }, { label = "No", outcome = "stop" }]

[[questions]]
id = "b"
question = "B?"
answers = [{ label = "Yes", outcome = "go" }, { label = "No", outcome = "stop" }]

[[outcomes]]
id = "go"
title = "Go"
reason = "Because."

[[outcomes]]
id = "stop"
title = "Stop"
reason = "Because not."
"#;

fn criteria() -> Criteria {
    Criteria::parse(
        "[lists.l]\ntitle = \"L\"\n[[lists.l.items]]\nid = \"x\"\nlabel = \"X\"\ntext = \"t\"\n",
    )
    .expect("criteria")
}

#[test]
fn parses_and_lists_every_path() {
    let c = Checker::parse(OK, &criteria()).expect("parses");
    let paths = c.paths();
    assert_eq!(paths["go"], vec![vec!["a=Yes", "b=Yes"]]);
    assert_eq!(paths["stop"].len(), 2);
    assert_eq!(c.urls().len(), 5);
    assert_eq!(c.page_url("go"), "/check/go/");
}

#[test]
fn missing_targets_and_criteria_name_the_line() {
    let bad = OK.replace("outcome = \"go\"", "outcome = \"gone\"");
    let err = Checker::parse(&bad, &criteria()).expect_err("unknown outcome");
    assert!(
        err.contains("\"gone\", which is not an outcome id"),
        "{err}"
    );
    assert!(err.starts_with("15: "), "{err}");
    let bad = OK.replace("l:x", "l:y");
    let err = Checker::parse(&bad, &criteria()).expect_err("unknown criterion");
    assert!(err.starts_with("9: criterion \"l:y\""), "{err}");
}

#[test]
fn loops_and_unreachable_pages_are_refused() {
    let looped = OK.replace(
        "{ label = \"Yes\", outcome = \"go\" }",
        "{ label = \"Yes\", next = \"a\" }",
    );
    let err = Checker::parse(&looped, &criteria()).expect_err("loop");
    assert!(err.contains("must not loop"), "{err}");
    let orphan = format!("{OK}\n[[outcomes]]\nid = \"lost\"\ntitle = \"L\"\nreason = \"r\"\n");
    let err = Checker::parse(&orphan, &criteria()).expect_err("unreachable");
    assert!(err.contains("\"lost\" cannot be reached"), "{err}");
}
