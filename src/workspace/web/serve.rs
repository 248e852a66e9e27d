//! Running the inbox: the server on its listener, and beside it the session purge, the pull
//! and retention timers, and the control socket that `prem inbox ...` commands reach.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result};
use tokio::task::JoinHandle;

use super::io::blocking;
use super::router::app;
use crate::workspace::{admin, pull, Workspace};

/// Binds `inbox.addr` and serves until Ctrl-C or SIGTERM.
pub fn run(inbox: Arc<Workspace>) -> Result<()> {
    let rt = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    rt.block_on(async move {
        let addr: SocketAddr = inbox.config.inbox.addr.parse().with_context(|| {
            format!(
                "inbox.addr \"{}\" is not an address like 127.0.0.1:8090",
                inbox.config.inbox.addr
            )
        })?;
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
            format!("cannot listen on {addr}: is another server using that port?")
        })?;
        serve_on(inbox, listener, crate::http::server::shutdown_signal()).await
    })
}

/// Serves until `shutdown`, with the pull timer, the daily retention purge and the session purge.
pub async fn serve_on(
    inbox: Arc<Workspace>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let sessions = inbox.store.sessions()?;
    let beside = Beside::start(&inbox, &sessions)?;
    if inbox.config.inbox.kiosks.is_empty() {
        tracing::warn!(
            "no kiosks configured: nothing will be pulled (add [[inbox.kiosks]] with name, url \
             and token_file to prem.toml)"
        );
    }
    eprintln!("workspace on http://{}/", listener.local_addr()?);
    let c = &inbox.config.inbox;
    let header_timeout = Duration::from_secs(c.header_timeout_secs);
    let drain = Duration::from_secs(c.request_timeout_secs);
    let app = app(inbox.clone(), sessions);
    crate::http::server::serve(listener, app, header_timeout, drain, shutdown).await;
    beside.stop().await;
    eprintln!("stopped");
    Ok(())
}

/// What runs beside the server, stopped with it.
struct Beside {
    tasks: Vec<JoinHandle<()>>,
    socket: PathBuf,
}

impl Beside {
    fn start(inbox: &Arc<Workspace>, sessions: &crate::store::SledSessionStore) -> Result<Beside> {
        let socket = admin::socket_path(&inbox.config, &inbox.root);
        let mut tasks = vec![sessions.spawn_purge_task(Duration::from_secs(60))];
        #[cfg(unix)]
        tasks.push(admin::spawn_control(inbox.clone(), socket.clone())?);
        tasks.push(spawn_timers(inbox.clone()));
        Ok(Beside { tasks, socket })
    }

    /// Aborts each task and waits until it is gone, so that nothing of theirs (a timer's pull
    /// or purge finding the runtime closing) runs or logs after "stopped".
    async fn stop(self) {
        for task in &self.tasks {
            task.abort();
        }
        for task in self.tasks {
            let _ = task.await;
        }
        if cfg!(unix) {
            let _ = std::fs::remove_file(&self.socket);
        }
    }
}

/// Pulls every `pull_interval_secs`; purges past retention once a day; once each day (checked
/// hourly) tells whoever must act on a case due tomorrow.
fn spawn_timers(inbox: Arc<Workspace>) -> JoinHandle<()> {
    tokio::spawn(async move {
        // The first pull is at start (unless `pull_at_start` is off, as tests that decide when
        // pulls happen set it), then every interval.
        let every = Duration::from_secs(inbox.config.inbox.pull_interval_secs);
        let now = tokio::time::Instant::now();
        let first = if inbox.config.inbox.pull_at_start {
            now
        } else {
            now + every
        };
        let mut pull = tokio::time::interval_at(first, every);
        let mut purge = tokio::time::interval(Duration::from_secs(24 * 3600));
        let mut hourly = tokio::time::interval(Duration::from_secs(3600));
        let mut told_on = None;
        loop {
            tokio::select! {
                _ = pull.tick() => { let _ = pull::pull_all(inbox.clone(), "system").await; }
                _ = purge.tick() => purge_expired(&inbox).await,
                _ = hourly.tick() => {
                    let today = inbox.today();
                    if told_on != Some(today) {
                        told_on = Some(today);
                        due_tomorrow(&inbox, today).await;
                    }
                }
            }
        }
    })
}

/// Tells whoever must act on each case due tomorrow (content-free).
async fn due_tomorrow(inbox: &Arc<Workspace>, today: chrono::NaiveDate) {
    let i = inbox.clone();
    let told = blocking(move || {
        let all = i.store.all()?;
        crate::workspace::waiting::due_tomorrow(&i, &all, today + chrono::Days::new(1));
        Ok(())
    })
    .await;
    if let Err(e) = told {
        tracing::error!(error = %e, "due-tomorrow notifications failed");
    }
}

/// Deletes referrals past retention, as the system.
async fn purge_expired(inbox: &Arc<Workspace>) {
    let (i, days) = (inbox.clone(), inbox.config.inbox.retention_days);
    let purge = move || {
        let n = i.store.purge_expired(days, "system")?;
        if n > 0 {
            // The purged cases' people and places leave the in-memory tracker too.
            crate::workspace::tracking::reload(&i)?;
        }
        Ok(n)
    };
    match blocking(purge).await {
        Ok(n) if n > 0 => tracing::info!(purged = n, "retention purge"),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "retention purge failed"),
    }
}
