//! Notifications through a real SMTP server (aiosmtpd, see `support::smtp`): one message per
//! recipient, the fixed subject and the workspace link, and no case detail, ever; a relay that
//! is down never holds the caller up; `notify-test` in one line; off means nothing is sent. And
//! the accounts' addresses the notifications go to (`accounts`).

use std::path::Path;
use std::time::{Duration, Instant};

use prem::config::{NotifyConfig, Security};
use prem::notify::{Notifier, Waiting};

use crate::support::process::{free_port, prem, run};
use crate::support::smtp::{Mail, SmtpServer};

mod accounts;
mod casework;

const LINK: &str = "https://workspace.example.org/";

/// What the case that starts the waiting holds, as the workspace would have it when it calls
/// `notify`: a (synthetic) person, the reference, the LA, an answer and a place.
const CASE: [&str; 6] = [
    "Tamsin Quillfeather",
    "Quillfeather",
    "REF-2026-7KX4QF",
    "Harbourside",
    "seen getting into cars with older males",
    "Gull Street",
];

pub(crate) fn relay_on(port: u16) -> NotifyConfig {
    NotifyConfig {
        enabled: true,
        smtp_host: "127.0.0.1".into(),
        smtp_port: port,
        security: Security::None,
        from: "workspace@example.org".into(),
        workspace_url: LINK.into(),
        subject_prefix: "[OFFICIAL-SENSITIVE]".into(),
        ..NotifyConfig::default()
    }
}

fn start(config: &NotifyConfig) -> Notifier {
    Notifier::start(config, Path::new(".")).expect("notifier starts")
}

/// Each kind goes to every recipient as a message of its own (a repeated address, however
/// capitalised, once), with that kind's subject behind the prefix and the workspace link, and
/// nothing of the case: no name, reference, LA, answer or place, and no other recipient.
#[test]
fn every_kind_reaches_each_recipient_alone_with_its_subject_the_link_and_no_case_detail() {
    // `Waiting` has no fields to put case content in: one byte, whatever the kind.
    assert_eq!(std::mem::size_of::<Waiting>(), 1);
    let smtp = SmtpServer::start();
    let notifier = start(&relay_on(smtp.port));
    let team = [
        "rev.one@la.example.org",
        "rev.two@la.example.org",
        "chair@police.example.org",
    ];
    for kind in Waiting::ALL {
        // The case's details are at hand where the workspace calls, but the API takes none.
        let _context = CASE;
        let mut to: Vec<String> = team.iter().map(|a| a.to_string()).collect();
        to.push("REV.ONE@la.example.org".into());
        notifier.notify(to, kind);
    }
    let expected = Waiting::ALL.len() * team.len();
    let mail = smtp.wait_for(expected, Duration::from_secs(30));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        smtp.messages().len(),
        expected,
        "one message per distinct recipient and kind"
    );

    for kind in Waiting::ALL {
        let subject = format!("[OFFICIAL-SENSITIVE] {}", kind.subject());
        let of_kind: Vec<&Mail> = mail.iter().filter(|m| m.subject == subject).collect();
        let mut got: Vec<String> = of_kind.iter().map(|m| m.rcpt_to.to_lowercase()).collect();
        got.sort();
        let mut want: Vec<String> = team.iter().map(|a| a.to_string()).collect();
        want.sort();
        assert_eq!(got, want, "{kind:?}: recipients");
    }
    for m in &mail {
        assert_eq!(m.to.to_lowercase(), m.rcpt_to.to_lowercase(), "{}", m.raw);
        assert!(m.body.contains(LINK), "no link:\n{}", m.raw);
        for other in team.iter().filter(|a| !m.rcpt_to.eq_ignore_ascii_case(a)) {
            assert!(
                !m.raw.to_lowercase().contains(other),
                "{other} visible to {}",
                m.rcpt_to
            );
        }
        let text = format!("{}\n{}", m.raw, m.body).to_lowercase();
        for detail in CASE {
            assert!(
                !text.contains(&detail.to_lowercase()),
                "{detail:?} in:\n{}",
                m.raw
            );
        }
        assert!(
            !m.raw.contains("\nCc:") && !m.raw.contains("\nBcc:"),
            "{}",
            m.raw
        );
    }
}

/// `notify` only queues: it returns at once with the relay down, and the worker's retry
/// delivers once the relay is back a moment later.
#[test]
fn a_relay_down_for_a_moment_holds_nobody_up_and_the_message_still_arrives() {
    let port = free_port();
    let notifier = start(&relay_on(port));
    let started = Instant::now();
    notifier.notify(vec!["rev.one@la.example.org".into()], Waiting::Urgent);
    assert!(
        started.elapsed() < Duration::from_millis(100),
        "notify waited for the relay"
    );
    let smtp = SmtpServer::start_on(port);
    let mail = smtp.wait_for(1, Duration::from_secs(20));
    assert_eq!(mail.len(), 1, "the retry delivered it");
    assert!(mail[0].subject.ends_with(Waiting::Urgent.subject()));
}

