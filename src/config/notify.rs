//! `[notify]`: the mail relay the workspace tells people through that something waits for them.
//!
//! Off by default: a partnership turns it on once it has a relay and a role mailbox to send from.
//! The password is never in `prem.toml` (only the file holding it), and the messages themselves
//! are fixed text (`crate::notify`), so nothing here can put case content into a mail.

use std::path::PathBuf;

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (port 587); refused if the relay cannot.
    #[default]
    Starttls,
    /// TLS from the first byte (SMTPS, port 465).
    Tls,
    /// No encryption at all: only for a relay on this machine (loopback), e.g. a local MTA.
    None,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotifyConfig {
    /// Send notifications at all.
    pub enabled: bool,
    /// The mail relay's host name or address.
    pub smtp_host: String,
    pub smtp_port: u16,
    pub security: Security,
    /// The relay account; no authentication when empty.
    pub username: String,
    /// File holding the relay account's password (mode 0600); required with `username`.
    pub password_file: Option<PathBuf>,
    /// The sender: a role mailbox, never a person's own address.
    pub from: String,
    /// The workspace's address, the one link every message carries.
    pub workspace_url: String,
    /// Put before every subject, e.g. the protective marking: "[OFFICIAL-SENSITIVE]".
    pub subject_prefix: String,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            smtp_host: String::new(),
            smtp_port: 587,
            security: Security::Starttls,
            username: String::new(),
            password_file: None,
            from: String::new(),
            workspace_url: String::new(),
            subject_prefix: String::new(),
        }
    }
}

impl NotifyConfig {
    /// A complete table with notifications on, for the tests of the modules that use it.
    #[cfg(test)]
    pub(crate) fn enabled_for_tests() -> NotifyConfig {
        NotifyConfig {
            enabled: true,
            smtp_host: "relay.example.org".into(),
            from: "workspace@example.org".into(),
            workspace_url: "https://workspace.example.org/".into(),
            ..NotifyConfig::default()
        }
    }

    /// Checked only when enabled: a table left half-filled while notifications are off is
    /// someone's work in progress, not an error.
    pub(super) fn validate(&self) -> Result<()> {
        if !self.enabled {
            return Ok(());
        }
        for (key, value) in [
            ("smtp_host", &self.smtp_host),
            ("from", &self.from),
            ("workspace_url", &self.workspace_url),
        ] {
            if value.trim().is_empty() {
                bail!("notify.{key} is empty but notify.enabled is true: set it, or turn notifications off");
            }
        }
        if self.smtp_port == 0 {
            bail!("notify.smtp_port is 0: give the relay's port (587 for starttls, 465 for tls)");
        }
        if self.security == Security::None && !is_loopback(&self.smtp_host) {
            bail!(
                "notify.security is \"none\" but notify.smtp_host \"{}\" is not this machine: \
                 mail would cross the network unencrypted (use starttls or tls)",
                self.smtp_host
            );
        }
        match (self.username.is_empty(), &self.password_file) {
            (false, None) => bail!(
                "notify.username is set without notify.password_file: name the file holding \
                 the relay password (never the password itself)"
            ),
            (true, Some(_)) => bail!(
                "notify.password_file is set without notify.username: give the relay account's name"
            ),
            _ => {}
        }
        if !is_plain_address(&self.from) {
            bail!(
                "notify.from \"{}\" is not an email address (one '@', no spaces): use a role mailbox",
                self.from
            );
        }
        if !(self.workspace_url.starts_with("https://")
            || self.workspace_url.starts_with("http://"))
            || self.workspace_url.contains(char::is_whitespace)
        {
            bail!(
                "notify.workspace_url must be an http:// or https:// address (got \"{}\")",
                self.workspace_url
            );
        }
        if self.subject_prefix.contains(char::is_control) {
            bail!("notify.subject_prefix holds a control character (a line break?): keep it to one line");
        }
        Ok(())
    }
}

