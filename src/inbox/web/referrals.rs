//! The inbox list, one referral, its print view and exports, a pull on demand, and the audit
//! trail. Each handler: check the role, call the domain,
//! render or redirect; every view, decision and export goes in the audit trail.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use tower_sessions::Session;

use super::auth::{audit, require};
use super::{blocking, flash, take_notice, InboxError, Posted};
use crate::http::csrf;
use crate::inbox::accounts::{Permission, Role, User};
use crate::inbox::deadline;
use crate::inbox::model::{RecordKey, Referral};
use crate::inbox::views::{self, Chrome, Filters, ListView, ReferralView, Row};
use crate::inbox::{export, pull, Inbox};

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
fn visible(inbox: &Inbox, user: &User, r: &Referral) -> bool {
    match (user.role, &user.la) {
        (Role::BusinessSupport, Some(la)) => r.concerns_la(inbox.form_of(r), la),
        (Role::BusinessSupport, None) => false,
        _ => true,
    }
}

/// The frame of a signed-in page: the quarantine banner shows on every one of them.
pub(super) fn chrome<'a>(inbox: &'a Inbox, user: &'a User, token: &'a str) -> Chrome<'a> {
    Chrome {
        site: &inbox.site,
        marking: &inbox.config.inbox.protective_marking,
        user: Some(user),
        csrf: token,
        notice: None,
        quarantined: inbox.store.quarantine_count(),
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
    let today = inbox.today();
    let may_open = user.role.may(Permission::ViewReferral);
    let zone = inbox.config.zone();
    let mut rows: Vec<Row> = all
        .iter()
        .filter(|r| visible(&inbox, &user, r))
        .filter(|r| q.la.is_empty() || r.concerns_la(inbox.form_of(r), &q.la))
        .filter(|r| q.status.is_empty() || r.case.status.slug() == q.status)
        .filter(|r| q.form.is_empty() || r.submission.form == q.form)
        .map(|r| {
            let deadline = inbox.decision_deadline(r);
            Row {
                href: may_open.then(|| format!("/referrals/{}", r.key.path())),
                reference: r.submission.reference.clone(),
                form: r.submission.form_title.clone(),
                presenting_authority: r
                    .presenting_authority(inbox.form_of(r))
                    .unwrap_or("—")
                    .into(),
                owning_authority: r.owning_authority(inbox.form_of(r)).unwrap_or("—").into(),
                received: crate::local_time::short_date(r.created_at, zone),
                submitted_at: r.created_at,
                status: r.case.status,
                deadline,
                overdue: r.case.status.awaiting_decision() && deadline::is_overdue(deadline, today),
                urgent: r.urgent(inbox.form_of(r)),
            }
        })
        .collect();
    rows.sort_by_key(|r| (!r.urgent, r.deadline, r.submitted_at));
    let last = inbox
        .last_pull
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let token = csrf::token(&session).await?;
    let mut c = chrome(&inbox, &user, &token);
    c.notice = take_notice(&session).await;
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
    Ok(views::list_page(&c, &view).into_response())
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
        .filter(|r| visible(inbox, user, r))
        .ok_or(InboxError::NotFound)
}

pub(super) fn view<'a>(inbox: &'a Inbox, user: &User, r: &'a Referral) -> ReferralView<'a> {
    let deadline = inbox.decision_deadline(r);
    ReferralView {
        referral: r,
        form: inbox.forms.get(&r.submission.form),
        deadline,
        overdue: r.case.status.awaiting_decision() && deadline::is_overdue(deadline, inbox.today()),
        can_decide: user.role.may(Permission::Decide) && r.case.decidable(),
        can_escalate: r
            .case
            .open_stage()
            .is_some_and(|n| inbox.may_record_stage(user, n)),
        stages: &inbox.config.inbox.escalation,
        zone: inbox.config.zone(),
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
    let mut c = chrome(&inbox, &user, &token);
    c.notice = take_notice(&session).await;
    Ok(views::referral_page(&c, &view(&inbox, &user, &r)).into_response())
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
    let deadline = inbox.decision_deadline(&r);
    let body = export::referral_json(&r, deadline, &inbox.config.inbox.protective_marking);
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
        &inbox.forms,
        |r| inbox.decision_deadline(r),
        &inbox.config.inbox.protective_marking,
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}\"",
                    export::csv_file_name(&inbox.config.inbox.protective_marking)
                )
                .as_str(),
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
    let (entries, references) = blocking(move || {
        let mut refs = std::collections::HashMap::new();
        for r in store.all()? {
            refs.insert(r.key.path(), r.submission.reference);
        }
        for q in store.quarantined()? {
            if !q.reference.is_empty() {
                refs.insert(q.key.path(), q.reference);
            }
        }
        Ok((store.audit.recent(500)?, refs))
    })
    .await?;
    let token = csrf::token(&session).await?;
    let c = chrome(&inbox, &user, &token);
    Ok(views::audit_page(&c, &entries, &references, inbox.config.zone()).into_response())
}

async fn pull_now(
    State(inbox): Shared,
    session: Session,
    Posted(form): Posted<super::CsrfOnly>,
) -> Result<Response, InboxError> {
    csrf::verify(&session, Some(&form.csrf)).await?;
    let user = require(&inbox, &session, Permission::Pull).await?;
    audit(&inbox, &user.name, "pull", "").await?;
    let reports = pull::pull_all(inbox.clone(), &user.name).await;
    let stored: usize = reports.iter().map(|r| r.stored).sum();
    let failed = reports.iter().filter(|r| r.error.is_some()).count();
    let message = match (stored, failed) {
        (0, 0) => "Fetched: nothing new.".to_string(),
        (1, 0) => "Fetched 1 new referral.".to_string(),
        (n, 0) => format!("Fetched {n} new referrals."),
        (n, f) => format!(
            "Fetched {n} new; {f} kiosk{} could not be reached: see the last pull below.",
            if f == 1 { "" } else { "s" }
        ),
    };
    flash(&session, &message).await?;
    Ok(Redirect::to("/").into_response())
}
