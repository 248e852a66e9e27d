//! One typed configuration, loaded from `prem.toml` with defaults, then
//! overridden by `PREM_*` environment variables and finally by command-line
//! flags. Everything partnership-specific (names, areas, mailboxes) lives in
//! `prem.toml`, never in code, so the same engine serves any partnership.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

mod env;
use env::apply_env_override;

pub const CONFIG_FILE: &str = "prem.toml";

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub site: SiteConfig,
    pub partnership: PartnershipConfig,
    pub build: BuildConfig,
    pub kiosk: KioskConfig,
    pub inbox: InboxConfig,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SiteConfig {
    /// Short name shown in the header, e.g. the panel's acronym.
    pub name: String,
    /// Longer name used in page titles and the home page.
    pub title: String,
    /// Absolute URL the site is published at; used for the sitemap.
    pub base_url: String,
    pub language: String,
    /// Folder under `themes/` whose assets are published.
    pub theme: String,
    /// Raw HTML in Markdown is refused unless this is set.
    pub allow_raw_html: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct PartnershipConfig {
    /// Local authority areas, offered as choices on the referral forms.
    pub local_authorities: Vec<String>,
    /// Role-based mailbox for questions about the partnership.
    pub contact_mailbox: String,
    /// Role that owns the mailbox, e.g. "PREM coordinator".
    pub contact_role: String,
    /// IANA zone that times are shown in, and "today" is judged in, on the forms and in the
    /// inbox (deadlines count working days in it too); the server's own zone is never used.
    pub time_zone: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct BuildConfig {
    pub content_dir: PathBuf,
    pub themes_dir: PathBuf,
    pub forms_dir: PathBuf,
    pub output_dir: PathBuf,
    pub drafts: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct KioskConfig {
    /// Public listener for the site and the forms.
    pub addr: String,
    /// Internal listener for the reviewers' inbox; off when empty. Never the public port.
    pub internal_addr: String,
    /// Folder holding the spool, the sled index and the session store.
    pub data_dir: PathBuf,
    /// Shown as a banner on every form page, confirmation and printout.
    pub protective_marking: String,
    /// First part of every reference, e.g. "PREM" in PREM-2026-7KX4QF.
    pub reference_prefix: String,
    /// Reviewer public keys every submission is sealed to, by name.
    pub recipients: Vec<Recipient>,
    /// Drafts are deleted after this many minutes without activity.
    pub draft_idle_minutes: u32,
    /// Acknowledged records are kept this many days, then purged.
    pub retention_days: u32,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Seconds a client may take to send its request headers.
    pub header_timeout_secs: u64,
    /// Seconds a whole request may take.
    pub request_timeout_secs: u64,
    /// Page posts allowed per session per minute (a person posts a page every few seconds
    /// at most; see `http::ratelimit`).
    pub posts_per_minute: u32,
    /// Requests that start a session, and final submits, allowed per address per minute (a
    /// whole office shares one address).
    pub new_sessions_per_minute: u32,
    /// Proxies whose `X-Forwarded-For` header is believed.
    pub trusted_proxies: Vec<String>,
    /// Cookies are `Secure` and `__Host-` prefixed; turn off only for plain-HTTP localhost.
    pub secure_cookies: bool,
    /// Send HSTS: set when the kiosk is reached over TLS.
    pub hsts: bool,
    /// A warning above the list of forms for anyone in immediate danger (e.g. which number to
    /// call); none when empty. The partnership's words, so it lives in `prem.toml`.
    pub emergency_notice: String,
    /// What the sender confirms with the declaration checkbox before a form is sent.
    pub declaration: String,
}

/// A reviewer key the kiosk seals to; `forms` limits it to some forms (all when empty).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    pub name: String,
    pub public_key: PathBuf,
    #[serde(default)]
    pub forms: Vec<String>,
}

/// The reviewers' inbox (`prem inbox serve`): a separate instance on the police side.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct InboxConfig {
    /// Listener for reviewers; an internal address, never the kiosk's.
    pub addr: String,
    /// The inbox's own data directory (its sled database and wrapped data key).
    pub data_dir: PathBuf,
    /// The reviewers' private key file written by `prem keygen`.
    pub secret_key: PathBuf,
    /// Read the passphrase from this file (for running as a service) instead of asking.
    pub passphrase_file: Option<PathBuf>,
    /// Kiosks to pull sealed records from.
    pub kiosks: Vec<KioskSource>,
    /// Working days (weekends and bank holidays skipped) from submission to the threshold
    /// decision.
    pub decision_working_days: u32,
    /// The escalation stages after a disputed decision, in order (this version runs two).
    pub escalation: Vec<EscalationStage>,
    /// Seconds between automatic pulls.
    pub pull_interval_secs: u64,
    /// Pull once as soon as the inbox starts (then every interval).
    pub pull_at_start: bool,
    /// Reviewer sessions end after this many minutes without activity.
    pub session_idle_minutes: u32,
    /// Failed sign-ins (password or code) before an account is locked.
    pub lockout_attempts: u32,
    /// How long a locked account stays locked, whatever is typed.
    pub lockout_minutes: u32,
    /// Referrals received longer ago than this are deleted by `prem inbox purge`.
    pub retention_days: u32,
    /// Posts allowed per signed-in session per minute.
    pub posts_per_minute: u32,
    /// Posts without a live session (sign-in attempts) allowed per address per minute.
    pub new_sessions_per_minute: u32,
    /// Proxies whose `X-Forwarded-For` header is believed.
    pub trusted_proxies: Vec<String>,
    /// Shown at the top and bottom of every inbox page and printout.
    pub protective_marking: String,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Seconds a client may take to send its request headers.
    pub header_timeout_secs: u64,
    /// Seconds a whole request may take.
    pub request_timeout_secs: u64,
    /// Cookies are `Secure` and `__Host-` prefixed; turned off only for plain-HTTP localhost.
    pub secure_cookies: bool,
    /// Send HSTS: set when the inbox is reached over TLS.
    pub hsts: bool,
}

/// One escalation stage: what it is called, when it must be held by, and who records it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationStage {
    /// Its heading on a referral's page, e.g. "Stage 1: discussion with the chair".
    pub title: String,
    /// The question its outcome answers, shown above the choices.
    pub question: String,
    /// Deadline in working days after the stage opens; or
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_days: Option<u32>,
    /// in calendar days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// Inbox roles that may record its outcome (reviewer, chair, business-support, admin).
    pub roles: Vec<String>,
}

