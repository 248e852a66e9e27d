//! The kiosk's internal hand-over API, as the inbox calls it: list the unacknowledged records,
//! fetch one, acknowledge one, with the kiosk token read from its file. Every refusal and
//! failure says what to do about it.

use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Context as _, Result};
use serde::Deserialize;
use zeroize::Zeroizing;

use crate::config::KioskSource;

/// The HTTP client the inbox pulls with: short timeouts, no redirects (the API has none).
pub fn client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .context("cannot build the HTTP client")
}

/// One page of the kiosk's list of unacknowledged records.
#[derive(Deserialize)]
pub struct Listing {
    pub records: Vec<Listed>,
}

/// A record as the kiosk lists it.
#[derive(Deserialize)]
pub struct Listed {
    pub id: String,
    pub sequence: u64,
    /// Not authenticated until the record opens.
    #[serde(default)]
    pub reference: String,
}

/// One kiosk's API, with its token.
pub struct Api<'a> {
    http: &'a reqwest::Client,
    base: &'a str,
    token: Zeroizing<String>,
}

impl<'a> Api<'a> {
    /// Reads the kiosk's token file (relative paths from `root`).
    pub fn new(http: &'a reqwest::Client, source: &'a KioskSource, root: &Path) -> Result<Self> {
        Ok(Api {
            http,
            base: source.url.trim_end_matches('/'),
            token: Zeroizing::new(read_token(&root.join(&source.token_file))?),
        })
    }

    /// Up to 100 unacknowledged records with sequence numbers above `after`.
    pub async fn list(&self, after: u64) -> Result<Listing> {
        let bytes = self
            .get(&format!("{}/v1/records?limit=100&after={after}", self.base))
            .await?;
        serde_json::from_slice(&bytes).context("the record list is not valid JSON")
    }

    /// The sealed bytes of record `id`; [`Damaged`] if the kiosk's copy is.
    pub async fn fetch(&self, id: &str) -> Result<Vec<u8>> {
        self.get(&format!("{}/v1/records/{id}", self.base)).await
    }

    /// Tells the kiosk the inbox now holds record `id`.
    pub async fn ack(&self, id: &str) -> Result<()> {
        let url = format!("{}/v1/records/{id}/ack", self.base);
        let req = self.http.post(url).bearer_auth(self.token.as_str());
        check_status(req.send().await.map_err(unreachable)?.status())
    }

    async fn get(&self, url: &str) -> Result<Vec<u8>> {
        let req = self.http.get(url).bearer_auth(self.token.as_str());
        let res = req.send().await.map_err(unreachable)?;
        check_status(res.status())?;
        Ok(res.bytes().await?.to_vec())
    }
}

/// A token file that cannot be read: which file, why in a word, and what to do.
fn token_error(path: &Path, e: std::io::Error) -> anyhow::Error {
    anyhow::anyhow!(
        "{}: cannot read the kiosk token ({}): check token_file in [[inbox.kiosks]], or make one \
         on the kiosk with `prem token add NAME --team TEAM > FILE && chmod 600 FILE`",
        path.display(),
        e.kind()
    )
}

/// Reads a token file, refusing one that others can read.
pub fn read_token(path: &Path) -> Result<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(path)
            .map_err(|e| token_error(path, e))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            bail!(
                "{}: the kiosk token is readable by other users (run `chmod 600` on it)",
                path.display()
            );
        }
    }
    let token = std::fs::read_to_string(path).map_err(|e| token_error(path, e))?;
    let token = token.trim().to_string();
    if token.is_empty() {
        bail!("{}: the kiosk token file is empty", path.display());
    }
    Ok(token)
}

fn unreachable(e: reqwest::Error) -> anyhow::Error {
    anyhow::anyhow!(
        "cannot reach the kiosk ({}): is it running with kiosk.internal_addr set, and is the url \
         in [[inbox.kiosks]] right?",
        if e.is_timeout() {
            "timed out"
        } else if e.is_connect() {
            "connection refused or no route"
        } else {
            "request failed"
        }
    )
}

/// The kiosk says its stored copy of a record is damaged (422).
#[derive(Debug, thiserror::Error)]
#[error("the kiosk's stored copy of this record is damaged")]
pub struct Damaged;

/// The kiosk's refusals, each with what to do about it.
fn check_status(status: reqwest::StatusCode) -> Result<()> {
    match status.as_u16() {
        200..=299 => Ok(()),
        422 => Err(Damaged.into()),
        401 => bail!(
            "the kiosk refused the token (401): check token_file in [[inbox.kiosks]], or make a \
             new one with `prem token add NAME --team TEAM` on the kiosk"
        ),
        403 => bail!(
            "the kiosk refused the token's team (403): the token's team is not a \
             [[kiosk.recipients]] name there"
        ),
        _ => bail!("the kiosk answered {status}"),
    }
}
