//! What a form author writes in `forms/<id>.toml`, exactly as written. Unknown
//! keys are rejected so a typo fails loudly instead of being ignored, and the
//! fields a problem is likely to be about keep their source span so the loader
//! can name the line.
//!
//! ```toml
//! id = "soft-intelligence"
//! title = "Share information with the police"
//! version = 1
//! audience = "Staff in partner agencies"
//! intro = "Paragraphs separated by blank lines."
//! what_happens_next = "..."
//!
//! [[pages]]
//! id = "people"
//! title = "People"
//! when = { question = "saw_people", equals = "yes" }
//! repeat = { min = 0, max = 10, item_label = "Person", item_plural = "people" }
//!
//! [[pages.questions]]
//! id = "person_description"
//! label = "Describe the person"
//! type = "textarea"
//! max_length = 1000
//! guidance = [{ label = "What to include", href = "/soft-intelligence/" }]
//! ```

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FormDef {
    pub id: Spanned<String>,
    pub title: String,
    pub version: u32,
    pub audience: String,
    pub intro: Spanned<String>,
    pub what_happens_next: Spanned<String>,
    /// The workspace workflow its records follow (a `[workflows.NAME]` of prem.toml).
    #[serde(default)]
    pub workflow: Option<Spanned<String>>,
    /// The state records start in, when not the workflow's start.
    #[serde(default)]
    pub start: Option<String>,
    /// Records of this form cannot wait for the normal cycle: listed first, tagged urgent.
    #[serde(default)]
    pub urgent: bool,
    #[serde(default)]
    pub pages: Vec<PageDef>,
    /// Where the answers name people and places for the reviewers' tracker.
    #[serde(default)]
    pub people: Vec<PersonDef>,
    #[serde(default)]
    pub places: Vec<PlaceDef>,
}

/// A person the tracker takes from the answers: once, or once per item of a repeat page
/// (`group`). Each key names a question id; `name` and the list keys take one id or several
/// (joined with a space, or one value each).
///
/// ```toml
/// [[people]]
/// group = "perpetrators"
/// role = "perpetrator"
/// name = "perpetrator_name"
/// age = "perpetrator_age"
/// note = ["perpetrator_links", "perpetrator_known"]
/// ```
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PersonDef {
    pub role: Spanned<String>,
    #[serde(default)]
    pub group: Option<Spanned<String>>,
    pub name: Spanned<Ids>,
    #[serde(default)]
    pub alias: Option<Spanned<Ids>>,
    #[serde(default)]
    pub date_of_birth: Option<Spanned<String>>,
    #[serde(default)]
    pub age: Option<Spanned<String>>,
    #[serde(default)]
    pub phone: Option<Spanned<Ids>>,
    #[serde(default)]
    pub vehicle: Option<Spanned<Ids>>,
    #[serde(default)]
    pub postcode: Option<Spanned<String>>,
    #[serde(default)]
    pub note: Option<Spanned<Ids>>,
}

/// A place the tracker takes from the answers, as [`PersonDef`] does for people.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlaceDef {
    pub role: Spanned<String>,
    #[serde(default)]
    pub group: Option<Spanned<String>>,
    pub name: Spanned<Ids>,
    #[serde(default)]
    pub postcode: Option<Spanned<String>>,
    #[serde(default)]
    pub kind: Option<Spanned<String>>,
    #[serde(default)]
    pub note: Option<Spanned<Ids>>,
}

/// One question id or a list of them.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum Ids {
    One(String),
    Many(Vec<String>),
}

impl Ids {
    pub fn into_vec(self) -> Vec<String> {
        match self {
            Ids::One(id) => vec![id],
            Ids::Many(ids) => ids,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PageDef {
    pub id: Spanned<String>,
    pub title: String,
    #[serde(default)]
    pub intro: Option<Spanned<String>>,
    #[serde(default)]
    pub when: Option<Spanned<ConditionDef>>,
    #[serde(default)]
    pub repeat: Option<Spanned<RepeatDef>>,
    #[serde(default)]
    pub questions: Vec<QuestionDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RepeatDef {
    #[serde(default)]
    pub min: usize,
    pub max: usize,
    pub item_label: String,
    #[serde(default)]
    pub item_plural: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct QuestionDef {
    pub id: Spanned<String>,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: Spanned<String>,
    #[serde(default = "yes")]
    pub required: bool,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub hint: Option<String>,
    /// An HTML autocomplete token for questions about the person filling in
    /// the form (WCAG 1.3.5), e.g. "name", "email", "tel", "organization".
    #[serde(default)]
    pub autocomplete: Option<String>,
    #[serde(default)]
    pub min_length: Option<usize>,
    #[serde(default)]
    pub max_length: Option<usize>,
    #[serde(default)]
    pub pattern: Option<Spanned<String>>,
    /// An answer that fits `pattern`, quoted in the message when an answer does not.
    #[serde(default)]
    pub example: Option<Spanned<String>>,
    #[serde(default)]
    pub not_future: Option<bool>,
    #[serde(default)]
    pub not_before: Option<Spanned<String>>,
    #[serde(default)]
    pub min_age: Option<u32>,
    #[serde(default)]
    pub max_age: Option<u32>,
    #[serde(default)]
    pub age_reason: Option<String>,
    #[serde(default)]
    pub min: Option<i64>,
    #[serde(default)]
    pub max: Option<i64>,
    #[serde(default)]
    pub options: Option<Vec<OptionDef>>,
    #[serde(default)]
    pub options_from: Option<Spanned<String>>,
    #[serde(default)]
    pub when: Option<Spanned<ConditionDef>>,
    #[serde(default)]
    pub guidance: Vec<GuidanceDef>,
    /// The answer is a local authority that the reviewers file the record under: "presenting"
    /// (the LA that presents the case) or "owning" (the LA responsible for the person).
    #[serde(default)]
    pub local_authority: Option<Spanned<String>>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OptionDef {
    pub value: String,
    pub label: String,
    #[serde(default)]
    pub hint: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConditionDef {
    pub question: String,
    #[serde(default)]
    pub equals: Option<String>,
    #[serde(default)]
    pub includes: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GuidanceDef {
    pub label: String,
    pub href: String,
}
