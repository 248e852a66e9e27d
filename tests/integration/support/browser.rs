//! A browser for GOV.UK form pages. It talks to a real socket, or straight to an app's router
//! through `tower::ServiceExt::oneshot` as axum's testing example does (no socket, same layers).
//! Either way it keeps its cookies by hand, so a test sees every `Set-Cookie` as it was sent
//! and can plant a cookie as an attacker would; follows redirects as a browser does (or not,
//! when asked); and reads a page's hidden CSRF field so a post goes with its page's token.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Duration;

use axum::http::{HeaderMap, Method};
use tower::ServiceExt as _;

/// What came back for one request (the last one, when redirects were followed).
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    /// The path that answered: where the redirects ended.
    pub path: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a UTF-8 body")
    }

    pub fn contains(&self, s: &str) -> bool {
        self.text().contains(s)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The page's hidden CSRF token; panics with the page when it has none.
    pub fn csrf(&self) -> String {
        csrf(&self.text())
    }
}

/// The hidden CSRF token in a page.
pub fn csrf(html: &str) -> String {
    hidden(html, "csrf")
}

pub fn try_csrf(html: &str) -> Option<String> {
    try_hidden(html, "csrf")
}

/// The value of the (first) hidden field `name` in a page; panics with the page when none.
pub fn hidden(html: &str, name: &str) -> String {
    try_hidden(html, name).unwrap_or_else(|| panic!("no {name} field in:\n{html}"))
}

pub fn try_hidden(html: &str, name: &str) -> Option<String> {
    let at = format!("name=\"{name}\" value=\"");
    let start = html.find(&at)? + at.len();
    Some(html[start..start + html[start..].find('"')?].to_string())
}

enum Transport {
    Socket {
        base: String,
        http: reqwest::blocking::Client,
    },
    Router {
        app: axum::Router,
        rt: tokio::runtime::Runtime,
    },
}

#[derive(Default)]
struct Jar {
    cookies: BTreeMap<String, String>,
    /// Every `Set-Cookie` received, in order.
    seen: Vec<String>,
}

pub struct Browser {
    transport: Transport,
    jar: Mutex<Jar>,
    follow: bool,
}

impl Browser {
    /// A browser for the server at `base` (`http://127.0.0.1:port`).
    pub fn new(base: &str) -> Self {
        let http = reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client");
        Self::with(Transport::Socket {
            base: base.trim_end_matches('/').to_string(),
            http,
        })
    }

    /// A browser whose requests go straight into `app`, as if from 127.0.0.1.
    pub fn in_process(app: axum::Router) -> Self {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        Self::with(Transport::Router { app, rt })
    }

    fn with(transport: Transport) -> Self {
        Browser {
            transport,
            jar: Mutex::default(),
            follow: true,
        }
    }

    /// Redirects come back as they are, instead of being followed.
    pub fn not_following(mut self) -> Self {
        self.follow = false;
        self
    }

