//! prem: the guidance site generator and secure referral kiosk for multi-agency
//! exploitation and missing partnerships.
//!
//! The binary in `main.rs` only parses arguments; everything else lives here so
//! that tests and benchmarks drive exactly the code the command line runs.

pub mod calendar;
pub mod checker;
pub mod cli;
pub mod config;
pub mod content;
pub mod criteria;
pub mod csv;
pub mod forms;
pub mod glossary;
pub mod http;
pub mod kiosk;
pub mod local_time;
pub mod markdown;
pub mod meetings;
pub mod notify;
pub mod preview;
pub mod published;
pub mod seal;
pub mod search;
pub mod site;
pub mod slides;
pub mod store;
pub mod submission;
pub mod theme;
pub mod tracker;
pub mod workspace;
