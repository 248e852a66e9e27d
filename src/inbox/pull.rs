//! Pulling sealed records from the kiosks' internal listeners.
//!
//! For each kiosk: list the unacknowledged records; for each one not already stored, fetch the
//! ciphertext, open it with the reviewers' private key, store it re-encrypted and flushed; and
//! only then acknowledge it. The order makes an interruption at any point harmless: a record
//! stored but not acknowledged is listed again next time, found already stored, and simply
//! acknowledged; a record fetched but not stored was never acknowledged, so it is still there.
//! Nothing is lost, nothing is stored twice.
//!
//! A record that does not open (a damaged file, one sealed to a development key or to another
//! team's key, an unsupported schema) never blocks the ones behind it: it is set aside in the
//! inbox's quarantine, still sealed, reported in the log, the audit trail and on the reviewers'
//! pages, and acknowledged like any other, since the inbox now holds it. An admin retries
//! quarantined records once the cause is fixed.
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
use super::store::Quarantined;
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
    /// Records the kiosk holds damaged: reported, left there, never acknowledged.
    pub damaged: usize,
    /// Records set aside because they did not open: (record path, sequence, reason).
    pub quarantined: Vec<(String, u64, String)>,
    /// Sequence ranges found missing during this pull.
    pub gaps: Vec<(u64, u64)>,
    /// Why the pull stopped early, if it did. Nothing after this point was touched.
    pub error: Option<String>,
}

impl PullReport {
    /// One line for people: what came in from this kiosk.
    pub fn summary(&self) -> String {
        let mut line = format!(
            "{}: {} new, {} already stored, {} acknowledged",
            self.kiosk, self.stored, self.already, self.acked
        );
        if !self.quarantined.is_empty() {
            line.push_str(&format!(
                ", {} set aside (they do not open)",
                self.quarantined.len()
            ));
        }
        line
    }
}

#[derive(Deserialize)]
struct Listing {
    records: Vec<Listed>,
}

