//! The validated form model. `load` builds these from `forms/*.toml` once;
//! afterwards nothing re-checks them, so every invariant the loader proves
//! (ids unique, options present, conditions pointing backwards) can be relied on.

use chrono::NaiveDate;

/// One form, e.g. the child referral.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub id: String,
    pub title: String,
    pub version: u32,
    pub audience: String,
    /// Plain paragraphs separated by blank lines (see `view::paragraphs`).
    pub intro: String,
    pub what_happens_next: String,
    /// The workflow its records follow in the workspace (`[workflows.NAME]`; default
    /// "referral").
    pub workflow: String,
    /// The state its records start in, when not the workflow's own start (a form that skips
    /// a step, e.g. intelligence that goes straight to the police).
    pub start: Option<String>,
    pub urgent: bool,
    pub pages: Vec<Page>,
    /// Where the answers name people and places for the tracker (`[[people]]`, `[[places]]`).
    pub people: Vec<PersonSource>,
    pub places: Vec<PlaceSource>,
}

/// Which questions hold a person: once, or once per item of the repeat page `group`. The
/// loader has checked every id, so the tracker reads them without re-checking.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PersonSource {
    /// The role of the person's link to the case ("referred", "perpetrator"...).
    pub role: String,
    pub group: Option<String>,
    /// Answers joined with a space ("first name", "last name").
    pub name: Vec<String>,
    pub alias: Vec<String>,
    pub date_of_birth: Option<String>,
    pub age: Option<String>,
    pub phone: Vec<String>,
    pub vehicle: Vec<String>,
    pub postcode: Option<String>,
    /// Answers kept as the record's note, each after its question's label.
    pub note: Vec<String>,
}

/// Which questions hold a place, as [`PersonSource`] for people.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlaceSource {
    pub role: String,
    pub group: Option<String>,
    pub name: Vec<String>,
    pub postcode: Option<String>,
    /// A question whose answer is the kind of place (a choice value, usually).
    pub kind: Option<String>,
    pub note: Vec<String>,
}

/// Which local authority a question's answer names (from its `local_authority` key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaRole {
    Presenting,
    Owning,
}

impl Form {
    pub fn page(&self, id: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.id == id)
    }

    /// The answers to this form's questions that name a local authority in `role` (any role
    /// when `None`), in the order the form asks them.
    pub fn la_questions(&self, role: Option<LaRole>) -> impl Iterator<Item = &Question> {
        self.pages
            .iter()
            .flat_map(|p| &p.questions)
            .filter(move |q| {
                q.local_authority.is_some() && (role.is_none() || q.local_authority == role)
            })
    }

    /// The question with this id and the page that asks it.
    pub fn question(&self, id: &str) -> Option<(&Page, &Question)> {
        self.pages
            .iter()
            .find_map(|p| p.questions.iter().find(|q| q.id == id).map(|q| (p, q)))
    }
}

/// One screen of the form: a topic, asked once or once per repeat item.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub id: String,
    pub title: String,
    pub intro: Option<String>,
    pub when: Option<Condition>,
    pub repeat: Option<Repeat>,
    pub questions: Vec<Question>,
}

/// "Add another": the page's questions are asked once per item.
#[derive(Debug, Clone, PartialEq)]
pub struct Repeat {
    pub min: usize,
    pub max: usize,
    /// Shown as "Perpetrator 2".
    pub item_label: String,
    /// Used in messages ("You can add up to 10 perpetrators").
    pub item_plural: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: String,
    pub label: String,
    /// The noun phrase used in error messages: "Enter {name}".
    pub name: String,
    pub hint: Option<String>,
    /// HTML autocomplete token, only on questions about the user (WCAG 1.3.5).
    pub autocomplete: Option<String>,
    pub required: bool,
    pub kind: Kind,
    pub when: Option<Condition>,
    pub guidance: Vec<Guidance>,
    pub local_authority: Option<LaRole>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Text(TextRules),
    Textarea(TextRules),
    Email(TextRules),
    Phone(TextRules),
    /// GOV.UK day/month/year; stored as `YYYY-MM-DD`.
    Date(DateRules),
    /// Whole numbers only; stored as the canonical decimal string.
    Number(NumberRules),
    Radios(Vec<Choice>),
    Checkboxes(Vec<Choice>),
    Select(Vec<Choice>),
    /// Radios with the options `yes` and `no`, shown inline.
    YesNo(Vec<Choice>),
}

impl Kind {
    /// The options of a choice question; `None` for free-text kinds.
    pub fn choices(&self) -> Option<&[Choice]> {
        match self {
            Kind::Radios(c) | Kind::Checkboxes(c) | Kind::Select(c) | Kind::YesNo(c) => Some(c),
            _ => None,
        }
    }

