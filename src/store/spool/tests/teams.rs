//! Recipient teams: each lists and acknowledges only its own records, and version-1 spool
//! files (from before teams) still open.

use super::*;

fn put_for(store: &SpoolStore, idem: u8, reference: &str, teams: &[RecipientId]) -> RecordMeta {
    let meta = RecordMeta {
        submission_id: SubmissionId::random(),
        sequence: store.reserve_sequence().expect("sequence"),
        created_at: Utc::now(),
        recipients: teams.to_vec(),
    };
    let out = store
        .put(&[idem; 32], reference, b"sealed".to_vec(), meta.clone())
        .expect("put");
    assert_eq!(out, PutOutcome::Stored);
    meta
}

#[test]
fn each_team_lists_and_acknowledges_only_its_own_records_and_purge_waits_for_all() {
    const POLICE: RecipientId = [1; 16];
    const LA: RecipientId = [2; 16];
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SpoolStore::open(dir.path()).expect("open");
    let both = put_for(&store, 1, "REF-2026-AAAAAA", &[POLICE, LA]);
    let police_only = put_for(&store, 2, "REF-2026-BBBBBB", &[POLICE]);
    let refs = |team: RecipientId| -> Vec<String> {
        store
            .list_unacked(&[team], 10)
            .expect("list")
            .into_iter()
            .map(|r| r.reference)
            .collect()
    };
    assert_eq!(refs(POLICE), ["REF-2026-AAAAAA", "REF-2026-BBBBBB"]);
    assert_eq!(refs(LA), ["REF-2026-AAAAAA"]);
    assert!(matches!(
        store.read(&police_only.submission_id, &[LA]),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.ack(&police_only.submission_id, &[LA], Utc::now()),
        Err(StoreError::NotFound(_))
    ));

    let then = Utc::now() - Duration::days(60);
    store
        .ack(&both.submission_id, &[POLICE], then)
        .expect("police ack");
    store
        .ack(&police_only.submission_id, &[POLICE], then)
        .expect("police ack");
    assert!(refs(POLICE).is_empty());
    assert_eq!(refs(LA), ["REF-2026-AAAAAA"], "the LA team still gets it");
    assert_eq!(store.purge_acked(Utc::now()).expect("purge"), 1);
    assert!(
        store.read(&both.submission_id, &[LA]).is_ok(),
        "kept for LA"
    );

    // The acknowledgements survive a rebuild of the index from the spool.
    drop(store);
    SpoolStore::rebuild(dir.path()).expect("rebuild");
    let store = SpoolStore::open(dir.path()).expect("reopen");
    assert!(store.list_unacked(&[POLICE], 10).expect("list").is_empty());
    assert_eq!(store.list_unacked(&[LA], 10).expect("list").len(), 1);
    store.ack(&both.submission_id, &[LA], then).expect("la ack");
    assert_eq!(store.purge_acked(Utc::now()).expect("purge"), 1);
    assert_eq!(spool_count(dir.path()), 0);
}

#[test]
fn version_1_spool_files_without_teams_go_to_whichever_team_asks() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(SpoolStore::open(dir.path()).expect("open"));
    let header = FrameHeader {
        id: SubmissionId::random(),
        sequence: 7,
        created_at: Utc::now(),
        idem_hash: frame::idem_hash(&[3; 32]),
        reference: "REF-2026-OLDONE".into(),
        recipients: Vec::new(),
    };
    let bytes = frame::encode_v1_for_tests(&header, b"old");
    fs::write(
        dir.path().join("spool").join(frame::file_name(&header.id)),
        bytes,
    )
    .expect("write");
    let store = SpoolStore::open(dir.path()).expect("adopts the old file");
    assert_eq!(store.list_unacked(&[[9; 16]], 10).expect("list").len(), 1);
    store.ack(&header.id, &[[9; 16]], Utc::now()).expect("ack");
    assert!(store.list_unacked(&[[8; 16]], 10).expect("list").is_empty());
}
