//! The `criteria` fenced block: a shared list from `content/_data/criteria.toml`
//! spliced into a page as a numbered list. Markdown emits this HTML itself,
//! like every other block it renders, so the layouts never see it and the
//! list reads the same wherever a page places it.

use maud::{html, Markup};

use super::{push_text, scan_acronyms, Rendered};
use crate::criteria::{Criteria, CriteriaList};

/// The HTML for the list `name` (empty, with a problem, when there is no such
/// list); its words go into the page's search text and acronym scan too.
pub(super) fn block(name: &str, criteria: &Criteria, line: usize, out: &mut Rendered) -> String {
    let Some(list) = criteria.list(name) else {
        let known: Vec<&str> = criteria.lists.keys().map(String::as_str).collect();
        let known = if known.is_empty() {
            "none".into()
        } else {
            known.join(", ")
        };
        out.problems.push((
            line,
            format!("unknown criteria list \"{name}\" (known lists: {known})"),
        ));
        return String::new();
    };
    if let Some(intro) = &list.intro {
        push_text(&mut out.text, intro);
    }
    for item in &list.items {
        scan_acronyms(&item.label, line, out);
        scan_acronyms(&item.text, line, out);
        for t in [&item.label, &item.text] {
            push_text(&mut out.text, t);
        }
        if let Some(n) = &item.note {
            push_text(&mut out.text, n);
        }
    }
    markup(list).into_string()
}

fn markup(list: &CriteriaList) -> Markup {
    html! {
        div.app-criteria {
            @if let Some(intro) = &list.intro { p.govuk-body { (intro) } }
            ol.govuk-list.govuk-list--number.app-criteria__list {
                @for item in &list.items {
                    li id={ "criterion-" (item.id) } {
                        strong { (item.label) } ". " (item.text)
                        @if let Some(n) = &item.note { br; span.govuk-hint.app-criteria__note { (n) } }
                    }
                }
            }
        }
    }
}
