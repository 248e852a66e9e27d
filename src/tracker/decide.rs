//! A person decides; the tracker never merges on its own. Every decision about a pair is kept
//! (who, when, why), the latest one per pair counts, and confirmed pairs join into clusters:
//! one cluster is one real-world person or place, however many records name it. A rejected pair
//! is never suggested again, and nor is any pair across the two clusters it keeps apart: if A is
//! not B and B is C, A is not C either.

use std::collections::{HashMap, HashSet};

use anyhow::bail;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::model::Id;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Confirmed,
    Rejected,
    /// Looked at, not settled: still suggested, marked as seen.
    Unsure,
}

/// One reviewer's decision about a pair of records (people or places).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchDecision {
    pub a: Id,
    pub b: Id,
    pub verdict: Verdict,
    /// The account that decided.
    pub by: String,
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// A pair in a fixed order, so (A, B) and (B, A) are one pair.
fn pair(a: &Id, b: &Id) -> (Id, Id) {
    if a <= b {
        (a.clone(), b.clone())
    } else {
        (b.clone(), a.clone())
    }
}

/// Every decision ever made, in order, and what they add up to.
#[derive(Debug, Clone, Default)]
pub struct Decisions {
    history: Vec<MatchDecision>,
    latest: HashMap<(Id, Id), usize>,
    clusters: Clusters,
}

impl Decisions {
    /// Replays stored decisions in the order they were made.
    pub fn replay(history: impl IntoIterator<Item = MatchDecision>) -> anyhow::Result<Decisions> {
        let mut out = Decisions::default();
        for d in history {
            out.push(d)?;
        }
        out.clusters = Clusters::build(&out);
        Ok(out)
    }

    /// Adds a decision; a later decision about the same pair replaces its verdict, the earlier
    /// one stays in the history.
    pub fn record(&mut self, decision: MatchDecision) -> anyhow::Result<()> {
        self.push(decision)?;
        self.clusters = Clusters::build(self);
        Ok(())
    }

    fn push(&mut self, decision: MatchDecision) -> anyhow::Result<()> {
        if decision.a == decision.b {
            bail!(
                "a record cannot be matched with itself ({}); choose two different records",
                decision.a
            );
        }
        self.latest
            .insert(pair(&decision.a, &decision.b), self.history.len());
        self.history.push(decision);
        Ok(())
    }

    pub fn history(&self) -> &[MatchDecision] {
        &self.history
    }

    /// The decision that counts for this pair, if any.
    pub fn latest(&self, a: &Id, b: &Id) -> Option<&MatchDecision> {
        self.latest.get(&pair(a, b)).map(|i| &self.history[*i])
    }

    pub fn clusters(&self) -> &Clusters {
        &self.clusters
    }

    /// Whether a pair needs no suggestion: decided either way, already one cluster, or in two
    /// clusters a rejection keeps apart. Only "unsure" pairs come back.
    pub fn settled(&self, a: &Id, b: &Id) -> bool {
        matches!(
            self.latest(a, b).map(|d| d.verdict),
            Some(Verdict::Confirmed | Verdict::Rejected)
        ) || self.clusters.same(a, b)
            || self.clusters.kept_apart(a, b)
    }
}

/// Confirmed pairs joined into clusters (union–find), each named by its smallest id so the
/// name does not depend on the order of decisions.
#[derive(Debug, Clone, Default)]
pub struct Clusters {
    root: HashMap<Id, Id>,
    members: HashMap<Id, Vec<Id>>,
    apart: HashSet<(Id, Id)>,
    conflicts: Vec<(Id, Id)>,
}

impl Clusters {
    fn build(decisions: &Decisions) -> Clusters {
        let mut index: HashMap<&Id, usize> = HashMap::new();
        let mut ids: Vec<&Id> = Vec::new();
        let mut parent: Vec<usize> = Vec::new();
        let mut confirmed = Vec::new();
        let mut rejected = Vec::new();
        for (key, i) in &decisions.latest {
            match decisions.history[*i].verdict {
                Verdict::Confirmed => confirmed.push(key),
                Verdict::Rejected => rejected.push(key),
                Verdict::Unsure => {}
            }
        }
        for (a, b) in confirmed {
            let x = slot(&mut index, &mut ids, &mut parent, a);
            let y = slot(&mut index, &mut ids, &mut parent, b);
            let (rx, ry) = (find(&mut parent, x), find(&mut parent, y));
            // The smaller id's root wins, so every cluster's root is its smallest member.
            if ids[rx] <= ids[ry] {
                parent[ry] = rx;
            } else {
                parent[rx] = ry;
            }
        }
        let mut out = Clusters::default();
        for i in 0..ids.len() {
            let r = find(&mut parent, i);
            out.root.insert(ids[i].clone(), ids[r].clone());
            out.members
                .entry(ids[r].clone())
                .or_default()
                .push(ids[i].clone());
        }
        for m in out.members.values_mut() {
            m.sort();
        }
        for (a, b) in rejected {
            if out.same(a, b) {
                out.conflicts.push((a.clone(), b.clone()));
            } else {
                out.apart.insert(pair(out.of(a), out.of(b)));
            }
        }
        out.conflicts.sort();
        out
    }

