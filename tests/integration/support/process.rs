//! Real `prem` processes for tests: a site folder built from the repository's
//! own content, forms and theme with a test reviewer key, and a running
//! `prem serve` that is SIGKILLed when the test ends.

use std::io::Read as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use prem::seal::{KdfParams, SecretKey};

use super::{root, PASSPHRASE};

pub struct Site {
    pub tmp: tempfile::TempDir,
    pub dir: PathBuf,
    pub data: PathBuf,
    pub out: PathBuf,
    pub logs: PathBuf,
    /// The reviewers' private key, when the site was made with one.
    pub secret: Option<SecretKey>,
}

/// Which reviewer key a test site's prem.toml names.
pub enum Key<'a> {
    /// A fresh key pair, whose private half the test keeps.
    Generated,
    /// This public-key file, as it is (missing or corrupt on purpose).
    File(&'a Path),
    /// No `[[kiosk.recipients]]` at all.
    None,
}

impl Site {
    /// A site folder with a fresh reviewer key pair.
    pub fn new() -> Self {
        Self::with_key(Key::Generated)
    }

    /// A site folder for `--site`: the repository's content, forms and theme
    /// (symlinked) and its prem.toml naming `key`.
    pub fn with_key(key: Key) -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("site");
        std::fs::create_dir_all(&dir).expect("site dir");
        for name in ["content", "forms", "themes"] {
            std::os::unix::fs::symlink(root().join(name), dir.join(name)).expect("symlink");
        }
        let (public, secret) = match key {
            Key::Generated => {
                let keys = tmp.path().join("keys");
                std::fs::create_dir_all(&keys).expect("keys dir");
                let (public, secret_path) = prem::seal::keygen_with_params(
                    &keys,
                    "police",
                    PASSPHRASE.as_bytes(),
                    KdfParams::INSECURE_FOR_TESTS,
                )
                .expect("keygen");
                let secret = prem::seal::read_secret_key(&secret_path, PASSPHRASE.as_bytes())
                    .expect("secret");
                (Some(public), Some(secret))
            }
            Key::File(path) => (Some(path.to_path_buf()), None),
            Key::None => (None, None),
        };
        let mut toml = std::fs::read_to_string(root().join("prem.toml")).expect("prem.toml");
        if let Some(public) = public {
            toml.push_str(&format!(
                "\n[[kiosk.recipients]]\nname = \"police\"\npublic_key = '{}'\n",
                public.display()
            ));
        }
        std::fs::write(dir.join("prem.toml"), toml).expect("write prem.toml");
        let logs = tmp.path().join("logs");
        std::fs::create_dir_all(&logs).expect("logs dir");
        Site {
            data: tmp.path().join("data"),
            out: tmp.path().join("public"),
            logs,
            dir,
            secret,
            tmp,
        }
    }

    pub fn secret(&self) -> &SecretKey {
        self.secret
            .as_ref()
            .expect("this site was made with a generated key")
    }

    /// `prem --site DIR <args>` with this site's data and output folders.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_prem"));
        cmd.arg("--site")
            .arg(&self.dir)
            .args(args)
            .env_remove("PREM_ENV")
            .env_remove("PREM_SITE")
            .env("PREM_KIOSK_DATA_DIR", &self.data)
            .env("PREM_BUILD_OUTPUT_DIR", &self.out)
            .env("PREM_KIOSK_POSTS_PER_MINUTE", "1000000")
            .env("PREM_KIOSK_NEW_SESSIONS_PER_MINUTE", "1000000")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null());
        cmd
    }

    /// Starts `prem serve` and waits until it answers.
    pub fn serve(&self, run: &str, internal: Option<u16>) -> Server {
        self.serve_with(run, internal, &[])
    }

    /// `serve` with extra environment variables (which win over the defaults).
    pub fn serve_with(&self, run: &str, internal: Option<u16>, env: &[(&str, &str)]) -> Server {
        let port = free_port();
        let addr = format!("127.0.0.1:{port}");
        let mut args = vec!["serve".to_owned(), "--addr".to_owned(), addr.clone()];
        if let Some(i) = internal {
            args.extend(["--internal-addr".to_owned(), format!("127.0.0.1:{i}")]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let log = self.logs.join(format!("{run}.log"));
        let child = self
            .command(&args)
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("spawn prem serve");
        let mut server = Server {
            child,
            base: format!("http://{addr}"),
            log,
        };
        server.wait_ready();
        server
    }
}

/// A running `prem serve`, SIGKILLed if the test ends early.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub log: PathBuf,
}

impl Server {
    pub fn wait_ready(&mut self) {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("client");
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                panic!("prem serve exited with {status}:\n{}", self.log_text());
            }
            if client
                .get(format!("{}/healthz", self.base))
                .send()
                .is_ok_and(|r| r.status() == 200)
            {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "prem serve did not answer within 60 s:\n{}",
                self.log_text()
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn log_text(&self) -> String {
        let mut s = String::new();
        if let Ok(mut f) = std::fs::File::open(&self.log) {
            let _ = f.read_to_string(&mut s);
        }
        s
    }

    /// SIGKILL (what `Child::kill` sends on Unix) and reap.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}
