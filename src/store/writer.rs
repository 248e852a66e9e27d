//! Group commit: one thread writes every pending submission, so concurrent puts share fsyncs.
//!
//! A durable put costs a file fsync, a directory fsync and an index flush. Done per request, the
//! directory fsync and the sled flush serialise everyone behind them. Here the writer takes all
//! requests queued while the previous group was on disk, writes all their files, fsyncs them
//! from several threads at once (concurrent fsyncs share ext4 journal commits), renames them,
//! fsyncs the spool directory once, applies one sled batch, flushes once, and then wakes every
//! waiter. Under load a group holds about as many
//! records as there are waiting clients; with one client it degenerates to the plain sequence.
//!
//! Being the only writer of idempotency claims and reference keys also makes the duplicate
//! checks race-free: two submits with one key in one group store one record.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread::{self, JoinHandle};

use super::frame::{self, FrameHeader};
use super::index::{self, IndexEntry};
use super::{PutOutcome, Result, StoreError};

/// Largest group written at once; bounds memory and the latency of the first waiter.
const MAX_GROUP: usize = 256;
/// Threads fsyncing one group's files. fsync waits on I/O, not CPU, so more threads than cores
/// are fine: with one thread per file of a 64-client group every fsync is in flight at once and
/// they share journal commits (1.02-1.11x the ungrouped baseline here, against 0.85-1.07x with 32).
const SYNC_THREADS: usize = 64;

pub(crate) struct Job {
    pub header: FrameHeader,
    pub sealed: Vec<u8>,
    pub reply: mpsc::Sender<Result<PutOutcome>>,
}

/// Handle on the writer thread; dropping it drains the queue and joins the thread.
pub(crate) struct Writer {
    tx: Option<mpsc::Sender<Job>>,
    handle: Option<JoinHandle<()>>,
}

impl Writer {
    pub(crate) fn spawn(spool: PathBuf, tree: sled::Tree) -> Result<Self> {
        let (tx, rx) = mpsc::channel::<Job>();
        let handle = thread::Builder::new()
            .name("prem-spool-writer".into())
            .spawn(move || run(&spool, &tree, &rx))
            .map_err(|e| StoreError::io("cannot start the spool writer thread", e))?;
        Ok(Writer {
            tx: Some(tx),
            handle: Some(handle),
        })
    }

    /// Queue a job and block until its group is durable (or failed).
    pub(crate) fn submit(&self, header: FrameHeader, sealed: Vec<u8>) -> Result<PutOutcome> {
        let (reply, wait) = mpsc::channel();
        let tx = self.tx.as_ref().ok_or(StoreError::WriterStopped)?;
        tx.send(Job {
            header,
            sealed,
            reply,
        })
        .map_err(|_| StoreError::WriterStopped)?;
        wait.recv().map_err(|_| StoreError::WriterStopped)?
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        drop(self.tx.take());
        if let Some(h) = self.handle.take() {
            if h.join().is_err() {
                tracing::error!("spool writer thread panicked");
            }
        }
    }
}

fn run(spool: &std::path::Path, tree: &sled::Tree, rx: &mpsc::Receiver<Job>) {
    while let Ok(first) = rx.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        commit_group(spool, tree, group);
    }
}

/// What happens to each job of a group.
enum Plan {
    /// Write it: holds the encoded frame.
    Write(Vec<u8>),
    /// Same idempotency key as an earlier job in this group.
    SameAs(usize),
    /// Settled before any I/O (an existing record, or a bad request).
    Done(Result<PutOutcome>),
}

fn commit_group(spool: &std::path::Path, tree: &sled::Tree, group: Vec<Job>) {
    let plans = plan(tree, &group);
    let to_write: Vec<usize> = (0..group.len())
        .filter(|&n| matches!(plans[n], Plan::Write(_)))
        .collect();
    let result = if to_write.is_empty() {
        Ok(())
    } else {
        write_and_index(spool, tree, &group, &plans, &to_write)
    };
    if let Err(e) = &result {
        tracing::error!(error = %e, records = to_write.len(), "storing submissions failed");
    }
    for (n, job) in group.iter().enumerate() {
        let outcome = match &plans[n] {
            Plan::Write(_) => group_result(&result, PutOutcome::Stored),
            Plan::SameAs(first) => match &plans[*first] {
                Plan::Write(_) => group_result(
                    &result,
                    PutOutcome::Existing(group[*first].header.reference.clone()),
                ),
                Plan::Done(Ok(PutOutcome::Existing(r))) => Ok(PutOutcome::Existing(r.clone())),
                _ => Err(StoreError::WriteFailed("the first copy failed".into())),
            },
            Plan::Done(_) => continue,
        };
        let _ = job.reply.send(outcome);
    }
    for (job, plan) in group.into_iter().zip(plans) {
        if let Plan::Done(outcome) = plan {
            let _ = job.reply.send(outcome);
        }
    }
}

