use chrono::{DateTime, NaiveDate, Utc};

use super::*;
use crate::tracker::decide::{Decisions, MatchDecision, Verdict};
use crate::tracker::model::{CaseFacts, Link, Person, Place};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn roles() -> Roles {
    Roles {
        referred: vec!["referred".into()],
        perpetrator: vec!["perpetrator".into()],
    }
}

fn confirm(a: &Id, b: &Id) -> MatchDecision {
    MatchDecision {
        a: a.clone(),
        b: b.clone(),
        verdict: Verdict::Confirmed,
        by: "reviewer".into(),
        at: DateTime::<Utc>::from_timestamp(1_700_000_000, 0).expect("time"),
        reason: "synthetic".into(),
    }
}

struct World {
    index: Index,
    victim: (Id, Id),
    perp: (Id, Id),
    hotspot: Id,
}

/// Four cases: k1 East 2023, k2 West 2024, k3 and k4 East 2025. A victim in k1 and again
/// (another record) in k3; a second victim in k2; a perpetrator in k1 and (another record) in
/// k2; a second perpetrator in k3 and k4 with one victim; a place in k1 and k2, another in k3.
fn world() -> World {
    let mut index = Index::new();
    for (key, la, date) in [
        ("k1", "East", day(2023, 5, 1)),
        ("k2", "West", day(2024, 5, 1)),
        ("k3", "East", day(2025, 5, 1)),
        ("k4", "East", day(2025, 6, 1)),
    ] {
        index.put_case(CaseFacts {
            key: key.into(),
            reference: format!("REF-{key}"),
            las: vec![la.into()],
            date,
        });
    }
    let mut person = |name: &str, links: &[(&str, &str)]| {
        let p = Person::new(name);
        for (case, role) in links {
            index.put_link(Link {
                case: (*case).into(),
                subject: Subject::Person(p.id.clone()),
                role: (*role).into(),
            });
        }
        index.put_person(p.clone());
        p.id
    };
    let v1 = person("Tamsin Orrel", &[("k1", "referred")]);
    let v1b = person("Tamsyn Orrel", &[("k3", "referred")]);
    person("Jory Pellam", &[("k2", "referred")]);
    let p1 = person("=Kade, Vantor", &[("k1", "perpetrator")]);
    let p1b = person("Kade Ventor", &[("k2", "perpetrator")]);
    person("Zumi Bax", &[("k3", "perpetrator"), ("k4", "perpetrator")]);
    let mut place = |name: &str, cases: &[&str]| {
        let p = Place::new(name);
        for case in cases {
            index.put_link(Link {
                case: (*case).into(),
                subject: Subject::Place(p.id.clone()),
                role: "place-of-concern".into(),
            });
        }
        index.put_place(p.clone());
        p.id
    };
    let hotspot = place("Greggs", &["k1", "k2"]);
    place("Leazes Park", &["k3"]);
    World {
        index,
        victim: (v1, v1b),
        perp: (p1, p1b),
        hotspot,
    }
}

fn confirmed(w: &World) -> Decisions {
    Decisions::replay([
        confirm(&w.victim.0, &w.victim.1),
        confirm(&w.perp.0, &w.perp.1),
    ])
    .expect("replay")
}

#[test]
fn repeats_rest_on_confirmed_matches_only() {
    let w = world();
    let none = Decisions::default();
    let all = Filter::default();
    assert!(Lists::build(&w.index, none.clusters(), &roles())
        .repeat_victims(&all, Page::ALL)
        .rows
        .is_empty());
    assert!(Lists::build(&w.index, none.clusters(), &roles())
        .repeat_perpetrators(&all, Page::ALL)
        .rows
        .is_empty());
    let d = confirmed(&w);
    let victims = Lists::build(&w.index, d.clusters(), &roles())
        .repeat_victims(&all, Page::ALL)
        .rows;
    assert_eq!(victims.len(), 1);
    assert_eq!(victims[0].cases, ["k1", "k3"]);
    assert_eq!(victims[0].records.len(), 2);
    assert_eq!(victims[0].by_la, BTreeMap::from([("East".to_owned(), 2)]));
    assert_eq!(victims[0].by_year, BTreeMap::from([(2023, 1), (2025, 1)]));
}

