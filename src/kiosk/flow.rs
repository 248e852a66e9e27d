//! The form flow handlers: start, one page at a time, check answers, submit.
//! Each is thin: read the draft, call `forms`, render or redirect. Drafts live
//! in the server-side session (encrypted at rest by the session store).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use maud::Markup;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::error::KioskError;
use super::pages::{self, DraftClock};
use super::{submit, Kiosk};
use crate::forms::{self, Answers, FieldError, FieldValues, Form, Page, PageError};
use crate::http::csrf;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Draft {
    /// Random per draft: makes the final submit idempotent.
    nonce: String,
    started_at: String,
    answers: Answers,
}

type Shared = State<Arc<Kiosk>>;

pub fn router(k: Arc<Kiosk>) -> Router {
    Router::new()
        .route("/forms/", get(index))
        .route("/forms/keepalive", get(keepalive))
        .route("/forms/{form}/", get(start))
        .route("/forms/{form}/check/", get(check))
        .route("/forms/{form}/submit/", axum::routing::post(submit))
        .route("/forms/{form}/{page}/", get(show).post(save))
        .with_state(k)
}

fn draft_key(form: &str) -> String {
    format!("draft:{form}")
}

async fn load_draft(session: &Session, form: &str) -> Result<Option<Draft>, KioskError> {
    session
        .get::<Draft>(&draft_key(form))
        .await
        .map_err(|e| KioskError::Internal(e.into()))
}

async fn save_draft(session: &Session, form: &str, draft: &Draft) -> Result<(), KioskError> {
    session
        .insert(&draft_key(form), draft)
        .await
        .map_err(|e| KioskError::Internal(e.into()))
}

fn form<'a>(k: &'a Kiosk, id: &str) -> Result<&'a Form, KioskError> {
    k.forms.get(id).ok_or(KioskError::NotFound)
}

fn page<'a>(form: &'a Form, id: &str) -> Result<&'a Page, KioskError> {
    form.page(id).ok_or(KioskError::NotFound)
}

fn check_href(form: &str) -> String {
    format!("/forms/{form}/check/")
}

/// Now in the configured zone (checked at start-up), never the server's.
fn now(k: &Kiosk) -> chrono::DateTime<chrono_tz::Tz> {
    let zone = k.config.zone();
    chrono::Utc::now().with_timezone(&zone)
}

fn clock(k: &Kiosk) -> DraftClock {
    let minutes = k.config.kiosk.draft_idle_minutes;
    let now = now(k);
    let at = now + chrono::Duration::minutes(i64::from(minutes));
    DraftClock {
        // "3:45pm BST": the zone's own name, right in summer and winter.
        expires_at: at.format("%-I:%M%P %Z").to_string(),
        expires_ms: at.timestamp_millis(),
        idle_minutes: minutes,
        today: now.date_naive(),
    }
}

fn had_session_cookie(k: &Kiosk, headers: &HeaderMap) -> bool {
    let name = k.session_cookie_name();
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(';').any(|c| c.trim().starts_with(name)))
}

/// Where the user should be when they ask for a page they cannot see yet.
fn resume(form: &Form, answers: &Answers) -> Redirect {
    match forms::first_unanswered_page(form, answers) {
        Some(p) => Redirect::to(&forms::page_href(&form.id, &p.id)),
        None => Redirect::to(&check_href(&form.id)),
    }
}

async fn index(State(k): Shared) -> Markup {
    let built = k.served.built.read().unwrap_or_else(|e| e.into_inner());
    pages::forms_index(&built.info, &k.forms)
}

/// The start page. Reaching it starts the form, so a session that already exists gets a new id
/// here (its drafts are kept): an id planted in this browser by someone else stops working
/// before anything is typed.
async fn start(
    State(k): Shared,
    session: Session,
    Path(id): Path<String>,
) -> Result<Markup, KioskError> {
    let form = form(&k, &id)?;
    cycle_if_live(&session).await?;
    let first = forms::visible_pages(form, &Answers::default())
        .first()
        .copied()
        .ok_or(KioskError::NotFound)?;
    let built = k.served.built.read().unwrap_or_else(|e| e.into_inner());
    Ok(pages::start_page(
        &built.info,
        &k.config.kiosk.protective_marking,
        form,
        first,
    ))
}

/// Gives a live session a new id; does nothing (and creates nothing) without one.
async fn cycle_if_live(session: &Session) -> Result<(), KioskError> {
    let _ = session.get_value("csrf").await;
    if session.id().is_some() {
        session
            .cycle_id()
            .await
            .map_err(|e| KioskError::Internal(e.into()))?;
    }
    Ok(())
}

