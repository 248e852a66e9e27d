//! The lists the partnership exists to keep: repeat victims (a person referred in two or more
//! cases), repeat perpetrators (linked to two or more victims, or named in two or more LAs) and
//! hotspots (a place in two or more cases), each counted by LA and by year. They are built from
//! confirmed clusters only, so a list never rests on a match nobody has checked.
//!
//! Which link roles mean "the person referred" and "a perpetrator" is configuration, passed in
//! as [`Roles`]; the case facts (LAs, date) come from the workspace through the index.
//!
//! Reading every link of ten years of cases takes a few hundred milliseconds, too long for each
//! view of a list page, so [`Lists::build`] reads them once into a compact form (cases and
//! LAs numbered, only the clusters that could ever qualify kept: a filter only takes cases
//! away) and each list is then a quick pass over that. The workspace builds it again when
//! links, cases or decisions change.

mod csv;

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::decide::Clusters;
use super::index::Index;
use super::model::{Id, Subject};

pub use csv::{cell, csv};

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

/// One line of a list: a real-world person or place (a cluster) and the cases behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The cluster, named by its smallest record id.
    pub subject: Subject,
    pub label: String,
    pub records: Vec<Id>,
    /// Case keys, in order, and their references (in the same order).
    pub cases: Vec<String>,
    pub references: Vec<String>,
    /// Distinct victims (clusters referred in the same cases); perpetrators only.
    pub victims: usize,
    pub by_la: BTreeMap<String, usize>,
    pub by_year: BTreeMap<i32, usize>,
}

/// Which rows of a list to make: `Page::ALL` for an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub offset: usize,
    pub limit: usize,
}

impl Page {
    pub const ALL: Page = Page {
        offset: 0,
        limit: usize::MAX,
    };
}

/// One page of a list and how many rows the whole list has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Listing {
    pub total: usize,
    pub rows: Vec<Row>,
}

struct Case {
    key: String,
    reference: String,
    las: Vec<u16>,
    date: NaiveDate,
}

/// A cluster that could appear in a list, with the cases (positions, ascending) linking it.
struct Group {
    subject: Subject,
    label: String,
    records: Vec<Id>,
    cases: Vec<u32>,
}

/// The three lists, read once from the index and the clusters.
pub struct Lists {
    cases: Vec<Case>,
    las: Vec<String>,
    /// Per case, the numbers of the victim clusters referred in it.
    victims_in: Vec<Vec<u32>>,
    victims: Vec<Group>,
    perpetrators: Vec<Group>,
    hotspots: Vec<Group>,
}

impl Lists {
    pub fn build(index: &Index, clusters: &Clusters, roles: &Roles) -> Lists {
        let mut facts: Vec<_> = index.cases.values().collect();
        facts.sort_by(|a, b| a.key.cmp(&b.key));
        let mut las: Vec<String> = Vec::new();
        let mut la_no: HashMap<&str, u16> = HashMap::new();
        let mut victim_no: HashMap<&Id, u32> = HashMap::new();
        let mut victims_in = vec![Vec::new(); facts.len()];
        let mut groups: [HashMap<&Id, Vec<u32>>; 3] = Default::default();
        let mut cases = Vec::with_capacity(facts.len());
        for (at, f) in facts.iter().enumerate() {
            let at_no = u32::try_from(at).unwrap_or(u32::MAX);
            let case_las = f.las.iter().map(|la| {
                *la_no.entry(la.as_str()).or_insert_with(|| {
                    las.push(la.clone());
                    u16::try_from(las.len() - 1).unwrap_or(u16::MAX)
                })
            });
            cases.push(Case {
                key: f.key.clone(),
                reference: f.reference.clone(),
                las: case_las.collect(),
                date: f.date,
            });
            for link in index.links_in(&f.key) {
                let cluster = clusters.of(link.subject.id());
                let person = matches!(link.subject, Subject::Person(_));
                let list = if !person {
                    2
                } else if roles.referred.contains(&link.role) {
                    let next = u32::try_from(victim_no.len()).unwrap_or(u32::MAX);
                    victims_in[at].push(*victim_no.entry(cluster).or_insert(next));
                    0
                } else if roles.perpetrator.contains(&link.role) {
                    1
                } else {
                    continue;
                };
                let at_list = groups[list].entry(cluster).or_default();
                if at_list.last() != Some(&at_no) {
                    at_list.push(at_no);
                }
            }
        }
        let mut lists = Lists {
            cases,
            las,
            victims_in,
            victims: Vec::new(),
            perpetrators: Vec::new(),
            hotspots: Vec::new(),
        };
        let [victims, perpetrators, places] = groups;
        let make = |cluster: &Id, cases: Vec<u32>, place: bool| {
            group(index, clusters, cluster, cases, place)
        };
        lists.victims = victims
            .into_iter()
            .filter(|(_, at)| at.len() >= 2)
            .map(|(c, at)| make(c, at, false))
            .collect();
        lists.hotspots = places
            .into_iter()
            .filter(|(_, at)| at.len() >= 2)
            .map(|(c, at)| make(c, at, true))
            .collect();
        let perpetrators: Vec<Group> = perpetrators
            .into_iter()
            .filter(|(_, at)| lists.qualifies(at))
            .map(|(c, at)| make(c, at, false))
            .collect();
        lists.perpetrators = perpetrators;
        lists
    }

