//! The workspace's roles and workflows as configuration (`[[roles]]`, `[workflows.NAME]`): who
//! works there and what each may see, and the states a case moves through, the moves between
//! them, who may make each, what each asks, and the deadlines. A partnership's own stages, ranks
//! and deadlines are written here, in its `prem.toml`, so the engine names none of them.
//!
//! The defaults are deliberately plain (a referral that is accepted or not; a status-only
//! record), so a partnership without these tables still runs, and says so in its pages.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

/// One role in the workspace: its permissions, and how far across the local authorities it sees.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RoleConfig {
    /// What accounts are given (`prem workspace user add --role ID`), e.g. "reviewer".
    pub id: String,
    /// How pages name it, e.g. "Police reviewer".
    pub title: String,
    /// Which cases an account of this role sees: every LA's (`none`), or only its own LA's,
    /// where that LA is the presenting one (`presenting`) or named by any LA answer (`any`).
    #[serde(default)]
    pub la: LaScope,
    /// Its permissions, from the workspace's list (see README: view-list, view-case, …).
    #[serde(default)]
    pub may: Vec<String>,
}

/// How far across the local authorities a role sees.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LaScope {
    /// Every LA: the account is tied to none.
    #[default]
    None,
    /// The account's LA, where it is the presenting LA.
    Presenting,
    /// The account's LA, named by any of a record's LA answers.
    Any,
}

/// One workflow: the states its cases pass through and the moves between them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowConfig {
    pub title: String,
    /// The state a pulled record starts in (a form may start later: its `start` key).
    pub start: String,
    pub states: Vec<StateConfig>,
    #[serde(default)]
    pub moves: Vec<MoveConfig>,
}

/// One state of a workflow.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StateConfig {
    pub id: String,
    pub title: String,
    /// If set, only these roles see a case while it is in this state (an unendorsed referral
    /// is its LA manager's alone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen_by: Option<Vec<String>>,
    /// A deadline counted from entering the state, in working days (weekends and the
    /// partnership's bank holidays skipped) …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_days: Option<u32>,
    /// … or in calendar days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// Email the members of the roles that may move a case on from here when one arrives
    /// (content-free; see `[notify]`).
    #[serde(default)]
    pub notify: bool,
}

/// One move: from which states, to which, by whom, and what it asks besides the reason.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MoveConfig {
    pub id: String,
    /// The button and the page heading, e.g. "Endorse the referral".
    pub title: String,
    pub from: Vec<String>,
    pub to: String,
    pub roles: Vec<String>,
    /// The label of the reason every move asks for.
    #[serde(default = "default_reason")]
    pub reason: String,
    /// A sentence under the heading saying what the move means.
    #[serde(default)]
    pub hint: String,
    #[serde(default)]
    pub fields: Vec<MoveField>,
}

fn default_reason() -> String {
    "Why (required)".into()
}

/// One question a move asks, declared like a form question.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MoveField {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub hint: String,
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    /// A date that may not fall after the deadline of the state the case is leaving.
    #[serde(default)]
    pub by_deadline: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldKind {
    /// One line of text.
    Line,
    /// A paragraph.
    Text,
    /// A date (day, month, year).
    Date,
    /// A box to tick, e.g. "Every action has been reviewed"; when required it must be ticked.
    Confirm,
}

/// The roles a workspace has when `prem.toml` declares none.
pub fn default_roles() -> Vec<RoleConfig> {
    let role = |id: &str, title: &str, la: LaScope, may: &[&str]| RoleConfig {
        id: id.into(),
        title: title.into(),
        la,
        may: may.iter().map(|s| s.to_string()).collect(),
    };
    let police = [
        "view-list",
        "view-case",
        "export",
        "search",
        "tracker",
        "edit-tracker",
        "intelligence",
        "match",
    ];
    vec![
        role(
            "reviewer",
            "Reviewer",
            LaScope::None,
            &[&police[..], &["pull"]].concat(),
        ),
        role("chair", "Panel chair", LaScope::None, &police),
        role(
            "business-support",
            "LA business support",
            LaScope::Any,
            &["view-list", "view-case", "export", "search", "tracker"],
        ),
        role(
            "la-manager",
            "LA authorising manager",
            LaScope::Presenting,
            &["view-list", "view-case", "export", "search"],
        ),
        role(
            "admin",
            "Administrator",
            LaScope::None,
            &[
                "view-list",
                "pull",
                "read-audit",
                "export-csv",
                "manage-quarantine",
                "subject-access",
            ],
        ),
    ]
}

