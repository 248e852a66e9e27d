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
use chrono::{Days, Utc};
use serde::Deserialize;
use tower_sessions::Session;

use super::auth::{audit, require};
use super::referrals::{self, load};
use super::{blocking, InboxError, Posted};
use crate::inbox::accounts::{Permission, User};
use crate::inbox::deadline::{self, Calendar};
use crate::inbox::model::{Kind, Outcome, Referral, Signed, Stage, StageResult, Status};
use crate::inbox::views::{self, CaseForm, FieldError, RefusedPost};
use crate::inbox::Inbox;
use crate::kiosk::csrf;

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

/// Applies `change` to the case and records `action` in the audit trail.
async fn change_case(
    inbox: &Arc<Inbox>,
    r: Referral,
    user: &User,
    action: String,
    change: impl FnOnce(&mut Referral) -> Result<(), InboxError> + Send + 'static,
) -> Result<Response, InboxError> {
    let mut probe = r.clone();
    change(&mut probe)?;
    let (store, key, case) = (inbox.store.clone(), r.key.clone(), probe.case);
    let k = key.clone();
    blocking(move || {
        store.update(&k, |stored| {
            if stored.case != r.case {
                anyhow::bail!("the case changed while this decision was being made");
            }
            stored.case = case;
            Ok(())
        })
    })
    .await?;
    audit(inbox, &user.name, &action, &key.path()).await?;
    Ok(Redirect::to(&format!("/referrals/{}", key.path())).into_response())
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
    if r.kind() != Kind::Referral || r.case.status != Status::New {
        return Err(InboxError::BadRequest(
            "This referral is not waiting for a threshold decision",
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
    change_case(
        &inbox,
        r,
        &user,
        format!("decision:{}", outcome.slug()),
        move |r| {
            let status = match outcome {
                Outcome::Accept => Status::Accepted,
                Outcome::NotAccepted => Status::NotAccepted,
                Outcome::Escalate => {
                    let today = s.at.date_naive();
                    let deadline = Calendar::england_and_wales()
                        .add_working_days(today, deadline::STAGE1_WORKING_DAYS);
                    r.case.stage1 = Some(Stage {
                        deadline,
                        outcome: None,
                    });
                    Status::Escalated
                }
            };
            r.case.status = status;
            r.case.history.push((status, s.clone()));
            r.case.decision = Some((outcome, s));
            Ok(())
        },
    )
    .await
}

async fn escalate(
    State(inbox): Shared,
    session: Session,
    Path((kiosk, id)): Path<(String, String)>,
    Posted(form): Posted<ChoicePost>,
) -> Result<Response, InboxError> {
    let user = require(&inbox, &session, Permission::RecordEscalation).await?;
    csrf::verify(&session, Some(&form.csrf)).await?;
    let r = load(&inbox, &user, kiosk, id).await?;
    let stage1_open = r
        .case
        .stage1
        .as_ref()
        .is_some_and(|st| st.outcome.is_none());
    let stage2_open = r
        .case
        .stage2
        .as_ref()
        .is_some_and(|st| st.outcome.is_none());
    if !(stage1_open || stage2_open) {
        return Err(InboxError::BadRequest(
            "There is no open escalation stage for that outcome",
        ));
    }
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
    let action = format!(
        "escalation-stage{}:{result:?}",
        if stage1_open { 1 } else { 2 }
    )
    .to_lowercase();
    change_case(&inbox, r, &user, action, move |r| {
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
            let deadline = s.at.date_naive() + Days::new(deadline::STAGE2_DAYS);
            r.case.stage2 = Some(Stage {
                deadline,
                outcome: None,
            });
        }
        if let Some(status) = status {
            r.case.status = status;
            r.case.history.push((status, s));
        }
        Ok(())
    })
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
    if r.kind() == Kind::Referral {
        return Err(InboxError::BadRequest(
            "Referrals move on by a threshold decision",
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
        r,
        &user,
        format!("status:{}", status.slug()),
        move |r| {
            r.case.status = status;
            r.case.history.push((status, s));
            Ok(())
        },
    )
    .await
}
