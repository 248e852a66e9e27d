//! Tests of `SpoolStore` against a real sled database in a temp directory.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use chrono::{Duration, Utc};

use crate::store::frame::{self, FrameHeader};
use crate::store::*;

/// The one team every record in these tests is sealed to.
const TEAM: [RecipientId; 1] = [[0xaa; 16]];

fn put(store: &SpoolStore, idem: u8, reference: &str) -> (RecordMeta, PutOutcome) {
    let meta = RecordMeta {
        submission_id: SubmissionId::random(),
        sequence: store.reserve_sequence().expect("sequence"),
        created_at: Utc::now(),
        recipients: TEAM.to_vec(),
    };
    let sealed = format!("sealed:{reference}").into_bytes();
    let outcome = store
        .put(&[idem; 32], reference, sealed, meta.clone())
        .expect("put");
    (meta, outcome)
}

fn spool_count(dir: &Path) -> usize {
    fs::read_dir(dir.join("spool")).expect("spool").count()
}

mod bench;
mod teams;

#[test]
fn idempotent_put_returns_first_reference_and_writes_one_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SpoolStore::open(dir.path()).expect("open");
    let (meta, first) = put(&store, 1, "PREM-2026-AAAAAA");
    assert_eq!(first, PutOutcome::Stored);
    let (_, again) = put(&store, 1, "PREM-2026-BBBBBB");
    assert_eq!(again, PutOutcome::Existing("PREM-2026-AAAAAA".into()));
    assert_eq!(spool_count(dir.path()), 1);
    assert_eq!(
        store.read(&meta.submission_id, &TEAM).expect("read"),
        b"sealed:PREM-2026-AAAAAA"
    );
    let listed = store.list_unacked(&TEAM, 10).expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].sequence, meta.sequence);
}

