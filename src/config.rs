//! One typed configuration, loaded from `prem.toml` with defaults, then
//! overridden by `PREM_*` environment variables and finally by command-line
//! flags. Everything partnership-specific (names, areas, mailboxes) lives in
//! `prem.toml`, never in code, so the same engine serves any partnership.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

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
    /// The IANA time zone the forms show times and judge dates in, e.g.
    /// "Europe/London"; the server's own zone is never used.
    pub time_zone: String,
    /// Acknowledged records are kept this many days, then purged.
    pub retention_days: u32,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Seconds a client may take to send its request headers.
    pub header_timeout_secs: u64,
    /// Seconds a whole request may take.
    pub request_timeout_secs: u64,
    /// Form posts allowed per client per minute.
    pub posts_per_minute: u32,
    /// Proxies whose `X-Forwarded-For` header is believed.
    pub trusted_proxies: Vec<String>,
    /// Cookies are `Secure` and `__Host-` prefixed; turn off only for plain-HTTP localhost.
    pub secure_cookies: bool,
    /// Send HSTS: set when the kiosk is reached over TLS.
    pub hsts: bool,
}

impl KioskConfig {
    /// The zone users' times are shown in (checked when the config loads).
    pub fn zone(&self) -> Result<chrono_tz::Tz> {
        self.time_zone.parse().map_err(|_| {
            anyhow::anyhow!(
                "kiosk.time_zone: \"{}\" is not a time zone name like \"Europe/London\"",
                self.time_zone
            )
        })
    }
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
    /// Reviewer sessions end after this many minutes without activity.
    pub session_idle_minutes: u32,
    /// Failed sign-ins (password or code) before an account is locked.
    pub lockout_attempts: u32,
    /// How long a locked account stays locked, whatever is typed.
    pub lockout_minutes: u32,
    /// Referrals received longer ago than this are deleted by `prem inbox purge`.
    pub retention_days: u32,
    /// Sign-in posts allowed per client per minute.
    pub posts_per_minute: u32,
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

impl Default for InboxConfig {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:8090".into(),
            data_dir: "inbox-data".into(),
            secret_key: "keys/reviewer.key".into(),
            passphrase_file: None,
            kiosks: Vec::new(),
            pull_interval_secs: 300,
            session_idle_minutes: 15,
            lockout_attempts: 5,
            lockout_minutes: 15,
            retention_days: 365,
            posts_per_minute: 30,
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
            time_zone: "UTC".into(),
            retention_days: 30,
            body_limit: 64 * 1024,
            header_timeout_secs: 10,
            request_timeout_secs: 30,
            posts_per_minute: 30,
            trusted_proxies: Vec::new(),
            secure_cookies: true,
            hsts: false,
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
        if self.kiosk.body_limit < 1024
            || self.kiosk.draft_idle_minutes == 0
            || self.kiosk.posts_per_minute == 0
        {
            bail!("kiosk.body_limit must be at least 1024, and draft_idle_minutes and posts_per_minute above 0");
        }
        self.kiosk.zone()?;
        for p in &self.kiosk.trusted_proxies {
            p.parse::<std::net::IpAddr>().map_err(|_| {
                anyhow::anyhow!("kiosk.trusted_proxies: \"{p}\" is not an IP address")
            })?;
        }
        let i = &self.inbox;
        if i.session_idle_minutes == 0
            || i.lockout_attempts == 0
            || i.pull_interval_secs == 0
            || i.posts_per_minute == 0
        {
            bail!("inbox.session_idle_minutes, lockout_attempts, pull_interval_secs and posts_per_minute must be above 0");
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

    /// The base URL without a trailing slash, for joining with site paths.
    pub fn base_url(&self) -> &str {
        self.site.base_url.trim_end_matches('/')
    }
}

/// `PREM_SITE_BASE_URL=…` sets `site.base_url`: the word after `PREM_` names
/// the table and the rest the key. Comma-separated values fill lists.
fn apply_env_override(table: &mut toml::Table, key: &str, value: &str) -> Result<()> {
    let Some(rest) = key.strip_prefix("PREM_") else {
        return Ok(());
    };
    let Some((section, field)) = rest.split_once('_') else {
        return Ok(());
    };
    let section = section.to_ascii_lowercase();
    let field = field.to_ascii_lowercase();
    let Some(default) = default_value(&section, &field) else {
        // PREM_ENV and friends are read elsewhere; unknown names are not ours.
        return Ok(());
    };
    let parsed = match default {
        toml::Value::Boolean(_) => match value {
            "1" | "true" | "yes" => toml::Value::Boolean(true),
            "0" | "false" | "no" => toml::Value::Boolean(false),
            _ => bail!("{key}: expected true or false, got \"{value}\""),
        },
        toml::Value::Integer(_) => toml::Value::Integer(
            value
                .trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("{key}: expected a whole number, got \"{value}\""))?,
        ),
        toml::Value::Array(_) => toml::Value::Array(
            value
                .split(',')
                .map(|s| toml::Value::String(s.trim().to_string()))
                .collect(),
        ),
        _ => toml::Value::String(value.to_string()),
    };
    let entry = table
        .entry(section)
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    if let toml::Value::Table(t) = entry {
        t.insert(field, parsed);
    }
    Ok(())
}

/// The default value of `section.field`, which tells the override its type.
fn default_value(section: &str, field: &str) -> Option<toml::Value> {
    let defaults = toml::Value::try_from(Config::default()).ok()?;
    defaults.get(section)?.get(field).cloned()
}

pub(crate) fn span_line(text: &str, span: Option<std::ops::Range<usize>>) -> usize {
    span.map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_apply_without_a_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let c = Config::load_with_env(dir.path(), env(&[])).expect("loads");
        assert_eq!(c.build.output_dir, PathBuf::from("public"));
        assert_eq!(c.kiosk.protective_marking, "OFFICIAL-SENSITIVE");
    }

    #[test]
    fn environment_overrides_file_and_fills_lists() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(CONFIG_FILE), "[site]\nname = \"File\"\n").expect("write");
        let c = Config::load_with_env(
            dir.path(),
            env(&[
                ("PREM_SITE_NAME", "Env"),
                ("PREM_PARTNERSHIP_LOCAL_AUTHORITIES", "Alpha, Beta"),
                ("PREM_BUILD_DRAFTS", "true"),
                ("PREM_KIOSK_BODY_LIMIT", "2048"),
                ("PREM_ENV", "production"),
            ]),
        )
        .expect("loads");
        assert_eq!(c.site.name, "Env");
        assert_eq!(c.partnership.local_authorities, vec!["Alpha", "Beta"]);
        assert!(c.build.drafts);
        assert_eq!(c.kiosk.body_limit, 2048);
    }

    #[test]
    fn unknown_key_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(CONFIG_FILE), "[site]\nnmae = \"x\"\n").expect("write");
        let err = Config::load_with_env(dir.path(), env(&[])).expect_err("unknown key");
        let msg = format!("{err:#}");
        assert!(msg.contains("prem.toml") && msg.contains("nmae"), "{msg}");
    }

    #[test]
    fn bad_boolean_override_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = Config::load_with_env(dir.path(), env(&[("PREM_BUILD_DRAFTS", "maybe")]))
            .expect_err("bad bool");
        assert!(err.to_string().contains("PREM_BUILD_DRAFTS"), "{err}");
    }
}
