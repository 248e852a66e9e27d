//! Pulling from a kiosk through a proxy that breaks on command: a pull interrupted at any
//! point loses nothing and duplicates nothing.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;

use crate::support::background::{self, Background};
use crate::support::keys;
use crate::support::workspace::{self, WorkspaceHarness};
use crate::support::Harness;
use prem::store::SubmissionStore;

/// What the proxy in front of the kiosk breaks.
const PASS: u8 = 0;
const FAIL_ACKS: u8 = 1;
const FAIL_SECOND_FETCH: u8 = 2;

/// A proxy to the kiosk's internal API that fails on command, on its own runtime.
fn start_proxy(upstream: String, mode: Arc<AtomicU8>) -> (Background, String) {
    use axum::extract::Request;
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    let fetches = Arc::new(AtomicUsize::new(0));
    let client = reqwest::Client::new();
    let app = axum::Router::new().fallback(move |req: Request| {
        let (mode, fetches, client, upstream) = (
            mode.clone(),
            fetches.clone(),
            client.clone(),
            upstream.clone(),
        );
        async move {
            let path = req
                .uri()
                .path_and_query()
                .map(|p| p.to_string())
                .unwrap_or_default();
            let is_ack = path.ends_with("/ack");
            let is_fetch = path.starts_with("/v1/records/") && !is_ack;
            match mode.load(Ordering::SeqCst) {
                FAIL_ACKS if is_ack => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
                FAIL_SECOND_FETCH if is_fetch && fetches.fetch_add(1, Ordering::SeqCst) == 1 => {
                    return StatusCode::BAD_GATEWAY.into_response()
                }
                _ => {}
            }
            let auth = req.headers().get("authorization").cloned();
            let mut out = client.request(req.method().clone(), format!("{upstream}{path}"));
            if let Some(a) = auth {
                out = out.header("authorization", a);
            }
            let res = out.send().await.expect("upstream");
            let status = res.status();
            (status, res.bytes().await.expect("body")).into_response()
        }
    });
    let (server, addr) = background::serve(app);
    (server, format!("http://{addr}"))
}

#[test]
fn a_pull_broken_half_way_loses_nothing_and_duplicates_nothing() {
    let h = Harness::start(|_| {});
    let mut refs = BTreeSet::new();
    for form in ["sighting", "urgent-meeting", "sighting"] {
        refs.insert(h.submit_one(form));
    }
    let mode = Arc::new(AtomicU8::new(FAIL_ACKS));
    let (_proxy, proxy) = start_proxy(h.internal_url(""), mode.clone());
    let ih = WorkspaceHarness::start(&h, &proxy, |_| {});

    // Stored, then the acknowledgement fails: the kiosk keeps all three.
    assert_eq!(refs.len(), 3);
    let r = ih.pull().remove(0);
    assert!(r.error.is_some() && r.stored == 1 && r.acked == 0, "{r:?}");
    assert_eq!(
        h.kiosk
            .store
            .list_unacked(&h.kiosk.team_ids(None), 10)
            .expect("list")
            .len(),
        3
    );
    // The kiosk fails mid-list: the stored one is only acknowledged, the next is stored and
    // acknowledged, and fetching the third fails.
    mode.store(FAIL_SECOND_FETCH, Ordering::SeqCst);
    let r = ih.pull().remove(0);
    assert!(
        r.error.is_some() && r.already == 1 && r.stored == 1 && r.acked == 2,
        "{r:?}"
    );
    assert_eq!(
        h.kiosk
            .store
            .list_unacked(&h.kiosk.team_ids(None), 10)
            .expect("list")
            .len(),
        1
    );
    // Restarted with the kiosk healthy: the rest arrive, once each.
    mode.store(PASS, Ordering::SeqCst);
    let r = ih.pull().remove(0);
    assert!(r.error.is_none() && r.stored == 1 && r.acked == 1, "{r:?}");
    let r = ih.pull().remove(0);
    assert_eq!((r.stored, r.already, r.acked), (0, 0, 0));
    let all = ih.inbox().store.all().expect("all");
    assert_eq!(all.len(), 3, "no duplicates");
    let got: BTreeSet<String> = all.iter().map(|r| r.submission.reference.clone()).collect();
    assert_eq!(got, refs, "nothing lost");
    assert!(h
        .kiosk
        .store
        .list_unacked(&h.kiosk.team_ids(None), 10)
        .expect("list")
        .is_empty());
    assert!(ih
        .inbox()
        .store
        .kiosk_state("kiosk1")
        .expect("state")
        .gaps
        .is_empty());
}

