//! The casework benchmark's pages: the case list and a case page, through the workspace's real
//! router (`prem::workspace::web::app` with `tower::ServiceExt::oneshot`: every layer, the
//! session store, the audit write of each view), over a real workspace holding the same number
//! of synthetic referrals, sealed in its sled database under the data key as pulled ones are,
//! their people and places taken into its tracker. The forms, roles and workflows are this
//! project's own (`prem.toml`, `forms/`); the reviewer signs in over the router as a person
//! would (password, new password, TOTP enrolment).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use axum::http::{Method, Request};
use chrono::{Duration, TimeZone, Utc};
use prem::config::Config;
use prem::forms::{Answers, Item, Value};
use prem::workspace::case::{Case, Step};
use prem::workspace::model::{RecordKey, Referral, Submission};
use prem::workspace::{accounts, totp, tracking, Costs, Workspace};
use rand::rngs::StdRng;
use rand::Rng;
use tower::ServiceExt as _;

const PASSPHRASE: &str = "bench passphrase, synthetic data only";
/// States a case is in once the police have it, as ten years would leave them: most closed.
const STATES: [(&str, u32); 5] = [
    ("exited", 55),
    ("not-accepted", 20),
    ("open", 15),
    ("accepted", 5),
    ("with-police", 5),
];

/// A workspace on `dir` holding `n` synthetic referrals over ten years and six LAs.
pub fn workspace(dir: &Path, n: usize, rng: &mut StdRng) -> anyhow::Result<Arc<Workspace>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let params = prem::seal::KdfParams::INSECURE_FOR_TESTS;
    let (_, key) = prem::seal::keygen_with_params(dir, "police", PASSPHRASE.as_bytes(), params)?;
    let mut config = Config::load_with_env(root, std::iter::empty())?;
    config.inbox.data_dir = dir.join("data");
    config.inbox.secret_key = key;
    config.inbox.kiosks = Vec::new();
    config.inbox.pull_at_start = false;
    config.inbox.secure_cookies = false;
    config.inbox.posts_per_minute = 1_000_000;
    config.inbox.new_sessions_per_minute = 1_000_000;
    let ws = prem::workspace::open(
        config,
        root,
        PASSPHRASE.as_bytes(),
        Costs::INSECURE_FOR_TESTS,
    )?;
    let las = ws.config.partnership.local_authorities.clone();
    for i in 0..n {
        let r = referral(i, &las, rng);
        ws.store.insert_new(&r)?;
        tracking::take(&ws, &r)?;
        if i % 5000 == 4999 {
            eprintln!("casework: {} referrals stored", i + 1);
        }
    }
    Ok(ws)
}

fn one(pairs: &[(&str, String)]) -> Item {
    (pairs.iter())
        .map(|(k, v)| ((*k).to_owned(), Value::One(v.clone())))
        .collect()
}

fn name(rng: &mut StdRng) -> String {
    format!("{} {}", super::word(rng, 2), super::word(rng, 3))
}

/// One child referral as the kiosk would have sealed it, endorsed and decided since.
fn referral(i: usize, las: &[String], rng: &mut StdRng) -> Referral {
    let start = Utc
        .with_ymd_and_hms(2016, 1, 1, 9, 0, 0)
        .single()
        .expect("date");
    let created = start + Duration::minutes(rng.random_range(0..10 * 365 * 24 * 60));
    let la = las[rng.random_range(0..las.len())].clone();
    let dob = created.date_naive() - Duration::days(rng.random_range(11 * 365..17 * 365));
    let district = format!(
        "Q{}{}",
        (b'A' + (i % 6) as u8) as char,
        rng.random_range(1..=12)
    );
    let values = one(&[
        ("referrer_agency", "Children's social care".into()),
        ("referrer_name", "A. Worker".into()),
        ("referrer_email", "worker@example.org".into()),
        ("presenting_la", la.clone()),
        ("person_name", name(rng)),
        ("person_dob", dob.format("%Y-%m-%d").to_string()),
        ("person_area", district),
        ("owning_la", la),
        (
            "risk_view",
            "Synthetic: escalating missing episodes and new older associates.".into(),
        ),
        (
            "evidence",
            "Synthetic: police logs and school reports.".into(),
        ),
        (
            "rationale",
            "Synthetic: single-agency work has not reduced the risk.".into(),
        ),
    ]);
    let perps = (0..2)
        .map(|_| {
            one(&[
                ("perpetrator_name", name(rng)),
                (
                    "perpetrator_age",
                    format!("about {}", rng.random_range(18..40)),
                ),
                (
                    "perpetrator_known",
                    "Synthetic: seen collecting from school.".into(),
                ),
            ])
        })
        .collect();
    let places = vec![one(&[
        ("location_place", format!("{} Court", super::word(rng, 2))),
        ("location_concern", "Synthetic: parties reported.".into()),
    ])];
    let submission = Submission {
        schema: 1,
        reference: format!("BENCH-{i:06}"),
        form: "child-referral".into(),
        form_title: "Child referral".into(),
        form_version: 1,
        started_at: created.to_rfc3339(),
        submitted_at: created.to_rfc3339(),
        answers: Answers {
            values,
            items: BTreeMap::from([("perpetrators".into(), perps), ("locations".into(), places)]),
        },
    };
    Referral {
        key: RecordKey {
            kiosk: "bench".into(),
            id: format!("{i:032x}"),
        },
        sequence: i as u64 + 1,
        created_at: created,
        received_at: created,
        submission,
        case: case(created, rng),
    }
}

