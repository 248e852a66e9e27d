//! Starting the kiosk: build the site, load forms and keys, open the store,
//! then serve the public and (optionally) internal listeners until a signal.
//! Every start-up failure is one clear line and a non-zero exit.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};

use super::{app, internal_app, keys, open_store, Kiosk};
use crate::config::Config;
use crate::http::ratelimit::RateLimiter;
use crate::http::server::{bind, serve, Stop};
use crate::published::Published;
use crate::site::{BuildOptions, Site};
use crate::store::SubmissionStore;

pub struct ServeOptions {
    pub production: bool,
}

/// Everything checked and opened, ready to serve: the site built, forms and
/// keys loaded, the data directory locked. Fails with one clear line.
pub fn prepare(mut config: Config, root: &Path, opts: &ServeOptions) -> Result<Arc<Kiosk>> {
    if opts.production && !config.kiosk.secure_cookies {
        bail!("kiosk.secure_cookies cannot be off in production");
    }
    let addr = public_addr(&config)?;
    let plain_localhost =
        !opts.production && addr.ip().is_loopback() && config.kiosk.secure_cookies;
    if let Some(i) = internal_addr(&config)? {
        // Port 0 asks the system for a free port, so two of them never clash.
        if i.port() == addr.port()
            && i.port() != 0
            && (i.ip() == addr.ip() || i.ip().is_unspecified() || addr.ip().is_unspecified())
        {
            bail!(
                "kiosk.internal_addr must not share the public port {}",
                addr.port()
            );
        }
    }
    // Checks that can fail on a broken installation come first, so a failed
    // start prints one line and nothing before it.
    let recipients = keys::load_recipients(&config, root, opts.production)?;
    let store = Arc::new(open_store(&config, root)?);
    let forms = crate::forms::FormSet::load(&config, root)?;
    let built = build_site(&config, root)?;
    if plain_localhost {
        eprintln!("note: plain HTTP on localhost, so session cookies are not marked Secure (production always marks them)");
        config.kiosk.secure_cookies = false;
    }
    Ok(Arc::new(Kiosk {
        limiter: Arc::new(RateLimiter::new(
            config.kiosk.posts_per_minute,
            config.kiosk.new_sessions_per_minute,
            &config.kiosk.trusted_proxies,
        )),
        config: Arc::new(config),
        served: Published::load(&built.0, built.1)?,
        forms,
        store,
        recipients,
    }))
}

fn public_addr(config: &Config) -> Result<SocketAddr> {
    config.kiosk.addr.parse().with_context(|| {
        format!(
            "kiosk.addr \"{}\" is not an address like 127.0.0.1:8080",
            config.kiosk.addr
        )
    })
}

fn internal_addr(config: &Config) -> Result<Option<SocketAddr>> {
    match config.kiosk.internal_addr.trim() {
        "" => Ok(None),
        a => Ok(Some(a.parse().with_context(|| {
            format!("kiosk.internal_addr \"{a}\" is not an address")
        })?)),
    }
}

pub fn run(config: Config, root: &Path, opts: ServeOptions) -> Result<()> {
    // Ports first: a port in use is the most common start-up failure.
    let public = bind(public_addr(&config)?, "")?;
    let internal = internal_addr(&config)?
        .map(|a| bind(a, " (internal)"))
        .transpose()?;
    let kiosk = prepare(config, root, &opts)?;
    let rt = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let (config, site_root) = (kiosk.config.clone(), root.to_path_buf());
    rt.block_on(async move {
        crate::published::reload_on_hangup(kiosk.served.clone(), move || {
            build_site(&config, &site_root).map(|(_, built)| built)
        });
        let public = tokio::net::TcpListener::from_std(public)?;
        let internal = internal
            .map(tokio::net::TcpListener::from_std)
            .transpose()?;
        serve_on(
            kiosk,
            public,
            internal,
            crate::http::server::shutdown_signal(),
        )
        .await
    })
}

fn build_site(config: &Config, root: &Path) -> Result<(std::path::PathBuf, crate::site::Built)> {
    let mut opts = BuildOptions::new(root, config);
    opts.forms_link = true;
    let site = Site::load(config.clone(), opts).map_err(|report| anyhow::anyhow!("{report}"))?;
    for w in &site.warnings {
        eprintln!("{w}");
    }
    let built = site.build()?;
    eprintln!(
        "built {} pages into {}",
        built.stats.pages,
        site.opts.out.display()
    );
    Ok((site.opts.out.clone(), built))
}

/// Serves both listeners until `shutdown` resolves, then drains requests in flight and flushes
/// the drafts.
pub async fn serve_on(
    k: Arc<Kiosk>,
    public: tokio::net::TcpListener,
    internal: Option<tokio::net::TcpListener>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let sessions = k.store.sessions();
    let _purge_sessions = sessions.spawn_purge_task(Duration::from_secs(60));
    spawn_retention(k.clone());
    let header_timeout = Duration::from_secs(k.config.kiosk.header_timeout_secs);
    let drain = Duration::from_secs(k.config.kiosk.request_timeout_secs);
    let stop = Stop::on(shutdown);
    eprintln!(
        "serving the site and forms on http://{}/",
        public.local_addr()?
    );
    let internal = match internal {
        Some(l) => {
            eprintln!(
                "internal hand-over API on http://{}/v1/records",
                l.local_addr()?
            );
            let app = internal_app(k.clone());
            Some(tokio::spawn(serve(
                l,
                app,
                header_timeout,
                drain,
                stop.clone().wait(),
            )))
        }
        None => None,
    };
    serve(
        public,
        app(k.clone(), sessions),
        header_timeout,
        drain,
        stop.wait(),
    )
    .await;
    if let Some(task) = internal {
        let _ = task.await;
    }
    let sessions = k.store.sessions();
    if tokio::task::spawn_blocking(move || sessions.flush_blocking())
        .await
        .is_err()
    {
        tracing::error!("could not flush drafts at shutdown");
    }
    eprintln!("stopped");
    Ok(())
}

/// Deletes acknowledged records once their retention period has passed.
fn spawn_retention(k: Arc<Kiosk>) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every.tick().await;
            let store = k.store.clone();
            let cutoff = chrono::Utc::now()
                - chrono::Duration::days(i64::from(k.config.kiosk.retention_days));
            match tokio::task::spawn_blocking(move || store.purge_acked(cutoff)).await {
                Ok(Ok(n)) if n > 0 => {
                    tracing::info!(purged = n, "retention: purged acknowledged records")
                }
                Ok(Ok(_)) => {}
                _ => tracing::error!("retention purge failed"),
            }
        }
    });
}
