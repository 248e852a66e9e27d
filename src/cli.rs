//! The commands behind `main.rs`, kept in the library so tests run exactly
//! what the binary runs. Each returns the process exit code: 0 on success,
//! 1 when content has problems (every one of them printed as `path:line`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};

use crate::config::Config;
use crate::site::{BuildOptions, Freshness, Report, Site};

fn load(
    root: &Path,
    drafts: bool,
    out: Option<PathBuf>,
) -> Result<std::result::Result<Site, Report>> {
    let (config, opts) = options(root, drafts, out)?;
    Ok(Site::load(config, opts))
}

fn options(root: &Path, drafts: bool, out: Option<PathBuf>) -> Result<(Config, BuildOptions)> {
    let config = Config::load(root)?;
    let mut opts = BuildOptions::new(root, &config);
    opts.drafts |= drafts;
    // A progress line only where someone is watching: never in logs or CI.
    opts.progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
    opts.search_in_memory = false;
    if let Some(out) = out {
        opts.out = out;
    }
    Ok((config, opts))
}

fn print_report(report: &Report) -> ExitCode {
    eprintln!("{report}");
    ExitCode::from(1)
}

fn print_warnings(site: &Site) {
    for w in &site.warnings {
        eprintln!("{w}");
    }
}

pub fn build(root: &Path, out: Option<PathBuf>, drafts: bool, timings: bool) -> Result<ExitCode> {
    let start = Instant::now();
    let (config, opts) = options(root, drafts, out)?;
    let stamped = match crate::site::up_to_date(&config, &opts) {
        Freshness::Changed(stamped) => stamped,
        Freshness::UpToDate(done) => {
            for w in &done.warnings {
                eprintln!("{w}");
            }
            eprintln!(
                "built {} pages into {} in {:.2?} (0 files written, {} unchanged, 0 removed)",
                done.pages,
                opts.out.display(),
                start.elapsed(),
                done.outputs
            );
            return Ok(ExitCode::SUCCESS);
        }
    };
    let site = match Site::load_stamped(config, opts, stamped) {
        Ok(site) => site,
        Err(report) => return Ok(print_report(&report)),
    };
    print_warnings(&site);
    let built = site.build()?;
    if timings {
        for step in &built.steps {
            eprintln!(
                "{:>9.1} ms  {}",
                step.took.as_secs_f64() * 1000.0,
                step.name
            );
        }
    }
    let s = built.stats;
    eprintln!(
        "built {} pages into {} in {:.2?} ({} files written, {} unchanged, {} removed)",
        s.pages,
        site.opts.out.display(),
        start.elapsed(),
        s.written,
        s.skipped,
        s.removed
    );
    // The process ends here: freeing a large site's pages one string at a
    // time would cost a rebuild more than some of its steps.
    std::mem::forget(site);
    std::mem::forget(built);
    Ok(ExitCode::SUCCESS)
}

pub fn check(root: &Path, drafts: bool) -> Result<ExitCode> {
    let site = load(root, drafts, None)?;
    let config = Config::load(root)?;
    let forms = if root.join(&config.build.forms_dir).is_dir() {
        // The workspace's workflows are checked against the forms here too, so a form naming an
        // undeclared workflow is caught before the workspace refuses to start on it.
        let forms = crate::forms::FormSet::load(&config, root);
        Some(forms.and_then(|f| crate::workspace::check_workflows(&config, &f).map(|()| f)))
    } else {
        None
    };
    let mut failed = false;
    match &site {
        Ok(site) => print_warnings(site),
        Err(report) => {
            print_report(report);
            failed = true;
        }
    }
    if let Some(Err(e)) = &forms {
        eprintln!("{e}");
        failed = true;
    }
    if failed {
        return Ok(ExitCode::from(1));
    }
    let pages = site.map(|s| s.pages.len()).unwrap_or(0);
    let forms = forms.and_then(|f| f.ok()).map(|f| f.len()).unwrap_or(0);
    eprintln!("checked {pages} pages and {forms} forms: no problems found");
    Ok(ExitCode::SUCCESS)
}

fn production(flag: bool) -> bool {
    flag || std::env::var("PREM_ENV").is_ok_and(|v| v == "production")
}

