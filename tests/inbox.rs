//! The inbox end to end: a real kiosk (tests/common's Harness) and a real inbox, both on
//! loopback with real sled directories, a reviewer signing in over HTTP with a password and a
//! TOTP code computed here, decisions, exports, the audit chain and retention.

mod common;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;

use chrono::{Duration, Utc};
use common::{complete_form, contains, csrf, root, Harness, MARKER, PASSPHRASE};
use prem::config::{Config, KioskSource};
use prem::inbox::accounts::{self, Role};
use prem::inbox::audit::Verdict;
use prem::inbox::{totp, Costs, Inbox};
use prem::store::SubmissionStore;

const CHEAP: prem::seal::KdfParams = prem::seal::KdfParams::INSECURE_FOR_TESTS;

/// A real inbox on its own runtime, pulling from `url` (the kiosk or a proxy in front of it).
struct InboxHarness {
    inbox: Option<Arc<Inbox>>,
    addr: SocketAddr,
    rt: Option<tokio::runtime::Runtime>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    data_dir: PathBuf,
    tmp: Option<tempfile::TempDir>,
}

fn write_private(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
}

fn inbox_config(h: &Harness, url: &str, tmp: &Path) -> Config {
    let token = h
        .kiosk
        .store
        .tokens()
        .add(&format!("inbox{}", rand_suffix()))
        .expect("token");
    let token_file = tmp.join("kiosk.token");
    write_private(&token_file, &token);
    let mut config = Config::load_with_env(&root(), std::iter::empty()).expect("config");
    config.inbox.data_dir = tmp.join("inbox-data");
    config.inbox.secret_key = h.tmp.path().join("keys/police.key");
    config.inbox.kiosks = vec![KioskSource {
        name: "kiosk1".into(),
        url: url.into(),
        token_file,
    }];
    config.inbox.secure_cookies = false;
    config.inbox.posts_per_minute = 100_000;
    config.inbox.lockout_attempts = 3;
    config.inbox.pull_interval_secs = 3600;
    config
}

fn rand_suffix() -> u32 {
    rand::random::<u32>()
}

impl InboxHarness {
    fn start(h: &Harness, url: &str, tune: impl FnOnce(&mut Config)) -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut config = inbox_config(h, url, tmp.path());
        tune(&mut config);
        let data_dir = config.inbox.data_dir.clone();
        let inbox = prem::inbox::open(
            config,
            &root(),
            PASSPHRASE.as_bytes(),
            Costs::INSECURE_FOR_TESTS,
        )
        .expect("inbox opens");
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("rt");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let i = inbox.clone();
        let addr = rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let addr = listener.local_addr().expect("addr");
            tokio::spawn(prem::inbox::web::serve_on(i, listener, async move {
                let _ = rx.await;
            }));
            addr
        });
        InboxHarness {
            inbox: Some(inbox),
            addr,
            rt: Some(rt),
            stop: Some(tx),
            data_dir,
            tmp: Some(tmp),
        }
    }

    fn inbox(&self) -> &Arc<Inbox> {
        self.inbox.as_ref().expect("running")
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn pull(&self) -> Vec<prem::inbox::PullReport> {
        let inbox = self.inbox().clone();
        self.rt
            .as_ref()
            .expect("rt")
            .block_on(prem::inbox::pull_all(inbox, "test"))
    }

    fn add_user(&self, name: &str, role: Role, la: Option<&str>) -> String {
        accounts::add(&self.inbox().store, name, role, la, CHEAP)
            .expect("add user")
            .to_string()
    }

    /// Stops the server and releases the data directory (kept until the `TempDir` drops).
    fn stop(mut self) -> (tempfile::TempDir, PathBuf) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(rt) = self.rt.take() {
            rt.shutdown_timeout(std::time::Duration::from_secs(2));
        }
        self.inbox.take();
        (self.tmp.take().expect("tmp"), self.data_dir.clone())
    }
}

impl Drop for InboxHarness {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(rt) = self.rt.take() {
            rt.shutdown_timeout(std::time::Duration::from_secs(2));
        }
    }
}

/// The password a test user chooses in place of their temporary one.
fn own_password(name: &str) -> String {
    format!("{name} chose this long password")
}

