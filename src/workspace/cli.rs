//! `prem inbox ...`: what `main.rs` calls. Each command loads the configuration, unlocks what it
//! needs and hands over to the library; output is for people, errors are one line.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context as _, Result};

use super::admin::{self, Command};
use super::audit::Verdict;
use super::{Costs, WorkspaceDb};
use crate::config::Config;

/// `prem inbox serve`: unlock, then serve reviewers and pull on a timer.
pub fn serve(site: &Path, production: bool) -> Result<ExitCode> {
    let mut config = Config::load(site)?;
    let production = production || std::env::var("PREM_ENV").is_ok_and(|v| v == "production");
    let loopback = config
        .inbox
        .addr
        .parse::<std::net::SocketAddr>()
        .is_ok_and(|a| a.ip().is_loopback());
    if !production && loopback && config.inbox.secure_cookies {
        eprintln!("note: plain HTTP on localhost, so session cookies are not marked Secure (production always marks them)");
        config.inbox.secure_cookies = false;
    }
    if production && !config.inbox.secure_cookies {
        bail!("inbox.secure_cookies cannot be off in production");
    }
    // Fail before asking for the passphrase when another process holds the directory.
    drop(
        WorkspaceDb::open(&site.join(&config.inbox.data_dir)).map_err(|e| {
            if is_in_use(&e) {
                anyhow::anyhow!(
                "the inbox data directory {} is in use: is `prem inbox serve` already running? \
                 (administer it with `prem inbox user ...` and the other commands, which reach it \
                 through its control socket)",
                site.join(&config.inbox.data_dir).display()
            )
            } else {
                e
            }
        })?,
    );
    crate::cli::init_logging();
    let pass = super::passphrase(&config, site)?;
    let inbox = super::open(config, site, pass.as_bytes(), Costs::DEFAULT)?;
    drop(pass);
    super::web::run(inbox)?;
    Ok(ExitCode::SUCCESS)
}

/// Runs an administrative command: inside the running inbox through its control socket when
/// one holds the data directory, otherwise here, asking for the passphrase only once it is known
/// that the directory is free.
pub fn admin(site: &Path, cmd: Command) -> Result<ExitCode> {
    let config = Config::load(site)?;
    let dir = site.join(&config.inbox.data_dir);
    let reply = match WorkspaceDb::open(&dir) {
        Err(e) if is_in_use(&e) => admin::send(&admin::socket_path(&config, site), &cmd)?,
        Err(e) => return Err(e),
        Ok(db) if !cmd.needs_passphrase() => {
            let mut r = admin::Reply::default();
            match db.audit()?.verify()? {
                Verdict::Intact { entries, head } => {
                    r.out = format!("audit trail intact: {entries} entries, head {head}\n")
                }
                Verdict::Broken { seq, reason } => {
                    r.err = format!("error: audit entry {seq} {reason}\n");
                    r.code = 1;
                }
            }
            r
        }
        Ok(db) => {
            drop(db);
            let pass = super::passphrase(&config, site)?;
            if cmd.needs_key() {
                let inbox = super::open(config, site, pass.as_bytes(), Costs::DEFAULT)?;
                drop(pass);
                let rt =
                    tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
                rt.block_on(admin::run_on_inbox(inbox, cmd, "cli"))?
            } else {
                let store = super::open_store(&config, site, pass.as_bytes(), Costs::DEFAULT)?;
                admin::run_on_store(&store, &config, Costs::DEFAULT.password, &cmd, "cli")?
            }
        }
    };
    print!("{}", reply.out);
    eprint!("{}", reply.err);
    Ok(ExitCode::from(reply.code))
}

fn is_in_use(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<crate::store::StoreError>(),
        Some(crate::store::StoreError::InUse { .. })
    )
}
