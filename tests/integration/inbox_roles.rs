//! Who may do what, checked on the server: roles, a business-support account's one LA, sign-in
//! required everywhere, CSRF on posts, the menu per role, and signing out.

use crate::support::inbox::{audit_actions, post_form, sign_in, InboxHarness, CHEAP};
use crate::support::{complete_form, Harness, MARKER};
use prem::inbox::accounts::{self, Role};

#[test]
fn roles_are_enforced_on_the_server_and_business_support_sees_its_la_only() {
    let h = Harness::start(|_| {});
    let kiosk_client = Harness::client();
    let reference = complete_form(&h, &kiosk_client, "child-referral");
    let ih = InboxHarness::start(&h, &h.internal_url(""), |_| {});
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

    let chair = sign_in(
        &ih,
        "chair.one",
        &ih.add_user("chair.one", Role::Chair, None),
    );
    let res = post_form(
        &chair,
        &ih,
        &path,
        &format!("{path}/decision"),
        &[("outcome", "accept"), ("rationale", "x")],
    );
    assert_eq!(
        res.status(),
        403,
        "a chair does not make the threshold decision"
    );
    assert_eq!(
        chair.get(ih.url("/audit/")).send().expect("audit").status(),
        403
    );
    // The 403 and 404 pages keep the signed-in menu, so the chair can go on or sign out.
    for (path, status) in [("/audit/", 403), ("/no/such/page", 404)] {
        let res = chair.get(ih.url(path)).send().expect("error page");
        assert_eq!(res.status(), status);
        let page = res.text().expect("text");
        assert!(
            page.contains("action=\"/logout\"") && page.contains("Signed in as"),
            "{path}: {page}"
        );
    }

    let admin = sign_in(
        &ih,
        "admin.one",
        &ih.add_user("admin.one", Role::Admin, None),
    );
    assert_eq!(
        admin.get(ih.url(&path)).send().expect("view").status(),
        403,
        "admins do not read referrals"
    );
    let admin_list = admin
        .get(ih.url("/"))
        .send()
        .expect("list")
        .text()
        .expect("text");
    assert!(
        admin_list.contains("href=\"/audit/\""),
        "admins get the audit trail in the menu"
    );
    let audit = admin.get(ih.url("/audit/")).send().expect("audit");
    assert_eq!(audit.status(), 200);
    assert!(audit.text().expect("text").contains("denied:Decide"));
    assert!(
        !admin_list.contains(&format!("href=\"{path}\"")),
        "no link an admin cannot follow"
    );
    let res = admin.get(ih.url("/export.csv")).send().expect("csv");
    let disposition = res
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        disposition.contains("referrals-OFFICIAL-SENSITIVE.csv"),
        "{disposition}"
    );
    let csv = res.text().expect("text");
    assert!(
        csv.starts_with("protective_marking,kiosk,id,")
            && csv.contains("\"OFFICIAL-SENSITIVE\",\"kiosk1\"")
            && csv.contains(&reference)
            && !csv.contains(MARKER),
        "{csv}"
    );

    let other = sign_in(
        &ih,
        "bs.other",
        &ih.add_user("bs.other", Role::BusinessSupport, Some(&elsewhere)),
    );
    let list = other
        .get(ih.url("/"))
        .send()
        .expect("list")
        .text()
        .expect("text");
    assert!(
        !list.contains(&reference),
        "another LA's referral is not listed"
    );
    assert_eq!(other.get(ih.url(&path)).send().expect("view").status(), 404);
    let own = sign_in(
        &ih,
        "bs.own",
        &ih.add_user("bs.own", Role::BusinessSupport, Some(&la)),
    );
    assert!(own
        .get(ih.url("/"))
        .send()
        .expect("list")
        .text()
        .expect("text")
        .contains(&reference));
    assert_eq!(own.get(ih.url(&path)).send().expect("view").status(), 200);
    assert!(accounts::add(
        &ih.inbox().store,
        "bs.none",
        Role::BusinessSupport,
        None,
        CHEAP
    )
    .is_err());

    // Without a session every page sends you to sign in; a post without a token is refused.
    let anon = Harness::client();
    assert_eq!(
        anon.get(ih.url(&path)).send().expect("anon").url().path(),
        "/login"
    );
    let res = own
        .post(ih.url("/pull"))
        .form(&[("csrf", "wrong")])
        .send()
        .expect("post");
    assert_eq!(res.status(), 403);

    // Sign out from the menu: the session ends.
    let res = post_form(&own, &ih, "/", "/logout", &[]);
    assert_eq!(res.url().path(), "/login");
    assert_eq!(
        own.get(ih.url("/")).send().expect("list").url().path(),
        "/login"
    );
    assert!(audit_actions(ih.inbox()).iter().any(|a| a == "logout"));
}
