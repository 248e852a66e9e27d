//! `prem serve` refuses to start, with one clear line and a non-zero exit,
//! when its installation is broken: a missing or corrupt key file, an
//! unusable or locked data directory, a port in use, production without
//! keys, or a corrupt index (which `prem store rebuild` then repairs).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::root;

/// A site folder whose prem.toml names a reviewer key at `key`.
struct Site {
    tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl Site {
    fn new(key: Option<&Path>) -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("site");
        std::fs::create_dir_all(&dir).expect("site dir");
        for name in ["content", "forms", "themes"] {
            std::os::unix::fs::symlink(root().join(name), dir.join(name)).expect("symlink");
        }
        let mut toml = std::fs::read_to_string(root().join("prem.toml")).expect("prem.toml");
        if let Some(key) = key {
            toml.push_str(&format!(
                "\n[[kiosk.recipients]]\nname = \"police\"\npublic_key = '{}'\n",
                key.display()
            ));
        }
        std::fs::write(dir.join("prem.toml"), toml).expect("write");
        Self { tmp, dir }
    }

    fn with_real_key() -> Self {
        let keys = tempfile::tempdir().expect("tempdir").keep();
        let (public, _) = prem::seal::keygen_with_params(
            &keys,
            "police",
            b"a long test passphrase",
            prem::seal::KdfParams::INSECURE_FOR_TESTS,
        )
        .expect("keygen");
        Self::new(Some(&public))
    }

    fn data(&self) -> PathBuf {
        self.tmp.path().join("data")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_prem"));
        cmd.arg("--site")
            .arg(&self.dir)
            .args(args)
            .env_remove("PREM_ENV")
            .env("PREM_KIOSK_DATA_DIR", self.data())
            .env("PREM_BUILD_OUTPUT_DIR", self.tmp.path().join("public"))
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null());
        cmd
    }

    /// Runs `prem serve` expecting it to give up; kills it if it starts instead.
    fn serve_fails(&self, extra: &[&str]) -> String {
        let port = free_port();
        let addr = format!("127.0.0.1:{port}");
        let mut args = vec!["serve", "--addr", &addr];
        args.extend_from_slice(extra);
        let mut child = self
            .command(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        for _ in 0..300 {
            if child.try_wait().expect("wait").is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        if child.try_wait().expect("wait").is_none() {
            child.kill().ok();
            panic!("prem serve started when it should have refused");
        }
        let out: Output = child.wait_with_output().expect("output");
        assert!(!out.status.success(), "non-zero exit");
        let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
        assert_eq!(err.lines().count(), 1, "exactly one line, got:\n{err}");
        assert!(err.starts_with("error: "), "{err}");
        err
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port()
}

#[test]
fn missing_key_file_is_one_line() {
    let site = Site::new(Some(Path::new("/nonexistent/police.pub")));
    let err = site.serve_fails(&[]);
    assert!(
        err.contains("reviewer key \"police\"") && err.contains("/nonexistent/police.pub"),
        "{err}"
    );
}

#[test]
fn corrupt_key_file_is_one_line() {
    let keys = tempfile::tempdir().expect("tempdir");
    let bad = keys.path().join("police.pub");
    std::fs::write(&bad, "prem-public-key v1\nid 00\nkey zz\n").expect("write");
    let site = Site::new(Some(&bad));
    let err = site.serve_fails(&[]);
    assert!(
        err.contains("reviewer key \"police\"") && err.contains("malformed"),
        "{err}"
    );
}

#[test]
fn production_without_keys_refuses() {
    let site = Site::new(None);
    let err = site.serve_fails(&["--production"]);
    assert!(err.contains("no reviewer keys configured"), "{err}");
    assert!(
        !site.data().join("dev-keys").exists(),
        "no development key in production"
    );
}

#[test]
fn unusable_data_directory_is_one_line() {
    let site = Site::with_real_key();
    std::fs::write(site.data(), "not a directory").expect("write");
    let err = site.serve_fails(&[]);
    assert!(err.contains("data directory"), "{err}");
}

#[test]
fn locked_data_directory_is_one_line() {
    let site = Site::with_real_key();
    std::fs::create_dir_all(site.data()).expect("mkdir");
    let held = prem::store::SpoolStore::open(&site.data()).expect("open");
    let err = site.serve_fails(&[]);
    assert!(err.contains("in use by another prem process"), "{err}");
    drop(held);
}

#[test]
fn port_in_use_is_one_line() {
    let site = Site::with_real_key();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let mut child = site
        .command(&["serve", "--addr", &addr])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let status = child.wait().expect("wait");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut err)
        .expect("read");
    assert!(!status.success());
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains(&format!("cannot listen on {addr}")), "{err}");
}

