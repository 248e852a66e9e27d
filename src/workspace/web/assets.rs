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
    }
    let headers = [
        (header::CONTENT_TYPE, content_type(&name)),
        (header::CACHE_CONTROL, "public, max-age=3600"),
    ];
    (headers, bytes).into_response()
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
