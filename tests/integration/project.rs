//! The project's own files, each checked once; every other kiosk and inbox test runs on the
//! harbour fixture. `prem check` passes on the repository (prem.toml, content/ and forms/), the
//! content builds with every internal link resolving, and every real form completes through a
//! real kiosk and is sealed so that only the reviewers' key opens it.

use crate::support::fixture::project_build;
use crate::support::process::run;
use crate::support::tree::assert_internal_links_resolve;
use crate::support::*;
use prem::store::SubmissionStore;

#[test]
fn prem_check_passes_on_the_project() {
    let out = run(&root(), &["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("no problems found"), "{err}");
    assert!(
        err.contains(" and 4 forms"),
        "every form in forms/ is checked: {err}"
    );
}

#[test]
fn project_content_builds_cleanly_with_working_links() {
    let p = project_build();
    let stats = &p.built.stats;
    assert!(stats.pages >= 20, "{stats:?}");
    assert!(p
        .out
        .join("terms-of-reference/eligibility/index.html")
        .is_file());
    assert!(p.out.join("glossary/index.html").is_file());
    let sitemap = std::fs::read_to_string(p.out.join("sitemap.xml")).expect("sitemap");
    assert!(sitemap.matches("<url>").count() >= stats.pages);
    assert_internal_links_resolve(&p.out);
}

#[test]
fn every_form_completes_and_is_sealed_unreadably() {
    let h = Harness::prepare(Partnership::Project, false, |_| {}).listen();
    let index = h.browser().get("/forms/").text();
    let mut refs = Vec::new();
    for id in [
        "child-referral",
        "adult-referral",
        "soft-intelligence",
        "extraordinary-request",
    ] {
        assert!(
            index.contains(&format!("href=\"/forms/{id}/\"")),
            "forms index lists {id}"
        );
        let reference = h.submit_one(id);
        assert!(
            reference.starts_with("PREM-20") && reference.len() == 16,
            "{reference}"
        );
        refs.push(reference);
    }
    let unique: std::collections::HashSet<_> = refs.iter().collect();
    assert_eq!(unique.len(), 4);

    // Nothing the users typed is on disk in the clear.
    let disk = all_bytes(&h.data_dir);
    assert!(!disk.is_empty());
    assert!(
        !contains(&disk, MARKER.as_bytes()),
        "the marker must not appear in the data directory"
    );
    assert!(!contains(&disk, b"Testy McTestface"));

    // The reviewers' key opens every record; the content is all there.
    let records = h
        .kiosk
        .store
        .list_unacked(&h.kiosk.team_ids(None), 100)
        .expect("list");
    assert_eq!(records.len(), 4);
    for r in &records {
        let bytes = h
            .kiosk
            .store
            .read(&r.submission_id, &h.kiosk.team_ids(None))
            .expect("read");
        let (header, plain) =
            prem::seal::open(&bytes, &h.secret).expect("opens with the reviewer key");
        assert_eq!(header.sequence, r.sequence);
        let text = String::from_utf8(plain).expect("utf8");
        assert!(
            text.contains(MARKER) && text.contains(&r.reference),
            "{text}"
        );
        let mut tampered = bytes.clone();
        let mid = tampered.len() / 2;
        tampered[mid] ^= 1;
        assert!(
            prem::seal::open(&tampered, &h.secret).is_err(),
            "a tampered record fails to open"
        );
    }
}
