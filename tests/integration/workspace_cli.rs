//! `prem inbox ...` as a process: a wrong passphrase refuses to start in one line, `audit
//! verify` names an edited entry, and `inbox serve` stops cleanly on SIGTERM.

use crate::support::keys::write_private;
use crate::support::process::{prem, run};
use crate::support::workspace::{inbox_config, WorkspaceHarness};
use crate::support::{root, Harness, PASSPHRASE};
use prem::config::Config;
use prem::store::SubmissionStore;
use prem::workspace::Costs;

#[test]
fn wrong_passphrase_refuses_to_start_with_one_line() {
    let h = Harness::start(|_| {});
    let tmp = tempfile::tempdir().expect("tempdir");
    let config = inbox_config(&h, &h.internal_url(""), tmp.path());
    let err = prem::workspace::open(
        config.clone(),
        &h.root,
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
    let out = run(&site, &["workspace", "pull"]);
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
    let ih = WorkspaceHarness::start(&h, &h.internal_url(""), |_| {});
    ih.add_user("rev.three", "reviewer", None);
    ih.add_user("rev.four", "reviewer", None);
    ih.add_user("rev.five", "reviewer", None);
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
    let out = run(site.path(), &["workspace", "audit", "verify"]);
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
    use std::process::Command;

    let h = Harness::start(|_| {});
    let tmp = tempfile::tempdir().expect("tempdir");
    let site = inbox_site(&h, tmp.path(), true);
    let RunningInbox {
        mut child,
        lines,
        addr,
        ..
    } = serve_inbox(&site);
    let res = reqwest::blocking::get(format!("http://{addr}/healthz")).expect("healthz");
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

/// A site folder for `prem inbox serve` with the kiosk's forms and content; returns the
/// folder and the prem.toml written there (`with_passphrase` adds `passphrase_file`).
fn inbox_site(h: &Harness, tmp: &std::path::Path, with_passphrase: bool) -> std::path::PathBuf {
    let site = tmp.join(if with_passphrase { "site" } else { "cli-site" });
    std::fs::create_dir_all(&site).expect("site");
    std::os::unix::fs::symlink(h.root.join("content"), site.join("content")).expect("symlink");
    let mut config = inbox_config(h, &h.internal_url(""), tmp);
    config.build.forms_dir = h.root.join("forms");
    config.build.themes_dir = root().join("themes");
    config.inbox.addr = "127.0.0.1:0".into();
    config.inbox.data_dir = tmp.join("inbox-data");
    config.inbox.pull_at_start = true;
    if with_passphrase {
        let pass = tmp.join("pass");
        write_private(&pass, &format!("{PASSPHRASE}\n"));
        config.inbox.passphrase_file = Some(pass);
    }
    std::fs::write(
        site.join("prem.toml"),
        toml::to_string(&config).expect("toml"),
    )
    .expect("write prem.toml");
    site
}

/// A running `prem inbox serve`: the process, the rest of its stderr, what it printed before it
/// said where it serves, and that address.
#[cfg(unix)]
struct RunningInbox {
    child: std::process::Child,
    lines: std::io::Lines<std::io::BufReader<std::process::ChildStderr>>,
    log: Vec<String>,
    addr: String,
}

/// Starts `prem inbox serve` in `site` and waits until it says where it serves.
#[cfg(unix)]
fn serve_inbox(site: &std::path::Path) -> RunningInbox {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = prem(site)
        .args(["workspace", "serve"])
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
        if let Some(rest) = line.strip_prefix("workspace on http://") {
            break rest.trim_end_matches('/').to_string();
        }
        log.push(line);
    };
    RunningInbox {
        child,
        lines,
        log,
        addr,
    }
}

/// With `prem inbox serve` running, every administrative command reaches it through its
/// control socket: no "data directory in use", and no passphrase asked (the CLI's prem.toml
/// has no passphrase file and there is no terminal, so asking would fail).
#[cfg(unix)]
#[test]
fn admin_commands_work_while_the_inbox_runs_and_ask_no_passphrase() {
    use std::process::Command;

    let h = Harness::start(|_| {});
    let reference = h.submit_one("sighting");
    let tmp = tempfile::tempdir().expect("tempdir");
    let site = inbox_site(&h, tmp.path(), true);
    let cli = inbox_site(&h, tmp.path(), false);
    let RunningInbox {
        mut child,
        lines,
        log,
        addr,
    } = serve_inbox(&site);
    // Pulled at start: the kiosk's record is acknowledged without anyone pressing a button.
    let mut pulled = false;
    for _ in 0..100 {
        if h.kiosk
            .store
            .list_unacked(&h.kiosk.team_ids(None), 10)
            .expect("list")
            .is_empty()
        {
            pulled = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }

    let add = run(
        &cli,
        &["workspace", "user", "add", "admin.one", "--role", "admin"],
    );
    let list = run(&cli, &["workspace", "user", "list"]);
    let verify = run(&cli, &["workspace", "audit", "verify"]);
    let pull = run(&cli, &["workspace", "pull"]);
    let quarantine = run(&cli, &["workspace", "quarantine", "list"]);
    let healthz = reqwest::blocking::get(format!("http://{addr}/healthz")).expect("healthz");
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let _ = child.wait();

    assert!(pulled, "the inbox pulls once at start");
    let text = |o: &std::process::Output| {
        format!(
            "status {:?}\nstdout: {}\nstderr: {}",
            o.status.code(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    assert!(add.status.success(), "{}", text(&add));
    assert!(
        String::from_utf8_lossy(&add.stdout).contains("Temporary password, shown once"),
        "{}",
        text(&add)
    );
    assert!(
        String::from_utf8_lossy(&list.stdout).contains("admin.one\tadmin"),
        "{}",
        text(&list)
    );
    assert!(
        String::from_utf8_lossy(&verify.stdout).contains("audit trail intact"),
        "{}",
        text(&verify)
    );
    assert!(
        pull.status.success() && String::from_utf8_lossy(&pull.stdout).contains("kiosk1: 0 new"),
        "{}",
        text(&pull)
    );
    assert!(
        String::from_utf8_lossy(&quarantine.stdout).contains("no records are set aside"),
        "{}",
        text(&quarantine)
    );
    assert_eq!(healthz.status(), 200);
    // The inbox logs like the kiosk: routes and statuses, never names or references.
    let all_log = [log, rest].concat().join("\n");
    assert!(all_log.contains("route=/healthz"), "{all_log}");
    assert!(all_log.contains("admin command"), "{all_log}");
    assert!(
        !all_log.contains("admin.one"),
        "a user name reached the log: {all_log}"
    );
    assert!(
        !all_log.contains(&reference),
        "a reference reached the log: {all_log}"
    );
}

/// Stopped, the same commands work on the data directory directly, and `serve` refuses with
/// one line (before asking for anything) when another inbox holds it.
#[cfg(unix)]
#[test]
fn a_second_inbox_on_the_same_data_refuses_in_one_line_before_asking_anything() {
    let h = Harness::start(|_| {});
    let ih = WorkspaceHarness::start(&h, &h.internal_url(""), |_| {});
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = inbox_site(&h, tmp.path(), false);
    // Point the CLI at the running harness's data directory (no control socket there: the
    // harness serves in-process without one only if unix sockets fail, so it has one).
    let mut config: Config =
        toml::from_str(&std::fs::read_to_string(cli.join("prem.toml")).expect("read"))
            .expect("parse");
    config.inbox.data_dir = ih.inbox().config.inbox.data_dir.clone();
    std::fs::write(
        cli.join("prem.toml"),
        toml::to_string(&config).expect("toml"),
    )
    .expect("write");
    let out = run(&cli, &["workspace", "serve"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("is in use") && !stderr.contains("passphrase"),
        "{stderr}"
    );
}