/// Off, nothing reaches the relay, from the workspace or from `notify-test`.
#[test]
fn off_sends_nothing() {
    let smtp = SmtpServer::start();
    let off = NotifyConfig {
        enabled: false,
        ..relay_on(smtp.port)
    };
    let notifier = start(&off);
    assert!(!notifier.is_enabled());
    for kind in Waiting::ALL {
        notifier.notify(vec!["rev.one@la.example.org".into()], kind);
    }
    let site = site_with(&off);
    let out = run(
        site.path(),
        &["workspace", "notify-test", "rev.one@la.example.org"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("notify.enabled"),
        "{err}"
    );
    // A message sent now (through a notifier that is on) is the only one that arrives.
    start(&relay_on(smtp.port)).notify(vec!["control@example.org".into()], Waiting::ToReview);
    let mail = smtp.wait_for(1, Duration::from_secs(20));
    std::thread::sleep(Duration::from_millis(500));
    let all = smtp.messages();
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(mail[0].rcpt_to, "control@example.org");
}

/// `prem workspace notify-test ADDR` sends the test message and says so.
#[test]
fn notify_test_sends_one_message_and_says_so() {
    let smtp = SmtpServer::start();
    let site = site_with(&relay_on(smtp.port));
    let out = run(
        site.path(),
        &["workspace", "notify-test", "admin@example.org"],
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(said.contains("admin@example.org"), "{said}");
    let mail = smtp.wait_for(1, Duration::from_secs(10));
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].rcpt_to, "admin@example.org");
    assert!(mail[0].body.contains(LINK), "{}", mail[0].raw);
}

/// A relay that cannot be reached, by name or by port: one line, naming the keys to check.
#[test]
fn notify_test_to_a_wrong_host_says_what_to_check_in_one_line() {
    let nowhere = NotifyConfig {
        smtp_host: "relay.nowhere.invalid".into(),
        security: Security::Starttls,
        ..relay_on(587)
    };
    for config in [nowhere, relay_on(free_port())] {
        let site = site_with(&config);
        let started = Instant::now();
        let out = run(
            site.path(),
            &["workspace", "notify-test", "admin@example.org"],
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("error: ") && err.contains(&config.smtp_host),
            "{err}"
        );
        assert!(
            err.contains("notify.smtp_host") && err.contains("notify.smtp_port"),
            "{err}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "took {:?}",
            started.elapsed()
        );
    }
}

/// STARTTLS (the default) really encrypts: through a relay whose certificate this machine
/// trusts the message goes; with the certificate untrusted, or a relay that offers no STARTTLS,
/// nothing is sent in the clear and the line says what to check.
#[test]
fn starttls_is_required_and_the_relay_certificate_must_be_trusted() {
    let tls = SmtpServer::start_tls();
    let cert = tls.cert.clone().expect("certificate");
    let site = site_with(&NotifyConfig {
        security: Security::Starttls,
        ..relay_on(tls.port)
    });
    let notify_test = |trust: Option<&Path>| {
        let mut cmd = prem(site.path());
        cmd.env_remove("SSL_CERT_FILE").env_remove("SSL_CERT_DIR");
        if let Some(file) = trust {
            cmd.env("SSL_CERT_FILE", file);
        }
        cmd.args(["workspace", "notify-test", "admin@example.org"])
            .output()
            .expect("run prem")
    };
    let trusted = notify_test(Some(&cert));
    assert!(
        trusted.status.success(),
        "{}",
        String::from_utf8_lossy(&trusted.stderr)
    );
    let untrusted = notify_test(None);
    let err = String::from_utf8_lossy(&untrusted.stderr);
    assert!(
        !untrusted.status.success() && err.lines().count() == 1,
        "{err}"
    );
    assert!(
        err.contains("certificate") && err.contains("trust"),
        "{err}"
    );
    let mail = tls.wait_for(1, Duration::from_secs(10));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        (mail.len(), tls.messages().len()),
        (1, 1),
        "only the trusted try arrives"
    );

    let plain = SmtpServer::start();
    let site = site_with(&NotifyConfig {
        security: Security::Starttls,
        ..relay_on(plain.port)
    });
    let out = run(
        site.path(),
        &["workspace", "notify-test", "admin@example.org"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("notify.security"),
        "{err}"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(plain.messages().is_empty(), "sent in the clear");
}

/// A site folder whose prem.toml holds only `[notify]` (everything else defaults).
fn site_with(notify: &NotifyConfig) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut table = toml::Table::new();
    table.insert(
        "notify".into(),
        toml::Value::try_from(notify).expect("toml"),
    );
    std::fs::write(dir.path().join("prem.toml"), table.to_string()).expect("prem.toml");
    dir
}
