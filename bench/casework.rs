//! The tracker's benchmark (issue 10, "Speed and scale"), run by `bench/casework.sh`: a
//! synthetic ten-year, six-LA workspace — 50,000 referrals, 150,000 people, 60,000 places, with
//! names made of invented syllables and deliberate slips, aliases, swapped dates and repeats —
//! then timings of the possible-match lookup for a new referral, of search, and of the repeat and
//! hotspot lists; then the case list and a case page through the workspace's real router over a
//! real workspace of as many sealed referrals (`casework_pages.rs`). Prints a Markdown table;
//! progress goes to stderr.
//!
//!   casework [REFERRALS]      default 50000 (people and places scale with it)
//!
//! The workspace for the pages is made under `BENCH_DATA` (default: a temporary directory).

#[path = "casework_pages.rs"]
mod pages;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate, Utc};
use prem::tracker::decide::{Decisions, MatchDecision, Verdict};
use prem::tracker::index::Index;
use prem::tracker::model::{ApproxAge, CaseFacts, Id, Link, Person, Place, Subject};
use prem::tracker::repeats::{csv, Filter, Lists, Page, Roles};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Invented syllables: every name is obviously synthetic.
const SYLLABLES: [&str; 48] = [
    "ka", "zu", "mor", "tel", "vin", "dra", "lo", "quen", "sa", "bri", "tov", "ael", "ri", "nox",
    "pel", "yam", "jo", "ket", "vor", "lin", "dus", "fen", "gar", "hol", "isk", "jen", "kal",
    "mun", "nar", "ost", "pim", "rud", "sef", "tam", "ulv", "wes", "xan", "yor", "zel", "bax",
    "cor", "dim", "eth", "fos", "gil", "hap", "ith", "jud",
];
const GENERIC: [&str; 6] = ["Road", "Park", "Store", "Court", "Flats", "Lane"];
const KINDS: [&str; 5] = ["home", "school", "shop", "park", "cuckooed-address"];
const LAS: [&str; 6] = [
    "LA One", "LA Two", "LA Three", "LA Four", "LA Five", "LA Six",
];

/// A word of `n` syllables, the common syllables more often (names cluster, as real ones do).
fn word(rng: &mut StdRng, n: usize) -> String {
    let mut w: String = (0..n)
        .map(|_| SYLLABLES[(rng.random::<f64>().powf(1.3) * SYLLABLES.len() as f64) as usize])
        .collect();
    w[..1].make_ascii_uppercase();
    w
}

fn slip(w: &str, rng: &mut StdRng) -> String {
    let mut c: Vec<char> = w.chars().collect();
    let i = rng.random_range(1..c.len().max(2) - 1);
    match rng.random_range(0..3) {
        0 => {
            c.remove(i);
        }
        1 => c.swap(i, i + 1),
        _ => c[i] = 'y',
    }
    c.into_iter().collect()
}

/// One real-world person, of whom records are variants.
struct Truth {
    first: String,
    last: String,
    nickname: Option<String>,
    dob: NaiveDate,
    phone: Option<String>,
    district: String,
}

fn truth(rng: &mut StdRng, la: usize) -> Truth {
    let days = rng.random_range(0..(365 * 25));
    let syllables = rng.random_range(2..=3);
    Truth {
        first: word(rng, 2),
        last: word(rng, syllables),
        nickname: rng.random_bool(0.3).then(|| word(rng, 2) + "z"),
        dob: NaiveDate::from_ymd_opt(1988, 1, 1).expect("date") + chrono::Duration::days(days),
        phone: rng
            .random_bool(0.2)
            .then(|| format!("07700 9{:05}", rng.random_range(0..100_000))),
        district: district(rng, la),
    }
}

fn district(rng: &mut StdRng, la: usize) -> String {
    format!("Q{}{}", (b'A' + la as u8) as char, rng.random_range(1..=12))
}

