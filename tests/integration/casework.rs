//! The tracker end to end on the harbour partnership, with real processes over real sockets:
//! three referrals from two councils name one adult of concern, spelt three ways, and one
//! arcade; each is pulled and signed off by its own council's lead; a reviewer sees the
//! possible matches explained field by field with an absolute score, confirms two, rejects a
//! wrong one (never suggested again); the adult is listed as a repeat perpetrator across both
//! councils and the arcade as a hotspot, on the page and as CSV; search finds the adult by a
//! misspelling, and the audit trail keeps a keyed hash of the search, not its words. The panel
//! office of one council sees only its council's case and no adult of concern.

use crate::support::workspace::WorkspaceHarness;
use crate::support::Harness;

const ADULT: [&str; 3] = [
    "Darrik Vantablack",
    "Darrik Vantablak",
    "Vantablack, Darrik",
];
const STRANGER: &str = "Orlaith Pennywhistle";

#[test]
fn repeat_perpetrators_and_hotspots_come_from_confirmed_matches_across_councils() {
    let h = Harness::start(|_| {});
    let b = h.browser();
    let mut refs = Vec::new();
    for (n, council) in ["Northcliff", "Westhaven", "Westhaven"].iter().enumerate() {
        let answers = [
            ("bringing_council", *council),
            (
                "yp_name",
                if n == 0 {
                    "Jessamy Quorne"
                } else {
                    "Tobiah Quillon"
                },
            ),
            ("adult_called", ADULT[n]),
            ("adult_age", "about 30"),
            ("place_described-1", "Gull Street amusement arcade"),
        ];
        refs.push(h.forms.complete_with(&b, "young-person", &answers));
    }
    // A fourth, about someone else entirely.
    let answers = [
        ("bringing_council", "Northcliff"),
        ("adult_called", STRANGER),
    ];
    refs.push(h.forms.complete_with(&b, "young-person", &answers));

    let ih = WorkspaceHarness::start(&h, &h.internal_url(""), |_| {});
    ih.pull();
    let ws = ih.inbox();
    let stored = ws.store.all().expect("all");
    let key_of = |reference: &str| {
        stored
            .iter()
            .find(|r| r.submission.reference == reference)
            .expect("stored")
            .key
            .clone()
    };
    for r in &refs {
        ih.move_case(&key_of(r), "sign-off", "council-lead");
    }

    // The case page lists its people and places for the reviewer.
    let rev = ih.signed_in("rev.track", "reviewer", None);
    let first = format!("/cases/{}", key_of(&refs[0]).path());
    let page = rev.get(&first).text();
    assert!(
        page.contains("People and places") && page.contains(ADULT[0]),
        "{page}"
    );
    let person_href = |page: &str, name: &str| {
        let at = page.find(&format!(">{name}</a>")).expect("linked");
        let start = page[..at].rfind("href=\"").expect("href") + 6;
        page[start..at - 1].to_string()
    };
    let adult0 = person_href(&page, ADULT[0]);

    // The adult's page: two possible matches (the misspelling and the surname-first), each
    // explained, each with an absolute score; the stranger is not among them.
    let page = rev.get(&adult0).text();
    assert!(
        page.contains("Possible matches") && page.contains(ADULT[1]) && page.contains(ADULT[2]),
        "{page}"
    );
    assert!(!page.contains(STRANGER), "{page}");
    assert!(
        page.contains("Why it was suggested") && page.contains("score "),
        "{page}"
    );
    let other_id = |page: &str, name: &str| {
        let at = page
            .find(&format!("Record the decision about {name}"))
            .expect("form");
        let form = page[..at].rfind("name=\"other\" value=\"").expect("other") + 20;
        page[form..form + 32].to_string()
    };
    let (misspelt, reversed) = (other_id(&page, ADULT[1]), other_id(&page, ADULT[2]));
    let decide = format!("{adult0}/match");
    for (other, verdict) in [(&misspelt, "confirmed"), (&reversed, "confirmed")] {
        let res = rev.submit(
            &adult0,
            &decide,
            &[
                ("other", other),
                ("verdict", verdict),
                ("reason", "Same phone and age."),
            ],
        );
        assert_eq!(res.status, 200);
        assert!(res.contains("Match decision recorded."));
    }
    // Confirmed: one cluster now, so no suggestion is left on the page.
    let page = rev.get(&adult0).text();
    assert!(page.contains("None held."), "{page}");

    // A wrong suggestion rejected is never suggested again.
    let jess = person_href(&rev.get(&first).text(), "Jessamy Quorne");
    let page = rev.get(&jess).text();
    if page.contains("Record the decision about Tobiah Quillon") {
        let tobiah = other_id(&page, "Tobiah Quillon");
        rev.submit(
            &jess,
            &format!("{jess}/match"),
            &[
                ("other", &tobiah),
                ("verdict", "rejected"),
                ("reason", "Different people."),
            ],
        );
        assert!(!rev
            .get(&jess)
            .contains("Record the decision about Tobiah Quillon"));
    }

    // Repeat perpetrator across both councils; hotspot in three cases; both as CSV.
    let page = rev.get("/tracker/perpetrators").text();
    assert!(
        ADULT.iter().any(|a| page.contains(a))
            && page.contains("Northcliff: 1")
            && page.contains("Westhaven: 2"),
        "{page}"
    );
    assert!(!page.contains(STRANGER), "one case is not a repeat: {page}");
    // The panel office of Northcliff sees the arcade of its own case; of the two arcade
    // records in Westhaven's cases it learns only that Westhaven holds a possible match: no
    // name, no field compared, no score, nothing to decide.
    let office = ih.signed_in("office.north", "business-support", Some("Northcliff"));
    let arcade = person_href(&rev.get(&first).text(), "Gull Street amusement arcade");
    let page = office.get(&arcade).text();
    assert_eq!(
        page.matches("A possible match is held in a case you may not see")
            .count(),
        2,
        "{page}"
    );
    assert!(page.contains("Westhaven: ask its team"), "{page}");
    assert!(
        !page.contains("Why it was suggested") && !page.contains("Is this the same place?"),
        "{page}"
    );

    // The arcade, named the same in three referrals: confirmed the same place twice over.
    let page = rev.get(&arcade).text();
    assert!(
        page.contains("Place name") && page.contains("Is this the same place?"),
        "{page}"
    );
    let others: Vec<String> = page
        .match_indices("name=\"other\" value=\"")
        .map(|(at, m)| page[at + m.len()..at + m.len() + 32].to_string())
        .collect();
    assert_eq!(others.len(), 2, "{page}");
    for other in &others {
        let fields = [
            ("other", other.as_str()),
            ("verdict", "confirmed"),
            ("reason", "Same arcade."),
        ];
        assert_eq!(
            rev.submit(&arcade, &format!("{arcade}/match"), &fields)
                .status,
            200
        );
    }
    let page = rev.get("/tracker/hotspots").text();
    assert!(page.contains("Gull Street amusement arcade"), "{page}");
    let csv = rev.get("/tracker/perpetrators.csv");
    assert!(
        csv.header("content-type")
            .unwrap_or_default()
            .starts_with("text/csv")
            && csv.text().contains("Vantablack"),
        "{}",
        csv.text()
    );

    // Police add what they know: an alias and a district. A bad district is refused, with
    // what was typed kept; then the alias is on the record and search finds it.
    let edit = format!("{adult0}/edit");
    let res = rev.submit(
        &edit,
        &edit,
        &[
            ("name", ADULT[0]),
            ("aliases", "Dazzer"),
            ("district", "!!"),
            ("dob", ""),
            ("phones", ""),
            ("vehicles", ""),
            ("note", ""),
        ],
    );
    assert_eq!(res.status, 400);
    assert!(
        res.contains("Enter a postcode district") && res.contains("value=\"Dazzer\""),
        "{}",
        res.text()
    );
    let res = rev.submit(
        &edit,
        &edit,
        &[
            ("name", ADULT[0]),
            ("aliases", "Dazzer"),
            ("district", "HC4"),
            ("dob", ""),
            ("phones", ""),
            ("vehicles", ""),
            ("note", ""),
        ],
    );
    assert_eq!(res.status, 200);
    assert!(
        res.contains("Saved.") && res.contains("Dazzer") && res.contains("HC4"),
        "{}",
        res.text()
    );
    assert!(rev.get("/search?q=Dazzer").contains(ADULT[0]));

    // A coded outcome on the first case: a missing date is refused, then it is recorded.
    let outcomes = format!("{first}/outcomes");
    let res = rev.submit(
        &first,
        &outcomes,
        &[
            ("code", "order-made"),
            ("outcome-day", ""),
            ("outcome-month", ""),
            ("outcome-year", ""),
            ("note", ""),
        ],
    );
    assert_eq!(res.status, 400);
    assert!(
        res.contains("Enter the date of the outcome"),
        "{}",
        res.text()
    );
    let today = chrono::Utc::now().date_naive();
    let (d, m, y) = (
        today.format("%-d").to_string(),
        today.format("%-m").to_string(),
        today.format("%Y").to_string(),
    );
    let res = rev.submit(
        &first,
        &outcomes,
        &[
            ("code", "order-made"),
            ("outcome-day", &d),
            ("outcome-month", &m),
            ("outcome-year", &y),
            ("note", "Order granted."),
        ],
    );
    assert_eq!(res.status, 200);
    assert!(
        res.contains("Outcome recorded.")
            && res.contains("order-made")
            && res.contains("Order granted."),
        "{}",
        res.text()
    );
    let res = rev.submit(
        &first,
        &outcomes,
        &[
            ("code", "made-up"),
            ("outcome-day", &d),
            ("outcome-month", &m),
            ("outcome-year", &y),
            ("note", ""),
        ],
    );
    assert_eq!(res.status, 400, "only configured codes");

    // Search by a misspelling; the trail keeps a keyed hash, never the words.
    let page = rev.get("/search?q=Vantablak").text();
    assert!(ADULT.iter().any(|a| page.contains(a)), "{page}");
    let trail: Vec<_> = ws.store.audit.recent(1000).expect("audit");
    let search = trail
        .iter()
        .find(|e| e.action.starts_with("search:"))
        .expect("audited");
    assert!(
        !format!("{search:?}").to_lowercase().contains("vantab"),
        "{search:?}"
    );
    for a in [
        "view-tracker",
        "match:confirmed",
        "view-list:perpetrators",
        "export-list:perpetrators",
    ] {
        assert!(trail.iter().any(|e| e.action == a), "audit has {a}");
    }

    // The panel office of Northcliff: its own council's cases only, and no adult of concern:
    // not on the case page, not by address, not in search, no perpetrator list.
    let page = office.get(&first).text();
    assert!(
        page.contains("Jessamy Quorne") && !page.contains(ADULT[0]),
        "{page}"
    );
    assert_eq!(office.get(&adult0).status, 404);
    let found = office.get("/search?q=Vantablack").text();
    assert!(ADULT.iter().all(|a| !found.contains(a)), "{found}");
    assert_eq!(office.get("/tracker/perpetrators").status, 403);
    assert_eq!(office.get(&format!("{adult0}/edit")).status, 403);
    let westhaven = format!("/cases/{}", key_of(&refs[1]).path());
    assert_eq!(office.get(&westhaven).status, 404);

    // A subject access request: the admin finds the adult and gets everything held about the
    // whole confirmed cluster (three records, three cases), as a page and as JSON; audited by
    // record id, never by name.
    let admin = ih.signed_in("admin.sar", "admin", None);
    let page = admin.get("/subject-access?q=Vantablack").text();
    let at = page.find("href=\"/subject-access/").expect("found") + 6;
    let sar = page[at..at + "/subject-access/".len() + 32].to_string();
    let page = admin.get(&sar).text();
    for r in &refs[..3] {
        assert!(page.contains(r.as_str()), "{r} in the request: {page}");
    }
    assert!(!page.contains(&refs[3]), "not the stranger's case");
    assert!(page.contains(&ws.config.inbox.protective_marking));
    // The young people those cases are about are third parties to the adult: withheld, with
    // the marker, and listed case by case.
    assert!(
        !page.contains("Jessamy Quorne") && !page.contains("Tobiah Quillon"),
        "{page}"
    );
    assert!(
        page.contains("[redacted: third party]")
            && page.contains("Withheld from this case")
            && page.contains("(young-person)"),
        "{page}"
    );
    let body = admin.get(&format!("{sar}.json"));
    let json: serde_json::Value = serde_json::from_slice(&body.body).expect("json");
    assert_eq!(json["cases"].as_array().map(Vec::len), Some(3));
    assert_eq!(json["records"].as_array().map(Vec::len), Some(3));
    assert!(!body.contains("Jessamy") && !body.contains("Tobiah"));
    assert_eq!(
        json["redacted"][0]["third_parties"][0]["role"], "young-person",
        "{json:#}"
    );
    // The other way round: the young person's own request shows her answers and withholds
    // the adult her case names.
    let page = admin.get("/subject-access?q=Jessamy+Quorne").text();
    let at = page.find("href=\"/subject-access/").expect("found") + 6;
    let hers = admin
        .get(&page[at..at + "/subject-access/".len() + 32])
        .text();
    assert!(
        hers.contains("Jessamy Quorne") && hers.contains(&refs[0]),
        "{hers}"
    );
    assert!(
        ADULT.iter().all(|a| !hers.contains(a)) && hers.contains("(adult-of-concern)"),
        "{hers}"
    );
    let trail = ws.store.audit.recent(1000).expect("audit");
    assert!(trail.iter().any(|e| e.action == "subject-access"));
    assert!(trail.iter().any(|e| e.action == "subject-access-json"));
    assert!(
        !format!("{trail:?}").contains("Vantablack"),
        "no name in the trail"
    );
}

