//! `prem inbox`: the reviewers' side. It pulls sealed referrals from the kiosks, opens them with
//! the reviewers' private key, keeps them encrypted at rest under a local data key, and lets
//! signed-in reviewers decide each one within seven working days, with every step in a
//! tamper-evident audit trail.
//!
//! It runs as its own instance with its own data directory, bound to an internal address: the
//! kiosk never holds anything that opens a referral, and the inbox never opens the kiosk's
//! database (it pulls over the kiosk's authenticated internal listener instead).
//!
//! Start-up unlocks two things with one passphrase: the reviewers' private key and the inbox's
//! data key (see `vault`). A wrong passphrase stops everything with one line. Accounts are
//! managed only from the command line (`prem inbox user ...`).

pub mod accounts;
pub mod admin;
pub mod audit;
pub mod case;
pub mod cli;
pub mod deadline;
pub mod export;
pub mod listing;
pub mod meetings;
pub mod model;
pub mod pull;
pub mod role;
pub mod store;
pub mod totp;
pub mod tracking;
pub mod vault;
pub mod views;
pub mod waiting;
pub mod web;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::Result;
use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::forms::FormSet;
use crate::http::ratelimit::RateLimiter;
use crate::seal::{KdfParams, SecretKey};
use crate::theme::SiteInfo;

pub use accounts::User;
pub use case::{Case, Flow};
pub use model::{RecordKey, Referral};
pub use pull::{pull_all, PullReport};
pub use role::{Permission, Role, Roles};
pub use store::{WorkspaceDb, WorkspaceStore};

/// Argon2id costs: the data key's wrapping and account passwords. Tests use cheap ones.
#[derive(Debug, Clone, Copy)]
pub struct Costs {
    pub key: KdfParams,
    pub password: KdfParams,
}

impl Costs {
    pub const DEFAULT: Costs = Costs {
        key: KdfParams::DEFAULT,
        password: accounts::PASSWORD_COST,
    };
    /// Fast and weak: for tests only.
    pub const INSECURE_FOR_TESTS: Costs = Costs {
        key: KdfParams::INSECURE_FOR_TESTS,
        password: KdfParams::INSECURE_FOR_TESTS,
    };
}

/// Everything the inbox's handlers, timers and commands share.
pub struct Workspace {
    pub config: Arc<Config>,
    /// The site folder: relative paths in `prem.toml` start here.
    pub root: PathBuf,
    pub store: Arc<WorkspaceStore>,
    pub secret: SecretKey,
    pub forms: FormSet,
    /// `[[roles]]`, read once at start.
    pub roles: Roles,
    /// People and places, indexed in memory (the store holds them sealed).
    pub tracker: std::sync::RwLock<tracking::Tracker>,
    /// Content-free email when something waits for someone (a no-op when `[notify]` is off).
    pub notifier: crate::notify::Notifier,
    pub site: SiteInfo,
    pub policy: accounts::Policy,
    pub limiter: Arc<RateLimiter>,
    pub http: reqwest::Client,
    /// One pull at a time, whether from the timer or a button.
    pub(crate) pulling: tokio::sync::Mutex<()>,
    pub last_pull: Mutex<Option<(DateTime<Utc>, Vec<PullReport>)>>,
    /// What the case list shows of each referral, kept up to date from the store's changes.
    pub summaries: listing::Summaries,
}

impl Workspace {
    /// `r`'s rules: the workflow its form names (checked at start; a record whose form this
    /// workspace no longer has follows the first workflow), where it starts, and how deadlines
    /// count.
    pub fn flow(&self, r: &Referral) -> Flow<'_> {
        self.flow_for(self.form_of(r))
    }

    /// The rules of records sent with `form` (`None`: a form this workspace no longer has).
    pub fn flow_for<'a>(&'a self, form: Option<&'a crate::forms::Form>) -> Flow<'a> {
        let workflows = &self.config.workflows;
        let workflow = form
            .and_then(|f| workflows.get(&f.workflow))
            .or_else(|| workflows.values().next())
            .expect("validated: at least one workflow");
        Flow {
            workflow,
            start: form
                .and_then(|f| f.start.as_deref())
                .unwrap_or(&workflow.start),
            zone: self.config.zone(),
            calendar: self.config.calendar(),
        }
    }

    /// When `r` must leave its current state by, if its state has a deadline.
    pub fn deadline(&self, r: &Referral) -> Option<chrono::NaiveDate> {
        self.flow(r).deadline(&r.case, r.created_at)
    }

    /// When the last pull ended, and what it did per kiosk.
    pub fn latest_pull(&self) -> Option<(DateTime<Utc>, Vec<PullReport>)> {
        self.last_pull
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The form definition a record was sent with, if this inbox still has it.
    pub fn form_of(&self, r: &Referral) -> Option<&crate::forms::Form> {
        self.forms.get(&r.submission.form)
    }

    /// Today in the partnership's zone.
    pub fn today(&self) -> chrono::NaiveDate {
        Utc::now().with_timezone(&self.config.zone()).date_naive()
    }
}

