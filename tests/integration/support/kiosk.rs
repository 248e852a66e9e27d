//! A real kiosk in this process: a partnership's site, forms and criteria, a temporary data
//! directory with real sled, and a throwaway reviewer key pair. `prepare` stops before any
//! socket (for tests that send requests straight into `app()`); `start` also serves the public
//! and internal listeners over loopback on a runtime of its own.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use prem::config::{Config, Recipient};
use prem::forms::Form;
use prem::kiosk::{Kiosk, ServeOptions};
use prem::seal::SecretKey;

use super::answers::Forms;
use super::background::Background;
use super::browser::Browser;
use super::fixture::{seed_output, Partnership};
use super::keys;

pub struct Harness {
    pub kiosk: Arc<Kiosk>,
    pub forms: Forms,
    /// The site folder it runs on.
    pub root: PathBuf,
    /// The private half of the key every submission is sealed to.
    pub secret: SecretKey,
    pub data_dir: PathBuf,
    pub tmp: tempfile::TempDir,
    listening: Option<Listening>,
}

struct Listening {
    addr: SocketAddr,
    internal: SocketAddr,
    _server: Background,
}

impl Harness {
    /// The harbour partnership's kiosk, serving.
    pub fn start(tune: impl FnOnce(&mut Config)) -> Self {
        Self::prepare(Partnership::Harbour, false, tune).listen()
    }

    /// A kiosk ready to serve, on no socket yet. Rate limits are raised out of the way
    /// (`tune` may set them back), and `production` is `prem serve --production`.
    pub fn prepare(site: Partnership, production: bool, tune: impl FnOnce(&mut Config)) -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let key = keys::generate(&tmp.path().join("keys"), "police");
        let root = site.root();
        let mut config = site.config();
        config.kiosk.data_dir = tmp.path().join("data");
        config.build.output_dir = tmp.path().join("public");
        config.kiosk.internal_addr = "127.0.0.1:0".into();
        config.kiosk.recipients = vec![Recipient {
            name: "police".into(),
            public_key: key.public,
            forms: Vec::new(),
        }];
        config.kiosk.posts_per_minute = 100_000;
        config.kiosk.new_sessions_per_minute = 100_000;
        tune(&mut config);
        seed_output(&config.build.output_dir);
        let data_dir = config.kiosk.data_dir.clone();
        let kiosk = prem::kiosk::prepare(config, &root, &ServeOptions { production })
            .expect("kiosk prepares");
        Harness {
            forms: Forms::new(kiosk.forms.clone(), &kiosk.config),
            kiosk,
            root,
            secret: key.secret,
            data_dir,
            tmp,
            listening: None,
        }
    }

    /// Serves the public and internal listeners on loopback ports of the system's choosing.
    pub fn listen(mut self) -> Self {
        let k = self.kiosk.clone();
        let (server, (addr, internal)) = Background::start(|stop| async move {
            let bind = || tokio::net::TcpListener::bind("127.0.0.1:0");
            let (public, internal) = (bind().await.expect("bind"), bind().await.expect("bind"));
            let addrs = (
                public.local_addr().expect("addr"),
                internal.local_addr().expect("addr"),
            );
            tokio::spawn(prem::kiosk::serve_on(k, public, Some(internal), stop));
            addrs
        });
        self.listening = Some(Listening {
            addr,
            internal,
            _server: server,
        });
        self
    }

    fn listening(&self) -> &Listening {
        self.listening
            .as_ref()
            .expect("this kiosk was prepared, not started")
    }

    pub fn addr(&self) -> SocketAddr {
        self.listening().addr
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.listening().addr)
    }

    pub fn internal_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.listening().internal)
    }

    /// A new browser on the public listener.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.url(""))
    }

    /// The public app's router, as `prem serve` builds it, for requests without a socket.
    pub fn app(&self) -> axum::Router {
        prem::kiosk::app(self.kiosk.clone(), self.kiosk.store.sessions())
    }

    /// A new browser whose requests go straight into [`Harness::app`].
    pub fn in_process(&self) -> Browser {
        Browser::in_process(self.app())
    }

    pub fn form(&self, id: &str) -> &Form {
        self.forms.get(id)
    }

    /// Completes `form_id` in a new browser; the reference.
    pub fn submit_one(&self, form_id: &str) -> String {
        self.forms.complete(&self.browser(), form_id)
    }
}