/// A record of `t` as a referral might write it, `perp` ones usually without a date of birth.
fn record(t: &Truth, perp: bool, on: NaiveDate, rng: &mut StdRng) -> Person {
    let mut p = Person::new(format!("{} {}", t.first, t.last));
    let r: f64 = rng.random();
    if r < 0.15 {
        p.name = format!("{} {}", slip(&t.first, rng), t.last);
    } else if r < 0.25 {
        p.name = format!("{}, {}", slip(&t.last, rng), t.first);
    } else if r < 0.35 {
        if let Some(n) = &t.nickname {
            p.name = n.clone();
        }
    }
    if let Some(n) = &t.nickname {
        if rng.random_bool(0.5) {
            p.aliases.push(n.clone());
        }
    }
    let with_dob = if perp {
        rng.random_bool(0.3)
    } else {
        rng.random_bool(0.85)
    };
    if with_dob {
        let d = t.dob;
        p.date_of_birth = if rng.random_bool(0.1) && d.day() <= 12 {
            NaiveDate::from_ymd_opt(d.year(), d.day(), d.month())
        } else {
            Some(d)
        };
    } else {
        let age = u8::try_from((on - t.dob).num_days() / 365).unwrap_or(0);
        p.age = Some(ApproxAge {
            low: age.saturating_sub(2),
            high: age + 2,
            as_of: on,
        });
    }
    if let Some(phone) = &t.phone {
        if rng.random_bool(0.6) {
            p.phones.push(phone.clone());
        }
    }
    if rng.random_bool(0.7) {
        p.postcode_district = Some(t.district.clone());
    }
    p
}

struct PlaceTruth {
    name: String,
    district: String,
    kind: &'static str,
}

fn place_record(t: &PlaceTruth, rng: &mut StdRng) -> Place {
    let mut p = Place::new(if rng.random_bool(0.15) {
        t.name.replace("Road", "Rd").replace("Lane", "Ln")
    } else {
        t.name.clone()
    });
    p.postcode_district = rng.random_bool(0.8).then(|| t.district.clone());
    p.kind = rng.random_bool(0.6).then(|| t.kind.to_owned());
    p
}

/// Everything generated: the index, the reviewers' decisions, and what queries need.
struct World {
    index: Index,
    decisions: Decisions,
    victims: Vec<Truth>,
    perps: Vec<Truth>,
    places: Vec<PlaceTruth>,
    la_of: HashMap<String, usize>,
}

/// Most perpetrators and places recur once or twice; a prolific 2% take 30% of the mentions
/// (about fifty referrals each over the ten years).
fn pick<T>(pool: &[T], rng: &mut StdRng) -> usize {
    if rng.random_bool(0.3) {
        rng.random_range(0..(pool.len() / 50).max(1))
    } else {
        rng.random_range(0..pool.len())
    }
}