    /// The cluster a record belongs to (itself when nothing is confirmed with it).
    pub fn of<'a>(&'a self, id: &'a Id) -> &'a Id {
        self.root.get(id).unwrap_or(id)
    }

    pub fn same(&self, a: &Id, b: &Id) -> bool {
        self.of(a) == self.of(b)
    }

    pub fn kept_apart(&self, a: &Id, b: &Id) -> bool {
        self.apart.contains(&pair(self.of(a), self.of(b)))
    }

    /// Every record in the cluster of `id`, smallest first.
    pub fn members(&self, id: &Id) -> Vec<Id> {
        self.members
            .get(self.of(id))
            .cloned()
            .unwrap_or_else(|| vec![id.clone()])
    }

    /// Rejected pairs that other confirmations have put in one cluster anyway: a reviewer
    /// must look again, because the tracker will not guess which decision was wrong.
    pub fn conflicts(&self) -> &[(Id, Id)] {
        &self.conflicts
    }
}

/// The union–find slot of `id`, made on first sight.
fn slot<'a>(
    index: &mut HashMap<&'a Id, usize>,
    ids: &mut Vec<&'a Id>,
    parent: &mut Vec<usize>,
    id: &'a Id,
) -> usize {
    *index.entry(id).or_insert_with(|| {
        ids.push(id);
        parent.push(parent.len());
        parent.len() - 1
    })
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(a: &Id, b: &Id, verdict: Verdict) -> MatchDecision {
        MatchDecision {
            a: a.clone(),
            b: b.clone(),
            verdict,
            by: "reviewer".into(),
            at: DateTime::<Utc>::from_timestamp(1_700_000_000, 0).expect("time"),
            reason: "synthetic".into(),
        }
    }

    fn ids(n: usize) -> Vec<Id> {
        let mut v: Vec<Id> = (0..n).map(|_| Id::random()).collect();
        v.sort();
        v
    }

    #[test]
    fn confirmed_pairs_join_transitively_under_the_smallest_id() {
        let v = ids(4);
        let d = Decisions::replay([
            decide(&v[3], &v[2], Verdict::Confirmed),
            decide(&v[2], &v[1], Verdict::Confirmed),
        ])
        .expect("replay");
        let c = d.clusters();
        assert!(c.same(&v[1], &v[3]));
        assert_eq!(c.of(&v[3]), &v[1]);
        assert_eq!(
            c.members(&v[2]),
            vec![v[1].clone(), v[2].clone(), v[3].clone()]
        );
        assert!(!c.same(&v[0], &v[1]));
        assert_eq!(c.members(&v[0]), vec![v[0].clone()]);
    }

    #[test]
    fn the_latest_decision_counts_and_the_history_keeps_both() {
        let v = ids(2);
        let mut d = Decisions::default();
        d.record(decide(&v[0], &v[1], Verdict::Confirmed))
            .expect("record");
        assert!(d.clusters().same(&v[0], &v[1]));
        d.record(decide(&v[1], &v[0], Verdict::Rejected))
            .expect("record");
        assert!(
            !d.clusters().same(&v[0], &v[1]),
            "the confirmation was undone"
        );
        assert_eq!(d.history().len(), 2);
        assert_eq!(
            d.latest(&v[0], &v[1]).map(|x| x.verdict),
            Some(Verdict::Rejected)
        );
    }

    #[test]
    fn a_rejection_keeps_whole_clusters_apart_but_unsure_settles_nothing() {
        let v = ids(4);
        let d = Decisions::replay([
            decide(&v[0], &v[1], Verdict::Rejected),
            decide(&v[1], &v[2], Verdict::Confirmed),
            decide(&v[0], &v[3], Verdict::Unsure),
        ])
        .expect("replay");
        assert!(d.settled(&v[0], &v[1]));
        assert!(
            d.settled(&v[0], &v[2]),
            "A is not B and B is C, so A is not C"
        );
        assert!(d.settled(&v[1], &v[2]));
        assert!(!d.settled(&v[0], &v[3]), "unsure comes back");
        assert!(!d.settled(&v[2], &v[3]));
    }

    #[test]
    fn a_rejection_inside_a_cluster_is_reported_as_a_conflict() {
        let v = ids(3);
        let d = Decisions::replay([
            decide(&v[0], &v[1], Verdict::Confirmed),
            decide(&v[1], &v[2], Verdict::Confirmed),
            decide(&v[0], &v[2], Verdict::Rejected),
        ])
        .expect("replay");
        assert_eq!(d.clusters().conflicts(), [(v[0].clone(), v[2].clone())]);
    }

    #[test]
    fn a_record_cannot_be_matched_with_itself() {
        let v = ids(1);
        let err = Decisions::replay([decide(&v[0], &v[0], Verdict::Confirmed)]).expect_err("self");
        assert!(
            err.to_string().contains("cannot be matched with itself"),
            "{err}"
        );
    }
}