/// One kiosk's internal hand-over API and the file holding the token `prem token add` printed.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KioskSource {
    pub name: String,
    pub url: String,
    pub token_file: PathBuf,
}

impl Default for InboxConfig {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:8090".into(),
            data_dir: "inbox-data".into(),
            secret_key: "keys/reviewer.key".into(),
            passphrase_file: None,
            kiosks: Vec::new(),
            decision_working_days: 7,
            escalation: vec![
                EscalationStage {
                    title: "Stage 1: first escalation meeting".into(),
                    question: "Outcome of the first escalation meeting".into(),
                    working_days: Some(5),
                    days: None,
                    roles: vec!["chair".into()],
                },
                EscalationStage {
                    title: "Stage 2: senior escalation meeting".into(),
                    question: "Outcome of the senior escalation meeting".into(),
                    working_days: None,
                    days: Some(7),
                    roles: vec!["chair".into()],
                },
            ],
            pull_interval_secs: 300,
            pull_at_start: true,
            session_idle_minutes: 15,
            lockout_attempts: 5,
            lockout_minutes: 15,
            retention_days: 365,
            posts_per_minute: 60,
            new_sessions_per_minute: 30,
            trusted_proxies: Vec::new(),
            protective_marking: "OFFICIAL-SENSITIVE".into(),
            body_limit: 64 * 1024,
            header_timeout_secs: 10,
            request_timeout_secs: 30,
            secure_cookies: true,
            hsts: false,
        }
    }
}

impl Default for SiteConfig {
    fn default() -> Self {
        Self {
            name: "Partnership".into(),
            title: "Partnership guidance".into(),
            base_url: "http://127.0.0.1:8080".into(),
            language: "en-GB".into(),
            theme: "default".into(),
            allow_raw_html: false,
        }
    }
}

impl Default for PartnershipConfig {
    fn default() -> Self {
        Self {
            local_authorities: Vec::new(),
            contact_mailbox: "partnership-mailbox@example.org".into(),
            contact_role: "partnership coordinator".into(),
            time_zone: "Europe/London".into(),
        }
    }
}

impl Default for BuildConfig {
    fn default() -> Self {
        Self {
            content_dir: "content".into(),
            themes_dir: "themes".into(),
            forms_dir: "forms".into(),
            output_dir: "public".into(),
            drafts: false,
        }
    }
}

impl Default for KioskConfig {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:8080".into(),
            internal_addr: String::new(),
            data_dir: "prem-data".into(),
            protective_marking: "OFFICIAL-SENSITIVE".into(),
            reference_prefix: "REF".into(),
            recipients: Vec::new(),
            draft_idle_minutes: 120,
            retention_days: 30,
            body_limit: 64 * 1024,
            header_timeout_secs: 10,
            request_timeout_secs: 30,
            posts_per_minute: 30,
            new_sessions_per_minute: 60,
            trusted_proxies: Vec::new(),
            secure_cookies: true,
            hsts: false,
            emergency_notice: String::new(),
            declaration: "The information in this form is accurate to the best of my knowledge."
                .into(),
        }
    }
}

impl Config {
    /// Loads `<root>/prem.toml` (defaults when absent) and applies `PREM_*`
    /// variables from the process environment.
    pub fn load(root: &Path) -> Result<Self> {
        Self::load_with_env(root, std::env::vars())
    }