/// Posts the sign-in form; the response lands on the next step.
fn post_login(
    client: &reqwest::blocking::Client,
    ih: &InboxHarness,
    name: &str,
    password: &str,
) -> reqwest::blocking::Response {
    let page = client
        .get(ih.url("/login"))
        .send()
        .expect("login")
        .text()
        .expect("text");
    client
        .post(ih.url("/login"))
        .form(&[
            ("csrf", csrf(&page).as_str()),
            ("name", name),
            ("password", password),
        ])
        .send()
        .expect("post login")
}

/// Posts the new-password form (the client is at that step).
fn post_new_password(
    client: &reqwest::blocking::Client,
    ih: &InboxHarness,
    password: &str,
    confirm: &str,
) -> reqwest::blocking::Response {
    let page = client
        .get(ih.url("/login/password"))
        .send()
        .expect("password page")
        .text()
        .expect("text");
    client
        .post(ih.url("/login/password"))
        .form(&[
            ("csrf", csrf(&page).as_str()),
            ("password", password),
            ("confirm", confirm),
        ])
        .send()
        .expect("post password")
}

/// Enrols an authenticator from the secret on the page `res` landed on; returns the secret.
fn enrol(
    client: &reqwest::blocking::Client,
    ih: &InboxHarness,
    res: reqwest::blocking::Response,
) -> Vec<u8> {
    assert_eq!(res.url().path(), "/login/enrol", "at enrolment");
    let page = res.text().expect("text");
    assert!(page.contains("otpauth://totp/"), "{page}");
    let start = page.find("id=\"secret\">").expect("secret shown") + 12;
    let shown = &page[start..start + page[start..].find('<').expect("end")];
    let secret = totp::base32_decode(shown).expect("base32");
    let code = totp::code(&secret, Utc::now().timestamp());
    let res = client
        .post(ih.url("/login/enrol"))
        .form(&[("csrf", csrf(&page).as_str()), ("code", code.as_str())])
        .send()
        .expect("post code");
    assert_eq!(res.url().path(), "/", "signed in");
    secret
}

/// Signs in over HTTP the first time: the temporary password, a new password of the user's
/// own ([`own_password`]), then TOTP enrolment with a code computed from the page.
fn sign_in(ih: &InboxHarness, name: &str, password: &str) -> reqwest::blocking::Client {
    let client = Harness::client();
    let res = post_login(&client, ih, name, password);
    assert_eq!(res.url().path(), "/login/password", "password accepted");
    let mine = own_password(name);
    let res = post_new_password(&client, ih, &mine, &mine);
    enrol(&client, ih, res);
    client
}

