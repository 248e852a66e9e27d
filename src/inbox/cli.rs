//! `prem inbox ...`: what `main.rs` calls. Each command loads the configuration, unlocks what it
//! needs and hands over to the library; output is for people, errors are one line.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Result};
use chrono::Utc;

use super::accounts::{self, Role};
use super::audit::Verdict;
use super::{Costs, InboxDb, InboxStore};
use crate::config::Config;

fn unlock(site: &Path) -> Result<(Config, InboxStore)> {
    let config = Config::load(site)?;
    let pass = super::passphrase(&config, site)?;
    let store = super::open_store(&config, site, pass.as_bytes(), Costs::DEFAULT)?;
    Ok((config, store))
}

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
    let pass = super::passphrase(&config, site)?;
    let inbox = super::open(config, site, pass.as_bytes(), Costs::DEFAULT)?;
    drop(pass);
    super::web::run(inbox)?;
    Ok(ExitCode::SUCCESS)
}

/// `prem inbox pull`: one pull from every kiosk, then a line per kiosk.
pub fn pull(site: &Path) -> Result<ExitCode> {
    let config = Config::load(site)?;
    let pass = super::passphrase(&config, site)?;
    let inbox = super::open(config, site, pass.as_bytes(), Costs::DEFAULT)?;
    let rt = tokio::runtime::Runtime::new()?;
    let reports = rt.block_on(super::pull::pull_all(inbox, "cli"));
    let mut ok = true;
    for r in reports {
        println!(
            "{}: {} new, {} already stored, {} acknowledged",
            r.kiosk, r.stored, r.already, r.acked
        );
        for (a, b) in &r.gaps {
            println!(
                "{}: sequence numbers {a}-{b} were never handed over",
                r.kiosk
            );
        }
        if let Some(e) = r.error {
            eprintln!("error: {}: {e}", r.kiosk);
            ok = false;
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

pub fn user_add(site: &Path, name: &str, role: &str, la: Option<&str>) -> Result<ExitCode> {
    let Some(role) = Role::parse(role) else {
        bail!("unknown role {role:?} (use reviewer, chair, business-support or admin)");
    };
    let (config, store) = unlock(site)?;
    if let Some(la) = la {
        if !config.partnership.local_authorities.iter().any(|l| l == la) {
            bail!("--la {la:?} is not in partnership.local_authorities in prem.toml");
        }
    }
    let password = accounts::add(&store, name, role, la, Costs::DEFAULT.password)?;
    println!(
        "created {name} ({}). Temporary password, shown once:\n{}",
        role.label(),
        *password
    );
    println!(
        "At first sign-in they choose their own password, then set up their authenticator app."
    );
    Ok(ExitCode::SUCCESS)
}

pub fn user_disable(site: &Path, name: &str) -> Result<ExitCode> {
    let (_, store) = unlock(site)?;
    accounts::disable(&store, name)?;
    println!("disabled {name}");
    Ok(ExitCode::SUCCESS)
}

pub fn user_reset(site: &Path, name: &str) -> Result<ExitCode> {
    let (_, store) = unlock(site)?;
    let password = accounts::reset(&store, name, Costs::DEFAULT.password)?;
    println!(
        "reset {name}. New temporary password, shown once:\n{}",
        *password
    );
    println!("At next sign-in they choose a new password of their own, then set up their authenticator app again.");
    Ok(ExitCode::SUCCESS)
}

pub fn user_list(site: &Path) -> Result<ExitCode> {
    let (_, store) = unlock(site)?;
    for name in store.user_names()? {
        if let Some(u) = accounts::get(&store, &name)? {
            println!(
                "{name}\t{}\t{}\t{}",
                u.role.label(),
                u.la.as_deref().unwrap_or("-"),
                if u.disabled {
                    "disabled"
                } else if u.must_change_password() {
                    "temporary password"
                } else if u.enrolled() {
                    "active"
                } else {
                    "not enrolled"
                }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `prem inbox audit verify`: needs no passphrase; exit 1 naming the first bad entry.
pub fn audit_verify(site: &Path) -> Result<ExitCode> {
    let config = Config::load(site)?;
    let db = InboxDb::open(&site.join(&config.inbox.data_dir))?;
    Ok(report_verdict(db.audit()?.verify()?))
}

pub fn report_verdict(verdict: Verdict) -> ExitCode {
    match verdict {
        Verdict::Intact { entries, head } => {
            println!("audit trail intact: {entries} entries, head {head}");
            ExitCode::SUCCESS
        }
        Verdict::Broken { seq, reason } => {
            eprintln!("error: audit entry {seq} {reason}");
            ExitCode::FAILURE
        }
    }
}

/// Deletes referrals past `inbox.retention_days`, each deletion audited under `actor`.
pub fn purge_now(store: &InboxStore, config: &Config, actor: &str) -> Result<usize> {
    let cutoff = Utc::now() - chrono::Duration::days(i64::from(config.inbox.retention_days));
    store.purge_older_than(cutoff, actor)
}

pub fn purge(site: &Path) -> Result<ExitCode> {
    let (config, store) = unlock(site)?;
    let n = purge_now(&store, &config, "cli")?;
    println!(
        "deleted {n} referral{} received more than {} days ago",
        if n == 1 { "" } else { "s" },
        config.inbox.retention_days
    );
    Ok(ExitCode::SUCCESS)
}
