//! Roles and what each may do: the one table every route asks. Who records an escalation
//! stage's outcome is not here but in each stage's `roles` (`[[inbox.escalation]]`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Reviewer,
    Chair,
    BusinessSupport,
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "reviewer" => Some(Role::Reviewer),
            "chair" => Some(Role::Chair),
            "business-support" => Some(Role::BusinessSupport),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Reviewer => "reviewer",
            Role::Chair => "chair",
            Role::BusinessSupport => "business-support",
            Role::Admin => "admin",
        }
    }

    /// The one table of who may do what; every handler asks it.
    pub fn may(self, action: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Reviewer => matches!(
                action,
                ViewList | ViewReferral | Decide | SetStatus | Pull | Export
            ),
            Role::Chair => matches!(action, ViewList | ViewReferral | Export),
            Role::BusinessSupport => matches!(action, ViewList | ViewReferral | Export),
            Role::Admin => matches!(
                action,
                ViewList | Pull | ReadAudit | ExportCsv | ManageQuarantine
            ),
        }
    }
}

/// Things a request may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    ViewList,
    /// Read a referral's answers (and print it).
    ViewReferral,
    Decide,
    SetStatus,
    Pull,
    /// A referral as JSON or a printable page.
    Export,
    ExportCsv,
    ReadAudit,
    /// See records that did not open, and retry them.
    ManageQuarantine,
}

impl Permission {
    /// Its name in the audit trail (`denied:Decide`).
    pub fn name(self) -> &'static str {
        match self {
            Permission::ViewList => "ViewList",
            Permission::ViewReferral => "ViewReferral",
            Permission::Decide => "Decide",
            Permission::SetStatus => "SetStatus",
            Permission::Pull => "Pull",
            Permission::Export => "Export",
            Permission::ExportCsv => "ExportCsv",
            Permission::ReadAudit => "ReadAudit",
            Permission::ManageQuarantine => "ManageQuarantine",
        }
    }
}
