//! `prem inbox ...` as a process: a wrong passphrase refuses to start in one line, `audit
//! verify` names an edited entry, and `inbox serve` stops cleanly on SIGTERM.

mod common;

use common::inbox::{inbox_config, write_private, InboxHarness};
use common::{root, Harness, PASSPHRASE};
use prem::config::Config;
use prem::inbox::accounts::Role;
use prem::inbox::Costs;

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
