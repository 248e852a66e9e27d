//! The guided "is this a case for the panel?" checker: questions and outcomes
//! written as data in `content/_data/checker.toml`, published at build time as
//! one static page per question and per outcome. Answers are plain links, so
//! it needs no JavaScript and no server, and works from any static host.
//!
//! Questions may quote a criterion from `criteria.toml`, so the checker, the
//! guidance pages and the forms show the same words.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::criteria::{Criteria, Criterion};

pub const CHECKER_FILE: &str = "content/_data/checker.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checker {
    /// Where the checker is published, e.g. "/checker/".
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: String,
    /// Paragraphs for the start page, separated by blank lines.
    #[serde(default)]
    pub intro: String,
    /// Shown on every page: what kind of advice this is.
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub start_label: Option<String>,
    /// The id of the first question.
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub questions: Vec<Question>,
    #[serde(default)]
    pub outcomes: Vec<Outcome>,
    /// False when the site has no checker file.
    #[serde(skip)]
    pub present: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub question: String,
    #[serde(default)]
    pub hint: Option<String>,
    /// `list:item` in criteria.toml, quoted under the question.
    #[serde(default)]
    pub criterion: Option<String>,
    pub answers: Vec<Answer>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub label: String,
    /// The next question's id, or
    #[serde(default)]
    pub next: Option<String>,
    /// the id of the outcome this answer ends at.
    #[serde(default)]
    pub outcome: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    pub id: String,
    pub title: String,
    /// Why the reader ends here: paragraphs separated by blank lines.
    pub reason: String,
    /// Shown as a warning (e.g. an emergency) rather than a plain panel.
    #[serde(default)]
    pub urgent: bool,
    #[serde(default)]
    pub links: Vec<OutLink>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutLink {
    pub label: String,
    pub href: String,
    /// Line in the checker file, for the site's link check.
    #[serde(skip)]
    pub line: usize,
}

