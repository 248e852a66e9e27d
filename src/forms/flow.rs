//! Which pages a draft needs next, and the "Check your answers" rows.
//!
//! Conditions are evaluated in page order over the answers given so far. A
//! condition holds only if the question it refers to is itself still shown,
//! so changing an early answer hides everything that depended on it, however
//! deep the chain, and stale answers are never counted or submitted.

use std::collections::HashSet;

#[cfg(test)]
mod tests;

use super::answers::{Answers, Value};
use super::model::{Condition, Form, Kind, Page, Question};

/// The visibility of every page, in order, with the questions each shows.
fn walk<'a>(form: &'a Form, answers: &Answers) -> Vec<(&'a Page, bool, Vec<&'a Question>)> {
    let mut shown: HashSet<&str> = HashSet::new();
    let mut out = Vec::new();
    for page in &form.pages {
        let holds = |c: &Option<Condition>| c.as_ref().is_none_or(|c| holds(c, answers, &shown));
        let visible = holds(&page.when);
        let questions: Vec<&Question> = page.questions.iter().filter(|q| holds(&q.when)).collect();
        if visible {
            shown.extend(questions.iter().map(|q| q.id.as_str()));
        }
        out.push((page, visible, questions));
    }
    out
}

fn holds(c: &Condition, answers: &Answers, shown: &HashSet<&str>) -> bool {
    if !shown.contains(c.question()) {
        return false;
    }
    match (c, answers.get(c.question())) {
        (Condition::Equals { value, .. }, Some(Value::One(v))) => v == value,
        (Condition::Includes { value, .. }, Some(Value::Many(list))) => list.contains(value),
        _ => false,
    }
}

/// The pages the draft's answers lead to, in order.
pub fn visible_pages<'a>(form: &'a Form, answers: &Answers) -> Vec<&'a Page> {
    walk(form, answers)
        .into_iter()
        .filter(|(_, visible, _)| *visible)
        .map(|(page, _, _)| page)
        .collect()
}

/// The questions `page` shows given the answers so far.
pub fn visible_questions<'a>(form: &'a Form, page: &Page, answers: &Answers) -> Vec<&'a Question> {
    walk(form, answers)
        .into_iter()
        .find(|(p, _, _)| p.id == page.id)
        .map(|(_, _, questions)| questions)
        .unwrap_or_default()
}

/// A page is answered once each shown question has an entry (blank optional
/// answers are stored as empty values), or, for a repeat page, once its items
/// were saved and there are at least `min` of them.
fn answered(page: &Page, questions: &[&Question], answers: &Answers) -> bool {
    match &page.repeat {
        Some(r) => answers
            .items
            .get(&page.id)
            .is_some_and(|items| items.len() >= r.min),
        None => questions.iter().all(|q| answers.values.contains_key(&q.id)),
    }
}

/// Where to send someone resuming a draft or posting out of order; `None`
/// when everything is answered and "Check your answers" comes next.
pub fn first_unanswered_page<'a>(form: &'a Form, answers: &Answers) -> Option<&'a Page> {
    walk(form, answers)
        .into_iter()
        .find(|(page, visible, qs)| *visible && !answered(page, qs, answers))
        .map(|(page, _, _)| page)
}

pub fn is_complete(form: &Form, answers: &Answers) -> bool {
    first_unanswered_page(form, answers).is_none()
}

/// The visible page after `current` in a straight run through the form;
/// `None` after the last one. After a change made from "Check your answers",
/// use `first_unanswered_page` instead: it finds pages a changed answer has
/// newly revealed and otherwise returns to the check page.
pub fn next_page<'a>(form: &'a Form, answers: &Answers, current: &str) -> Option<&'a Page> {
    let pages = visible_pages(form, answers);
    let at = pages.iter().position(|p| p.id == current)?;
    pages.get(at + 1).copied()
}

/// Whether `page_id` may be shown or posted now: it is visible and no
/// earlier visible page is unanswered.
pub fn can_visit(form: &Form, answers: &Answers, page_id: &str) -> bool {
    for (page, visible, qs) in walk(form, answers) {
        if !visible {
            continue;
        }
        if page.id == page_id {
            return true;
        }
        if !answered(page, &qs, answers) {
            return false;
        }
    }
    false
}

impl Answers {
    /// Only the answers the form still asks for given the other answers:
    /// what gets sealed on submit.
    pub fn pruned(&self, form: &Form) -> Answers {
        let mut out = Answers::default();
        for (page, visible, questions) in walk(form, self) {
            if !visible {
                continue;
            }
            if page.repeat.is_some() {
                if let Some(items) = self.items.get(&page.id) {
                    let keep = |item: &super::answers::Item| {
                        let mut item = item.clone();
                        item.retain(|id, _| questions.iter().any(|q| &q.id == id));
                        item
                    };
                    out.items
                        .insert(page.id.clone(), items.iter().map(keep).collect());
                }
                continue;
            }
            for q in questions {
                if let Some(v) = self.values.get(&q.id) {
                    out.values.insert(q.id.clone(), v.clone());
                }
            }
        }
        out
    }
}

/// One row of "Check your answers".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRow {
    /// The page to change this answer on.
    pub page: String,
    /// The page's title; rows are grouped under it.
    pub section: String,
    pub key: String,
    /// The answer as people read it, one entry per line.
    pub value: Vec<String>,
}

/// Rows for every visible question answered so far; a repeat page gives one
/// row per item ("Perpetrator 2") listing its answers.
pub fn check_answers_rows(form: &Form, answers: &Answers) -> Vec<CheckRow> {
    let mut rows = Vec::new();
    for (page, visible, questions) in walk(form, answers) {
        let row = |key: String, value: Vec<String>| CheckRow {
            page: page.id.clone(),
            section: page.title.clone(),
            key,
            value,
        };
        match (&page.repeat, visible) {
            (_, false) => {}
            (Some(r), true) => {
                let Some(items) = answers.items.get(&page.id) else {
                    continue;
                };
                if items.is_empty() {
                    rows.push(row(r.item_plural.clone(), vec!["None added".to_owned()]));
                }
                for (n, item) in items.iter().enumerate() {
                    let lines = questions
                        .iter()
                        .filter_map(|q| Some((q, item.get(&q.id)?)))
                        .filter(|(_, v)| **v != Value::One(String::new()))
                        .map(|(q, v)| format!("{}: {}", q.label, display(q, v).join("; ")));
                    rows.push(row(format!("{} {}", r.item_label, n + 1), lines.collect()));
                }
            }
            (None, true) => {
                for q in questions {
                    if let Some(v) = answers.get(&q.id) {
                        rows.push(row(q.label.clone(), display(q, v)));
                    }
                }
            }
        }
    }
    rows
}

/// An answer as people read it: option labels, dates as "4 March 2010".
fn display(q: &Question, value: &Value) -> Vec<String> {
    let label = |v: &str| q.kind.choice_label(v).unwrap_or(v).to_owned();
    match value {
        Value::One(v) if v.is_empty() => vec!["Not answered".to_owned()],
        Value::Many(list) if list.is_empty() => vec!["None selected".to_owned()],
        Value::Many(list) => list.iter().map(|v| label(v)).collect(),
        Value::One(v) => match &q.kind {
            Kind::Date(_) => match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
                Ok(d) => vec![d.format("%-d %B %Y").to_string()],
                Err(_) => vec![v.clone()],
            },
            Kind::Textarea(_) => v.lines().map(str::to_owned).collect(),
            _ => vec![label(v)],
        },
    }
}
