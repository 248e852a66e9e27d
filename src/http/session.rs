//! The session cookie every prem app uses: one name rule and one set of attributes, so the
//! kiosk and the inbox cannot drift apart on what keeps a session id safe.

use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer, SessionStore};

/// A session cookie's name and whether it is `Secure`.
#[derive(Debug, Clone, Copy)]
pub struct Cookie {
    /// The name with its `__Host-` prefix when secure: a cookie the browser only accepts from
    /// this exact host over HTTPS, with path `/`, so no sibling subdomain can plant one.
    pub name: &'static str,
    pub secure: bool,
}

impl Cookie {
    /// `secure_name` must start `__Host-`; `plain_name` is for plain-HTTP localhost only.
    pub const fn new(secure: bool, secure_name: &'static str, plain_name: &'static str) -> Self {
        Cookie {
            name: if secure { secure_name } else { plain_name },
            secure,
        }
    }
}

/// Server-side sessions in `store`: the cookie HTTP-only, same-site only, for the whole host,
/// and the session ended after `idle_minutes` without a request.
pub fn layer<S: SessionStore + Clone>(
    store: S,
    cookie: Cookie,
    idle_minutes: u32,
) -> SessionManagerLayer<S> {
    let idle = tower_sessions::cookie::time::Duration::minutes(i64::from(idle_minutes));
    SessionManagerLayer::new(store)
        .with_name(cookie.name)
        .with_secure(cookie.secure)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secure_cookie_takes_the_host_prefixed_name() {
        assert_eq!(Cookie::new(true, "__Host-a", "a").name, "__Host-a");
        assert_eq!(Cookie::new(false, "__Host-a", "a").name, "a");
    }
}
