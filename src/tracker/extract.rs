//! A referral's people and places, taken from its answers where the form's `[[people]]` and
//! `[[places]]` say they are. The form names the questions, so no question id lives in code
//! and each partnership's forms bring their own. What cannot be read as a field (an age
//! written as "older than her", an area with no postcode) is kept in the record's note under
//! its question's label rather than lost.

use chrono::{DateTime, NaiveDate};

use super::model::{Link, Person, Place, Subject};
use super::normalise;
use crate::forms::{Form, Item, Value};
use crate::submission::Submission;

/// What one referral adds to the tracker: new records, each linked to the case once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    pub people: Vec<Person>,
    pub places: Vec<Place>,
    pub links: Vec<Link>,
}

/// The people and places in `submission`, linked to `case`. Ages are read as of the day the
/// referral was sent. Nothing is matched or merged here: that is for a reviewer.
pub fn extract(form: &Form, submission: &Submission, case: &str) -> Extracted {
    let mut out = Extracted::default();
    for named in people_named(form, submission) {
        let role = &form.people[named.source].role;
        out.links
            .push(link(case, Subject::Person(named.person.id.clone()), role));
        out.people.push(named.person);
    }
    for source in &form.places {
        for item in items(submission, source.group.as_deref()) {
            let read = Reader { form, item };
            if let Some(place) = read.place(source) {
                out.links
                    .push(link(case, Subject::Place(place.id.clone()), &source.role));
                out.places.push(place);
            }
        }
    }
    out
}

/// A person a submission names, and where: which of the form's `[[people]]` entries, and
/// which item of its repeat page (none for answers asked once).
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub source: usize,
    pub item: Option<usize>,
    pub person: Person,
}

/// Every person `submission` names, in the form's order, each with where its answers are: so
/// a subject access request can tell the subject's own answers from other people's.
pub fn people_named(form: &Form, submission: &Submission) -> Vec<Named> {
    let as_of = DateTime::parse_from_rfc3339(&submission.submitted_at)
        .ok()
        .map(|t| t.date_naive());
    let mut out = Vec::new();
    for (n, source) in form.people.iter().enumerate() {
        let grouped = source.group.is_some();
        for (i, item) in items(submission, source.group.as_deref())
            .into_iter()
            .enumerate()
        {
            let read = Reader { form, item };
            if let Some(person) = read.person(source, as_of) {
                out.push(Named {
                    source: n,
                    item: grouped.then_some(i),
                    person,
                });
            }
        }
    }
    out
}

fn link(case: &str, subject: Subject, role: &str) -> Link {
    Link {
        case: case.to_owned(),
        subject,
        role: role.to_owned(),
    }
}

/// The answers one entry reads: every item of its repeat page, or the answers asked once.
fn items<'a>(submission: &'a Submission, group: Option<&str>) -> Vec<&'a Item> {
    match group {
        Some(g) => submission
            .answers
            .items
            .get(g)
            .map(|v| v.iter().collect())
            .unwrap_or_default(),
        None => vec![&submission.answers.values],
    }
}

struct Reader<'a> {
    form: &'a Form,
    item: &'a Item,
}

