//! Checks one question definition and builds its validated form. A question
//! that has problems is still returned (with an empty stand-in kind) so the
//! page keeps its shape and later checks can go on reporting.

use std::ops::Range;

use chrono::NaiveDate;

use super::choices::{choice, choices};
use super::names::{check_id, did_you_mean};
use super::{Checker, Sources};
use crate::forms::model::{
    DateRules, Guidance, Kind, LaRole, NumberRules, Pattern, Question, TextRules,
};
use crate::forms::schema::QuestionDef;
use crate::forms::RESERVED_NAMES;

const TYPES: [&str; 10] = [
    "text",
    "textarea",
    "email",
    "phone",
    "date",
    "number",
    "radios",
    "checkboxes",
    "select",
    "yesno",
];

/// The autocomplete tokens our forms need (all about the person filling in).
const AUTOCOMPLETE: [&str; 5] = ["name", "email", "tel", "organization", "organization-title"];

pub(super) fn build(ck: &mut Checker<'_>, q: QuestionDef, sources: &Sources<'_>) -> Question {
    let span = q.id.span();
    let id = q.id.get_ref().clone();
    let owner = format!("question \"{id}\"");
    check_id(ck, &owner, &id, &span, '_');
    if RESERVED_NAMES.contains(&id.as_str()) {
        ck.report(
            &span,
            format!("{owner}: \"{id}\" is reserved for the kiosk's own fields"),
        );
    }
    let type_name = q.kind.get_ref().as_str();
    if TYPES.contains(&type_name) {
        check_applicable(ck, &owner, &span, &q, type_name);
    } else {
        let hint = did_you_mean(type_name, TYPES.iter().copied());
        ck.report(
            &q.kind.span(),
            format!("{owner}: unknown type \"{type_name}\"{hint}"),
        );
    }
    let kind = build_kind(ck, &owner, &q, sources);
    let name = match q.name {
        Some(name) => name,
        None if q.label.trim_end().ends_with('?') => {
            let message = format!(
                "{owner}: the label is a question, so give a name for error messages \
                 (for example name = \"the person's date of birth\")"
            );
            ck.report(&span, message);
            String::new()
        }
        None => lower_first(&q.label),
    };
    if let Some(token) = q
        .autocomplete
        .as_deref()
        .filter(|t| !AUTOCOMPLETE.contains(t))
    {
        let message = format!(
            "{owner}: unknown autocomplete \"{token}\" (known: {})",
            AUTOCOMPLETE.join(", ")
        );
        ck.report(&span, message);
    }
    for g in &q.guidance {
        let safe = (g.href.starts_with('/') && !g.href.starts_with("//"))
            || g.href.starts_with("https://");
        if !safe {
            let message = format!(
                "{owner}: guidance href \"{}\" must be a site path starting with \"/\" or an \
                 https:// address",
                g.href
            );
            ck.report(&span, message);
        }
    }
    let local_authority = match q
        .local_authority
        .as_ref()
        .map(|r| (r.get_ref().as_str(), r.span()))
    {
        None => None,
        Some(("presenting", _)) => Some(LaRole::Presenting),
        Some(("owning", _)) => Some(LaRole::Owning),
        Some((other, span)) => {
            ck.report(
                &span,
                format!("{owner}: unknown local_authority \"{other}\" (use \"presenting\" or \"owning\")"),
            );
            None
        }
    };
    Question {
        local_authority,
        id,
        label: q.label,
        name,
        hint: q.hint,
        autocomplete: q.autocomplete,
        required: q.required,
        kind,
        when: None,
        guidance: q
            .guidance
            .into_iter()
            .map(|g| Guidance {
                label: g.label,
                href: g.href,
            })
            .collect(),
    }
}

/// "Date of birth" → "date of birth" (only when the second letter is lower
/// case, so "NRM status" keeps its capitals).
fn lower_first(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if b.is_lowercase() => {
            a.to_lowercase().chain([b]).chain(chars).collect()
        }
        _ => label.to_owned(),
    }
}

/// Reports settings that mean nothing for this type, such as `max_length` on
/// a date, instead of silently ignoring them.
fn check_applicable(
    ck: &mut Checker<'_>,
    owner: &str,
    span: &Range<usize>,
    q: &QuestionDef,
    type_name: &str,
) {
    let text = ["text", "textarea", "email", "phone"];
    let choice = ["radios", "checkboxes", "select"];
    let rules: [(&str, bool, &[&str]); 14] = [
        (
            "autocomplete",
            q.autocomplete.is_some(),
            &["text", "email", "phone"],
        ),
        ("min_length", q.min_length.is_some(), &text),
        ("max_length", q.max_length.is_some(), &text),
        ("pattern", q.pattern.is_some(), &["text"]),
        ("example", q.example.is_some(), &["text"]),
        ("not_future", q.not_future.is_some(), &["date"]),
        ("not_before", q.not_before.is_some(), &["date"]),
        ("min_age", q.min_age.is_some(), &["date"]),
        ("max_age", q.max_age.is_some(), &["date"]),
        ("age_reason", q.age_reason.is_some(), &["date"]),
        ("min", q.min.is_some(), &["number"]),
        ("max", q.max.is_some(), &["number"]),
        ("options", q.options.is_some(), &choice),
        ("options_from", q.options_from.is_some(), &choice),
    ];
    for (key, present, types) in rules {
        if present && !types.contains(&type_name) {
            let message = format!("{owner}: \"{key}\" does not apply to {type_name} questions");
            ck.report(span, message);
        }
    }
}

