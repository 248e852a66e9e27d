//! The defaults of every table of `prem.toml`: what a key is when the file leaves it out.
//! They are generic on purpose (no partnership's names, areas or stage titles): a partnership's
//! own words are set in its `prem.toml`.

use super::{BuildConfig, FooterLink, InboxConfig, KioskConfig, PartnershipConfig, SiteConfig};

impl Default for InboxConfig {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:8090".into(),
            data_dir: "inbox-data".into(),
            secret_key: "keys/reviewer.key".into(),
            passphrase_file: None,
            kiosks: Vec::new(),
            pull_interval_secs: 300,
            pull_at_start: true,
            session_idle_minutes: 15,
            lockout_attempts: 5,
            lockout_minutes: 15,
            retention_days: 365,
            cases_per_page: 100,
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
            footer_links: vec![
                FooterLink {
                    title: "Glossary".into(),
                    href: "/glossary/".into(),
                },
                FooterLink {
                    title: "Search".into(),
                    href: "/search/".into(),
                },
            ],
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
            calendar: "england-and-wales".into(),
            emergency_notice: String::new(),
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
            decks_section: "decks".into(),
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
            declaration: "The information in this form is accurate to the best of my knowledge."
                .into(),
        }
    }
}
