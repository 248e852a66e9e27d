//! Administration of the inbox, the same whether it is running or not.
//!
//! Every `prem inbox` command other than `serve` is an [`Command`]. When no inbox holds the data
//! directory, the command unlocks the store itself (asking for the passphrase only once it knows
//! the directory is free) and runs here. When `prem inbox serve` holds it, the command is sent
//! over the running inbox's control socket (`<data_dir>/admin.sock`) and runs inside that
//! process, which has already unlocked everything: no passphrase, no "data directory in use".
//!
//! Why a socket and not web pages for accounts: accounts are still never made from a browser, so
//! taking over a web session cannot mint an admin. The socket is a Unix socket, mode 0600 in the
//! data directory, and the server also checks that the caller runs as the same OS user as the
//! inbox: exactly the people who could already read its data directory.

use std::sync::Arc;

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

mod socket;
pub use socket::{send, socket_path, spawn_control};

use super::accounts;
use super::audit::Verdict;
use super::{Workspace, WorkspaceStore};
use crate::config::Config;
use crate::seal::KdfParams;

/// The control socket's file name inside the inbox's data directory.
pub const SOCKET: &str = "admin.sock";

/// One administrative action, as typed on the command line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "kebab-case")]
pub enum Command {
    UserAdd {
        name: String,
        role: String,
        la: Option<String>,
        #[serde(default)]
        email: Option<String>,
    },
    /// Sets (or with `None` removes) where the account's notifications go.
    UserEmail {
        name: String,
        email: Option<String>,
    },
    UserDisable {
        name: String,
    },
    UserReset {
        name: String,
    },
    UserList,
    AuditVerify,
    Pull,
    Purge,
    QuarantineList,
    QuarantineRetry,
}

impl Command {
    /// Commands that need the reviewers' private key (and so the whole inbox), not only the store.
    pub fn needs_key(&self) -> bool {
        matches!(self, Command::Pull | Command::QuarantineRetry)
    }

    /// Commands that need nothing unlocked at all.
    pub fn needs_passphrase(&self) -> bool {
        !matches!(self, Command::AuditVerify)
    }
}

/// What a command prints, and its exit status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub out: String,
    pub err: String,
    pub code: u8,
}

impl Reply {
    fn line(&mut self, text: impl AsRef<str>) {
        self.out.push_str(text.as_ref());
        self.out.push('\n');
    }

    fn fail(&mut self, text: impl AsRef<str>) {
        self.err.push_str("error: ");
        self.err.push_str(text.as_ref());
        self.err.push('\n');
        self.code = 1;
    }
}

/// Runs a command that needs only the unlocked store.
pub fn run_on_store(
    store: &WorkspaceStore,
    config: &Config,
    cost: KdfParams,
    cmd: &Command,
    actor: &str,
) -> Result<Reply> {
    let mut r = Reply::default();
    match cmd {
        Command::UserAdd {
            name,
            role,
            la,
            email,
        } => user_add(&mut r, store, config, cost, (name, role, la, email))?,
        Command::UserEmail { name, email } => {
            accounts::set_email(store, name, email.as_deref())?;
            r.line(match email {
                Some(_) => format!("{name}'s notifications go to the new address"),
                None => format!("{name} gets no notifications now (no address)"),
            });
        }
        Command::UserDisable { name } => {
            accounts::disable(store, name)?;
            r.line(format!("disabled {name}"));
        }
        Command::UserReset { name } => {
            let password = accounts::reset(store, name, cost)?;
            r.line(format!(
                "reset {name}. New temporary password, shown once:\n{}",
                *password
            ));
            r.line("At next sign-in they choose a new password of their own, then set up their authenticator app again.");
        }
        Command::UserList => user_list(&mut r, store)?,
        Command::AuditVerify => match store.audit.verify()? {
            Verdict::Intact { entries, head } => r.line(format!(
                "audit trail intact: {entries} entries, head {head}"
            )),
            Verdict::Broken { seq, reason } => r.fail(format!("audit entry {seq} {reason}")),
        },
        Command::Purge => {
            let days = config.inbox.retention_days;
            r = purged(store.purge_expired(days, actor)?, days);
        }
        Command::QuarantineList => quarantine_list(&mut r, store)?,
        Command::Pull | Command::QuarantineRetry => {
            bail!("this command needs the reviewers' key: run it through the inbox")
        }
    }
    Ok(r)
}