#[test]
fn same_key_submitted_concurrently_stores_one_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SpoolStore::open(dir.path()).expect("open");
    let refs: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..16)
            .map(|n| {
                let store = &store;
                s.spawn(move || {
                    let reference = format!("PREM-2026-T{n:05}");
                    match put(store, 7, &reference).1 {
                        PutOutcome::Existing(r) => r,
                        PutOutcome::Stored => reference,
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("join"))
            .collect()
    });
    assert!(
        refs.iter().all(|r| r == &refs[0]),
        "one reference for all: {refs:?}"
    );
    assert_eq!(spool_count(dir.path()), 1);
}

#[test]
fn ack_then_purge_removes_file_and_index_after_retention() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SpoolStore::open(dir.path()).expect("open");
    let (a, _) = put(&store, 1, "PREM-2026-AAAAAA");
    let (b, _) = put(&store, 2, "PREM-2026-BBBBBB");
    let acked_at = Utc::now();
    store.ack(&a.submission_id, &TEAM, acked_at).expect("ack");
    store
        .ack(&a.submission_id, &TEAM, acked_at + Duration::days(1))
        .expect("ack twice");
    let unacked = store.list_unacked(&TEAM, 10).expect("list");
    assert_eq!(unacked.len(), 1);
    assert_eq!(unacked[0].submission_id, b.submission_id);

    assert_eq!(
        store.purge_acked(acked_at).expect("purge"),
        0,
        "not yet due"
    );
    assert_eq!(
        store
            .purge_acked(acked_at + Duration::seconds(1))
            .expect("purge"),
        1
    );
    assert!(matches!(
        store.read(&a.submission_id, &TEAM),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(spool_count(dir.path()), 1);
    assert!(matches!(
        store.ack(&a.submission_id, &TEAM, acked_at),
        Err(StoreError::NotFound(_))
    ));
    // The purged record's idempotency key is free again; its sequence never comes back.
    let (c, outcome) = put(&store, 1, "PREM-2026-CCCCCC");
    assert_eq!(outcome, PutOutcome::Stored);
    drop(store);
    let store = SpoolStore::open(dir.path()).expect("reopen");
    assert!(store.reserve_sequence().expect("seq") > c.sequence);
    assert_eq!(store.list_unacked(&TEAM, 10).expect("list").len(), 2);
}

#[test]
fn reopen_after_drop_keeps_records_acks_tokens_and_sequence() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SpoolStore::open(dir.path()).expect("open");
    let (a, _) = put(&store, 1, "PREM-2026-AAAAAA");
    let (b, _) = put(&store, 2, "PREM-2026-BBBBBB");
    store.ack(&a.submission_id, &TEAM, Utc::now()).expect("ack");
    let token = store.tokens().add("inbox", "police").expect("token");
    let before = store.list_unacked(&TEAM, 10).expect("list");
    drop(store);

    let store = SpoolStore::open(dir.path()).expect("reopen");
    assert_eq!(store.list_unacked(&TEAM, 10).expect("list"), before);
    assert_eq!(
        store.read(&a.submission_id, &TEAM).expect("read a"),
        b"sealed:PREM-2026-AAAAAA"
    );
    assert_eq!(
        store.read(&b.submission_id, &TEAM).expect("read b"),
        b"sealed:PREM-2026-BBBBBB"
    );
    assert_eq!(
        store
            .tokens()
            .verify(&token)
            .expect("verify")
            .map(|v| v.name)
            .as_deref(),
        Some("inbox")
    );
    assert!(store.reserve_sequence().expect("seq") > b.sequence);
    assert_eq!(
        put(&store, 2, "PREM-2026-XXXXXX").1,
        PutOutcome::Existing("PREM-2026-BBBBBB".into())
    );
    let usage = store.size_on_disk().expect("usage");
    assert!(usage.index > 0 && usage.spool > 0);
}

#[test]
fn rebuild_reproduces_the_index_from_the_spool() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SpoolStore::open(dir.path()).expect("open");
    let metas: Vec<_> = (0..5)
        .map(|n| put(&store, n, &format!("PREM-2026-R{n:05}")).0)
        .collect();
    store
        .ack(&metas[0].submission_id, &TEAM, Utc::now())
        .expect("ack");
    let before = store.list_unacked(&TEAM, 10).expect("list");
    let last = metas[4].sequence;
    drop(store);

    let report = SpoolStore::rebuild(dir.path()).expect("rebuild");
    assert_eq!(
        (report.records, report.unacked, report.index_moved_to),
        (5, 4, None)
    );
    let store = SpoolStore::open(dir.path()).expect("open rebuilt");
    assert_eq!(store.list_unacked(&TEAM, 10).expect("list"), before);
    assert_eq!(
        put(&store, 3, "PREM-2026-NEW000").1,
        PutOutcome::Existing("PREM-2026-R00003".into())
    );
    drop(store);

    // An index that is gone entirely: everything comes back, unacknowledged.
    fs::remove_dir_all(dir.path().join("index")).expect("remove index");
    let report = SpoolStore::rebuild(dir.path()).expect("rebuild");
    assert_eq!((report.records, report.unacked), (5, 5));
    let store = SpoolStore::open(dir.path()).expect("open rebuilt");
    assert!(store.reserve_sequence().expect("seq") > last);
    for m in &metas {
        assert!(store.read(&m.submission_id, &TEAM).is_ok());
    }
}

#[test]
fn missing_spool_file_fails_open_closed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SpoolStore::open(dir.path()).expect("open");
    let (a, _) = put(&store, 1, "PREM-2026-AAAAAA");
    drop(store);
    fs::remove_file(
        dir.path()
            .join("spool")
            .join(frame::file_name(&a.submission_id)),
    )
    .expect("remove");
    let err = SpoolStore::open(dir.path()).err().expect("must fail");
    assert!(matches!(err, StoreError::CorruptIndex { .. }), "{err}");
    assert!(err.to_string().contains("is missing"), "{err}");
    assert!(err.to_string().contains("prem store rebuild"), "{err}");
}

#[test]
fn damaged_spool_file_fails_open_closed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SpoolStore::open(dir.path()).expect("open");
    let (a, _) = put(&store, 1, "PREM-2026-AAAAAA");
    drop(store);
    let path = dir
        .path()
        .join("spool")
        .join(frame::file_name(&a.submission_id));
    let mut bytes = fs::read(&path).expect("read");
    let last = bytes.len() - 40;
    bytes[last] ^= 0xff;
    fs::write(&path, bytes).expect("write");
    let err = SpoolStore::open(dir.path()).err().expect("must fail");
    assert!(matches!(err, StoreError::CorruptRecord { .. }), "{err}");
}

