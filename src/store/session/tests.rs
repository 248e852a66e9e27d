//! Tests of the drafts store against a real sled database in a temp directory.

use std::path::Path;

use tower_sessions::cookie::time::Duration;

use super::*;
use crate::store::SpoolStore;

const MARKER: &str = "MARKER-7c1e-draft-answer";

fn record(expires_in: Duration) -> Record {
    Record {
        id: Id::default(),
        data: [("answer".to_string(), serde_json::json!(MARKER))].into(),
        expiry_date: OffsetDateTime::now_utc() + expires_in,
    }
}

fn bytes_under(dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(bytes_under(&path));
        } else {
            out.extend(std::fs::read(&path).expect("read"));
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn draft_round_trips_and_deletes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sessions = SpoolStore::open(dir.path()).expect("open").sessions();
    let mut rec = record(Duration::hours(2));
    sessions.create(&mut rec).await.expect("create");
    assert_eq!(
        sessions.load(&rec.id).await.expect("load"),
        Some(rec.clone())
    );
    rec.data.insert("page".into(), serde_json::json!(3));
    sessions.save(&rec).await.expect("save");
    assert_eq!(
        sessions.load(&rec.id).await.expect("load"),
        Some(rec.clone())
    );
    assert_eq!(
        sessions.load(&Id::default()).await.expect("load other"),
        None
    );
    sessions.delete(&rec.id).await.expect("delete");
    assert_eq!(sessions.load(&rec.id).await.expect("load"), None);
}

#[tokio::test]
async fn create_never_overwrites_an_existing_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sessions = SpoolStore::open(dir.path()).expect("open").sessions();
    let first = record(Duration::hours(2));
    sessions.save(&first).await.expect("save");
    let mut second = record(Duration::hours(2));
    second.id = first.id;
    second
        .data
        .insert("who".into(), serde_json::json!("second"));
    sessions.create(&mut second).await.expect("create");
    assert_ne!(second.id, first.id);
    assert_eq!(sessions.load(&first.id).await.expect("load"), Some(first));
}

#[tokio::test]
async fn expired_draft_is_not_loaded_and_is_purged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sessions = SpoolStore::open(dir.path()).expect("open").sessions();
    let mut old = record(Duration::seconds(-1));
    let mut live = record(Duration::hours(2));
    sessions.create(&mut old).await.expect("create");
    sessions.create(&mut live).await.expect("create");
    assert_eq!(sessions.load(&old.id).await.expect("load"), None);
    assert_eq!(
        sessions.tree.len(),
        1,
        "loading an expired draft deletes it"
    );

    let mut old = record(Duration::seconds(-1));
    sessions.create(&mut old).await.expect("create");
    assert_eq!(sessions.delete_expired().expect("purge"), 1);
    assert_eq!(sessions.load(&live.id).await.expect("load"), Some(live));
}

#[tokio::test]
async fn database_files_hold_neither_draft_text_nor_session_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SpoolStore::open(dir.path()).expect("open");
    let sessions = store.sessions();
    let mut rec = record(Duration::hours(2));
    sessions.create(&mut rec).await.expect("create");
    drop((sessions, store));
    let raw = bytes_under(dir.path());
    assert!(!raw.is_empty());
    assert!(!contains(&raw, MARKER.as_bytes()), "draft stored in clear");
    assert!(!contains(&raw, rec.id.to_string().as_bytes()));
    assert!(!contains(&raw, &rec.id.0.to_le_bytes()));
}

#[tokio::test]
async fn tampered_draft_fails_to_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sessions = SpoolStore::open(dir.path()).expect("open").sessions();
    let mut rec = record(Duration::hours(2));
    sessions.create(&mut rec).await.expect("create");
    let key = store_key(&rec.id);
    let mut value = sessions
        .tree
        .get(key)
        .expect("get")
        .expect("stored")
        .to_vec();
    value[0] ^= 1; // extend the plaintext expiry
    sessions.tree.insert(key, value).expect("insert");
    assert!(matches!(
        sessions.load(&rec.id).await,
        Err(Error::Decode(_))
    ));
}

#[tokio::test]
async fn drafts_survive_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SpoolStore::open(dir.path()).expect("open");
    let sessions = store.sessions();
    let mut rec = record(Duration::hours(2));
    sessions.create(&mut rec).await.expect("create");
    drop((sessions, store));
    let sessions = SpoolStore::open(dir.path()).expect("reopen").sessions();
    assert_eq!(sessions.load(&rec.id).await.expect("load"), Some(rec));
}
