use super::*;
use crate::tracker::extract::tests::{answers, form, submission, FORM};

fn record(name: &str) -> Person {
    Person::new(name)
}

fn shown(s: &Submission) -> String {
    format!("{:?}", s.answers)
}

#[test]
fn a_victim_sees_their_own_answers_and_no_perpetrator() {
    let form = form(FORM);
    let mut s = submission(answers());
    let withheld = third_parties(&form, &mut s, &[record("Orrel, Tamsin")]);
    let text = shown(&s);
    assert!(
        text.contains("Tamsin") && text.contains("2009-03-27"),
        "{text}"
    );
    assert!(
        !text.contains("Vantor") && !text.contains("Jory") && !text.contains("07700"),
        "{text}"
    );
    assert!(text.contains(MARKER), "{text}");
    // Two perpetrators named (the third item is empty and says nothing).
    assert_eq!(
        withheld,
        vec![
            Redacted {
                role: "perpetrator".into(),
                answers_in: "Perpetrator 1".into(),
                answers: 4,
            },
            Redacted {
                role: "perpetrator".into(),
                answers_in: "Perpetrator 2".into(),
                answers: 2,
            },
        ]
    );
    // Places are not people: kept.
    assert!(text.contains("Greggs"), "{text}");
}

#[test]
fn a_perpetrator_sees_their_own_item_but_not_the_victim_or_the_others() {
    let form = form(FORM);
    let mut s = submission(answers());
    // Known by an alias the referral gave in brackets.
    let mut kade = record("K. Vantor");
    kade.aliases.push("Bigz".into());
    let withheld = third_parties(&form, &mut s, &[kade]);
    let text = shown(&s);
    assert!(text.contains("Kade Vantor (Bigz)"), "{text}");
    assert!(
        !text.contains("Tamsin") && !text.contains("2009-03-27") && !text.contains("Jory"),
        "{text}"
    );
    let roles: Vec<_> = withheld.iter().map(|r| r.answers_in.as_str()).collect();
    assert_eq!(roles, ["First name", "Perpetrator 2"], "{withheld:?}");
    assert_eq!(
        withheld[0].answers, 4,
        "first and last name, date of birth, area"
    );
}

#[test]
fn a_subject_not_recognised_withholds_everyone_rather_than_disclose() {
    let form = form(FORM);
    let mut s = submission(answers());
    let withheld = third_parties(&form, &mut s, &[record("Someone Renamed")]);
    assert_eq!(withheld.len(), 3, "{withheld:?}");
    let text = shown(&s);
    assert!(
        !text.contains("Tamsin") && !text.contains("Vantor"),
        "{text}"
    );
}
