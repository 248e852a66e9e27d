//! Checks one page definition and builds its validated form: its id, intro, repeat group and
//! questions. Conditions are only collected here (`Pending`); they are resolved once every
//! page exists.

use std::ops::Range;

use toml::Spanned;

use super::names::check_id;
use super::{question, text, Checker, Sources};
use crate::forms::model::{Page, Repeat};
use crate::forms::schema::{ConditionDef, PageDef, RepeatDef};

/// Conditions waiting to be resolved: page index, question index (`None` for
/// the page's own condition), and the definition.
pub(super) type Pending = Vec<(usize, Option<usize>, Spanned<ConditionDef>)>;

/// Builds a page; returns it with its id span and its questions' id spans.
pub(super) fn build_page(
    ck: &mut Checker<'_>,
    def: PageDef,
    sources: &Sources<'_>,
    (at, pending): (usize, &mut Pending),
) -> (Page, Range<usize>, Vec<Range<usize>>) {
    let span = def.id.span();
    let id = def.id.into_inner();
    let owner = format!("page \"{id}\"");
    check_id(ck, &owner, &id, &span, '-');
    if def.questions.is_empty() {
        ck.report(&span, format!("{owner}: has no questions"));
    }
    if let Some(when) = def.when {
        pending.push((at, None, when));
    }
    let intro = def.intro.map(|t| text::prose(ck, &owner, "intro", t));
    let repeat = def.repeat.and_then(|r| build_repeat(ck, &owner, r));
    let mut spans = Vec::new();
    let mut questions = Vec::new();
    for (qi, mut q) in def.questions.into_iter().enumerate() {
        if let Some(when) = q.when.take() {
            pending.push((at, Some(qi), when));
        }
        spans.push(q.id.span());
        questions.push(question::build(ck, q, sources));
    }
    let page = Page {
        id,
        title: def.title,
        intro,
        when: None,
        repeat,
        questions,
    };
    (page, span, spans)
}

fn build_repeat(ck: &mut Checker<'_>, owner: &str, def: Spanned<RepeatDef>) -> Option<Repeat> {
    let span = def.span();
    let def = def.into_inner();
    let problem = if def.max == 0 {
        Some("repeat max must be at least 1".to_owned())
    } else if def.max > MAX_REPEAT {
        Some(format!("repeat max {} is more than {MAX_REPEAT}", def.max))
    } else if def.min > def.max {
        Some(format!(
            "repeat min {} is more than max {}",
            def.min, def.max
        ))
    } else if def.item_label.trim().is_empty() {
        Some("repeat item_label is empty".to_owned())
    } else {
        None
    };
    if let Some(problem) = problem {
        ck.report(&span, format!("{owner}: {problem}"));
        return None;
    }
    let item_plural = def
        .item_plural
        .unwrap_or_else(|| format!("{}s", def.item_label.to_lowercase()));
    Some(Repeat {
        min: def.min,
        max: def.max,
        item_label: def.item_label,
        item_plural,
    })
}

/// The most items a repeat group may allow; keeps posts and drafts small.
const MAX_REPEAT: usize = 50;
