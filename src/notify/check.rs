//! `prem workspace notify-test ADDR`: one test message, sent now, with the outcome in one line.
//!
//! The admin setting up `[notify]` needs to know at once whether the relay takes mail, and if
//! not, which key to look at; the background sender only logs a class, so this runs the same
//! relay in the foreground, once, with no retry, and shows the relay's own words.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context as _, Result};

use super::message::Notice;
use super::relay::{Failure, Relay};
use crate::config::Config;

/// Sends the test message to `addr` through the configured relay.
pub fn notify_test(site: &Path, addr: &str) -> Result<ExitCode> {
    let config = Config::load(site)?;
    let n = &config.notify;
    if !n.enabled {
        bail!(
            "notifications are off (notify.enabled is false), so nothing was sent: turn them on \
             in prem.toml or with PREM_NOTIFY_ENABLED=true, then try again"
        );
    }
    let to: lettre::Address = super::is_plain_address(addr)
        .then(|| addr.parse().ok())
        .flatten()
        .with_context(|| format!("{addr:?} is not an email address (one '@', no spaces)"))?;
    let relay = Relay::new(n, site)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let at = format!("{}:{}", n.smtp_host, n.smtp_port);
    match runtime.block_on(relay.send(&to, Notice::Test)) {
        Ok(()) => {
            println!("sent a test message to {addr} through {at}: check that it arrives");
            Ok(ExitCode::SUCCESS)
        }
        Err(f) => bail!(
            "the test message was not sent through {at} ({}): {}",
            one_line(&f),
            hint(&f)
        ),
    }
}

/// The relay's or the network's own words, on one line.
fn one_line(f: &Failure) -> String {
    let text = match f {
        Failure::Compose => "the message could not be composed".to_string(),
        Failure::Smtp(e) => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                let more = s.to_string();
                if !text.contains(&more) {
                    text = format!("{text}: {more}");
                }
                source = s.source();
            }
            text
        }
    };
    // Nested errors can repeat their kind ("Connection error: Connection error: …").
    let mut parts: Vec<&str> = text.split(": ").collect();
    parts.dedup();
    parts
        .join(": ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What to check, by the failure's class.
fn hint(f: &Failure) -> &'static str {
    let class = f.class();
    if class == "connection" || class == "timeout" {
        "check notify.smtp_host and notify.smtp_port, that notify.security is what that port \
         speaks (starttls on 587, tls on 465), and that this machine may reach the relay"
    } else if class == "tls" {
        "check notify.security (starttls on 587, tls on 465), that notify.smtp_host is the name \
         on the relay's certificate, and that this machine trusts its issuer (add an internal CA \
         to the system's trust store)"
    } else if class == "client" {
        "check notify.security: the relay may not offer what it asks for (starttls on 587, tls \
         on 465; none only for a relay on this machine)"
    } else if class.starts_with("refused 53") {
        "check notify.username and notify.password_file"
    } else if class.starts_with("refused") {
        "the relay refused the message: check that notify.from is a mailbox it may send as, and \
         the address"
    } else if class.starts_with("deferred") {
        "the relay is busy or deferring mail: try again in a few minutes"
    } else {
        "check the [notify] settings against the relay's documentation"
    }
}
