//! Ids and the "did you mean" hint every unknown name in a form definition gets.

use std::ops::Range;

use super::Checker;

/// Ids appear in URLs (pages, forms: `-` between words) and in field names
/// and stored answers (questions: `_`, leaving `-` free as the separator in
/// `dob-day` and `perp_name-2`).
pub(crate) fn check_id(
    ck: &mut Checker<'_>,
    owner: &str,
    id: &str,
    span: &Range<usize>,
    sep: char,
) {
    let ok = id.len() <= 64
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == sep);
    if !ok {
        let words = if sep == '-' { "hyphens" } else { "underscores" };
        let message = format!(
            "{owner}: ids start with a letter and use lowercase letters, digits and {words}"
        );
        ck.report(span, message);
    }
}

/// `" (did you mean \"text\"?)"` when one candidate is a plausible typo.
pub(crate) fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .map(|c| (distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| format!(" (did you mean \"{c}\"?)"))
        .unwrap_or_default()
}

/// Levenshtein distance; inputs are short identifiers.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}
