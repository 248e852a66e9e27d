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
