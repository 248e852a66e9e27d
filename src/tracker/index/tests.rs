use chrono::{DateTime, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::*;
use crate::tracker::decide::MatchDecision;
use crate::tracker::model::Subject;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn person(name: &str, dob: Option<NaiveDate>) -> Person {
    let mut p = Person::new(name);
    p.date_of_birth = dob;
    p
}

fn decision(a: &Id, b: &Id, verdict: Verdict) -> MatchDecision {
    MatchDecision {
        a: a.clone(),
        b: b.clone(),
        verdict,
        by: "reviewer".into(),
        at: DateTime::<Utc>::from_timestamp(1_700_000_000, 0).expect("time"),
        reason: "synthetic".into(),
    }
}

#[test]
fn a_new_referral_finds_the_same_person_spelt_differently_best_first() {
    let mut index = Index::new();
    let held = person("Tamsin Orrel", Some(day(2008, 3, 4)));
    let mut weaker = person("Tamsin Orrel", None);
    weaker.postcode_district = Some("AB6".into());
    let other = person("Kade Vantor", Some(day(2008, 3, 4)));
    for p in [&held, &weaker, &other] {
        index.put_person(p.clone());
    }
    index.put_link(Link {
        case: "case-1".into(),
        subject: Subject::Person(held.id.clone()),
        role: "referred".into(),
    });
    let mut probe = person("Orrel, Tamsyn", Some(day(2008, 4, 3)));
    probe.postcode_district = Some("AB6".into());
    let found = index.candidates(&probe, &Decisions::default());
    let ids: Vec<&Id> = found.iter().map(|s| &s.id).collect();
    assert_eq!(ids, [&held.id, &weaker.id], "{found:#?}");
    assert_eq!(found[0].cases, ["case-1"]);
    assert!(found[0].explanation.total > found[1].explanation.total);
}

#[test]
fn a_record_is_not_its_own_candidate_and_settled_pairs_are_left_out() {
    let mut index = Index::new();
    let a = person("Kade Vantor", Some(day(2001, 1, 2)));
    let b = person("Kade Vantor", Some(day(2001, 1, 2)));
    let c = person("Kade Ventor", Some(day(2001, 1, 2)));
    for p in [&a, &b, &c] {
        index.put_person(p.clone());
    }
    let mut decisions = Decisions::default();
    assert_eq!(index.candidates(&a, &decisions).len(), 2);
    decisions
        .record(decision(&a.id, &b.id, Verdict::Rejected))
        .expect("record");
    decisions
        .record(decision(&c.id, &a.id, Verdict::Unsure))
        .expect("record");
    let found = index.candidates(&a, &decisions);
    assert_eq!(found.len(), 1, "the rejected pair is never suggested again");
    assert_eq!(found[0].id, c.id);
    assert_eq!(found[0].previous, Some(Verdict::Unsure));
}

#[test]
fn a_confirmed_cluster_is_one_suggestion_with_every_records_cases() {
    let mut index = Index::new();
    let a = person("Kade Vantor", Some(day(2001, 1, 2)));
    let b = person("Kade Ventor", Some(day(2001, 1, 2)));
    for (p, case) in [(&a, "case-1"), (&b, "case-2")] {
        index.put_person(p.clone());
        index.put_link(Link {
            case: case.into(),
            subject: Subject::Person(p.id.clone()),
            role: "perpetrator".into(),
        });
    }
    let decisions =
        Decisions::replay([decision(&a.id, &b.id, Verdict::Confirmed)]).expect("replay");
    let found = index.candidates(&person("Kade Vantor", Some(day(2001, 1, 2))), &decisions);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].id, a.id, "through its best-scoring record");
    assert_eq!(found[0].cluster, *decisions.clusters().of(&a.id));
    assert_eq!(
        (found[0].records, found[0].cases.as_slice()),
        (2, &["case-1".to_owned(), "case-2".to_owned()][..])
    );
}

#[test]
fn an_edit_moves_a_person_to_their_new_keys_and_removal_forgets_them() {
    let mut index = Index::new();
    let mut p = person("Jory Pellam", None);
    index.put_person(p.clone());
    p.name = "Kade Vantor".into();
    index.put_person(p.clone());
    assert_eq!(index.people().count(), 1);
    let probe = |name: &str| {
        index
            .candidates(&person(name, None), &Decisions::default())
            .len()
    };
    assert_eq!(probe("Jory Pellam"), 0);
    assert_eq!(probe("Kade Vantor"), 1);
    index.put_link(Link {
        case: "case-9".into(),
        subject: Subject::Person(p.id.clone()),
        role: "perpetrator".into(),
    });
    index.remove(&p.id);
    assert_eq!(
        index
            .candidates(&person("Kade Vantor", None), &Decisions::default())
            .len(),
        0
    );
    assert!(index.person(&p.id).is_none());
    assert!(index.links_in("case-9").is_empty());
}