    pub fn get(&self, path: &str) -> Response {
        self.try_get(path).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Posts `pairs` as a form, as the page's own form would.
    pub fn post<K: AsRef<str>, V: AsRef<str>>(&self, path: &str, pairs: &[(K, V)]) -> Response {
        self.try_post(path, pairs).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Loads `page`, then posts `fields` with that page's CSRF token to `action`.
    pub fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.get(page).csrf();
        let mut pairs = vec![("csrf", token.as_str())];
        pairs.extend_from_slice(fields);
        self.post(action, &pairs)
    }

    pub fn try_get(&self, path: &str) -> Result<Response, String> {
        self.request(Method::GET, path, &[], None)
    }

    pub fn try_post<K: AsRef<str>, V: AsRef<str>>(
        &self,
        path: &str,
        pairs: &[(K, V)],
    ) -> Result<Response, String> {
        let body = form_body(pairs).into_bytes();
        self.request(
            Method::POST,
            path,
            &[("content-type", "application/x-www-form-urlencoded")],
            Some(body),
        )
    }

    /// Any request, with this browser's cookies and `headers`; redirects followed by GETs.
    pub fn request(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Result<Response, String> {
        let mut res = self.once(method, path, headers, body)?;
        let mut hops = 0;
        while self.follow && (300..400).contains(&res.status) {
            let Some(location) = res.header("location") else {
                break;
            };
            let next = path_of(location);
            hops += 1;
            if hops > 10 {
                return Err(format!("{path}: more than ten redirects"));
            }
            res = self.once(Method::GET, &next, &[], None)?;
        }
        Ok(res)
    }

    fn once(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Result<Response, String> {
        let cookie = self.cookie_header();
        let what = format!("{method} {path}");
        let (status, got, bytes) = match &self.transport {
            Transport::Socket { base, http } => {
                let mut req = http.request(method, format!("{base}{path}"));
                if !cookie.is_empty() {
                    req = req.header("cookie", &cookie);
                }
                for (k, v) in headers {
                    req = req.header(*k, *v);
                }
                if let Some(b) = body {
                    req = req.body(b);
                }
                let res = req.send().map_err(|e| format!("{what}: {e}"))?;
                let status = res.status().as_u16();
                let got = res.headers().clone();
                let bytes = res.bytes().map_err(|e| format!("{what}: {e}"))?;
                (status, got, bytes.to_vec())
            }
            Transport::Router { app, rt } => {
                let mut req = axum::http::Request::builder()
                    .method(method)
                    .uri(path)
                    .header("host", "127.0.0.1");
                if !cookie.is_empty() {
                    req = req.header("cookie", &cookie);
                }
                for (k, v) in headers {
                    req = req.header(*k, *v);
                }
                let mut req = req
                    .body(axum::body::Body::from(body.unwrap_or_default()))
                    .map_err(|e| format!("{what}: {e}"))?;
                // What the server's accept loop adds for every connection.
                let peer: SocketAddr = "127.0.0.1:40000".parse().expect("address");
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                rt.block_on(async {
                    let res = app
                        .clone()
                        .oneshot(req)
                        .await
                        .map_err(|e| format!("{what}: {e}"))?;
                    let (parts, body) = res.into_parts();
                    let bytes = axum::body::to_bytes(body, usize::MAX)
                        .await
                        .map_err(|e| format!("{what}: {e}"))?;
                    Ok::<_, String>((parts.status.as_u16(), parts.headers, bytes.to_vec()))
                })?
            }
        };
        self.keep(&got);
        Ok(Response {
            status,
            path: path.split('?').next().unwrap_or(path).to_string(),
            headers: got,
            body: bytes,
        })
    }

    fn cookie_header(&self) -> String {
        let jar = self.jar.lock().expect("jar");
        jar.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&self, headers: &HeaderMap) {
        let mut jar = self.jar.lock().expect("jar");
        for v in headers.get_all("set-cookie") {
            let text = v.to_str().expect("ascii").to_string();
            let (pair, _) = text.split_once(';').unwrap_or((&text, ""));
            let (name, value) = pair.split_once('=').expect("name=value");
            if value.is_empty() || text.contains("Max-Age=0") {
                jar.cookies.remove(name);
            } else {
                jar.cookies.insert(name.to_string(), value.to_string());
            }
            jar.seen.push(text);
        }
    }

    /// The cookies this browser holds now.
    pub fn cookies(&self) -> BTreeMap<String, String> {
        self.jar.lock().expect("jar").cookies.clone()
    }

    /// The value of the first cookie whose name contains `part` (the session's: "session").
    pub fn cookie(&self, part: &str) -> Option<String> {
        self.cookies()
            .into_iter()
            .find(|(k, _)| k.contains(part))
            .map(|(_, v)| v)
    }

    /// Every `Set-Cookie` this browser has received, in order.
    pub fn set_cookies(&self) -> Vec<String> {
        self.jar.lock().expect("jar").seen.clone()
    }

    /// Sets a cookie as if a server (or an attacker) had.
    pub fn plant(&self, name: &str, value: &str) {
        self.jar
            .lock()
            .expect("jar")
            .cookies
            .insert(name.to_string(), value.to_string());
    }
}

/// `pairs` as an `application/x-www-form-urlencoded` body.
pub fn form_body<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                urlencoding::encode(k.as_ref()),
                urlencoding::encode(v.as_ref())
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The path (and query) of a `Location`, absolute or not.
fn path_of(location: &str) -> String {
    match location.split_once("://") {
        Some((_, rest)) => rest
            .find('/')
            .map_or_else(|| "/".to_string(), |i| rest[i..].to_string()),
        None => location.to_string(),
    }
}
