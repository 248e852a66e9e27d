//! The reviewer public keys the kiosk seals to. Only public halves are ever
//! read here. With no keys configured, a development key pair is made (and
//! announced loudly) unless the kiosk runs in production, where that refuses.

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::config::Config;
use crate::seal::{self, PublicKey};

/// Passphrase of the development key: printed, because it protects nothing real.
pub const DEV_PASSPHRASE: &str = "prem-development-only";

/// The recipient team name of the development key.
pub const DEV_TEAM: &str = "development";

#[derive(Debug, Clone)]
pub struct RecipientKey {
    pub name: String,
    pub key: PublicKey,
    /// Forms this key receives; empty means every form.
    pub forms: Vec<String>,
}

pub fn load_recipients(
    config: &Config,
    root: &Path,
    production: bool,
) -> Result<Vec<RecipientKey>> {
    if config.kiosk.recipients.is_empty() {
        if production {
            bail!("no reviewer keys configured: add [[kiosk.recipients]] to prem.toml (make a key pair with `prem keygen`)");
        }
        return dev_key(config, root);
    }
    config
        .kiosk
        .recipients
        .iter()
        .map(|r| {
            let path = root.join(&r.public_key);
            let key = seal::read_public_key(&path).with_context(|| {
                format!("reviewer key \"{}\": cannot use {}", r.name, path.display())
            })?;
            Ok(RecipientKey {
                name: r.name.clone(),
                key,
                forms: r.forms.clone(),
            })
        })
        .collect()
}

fn dev_key(config: &Config, root: &Path) -> Result<Vec<RecipientKey>> {
    let dir = root.join(&config.kiosk.data_dir).join("dev-keys");
    let public = dir.join("dev-reviewer.pub");
    if !public.exists() {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        seal::keygen(&dir, "dev-reviewer", DEV_PASSPHRASE.as_bytes())?;
        eprintln!(
            "warning: DEVELOPMENT MODE: made a development reviewer key pair in {}",
            dir.display()
        );
        eprintln!(
            "warning: its passphrase is \"{DEV_PASSPHRASE}\": never use it for real referrals"
        );
    } else {
        eprintln!(
            "warning: DEVELOPMENT MODE: sealing to the development key in {}",
            dir.display()
        );
    }
    let key = seal::read_public_key(&public)?;
    Ok(vec![RecipientKey {
        name: DEV_TEAM.into(),
        key,
        forms: Vec::new(),
    }])
}
