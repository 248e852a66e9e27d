//! Who may do what, checked on the server: roles, a business-support account's one LA, sign-in
//! required everywhere, CSRF on posts, the menu per role, and signing out.

use crate::support::workspace::{InboxHarness, CHEAP};
use crate::support::{Browser, Harness, MARKER};
use prem::workspace::accounts::{self, Role};

#[test]
fn roles_are_enforced_on_the_server_and_business_support_sees_its_la_only() {
    let h = Harness::start(|_| {});
    let reference = h.submit_one("young-person");
    let ih = InboxHarness::start(&h, &h.internal_url(""), |_| {});
    let marking = ih.inbox().config.inbox.protective_marking.clone();
    ih.pull();
    let r = ih.inbox().store.all().expect("all").remove(0);
    let path = format!("/referrals/{}", r.key.path());
    let form = ih.inbox().form_of(&r);
    let la = r.presenting_authority(form).expect("an LA").to_string();
    let las = &ih.inbox().config.partnership.local_authorities;
    let elsewhere = las
        .iter()
        .find(|l| **l != la && r.owning_authority(form) != Some(l))
        .expect("another LA")
        .clone();

    let chair = ih.signed_in("chair.one", Role::Chair, None);
    let res = chair.submit(
        &path,
        &format!("{path}/decision"),
        &[("outcome", "accept"), ("rationale", "x")],
    );
    assert_eq!(
        res.status, 403,
        "a chair does not make the threshold decision"
    );
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

    let admin = ih.signed_in("admin.one", Role::Admin, None);
    assert_eq!(admin.get(&path).status, 403, "admins do not read referrals");
    let admin_list = admin.get("/").text();
    assert!(
        admin_list.contains("href=\"/audit/\""),
        "admins get the audit trail in the menu"
    );
    let audit = admin.get("/audit/");
    assert_eq!(audit.status, 200);
    assert!(audit.contains("denied:Decide"));
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

    let other = ih.signed_in("bs.other", Role::BusinessSupport, Some(&elsewhere));
    let list = other.get("/").text();
    assert!(
        !list.contains(&reference),
        "another LA's referral is not listed"
    );
    assert_eq!(other.get(&path).status, 404);
    let own = ih.signed_in("bs.own", Role::BusinessSupport, Some(&la));
    assert!(own.get("/").contains(&reference));
    assert_eq!(own.get(&path).status, 200);
    assert!(accounts::add(
        &ih.inbox().store,
        "bs.none",
        Role::BusinessSupport,
        None,
        CHEAP
    )
    .is_err());

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