    /// The name used in definitions and messages ("radios", "yesno", ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            Kind::Text(_) => "text",
            Kind::Textarea(_) => "textarea",
            Kind::Email(_) => "email",
            Kind::Phone(_) => "phone",
            Kind::Date(_) => "date",
            Kind::Number(_) => "number",
            Kind::Radios(_) => "radios",
            Kind::Checkboxes(_) => "checkboxes",
            Kind::Select(_) => "select",
            Kind::YesNo(_) => "yesno",
        }
    }

    pub fn choice_label<'a>(&'a self, value: &str) -> Option<&'a str> {
        self.choices()?
            .iter()
            .find(|c| c.value == value)
            .map(|c| c.label.as_str())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TextRules {
    pub min_length: Option<usize>,
    pub max_length: usize,
    pub pattern: Option<Pattern>,
    /// An answer that fits the pattern, quoted in its message ("like …"): the form's own
    /// example, so a partnership shows a postcode from its own area.
    pub example: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DateRules {
    pub not_future: bool,
    pub not_before: Option<NaiveDate>,
    /// Age limits for a date of birth, in whole years on the day the page is
    /// sent: a child's form takes `max_age = 17`, an adult's `min_age = 18`.
    pub min_age: Option<u32>,
    pub max_age: Option<u32>,
    /// The author's sentence saying why the limit exists, appended to the
    /// error ("This form is for children ..."), so the user knows what to do.
    pub age_reason: Option<String>,
}

impl DateRules {
    /// A date this question accepts, for the "For example, 27 3 2012" hint:
    /// a birthday in the middle of the allowed ages, or a recent date for a
    /// date that cannot be in the future (an approval date, say). Using a
    /// fixed day and month keeps the hint stable for most of the year.
    pub fn example(&self, today: NaiveDate) -> NaiveDate {
        use chrono::Datelike;
        let age = match (self.min_age, self.max_age) {
            (Some(lo), Some(hi)) => Some(lo + hi.saturating_sub(lo) / 2),
            (Some(lo), None) => Some(lo + 12),
            (None, Some(hi)) => Some(hi.saturating_sub(3)),
            (None, None) => None,
        };
        match age {
            // A 27 March birthday chosen so the person is exactly `age` today.
            Some(age) => {
                let before = (today.month(), today.day()) < (3, 27);
                let year = today.year() - i32::try_from(age).unwrap_or(0) - i32::from(before);
                NaiveDate::from_ymd_opt(year, 3, 27).unwrap_or(today)
            }
            None if self.not_future => today - chrono::Duration::days(10),
            None => today,
        }
    }

    /// Whole years from `born` to `today` (a birthday counts on the day).
    pub fn age_on(born: NaiveDate, today: NaiveDate) -> i64 {
        use chrono::Datelike;
        let had_birthday = (today.month(), today.day()) >= (born.month(), born.day());
        i64::from(today.year() - born.year()) - i64::from(!had_birthday)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NumberRules {
    pub min: Option<i64>,
    pub max: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub hint: Option<String>,
}

/// Shows a page or question only when an earlier answer matches.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// A radios, select or yes/no answer equals the value.
    Equals { question: String, value: String },
    /// A checkboxes answer includes the value.
    Includes { question: String, value: String },
}

impl Condition {
    pub fn question(&self) -> &str {
        match self {
            Condition::Equals { question, .. } | Condition::Includes { question, .. } => question,
        }
    }
}

/// A link to a guidance page shown beside a question.
#[derive(Debug, Clone, PartialEq)]
pub struct Guidance {
    pub label: String,
    pub href: String,
}

/// The small named set of patterns a text question may require. A named set
/// keeps the `regex` crate out of the kiosk and gives each pattern a message
/// written for people ("Enter a full UK postcode", then the question's example).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    Digits,
    UkPostcode,
    PostcodeDistrict,
}

impl Pattern {
    pub const NAMES: [&'static str; 3] = ["digits", "uk-postcode", "postcode-district"];

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "digits" => Some(Pattern::Digits),
            "uk-postcode" => Some(Pattern::UkPostcode),
            "postcode-district" => Some(Pattern::PostcodeDistrict),
            _ => None,
        }
    }

    pub fn matches(self, s: &str) -> bool {
        match self {
            Pattern::Digits => !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()),
            Pattern::UkPostcode => {
                let shape = shape(s);
                shape.len() > 3
                    && shape.ends_with("9AA")
                    && OUTWARD.contains(&&shape[..shape.len() - 3])
            }
            Pattern::PostcodeDistrict => OUTWARD.contains(&shape(s).as_str()),
        }
    }

    /// The message shown when an answer does not match; `name` is the
    /// question's noun phrase and `example` the question's own example answer.
    pub fn message(self, name: &str, example: Option<&str>) -> String {
        let like = example.map(|e| format!(", like {e}")).unwrap_or_default();
        match self {
            Pattern::Digits => format!("{} must only include numbers 0 to 9", capitalise(name)),
            Pattern::UkPostcode => format!("Enter a full UK postcode{like}"),
            Pattern::PostcodeDistrict => format!("Enter the first part of a postcode{like}"),
        }
    }
}

/// The outward-code shapes of UK postcodes (A = letter, 9 = digit).
const OUTWARD: [&str; 6] = ["A9", "A99", "AA9", "AA99", "A9A", "AA9A"];

/// Reduces a postcode to its shape, ignoring spaces: "ne1 4st" → "AA99AA".
fn shape(s: &str) -> String {
    s.chars()
        .filter(|c| *c != ' ')
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' => 'A',
            '0'..='9' => '9',
            _ => '?',
        })
        .collect()
}

/// "the person's name" → "The person's name", for the start of a sentence.
pub(crate) fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcode_patterns_accept_real_shapes_only() {
        for ok in ["NE1 4ST", "sr51aa", "DH1 3LE", "W1A 1AA"] {
            assert!(Pattern::UkPostcode.matches(ok), "{ok}");
        }
        for bad in ["NE1", "12345", "NE1 4S", "<script>"] {
            assert!(!Pattern::UkPostcode.matches(bad), "{bad}");
        }
        assert!(Pattern::PostcodeDistrict.matches("NE1"));
        assert!(!Pattern::PostcodeDistrict.matches("NE1 4ST"));
        assert!(Pattern::Digits.matches("0123"));
        assert!(!Pattern::Digits.matches("12a"));
        assert!(!Pattern::Digits.matches(""));
    }

    #[test]
    fn capitalise_handles_empty_and_unicode() {
        assert_eq!(capitalise(""), "");
        assert_eq!(capitalise("émile"), "Émile");
    }
}
