//! Form definitions are data that partnership staff edit: loading any text must return (a form or
//! a list of problems), never panic, and a form it accepts must be usable by the kiosk.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use prem::criteria::Criteria;
use prem::forms::{self, Answers, Sources};

fn sources() -> &'static (Criteria, Vec<String>) {
    static SOURCES: OnceLock<(Criteria, Vec<String>)> = OnceLock::new();
    SOURCES.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let config = prem::config::Config::load_with_env(&root, std::iter::empty())
            .expect("prem.toml loads");
        let criteria = Criteria::load(&root).expect("criteria load");
        (criteria, config.partnership.local_authorities)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (criteria, las) = sources();
    let sources = Sources {
        criteria,
        local_authorities: las,
    };
    // No `.toml` extension, so the id need not match the file name and real forms load as seeds.
    match forms::load_str(Path::new("fuzz/input"), text, &sources) {
        Ok(form) => {
            let answers = Answers::default();
            for page in forms::visible_pages(&form, &answers) {
                let step = forms::Step::fresh(&form, page, &answers);
                let _ = forms::page_form(&step, "t", "/a", today());
                let _ = forms::validate_page(&form, page, &answers, &[]);
            }
            let _ = forms::first_unanswered_page(&form, &answers);
            let _ = forms::check_answers(&form, &answers);
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "refused without a problem");
            let lines = text.lines().count().max(1) + 1;
            for p in &problems {
                assert!(!p.message.is_empty());
                if let Some(line) = p.line {
                    assert!((1..=lines).contains(&line), "line {line} of {lines}: {p}");
                }
            }
        }
    }
});

/// A fixed "today" for the date hints, so a crash found today reproduces tomorrow.
fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 2).expect("a valid date")
}
