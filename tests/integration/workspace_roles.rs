//! Who may do what, checked on the server: roles from configuration, an LA-tied account's one LA,
//! an unendorsed referral seen by its council lead alone, sign-in required everywhere, CSRF on
//! posts, the menu per role, and signing out.

use crate::support::workspace::{WorkspaceHarness, CHEAP};
use crate::support::{Browser, Harness, MARKER};
use prem::workspace::accounts;

#[test]
fn roles_are_enforced_on_the_server_and_business_support_sees_its_la_only() {
    let h = Harness::start(|_| {});
    let reference = h.submit_one("young-person");
    let ih = WorkspaceHarness::start(&h, &h.internal_url(""), |_| {});
    let marking = ih.inbox().config.inbox.protective_marking.clone();
    ih.pull();
    let r = ih.inbox().store.all().expect("all").remove(0);
    let path = format!("/cases/{}", r.key.path());
    let form = ih.inbox().form_of(&r);
    let la = r.presenting_authority(form).expect("an LA").to_string();
    let las = &ih.inbox().config.partnership.local_authorities;
    let elsewhere = las
        .iter()
        .find(|l| **l != la && r.owning_authority(form) != Some(l))
        .expect("another LA")
        .clone();

    // Before sign-off only the presenting council's lead sees it: not the police side, not
    // business support, not another council's lead; and they are refused the move too.
    let chair = ih.signed_in("chair.one", "chair", None);
    let own = ih.signed_in("bs.own", "business-support", Some(&la));
    let sign_off = format!("{path}/moves/sign-off");
    for who in [&chair, &own] {
        assert!(!who.get("/").contains(&reference));
        assert_eq!(who.get(&path).status, 404);
        assert_eq!(who.get(&sign_off).status, 404);
    }
    let lead = ih.signed_in("lead.one", "council-lead", Some(&la));
    let lead_elsewhere = ih.signed_in("lead.two", "council-lead", Some(&elsewhere));
    assert_eq!(lead_elsewhere.get(&path).status, 404);
    assert!(lead.get("/").contains(&reference));
    let res = lead.submit(&sign_off, &sign_off, &[("reason", "ok")]);
    assert_eq!(res.status, 200);

    // Signed off: a chair sees it but may not make the reviewer's dispute move.
    let dispute = format!("{path}/moves/dispute");
    let res = chair.submit(&dispute, &dispute, &[("reason", "x")]);
    assert_eq!(res.status, 403, "the dispute move is the reviewer's");
    assert_eq!(chair.get("/audit/").status, 403);
    // The 403 and 404 pages keep the signed-in menu, so the chair can go on or sign out.
    for (path, status) in [("/audit/", 403), ("/no/such/page", 404)] {
        let res = chair.get(path);
        assert_eq!(res.status, status);
        let page = res.text();
        assert!(
            page.contains("action=\"/logout\"") && page.contains("Signed in as"),
            "{path}: {page}"
        );
    }

    let admin = ih.signed_in("admin.one", "admin", None);
    assert_eq!(admin.get(&path).status, 403, "admins do not read referrals");
    let admin_list = admin.get("/").text();
    assert!(
        admin_list.contains("href=\"/audit/\""),
        "admins get the audit trail in the menu"
    );
    let audit = admin.get("/audit/");
    assert_eq!(audit.status, 200);
    assert!(audit.contains("denied:view-case"), "{}", audit.text());
    assert!(
        !admin_list.contains(&format!("href=\"{path}\"")),
        "no link an admin cannot follow"
    );
    let res = admin.get("/export.csv");
    let disposition = res.header("content-disposition").unwrap_or_default();
    assert!(
        disposition.contains("referrals-OFFICIAL-SENSITIVE-PERSONAL.csv"),
        "{disposition}"
    );
    let csv = res.text();
    assert!(
        csv.starts_with("protective_marking,kiosk,id,")
            && csv.contains(&format!("\"{marking}\",\"kiosk1\""))
            && csv.contains(&reference)
            && !csv.contains(MARKER),
        "{csv}"
    );

    let other = ih.signed_in("bs.other", "business-support", Some(&elsewhere));
    let list = other.get("/").text();
    assert!(
        !list.contains(&reference),
        "another LA's referral is not listed"
    );
    assert_eq!(other.get(&path).status, 404);
    assert!(own.get("/").contains(&reference));
    assert_eq!(own.get(&path).status, 200);
    let tied = ih.inbox().roles.get("business-support");
    assert!(accounts::add(&ih.inbox().store, "bs.none", &tied, None, CHEAP).is_err());
    let untied = ih.inbox().roles.get("reviewer");
    assert!(accounts::add(&ih.inbox().store, "rev.la", &untied, Some(&la), CHEAP).is_err());

    // Without a session every page sends you to sign in; a post without a token is refused.
    let anon: Browser = ih.browser();
    assert_eq!(anon.get(&path).path, "/login");
    let res = own.post("/pull", &[("csrf", "wrong")]);
    assert_eq!(res.status, 403);

    // Sign out from the menu: the session ends.
    let res = own.submit("/", "/logout", &[]);
    assert_eq!(res.path, "/login");
    assert_eq!(own.get("/").path, "/login");
    assert!(ih.audit_actions().iter().any(|a| a == "logout"));
}