fn case(created: chrono::DateTime<Utc>, rng: &mut StdRng) -> Case {
    let mut roll = rng.random_range(0..100);
    let state = STATES
        .iter()
        .find(|(_, share)| {
            let here = roll < *share;
            roll = roll.saturating_sub(*share);
            here
        })
        .map_or("open", |(s, _)| s);
    let step = |id: &str, from: &str, to: &str, days: i64| Step {
        id: id.into(),
        title: id.into(),
        from: from.into(),
        to: to.into(),
        by: "bench".into(),
        role: "reviewer".into(),
        at: created + Duration::days(days),
        reason: "Synthetic reason.".into(),
        answers: Vec::new(),
    };
    let mut history = vec![step("endorse", "awaiting-endorsement", "with-police", 1)];
    if state != "with-police" {
        history.push(step("decide", "with-police", state, 6));
    }
    Case {
        state: state.into(),
        entered: history.last().map(|s| s.at),
        history,
    }
}

/// A browser's part, in process: cookies kept, redirects followed, the CSRF field read.
pub struct Client {
    app: axum::Router,
    rt: tokio::runtime::Runtime,
    cookies: BTreeMap<String, String>,
}

fn hidden(html: &str, name: &str) -> String {
    let at = format!("name=\"{name}\" value=\"");
    let start = html.find(&at).map_or(0, |i| i + at.len());
    html[start..start + html[start..].find('"').unwrap_or(0)].to_string()
}

impl Client {
    pub fn new(ws: &Arc<Workspace>) -> anyhow::Result<Client> {
        let sessions = ws.store.sessions()?;
        Ok(Client {
            app: prem::workspace::web::app(ws.clone(), sessions),
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?,
            cookies: BTreeMap::new(),
        })
    }

    /// One request, redirects followed; the final status and body.
    pub fn send(&mut self, method: Method, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let (mut method, mut path, mut body) = (method, path.to_string(), form_body(form));
        loop {
            let cookie: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            let mut req = Request::builder()
                .method(method.clone())
                .uri(&path)
                .header("host", "127.0.0.1")
                .header("cookie", cookie.join("; "));
            if method == Method::POST {
                req = req.header("content-type", "application/x-www-form-urlencoded");
            }
            let mut req = req
                .body(axum::body::Body::from(body.clone()))
                .expect("request");
            let peer: std::net::SocketAddr = "127.0.0.1:40000".parse().expect("address");
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
            let (parts, bytes) = self.rt.block_on(async {
                let res = self.app.clone().oneshot(req).await.expect("infallible");
                let (parts, b) = res.into_parts();
                (
                    parts,
                    axum::body::to_bytes(b, usize::MAX).await.expect("body"),
                )
            });
            for v in parts.headers.get_all("set-cookie") {
                let text = v.to_str().unwrap_or_default();
                let pair = text.split(';').next().unwrap_or_default();
                if let Some((k, v)) = pair.split_once('=') {
                    self.cookies.insert(k.into(), v.into());
                }
            }
            match parts.headers.get("location").and_then(|l| l.to_str().ok()) {
                Some(next) if parts.status.is_redirection() => {
                    (method, path, body) = (Method::GET, next.to_string(), String::new());
                }
                _ => {
                    return (
                        parts.status.as_u16(),
                        String::from_utf8_lossy(&bytes).into(),
                    )
                }
            }
        }
    }

    pub fn get(&mut self, path: &str) -> (u16, String) {
        self.send(Method::GET, path, &[])
    }

    /// Posts `fields` with the CSRF token of the page `html`.
    fn post(&mut self, html: &str, path: &str, fields: &[(&str, &str)]) -> String {
        let token = hidden(html, "csrf");
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.send(Method::POST, path, &all).1
    }

    /// Signs in as a new account of `role`, as a person would the first time.
    pub fn sign_in(&mut self, ws: &Workspace, name: &str, role: &str) -> anyhow::Result<()> {
        let role = ws.roles.get(role);
        let cost = prem::seal::KdfParams::INSECURE_FOR_TESTS;
        let temporary = accounts::add(&ws.store, name, &role, None, cost)?;
        let own = "a long synthetic password for the bench";
        let page = self.get("/login").1;
        let page = self.post(
            &page,
            "/login",
            &[("name", name), ("password", temporary.as_str())],
        );
        let page = self.post(
            &page,
            "/login/password",
            &[("password", own), ("confirm", own)],
        );
        let start = page.find("id=\"secret\">").map_or(0, |i| i + 12);
        let shown = &page[start..start + page[start..].find('<').unwrap_or(0)];
        let secret = totp::base32_decode(shown).ok_or_else(|| anyhow::anyhow!("no secret"))?;
        let code = totp::code(&secret, Utc::now().timestamp());
        let page = self.post(&page, "/login/enrol", &[("code", code.as_str())]);
        anyhow::ensure!(page.contains("Sign out"), "not signed in");
        Ok(())
    }
}

fn form_body(pairs: &[(&str, &str)]) -> String {
    (pairs.iter())
        .map(|(k, v)| format!("{}={}", urlencoding::encode(k), urlencoding::encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}