fn post_form(
    client: &reqwest::blocking::Client,
    ih: &InboxHarness,
    page_path: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::blocking::Response {
    let page = client
        .get(ih.url(page_path))
        .send()
        .expect("get")
        .text()
        .expect("text");
    let token = csrf(&page);
    let mut form: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
    form.extend_from_slice(fields);
    client
        .post(ih.url(action))
        .form(&form)
        .send()
        .expect("post")
}

fn audit_actions(inbox: &Inbox) -> Vec<String> {
    inbox
        .store
        .audit
        .recent(10_000)
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect()
}

#[test]
fn a_referral_goes_from_kiosk_to_decision_with_the_whole_trail() {
    let h = Harness::start(|_| {});
    let kiosk_client = Harness::client();
    let forms: Vec<String> = h.kiosk.forms.iter().map(|f| f.id.clone()).collect();
    let mut refs = BTreeSet::new();
    for form in &forms {
        refs.insert(complete_form(&h, &kiosk_client, form));
    }
    let ih = InboxHarness::start(&h, &h.internal_url(""), |_| {});
    ih.pull();
    let stored = ih.inbox().store.all().expect("all");
    let got: BTreeSet<String> = stored
        .iter()
        .map(|r| r.submission.reference.clone())
        .collect();
    assert_eq!(got, refs, "every form pulled and opened");
    assert!(
        h.kiosk.store.list_unacked(100).expect("list").is_empty(),
        "all acknowledged"
    );
    assert!(
        !contains(&common::all_bytes(&ih.data_dir), MARKER.as_bytes()),
        "encrypted at rest"
    );

    let password = ih.add_user("rev.one", Role::Reviewer, None);
    let client = sign_in(&ih, "rev.one", &password);
    let list = client
        .get(ih.url("/"))
        .send()
        .expect("list")
        .text()
        .expect("text");
    assert!(list.contains("OFFICIAL-SENSITIVE"));
    // The inbox's own navigation, none of the guidance site's links.
    assert!(
        list.contains("href=\"/\"") && list.contains("action=\"/logout\""),
        "{list}"
    );
    for dead in ["/search/", "/glossary/", "/roadshow/", "/forms/"] {
        assert!(
            !list.contains(&format!("href=\"{dead}")),
            "no guidance link {dead}"
        );
    }
    assert!(
        !list.contains("href=\"/audit/\""),
        "reviewers do not read the audit trail"
    );
    let urgent = stored
        .iter()
        .find(|r| r.urgent())
        .expect("an extraordinary request");
    let first_ref = refs
        .iter()
        .map(|r| list.find(r.as_str()).expect("listed"))
        .min();
    assert_eq!(
        list.find(&urgent.submission.reference),
        first_ref,
        "urgent first"
    );
    let filtered = client
        .get(ih.url("/?form=soft-intelligence"))
        .send()
        .expect("filter")
        .text()
        .expect("text");
    assert_eq!(
        refs.iter()
            .filter(|r| filtered.contains(r.as_str()))
            .count(),
        1
    );

    // A referral page shows the answers in the form's wording, and a decision sticks.
    let child = stored
        .iter()
        .find(|r| r.submission.form == "child-referral")
        .expect("child");
    let path = format!("/referrals/{}", child.key.path());
    let page = client
        .get(ih.url(&path))
        .send()
        .expect("view")
        .text()
        .expect("text");
    let form = h.form("child-referral");
    assert!(
        page.contains(&form.pages[0].questions[0].label),
        "form wording"
    );
    assert!(page.contains(MARKER) && page.contains("OFFICIAL-SENSITIVE"));
    let res = post_form(
        &client,
        &ih,
        &path,
        &format!("{path}/decision"),
        &[
            ("outcome", "accept"),
            ("rationale", "Meets criteria 1 and 3."),
        ],
    );
    assert_eq!(res.status(), 200);
    let page = res.text().expect("text");
    assert!(
        page.contains("Threshold decision: Accept") && page.contains("rev.one"),
        "{page}"
    );
    let res = post_form(
        &client,
        &ih,
        &path,
        &format!("{path}/decision"),
        &[("outcome", "accept"), ("rationale", "")],
    );
    assert_eq!(
        res.status(),
        400,
        "a rationale is required (and one decision only)"
    );

    // Escalation: stage 1 unresolved, then stage 2 decides.
    let adult = stored
        .iter()
        .find(|r| r.submission.form == "adult-referral")
        .expect("adult");
    let apath = format!("/referrals/{}", adult.key.path());
    post_form(
        &client,
        &ih,
        &apath,
        &format!("{apath}/decision"),
        &[("outcome", "escalate"), ("rationale", "Referrer disputes.")],
    );
    post_form(
        &client,
        &ih,
        &apath,
        &format!("{apath}/escalation"),
        &[
            ("result", "unresolved"),
            ("rationale", "No agreement with the chair."),
        ],
    );
    let page = post_form(
        &client,
        &ih,
        &apath,
        &format!("{apath}/escalation"),
        &[("result", "accept"), ("rationale", "DCI agreed.")],
    )
    .text()
    .expect("text");
    assert!(
        page.contains("Stage 2") && page.contains("Accepted"),
        "{page}"
    );

    // Soft intelligence moves by status.
    let soft = stored
        .iter()
        .find(|r| r.submission.form == "soft-intelligence")
        .expect("soft");
    let spath = format!("/referrals/{}", soft.key.path());
    let page = post_form(
        &client,
        &ih,
        &spath,
        &format!("{spath}/status"),
        &[("status", "reviewed"), ("rationale", "Passed to intel.")],
    )
    .text()
    .expect("text");
    assert!(page.contains("Reviewed"));

    // Exports carry the marking.
    let json: serde_json::Value = client
        .get(ih.url(&format!("{path}/export.json")))
        .send()
        .expect("json")
        .json()
        .expect("json");
    assert_eq!(json["protective_marking"], "OFFICIAL-SENSITIVE");
    assert_eq!(json["case"]["status"], "accepted");
    let print = client
        .get(ih.url(&format!("{path}/print")))
        .send()
        .expect("print")
        .text()
        .expect("text");
    assert!(print.contains("OFFICIAL-SENSITIVE") && print.contains("app-print-a4"));

    let actions = audit_actions(ih.inbox());
    for a in [
        "receive",
        "login",
        "password-changed",
        "totp-enrolled",
        "view",
        "decision:accept",
        "decision:escalate",
        "escalation-stage1:unresolved",
        "escalation-stage2:accept",
        "status:reviewed",
        "export-json",
        "export-print",
    ] {
        assert!(actions.iter().any(|x| x == a), "audit has {a}: {actions:?}");
    }
    assert!(matches!(
        ih.inbox().store.audit.verify().expect("verify"),
        Verdict::Intact { .. }
    ));

    // Retention on both sides.
    let later = Utc::now() + Duration::days(1);
    assert_eq!(
        h.kiosk.store.purge_acked(later).expect("kiosk purge"),
        refs.len()
    );
    assert_eq!(
        ih.inbox()
            .store
            .purge_older_than(later, "test")
            .expect("inbox purge"),
        refs.len()
    );
    assert!(ih.inbox().store.all().expect("all").is_empty());
    assert_eq!(
        audit_actions(ih.inbox())
            .iter()
            .filter(|a| *a == "purge")
            .count(),
        refs.len()
    );
}

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
    assert_eq!(h.kiosk.store.list_unacked(10).expect("list").len(), 3);
    // The kiosk fails mid-list: the stored one is only acknowledged, the next is stored and
    // acknowledged, and fetching the third fails.
    mode.store(FAIL_SECOND_FETCH, Ordering::SeqCst);
    let r = ih.pull().remove(0);
    assert!(
        r.error.is_some() && r.already == 1 && r.stored == 1 && r.acked == 2,
        "{r:?}"
    );
    assert_eq!(h.kiosk.store.list_unacked(10).expect("list").len(), 1);
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
    assert!(h.kiosk.store.list_unacked(10).expect("list").is_empty());
    assert!(ih
        .inbox()
        .store
        .kiosk_state("kiosk1")
        .expect("state")
        .gaps
        .is_empty());
}

