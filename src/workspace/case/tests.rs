//! Every move and every refusal of a case, without HTTP or a store.

use chrono::{NaiveDate, TimeZone as _, Utc};

use super::*;

fn stages() -> Vec<EscalationStage> {
    let stage = |working_days, days, roles: &[&str]| EscalationStage {
        title: "a stage".into(),
        question: "what was agreed?".into(),
        working_days,
        days,
        roles: roles.iter().map(|r| r.to_string()).collect(),
    };
    vec![
        stage(Some(5), None, &["chair"]),
        stage(None, Some(7), &["chair", "reviewer"]),
    ]
}

fn rules(workflow: Workflow, stages: &[EscalationStage]) -> Rules<'_> {
    Rules {
        workflow,
        stages,
        zone: chrono_tz::Europe::London,
        calendar: crate::calendar::Calendar::named("england-and-wales").expect("built in"),
    }
}

/// Monday 3 March 2025, 10:00 UTC: no bank holiday in the week after.
fn monday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 3, 10, 0, 0)
        .single()
        .expect("a time")
}

fn by(role: Role) -> Signer<'static> {
    Signer {
        name: "someone",
        role,
        at: monday(),
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

#[test]
fn a_first_decision_sets_the_status_and_is_signed_with_its_trimmed_rationale() {
    let st = stages();
    let mut case = Case::default();
    let moved = case
        .decide(
            &rules(Workflow::Threshold, &st),
            Some(Outcome::Accept),
            "  meets it \n",
            &by(Role::Reviewer),
        )
        .expect("decided");
    assert_eq!(moved, Move::Decided(Outcome::Accept));
    assert_eq!(case.status, Status::Accepted);
    let (outcome, signed) = case.decision.clone().expect("a decision");
    assert_eq!(
        (outcome, signed.by.as_str(), signed.rationale.as_str()),
        (Outcome::Accept, "someone", "meets it")
    );
    assert_eq!(case.history, vec![(Status::Accepted, signed)]);
    assert!(case.stage1.is_none() && case.corrections.is_empty());
}

#[test]
fn a_correction_replaces_the_decision_and_keeps_the_earlier_one() {
    let st = stages();
    let r = rules(Workflow::Threshold, &st);
    let mut case = Case::default();
    case.decide(&r, Some(Outcome::Accept), "first", &by(Role::Reviewer))
        .expect("decided");
    assert_eq!(
        case.may_decide(&r),
        Ok(()),
        "an accept with no escalation may be corrected"
    );
    let moved = case
        .decide(
            &r,
            Some(Outcome::NotAccepted),
            "second",
            &by(Role::Reviewer),
        )
        .expect("corrected");
    assert_eq!(moved, Move::Corrected(Outcome::NotAccepted));
    assert_eq!(case.status, Status::NotAccepted);
    assert_eq!(case.corrections.len(), 1);
    assert_eq!(case.corrections[0].0, Outcome::Accept);
    assert_eq!(case.corrections[0].1.rationale, "first");
    assert_eq!(case.history.len(), 2);
}

#[test]
fn escalating_opens_the_first_stage_due_in_its_working_days() {
    let st = stages();
    let mut case = Case::default();
    case.decide(
        &rules(Workflow::Threshold, &st),
        Some(Outcome::Escalate),
        "disputed",
        &by(Role::Reviewer),
    )
    .expect("escalated");
    assert_eq!(case.status, Status::Escalated);
    let stage = case.stage1.clone().expect("stage 1 open");
    assert_eq!(
        stage.deadline,
        day(2025, 3, 10),
        "five working days after Monday"
    );
    assert_eq!(stage.outcome, None);
    assert_eq!(case.open_stage(), Some(0));
}

#[test]
fn a_status_only_record_takes_no_decision() {
    let st = stages();
    let mut case = Case::default();
    let refused = case.decide(
        &rules(Workflow::Status, &st),
        Some(Outcome::Accept),
        "x",
        &by(Role::Reviewer),
    );
    assert_eq!(refused, Err(Refusal::NotNow(NotNow::StatusRecord)));
    assert_eq!(case, Case::default(), "nothing changed");
}

#[test]
fn an_escalated_decision_can_no_longer_be_corrected() {
    let st = stages();
    let r = rules(Workflow::Threshold, &st);
    let mut case = Case::default();
    case.decide(&r, Some(Outcome::Escalate), "disputed", &by(Role::Reviewer))
        .expect("escalated");
    let before = case.clone();
    assert_eq!(case.may_decide(&r), Err(Refusal::NotNow(NotNow::Settled)));
    assert_eq!(
        case.decide(&r, Some(Outcome::Accept), "x", &by(Role::Reviewer)),
        Err(Refusal::NotNow(NotNow::Settled))
    );
    assert_eq!(case, before);
}

#[test]
fn a_decision_without_a_choice_or_rationale_names_both_problems_and_changes_nothing() {
    let st = stages();
    let r = rules(Workflow::Threshold, &st);
    let mut case = Case::default();
    assert_eq!(
        case.decide(&r, None, "   ", &by(Role::Reviewer)),
        Err(Refusal::Incomplete(vec![
            Problem::NoChoice,
            Problem::NoRationale
        ]))
    );
    let long = "x".repeat(MAX_RATIONALE + 1);
    assert_eq!(
        case.decide(&r, Some(Outcome::Accept), &long, &by(Role::Reviewer)),
        Err(Refusal::Incomplete(vec![Problem::RationaleTooLong]))
    );
    let exactly = "é".repeat(MAX_RATIONALE);
    assert!(
        case.clone()
            .decide(&r, Some(Outcome::Accept), &exactly, &by(Role::Reviewer))
            .is_ok(),
        "characters, not bytes"
    );
    assert_eq!(case, Case::default());
}

fn escalated(r: &Rules) -> Case {
    let mut case = Case::default();
    case.decide(r, Some(Outcome::Escalate), "disputed", &by(Role::Reviewer))
        .expect("escalated");
    case
}

#[test]
fn no_stage_outcome_is_recorded_without_an_open_stage() {
    let st = stages();
    let r = rules(Workflow::Threshold, &st);
    let mut case = Case::default();
    assert_eq!(
        case.may_record_stage(&r, Role::Chair),
        Err(Refusal::NotNow(NotNow::NoOpenStage))
    );
    assert_eq!(
        case.record_stage(&r, Some(StageResult::Accept), "x", &by(Role::Chair)),
        Err(Refusal::NotNow(NotNow::NoOpenStage))
    );
}

#[test]
fn only_the_roles_configured_for_a_stage_record_its_outcome() {
    let st = stages();
    let r = rules(Workflow::Threshold, &st);
    let mut case = escalated(&r);
    let before = case.clone();
    assert_eq!(
        case.may_record_stage(&r, Role::Reviewer),
        Err(Refusal::NotYourStage)
    );
    assert_eq!(
        case.record_stage(&r, Some(StageResult::Accept), "x", &by(Role::Reviewer)),
        Err(Refusal::NotYourStage)
    );
    assert_eq!(case, before);
    assert_eq!(case.may_record_stage(&r, Role::Chair), Ok(0));
}

#[test]
fn an_unresolved_first_stage_opens_the_second_due_in_calendar_days() {
    let st = stages();
    let r = rules(Workflow::Threshold, &st);
    let mut case = escalated(&r);
    let moved = case
        .record_stage(
            &r,
            Some(StageResult::Unresolved),
            "no agreement",
            &by(Role::Chair),
        )
        .expect("recorded");
    assert_eq!(moved, Move::StageRecorded(0, StageResult::Unresolved));
    assert_eq!(case.status, Status::Escalated, "still awaiting a decision");
    let first = case.stage1.clone().expect("stage 1");
    assert_eq!(
        first.outcome.map(|(res, s)| (res, s.rationale)),
        Some((StageResult::Unresolved, "no agreement".into()))
    );
    let second = case.stage2.clone().expect("stage 2 open");
    assert_eq!(second.deadline, day(2025, 3, 10), "seven calendar days");
    assert_eq!(case.open_stage(), Some(1));
    // The second stage's roles differ: a reviewer may record it.
    assert_eq!(case.may_record_stage(&r, Role::Reviewer), Ok(1));
}

#[test]
fn the_last_stage_decides_so_unresolved_is_not_on_offer_there() {
    let st = stages();
    let r = rules(Workflow::Threshold, &st);
    let mut case = escalated(&r);
    case.record_stage(
        &r,
        Some(StageResult::Unresolved),
        "no agreement",
        &by(Role::Chair),
    )
    .expect("stage 1");
    let before = case.clone();
    assert_eq!(
        case.record_stage(
            &r,
            Some(StageResult::Unresolved),
            "still not",
            &by(Role::Chair)
        ),
        Err(Refusal::Incomplete(vec![Problem::NoChoice]))
    );
    assert_eq!(case, before);
    let moved = case
        .record_stage(&r, Some(StageResult::Accept), "agreed", &by(Role::Chair))
        .expect("stage 2");
    assert_eq!(moved, Move::StageRecorded(1, StageResult::Accept));
    assert_eq!(case.status, Status::Accepted);
    assert_eq!(case.open_stage(), None);
    assert_eq!(case.history.last().map(|(s, _)| *s), Some(Status::Accepted));
}

#[test]
fn a_first_stage_that_settles_opens_no_second() {
    let st = stages();
    let r = rules(Workflow::Threshold, &st);
    let mut case = escalated(&r);
    case.record_stage(
        &r,
        Some(StageResult::NotAccepted),
        "agreed",
        &by(Role::Chair),
    )
    .expect("recorded");
    assert_eq!(case.status, Status::NotAccepted);
    assert!(case.stage2.is_none() && case.open_stage().is_none());
    assert_eq!(case.may_decide(&r), Err(Refusal::NotNow(NotNow::Settled)));
}

#[test]
fn a_status_only_record_moves_to_a_settable_status_until_closed() {
    let st = stages();
    let r = rules(Workflow::Status, &st);
    let mut case = Case::default();
    assert_eq!(
        case.set_status(&r, Some(Status::Accepted), "x", &by(Role::Reviewer)),
        Err(Refusal::Incomplete(vec![Problem::NoChoice])),
        "a threshold status is not on offer"
    );
    let moved = case
        .set_status(&r, Some(Status::Reviewed), "passed on", &by(Role::Reviewer))
        .expect("set");
    assert_eq!(moved, Move::StatusSet(Status::Reviewed));
    assert_eq!(case.status, Status::Reviewed);
    case.set_status(&r, Some(Status::Closed), "done", &by(Role::Reviewer))
        .expect("closed");
    assert_eq!(
        case.may_set_status(&r),
        Err(Refusal::NotNow(NotNow::Closed))
    );
    assert_eq!(
        case.set_status(&r, Some(Status::Reviewed), "reopen", &by(Role::Reviewer)),
        Err(Refusal::NotNow(NotNow::Closed))
    );
    assert_eq!(case.history.len(), 2);
}

#[test]
fn a_threshold_record_takes_no_status() {
    let st = stages();
    let mut case = Case::default();
    assert_eq!(
        case.set_status(
            &rules(Workflow::Threshold, &st),
            Some(Status::Reviewed),
            "x",
            &by(Role::Reviewer)
        ),
        Err(Refusal::NotNow(NotNow::ThresholdRecord))
    );
}

#[test]
fn each_move_is_audited_under_its_own_words() {
    for (moved, action) in [
        (Move::Decided(Outcome::Accept), "decision:accept"),
        (
            Move::Corrected(Outcome::NotAccepted),
            "decision-corrected:not-accepted",
        ),
        (
            Move::StageRecorded(0, StageResult::Unresolved),
            "escalation-stage1:unresolved",
        ),
        (
            Move::StageRecorded(1, StageResult::Accept),
            "escalation-stage2:accept",
        ),
        (Move::StatusSet(Status::Reviewed), "status:reviewed"),
    ] {
        assert_eq!(moved.audit_action(), action);
    }
}

#[test]
fn the_fingerprint_follows_every_change() {
    let st = stages();
    let r = rules(Workflow::Threshold, &st);
    let mut case = Case::default();
    let before = case.fingerprint();
    assert_eq!(
        before,
        Case::default().fingerprint(),
        "equal cases, equal prints"
    );
    case.decide(&r, Some(Outcome::Accept), "x", &by(Role::Reviewer))
        .expect("decided");
    assert_ne!(case.fingerprint(), before);
}
