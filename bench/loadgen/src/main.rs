//! Sealed durable submissions against a running kiosk, with N concurrent clients, on the
//! extraordinary-request form (the smallest), as a browser with JavaScript off would fill it:
//! GET the first page, POST each page (following the redirect to the next), reach "Check your
//! answers", then POST the submit, the request that waits for the record to be sealed and made
//! durable. Two modes:
//!
//! * `--mode submit` (the benchmark's headline, issue 4): phase 1, untimed, prepares complete
//!   drafts, each in its own cookie jar (its own session), filled up to "Check your answers" with
//!   the page's CSRF token kept; phase 2, timed, each client fires the final submit for its own
//!   drafts back to back for D seconds over one kept-alive connection. Unless `--drafts` says how
//!   many drafts each client gets, a short calibration (drafts prepared and submitted the same
//!   way, in rounds until one lasts a second or more) estimates the submit rate and phase 1
//!   prepares twice what the window needs (at most `--max-drafts`, default 5000, per client).
//!   A client that runs out of drafts before the deadline stops and is counted in `ran_out`; when
//!   any did (and `--drafts` was not given), that window is thrown away (its figures go to
//!   stderr) and run once more, with drafts sized from the rate it saw (`attempts=2`).
//! * `--mode flow`: each client completes the whole form (about 12 requests) per submission in a
//!   loop for D seconds, a fresh cookie jar and connection each time; this measures the whole
//!   multi-page flow, not only the durable submit.
//!
//! Prints one line of `key=value` figures: submissions per second and the p50/p99 latency of the
//! final submit request.
//!
//!     loadgen --url http://127.0.0.1:8080 --clients 64 --seconds 10 [--mode submit|flow]
//!             [--drafts PER_CLIENT] [--max-drafts PER_CLIENT] [--headroom X]

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::cookie::CookieStore;

const FORM: &str = "extraordinary-request";

/// Drafts per client in the first calibration round that sizes phase 1 of `--mode submit`.
const CALIBRATION_DRAFTS: usize = 8;
/// What a calibration round aims to last, and how many rounds there may be.
const CALIBRATION_SECONDS: f64 = 2.0;
const CALIBRATION_ROUNDS: usize = 3;
/// Phase 1 prepares this many times the drafts the calibrated rate needs for the window
/// (`--headroom`).
const HEADROOM: f64 = 2.0;
/// Timed windows in `--mode submit`: one more when the clients ran out of drafts in the first.
const ATTEMPTS: usize = 2;

/// The form's pages in order, with the answers posted on each (what the test suite's `fill`
/// types; the fuzz seeds in fuzz/corpus/form_post/extraordinary-request-* are the same bodies).
const PAGES: &[(&str, &str)] = &[
    ("trigger", "trigger=imminent-danger"),
    (
        "person",
        "person_name=Testy+McTestface+Zqx-synthetic-7731&person_dob-day=1&person_dob-month=2\
         &person_dob-year=2024&person_age_group=adult&person_la=Gateshead",
    ),
    ("summary", "summary=Testy+McTestface+Zqx-synthetic-7731"),
    (
        "agencies",
        "agencies=police&agencies_other=Testy+McTestface+Zqx-synthetic-7731",
    ),
    (
        "requester",
        "requester_name=Testy+McTestface+Zqx-synthetic-7731\
         &requester_role=Testy+McTestface+Zqx-synthetic-7731\
         &requester_agency=Testy+McTestface+Zqx-synthetic-7731\
         &requester_email=testy.mctestface%40example.com&requester_phone=01632+960+001",
    ),
];

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Submit,
    Flow,
}

struct Args {
    url: String,
    clients: usize,
    seconds: u64,
    mode: Mode,
    drafts: Option<usize>,
    max_drafts: usize,
    headroom: f64,
}

