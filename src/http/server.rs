//! Serving a router on a socket with the limits `axum::serve` does not set:
//! a header-read timeout (so slow clients cannot hold connections open) and
//! a graceful shutdown that lets in-flight submissions finish.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// Serves `app` until `shutdown` resolves, then waits up to `drain` for open
/// connections to finish their requests.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    header_timeout: Duration,
    drain: Duration,
    shutdown: impl Future<Output = ()>,
) {
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Without this a kept-alive response waits for the client's delayed ACK.
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            app.clone().oneshot(req)
        });
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
    drop(listener);
    if tokio::time::timeout(drain, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after the shutdown grace period");
    }
}

/// Resolves at Ctrl-C or (on Unix) SIGTERM, as sent by systemd or `docker stop`; servers then
/// stop accepting and drain requests in flight. Shared by the kiosk and the inbox.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    eprintln!("shutting down: finishing requests in flight");
}

/// Binds a listening socket before anything slow happens (a port in use is the most common
/// start-up failure), as a std listener that a runtime can take over later. `what` names the
/// listener in the error, e.g. " (internal)".
pub fn bind(addr: SocketAddr, what: &str) -> anyhow::Result<std::net::TcpListener> {
    use anyhow::Context;
    let listener = std::net::TcpListener::bind(addr).with_context(|| {
        format!("cannot listen on {addr}{what}: is another server using that port?")
    })?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

/// One shutdown signal shared by several listeners: each `wait` resolves once `signal` has.
#[derive(Clone)]
pub struct Stop(tokio::sync::watch::Receiver<bool>);

impl Stop {
    /// Starts watching `signal` on the current runtime.
    pub fn on(signal: impl Future<Output = ()> + Send + 'static) -> Stop {
        let (tx, rx) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            signal.await;
            let _ = tx.send(true);
        });
        Stop(rx)
    }

    /// Resolves when the signal has come (at once if it already has).
    pub async fn wait(mut self) {
        let _ = self.0.wait_for(|stopped| *stopped).await;
    }
}
