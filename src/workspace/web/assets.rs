//! The theme's stylesheets and scripts, served to the inbox's pages; `prem.css` gets the
//! inbox's own rules (the A4 print layout and a few extras) appended.

use std::path::PathBuf;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::workspace::Workspace;

/// Appended to the theme's stylesheet.
const INBOX_CSS: &str = include_str!("../inbox.css");

pub async fn asset(State(inbox): super::io::Shared, Path(name): Path<String>) -> Response {
    let Some(path) = path_of(&inbox, &name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(mut bytes) = tokio::fs::read(&path).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if name == "prem.css" {
        bytes.extend_from_slice(b"\n");
        bytes.extend_from_slice(INBOX_CSS.as_bytes());
        let marking = &inbox.config.inbox.protective_marking;
        bytes.extend_from_slice(print_marking(marking).as_bytes());
    }
    let headers = [
        (header::CONTENT_TYPE, content_type(&name)),
        (header::CACHE_CONTROL, "public, max-age=3600"),
    ];
    (headers, bytes).into_response()
}

/// The marking at the top and bottom of every printed page. Page margin boxes are the one
/// place Chromium (131 and later) repeats text on each sheet of a print or PDF; the marking
/// in the page itself is then hidden from print so it is not shown twice on the first and
/// last sheets. The text comes from configuration, so it is written as a CSS string.
fn print_marking(marking: &str) -> String {
    if marking.is_empty() {
        return String::new();
    }
    let mut text = String::from('"');
    for c in marking.chars() {
        match c {
            '"' | '\\' => {
                text.push('\\');
                text.push(c);
            }
            c if c.is_control() => text.push_str(&format!("\\{:x} ", u32::from(c))),
            c => text.push(c),
        }
    }
    text.push('"');
    let box_style = "font: bold 11pt Arial, sans-serif; color: #000";
    format!(
        "\n@page {{ margin: 20mm 15mm; @top-center {{ content: {text}; {box_style} }} \
         @bottom-center {{ content: {text}; {box_style} }} }}\n\
         @media print {{ .app-marking {{ display: none !important; }} }}\n"
    )
}

/// Where asset `name` is in the theme; `None` for a name that is not a plain file name.
fn path_of(inbox: &Workspace, name: &str) -> Option<PathBuf> {
    let plain = !name.starts_with('.')
        && (name.chars()).all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    let theme = (inbox.root.join(&inbox.config.build.themes_dir)).join(&inbox.config.site.theme);
    plain.then(|| match name {
        "govuk-frontend.min.css" => theme.join("vendor/govuk-frontend").join(name),
        _ => theme.join("assets").join(name),
    })
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::print_marking;

    #[test]
    fn the_marking_is_a_css_string_on_every_printed_page() {
        let css = print_marking("OFFICIAL-SENSITIVE");
        assert!(css.contains("@top-center { content: \"OFFICIAL-SENSITIVE\""));
        assert!(css.contains("@bottom-center { content: \"OFFICIAL-SENSITIVE\""));
        assert_eq!(print_marking(""), "");
    }

    #[test]
    fn a_marking_cannot_end_the_css_string() {
        let css = print_marking("A\"} body { display: none } \\\n");
        assert!(
            css.contains(r#"content: "A\"} body { display: none } \\\a ";"#),
            "{css}"
        );
    }
}