#[test]
fn a_perpetrator_repeats_across_victims_or_las_but_not_twice_with_one_victim_in_one_la() {
    let w = world();
    let d = confirmed(&w);
    let perps = Lists::build(&w.index, d.clusters(), &roles())
        .repeat_perpetrators(&Filter::default(), Page::ALL)
        .rows;
    assert_eq!(perps.len(), 1, "{perps:#?}");
    let p = &perps[0];
    assert_eq!(p.subject.id(), d.clusters().of(&w.perp.0));
    assert_eq!((p.victims, p.by_la.len()), (2, 2));
    assert_eq!(p.cases, ["k1", "k2"]);
}

#[test]
fn a_place_in_two_cases_is_a_hotspot_and_filters_narrow_every_list() {
    let w = world();
    let d = confirmed(&w);
    let spots = Lists::build(&w.index, d.clusters(), &roles())
        .hotspots(&Filter::default(), Page::ALL)
        .rows;
    assert_eq!(spots.len(), 1);
    assert_eq!(
        (spots[0].subject.id(), spots[0].label.as_str()),
        (&w.hotspot, "Greggs")
    );
    let west = Filter {
        la: Some("West".into()),
        ..Filter::default()
    };
    assert!(
        Lists::build(&w.index, d.clusters(), &roles())
            .hotspots(&west, Page::ALL)
            .rows
            .is_empty(),
        "only k2 is West"
    );
    let recent = Filter {
        from: Some(day(2024, 1, 1)),
        to: Some(day(2025, 12, 31)),
        ..Filter::default()
    };
    assert!(Lists::build(&w.index, d.clusters(), &roles())
        .repeat_victims(&recent, Page::ALL)
        .rows
        .is_empty());
    let until_2024 = Filter {
        to: Some(day(2024, 5, 1)),
        ..Filter::default()
    };
    assert_eq!(
        Lists::build(&w.index, d.clusters(), &roles())
            .hotspots(&until_2024, Page::ALL)
            .rows
            .len(),
        1,
        "the end day counts"
    );
}

#[test]
fn a_row_is_labelled_by_the_name_its_records_use_most() {
    assert_eq!(
        label_of(vec![
            "Kade Ventor".into(),
            "Kade Vantor".into(),
            "Kade Vantor".into()
        ]),
        "Kade Vantor"
    );
    assert_eq!(
        label_of(vec!["K Vantor".into(), "Kade Vantor".into()]),
        "Kade Vantor"
    );
    assert_eq!(
        label_of(vec!["Kade Ventor".into(), "Kade Vantor".into()]),
        "Kade Vantor"
    );
    assert_eq!(label_of(Vec::new()), "");
}

#[test]
fn an_la_no_case_has_lists_nothing_and_rows_carry_their_references() {
    let w = world();
    let d = confirmed(&w);
    let lists = Lists::build(&w.index, d.clusters(), &roles());
    let nowhere = Filter {
        la: Some("North".into()),
        ..Filter::default()
    };
    assert!(lists.hotspots(&nowhere, Page::ALL).rows.is_empty());
    assert_eq!(
        lists.hotspots(&Filter::default(), Page::ALL).rows[0].references,
        ["REF-k1", "REF-k2"]
    );
}

#[test]
fn csv_rows_are_quoted_and_guarded_against_formulas() {
    let w = world();
    let d = confirmed(&w);
    let perps = Lists::build(&w.index, d.clusters(), &roles())
        .repeat_perpetrators(&Filter::default(), Page::ALL)
        .rows;
    let text = csv(&perps);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("name,records,cases,victims,by local authority,by year,references")
    );
    assert_eq!(
        lines.next(),
        Some("\"'=Kade, Vantor\",2,2,2,East: 1; West: 1,2023: 1; 2024: 1,REF-k1; REF-k2")
    );
    assert_eq!(cell("-1+1"), "'-1+1");
    assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
    assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(cell("plain"), "plain");
}
