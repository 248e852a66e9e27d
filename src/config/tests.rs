//! Loading, defaults, validation and environment overrides of `prem.toml`.

use super::env::OPTIONAL_KEYS;
use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn defaults_apply_without_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = Config::load_with_env(dir.path(), env(&[])).expect("loads");
    assert_eq!(c.build.output_dir, PathBuf::from("public"));
    assert_eq!(c.kiosk.protective_marking, "OFFICIAL-SENSITIVE");
}

#[test]
fn environment_overrides_file_and_fills_lists() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(CONFIG_FILE), "[site]\nname = \"File\"\n").expect("write");
    let c = Config::load_with_env(
        dir.path(),
        env(&[
            ("PREM_SITE_NAME", "Env"),
            ("PREM_PARTNERSHIP_LOCAL_AUTHORITIES", "Alpha, Beta"),
            ("PREM_BUILD_DRAFTS", "true"),
            ("PREM_KIOSK_BODY_LIMIT", "2048"),
            ("PREM_ENV", "production"),
        ]),
    )
    .expect("loads");
    assert_eq!(c.site.name, "Env");
    assert_eq!(c.partnership.local_authorities, vec!["Alpha", "Beta"]);
    assert!(c.build.drafts);
    assert_eq!(c.kiosk.body_limit, 2048);
}

#[test]
fn unknown_key_is_an_error_naming_the_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join(CONFIG_FILE),
        "[site]\nname = \"A\"\n\n[kiosk]\nnmae = \"x\"\n",
    )
    .expect("write");
    let err = Config::load_with_env(dir.path(), env(&[])).expect_err("unknown key");
    let msg = format!("{err:#}");
    assert!(
        msg.contains("prem.toml:5:") && msg.contains("nmae"),
        "{msg}"
    );
}

/// Every key of every table, with or without a default, set from the environment alone.
#[test]
fn every_key_can_be_set_from_the_environment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let defaults = toml::Value::try_from(Config::default()).expect("defaults");
    let mut checked = 0;
    for (section, table) in defaults.as_table().expect("tables") {
        // Roles and workflows are lists of structured tables, written in prem.toml only.
        if matches!(section.as_str(), "roles" | "workflows") {
            continue;
        }
        let mut keys: Vec<(String, toml::Value)> = table
            .as_table()
            .expect("table")
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (s, k) in OPTIONAL_KEYS {
            if s == section {
                keys.push((k.to_string(), toml::Value::String(String::new())));
            }
        }
        for (key, default) in keys {
            // Turning notifications on alone is refused (no relay); `config::notify` tests it.
            if (section.as_str(), key.as_str()) == ("notify", "enabled") {
                continue;
            }
            let (text, expected) = match (section.as_str(), key.as_str(), &default) {
                ("notify", "security", _) => ("tls".to_string(), "tls".into()),
                (_, _, toml::Value::Boolean(b)) => ((!b).to_string(), toml::Value::Boolean(!b)),
                (_, _, toml::Value::Integer(i)) => {
                    ((i + 7).to_string(), toml::Value::Integer(i + 7))
                }
                ("kiosk", "recipients", _) => (
                    r#"[{name = "police", public_key = "keys/police.pub"}]"#.to_string(),
                    toml::Value::Array(vec![toml::Value::Table(
                        r#"name = "police"
public_key = "keys/police.pub"
forms = []"#
                            .parse()
                            .expect("table"),
                    )]),
                ),
                ("inbox", "kiosks", _) => (
                    r#"[{name = "k1", url = "http://127.0.0.1:9", token_file = "t"}]"#.to_string(),
                    toml::Value::Array(vec![toml::Value::Table(
                        r#"name = "k1"
url = "http://127.0.0.1:9"
token_file = "t""#
                            .parse()
                            .expect("table"),
                    )]),
                ),
                ("site", "footer_links", _) => {
                    let text = r#"[{title = "Help", href = "/help/"}]"#;
                    let v: toml::Table = format!("v = {text}").parse().expect("toml");
                    (text.to_string(), v["v"].clone())
                }
                ("meetings", "series", _) => (
                    r#"[{id = "daily", title = "Daily", rule = {repeat = "every-working-day"}, time = "09:00", chair_roles = ["chair"]}]"#
                        .to_string(),
                    toml::Value::Array(vec![toml::Value::Table(
                        r#"id = "daily"
title = "Daily"
rule = { repeat = "every-working-day" }
time = "09:00"
duration_minutes = 120
on_holiday = "next-working-day"
chair_roles = ["chair"]
vice_chair_roles = []
members = []"#
                            .parse()
                            .expect("table"),
                    )]),
                ),
                ("meetings", "minute_decisions", _) => (
                    r#"[{id = "go", title = "Go"}]"#.to_string(),
                    toml::Value::Array(vec![toml::Value::Table(
                        "id = \"go\"\ntitle = \"Go\"\nnext_review = true"
                            .parse()
                            .expect("table"),
                    )]),
                ),
                // Checked against the workflows' states: the default workflow has "accepted".
                ("meetings", "listable_states", _) => (
                    "accepted".to_string(),
                    toml::Value::Array(vec!["accepted".into()]),
                ),
                ("meetings", "extraordinary", _) => (
                    "{ hours = 5 }".to_string(),
                    toml::Value::Table("hours = 5".parse().expect("table")),
                ),
                (_, "trusted_proxies", _) => (
                    "192.0.2.1, 192.0.2.2".to_string(),
                    toml::Value::Array(vec!["192.0.2.1".into(), "192.0.2.2".into()]),
                ),
                (_, _, toml::Value::Array(_)) => (
                    "Alpha, Beta".to_string(),
                    toml::Value::Array(vec!["Alpha".into(), "Beta".into()]),
                ),
                ("partnership", "time_zone", _) => {
                    ("Europe/Paris".to_string(), "Europe/Paris".into())
                }
                ("partnership", "calendar", _) => ("scotland".to_string(), "scotland".into()),
                ("site", "base_url", _) => (
                    "https://env.example".to_string(),
                    "https://env.example".into(),
                ),
                _ => ("envvalue".to_string(), "envvalue".into()),
            };
            let var = format!("PREM_{}_{}", section.to_uppercase(), key.to_uppercase());
            let c = Config::load_with_env(dir.path(), vec![(var.clone(), text)])
                .unwrap_or_else(|e| panic!("{var}: {e:#}"));
            let back = toml::Value::try_from(&c).expect("serialise");
            assert_eq!(
                back.get(section).and_then(|t| t.get(&key)),
                Some(&expected),
                "{var} did not set {section}.{key}"
            );
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} keys checked");
}