/// Stores, straight into the kiosk's store, a record listed for the police team but sealed to
/// a key nobody in the inbox holds (as a kiosk running on its development key would).
fn plant_foreign_record(h: &Harness) -> String {
    use prem::store::{RecordMeta, SubmissionId};
    let (stranger, _) = prem::seal::generate_keypair();
    let seq = h.kiosk.store.reserve_sequence().expect("seq");
    let now = chrono::Utc::now();
    let header = prem::seal::Header::new(1, seq, now.timestamp(), std::slice::from_ref(&stranger));
    let sealed = prem::seal::seal(&header, &[stranger], b"{}").expect("seal");
    let reference = format!("{}-2026-X{:05}", h.forms.prefix, seq);
    let meta = RecordMeta {
        submission_id: SubmissionId(header.submission_id),
        sequence: seq,
        created_at: now,
        recipients: h.kiosk.team_ids(None),
    };
    h.kiosk
        .store
        .put(&rand::random(), &reference, sealed, meta)
        .expect("put");
    reference
}

#[test]
fn a_record_that_does_not_open_is_set_aside_and_the_ones_behind_it_arrive() {
    let h = Harness::start(|_| {});
    let first = h.submit_one("sighting");
    let poisoned = plant_foreign_record(&h);
    let damaged = h.submit_one("sighting");
    let last = h.submit_one("sighting");
    // Damage the third record's spool file on the kiosk, as a failing disk would.
    let listed = h
        .kiosk
        .store
        .list_unacked(&h.kiosk.team_ids(None), 10)
        .expect("list");
    let victim = listed
        .iter()
        .find(|r| r.reference == damaged)
        .expect("listed");
    let path = h
        .data_dir
        .join("spool")
        .join(format!("{}.rec", victim.submission_id));
    let mut bytes = std::fs::read(&path).expect("spool file");
    let n = bytes.len();
    bytes[n / 2] ^= 0xff;
    std::fs::write(&path, bytes).expect("damage");

    let ih = WorkspaceHarness::start(&h, &h.internal_url(""), |_| {});
    let r = ih.pull().remove(0);
    assert!(r.error.is_none(), "the pull carries on: {r:?}");
    assert_eq!(
        (r.stored, r.damaged, r.quarantined.len()),
        (2, 1, 2),
        "{r:?}"
    );
    let got: BTreeSet<String> = ih
        .inbox()
        .store
        .all()
        .expect("all")
        .into_iter()
        .map(|r| r.submission.reference)
        .collect();
    assert_eq!(
        got,
        BTreeSet::from([first, last]),
        "the genuine ones arrive"
    );

    // The foreign one is kept sealed in the inbox and acknowledged; the damaged one stays on
    // the kiosk, unacknowledged, for its operator.
    let held = ih.inbox().store.quarantined().expect("quarantine");
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].reference, poisoned);
    assert!(
        held[0].reason.contains("not sealed to this inbox's key"),
        "{}",
        held[0].reason
    );
    assert!(!held[0].sealed.is_empty());
    let left: Vec<String> = h
        .kiosk
        .store
        .list_unacked(&h.kiosk.team_ids(None), 10)
        .expect("list")
        .into_iter()
        .map(|r| r.reference)
        .collect();
    assert_eq!(left, [damaged]);

    // Reported in the audit trail and on the reviewers' pages.
    let actions: Vec<String> = ih
        .inbox()
        .store
        .audit
        .recent(50)
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        actions.iter().any(|a| a.starts_with("quarantine:")),
        "{actions:?}"
    );
    assert!(
        actions.iter().any(|a| a.starts_with("damaged-on-kiosk:")),
        "{actions:?}"
    );
    // A second pull changes nothing and does not stop either.
    let r = ih.pull().remove(0);
    assert!(
        r.error.is_none() && r.stored == 0 && r.damaged == 1,
        "{r:?}"
    );
}

