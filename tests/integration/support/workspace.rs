//! A real inbox beside a [`Harness`] kiosk, on the same partnership's files: its own runtime,
//! loopback socket and sled directory, unlocked with the test passphrase at cheap costs; and
//! the steps of signing in over HTTP (password, new password, TOTP enrolment) as a browser
//! would.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Utc;
use prem::config::{Config, KioskSource};
use prem::workspace::accounts;
use prem::workspace::{totp, Costs, Workspace};

use super::background::Background;
use super::browser::{Browser, Response};
use super::keys::{write_private, PASSPHRASE};
use super::kiosk::Harness;

pub const CHEAP: prem::seal::KdfParams = prem::seal::KdfParams::INSECURE_FOR_TESTS;

/// A real inbox pulling from `url` (the kiosk or a proxy in front of it): opened, and serving
/// on its own runtime once started.
pub struct WorkspaceHarness {
    inbox: Option<Arc<Workspace>>,
    addr: Option<SocketAddr>,
    server: Option<Background>,
    pub data_dir: PathBuf,
    tmp: Option<tempfile::TempDir>,
}

/// The inbox's configuration: the kiosk's partnership, a fresh hand-over token for the police
/// team, the harness kiosk's private key, and data under `tmp`.
pub fn inbox_config(h: &Harness, url: &str, tmp: &Path) -> Config {
    let token = h
        .kiosk
        .store
        .tokens()
        .add(&format!("inbox{}", rand::random::<u32>()), "police")
        .expect("token");
    let token_file = tmp.join("kiosk.token");
    write_private(&token_file, &token);
    let mut config = Config::load_with_env(&h.root, std::iter::empty()).expect("config");
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

/// Opens the inbox `config` describes on the site at `root`, at test costs.
pub fn open(config: Config, root: &Path) -> Arc<Workspace> {
    prem::workspace::open(
        config,
        root,
        PASSPHRASE.as_bytes(),
        Costs::INSECURE_FOR_TESTS,
    )
    .expect("inbox opens")
}

impl WorkspaceHarness {
    /// An inbox serving on a loopback port.
    pub fn start(h: &Harness, url: &str, tune: impl FnOnce(&mut Config)) -> Self {
        Self::open(h, url, tune).listen()
    }

    /// An inbox opened on its data directory, on no socket yet.
    pub fn open(h: &Harness, url: &str, tune: impl FnOnce(&mut Config)) -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut config = inbox_config(h, url, tmp.path());
        tune(&mut config);
        let data_dir = config.inbox.data_dir.clone();
        WorkspaceHarness {
            inbox: Some(open(config, &h.root)),
            addr: None,
            server: None,
            data_dir,
            tmp: Some(tmp),
        }
    }

    /// Serves it, with its timers, on a loopback port of the system's choosing.
    pub fn listen(mut self) -> Self {
        let i = self.inbox().clone();
        let (server, addr) = Background::start(|stop| async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let addr = listener.local_addr().expect("addr");
            tokio::spawn(prem::workspace::web::serve_on(i, listener, stop));
            addr
        });
        self.server = Some(server);
        self.addr = Some(addr);
        self
    }

    pub fn inbox(&self) -> &Arc<Workspace> {
        self.inbox.as_ref().expect("running")
    }

    pub fn url(&self, path: &str) -> String {
        let addr = self.addr.expect("this inbox was opened, not started");
        format!("http://{addr}{path}")
    }

    /// The inbox's router, as `prem inbox serve` builds it, for requests without a socket.
    pub fn app(&self) -> axum::Router {
        let inbox = self.inbox().clone();
        let sessions = inbox.store.sessions().expect("sessions");
        prem::workspace::web::app(inbox, sessions)
    }

    /// A new browser whose requests go straight into [`WorkspaceHarness::app`].
    pub fn in_process(&self) -> Browser {
        Browser::in_process(self.app())
    }

    /// A new browser on the inbox, signed in as nobody.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.url(""))
    }

    pub fn pull(&self) -> Vec<prem::workspace::PullReport> {
        let inbox = self.inbox().clone();
        self.server
            .as_ref()
            .expect("running")
            .block_on(prem::workspace::pull_all(inbox, "test"))
    }

    pub fn add_user(&self, name: &str, role: &str, la: Option<&str>) -> String {
        let role = self.inbox().roles.get(role);
        accounts::add(&self.inbox().store, name, &role, la, CHEAP)
            .expect("add user")
            .to_string()
    }

    /// A new user of `role`, signed in over HTTP; the browser.
    pub fn signed_in(&self, name: &str, role: &str, la: Option<&str>) -> Browser {
        let password = self.add_user(name, role, la);
        sign_in(self, name, &password)
    }

    /// Makes `step` on the case of `key` as `role` straight through the store (what a page
    /// would do), for tests about what comes after it; panics if the case refuses.
    pub fn move_case(&self, key: &prem::workspace::RecordKey, step: &str, role: &str) {
        let inbox = self.inbox();
        let r = inbox.store.get(key).expect("get").expect("stored");
        let mut case = r.case.clone();
        let reason = |name: &str| (name == "reason").then(|| "set up by the test".to_string());
        let by = prem::workspace::case::Signer {
            name: "test",
            role,
            at: Utc::now(),
        };
        inbox
            .flow(&r)
            .apply(&mut case, r.created_at, step, &reason, &by)
            .expect("the move is allowed");
        let action = format!("move:{step}");
        inbox
            .store
            .save_case(key, &r.case, case, ("test", &action))
            .expect("save")
            .expect("not overtaken");
    }

    /// The audit trail's actions, oldest first.
    pub fn audit_actions(&self) -> Vec<String> {
        self.inbox()
            .store
            .audit
            .recent(10_000)
            .expect("audit")
            .into_iter()
            .map(|e| e.action)
            .collect()
    }

    /// Stops the server and releases the data directory (kept until the `TempDir` drops).
    pub fn stop(mut self) -> (tempfile::TempDir, PathBuf) {
        self.server.take();
        self.inbox.take();
        (self.tmp.take().expect("tmp"), self.data_dir.clone())
    }
}