/// The workflows a workspace has when `prem.toml` declares none: a referral accepted or not by
/// a reviewer, and a status-only record.
pub fn default_workflows() -> BTreeMap<String, WorkflowConfig> {
    let state = |id: &str, title: &str, working_days: Option<u32>| StateConfig {
        id: id.into(),
        title: title.into(),
        seen_by: None,
        working_days,
        days: None,
        notify: working_days.is_some(),
    };
    let step = |id: &str, title: &str, from: &[&str], to: &str| MoveConfig {
        id: id.into(),
        title: title.into(),
        from: from.iter().map(|s| s.to_string()).collect(),
        to: to.into(),
        roles: vec!["reviewer".into()],
        reason: default_reason(),
        hint: String::new(),
        fields: Vec::new(),
    };
    let referral = WorkflowConfig {
        title: "Referral".into(),
        start: "new".into(),
        states: vec![
            state("new", "New", Some(7)),
            state("accepted", "Accepted", None),
            state("not-accepted", "Not accepted", None),
        ],
        moves: vec![
            step("accept", "Accept", &["new"], "accepted"),
            step("not-accept", "Do not accept", &["new"], "not-accepted"),
        ],
    };
    let status = WorkflowConfig {
        title: "Status only".into(),
        start: "new".into(),
        states: vec![
            state("new", "New", None),
            state("reviewed", "Reviewed", None),
            state("actioned", "Actioned", None),
            state("closed", "Closed", None),
        ],
        moves: vec![
            step("review", "Mark reviewed", &["new"], "reviewed"),
            step("action", "Mark actioned", &["new", "reviewed"], "actioned"),
            step("close", "Close", &["new", "reviewed", "actioned"], "closed"),
        ],
    };
    BTreeMap::from([("referral".into(), referral), ("status".into(), status)])
}

pub(super) fn id_ok(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Checks the roles and workflows together: every id well formed and unique, every state and
/// role a move or state names declared, each deadline given one way.
pub fn validate(roles: &[RoleConfig], workflows: &BTreeMap<String, WorkflowConfig>) -> Result<()> {
    if roles.is_empty() {
        bail!("roles is empty: declare at least one [[roles]] (or leave the table out for the defaults)");
    }
    let mut role_ids = Vec::new();
    for (n, r) in roles.iter().enumerate() {
        let at = format!("roles[{}]", n + 1);
        if !id_ok(&r.id) {
            bail!(
                "{at}: id \"{}\" must be lowercase letters, digits, '-' or '_'",
                r.id
            );
        }
        if role_ids.contains(&r.id.as_str()) {
            bail!("{at}: the role id \"{}\" is declared twice", r.id);
        }
        role_ids.push(&r.id);
    }
    let known_role = |at: &str, id: &str| -> Result<()> {
        if role_ids.contains(&id) {
            Ok(())
        } else {
            bail!(
                "{at}: unknown role \"{id}\" (declared roles: {})",
                role_ids.join(", ")
            )
        }
    };
    if workflows.is_empty() {
        bail!("workflows is empty: declare at least one [workflows.NAME] (or leave it out for the defaults)");
    }
    for (name, w) in workflows {
        let at = format!("workflows.{name}");
        if !id_ok(name) {
            bail!("{at}: the name must be lowercase letters, digits, '-' or '_'");
        }
        let mut states = Vec::new();
        for (n, s) in w.states.iter().enumerate() {
            let at = format!("{at}.states[{}]", n + 1);
            if !id_ok(&s.id) || states.contains(&s.id.as_str()) {
                bail!(
                    "{at}: id \"{}\" must be unique and lowercase letters, digits, '-' or '_'",
                    s.id
                );
            }
            if s.working_days.is_some() && s.days.is_some() {
                bail!("{at}: give its deadline as working_days or days, not both");
            }
            for role in s.seen_by.iter().flatten() {
                known_role(&format!("{at}.seen_by"), role)?;
            }
            states.push(&s.id);
        }
        let known_state = |at: &str, id: &str| -> Result<()> {
            if states.contains(&id) {
                Ok(())
            } else {
                bail!(
                    "{at}: unknown state \"{id}\" (this workflow's states: {})",
                    states.join(", ")
                )
            }
        };
        known_state(&format!("{at}.start"), &w.start)?;
        let mut moves = Vec::new();
        for (n, m) in w.moves.iter().enumerate() {
            let at = format!("{at}.moves[{}]", n + 1);
            if !id_ok(&m.id) || moves.contains(&m.id.as_str()) {
                bail!(
                    "{at}: id \"{}\" must be unique and lowercase letters, digits, '-' or '_'",
                    m.id
                );
            }
            moves.push(&m.id);
            if m.from.is_empty() {
                bail!("{at}: from is empty, so the move could never be made");
            }
            for s in &m.from {
                known_state(&format!("{at}.from"), s)?;
            }
            known_state(&format!("{at}.to"), &m.to)?;
            if m.roles.is_empty() {
                bail!("{at}: roles is empty, so nobody could make the move");
            }
            for role in &m.roles {
                known_role(&format!("{at}.roles"), role)?;
            }
            for (k, f) in m.fields.iter().enumerate() {
                let at = format!("{at}.fields[{}]", k + 1);
                if !id_ok(&f.id) || f.id == "reason" || m.fields[..k].iter().any(|g| g.id == f.id) {
                    bail!("{at}: id \"{}\" must be unique, not \"reason\", and lowercase letters, digits, '-' or '_'", f.id);
                }
                if f.label.trim().is_empty() {
                    bail!("{at}: label is empty");
                }
                if f.by_deadline && f.kind != FieldKind::Date {
                    bail!("{at}: by_deadline is only for kind = \"date\"");
                }
            }
        }
    }
    Ok(())
}