/// `user add`: the role and LA checked against the configuration, the temporary password shown.
fn user_add(
    r: &mut Reply,
    store: &WorkspaceStore,
    config: &Config,
    cost: KdfParams,
    (name, role, la, email): (&str, &str, &Option<String>, &Option<String>),
) -> Result<()> {
    email.as_deref().map(accounts::check_email).transpose()?;
    let roles = super::role::Roles::from_config(&config.roles)?;
    if !roles.has(role) {
        let known: Vec<_> = roles.ids().collect();
        bail!(
            "unknown role {role:?} (the roles in prem.toml: {})",
            known.join(", ")
        );
    }
    let role = roles.get(role);
    let known = &config.partnership.local_authorities;
    if let Some(la) = la.as_ref().filter(|la| !known.contains(la)) {
        bail!(
            "--la {la:?} is not in partnership.local_authorities in prem.toml (known: {})",
            known.join(", ")
        );
    }
    let password = accounts::add(store, name, &role, la.as_deref(), cost)?;
    if let Some(email) = email {
        accounts::set_email(store, name, Some(email))?;
    }
    r.line(format!(
        "created {name} ({}). Temporary password, shown once:\n{}",
        role.label(),
        *password
    ));
    r.line("At first sign-in they choose their own password, then set up their authenticator app.");
    Ok(())
}

/// One line per account. Whether it has an address, not the address: the list is the kind of
/// output pasted into tickets, and "email" or "no email" is all it takes to see who will not be
/// notified (a wrong address is fixed by setting it again with `user email`).
fn user_list(r: &mut Reply, store: &WorkspaceStore) -> Result<()> {
    for name in store.user_names()? {
        if let Some(u) = accounts::get(store, &name)? {
            let la = u.la.as_deref().unwrap_or("-");
            let email = if u.email.is_some() {
                "email"
            } else {
                "no email"
            };
            r.line(format!(
                "{name}\t{}\t{la}\t{}\t{email}",
                u.role.label(),
                u.state_label()
            ));
        }
    }
    Ok(())
}

fn quarantine_list(r: &mut Reply, store: &WorkspaceStore) -> Result<()> {
    let held = store.quarantined()?;
    if held.is_empty() {
        r.line("no records are set aside");
    }
    for q in held {
        let reference = if q.reference.is_empty() {
            "-"
        } else {
            &q.reference
        };
        r.line(format!(
            "{}\tsequence {}\t{reference}\tfetched {}\ttried {}x\t{}",
            q.key.path(),
            q.sequence,
            q.fetched_at.format("%Y-%m-%d %H:%M"),
            q.attempts,
            q.reason
        ));
    }
    Ok(())
}

/// Runs any command inside a running (or freshly opened) inbox.
pub async fn run_on_inbox(inbox: Arc<Workspace>, cmd: Command, actor: &str) -> Result<Reply> {
    let actor = actor.to_string();
    match cmd {
        Command::Pull => Ok(pulled(super::pull::pull_all(inbox, &actor).await)),
        Command::QuarantineRetry => {
            tokio::task::spawn_blocking(move || {
                let (released, held) = super::pull::retry_quarantined(&inbox, &actor)?;
                let mut r = Reply::default();
                r.line(format!(
                    "{released} released into the inbox, {held} still set aside"
                ));
                Ok(r)
            })
            .await?
        }
        Command::Purge => {
            tokio::task::spawn_blocking(move || {
                let days = inbox.config.inbox.retention_days;
                let n = inbox.store.purge_expired(days, &actor)?;
                if n > 0 {
                    // The purged cases' people and places leave the running tracker too, or
                    // its pages would go on suggesting and finding them.
                    super::tracking::reload(&inbox)?;
                }
                Ok(purged(n, days))
            })
            .await?
        }
        other => {
            tokio::task::spawn_blocking(move || {
                let (store, config, cost) = (&inbox.store, &inbox.config, inbox.policy.cost);
                run_on_store(store, config, cost, &other, &actor)
            })
            .await?
        }
    }
}

/// What a purge did.
fn purged(n: usize, retention_days: u32) -> Reply {
    let mut r = Reply::default();
    r.line(format!(
        "deleted {n} referral{} received more than {retention_days} days ago",
        if n == 1 { "" } else { "s" },
    ));
    r
}

/// What a pull did, per kiosk: its summary, gaps, records set aside, and why it stopped.
fn pulled(reports: Vec<super::PullReport>) -> Reply {
    let mut r = Reply::default();
    for report in reports {
        r.line(report.summary());
        for (a, b) in &report.gaps {
            r.line(format!(
                "{}: sequence number{} never handed over",
                report.kiosk,
                if a == b {
                    format!(" {a} was")
                } else {
                    format!("s {a} to {b} were")
                }
            ));
        }
        for (path, seq, why) in &report.quarantined {
            r.line(format!(
                "{}: set aside {path} (sequence {seq}): {why}",
                report.kiosk
            ));
        }
        if let Some(e) = report.error {
            r.fail(format!("{}: {e}", report.kiosk));
        }
    }
    r
}
