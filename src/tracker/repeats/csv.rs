//! A list as CSV, for a spreadsheet.

use super::Row;

/// A list as CSV for a spreadsheet, one row per line, with the case references so each line
/// can be followed up. Every cell is guarded against formula injection.
pub fn csv(rows: &[Row]) -> String {
    let mut out =
        String::from("name,records,cases,victims,by local authority,by year,references\n");
    for r in rows {
        let counts = |m: Vec<(String, usize)>| {
            m.into_iter()
                .map(|(k, n)| format!("{k}: {n}"))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let cells = [
            r.label.clone(),
            r.records.len().to_string(),
            r.cases.len().to_string(),
            r.victims.to_string(),
            counts(r.by_la.iter().map(|(k, n)| (k.clone(), *n)).collect()),
            counts(r.by_year.iter().map(|(k, n)| (k.to_string(), *n)).collect()),
            r.references.join("; "),
        ];
        let line: Vec<String> = cells.iter().map(|c| cell(c)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// One CSV cell: a text starting with `= + - @` (or a tab or carriage return) would run as a
/// formula when the file is opened, so it gets a leading `'`; then quoted if it needs it.
pub fn cell(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) || guarded.trim() != guarded {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}
