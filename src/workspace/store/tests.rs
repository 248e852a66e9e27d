//! The store's own rules: sequence gaps, and a case change refused once overtaken.

use super::*;
use crate::workspace::model::Submission;

fn referral() -> Referral {
    let now = Utc::now();
    Referral {
        key: RecordKey {
            kiosk: "k1".into(),
            id: "00ff".into(),
        },
        sequence: 1,
        created_at: now,
        received_at: now,
        submission: Submission {
            schema: crate::submission::SCHEMA_VERSION,
            reference: "REF-1".into(),
            form: "a-form".into(),
            form_title: "A form".into(),
            form_version: 1,
            started_at: String::new(),
            submitted_at: String::new(),
            answers: Default::default(),
        },
        case: Case::default(),
    }
}

#[test]
fn a_case_changed_from_an_overtaken_copy_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = WorkspaceDb::open(dir.path())
        .expect("open")
        .unlock(b"a passphrase", KdfParams::INSECURE_FOR_TESTS)
        .expect("unlock");
    let r = referral();
    assert!(store.insert_new(&r).expect("insert"));
    let with = |state: &str| Case {
        state: state.into(),
        ..Case::default()
    };
    let first = with("accepted");
    assert!(store
        .save_case(&r.key, &r.case, first.clone(), ("rev.one", "move:accept"))
        .expect("save")
        .is_ok());
    // A second change made from the same (now old) case is refused with the case as it is,
    // and its audit entry is not written either.
    match store
        .save_case(
            &r.key,
            &r.case,
            with("not-accepted"),
            ("rev.two", "move:not-accept"),
        )
        .expect("save")
    {
        Err(Overtaken(now)) => assert_eq!(now.case, first),
        Ok(()) => panic!("an overtaken change was saved"),
    }
    assert_eq!(store.get(&r.key).expect("get").expect("there").case, first);
    let trail: Vec<_> = (store.audit.recent(10).expect("audit").into_iter())
        .map(|e| (e.actor, e.action, e.record))
        .collect();
    assert_eq!(
        trail,
        [(
            "rev.one".to_string(),
            "move:accept".to_string(),
            r.key.path()
        )],
        "the saved move's entry, written with it; none for the refused one"
    );
}

#[test]
fn sequence_gaps_open_and_close() {
    let mut s = KioskState::default();
    assert_eq!(s.note(1), None);
    assert_eq!(s.note(2), None);
    assert_eq!(s.note(6), Some((3, 5)));
    assert_eq!(s.gaps, vec![(3, 5)]);
    assert_eq!(s.note(4), None);
    assert_eq!(s.gaps, vec![(3, 3), (5, 5)]);
    s.note(3);
    s.note(5);
    assert!(s.gaps.is_empty());
    assert_eq!(s.note(2), None, "a repeat changes nothing");
    assert_eq!(s.high, 6);
}

#[test]
fn a_damaged_referral_is_named_and_the_rest_still_read_and_each_write_is_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = WorkspaceDb::open(dir.path())
        .expect("open")
        .unlock(b"a passphrase", KdfParams::INSECURE_FOR_TESTS)
        .expect("unlock");
    let start = store.generation();
    let good = referral();
    let mut bad = referral();
    bad.key.id = "0100".into();
    assert!(store.insert_new(&good).expect("insert"));
    assert!(store.insert_new(&bad).expect("insert"));
    assert!(!store.insert_new(&good).expect("again"), "already held");
    let (now, since) = store.changed_since(start);
    assert_eq!(now, start + 2, "a repeated insert changes nothing");
    assert_eq!(
        since,
        Since::Keys(vec![good.key.db_key(), bad.key.db_key()])
    );

    // One stored value damaged on disk: flip a byte of its ciphertext.
    let mut sealed = store
        .referrals
        .get(bad.key.db_key())
        .expect("get")
        .expect("held")
        .to_vec();
    let last = sealed.len() - 1;
    sealed[last] ^= 1;
    store
        .referrals
        .insert(bad.key.db_key(), sealed)
        .expect("damage");
    assert!(
        store.all().is_err(),
        "all() still refuses a damaged tree as a whole"
    );
    let (read, unreadable) = store.all_readable().expect("the tree reads");
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].key, good.key);
    assert_eq!(unreadable, vec![bad.key.clone()]);
}
