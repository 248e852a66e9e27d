//! Sealed durable submissions against a running kiosk: N clients each complete the
//! extraordinary-request form (the smallest) in a loop for D seconds, as a browser with JavaScript
//! off would: GET the first page, POST each page (following the redirect to the next), then POST
//! the submit from "Check your answers". Prints one line of `key=value` figures: submissions per
//! second and the p50/p99 latency of the final submit request, which is the one that waits for
//! the record to be sealed and made durable.
//!
//!     loadgen --url http://127.0.0.1:8080 --clients 64 --seconds 10

use std::sync::Arc;
use std::time::{Duration, Instant};

const FORM: &str = "extraordinary-request";

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

struct Args {
    url: String,
    clients: usize,
    seconds: u64,
}

fn args() -> Args {
    let mut a = Args {
        url: "http://127.0.0.1:8080".into(),
        clients: 16,
        seconds: 10,
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
            _ => usage(&format!("unknown argument {flag}")),
        }
    }
    a
}

fn usage(msg: &str) -> ! {
    eprintln!("error: {msg}\nusage: loadgen [--url URL] [--clients N] [--seconds D]");
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

/// One whole form; returns the latency of the final submit.
async fn submit_once(client: &reqwest::Client, base: &str) -> Result<Duration, String> {
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
    let token = csrf(&html).map_err(|e| format!("check: {e}"))?;
    let started = Instant::now();
    let res = client
        .post(format!("{base}/forms/{FORM}/submit/"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={token}&declaration=yes"))
        .send()
        .await
        .map_err(|e| format!("submit: {e}"))?;
    let status = res.status();
    let body = res.text().await.map_err(|e| format!("submit: {e}"))?;
    let took = started.elapsed();
    match reference(&body) {
        Some(_) if status == 200 => Ok(took),
        _ => Err(format!("submit: {status} without a reference")),
    }
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
    let deadline = Instant::now() + Duration::from_secs(a.seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..a.clients)
        .map(|_| {
            let base = base.clone();
            tokio::spawn(async move {
                let mut lat = Vec::new();
                let mut errors = Vec::new();
                while Instant::now() < deadline {
                    // A fresh browser per submission: new cookie jar, new connection.
                    let client = reqwest::Client::builder()
                        .cookie_store(true)
                        .timeout(Duration::from_secs(15))
                        .build()
                        .expect("http client");
                    match submit_once(&client, &base).await {
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
    let mut lat = Vec::new();
    let mut errors = Vec::new();
    // A kiosk that stops answering must not hold the benchmark: past the deadline, each client
    // gets one request timeout to finish its form.
    let grace = deadline + Duration::from_secs(20);
    for t in tasks {
        let left = grace.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, t).await {
            Ok(joined) => {
                let (l, e) = joined.expect("client task");
                lat.extend(l);
                errors.extend(e);
            }
            Err(_) => errors.push("a client was still waiting at the end".into()),
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    lat.sort_unstable();
    for e in errors.iter().take(5) {
        eprintln!("loadgen: error: {e}");
    }
    println!(
        "clients={} seconds={elapsed:.1} submissions={} per_sec={:.1} p50_ms={:.1} p99_ms={:.1} errors={}",
        a.clients,
        lat.len(),
        lat.len() as f64 / elapsed,
        percentile(&lat, 0.50),
        percentile(&lat, 0.99),
        errors.len()
    );
    if lat.is_empty() || !errors.is_empty() {
        std::process::exit(1);
    }
}
