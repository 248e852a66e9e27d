//! `[tracker]`: the words the tracker counts by. The forms say which answers hold people and
//! places and in which link role (`[[people]] role = ...`); here the partnership says which of
//! those roles are the people referred and which are perpetrators (intelligence, seen only by
//! roles with the `intelligence` permission), and the coded outcomes and kinds of place it uses.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrackerConfig {
    /// Link roles of the people a referral is about (repeat victims count these).
    pub referred_roles: Vec<String>,
    /// Link roles that are intelligence about others (repeat perpetrators count these).
    pub perpetrator_roles: Vec<String>,
    /// The outcomes a case can record, as codes (counted, so never free text).
    pub outcome_codes: Vec<String>,
    /// The kinds of place offered when a place is edited.
    pub place_kinds: Vec<String>,
}

impl Default for TrackerConfig {
    fn default() -> Self {
        let list = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect();
        TrackerConfig {
            referred_roles: list(&["referred"]),
            perpetrator_roles: list(&["perpetrator"]),
            outcome_codes: list(&["risk-reduced", "disruption", "arrest-or-charge", "exit"]),
            place_kinds: list(&["home", "school", "shop", "park", "other"]),
        }
    }
}
