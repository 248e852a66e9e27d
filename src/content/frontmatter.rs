//! TOML front matter between `+++` lines. Unknown keys are errors with the
//! line they are on, because a misspelt `review_due` would otherwise silently
//! drop a page out of the review cycle.

use chrono::NaiveDate;
use serde::Deserialize;

pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "summary",
    "weight",
    "audience",
    "reviewed",
    "review_due",
    "owner",
    "draft",
];
pub const AUDIENCES: &[&str] = &["practitioners", "partners", "trainers"];

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FrontMatter {
    pub title: String,
    pub summary: Option<String>,
    pub weight: i64,
    pub audience: Vec<String>,
    pub reviewed: Option<NaiveDate>,
    pub review_due: Option<NaiveDate>,
    pub owner: Option<String>,
    pub draft: bool,
}

#[derive(Deserialize)]
struct Raw {
    title: Option<String>,
    summary: Option<String>,
    weight: Option<i64>,
    audience: Option<Audience>,
    reviewed: Option<toml::value::Datetime>,
    review_due: Option<toml::value::Datetime>,
    owner: Option<String>,
    draft: Option<bool>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

/// A front-matter problem at a 1-based line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontError {
    pub line: usize,
    pub message: String,
}

/// Splits a file into front matter and body. Returns the parsed front matter,
/// the body and the 1-based line the body starts on, or every problem found.
pub fn split(text: &str) -> Result<(FrontMatter, &str, usize), Vec<FrontError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(after_open) = text
        .strip_prefix("+++")
        .and_then(|r| r.strip_prefix(['\n', '\r']))
    else {
        return Err(vec![FrontError {
            line: 1,
            message: "missing front matter: the file must start with a `+++` line".into(),
        }]);
    };
    let after_open = after_open.strip_prefix('\n').unwrap_or(after_open);
    let Some(close) = find_closing(after_open) else {
        return Err(vec![FrontError {
            line: 1,
            message: "front matter is not closed: add a `+++` line after it".into(),
        }]);
    };
    let fm_text = &after_open[..close];
    let rest = &after_open[close..];
    let rest = rest.split_once('\n').map(|(_, r)| r).unwrap_or("");
    let body_line = 2 + fm_text.matches('\n').count() + 1;
    let front = parse(fm_text, 2)?;
    Ok((front, rest, body_line))
}

fn find_closing(s: &str) -> Option<usize> {
    let mut offset = 0;
    for line in s.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// Parses front-matter TOML whose first line is `first_line` of the file.
pub fn parse(fm: &str, first_line: usize) -> Result<FrontMatter, Vec<FrontError>> {
    let at =
        |span: Option<std::ops::Range<usize>>| first_line + crate::config::span_line(fm, span) - 1;
    let table: toml::Table = fm.parse().map_err(|e: toml::de::Error| {
        vec![FrontError {
            line: at(e.span()),
            message: format!("invalid front matter: {}", e.message().trim()),
        }]
    })?;
    let mut errors = Vec::new();
    for key in table.keys() {
        if !KNOWN_KEYS.iter().any(|k| *k == key) {
            let hint = suggest(key)
                .map(|k| format!(" (did you mean \"{k}\"?)"))
                .unwrap_or_default();
            errors.push(FrontError {
                line: key_line(fm, key) + first_line - 1,
                message: format!("unknown front-matter key \"{key}\"{hint}"),
            });
        }
    }
    // Typed parse from the text: converting a parsed table loses TOML dates.
    let raw: Raw = match toml::from_str(fm) {
        Ok(r) => r,
        Err(e) => {
            let e: toml::de::Error = e;
            errors.push(FrontError {
                line: at(e.span()),
                message: format!("invalid front matter: {}", e.message().trim()),
            });
            return Err(errors);
        }
    };
    let front = convert(raw, fm, first_line, &mut errors);
    if errors.is_empty() {
        Ok(front)
    } else {
        Err(errors)
    }
}

fn convert(raw: Raw, fm: &str, first_line: usize, errors: &mut Vec<FrontError>) -> FrontMatter {
    let line_of = |k: &str| key_line(fm, k) + first_line - 1;
    let title = raw.title.unwrap_or_default();
    if title.trim().is_empty() {
        errors.push(FrontError {
            line: first_line,
            message: "missing required front-matter key \"title\"".into(),
        });
    }
    let audience = match raw.audience {
        None => Vec::new(),
        Some(Audience::One(a)) => vec![a],
        Some(Audience::Many(v)) => v,
    };
    for a in &audience {
        if !AUDIENCES.contains(&a.as_str()) {
            errors.push(FrontError {
                line: line_of("audience"),
                message: format!(
                    "unknown audience \"{a}\" (expected one of: {})",
                    AUDIENCES.join(", ")
                ),
            });
        }
    }
    let mut date = |key: &str, v: Option<toml::value::Datetime>| {
        let v = v?;
        match v
            .date
            .filter(|_| v.time.is_none())
            .and_then(|d| NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into()))
        {
            Some(d) => Some(d),
            None => {
                errors.push(FrontError {
                    line: line_of(key),
                    message: format!("\"{key}\" must be a date like 2026-11-01"),
                });
                None
            }
        }
    };
    let reviewed = date("reviewed", raw.reviewed);
    let review_due = date("review_due", raw.review_due);
    if let (Some(r), Some(d)) = (reviewed, review_due) {
        if d < r {
            errors.push(FrontError {
                line: line_of("review_due"),
                message: "\"review_due\" is before \"reviewed\"".into(),
            });
        }
    }
    FrontMatter {
        title,
        summary: raw.summary,
        weight: raw.weight.unwrap_or(0),
        audience,
        reviewed,
        review_due,
        owner: raw.owner,
        draft: raw.draft.unwrap_or(false),
    }
}

