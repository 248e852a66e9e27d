//! Hardened HTTP plumbing shared by every prem listener (the kiosk and the inbox). It knows no
//! forms, referrals or pages: each app maps the refusals here onto its own error pages.
//!
//! - [`server`]: serving a router with a header-read timeout and a graceful drain, and the
//!   shutdown signal.
//! - [`csrf`]: the synchronizer token in the session and the hidden field.
//! - [`extract`]: [`extract::CsrfForm`], which decodes a form post and checks its token, in
//!   that order, before any handler runs.
//! - [`headers`]: CSP and the other security headers.
//! - [`log`]: one line per request, carrying an internal failure's detail under the id its
//!   error page shows.
//! - [`guard`]: the second layer of defence behind the CSRF token on every post: Fetch
//!   Metadata and `Origin` checks and the one accepted body type; and the session cookie's
//!   attributes on every `Set-Cookie`, including the removal cookie.
//! - [`session`]: the session cookie's name rule and attributes, shared by every app.
//! - [`ratelimit`]: token buckets per session (page posts) and per address (new sessions,
//!   final submits), so that an office of people behind one address is never refused while
//!   one client flooding posts or sessions is.

pub mod csrf;
pub mod extract;
pub mod guard;
pub mod headers;
pub mod log;
pub mod ratelimit;
pub mod server;
pub mod session;
