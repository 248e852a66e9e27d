//! Pulling from a kiosk through a proxy that breaks on command: a pull interrupted at any
//! point loses nothing and duplicates nothing.

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;

use common::inbox::InboxHarness;
use common::{complete_form, Harness};
use prem::store::SubmissionStore;

/// What the proxy in front of the kiosk breaks.
const PASS: u8 = 0;
const FAIL_ACKS: u8 = 1;
const FAIL_SECOND_FETCH: u8 = 2;

/// A proxy to the kiosk's internal API that fails on command, on its own runtime.
fn start_proxy(rt: &tokio::runtime::Runtime, upstream: String, mode: Arc<AtomicU8>) -> String {
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
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}")
    })
}

#[test]
fn a_pull_broken_half_way_loses_nothing_and_duplicates_nothing() {
    let h = Harness::start(|_| {});
    let kiosk_client = Harness::client();
    let mut refs = BTreeSet::new();
    for form in [
        "soft-intelligence",
        "extraordinary-request",
        "soft-intelligence",
    ] {
        refs.insert(complete_form(&h, &kiosk_client, form));
    }
    let proxy_rt = tokio::runtime::Runtime::new().expect("rt");
    let mode = Arc::new(AtomicU8::new(FAIL_ACKS));
    let proxy = start_proxy(&proxy_rt, h.internal_url(""), mode.clone());
    let ih = InboxHarness::start(&h, &proxy, |_| {});

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
