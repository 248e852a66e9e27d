//! Filling in a kiosk's forms as a person would: synthetic answers for every question a page
//! shows, page after page in the order the flow asks, then check your answers and the
//! declaration. The `try_` steps return what went wrong instead of panicking, for the crash
//! test, whose browsers are cut off on purpose.

use prem::config::Config;
use prem::forms::{self, Answers, Form, FormSet, Kind, Page};

use super::browser::{try_csrf, Browser};

/// Typed into every free-text answer, then searched for in data directories and logs.
pub const MARKER: &str = "Zqx-synthetic-7731";

/// Synthetic answers for every visible question on `page`, as a user would type them; free
/// text carries the marker.
pub fn fill(form: &Form, page: &Page, answers: &Answers) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for q in forms::visible_questions(form, page, answers) {
        let name = if page.repeat.is_some() {
            format!("{}-1", q.id)
        } else {
            q.id.clone()
        };
        let value = match &q.kind {
            Kind::Date(rules) => {
                // The date the page's own hint gives as an example.
                let d = rules.example(chrono::Utc::now().date_naive());
                for (part, f) in [("day", "%-d"), ("month", "%-m"), ("year", "%Y")] {
                    out.push((format!("{name}-{part}"), d.format(f).to_string()));
                }
                continue;
            }
            Kind::Email(_) => "testy.mctestface@example.com".to_owned(),
            Kind::Phone(_) => "01632 960 001".to_owned(),
            Kind::Number(_) => "2".to_owned(),
            Kind::Text(r) if r.pattern.is_some() => "NE1 4ST".to_owned(),
            Kind::Text(r) if r.max_length < 40 => "TESTY 1".to_owned(),
            Kind::YesNo(_) => "yes".to_owned(),
            Kind::Radios(c) => c[c.len() - 1].value.clone(),
            Kind::Select(c) | Kind::Checkboxes(c) => c[0].value.clone(),
            _ => format!("Testy McTestface {MARKER}"),
        };
        out.push((name, value));
    }
    if page.repeat.is_some() {
        out.push(("action".into(), "continue".into()));
    }
    out
}

/// A kiosk's forms, and what every page of them must show and the confirmation must carry.
#[derive(Clone)]
pub struct Forms {
    pub set: FormSet,
    pub marking: String,
    pub prefix: String,
}

impl Forms {
    pub fn new(set: FormSet, config: &Config) -> Self {
        Forms {
            set,
            marking: config.kiosk.protective_marking.clone(),
            prefix: config.kiosk.reference_prefix.clone(),
        }
    }

    /// The forms of the site at `root`, as its kiosk loads them.
    pub fn load(root: &std::path::Path) -> Self {
        let config = Config::load_with_env(root, std::iter::empty()).expect("config");
        let set = FormSet::load(&config, root).expect("forms load");
        Self::new(set, &config)
    }

    pub fn get(&self, id: &str) -> &Form {
        self.set.get(id).unwrap_or_else(|| panic!("no form {id}"))
    }

    /// The reference on a confirmation page: the configured prefix, the year and a code.
    pub fn reference_in(&self, html: &str) -> Option<String> {
        let start = html.find(&format!("{}-20", self.prefix))?;
        let len = html[start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(html.len() - start);
        Some(html[start..start + len].to_string())
    }

    /// Answers pages, as the flow asks for them, until `stop` says so (returning that page) or
    /// the form is complete (returning `None`).
    pub fn answer_until<'f>(
        &'f self,
        b: &Browser,
        form_id: &str,
        stop: impl Fn(&Page) -> bool,
    ) -> (Answers, Option<&'f Page>) {
        self.try_answer_until(b, form_id, stop)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn try_answer_until<'f>(
        &'f self,
        b: &Browser,
        form_id: &str,
        stop: impl Fn(&Page) -> bool,
    ) -> Result<(Answers, Option<&'f Page>), String> {
        self.answer_with(b, form_id, stop, &[])
    }

