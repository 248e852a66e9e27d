use chrono::NaiveDate;

use super::*;
use crate::tracker::model::{CaseFacts, Link, Person};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// Two cases, one per LA: a referred person, a perpetrator with an alias, a place.
fn held() -> (Index, Person, Person, Place) {
    let mut index = Index::new();
    let mut child = Person::new("Tamsin Jo Orrel");
    child.date_of_birth = Some(day(2009, 3, 27));
    let mut perp = Person::new("Kade Vantor");
    perp.aliases.push("Bigz".into());
    perp.postcode_district = Some("AB6".into());
    let mut shop = Place::new("Greggs, High St");
    shop.postcode_district = Some("AB6 1XY".into());
    for (case, reference, la) in [("k1", "REF-0001", "East"), ("k2", "REF-0002", "West")] {
        index.put_case(CaseFacts {
            key: case.into(),
            reference: reference.into(),
            las: vec![la.into()],
            date: day(2025, 1, 1),
        });
    }
    let link = |case: &str, subject: Subject, role: &str| Link {
        case: case.into(),
        subject,
        role: role.into(),
    };
    index.put_link(link("k1", Subject::Person(child.id.clone()), "referred"));
    index.put_link(link("k1", Subject::Person(perp.id.clone()), "perpetrator"));
    index.put_link(link("k2", Subject::Person(perp.id.clone()), "perpetrator"));
    index.put_link(link(
        "k2",
        Subject::Place(shop.id.clone()),
        "place-of-concern",
    ));
    index.put_person(child.clone());
    index.put_person(perp.clone());
    index.put_place(shop.clone());
    (index, child, perp, shop)
}

fn all(_: &str) -> bool {
    true
}

#[test]
fn names_are_found_through_slips_likeness_order_and_aliases() {
    let (index, child, perp, _) = held();
    let first = |q: &str| {
        index
            .search(&Query::Name(q.into()), all, 10)
            .into_iter()
            .next()
    };
    let hit = first("tamsyn orrel").expect("a slip");
    assert_eq!((hit.subject.id(), hit.level), (&child.id, Level::Close));
    assert_eq!(first("Orrel, Tamsin").map(|h| h.level), Some(Level::Exact));
    assert_eq!(
        first("ORREL").map(|h| h.label),
        Some("Tamsin Jo Orrel".to_owned())
    );
    let alias = first("bigz").expect("an alias");
    assert_eq!(
        (alias.subject.id(), alias.found_by),
        (&perp.id, FoundBy::Alias)
    );
    assert_eq!(alias.cases, ["k1", "k2"]);
    assert!(first("Jory Pellam").is_none());
}

#[test]
fn dates_references_places_and_districts_are_searchable() {
    let (index, child, perp, shop) = held();
    let ids = |q: Query| -> Vec<Id> {
        index
            .search(&q, all, 10)
            .into_iter()
            .map(|h| h.subject.id().clone())
            .collect()
    };
    assert_eq!(
        ids(Query::DateOfBirth(day(2009, 3, 27))),
        std::slice::from_ref(&child.id)
    );
    assert!(ids(Query::DateOfBirth(day(2009, 3, 28))).is_empty());
    let mut in_k2 = ids(Query::Reference(" ref-0002 ".into()));
    in_k2.sort();
    let mut want = vec![perp.id.clone(), shop.id.clone()];
    want.sort();
    assert_eq!(in_k2, want);
    assert_eq!(
        ids(Query::Place("greggs".into())),
        std::slice::from_ref(&shop.id)
    );
    let mut district = ids(Query::District("ab6".into()));
    district.sort();
    assert_eq!(district, want, "people and places in the district");
}

#[test]
fn hidden_cases_are_left_out_and_a_record_seen_only_in_them_is_not_returned() {
    let (index, _, perp, _) = held();
    let only_k2 = |case: &str| case == "k2";
    let hits = index.search(&Query::Name("Kade Vantor".into()), only_k2, 10);
    assert_eq!(hits.len(), 1);
    assert_eq!(
        (hits[0].subject.id(), hits[0].cases.as_slice()),
        (&perp.id, &["k2".to_owned()][..])
    );
    let hidden = index.search(&Query::Name("Tamsin Orrel".into()), only_k2, 10);
    assert!(hidden.is_empty(), "the child is only in k1");
}

#[test]
fn one_search_box_guesses_what_was_typed() {
    assert_eq!(
        Query::guess("27/3/2009"),
        [Query::DateOfBirth(day(2009, 3, 27))]
    );
    assert_eq!(
        Query::guess("2009-03-27"),
        [Query::DateOfBirth(day(2009, 3, 27))]
    );
    assert_eq!(Query::guess(" AB6 "), [Query::District("AB6".into())]);
    assert_eq!(Query::guess("kade").len(), 3);
    assert!(Query::guess("  ").is_empty());
    let (index, child, _, shop) = held();
    let by_ref: Vec<Id> = index
        .search_text("REF-0001", all, 10)
        .into_iter()
        .map(|h| h.subject.id().clone())
        .collect();
    assert!(by_ref.contains(&child.id));
    let place = index.search_text("Greggs", all, 10);
    assert_eq!(place.first().map(|h| h.subject.id()), Some(&shop.id));
    assert_eq!(
        index.search_text("orrel", all, 1).len(),
        1,
        "the limit holds"
    );
}
