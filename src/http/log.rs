//! One log line per request, and the one place an internal failure's detail is logged.
//!
//! Lines carry a request id, the route pattern, the status and the time taken: never answers,
//! names, query strings or session ids (the route pattern, not the path, so ids in URLs stay
//! out too). An app's error type does not log: it attaches a [`Failure`] to its response, and
//! the line for that request carries the detail, under the same id the error page shows as its
//! error code (axum's error-handling example logs in middleware the same way).

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// This request's id: in the log line, the `x-request-id` header and on an error page as the
/// code to quote, so a support call finds the one log line that explains it.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// What went wrong inside, for the log only: names files and causes, never answers (those
/// never reach errors).
#[derive(Debug, Clone)]
pub struct Failure(String);

impl Failure {
    /// Marks a response as an internal failure caused by `e`.
    pub fn attach(res: &mut Response, e: &anyhow::Error) {
        res.extensions_mut().insert(Failure(format!("{e:#}")));
    }
}

/// The id `log_requests` gave this request (empty outside it, as in a unit test).
pub fn request_id(req: &Request) -> String {
    req.extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default()
}

/// One line per request: id, method, route pattern, status, milliseconds.
pub async fn log_requests(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let id = hex::encode(rand::random::<[u8; 6]>());
    let mut req = req;
    req.extensions_mut().insert(RequestId(id.clone()));
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string());
    let mut res = next.run(req).await;
    let route = route.unwrap_or_else(|| {
        if res.status().is_success() {
            "static".into()
        } else {
            "unmatched".into()
        }
    });
    tracing::info!(
        request_id = %id,
        method = %method,
        route = %route,
        status = res.status().as_u16(),
        ms = start.elapsed().as_millis() as u64,
        "request"
    );
    if let Some(Failure(detail)) = res.extensions().get::<Failure>() {
        tracing::error!(request_id = %id, route = %route, error = %detail, "request failed");
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use axum::body::Body;
    use axum::http::StatusCode;
    use axum::middleware::from_fn;
    use axum::response::IntoResponse;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;

    use super::*;

    /// Collects what the request log writes.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    async fn failing() -> Response {
        let mut res = StatusCode::INTERNAL_SERVER_ERROR.into_response();
        let e = anyhow::anyhow!("spool/0001.rec: disk full");
        Failure::attach(&mut res, &e);
        // An app's error page replaces the body; the failure must survive it.
        crate::http::headers::replace_body(res, "themed page")
    }

    #[test]
    fn a_failure_is_logged_once_under_the_id_the_response_carries() {
        let lines = Lines::default();
        let sink = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || sink.clone())
            .with_ansi(false)
            .finish();
        let app = Router::new()
            .route("/boom", get(failing))
            .route("/fine", get(|| async { "ok" }))
            .layer(from_fn(log_requests));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let _guard = tracing::subscriber::set_default(subscriber);
        let call = |path: &'static str| {
            let req = axum::http::Request::get(path)
                .body(Body::empty())
                .expect("request");
            rt.block_on(app.clone().oneshot(req)).expect("response")
        };
        let boom = call("/boom");
        let fine = call("/fine");
        let text = String::from_utf8(lines.0.lock().expect("lock").clone()).expect("utf-8");
        let id = boom.headers()["x-request-id"]
            .to_str()
            .expect("id")
            .to_owned();
        assert_eq!(boom.status(), 500);
        let failed: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("request failed"))
            .collect();
        assert_eq!(failed.len(), 1, "{text}");
        assert!(
            failed[0].contains(&id) && failed[0].contains("disk full"),
            "{text}"
        );
        let fine_id = fine.headers()["x-request-id"].to_str().expect("id");
        assert_ne!(fine_id, id);
        assert!(!failed[0].contains(fine_id));
    }
}
