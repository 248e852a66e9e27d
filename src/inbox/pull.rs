//! Pulling sealed records from the kiosks' internal listeners.
//!
//! For each kiosk: list the unacknowledged records; for each one not already stored, fetch the
//! ciphertext, open it with the reviewers' private key, store it re-encrypted and flushed; and
//! only then acknowledge it. The order makes an interruption at any point harmless: a record
//! stored but not acknowledged is listed again next time, found already stored, and simply
//! acknowledged; a record fetched but not stored was never acknowledged, so it is still there.
//! Nothing is lost, nothing is stored twice.
//!
//! Sequence numbers from the sealed headers (authenticated, so the kiosk cannot shift them
//! without breaking the record) are tracked per kiosk: a jump reveals records the kiosk never
//! handed over, which are reported on the inbox page and in the audit trail. A gap can be
//! innocent (the kiosk reserved a number for a submission that then failed to store), so it
//! is reported, not fatal.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context as _, Result};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use zeroize::Zeroizing;

use super::model::{RecordKey, Referral, Submission};
use super::Inbox;
use crate::config::KioskSource;
use crate::seal;

/// What one pull from one kiosk did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullReport {
    pub kiosk: String,
    /// Newly opened and stored.
    pub stored: usize,
    /// Listed again but already stored (an earlier pull stopped before acknowledging).
    pub already: usize,
    pub acked: usize,
    /// Sequence ranges found missing during this pull.
    pub gaps: Vec<(u64, u64)>,
    /// Why the pull stopped early, if it did. Nothing after this point was touched.
    pub error: Option<String>,
}

#[derive(Deserialize)]
struct Listing {
    records: Vec<Listed>,
}

#[derive(Deserialize)]
struct Listed {
    id: String,
    sequence: u64,
}

/// The HTTP client the inbox pulls with: short timeouts, no redirects (the API has none).
pub fn client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .context("cannot build the HTTP client")
}

/// Pulls from every configured kiosk, one after another; `actor` goes in the audit trail.
pub async fn pull_all(inbox: Arc<Inbox>, actor: &str) -> Vec<PullReport> {
    let _one_at_a_time = inbox.pulling.lock().await;
    let mut reports = Vec::new();
    for source in inbox.config.inbox.kiosks.clone() {
        let mut report = PullReport {
            kiosk: source.name.clone(),
            ..PullReport::default()
        };
        if let Err(e) = pull_kiosk(&inbox, &source, actor, &mut report).await {
            tracing::warn!(kiosk = %source.name, error = %format!("{e:#}"), "pull stopped");
            report.error = Some(format!("{e:#}"));
        }
        tracing::info!(
            kiosk = %report.kiosk,
            stored = report.stored,
            already = report.already,
            acked = report.acked,
            gaps = report.gaps.len(),
            "pull"
        );
        reports.push(report);
    }
    *inbox.last_pull.lock().unwrap_or_else(|e| e.into_inner()) =
        Some((Utc::now(), reports.clone()));
    reports
}

/// Reads a token file, refusing one that others can read.
pub fn read_token(path: &std::path::Path) -> Result<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(path)
            .with_context(|| format!("{}: cannot read the kiosk token", path.display()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            bail!(
                "{}: the kiosk token is readable by other users (run `chmod 600` on it)",
                path.display()
            );
        }
    }
    let token = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the kiosk token", path.display()))?;
    let token = token.trim().to_string();
    if token.is_empty() {
        bail!("{}: the kiosk token file is empty", path.display());
    }
    Ok(token)
}