#[test]
fn a_misspelt_variable_for_one_of_our_tables_is_refused_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = Config::load_with_env(dir.path(), env(&[("PREM_INBOX_PASSPHRASEFILE", "x")]))
        .expect_err("unknown key");
    let msg = format!("{err:#}");
    assert!(
        msg.contains("PREM_INBOX_PASSPHRASEFILE") && msg.contains("passphrase_file"),
        "{msg}"
    );
}

#[test]
fn bad_boolean_override_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = Config::load_with_env(dir.path(), env(&[("PREM_BUILD_DRAFTS", "maybe")]))
        .expect_err("bad bool");
    assert!(err.to_string().contains("PREM_BUILD_DRAFTS"), "{err}");
}

#[test]
fn an_empty_declaration_is_refused_by_name_and_a_notice_may_be_left_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join(CONFIG_FILE),
        "[kiosk]\ndeclaration = \" \"\n",
    )
    .expect("write");
    let err = Config::load_with_env(dir.path(), env(&[])).expect_err("empty declaration");
    assert!(format!("{err:#}").contains("kiosk.declaration"), "{err:#}");
    let c = Config::load_with_env(
        dir.path(),
        env(&[("PREM_KIOSK_DECLARATION", "I confirm this is true.")]),
    )
    .expect("set from the environment");
    assert_eq!(c.kiosk.declaration, "I confirm this is true.");
    assert!(
        c.partnership.emergency_notice.is_empty(),
        "no notice unless configured"
    );
}

#[test]
fn the_calendar_is_chosen_by_name_and_an_unknown_one_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = Config::load_with_env(
        dir.path(),
        env(&[("PREM_PARTNERSHIP_CALENDAR", "scotland")]),
    )
    .expect("scotland");
    let jan2 = chrono::NaiveDate::from_ymd_opt(2026, 1, 2).expect("date");
    assert!(
        !c.calendar().is_working_day(jan2),
        "2 January is a Scottish holiday"
    );
    let err = Config::load_with_env(dir.path(), env(&[("PREM_PARTNERSHIP_CALENDAR", "wales")]))
        .expect_err("unknown");
    let msg = format!("{err:#}");
    assert!(
        msg.contains("partnership.calendar") && msg.contains("england-and-wales"),
        "{msg}"
    );
}