#[test]
fn wrong_passphrase_refuses_to_start_with_one_line() {
    let h = Harness::start(|_| {});
    let tmp = tempfile::tempdir().expect("tempdir");
    let config = inbox_config(&h, &h.internal_url(""), tmp.path());
    let err = prem::inbox::open(
        config.clone(),
        &root(),
        b"not the passphrase",
        Costs::INSECURE_FOR_TESTS,
    )
    .err()
    .expect("refused");
    let line = format!("{err:#}");
    assert!(
        line.contains("wrong passphrase") && !line.contains('\n'),
        "{line}"
    );
    // The binary says the same in one line and exits non-zero.
    let site = tmp.path().join("site");
    std::fs::create_dir_all(&site).expect("site");
    let pass = tmp.path().join("pass");
    write_private(&pass, "wrong\n");
    std::fs::write(
        site.join("prem.toml"),
        format!(
            "[inbox]\nsecret_key = {:?}\npassphrase_file = {:?}\ndata_dir = {:?}\n",
            config.inbox.secret_key,
            pass,
            tmp.path().join("d")
        ),
    )
    .expect("toml");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_prem"))
        .args(["--site", site.to_str().expect("utf-8"), "inbox", "pull"])
        .output()
        .expect("run prem");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: ") && stderr.contains("wrong passphrase"),
        "{stderr}"
    );
}

