//! The glossary: terms written once in `content/_data/glossary.toml`,
//! published as one page, and used to insist that every acronym a reader
//! meets anywhere on the site is explained.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

pub const GLOSSARY_FILE: &str = "content/_data/glossary.toml";
pub const GLOSSARY_URL: &str = "/glossary/";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Glossary {
    #[serde(default)]
    pub terms: Vec<Term>,
    #[serde(default)]
    pub acronyms: AcronymRules,
    /// False when the site has no glossary file: then acronyms are not checked.
    #[serde(skip)]
    pub present: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub term: String,
    #[serde(default)]
    pub expansion: Option<String>,
    pub definition: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcronymRules {
    /// Upper-case words that are not acronyms (e.g. a protective marking).
    #[serde(default)]
    pub ignore: Vec<String>,
}

impl Glossary {
    pub fn load(root: &Path) -> Result<Self> {
        let path = root.join(GLOSSARY_FILE);
        if !path.exists() {
            return Ok(Self::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        Self::parse(&text).map_err(|e| anyhow::anyhow!("{}:{e}", path.display()))
    }

    /// Parses the file; errors read `line: message`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut g: Glossary = toml::from_str(text).map_err(|e| {
            format!(
                "{}: {}",
                crate::config::span_line(text, e.span()),
                e.message()
            )
        })?;
        g.present = true;
        let mut seen = BTreeSet::new();
        for t in &g.terms {
            if !seen.insert(t.term.to_lowercase()) {
                return Err(format!(
                    "{}: duplicate glossary term \"{}\"",
                    line_of(text, &t.term),
                    t.term
                ));
            }
        }
        g.terms.sort_by_key(|t| t.term.to_lowercase());
        Ok(g)
    }

    /// The acronyms a page may use without further explanation.
    pub fn known_acronyms(&self) -> BTreeSet<&str> {
        self.terms
            .iter()
            .map(|t| t.term.as_str())
            .chain(self.acronyms.ignore.iter().map(String::as_str))
            .collect()
    }

    /// Terms grouped by their first letter, for the A–Z page.
    pub fn by_letter(&self) -> Vec<(char, Vec<&Term>)> {
        let mut groups: Vec<(char, Vec<&Term>)> = Vec::new();
        for t in &self.terms {
            let letter = t
                .term
                .chars()
                .next()
                .map(|c| c.to_ascii_uppercase())
                .unwrap_or('#');
            match groups.last_mut() {
                Some((l, v)) if *l == letter => v.push(t),
                _ => groups.push((letter, vec![t])),
            }
        }
        groups
    }
}

/// The anchor of a term on the glossary page.
pub fn anchor(term: &str) -> String {
    crate::content::slug(term)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.find(&format!("\"{needle}\""))
        .map(|i| text[..i].matches('\n').count() + 1)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sorts_and_groups_terms() {
        let g = Glossary::parse("[[terms]]\nterm = \"PREM\"\ndefinition = \"d\"\n[[terms]]\nterm = \"County Lines\"\ndefinition = \"d\"\n[acronyms]\nignore = [\"OFFICIAL\"]\n").expect("parses");
        assert_eq!(g.terms[0].term, "County Lines");
        assert!(g.known_acronyms().contains("OFFICIAL"));
        assert_eq!(
            g.by_letter().iter().map(|(l, _)| *l).collect::<Vec<_>>(),
            vec!['C', 'P']
        );
        assert_eq!(anchor("County Lines"), "county-lines");
    }

    #[test]
    fn duplicate_term_is_reported_with_its_line() {
        let err = Glossary::parse("[[terms]]\nterm = \"LA\"\ndefinition = \"d\"\n\n[[terms]]\nterm = \"la\"\ndefinition = \"e\"\n").expect_err("dup");
        assert!(
            err.starts_with("6: duplicate glossary term \"la\""),
            "{err}"
        );
    }
}
