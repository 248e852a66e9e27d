//! The durability promise under the worst stop: many browsers submit the
//! harbour fixture's urgent-meeting form at once against the real `prem serve` binary,
//! the process is killed with SIGKILL mid-load, and every reference a browser
//! was shown must then be in the data directory, open with the reviewers'
//! private key and hold the right form. The kiosk must also start again on the
//! same directory and keep accepting (and handing over) submissions.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use prem::seal::SecretKey;
use prem::store::{SpoolStore, SubmissionStore};

use crate::support::process::{free_port, Site};
use crate::support::{Browser, Forms};

const FORM: &str = "urgent-meeting";
const CLIENTS: usize = 16;
/// How long the load runs before the kill, once the server is up.
const LOAD: Duration = Duration::from_millis(2500);
/// Kill no earlier than this many acknowledged submissions (a slow machine
/// gets more time, up to `LOAD_CAP`), so the test always proves something.
const MIN_ACKED: usize = 2 * CLIENTS;
const LOAD_CAP: Duration = Duration::from_secs(15);
/// Kill at the latest here: a fast release build can acknowledge several hundred
/// a second, and the hand-over API lists at most 1000 records per call.
const MAX_ACKED: usize = 600;
/// With 16 clients a debug build acknowledges about 20 submissions a second; no
/// acknowledgement for this long before the kill means the kiosk had stalled.
const STALL: Duration = Duration::from_secs(3);

/// One browser completing the form: start page, every question page, check your answers,
/// submit. `Ok(reference)` only when the confirmation page came back whole; any other outcome
/// is `Err` with what happened.
fn complete(base: &str, forms: &Forms) -> Result<String, String> {
    forms.try_complete(&Browser::new(base), FORM)
}

/// Every record in the data directory, by reference, opened with the
/// reviewers' key: (form id, sequence). Panics on any record that does not
/// open or says the wrong thing.
fn open_all(data: &Path, secret: &SecretKey) -> std::collections::HashMap<String, (String, u64)> {
    let store = SpoolStore::open(data).expect("the data directory opens after SIGKILL");
    let team = [secret.id().0];
    let records = store.list_unacked(&team, 1_000_000).expect("list");
    let mut out = std::collections::HashMap::new();
    for r in records {
        let bytes = store.read(&r.submission_id, &team).expect("read record");
        let (header, plain) = prem::seal::open(&bytes, secret)
            .unwrap_or_else(|e| panic!("{}: does not open: {e}", r.reference));
        assert_eq!(header.sequence, r.sequence);
        let json: serde_json::Value = serde_json::from_slice(&plain).expect("sealed JSON");
        assert_eq!(json["reference"], r.reference.as_str(), "reference inside");
        let form = json["form"].as_str().expect("form id").to_owned();
        assert!(
            out.insert(r.reference.clone(), (form, r.sequence))
                .is_none(),
            "{}: stored twice",
            r.reference
        );
    }
    out
}