/// 1-based line within the front matter where `key = ` appears.
fn key_line(fm: &str, key: &str) -> usize {
    fm.lines()
        .position(|l| {
            let l = l.trim_start();
            l.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
        .unwrap_or(1)
}

/// The known key closest to a misspelt one, if it is plausibly a typo.
fn suggest(key: &str) -> Option<&'static str> {
    KNOWN_KEYS
        .iter()
        .map(|k| (edit_distance(key, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_keys_and_reports_body_line() {
        let src = "+++\ntitle = \"Eligibility\"\nsummary = \"Who\"\nweight = 3\naudience = [\"partners\"]\nreviewed = 2026-01-02\nreview_due = 2027-01-02\nowner = \"Chair\"\n+++\n# Body\n";
        let (fm, body, line) = split(src).expect("parses");
        assert_eq!(fm.title, "Eligibility");
        assert_eq!(fm.weight, 3);
        assert_eq!(fm.audience, vec!["partners"]);
        assert_eq!(fm.review_due, NaiveDate::from_ymd_opt(2027, 1, 2));
        assert_eq!(body, "# Body\n");
        assert_eq!(line, 10);
    }

    #[test]
    fn unknown_key_names_its_line_and_suggests_a_fix() {
        let src = "+++\ntitle = \"T\"\nreviwed = 2026-01-02\n+++\n";
        let errs = split(src).expect_err("unknown key");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, 3);
        assert!(
            errs[0]
                .message
                .contains("\"reviwed\" (did you mean \"reviewed\"?)"),
            "{}",
            errs[0].message
        );
    }

    #[test]
    fn every_problem_is_reported_not_just_the_first() {
        let src = "+++\ncolour = 1\naudience = \"public\"\nreviewed = \"soon\"\n+++\n";
        let errs = split(src).expect_err("problems");
        let text: Vec<String> = errs
            .iter()
            .map(|e| format!("{}: {}", e.line, e.message))
            .collect();
        assert!(
            text.iter()
                .any(|t| t.starts_with("2: unknown front-matter key \"colour\"")),
            "{text:?}"
        );
        assert!(errs.len() >= 2, "{text:?}");
    }

    #[test]
    fn missing_title_and_missing_front_matter_are_errors() {
        assert!(split("+++\nweight = 1\n+++\n").expect_err("no title")[0]
            .message
            .contains("title"));
        assert_eq!(
            split("# Just markdown\n").expect_err("no front matter")[0].line,
            1
        );
        assert!(split("+++\ntitle = \"x\"\n").expect_err("unclosed")[0]
            .message
            .contains("not closed"));
    }

    #[test]
    fn invalid_toml_points_at_the_file_line() {
        let errs = split("+++\ntitle = \"ok\"\nweight = = 2\n+++\n").expect_err("bad toml");
        assert_eq!(errs[0].line, 3, "{:?}", errs);
    }
}