impl Reader<'_> {
    /// A question's answer as text: a choice as its label, ticked boxes joined with commas.
    fn text(&self, id: &str) -> String {
        let kind = self.form.question(id).map(|(_, q)| &q.kind);
        let label = |v: &str| kind.and_then(|k| k.choice_label(v)).unwrap_or(v).to_owned();
        match self.item.get(id) {
            Some(Value::One(v)) => label(v.trim()),
            Some(Value::Many(list)) => list.iter().map(|v| label(v)).collect::<Vec<_>>().join(", "),
            None => String::new(),
        }
    }

    /// A question's stored value (a choice's value, not its label).
    fn value(&self, id: &str) -> String {
        match self.item.get(id) {
            Some(Value::One(v)) => v.trim().to_owned(),
            _ => String::new(),
        }
    }

    fn joined(&self, ids: &[String]) -> String {
        let parts: Vec<String> = ids
            .iter()
            .map(|id| self.text(id))
            .filter(|t| !t.is_empty())
            .collect();
        parts.join(" ")
    }

    fn note_line(&self, id: &str, text: &str) -> String {
        let label = self.form.question(id).map_or(id, |(_, q)| q.label.as_str());
        format!("{label}: {text}")
    }

    fn notes(&self, ids: &[String], extra: Vec<String>) -> String {
        let mut lines: Vec<String> = ids
            .iter()
            .map(|id| (id, self.text(id)))
            .filter(|(_, t)| !t.is_empty())
            .map(|(id, t)| self.note_line(id, &t))
            .collect();
        lines.extend(extra);
        lines.join("\n")
    }

    /// A postcode district, or the words kept for the note when there is none in them.
    fn district(&self, id: Option<&String>, unread: &mut Vec<String>) -> Option<String> {
        let id = id?;
        let text = self.text(id);
        let found = normalise::district(&text);
        if found.is_none() && !text.is_empty() {
            unread.push(self.note_line(id, &text));
        }
        found
    }

    fn person(&self, s: &crate::forms::PersonSource, as_of: Option<NaiveDate>) -> Option<Person> {
        let (name, mut aliases) = known_as(&self.joined(&s.name));
        for id in &s.alias {
            aliases.extend(split_list(&self.text(id)));
        }
        let mut unread = Vec::new();
        let date_of_birth = s
            .date_of_birth
            .as_ref()
            .and_then(|id| NaiveDate::parse_from_str(&self.value(id), "%Y-%m-%d").ok());
        let age = s.age.as_ref().and_then(|id| {
            let text = self.text(id);
            let age = as_of.and_then(|day| normalise::age(&text, day));
            if age.is_none() && !text.is_empty() {
                unread.push(self.note_line(id, &text));
            }
            age
        });
        let postcode_district = self.district(s.postcode.as_ref(), &mut unread);
        let phones: Vec<String> = s
            .phone
            .iter()
            .map(|id| self.text(id))
            .filter(|t| !t.is_empty())
            .collect();
        let vehicles: Vec<String> = s
            .vehicle
            .iter()
            .map(|id| self.text(id))
            .filter(|t| !t.is_empty())
            .collect();
        let note = self.notes(&s.note, unread);
        let empty = name.is_empty()
            && aliases.is_empty()
            && date_of_birth.is_none()
            && age.is_none()
            && phones.is_empty()
            && vehicles.is_empty()
            && postcode_district.is_none()
            && note.is_empty();
        if empty {
            return None;
        }
        let mut p = Person::new(name);
        p.aliases = aliases;
        p.date_of_birth = date_of_birth;
        p.age = age;
        p.phones = phones;
        p.vehicles = vehicles;
        p.postcode_district = postcode_district;
        p.note = note;
        Some(p)
    }

    fn place(&self, s: &crate::forms::PlaceSource) -> Option<Place> {
        let name = self.joined(&s.name);
        let mut unread = Vec::new();
        let postcode_district = self.district(s.postcode.as_ref(), &mut unread);
        let kind = s
            .kind
            .as_ref()
            .map(|id| self.value(id))
            .filter(|k| !k.is_empty());
        let note = self.notes(&s.note, unread);
        if name.is_empty() && postcode_district.is_none() && kind.is_none() && note.is_empty() {
            return None;
        }
        let mut p = Place::new(name);
        p.postcode_district = postcode_district;
        p.kind = kind;
        p.note = note;
        Some(p)
    }
}

/// Splits the other names people write into a name answer, as the forms invite ("include any
/// other names they are known by"): "Kade Vantor (Bigz)", "Kade Vantor aka Bigz", "Kade Vantor,
/// known as Bigz". Returns the main name and the aliases.
pub fn known_as(text: &str) -> (String, Vec<String>) {
    let mut aliases = Vec::new();
    let mut main = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('(') {
        main.push_str(&rest[..open]);
        let inside = &rest[open + 1..];
        let close = inside.find(')').unwrap_or(inside.len());
        aliases.extend(split_list(&inside[..close]));
        rest = inside.get(close + 1..).unwrap_or("");
    }
    main.push_str(rest);
    // ASCII lowercasing keeps every byte offset, so a marker found in `lower` cuts `main`.
    let lower = main.to_ascii_lowercase();
    let markers = [
        " also known as ",
        " known as ",
        " a.k.a. ",
        " a.k.a ",
        " aka ",
    ];
    let cut = markers
        .iter()
        .filter_map(|m| lower.find(m).map(|i| (i, m.len())))
        .min();
    if let Some((at, len)) = cut {
        aliases.extend(split_list(&main[at + len..]));
        main.truncate(at);
    }
    let main = main.trim().trim_end_matches([',', ';', '-']);
    let main = main.split_whitespace().collect::<Vec<_>>().join(" ");
    (main, aliases)
}

/// One answer holding several names: "Bigz; K / KV".
fn split_list(text: &str) -> Vec<String> {
    text.split([';', '/', '\n', ','])
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
pub(super) mod tests;
