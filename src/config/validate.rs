//! Checks on the whole configuration after it is loaded, so a wrong value stops the start with
//! one line that names the key and says what it must be.

use anyhow::{bail, Result};

use super::Config;

impl Config {
    pub(super) fn validate(&self) -> Result<()> {
        if !(self.site.base_url.starts_with("http://")
            || self.site.base_url.starts_with("https://"))
        {
            bail!(
                "site.base_url must start with http:// or https:// (got \"{}\")",
                self.site.base_url
            );
        }
        crate::local_time::parse_zone(&self.partnership.time_zone)?;
        if crate::calendar::Calendar::named(&self.partnership.calendar).is_none() {
            let known: Vec<&str> = crate::calendar::Calendar::names().collect();
            bail!(
                "partnership.calendar \"{}\" is not a calendar prem knows (use one of: {})",
                self.partnership.calendar,
                known.join(", ")
            );
        }
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
            ("inbox.cases_per_page", i.cases_per_page as u64, 1),
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
        super::workflow::validate(&self.roles, &self.workflows)?;
        let states: Vec<&str> = (self.workflows.values())
            .flat_map(|w| w.states.iter().map(|s| s.id.as_str()))
            .collect();
        super::meetings::validate(
            &self.meetings,
            &self.roles,
            &self.partnership.local_authorities,
            &states,
        )?;
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
        self.validate_site_layout()?;
        self.notify.validate()?;
        if self.site.theme.contains(['/', '\\']) || self.site.theme.starts_with('.') {
            bail!(
                "site.theme must be a folder name under themes/ (got \"{}\")",
                self.site.theme
            );
        }
        Ok(())
    }

    /// The decks section and the footer links: where the generator puts what.
    fn validate_site_layout(&self) -> Result<()> {
        let decks = &self.build.decks_section;
        let folder = |s: &str| !s.is_empty() && !s.starts_with(['.', '_']) && !s.contains('\\');
        if !decks.split('/').all(folder) {
            bail!(
                "build.decks_section must be a folder under the content folder, as \"decks\" or \
                 \"training/decks\" (got \"{decks}\")"
            );
        }
        for (n, link) in self.site.footer_links.iter().enumerate() {
            let at = format!("site.footer_links[{}]", n + 1);
            if link.title.trim().is_empty() {
                bail!("{at}: title is empty: give the link's text");
            }
            if !["/", "https://", "http://", "mailto:"]
                .iter()
                .any(|p| link.href.starts_with(p))
            {
                bail!(
                    "{at}: href \"{}\" must be a site path (/glossary/) or an https://, http:// \
                     or mailto: address",
                    link.href
                );
            }
        }
        Ok(())
    }
}
