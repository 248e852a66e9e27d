//! The hand-over API on the internal listener: the inbox lists sealed
//! records, fetches their ciphertext and acknowledges them. Every call needs
//! a bearer token made by `prem token add`; nothing here can decrypt.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::Kiosk;
use crate::store::{RecipientId, StoreError, SubmissionId, SubmissionStore};

/// The recipient ids of the team whose bearer token made this call: every call needs one.
struct Team(Arc<Vec<RecipientId>>);

#[derive(Deserialize)]
struct ListQuery {
    limit: Option<usize>,
    /// Only records with a higher sequence number: lets the inbox page past records it could
    /// not take this time, so they never hide the ones behind them.
    after: Option<u64>,
}

#[derive(Serialize)]
struct RecordJson {
    id: String,
    reference: String,
    sequence: u64,
    created_at: String,
    len: u64,
}

pub fn router(k: Arc<Kiosk>) -> Router {
    Router::new()
        .route("/v1/records", get(list))
        .route("/v1/records/{id}", get(fetch))
        .route("/v1/records/{id}/ack", post(ack))
        .with_state(k)
}

/// Why a call was refused. Each answer is a status and one plain line for the inbox's log;
/// what went wrong inside is logged here and never sent.
enum ApiError {
    Unauthorised,
    /// The token is good but its team is not a recipient of this kiosk any more.
    NotRecipient,
    NotFound,
    /// The record's spool file is damaged: the inbox quarantines it and moves on.
    Damaged,
    Internal,
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => ApiError::NotFound,
            StoreError::CorruptRecord { .. } => ApiError::Damaged,
            _ => ApiError::Internal,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, line) = match self {
            ApiError::Unauthorised => {
                tracing::warn!("internal api call refused: missing or unknown token");
                let challenge = [(header::WWW_AUTHENTICATE, "Bearer")];
                return (StatusCode::UNAUTHORIZED, challenge, "unauthorised\n").into_response();
            }
            ApiError::NotRecipient => (
                StatusCode::FORBIDDEN,
                "the token's team is not a recipient here\n",
            ),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "no such record\n"),
            ApiError::Damaged => {
                tracing::error!("internal api: a spool file is damaged; the inbox was told so");
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "the stored record is damaged on the kiosk\n",
                )
            }
            ApiError::Internal => {
                tracing::error!("internal api: store error");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n")
            }
        };
        (status, line).into_response()
    }
}

/// Runs store work off the async workers (the store reads files and fsyncs).
async fn blocking<T: Send + 'static>(
    job: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(job)
        .await
        .map_err(|_| ApiError::Internal)?
        .map_err(ApiError::from)
}

impl FromRequestParts<Arc<Kiosk>> for Team {
    type Rejection = ApiError;

    /// The bearer token, checked against the hashed tokens in the store, gives the team.
    async fn from_request_parts(parts: &mut Parts, k: &Arc<Kiosk>) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let token = header
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_string);
        let (store, token) = (k.store.clone(), token.ok_or(ApiError::Unauthorised)?);
        let who = blocking(move || Ok(store.tokens().verify(&token).ok().flatten())).await?;
        let who = who.ok_or(ApiError::Unauthorised)?;
        let team = k.team_ids(who.team.as_deref());
        if team.is_empty() {
            tracing::warn!(client = %who.name, "internal api call refused: the token's team is not a configured recipient (make a new token with `prem token add NAME --team TEAM`)");
            return Err(ApiError::NotRecipient);
        }
        tracing::info!(client = %who.name, "internal api call");
        Ok(Team(Arc::new(team)))
    }
}

/// The team's unacknowledged records after `after`, oldest first. They are few (the inbox takes
/// them within minutes), so filtering after the list is cheap.
async fn list(
    State(k): State<Arc<Kiosk>>,
    Team(team): Team,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let (limit, after) = (q.limit.unwrap_or(100).clamp(1, 1000), q.after.unwrap_or(0));
    let store = k.store.clone();
    let records = blocking(move || store.list_unacked(&team, usize::MAX)).await?;
    let out: Vec<RecordJson> = records
        .into_iter()
        .filter(|r| r.sequence > after)
        .take(limit)
        .map(|r| RecordJson {
            id: r.submission_id.to_string(),
            reference: r.reference,
            sequence: r.sequence,
            created_at: r.created_at.to_rfc3339(),
            len: r.len,
        })
        .collect();
    Ok(Json(serde_json::json!({ "records": out })).into_response())
}

async fn fetch(
    State(k): State<Arc<Kiosk>>,
    Team(team): Team,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = id.parse::<SubmissionId>().map_err(|_| ApiError::NotFound)?;
    let store = k.store.clone();
    let bytes = blocking(move || store.read(&id, &team)).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/octet-stream")],
        Body::from(bytes),
    )
        .into_response())
}

async fn ack(
    State(k): State<Arc<Kiosk>>,
    Team(team): Team,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = id.parse::<SubmissionId>().map_err(|_| ApiError::NotFound)?;
    let store = k.store.clone();
    blocking(move || store.ack(&id, &team, chrono::Utc::now())).await?;
    Ok(StatusCode::NO_CONTENT)
}
