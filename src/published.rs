//! The published site: a build served over HTTP, with its static files, the
//! 404 page, and `/search/?q=` answered on the server so search works without
//! JavaScript. Used by `prem preview` and by the kiosk. It sits above `site`
//! (which only builds, and knows no HTTP) and `http`.
//!
//! The built files are held in memory and answered from there: a guidance
//! site is small, and going to the file system (through tokio's blocking
//! pool) for every request cost the kiosk most of its static throughput.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use anyhow::{Context, Result};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use crate::http::headers::insert_security_headers;
use crate::search;
use crate::site::Built;
use crate::theme::{self, SearchHit};

/// The latest build, swapped in whole when the preview rebuilds.
#[derive(Clone)]
pub struct Published {
    pub out: PathBuf,
    pub built: Arc<RwLock<Built>>,
    files: Arc<RwLock<Arc<Files>>>,
}

impl Published {
    /// Serves the build written to `out`.
    pub fn load(out: &Path, built: Built) -> Result<Self> {
        Ok(Self {
            out: out.to_path_buf(),
            built: Arc::new(RwLock::new(built)),
            files: Arc::new(RwLock::new(Arc::new(Files::load(out)?))),
        })
    }

    /// Swaps in a new build of the same output folder: the files are read
    /// whole first, so a request sees the old build or the new one.
    pub fn replace(&self, built: Built) -> Result<()> {
        let files = Arc::new(Files::load(&self.out)?);
        let mut old = self.built.write().unwrap_or_else(|e| e.into_inner());
        *self.files.write().unwrap_or_else(|e| e.into_inner()) = files;
        *old = built;
        Ok(())
    }

    fn files(&self) -> Arc<Files> {
        self.files.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Every file of a build, by URL path without the leading slash.
struct Files {
    by_path: HashMap<String, File>,
    not_found: Bytes,
}

/// One file, with the gzip and brotli copies the build made of it (assets
/// only: the build writes them beside the file it compresses).
struct File {
    content_type: HeaderValue,
    body: Bytes,
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
}

impl Files {
    fn load(out: &Path) -> Result<Self> {
        let mut plain = HashMap::new();
        let mut stack = vec![out.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in
                std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))?
            {
                let path = entry?.path();
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if name.starts_with('.') {
                    continue;
                }
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let rel = path
                    .strip_prefix(out)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                let bytes = std::fs::read(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                plain.insert(rel, Bytes::from(bytes));
            }
        }
        // A `.gz`/`.br` file whose original is also there is that file's
        // compressed copy, not a file of its own.
        let mut by_path = HashMap::new();
        let mut copies = Vec::new();
        for (rel, body) in plain.iter() {
            let base = rel.strip_suffix(".gz").or_else(|| rel.strip_suffix(".br"));
            match base.filter(|b| plain.contains_key(*b)) {
                Some(base) => copies.push((base.to_owned(), rel.ends_with(".br"), body.clone())),
                None => {
                    let name = rel.rsplit('/').next().unwrap_or(rel);
                    let file = File {
                        content_type: content_type(name),
                        body: body.clone(),
                        gzip: None,
                        brotli: None,
                    };
                    by_path.insert(rel.clone(), file);
                }
            }
        }
        for (base, is_brotli, body) in copies {
            if let Some(file) = by_path.get_mut(&base) {
                match is_brotli {
                    true => file.brotli = Some(body),
                    false => file.gzip = Some(body),
                }
            }
        }
        let not_found = by_path
            .get("404.html")
            .map(|f| f.body.clone())
            .unwrap_or_else(|| Bytes::from_static(b"Page not found"));
        Ok(Self { by_path, not_found })
    }
}

/// The best encoding of `file` the client accepts: brotli, then gzip, then
/// the file as it is. A coding the client lists with `q=0` is refused.
fn negotiate<'a>(
    file: &'a File,
    accept: Option<&HeaderValue>,
) -> (&'a Bytes, Option<&'static str>) {
    let accept = accept.and_then(|v| v.to_str().ok()).unwrap_or("");
    let takes = |coding: &str| {
        accept.split(',').any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let name = parts.next().unwrap_or("");
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            name.eq_ignore_ascii_case(coding) && !refused
        })
    };
    match (&file.brotli, &file.gzip) {
        (Some(br), _) if takes("br") => (br, Some("br")),
        (_, Some(gz)) if takes("gzip") => (gz, Some("gzip")),
        _ => (&file.body, None),
    }
}