#[test]
fn spool_file_missing_from_index_is_adopted_and_temp_files_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(SpoolStore::open(dir.path()).expect("open"));
    let header = FrameHeader {
        id: SubmissionId::random(),
        sequence: 41,
        created_at: Utc::now(),
        idem_hash: frame::idem_hash(&[5; 32]),
        reference: "PREM-2026-ORPHAN".into(),
        recipients: TEAM.to_vec(),
    };
    let spool = dir.path().join("spool");
    fs::write(
        spool.join(frame::file_name(&header.id)),
        frame::encode(&header, b"x").expect("enc"),
    )
    .expect("write");
    fs::write(spool.join("half-written.rec.tmp"), b"junk").expect("write tmp");

    let store = SpoolStore::open(dir.path()).expect("open");
    let listed = store.list_unacked(&TEAM, 10).expect("list");
    assert_eq!(listed[0].reference, "PREM-2026-ORPHAN");
    assert_eq!(store.reserve_sequence().expect("seq"), 42);
    assert_eq!(spool_count(dir.path()), 1);
    assert_eq!(
        put(&store, 5, "PREM-2026-RETRY0").1,
        PutOutcome::Existing("PREM-2026-ORPHAN".into())
    );
}

#[test]
fn second_open_of_the_same_directory_is_refused_as_in_use() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SpoolStore::open(dir.path()).expect("open");
    let err = SpoolStore::open(dir.path()).err().expect("must fail");
    assert!(matches!(err, StoreError::InUse { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "data directory {} is in use by another prem process",
            dir.path().display()
        )
    );
    assert!(matches!(
        SpoolStore::rebuild(dir.path()),
        Err(StoreError::InUse { .. })
    ));
    drop(store);
}

#[test]
fn unreserved_sequence_and_reused_reference_are_rejected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SpoolStore::open(dir.path()).expect("open");
    let meta = RecordMeta {
        submission_id: SubmissionId::random(),
        sequence: 1000,
        created_at: Utc::now(),
        recipients: TEAM.to_vec(),
    };
    assert!(matches!(
        store.put(&[1; 32], "PREM-2026-AAAAAA", vec![1], meta.clone()),
        Err(StoreError::Invalid(_))
    ));
    put(&store, 1, "PREM-2026-AAAAAA");
    let meta = RecordMeta {
        sequence: store.reserve_sequence().expect("seq"),
        ..meta
    };
    assert!(matches!(
        store.put(&[2; 32], "PREM-2026-AAAAAA", vec![1], meta),
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(spool_count(dir.path()), 1);
}

#[test]
fn concurrent_puts_from_64_threads_are_all_durable_with_distinct_sequences() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(SpoolStore::open(dir.path()).expect("open"));
    let per_thread = 4u8;
    let metas: Vec<RecordMeta> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..64u8)
            .map(|t| {
                let store = &store;
                s.spawn(move || {
                    (0..per_thread)
                        .map(|i| {
                            let mut key = [t; 32];
                            key[0] = i;
                            let meta = RecordMeta {
                                submission_id: SubmissionId::random(),
                                sequence: store.reserve_sequence().expect("seq"),
                                created_at: Utc::now(),
                                recipients: TEAM.to_vec(),
                            };
                            let reference = format!("PREM-2026-{t:03}{i:03}");
                            let out = store.put(&key, &reference, vec![t; 3000], meta.clone());
                            assert_eq!(out.expect("put"), PutOutcome::Stored);
                            meta
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("join"))
            .collect()
    });
    drop(store);
    let store = SpoolStore::open(dir.path()).expect("reopen");
    let listed = store.list_unacked(&TEAM, 10_000).expect("list");
    assert_eq!(listed.len(), 64 * per_thread as usize);
    let mut seqs: Vec<u64> = listed.iter().map(|r| r.sequence).collect();
    seqs.dedup();
    assert_eq!(
        seqs.len(),
        listed.len(),
        "sequences are listed in order and distinct"
    );
    for m in &metas {
        assert_eq!(
            store.read(&m.submission_id, &TEAM).expect("read").len(),
            3000
        );
    }
}
