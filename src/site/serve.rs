//! Serving a built site over HTTP: the static files, the 404 page, and
//! `/search/?q=` answered on the server so search works without JavaScript.
//! Used by `prem preview` and by the kiosk.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use tower_http::services::{ServeDir, ServeFile};

use super::Built;
use crate::search;
use crate::theme::{self, Link};

/// The strict policy every page is served with: no inline script or style,
/// nothing from other origins, no framing.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The latest build, swapped in whole when the preview rebuilds.
#[derive(Clone)]
pub struct Served {
    pub out: PathBuf,
    pub built: Arc<RwLock<Built>>,
}

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
}

pub fn router(served: Served) -> Router {
    let not_found = ServeFile::new(served.out.join("404.html"));
    let files = ServeDir::new(&served.out)
        .append_index_html_on_directories(true)
        .not_found_service(not_found);
    Router::new()
        .route("/search/", get(search_page))
        .route("/search", get(search_page))
        .with_state(served)
        // `not_found_service` (unlike `fallback`) answers with status 404.
        .fallback_service(files)
}

async fn search_page(State(s): State<Served>, Query(q): Query<SearchQuery>) -> Response {
    let built = match s.built.read() {
        Ok(b) => b,
        Err(p) => p.into_inner(),
    };
    let query =
        q.q.as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(|q| q.chars().take(200).collect::<String>());
    let results: Option<Vec<Link>> = query.as_deref().map(|q| {
        search::search(&built.index, q)
            .into_iter()
            .map(|e| Link {
                title: e.t.clone(),
                url: e.u.clone(),
                summary: Some(e.s.clone()).filter(|s| !s.is_empty()),
            })
            .collect()
    });
    let page = theme::search_page(
        &built.info,
        query.as_deref(),
        results.as_deref(),
        &built.all,
    );
    let mut res = Html(page.into_string()).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

/// The security headers the preview sends; the kiosk sends these and more.
pub async fn security_headers(mut res: Response) -> Response {
    insert_security_headers(res.headers_mut());
    res
}

/// The headers every page of the site carries, wherever it is served from.
pub fn insert_security_headers(h: &mut axum::http::HeaderMap) {
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}