/// A relay on this machine: `localhost` or a loopback address (IPv6 with or without brackets).
pub fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// An address as simple as mail headers can carry safely: one `@` with text either side, and no
/// whitespace or control characters (a line break would let a value start a header of its own).
pub fn is_plain_address(addr: &str) -> bool {
    let mut parts = addr.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !addr
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
        && addr.len() <= 254
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enabled() -> NotifyConfig {
        NotifyConfig::enabled_for_tests()
    }

    fn refused(c: NotifyConfig) -> String {
        format!("{:#}", c.validate().expect_err("refused"))
    }

    #[test]
    fn off_by_default_and_then_nothing_is_required() {
        let c = NotifyConfig::default();
        assert!(!c.enabled);
        assert_eq!((c.smtp_port, c.security), (587, Security::Starttls));
        c.validate().expect("an empty table is fine while off");
    }

    #[test]
    fn enabled_without_host_sender_or_link_names_the_missing_key() {
        enabled().validate().expect("complete");
        for (key, c) in [
            (
                "notify.smtp_host",
                NotifyConfig {
                    smtp_host: " ".into(),
                    ..enabled()
                },
            ),
            (
                "notify.from",
                NotifyConfig {
                    from: String::new(),
                    ..enabled()
                },
            ),
            (
                "notify.workspace_url",
                NotifyConfig {
                    workspace_url: String::new(),
                    ..enabled()
                },
            ),
        ] {
            let msg = refused(c);
            assert!(msg.starts_with(key) && !msg.contains('\n'), "{msg}");
        }
    }

    #[test]
    fn no_encryption_only_to_this_machine() {
        let plain = |host: &str| NotifyConfig {
            security: Security::None,
            smtp_host: host.into(),
            ..enabled()
        };
        for host in ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.53"] {
            plain(host)
                .validate()
                .unwrap_or_else(|e| panic!("{host}: {e}"));
        }
        let msg = refused(plain("relay.example.org"));
        assert!(
            msg.contains("notify.security") && msg.contains("relay.example.org"),
            "{msg}"
        );
    }

    #[test]
    fn a_relay_account_needs_its_password_file_and_the_reverse() {
        let msg = refused(NotifyConfig {
            username: "svc".into(),
            ..enabled()
        });
        assert!(msg.contains("notify.password_file"), "{msg}");
        let msg = refused(NotifyConfig {
            password_file: Some("pw".into()),
            ..enabled()
        });
        assert!(msg.contains("notify.username"), "{msg}");
        NotifyConfig {
            username: "svc".into(),
            password_file: Some("pw".into()),
            ..enabled()
        }
        .validate()
        .expect("both");
    }

    #[test]
    fn values_that_could_break_a_header_are_refused() {
        let msg = refused(NotifyConfig {
            from: "a@b\r\nBcc: x@y".into(),
            ..enabled()
        });
        assert!(msg.starts_with("notify.from"), "{msg}");
        let msg = refused(NotifyConfig {
            subject_prefix: "[X]\r\nBcc: x@y".into(),
            ..enabled()
        });
        assert!(msg.starts_with("notify.subject_prefix"), "{msg}");
        let msg = refused(NotifyConfig {
            workspace_url: "workspace.example.org".into(),
            ..enabled()
        });
        assert!(msg.starts_with("notify.workspace_url"), "{msg}");
    }

    #[test]
    fn the_environment_turns_notifications_on() {
        let dir = tempfile::tempdir().expect("tempdir");
        let vars = [
            ("PREM_NOTIFY_ENABLED", "true"),
            ("PREM_NOTIFY_SMTP_HOST", "127.0.0.1"),
            ("PREM_NOTIFY_SMTP_PORT", "2525"),
            ("PREM_NOTIFY_SECURITY", "none"),
            ("PREM_NOTIFY_FROM", "workspace@example.org"),
            (
                "PREM_NOTIFY_WORKSPACE_URL",
                "https://workspace.example.org/",
            ),
        ];
        let env = vars.iter().map(|(k, v)| (k.to_string(), v.to_string()));
        let c = crate::config::Config::load_with_env(dir.path(), env).expect("loads");
        assert!(c.notify.enabled);
        assert_eq!(
            (c.notify.smtp_port, c.notify.security),
            (2525, Security::None)
        );
        let env = [("PREM_NOTIFY_ENABLED".to_string(), "true".to_string())];
        let err = crate::config::Config::load_with_env(dir.path(), env).expect_err("no relay");
        assert!(format!("{err:#}").contains("notify.smtp_host"), "{err:#}");
    }

    #[test]
    fn plain_addresses() {
        for ok in ["a@b", "role.mailbox@la.example.gov.uk", "x+y@example.org"] {
            assert!(is_plain_address(ok), "{ok}");
        }
        for bad in [
            "",
            "@b",
            "a@",
            "a@@b",
            "a@b@c",
            "a b@c",
            "a@b\n",
            "a@b\rBcc:",
            "<a@b>",
            "a@b,c@d",
        ] {
            assert!(!is_plain_address(bad), "{bad:?}");
        }
    }
}