/// The case list a page at a time: a hundred rows a page, the filters kept in the page links,
/// a page past the end showing the last, and a change to one case on the list at once (the
/// list is kept in memory and brought up to date from the store's changes).
#[test]
fn the_case_list_comes_a_page_at_a_time_and_shows_each_change_at_once() {
    let h = Harness::start(|_| {});
    h.submit_one("young-person");
    let ih = WorkspaceHarness::start(&h, &h.internal_url(""), |_| {});
    ih.pull();
    let first = ih.inbox().store.all().expect("all").remove(0);
    let form = ih.inbox().form_of(&first);
    let la = first.presenting_authority(form).expect("an LA").to_string();
    let lead = ih.signed_in("lead.one", "council-lead", Some(&la));
    // Seen once, so that the copies below reach the list as changes, not in a first read.
    assert!(lead.get("/").contains("1 case,"));
    for n in 0..150 {
        let mut copy = first.clone();
        copy.key.id = format!("{:032x}", n + 1);
        copy.submission.reference = format!("COPY-{n:04}");
        assert!(ih.inbox().store.insert_new(&copy).expect("insert"));
    }
    let page = |q: &str| lead.get(&format!("/?{q}")).text();
    let rows = |html: &str| {
        html.matches("<tr class=\"govuk-table__row\"")
            .count()
            .saturating_sub(1)
    };

    let one = page("la=");
    assert!(one.contains("151 cases,"), "every copy counted");
    assert!(one.contains("Showing 1 to 100, page 1 of 2"));
    assert_eq!(rows(&one), 100);
    assert!(one.contains("aria-current=\"page\""));
    assert!(
        one.contains("href=\"/?page=2\" rel=\"next\""),
        "a next link"
    );
    assert!(!one.contains("rel=\"prev\""));

    let filtered = page(&format!("la={}&page=2", la.replace(' ', "+")));
    assert_eq!(rows(&filtered), 51);
    assert!(filtered.contains("Showing 101 to 151, page 2 of 2"));
    let la_query = serde_urlencoded::to_string([("la", la.as_str())]).expect("encode");
    let prev = format!("href=\"/?{}&amp;page=1\" rel=\"prev\"", la_query);
    assert!(filtered.contains(&prev), "the filter kept in the links");
    assert!(!filtered.contains("rel=\"next\""));

    assert_eq!(rows(&page("page=99")), 51, "past the end: the last page");
    assert_eq!(rows(&page("page=zero")), 100, "nonsense: the first page");
    assert_eq!(rows(&page("la=Nowhere")), 0);
    assert!(page("la=Nowhere").contains("No cases match."));

    // A move shows at once, and a case leaving what the lead may see leaves their list.
    ih.move_case(&first.key, "sign-off", "council-lead");
    let after = page("status=panel-review");
    assert!(
        after.contains("1 case,"),
        "the lead still sees it, in its new stage"
    );
    assert!(after.contains(&first.submission.reference));
    assert!(after.contains("With the panel for a decision"));
    let chair = ih.signed_in("chair.one", "chair", None);
    let theirs = chair.get("/").text();
    assert!(
        theirs.contains("1 case,"),
        "the chair sees only the signed-off case"
    );
    assert!(theirs.contains(&first.submission.reference));
}
