//! A real kiosk for tests: the project's own site, forms and criteria, a
//! temporary data directory with real sled, a throwaway reviewer key pair,
//! and real HTTP over a loopback socket.

#![allow(dead_code)]

pub mod process;

pub mod inbox;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use prem::config::{Config, Recipient};
use prem::forms::{self, Answers, Form, Kind, Page};
use prem::kiosk::{Kiosk, ServeOptions};
use prem::seal::{KdfParams, SecretKey};

pub const PASSPHRASE: &str = "correct horse battery staple";
/// Typed into every free-text answer, then searched for in the data directory.
pub const MARKER: &str = "Zqx-synthetic-7731";

pub struct Harness {
    pub addr: SocketAddr,
    pub internal: SocketAddr,
    pub kiosk: Arc<Kiosk>,
    pub secret: SecretKey,
    pub data_dir: PathBuf,
    pub tmp: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    rt: Option<tokio::runtime::Runtime>,
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl Harness {
    pub fn start(tune: impl FnOnce(&mut Config)) -> Self {
        Self::start_with(tune, false)
    }

    pub fn start_with(tune: impl FnOnce(&mut Config), production: bool) -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let keys = tmp.path().join("keys");
        std::fs::create_dir_all(&keys).expect("keys dir");
        let (public, secret_path) = prem::seal::keygen_with_params(
            &keys,
            "police",
            PASSPHRASE.as_bytes(),
            KdfParams::INSECURE_FOR_TESTS,
        )
        .expect("keygen");
        let secret =
            prem::seal::read_secret_key(&secret_path, PASSPHRASE.as_bytes()).expect("secret");
        let mut config = Config::load_with_env(&root(), std::iter::empty()).expect("config");
        config.kiosk.data_dir = tmp.path().join("data");
        config.build.output_dir = tmp.path().join("public");
        config.kiosk.internal_addr = "127.0.0.1:0".into();
        config.kiosk.recipients = vec![Recipient {
            name: "police".into(),
            public_key: public,
            forms: Vec::new(),
        }];
        config.kiosk.posts_per_minute = 100_000;
        config.kiosk.new_sessions_per_minute = 100_000;
        tune(&mut config);
        let data_dir = config.kiosk.data_dir.clone();
        let kiosk = prem::kiosk::prepare(config, &root(), &ServeOptions { production })
            .expect("kiosk prepares");
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let k = kiosk.clone();
        let (addr, internal) = rt.block_on(async move {
            let public = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let internal = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let addrs = (
                public.local_addr().expect("addr"),
                internal.local_addr().expect("addr"),
            );
            tokio::spawn(prem::kiosk::serve_on(
                k,
                public,
                Some(internal),
                async move {
                    let _ = rx.await;
                },
            ));
            addrs
        });
        Self {
            addr,
            internal,
            kiosk,
            secret,
            data_dir,
            tmp,
            stop: Some(tx),
            rt: Some(rt),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn internal_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.internal)
    }

    pub fn client() -> reqwest::blocking::Client {
        reqwest::blocking::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client")
    }

    pub fn form(&self, id: &str) -> &Form {
        self.kiosk.forms.get(id).expect("form exists")
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(rt) = self.rt.take() {
            rt.shutdown_timeout(std::time::Duration::from_secs(2));
        }
    }
}

/// The hidden CSRF token in a page.
pub fn csrf(html: &str) -> String {
    let start = html
        .find("name=\"csrf\" value=\"")
        .map(|i| i + 19)
        .unwrap_or_else(|| panic!("no csrf field in:\n{html}"));
    html[start..start + html[start..].find('"').expect("quote")].to_string()
}

