//! Moving a case on: the threshold decision, the escalation stages, and the statuses of
//! status-only records. The rules are the case's own (`workspace::case`); here a post becomes a
//! move, and the move is saved, audited and confirmed, or refused with the page again: 400
//! with the errors and what was typed, or 409 when someone else changed the case meanwhile
//! (never overwritten, never a 500).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;
use serde::Deserialize;

use super::error::InboxError;
use super::frame;
use super::io::Shared;
use super::io::{self, blocking, Action};
use super::session::{may, SignedIn};
use crate::http::extract::CsrfForm;
use crate::workspace::case::{Case, Move, Outcome, Refusal, Rules, Signer, StageResult, Status};
use crate::workspace::model::{RecordKey, Referral};
use crate::workspace::store::Overtaken;
use crate::workspace::views::{self, CaseForm, FieldError, RefusedPost};
use crate::workspace::Inbox;

pub fn router() -> Router<Arc<Inbox>> {
    Router::new()
        .route("/referrals/{kiosk}/{id}/decision", post(decide))
        .route("/referrals/{kiosk}/{id}/escalation", post(escalate))
        .route("/referrals/{kiosk}/{id}/status", post(set_status))
}

/// What each case form posts: a choice (named after its radio group), a rationale, and the
/// fingerprint of the case the page showed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChoicePost {
    #[serde(alias = "result", alias = "status")]
    outcome: Option<String>,
    rationale: String,
    /// Absent from posts not made from the page; then only a change made while this post was
    /// being saved is caught.
    seen: Option<String>,
}

/// Said on the page when someone else's change got there first.
const OVERTAKEN: &str = "Someone else changed this referral while you were working on it, so your change was not saved. Their change is shown below: check it, then try again if you still need to.";

async fn decide(
    State(inbox): Shared,
    user: SignedIn<may::Decide>,
    Path(key): Path<RecordKey>,
    CsrfForm(post): CsrfForm<ChoicePost>,
) -> Result<Response, InboxError> {
    let outcome = post.outcome.as_deref().and_then(Outcome::parse);
    let sent = Sent::new(&inbox, &user, CaseForm::Decision, &post);
    sent.apply(key, |case, rules, by| {
        case.decide(rules, outcome, &post.rationale, by)
    })
    .await
}

/// Who may record a stage is the stage's own rule (`[[inbox.escalation]]` roles), so the route
/// needs only sight of the referral.
async fn escalate(
    State(inbox): Shared,
    user: SignedIn<may::ViewReferral>,
    Path(key): Path<RecordKey>,
    CsrfForm(post): CsrfForm<ChoicePost>,
) -> Result<Response, InboxError> {
    let result = post.outcome.as_deref().and_then(StageResult::parse);
    let sent = Sent::new(&inbox, &user, CaseForm::Escalation, &post);
    sent.apply(key, |case, rules, by| {
        case.record_stage(rules, result, &post.rationale, by)
    })
    .await
}

async fn set_status(
    State(inbox): Shared,
    user: SignedIn<may::SetStatus>,
    Path(key): Path<RecordKey>,
    CsrfForm(post): CsrfForm<ChoicePost>,
) -> Result<Response, InboxError> {
    let status = post.outcome.as_deref().and_then(Status::parse);
    let sent = Sent::new(&inbox, &user, CaseForm::Status, &post);
    sent.apply(key, |case, rules, by| {
        case.set_status(rules, status, &post.rationale, by)
    })
    .await
}

/// One post of a case form, by one user.
struct Sent<'a, P> {
    inbox: &'a Arc<Inbox>,
    user: &'a SignedIn<P>,
    form: CaseForm,
    post: &'a ChoicePost,
}

impl<'a, P> Sent<'a, P> {
    fn new(
        inbox: &'a Arc<Inbox>,
        user: &'a SignedIn<P>,
        form: CaseForm,
        post: &'a ChoicePost,
    ) -> Self {
        Sent {
            inbox,
            user,
            form,
            post,
        }
    }

    /// Makes the move on a copy of the referral's case, then saves it, or answers the refusal.
    async fn apply(
        &self,
        key: RecordKey,
        make: impl FnOnce(&mut Case, &Rules, &Signer) -> Result<Move, Refusal>,
    ) -> Result<Response, InboxError> {
        let r = io::referral(self.inbox, self.user, key).await?;
        if (self.post.seen.as_ref()).is_some_and(|seen| *seen != r.case.fingerprint()) {
            return self.overtaken(&r).await;
        }
        let mut case = r.case.clone();
        let by = self.user.signer();
        match make(&mut case, &self.inbox.rules(&r), &by) {
            Ok(moved) => self.save(r, case, moved).await,
            Err(Refusal::Incomplete(problems)) => {
                let errors: Vec<_> = problems.into_iter().map(|p| self.form.error(p)).collect();
                self.refused(&r, StatusCode::BAD_REQUEST, &errors).await
            }
            Err(Refusal::NotYourStage) => Err(InboxError::Forbidden),
            Err(Refusal::NotNow(why)) => Err(InboxError::NotNow(why)),
        }
    }

    /// Saves the moved case unless someone else's change got there first; audits and confirms.
    async fn save(&self, r: Referral, case: Case, moved: Move) -> Result<Response, InboxError> {
        let (store, key, seen) = (self.inbox.store.clone(), r.key.clone(), r.case);
        match blocking(move || store.save_case(&key, &seen, case)).await? {
            Ok(()) => {
                let path = r.key.path();
                self.user
                    .audit(self.inbox, Action::Moved(moved), &path)
                    .await?;
                self.user.flash(notice(moved)).await?;
                Ok(Redirect::to(&format!("/referrals/{path}")).into_response())
            }
            Err(Overtaken(now)) => self.overtaken(&now).await,
        }
    }

    /// The page as the case now stands (409), saying why nothing was saved; what was typed kept.
    async fn overtaken(&self, r: &Referral) -> Result<Response, InboxError> {
        let errors = [("case".to_string(), OVERTAKEN)];
        self.refused(r, StatusCode::CONFLICT, &errors).await
    }

    /// The referral page again, with the post's errors and what was typed.
    async fn refused(
        &self,
        r: &Referral,
        status: StatusCode,
        errors: &[(String, &'static str)],
    ) -> Result<Response, InboxError> {
        let mut view = frame::referral(self.inbox, self.user, r);
        view.posted = Some(RefusedPost {
            form: self.form,
            choice: self.post.outcome.as_deref(),
            rationale: &self.post.rationale,
            errors: (errors.iter())
                .map(|(field, message)| FieldError { field, message })
                .collect(),
        });
        let chrome = self.user.frame(self.inbox).await?;
        Ok((status, views::referral_page(&chrome, &view)).into_response())
    }
}

/// What the page says once a move is saved.
fn notice(moved: Move) -> &'static str {
    match moved {
        Move::Decided(_) => "Decision recorded.",
        Move::Corrected(_) => "Decision corrected. The earlier decision is kept on this page.",
        Move::StageRecorded(..) => "Outcome recorded.",
        Move::StatusSet(_) => "Status updated.",
    }
}
