//! Roles and what each may do, from configuration (`[[roles]]`): the one table every route asks.
//! Who may make each move on a case is not here but on the move (`[workflows.NAME]` moves'
//! `roles`).
//!
//! An account stores only its role's id. The role's permissions are attached when the account
//! is read for a request ([`Roles::resolve`]); an account read any other way, or whose role
//! configuration no longer has, may do nothing: the safe way round.

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

use crate::config::{LaScope, RoleConfig};

/// An account's role: its id as stored, and (once resolved) what configuration grants it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Role {
    id: String,
    #[serde(skip)]
    granted: Granted,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Granted {
    title: String,
    la: LaScope,
    may: Vec<Permission>,
}

impl Role {
    /// A role by id, granted nothing until resolved.
    pub fn named(id: &str) -> Role {
        Role {
            id: id.to_string(),
            granted: Granted::default(),
        }
    }

    /// Its id, as accounts, moves and the audit trail name it.
    pub fn label(&self) -> &str {
        &self.id
    }

    /// How pages name it (its id until resolved).
    pub fn title(&self) -> &str {
        if self.granted.title.is_empty() {
            &self.id
        } else {
            &self.granted.title
        }
    }

    /// How far across the local authorities it sees.
    pub fn la_scope(&self) -> LaScope {
        self.granted.la
    }

    /// Whether configuration grants it `action`.
    pub fn may(&self, action: Permission) -> bool {
        self.granted.may.contains(&action)
    }
}

/// The roles `prem.toml` declares.
#[derive(Debug, Clone)]
pub struct Roles(Vec<(String, Granted)>);

impl Roles {
    /// Reads `[[roles]]`, refusing an unknown permission with the key that names it.
    pub fn from_config(roles: &[RoleConfig]) -> Result<Roles> {
        let mut out = Vec::new();
        for (n, r) in roles.iter().enumerate() {
            let mut may = Vec::new();
            for p in &r.may {
                let Some(p) = Permission::parse(p) else {
                    let known: Vec<_> = Permission::ALL.iter().map(|p| p.name()).collect();
                    bail!(
                        "roles[{}].may: unknown permission \"{p}\" (known: {})",
                        n + 1,
                        known.join(", ")
                    );
                };
                may.push(p);
            }
            let granted = Granted {
                title: r.title.clone(),
                la: r.la,
                may,
            };
            out.push((r.id.clone(), granted));
        }
        Ok(Roles(out))
    }

    /// Whether `id` is a declared role.
    pub fn has(&self, id: &str) -> bool {
        self.0.iter().any(|(r, _)| r == id)
    }

    /// The declared role ids, in order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(r, _)| r.as_str())
    }

    /// Attaches what configuration grants `role` (nothing if it is not declared).
    pub fn resolve(&self, role: &mut Role) {
        role.granted = (self.0.iter())
            .find(|(id, _)| *id == role.id)
            .map(|(_, g)| g.clone())
            .unwrap_or_default();
    }

    /// `id` as a resolved role.
    pub fn get(&self, id: &str) -> Role {
        let mut role = Role::named(id);
        self.resolve(&mut role);
        role
    }
}

/// Things a request may try to do. Moving a case on is not here: each move names its roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    ViewList,
    /// Read a case's referral and history (and print it).
    ViewCase,
    Pull,
    /// One case as JSON or a printable page.
    Export,
    ExportCsv,
    ReadAudit,
    /// See records that did not open, and retry them.
    ManageQuarantine,
    /// Search cases by name, date of birth, reference or place.
    Search,
    /// See the people and places linked to cases.
    Tracker,
    /// Add and edit people, places and outcomes.
    EditTracker,
    /// See perpetrators and their details.
    Intelligence,
    /// Confirm, reject or mark unsure a possible match.
    Match,
    /// Produce everything held about one person.
    SubjectAccess,
    /// See the meeting calendar, the cases listed and the agendas (of its LA's meetings).
    Meetings,
    /// List cases for meetings, record invitations and attendance, publish agendas.
    ManageMeetings,
    /// Choose which member agencies are invited for a listed case.
    ChooseAgencies,
    /// Agree actions, record their updates and status, and minute a case.
    Actions,
    /// Request an extraordinary meeting, and record it once convened.
    Extraordinary,
}

impl Permission {
    pub const ALL: [Permission; 18] = [
        Permission::ViewList,
        Permission::ViewCase,
        Permission::Pull,
        Permission::Export,
        Permission::ExportCsv,
        Permission::ReadAudit,
        Permission::ManageQuarantine,
        Permission::Search,
        Permission::Tracker,
        Permission::EditTracker,
        Permission::Intelligence,
        Permission::Match,
        Permission::SubjectAccess,
        Permission::Meetings,
        Permission::ManageMeetings,
        Permission::ChooseAgencies,
        Permission::Actions,
        Permission::Extraordinary,
    ];

    /// Its name in `prem.toml` and in the audit trail (`denied:view-case`).
    pub fn name(self) -> &'static str {
        match self {
            Permission::ViewList => "view-list",
            Permission::ViewCase => "view-case",
            Permission::Pull => "pull",
            Permission::Export => "export",
            Permission::ExportCsv => "export-csv",
            Permission::ReadAudit => "read-audit",
            Permission::ManageQuarantine => "manage-quarantine",
            Permission::Search => "search",
            Permission::Tracker => "tracker",
            Permission::EditTracker => "edit-tracker",
            Permission::Intelligence => "intelligence",
            Permission::Match => "match",
            Permission::SubjectAccess => "subject-access",
            Permission::Meetings => "meetings",
            Permission::ManageMeetings => "manage-meetings",
            Permission::ChooseAgencies => "choose-agencies",
            Permission::Actions => "actions",
            Permission::Extraordinary => "extraordinary",
        }
    }

    pub fn parse(s: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.name() == s)
    }
}
