//! A runtime of a test's own, serving in the background until the test lets it go: the kiosk
//! and inbox harnesses each run their listeners on one.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// Resolves when the server should stop; handed to `serve_on`.
pub type Stop = Pin<Box<dyn Future<Output = ()> + Send>>;

pub struct Background {
    rt: Option<tokio::runtime::Runtime>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Background {
    /// Runs `start` on a new runtime with the signal that stops the server, and returns what it
    /// returned (the addresses it bound, typically) once it has spawned the server.
    pub fn start<T, F, Fut>(start: F) -> (Self, T)
    where
        F: FnOnce(Stop) -> Fut,
        Fut: Future<Output = T>,
    {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let stop: Stop = Box::pin(async move {
            let _ = rx.await;
        });
        let out = rt.block_on(start(stop));
        let bg = Background {
            rt: Some(rt),
            stop: Some(tx),
        };
        (bg, out)
    }

    /// Runs `f` to completion on this runtime, beside the server.
    pub fn block_on<F: Future>(&self, f: F) -> F::Output {
        self.rt.as_ref().expect("running").block_on(f)
    }

    /// Signals the server to stop and waits (a little) for its tasks to end.
    pub fn stop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(rt) = self.rt.take() {
            rt.shutdown_timeout(Duration::from_secs(2));
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Serves `app` on a loopback port of the system's choosing until the `Background` drops.
pub fn serve(app: axum::Router) -> (Background, std::net::SocketAddr) {
    Background::start(|stop| async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(stop)
                .await
        });
        addr
    })
}
