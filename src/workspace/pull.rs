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

mod kiosk;
mod open;

use std::sync::Arc;

use anyhow::{bail, Context as _, Result};
use chrono::Utc;

use super::model::RecordKey;
use super::Workspace;
use crate::config::KioskSource;
pub use kiosk::{client, read_token};
use kiosk::{Api, Damaged, Listed};
pub use open::retry_quarantined;
use open::{Fetched, Taken};

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

/// Pulls from every configured kiosk, one after another; `actor` goes in the audit trail.
pub async fn pull_all(inbox: Arc<Workspace>, actor: &str) -> Vec<PullReport> {
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

/// Pulls every record the kiosk lists, in rounds of 100.
async fn pull_kiosk(
    inbox: &Arc<Workspace>,
    source: &KioskSource,
    actor: &str,
    report: &mut PullReport,
) -> Result<()> {
    let api = Api::new(&inbox.http, source, &inbox.root)?;
    // Each round lists past the highest sequence number seen, so a record that cannot be taken
    // now (damaged on the kiosk) never hides the ones behind it.
    let mut after = 0;
    for _round in 0..100_000 {
        let listing = (api.list(after).await)
            .with_context(|| format!("listing records on kiosk {}", source.name))?;
        if listing.records.is_empty() {
            return Ok(());
        }
        for listed in listing.records {
            after = after.max(listed.sequence);
            take_one(inbox, source, &api, actor, listed, report).await?;
        }
    }
    bail!(
        "kiosk {} keeps listing records; stopped after 100000 rounds",
        source.name
    )
}

/// Fetches, opens (or sets aside), stores and acknowledges one listed record.
async fn take_one(
    inbox: &Arc<Workspace>,
    source: &KioskSource,
    api: &Api<'_>,
    actor: &str,
    listed: Listed,
    report: &mut PullReport,
) -> Result<()> {
    let key = RecordKey {
        kiosk: source.name.clone(),
        id: listed.id.clone(),
    };
    let (store, k) = (inbox.store.clone(), key.clone());
    let present = tokio::task::spawn_blocking(move || {
        Ok::<_, anyhow::Error>(store.contains(&k)? || store.is_quarantined(&k)?)
    })
    .await??;
    if present {
        report.already += 1;
    } else if !fetch_and_keep(inbox, api, key.clone(), &listed, actor, report).await? {
        return Ok(());
    }
    note_sequence(inbox, &source.name, listed.sequence, report).await?;
    (api.ack(&listed.id).await).with_context(|| format!("acknowledging record {}", key.path()))?;
    report.acked += 1;
    Ok(())
}

/// Fetches a record not held yet and keeps it (stored or set aside); `false` if the kiosk's
/// copy is damaged, which stays there unacknowledged.
async fn fetch_and_keep(
    inbox: &Arc<Workspace>,
    api: &Api<'_>,
    key: RecordKey,
    listed: &Listed,
    actor: &str,
    report: &mut PullReport,
) -> Result<bool> {
    let sealed = match api.fetch(&listed.id).await {
        Ok(bytes) => bytes,
        Err(e) if e.is::<Damaged>() => {
            damaged(inbox, &key, listed.sequence, actor, report).await?;
            return Ok(false);
        }
        Err(e) => return Err(e.context(format!("fetching record {}", key.path()))),
    };
    let path = key.path();
    let fetched = Fetched {
        key,
        sequence: listed.sequence,
        reference: listed.reference.clone(),
        sealed,
    };
    let (i, actor) = (inbox.clone(), actor.to_string());
    match tokio::task::spawn_blocking(move || open::keep(&i, fetched, &actor)).await?? {
        Taken::Stored => report.stored += 1,
        Taken::Already => report.already += 1,
        Taken::Quarantined(reason) => {
            tracing::warn!(
                kiosk = %report.kiosk,
                id = %listed.id,
                sequence = listed.sequence,
                reason = %reason,
                "record set aside: it does not open"
            );
            report.quarantined.push((path, listed.sequence, reason));
        }
    }
    Ok(true)
}

/// A record whose copy on the kiosk is damaged: nothing to keep here. The kiosk keeps its file
/// (it is not acknowledged), and the record is reported every pull until someone deals with it
/// there.
async fn damaged(
    inbox: &Arc<Workspace>,
    key: &RecordKey,
    sequence: u64,
    actor: &str,
    report: &mut PullReport,
) -> Result<()> {
    let reason = "the kiosk's stored copy is damaged (its spool file fails its \
                  checksum): it stays on the kiosk; ask its operator";
    tracing::warn!(kiosk = %key.kiosk, id = %key.id, sequence, "record damaged on the kiosk");
    let (store, path, actor) = (inbox.store.clone(), key.path(), actor.to_string());
    let action = format!("damaged-on-kiosk: {reason}");
    tokio::task::spawn_blocking(move || store.audit.record(&actor, &action, &path)).await??;
    report
        .quarantined
        .push((key.path(), sequence, reason.into()));
    report.damaged += 1;
    Ok(())
}

/// Notes the record's sequence number; a jump past numbers never handed over is reported and
/// audited.
async fn note_sequence(
    inbox: &Arc<Workspace>,
    kiosk: &str,
    sequence: u64,
    report: &mut PullReport,
) -> Result<()> {
    let (store, name) = (inbox.store.clone(), kiosk.to_string());
    let gap = tokio::task::spawn_blocking(move || store.note_sequence(&name, sequence)).await??;
    let Some(gap) = gap else {
        return Ok(());
    };
    report.gaps.push(gap);
    tracing::warn!(kiosk = %kiosk, from = gap.0, to = gap.1, "sequence numbers never handed over");
    let (store, kiosk) = (inbox.store.clone(), kiosk.to_string());
    let action = format!("sequence-gap:{}-{}", gap.0, gap.1);
    tokio::task::spawn_blocking(move || store.audit.record("system", &action, &kiosk)).await??;
    Ok(())
}