fn build_kind(ck: &mut Checker<'_>, owner: &str, q: &QuestionDef, sources: &Sources<'_>) -> Kind {
    let span = q.id.span();
    match q.kind.get_ref().as_str() {
        "text" => Kind::Text(text_rules(ck, owner, q, 200)),
        "textarea" => Kind::Textarea(text_rules(ck, owner, q, 5000)),
        "email" => Kind::Email(text_rules(ck, owner, q, 254)),
        "phone" => Kind::Phone(text_rules(ck, owner, q, 30)),
        "date" => {
            let not_before = q.not_before.as_ref().and_then(|s| {
                let date = NaiveDate::parse_from_str(s.get_ref(), "%Y-%m-%d").ok();
                if date.is_none() {
                    let message = format!(
                        "{owner}: not_before \"{}\" is not a date like \"1900-01-01\"",
                        s.get_ref()
                    );
                    ck.report(&s.span(), message);
                }
                date
            });
            let not_future = q.not_future.unwrap_or(false);
            check_ages(ck, owner, &span, q);
            Kind::Date(DateRules {
                not_future,
                not_before,
                min_age: q.min_age,
                max_age: q.max_age,
                age_reason: q.age_reason.clone(),
            })
        }
        "number" => {
            if let (Some(min), Some(max)) = (q.min, q.max) {
                if min > max {
                    ck.report(&span, format!("{owner}: min {min} is more than max {max}"));
                }
            }
            Kind::Number(NumberRules {
                min: q.min,
                max: q.max,
            })
        }
        "radios" => Kind::Radios(choices(ck, owner, q, sources)),
        "checkboxes" => Kind::Checkboxes(choices(ck, owner, q, sources)),
        "select" => Kind::Select(choices(ck, owner, q, sources)),
        "yesno" => Kind::YesNo(vec![choice("yes", "Yes"), choice("no", "No")]),
        _ => Kind::Text(TextRules {
            min_length: None,
            max_length: 0,
            pattern: None,
            example: None,
        }),
    }
}

/// Age limits must make sense together and come with the sentence that
/// tells a user why their date was refused.
fn check_ages(ck: &mut Checker<'_>, owner: &str, span: &Range<usize>, q: &QuestionDef) {
    let has_ages = q.min_age.is_some() || q.max_age.is_some();
    let problem = match (q.min_age, q.max_age) {
        (Some(lo), Some(hi)) if lo > hi => Some(format!("min_age {lo} is more than max_age {hi}")),
        (_, Some(age)) | (Some(age), _) if age > 130 => {
            Some(format!("age {age} is more than anyone lives"))
        }
        _ if has_ages && q.not_future != Some(true) => {
            Some("a date with age limits is a date of birth: add not_future = true".to_owned())
        }
        _ if has_ages && q.age_reason.as_deref().is_none_or(|r| r.trim().is_empty()) => Some(
            "give age_reason, the sentence telling users why the age limit applies \
             (for example \"This form is for children. For an adult, use the adult form.\")"
                .to_owned(),
        ),
        _ if !has_ages && q.age_reason.is_some() => {
            Some("age_reason needs min_age or max_age".to_owned())
        }
        _ => None,
    };
    if let Some(problem) = problem {
        ck.report(span, format!("{owner}: {problem}"));
    }
}

fn text_rules(ck: &mut Checker<'_>, owner: &str, q: &QuestionDef, default_max: usize) -> TextRules {
    let span = q.id.span();
    let max_length = q.max_length.unwrap_or(default_max);
    if max_length == 0 {
        ck.report(&span, format!("{owner}: max_length must be at least 1"));
    }
    if let Some(min) = q.min_length.filter(|min| *min > max_length) {
        ck.report(
            &span,
            format!("{owner}: min_length {min} is more than max_length {max_length}"),
        );
    }
    let pattern = q.pattern.as_ref().and_then(|p| {
        let parsed = Pattern::parse(p.get_ref());
        if parsed.is_none() {
            let message = format!(
                "{owner}: unknown pattern \"{}\"{} (known: {})",
                p.get_ref(),
                did_you_mean(p.get_ref(), Pattern::NAMES.iter().copied()),
                Pattern::NAMES.join(", ")
            );
            ck.report(&p.span(), message);
        }
        parsed
    });
    let example = q.example.as_ref().map(|e| e.get_ref().clone());
    match (&q.example, pattern) {
        (Some(e), None) => ck.report(
            &e.span(),
            format!("{owner}: \"example\" is quoted in a pattern's message, so it needs a pattern"),
        ),
        (Some(e), Some(p)) if !p.matches(e.get_ref()) => ck.report(
            &e.span(),
            format!(
                "{owner}: example \"{}\" does not fit its own pattern",
                e.get_ref()
            ),
        ),
        _ => {}
    }
    TextRules {
        min_length: q.min_length,
        max_length,
        pattern,
        example,
    }
}
