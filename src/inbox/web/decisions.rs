//! Moving a case on: the threshold decision, the two escalation stages, and the simple
//! statuses of soft intelligence and extraordinary requests. Each needs a choice and a
//! rationale (a post missing either gets the page back with the errors and what was typed), is
//! signed with who and when, refuses to overwrite a change made meanwhile, and is audited.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use super::auth::{audit, require};
use super::referrals::{self, load};
use super::{blocking, InboxError, Posted};
use crate::forms::Workflow;
use crate::http::csrf;
use crate::inbox::accounts::{Permission, User};
use crate::inbox::model::{Outcome, Referral, Signed, Stage, StageResult, Status};
use crate::inbox::views::{self, CaseForm, FieldError, RefusedPost};
use crate::inbox::Inbox;

type Shared = State<Arc<Inbox>>;

pub fn router() -> Router<Arc<Inbox>> {
    Router::new()
        .route("/referrals/{kiosk}/{id}/decision", post(decide))
        .route("/referrals/{kiosk}/{id}/escalation", post(escalate))
        .route("/referrals/{kiosk}/{id}/status", post(set_status))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChoicePost {
    csrf: String,
    #[serde(alias = "result", alias = "status")]
    outcome: Option<String>,
    rationale: String,
}

const MAX_RATIONALE: usize = 5000;

/// What is missing or wrong in a post of `form`, given whether its choice was one on offer.
fn problems(form: CaseForm, choice_ok: bool, rationale: &str) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    if !choice_ok {
        out.push((form.choice_target(), form.choose_message()));
    }
    let rationale = rationale.trim();
    if rationale.is_empty() {
        out.push((form.rationale_id(), form.rationale_message()));
    } else if rationale.chars().count() > MAX_RATIONALE {
        out.push((
            form.rationale_id(),
            "The rationale must be 5000 characters or fewer",
        ));
    }
    out
}

