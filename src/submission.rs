//! The contract between the kiosk, which seals a submission, and the reviewers' side, which opens
//! it: the JSON inside every sealed record and its schema version. Both sides use this one
//! definition, so a field cannot drift between them.

use serde::{Deserialize, Serialize};

use crate::forms::Answers;

/// Version of the JSON sealed inside each record. The inbox sets aside a record whose version
/// it does not know instead of misreading it.
pub const SCHEMA_VERSION: u16 = 1;

/// What the reviewers receive, sealed: the form, when it was started and sent, and the answers
/// exactly as validated.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Submission {
    pub schema: u16,
    pub reference: String,
    pub form: String,
    pub form_title: String,
    pub form_version: u32,
    pub started_at: String,
    pub submitted_at: String,
    pub answers: Answers,
}
