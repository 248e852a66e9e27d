//! Checks a form's `[[people]]` and `[[places]]`: which questions hold the people and places
//! the reviewers' tracker takes from a referral. Every id must name a question, on the entry's
//! repeat page when it has one (one person per item) and off every repeat page when it has not;
//! a date of birth must be a date question, and a question holding several answers
//! (checkboxes) can only feed a note. A mistake is reported like every other, with the entry
//! and the key, so the tracker never meets an id it cannot find.

use std::ops::Range;

use toml::Spanned;

use super::names::{check_id, did_you_mean};
use super::Checker;
use crate::forms::model::{Kind, Page, PersonSource, PlaceSource, Question};
use crate::forms::schema::{Ids, PersonDef, PlaceDef};

/// What a key needs of its question.
#[derive(Clone, Copy)]
enum Want {
    Date,
    Age,
    /// One answer (not checkboxes).
    One,
    /// Anything: a note takes every kind.
    Any,
}

/// The entry's `group`: none, a repeat page, or a mistake already reported (then the
/// page-membership checks are skipped rather than repeated for every key).
enum Group<'a> {
    None,
    Page(&'a Page),
    Bad,
}

struct Entry<'a, 'c, 't> {
    ck: &'c mut Checker<'t>,
    pages: &'a [Page],
    owner: String,
    group: Group<'a>,
}

pub(super) fn build(
    ck: &mut Checker<'_>,
    pages: &[Page],
    people: Vec<PersonDef>,
    places: Vec<PlaceDef>,
) -> (Vec<PersonSource>, Vec<PlaceSource>) {
    let people = people
        .into_iter()
        .enumerate()
        .map(|(i, def)| {
            let mut e = Entry::new(
                ck,
                pages,
                format!("[[people]] {}", i + 1),
                def.group.as_ref(),
            );
            PersonSource {
                role: e.role(&def.role),
                group: def.group.map(Spanned::into_inner),
                name: e.list("name", Some(def.name), Want::One, true),
                alias: e.list("alias", def.alias, Want::One, false),
                date_of_birth: e.one("date_of_birth", def.date_of_birth, Want::Date),
                age: e.one("age", def.age, Want::Age),
                phone: e.list("phone", def.phone, Want::One, false),
                vehicle: e.list("vehicle", def.vehicle, Want::One, false),
                postcode: e.one("postcode", def.postcode, Want::One),
                note: e.list("note", def.note, Want::Any, false),
            }
        })
        .collect();
    let places = places
        .into_iter()
        .enumerate()
        .map(|(i, def)| {
            let mut e = Entry::new(
                ck,
                pages,
                format!("[[places]] {}", i + 1),
                def.group.as_ref(),
            );
            PlaceSource {
                role: e.role(&def.role),
                group: def.group.map(Spanned::into_inner),
                name: e.list("name", Some(def.name), Want::One, true),
                postcode: e.one("postcode", def.postcode, Want::One),
                kind: e.one("kind", def.kind, Want::One),
                note: e.list("note", def.note, Want::Any, false),
            }
        })
        .collect();
    (people, places)
}

impl<'a, 'c, 't> Entry<'a, 'c, 't> {
    fn new(
        ck: &'c mut Checker<'t>,
        pages: &'a [Page],
        owner: String,
        group: Option<&Spanned<String>>,
    ) -> Self {
        let group = match group {
            None => Group::None,
            Some(g) => match pages.iter().find(|p| p.id == *g.get_ref()) {
                Some(page) if page.repeat.is_some() => Group::Page(page),
                Some(_) => {
                    let message = format!(
                        "{owner}: group: page \"{}\" is not a repeat page; leave group out for questions asked once",
                        g.get_ref()
                    );
                    ck.report(&g.span(), message);
                    Group::Bad
                }
                None => {
                    let hint = did_you_mean(g.get_ref(), pages.iter().map(|p| p.id.as_str()));
                    let message = format!("{owner}: group: unknown page \"{}\"{hint}", g.get_ref());
                    ck.report(&g.span(), message);
                    Group::Bad
                }
            },
        };
        Entry {
            ck,
            pages,
            owner,
            group,
        }
    }

    fn role(&mut self, role: &Spanned<String>) -> String {
        let owner = format!("{}: role", self.owner);
        check_id(self.ck, &owner, role.get_ref(), &role.span(), '-');
        role.get_ref().clone()
    }

    fn one(&mut self, key: &str, id: Option<Spanned<String>>, want: Want) -> Option<String> {
        let id = id?;
        let span = id.span();
        let id = id.into_inner();
        self.question(key, &id, &span, want);
        Some(id)
    }

    fn list(
        &mut self,
        key: &str,
        ids: Option<Spanned<Ids>>,
        want: Want,
        required: bool,
    ) -> Vec<String> {
        let Some(ids) = ids else {
            return Vec::new();
        };
        let span = ids.span();
        let ids = ids.into_inner().into_vec();
        if ids.is_empty() && required {
            let message = format!("{}: {key}: give at least one question id", self.owner);
            self.ck.report(&span, message);
        }
        for id in &ids {
            self.question(key, id, &span, want);
        }
        ids
    }

    fn question(&mut self, key: &str, id: &str, span: &Range<usize>, want: Want) {
        let owner = format!("{}: {key}", self.owner);
        let found = self
            .pages
            .iter()
            .find_map(|p| p.questions.iter().find(|q| q.id == id).map(|q| (p, q)));
        let Some((page, question)) = found else {
            let all = self
                .pages
                .iter()
                .flat_map(|p| &p.questions)
                .map(|q| q.id.as_str());
            let hint = did_you_mean(id, all);
            self.ck
                .report(span, format!("{owner}: unknown question \"{id}\"{hint}"));
            return;
        };
        let placement = match &self.group {
            Group::Page(g) if g.id != page.id => Some(format!(
                "question \"{id}\" is not on page \"{}\", the entry's group",
                g.id
            )),
            Group::None if page.repeat.is_some() => Some(format!(
                "question \"{id}\" is on repeat page \"{}\"; add group = \"{}\"",
                page.id, page.id
            )),
            _ => None,
        };
        if let Some(problem) = placement.or_else(|| kind_problem(question, want)) {
            self.ck.report(span, format!("{owner}: {problem}"));
        }
    }
}

fn kind_problem(q: &Question, want: Want) -> Option<String> {
    let (id, kind) = (&q.id, q.kind.type_name());
    match (want, &q.kind) {
        (Want::Date, Kind::Date(_)) => None,
        (Want::Date, _) => Some(format!("question \"{id}\" is {kind}, not a date")),
        (Want::Age, Kind::Text(_) | Kind::Number(_) | Kind::Radios(_) | Kind::Select(_)) => None,
        (Want::Age, _) => Some(format!(
            "question \"{id}\" is {kind}; an age needs a text, number, radios or select question"
        )),
        (Want::One, Kind::Checkboxes(_)) => Some(format!(
            "question \"{id}\" is checkboxes, which holds several answers; use it as a note"
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
