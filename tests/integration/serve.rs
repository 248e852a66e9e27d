//! How `prem serve` sends the built site: precompressed assets only to
//! clients that ask (byte-identical once decompressed), never a compressed
//! page with a session; a first visit that stays light; and a new build
//! picked up on SIGHUP without a restart, with no half-written moment.

use std::io::Read as _;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::process::Site;
use crate::support::tree::copy_dir;
use crate::support::{Harness, Partnership};

fn get(
    client: &reqwest::blocking::Client,
    url: &str,
    accept: Option<&str>,
) -> reqwest::blocking::Response {
    let mut req = client.get(url);
    if let Some(accept) = accept {
        req = req.header("accept-encoding", accept);
    }
    req.send().expect("get")
}

fn header(res: &reqwest::blocking::Response, name: &str) -> Option<String> {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

#[test]
fn assets_are_sent_compressed_only_to_clients_that_ask() {
    let h = Harness::start(|_| {});
    let client = reqwest::blocking::Client::new();
    let url = h.url("/assets/govuk-frontend.min.css");
    let plain = get(&client, &url, None);
    assert_eq!(header(&plain, "content-encoding"), None);
    assert_eq!(header(&plain, "vary").as_deref(), Some("Accept-Encoding"));
    let original = plain.bytes().expect("bytes").to_vec();
    assert!(original.len() > 100_000, "the CSS as built");

    let gz = get(&client, &url, Some("gzip, deflate"));
    assert_eq!(header(&gz, "content-encoding").as_deref(), Some("gzip"));
    assert_eq!(header(&gz, "vary").as_deref(), Some("Accept-Encoding"));
    let packed = gz.bytes().expect("bytes").to_vec();
    assert!(packed.len() < original.len() / 4, "{} bytes", packed.len());
    let mut unpacked = Vec::new();
    flate2::read::GzDecoder::new(&packed[..])
        .read_to_end(&mut unpacked)
        .expect("gunzip");
    assert!(unpacked == original, "gzip copy is byte-identical");

    let br = get(&client, &url, Some("gzip, deflate, br"));
    assert_eq!(header(&br, "content-encoding").as_deref(), Some("br"));
    let packed = br.bytes().expect("bytes").to_vec();
    let mut unpacked = Vec::new();
    brotli::Decompressor::new(&packed[..], 4096)
        .read_to_end(&mut unpacked)
        .expect("unbrotli");
    assert!(unpacked == original, "brotli copy is byte-identical");

    // q=0 refuses a coding; an unknown coding gets the file as it is.
    let refused = get(&client, &url, Some("br;q=0, gzip"));
    assert_eq!(
        header(&refused, "content-encoding").as_deref(),
        Some("gzip")
    );
    let other = get(&client, &url, Some("zstd"));
    assert_eq!(header(&other, "content-encoding"), None);

    // Pages are never compressed here, least of all the forms with a token.
    for path in ["/", "/forms/", "/forms/urgent-meeting/"] {
        let res = get(&client, &h.url(path), Some("gzip, br"));
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(header(&res, "content-encoding"), None, "{path}");
    }
}

/// The guidance home page and everything it loads, as a browser that takes
/// brotli receives them on a first visit: the project's own home page, as its
/// kiosk serves it, since the budget is for the real one.
#[test]
fn a_first_visit_to_a_guidance_page_is_under_50_kb_on_the_wire() {
    let h = Harness::prepare(Partnership::Project, false, |_| {}).listen();
    let client = reqwest::blocking::Client::new();
    let accept = Some("gzip, deflate, br");
    let page = get(&client, &h.url("/"), accept).text().expect("html");
    let mut total = page.len();
    let mut loaded = Vec::new();
    for attr in ["href=\"/assets/", "src=\"/assets/"] {
        for part in page.split(attr).skip(1) {
            let path = part.split('"').next().unwrap_or("").replace("&amp;", "&");
            let is_loaded =
                part.contains(".css") || part.contains(".js") || attr.starts_with("src");
            if is_loaded && !loaded.contains(&path) && !path.contains("LICENCE") {
                let res = get(&client, &h.url(&format!("/assets/{path}")), accept);
                assert_eq!(res.status(), 200, "{path}");
                total += res.bytes().expect("bytes").len();
                loaded.push(path);
            }
        }
    }
    assert!(
        loaded.iter().any(|p| p.contains("govuk-frontend")),
        "{loaded:?}"
    );
    eprintln!(
        "first visit: {total} bytes ({} of HTML) with {loaded:?}",
        page.len()
    );
    assert!(total < 50_000, "{total} bytes: {loaded:?}");
}

/// A real `prem serve`: edit a page, send SIGHUP, and the server answers
/// with the new build, every response in between whole (old or new).
#[test]
fn sighup_publishes_a_new_build_without_a_restart() {
    let site = Site::new();
    // A private copy of the content, so the test can edit a page.
    let content = site.dir.join("content");
    std::fs::remove_file(&content).expect("unlink content symlink");
    copy_dir(&Partnership::Harbour.root().join("content"), &content);
    let mut server = site.serve_with("reload", None, &[("RUST_LOG", "warn")]);
    let client = reqwest::blocking::Client::new();
    let page = format!("{}/panel/how-to-ask/", server.base);
    let before = get(&client, &page, None).text().expect("text");
    let word = "Zqxreloadword";
    assert!(!before.contains(word));

    let file = content.join("panel/how-to-ask.md");
    let text = std::fs::read_to_string(&file).expect("read page");
    std::fs::write(&file, format!("{text}\n\n{word} marks the new build.\n")).expect("edit");
    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .expect("kill")
        .success());
    let start = Instant::now();
    loop {
        let res = get(&client, &page, None);
        assert_eq!(res.status(), 200);
        let body = res.text().expect("text");
        assert!(body.trim_end().ends_with("</html>"), "a whole page");
        if body.contains(word) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no reload:\n{}",
            server.log_text()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        server.child.try_wait().expect("wait").is_none(),
        "still running"
    );
    // The new files are served a moment before the reload is logged: wait for the line.
    let logged = Instant::now();
    while !server.log_text().contains("reloaded on SIGHUP") {
        assert!(
            logged.elapsed() < Duration::from_secs(10),
            "the reload is not logged:\n{}",
            server.log_text()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    server.kill();
}
