//! Resolves `when` conditions once every page is built, so a problem can
//! say whether the question is missing, comes too late, or cannot be used.

use std::ops::Range;

use toml::Spanned;

use super::names::did_you_mean;
use super::Checker;
use crate::forms::model::{Choice, Condition, Kind, Page};
use crate::forms::schema::ConditionDef;

pub(super) fn resolve(
    ck: &mut Checker<'_>,
    pages: &[Page],
    at: usize,
    owner: &str,
    def: Spanned<ConditionDef>,
) -> Option<Condition> {
    let span = def.span();
    let def = def.into_inner();
    let target = &def.question;
    let found = pages.iter().enumerate().find_map(|(pi, p)| {
        let q = p.questions.iter().find(|q| &q.id == target)?;
        Some((pi, p, q))
    });
    let problem =
        match (found, &def.equals, &def.includes) {
            (None, _, _) => {
                let all = pages
                    .iter()
                    .flat_map(|p| p.questions.iter().map(|q| q.id.as_str()));
                let hint = did_you_mean(target, all);
                format!("condition refers to unknown question \"{target}\"{hint}")
            }
            (Some((pi, _, _)), _, _) if pi >= at => format!(
                "condition refers to question \"{target}\", which is not on an earlier page \
             (without JavaScript only answers already given can decide what is asked)"
            ),
            (Some((_, p, _)), _, _) if p.repeat.is_some() => format!(
                "condition refers to question \"{target}\", which is asked once per item of a \
             repeat group; conditions can only use questions asked once"
            ),
            (Some((_, _, q)), Some(value), None) => match &q.kind {
                Kind::Radios(c) | Kind::Select(c) | Kind::YesNo(c) => {
                    return option_or_report(ck, &span, owner, target, c, value).then(|| {
                        Condition::Equals {
                            question: target.clone(),
                            value: value.clone(),
                        }
                    });
                }
                kind => format!(
                "condition \"equals\" needs a radios, select or yesno question, but \"{target}\" \
                 is {}{}",
                kind.type_name(),
                if matches!(kind, Kind::Checkboxes(_)) { " (use \"includes\")" } else { "" }
            ),
            },
            (Some((_, _, q)), None, Some(value)) => match &q.kind {
                Kind::Checkboxes(c) => {
                    return option_or_report(ck, &span, owner, target, c, value).then(|| {
                        Condition::Includes {
                            question: target.clone(),
                            value: value.clone(),
                        }
                    });
                }
                kind => format!(
                    "condition \"includes\" needs a checkboxes question, but \"{target}\" is {} \
                 (use \"equals\")",
                    kind.type_name()
                ),
            },
            _ => "condition needs exactly one of \"equals\" or \"includes\"".to_owned(),
        };
    ck.report(&span, format!("{owner}: {problem}"));
    None
}

fn option_or_report(
    ck: &mut Checker<'_>,
    span: &Range<usize>,
    owner: &str,
    target: &str,
    choices: &[Choice],
    value: &str,
) -> bool {
    if choices.iter().any(|c| c.value == value) {
        return true;
    }
    let values: Vec<&str> = choices.iter().map(|c| c.value.as_str()).collect();
    let message = format!(
        "{owner}: condition value \"{value}\" is not an option of \"{target}\"{} (options: {})",
        did_you_mean(value, values.iter().copied()),
        values.join(", ")
    );
    ck.report(span, message);
    false
}
