//! The inbox list, one referral, its print view and exports, the decision and status posts,
//! a pull on demand, and the audit trail. Each handler: check the role, call the domain,
//! render or redirect; every view, decision and export goes in the audit trail.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{Days, Utc};
use serde::Deserialize;
use tower_sessions::Session;

use super::auth::{audit, require};
use super::{blocking, InboxError, Posted};
use crate::inbox::accounts::{Permission, Role, User};
use crate::inbox::deadline::{self, Calendar};
use crate::inbox::model::{Kind, Outcome, RecordKey, Referral, Signed, Stage, StageResult, Status};
use crate::inbox::views::{self, Chrome, Filters, ListView, ReferralView, Row};
use crate::inbox::{export, pull, Inbox};
use crate::kiosk::csrf;

type Shared = State<Arc<Inbox>>;

pub fn router() -> Router<Arc<Inbox>> {
    Router::new()
        .route("/", get(list))
        .route("/pull", post(pull_now))
        .route("/export.csv", get(export_csv))
        .route("/audit/", get(audit_trail))
        .route("/referrals/{kiosk}/{id}", get(show))
        .route("/referrals/{kiosk}/{id}/print", get(print))
        .route("/referrals/{kiosk}/{id}/export.json", get(export_json))
        .route("/referrals/{kiosk}/{id}/decision", post(decide))
        .route("/referrals/{kiosk}/{id}/escalation", post(escalate))
        .route("/referrals/{kiosk}/{id}/status", post(set_status))
}

/// A business-support account sees only referrals naming its LA.
fn visible(user: &User, r: &Referral) -> bool {
    match (user.role, &user.la) {
        (Role::BusinessSupport, Some(la)) => r.concerns_la(la),
        (Role::BusinessSupport, None) => false,
        _ => true,
    }
}

fn chrome<'a>(inbox: &'a Inbox, user: &'a User, token: &'a str) -> Chrome<'a> {
    Chrome {
        site: &inbox.site,
        marking: &inbox.config.kiosk.protective_marking,
        user: Some(user),
        csrf: token,
    }
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    la: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    form: String,
}

async fn list(
    State(inbox): Shared,
    session: Session,
    Query(q): Query<ListQuery>,
) -> Result<Response, InboxError> {
    let user = require(&inbox, &session, Permission::ViewList).await?;
    let store = inbox.store.clone();
    let kiosks: Vec<String> = inbox
        .config
        .inbox
        .kiosks
        .iter()
        .map(|k| k.name.clone())
        .collect();
    let (all, gaps) = blocking(move || {
        let gaps = kiosks
            .into_iter()
            .map(|k| Ok((k.clone(), store.kiosk_state(&k)?.gaps)))
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok((store.all()?, gaps))
    })
    .await?;
    let cal = Calendar::england_and_wales();
    let today = Utc::now().date_naive();
    let mut rows: Vec<Row> = all
        .iter()
        .filter(|r| visible(&user, r))
        .filter(|r| q.la.is_empty() || r.concerns_la(&q.la))
        .filter(|r| q.status.is_empty() || r.case.status.slug() == q.status)
        .filter(|r| q.form.is_empty() || r.submission.form == q.form)
        .map(|r| {
            let deadline = cal.decision_deadline(r.received_at);
            Row {
                href: format!("/referrals/{}", r.key.path()),
                reference: r.submission.reference.clone(),
                form: r.submission.form_title.clone(),
                presenting_la: r.presenting_la().unwrap_or("—").into(),
                owning_la: r.owning_la().unwrap_or("—").into(),
                received: r.received_at.date_naive(),
                status: r.case.status,
                deadline,
                overdue: r.case.status.awaiting_decision() && deadline::is_overdue(deadline, today),
                urgent: r.urgent(),
            }
        })
        .collect();
    rows.sort_by_key(|r| (!r.urgent, r.deadline, r.received));
    let last = inbox
        .last_pull
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let token = csrf::token(&session).await?;
    let view = ListView {
        rows: &rows,
        filters: Filters {
            la: &q.la,
            status: &q.status,
            form: &q.form,
            las: &inbox.config.partnership.local_authorities,
            forms: inbox
                .forms
                .iter()
                .map(|f| (f.id.as_str(), f.title.as_str()))
                .collect(),
        },
        gaps: gaps.into_iter().filter(|(_, g)| !g.is_empty()).collect(),
        last_pull: last
            .as_ref()
            .map(|(at, r)| (at.format("%-d %b %Y %H:%M UTC").to_string(), r.as_slice())),
        can_pull: user.role.may(Permission::Pull),
        can_export_csv: user.role.may(Permission::ExportCsv),
    };
    Ok(views::list_page(&chrome(&inbox, &user, &token), &view).into_response())
}