pub fn serve(
    root: &Path,
    addr: Option<String>,
    internal_addr: Option<String>,
    production_flag: bool,
) -> Result<ExitCode> {
    let mut config = Config::load(root)?;
    if let Some(a) = addr {
        config.kiosk.addr = a;
    }
    if let Some(a) = internal_addr {
        config.kiosk.internal_addr = a;
    }
    init_logging();
    crate::kiosk::run(
        config,
        root,
        crate::kiosk::ServeOptions {
            production: production(production_flag),
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The one line a failed command prints: each cause after the last, as `{e:#}` would, except
/// that an operating-system error is given in words with what to do ("permission denied: check
/// the owner and permissions of the file or folder named before it"), never as a bare
/// "(os error 13)" that tells an operator nothing.
pub fn error_line(e: &anyhow::Error) -> String {
    e.chain()
        .map(|cause| match cause.downcast_ref::<std::io::Error>() {
            Some(io) => io_in_words(io),
            None => cause.to_string(),
        })
        .collect::<Vec<_>>()
        .join(": ")
}

fn io_in_words(io: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    let hint = match io.kind() {
        NotFound => "check that the path named before it exists (paths in prem.toml are relative to the site folder)",
        PermissionDenied => "check the owner and permissions of the file or folder named before it",
        AddrInUse => "another program is using that address: stop it or choose another",
        AddrNotAvailable => "that address is not on this machine: check the address in prem.toml",
        AlreadyExists => "something is already there: move it aside or choose another name",
        StorageFull => "the disk is full: free some space and try again",
        _ => "see the file or address named before it",
    };
    format!("{} ({hint})", io.kind())
}

/// Logs go to stderr as one line per event; `RUST_LOG` adjusts the level.
/// sled's own log lines (e.g. about a damaged file) are silenced unless
/// `RUST_LOG` names sled: the store reports such problems itself, once.
pub fn init_logging() {
    let wanted = std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into());
    let directives = if wanted.contains("sled") {
        wanted
    } else {
        format!("{wanted},sled=off")
    };
    let filter = tracing_subscriber::EnvFilter::try_new(&directives)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sled=off"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}

fn read_passphrase(file: Option<PathBuf>, confirm: bool) -> Result<zeroize::Zeroizing<String>> {
    if let Some(f) = file {
        let text = std::fs::read_to_string(&f)
            .with_context(|| format!("cannot read passphrase file {}", f.display()))?;
        return Ok(zeroize::Zeroizing::new(
            text.trim_end_matches(['\n', '\r']).to_string(),
        ));
    }
    let first = zeroize::Zeroizing::new(
        rpassword::prompt_password("passphrase: ").context("cannot read the passphrase")?,
    );
    if confirm {
        let again = zeroize::Zeroizing::new(
            rpassword::prompt_password("passphrase again: ")
                .context("cannot read the passphrase")?,
        );
        if *first != *again {
            anyhow::bail!("the passphrases differ");
        }
    }
    Ok(first)
}

pub fn keygen(
    root: &Path,
    name: &str,
    out: &Path,
    passphrase_file: Option<PathBuf>,
) -> Result<ExitCode> {
    let pass = read_passphrase(passphrase_file, true)?;
    if pass.chars().count() < 12 {
        anyhow::bail!("the passphrase must be at least 12 characters");
    }
    let dir = root.join(out);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let (public, secret) = crate::seal::keygen(&dir, name, pass.as_bytes())?;
    let key = crate::seal::read_public_key(&public)?;
    eprintln!(
        "wrote {} (give this to the kiosk) and {} (keep it on the reviewers' side only)",
        public.display(),
        secret.display()
    );
    eprintln!("key id {}", key.id());
    Ok(ExitCode::SUCCESS)
}

fn open_store(root: &Path) -> Result<crate::store::SpoolStore> {
    crate::kiosk::open_store(&Config::load(root)?, root)
}

pub fn token_add(root: &Path, name: &str, team: Option<&str>) -> Result<ExitCode> {
    let config = Config::load(root)?;
    let team = crate::kiosk::token_team(&config, team)?;
    let token = crate::kiosk::open_store(&config, root)?
        .tokens()
        .add(name, &team)?;
    eprintln!(
        "token \"{name}\" for the team \"{team}\" (shown once; save it in a file only the inbox's \
         user can read, e.g. `> keys/kiosk.token && chmod 600 keys/kiosk.token`):"
    );
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}

pub fn token_revoke(root: &Path, name: &str) -> Result<ExitCode> {
    if open_store(root)?
        .tokens()
        .revoke(name)
        .map_err(|e| anyhow::anyhow!("{e}"))?
    {
        eprintln!("revoked the token for \"{name}\"");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("error: no token named \"{name}\"");
        Ok(ExitCode::from(1))
    }
}

pub fn token_list(root: &Path) -> Result<ExitCode> {
    for t in open_store(root)?.tokens().list()? {
        let team = t.team.as_deref().unwrap_or("(the only team)");
        println!(
            "{}\tteam {team}\tcreated {}",
            t.name,
            t.created_at.format("%Y-%m-%d %H:%M")
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn store_rebuild(root: &Path) -> Result<ExitCode> {
    let config = Config::load(root)?;
    let dir = root.join(&config.kiosk.data_dir);
    let report = crate::store::SpoolStore::rebuild(&dir).map_err(|e| anyhow::anyhow!("{e}"))?;
    eprintln!("rebuilt the index in {}: {report:?}", dir.display());
    Ok(ExitCode::SUCCESS)
}

pub fn preview(root: &Path, addr: &str, out: Option<PathBuf>, drafts: bool) -> Result<ExitCode> {
    let config = Config::load(root)?;
    let mut opts = BuildOptions::new(root, &config);
    opts.drafts |= drafts;
    opts.live_reload = true;
    opts.out = out.unwrap_or_else(|| std::env::temp_dir().join("prem-preview"));
    crate::preview::run(config, opts, addr)?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod error_line_tests {
    #[test]
    fn os_errors_are_given_in_words_with_what_to_do() {
        let io = std::io::Error::from_raw_os_error(13);
        let e = anyhow::Error::new(io).context("/etc/prem/passphrase: cannot read");
        let line = super::error_line(&e);
        assert!(!line.contains("os error"), "{line}");
        assert!(
            line.starts_with(
                "/etc/prem/passphrase: cannot read: permission denied (check the owner"
            ),
            "{line}"
        );
        let plain = anyhow::anyhow!("inner").context("outer");
        assert_eq!(super::error_line(&plain), "outer: inner");
    }
}
