//! Shared criteria lists (eligibility, risk grades, ...) written once in
//! `content/_data/criteria.toml` and used by both the guidance pages and the
//! referral forms, so the two can never disagree.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

/// Where the criteria file lives, relative to the site root.
pub const CRITERIA_FILE: &str = "content/_data/criteria.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criteria {
    #[serde(default)]
    pub lists: BTreeMap<String, CriteriaList>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriteriaList {
    pub title: String,
    #[serde(default)]
    pub intro: Option<String>,
    #[serde(default)]
    pub items: Vec<Criterion>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub id: String,
    pub label: String,
    pub text: String,
    #[serde(default)]
    pub note: Option<String>,
}

impl Criteria {
    /// Loads the criteria file under `root`; a site without one has no lists.
    pub fn load(root: &Path) -> Result<Self> {
        let path = root.join(CRITERIA_FILE);
        if !path.exists() {
            return Ok(Self::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        Self::parse(&text).with_context(|| format!("{}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Self> {
        let criteria: Criteria = toml::from_str(text).map_err(|e| {
            let line = crate::config::span_line(text, e.span());
            anyhow::anyhow!("{line}: {}", e.message())
        })?;
        for (name, list) in &criteria.lists {
            let mut seen = std::collections::BTreeSet::new();
            for item in &list.items {
                if !seen.insert(item.id.as_str()) {
                    anyhow::bail!("list \"{name}\": duplicate item id \"{}\"", item.id);
                }
            }
        }
        Ok(criteria)
    }

    pub fn list(&self, name: &str) -> Option<&CriteriaList> {
        self.lists.get(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lists_and_rejects_duplicate_ids() {
        let ok = "[lists.a]\ntitle = \"A\"\n[[lists.a.items]]\nid = \"x\"\nlabel = \"X\"\ntext = \"t\"\n";
        let c = Criteria::parse(ok).expect("parses");
        assert_eq!(c.list("a").map(|l| l.items.len()), Some(1));
        let dup = format!("{ok}[[lists.a.items]]\nid = \"x\"\nlabel = \"Y\"\ntext = \"u\"\n");
        let err = Criteria::parse(&dup).expect_err("duplicate");
        assert!(err.to_string().contains("duplicate item id \"x\""), "{err}");
    }

    #[test]
    fn unknown_key_reports_line() {
        let bad = "[lists.a]\ntitle = \"A\"\ncolour = \"red\"\n";
        let err = Criteria::parse(bad).expect_err("unknown key");
        assert!(err.to_string().starts_with("3: "), "{err}");
    }
}
