//! Checks one question's input and writes the message a person sees,
//! following the GOV.UK Design System's wording ("Enter …", "Select …",
//! "… must be a real date").

use chrono::NaiveDate;

use crate::forms::answers::{FieldValues, Value};
use crate::forms::model::{capitalise, Choice, DateRules, Kind, NumberRules, Question, TextRules};

pub(super) enum Fault {
    /// A mistake to show beside the field (with the date parts to highlight).
    User(String, Vec<&'static str>),
    /// Input no page of ours could send.
    Tampered(String),
}

fn user(message: String) -> Fault {
    Fault::User(message, Vec::new())
}

pub(super) fn check(
    q: &Question,
    values: &FieldValues,
    field: &str,
    today: NaiveDate,
) -> Result<Value, Fault> {
    let raw = values.get(field).unwrap_or_default();
    match &q.kind {
        Kind::Text(r) | Kind::Email(r) | Kind::Phone(r) => text(q, r, raw, false),
        Kind::Textarea(r) => text(q, r, raw, true),
        Kind::Date(r) => date(q, r, values, field, today),
        Kind::Number(r) => number(q, r, raw),
        Kind::Radios(c) | Kind::Select(c) | Kind::YesNo(c) => one_of(q, c, raw, field),
        Kind::Checkboxes(c) => many_of(q, c, values.all(field), field),
    }
}

fn blank(q: &Question, verb: &str, empty: Value) -> Result<Value, Fault> {
    if q.required {
        Err(user(format!("{verb} {}", q.name)))
    } else {
        Ok(empty)
    }
}

fn text(q: &Question, r: &TextRules, raw: &str, multiline: bool) -> Result<Value, Fault> {
    let clean = clean_text(raw, multiline);
    if clean.is_empty() {
        return blank(q, "Enter", Value::One(String::new()));
    }
    let len = clean.chars().count();
    if len > r.max_length {
        return Err(user(format!(
            "Enter no more than {} characters",
            r.max_length
        )));
    }
    if let Some(min) = r.min_length.filter(|min| len < *min) {
        return Err(user(format!("Enter at least {min} characters")));
    }
    let problem = match (&q.kind, r.pattern) {
        (Kind::Email(_), _) if !is_email(&clean) => {
            Some("Enter an email address in the correct format, like name@example.com".to_owned())
        }
        (Kind::Phone(_), _) if !is_phone(&clean) => {
            Some("Enter a telephone number, like 01632 960 001 or 07700 900 982".to_owned())
        }
        (_, Some(p)) if !p.matches(&clean) => Some(p.message(&q.name, r.example.as_deref())),
        _ => None,
    };
    match problem {
        Some(message) => Err(user(message)),
        None => Ok(Value::One(clean)),
    }
}

/// Normalises line endings, drops control characters (a pasted NUL helps
/// nobody) and trims; single-line answers have no line breaks at all.
pub(crate) fn clean_text(raw: &str, multiline: bool) -> String {
    let unified = raw.replace("\r\n", "\n").replace('\r', "\n");
    let kept: String = unified
        .chars()
        .filter_map(|c| match c {
            '\n' if multiline => Some('\n'),
            '\n' | '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    kept.trim().to_owned()
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !s.contains(char::is_whitespace)
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
}

/// Digits with the usual separators; 10 to 15 digits covers UK numbers with
/// or without +44 and international ones.
fn is_phone(s: &str) -> bool {
    let allowed = s
        .char_indices()
        .all(|(i, c)| c.is_ascii_digit() || " ()-".contains(c) || (c == '+' && i == 0));
    let digits = s.chars().filter(char::is_ascii_digit).count();
    allowed && (10..=15).contains(&digits)
}

fn number(q: &Question, r: &NumberRules, raw: &str) -> Result<Value, Fault> {
    let compact: String = raw.chars().filter(|c| !matches!(c, ' ' | ',')).collect();
    if compact.is_empty() {
        return blank(q, "Enter", Value::One(String::new()));
    }
    let Ok(n) = compact.parse::<i64>() else {
        return Err(user(format!(
            "{} must be a whole number",
            capitalise(&q.name)
        )));
    };
    match (r.min, r.max) {
        (Some(min), _) if n < min => Err(user(format!(
            "{} must be {min} or more",
            capitalise(&q.name)
        ))),
        (_, Some(max)) if n > max => Err(user(format!(
            "{} must be {max} or less",
            capitalise(&q.name)
        ))),
        _ => Ok(Value::One(n.to_string())),
    }
}

fn date(
    q: &Question,
    r: &DateRules,
    values: &FieldValues,
    field: &str,
    today: NaiveDate,
) -> Result<Value, Fault> {
    let name = capitalise(&q.name);
    let parts = ["day", "month", "year"].map(|part| {
        let value = values.get(&format!("{field}-{part}")).unwrap_or_default();
        (part, value.trim())
    });
    let missing: Vec<&'static str> = parts
        .iter()
        .filter(|(_, v)| v.is_empty())
        .map(|(p, _)| *p)
        .collect();
    if missing.len() == 3 {
        return blank(q, "Enter", Value::One(String::new()));
    }
    if !missing.is_empty() {
        let message = format!("{name} must include a {}", missing.join(" and "));
        return Err(Fault::User(message, missing));
    }
    let [(_, day), (_, month), (_, year)] = parts;
    let digits = |s: &str| s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    let real_date = || user(format!("{name} must be a real date"));
    if !(digits(day) && digits(month) && digits(year)) {
        return Err(real_date());
    }
    if year.len() != 4 {
        return Err(Fault::User(
            "Year must include 4 numbers".to_owned(),
            vec!["year"],
        ));
    }
    let (Ok(d), Ok(m), Ok(y)) = (
        day.parse::<u32>(),
        month.parse::<u32>(),
        year.parse::<i32>(),
    ) else {
        return Err(real_date());
    };
    let Some(date) = NaiveDate::from_ymd_opt(y, m, d) else {
        return Err(real_date());
    };
    if r.not_future && date > today {
        return Err(user(format!("{name} must be today or in the past")));
    }
    if let Some(earliest) = r.not_before.filter(|earliest| date < *earliest) {
        let earliest = earliest.format("%-d %B %Y");
        return Err(user(format!("{name} must be on or after {earliest}")));
    }
    if let Some(problem) = age_problem(r, date, today) {
        return Err(user(format!("{name} {problem}")));
    }
    Ok(Value::One(date.format("%Y-%m-%d").to_string()))
}

/// "must be for someone under 18. This form is for children ...": the limit
/// and the author's reason, so the user knows which form to use instead.
fn age_problem(r: &DateRules, born: NaiveDate, today: NaiveDate) -> Option<String> {
    let age = DateRules::age_on(born, today);
    let limit = match (r.min_age, r.max_age) {
        (Some(lo), _) if age < i64::from(lo) => format!("must be for someone aged {lo} or over"),
        (_, Some(hi)) if age > i64::from(hi) => {
            format!("must be for someone under {}", u64::from(hi) + 1)
        }
        _ => return None,
    };
    Some(match r.age_reason.as_deref().map(str::trim) {
        Some(reason) if !reason.is_empty() => format!("{limit}. {reason}"),
        _ => limit,
    })
}

fn one_of(q: &Question, choices: &[Choice], raw: &str, field: &str) -> Result<Value, Fault> {
    let v = raw.trim();
    if v.is_empty() {
        return blank(q, "Select", Value::One(String::new()));
    }
    if !choices.iter().any(|c| c.value == v) {
        return Err(Fault::Tampered(format!(
            "\"{field}\" is not one of its options"
        )));
    }
    Ok(Value::One(v.to_owned()))
}

fn many_of(q: &Question, choices: &[Choice], raw: &[String], field: &str) -> Result<Value, Fault> {
    let ticked: Vec<&str> = raw
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    if let Some(v) = ticked
        .iter()
        .find(|v| !choices.iter().any(|c| c.value == **v))
    {
        return Err(Fault::Tampered(format!(
            "\"{field}\" has an unknown option \"{v}\""
        )));
    }
    // Stored in the options' order, each once, whatever order was posted.
    let values: Vec<String> = choices
        .iter()
        .filter(|c| ticked.contains(&c.value.as_str()))
        .map(|c| c.value.clone())
        .collect();
    if values.is_empty() {
        return blank(q, "Select", Value::Many(Vec::new()));
    }
    Ok(Value::Many(values))
}