fn group_result(result: &Result<()>, ok: PutOutcome) -> Result<PutOutcome> {
    match result {
        Ok(()) => Ok(ok),
        Err(e) => Err(StoreError::WriteFailed(e.to_string())),
    }
}

/// Settle duplicates and claim idempotency keys, before touching the disk.
fn plan(tree: &sled::Tree, group: &[Job]) -> Vec<Plan> {
    let mut first_by_idem: HashMap<[u8; 32], usize> = HashMap::new();
    let mut refs = HashSet::new();
    let mut ids = HashSet::new();
    let mut plans = Vec::with_capacity(group.len());
    for (n, job) in group.iter().enumerate() {
        let h = &job.header;
        if let Some(&first) = first_by_idem.get(&h.idem_hash) {
            plans.push(Plan::SameAs(first));
            continue;
        }
        first_by_idem.insert(h.idem_hash, n);
        let planned = (|| {
            if !refs.insert(h.reference.clone())
                || tree.contains_key(index::reference_key(&h.reference))?
            {
                return Err(StoreError::Invalid("reference already used".into()));
            }
            if !ids.insert(h.id) || tree.contains_key(index::record_key(&h.id))? {
                return Err(StoreError::Invalid("submission id already used".into()));
            }
            let bytes = frame::encode(h, &job.sealed)?;
            Ok(match claim(tree, h)? {
                Some(existing) => Plan::Done(Ok(PutOutcome::Existing(existing))),
                None => Plan::Write(bytes),
            })
        })();
        plans.push(planned.unwrap_or_else(|e| Plan::Done(Err(e))));
    }
    plans
}

/// Claim `h.idem_hash` for `h.id`. `Some(reference)` if a stored record already holds it.
fn claim(tree: &sled::Tree, h: &FrameHeader) -> Result<Option<String>> {
    let key = index::idem_key(&h.idem_hash);
    let mine = h.id.as_bytes().to_vec();
    let mut expected: Option<sled::IVec> = None;
    loop {
        match tree.compare_and_swap(&key, expected.as_ref(), Some(mine.clone()))? {
            Ok(()) => return Ok(None),
            Err(cas) => {
                let holder = cas.current.as_deref().and_then(index::id_from_value);
                if let Some(id) = holder {
                    if let Some(entry) = index::get_entry(tree, &id)? {
                        return Ok(Some(entry.reference));
                    }
                }
                // A claim left by a group that never committed: take it over.
                expected = cas.current;
            }
        }
    }
}

fn write_and_index(
    spool: &std::path::Path,
    tree: &sled::Tree,
    group: &[Job],
    plans: &[Plan],
    to_write: &[usize],
) -> Result<()> {
    let files: Vec<(usize, &[u8])> = to_write
        .iter()
        .filter_map(|&n| match &plans[n] {
            Plan::Write(bytes) => Some((n, bytes.as_slice())),
            _ => None,
        })
        .collect();
    let written = write_files(spool, group, &files);
    let mut batch = sled::Batch::default();
    let applied = written.and_then(|()| {
        frame::sync_dir(spool)?;
        let mut max_seq = index::last_seq(tree)?;
        for &(n, _) in &files {
            let h = &group[n].header;
            let entry = IndexEntry::new(h, group[n].sealed.len() as u64, None);
            index::insert(&mut batch, h, &entry);
            max_seq = max_seq.max(h.sequence);
        }
        index::set_last_seq(&mut batch, max_seq);
        tree.apply_batch(batch)?;
        Ok(())
    });
    if let Err(e) = applied {
        // Nothing reached the index: undo the files and the claims so a retry starts clean.
        for &(n, _) in &files {
            let h = &group[n].header;
            let _ = std::fs::remove_file(spool.join(frame::file_name(&h.id)));
            let _ = tree.compare_and_swap(
                index::idem_key(&h.idem_hash),
                Some(h.id.as_bytes()),
                None::<Vec<u8>>,
            );
        }
        return Err(e);
    }
    // If this fails the batch is applied but maybe not durable: report failure; a retry with
    // the same idempotency key finds the record and returns its reference.
    tree.flush()?;
    Ok(())
}

/// Write every file of the group to its temp name, fsync them all (spread over a few threads,
/// so the file system can merge them into few journal commits), then rename them into place.
fn write_files(spool: &std::path::Path, group: &[Job], files: &[(usize, &[u8])]) -> Result<()> {
    let mut pending = Vec::with_capacity(files.len());
    for &(n, bytes) in files {
        let name = frame::file_name(&group[n].header.id);
        pending.push(frame::write_unsynced(spool, &name, bytes)?);
    }
    let chunk = pending.len().div_ceil(SYNC_THREADS).max(1);
    thread::scope(|s| {
        let workers: Vec<_> = pending
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().try_for_each(|p| p.sync())))
            .collect();
        workers
            .into_iter()
            .try_for_each(|w| w.join().unwrap_or(Err(StoreError::WriterStopped)))
    })?;
    pending.into_iter().try_for_each(|p| p.rename())
}
