//! What the case list needs of each referral, kept in memory: opening every sealed referral
//! on every view of the list took most of a second for ten years of six LAs. The summaries
//! hold no answers beyond the LAs named and the reference, are built once, and are brought up
//! to date from the store's change counter (`WorkspaceStore::changed_since`) at each view.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};

use crate::workspace::model::{RecordKey, Referral};
use crate::workspace::store::Since;
use crate::workspace::{Case, Workspace};

/// One referral as the list shows it and filters it.
pub struct Summary {
    pub path: String,
    pub reference: String,
    pub form: String,
    pub form_title: String,
    pub presenting: Option<String>,
    pub owning: Option<String>,
    /// Every LA the referral's LA questions name.
    pub las: Vec<String>,
    /// Its state and when it entered it (no history: the list never shows it).
    pub case: Case,
    pub state_id: String,
    pub state_title: String,
    pub submitted_at: DateTime<Utc>,
    /// The submission date in the partnership's zone.
    pub received: String,
    pub deadline: Option<NaiveDate>,
    pub urgent: bool,
}

impl Summary {
    fn of(ws: &Workspace, r: &Referral) -> Summary {
        let form = ws.form_of(r);
        let flow = ws.flow_for(form);
        let las = form.map_or_else(Vec::new, |f| {
            (f.la_questions(None))
                .filter_map(|q| r.answer(&q.id).map(str::to_string))
                .collect()
        });
        Summary {
            path: r.key.path(),
            reference: r.submission.reference.clone(),
            form: r.submission.form.clone(),
            form_title: r.submission.form_title.clone(),
            presenting: r.presenting_authority(form).map(str::to_string),
            owning: r.owning_authority(form).map(str::to_string),
            las,
            case: Case {
                state: r.case.state.clone(),
                entered: r.case.entered,
                history: Vec::new(),
            },
            state_id: flow.state_id(&r.case).to_string(),
            state_title: flow.state_title(&r.case),
            submitted_at: r.created_at,
            received: crate::local_time::short_date(r.created_at, ws.config.zone()),
            deadline: flow.deadline(&r.case, r.created_at),
            urgent: r.urgent(form),
        }
    }

    pub fn concerns_la(&self, la: &str) -> bool {
        self.las.iter().any(|l| l == la)
    }
}

/// The summaries, by database key, and the store generation they are current to.
#[derive(Default)]
pub struct Summaries(Mutex<Option<Held>>);

pub struct Held {
    generation: u64,
    by_key: HashMap<Vec<u8>, Summary>,
}

impl Held {
    pub fn iter(&self) -> impl Iterator<Item = &Summary> {
        self.by_key.values()
    }
}

impl Summaries {
    /// The summaries brought up to date with the store: read in full the first time (or after
    /// more changes than the store remembers), otherwise only the referrals changed since.
    /// Holds the lock while the caller reads them: blocking, as every store read is.
    pub fn current<'a>(&'a self, ws: &Workspace) -> Result<Current<'a>> {
        let mut held = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let since = match &*held {
            Some(h) => ws.store.changed_since(h.generation),
            None => (ws.store.generation(), Since::Everything),
        };
        match since {
            (generation, Since::Everything) => {
                let (all, bad) = ws.store.all_readable()?;
                unreadable(&bad);
                let by_key = (all.iter()).map(|r| (r.key.db_key(), Summary::of(ws, r)));
                let by_key = by_key.collect();
                *held = Some(Held { generation, by_key });
            }
            (generation, Since::Keys(keys)) => {
                let h = held.as_mut().expect("only Everything when none held");
                for k in keys {
                    let found = match RecordKey::from_db_key(&k) {
                        Some(key) => ws.store.get(&key).unwrap_or_else(|_| {
                            unreadable(std::slice::from_ref(&key));
                            None
                        }),
                        None => None,
                    };
                    match found {
                        Some(r) => h.by_key.insert(k, Summary::of(ws, &r)),
                        None => h.by_key.remove(&k),
                    };
                }
                h.generation = generation;
            }
        }
        Ok(Current(held))
    }
}

/// The summaries, up to date, locked while read.
pub struct Current<'a>(MutexGuard<'a, Option<Held>>);

impl Current<'_> {
    pub fn iter(&self) -> impl Iterator<Item = &Summary> {
        self.0.iter().flat_map(Held::iter)
    }
}

/// Says which records could not be opened (their keys: a kiosk name and a random id, never
/// contents); the list shows the rest.
fn unreadable(keys: &[RecordKey]) {
    for key in keys {
        tracing::error!(
            record = %key.path(),
            "a stored referral could not be opened and is left out of the case list: \
             check the disk, and restore the workspace's data folder from a backup if it persists"
        );
    }
}