/// Where an answer leads.
pub enum Target<'a> {
    Question(&'a Question),
    Outcome(&'a Outcome),
}

impl Checker {
    /// Loads and checks the checker file; a site without one has no checker.
    pub fn load(root: &Path, criteria: &Criteria) -> Result<Self> {
        let path = root.join(CHECKER_FILE);
        if !path.exists() {
            return Ok(Self::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        Self::parse(&text, criteria).map_err(|e| anyhow::anyhow!("{}:{e}", path.display()))
    }

    /// Parses and checks the file; errors read `line: message`.
    pub fn parse(text: &str, criteria: &Criteria) -> Result<Self, String> {
        let mut c: Checker = toml::from_str(text).map_err(|e| {
            format!(
                "{}: {}",
                crate::config::span_line(text, e.span()),
                e.message()
            )
        })?;
        c.present = true;
        c.validate(text, criteria)?;
        for o in &mut c.outcomes {
            for l in &mut o.links {
                l.line = line_of(text, &l.href);
            }
        }
        Ok(c)
    }

    fn validate(&self, text: &str, criteria: &Criteria) -> Result<(), String> {
        let at = |needle: &str| line_of(text, needle);
        if !self.url.starts_with('/') || !self.url.ends_with('/') {
            return Err(format!(
                "{}: url must start and end with \"/\", e.g. \"/checker/\"",
                at("url")
            ));
        }
        for (field, value) in [("title", &self.title), ("start", &self.start)] {
            if value.trim().is_empty() {
                return Err(format!("1: {field} is missing: every checker needs one"));
            }
        }
        let mut ids = BTreeSet::new();
        let all_ids = self
            .questions
            .iter()
            .map(|q| &q.id)
            .chain(self.outcomes.iter().map(|o| &o.id));
        for id in all_ids {
            if id.is_empty()
                || !id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                return Err(format!("{}: id \"{id}\" must be lower-case letters, digits and hyphens: it becomes part of the page's address", at(id)));
            }
            if !ids.insert(id.as_str()) {
                return Err(format!(
                    "{}: duplicate id \"{id}\": questions and outcomes share one set of ids",
                    at(id)
                ));
            }
        }
        if self.question(&self.start).is_none() {
            return Err(format!(
                "{}: start \"{}\" is not a question id",
                at(&self.start),
                self.start
            ));
        }
        for q in &self.questions {
            if q.answers.len() < 2 {
                return Err(format!(
                    "{}: question \"{}\" needs at least two answers",
                    at(&q.id),
                    q.id
                ));
            }
            if let Some(name) = &q.criterion {
                if self.criterion_in(criteria, name).is_none() {
                    return Err(format!("{}: criterion \"{name}\" is not in {} (write it as list:item, e.g. eligibility:mapping)", at(name), crate::criteria::CRITERIA_FILE));
                }
            }
            for a in &q.answers {
                match (&a.next, &a.outcome) {
                    (Some(n), None) if self.question(n).is_some() => {}
                    (None, Some(o)) if self.outcome(o).is_some() => {}
                    (Some(n), None) => return Err(format!("{}: answer \"{}\" of \"{}\" goes to \"{n}\", which is not a question id", at(n), a.label, q.id)),
                    (None, Some(o)) => return Err(format!("{}: answer \"{}\" of \"{}\" ends at \"{o}\", which is not an outcome id", at(o), a.label, q.id)),
                    _ => return Err(format!("{}: answer \"{}\" of \"{}\" needs exactly one of next (a question) or outcome", at(&a.label), a.label, q.id)),
                }
            }
        }
        self.check_paths(&at)
    }

    /// Every question and outcome can be reached from the start, and no
    /// answer leads back to an earlier question (the reader would go round).
    fn check_paths(&self, at: &dyn Fn(&str) -> usize) -> Result<(), String> {
        let mut state: HashMap<&str, u8> = HashMap::new(); // 1 = on the path, 2 = done
        let mut stack: Vec<(&str, usize)> = vec![(self.start.as_str(), 0)];
        state.insert(&self.start, 1);
        let mut reached: BTreeSet<&str> = BTreeSet::from([self.start.as_str()]);
        while let Some((id, i)) = stack.pop() {
            let Some(q) = self.question(id) else { continue };
            let Some(a) = q.answers.get(i) else {
                state.insert(id, 2);
                continue;
            };
            stack.push((id, i + 1));
            if let Some(o) = &a.outcome {
                reached.insert(o);
            }
            if let Some(n) = &a.next {
                reached.insert(n);
                match state.get(n.as_str()) {
                    Some(1) => {
                        return Err(format!(
                            "{}: answer \"{}\" of \"{id}\" leads back to \"{n}\": the questions must not loop",
                            at(n),
                            a.label
                        ))
                    }
                    Some(_) => {}
                    None => {
                        state.insert(n, 1);
                        stack.push((n, 0));
                    }
                }
            }
        }
        let unreached = self
            .questions
            .iter()
            .map(|q| &q.id)
            .chain(self.outcomes.iter().map(|o| &o.id))
            .find(|id| !reached.contains(id.as_str()));
        match unreached {
            Some(id) => Err(format!(
                "{}: \"{id}\" cannot be reached from the start: link it from an answer or remove it",
                at(id)
            )),
            None => Ok(()),
        }
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    pub fn outcome(&self, id: &str) -> Option<&Outcome> {
        self.outcomes.iter().find(|o| o.id == id)
    }

    pub fn target(&self, a: &Answer) -> Option<Target<'_>> {
        match (&a.next, &a.outcome) {
            (Some(n), _) => self.question(n).map(Target::Question),
            (_, Some(o)) => self.outcome(o).map(Target::Outcome),
            _ => None,
        }
    }

    /// The address of a question or outcome page.
    pub fn page_url(&self, id: &str) -> String {
        format!("{}{id}/", self.url)
    }

    /// The criterion a question quotes (`list:item`).
    pub fn criterion_in<'c>(&self, criteria: &'c Criteria, name: &str) -> Option<&'c Criterion> {
        let (list, item) = name.split_once(':')?;
        criteria.list(list)?.items.iter().find(|i| i.id == item)
    }

    /// Every address the checker publishes, for link checking.
    pub fn urls(&self) -> Vec<String> {
        if !self.present {
            return Vec::new();
        }
        std::iter::once(self.url.clone())
            .chain(self.questions.iter().map(|q| self.page_url(&q.id)))
            .chain(self.outcomes.iter().map(|o| self.page_url(&o.id)))
            .collect()
    }

    /// All the checker's words, for the search index.
    pub fn text(&self) -> String {
        let mut parts: Vec<&str> = vec![&self.intro];
        for q in &self.questions {
            parts.push(&q.question);
            parts.extend(q.hint.as_deref());
        }
        for o in &self.outcomes {
            parts.push(&o.title);
            parts.push(&o.reason);
        }
        parts.join(" ")
    }

    /// The paths through the checker: for each outcome, the answers that
    /// lead to it from the start (used by tests and `prem check`).
    pub fn paths(&self) -> BTreeMap<String, Vec<Vec<String>>> {
        let mut found: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
        let mut stack: Vec<(&str, Vec<String>)> = vec![(self.start.as_str(), Vec::new())];
        while let Some((id, path)) = stack.pop() {
            let Some(q) = self.question(id) else { continue };
            for a in &q.answers {
                let mut p = path.clone();
                p.push(format!("{}={}", q.id, a.label));
                if let Some(o) = &a.outcome {
                    found.entry(o.clone()).or_default().push(p);
                } else if let Some(n) = &a.next {
                    stack.push((n, p));
                }
            }
        }
        found
    }
}

/// Paragraphs of a text field, split at blank lines.
pub fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    text.split("\n\n").map(str::trim).filter(|p| !p.is_empty())
}

fn line_of(text: &str, needle: &str) -> usize {
    text.find(&format!("\"{needle}\""))
        .or_else(|| text.find(needle))
        .map(|i| text[..i].matches('\n').count() + 1)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests;