    pub fn load_with_env(
        root: &Path,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self> {
        let path = root.join(CONFIG_FILE);
        let mut table = if path.exists() {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("{}: cannot read", path.display()))?;
            text.parse::<toml::Table>().map_err(|e| {
                anyhow::anyhow!(
                    "{}:{}: {}",
                    path.display(),
                    span_line(&text, e.span()),
                    e.message()
                )
            })?
        } else {
            toml::Table::new()
        };
        for (key, value) in env {
            apply_env_override(&mut table, &key, &value)?;
        }
        let config: Config = table
            .try_into()
            .map_err(|e: toml::de::Error| anyhow::anyhow!("{}: {}", path.display(), e.message()))?;
        config
            .validate()
            .with_context(|| path.display().to_string())?;
        Ok(config)
    }

    fn validate(&self) -> Result<()> {
        if !(self.site.base_url.starts_with("http://")
            || self.site.base_url.starts_with("https://"))
        {
            bail!(
                "site.base_url must start with http:// or https:// (got \"{}\")",
                self.site.base_url
            );
        }
        crate::local_time::parse_zone(&self.partnership.time_zone)?;
        let k = &self.kiosk;
        let i = &self.inbox;
        for (key, value, min) in [
            ("kiosk.body_limit", k.body_limit as u64, 1024),
            (
                "kiosk.draft_idle_minutes",
                u64::from(k.draft_idle_minutes),
                1,
            ),
            ("kiosk.posts_per_minute", u64::from(k.posts_per_minute), 1),
            (
                "kiosk.new_sessions_per_minute",
                u64::from(k.new_sessions_per_minute),
                1,
            ),
            ("kiosk.header_timeout_secs", k.header_timeout_secs, 1),
            ("kiosk.request_timeout_secs", k.request_timeout_secs, 1),
            ("inbox.body_limit", i.body_limit as u64, 1024),
            (
                "inbox.session_idle_minutes",
                u64::from(i.session_idle_minutes),
                1,
            ),
            ("inbox.lockout_attempts", u64::from(i.lockout_attempts), 1),
            ("inbox.pull_interval_secs", i.pull_interval_secs, 1),
            ("inbox.posts_per_minute", u64::from(i.posts_per_minute), 1),
            (
                "inbox.new_sessions_per_minute",
                u64::from(i.new_sessions_per_minute),
                1,
            ),
            ("inbox.header_timeout_secs", i.header_timeout_secs, 1),
            ("inbox.request_timeout_secs", i.request_timeout_secs, 1),
        ] {
            if value < min {
                bail!("{key} is {value}: it must be at least {min}");
            }
        }
        if k.declaration.trim().is_empty() {
            bail!(
                "kiosk.declaration is empty: every form ends with a declaration, so give its text"
            );
        }
        if i.escalation.len() != 2 {
            bail!(
                "inbox.escalation has {} stages: this version of prem runs exactly two \
                 ([[inbox.escalation]] twice, in order)",
                i.escalation.len()
            );
        }
        for (n, st) in i.escalation.iter().enumerate() {
            let at = format!("inbox.escalation[{}]", n + 1);
            if st.working_days.is_some() == st.days.is_some() {
                bail!("{at}: give its deadline as either working_days or days (not both, not neither)");
            }
            if st.roles.is_empty() {
                bail!("{at}: roles is empty, so nobody could record its outcome");
            }
            for role in &st.roles {
                if !["reviewer", "chair", "business-support", "admin"].contains(&role.as_str()) {
                    bail!("{at}: unknown role \"{role}\" in roles (use reviewer, chair, business-support or admin)");
                }
            }
        }
        for (table, proxies) in [("kiosk", &k.trusted_proxies), ("inbox", &i.trusted_proxies)] {
            for p in proxies {
                p.parse::<std::net::IpAddr>().map_err(|_| {
                    anyhow::anyhow!("{table}.trusted_proxies: \"{p}\" is not an IP address")
                })?;
            }
        }
        for k in &i.kiosks {
            if k.name.is_empty()
                || !k
                    .name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                bail!(
                    "inbox.kiosks: name \"{}\" must be letters, digits, '-' or '_'",
                    k.name
                );
            }
        }
        if self.site.theme.contains(['/', '\\']) || self.site.theme.starts_with('.') {
            bail!(
                "site.theme must be a folder name under themes/ (got \"{}\")",
                self.site.theme
            );
        }
        Ok(())
    }

    /// The zone times are shown in (checked at load).
    pub fn zone(&self) -> chrono_tz::Tz {
        crate::local_time::parse_zone(&self.partnership.time_zone)
            .unwrap_or(chrono_tz::Europe::London)
    }

    /// The base URL without a trailing slash, for joining with site paths.
    pub fn base_url(&self) -> &str {
        self.site.base_url.trim_end_matches('/')
    }
}

pub(crate) fn span_line(text: &str, span: Option<std::ops::Range<usize>>) -> usize {
    span.map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests;