/// A reviewer adds by hand an adult no referral named in that spelling: the case page offers it,
/// a bad post comes back with what was typed and the error summary, a good one is stored with
/// its link and audit entry, found by search at once, and its page shows the record already
/// held that may be the same. Then `prem workspace purge` run through the control socket of the
/// running workspace takes the case, and the running tracker forgets its people at once.
#[cfg(unix)]
#[test]
fn a_person_added_by_hand_is_matched_at_once_and_forgotten_when_purged_through_the_socket() {
    let h = Harness::start(|_| {});
    let b = h.browser();
    let answers = [
        ("bringing_council", "Northcliff"),
        ("yp_name", "Jessamy Quorne"),
        ("adult_called", ADULT[0]),
        ("adult_age", "about 30"),
    ];
    let reference = h.forms.complete_with(&b, "young-person", &answers);
    // Everything received is past a retention of no days; the daily purge runs once at start.
    let ih = WorkspaceHarness::start(&h, &h.internal_url(""), |c| c.inbox.retention_days = 0);
    let ws = ih.inbox().clone();
    let socket = prem::workspace::admin::socket_path(&ws.config, &ws.root);
    for _ in 0..100 {
        if socket.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    ih.pull();
    let key = (ws.store.all().expect("all").into_iter())
        .find(|r| r.submission.reference == reference)
        .expect("pulled")
        .key;
    ih.move_case(&key, "sign-off", "council-lead");
    let case = format!("/cases/{}", key.path());

    let rev = ih.signed_in("rev.add", "reviewer", None);
    let page = rev.get(&case).text();
    assert!(
        page.contains("Add a person or place to this case")
            && page.contains(&format!("{case}/add/person"))
            && page.contains(&format!("{case}/add/place")),
        "{page}"
    );
    let add = format!("{case}/add/person");
    let form = rev.get(&add).text();
    assert!(
        form.contains("Role in this case") && form.contains("adult-of-concern"),
        "{form}"
    );
    let typed = |role: &'static str, district: &'static str| {
        [
            ("role", role),
            ("name", "Darrik Vantablak"),
            ("aliases", "Dazzle"),
            ("dob", ""),
            ("phones", ""),
            ("vehicles", ""),
            ("district", district),
            ("note", "Seen by officers."),
        ]
    };
    let res = rev.submit(&add, &add, &typed("", "!!"));
    assert_eq!(res.status, 400);
    assert!(
        res.contains("There is a problem")
            && res.contains("Choose the person's role in this case")
            && res.contains("Enter a postcode district")
            && res.contains("value=\"Darrik Vantablak\"")
            && res.contains("Seen by officers."),
        "{}",
        res.text()
    );
    let res = rev.submit(&add, &add, &typed("made-up-role", "HC4"));
    assert_eq!(res.status, 400, "only the roles offered");

    let res = rev.submit(&add, &add, &typed("adult-of-concern", "HC4"));
    assert_eq!(res.status, 200);
    let page = res.text();
    assert!(
        page.contains("Added to the case")
            && page.contains("Darrik Vantablak")
            && page.contains(&reference)
            && page.contains(&format!("Record the decision about {}", ADULT[0])),
        "the record held is shown as a possible match: {page}"
    );
    let added = res.path.trim_start_matches("/people/").to_string();
    assert!(rev.get("/search?q=Dazzle").contains("Darrik Vantablak"));
    let trail = ws.store.audit.recent(1000).expect("audit");
    let entry = (trail.iter())
        .find(|e| e.action == "add-tracker:adult-of-concern")
        .expect("audited");
    assert_eq!(entry.record, added, "by id, never by name");

    // Those who may not edit the tracker are not offered it and may not post it.
    let office = ih.signed_in("office.add", "business-support", Some("Northcliff"));
    assert!(!office.get(&case).contains("Add a person"));
    assert_eq!(office.get(&add).status, 403);

    // Purged through the control socket of the running workspace: the people go too.
    let admin = ih.signed_in("admin.purge", "admin", None);
    assert!(admin
        .get("/subject-access?q=Vantablak")
        .contains("href=\"/subject-access/"));
    let reply = prem::workspace::admin::send(&socket, &prem::workspace::admin::Command::Purge)
        .expect("reply");
    assert!(reply.out.contains("deleted 1 referral"), "{reply:?}");
    let found = admin.get("/subject-access?q=Vantablak").text();
    assert!(found.contains("No one held matches."), "{found}");
    assert_eq!(rev.get(&format!("/people/{added}")).status, 404);
    let t = ws.tracker.read().expect("tracker");
    assert_eq!(
        t.index.people().count(),
        0,
        "the running tracker forgot them"
    );
}
