//! Reading what was sent for a move: the reason every move asks for and the answers to the
//! move's own fields, each checked against its kind, with every problem found at once.

use chrono::NaiveDate;

use super::{Refusal, MAX_REASON};
use crate::config::{FieldKind, MoveConfig, MoveField};

/// The longest answer a line or paragraph field accepts, in characters.
const MAX_ANSWER: usize = 5000;

/// What is wrong with one field of what was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Left empty (the reason always, a field when `required`); a box not ticked.
    Missing,
    TooLong,
    /// Not a real date.
    NotADate,
    /// A date after the deadline of the state the case is leaving.
    AfterDeadline(NaiveDate),
}

/// A move's answers, checked and trimmed.
#[derive(Debug)]
pub struct Answered {
    pub reason: String,
    /// Each answered field's label and its answer, in the move's order.
    pub answers: Vec<(String, String)>,
}

/// The field names a date field posts (GOV.UK's date input: day, month and year boxes).
pub fn date_parts(id: &str) -> [String; 3] {
    [
        format!("{id}-day"),
        format!("{id}-month"),
        format!("{id}-year"),
    ]
}

/// Reads and checks what was sent for `m`; `deadline` is that of the state being left.
pub fn read(
    m: &MoveConfig,
    posted: &dyn Fn(&str) -> Option<String>,
    deadline: Option<NaiveDate>,
) -> Result<Answered, Refusal> {
    let mut problems = Vec::new();
    let mut answers = Vec::new();
    for f in &m.fields {
        match field(f, posted, deadline) {
            Ok(Some(value)) => answers.push((f.label.clone(), value)),
            Ok(None) => {}
            Err(p) => problems.push((f.id.clone(), p)),
        }
    }
    let reason = posted("reason").unwrap_or_default().trim().to_string();
    if reason.is_empty() {
        problems.push(("reason".into(), Problem::Missing));
    } else if reason.chars().count() > MAX_REASON {
        problems.push(("reason".into(), Problem::TooLong));
    }
    if problems.is_empty() {
        Ok(Answered { reason, answers })
    } else {
        Err(Refusal::Incomplete(problems))
    }
}

/// One field's answer: `None` when an optional field was left empty.
fn field(
    f: &MoveField,
    posted: &dyn Fn(&str) -> Option<String>,
    deadline: Option<NaiveDate>,
) -> Result<Option<String>, Problem> {
    let value = match f.kind {
        FieldKind::Line | FieldKind::Text => {
            let v = posted(&f.id).unwrap_or_default().trim().to_string();
            if v.chars().count() > MAX_ANSWER {
                return Err(Problem::TooLong);
            }
            v
        }
        FieldKind::Confirm => match posted(&f.id).as_deref() {
            Some("yes") => "Yes".to_string(),
            _ => String::new(),
        },
        FieldKind::Date => {
            let [d, m, y] = date_parts(&f.id).map(|n| posted(&n).unwrap_or_default());
            if [&d, &m, &y].iter().all(|s| s.trim().is_empty()) {
                String::new()
            } else {
                let date = parse_date(&d, &m, &y).ok_or(Problem::NotADate)?;
                if let Some(limit) = deadline.filter(|l| f.by_deadline && date > *l) {
                    return Err(Problem::AfterDeadline(limit));
                }
                date.format("%-d %B %Y").to_string()
            }
        }
    };
    match (value.is_empty(), f.required) {
        (true, true) => Err(Problem::Missing),
        (true, false) => Ok(None),
        (false, _) => Ok(Some(value)),
    }
}

fn parse_date(d: &str, m: &str, y: &str) -> Option<NaiveDate> {
    let n = |s: &str| s.trim().parse::<u32>().ok();
    let year = i32::try_from(n(y)?)
        .ok()
        .filter(|y| (1900..=2200).contains(y))?;
    NaiveDate::from_ymd_opt(year, n(m)?, n(d)?)
}
