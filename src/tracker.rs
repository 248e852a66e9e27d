//! The partnership's tracker of people, perpetrators and places, as a pure domain: no HTTP, no
//! storage, no clock. The workspace stores these plain serde types sealed, and calls these
//! functions with data in and data out, so every rule here is tested without a server.
//!
//! - [`model`]: people, places, their links to cases in a role, and case outcomes;
//! - [`extract`]: a referral's people and places, where its form's `[[people]]` and
//!   `[[places]]` say they are;
//! - [`normalise`]: what people type made comparable (case, diacritics, "Surname, First",
//!   phones, postcode districts, approximate ages);
//! - [`score`]: Fellegi–Sunter weights per field, an absolute score and its explanation;
//! - [`decide`]: a reviewer's verdict on a pair, kept for ever; confirmed pairs form clusters;
//! - [`index`]: everything held, with blocking keys, and the possible matches of a record;
//! - [`search`]: by name, alias, date of birth, reference, place or district, within the cases
//!   the caller says the user may see;
//! - [`redact`]: the people other than the subject withheld from a subject access request;
//! - [`repeats`]: repeat victims, repeat perpetrators and hotspots, by LA and year, and as CSV.
//!
//! Wiring, in the order a workspace meets it: at start, put every stored person, place, link
//! and case into an [`Index`] and replay the stored decisions into [`Decisions`]. When a case
//! arrives, [`extract`] its people and places, store and index them, and show each one's
//! [`Index::candidates`] / [`Index::place_candidates`]. A reviewer's verdict is a
//! [`MatchDecision`]: store it (with its audit entry) and [`Decisions::record`] it. Search and
//! the lists ([`Lists::build`] once per change, then cheap queries) take the user's visibility
//! as data (a predicate, a [`Filter`]), so the rules of who sees what stay in the workspace.

pub mod decide;
pub mod extract;
pub mod index;
pub mod model;
pub mod normalise;
pub mod redact;
pub mod repeats;
pub mod score;
pub mod search;

pub use decide::{Clusters, Decisions, MatchDecision, Verdict};
pub use extract::{extract, Extracted};
pub use index::{Index, Suggestion};
pub use model::{ApproxAge, CaseFacts, Id, Link, Outcome, Person, Place, Subject};
pub use repeats::{csv, Filter, Listing, Lists, Page, Roles, Row};
pub use score::{Agreement, Band, Explanation, Field, FieldScore};
pub use search::{FoundBy, Hit, Query};