#[test]
fn roles_are_enforced_on_the_server_and_business_support_sees_its_la_only() {
    let h = Harness::start(|_| {});
    let kiosk_client = Harness::client();
    let reference = complete_form(&h, &kiosk_client, "child-referral");
    let ih = InboxHarness::start(&h, &h.internal_url(""), |_| {});
    ih.pull();
    let r = ih.inbox().store.all().expect("all").remove(0);
    let path = format!("/referrals/{}", r.key.path());
    let la = r.presenting_la().expect("an LA").to_string();
    let las = &ih.inbox().config.partnership.local_authorities;
    let elsewhere = las
        .iter()
        .find(|l| **l != la && r.owning_la() != Some(l))
        .expect("another LA")
        .clone();

    let chair = sign_in(
        &ih,
        "chair.one",
        &ih.add_user("chair.one", Role::Chair, None),
    );
    let res = post_form(
        &chair,
        &ih,
        &path,
        &format!("{path}/decision"),
        &[("outcome", "accept"), ("rationale", "x")],
    );
    assert_eq!(
        res.status(),
        403,
        "a chair does not make the threshold decision"
    );
    assert_eq!(
        chair.get(ih.url("/audit/")).send().expect("audit").status(),
        403
    );

    let admin = sign_in(
        &ih,
        "admin.one",
        &ih.add_user("admin.one", Role::Admin, None),
    );
    assert_eq!(
        admin.get(ih.url(&path)).send().expect("view").status(),
        403,
        "admins do not read referrals"
    );
    let admin_list = admin
        .get(ih.url("/"))
        .send()
        .expect("list")
        .text()
        .expect("text");
    assert!(
        admin_list.contains("href=\"/audit/\""),
        "admins get the audit trail in the menu"
    );
    let audit = admin.get(ih.url("/audit/")).send().expect("audit");
    assert_eq!(audit.status(), 200);
    assert!(audit.text().expect("text").contains("denied:Decide"));
    let csv = admin
        .get(ih.url("/export.csv"))
        .send()
        .expect("csv")
        .text()
        .expect("text");
    assert!(
        csv.starts_with("\"OFFICIAL-SENSITIVE\"")
            && csv.contains(&reference)
            && !csv.contains(MARKER)
    );

    let other = sign_in(
        &ih,
        "bs.other",
        &ih.add_user("bs.other", Role::BusinessSupport, Some(&elsewhere)),
    );
    let list = other
        .get(ih.url("/"))
        .send()
        .expect("list")
        .text()
        .expect("text");
    assert!(
        !list.contains(&reference),
        "another LA's referral is not listed"
    );
    assert_eq!(other.get(ih.url(&path)).send().expect("view").status(), 404);
    let own = sign_in(
        &ih,
        "bs.own",
        &ih.add_user("bs.own", Role::BusinessSupport, Some(&la)),
    );
    assert!(own
        .get(ih.url("/"))
        .send()
        .expect("list")
        .text()
        .expect("text")
        .contains(&reference));
    assert_eq!(own.get(ih.url(&path)).send().expect("view").status(), 200);
    assert!(accounts::add(
        &ih.inbox().store,
        "bs.none",
        Role::BusinessSupport,
        None,
        CHEAP
    )
    .is_err());

    // Without a session every page sends you to sign in; a post without a token is refused.
    let anon = Harness::client();
    assert_eq!(
        anon.get(ih.url(&path)).send().expect("anon").url().path(),
        "/login"
    );
    let res = own
        .post(ih.url("/pull"))
        .form(&[("csrf", "wrong")])
        .send()
        .expect("post");
    assert_eq!(res.status(), 403);

    // Sign out from the menu: the session ends.
    let res = post_form(&own, &ih, "/", "/logout", &[]);
    assert_eq!(res.url().path(), "/login");
    assert_eq!(
        own.get(ih.url("/")).send().expect("list").url().path(),
        "/login"
    );
    assert!(audit_actions(ih.inbox()).iter().any(|a| a == "logout"));
}

#[test]
fn a_locked_account_stays_locked_even_with_the_right_password() {
    let h = Harness::start(|_| {});
    let ih = InboxHarness::start(&h, &h.internal_url(""), |_| {});
    let password = ih.add_user("rev.two", Role::Reviewer, None);
    let client = Harness::client();
    let attempt = |pw: &str| {
        let page = client
            .get(ih.url("/login"))
            .send()
            .expect("login")
            .text()
            .expect("text");
        client
            .post(ih.url("/login"))
            .form(&[
                ("csrf", csrf(&page).as_str()),
                ("name", "rev.two"),
                ("password", pw),
            ])
            .send()
            .expect("post")
    };
    for _ in 0..3 {
        assert_eq!(attempt("wrong password").status(), 401);
    }
    let res = attempt(&password);
    assert_eq!(
        res.status(),
        401,
        "locked: the right password is refused too"
    );
    assert_eq!(res.url().path(), "/login");
    assert!(audit_actions(ih.inbox())
        .iter()
        .any(|a| a == "login-locked"));
    // Still locked just before the configured time runs out, open just after.
    let policy = ih.inbox().policy;
    let store = &ih.inbox().store;
    let almost = Utc::now() + policy.lock_for - Duration::seconds(5);
    assert!(
        accounts::check_password(store, "rev.two", &password, &policy, almost)
            .expect("check")
            .is_err()
    );
    let after = Utc::now() + policy.lock_for + Duration::seconds(1);
    assert!(
        accounts::check_password(store, "rev.two", &password, &policy, after)
            .expect("check")
            .is_ok()
    );
}