#[derive(Deserialize)]
struct Listed {
    id: String,
    sequence: u64,
    #[serde(default)]
    reference: String,
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
            let why = format!("{e:#}");
            tracing::warn!(kiosk = %source.name, error = %why, "pull stopped");
            let store = inbox.store.clone();
            let (kiosk, action) = (source.name.clone(), format!("pull-failed: {why}"));
            if let Err(e) =
                tokio::task::spawn_blocking(move || store.audit.record("system", &action, &kiosk))
                    .await
                    .map_err(anyhow::Error::from)
                    .and_then(|r| r)
            {
                tracing::error!(error = %format!("{e:#}"), "cannot audit a failed pull");
            }
            report.error = Some(why);
        }
        tracing::info!(
            kiosk = %report.kiosk,
            stored = report.stored,
            already = report.already,
            quarantined = report.quarantined.len(),
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

/// A token file that cannot be read: which file, why in a word, and what to do.
fn token_error(path: &std::path::Path, e: std::io::Error) -> anyhow::Error {
    anyhow::anyhow!(
        "{}: cannot read the kiosk token ({}): check token_file in [[inbox.kiosks]], or make one \
         on the kiosk with `prem token add NAME --team TEAM > FILE && chmod 600 FILE`",
        path.display(),
        e.kind()
    )
}

/// Reads a token file, refusing one that others can read.
pub fn read_token(path: &std::path::Path) -> Result<String> {
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

async fn pull_kiosk(
    inbox: &Arc<Inbox>,
    source: &KioskSource,
    actor: &str,
    report: &mut PullReport,
) -> Result<()> {
    let token = Zeroizing::new(read_token(&inbox.root.join(&source.token_file))?);
    let base = source.url.trim_end_matches('/');
    // Each round lists past the highest sequence number seen, so a record that cannot be taken
    // now (damaged on the kiosk) never hides the ones behind it.
    let mut after = 0;
    for _round in 0..100_000 {
        let listing: Listing = get(
            inbox,
            &format!("{base}/v1/records?limit=100&after={after}"),
            &token,
        )
        .await
        .and_then(|bytes| {
            serde_json::from_slice(&bytes).context("the record list is not valid JSON")
        })
        .with_context(|| format!("listing records on kiosk {}", source.name))?;
        if listing.records.is_empty() {
            return Ok(());
        }
        for listed in listing.records {
            after = after.max(listed.sequence);
            take_one(inbox, source, base, &token, actor, listed, report).await?;
        }
    }
    bail!(
        "kiosk {} keeps listing records; stopped after 100000 rounds",
        source.name
    )
}

/// Fetches, opens (or sets aside), stores and acknowledges one listed record.
async fn take_one(
    inbox: &Arc<Inbox>,
    source: &KioskSource,
    base: &str,
    token: &str,
    actor: &str,
    listed: Listed,
    report: &mut PullReport,
) -> Result<()> {
    let key = RecordKey {
        kiosk: source.name.clone(),
        id: listed.id.clone(),
    };
    let store = inbox.store.clone();
    let k = key.clone();
    let present = tokio::task::spawn_blocking(move || {
        Ok::<_, anyhow::Error>(store.contains(&k)? || store.is_quarantined(&k)?)
    })
    .await??;
    if present {
        report.already += 1;
    } else {
        let bytes = match get(inbox, &format!("{base}/v1/records/{}", listed.id), token).await {
            Ok(bytes) => bytes,
            Err(e) if e.is::<Damaged>() => {
                // Nothing to keep here: the kiosk keeps its damaged file (it is not
                // acknowledged), and the record is reported every pull until someone deals
                // with it there.
                let reason = "the kiosk's stored copy is damaged (its spool file fails its \
                              checksum): it stays on the kiosk; ask its operator";
                tracing::warn!(kiosk = %source.name, id = %listed.id, sequence = listed.sequence, "record damaged on the kiosk");
                let (store, k, actor) = (inbox.store.clone(), key.clone(), actor.to_string());
                tokio::task::spawn_blocking(move || {
                    store
                        .audit
                        .record(&actor, &format!("damaged-on-kiosk: {reason}"), &k.path())
                })
                .await??;
                report
                    .quarantined
                    .push((key.path(), listed.sequence, reason.into()));
                report.damaged += 1;
                return Ok(());
            }
            Err(e) => return Err(e.context(format!("fetching record {}", key.path()))),
        };
        let inbox2 = inbox.clone();
        let (k, actor, seq, reference) = (
            key.clone(),
            actor.to_string(),
            listed.sequence,
            listed.reference.clone(),
        );
        let outcome = tokio::task::spawn_blocking(move || -> Result<Taken> {
            match open_record(&inbox2, k.clone(), seq, &bytes, Utc::now()) {
                Ok(referral) => {
                    let inserted = inbox2.store.insert_new(&referral)?;
                    if inserted {
                        inbox2.store.audit.record(&actor, "receive", &k.path())?;
                    }
                    Ok(if inserted {
                        Taken::Stored
                    } else {
                        Taken::Already
                    })
                }
                Err(why) => {
                    let reason = format!("{why:#}");
                    inbox2.store.quarantine(&Quarantined {
                        key: k.clone(),
                        reference,
                        sequence: seq,
                        fetched_at: Utc::now(),
                        reason: reason.clone(),
                        attempts: 1,
                        sealed: bytes,
                    })?;
                    inbox2.store.audit.record(
                        &actor,
                        &format!("quarantine: {reason}"),
                        &k.path(),
                    )?;
                    Ok(Taken::Quarantined(reason))
                }
            }
        })
        .await??;
        match outcome {
            Taken::Stored => report.stored += 1,
            Taken::Already => report.already += 1,
            Taken::Quarantined(reason) => {
                tracing::warn!(
                    kiosk = %source.name,
                    id = %listed.id,
                    sequence = listed.sequence,
                    reason = %reason,
                    "record set aside: it does not open"
                );
                report
                    .quarantined
                    .push((key.path(), listed.sequence, reason));
            }
        }
    }
    let store = inbox.store.clone();
    let name = source.name.clone();
    let seq = listed.sequence;
    if let Some(gap) =
        tokio::task::spawn_blocking(move || store.note_sequence(&name, seq)).await??
    {
        report.gaps.push(gap);
        tracing::warn!(kiosk = %source.name, from = gap.0, to = gap.1, "sequence numbers never handed over");
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
        token,
    )
    .await
    .with_context(|| format!("acknowledging record {}", key.path()))?;
    report.acked += 1;
    Ok(())
}

enum Taken {
    Stored,
    Already,
    Quarantined(String),
}

/// Tries every quarantined record again with the current key; returns (released, still held).
/// Each release is audited.
pub fn retry_quarantined(inbox: &Inbox, actor: &str) -> Result<(usize, usize)> {
    let (mut released, mut held) = (0, 0);
    for mut q in inbox.store.quarantined()? {
        match open_record(inbox, q.key.clone(), q.sequence, &q.sealed, Utc::now()) {
            Ok(referral) => {
                inbox.store.release(&referral)?;
                inbox
                    .store
                    .audit
                    .record(actor, "quarantine-released", &q.key.path())?;
                released += 1;
            }
            Err(why) => {
                q.reason = format!("{why:#}");
                q.attempts += 1;
                inbox.store.quarantine(&q)?;
                held += 1;
            }
        }
    }
    if released + held > 0 {
        inbox.store.audit.record(
            actor,
            &format!("quarantine-retry: {released} released, {held} still held"),
            "quarantine",
        )?;
    }
    Ok((released, held))
}

/// Opens one sealed record and checks that it is the one the kiosk listed.
fn open_record(
    inbox: &Inbox,
    key: RecordKey,
    listed_sequence: u64,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<Referral> {
    let (header, plaintext) = seal::open(bytes, &inbox.secret).map_err(|e| match e {
        seal::SealError::NotForThisKey => anyhow::anyhow!(
            "it is not sealed to this inbox's key {} (a development key, or another team's?)",
            inbox.secret.id()
        ),
        e => anyhow::anyhow!("it does not open: {e}"),
    })?;
    let plaintext = Zeroizing::new(plaintext);
    if hex::encode(header.submission_id) != key.id || header.sequence != listed_sequence {
        bail!("it is not what the kiosk listed (its id or sequence number differ)");
    }
    let submission: Submission = serde_json::from_slice(&plaintext)
        .context("it opens, but the submission inside cannot be read")?;
    if submission.schema != crate::submission::SCHEMA_VERSION {
        bail!(
            "it opens, but its submission schema {} is not supported by this version of prem",
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
    let res = inbox
        .http
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .map_err(unreachable)?;
    check_status(res.status())?;
    Ok(res.bytes().await?.to_vec())
}

async fn ack(inbox: &Inbox, url: &str, token: &str) -> Result<()> {
    let res = inbox
        .http
        .post(url)
        .bearer_auth(token)
        .send()
        .await
        .map_err(unreachable)?;
    check_status(res.status())
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
struct Damaged;

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
