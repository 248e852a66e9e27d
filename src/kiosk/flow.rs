//! The form flow handlers: start, one page at a time, check answers, submit.
//! Each extracts (the form, its draft, a checked post), asks `forms` what the
//! answers mean and where to go next, and renders or redirects: the rules live
//! in `forms`, the draft in `draft`, sealing in `submit`.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use maud::Markup;
use serde::Serialize;
use tower_sessions::Session;

use super::draft::{self, Posted};
use super::error::KioskError;
use super::{pages, submit, Kiosk};
use crate::forms::route::{self, Visit};
use crate::forms::{self, Answers, FieldError, Form, Page, PageError, Step};
use crate::http::csrf;

type Shared = State<Arc<Kiosk>>;

pub fn router(k: Arc<Kiosk>) -> Router {
    Router::new()
        .route(route::INDEX, get(index))
        .route("/forms/keepalive", get(keepalive))
        .route("/forms/{form}/", get(start))
        .route("/forms/{form}/check/", get(check))
        .route("/forms/{form}/submit/", post(submit))
        .route("/forms/{form}/{page}/", get(show).post(save))
        .with_state(k)
}

fn form<'a>(k: &'a Kiosk, id: &str) -> Result<&'a Form, KioskError> {
    k.forms.get(id).ok_or(KioskError::NotFound)
}

fn page<'a>(k: &'a Kiosk, form_id: &str, id: &str) -> Result<(&'a Form, &'a Page), KioskError> {
    let form = form(k, form_id)?;
    Ok((form, form.page(id).ok_or(KioskError::NotFound)?))
}

/// Where someone belongs who asks for a page they cannot see yet.
fn resume(form: &Form, answers: &Answers) -> Response {
    Redirect::to(&route::resume_href(form, answers)).into_response()
}

async fn index(State(k): Shared) -> Markup {
    k.render(|c| pages::forms_index(c, &k.forms))
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
    draft::cycle_if_live(&session).await?;
    let first = forms::visible_pages(form, &Answers::default())
        .first()
        .copied();
    let first = first.ok_or(KioskError::NotFound)?;
    Ok(k.render(|c| pages::start_page(c, form, first)))
}

/// A form page's address, `/forms/{form}/{page}/`, and whether it was reached to change an
/// answer from "Check your answers" (`?change`).
struct At {
    form: String,
    page: String,
    visit: Visit,
}

impl<S: Send + Sync> FromRequestParts<S> for At {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let Path((form, page)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let visit = Visit::from_query(parts.uri.query());
        Ok(At { form, page, visit })
    }
}

async fn show(
    State(k): Shared,
    session: Session,
    headers: HeaderMap,
    at: At,
) -> Result<Response, KioskError> {
    let (form, page) = page(&k, &at.form, &at.page)?;
    let first =
        forms::first_unanswered_page(form, &Answers::default()).is_some_and(|p| p.id == page.id);
    let had = draft::had_session_cookie(k.session_cookie_name(), &headers);
    let draft = draft::for_page(&session, &form.id, first, had).await?;
    if !forms::can_visit(form, &draft.answers, &page.id) {
        return Ok(resume(form, &draft.answers));
    }
    question(
        &k,
        &session,
        Step::fresh(form, page, &draft.answers),
        at.visit,
    )
    .await
}

async fn question(
    k: &Kiosk,
    session: &Session,
    step: Step<'_>,
    visit: Visit,
) -> Result<Response, KioskError> {
    let token = csrf::token(session).await?;
    Ok(k.render(|c| pages::question_page(c, &step, &token, visit))
        .into_response())
}

