//! The lists the partnership exists to keep: repeat victims (a person referred in two or more
//! cases), repeat perpetrators (linked to two or more victims, or named in two or more LAs) and
//! hotspots (a place in two or more cases), each counted by LA and by year. They are built from
//! confirmed clusters only, so a list never rests on a match nobody has checked.
//!
//! Which link roles mean "the person referred" and "a perpetrator" is configuration, passed in
//! as [`Roles`]; the case facts (LAs, date) come from the workspace through the index.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::decide::Clusters;
use super::index::Index;
use super::model::{CaseFacts, Id, Subject};

/// The link roles each list counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roles {
    pub referred: Vec<String>,
    pub perpetrator: Vec<String>,
}

/// Which cases count: one LA's (a case counts for each of its LAs) and a date range, both ends
/// included.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub la: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl Filter {
    fn admits(&self, case: &CaseFacts) -> bool {
        self.la.as_ref().is_none_or(|la| case.las.contains(la))
            && self.from.is_none_or(|from| case.date >= from)
            && self.to.is_none_or(|to| case.date <= to)
    }
}

/// One line of a list: a real-world person or place (a cluster) and the cases behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The cluster, named by its smallest record id.
    pub subject: Subject,
    pub label: String,
    pub records: Vec<Id>,
    /// Case keys, in order.
    pub cases: Vec<String>,
    /// Distinct victims (clusters referred in the same cases); perpetrators only.
    pub victims: usize,
    pub by_la: BTreeMap<String, usize>,
    pub by_year: BTreeMap<i32, usize>,
}

/// Cluster → the cases it is linked to in one of `roles` (any role when `None`), for people or
/// for places.
fn cases_by_cluster<'a>(
    index: &'a Index,
    clusters: &Clusters,
    filter: &Filter,
    roles: Option<&[String]>,
    places: bool,
) -> HashMap<Id, BTreeSet<&'a str>> {
    let mut out: HashMap<Id, BTreeSet<&str>> = HashMap::new();
    for case in index.cases.values().filter(|c| filter.admits(c)) {
        for link in index.links_in(&case.key) {
            let wanted = matches!(link.subject, Subject::Place(_)) == places
                && roles.is_none_or(|r| r.contains(&link.role));
            if wanted {
                let cluster = clusters.of(link.subject.id()).clone();
                out.entry(cluster).or_default().insert(case.key.as_str());
            }
        }
    }
    out
}

fn row(
    index: &Index,
    clusters: &Clusters,
    cluster: Id,
    cases: &BTreeSet<&str>,
    place: bool,
) -> Row {
    let records = clusters.members(&cluster);
    let names: Vec<String> = records
        .iter()
        .filter_map(|id| match place {
            true => index.place(id).map(|p| p.name.clone()),
            false => index.person(id).map(|p| p.name.clone()),
        })
        .filter(|n| !n.trim().is_empty())
        .collect();
    let label = label_of(names);
    let mut by_la = BTreeMap::new();
    let mut by_year = BTreeMap::new();
    for facts in cases.iter().filter_map(|c| index.case(c)) {
        for la in &facts.las {
            *by_la.entry(la.clone()).or_insert(0) += 1;
        }
        *by_year.entry(facts.date.year()).or_insert(0) += 1;
    }
    Row {
        subject: if place {
            Subject::Place(cluster)
        } else {
            Subject::Person(cluster)
        },
        label,
        records,
        cases: cases.iter().map(|c| (*c).to_owned()).collect(),
        victims: 0,
        by_la,
        by_year,
    }
}

/// The name the records use most often; on a tie the fullest, then the first alphabetically, so
/// the label does not depend on which record happens to have the smallest id.
fn label_of(names: Vec<String>) -> String {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for n in names {
        *counts.entry(n).or_insert(0) += 1;
    }
    counts
        .into_iter()
        .max_by(|(a, x), (b, y)| x.cmp(y).then(a.len().cmp(&b.len())).then(b.cmp(a)))
        .map(|(name, _)| name)
        .unwrap_or_default()
}

/// Most cases first, then by name, so the list reads the same every time.
fn sorted(mut rows: Vec<Row>) -> Vec<Row> {
    rows.sort_by(|a, b| {
        b.cases
            .len()
            .cmp(&a.cases.len())
            .then_with(|| a.label.cmp(&b.label))
            .then_with(|| a.subject.cmp(&b.subject))
    });
    rows
}

/// People referred in two or more of the cases the filter admits.
pub fn repeat_victims(
    index: &Index,
    clusters: &Clusters,
    roles: &Roles,
    filter: &Filter,
) -> Vec<Row> {
    let found = cases_by_cluster(index, clusters, filter, Some(&roles.referred), false);
    sorted(
        found
            .into_iter()
            .filter(|(_, cases)| cases.len() >= 2)
            .map(|(cluster, cases)| row(index, clusters, cluster, &cases, false))
            .collect(),
    )
}

/// Perpetrators linked to two or more victims, or to two or more cases in two or more LAs (one
/// case naming a presenting and an owning LA is not a repeat).
pub fn repeat_perpetrators(
    index: &Index,
    clusters: &Clusters,
    roles: &Roles,
    filter: &Filter,
) -> Vec<Row> {
    let found = cases_by_cluster(index, clusters, filter, Some(&roles.perpetrator), false);
    let mut rows = Vec::new();
    for (cluster, cases) in found {
        let victims: BTreeSet<&Id> = cases
            .iter()
            .flat_map(|c| index.links_in(c))
            .filter(|l| matches!(l.subject, Subject::Person(_)) && roles.referred.contains(&l.role))
            .map(|l| clusters.of(l.subject.id()))
            .collect();
        let victims = victims.len();
        let mut r = row(index, clusters, cluster, &cases, false);
        if victims >= 2 || (cases.len() >= 2 && r.by_la.len() >= 2) {
            r.victims = victims;
            rows.push(r);
        }
    }
    sorted(rows)
}

/// Places linked to two or more cases, in any role.
pub fn hotspots(index: &Index, clusters: &Clusters, filter: &Filter) -> Vec<Row> {
    let found = cases_by_cluster(index, clusters, filter, None, true);
    sorted(
        found
            .into_iter()
            .filter(|(_, cases)| cases.len() >= 2)
            .map(|(cluster, cases)| row(index, clusters, cluster, &cases, true))
            .collect(),
    )
}

/// A list as CSV for a spreadsheet, one row per line, with the case references so each line
/// can be followed up. Every cell is guarded against formula injection.
pub fn csv(index: &Index, rows: &[Row]) -> String {
    let mut out =
        String::from("name,records,cases,victims,by local authority,by year,references\n");
    for r in rows {
        let counts = |m: Vec<(String, usize)>| {
            m.into_iter()
                .map(|(k, n)| format!("{k}: {n}"))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let references: Vec<&str> = r
            .cases
            .iter()
            .filter_map(|c| index.case(c).map(|f| f.reference.as_str()))
            .collect();
        let cells = [
            r.label.clone(),
            r.records.len().to_string(),
            r.cases.len().to_string(),
            r.victims.to_string(),
            counts(r.by_la.iter().map(|(k, n)| (k.clone(), *n)).collect()),
            counts(r.by_year.iter().map(|(k, n)| (k.to_string(), *n)).collect()),
            references.join("; "),
        ];
        let line: Vec<String> = cells.iter().map(|c| cell(c)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// One CSV cell: a text starting with `= + - @` (or a tab or carriage return) would run as a
/// formula when the file is opened, so it gets a leading `'`; then quoted if it needs it.
pub fn cell(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) || guarded.trim() != guarded {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests;
