//! The inbox's HTTP side: one router behind the shared hardening of `http` (security headers,
//! request logs, body limit, timeouts, the hyper server with a header-read timeout), plus what a
//! signed-in service needs on top (`layers`): `Cache-Control: no-store` on everything, a rate
//! limit on every post, and an error type that never shows internals.
//!
//! Handlers are short: extractors on top ([`session::SignedIn`] with the permission a route
//! needs, `http::extract::CsrfForm` for posts), the domain below (`workspace::case`,
//! `workspace::listing`, the store), and a view to render.

mod add;
mod assets;
mod auth;
mod cases;
mod edit;
mod error;
mod frame;
mod io;
mod layers;
mod meetings;
mod meetings_case;
mod meetings_extra;
mod meetings_form;
mod meetings_pack;
mod moves;
mod people;
mod quarantine;
mod router;
mod serve;
mod session;
mod subject;

pub use error::WorkspaceError;
pub use router::app;
pub use serve::{run, serve_on};
