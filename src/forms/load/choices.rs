//! The options of a choice question: written out in the definition, or taken from a shared
//! list (`options_from`), the criteria file's or the partnership's local authorities.

use super::names::did_you_mean;
use super::{Checker, Sources};
use crate::forms::model::{capitalise, Choice};
use crate::forms::schema::{OptionDef, QuestionDef};

pub(super) fn choices(
    ck: &mut Checker<'_>,
    owner: &str,
    q: &QuestionDef,
    sources: &Sources<'_>,
) -> Vec<Choice> {
    let span = q.id.span();
    let list = match (&q.options, &q.options_from) {
        (Some(_), Some(_)) => {
            ck.report(
                &span,
                format!("{owner}: give options or options_from, not both"),
            );
            return Vec::new();
        }
        (None, None) => {
            let message = format!(
                "{owner}: {} questions need options or options_from",
                q.kind.get_ref()
            );
            ck.report(&span, message);
            return Vec::new();
        }
        (Some(options), None) => options.iter().map(from_def).collect(),
        (None, Some(from)) => match from_source(from.get_ref(), sources) {
            Ok(list) => list,
            Err(problem) => {
                ck.report(&from.span(), format!("{owner}: {problem}"));
                return Vec::new();
            }
        },
    };
    if list.is_empty() {
        ck.report(&span, format!("{owner}: has no options"));
    }
    for (i, c) in list.iter().enumerate() {
        if c.value.trim().is_empty() || c.label.trim().is_empty() {
            ck.report(
                &span,
                format!("{owner}: option {} has an empty value or label", i + 1),
            );
        } else if list[..i].iter().any(|earlier| earlier.value == c.value) {
            ck.report(
                &span,
                format!("{owner}: duplicate option value \"{}\"", c.value),
            );
        }
    }
    list
}

fn from_def(o: &OptionDef) -> Choice {
    Choice {
        value: o.value.clone(),
        label: o.label.clone(),
        hint: o.hint.clone(),
    }
}

/// Resolves `options_from`: the guidance pages and the forms read the same
/// criteria, so what a referrer ticks is what the guidance says.
fn from_source(from: &str, sources: &Sources<'_>) -> Result<Vec<Choice>, String> {
    if let Some(name) = from.strip_prefix("criteria:") {
        let Some(list) = sources.criteria.list(name) else {
            let known: Vec<&str> = sources.criteria.lists.keys().map(String::as_str).collect();
            return Err(format!(
                "options_from names unknown criteria list \"{name}\"{} (known: {})",
                did_you_mean(name, known.iter().copied()),
                known.join(", ")
            ));
        };
        return Ok(list
            .items
            .iter()
            .map(|item| Choice {
                value: item.id.clone(),
                label: item.label.clone(),
                hint: Some(match &item.note {
                    Some(note) => format!("{} {}", item.text, capitalise(note)),
                    None => item.text.clone(),
                }),
            })
            .collect());
    }
    match from {
        "config:local_authorities" if sources.local_authorities.is_empty() => Err(
            "options_from \"config:local_authorities\", but no local authorities are configured"
                .to_owned(),
        ),
        "config:local_authorities" => Ok(sources
            .local_authorities
            .iter()
            .map(|la| choice(la, la))
            .collect()),
        other => Err(format!(
            "options_from \"{other}\" must be \"criteria:<list>\" or \"config:local_authorities\""
        )),
    }
}

/// A plain option with no hint, as the built-in yes/no questions use.
pub(super) fn choice(value: &str, label: &str) -> Choice {
    Choice {
        value: value.to_owned(),
        label: label.to_owned(),
        hint: None,
    }
}