#[test]
fn records_set_aside_under_the_wrong_key_open_on_retry_once_the_key_is_fixed() {
    let h = Harness::start(|_| {});
    let reference = h.submit_one("sighting");
    // The inbox starts with another team's key (a wrong key_file in prem.toml).
    let other = tempfile::tempdir().expect("tempdir");
    let wrong_key = keys::generate(other.path(), "other").secret_file;
    let data = tempfile::tempdir().expect("tempdir");
    let data_dir = data.path().join("inbox-data");
    let dir = data_dir.clone();
    let ih = WorkspaceHarness::start(&h, &h.internal_url(""), move |c| {
        c.inbox.secret_key = wrong_key;
        c.inbox.data_dir = dir;
    });
    let r = ih.pull().remove(0);
    assert_eq!((r.stored, r.quarantined.len(), r.acked), (0, 1, 1), "{r:?}");
    drop(ih);

    // Fixed and restarted: an admin retries, and the referral is in.
    let mut config = workspace::inbox_config(&h, &h.internal_url(""), data.path());
    config.inbox.data_dir = data_dir;
    let inbox = workspace::open(config, &h.root);
    assert_eq!(inbox.store.quarantine_count(), 1);
    let (released, held) =
        prem::workspace::pull::retry_quarantined(&inbox, "admin1").expect("retry");
    assert_eq!((released, held), (1, 0));
    assert_eq!(inbox.store.quarantine_count(), 0);
    let all = inbox.store.all().expect("all");
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].submission.reference, reference);
    let actions: Vec<String> = inbox
        .store
        .audit
        .recent(20)
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        actions.iter().any(|a| a == "quarantine-released"),
        "{actions:?}"
    );
}

#[test]
fn two_teams_on_one_kiosk_each_receive_their_own_records_and_purge_waits_for_both() {
    use prem::config::Recipient;
    // An LA children's team, sealed to the young person form only, beside the police (all forms).
    let dir = tempfile::tempdir().expect("tempdir");
    let la_key = keys::generate(dir.path(), "la-children");
    let la_secret = la_key.secret_file;
    let h = Harness::start(|c| {
        c.kiosk.recipients.push(Recipient {
            name: "la-children".into(),
            public_key: la_key.public,
            forms: vec!["young-person".into()],
        })
    });
    let child = h.submit_one("young-person");
    let soft = h.submit_one("sighting");

    let police = WorkspaceHarness::start(&h, &h.internal_url(""), |_| {});
    let la_token = h
        .kiosk
        .store
        .tokens()
        .add("la-inbox", "la-children")
        .expect("token");
    let la_dir = tempfile::tempdir().expect("tempdir");
    let token_file = la_dir.path().join("la.token");
    keys::write_private(&token_file, &la_token);
    let la = WorkspaceHarness::start(&h, &h.internal_url(""), move |c| {
        c.inbox.secret_key = la_secret;
        c.inbox.kiosks[0].token_file = token_file;
    });

    // The police inbox goes first and takes both; the LA's young person referral is still there.
    let r = police.pull().remove(0);
    assert_eq!((r.stored, r.quarantined.len()), (2, 0), "{r:?}");
    let later = chrono::Utc::now() + chrono::Duration::days(365);
    assert_eq!(
        h.kiosk.store.purge_acked(later).expect("purge"),
        1,
        "the sighting (police only) goes; the young person referral waits for the LA"
    );
    let r = la.pull().remove(0);
    assert_eq!(
        (r.stored, r.quarantined.len()),
        (1, 0),
        "only its own, all open: {r:?}"
    );
    let got: Vec<String> = la
        .inbox()
        .store
        .all()
        .expect("all")
        .into_iter()
        .map(|r| r.submission.reference)
        .collect();
    assert_eq!(got, std::slice::from_ref(&child));
    assert!(!got.contains(&soft));

    assert_eq!(h.kiosk.store.purge_acked(later).expect("purge"), 1);
}
