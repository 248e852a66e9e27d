//! The control socket: how a `prem workspace` command reaches the running workspace (see the
//! parent module for why a socket), and the listener inside it that runs what arrives.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result};

use super::{run_on_inbox, Command, Reply, SOCKET};
use crate::config::Config;
use crate::workspace::Workspace;

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
    anyhow::bail!(
        "the inbox is running: stop it to run this command (no control socket on this system)"
    )
}

/// Listens on the control socket until the task is aborted. Only the inbox's own OS user may
/// connect; every command runs with the actor `cli` in the audit trail.
#[cfg(unix)]
pub fn spawn_control(inbox: Arc<Workspace>, path: PathBuf) -> Result<tokio::task::JoinHandle<()>> {
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
    inbox: Arc<Workspace>,
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
