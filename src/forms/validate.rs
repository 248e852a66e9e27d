//! Turns one page's posted pairs into answers, or into GOV.UK-style messages
//! plus what the user typed. Two kinds of failure are kept apart on purpose:
//! a person's mistake (`PageError::Invalid`, the page is shown again with
//! errors) and a post no page of ours could produce, such as an unknown or
//! repeated field or a choice that is not an option (`PageError::BadRequest`,
//! answered with 400 and never shown back).

mod check;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;

use super::answers::{field_name, Answers, FieldValues, Item, Value};
use super::flow::visible_questions;
use super::model::{Form, Kind, Page, Question, Repeat};
use check::{check, Fault};

/// What the user asked for with the button they pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Save and go on to the next page.
    Continue,
    /// Save and show this page again: "Add another" or a removal on a
    /// repeat page.
    Stay,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageContent {
    /// Question id → answer, for a page asked once.
    Values(BTreeMap<String, Value>),
    /// The items of a repeat page, renumbered from 1 in order.
    Items(Vec<Item>),
}

/// A page's answers, valid and ready for `Answers::record`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageAnswers {
    pub page: String,
    pub content: PageContent,
    pub intent: Intent,
}

/// A message about one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field name (`dob`, `perp_name-2`); the view finds errors by it.
    pub field: String,
    /// The element id the error summary links to (`dob-day` for a date).
    pub target: String,
    /// Shown beside the field.
    pub message: String,
    /// Shown in the error summary; names the item on repeat pages.
    pub summary: String,
    /// For dates: the parts to highlight (empty means all).
    pub parts: Vec<&'static str>,
}

impl FieldError {
    /// A message about a field that is a single element (not a date), the same beside the field
    /// and in the error summary.
    pub fn new(field: &str, message: &str) -> Self {
        FieldError {
            field: field.to_owned(),
            target: field.to_owned(),
            message: message.to_owned(),
            summary: message.to_owned(),
            parts: Vec::new(),
        }
    }
}

/// The messages for a page and the values to show again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageErrors {
    pub errors: Vec<FieldError>,
    pub values: FieldValues,
}

impl PageErrors {
    pub fn for_field(&self, field: &str) -> Option<&FieldError> {
        self.errors.iter().find(|e| e.field == field)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error("the page has {} error(s)", .0.errors.len())]
    Invalid(PageErrors),
    #[error("{0}")]
    BadRequest(String),
}

impl Answers {
    /// Stores a page's answers, replacing whatever the page held before
    /// (including answers to questions since hidden by a condition).
    pub fn record(&mut self, page: &Page, answers: PageAnswers) {
        match answers.content {
            PageContent::Values(values) => {
                for q in &page.questions {
                    self.values.remove(&q.id);
                }
                self.values.extend(values);
            }
            PageContent::Items(items) => {
                self.items.insert(page.id.clone(), items);
            }
        }
    }
}

/// Validates a post of `page` against today's date (for `not_future`).
/// `answers` are the draft so far: they decide which questions are shown.
pub fn validate_page(
    form: &Form,
    page: &Page,
    answers: &Answers,
    pairs: &[(String, String)],
) -> Result<PageAnswers, PageError> {
    let today = chrono::Local::now().date_naive();
    validate_page_on(form, page, answers, pairs, today)
}

/// [`validate_page`] with the date to treat as today, for tests.
pub fn validate_page_on(
    form: &Form,
    page: &Page,
    answers: &Answers,
    pairs: &[(String, String)],
    today: NaiveDate,
) -> Result<PageAnswers, PageError> {
    let questions = visible_questions(form, page, answers);
    let expected = expected_fields(page, &questions);
    let mut intent = Intent::Continue;
    let mut seen: HashSet<&str> = HashSet::new();
    let mut values = FieldValues::default();
    let mut remove = BTreeSet::new();
    for (name, value) in pairs {
        let may_repeat = match (name.as_str(), &page.repeat) {
            ("csrf", _) => false,
            ("action", repeat) => {
                intent = match (value.as_str(), repeat) {
                    ("continue", _) => Intent::Continue,
                    ("add", Some(_)) => Intent::Stay,
                    _ => return Err(bad(format!("unexpected action \"{value}\""))),
                };
                false
            }
            ("remove", Some(r)) => {
                match value.parse::<usize>() {
                    Ok(n) if (1..=r.max).contains(&n) => remove.insert(n),
                    _ => return Err(bad(format!("unexpected item to remove \"{value}\""))),
                };
                intent = Intent::Stay;
                true
            }
            (other, _) => match expected.get(other) {
                Some(may_repeat) => {
                    values.push(name.clone(), value.clone());
                    *may_repeat
                }
                None => return Err(bad(format!("unexpected field \"{other}\""))),
            },
        };
        if !seen.insert(name) && !may_repeat {
            return Err(bad(format!("field \"{name}\" appears more than once")));
        }
    }
    match &page.repeat {
        None => once(page, &questions, values, today),
        Some(r) => repeated(page, r, &questions, values, &remove, intent, today),
    }
}

