//! Moving a case on: the threshold decision, the two escalation stages, and the simple
//! statuses of soft intelligence and extraordinary requests. Each needs a rationale, is signed
//! with who and when, refuses to overwrite a change made meanwhile, and is audited.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;
use chrono::{Days, Utc};
use serde::Deserialize;
use tower_sessions::Session;

use super::auth::{audit, require};
use super::referrals::load;
use super::{blocking, InboxError, Posted};
use crate::inbox::accounts::{Permission, User};
use crate::inbox::deadline::{self, Calendar};
use crate::inbox::model::{Kind, Outcome, Referral, Signed, Stage, StageResult, Status};
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

/// Checks the token and the rationale, and signs it with who and when.
async fn signed(session: &Session, form: &ChoicePost, user: &User) -> Result<Signed, InboxError> {
    csrf::verify(session, Some(&form.csrf)).await?;
    let rationale = form.rationale.trim();
    if rationale.is_empty() || rationale.len() > 5000 {
        return Err(InboxError::BadRequest(
            "A rationale is required (up to 5000 characters)",
        ));
    }
    Ok(Signed {
        by: user.name.clone(),
        at: Utc::now(),
        rationale: rationale.into(),
    })
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
    let s = signed(&session, &form, &user).await?;
    let outcome = form
        .outcome
        .as_deref()
        .and_then(Outcome::parse)
        .ok_or(InboxError::BadRequest("Choose a decision"))?;
    let r = load(&inbox, &user, kiosk, id).await?;
    if r.kind() != Kind::Referral || r.case.status != Status::New {
        return Err(InboxError::BadRequest(
            "This referral is not waiting for a threshold decision",
        ));
    }
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
    let s = signed(&session, &form, &user).await?;
    let result = form
        .outcome
        .as_deref()
        .and_then(StageResult::parse)
        .ok_or(InboxError::BadRequest("Choose an outcome"))?;
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
    if !(stage1_open || stage2_open) || (stage2_open && result == StageResult::Unresolved) {
        return Err(InboxError::BadRequest(
            "There is no open escalation stage for that outcome",
        ));
    }
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
    let s = signed(&session, &form, &user).await?;
    let status = form
        .outcome
        .as_deref()
        .and_then(Status::parse)
        .filter(|st| matches!(st, Status::Reviewed | Status::Actioned | Status::Closed))
        .ok_or(InboxError::BadRequest("Choose a status"))?;
    let r = load(&inbox, &user, kiosk, id).await?;
    if r.kind() == Kind::Referral {
        return Err(InboxError::BadRequest(
            "Referrals move on by a threshold decision",
        ));
    }
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
