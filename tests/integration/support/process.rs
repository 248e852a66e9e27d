//! Real `prem` processes for tests: the one place the binary is run from ([`prem`]), a site
//! folder made from a partnership's files with a test reviewer key, and a running `prem serve`
//! that is SIGKILLed when the test ends.

use std::io::Read as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use prem::seal::SecretKey;

use super::fixture::{root, seed_output, toml_with_absolute_themes, Partnership};
use super::keys;

/// `prem --site DIR`, with nothing inherited that would point it elsewhere and no stdin.
pub fn prem(site: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_prem"));
    cmd.arg("--site")
        .arg(site)
        .env_remove("PREM_ENV")
        .env_remove("PREM_SITE")
        .stdin(Stdio::null());
    cmd
}

/// Runs `prem --site DIR <args>` to the end.
pub fn run(site: &Path, args: &[&str]) -> std::process::Output {
    prem(site).args(args).output().expect("run prem")
}

pub struct Site {
    /// Holds every folder below until the site drops.
    _tmp: tempfile::TempDir,
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
    /// The harbour partnership's site folder with a fresh reviewer key pair.
    pub fn new() -> Self {
        Self::with_key(Key::Generated)
    }

    /// The harbour partnership's site folder naming `key`.
    pub fn with_key(key: Key) -> Self {
        Self::of(Partnership::Harbour, key)
    }

    /// A site folder for `--site`: the partnership's content and forms (symlinked) and its
    /// prem.toml naming `key`, the theme taken from the repository. The output folder starts
    /// from the seed build (see [`seed_output`]).
    pub fn of(site: Partnership, key: Key) -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("site");
        std::fs::create_dir_all(&dir).expect("site dir");
        for name in ["content", "forms"] {
            std::os::unix::fs::symlink(site.root().join(name), dir.join(name)).expect("symlink");
        }
        std::os::unix::fs::symlink(root().join("themes"), dir.join("themes")).expect("symlink");
        let (public, secret) = match key {
            Key::Generated => {
                let pair = keys::generate(&tmp.path().join("keys"), "police");
                (Some(pair.public), Some(pair.secret))
            }
            Key::File(path) => (Some(path.to_path_buf()), None),
            Key::None => (None, None),
        };
        let mut toml = toml_with_absolute_themes(&site.root());
        if let Some(public) = public {
            toml.push_str(&format!(
                "\n[[kiosk.recipients]]\nname = \"police\"\npublic_key = '{}'\n",
                public.display()
            ));
        }
        std::fs::write(dir.join("prem.toml"), toml).expect("write prem.toml");
        let logs = tmp.path().join("logs");
        std::fs::create_dir_all(&logs).expect("logs dir");
        let out = tmp.path().join("public");
        seed_output(&out);
        Site {
            data: tmp.path().join("data"),
            out,
            logs,
            dir,
            secret,
            _tmp: tmp,
        }
    }

    pub fn secret(&self) -> &SecretKey {
        self.secret
            .as_ref()
            .expect("this site was made with a generated key")
    }

    /// `prem --site DIR <args>` with this site's data and output folders.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = prem(&self.dir);
        cmd.args(args)
            .env("PREM_KIOSK_DATA_DIR", &self.data)
            .env("PREM_BUILD_OUTPUT_DIR", &self.out)
            .env("PREM_KIOSK_POSTS_PER_MINUTE", "1000000")
            .env("PREM_KIOSK_NEW_SESSIONS_PER_MINUTE", "1000000")
            .env("RUST_LOG", "warn");
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

/// A loopback port nobody is listening on (for a moment).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}
