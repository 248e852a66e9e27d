//! The partnership's tracker of people, perpetrators and places, as a pure domain: no HTTP, no
//! storage, no clock. The workspace stores these plain serde types sealed, and calls these
//! functions with data in and data out, so every rule here is tested without a server.
//!
//! - [`model`]: people, places, their links to cases in a role, and case outcomes;
//! - [`normalise`]: what people type made comparable (case, diacritics, "Surname, First",
//!   phones, postcode districts, approximate ages);
//! - [`score`]: Fellegi–Sunter weights per field, an absolute score and its explanation;
//! - [`decide`]: a reviewer's verdict on a pair, kept for ever; confirmed pairs form clusters;
//! - [`index`]: everything held, with blocking keys, and the possible matches of a record;
//! - [`search`]: by name, alias, date of birth, reference, place or district, within the cases
//!   the caller says the user may see;
//! - [`repeats`]: repeat victims, repeat perpetrators and hotspots, by LA and year, and as CSV;

pub mod decide;
pub mod extract;
pub mod index;
pub mod model;
pub mod normalise;
pub mod repeats;
pub mod score;
pub mod search;
