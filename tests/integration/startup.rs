//! `prem serve` refuses to start, with one clear line and a non-zero exit,
//! when its installation is broken: a missing or corrupt key file, an
//! unusable or locked data directory, a port in use, production without
//! keys, or a corrupt index (which `prem store rebuild` then repairs).

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use crate::support::process::{free_port, Key, Site};
use crate::support::{Browser, Forms, MARKER};

/// Runs `prem serve` expecting it to give up; kills it if it starts instead.
/// Returns its one line of error output.
fn serve_fails(site: &Site, extra: &[&str]) -> String {
    let addr = format!("127.0.0.1:{}", free_port());
    let mut args = vec!["serve", "--addr", &addr];
    args.extend_from_slice(extra);
    let mut child = site
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
        child.wait().ok();
        panic!("prem serve started when it should have refused");
    }
    let out: Output = child.wait_with_output().expect("output");
    assert!(!out.status.success(), "non-zero exit");
    let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
    assert_eq!(err.lines().count(), 1, "exactly one line, got:\n{err}");
    assert!(err.starts_with("error: "), "{err}");
    err
}

#[test]
fn missing_key_file_is_one_line() {
    let site = Site::with_key(Key::File(Path::new("/nonexistent/police.pub")));
    let err = serve_fails(&site, &[]);
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
    let site = Site::with_key(Key::File(&bad));
    let err = serve_fails(&site, &[]);
    assert!(
        err.contains("reviewer key \"police\"") && err.contains("malformed"),
        "{err}"
    );
}

#[test]
fn production_without_keys_refuses() {
    let site = Site::with_key(Key::None);
    let err = serve_fails(&site, &["--production"]);
    assert!(err.contains("no reviewer keys configured"), "{err}");
    assert!(
        !site.data.clone().join("dev-keys").exists(),
        "no development key in production"
    );
}

#[test]
fn unusable_data_directory_is_one_line() {
    let site = Site::new();
    std::fs::write(site.data.clone(), "not a directory").expect("write");
    let err = serve_fails(&site, &[]);
    assert!(err.contains("data directory"), "{err}");
}

#[test]
fn locked_data_directory_is_one_line() {
    let site = Site::new();
    std::fs::create_dir_all(site.data.clone()).expect("mkdir");
    let held = prem::store::SpoolStore::open(&site.data.clone()).expect("open");
    let err = serve_fails(&site, &[]);
    assert!(err.contains("in use by another prem process"), "{err}");
    drop(held);
}

#[test]
fn port_in_use_is_one_line() {
    let site = Site::new();
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
    let site = Site::new();
    std::fs::create_dir_all(site.data.clone()).expect("mkdir");
    drop(prem::store::SpoolStore::open(&site.data.clone()).expect("create the store"));
    // Damage every file of the sled index.
    let index = site.data.clone().join("index");
    for e in std::fs::read_dir(&index).expect("index dir").flatten() {
        if e.path().is_file() {
            std::fs::write(e.path(), b"this is not a sled database at all").expect("corrupt");
        }
    }
    let err = serve_fails(&site, &[]);
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
    prem::store::SpoolStore::open(&site.data.clone()).expect("opens after rebuild");
}

#[test]
fn logs_carry_routes_and_statuses_but_no_answers_or_session_ids() {
    let site = Site::new();
    let mut server = site.serve_with("logs", None, &[("RUST_LOG", "info")]);
    let b = Browser::new(&server.base);
    let reference = Forms::load(&site.dir).complete(&b, "urgent-meeting");
    // Every session id the kiosk handed out (it cycles them as the form starts).
    let ids: Vec<String> = b
        .set_cookies()
        .iter()
        .filter_map(|c| {
            c.split(';')
                .next()?
                .split_once('=')
                .map(|(_, v)| v.to_string())
        })
        .filter(|v| !v.is_empty())
        .collect();
    server.kill();
    let text = server.log_text();
    assert!(
        text.contains("route=/forms/{form}/{page}/") && text.contains("status=303"),
        "requests are logged:\n{text}"
    );
    assert!(
        !text.contains(MARKER) && !text.contains("Testy"),
        "no answers in the log"
    );
    assert!(!ids.is_empty(), "the form had a session");
    for id in &ids {
        assert!(!text.contains(id.as_str()), "a session id in the log");
    }
    assert!(!text.contains(&reference), "no reference in the log");
}

#[test]
fn slow_clients_are_cut_off_by_the_header_timeout() {
    use std::io::{Read, Write};
    let site = Site::new();
    let mut server = site.serve_with("slow", None, &[("PREM_KIOSK_HEADER_TIMEOUT_SECS", "1")]);
    let base = server.base.clone();
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
    server.kill();
    assert!(
        waited < Duration::from_secs(5),
        "the server closed the connection after {waited:?}"
    );
}