fn bad(message: String) -> PageError {
    PageError::BadRequest(message)
}

/// The names of a question's inputs: one, or three for a date.
pub(crate) fn input_names(q: &Question, field: &str) -> Vec<String> {
    match q.kind {
        Kind::Date(_) => ["day", "month", "year"]
            .iter()
            .map(|part| format!("{field}-{part}"))
            .collect(),
        _ => vec![field.to_owned()],
    }
}

/// Every field name this page may post, and whether it may repeat.
fn expected_fields(page: &Page, questions: &[&Question]) -> HashMap<String, bool> {
    let items: Vec<Option<usize>> = match &page.repeat {
        Some(r) => (1..=r.max).map(Some).collect(),
        None => vec![None],
    };
    let mut out = HashMap::new();
    for item in items {
        for q in questions {
            let repeats = matches!(q.kind, Kind::Checkboxes(_));
            for name in input_names(q, &field_name(&q.id, item)) {
                out.insert(name, repeats);
            }
        }
    }
    out
}

fn once(
    page: &Page,
    questions: &[&Question],
    values: FieldValues,
    today: NaiveDate,
) -> Result<PageAnswers, PageError> {
    let mut out = BTreeMap::new();
    let mut errors = Vec::new();
    for q in questions {
        match check(q, &values, &q.id, today) {
            Ok(value) => {
                out.insert(q.id.clone(), value);
            }
            Err(Fault::User(message, parts)) => {
                errors.push(field_error(q, &q.id, message, None, parts));
            }
            Err(Fault::Tampered(message)) => return Err(bad(message)),
        }
    }
    if !errors.is_empty() {
        return Err(PageError::Invalid(PageErrors { errors, values }));
    }
    Ok(PageAnswers {
        page: page.id.clone(),
        content: PageContent::Values(out),
        intent: Intent::Continue,
    })
}

/// A repeat page posts every item shown plus one blank slot for "add
/// another". Blank items and those ticked for removal are dropped, the rest
/// renumbered from 1, so the page shown again matches what was kept.
fn repeated(
    page: &Page,
    repeat: &Repeat,
    questions: &[&Question],
    values: FieldValues,
    remove: &BTreeSet<usize>,
    intent: Intent,
    today: NaiveDate,
) -> Result<PageAnswers, PageError> {
    let names = |q: &Question, n: usize| input_names(q, &field_name(&q.id, Some(n)));
    let kept: Vec<usize> = (1..=repeat.max)
        .filter(|n| !remove.contains(n))
        .filter(|n| {
            let mut all = questions.iter().flat_map(|q| names(q, *n));
            all.any(|name| values.all(&name).iter().any(|v| !v.trim().is_empty()))
        })
        .collect();
    let mut renumbered = FieldValues::default();
    for (i, old) in kept.iter().enumerate() {
        for q in questions {
            for (from, to) in names(q, *old).into_iter().zip(names(q, i + 1)) {
                for v in values.all(&from) {
                    renumbered.push(to.clone(), v.clone());
                }
            }
        }
    }
    renumbered.items = kept.len();
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for n in 1..=kept.len() {
        let mut item = Item::new();
        for q in questions {
            let field = field_name(&q.id, Some(n));
            match check(q, &renumbered, &field, today) {
                Ok(value) => {
                    item.insert(q.id.clone(), value);
                }
                Err(Fault::User(message, parts)) => {
                    let label = format!("{} {n}", repeat.item_label);
                    errors.push(field_error(q, &field, message, Some(&label), parts));
                }
                Err(Fault::Tampered(message)) => return Err(bad(message)),
            }
        }
        items.push(item);
    }
    if let (Intent::Continue, Some(first)) = (intent, questions.first()) {
        if kept.len() < repeat.min {
            let field = field_name(&first.id, Some(kept.len() + 1));
            let message = match repeat.min {
                1 => format!("Add at least one {}", repeat.item_label.to_lowercase()),
                min => format!("Add at least {min} {}", repeat.item_plural),
            };
            errors.push(field_error(first, &field, message, None, Vec::new()));
        }
    }
    if !errors.is_empty() {
        let values = renumbered;
        return Err(PageError::Invalid(PageErrors { errors, values }));
    }
    Ok(PageAnswers {
        page: page.id.clone(),
        content: PageContent::Items(items),
        intent,
    })
}

fn field_error(
    q: &Question,
    field: &str,
    message: String,
    item: Option<&str>,
    parts: Vec<&'static str>,
) -> FieldError {
    let target = match (&q.kind, parts.first()) {
        (Kind::Date(_), Some(part)) => format!("{field}-{part}"),
        (Kind::Date(_), None) => format!("{field}-day"),
        _ => field.to_owned(),
    };
    let summary = match item {
        Some(item) => format!("{item}: {message}"),
        None => message.clone(),
    };
    FieldError {
        field: field.to_owned(),
        target,
        message,
        summary,
        parts,
    }
}