fn generate(referrals: usize, rng: &mut StdRng) -> World {
    let start = NaiveDate::from_ymd_opt(2016, 1, 1).expect("date");
    let mut w = World {
        index: Index::new(),
        decisions: Decisions::default(),
        victims: Vec::new(),
        perps: (0..referrals * 6 / 10).map(|i| truth(rng, i % 6)).collect(),
        places: (0..referrals * 6 / 10)
            .map(|i| PlaceTruth {
                name: format!("{} {}", word(rng, 2), GENERIC[i % GENERIC.len()]),
                district: district(rng, i % 6),
                kind: KINDS[i % KINDS.len()],
            })
            .collect(),
        la_of: HashMap::new(),
    };
    let mut seen: HashMap<(u8, usize), Id> = HashMap::new();
    let mut history = Vec::new();
    let mut confirm =
        |key: (u8, usize), id: &Id, rng: &mut StdRng, history: &mut Vec<MatchDecision>| match seen
            .get(&key)
        {
            // Reviewers have confirmed nine in ten true matches; the rest are still waiting.
            Some(first) if rng.random_bool(0.9) => history.push(MatchDecision {
                a: first.clone(),
                b: id.clone(),
                verdict: Verdict::Confirmed,
                by: "bench".into(),
                at: Utc::now(),
                reason: "synthetic".into(),
            }),
            Some(_) => {}
            None => {
                seen.insert(key, id.clone());
            }
        };
    for n in 0..referrals {
        let la = rng.random_range(0..6);
        let on = start + chrono::Duration::days(rng.random_range(0..3650));
        let key = format!("case-{n}");
        w.index.put_case(CaseFacts {
            key: key.clone(),
            reference: format!("BENCH-{n:06}"),
            las: vec![LAS[la].to_owned()],
            date: on,
        });
        w.la_of.insert(key.clone(), la);
        let v = if !w.victims.is_empty() && rng.random_bool(0.15) {
            rng.random_range(0..w.victims.len())
        } else {
            w.victims.push(truth(rng, la));
            w.victims.len() - 1
        };
        let add_person = |p: Person, role: &str, index: &mut Index| {
            index.put_link(Link {
                case: key.clone(),
                subject: Subject::Person(p.id.clone()),
                role: role.into(),
            });
            let id = p.id.clone();
            index.put_person(p);
            id
        };
        let id = add_person(
            record(&w.victims[v], false, on, rng),
            "referred",
            &mut w.index,
        );
        confirm((0, v), &id, rng, &mut history);
        for _ in 0..2 {
            let t = pick(&w.perps, rng);
            let id = add_person(
                record(&w.perps[t], true, on, rng),
                "perpetrator",
                &mut w.index,
            );
            confirm((1, t), &id, rng, &mut history);
        }
        let places = if rng.random_bool(0.2) { 2 } else { 1 };
        for _ in 0..places {
            let t = pick(&w.places, rng);
            let p = place_record(&w.places[t], rng);
            w.index.put_link(Link {
                case: key.clone(),
                subject: Subject::Place(p.id.clone()),
                role: "place-of-concern".into(),
            });
            confirm((2, t), &p.id, rng, &mut history);
            w.index.put_place(p);
        }
    }
    w.decisions = Decisions::replay(history).expect("decisions replay");
    w
}

fn percentiles(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (
        ms(times[times.len() / 2]),
        ms(times[(times.len() * 99 / 100).min(times.len() - 1)]),
    )
}

fn time<T>(runs: usize, mut f: impl FnMut(usize) -> T) -> (f64, f64) {
    let times = (0..runs)
        .map(|i| {
            let t = Instant::now();
            std::hint::black_box(f(i));
            t.elapsed()
        })
        .collect();
    percentiles(times)
}

fn peak_rss_mb() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(str::to_owned)
        })
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or("?".into(), |kb| format!("{}", kb / 1024))
}

