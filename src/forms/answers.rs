//! A draft's answers and the raw material they are made from: the decoded
//! form post and what the user typed (kept so a page with errors shows their
//! words again, not an empty box).
//!
//! `decode_post` is deliberately generic: it turns any body into name/value
//! pairs or refuses malformed encoding, and leaves to `validate` which names a
//! page accepts and which may repeat (only checkboxes do), because only the
//! page knows.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::model::{Kind, Page};

/// One answer: a single value (text, a date as `YYYY-MM-DD`, a choice's
/// value; an empty string for an optional question left blank), or the
/// values ticked on a checkboxes question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    One(String),
    Many(Vec<String>),
}

impl Value {
    /// The single value, or `None` for a checkboxes answer.
    pub fn as_one(&self) -> Option<&str> {
        match self {
            Value::One(s) => Some(s),
            Value::Many(_) => None,
        }
    }

    /// Whether this answer is, or includes, `value`.
    pub fn has(&self, value: &str) -> bool {
        match self {
            Value::One(s) => s == value,
            Value::Many(list) => list.iter().any(|v| v == value),
        }
    }
}

/// One item of a repeat group ("Perpetrator 2"): question id → answer.
pub type Item = BTreeMap<String, Value>;

/// Everything answered so far, as stored in the draft and sealed on submit.
/// A question (or repeat page) is answered once it has an entry, which is why
/// optional questions left blank are stored as empty values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    /// Question id → answer, for questions asked once.
    #[serde(default)]
    pub values: BTreeMap<String, Value>,
    /// Repeat page id → its items, in order.
    #[serde(default)]
    pub items: BTreeMap<String, Vec<Item>>,
}

impl Answers {
    pub fn get(&self, question: &str) -> Option<&Value> {
        self.values.get(question)
    }
}

/// What the user typed on one page, by field name, ready to show again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldValues {
    fields: BTreeMap<String, Vec<String>>,
    /// For a repeat page: how many items the values hold.
    pub items: usize,
}

impl FieldValues {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
    }

    pub fn all(&self, name: &str) -> &[String] {
        self.fields.get(name).map(Vec::as_slice).unwrap_or_default()
    }

    pub fn push(&mut self, name: String, value: String) {
        self.fields.entry(name).or_default().push(value);
    }

    /// The page's stored answers as field values, for showing a page again
    /// (going back, or changing an answer from "Check your answers").
    pub fn from_answers(page: &Page, answers: &Answers) -> Self {
        let mut out = FieldValues::default();
        if page.repeat.is_some() {
            let items = answers
                .items
                .get(&page.id)
                .map(Vec::as_slice)
                .unwrap_or_default();
            for (i, item) in items.iter().enumerate() {
                out.put_answers(page, item, Some(i + 1));
            }
            out.items = items.len();
        } else {
            out.put_answers(page, &answers.values, None);
        }
        out
    }

    fn put_answers(&mut self, page: &Page, values: &BTreeMap<String, Value>, item: Option<usize>) {
        for q in &page.questions {
            let field = field_name(&q.id, item);
            match (values.get(&q.id), &q.kind) {
                (Some(Value::One(iso)), Kind::Date(_)) => {
                    let mut parts = iso.splitn(3, '-');
                    let (y, m, d) = (parts.next(), parts.next(), parts.next());
                    for (part, v) in [("day", d), ("month", m), ("year", y)] {
                        let v = v.unwrap_or_default();
                        let v = if part == "year" {
                            v
                        } else {
                            v.trim_start_matches('0')
                        };
                        self.push(format!("{field}-{part}"), v.to_owned());
                    }
                }
                (Some(Value::One(v)), _) => self.push(field, v.clone()),
                (Some(Value::Many(list)), _) => {
                    for v in list {
                        self.push(field.clone(), v.clone());
                    }
                }
                (None, _) => {}
            }
        }
    }
}

/// The field name of a question, or of its copy in repeat item `n` (from 1).
/// Question ids never contain `-`, so `perp_name-2` and `dob-day` cannot
/// collide with another question.
pub(crate) fn field_name(question: &str, item: Option<usize>) -> String {
    match item {
        Some(n) => format!("{question}-{n}"),
        None => question.to_owned(),
    }
}

/// Why a form post could not be decoded; the kiosk answers 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("a form field is badly percent-encoded")]
    BadPercent,
    #[error("a form field is not valid UTF-8")]
    NotUtf8,
    #[error("a form field has no name")]
    EmptyName,
    #[error("a form field name is longer than {MAX_NAME} bytes")]
    NameTooLong,
    #[error("the form has more than {MAX_FIELDS} fields")]
    TooManyFields,
    #[error("form field \"{0}\" appears more than once")]
    Repeated(String),
}

/// Enough for the largest repeat page (50 items of a few date questions).
pub const MAX_FIELDS: usize = 2000;
pub const MAX_NAME: usize = 100;