/// The referral page again, with the refused post's errors and what was typed (400).
async fn refused(
    inbox: &Arc<Inbox>,
    session: &Session,
    user: &User,
    r: &Referral,
    form: CaseForm,
    posted: &ChoicePost,
    problems: &[(String, &'static str)],
) -> Result<Response, InboxError> {
    let token = csrf::token(session).await?;
    let mut view = referrals::view(inbox, user, r);
    view.posted = Some(RefusedPost {
        form,
        choice: posted.outcome.as_deref(),
        rationale: &posted.rationale,
        errors: problems
            .iter()
            .map(|(field, message)| FieldError { field, message })
            .collect(),
    });
    let page = views::referral_page(&referrals::chrome(inbox, user, &token), &view);
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

/// The rationale, signed with who and when.
fn signed(form: &ChoicePost, user: &User) -> Signed {
    Signed {
        by: user.name.clone(),
        at: Utc::now(),
        rationale: form.rationale.trim().into(),
    }
}

/// Applies `change` to the case, records `action` in the audit trail and leaves `notice` for
/// the page the user lands on. A case changed by someone else meanwhile is never overwritten:
/// the user is sent back to the page, which shows the other change and says why theirs was not
/// saved (a message, never a 500).
async fn change_case(
    inbox: &Arc<Inbox>,
    session: &Session,
    r: Referral,
    user: &User,
    action: String,
    notice: &str,
    change: impl FnOnce(&mut Referral) -> Result<(), InboxError> + Send + 'static,
) -> Result<Response, InboxError> {
    let mut probe = r.clone();
    change(&mut probe)?;
    let (store, key, case) = (inbox.store.clone(), r.key.clone(), probe.case);
    let k = key.clone();
    let saved = blocking(move || {
        let mut clash = false;
        store.update(&k, |stored| {
            if stored.case != r.case {
                clash = true;
            } else {
                stored.case = case;
            }
            Ok(())
        })?;
        Ok(!clash)
    })
    .await?;
    let path = key.path();
    if !saved {
        super::flash(
            session,
            "Someone else changed this referral while you were working on it, so your change was not saved. Their change is shown below: check it, then try again if you still need to.",
        )
        .await?;
        return Ok(Redirect::to(&format!("/referrals/{path}")).into_response());
    }
    audit(inbox, &user.name, &action, &path).await?;
    super::flash(session, notice).await?;
    Ok(Redirect::to(&format!("/referrals/{path}")).into_response())
}

async fn decide(
    State(inbox): Shared,
    session: Session,
    Path((kiosk, id)): Path<(String, String)>,
    Posted(form): Posted<ChoicePost>,
) -> Result<Response, InboxError> {
    let user = require(&inbox, &session, Permission::Decide).await?;
    csrf::verify(&session, Some(&form.csrf)).await?;
    let r = load(&inbox, &user, kiosk, id).await?;
    if r.workflow(inbox.form_of(&r)) != Workflow::Threshold || !r.case.decidable() {
        return Err(InboxError::BadRequest(
            "This referral's threshold decision cannot be recorded or corrected now",
        ));
    }
    let outcome = form.outcome.as_deref().and_then(Outcome::parse);
    let wrong = problems(CaseForm::Decision, outcome.is_some(), &form.rationale);
    let Some(outcome) = outcome.filter(|_| wrong.is_empty()) else {
        return refused(
            &inbox,
            &session,
            &user,
            &r,
            CaseForm::Decision,
            &form,
            &wrong,
        )
        .await;
    };
    let s = signed(&form, &user);
    let stage1_deadline = inbox.stage_deadline(0, s.at);
    let correcting = r.case.decision.is_some();
    let action = format!(
        "{}:{}",
        if correcting {
            "decision-corrected"
        } else {
            "decision"
        },
        outcome.slug()
    );
    let notice = if correcting {
        "Decision corrected. The earlier decision is kept on this page."
    } else {
        "Decision recorded."
    };
    change_case(&inbox, &session, r, &user, action, notice, move |r| {
        let status = match outcome {
            Outcome::Accept => Status::Accepted,
            Outcome::NotAccepted => Status::NotAccepted,
            Outcome::Escalate => {
                r.case.stage1 = Some(Stage {
                    deadline: stage1_deadline,
                    outcome: None,
                });
                Status::Escalated
            }
        };
        r.case.status = status;
        r.case.history.push((status, s.clone()));
        if let Some(earlier) = r.case.decision.replace((outcome, s)) {
            r.case.corrections.push(earlier);
        }
        Ok(())
    })
    .await
}

async fn escalate(
    State(inbox): Shared,
    session: Session,
    Path((kiosk, id)): Path<(String, String)>,
    Posted(form): Posted<ChoicePost>,
) -> Result<Response, InboxError> {
    let user = require(&inbox, &session, Permission::ViewReferral).await?;
    csrf::verify(&session, Some(&form.csrf)).await?;
    let r = load(&inbox, &user, kiosk, id).await?;
    let Some(open) = r.case.open_stage() else {
        return Err(InboxError::BadRequest(
            "There is no open escalation stage for that outcome",
        ));
    };
    if !inbox.may_record_stage(&user, open) {
        return Err(InboxError::Forbidden);
    }
    let stage1_open = open == 0;
    // Stage 2 decides: "unresolved" is not on offer there.
    let result = form
        .outcome
        .as_deref()
        .and_then(StageResult::parse)
        .filter(|res| stage1_open || *res != StageResult::Unresolved);
    let wrong = problems(CaseForm::Escalation, result.is_some(), &form.rationale);
    let Some(result) = result.filter(|_| wrong.is_empty()) else {
        return refused(
            &inbox,
            &session,
            &user,
            &r,
            CaseForm::Escalation,
            &form,
            &wrong,
        )
        .await;
    };
    let s = signed(&form, &user);
    let action = format!("escalation-stage{}:{}", open + 1, result.slug());
    let stage2_deadline = inbox.stage_deadline(1, s.at);
    change_case(
        &inbox,
        &session,
        r,
        &user,
        action,
        "Outcome recorded.",
        move |r| {
            let status = match result {
                StageResult::Accept => Some(Status::Accepted),
                StageResult::NotAccepted => Some(Status::NotAccepted),
                StageResult::Unresolved => None,
            };
            let stage = if stage1_open {
                &mut r.case.stage1
            } else {
                &mut r.case.stage2
            };
            if let Some(st) = stage.as_mut() {
                st.outcome = Some((result, s.clone()));
            }
            if result == StageResult::Unresolved {
                r.case.stage2 = Some(Stage {
                    deadline: stage2_deadline,
                    outcome: None,
                });
            }
            if let Some(status) = status {
                r.case.status = status;
                r.case.history.push((status, s));
            }
            Ok(())
        },
    )
    .await
}

async fn set_status(
    State(inbox): Shared,
    session: Session,
    Path((kiosk, id)): Path<(String, String)>,
    Posted(form): Posted<ChoicePost>,
) -> Result<Response, InboxError> {
    let user = require(&inbox, &session, Permission::SetStatus).await?;
    csrf::verify(&session, Some(&form.csrf)).await?;
    let r = load(&inbox, &user, kiosk, id).await?;
    if r.workflow(inbox.form_of(&r)) == Workflow::Threshold {
        return Err(InboxError::BadRequest(
            "Referrals move on by a threshold decision",
        ));
    }
    // The page offers no status form on a closed record; a post from an old page is refused too.
    if r.case.status == Status::Closed {
        return Err(InboxError::BadRequest(
            "This record is closed, so its status cannot change",
        ));
    }
    let status = form
        .outcome
        .as_deref()
        .and_then(Status::parse)
        .filter(|st| matches!(st, Status::Reviewed | Status::Actioned | Status::Closed));
    let wrong = problems(CaseForm::Status, status.is_some(), &form.rationale);
    let Some(status) = status.filter(|_| wrong.is_empty()) else {
        return refused(&inbox, &session, &user, &r, CaseForm::Status, &form, &wrong).await;
    };
    let s = signed(&form, &user);
    change_case(
        &inbox,
        &session,
        r,
        &user,
        format!("status:{}", status.slug()),
        "Status updated.",
        move |r| {
            r.case.status = status;
            r.case.history.push((status, s));
            Ok(())
        },
    )
    .await
}
