//! Every form post the kiosk receives is decoded and validated before anything else looks at it:
//! for any bytes, decoding and validating must return, never panic, and whatever comes back must
//! render without letting markup through.
//!
//! Input layout: the first byte picks one page of the real forms (every page of `forms/*.toml`,
//! in load order, modulo their number); the rest is the urlencoded body.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use prem::forms::{self, Answers, Form, FormSet, Page, PageError};

fn pages() -> &'static [(&'static Form, &'static Page)] {
    static FORMS: OnceLock<FormSet> = OnceLock::new();
    static PAGES: OnceLock<Vec<(&'static Form, &'static Page)>> = OnceLock::new();
    PAGES.get_or_init(|| {
        let set = FORMS.get_or_init(|| {
            let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
            let config = prem::config::Config::load_with_env(&root, std::iter::empty())
                .expect("prem.toml loads");
            let criteria = prem::criteria::Criteria::load(&root).expect("criteria load");
            forms::load_dir(
                &root.join(&config.build.forms_dir),
                &criteria,
                &config.partnership.local_authorities,
            )
            .expect("the repository's forms load")
        });
        set.iter()
            .flat_map(|f| f.pages.iter().map(move |p| (f, p)))
            .collect()
    })
}

/// Rendered markup may carry what was posted only escaped.
fn assert_escaped(html: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "unescaped input in:\n{html}");
    assert!(!lower.contains("<img"), "unescaped input in:\n{html}");
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let Ok(pairs) = forms::decode_post(body) else {
        return;
    };
    assert!(pairs.iter().all(|(name, _)| !name.is_empty()));
    let all = pages();
    let (form, page) = all[usize::from(pick) % all.len()];
    let mut answers = Answers::default();
    match forms::validate_page(form, page, &answers, &pairs) {
        Ok(valid) => {
            assert_eq!(valid.page, page.id);
            answers.record(page, valid);
            let step = forms::Step::fresh(form, page, &answers);
            let html = forms::page_form(&step, "t", "/a", today()).into_string();
            assert_escaped(&html);
            let _ = forms::check_answers_rows(form, &answers);
            assert_escaped(&forms::check_answers(form, &answers).into_string());
        }
        Err(PageError::Invalid(e)) => {
            assert!(!e.errors.is_empty(), "invalid without a message");
            let step = forms::Step::again(form, page, &answers, e);
            let html = forms::page_form(&step, "t", "/a", today()).into_string();
            assert_escaped(&html);
        }
        Err(PageError::BadRequest(_)) => {}
    }
});

/// A fixed "today" for the date hints, so a crash found today reproduces tomorrow.
fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 2).expect("a valid date")
}
