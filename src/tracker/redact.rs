//! Third parties taken out of a case's answers for a subject access request: the subject is
//! entitled to what is held about them, not to what a referral says about the perpetrators,
//! associates or other victims it names. Every person the form declares in `[[people]]` who is
//! not the subject has their answers replaced by a visible marker, and each replacement is
//! listed, so whoever sends the response can see what was withheld and why.
//!
//! The subject's own entry is recognised by a name or alias that one of their records holds
//! (compared after folding case, accents and word order). A record renamed since the referral
//! came in is not recognised, and then its answers are withheld too: the mistake this makes is
//! to withhold too much, never to disclose someone else. Free-text answers elsewhere in the
//! form can still name other people; that is for the person sending the response to check.

use std::collections::BTreeSet;

use serde::Serialize;

use super::extract::people_named;
use super::model::Person;
use super::normalise::name_tokens;
use crate::forms::{Form, PersonSource, Value};
use crate::submission::Submission;

/// What a withheld answer shows instead.
pub const MARKER: &str = "[redacted: third party]";

/// One person's answers withheld from a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redacted {
    /// Their role in the case, as the form declares it ("perpetrator", "associate").
    pub role: String,
    /// Where their answers are: the repeat item ("Perpetrator 2") or the question asked.
    pub answers_in: String,
    /// How many answers were replaced by the marker.
    pub answers: usize,
}

/// A name as a sorted list of folded words, so "Vantablack, Darrik" is "Darrik Vantablack".
fn words(name: &str) -> Vec<String> {
    let mut w: Vec<String> = name_tokens(name).into_iter().map(|t| t.text).collect();
    w.sort();
    w
}

fn names(p: &Person) -> impl Iterator<Item = Vec<String>> + '_ {
    std::iter::once(&p.name)
        .chain(&p.aliases)
        .map(|n| words(n))
        .filter(|w| !w.is_empty())
}

/// Whether `p`, as a referral names them, is one of the subject's `records`.
fn is_subject(p: &Person, records: &[Person]) -> bool {
    records
        .iter()
        .any(|r| names(r).any(|n| names(p).any(|m| m == n)))
}

/// The questions an entry asked once names.
fn questions(s: &PersonSource) -> impl Iterator<Item = &String> {
    (s.name.iter())
        .chain(&s.alias)
        .chain(&s.phone)
        .chain(&s.vehicle)
        .chain(&s.note)
        .chain(&s.date_of_birth)
        .chain(&s.age)
        .chain(&s.postcode)
}

fn withhold(v: &mut Value) -> bool {
    let answered = match v {
        Value::One(s) => !s.trim().is_empty(),
        Value::Many(l) => !l.is_empty(),
    };
    if answered {
        *v = Value::One(MARKER.to_owned());
    }
    answered
}

/// Withholds from `submission` every person `form` declares who is not the subject (whose
/// tracker records are `subject`): a repeat item of theirs whole, and for an entry asked once
/// the questions it names. Returns what was withheld, in the form's order.
pub fn third_parties(
    form: &Form,
    submission: &mut Submission,
    subject: &[Person],
) -> Vec<Redacted> {
    let named = people_named(form, submission);
    let theirs: BTreeSet<(usize, Option<usize>)> = (named.iter())
        .filter(|n| is_subject(&n.person, subject))
        .map(|n| (n.source, n.item))
        .collect();
    // Questions of the subject's own entries asked once are never withheld, even when another
    // entry names the same question.
    let kept: BTreeSet<&String> = (theirs.iter())
        .filter(|(_, item)| item.is_none())
        .flat_map(|(source, _)| questions(&form.people[*source]))
        .collect();
    let mut out = Vec::new();
    for n in named
        .iter()
        .filter(|n| !theirs.contains(&(n.source, n.item)))
    {
        let source = &form.people[n.source];
        let answers = &mut submission.answers;
        let (count, answers_in) = match (n.item, &source.group) {
            (Some(i), Some(page)) => {
                let item = answers
                    .items
                    .get_mut(page)
                    .and_then(|items| items.get_mut(i));
                let count = item.map_or(0, |item| {
                    item.values_mut().map(withhold).filter(|w| *w).count()
                });
                let label = (form.page(page).and_then(|p| p.repeat.as_ref()))
                    .map_or_else(|| page.clone(), |r| r.item_label.clone());
                (count, format!("{label} {}", i + 1))
            }
            _ => {
                let mut count = 0;
                for q in questions(source).filter(|q| !kept.contains(q)) {
                    count += usize::from(answers.values.get_mut(q).is_some_and(withhold));
                }
                let first = source.name.first().and_then(|q| form.question(q));
                let label = first.map_or_else(|| source.role.clone(), |(_, q)| q.label.clone());
                (count, label)
            }
        };
        if count > 0 {
            out.push(Redacted {
                role: source.role.clone(),
                answers_in,
                answers: count,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests;