/// Reads the passphrase from `inbox.passphrase_file`, or asks on the terminal.
pub fn passphrase(config: &Config, root: &Path) -> Result<zeroize::Zeroizing<String>> {
    match &config.inbox.passphrase_file {
        Some(file) => {
            let path = root.join(file);
            let text = std::fs::read_to_string(&path).map_err(|e| {
                anyhow::anyhow!(
                    "{}: cannot read the passphrase file ({}): check inbox.passphrase_file \
                     (or PREM_INBOX_PASSPHRASE_FILE) names a file this user can read",
                    path.display(),
                    e.kind()
                )
            })?;
            Ok(zeroize::Zeroizing::new(
                text.trim_end_matches(['\r', '\n']).to_string(),
            ))
        }
        None if !std::io::IsTerminal::is_terminal(&std::io::stdin()) => anyhow::bail!(
            "no passphrase: there is no terminal to ask on; set inbox.passphrase_file \
             (or PREM_INBOX_PASSPHRASE_FILE) to a file only this user can read"
        ),
        None => Ok(zeroize::Zeroizing::new(
            rpassword::prompt_password("passphrase for the reviewers' private key: ").map_err(
                |e| {
                    anyhow::anyhow!(
                    "cannot read the passphrase from the terminal ({}): type it at the prompt, \
                     or set inbox.passphrase_file",
                    e.kind()
                )
                },
            )?,
        )),
    }
}

/// Opens and unlocks the inbox's store alone (for commands that need no private key).
pub fn open_store(
    config: &Config,
    root: &Path,
    passphrase: &[u8],
    costs: Costs,
) -> Result<WorkspaceStore> {
    WorkspaceDb::open(&root.join(&config.inbox.data_dir))?.unlock(passphrase, costs.key)
}

/// Unlocks the private key and the store and loads the forms: ready to pull and serve.
pub fn open(
    config: Config,
    root: &Path,
    passphrase: &[u8],
    costs: Costs,
) -> Result<Arc<Workspace>> {
    let secret = crate::seal::read_secret_key(&root.join(&config.inbox.secret_key), passphrase)?;
    let store = open_store(&config, root, passphrase, costs)?;
    let forms = crate::forms::FormSet::load(&config, root)?;
    let roles = Roles::from_config(&config.roles)?;
    let notifier = crate::notify::Notifier::start(&config.notify, root)?;
    let (index, decisions) = store.load_tracker()?;
    check_workflows(&config, &forms)?;
    let site = SiteInfo {
        name: format!("{} workspace", config.site.name),
        title: "Casework workspace".into(),
        language: config.site.language.clone(),
        contact_mailbox: config.partnership.contact_mailbox.clone(),
        contact_role: config.partnership.contact_role.clone(),
        asset_version: "inbox1".into(),
        live_reload: false,
        // The inbox draws its own navigation (`views::page`), per user.
        nav: Vec::new(),
        forms_link: false,
        footer_links: Vec::new(),
        emergency_notice: String::new(),
    };
    let policy = accounts::Policy {
        attempts: config.inbox.lockout_attempts,
        lock_for: chrono::Duration::minutes(i64::from(config.inbox.lockout_minutes)),
        cost: costs.password,
    };
    Ok(Arc::new(Workspace {
        limiter: Arc::new(RateLimiter::new(
            config.inbox.posts_per_minute,
            config.inbox.new_sessions_per_minute,
            &config.inbox.trusted_proxies,
        )),
        http: pull::client()?,
        root: root.to_path_buf(),
        store: Arc::new(store),
        secret,
        forms,
        roles,
        tracker: std::sync::RwLock::new(tracking::Tracker::new(index, decisions)),
        notifier,
        site,
        policy,
        config: Arc::new(config),
        pulling: tokio::sync::Mutex::new(()),
        last_pull: Mutex::new(None),
        summaries: listing::Summaries::default(),
    }))
}

/// Every form names a workflow `prem.toml` declares, and starts in one of its states: checked
/// at start, so a case never meets a workflow that is not there.
pub fn check_workflows(config: &Config, forms: &FormSet) -> Result<()> {
    for f in forms.iter() {
        let Some(w) = config.workflows.get(&f.workflow) else {
            let known: Vec<_> = config.workflows.keys().map(String::as_str).collect();
            anyhow::bail!(
                "form \"{}\": workflow \"{}\" is not declared in prem.toml (declared: {}): add \
                 [workflows.{}] or change the form's workflow key",
                f.id,
                f.workflow,
                known.join(", "),
                f.workflow
            );
        };
        if let Some(start) = f
            .start
            .as_ref()
            .filter(|s| !w.states.iter().any(|st| &st.id == *s))
        {
            anyhow::bail!(
                "form \"{}\": start \"{start}\" is not a state of workflow \"{}\"",
                f.id,
                f.workflow
            );
        }
    }
    Ok(())
}