#[test]
fn places_are_found_by_name_and_district() {
    let mut index = Index::new();
    let mut shop = Place::new("Greggs, High St");
    shop.postcode_district = Some("AB6".into());
    let mut elsewhere = Place::new("Greggs");
    elsewhere.postcode_district = Some("CD1".into());
    index.put_place(shop.clone());
    index.put_place(elsewhere);
    let mut probe = Place::new("greggs high street");
    probe.postcode_district = Some("AB6 1XY".into());
    let found = index.place_candidates(&probe, &Decisions::default());
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].id, shop.id);
    assert_eq!(found[0].explanation.band, Band::Likely);
    assert!(index.person(&shop.id).is_none(), "a place is not a person");
}

const SYLLABLES: [&str; 16] = [
    "ka", "de", "vor", "tam", "sin", "or", "rel", "jo", "ry", "pel", "lam", "zu", "mi", "ne",
    "bax", "tor",
];

fn made_up(rng: &mut StdRng) -> String {
    let n = rng.random_range(2..=3);
    (0..n)
        .map(|_| SYLLABLES[rng.random_range(0..SYLLABLES.len())])
        .collect()
}

/// One slip: a letter deleted, doubled, changed, or two swapped.
fn slip(word: &str, rng: &mut StdRng) -> String {
    let mut c: Vec<char> = word.chars().collect();
    let i = rng.random_range(0..c.len() - 1);
    match rng.random_range(0..4) {
        0 => {
            c.remove(i);
        }
        1 => c.insert(i, c[i]),
        2 => c[i] = 'x',
        _ => c.swap(i, i + 1),
    }
    c.into_iter().collect()
}

#[test]
fn the_index_finds_exactly_what_a_full_scan_would_suggest() {
    let mut rng = StdRng::seed_from_u64(7);
    let mut people = Vec::new();
    for _ in 0..150 {
        let mut p = person(
            &format!("{} {}", made_up(&mut rng), made_up(&mut rng)),
            None,
        );
        if rng.random_bool(0.5) {
            p.date_of_birth = Some(day(
                rng.random_range(2000..2010),
                rng.random_range(1..=12),
                rng.random_range(1..=12),
            ));
        }
        if rng.random_bool(0.2) {
            p.postcode_district = Some(format!("AB{}", rng.random_range(1..4)));
        }
        people.push(p);
    }
    for i in 0..150 {
        let original = people[i].clone();
        let mut v = person(&original.name, original.date_of_birth);
        let words: Vec<&str> = original.name.split(' ').collect();
        match rng.random_range(0..4) {
            0 => v.name = format!("{} {}", slip(words[0], &mut rng), words[1]),
            1 => v.name = format!("{}, {}", slip(words[1], &mut rng), words[0]),
            2 => {
                v.name = made_up(&mut rng);
                v.aliases.push(original.name.clone());
            }
            _ => v.postcode_district = original.postcode_district.clone(),
        }
        people.push(v);
    }
    let mut index = Index::new();
    for p in &people {
        index.put_person(p.clone());
    }
    let prepared: Vec<PreparedPerson> = people.iter().map(PreparedPerson::new).collect();
    let decisions = Decisions::default();
    let mut suggested = 0;
    for (i, p) in people.iter().enumerate() {
        let mut scan: Vec<&Id> = people
            .iter()
            .zip(&prepared)
            .filter(|(q, prep)| {
                q.id != p.id && score_people(&prepared[i], prep).band >= Band::Possible
            })
            .map(|(q, _)| &q.id)
            .collect();
        scan.sort();
        let found = index.candidates(p, &decisions);
        let mut ids: Vec<&Id> = found.iter().map(|s| &s.id).collect();
        ids.sort();
        let missed: Vec<String> = people
            .iter()
            .zip(&prepared)
            .filter(|(q, _)| scan.iter().any(|x| **x == q.id) && !ids.iter().any(|x| **x == q.id))
            .map(|(q, prep)| format!("{q:?} {:?}", score_people(&prepared[i], prep)))
            .collect();
        assert_eq!(ids, scan, "for {p:?}, missed {missed:#?}");
        suggested += ids.len();
    }
    assert!(suggested >= 150, "the variants were found: {suggested}");
}

/// The same pair through the index: the blocking keys must not lose what the score would show.
#[test]
fn two_slips_in_one_name_with_the_same_date_are_suggested_through_the_index() {
    let mut index = Index::new();
    let dob = Some(day(1994, 7, 21));
    let held = person("Darrik Vantablack", dob);
    index.put_person(held.clone());
    index.put_person(person("Darrik Vantablack", Some(day(1970, 1, 1))));
    let found = index.candidates(&person("Darick Vantablak", dob), &Decisions::default());
    let ids: Vec<&Id> = found.iter().map(|s| &s.id).collect();
    assert_eq!(ids, [&held.id], "{found:#?}");
    assert_eq!(found[0].explanation.band, Band::Possible);
}
