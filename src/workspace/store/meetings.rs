//! The meeting cycle's records in the workspace's database: which cases are listed for which
//! meeting (with the agencies chosen, invited and present), the agendas as published, the
//! actions agreed with their updates, each case's minutes, and extraordinary meetings. Every
//! record is sealed under the data key like a referral, and every change is written with its
//! audit entry in one sled transaction (`AuditLog::record_with`), as the tracker's are.
//!
//! Keys start with what pages look records up by: a listing by its meeting, then its case; an
//! action and a minute by their case, so a purged case's records go with one prefix scan.

use anyhow::{Context as _, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::WorkspaceStore;
use crate::meetings::{Action, Extraordinary, MeetingId, Minute};
use crate::workspace::meetings::{Listed, Published};

const LISTINGS: &str = "meetings-listings";
const AGENDAS: &str = "meetings-agendas";
const ACTIONS: &str = "meetings-actions";
const MINUTES: &str = "meetings-minutes";
const EXTRAORDINARY: &str = "meetings-extraordinary";

/// Who made a change, the audit trail's word for it, and the record it names.
pub type Audited<'a> = (&'a str, &'a str, &'a str);

fn listing_key(meeting: &MeetingId, case: &str) -> Vec<u8> {
    format!("{meeting}\0{case}").into_bytes()
}

fn case_key(case: &str, rest: &str) -> Vec<u8> {
    format!("{case}\0{rest}").into_bytes()
}

impl WorkspaceStore {
    fn meetings_tree(&self, name: &str) -> Result<sled::Tree> {
        Ok(self.db.open_tree(name)?)
    }

    /// Writes `value` under `key` in `tree`, sealed, with its audit entry in the same write.
    fn put_audited<T: Serialize>(
        &self,
        tree: &str,
        key: &[u8],
        value: &T,
        (actor, action, record): Audited,
    ) -> Result<()> {
        let tree = self.meetings_tree(tree)?;
        let change = Some((&tree, key, self.seal(key, value)?));
        self.audit.record_with(actor, action, record, change)?;
        Ok(())
    }

    /// Every record of `tree` whose key starts with `prefix`, opened.
    fn scan_sealed<T: DeserializeOwned>(&self, tree: &str, prefix: &[u8]) -> Result<Vec<T>> {
        let mut out = Vec::new();
        for kv in self.meetings_tree(tree)?.scan_prefix(prefix) {
            let (k, v) = kv?;
            let plain = self
                .key
                .open(&k, &v)
                .with_context(|| format!("{tree} record"))?;
            out.push(serde_json::from_slice(&plain)?);
        }
        Ok(out)
    }

    fn get_in<T: DeserializeOwned>(&self, tree: &str, key: &[u8]) -> Result<Option<T>> {
        self.get_sealed(&self.meetings_tree(tree)?, key)
    }

    /// Lists a case for a meeting, or saves a change to its listing.
    pub fn put_listing(&self, l: &Listed, actor: &str, action: &str) -> Result<()> {
        let key = listing_key(&l.meeting, &l.case);
        self.put_audited(LISTINGS, &key, l, (actor, action, &l.case))
    }

    pub fn listing(&self, meeting: &MeetingId, case: &str) -> Result<Option<Listed>> {
        self.get_in(LISTINGS, &listing_key(meeting, case))
    }

    /// The cases listed for `meeting`, in the order they were listed.
    pub fn listings(&self, meeting: &MeetingId) -> Result<Vec<Listed>> {
        let mut out: Vec<Listed> = self.scan_sealed(LISTINGS, format!("{meeting}\0").as_bytes())?;
        out.sort_by_key(|l| l.listed_at);
        Ok(out)
    }

    /// Every listing of every meeting.
    pub fn all_listings(&self) -> Result<Vec<Listed>> {
        self.scan_sealed(LISTINGS, b"")
    }

    /// Keeps an agenda as published, audited as `publish-agenda`.
    pub fn publish(&self, p: &Published, actor: &str) -> Result<()> {
        let id = p.meeting.to_string();
        self.put_audited(AGENDAS, id.as_bytes(), p, (actor, "publish-agenda", &id))
    }

    pub fn published(&self, meeting: &MeetingId) -> Result<Option<Published>> {
        self.get_in(AGENDAS, meeting.to_string().as_bytes())
    }

    /// Saves an action (agreed, updated or with a new status) under its case.
    pub fn put_action(&self, a: &Action, actor: &str, action: &str) -> Result<()> {
        self.put_audited(
            ACTIONS,
            &case_key(&a.case, &a.id),
            a,
            (actor, action, &a.case),
        )
    }

    pub fn action(&self, case: &str, id: &str) -> Result<Option<Action>> {
        self.get_in(ACTIONS, &case_key(case, id))
    }

    /// A case's actions, by due date.
    pub fn actions_of(&self, case: &str) -> Result<Vec<Action>> {
        let mut out: Vec<Action> = self.scan_sealed(ACTIONS, &case_key(case, ""))?;
        out.sort_by(|a, b| (a.due, &a.id).cmp(&(b.due, &b.id)));
        Ok(out)
    }

    pub fn all_actions(&self) -> Result<Vec<Action>> {
        self.scan_sealed(ACTIONS, b"")
    }