fn args() -> Args {
    let mut a = Args {
        url: "http://127.0.0.1:8080".into(),
        clients: 16,
        seconds: 10,
        mode: Mode::Submit,
        drafts: None,
        max_drafts: 5000,
        headroom: HEADROOM,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .unwrap_or_else(|| usage(&format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--url" => a.url = value().trim_end_matches('/').to_string(),
            "--clients" => a.clients = value().parse().unwrap_or_else(|_| usage("bad --clients")),
            "--seconds" => a.seconds = value().parse().unwrap_or_else(|_| usage("bad --seconds")),
            "--mode" => {
                a.mode = match value().as_str() {
                    "submit" => Mode::Submit,
                    "flow" => Mode::Flow,
                    _ => usage("--mode is submit or flow"),
                }
            }
            "--drafts" => {
                a.drafts = Some(value().parse().unwrap_or_else(|_| usage("bad --drafts")))
            }
            "--headroom" => {
                a.headroom = value().parse().unwrap_or_else(|_| usage("bad --headroom"))
            }
            "--max-drafts" => {
                a.max_drafts = value()
                    .parse()
                    .unwrap_or_else(|_| usage("bad --max-drafts"))
            }
            _ => usage(&format!("unknown argument {flag}")),
        }
    }
    if a.clients == 0 {
        usage("--clients must be above 0");
    }
    a
}

fn usage(msg: &str) -> ! {
    eprintln!(
        "error: {msg}\nusage: loadgen [--url URL] [--clients N] [--seconds D] [--mode submit|flow] \
         [--drafts PER_CLIENT] [--max-drafts PER_CLIENT] [--headroom X]"
    );
    std::process::exit(2)
}

fn csrf(html: &str) -> Result<String, String> {
    let start = html
        .find("name=\"csrf\" value=\"")
        .ok_or("no csrf field on the page")?
        + 19;
    let len = html[start..].find('"').ok_or("unterminated csrf field")?;
    Ok(html[start..start + len].to_string())
}

fn reference(html: &str) -> Option<&str> {
    let i = html.find("PREM-20")?;
    html.get(i..i + 16)
}

fn browser(jar: Option<Arc<reqwest::cookie::Jar>>) -> reqwest::Client {
    let b = reqwest::Client::builder().timeout(Duration::from_secs(15));
    match jar {
        Some(jar) => b.cookie_provider(jar),
        None => b,
    }
    .build()
    .expect("http client")
}

/// Fills the form up to "Check your answers" in `client`'s session; returns the CSRF token of
/// that page, the one the submit carries.
async fn fill(client: &reqwest::Client, base: &str) -> Result<String, String> {
    let first = format!("/forms/{FORM}/{}/", PAGES[0].0);
    let res = client
        .get(format!("{base}{first}"))
        .send()
        .await
        .map_err(|e| format!("GET {first}: {e}"))?;
    if res.status() != 200 {
        return Err(format!("GET {first}: {}", res.status()));
    }
    let mut html = res.text().await.map_err(|e| e.to_string())?;
    for (n, (page, body)) in PAGES.iter().enumerate() {
        let href = format!("/forms/{FORM}/{page}/");
        let token = csrf(&html).map_err(|e| format!("{href}: {e}"))?;
        let res = client
            .post(format!("{base}{href}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("{body}&csrf={token}"))
            .send()
            .await
            .map_err(|e| format!("POST {href}: {e}"))?;
        let expect = match PAGES.get(n + 1) {
            Some((next, _)) => format!("/forms/{FORM}/{next}/"),
            None => format!("/forms/{FORM}/check/"),
        };
        if res.status() != 200 || res.url().path() != expect {
            return Err(format!(
                "POST {href}: {} at {} (expected {expect})",
                res.status(),
                res.url().path()
            ));
        }
        html = res.text().await.map_err(|e| e.to_string())?;
    }
    csrf(&html).map_err(|e| format!("check: {e}"))
}

/// The final submit of a filled draft; returns its latency once the confirmation (with a
/// reference) has been read. `cookie` is the draft's session cookie when `client` keeps no jar.
async fn submit(
    client: &reqwest::Client,
    base: &str,
    cookie: Option<&str>,
    token: &str,
) -> Result<Duration, String> {
    let started = Instant::now();
    let mut req = client
        .post(format!("{base}/forms/{FORM}/submit/"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={token}&declaration=yes"));
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    let res = req.send().await.map_err(|e| format!("submit: {e}"))?;
    let status = res.status();
    let body = res.text().await.map_err(|e| format!("submit: {e}"))?;
    let took = started.elapsed();
    match reference(&body) {
        Some(_) if status == 200 => Ok(took),
        _ => Err(format!("submit: {status} without a reference")),
    }
}

/// A draft filled up to "Check your answers": its session cookie and the CSRF token to submit.
struct Draft {
    cookie: String,
    token: String,
}

/// One draft in a cookie jar (and connection) of its own, as a separate browser would.
async fn prepare(base: &str) -> Result<Draft, String> {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let token = fill(&browser(Some(jar.clone())), base).await?;
    let url: reqwest::Url = base.parse().map_err(|e| format!("{base}: {e}"))?;
    let cookie = jar
        .cookies(&url)
        .ok_or("no session cookie after filling the form")?
        .to_str()
        .map_err(|e| e.to_string())?
        .to_string();
    Ok(Draft { cookie, token })
}

/// Phase 1: `per_client` drafts for each of `clients` clients, prepared concurrently.
async fn prepare_all(
    base: &Arc<str>,
    clients: usize,
    per_client: usize,
) -> (Vec<Vec<Draft>>, Vec<String>) {
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let base = base.clone();
            tokio::spawn(async move {
                let mut drafts = Vec::with_capacity(per_client);
                let mut errors = Vec::new();
                for _ in 0..per_client {
                    match prepare(&base).await {
                        Ok(d) => drafts.push(d),
                        Err(e) => errors.push(e),
                    }
                }
                (drafts, errors)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = Vec::new();
    for t in tasks {
        let (d, e) = t.await.expect("preparing client");
        all.push(d);
        errors.extend(e);
    }
    (all, errors)
}

struct Window {
    lat: Vec<Duration>,
    errors: Vec<String>,
    elapsed: f64,
    ran_out: usize,
}

/// Phase 2: every client fires the submits of its own drafts back to back, over one kept-alive
/// connection, until its drafts or the window run out.
async fn fire(base: &Arc<str>, drafts: Vec<Vec<Draft>>, window: Duration) -> Window {
    let started = Instant::now();
    let deadline = started + window;
    let tasks: Vec<_> = drafts
        .into_iter()
        .map(|mine| {
            let base = base.clone();
            tokio::spawn(async move {
                let client = browser(None);
                let mut lat = Vec::new();
                let mut errors = Vec::new();
                let mut left = mine.into_iter();
                let ran_out = loop {
                    if Instant::now() >= deadline {
                        break false;
                    }
                    let Some(d) = left.next() else { break true };
                    match submit(&client, &base, Some(&d.cookie), &d.token).await {
                        Ok(t) => lat.push(t),
                        Err(e) => errors.push(e),
                    }
                };
                (lat, errors, ran_out)
            })
        })
        .collect();
    let mut w = Window {
        lat: Vec::new(),
        errors: Vec::new(),
        elapsed: 0.0,
        ran_out: 0,
    };
    let grace = deadline + Duration::from_secs(20);
    for t in tasks {
        let left = grace.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, t).await {
            Ok(joined) => {
                let (l, e, out) = joined.expect("submitting client");
                w.lat.extend(l);
                w.errors.extend(e);
                w.ran_out += usize::from(out);
            }
            Err(_) => w
                .errors
                .push("a client was still waiting at the end".into()),
        }
    }
    w.elapsed = started.elapsed().as_secs_f64();
    w
}

/// The whole form per submission, a fresh browser each time, until the window runs out.
async fn flow(base: &Arc<str>, clients: usize, window: Duration) -> Window {
    let started = Instant::now();
    let deadline = started + window;
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let base = base.clone();
            tokio::spawn(async move {
                let mut lat = Vec::new();
                let mut errors = Vec::new();
                while Instant::now() < deadline {
                    // A fresh browser per submission: new cookie jar, new connection.
                    let client = browser(Some(Arc::new(reqwest::cookie::Jar::default())));
                    let once = async {
                        let token = fill(&client, &base).await?;
                        submit(&client, &base, None, &token).await
                    };
                    match once.await {
                        Ok(t) => lat.push(t),
                        Err(e) => {
                            errors.push(e);
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                    }
                }
                (lat, errors)
            })
        })
        .collect();
    let mut w = Window {
        lat: Vec::new(),
        errors: Vec::new(),
        elapsed: 0.0,
        ran_out: 0,
    };
    // A kiosk that stops answering must not hold the benchmark: past the deadline, each client
    // gets one request timeout to finish its form.
    let grace = deadline + Duration::from_secs(20);
    for t in tasks {
        let left = grace.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, t).await {
            Ok(joined) => {
                let (l, e) = joined.expect("client task");
                w.lat.extend(l);
                w.errors.extend(e);
            }
            Err(_) => w
                .errors
                .push("a client was still waiting at the end".into()),
        }
    }
    w.elapsed = started.elapsed().as_secs_f64();
    w
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() {
    let a = args();
    let base: Arc<str> = a.url.into();
    let window = Duration::from_secs(a.seconds);
    let mut extra = String::new();
    let mut prep_errors = Vec::new();
    let mut w = match a.mode {
        Mode::Flow => {
            extra.push_str(" mode=flow");
            flow(&base, a.clients, window).await
        }
        Mode::Submit => {
            let prep_started = Instant::now();
            let per_client = match a.drafts {
                Some(n) => n,
                None => {
                    // Calibration, untimed for the figures: drafts prepared and submitted the
                    // same way. A first round of a few per client mostly measures a cold kiosk
                    // and connection set-up, so rounds go on, each sized from the last for about
                    // CALIBRATION_SECONDS, until one lasts at least half that.
                    let mut per_client = CALIBRATION_DRAFTS;
                    let mut rate = 0.0;
                    for _ in 0..CALIBRATION_ROUNDS {
                        let (drafts, e) = prepare_all(&base, a.clients, per_client).await;
                        prep_errors.extend(e);
                        let cal = fire(&base, drafts, Duration::from_secs(3600)).await;
                        prep_errors.extend(cal.errors);
                        rate = cal.lat.len() as f64 / cal.elapsed.max(1e-3);
                        if cal.elapsed >= CALIBRATION_SECONDS / 2.0 {
                            break;
                        }
                        per_client = ((rate * CALIBRATION_SECONDS / a.clients as f64).ceil()
                            as usize)
                            .clamp(CALIBRATION_DRAFTS, a.max_drafts);
                    }
                    let need = rate * a.seconds as f64 * a.headroom / a.clients as f64;
                    extra.push_str(&format!(" calibrated_per_sec={rate:.1}"));
                    (need.ceil() as usize).clamp(CALIBRATION_DRAFTS, a.max_drafts)
                }
            };
            // A calibration can underestimate (the machine is shared): a window whose clients
            // ran out of drafts is thrown away, once, and run again with drafts sized from its
            // own rate. Its figures go to stderr.
            let mut per_client = per_client;
            let mut attempt = 1;
            loop {
                let (drafts, e) = prepare_all(&base, a.clients, per_client).await;
                prep_errors.extend(e);
                let prepared: usize = drafts.iter().map(Vec::len).sum();
                let w = fire(&base, drafts, window).await;
                if w.ran_out == 0 || attempt == ATTEMPTS || a.drafts.is_some() {
                    extra.push_str(&format!(
                        " mode=submit drafts_per_client={per_client} drafts={prepared} \
                         attempts={attempt} prep_seconds={:.1}",
                        prep_started.elapsed().as_secs_f64()
                    ));
                    break w;
                }
                let rate = w.lat.len() as f64 / w.elapsed.max(1e-3);
                eprintln!(
                    "loadgen: window {attempt} thrown away: {} of {} clients ran out of their \
                     {per_client} drafts after {:.1} s ({} submits, {rate:.1}/s); again",
                    w.ran_out,
                    a.clients,
                    w.elapsed,
                    w.lat.len()
                );
                let need = rate * a.seconds as f64 * a.headroom / a.clients as f64;
                per_client = (need.ceil() as usize).max(per_client * 2).min(a.max_drafts);
                attempt += 1;
            }
        }
    };
    w.lat.sort_unstable();
    for e in prep_errors.iter().take(5) {
        eprintln!("loadgen: error while preparing drafts: {e}");
    }
    for e in w.errors.iter().take(5) {
        eprintln!("loadgen: error: {e}");
    }
    if w.ran_out > 0 {
        eprintln!(
            "loadgen: {} of {} clients ran out of prepared drafts before the deadline",
            w.ran_out, a.clients
        );
    }
    println!(
        "clients={} seconds={:.1} submissions={} per_sec={:.1} p50_ms={:.1} p99_ms={:.1} errors={} \
         ran_out={} prep_errors={}{extra}",
        a.clients,
        w.elapsed,
        w.lat.len(),
        w.lat.len() as f64 / w.elapsed,
        percentile(&w.lat, 0.50),
        percentile(&w.lat, 0.99),
        w.errors.len(),
        w.ran_out,
        prep_errors.len(),
    );
    if w.lat.is_empty() || !w.errors.is_empty() || !prep_errors.is_empty() {
        std::process::exit(1);
    }
}
