//! The inbox list, one referral, its print view and exports, a pull on demand, and the audit
//! trail. Each handler: check the role, call the domain,
//! render or redirect; every view, decision and export goes in the audit trail.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use super::auth::{audit, require};
use super::{blocking, InboxError, Posted};
use crate::inbox::accounts::{Permission, Role, User};
use crate::inbox::deadline::{self, Calendar};
use crate::inbox::model::{RecordKey, Referral};
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
        .merge(super::decisions::router())
}

/// A business-support account sees only referrals naming its LA.
fn visible(user: &User, r: &Referral) -> bool {
    match (user.role, &user.la) {
        (Role::BusinessSupport, Some(la)) => r.concerns_la(la),
        (Role::BusinessSupport, None) => false,
        _ => true,
    }
}

pub(super) fn chrome<'a>(inbox: &'a Inbox, user: &'a User, token: &'a str) -> Chrome<'a> {
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
pub(super) async fn load(
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

pub(super) fn view<'a>(inbox: &'a Inbox, user: &User, r: &'a Referral) -> ReferralView<'a> {
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
        posted: None,
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