fn content_type(name: &str) -> HeaderValue {
    let ext = name.rsplit('.').next().unwrap_or("");
    HeaderValue::from_static(match ext {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    })
}

async fn static_file(
    State(s): State<Published>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let files = s.files();
    let decoded = urlencoding::decode(uri.path()).unwrap_or_default();
    let rel = decoded.trim_start_matches('/');
    let index;
    let key = if rel.is_empty() || rel.ends_with('/') {
        index = format!("{rel}index.html");
        index.as_str()
    } else {
        rel
    };
    if let Some(file) = files.by_path.get(key) {
        let cache =
            if key.starts_with("assets/") && uri.query().is_some_and(|q| q.starts_with("v=")) {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
        let (body, coding) = negotiate(file, headers.get(header::ACCEPT_ENCODING));
        let mut res = Response::new(axum::body::Body::from(body.clone()));
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, file.content_type.clone());
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        if file.gzip.is_some() || file.brotli.is_some() {
            h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        }
        if let Some(coding) = coding {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        return res;
    }
    if !rel.is_empty()
        && !rel.ends_with('/')
        && files.by_path.contains_key(&format!("{rel}/index.html"))
    {
        return Redirect::permanent(&format!("/{rel}/")).into_response();
    }
    (
        StatusCode::NOT_FOUND,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        files.not_found.clone(),
    )
        .into_response()
}

/// Rebuilds the site and swaps it in whenever the process gets SIGHUP, so a
/// corrected page is published without a restart. The new build is written
/// and then read whole into memory before one pointer swap: requests never
/// see a half-written site, and a failed build leaves the old one serving.
pub fn reload_on_hangup<F>(published: Published, rebuild: F)
where
    F: Fn() -> Result<Built> + Send + Sync + 'static,
{
    let rebuild = Arc::new(rebuild);
    tokio::spawn(async move {
        let Ok(mut hangups) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        else {
            tracing::warn!("cannot listen for SIGHUP: the site will not reload");
            return;
        };
        while hangups.recv().await.is_some() {
            let (published, rebuild) = (published.clone(), rebuild.clone());
            let done = tokio::task::spawn_blocking(move || -> Result<usize> {
                let built = rebuild()?;
                let pages = built.stats.pages;
                published.replace(built)?;
                Ok(pages)
            })
            .await;
            match done {
                Ok(Ok(pages)) => tracing::warn!(pages, "site rebuilt and reloaded on SIGHUP"),
                Ok(Err(e)) => {
                    tracing::error!("site reload failed, still serving the old build: {e:#}")
                }
                Err(e) => tracing::error!("site reload failed: {e}"),
            }
        }
    });
}

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
}

pub fn router(published: Published) -> Router {
    Router::new()
        .route("/search/", get(search_page))
        .route("/search", get(search_page))
        .fallback(static_file)
        .with_state(published)
}

async fn search_page(State(s): State<Published>, Query(q): Query<SearchQuery>) -> Response {
    let built = match s.built.read() {
        Ok(b) => b,
        Err(p) => p.into_inner(),
    };
    let query =
        q.q.as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(|q| q.chars().take(200).collect::<String>());
    let results: Option<Vec<SearchHit>> = query.as_deref().map(|q| {
        search::search(&built.index, q)
            .into_iter()
            .map(|e| SearchHit {
                title: e.t.clone(),
                url: e.u.clone(),
                snippet: search::snippet(e, q),
            })
            .collect()
    });
    let page = theme::search_page(
        &built.info,
        query.as_deref(),
        results.as_deref(),
        &built.all,
    );
    ([(header::CACHE_CONTROL, "no-cache")], page).into_response()
}

/// The security headers the preview sends; the kiosk sends these and more.
pub async fn security_headers(mut res: Response) -> Response {
    insert_security_headers(res.headers_mut());
    res
}
