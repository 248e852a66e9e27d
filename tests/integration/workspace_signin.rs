//! Signing in: the lockout, and the temporary password replaced before anything else.

use crate::support::workspace::{enrol, post_login, post_new_password, WorkspaceHarness, CHEAP};
use crate::support::Harness;
use chrono::{Duration, Utc};
use prem::workspace::accounts;
use prem::workspace::totp;

#[test]
fn a_locked_account_stays_locked_even_with_the_right_password() {
    let h = Harness::start(|_| {});
    let ih = WorkspaceHarness::start(&h, &h.internal_url(""), |_| {});
    let password = ih.add_user("rev.two", "reviewer", None);
    let client = ih.browser();
    for _ in 0..3 {
        assert_eq!(post_login(&client, "rev.two", "wrong password").status, 401);
    }
    let res = post_login(&client, "rev.two", &password);
    assert_eq!(res.status, 401, "locked: the right password is refused too");
    assert_eq!(res.path, "/login");
    assert!(ih.audit_actions().iter().any(|a| a == "login-locked"));
    // Still locked just before the configured time runs out, open just after.
    let policy = ih.inbox().policy;
    let store = &ih.inbox().store;
    let almost = Utc::now() + policy.lock_for - Duration::seconds(5);
    assert!(
        accounts::check_password(store, "rev.two", &password, &policy, almost)
            .expect("check")
            .is_err()
    );
    let after = Utc::now() + policy.lock_for + Duration::seconds(1);
    assert!(
        accounts::check_password(store, "rev.two", &password, &policy, after)
            .expect("check")
            .is_ok()
    );
}

#[test]
fn a_temporary_password_must_be_replaced_before_anything_else() {
    let h = Harness::start(|_| {});
    let ih = WorkspaceHarness::start(&h, &h.internal_url(""), |_| {});
    let temporary = ih.add_user("rev.new", "reviewer", None);
    let client = ih.browser();
    let res = post_login(&client, "rev.new", &temporary);
    assert_eq!(res.path, "/login/password");
    let page = res.text();
    let marking = &ih.inbox().config.inbox.protective_marking;
    assert!(
        page.contains("Choose a new password") && page.contains(marking.as_str()),
        "{page}"
    );

    // No step can be skipped: enrolment, the code page and the inbox all send you back.
    for path in ["/login/enrol", "/login/code"] {
        let res = client.get(path);
        assert_eq!(res.path, "/login/password", "{path}");
    }
    let res = client.submit("/login/password", "/login/enrol", &[("code", "123456")]);
    assert_eq!(res.path, "/login/password", "enrolment refused");
    assert_eq!(client.get("/").path, "/login");
    let user = accounts::get(&ih.inbox().store, "rev.new")
        .expect("get")
        .expect("user");
    assert!(user.must_change_password() && !user.enrolled());
    let policy = ih.inbox().policy;
    let enrolling = [7u8; 20];
    let code = totp::code(&enrolling, Utc::now().timestamp());
    assert!(
        matches!(
            accounts::check_code(
                &ih.inbox().store,
                "rev.new",
                &code,
                Some(&enrolling),
                &policy,
                Utc::now()
            )
            .expect("check"),
            Err(accounts::Refused::Wrong)
        ),
        "the second factor waits for the new password, even with a right code"
    );

    // Too short, typed differently, or the temporary one again: refused, with the reason.
    for (new, confirm, why) in [
        ("", "", "Enter a new password"),
        ("short pw 11", "short pw 11", "at least 12 characters"),
        (
            "a long enough password",
            "a long enough passw0rd",
            "do not match",
        ),
        (
            temporary.as_str(),
            temporary.as_str(),
            "different from the temporary password",
        ),
    ] {
        let res = post_new_password(&client, new, confirm);
        assert_eq!(res.status, 400, "{why}");
        assert_eq!(res.path, "/login/password");
        let page = res.text();
        assert!(
            page.contains(why) && page.contains("govuk-error-summary"),
            "{why}: {page}"
        );
        assert!(page.contains("<title>Error: "), "error title");
    }
    // Exactly 12 characters (not bytes) is enough.
    let mine = "twelve chårs";
    assert_eq!(mine.chars().count(), 12);
    let res = post_new_password(&client, mine, mine);
    let secret = enrol(&client, res);
    let user = accounts::get(&ih.inbox().store, "rev.new")
        .expect("get")
        .expect("user");
    assert!(!user.must_change_password() && user.enrolled());
    let actions = ih.audit_actions();
    assert_eq!(
        actions.iter().filter(|a| *a == "password-changed").count(),
        1,
        "{actions:?}"
    );
    let changed = ih
        .inbox()
        .store
        .audit
        .recent(10_000)
        .expect("audit")
        .into_iter()
        .find(|e| e.action == "password-changed")
        .expect("entry");
    assert_eq!(
        (changed.actor.as_str(), changed.record.as_str()),
        ("rev.new", "rev.new")
    );

    // The temporary password is gone; the new one leads straight to the code.
    let other = ih.browser();
    assert_eq!(post_login(&other, "rev.new", &temporary).status, 401);
    let res = post_login(&other, "rev.new", mine);
    assert_eq!(res.path, "/login/code");
    assert_eq!(
        other.get("/login/password").path,
        "/login/code",
        "no password change without a temporary password"
    );
    // This time step's code was used at enrolment; the next step's is accepted too.
    let code = totp::code(&secret, Utc::now().timestamp() + 30);
    let res = other.submit("/login/code", "/login/code", &[("code", code.as_str())]);
    assert_eq!(res.path, "/", "signed in with the new password");

    // A reset brings the forced change back, and the second factor must be enrolled again.
    let again = accounts::reset(&ih.inbox().store, "rev.new", CHEAP).expect("reset");
    let third = ih.browser();
    assert_eq!(
        post_login(&third, "rev.new", mine).status,
        401,
        "the old password no longer works after a reset"
    );
    let res = post_login(&third, "rev.new", &again);
    assert_eq!(res.path, "/login/password");
    let res = post_new_password(&third, &again, &again);
    assert_eq!(res.status, 400, "not the new temporary password either");
    let res = post_new_password(&third, mine, mine);
    enrol(&third, res);
    assert_eq!(
        ih.audit_actions()
            .iter()
            .filter(|a| *a == "password-changed")
            .count(),
        2
    );
}
