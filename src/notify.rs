//! Content-free email notifications: "something in the workspace waits for your role", with the
//! workspace's link, and nothing else.
//!
//! The workspace calls [`Notifier::notify`] where something starts waiting for someone (a referral
//! to endorse, a decision due tomorrow…). Three promises shape this module:
//! - **No content.** What a message says is fixed per [`Waiting`] kind, and the kinds carry no
//!   data, so no person, place, reference, local authority or answer can reach a mailbox.
//! - **Never in the way.** `notify` only puts the work on a bounded queue and returns; a worker
//!   thread sends, retries briefly, and drops what it cannot send with a log line. A request is
//!   never slowed or failed by the relay, and a full queue drops notifications, never blocks.
//! - **Nothing learned from the logs or the headers.** Each recipient gets a message of their
//!   own (no list of who else was told), and log lines name the kind and the failure's class,
//!   never an address.
//!
//! Off unless `notify.enabled`: then [`Notifier::start`] returns a notifier that does nothing.
//! `prem workspace notify-test ADDR` ([`notify_test`]) sends one test message so an admin can
//! check the settings.

mod check;
mod message;
mod relay;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::mpsc;

use anyhow::{Context as _, Result};

pub use crate::config::is_plain_address;
use crate::config::NotifyConfig;
pub use check::notify_test;
use message::Notice;
pub use message::Waiting;
use relay::Relay;

/// Batches (one per `notify` call) that may wait for the worker before new ones are dropped:
/// far more than a burst of real events, few enough that a dead relay cannot hoard memory.
const QUEUE: usize = 256;

/// One `notify` call: who, and what waits for them.
struct Batch {
    recipients: Vec<String>,
    waiting: Waiting,
}

/// The handle the workspace keeps (cheap to clone) and calls when something starts waiting.
#[derive(Clone, Default)]
pub struct Notifier {
    /// `None` when notifications are off.
    queue: Option<mpsc::SyncSender<Batch>>,
}

impl std::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = if self.is_enabled() { "on" } else { "off" };
        write!(f, "Notifier({state})")
    }
}

impl Notifier {
    /// A notifier that sends nothing (notifications off, and in tests that do not need them).
    pub fn disabled() -> Self {
        Self::default()
    }

    /// From `[notify]`: a no-op when it is off; otherwise the relay is set up (the password
    /// file read and checked) and the worker thread started. Nothing is connected until the
    /// first message, so a relay that is down does not stop the workspace from starting.
    ///
    /// The worker is a thread with its own small runtime rather than a task on the caller's,
    /// so that synchronous code (admin commands, `spawn_blocking` work) can notify too and a
    /// slow relay never occupies the server's workers.
    pub fn start(config: &NotifyConfig, root: &Path) -> Result<Self> {
        if !config.enabled {
            return Ok(Self::disabled());
        }
        let relay = Relay::new(config, root)?;
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        std::thread::Builder::new()
            .name("notify".into())
            .spawn(move || work(relay, rx))
            .context("cannot start the notification thread")?;
        Ok(Self { queue: Some(tx) })
    }

    pub fn is_enabled(&self) -> bool {
        self.queue.is_some()
    }

    /// Tells each of `recipients` (email addresses, e.g. of the accounts in the role that must
    /// act) that `waiting` waits for them. Returns at once and never fails: sending happens on
    /// the worker, one message per distinct address.
    pub fn notify(&self, recipients: Vec<String>, waiting: Waiting) {
        let Some(queue) = &self.queue else {
            return;
        };
        if recipients.is_empty() {
            return;
        }
        match queue.try_send(Batch {
            recipients,
            waiting,
        }) {
            Ok(()) => {}
            Err(mpsc::TrySendError::Full(_)) => {
                tracing::warn!(
                    kind = waiting.name(),
                    "notification dropped: the queue is full (is the mail relay down?)"
                )
            }
            Err(mpsc::TrySendError::Disconnected(_)) => {
                tracing::warn!(
                    kind = waiting.name(),
                    "notification dropped: the notification thread has stopped"
                )
            }
        }
    }
}

/// The worker: takes batches until every `Notifier` is dropped, sending each in turn.
fn work(relay: Relay, queue: mpsc::Receiver<Batch>) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!(error = %e.kind(), "notifications off: cannot start their runtime");
            return;
        }
    };
    for batch in queue {
        runtime.block_on(deliver(&relay, batch));
    }
}

/// Sends one batch: each distinct, well-formed address gets its own message.
async fn deliver(relay: &Relay, batch: Batch) {
    let kind = batch.waiting.name();
    // One message per mailbox, however the address was capitalised.
    let distinct: BTreeMap<String, &str> = batch
        .recipients
        .iter()
        .map(|a| (a.trim().to_ascii_lowercase(), a.trim()))
        .collect();
    for address in distinct.into_values() {
        let parsed = is_plain_address(address)
            .then(|| address.parse::<lettre::Address>().ok())
            .flatten();
        let Some(to) = parsed else {
            tracing::warn!(
                kind,
                "notification skipped: an account's address is not valid"
            );
            continue;
        };
        match relay
            .send_with_retry(&to, Notice::Waiting(batch.waiting))
            .await
        {
            Ok(()) => tracing::debug!(kind, "notification sent"),
            Err(f) => tracing::warn!(kind, error = %f.class(), "notification not sent"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_means_a_notifier_that_does_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let n = Notifier::start(&NotifyConfig::default(), dir.path()).expect("starts");
        assert!(!n.is_enabled());
        n.notify(vec!["someone@example.org".into()], Waiting::Urgent);
    }

    /// What the log says when sending fails or an address is bad: the kind and the class of
    /// failure, never who it was for.
    #[test]
    fn failures_are_logged_by_kind_and_class_without_the_address() {
        #[derive(Clone, Default)]
        struct Log(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl std::io::Write for Log {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().expect("log").extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = closed.local_addr().expect("addr").port();
        drop(closed);
        let config = NotifyConfig {
            smtp_host: "127.0.0.1".into(),
            smtp_port: port,
            security: crate::config::Security::None,
            ..NotifyConfig::enabled_for_tests()
        };
        let relay = Relay::new(&config, Path::new(".")).expect("relay");
        let log = Log::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let batch = Batch {
            recipients: vec!["tamsin.q@example.org".into(), "not an address".into()],
            waiting: Waiting::Urgent,
        };
        tracing::subscriber::with_default(subscriber, || runtime.block_on(deliver(&relay, batch)));
        let text = String::from_utf8(log.0.lock().expect("log").clone()).expect("utf8");
        assert!(text.contains("notification not sent"), "{text}");
        assert!(
            text.contains("kind=\"urgent\"") || text.contains("kind=urgent"),
            "{text}"
        );
        assert!(text.contains("error=connection"), "{text}");
        assert!(text.contains("an account's address is not valid"), "{text}");
        assert!(
            !text.contains("tamsin") && !text.contains("not an address"),
            "{text}"
        );
    }

    #[test]
    fn a_full_queue_drops_instead_of_blocking() {
        let (tx, _rx) = mpsc::sync_channel(1);
        let n = Notifier { queue: Some(tx) };
        let started = std::time::Instant::now();
        for _ in 0..10 {
            n.notify(vec!["someone@example.org".into()], Waiting::ToReview);
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }
}