#[test]
fn every_acknowledged_submission_survives_sigkill_under_load_and_the_kiosk_restarts() {
    let site = Site::new();
    let forms = Arc::new(Forms::load(&site.dir));
    let mut server = site.serve("first", None);

    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    // When the last acknowledgement came, to tell a kiosk still working at the kill from one
    // that had stalled (a stalled one would pass the durability checks vacuously).
    let last_ack = Arc::new(Mutex::new(Instant::now()));
    let stop = Arc::new(AtomicBool::new(false));
    let killed = Arc::new(AtomicBool::new(false));
    let failures_while_up = Arc::new(Mutex::new(Vec::<String>::new()));
    let lost_at_kill = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (base, forms) = (server.base.clone(), forms.clone());
            let (acked, stop, killed) = (acked.clone(), stop.clone(), killed.clone());
            let last_ack = last_ack.clone();
            let (failures, lost) = (failures_while_up.clone(), lost_at_kill.clone());
            thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match complete(&base, &forms) {
                        Ok(r) => {
                            acked.lock().expect("acked").push(r);
                            *last_ack.lock().expect("last ack") = Instant::now();
                        }
                        // The server is gone: in-flight forms end here.
                        Err(_) if killed.load(Ordering::SeqCst) => {
                            lost.fetch_add(1, Ordering::SeqCst);
                            break;
                        }
                        Err(e) => {
                            failures.lock().expect("failures").push(e);
                            break;
                        }
                    }
                }
            })
        })
        .collect();

    let start = Instant::now();
    loop {
        let n = acked.lock().expect("acked").len();
        if n >= MAX_ACKED
            || (start.elapsed() >= LOAD && n >= MIN_ACKED)
            || start.elapsed() >= LOAD_CAP
        {
            break;
        }
        thread::sleep(Duration::from_millis(20));
    }
    let stalled = last_ack.lock().expect("last ack").elapsed();
    killed.store(true, Ordering::SeqCst);
    server.kill();
    stop.store(true, Ordering::SeqCst);
    for w in workers {
        w.join().expect("client thread");
    }
    let failures = failures_while_up.lock().expect("failures").clone();
    assert!(
        failures.is_empty(),
        "requests failed while the server was up: {failures:?}\n{}",
        server.log_text()
    );
    let acked = acked.lock().expect("acked").clone();
    assert!(
        stalled < STALL,
        "the kiosk had stopped acknowledging submissions {stalled:.1?} before the kill \
         ({} acknowledged in all)\n{}",
        acked.len(),
        server.log_text()
    );
    eprintln!(
        "{} submissions acknowledged in {:.1?} by {CLIENTS} clients; {} forms in flight at the kill",
        acked.len(),
        start.elapsed(),
        lost_at_kill.load(Ordering::SeqCst)
    );
    assert!(
        acked.len() >= CLIENTS,
        "too few submissions to prove anything: {}",
        acked.len()
    );

    // Every acknowledged reference is on disk and opens with the private key.
    let stored = open_all(&site.data, site.secret());
    for r in &acked {
        let (form_id, _) = stored
            .get(r)
            .unwrap_or_else(|| panic!("acknowledged {r} was lost by the SIGKILL"));
        assert_eq!(form_id, FORM, "{r}");
    }
    assert!(stored.len() >= acked.len());
    let mut seqs: Vec<u64> = stored.values().map(|(_, s)| *s).collect();
    seqs.sort_unstable();
    seqs.dedup();
    assert_eq!(seqs.len(), stored.len(), "sequence numbers are distinct");

    // The CLI can take the directory after the crash (here: make an inbox token) ...
    let out = site
        .command(&["token", "add", "crash-test"])
        .output()
        .expect("prem token add");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout)
        .expect("utf8")
        .trim()
        .to_owned();
    assert!(!token.is_empty());

    // ... and the kiosk starts again on it, takes a new submission and hands
    // every record over on the internal API.
    let internal = free_port();
    let mut again = site.serve("restart", Some(internal));
    let after = complete(&again.base, &forms).expect("a submission after the restart");
    let listed_json: serde_json::Value = reqwest::blocking::Client::new()
        .get(format!("http://127.0.0.1:{internal}/v1/records?limit=1000"))
        .bearer_auth(&token)
        .send()
        .expect("internal list")
        .json()
        .expect("json");
    let listed: std::collections::HashSet<&str> = listed_json["records"]
        .as_array()
        .expect("records")
        .iter()
        .filter_map(|r| r["reference"].as_str())
        .collect();
    assert!(
        stored.len() < 1000,
        "more records than one page of the list"
    );
    assert_eq!(listed.len(), stored.len() + 1, "every record is listed");
    assert!(listed.contains(after.as_str()));
    for r in &acked {
        assert!(listed.contains(r.as_str()), "{r} not handed over");
    }
    // The ciphertext handed over is the record: the new one opens from the API.
    let id = listed_json["records"]
        .as_array()
        .expect("records")
        .iter()
        .find(|r| r["reference"] == after.as_str())
        .and_then(|r| r["id"].as_str())
        .expect("id of the new record")
        .to_owned();
    let sealed = reqwest::blocking::Client::new()
        .get(format!("http://127.0.0.1:{internal}/v1/records/{id}"))
        .bearer_auth(&token)
        .send()
        .expect("internal fetch")
        .bytes()
        .expect("bytes");
    let (_, plain) = prem::seal::open(&sealed, site.secret()).expect("fetched record opens");
    let json: serde_json::Value = serde_json::from_slice(&plain).expect("sealed JSON");
    assert_eq!(json["reference"], after.as_str());

    // The post-restart submission is as durable as the others.
    again.kill();
    let final_store = open_all(&site.data, site.secret());
    assert_eq!(final_store.get(&after).map(|(f, _)| f.as_str()), Some(FORM));
    assert_eq!(final_store.len(), stored.len() + 1);
}