/// The password a test user chooses in place of their temporary one.
pub fn own_password(name: &str) -> String {
    format!("{name} chose this long password")
}

/// Posts the sign-in form; the response is the next step.
pub fn post_login(b: &Browser, name: &str, password: &str) -> Response {
    b.submit(
        "/login",
        "/login",
        &[("name", name), ("password", password)],
    )
}

/// Posts the new-password form (the browser is at that step).
pub fn post_new_password(b: &Browser, password: &str, confirm: &str) -> Response {
    b.submit(
        "/login/password",
        "/login/password",
        &[("password", password), ("confirm", confirm)],
    )
}

/// Enrols an authenticator from the secret on the page `res` is; returns the secret.
pub fn enrol(b: &Browser, res: Response) -> Vec<u8> {
    assert_eq!(res.path, "/login/enrol", "at enrolment");
    let page = res.text();
    assert!(page.contains("otpauth://totp/"), "{page}");
    let start = page.find("id=\"secret\">").expect("secret shown") + 12;
    let shown = &page[start..start + page[start..].find('<').expect("end")];
    let secret = totp::base32_decode(shown).expect("base32");
    let code = totp::code(&secret, Utc::now().timestamp());
    let res = b.post(
        "/login/enrol",
        &[("csrf", res.csrf().as_str()), ("code", code.as_str())],
    );
    assert_eq!(res.path, "/", "signed in");
    secret
}

/// Signs in over HTTP the first time: the temporary password, a new password of the user's
/// own ([`own_password`]), then TOTP enrolment with a code computed from the page.
pub fn sign_in(ih: &WorkspaceHarness, name: &str, password: &str) -> Browser {
    let b = ih.browser();
    let res = post_login(&b, name, password);
    assert_eq!(res.path, "/login/password", "password accepted");
    let mine = own_password(name);
    let res = post_new_password(&b, &mine, &mine);
    enrol(&b, res);
    b
}