fn main() {
    let referrals: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50_000);
    let mut rng = StdRng::seed_from_u64(2026);
    let t = Instant::now();
    let w = generate(referrals, &mut rng);
    let built = t.elapsed();
    let (people, places) = (w.index.people().count(), w.index.places().count());
    eprintln!("casework: {referrals} referrals, {people} people, {places} places in {built:.1?}");
    let roles = Roles {
        referred: vec!["referred".into()],
        perpetrator: vec!["perpetrator".into()],
    };
    let mut rows = vec![format!(
        "| build (generate and index everything) | {:.0} ms | | |",
        built.as_secs_f64() * 1000.0
    )];
    let mut row = |what: &str, runs: usize, (p50, p99): (f64, f64), note: String| {
        rows.push(format!(
            "| {what} | {p50:.2} ms | {p99:.2} ms | {runs} runs{note} |"
        ));
    };
    let today = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    let mut found = 0;
    let new_referrals: Vec<(Vec<Person>, Vec<Place>)> = (0..1000)
        .map(|_| {
            let fresh;
            let v = if rng.random_bool(0.3) {
                &w.victims[rng.random_range(0..w.victims.len())]
            } else {
                fresh = truth(&mut rng, 0);
                &fresh
            };
            let mut people = vec![record(v, false, today, &mut rng)];
            for _ in 0..2 {
                people.push(record(
                    &w.perps[pick(&w.perps, &mut rng)],
                    true,
                    today,
                    &mut rng,
                ));
            }
            (
                people,
                vec![place_record(&w.places[pick(&w.places, &mut rng)], &mut rng)],
            )
        })
        .collect();
    let matching = time(new_referrals.len(), |i| {
        let (people, places) = &new_referrals[i];
        for p in people {
            found += w.index.candidates(p, &w.decisions).len();
        }
        for p in places {
            found += w.index.place_candidates(p, &w.decisions).len();
        }
    });
    row(
        "possible matches for a new referral (3 people, 1 place)",
        1000,
        matching,
        format!(", {:.1} suggestions each", found as f64 / 1000.0),
    );
    let queries: Vec<String> = (0..1000)
        .map(|i| {
            let t = &w.perps[pick(&w.perps, &mut rng)];
            match i % 6 {
                0 => format!("{} {}", t.first, t.last),
                1 => format!("{} {}", slip(&t.first, &mut rng), t.last),
                2 => t.dob.format("%d/%m/%Y").to_string(),
                3 => format!("BENCH-{:06}", rng.random_range(0..referrals)),
                4 => t.district.clone(),
                _ => w.places[pick(&w.places, &mut rng)].name.clone(),
            }
        })
        .collect();
    let mut hits = 0;
    let all = time(queries.len(), |i| {
        hits += w.index.search_text(&queries[i], |_| true, 50).len()
    });
    row(
        "search, every case visible (names, slips, dates, references, districts, places)",
        1000,
        all,
        format!(", {:.1} hits each", hits as f64 / 1000.0),
    );
    let one_la = time(queries.len(), |i| {
        w.index
            .search_text(&queries[i], |c| w.la_of.get(c) == Some(&0), 50)
            .len()
    });
    row(
        "search, one LA's cases visible",
        1000,
        one_la,
        String::new(),
    );
    let clusters = w.decisions.clusters();
    row(
        "lists: read every link once (after a change)",
        5,
        time(5, |_| Lists::build(&w.index, clusters, &roles)),
        String::new(),
    );
    let lists = Lists::build(&w.index, clusters, &roles);
    let all_cases = Filter::default();
    let one_la = Filter {
        la: Some(LAS[0].into()),
        ..Filter::default()
    };
    let recent = Filter {
        la: Some(LAS[0].into()),
        from: NaiveDate::from_ymd_opt(2024, 1, 1),
        to: None,
    };
    type List = fn(&Lists, &Filter, Page) -> prem::tracker::Listing;
    let lists_timed: [(&str, List, &Filter); 6] = [
        ("repeat victims, all LAs", Lists::repeat_victims, &all_cases),
        (
            "repeat perpetrators, all LAs",
            Lists::repeat_perpetrators,
            &all_cases,
        ),
        ("hotspots, all LAs", Lists::hotspots, &all_cases),
        ("repeat victims, one LA", Lists::repeat_victims, &one_la),
        (
            "repeat perpetrators, one LA",
            Lists::repeat_perpetrators,
            &one_la,
        ),
        (
            "hotspots, one LA, the last two years",
            Lists::hotspots,
            &recent,
        ),
    ];
    for (what, list, filter) in lists_timed {
        let n = list(&lists, filter, Page::ALL).total;
        let first = Page {
            offset: 0,
            limit: 50,
        };
        let page = time(20, |_| list(&lists, filter, first));
        row(
            &format!("{what}: first page of 50"),
            20,
            page,
            format!(", of {n} rows"),
        );
        let all = time(5, |_| csv(&list(&lists, filter, Page::ALL).rows));
        row(&format!("{what}: every row as CSV"), 5, all, String::new());
    }
    rows.extend(pages_timed(referrals, &mut rng));
    println!("| {referrals} referrals, {people} people, {places} places, {} confirmed decisions | p50 | p99 | |", w.decisions.history().len());
    println!("|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
    println!(
        "| peak resident memory of this process | {} MB | | |",
        peak_rss_mb()
    );
}