/// Synthetic answers for every visible question on `page`, as a user would
/// type them; free text carries the marker.
pub fn fill(form: &Form, page: &Page, answers: &Answers) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for q in forms::visible_questions(form, page, answers) {
        let name = if page.repeat.is_some() {
            format!("{}-1", q.id)
        } else {
            q.id.clone()
        };
        let value = match &q.kind {
            Kind::Date(rules) => {
                // The date the page's own hint gives as an example.
                let d = rules.example(chrono::Utc::now().date_naive());
                for (part, f) in [("day", "%-d"), ("month", "%-m"), ("year", "%Y")] {
                    out.push((format!("{name}-{part}"), d.format(f).to_string()));
                }
                continue;
            }
            Kind::Email(_) => "testy.mctestface@example.com".to_owned(),
            Kind::Phone(_) => "01632 960 001".to_owned(),
            Kind::Number(_) => "2".to_owned(),
            Kind::Text(r) if r.pattern.is_some() => "NE1 4ST".to_owned(),
            Kind::Text(r) if r.max_length < 40 => "TESTY 1".to_owned(),
            Kind::YesNo(_) => "yes".to_owned(),
            Kind::Radios(c) => c[c.len() - 1].value.clone(),
            Kind::Select(c) | Kind::Checkboxes(c) => c[0].value.clone(),
            _ => format!("Testy McTestface {MARKER}"),
        };
        out.push((name, value));
    }
    if page.repeat.is_some() {
        out.push(("action".into(), "continue".into()));
    }
    out
}

/// Every file's bytes under `dir`, concatenated, for searching.
pub fn all_bytes(dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.extend(std::fs::read(&p).unwrap_or_default());
            }
        }
    }
    out
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Answers pages over HTTP, as the flow asks for them, until `stop` says so
/// (returning that page) or the form is complete (returning `None`).
pub fn answer_until<'f>(
    h: &'f Harness,
    client: &reqwest::blocking::Client,
    form_id: &str,
    stop: impl Fn(&Page) -> bool,
) -> (Answers, Option<&'f Page>) {
    let form = h.form(form_id);
    let mut answers = Answers::default();
    for _ in 0..60 {
        let Some(page) = forms::first_unanswered_page(form, &answers) else {
            return (answers, None);
        };
        if stop(page) {
            return (answers, Some(page));
        }
        let href = forms::page_href(form_id, &page.id);
        let html = client
            .get(h.url(&href))
            .send()
            .expect("get page")
            .text()
            .expect("text");
        assert!(
            html.contains("OFFICIAL-SENSITIVE"),
            "{href}: marking banner"
        );
        let token = csrf(&html);
        let mut pairs = fill(form, page, &answers);
        let valid = forms::validate_page(form, page, &answers, &pairs)
            .unwrap_or_else(|e| panic!("{href}: {e:?}"));
        answers.record(page, valid);
        pairs.push(("csrf".into(), token));
        let res = client.post(h.url(&href)).form(&pairs).send().expect("post");
        assert_eq!(res.status(), 200, "{href}");
        let landed = res.url().path().to_string();
        assert_ne!(
            landed,
            href,
            "{href}: the post was refused:\n{}",
            res.text().unwrap_or_default()
        );
    }
    panic!("{form_id}: too many pages");
}

/// Completes a whole form through the HTTP flow and returns the reference.
pub fn complete_form(h: &Harness, client: &reqwest::blocking::Client, form_id: &str) -> String {
    let start = client
        .get(h.url(&format!("/forms/{form_id}/")))
        .send()
        .expect("start");
    assert_eq!(start.status(), 200);
    answer_until(h, client, form_id, |_| false);
    let check = client
        .get(h.url(&format!("/forms/{form_id}/check/")))
        .send()
        .expect("check")
        .text()
        .expect("text");
    assert!(check.contains("Check your answers"), "{check}");
    submit(h, client, form_id, &csrf(&check))
}

pub fn submit(
    h: &Harness,
    client: &reqwest::blocking::Client,
    form_id: &str,
    token: &str,
) -> String {
    let res = client
        .post(h.url(&format!("/forms/{form_id}/submit/")))
        .form(&[("csrf", token), ("declaration", "yes")])
        .send()
        .expect("submit");
    assert_eq!(res.status(), 200);
    assert!(
        res.headers().get("clear-site-data").is_some(),
        "clear-site-data after a submission"
    );
    let body = res.text().expect("text");
    reference_in(&body).unwrap_or_else(|| panic!("no reference in:\n{body}"))
}

pub fn reference_in(html: &str) -> Option<String> {
    let i = html.find("PREM-20")?;
    Some(html[i..i + 16].to_string())
}
