//! A real inbox for tests, beside the kiosk of [`super::Harness`]: its own runtime, loopback
//! socket and sled directory, unlocked with the test passphrase at cheap costs; and the
//! steps of signing in over HTTP (password, new password, TOTP enrolment) as a browser would.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Utc;
use prem::config::{Config, KioskSource};
use prem::inbox::accounts::{self, Role};
use prem::inbox::{totp, Costs, Inbox};

use super::{csrf, root, Harness, PASSPHRASE};

pub const CHEAP: prem::seal::KdfParams = prem::seal::KdfParams::INSECURE_FOR_TESTS;

/// A real inbox on its own runtime, pulling from `url` (the kiosk or a proxy in front of it).
pub struct InboxHarness {
    inbox: Option<Arc<Inbox>>,
    pub addr: SocketAddr,
    rt: Option<tokio::runtime::Runtime>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    pub data_dir: PathBuf,
    tmp: Option<tempfile::TempDir>,
}

pub fn write_private(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
}

pub fn inbox_config(h: &Harness, url: &str, tmp: &Path) -> Config {
    let token = h
        .kiosk
        .store
        .tokens()
        .add(&format!("inbox{}", rand_suffix()), "police")
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
    config.inbox.new_sessions_per_minute = 100_000;
    config.inbox.lockout_attempts = 3;
    config.inbox.pull_interval_secs = 3600;
    config.inbox.pull_at_start = false;
    config
}

pub fn rand_suffix() -> u32 {
    rand::random::<u32>()
}

impl InboxHarness {
    pub fn start(h: &Harness, url: &str, tune: impl FnOnce(&mut Config)) -> Self {
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

    pub fn inbox(&self) -> &Arc<Inbox> {
        self.inbox.as_ref().expect("running")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn pull(&self) -> Vec<prem::inbox::PullReport> {
        let inbox = self.inbox().clone();
        self.rt
            .as_ref()
            .expect("rt")
            .block_on(prem::inbox::pull_all(inbox, "test"))
    }

    pub fn add_user(&self, name: &str, role: Role, la: Option<&str>) -> String {
        accounts::add(&self.inbox().store, name, role, la, CHEAP)
            .expect("add user")
            .to_string()
    }

    /// Stops the server and releases the data directory (kept until the `TempDir` drops).
    pub fn stop(mut self) -> (tempfile::TempDir, PathBuf) {
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
pub fn own_password(name: &str) -> String {
    format!("{name} chose this long password")
}

/// Posts the sign-in form; the response lands on the next step.
pub fn post_login(
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
pub fn post_new_password(
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
pub fn enrol(
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
pub fn sign_in(ih: &InboxHarness, name: &str, password: &str) -> reqwest::blocking::Client {
    let client = Harness::client();
    let res = post_login(&client, ih, name, password);
    assert_eq!(res.url().path(), "/login/password", "password accepted");
    let mine = own_password(name);
    let res = post_new_password(&client, ih, &mine, &mine);
    enrol(&client, ih, res);
    client
}

pub fn post_form(
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

pub fn audit_actions(inbox: &Inbox) -> Vec<String> {
    inbox
        .store
        .audit
        .recent(10_000)
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect()
}