#[test]
fn a_decks_section_or_footer_link_that_cannot_work_is_refused_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (text, says) in [
        (
            "[build]\ndecks_section = \"../decks\"\n",
            "build.decks_section",
        ),
        ("[build]\ndecks_section = \"\"\n", "build.decks_section"),
        (
            "[[site.footer_links]]\ntitle = \"Bad\"\nhref = \"javascript:alert(1)\"\n",
            "site.footer_links[1]: href",
        ),
        (
            "[[site.footer_links]]\ntitle = \" \"\nhref = \"/x/\"\n",
            "site.footer_links[1]: title",
        ),
    ] {
        std::fs::write(dir.path().join(CONFIG_FILE), text).expect("write");
        let err = Config::load_with_env(dir.path(), env(&[])).expect_err(text);
        assert!(format!("{err:#}").contains(says), "{text}: {err:#}");
    }
    std::fs::write(
        dir.path().join(CONFIG_FILE),
        "[build]\ndecks_section = \"training/decks\"\n",
    )
    .expect("write");
    let c = Config::load_with_env(dir.path(), env(&[])).expect("a nested section is fine");
    assert_eq!(c.build.decks_section, "training/decks");
}

/// `prem.toml` with one role and one small workflow, edited by `edit` to break one thing.
fn workflow_error(edit: impl Fn(String) -> String) -> String {
    let base = r#"
[[roles]]
id = "reviewer"
title = "Reviewer"
may = ["view-list", "view-case"]

[workflows.referral]
title = "Referral"
start = "new"

[[workflows.referral.states]]
id = "new"
title = "New"
working_days = 7

[[workflows.referral.states]]
id = "done"
title = "Done"

[[workflows.referral.moves]]
id = "finish"
title = "Finish"
from = ["new"]
to = "done"
roles = ["reviewer"]
"#;
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(CONFIG_FILE), edit(base.to_string())).expect("write");
    match Config::load_with_env(dir.path(), env(&[])) {
        Ok(_) => String::new(),
        Err(e) => format!("{e:#}"),
    }
}

#[test]
fn roles_and_workflows_are_read_and_each_mistake_is_named_by_its_key() {
    assert_eq!(workflow_error(|s| s), "", "the base loads");
    for (from, to, want) in [
        (
            r#"to = "done""#,
            r#"to = "finished""#,
            "workflows.referral.moves[1].to: unknown state \"finished\"",
        ),
        (
            r#"roles = ["reviewer"]"#,
            r#"roles = ["chair"]"#,
            "workflows.referral.moves[1].roles: unknown role \"chair\"",
        ),
        (
            r#"start = "new""#,
            r#"start = "old""#,
            "workflows.referral.start: unknown state \"old\"",
        ),
        (
            "working_days = 7",
            "working_days = 7\ndays = 3",
            "workflows.referral.states[1]: give its deadline as working_days or days, not both",
        ),
        (
            r#"from = ["new"]"#,
            "from = []",
            "workflows.referral.moves[1]: from is empty",
        ),
        (
            r#"id = "done""#,
            r#"id = "new""#,
            "workflows.referral.states[2]: id \"new\" must be unique",
        ),
        (
            r#"id = "reviewer""#,
            r#"id = "Reviewer One""#,
            "roles[1]: id \"Reviewer One\" must be lowercase",
        ),
    ] {
        let got = workflow_error(|s| s.replacen(from, to, 1));
        assert!(got.contains(want), "{want}: {got}");
    }
    let got = workflow_error(|s| {
        s + "\n[[workflows.referral.moves.fields]]\nid = \"on\"\nlabel = \"On\"\nkind = \"line\"\nby_deadline = true\n"
    });
    assert!(
        got.contains("moves[1].fields[1]: by_deadline is only for kind = \"date\""),
        "{got}"
    );
}

#[test]
fn without_roles_or_workflows_the_generic_defaults_apply() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = Config::load_with_env(dir.path(), env(&[])).expect("loads");
    let ids: Vec<&str> = c.roles.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "reviewer",
            "chair",
            "business-support",
            "la-manager",
            "admin"
        ]
    );
    assert_eq!(
        c.workflows.keys().map(String::as_str).collect::<Vec<_>>(),
        ["referral", "status"]
    );
}

#[test]
fn a_case_list_of_no_rows_a_page_is_refused_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = Config::load_with_env(dir.path(), env(&[("PREM_INBOX_CASES_PER_PAGE", "0")]))
        .expect_err("no rows a page");
    assert!(
        format!("{err:#}").contains("inbox.cases_per_page is 0: it must be at least 1"),
        "{err:#}"
    );
    let ok = Config::load_with_env(dir.path(), env(&[("PREM_INBOX_CASES_PER_PAGE", "25")]));
    assert_eq!(ok.expect("25 a page").inbox.cases_per_page, 25);
}