#[test]
fn an_edited_audit_entry_is_caught_by_audit_verify() {
    let h = Harness::start(|_| {});
    let ih = InboxHarness::start(&h, &h.internal_url(""), |_| {});
    ih.add_user("rev.three", Role::Reviewer, None);
    ih.add_user("rev.four", Role::Reviewer, None);
    ih.add_user("rev.five", Role::Reviewer, None);
    ih.inbox()
        .store
        .audit
        .tamper_for_tests(2, |e| e.record = "rev.six".into())
        .expect("tamper");
    let (_keep, data_dir) = ih.stop();
    let site = tempfile::tempdir().expect("site");
    std::fs::write(
        site.path().join("prem.toml"),
        format!("[inbox]\ndata_dir = {data_dir:?}\n"),
    )
    .expect("toml");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_prem"))
        .args([
            "--site",
            site.path().to_str().expect("utf-8"),
            "inbox",
            "audit",
            "verify",
        ])
        .output()
        .expect("run prem");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stderr} {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(stderr.contains("audit entry 2 was changed"), "{stderr}");
}

#[test]
fn a_temporary_password_must_be_replaced_before_anything_else() {
    let h = Harness::start(|_| {});
    let ih = InboxHarness::start(&h, &h.internal_url(""), |_| {});
    let temporary = ih.add_user("rev.new", Role::Reviewer, None);
    let client = Harness::client();
    let res = post_login(&client, &ih, "rev.new", &temporary);
    assert_eq!(res.url().path(), "/login/password");
    let page = res.text().expect("text");
    assert!(
        page.contains("Choose a new password") && page.contains("OFFICIAL-SENSITIVE"),
        "{page}"
    );

    // No step can be skipped: enrolment, the code page and the inbox all send you back.
    for path in ["/login/enrol", "/login/code"] {
        let res = client.get(ih.url(path)).send().expect("get");
        assert_eq!(res.url().path(), "/login/password", "{path}");
    }
    let page = client
        .get(ih.url("/login/password"))
        .send()
        .expect("page")
        .text()
        .expect("text");
    let res = client
        .post(ih.url("/login/enrol"))
        .form(&[("csrf", csrf(&page).as_str()), ("code", "123456")])
        .send()
        .expect("post enrol");
    assert_eq!(res.url().path(), "/login/password", "enrolment refused");
    assert_eq!(
        client.get(ih.url("/")).send().expect("list").url().path(),
        "/login"
    );
    let user = accounts::get(&ih.inbox().store, "rev.new")
        .expect("get")
        .expect("user");
    assert!(user.must_change_password() && !user.enrolled());
    let policy = ih.inbox().policy;
    let enrolling = [7u8; 20];
    let code = totp::code(&enrolling, Utc::now().timestamp());
    assert!(
        matches!(
            accounts::check_code(
                &ih.inbox().store,
                "rev.new",
                &code,
                Some(&enrolling),
                &policy,
                Utc::now()
            )
            .expect("check"),
            Err(accounts::Refused::Wrong)
        ),
        "the second factor waits for the new password, even with a right code"
    );

    // Too short, typed differently, or the temporary one again: refused, with the reason.
    for (new, confirm, why) in [
        ("", "", "Enter a new password"),
        ("short pw 11", "short pw 11", "at least 12 characters"),
        (
            "a long enough password",
            "a long enough passw0rd",
            "do not match",
        ),
        (
            temporary.as_str(),
            temporary.as_str(),
            "different from the temporary password",
        ),
    ] {
        let res = post_new_password(&client, &ih, new, confirm);
        assert_eq!(res.status(), 400, "{why}");
        assert_eq!(res.url().path(), "/login/password");
        let page = res.text().expect("text");
        assert!(
            page.contains(why) && page.contains("govuk-error-summary"),
            "{why}: {page}"
        );
        assert!(page.contains("<title>Error: "), "error title");
    }
    // Exactly 12 characters (not bytes) is enough.
    let mine = "twelve chårs";
    assert_eq!(mine.chars().count(), 12);
    let res = post_new_password(&client, &ih, mine, mine);
    let secret = enrol(&client, &ih, res);
    let user = accounts::get(&ih.inbox().store, "rev.new")
        .expect("get")
        .expect("user");
    assert!(!user.must_change_password() && user.enrolled());
    let actions = audit_actions(ih.inbox());
    assert_eq!(
        actions.iter().filter(|a| *a == "password-changed").count(),
        1,
        "{actions:?}"
    );
    let changed = ih
        .inbox()
        .store
        .audit
        .recent(10_000)
        .expect("audit")
        .into_iter()
        .find(|e| e.action == "password-changed")
        .expect("entry");
    assert_eq!(
        (changed.actor.as_str(), changed.record.as_str()),
        ("rev.new", "rev.new")
    );

    // The temporary password is gone; the new one leads straight to the code.
    let other = Harness::client();
    assert_eq!(post_login(&other, &ih, "rev.new", &temporary).status(), 401);
    let res = post_login(&other, &ih, "rev.new", mine);
    assert_eq!(res.url().path(), "/login/code");
    assert_eq!(
        other
            .get(ih.url("/login/password"))
            .send()
            .expect("get")
            .url()
            .path(),
        "/login/code",
        "no password change without a temporary password"
    );
    let page = other
        .get(ih.url("/login/code"))
        .send()
        .expect("code page")
        .text()
        .expect("text");
    // This time step's code was used at enrolment; the next step's is accepted too.
    let code = totp::code(&secret, Utc::now().timestamp() + 30);
    let res = other
        .post(ih.url("/login/code"))
        .form(&[("csrf", csrf(&page).as_str()), ("code", code.as_str())])
        .send()
        .expect("post code");
    assert_eq!(res.url().path(), "/", "signed in with the new password");

    // A reset brings the forced change back, and the second factor must be enrolled again.
    let again = accounts::reset(&ih.inbox().store, "rev.new", CHEAP).expect("reset");
    let third = Harness::client();
    assert_eq!(
        post_login(&third, &ih, "rev.new", mine).status(),
        401,
        "the old password no longer works after a reset"
    );
    let res = post_login(&third, &ih, "rev.new", &again);
    assert_eq!(res.url().path(), "/login/password");
    let res = post_new_password(&third, &ih, &again, &again);
    assert_eq!(res.status(), 400, "not the new temporary password either");
    let res = post_new_password(&third, &ih, mine, mine);
    enrol(&third, &ih, res);
    assert_eq!(
        audit_actions(ih.inbox())
            .iter()
            .filter(|a| *a == "password-changed")
            .count(),
        2
    );
}