    /// As [`Forms::try_answer_until`], with some answers given: `set` replaces the synthetic
    /// value of each field it names (a repeat page's first item is `question-1`).
    fn answer_with<'f>(
        &'f self,
        b: &Browser,
        form_id: &str,
        stop: impl Fn(&Page) -> bool,
        set: &[(&str, &str)],
    ) -> Result<(Answers, Option<&'f Page>), String> {
        let form = self.get(form_id);
        let mut answers = Answers::default();
        for _ in 0..60 {
            let Some(page) = forms::first_unanswered_page(form, &answers) else {
                return Ok((answers, None));
            };
            if stop(page) {
                return Ok((answers, Some(page)));
            }
            let href = forms::page_href(form_id, &page.id);
            let html = ok_page(b, &href)?;
            if !html.contains(&self.marking) {
                return Err(format!("{href}: no marking banner \"{}\"", self.marking));
            }
            let token = try_csrf(&html).ok_or(format!("{href}: no CSRF field on the page"))?;
            let mut pairs = fill(form, page, &answers);
            for (name, value) in pairs.iter_mut() {
                if let Some((_, v)) = set.iter().find(|(n, _)| n == name) {
                    *value = v.to_string();
                }
            }
            let valid = forms::validate_page(form, page, &answers, &pairs)
                .map_err(|e| format!("{href}: our own answers are invalid: {e:?}"))?;
            answers.record(page, valid);
            pairs.push(("csrf".into(), token));
            let res = b.try_post(&href, &pairs)?;
            if res.status != 200 || res.path == href {
                return Err(format!(
                    "POST {href}: refused ({}):\n{}",
                    res.status,
                    String::from_utf8_lossy(&res.body)
                ));
            }
        }
        Err(format!("{form_id}: too many pages"))
    }

    /// Completes a whole form: start page, every question page, check your answers, the
    /// declaration. Returns the reference the confirmation shows.
    pub fn complete(&self, b: &Browser, form_id: &str) -> String {
        self.try_complete(b, form_id)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn try_complete(&self, b: &Browser, form_id: &str) -> Result<String, String> {
        self.try_complete_with(b, form_id, &[])
    }

    /// Completes a whole form with some answers given (see [`Forms::answer_with`]).
    pub fn complete_with(&self, b: &Browser, form_id: &str, set: &[(&str, &str)]) -> String {
        self.try_complete_with(b, form_id, set)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn try_complete_with(
        &self,
        b: &Browser,
        form_id: &str,
        set: &[(&str, &str)],
    ) -> Result<String, String> {
        ok_page(b, &format!("/forms/{form_id}/"))?;
        self.answer_with(b, form_id, |_| false, set)?;
        let check = ok_page(b, &format!("/forms/{form_id}/check/"))?;
        if !check.contains("Check your answers") {
            return Err(format!("{form_id}: not at check your answers:\n{check}"));
        }
        let token = try_csrf(&check).ok_or("check your answers: no CSRF field on the page")?;
        self.try_submit(b, form_id, &token)
    }

    /// Sends the form from check your answers with `token`; the reference it was given.
    pub fn try_submit(&self, b: &Browser, form_id: &str, token: &str) -> Result<String, String> {
        let res = b.try_post(
            &format!("/forms/{form_id}/submit/"),
            &[("csrf", token), ("declaration", "yes")],
        )?;
        if res.status != 200 {
            return Err(format!("submit: {}", res.status));
        }
        if res.header("clear-site-data").is_none() {
            return Err("submit: no clear-site-data after a submission".into());
        }
        let body = String::from_utf8_lossy(&res.body);
        self.reference_in(&body)
            .ok_or_else(|| format!("submit: no reference in:\n{body}"))
    }
}

/// The text of a page that must answer 200.
fn ok_page(b: &Browser, href: &str) -> Result<String, String> {
    let res = b.try_get(href)?;
    if res.status != 200 {
        return Err(format!("GET {href}: {}", res.status));
    }
    Ok(String::from_utf8_lossy(&res.body).into_owned())
}