/// A page's answers: checked, kept in the draft and on to the next page, or the page again
/// with its errors and what was typed.
async fn save(
    State(k): Shared,
    session: Session,
    at: At,
    Posted(posted): Posted,
) -> Result<Response, KioskError> {
    let (form, page) = page(&k, &at.form, &at.page)?;
    let mut draft = draft::require(&session, &form.id).await?;
    if !forms::can_visit(form, &draft.answers, &page.id) {
        return Ok(resume(form, &draft.answers));
    }
    let today = draft::now(&k.config).date_naive();
    let answers = match forms::validate_page_on(form, page, &draft.answers, &posted, today) {
        Ok(answers) => answers,
        Err(PageError::Invalid(e)) => {
            let step = Step::again(form, page, &draft.answers, e);
            return question(&k, &session, step, at.visit).await;
        }
        Err(PageError::BadRequest(_)) => return Err(KioskError::BadRequest),
    };
    let stay = answers.intent == forms::Intent::Stay;
    draft.answers.record(page, answers);
    draft::save(&session, &form.id, &draft).await?;
    Ok(Redirect::to(&at.visit.after_save(form, &draft.answers, &page.id, stay)).into_response())
}

async fn check(
    State(k): Shared,
    session: Session,
    headers: HeaderMap,
    Path(fid): Path<String>,
) -> Result<Response, KioskError> {
    let form = form(&k, &fid)?;
    let had = draft::had_session_cookie(k.session_cookie_name(), &headers);
    let draft = draft::for_page(&session, &fid, false, had).await?;
    if !forms::is_complete(form, &draft.answers) {
        return Ok(resume(form, &draft.answers));
    }
    let token = csrf::token(&session).await?;
    Ok(
        k.render(|c| pages::check_page(c, form, &draft.answers, &token, None))
            .into_response(),
    )
}

async fn submit(
    State(k): Shared,
    session: Session,
    Path(fid): Path<String>,
    Posted(posted): Posted,
) -> Result<Response, KioskError> {
    let form = form(&k, &fid)?;
    let draft = draft::require(&session, &fid).await?;
    if !forms::is_complete(form, &draft.answers) {
        return Ok(resume(form, &draft.answers));
    }
    if let Some(error) = declaration_error(&posted)? {
        let token = csrf::token(&session).await?;
        let page = k.render(|c| pages::check_page(c, form, &draft.answers, &token, Some(&error)));
        return Ok(page.into_response());
    }
    let copy = forms::answers_copy(form, &draft.answers.pruned(form));
    let reference = submit::seal_and_store_async(k.clone(), form.clone(), draft).await?;
    // The record is durable: forget the draft and everything in this browser.
    draft::forget_all(&session).await?;
    let page = k.render(|c| pages::confirmation_page(c, form, &reference, copy));
    Ok(private_copy(page.into_response()))
}

/// The declaration is the only field the check page posts (besides the token): anything else
/// is a forged post. Unticked, it is an error to show on the check page.
fn declaration_error(posted: &[(String, String)]) -> Result<Option<FieldError>, KioskError> {
    if posted.iter().any(|(n, _)| n != "declaration") {
        return Err(KioskError::BadRequest);
    }
    let ticked = forms::single(posted, "declaration").map_err(|_| KioskError::BadRequest)?;
    Ok((ticked != Some("yes"))
        .then(|| FieldError::new("declaration", "Confirm the declaration to send your form")))
}

/// The confirmation holds the sender's copy of the answers: it is never kept by a cache, and the
/// browser is told to forget this site's cookies and storage.
fn private_copy(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        "clear-site-data",
        HeaderValue::from_static("\"cache\", \"cookies\", \"storage\""),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[derive(Serialize)]
struct KeepAlive {
    expires_at: String,
    expires_ms: i64,
}

/// Called by the timeout warning's "Keep my answers" button: any request
/// with the session extends it; this one also tells the page the new time.
async fn keepalive(State(k): Shared, session: Session) -> Result<Json<KeepAlive>, KioskError> {
    let now = chrono::Utc::now().timestamp();
    session
        .insert("touched", now)
        .await
        .map_err(|e| KioskError::Internal(e.into()))?;
    let c = draft::clock(&k.config);
    Ok(Json(KeepAlive {
        expires_at: c.expires_at,
        expires_ms: c.expires_ms,
    }))
}