/// `prem inbox serve` stops cleanly on SIGTERM (what systemd and `docker stop` send), not
/// only on Ctrl-C.
#[cfg(unix)]
#[test]
fn inbox_serve_stops_gracefully_on_sigterm() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let h = Harness::start(|_| {});
    let tmp = tempfile::tempdir().expect("tempdir");
    let site = tmp.path().join("site");
    std::fs::create_dir_all(&site).expect("site");
    // The forms' criteria lists are read from the site folder's content/_data.
    std::os::unix::fs::symlink(root().join("content"), site.join("content")).expect("symlink");
    let pass = tmp.path().join("pass");
    write_private(&pass, &format!("{PASSPHRASE}\n"));
    let mut config = Config::load_with_env(&root(), std::iter::empty()).expect("config");
    config.build.forms_dir = root().join("forms");
    config.build.themes_dir = root().join("themes");
    config.inbox.addr = "127.0.0.1:0".into();
    config.inbox.secret_key = h.tmp.path().join("keys/police.key");
    config.inbox.passphrase_file = Some(pass);
    config.inbox.data_dir = tmp.path().join("inbox-data");
    std::fs::write(
        site.join("prem.toml"),
        toml::to_string(&config).expect("toml"),
    )
    .expect("write prem.toml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_prem"))
        .args(["--site", site.to_str().expect("utf-8"), "inbox", "serve"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run prem inbox serve");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut log = Vec::new();
    let addr = loop {
        let Some(Ok(line)) = lines.next() else {
            let _ = child.kill();
            panic!("prem inbox serve did not start:\n{}", log.join("\n"));
        };
        if let Some(rest) = line.strip_prefix("inbox on http://") {
            break rest.trim_end_matches('/').to_string();
        }
        log.push(line);
    };
    let res = Harness::client()
        .get(format!("http://{addr}/healthz"))
        .send()
        .expect("healthz");
    assert_eq!(res.status(), 200);
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().expect("wait");
    assert!(status.success(), "exit status {status:?}: {rest:?}");
    assert!(
        rest.iter().any(|l| l.contains("shutting down"))
            && rest.last().is_some_and(|l| l == "stopped"),
        "{rest:?}"
    );
}
