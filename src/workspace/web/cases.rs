//! The inbox list, one referral, its print view and exports, a pull on demand, and the audit
//! trail. Each handler is signed in with the permission it needs, calls the domain, and
//! renders or redirects; every view and export goes in the audit trail.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::error::WorkspaceError;
use super::frame;
use super::io::Shared;
use super::io::{self, blocking, Action};
use super::session::{may, SignedIn};
use crate::http::extract::{CsrfForm, TokenOnly};
use crate::workspace::listing::{self, Filter, KioskGaps, Listing};
use crate::workspace::model::RecordKey;
use crate::workspace::pull::{self, PullReport};
use crate::workspace::views::{self, Filters, ListView};
use crate::workspace::{export, Workspace};

pub fn router() -> Router<Arc<Workspace>> {
    Router::new()
        .route("/", get(list))
        .route("/pull", post(pull_now))
        .route("/export.csv", get(export_csv))
        .route("/audit/", get(audit_trail))
        .route("/cases/{kiosk}/{id}", get(show))
        .route("/cases/{kiosk}/{id}/print", get(print))
        .route("/cases/{kiosk}/{id}/export.json", get(export_json))
}

async fn list(
    State(inbox): Shared,
    user: SignedIn<may::ViewList>,
    Query(filter): Query<Filter>,
) -> Result<Response, WorkspaceError> {
    let (i, u, f) = (inbox.clone(), user.user.clone(), filter.clone());
    let (listing, gaps) =
        blocking(move || Ok((listing::list(&i, &u, &f)?, listing::gaps(&i)?))).await?;
    let last = inbox.latest_pull();
    let mut view = list_view(&inbox, &user, &listing, &filter, gaps, last.as_ref());
    view.late_agendas = super::meetings::late(&inbox, &user).await?;
    Ok(views::list_page(&user.frame(&inbox).await?, &view).into_response())
}

/// The list page's model: the rows, the filters and their choices, and what the last pull did.
fn list_view<'a, P>(
    inbox: &'a Workspace,
    user: &SignedIn<P>,
    listing: &'a Listing,
    filter: &'a Filter,
    gaps: Vec<KioskGaps>,
    last: Option<&'a (chrono::DateTime<chrono::Utc>, Vec<PullReport>)>,
) -> ListView<'a> {
    let forms = inbox.forms.iter();
    ListView {
        listing,
        filters: Filters {
            la: &filter.la,
            status: &filter.status,
            form: &filter.form,
            las: &inbox.config.partnership.local_authorities,
            forms: forms.map(|f| (f.id.as_str(), f.title.as_str())).collect(),
            states: listing::states(inbox),
        },
        gaps,
        last_pull: last.map(|(at, r)| (at.format("%-d %b %Y %H:%M UTC").to_string(), &r[..])),
        can_pull: user.role.may(crate::workspace::Permission::Pull),
        can_export_csv: user.role.may(crate::workspace::Permission::ExportCsv),
        late_agendas: Vec::new(),
    }
}

async fn show(
    State(inbox): Shared,
    user: SignedIn<may::ViewCase>,
    Path(key): Path<RecordKey>,
) -> Result<Response, WorkspaceError> {
    let r = io::referral(&inbox, &user, key).await?;
    user.audit(&inbox, Action::View, &r.key.path()).await?;
    let view = frame::case(&inbox, &user, &r);
    Ok(views::case_page(&user.frame(&inbox).await?, &view).into_response())
}

async fn print(
    State(inbox): Shared,
    user: SignedIn<may::Export>,
    Path(key): Path<RecordKey>,
) -> Result<Response, WorkspaceError> {
    let r = io::referral(&inbox, &user, key).await?;
    user.audit(&inbox, Action::ExportPrint, &r.key.path())
        .await?;
    let view = frame::case(&inbox, &user, &r);
    Ok(views::print_page(&user.frame(&inbox).await?, &view).into_response())
}

fn attachment(file_name: &str) -> String {
    format!("attachment; filename=\"{file_name}\"")
}

async fn export_json(
    State(inbox): Shared,
    user: SignedIn<may::Export>,
    Path(key): Path<RecordKey>,
) -> Result<Response, WorkspaceError> {
    let r = io::referral(&inbox, &user, key).await?;
    user.audit(&inbox, Action::ExportJson, &r.key.path())
        .await?;
    let marking = &inbox.config.inbox.protective_marking;
    let body = export::referral_json(&r, &inbox.flow(&r), marking);
    let disposition = attachment(&export::json_file_name(&r));
    Ok((
        [(header::CONTENT_DISPOSITION, disposition)],
        axum::Json(body),
    )
        .into_response())
}

async fn export_csv(
    State(inbox): Shared,
    user: SignedIn<may::ExportCsv>,
) -> Result<Response, WorkspaceError> {
    let store = inbox.store.clone();
    let all = blocking(move || store.all()).await?;
    user.audit(&inbox, Action::ExportCsv, "").await?;
    let marking = &inbox.config.inbox.protective_marking;
    let all: Vec<_> = all
        .into_iter()
        .filter(|r| listing::visible(&inbox, &user, r))
        .collect();
    let flow = |r: &crate::workspace::Referral| {
        let flow = inbox.flow(r);
        (
            flow.state_id(&r.case).to_string(),
            flow.deadline(&r.case, r.created_at),
        )
    };
    let body = export::csv(&all, &inbox.forms, flow, marking);
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
        (
            header::CONTENT_DISPOSITION,
            attachment(&export::csv_file_name(marking)),
        ),
    ];
    Ok((headers, body).into_response())
}

async fn audit_trail(
    State(inbox): Shared,
    user: SignedIn<may::ReadAudit>,
) -> Result<Response, WorkspaceError> {
    user.audit(&inbox, Action::AuditView, "").await?;
    let store = inbox.store.clone();
    let (entries, refs) =
        blocking(move || Ok((store.audit.recent(500)?, store.references()?))).await?;
    let page = views::audit_page(
        &user.frame(&inbox).await?,
        &entries,
        &refs,
        inbox.config.zone(),
    );
    Ok(page.into_response())
}

async fn pull_now(
    State(inbox): Shared,
    user: SignedIn<may::Pull>,
    _: CsrfForm<TokenOnly>,
) -> Result<Response, WorkspaceError> {
    user.audit(&inbox, Action::Pull, "").await?;
    let reports = pull::pull_all(inbox.clone(), &user.name).await;
    user.flash(&pulled(&reports)).await?;
    Ok(Redirect::to("/").into_response())
}

/// What a pull on demand fetched, in a sentence.
fn pulled(reports: &[PullReport]) -> String {
    let stored: usize = reports.iter().map(|r| r.stored).sum();
    let failed = reports.iter().filter(|r| r.error.is_some()).count();
    match (stored, failed) {
        (0, 0) => "Fetched: nothing new.".to_string(),
        (1, 0) => "Fetched 1 new referral.".to_string(),
        (n, 0) => format!("Fetched {n} new referrals."),
        (n, f) => format!(
            "Fetched {n} new; {f} kiosk{} could not be reached: see the last pull below.",
            if f == 1 { "" } else { "s" }
        ),
    }
}
