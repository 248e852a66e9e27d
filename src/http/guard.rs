//! Checks every state-changing request before its handler runs, and hardens cookies after.
//!
//! OWASP's CSRF advice is a token *and* a second, independent check. Browsers label every
//! request with `Sec-Fetch-Site` and, on posts, `Origin`: a post that says it comes from
//! another site is refused outright, whatever token it carries. Older clients that send
//! neither header fall back on the token alone. Only urlencoded bodies are accepted, so a
//! cross-site `text/plain` "simple request" never reaches the form decoder.

use axum::http::{header, HeaderMap, HeaderValue, Method};

/// Why a request was refused before its handler ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The browser says the post comes from another site (403).
    CrossSite,
    /// The body is not `application/x-www-form-urlencoded` (415).
    MediaType,
}

/// Checks a request that may change state. Non-posts always pass.
pub fn check_post(method: &Method, headers: &HeaderMap) -> Result<(), Refusal> {
    if method != Method::POST {
        return Ok(());
    }
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if text("sec-fetch-site") == Some("cross-site") {
        return Err(Refusal::CrossSite);
    }
    // "null" says nothing: Chromium sends it on same-origin posts from a page whose
    // Referrer-Policy is no-referrer, as all of ours are. Sec-Fetch-Site above decides those.
    if let Some(origin) = text(header::ORIGIN.as_str()).filter(|o| *o != "null") {
        let host = text(header::HOST.as_str()).unwrap_or_default();
        if !same_host(origin, host) {
            return Err(Refusal::CrossSite);
        }
    }
    let media = text(header::CONTENT_TYPE.as_str())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if media.as_deref() != Some("application/x-www-form-urlencoded") {
        return Err(Refusal::MediaType);
    }
    Ok(())
}

/// Whether `origin` (`scheme://host[:port]`) names the host the request was sent to. The
/// scheme is not compared: behind a TLS-terminating proxy the server cannot know it.
fn same_host(origin: &str, host: &str) -> bool {
    let Some((_, rest)) = origin.split_once("://") else {
        return false;
    };
    !host.is_empty() && rest.eq_ignore_ascii_case(host)
}

/// Makes every `Set-Cookie` for `name` carry `Secure` (when `secure`), `HttpOnly`,
/// `SameSite=Strict` and `Path=/`. The session library sets them on the cookie it issues but
/// not on the removal cookie it sends when a session is deleted, which browsers then ignore.
pub fn harden_cookies(headers: &mut HeaderMap, name: &str, secure: bool) {
    let values: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    if values.is_empty() {
        return;
    }
    headers.remove(header::SET_COOKIE);
    for value in values {
        let fixed = value
            .to_str()
            .ok()
            .filter(|v| {
                v.split(';')
                    .next()
                    .is_some_and(|c| c.trim_start().starts_with(&format!("{name}=")))
            })
            .map(|v| with_attributes(v, secure))
            .and_then(|v| HeaderValue::from_str(&v).ok())
            .unwrap_or(value);
        headers.append(header::SET_COOKIE, fixed);
    }
}

fn with_attributes(cookie: &str, secure: bool) -> String {
    let mut parts: Vec<String> = cookie.split(';').map(|p| p.trim().to_string()).collect();
    let has = |parts: &[String], key: &str| {
        parts.iter().skip(1).any(|p| {
            p.split('=')
                .next()
                .is_some_and(|k| k.trim().eq_ignore_ascii_case(key))
        })
    };
    parts.retain(|p| !p.to_ascii_lowercase().starts_with("samesite="));
    parts.push("SameSite=Strict".into());
    if !has(&parts, "HttpOnly") {
        parts.push("HttpOnly".into());
    }
    if secure && !has(&parts, "Secure") {
        parts.push("Secure".into());
    }
    if !has(&parts, "Path") {
        parts.push("Path=/".into());
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).expect("name"),
                HeaderValue::from_str(v).expect("value"),
            );
        }
        h
    }

    const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

    #[test]
    fn same_site_form_posts_pass_and_gets_are_never_checked() {
        let h = headers(&[
            FORM,
            ("host", "kiosk.example:8080"),
            ("origin", "https://kiosk.example:8080"),
            ("sec-fetch-site", "same-origin"),
        ]);
        assert_eq!(check_post(&Method::POST, &h), Ok(()));
        assert_eq!(
            check_post(&Method::POST, &headers(&[FORM])),
            Ok(()),
            "old clients"
        );
        let evil = headers(&[
            ("sec-fetch-site", "cross-site"),
            ("content-type", "text/plain"),
        ]);
        assert_eq!(check_post(&Method::GET, &evil), Ok(()));
    }

    #[test]
    fn cross_site_and_foreign_origin_posts_are_refused() {
        let cross = headers(&[
            FORM,
            ("host", "k.example"),
            ("sec-fetch-site", "cross-site"),
        ]);
        assert_eq!(check_post(&Method::POST, &cross), Err(Refusal::CrossSite));
        for origin in ["https://evil.example", "https://k.example.evil.example"] {
            let h = headers(&[FORM, ("host", "k.example"), ("origin", origin)]);
            assert_eq!(
                check_post(&Method::POST, &h),
                Err(Refusal::CrossSite),
                "{origin}"
            );
        }
        // A null origin leaves the decision to Sec-Fetch-Site (and the token).
        let null_cross = headers(&[
            FORM,
            ("host", "k.example"),
            ("origin", "null"),
            ("sec-fetch-site", "cross-site"),
        ]);
        assert_eq!(
            check_post(&Method::POST, &null_cross),
            Err(Refusal::CrossSite)
        );
        let null_same = headers(&[
            FORM,
            ("host", "k.example"),
            ("origin", "null"),
            ("sec-fetch-site", "same-origin"),
        ]);
        assert_eq!(check_post(&Method::POST, &null_same), Ok(()));
    }

    #[test]
    fn only_urlencoded_bodies_are_accepted() {
        for ct in [
            "text/plain",
            "multipart/form-data; boundary=x",
            "application/json",
        ] {
            let h = headers(&[("content-type", ct)]);
            assert_eq!(
                check_post(&Method::POST, &h),
                Err(Refusal::MediaType),
                "{ct}"
            );
        }
        let h = headers(&[(
            "content-type",
            "application/x-www-form-urlencoded; charset=UTF-8",
        )]);
        assert_eq!(check_post(&Method::POST, &h), Ok(()));
        assert_eq!(
            check_post(&Method::POST, &headers(&[])),
            Err(Refusal::MediaType)
        );
    }

    #[test]
    fn removal_cookies_get_the_session_cookies_attributes() {
        let mut h = headers(&[
            (
                "set-cookie",
                "__Host-s=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
            ),
            ("set-cookie", "other=1"),
        ]);
        harden_cookies(&mut h, "__Host-s", true);
        let all: Vec<&str> = h
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().expect("text"))
            .collect();
        assert_eq!(all.len(), 2);
        let removal = all
            .iter()
            .find(|c| c.starts_with("__Host-s="))
            .expect("removal");
        for attr in [
            "Secure",
            "HttpOnly",
            "SameSite=Strict",
            "Path=/",
            "Max-Age=0",
        ] {
            assert!(removal.contains(attr), "{removal} lacks {attr}");
        }
        assert!(all.contains(&"other=1"), "other cookies untouched");
    }
}