/// A fresh draft for this form, in a session whose id is new: an id that
/// arrived from a client is never carried into a session with data.
async fn begin(session: &Session, form: &str) -> Result<Draft, KioskError> {
    session
        .cycle_id()
        .await
        .map_err(|e| KioskError::Internal(e.into()))?;
    let draft = Draft {
        nonce: hex::encode(rand::random::<[u8; 32]>()),
        started_at: chrono::Utc::now().to_rfc3339(),
        answers: Answers::default(),
    };
    save_draft(session, form, &draft).await?;
    Ok(draft)
}

async fn show(
    State(k): Shared,
    session: Session,
    headers: HeaderMap,
    Path((fid, pid)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Result<Response, KioskError> {
    let form = form(&k, &fid)?;
    let page = page(form, &pid)?;
    let first =
        forms::first_unanswered_page(form, &Answers::default()).is_some_and(|p| p.id == pid);
    let draft = match load_draft(&session, &fid).await? {
        Some(d) => {
            // The first page starts the form too (it may be reached by a link, not the start
            // page): never carry an id that arrived from the client past it.
            if first {
                cycle_if_live(&session).await?;
            }
            d
        }
        None if first => begin(&session, &fid).await?,
        None if had_session_cookie(&k, &headers) => return Err(KioskError::Expired),
        None => return Ok(Redirect::to(&format!("/forms/{fid}/")).into_response()),
    };
    if !forms::can_visit(form, &draft.answers, &pid) {
        return Ok(resume(form, &draft.answers).into_response());
    }
    let values = FieldValues::from_answers(page, &draft.answers);
    Ok(render_page(
        &k,
        &session,
        form,
        page,
        &draft.answers,
        &values,
        &[],
        q.as_deref(),
    )
    .await?
    .into_response())
}

#[allow(clippy::too_many_arguments)]
async fn render_page(
    k: &Kiosk,
    session: &Session,
    form: &Form,
    page: &Page,
    answers: &Answers,
    values: &FieldValues,
    errors: &[FieldError],
    query: Option<&str>,
) -> Result<Markup, KioskError> {
    let token = csrf::token(session).await?;
    let action = match query {
        Some("change") => format!("{}?change", forms::page_href(&form.id, &page.id)),
        _ => forms::page_href(&form.id, &page.id),
    };
    let visible = forms::visible_pages(form, answers);
    let back = match (query, visible.iter().position(|p| p.id == page.id)) {
        (Some("change"), _) => check_href(&form.id),
        (_, Some(i)) if i > 0 => forms::page_href(&form.id, &visible[i - 1].id),
        _ => format!("/forms/{}/", form.id),
    };
    let built = k.served.built.read().unwrap_or_else(|e| e.into_inner());
    Ok(pages::question_page(
        &built.info,
        &k.config.kiosk.protective_marking,
        form,
        page,
        answers,
        values,
        errors,
        &token,
        &action,
        &back,
        &clock(k),
    ))
}

fn decode(body: &Bytes) -> Result<Vec<(String, String)>, KioskError> {
    forms::decode_post(body).map_err(|_| KioskError::BadRequest)
}

async fn verify_csrf(session: &Session, pairs: &[(String, String)]) -> Result<(), KioskError> {
    let posted = forms::single(pairs, csrf::FIELD).map_err(|_| KioskError::BadRequest)?;
    Ok(csrf::verify(session, posted).await?)
}

async fn save(
    State(k): Shared,
    session: Session,
    Path((fid, pid)): Path<(String, String)>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, KioskError> {
    let form = form(&k, &fid)?;
    let page = page(form, &pid)?;
    let pairs = decode(&body)?;
    verify_csrf(&session, &pairs).await?;
    let mut draft = load_draft(&session, &fid)
        .await?
        .ok_or(KioskError::Expired)?;
    if !forms::can_visit(form, &draft.answers, &pid) {
        return Ok(resume(form, &draft.answers).into_response());
    }
    let posted: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(n, _)| n != csrf::FIELD)
        .collect();
    match forms::validate_page_on(form, page, &draft.answers, &posted, now(&k).date_naive()) {
        Ok(answers) => {
            let stay = answers.intent == forms::Intent::Stay;
            draft.answers.record(page, answers);
            save_draft(&session, &fid, &draft).await?;
            let next = if stay {
                Redirect::to(&format!(
                    "{}{}",
                    forms::page_href(&fid, &pid),
                    if q.as_deref() == Some("change") {
                        "?change"
                    } else {
                        ""
                    }
                ))
            } else if q.as_deref() == Some("change") {
                resume(form, &draft.answers)
            } else {
                match forms::next_page(form, &draft.answers, &pid) {
                    Some(p) => Redirect::to(&forms::page_href(&fid, &p.id)),
                    None => resume(form, &draft.answers),
                }
            };
            Ok(next.into_response())
        }
        Err(PageError::Invalid(e)) => Ok(render_page(
            &k,
            &session,
            form,
            page,
            &draft.answers,
            &e.values,
            &e.errors,
            q.as_deref(),
        )
        .await?
        .into_response()),
        Err(PageError::BadRequest(_)) => Err(KioskError::BadRequest),
    }
}

async fn check(
    State(k): Shared,
    session: Session,
    headers: HeaderMap,
    Path(fid): Path<String>,
) -> Result<Response, KioskError> {
    let form = form(&k, &fid)?;
    let Some(draft) = load_draft(&session, &fid).await? else {
        return if had_session_cookie(&k, &headers) {
            Err(KioskError::Expired)
        } else {
            Ok(Redirect::to(&format!("/forms/{fid}/")).into_response())
        };
    };
    if !forms::is_complete(form, &draft.answers) {
        return Ok(resume(form, &draft.answers).into_response());
    }
    let token = csrf::token(&session).await?;
    let built = k.served.built.read().unwrap_or_else(|e| e.into_inner());
    Ok(pages::check_page(
        &built.info,
        &k.config.kiosk.protective_marking,
        form,
        &draft.answers,
        &token,
        None,
        &clock(&k),
    )
    .into_response())
}

async fn submit(
    State(k): Shared,
    session: Session,
    Path(fid): Path<String>,
    body: Bytes,
) -> Result<Response, KioskError> {
    let form = form(&k, &fid)?;
    let pairs = decode(&body)?;
    verify_csrf(&session, &pairs).await?;
    let draft = load_draft(&session, &fid)
        .await?
        .ok_or(KioskError::Expired)?;
    if !forms::is_complete(form, &draft.answers) {
        return Ok(resume(form, &draft.answers).into_response());
    }
    if pairs
        .iter()
        .any(|(n, _)| n != csrf::FIELD && n != "declaration")
    {
        return Err(KioskError::BadRequest);
    }
    if forms::single(&pairs, "declaration").map_err(|_| KioskError::BadRequest)? != Some("yes") {
        let token = csrf::token(&session).await?;
        let error = FieldError {
            field: "declaration".into(),
            target: "declaration".into(),
            message: "Confirm the declaration to send your form".into(),
            summary: "Confirm the declaration to send your form".into(),
            parts: Vec::new(),
        };
        let built = k.served.built.read().unwrap_or_else(|e| e.into_inner());
        return Ok(pages::check_page(
            &built.info,
            &k.config.kiosk.protective_marking,
            form,
            &draft.answers,
            &token,
            Some(&error),
            &clock(&k),
        )
        .into_response());
    }
    let answers = draft.answers.pruned(form);
    let copy = forms::answers_copy(form, &answers);
    let kiosk = k.clone();
    let form_owned = form.clone();
    let reference = tokio::task::spawn_blocking(move || {
        submit::seal_and_store(
            &kiosk,
            &form_owned,
            &answers,
            &draft.started_at,
            &draft.nonce,
        )
    })
    .await
    .map_err(|e| KioskError::NotStored(e.into()))?
    .map_err(KioskError::NotStored)?;
    // The record is durable: forget the draft and everything in this browser.
    session
        .flush()
        .await
        .map_err(|e| KioskError::Internal(e.into()))?;
    let built = k.served.built.read().unwrap_or_else(|e| e.into_inner());
    let mut res = pages::confirmation_page(
        &built.info,
        &k.config.kiosk.protective_marking,
        form,
        &reference,
        copy,
    )
    .into_response();
    res.headers_mut().insert(
        "clear-site-data",
        HeaderValue::from_static("\"cache\", \"cookies\", \"storage\""),
    );
    // The page holds the user's copy of the answers: never kept by a cache.
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

#[derive(Serialize)]
struct KeepAlive {
    expires_at: String,
    expires_ms: i64,
}

/// Called by the timeout warning's "Keep my answers" button: any request
/// with the session extends it; this one also tells the page the new time.
async fn keepalive(State(k): Shared, session: Session) -> Result<Json<KeepAlive>, KioskError> {
    session
        .insert("touched", chrono::Utc::now().timestamp())
        .await
        .map_err(|e| KioskError::Internal(e.into()))?;
    let c = clock(&k);
    Ok(Json(KeepAlive {
        expires_at: c.expires_at,
        expires_ms: c.expires_ms,
    }))
}
