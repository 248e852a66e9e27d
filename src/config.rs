//! One typed configuration, loaded from `prem.toml` with defaults, then
//! overridden by `PREM_*` environment variables and finally by command-line
//! flags. Everything partnership-specific (names, areas, mailboxes) lives in
//! `prem.toml`, never in code, so the same engine serves any partnership.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

mod defaults;
mod env;
mod meetings;
mod notify;
mod tracker;
mod validate;
mod workflow;
use env::apply_env_override;
pub use meetings::{
    Before, Day, Deadline, DecisionConfig, MeetingsConfig, Nth, OnHoliday, Rule, SendBy,
    SeriesConfig, TimeOfDay,
};
pub use notify::{is_plain_address, NotifyConfig, Security};
pub use tracker::TrackerConfig;
pub use workflow::{
    FieldKind, LaScope, MoveConfig, MoveField, RoleConfig, StateConfig, WorkflowConfig,
};

pub const CONFIG_FILE: &str = "prem.toml";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub site: SiteConfig,
    pub partnership: PartnershipConfig,
    pub build: BuildConfig,
    pub kiosk: KioskConfig,
    pub inbox: InboxConfig,
    /// `[notify]`: content-free email when something waits for someone.
    pub notify: NotifyConfig,
    /// `[tracker]`: which people are referred and which are perpetrators; outcome codes.
    pub tracker: TrackerConfig,
    /// `[[roles]]`: the workspace's roles (see `workflow`).
    pub roles: Vec<RoleConfig>,
    /// `[workflows.NAME]`: the states and moves of each workflow a form may name.
    pub workflows: std::collections::BTreeMap<String, WorkflowConfig>,
    /// `[meetings]`: the meeting series, their agendas, minutes and extraordinary meetings.
    pub meetings: MeetingsConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            site: SiteConfig::default(),
            partnership: PartnershipConfig::default(),
            build: BuildConfig::default(),
            kiosk: KioskConfig::default(),
            inbox: InboxConfig::default(),
            notify: NotifyConfig::default(),
            tracker: TrackerConfig::default(),
            roles: workflow::default_roles(),
            workflows: workflow::default_workflows(),
            meetings: MeetingsConfig::default(),
        }
    }
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
    /// The links in every guidance page's footer, in order.
    pub footer_links: Vec<FooterLink>,
}

/// One footer link: its text and where it goes (a site path, or an http(s) or mailto address).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FooterLink {
    pub title: String,
    pub href: String,
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
    /// The bank holidays working days skip, by name (`calendar::Calendar::names`).
    pub calendar: String,
    /// What to do when someone is in immediate danger (e.g. which number to call): in the
    /// guidance site's footer and above the list of forms; none when empty.
    pub emergency_notice: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct BuildConfig {
    pub content_dir: PathBuf,
    pub themes_dir: PathBuf,
    pub forms_dir: PathBuf,
    pub output_dir: PathBuf,
    pub drafts: bool,
    /// The section (a folder under the content folder) whose pages are slide decks.
    pub decks_section: String,
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
    /// Rows on each page of the case list.
    pub cases_per_page: usize,
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

/// One kiosk's internal hand-over API and the file holding the token `prem token add` printed.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KioskSource {
    pub name: String,
    pub url: String,
    pub token_file: PathBuf,
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
        let text = match path.exists() {
            true => std::fs::read_to_string(&path)
                .with_context(|| format!("{}: cannot read", path.display()))?,
            false => String::new(),
        };
        let mut table = if path.exists() {
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
            .map_err(|e: toml::de::Error| typed_error(&path, &text, &e))?;
        config
            .validate()
            .with_context(|| path.display().to_string())?;
        Ok(config)
    }

    /// The working-day calendar `partnership.calendar` names (checked at load).
    pub fn calendar(&self) -> &'static crate::calendar::Calendar {
        crate::calendar::Calendar::named(&self.partnership.calendar)
            .or_else(|| crate::calendar::Calendar::named("england-and-wales"))
            .expect("the built-in calendars are compiled in")
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

/// A key or value the typed pass refused (a misspelt key, a number where text belongs). That
/// pass runs on the table after the environment was applied, which has no positions, so the
/// file is read again on its own for the line; if the file alone is fine, the fault came in
/// through a `PREM_*` variable and is reported as such.
fn typed_error(path: &Path, text: &str, e: &toml::de::Error) -> anyhow::Error {
    match toml::from_str::<Config>(text) {
        Err(own) => anyhow::anyhow!(
            "{}:{}: {}",
            path.display(),
            span_line(text, own.span()),
            own.message().trim()
        ),
        Ok(_) => anyhow::anyhow!(
            "a PREM_* environment variable sets a value prem.toml cannot hold: {} \
             (check the variable's name and value)",
            e.message().trim()
        ),
    }
}

pub(crate) fn span_line(text: &str, span: Option<std::ops::Range<usize>>) -> usize {
    span.map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests;