    /// People referred in two or more of the cases the filter admits.
    pub fn repeat_victims(&self, filter: &Filter, page: Page) -> Listing {
        self.rows(&self.victims, filter, page, |at| at.len() >= 2, |_| 0)
    }

    /// Perpetrators linked to two or more victims, or to cases in two or more LAs, among the
    /// cases the filter admits.
    pub fn repeat_perpetrators(&self, filter: &Filter, page: Page) -> Listing {
        let keep = |at: &[u32]| self.qualifies(at);
        self.rows(&self.perpetrators, filter, page, keep, |at| {
            self.victims(at)
        })
    }

    /// Places linked to two or more of the cases the filter admits, in any role.
    pub fn hotspots(&self, filter: &Filter, page: Page) -> Listing {
        self.rows(&self.hotspots, filter, page, |at| at.len() >= 2, |_| 0)
    }

    /// Whether a perpetrator's cases name two victims, or are two or more cases in two or more
    /// LAs (one case naming a presenting and an owning LA is not a repeat); stops at the second
    /// of either, since a whole list asks this of every perpetrator.
    fn qualifies(&self, at: &[u32]) -> bool {
        if at.len() >= 2 {
            let mut las = at.iter().flat_map(|c| &self.cases[*c as usize].las);
            let first_la = las.next();
            if las.any(|la| Some(la) != first_la) {
                return true;
            }
        }
        let mut victims = at.iter().flat_map(|c| &self.victims_in[*c as usize]);
        let first = victims.next();
        victims.any(|v| Some(v) != first)
    }

    /// How many different victims a perpetrator's cases name.
    fn victims(&self, at: &[u32]) -> usize {
        let mut victims: Vec<u32> = at
            .iter()
            .flat_map(|c| &self.victims_in[*c as usize])
            .copied()
            .collect();
        victims.sort_unstable();
        victims.dedup();
        victims.len()
    }

    /// Which cases the filter admits, or `None` when it names an LA no case has.
    fn admits(&self, filter: &Filter) -> Option<Vec<bool>> {
        let la = match &filter.la {
            Some(name) => Some(self.las.iter().position(|l| l == name)?),
            None => None,
        };
        let la = la.map(|n| u16::try_from(n).unwrap_or(u16::MAX));
        Some(
            self.cases
                .iter()
                .map(|c| {
                    la.is_none_or(|n| c.las.contains(&n))
                        && filter.from.is_none_or(|from| c.date >= from)
                        && filter.to.is_none_or(|to| c.date <= to)
                })
                .collect(),
        )
    }

    fn admitted(&self, g: &Group, admits: &[bool]) -> Vec<u32> {
        g.cases
            .iter()
            .copied()
            .filter(|c| admits[*c as usize])
            .collect()
    }

    /// Every qualifying cluster is counted and ordered (most cases first, then by name), but
    /// rows are only made for the page asked for: ten years of one list is thousands of rows,
    /// and a page shows a few dozen.
    fn rows(
        &self,
        groups: &[Group],
        filter: &Filter,
        page: Page,
        keep: impl Fn(&[u32]) -> bool,
        victims: impl Fn(&[u32]) -> usize,
    ) -> Listing {
        let Some(admits) = self.admits(filter) else {
            return Listing::default();
        };
        let mut found: Vec<(&Group, Vec<u32>)> = groups
            .iter()
            .map(|g| (g, self.admitted(g, &admits)))
            .filter(|(_, at)| keep(at))
            .collect();
        found.sort_by(|(a, x), (b, y)| {
            y.len()
                .cmp(&x.len())
                .then_with(|| a.label.cmp(&b.label))
                .then_with(|| a.subject.cmp(&b.subject))
        });
        Listing {
            total: found.len(),
            rows: found
                .iter()
                .skip(page.offset)
                .take(page.limit)
                .map(|(g, at)| Row {
                    victims: victims(at),
                    ..self.row(g, at)
                })
                .collect(),
        }
    }

    fn row(&self, g: &Group, at: &[u32]) -> Row {
        let mut by_la = BTreeMap::new();
        let mut by_year = BTreeMap::new();
        for case in at.iter().map(|c| &self.cases[*c as usize]) {
            for la in &case.las {
                *by_la.entry(self.las[*la as usize].clone()).or_insert(0) += 1;
            }
            *by_year.entry(case.date.year()).or_insert(0) += 1;
        }
        let cases = at.iter().map(|c| &self.cases[*c as usize]);
        Row {
            subject: g.subject.clone(),
            label: g.label.clone(),
            records: g.records.clone(),
            cases: cases.clone().map(|c| c.key.clone()).collect(),
            references: cases.map(|c| c.reference.clone()).collect(),
            victims: 0,
            by_la,
            by_year,
        }
    }
}

fn group(index: &Index, clusters: &Clusters, cluster: &Id, cases: Vec<u32>, place: bool) -> Group {
    let records = clusters.members(cluster);
    let names = records
        .iter()
        .filter_map(|id| match place {
            true => index.place(id).map(|p| p.name.clone()),
            false => index.person(id).map(|p| p.name.clone()),
        })
        .filter(|n| !n.trim().is_empty())
        .collect();
    Group {
        subject: if place {
            Subject::Place(cluster.clone())
        } else {
            Subject::Person(cluster.clone())
        },
        label: label_of(names),
        records,
        cases,
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

#[cfg(test)]
mod tests;