/// Decodes an `application/x-www-form-urlencoded` body into pairs, in order,
/// repeats included. Never panics, whatever the bytes (it is fuzzed).
pub fn decode_post(body: &[u8]) -> Result<Vec<(String, String)>, DecodeError> {
    let mut pairs = Vec::new();
    for part in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        if pairs.len() == MAX_FIELDS {
            return Err(DecodeError::TooManyFields);
        }
        let (name, value) = match part.iter().position(|b| *b == b'=') {
            Some(at) => part.split_at(at),
            None => (part, &b"="[..]),
        };
        let name = decode_component(name)?;
        if name.is_empty() {
            return Err(DecodeError::EmptyName);
        }
        if name.len() > MAX_NAME {
            return Err(DecodeError::NameTooLong);
        }
        // `value` still starts with the `=` that split it from the name.
        let value = decode_component(value.get(1..).unwrap_or_default())?;
        pairs.push((name, value));
    }
    Ok(pairs)
}

fn decode_component(bytes: &[u8]) -> Result<String, DecodeError> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some((&b, tail)) = rest.split_first() {
        rest = tail;
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = |i: usize| rest.get(i).and_then(|c| (*c as char).to_digit(16));
                let (Some(hi), Some(lo)) = (hex(0), hex(1)) else {
                    return Err(DecodeError::BadPercent);
                };
                out.push((hi * 16 + lo) as u8);
                rest = rest.get(2..).unwrap_or_default();
            }
            _ => out.push(b),
        }
    }
    String::from_utf8(out).map_err(|_| DecodeError::NotUtf8)
}

/// The one value of `name`; an error if the post repeats it. For the fields
/// the kiosk reads itself, such as `csrf`.
pub fn single<'a>(
    pairs: &'a [(String, String)],
    name: &str,
) -> Result<Option<&'a str>, DecodeError> {
    let mut found = pairs.iter().filter(|(n, _)| n == name);
    let first = found.next().map(|(_, v)| v.as_str());
    if found.next().is_some() {
        return Err(DecodeError::Repeated(name.to_owned()));
    }
    Ok(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(body: &str) -> Vec<(String, String)> {
        decode_post(body.as_bytes()).expect("decodes")
    }

    #[test]
    fn decodes_plus_percent_and_bare_names() {
        let got = pairs("name=Testy+McTestface&note=a%26b%3D%C3%A9&flag&&empty=");
        let want = [
            ("name", "Testy McTestface"),
            ("note", "a&b=é"),
            ("flag", ""),
            ("empty", ""),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn malformed_encoding_is_refused() {
        for (body, err) in [
            ("a=%zz", DecodeError::BadPercent),
            ("a=%4", DecodeError::BadPercent),
            ("a=%", DecodeError::BadPercent),
            ("a=%ff%fe", DecodeError::NotUtf8),
            ("=x", DecodeError::EmptyName),
        ] {
            assert_eq!(decode_post(body.as_bytes()), Err(err), "{body}");
        }
        let long = format!("{}=1", "n".repeat(MAX_NAME + 1));
        assert_eq!(decode_post(long.as_bytes()), Err(DecodeError::NameTooLong));
        let many = "a=1&".repeat(MAX_FIELDS + 1);
        assert_eq!(
            decode_post(many.as_bytes()),
            Err(DecodeError::TooManyFields)
        );
    }

    #[test]
    fn single_rejects_a_repeated_name() {
        let p = pairs("csrf=a&x=1&csrf=b");
        assert_eq!(
            single(&p, "csrf"),
            Err(DecodeError::Repeated("csrf".into()))
        );
        assert_eq!(single(&p, "x"), Ok(Some("1")));
        assert_eq!(single(&p, "missing"), Ok(None));
    }

    #[test]
    fn decoder_never_panics_on_arbitrary_bytes() {
        // A cheap stand-in for the cargo-fuzz target: xorshift bytes biased
        // towards the characters the decoder treats specially.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let alphabet = b"%=&+aZ09\xff\xc3\xa9\x00";
        for len in 0..2000 {
            let body: Vec<u8> = (0..len % 64)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    let pick = (state % 20) as usize;
                    alphabet.get(pick).copied().unwrap_or((state >> 8) as u8)
                })
                .collect();
            let _ = decode_post(&body);
        }
    }

    #[test]
    fn answers_serialise_as_plain_maps() {
        let mut a = Answers::default();
        a.values.insert("name".into(), Value::One("Testy".into()));
        a.values
            .insert("concerns".into(), Value::Many(vec!["online".into()]));
        a.items.insert("perpetrators".into(), vec![Item::new()]);
        let json = serde_json::to_string(&a).expect("serialises");
        assert_eq!(
            json,
            r#"{"values":{"concerns":["online"],"name":"Testy"},"items":{"perpetrators":[{}]}}"#
        );
        assert_eq!(serde_json::from_str::<Answers>(&json).expect("parses"), a);
    }
}
