//! CSV as spreadsheets read it: every field quoted, and a field that a spreadsheet would run as
//! a formula (one starting `=`, `+`, `-` or `@`) defused with a leading `'`. One place, so
//! every export (the workspace's list, a meeting's agenda, the action register) is equally safe.

/// One field, quoted and defused.
pub fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// One row of fields, each through `field`, ended with CRLF as RFC 4180 has it.
pub fn row<S: AsRef<str>>(fields: &[S]) -> String {
    let quoted: Vec<String> = fields.iter().map(|f| field(f.as_ref())).collect();
    format!("{}\r\n", quoted.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("a\"b"), "\"a\"\"b\"");
        assert_eq!(field("=HYPERLINK(1)"), "\"'=HYPERLINK(1)\"");
        for risky in ["+1", "-1", "@SUM(A1)"] {
            assert!(field(risky).starts_with("\"'"), "{risky}");
        }
        assert_eq!(row(&["a", "=b"]), "\"a\",\"'=b\"\r\n");
    }
}
