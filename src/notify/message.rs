//! What a notification says: fixed text per kind, chosen from a closed list.
//!
//! A mail leaves the partnership's systems for mailboxes that are forwarded, searched, printed and
//! kept for years, so the words are fixed here and no variant of [`Waiting`] carries data: no
//! caller can put a name, place, reference, local authority or answer into a message, even by
//! mistake. The reader learns only that something waits for their role, and where to sign in.

use anyhow::{Context as _, Result};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::Mailbox;
use lettre::Message;

/// What is waiting for the recipient's role. Deliberately without fields: see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Waiting {
    /// A referral waits for a manager's endorsement.
    ToEndorse,
    /// A referral waits for a review or decision.
    ToReview,
    /// Something marked urgent waits for attention.
    Urgent,
    /// A decision is due by the end of tomorrow.
    DueTomorrow,
    /// A meeting's agenda has been published.
    AgendaPublished,
    /// An extraordinary meeting has been asked for and waits to be convened.
    Extraordinary,
}

impl Waiting {
    /// Every kind, for tests and for documentation of what can be sent.
    pub const ALL: [Waiting; 6] = [
        Waiting::ToEndorse,
        Waiting::ToReview,
        Waiting::Urgent,
        Waiting::DueTomorrow,
        Waiting::AgendaPublished,
        Waiting::Extraordinary,
    ];

    /// A short name for the logs (the only thing a log line says about a notification).
    pub fn name(self) -> &'static str {
        match self {
            Waiting::ToEndorse => "to-endorse",
            Waiting::ToReview => "to-review",
            Waiting::Urgent => "urgent",
            Waiting::DueTomorrow => "due-tomorrow",
            Waiting::AgendaPublished => "agenda-published",
            Waiting::Extraordinary => "extraordinary",
        }
    }

    /// The subject, before the configured prefix.
    pub fn subject(self) -> &'static str {
        match self {
            Waiting::ToEndorse => "A referral is waiting for endorsement",
            Waiting::ToReview => "A referral is waiting for review",
            Waiting::Urgent => "An urgent item is waiting in the workspace",
            Waiting::DueTomorrow => "A decision is due tomorrow",
            Waiting::AgendaPublished => "A meeting agenda has been published",
            Waiting::Extraordinary => "An extraordinary meeting has been requested",
        }
    }

    /// The one sentence of the body that differs by kind; lines under 76 characters, so the
    /// message travels as plain 7-bit text that any mail client shows as written.
    fn sentence(self) -> &'static str {
        match self {
            Waiting::ToEndorse => {
                "A referral in the workspace is waiting for endorsement\n\
                 by someone in your role."
            }
            Waiting::ToReview => {
                "A referral in the workspace is waiting for review\n\
                 by someone in your role."
            }
            Waiting::Urgent => {
                "Something marked urgent in the workspace is waiting\n\
                 for someone in your role."
            }
            Waiting::DueTomorrow => {
                "A decision that someone in your role can make is due\n\
                 by the end of tomorrow."
            }
            Waiting::AgendaPublished => {
                "The agenda for a coming meeting has been published\n\
                 in the workspace."
            }
            Waiting::Extraordinary => {
                "An extraordinary meeting has been requested and waits\n\
                 to be convened by someone in your role."
            }
        }
    }
}

/// A message the relay can carry: a real notification, or the admin's test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Notice {
    Waiting(Waiting),
    Test,
}

impl Notice {
    fn subject(self) -> &'static str {
        match self {
            Notice::Waiting(w) => w.subject(),
            Notice::Test => "Test message from the workspace",
        }
    }

    fn sentence(self) -> &'static str {
        match self {
            Notice::Waiting(w) => w.sentence(),
            Notice::Test => {
                "This is a test of the workspace's notification settings:\n\
                 they work."
            }
        }
    }
}

/// What every message shares: who it is from, the link, and the subject's prefix.
#[derive(Debug, Clone)]
pub(crate) struct Letterhead {
    pub from: Mailbox,
    pub workspace_url: String,
    pub subject_prefix: String,
}

/// The subject line as sent: the prefix (e.g. the protective marking), then the fixed words.
pub(crate) fn subject(head: &Letterhead, notice: Notice) -> String {
    match head.subject_prefix.trim() {
        "" => notice.subject().to_string(),
        prefix => format!("{prefix} {}", notice.subject()),
    }
}

/// The body as sent: fixed sentences and the workspace link, nothing else.
pub(crate) fn body(head: &Letterhead, notice: Notice) -> String {
    format!(
        "{}\n\nSign in to the workspace to see it:\n{}\n\n\
         This message says nothing about the case on purpose: everything\n\
         is in the workspace, behind your sign-in. Please do not forward\n\
         it, and do not reply with case details.\n",
        notice.sentence(),
        head.workspace_url
    )
}

/// One message to one recipient (never a list: nobody learns who else was told).
pub(crate) fn compose(head: &Letterhead, to: &lettre::Address, notice: Notice) -> Result<Message> {
    Message::builder()
        .from(head.from.clone())
        .to(Mailbox::new(None, to.clone()))
        .subject(subject(head, notice))
        // Generated here (from this host's name) because some relays and filters distrust mail
        // without one.
        .message_id(None)
        // RFC 3834: out-of-office and other automatic replies are not sent to it.
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".into(),
        ))
        .header(ContentType::TEXT_PLAIN)
        .body(body(head, notice))
        .context("cannot compose the notification (check notify.from)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head() -> Letterhead {
        Letterhead {
            from: "workspace@example.org".parse().expect("mailbox"),
            workspace_url: "https://workspace.example.org/".into(),
            subject_prefix: "[OFFICIAL]".into(),
        }
    }

    #[test]
    fn every_kind_has_its_own_subject_and_carries_the_link() {
        let mut subjects: Vec<String> = Waiting::ALL
            .iter()
            .map(|w| subject(&head(), Notice::Waiting(*w)))
            .collect();
        for (w, s) in Waiting::ALL.iter().zip(&subjects) {
            assert!(s.starts_with("[OFFICIAL] "), "{s}");
            assert!(body(&head(), Notice::Waiting(*w)).contains("https://workspace.example.org/"));
        }
        subjects.sort();
        subjects.dedup();
        assert_eq!(subjects.len(), Waiting::ALL.len());
    }

    #[test]
    fn one_recipient_per_message_with_no_copies() {
        let to: lettre::Address = "someone@example.org".parse().expect("address");
        let m = compose(&head(), &to, Notice::Waiting(Waiting::Urgent)).expect("compose");
        let text = String::from_utf8(m.formatted()).expect("utf8");
        assert!(text.contains("To: someone@example.org"), "{text}");
        assert!(!text.contains("Cc:") && !text.contains("Bcc:"), "{text}");
        assert!(text.contains("Auto-Submitted: auto-generated"), "{text}");
        assert!(text.contains("Message-ID: <"), "{text}");
        assert!(text.contains("Content-Transfer-Encoding: 7bit"), "{text}");
        assert_eq!(m.envelope().to(), [to]);
    }

    #[test]
    fn an_empty_prefix_leaves_the_subject_alone() {
        let h = Letterhead {
            subject_prefix: "  ".into(),
            ..head()
        };
        assert_eq!(subject(&h, Notice::Test), "Test message from the workspace");
    }
}
