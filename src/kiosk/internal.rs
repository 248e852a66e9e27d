//! The hand-over API on the internal listener: the inbox lists sealed
//! records, fetches their ciphertext and acknowledges them. Every call needs
//! a bearer token made by `prem token add`; nothing here can decrypt.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::{Deserialize, Serialize};

use super::Kiosk;
use crate::store::{RecipientId, SubmissionId, SubmissionStore};

/// The recipient ids of the team whose token made this call (set by [`bearer`]).
#[derive(Clone)]
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
        .layer(from_fn_with_state(k.clone(), bearer))
        .with_state(k)
}

async fn bearer(State(k): State<Arc<Kiosk>>, req: Request, next: Next) -> Response {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let store = k.store.clone();
    let verified = match token {
        Some(t) => tokio::task::spawn_blocking(move || store.tokens().verify(&t))
            .await
            .ok()
            .and_then(|r| r.ok())
            .flatten(),
        None => None,
    };
    match verified {
        Some(who) => {
            let team = k.team_ids(who.team.as_deref());
            if team.is_empty() {
                tracing::warn!(
                    client = %who.name,
                    "internal api call refused: the token's team is not a configured recipient \
                     (make a new token with `prem token add NAME --team TEAM`)"
                );
                return (
                    StatusCode::FORBIDDEN,
                    "the token's team is not a recipient here\n",
                )
                    .into_response();
            }
            tracing::info!(client = %who.name, "internal api call");
            let mut req = req;
            req.extensions_mut().insert(Team(Arc::new(team)));
            next.run(req).await
        }
        None => {
            tracing::warn!("internal api call refused: missing or unknown token");
            (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                "unauthorised\n",
            )
                .into_response()
        }
    }
}

async fn list(
    State(k): State<Arc<Kiosk>>,
    Extension(Team(team)): Extension<Team>,
    Query(q): Query<ListQuery>,
) -> Response {
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let after = q.after.unwrap_or(0);
    let store = k.store.clone();
    let listed = move || {
        // Unacknowledged records are few (the inbox takes them within minutes), so filtering
        // after the list is cheap.
        store.list_unacked(&team, usize::MAX).map(|all| {
            all.into_iter()
                .filter(|r| r.sequence > after)
                .take(limit)
                .collect::<Vec<_>>()
        })
    };
    match tokio::task::spawn_blocking(listed).await {
        Ok(Ok(records)) => {
            let out: Vec<RecordJson> = records
                .into_iter()
                .map(|r| RecordJson {
                    id: r.submission_id.to_string(),
                    reference: r.reference,
                    sequence: r.sequence,
                    created_at: r.created_at.to_rfc3339(),
                    len: r.len,
                })
                .collect();
            Json(serde_json::json!({ "records": out })).into_response()
        }
        _ => internal_error(),
    }
}

async fn fetch(
    State(k): State<Arc<Kiosk>>,
    Extension(Team(team)): Extension<Team>,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<SubmissionId>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let store = k.store.clone();
    match tokio::task::spawn_blocking(move || store.read(&id, &team)).await {
        Ok(Ok(bytes)) => (
            [(header::CONTENT_TYPE, "application/octet-stream")],
            Body::from(bytes),
        )
            .into_response(),
        Ok(Err(crate::store::StoreError::NotFound(_))) => StatusCode::NOT_FOUND.into_response(),
        Ok(Err(crate::store::StoreError::CorruptRecord { .. })) => {
            tracing::error!("internal api: a spool file is damaged; the inbox was told so");
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "the stored record is damaged on the kiosk\n",
            )
                .into_response()
        }
        _ => internal_error(),
    }
}

async fn ack(
    State(k): State<Arc<Kiosk>>,
    Extension(Team(team)): Extension<Team>,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<SubmissionId>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let store = k.store.clone();
    match tokio::task::spawn_blocking(move || store.ack(&id, &team, chrono::Utc::now())).await {
        Ok(Ok(())) => StatusCode::NO_CONTENT.into_response(),
        Ok(Err(crate::store::StoreError::NotFound(_))) => StatusCode::NOT_FOUND.into_response(),
        _ => internal_error(),
    }
}

fn internal_error() -> Response {
    tracing::error!("internal api: store error");
    (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response()
}
