//! The accounts' addresses notifications go to: set, checked, removed, audited without the
//! address, listed only as present, and gathered for a role.

use std::path::Path;

use prem::config::Config;
use prem::workspace::accounts::{self, Role, User};
use prem::workspace::admin::{run_on_store, Command};
use prem::workspace::{Costs, WorkspaceStore};

use crate::support::PASSPHRASE;

fn store(dir: &Path) -> (Config, WorkspaceStore) {
    let mut config = Config::default();
    config.inbox.data_dir = dir.join("inbox-data");
    let store = prem::workspace::open_store(
        &config,
        dir,
        PASSPHRASE.as_bytes(),
        Costs::INSECURE_FOR_TESTS,
    )
    .expect("store");
    (config, store)
}

fn admin(config: &Config, store: &WorkspaceStore, cmd: Command) -> anyhow::Result<String> {
    let cost = Costs::INSECURE_FOR_TESTS.password;
    run_on_store(store, config, cost, &cmd, "cli").map(|r| r.out)
}

/// `user add --email` and `user email` set the address (audited, never in the audit), a
/// value that could add a header is refused, `user list` says only whether one is set, and
/// the addresses of a role's enabled accounts are what the workspace would notify.
#[test]
fn account_addresses_are_checked_audited_listed_as_present_and_gathered_by_role() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (config, store) = store(tmp.path());
    let add = |name: &str, role: &str, email: Option<&str>| {
        admin(
            &config,
            &store,
            Command::UserAdd {
                name: name.into(),
                role: role.into(),
                la: None,
                email: email.map(Into::into),
            },
        )
    };
    add("rev.one", "reviewer", Some("rev.one@la.example.org")).expect("add with address");
    add("rev.two", "reviewer", None).expect("add without");
    add("rev.three", "reviewer", Some("rev.three@la.example.org")).expect("add");
    add("chair.one", "chair", Some("chair@police.example.org")).expect("add");
    let bad = add("rev.four", "reviewer", Some("x@y\r\nBcc: all@example.org"));
    assert!(format!("{:#}", bad.expect_err("refused")).contains("not an email address"));
    assert!(
        accounts::get(&store, "rev.four").expect("get").is_none(),
        "no half-made account"
    );

    let set = |name: &str, email: Option<&str>| {
        admin(
            &config,
            &store,
            Command::UserEmail {
                name: name.into(),
                email: email.map(Into::into),
            },
        )
    };
    set("rev.two", Some("rev.two@la.example.org")).expect("set");
    assert!(
        set("rev.two", Some("two@la example.org")).is_err(),
        "a space is refused"
    );
    set("rev.three", None).expect("remove");
    accounts::disable(&store, "rev.one").expect("disable");

    let reviewers =
        accounts::addresses(&store, |u| u.role.label() == "reviewer").expect("addresses");
    assert_eq!(
        reviewers,
        ["rev.two@la.example.org"],
        "enabled reviewers with an address"
    );

    let list = admin(&config, &store, Command::UserList).expect("list");
    assert!(
        list.contains("rev.two\treviewer") && list.contains("\temail"),
        "{list}"
    );
    assert!(
        list.contains("rev.three") && list.contains("\tno email"),
        "{list}"
    );
    assert!(!list.contains('@'), "user list shows addresses: {list}");

    let audit = store.audit.recent(100).expect("audit");
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"user-email") && actions.contains(&"user-email-removed"),
        "{actions:?}"
    );
    assert!(
        audit.iter().all(|e| !e.record.contains('@')),
        "an address in the audit trail"
    );
}

/// Accounts stored before addresses existed still load, with none.
#[test]
fn an_account_stored_without_an_address_still_loads() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (_, store) = store(tmp.path());
    let cost = Costs::INSECURE_FOR_TESTS.password;
    accounts::add(&store, "old.account", &Role::named("reviewer"), None, cost).expect("add");
    let user = accounts::get(&store, "old.account")
        .expect("get")
        .expect("exists");
    let mut stored = serde_json::to_value(&user).expect("json");
    stored.as_object_mut().expect("object").remove("email");
    let back: User = serde_json::from_value(stored).expect("loads without the field");
    assert_eq!(back.email, None);
}
