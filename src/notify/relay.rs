//! The connection to the mail relay: built once from `[notify]`, then used for every message.
//!
//! Why errors are reduced to a class ([`failure_class`]): a relay's reply often quotes the
//! recipient's address ("550 <someone@…> unknown"), and the logs must not hold who was told
//! what. A class and a reply code are enough to tell a wrong port from a full mailbox.

use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Context as _, Result};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Tokio1Executor};
use zeroize::Zeroizing;

use super::message::{compose, Letterhead, Notice};
use crate::config::{NotifyConfig, Security};

/// How long one SMTP command may take: a relay that hangs must not hold the queue for long.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(10);

/// Waits before the second and third tries: brief, since a relay that is down for longer is
/// an outage for the admin, not something a queue of notifications should ride out.
#[cfg(not(test))]
const RETRY_AFTER: [Duration; 2] = [Duration::from_secs(1), Duration::from_secs(5)];
/// The same tries, quickly, so unit tests can watch a send fail for good.
#[cfg(test)]
const RETRY_AFTER: [Duration; 2] = [Duration::from_millis(10), Duration::from_millis(10)];

/// A relay ready to send: the transport and what every message shares.
pub(crate) struct Relay {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    pub(crate) head: Letterhead,
}

impl Relay {
    /// Reads the password file (relative paths from the site folder) and sets up the transport;
    /// nothing is sent or connected yet.
    pub(crate) fn new(config: &NotifyConfig, root: &Path) -> Result<Self> {
        let host = config
            .smtp_host
            .trim_start_matches('[')
            .trim_end_matches(']');
        let params = || {
            TlsParameters::new(host.to_string())
                .with_context(|| format!("notify.smtp_host \"{host}\": cannot set up TLS for it"))
        };
        let tls = match config.security {
            Security::Starttls => Tls::Required(params()?),
            Security::Tls => Tls::Wrapper(params()?),
            Security::None => Tls::None,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(config.smtp_port)
            .tls(tls)
            .timeout(Some(COMMAND_TIMEOUT));
        if let Some(file) = &config.password_file {
            let password = read_password(&root.join(file))?;
            builder = builder.credentials(Credentials::new(
                config.username.clone(),
                password.to_string(),
            ));
        }
        let from = config.from.parse().map_err(|_| {
            anyhow::anyhow!(
                "notify.from \"{}\" is not an address the relay would take: use a role mailbox \
                 such as workspace@example.org",
                config.from
            )
        })?;
        Ok(Relay {
            transport: builder.build(),
            head: Letterhead {
                from,
                workspace_url: config.workspace_url.clone(),
                subject_prefix: config.subject_prefix.clone(),
            },
        })
    }

    /// One try: compose and send to one recipient.
    pub(crate) async fn send(&self, to: &lettre::Address, notice: Notice) -> Result<(), Failure> {
        let message = compose(&self.head, to, notice).map_err(|_| Failure::Compose)?;
        self.transport
            .send(message)
            .await
            .map(drop)
            .map_err(Failure::Smtp)
    }

    /// Sends, trying again after a short wait when the failure may pass (the relay unreachable,
    /// busy, or answering 4xx); a refusal (5xx) or a TLS failure is not retried.
    pub(crate) async fn send_with_retry(
        &self,
        to: &lettre::Address,
        notice: Notice,
    ) -> Result<(), Failure> {
        let mut waits = RETRY_AFTER.iter();
        loop {
            match self.send(to, notice).await {
                Ok(()) => return Ok(()),
                Err(f) if f.may_pass() => match waits.next() {
                    Some(wait) => tokio::time::sleep(*wait).await,
                    None => return Err(f),
                },
                Err(f) => return Err(f),
            }
        }
    }
}

/// Why one message was not sent.
#[derive(Debug)]
pub(crate) enum Failure {
    Compose,
    Smtp(lettre::transport::smtp::Error),
}

impl Failure {
    fn may_pass(&self) -> bool {
        match self {
            Failure::Compose => false,
            Failure::Smtp(e) => {
                !(e.is_permanent() || e.is_tls() || e.is_client() || certificate_refused(e))
            }
        }
    }

    /// The failure's class and reply code, safe to log: never the relay's words.
    pub(crate) fn class(&self) -> String {
        match self {
            Failure::Compose => "compose".into(),
            Failure::Smtp(e) => failure_class(e),
        }
    }
}

fn failure_class(e: &lettre::transport::smtp::Error) -> String {
    if let Some(code) = e.status() {
        let kind = if e.is_permanent() {
            "refused"
        } else {
            "deferred"
        };
        format!("{kind} {code}")
    } else if e.is_timeout() {
        "timeout".into()
    } else if e.is_tls() || certificate_refused(e) {
        "tls".into()
    } else if e.is_response() {
        "unreadable reply".into()
    } else if e.is_client() {
        "client".into()
    } else {
        "connection".into()
    }
}

/// The relay's certificate was not accepted (unknown issuer, wrong name, expired). lettre
/// reports that as a connection error, with rustls's words in the chain; it will not pass by
/// trying again, and the hint it needs is about trust, not reachability.
fn certificate_refused(e: &lettre::transport::smtp::Error) -> bool {
    let mut cause: Option<&dyn std::error::Error> = Some(e);
    while let Some(c) = cause {
        if c.to_string().contains("certificate") {
            return true;
        }
        cause = c.source();
    }
    false
}

/// The relay password, from a file only its owner can read (like the kiosk tokens).
fn read_password(path: &Path) -> Result<Zeroizing<String>> {
    let unreadable = |e: std::io::Error| {
        anyhow::anyhow!(
            "{}: cannot read the relay password ({}): check notify.password_file names a file \
             this user can read",
            path.display(),
            e.kind()
        )
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(path)
            .map_err(unreadable)?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            bail!(
                "{}: the relay password file is readable by other users (run `chmod 600` on it)",
                path.display()
            );
        }
    }
    let text = Zeroizing::new(std::fs::read_to_string(path).map_err(unreadable)?);
    let password = Zeroizing::new(text.trim_end_matches(['\r', '\n']).to_string());
    if password.is_empty() {
        bail!(
            "{}: the relay password file (notify.password_file) is empty",
            path.display()
        );
    }
    Ok(password)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> NotifyConfig {
        NotifyConfig::enabled_for_tests()
    }

    #[cfg(unix)]
    #[test]
    fn a_password_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("relay.pw");
        std::fs::write(&file, "s3cret\n").expect("write");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let c = NotifyConfig {
            username: "svc".into(),
            password_file: Some("relay.pw".into()),
            ..config()
        };
        let msg = format!("{:#}", Relay::new(&c, dir.path()).err().expect("refused"));
        assert!(
            msg.contains("chmod 600") && !msg.contains("s3cret"),
            "{msg}"
        );
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        Relay::new(&c, dir.path()).expect("private file");
    }

    #[test]
    fn a_missing_password_file_names_the_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let c = NotifyConfig {
            username: "svc".into(),
            password_file: Some("nowhere.pw".into()),
            ..config()
        };
        let msg = format!("{:#}", Relay::new(&c, dir.path()).err().expect("refused"));
        assert!(msg.contains("notify.password_file"), "{msg}");
    }
}
