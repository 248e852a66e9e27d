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

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context as _, Result};
use serde::{Deserialize, Serialize};

use super::accounts::{self, Role};
use super::audit::Verdict;
use super::{Inbox, InboxStore};
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
    store: &InboxStore,
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
            let n = store.purge_expired(config.inbox.retention_days, actor)?;
            r.line(format!(
                "deleted {n} referral{} received more than {} days ago",
                if n == 1 { "" } else { "s" },
                config.inbox.retention_days
            ));
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
    store: &InboxStore,
    config: &Config,
    cost: KdfParams,
    (name, role, la, email): (&str, &str, &Option<String>, &Option<String>),
) -> Result<()> {
    email.as_deref().map(accounts::check_email).transpose()?;
    let Some(role) = Role::parse(role) else {
        bail!("unknown role {role:?} (use reviewer, chair, business-support or admin)");
    };
    let known = &config.partnership.local_authorities;
    if let Some(la) = la.as_ref().filter(|la| !known.contains(la)) {
        bail!(
            "--la {la:?} is not in partnership.local_authorities in prem.toml (known: {})",
            known.join(", ")
        );
    }
    let password = accounts::add(store, name, role, la.as_deref(), cost)?;
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
fn user_list(r: &mut Reply, store: &InboxStore) -> Result<()> {
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

fn quarantine_list(r: &mut Reply, store: &InboxStore) -> Result<()> {
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
pub async fn run_on_inbox(inbox: Arc<Inbox>, cmd: Command, actor: &str) -> Result<Reply> {
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
        other => {
            tokio::task::spawn_blocking(move || {
                let (store, config, cost) = (&inbox.store, &inbox.config, inbox.policy.cost);
                run_on_store(store, config, cost, &other, &actor)
            })
            .await?
        }
    }
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

pub fn socket_path(config: &Config, root: &Path) -> PathBuf {
    root.join(&config.inbox.data_dir).join(SOCKET)
}

/// Sends a command to the running inbox and returns its reply.
#[cfg(unix)]
pub fn send(path: &Path, cmd: &Command) -> Result<Reply> {
    let mut stream = std::os::unix::net::UnixStream::connect(path).with_context(|| {
        format!(
            "the inbox data directory is in use, but its control socket {} does not answer: \
             is `prem inbox serve` still starting, or was it stopped uncleanly? (try again, or \
             stop the other process)",
            path.display()
        )
    })?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(600)))?;
    let mut line = serde_json::to_vec(cmd)?;
    line.push(b'\n');
    stream.write_all(&line)?;
    let mut reply = String::new();
    BufReader::new(stream)
        .read_line(&mut reply)
        .context("the running inbox did not reply")?;
    let reply: Reply = serde_json::from_str(&reply)
        .context("the running inbox sent a reply this prem cannot read")?;
    Ok(reply)
}

#[cfg(not(unix))]
pub fn send(_path: &Path, _cmd: &Command) -> Result<Reply> {
    bail!("the inbox is running: stop it to run this command (no control socket on this system)")
}

/// Listens on the control socket until the task is aborted. Only the inbox's own OS user may
/// connect; every command runs with the actor `cli` in the audit trail.
#[cfg(unix)]
pub fn spawn_control(inbox: Arc<Inbox>, path: PathBuf) -> Result<tokio::task::JoinHandle<()>> {
    use std::os::unix::fs::PermissionsExt as _;
    // A socket file left by a killed inbox: we hold the directory lock, so it is stale.
    let _ = std::fs::remove_file(&path);
    let listener = tokio::net::UnixListener::bind(&path)
        .with_context(|| format!("cannot create the control socket {}", path.display()))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("cannot restrict {}", path.display()))?;
    let me = own_uid(&path);
    Ok(tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let same_user = stream.peer_cred().is_ok_and(|c| Some(c.uid()) == me);
            let inbox = inbox.clone();
            tokio::spawn(async move {
                if let Err(e) = serve_one(inbox, stream, same_user).await {
                    tracing::warn!(error = %format!("{e:#}"), "control socket request failed");
                }
            });
        }
    }))
}

/// Our own uid, read from the socket file we just created (no libc call, no unsafe code).
#[cfg(unix)]
fn own_uid(socket: &Path) -> Option<u32> {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata(socket).ok().map(|m| m.uid())
}

#[cfg(unix)]
async fn serve_one(
    inbox: Arc<Inbox>,
    stream: tokio::net::UnixStream,
    same_user: bool,
) -> Result<()> {
    use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _};
    let (read, mut write) = stream.into_split();
    let mut line = String::new();
    tokio::io::BufReader::new(read.take_limited())
        .read_line(&mut line)
        .await?;
    let reply = if !same_user {
        tracing::warn!("control socket: refused a caller running as another user");
        let mut r = Reply::default();
        r.fail("the control socket only serves the inbox's own user");
        r
    } else {
        match serde_json::from_str::<Command>(&line) {
            Ok(cmd) => {
                tracing::info!(command = ?command_name(&cmd), "admin command");
                run_on_inbox(inbox, cmd, "cli").await.unwrap_or_else(|e| {
                    let mut r = Reply::default();
                    r.fail(format!("{e:#}"));
                    r
                })
            }
            Err(_) => {
                let mut r = Reply::default();
                r.fail("unreadable command (is the prem binary the same version as the inbox?)");
                r
            }
        }
    };
    let mut out = serde_json::to_vec(&reply)?;
    out.push(b'\n');
    write.write_all(&out).await?;
    Ok(())
}

/// The command's name for the log: never its arguments (user names are personal data).
fn command_name(cmd: &Command) -> &'static str {
    match cmd {
        Command::UserAdd { .. } => "user add",
        Command::UserEmail { .. } => "user email",
        Command::UserDisable { .. } => "user disable",
        Command::UserReset { .. } => "user reset",
        Command::UserList => "user list",
        Command::AuditVerify => "audit verify",
        Command::Pull => "pull",
        Command::Purge => "purge",
        Command::QuarantineList => "quarantine list",
        Command::QuarantineRetry => "quarantine retry",
    }
}

#[cfg(unix)]
trait TakeLimited {
    fn take_limited(self) -> tokio::io::Take<Self>
    where
        Self: Sized;
}

#[cfg(unix)]
impl<T: tokio::io::AsyncRead> TakeLimited for T {
    /// A command is a short JSON line: 64 KiB is generous.
    fn take_limited(self) -> tokio::io::Take<Self> {
        tokio::io::AsyncReadExt::take(self, 64 * 1024)
    }
}