/// Loads a referral the user may see; others are "not found", so their existence is not told.
async fn load(
    inbox: &Arc<Inbox>,
    user: &User,
    kiosk: String,
    id: String,
) -> Result<Referral, InboxError> {
    let store = inbox.store.clone();
    let key = RecordKey { kiosk, id };
    let referral = blocking(move || store.get(&key)).await?;
    referral
        .filter(|r| visible(user, r))
        .ok_or(InboxError::NotFound)
}

fn view<'a>(inbox: &'a Inbox, user: &User, r: &'a Referral) -> ReferralView<'a> {
    let deadline = Calendar::england_and_wales().decision_deadline(r.received_at);
    ReferralView {
        referral: r,
        form: inbox.forms.get(&r.submission.form),
        deadline,
        overdue: r.case.status.awaiting_decision()
            && deadline::is_overdue(deadline, Utc::now().date_naive()),
        can_decide: user.role.may(Permission::Decide),
        can_escalate: user.role.may(Permission::RecordEscalation),
        can_set_status: user.role.may(Permission::SetStatus),
        can_export: user.role.may(Permission::Export),
    }
}

async fn show(
    State(inbox): Shared,
    session: Session,
    Path((kiosk, id)): Path<(String, String)>,
) -> Result<Response, InboxError> {
    let user = require(&inbox, &session, Permission::ViewReferral).await?;
    let r = load(&inbox, &user, kiosk, id).await?;
    audit(&inbox, &user.name, "view", &r.key.path()).await?;
    let token = csrf::token(&session).await?;
    Ok(
        views::referral_page(&chrome(&inbox, &user, &token), &view(&inbox, &user, &r))
            .into_response(),
    )
}

async fn print(
    State(inbox): Shared,
    session: Session,
    Path((kiosk, id)): Path<(String, String)>,
) -> Result<Response, InboxError> {
    let user = require(&inbox, &session, Permission::Export).await?;
    let r = load(&inbox, &user, kiosk, id).await?;
    audit(&inbox, &user.name, "export-print", &r.key.path()).await?;
    let token = csrf::token(&session).await?;
    Ok(views::print_page(&chrome(&inbox, &user, &token), &view(&inbox, &user, &r)).into_response())
}

async fn export_json(
    State(inbox): Shared,
    session: Session,
    Path((kiosk, id)): Path<(String, String)>,
) -> Result<Response, InboxError> {
    let user = require(&inbox, &session, Permission::Export).await?;
    let r = load(&inbox, &user, kiosk, id).await?;
    audit(&inbox, &user.name, "export-json", &r.key.path()).await?;
    let deadline = Calendar::england_and_wales().decision_deadline(r.received_at);
    let body = export::referral_json(&r, deadline, &inbox.config.kiosk.protective_marking);
    let disposition = format!(
        "attachment; filename=\"{}.json\"",
        r.submission
            .reference
            .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "")
    );
    Ok((
        [(header::CONTENT_DISPOSITION, disposition)],
        axum::Json(body),
    )
        .into_response())
}

async fn export_csv(State(inbox): Shared, session: Session) -> Result<Response, InboxError> {
    let user = require(&inbox, &session, Permission::ExportCsv).await?;
    let store = inbox.store.clone();
    let all = blocking(move || store.all()).await?;
    audit(&inbox, &user.name, "export-csv", "").await?;
    let body = export::csv(
        &all,
        Calendar::england_and_wales(),
        &inbox.config.kiosk.protective_marking,
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"referrals.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

async fn audit_trail(State(inbox): Shared, session: Session) -> Result<Response, InboxError> {
    let user = require(&inbox, &session, Permission::ReadAudit).await?;
    audit(&inbox, &user.name, "audit-view", "").await?;
    let store = inbox.store.clone();
    let entries = blocking(move || store.audit.recent(500)).await?;
    let token = csrf::token(&session).await?;
    Ok(views::audit_page(&chrome(&inbox, &user, &token), &entries).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CsrfOnly {
    csrf: String,
}

async fn pull_now(
    State(inbox): Shared,
    session: Session,
    Posted(form): Posted<CsrfOnly>,
) -> Result<Response, InboxError> {
    csrf::verify(&session, Some(&form.csrf)).await?;
    let user = require(&inbox, &session, Permission::Pull).await?;
    audit(&inbox, &user.name, "pull", "").await?;
    pull::pull_all(inbox.clone(), &user.name).await;
    Ok(Redirect::to("/").into_response())
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
