//! `prem preview`: build, serve on localhost, and rebuild whenever a file in
//! the site changes. Pages carry a small script (only in preview) that polls
//! for a new build and reloads the page, so authors see edits as they save.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use crate::config::Config;
use crate::published::{self, Published};
use crate::site::{BuildOptions, Built, Site};

const RELOAD_JS: &str = "(function(){var v=null;function poll(){fetch('/_prem/version',{cache:'no-store'}).then(function(r){return r.text();}).then(function(t){if(v!==null&&t!==v){location.reload();}v=t;}).catch(function(){});}poll();setInterval(poll,1000);})();\n";

pub fn run(config: Config, opts: BuildOptions, addr: &str) -> Result<()> {
    let built = rebuild(config, &opts)?
        .context("the site has problems: fix them and run prem preview again")?;
    let served = Published::load(&opts.out, built)?;
    let version = Arc::new(AtomicU64::new(1));
    spawn_watcher(opts.clone(), served.clone(), version.clone());
    let app = router(served, version);
    let rt = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
            format!("cannot listen on {addr}: is another server using that port?")
        })?;
        eprintln!("previewing on http://{addr}/ (rebuilds on save; Ctrl+C to stop)");
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                tokio::signal::ctrl_c().await.ok();
            })
            .await
            .context("preview server failed")
    })
}

fn router(served: Published, version: Arc<AtomicU64>) -> Router {
    let v = version.clone();
    Router::new()
        .route(
            "/_prem/reload.js",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                    RELOAD_JS,
                )
            }),
        )
        .route(
            "/_prem/version",
            get(move || async move {
                (
                    [(header::CACHE_CONTROL, "no-store")],
                    v.load(Ordering::Relaxed).to_string(),
                )
                    .into_response()
            }),
        )
        .merge(published::router(served))
        .layer(axum::middleware::map_response(published::security_headers))
}

/// Loads and builds; `Ok(None)` when content has problems (already printed).
fn rebuild(config: Config, opts: &BuildOptions) -> Result<Option<Built>> {
    match Site::load(config, opts.clone()) {
        Ok(site) => {
            for w in &site.warnings {
                eprintln!("{w}");
            }
            let built = site.build()?;
            eprintln!(
                "built {} pages ({} written)",
                built.stats.pages, built.stats.written
            );
            Ok(Some(built))
        }
        Err(report) => {
            eprintln!("{report}");
            Ok(None)
        }
    }
}

fn spawn_watcher(opts: BuildOptions, served: Published, version: Arc<AtomicU64>) {
    std::thread::spawn(move || {
        let mut last = fingerprint(&opts.root);
        loop {
            std::thread::sleep(Duration::from_millis(400));
            let now = fingerprint(&opts.root);
            if now == last {
                continue;
            }
            last = now;
            let result = Config::load(&opts.root).and_then(|c| rebuild(c, &opts));
            match result {
                Ok(Some(built)) => match served.replace(built) {
                    Ok(()) => {
                        version.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(e) => eprintln!("error: {e:#}"),
                },
                Ok(None) => {}
                Err(e) => eprintln!("error: {e:#}"),
            }
        }
    });
}

/// A cheap summary of every file's path, size and modification time under
/// the folders a build reads: polling it avoids a file-watching dependency.
fn fingerprint(root: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for dir in ["content", "themes", "forms", "prem.toml"] {
        walk(&root.join(dir), &mut |p, len, mtime| {
            p.hash(&mut h);
            len.hash(&mut h);
            mtime.hash(&mut h);
        });
    }
    h.finish()
}

fn walk(path: &Path, f: &mut dyn FnMut(&Path, u64, Option<SystemTime>)) {
    let Ok(meta) = std::fs::metadata(path) else {
        return;
    };
    if meta.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for e in entries {
            walk(&e, f);
        }
    } else {
        f(path, meta.len(), meta.modified().ok());
    }
}