    /// Keeps (or replaces) the minute of a case at a meeting.
    pub fn put_minute(&self, m: &Minute, actor: &str) -> Result<()> {
        let key = case_key(&m.case, &m.meeting.to_string());
        self.put_audited(MINUTES, &key, m, (actor, "minute", &m.case))
    }

    /// A case's minutes, oldest meeting first.
    pub fn minutes_of(&self, case: &str) -> Result<Vec<Minute>> {
        let mut out: Vec<Minute> = self.scan_sealed(MINUTES, &case_key(case, ""))?;
        out.sort_by_key(|m| m.at);
        Ok(out)
    }

    pub fn put_extraordinary(&self, x: &Extraordinary, actor: &str, action: &str) -> Result<()> {
        self.put_audited(EXTRAORDINARY, x.id.as_bytes(), x, (actor, action, &x.case))
    }

    pub fn extraordinary(&self, id: &str) -> Result<Option<Extraordinary>> {
        self.get_in(EXTRAORDINARY, id.as_bytes())
    }

    pub fn all_extraordinary(&self) -> Result<Vec<Extraordinary>> {
        self.scan_sealed(EXTRAORDINARY, b"")
    }

    /// Removes a purged case's meeting records: its listings, actions, minutes and
    /// extraordinary meetings, and its items from agendas already published. Returns how many
    /// records went or changed.
    pub fn forget_meetings(&self, case: &str) -> Result<usize> {
        let mut gone = 0;
        for name in [ACTIONS, MINUTES] {
            let tree = self.meetings_tree(name)?;
            for kv in tree.scan_prefix(case_key(case, "")) {
                tree.remove(kv?.0)?;
                gone += 1;
            }
        }
        let listings = self.meetings_tree(LISTINGS)?;
        for l in self.all_listings()?.into_iter().filter(|l| l.case == case) {
            listings.remove(listing_key(&l.meeting, case))?;
            gone += 1;
        }
        let extra = self.meetings_tree(EXTRAORDINARY)?;
        for x in self
            .all_extraordinary()?
            .into_iter()
            .filter(|x| x.case == case)
        {
            extra.remove(x.id.as_bytes())?;
            gone += 1;
        }
        let agendas = self.meetings_tree(AGENDAS)?;
        for mut p in self.scan_sealed::<Published>(AGENDAS, b"")? {
            let before = p.agenda.items.len();
            p.agenda.items.retain(|i| i.listing.case != case);
            if p.agenda.items.len() != before {
                let key = p.meeting.to_string();
                agendas.insert(key.as_bytes(), self.seal(key.as_bytes(), &p)?)?;
                gone += 1;
            }
        }
        self.db.flush()?;
        Ok(gone)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use crate::meetings::{Action, ActionDraft, ListingKind, MeetingId};
    use crate::seal::KdfParams;
    use crate::workspace::meetings::Listed;
    use crate::workspace::store::WorkspaceDb;

    #[test]
    fn each_change_is_audited_sealed_and_gone_with_its_case() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = WorkspaceDb::open(dir.path())
            .expect("open")
            .unlock(b"a passphrase", KdfParams::INSECURE_FOR_TESTS)
            .expect("unlock");
        let day = NaiveDate::from_ymd_opt(2027, 1, 14).expect("date");
        let meeting = MeetingId::Scheduled {
            series: "north".into(),
            date: day,
        };
        for case in ["k1/aa", "k1/bb"] {
            let l = Listed::new(meeting.clone(), case, ListingKind::New, "bs");
            store.put_listing(&l, "bs", "list-case").expect("list");
            let draft = ActionDraft {
                text: "Visit weekly".into(),
                owner_agency: "Housing".into(),
                owner_role: "Officer".into(),
                due: day.succ_opt(),
            };
            let a = Action::agree(&format!("a-{case}"), case, &draft, day, None).expect("valid");
            store.put_action(&a, "bs", "agree-action").expect("agree");
        }
        let audit = store.audit.recent(10).expect("audit");
        assert_eq!(audit.len(), 4);
        assert!(audit
            .iter()
            .any(|e| e.action == "agree-action" && e.record == "k1/aa"));
        // Sealed: the action's words are nowhere in the database files as written.
        store.db.flush().expect("flush");
        assert!(!contains(dir.path(), b"Visit weekly"));
        assert_eq!(store.listings(&meeting).expect("listings").len(), 2);
        assert_eq!(store.forget_meetings("k1/aa").expect("forget"), 2);
        let left: Vec<String> = (store.listings(&meeting).expect("listings").into_iter())
            .map(|l| l.case)
            .collect();
        assert_eq!(left, ["k1/bb"]);
        assert!(store.actions_of("k1/aa").expect("actions").is_empty());
        assert_eq!(store.actions_of("k1/bb").expect("actions").len(), 1);
    }

    /// Whether any file under `dir` holds `needle`.
    fn contains(dir: &std::path::Path, needle: &[u8]) -> bool {
        std::fs::read_dir(dir).expect("read dir").any(|e| {
            let path = e.expect("entry").path();
            if path.is_dir() {
                return contains(&path, needle);
            }
            let bytes = std::fs::read(&path).unwrap_or_default();
            bytes.windows(needle.len()).any(|w| w == needle)
        })
    }
}
