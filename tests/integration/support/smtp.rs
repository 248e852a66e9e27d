//! A real SMTP server for the notification tests: Python's `aiosmtpd` as a child process on a
//! loopback port, keeping every message it accepts in a Maildir the test reads.
//!
//! Debian's `python3-aiosmtpd` is what `.ci/run` installs (apt, like the other system packages,
//! rather than pip into a Python Debian marks as externally managed), so the Debian interpreter
//! is tried first. `aiosmtpd.handlers.Mailbox` adds the envelope to each message as `X-MailFrom`
//! and `X-RcptTo` headers, which is how a test sees who a message was really sent to. With
//! [`SmtpServer::start_tls`] it offers STARTTLS with a self-signed certificate.

use std::io::{BufRead as _, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::process::free_port;

/// A running aiosmtpd, killed when dropped.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    maildir: PathBuf,
    /// With STARTTLS: its self-signed certificate for 127.0.0.1 (PEM), to trust or not.
    pub cert: Option<PathBuf>,
    _tmp: tempfile::TempDir,
}

/// One message as the server stored it.
#[derive(Debug, Clone)]
pub struct Mail {
    /// Headers and body, undecoded (what a mailbox would hold).
    pub raw: String,
    /// The body with any quoted-printable soft breaks and escapes undone.
    pub body: String,
    /// The envelope's recipients, as the server received them.
    pub rcpt_to: String,
    pub to: String,
    pub subject: String,
}

impl SmtpServer {
    /// On a free loopback port.
    pub fn start() -> Self {
        Self::start_on(free_port())
    }

    /// On `port`, once it accepts connections and greets with 220.
    pub fn start_on(port: u16) -> Self {
        Self::launch(port, false)
    }

    /// Offering (and requiring) STARTTLS with a fresh self-signed certificate for 127.0.0.1,
    /// made by the `openssl` command (on Debian wherever ca-certificates is).
    pub fn start_tls() -> Self {
        Self::launch(free_port(), true)
    }

    fn launch(port: u16, tls: bool) -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let maildir = tmp.path().join("mail");
        let mut cmd = Command::new(python());
        cmd.args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"]);
        let cert = tls.then(|| {
            let (cert, key) = self_signed(tmp.path());
            cmd.arg("--tlscert").arg(&cert).arg("--tlskey").arg(key);
            cert
        });
        // Its log goes to a file: a pipe nobody reads would stall it once full (every refused
        // TLS handshake logs a traceback).
        let log = std::fs::File::create(tmp.path().join("aiosmtpd.log")).expect("log file");
        let child = cmd
            .arg(&maildir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start aiosmtpd");
        let mut server = SmtpServer {
            child,
            port,
            maildir,
            cert,
            _tmp: tmp,
        };
        server.wait_ready();
        server
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                let log = self.maildir.with_file_name("aiosmtpd.log");
                let err = std::fs::read_to_string(log).unwrap_or_default();
                panic!("aiosmtpd exited ({status}) before accepting connections:\n{err}");
            }
            if greets(self.port) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "aiosmtpd did not accept connections on port {} within 20 s",
            self.port
        );
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<Mail> {
        let mut files: Vec<PathBuf> = ["new", "cur"]
            .iter()
            .filter_map(|d| std::fs::read_dir(self.maildir.join(d)).ok())
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        files.iter().map(|f| Mail::read(f)).collect()
    }

    /// Waits until at least `n` messages have arrived (or `within` passes) and returns them all.
    pub fn wait_for(&self, n: usize, within: Duration) -> Vec<Mail> {
        let deadline = Instant::now() + within;
        loop {
            let got = self.messages();
            if got.len() >= n || Instant::now() >= deadline {
                return got;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Connects and reads the greeting: a listening port alone could be some other program.
fn greets(port: u16) -> bool {
    let Ok(stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line).is_ok() && line.starts_with("220")
}

/// A certificate for 127.0.0.1 that is its own issuer, usable as a server's (not a CA's), so
/// that trusting exactly this file is what makes a client accept the relay.
fn self_signed(dir: &Path) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join("relay.pem"), dir.join("relay.key"));
    let out = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1"])
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .args(["-addext", "extendedKeyUsage=serverAuth"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdin(Stdio::null())
        .output()
        .expect("run openssl (Debian: apt-get install openssl)");
    assert!(
        out.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (cert, key)
}

/// The first interpreter that has aiosmtpd: `PREM_TEST_PYTHON`, Debian's, then whatever
/// `python3` is on the PATH.
fn python() -> String {
    let candidates = std::env::var("PREM_TEST_PYTHON")
        .into_iter()
        .chain(["/usr/bin/python3".to_string(), "python3".to_string()]);
    for py in candidates {
        let has = Command::new(&py)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if has {
            return py;
        }
    }
    panic!(
        "no python3 with aiosmtpd: install it as .ci/run does (apt-get install python3-aiosmtpd), \
         or set PREM_TEST_PYTHON to an interpreter that has it"
    );
}

impl Mail {
    fn read(path: &Path) -> Mail {
        let raw = std::fs::read_to_string(path).expect("read message");
        let (head, body) = raw
            .replace("\r\n", "\n")
            .split_once("\n\n")
            .map(|(h, b)| (h.to_string(), b.to_string()))
            .unwrap_or_default();
        // Unfold continued header lines before looking headers up.
        let head = head.replace("\n ", " ").replace("\n\t", " ");
        let header = |name: &str| {
            head.lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
                })
                .unwrap_or_default()
        };
        let quoted = header("Content-Transfer-Encoding").eq_ignore_ascii_case("quoted-printable");
        Mail {
            body: if quoted { unquote(&body) } else { body },
            rcpt_to: header("X-RcptTo"),
            to: header("To"),
            subject: header("Subject"),
            raw,
        }
    }
}

/// Undoes quoted-printable (soft line breaks and `=XX`), so a search cannot miss a word that
/// the encoding happened to split.
fn unquote(text: &str) -> String {
    let joined = text.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