async fn pull_kiosk(
    inbox: &Arc<Inbox>,
    source: &KioskSource,
    actor: &str,
    report: &mut PullReport,
) -> Result<()> {
    let token = Zeroizing::new(read_token(&inbox.root.join(&source.token_file))?);
    let base = source.url.trim_end_matches('/');
    // Each round acknowledges what it listed, so the next round lists newer records.
    for _round in 0..1000 {
        let listing: Listing = get(inbox, &format!("{base}/v1/records?limit=100"), &token)
            .await
            .and_then(|bytes| {
                serde_json::from_slice(&bytes).context("the record list is not valid JSON")
            })
            .with_context(|| format!("listing records on kiosk {}", source.name))?;
        if listing.records.is_empty() {
            return Ok(());
        }
        for listed in listing.records {
            let key = RecordKey {
                kiosk: source.name.clone(),
                id: listed.id.clone(),
            };
            let store = inbox.store.clone();
            let k = key.clone();
            let present = tokio::task::spawn_blocking(move || store.contains(&k)).await??;
            if present {
                report.already += 1;
            } else {
                let bytes = get(inbox, &format!("{base}/v1/records/{}", listed.id), &token)
                    .await
                    .with_context(|| format!("fetching record {}", key.path()))?;
                let inbox2 = inbox.clone();
                let k = key.clone();
                let seq = listed.sequence;
                let actor = actor.to_string();
                let inserted = tokio::task::spawn_blocking(move || -> Result<bool> {
                    let referral = open_record(&inbox2, k, seq, &bytes, Utc::now())?;
                    let inserted = inbox2.store.insert_new(&referral)?;
                    if inserted {
                        inbox2
                            .store
                            .audit
                            .record(&actor, "receive", &referral.key.path())?;
                    }
                    Ok(inserted)
                })
                .await??;
                if inserted {
                    report.stored += 1;
                } else {
                    report.already += 1;
                }
            }
            let store = inbox.store.clone();
            let name = source.name.clone();
            let seq = listed.sequence;
            if let Some(gap) =
                tokio::task::spawn_blocking(move || store.note_sequence(&name, seq)).await??
            {
                report.gaps.push(gap);
                let store = inbox.store.clone();
                let (kiosk, action) = (
                    source.name.clone(),
                    format!("sequence-gap:{}-{}", gap.0, gap.1),
                );
                tokio::task::spawn_blocking(move || store.audit.record("system", &action, &kiosk))
                    .await??;
            }
            ack(
                inbox,
                &format!("{base}/v1/records/{}/ack", listed.id),
                &token,
            )
            .await
            .with_context(|| format!("acknowledging record {}", key.path()))?;
            report.acked += 1;
        }
    }
    bail!(
        "kiosk {} keeps listing records; stopped after 1000 rounds",
        source.name
    )
}

/// Opens one sealed record and checks that it is the one the kiosk listed.
fn open_record(
    inbox: &Inbox,
    key: RecordKey,
    listed_sequence: u64,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<Referral> {
    let (header, plaintext) = seal::open(bytes, &inbox.secret)
        .map_err(|e| anyhow::anyhow!("record {} does not open: {e}", key.path()))?;
    let plaintext = Zeroizing::new(plaintext);
    if hex::encode(header.submission_id) != key.id || header.sequence != listed_sequence {
        bail!(
            "record {} is not what the kiosk listed (id or sequence differ)",
            key.path()
        );
    }
    let submission: Submission = serde_json::from_slice(&plaintext)
        .with_context(|| format!("record {}: unreadable submission", key.path()))?;
    if submission.schema != crate::kiosk::SCHEMA_VERSION {
        bail!(
            "record {}: submission schema {} is not supported",
            key.path(),
            submission.schema
        );
    }
    Ok(Referral {
        key,
        sequence: header.sequence,
        created_at: DateTime::from_timestamp(header.created_at, 0).unwrap_or(now),
        received_at: now,
        submission,
        case: Default::default(),
    })
}

async fn get(inbox: &Inbox, url: &str, token: &str) -> Result<Vec<u8>> {
    let res = inbox.http.get(url).bearer_auth(token).send().await?;
    if !res.status().is_success() {
        bail!("the kiosk answered {}", res.status());
    }
    Ok(res.bytes().await?.to_vec())
}

async fn ack(inbox: &Inbox, url: &str, token: &str) -> Result<()> {
    let res = inbox.http.post(url).bearer_auth(token).send().await?;
    if !res.status().is_success() {
        bail!("the kiosk answered {}", res.status());
    }
    Ok(())
}