/// The case list and case pages through the real router, as a reviewer who sees every LA's
/// cases. Rows of the table.
fn pages_timed(referrals: usize, rng: &mut StdRng) -> Vec<String> {
    let base = std::env::var_os("BENCH_DATA").map(std::path::PathBuf::from);
    let dir = match &base {
        Some(b) => tempfile::tempdir_in(b),
        None => tempfile::tempdir(),
    }
    .expect("a directory for the workspace");
    let t = Instant::now();
    let ws = pages::workspace(dir.path(), referrals, rng).expect("the bench workspace");
    let stored = t.elapsed();
    eprintln!("casework: workspace of {referrals} sealed referrals in {stored:.1?}");
    let mut client = pages::Client::new(&ws).expect("router");
    client
        .sign_in(&ws, "bench.reviewer", "reviewer")
        .expect("signed in");
    let mut rows = vec![format!(
        "| workspace: store {referrals} sealed referrals and take them into the tracker | {:.0} ms | | |",
        stored.as_secs_f64() * 1000.0
    )];
    // The first view after a start reads every referral into the list's summaries (signing
    // in has already shown the list once, so that read is timed on its own); later views
    // read only what changed since.
    let (status, page) = client.get("/");
    assert_eq!(status, 200, "the case list");
    let cold = time(3, |_| {
        let fresh = prem::workspace::listing::Summaries::default();
        let n = fresh.current(&ws).expect("summaries").iter().count();
        assert_eq!(n, referrals);
    });
    rows.push(format!(
        "| case list, first view after start: every referral read into its summary | {:.0} ms | {:.0} ms | 3 runs |",
        cold.0, cold.1
    ));
    let runs = if referrals > 10_000 { 50 } else { 100 };
    let list = time(runs, |_| client.get("/"));
    rows.push(format!(
        "| case list, every case (reviewer), first page | {:.2} ms | {:.2} ms | {runs} runs, {:.0} KB of HTML (100 rows) |",
        list.0, list.1, page.len() as f64 / 1e3
    ));
    let deep = format!("/?page={}", referrals / 200);
    let (status, _) = client.get(&deep);
    assert_eq!(status, 200, "a page in the middle of the list");
    let middle = time(runs, |_| client.get(&deep));
    rows.push(format!(
        "| case list, a page in the middle ({deep}) | {:.2} ms | {:.2} ms | {runs} runs |",
        middle.0, middle.1
    ));
    let keys: Vec<prem::workspace::RecordKey> = (0..runs)
        .map(|_| prem::workspace::RecordKey {
            kiosk: "bench".into(),
            id: format!("{:032x}", rng.random_range(0..referrals)),
        })
        .collect();
    let changed = time(runs, |i| {
        let r = ws.store.get(&keys[i]).expect("get").expect("held");
        let saved = ws
            .store
            .save_case(&keys[i], &r.case, r.case.clone(), ("bench", "bench"));
        saved.expect("save").expect("not overtaken");
        client.get("/")
    });
    rows.push(format!(
        "| a case saved, then the case list (the save included) | {:.2} ms | {:.2} ms | {runs} runs |",
        changed.0, changed.1
    ));
    // What a view would cost if it opened every sealed referral, as the list did before.
    let opened = time(5, |_| ws.store.all().expect("all").len());
    rows.push(format!(
        "| for comparison: opening every sealed referral (`store.all`) | {:.2} ms | {:.2} ms | 5 runs |",
        opened.0, opened.1
    ));
    let la = ws.config.partnership.local_authorities[0].clone();
    let filtered = format!("/?la={}", urlencoding::encode(&la));
    let one_la = time(runs, |_| client.get(&filtered));
    rows.push(format!(
        "| case list, one LA's filter | {:.2} ms | {:.2} ms | {runs} runs |",
        one_la.0, one_la.1
    ));
    let cases: Vec<String> = (0..200)
        .map(|_| format!("/cases/bench/{:032x}", rng.random_range(0..referrals)))
        .collect();
    let (status, page) = client.get(&cases[0]);
    assert_eq!(status, 200, "a case page");
    let mut refused = 0;
    let case = time(cases.len(), |i| {
        let (status, _) = client.get(&cases[i]);
        refused += usize::from(status != 200);
    });
    assert_eq!(refused, 0, "every case page answered 200");
    rows.push(format!(
        "| case page (answers, history, people and places; audited) | {:.2} ms | {:.2} ms | {} runs, {:.0} KB of HTML |",
        case.0,
        case.1,
        cases.len(),
        page.len() as f64 / 1e3
    ));
    rows
}
