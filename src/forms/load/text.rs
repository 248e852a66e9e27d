//! Checks the prose of a form (its intro, "what happens next" and page
//! intros). The kiosk renders it as plain paragraphs with `- ` bullet lists
//! (see `view::paragraphs`); anything that looks like another list syntax
//! would show as run-on text, so the loader names its line instead.

use toml::Spanned;

use super::Checker;

/// Returns the text, reporting each line written in a list style the view
/// does not render.
pub(super) fn prose(
    ck: &mut Checker<'_>,
    owner: &str,
    what: &str,
    text: Spanned<String>,
) -> String {
    let span = text.span();
    let first = ck.line(&span);
    // A `"""` string that starts with a line break begins on the next line.
    let raw = ck.text.get(span.start..).unwrap_or("");
    let skip = usize::from(raw.starts_with("\"\"\"\n") || raw.starts_with("'''\n"));
    let text = text.into_inner();
    for (i, line) in text.lines().enumerate() {
        if let Some(style) = unrendered_list(line.trim_start()) {
            let message = format!(
                "{owner}: {what} has a list item written as \"{style}\": start each \
                 bullet point with \"- \" (a hyphen and a space)"
            );
            ck.report_line(Some(first + skip + i), message);
        }
    }
    text
}

/// The list marker a line starts with, when it is not our `- `.
fn unrendered_list(line: &str) -> Option<&str> {
    for marker in ["* ", "+ ", "• ", "– "] {
        if line.starts_with(marker) {
            return Some(marker.trim_end());
        }
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && (line[digits..].starts_with(". ") || line[digits..].starts_with(") ")) {
        return line.get(..digits + 1);
    }
    let dashed = line.starts_with('-') && !line.starts_with("- ") && !line.starts_with("--");
    dashed
        .then(|| {
            line.get(1..2)
                .filter(|c| c.chars().all(char::is_alphabetic))
        })
        .flatten()
        .map(|_| "-")
}

#[cfg(test)]
mod tests {
    use super::unrendered_list;

    #[test]
    fn only_foreign_list_markers_are_reported() {
        assert_eq!(unrendered_list("* item"), Some("*"));
        assert_eq!(unrendered_list("1. item"), Some("1."));
        assert_eq!(unrendered_list("12) item"), Some("12)"));
        assert_eq!(unrendered_list("-item"), Some("-"));
        assert_eq!(unrendered_list("- item"), None);
        assert_eq!(unrendered_list("2024 was a year"), None);
        assert_eq!(unrendered_list("-5 degrees"), None);
        assert_eq!(unrendered_list("Plain text"), None);
    }
}