#[test]
fn corrupt_index_fails_closed_and_rebuild_repairs_it() {
    let site = Site::with_real_key();
    std::fs::create_dir_all(site.data()).expect("mkdir");
    drop(prem::store::SpoolStore::open(&site.data()).expect("create the store"));
    // Damage every file of the sled index.
    let index = site.data().join("index");
    for e in std::fs::read_dir(&index).expect("index dir").flatten() {
        if e.path().is_file() {
            std::fs::write(e.path(), b"this is not a sled database at all").expect("corrupt");
        }
    }
    let err = site.serve_fails(&[]);
    assert!(
        err.contains("prem store rebuild"),
        "the error says how to repair: {err}"
    );
    let out = site
        .command(&["store", "rebuild"])
        .output()
        .expect("rebuild");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    prem::store::SpoolStore::open(&site.data()).expect("opens after rebuild");
}

/// Starts `prem serve` for real and returns it with its base URL; stderr goes to `log`.
fn serve(site: &Site, log: &Path, env: &[(&str, &str)]) -> (std::process::Child, String) {
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let mut cmd = site.command(&["serve", "--addr", &addr]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).expect("log"))
        .spawn()
        .expect("spawn");
    let base = format!("http://{addr}");
    for _ in 0..600 {
        if reqwest::blocking::get(format!("{base}/healthz")).is_ok_and(|r| r.status() == 200) {
            return (child, base);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.kill().ok();
    child.wait().ok();
    panic!(
        "prem serve did not start:\n{}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

#[test]
fn logs_carry_routes_and_statuses_but_no_answers_or_session_ids() {
    let site = Site::with_real_key();
    let log = site.tmp.path().join("serve.log");
    let (mut child, base) = serve(
        &site,
        &log,
        &[
            ("RUST_LOG", "info"),
            ("PREM_KIOSK_POSTS_PER_MINUTE", "100000"),
        ],
    );
    let client = reqwest::blocking::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let config = prem::config::Config::load_with_env(&root(), std::iter::empty()).expect("config");
    let forms = prem::kiosk::load_forms(&config, &root()).expect("forms");
    let form = forms.get("extraordinary-request").expect("form");
    let mut answers = prem::forms::Answers::default();
    let mut cookie = String::new();
    while let Some(page) = prem::forms::first_unanswered_page(form, &answers) {
        let href = prem::forms::page_href(&form.id, &page.id);
        let res = client.get(format!("{base}{href}")).send().expect("get");
        if let Some(c) = res.headers().get("set-cookie") {
            cookie = c
                .to_str()
                .expect("ascii")
                .split(';')
                .next()
                .unwrap_or("")
                .split('=')
                .nth(1)
                .unwrap_or("")
                .to_string();
        }
        let token = common::csrf(&res.text().expect("text"));
        let mut pairs = common::fill(form, page, &answers);
        answers.record(
            page,
            prem::forms::validate_page(form, page, &answers, &pairs).expect("valid"),
        );
        pairs.push(("csrf".into(), token));
        client
            .post(format!("{base}{href}"))
            .form(&pairs)
            .send()
            .expect("post");
    }
    let check = client
        .get(format!("{base}/forms/{}/check/", form.id))
        .send()
        .expect("check")
        .text()
        .expect("text");
    let sent = client
        .post(format!("{base}/forms/{}/submit/", form.id))
        .form(&[
            ("csrf", common::csrf(&check).as_str()),
            ("declaration", "yes"),
        ])
        .send()
        .expect("submit")
        .text()
        .expect("text");
    let reference = common::reference_in(&sent).expect("reference");
    child.kill().ok();
    child.wait().ok();
    let text = std::fs::read_to_string(&log).expect("log");
    assert!(
        text.contains("route=/forms/{form}/{page}/") && text.contains("status=303"),
        "requests are logged:\n{text}"
    );
    assert!(
        !text.contains(common::MARKER) && !text.contains("Testy"),
        "no answers in the log"
    );
    assert!(
        !cookie.is_empty() && !text.contains(&cookie),
        "no session id in the log"
    );
    assert!(!text.contains(&reference), "no reference in the log");
}

#[test]
fn slow_clients_are_cut_off_by_the_header_timeout() {
    use std::io::{Read, Write};
    let site = Site::with_real_key();
    let log = site.tmp.path().join("serve.log");
    let (mut child, base) = serve(&site, &log, &[("PREM_KIOSK_HEADER_TIMEOUT_SECS", "1")]);
    let addr = base.trim_start_matches("http://");
    let mut slow = std::net::TcpStream::connect(addr).expect("connect");
    slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .expect("partial headers");
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let started = std::time::Instant::now();
    let mut buf = Vec::new();
    let _ = slow.read_to_end(&mut buf);
    let waited = started.elapsed();
    child.kill().ok();
    child.wait().ok();
    assert!(
        waited < Duration::from_secs(5),
        "the server closed the connection after {waited:?}"
    );
}
