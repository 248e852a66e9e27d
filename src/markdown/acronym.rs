//! Finds upper-case acronyms in prose, so the build can insist that every one
//! a reader meets is explained in the glossary, and links the first use of
//! each on a page to its glossary entry.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event};

/// Acronym to the address of its glossary entry.
pub type GlossaryLinks = HashMap<String, String>;

/// Words of two or more capital letters (optionally a plural `s`), standing
/// alone between non-alphanumeric characters. Returns the acronym without `s`.
pub fn find_acronyms(text: &str) -> Vec<&str> {
    spans(text).into_iter().map(|(_, _, core)| core).collect()
}

/// Each acronym as (start, end, core): `end` includes a plural `s`.
fn spans(text: &str) -> Vec<(usize, usize, &str)> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let boundary_ok = i >= bytes.len() || !is_word_byte(bytes[i]);
        let starts_ok = start == 0 || !is_word_byte(bytes[start - 1]);
        let word = &text[start..i];
        let core = word.strip_suffix('s').unwrap_or(word);
        if boundary_ok
            && starts_ok
            && core.len() >= 2
            && core.bytes().all(|b| b.is_ascii_uppercase())
        {
            found.push((start, i, core));
        }
    }
    found
}

/// Splits a text event so that the first use on the page of each acronym in
/// `links` becomes a link to its glossary entry; `None` when nothing changes.
pub fn link_first_uses<'a>(
    text: &str,
    links: &GlossaryLinks,
    linked: &mut HashSet<String>,
) -> Option<Vec<Event<'a>>> {
    let mut events = Vec::new();
    let mut pos = 0;
    for (start, end, core) in spans(text) {
        let Some(href) = links.get(core) else {
            continue;
        };
        if !linked.insert(core.to_string()) {
            continue;
        }
        if start > pos {
            events.push(Event::Text(CowStr::from(text[pos..start].to_string())));
        }
        events.push(Event::Html(
            format!(
                "<a class=\"app-acronym\" href=\"{}\">{}</a>",
                super::escape(href),
                super::escape(&text[start..end])
            )
            .into(),
        ));
        pos = end;
    }
    if events.is_empty() {
        return None;
    }
    if pos < text.len() {
        events.push(Event::Text(CowStr::from(text[pos..].to_string())));
    }
    Some(events)
}

/// Non-ASCII letters glue to a word, so "ÉTÉ" is not read as "T".
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_only_the_first_use_of_each_known_acronym() {
        let links: GlossaryLinks = [("LA".to_string(), "/glossary/#la".to_string())].into();
        let mut linked = HashSet::new();
        let events =
            link_first_uses("Each LAs and LA, not NRM", &links, &mut linked).expect("one link");
        let html: String = events
            .iter()
            .map(|e| match e {
                Event::Text(t) | Event::Html(t) => t.to_string(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(
            html,
            "Each <a class=\"app-acronym\" href=\"/glossary/#la\">LAs</a> and LA, not NRM"
        );
        assert!(link_first_uses("LA again", &links, &mut linked).is_none());
    }

    #[test]
    fn finds_acronyms_and_plurals_but_not_ordinary_words() {
        assert_eq!(
            find_acronyms("The LAs and PREM, (NRM) then I A4 Ok"),
            vec!["LA", "PREM", "NRM"]
        );
        assert_eq!(
            find_acronyms("OFFICIAL-SENSITIVE"),
            vec!["OFFICIAL", "SENSITIVE"]
        );
        assert!(find_acronyms("County Lines cuckooing").is_empty());
    }
}
