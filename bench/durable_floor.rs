//! The limit for durable submissions: N threads that each, for D seconds, make records as durable
//! as the kiosk's store does, one at a time and without grouping: write the record to a temp file
//! in a spool directory, fsync it, rename it into place, fsync the directory, then insert the
//! index keys a record gets (one sled batch of the same five keys and sizes) and flush sled.
//! No HTTP, no sealing, no sessions: only the disk work every acknowledged submission needs.
//! Prints one line of `key=value` figures like `loadgen`.
//!
//!     durable_floor --dir /tmp/floor --clients 64 --seconds 10 --size 1200

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

struct Args {
    dir: PathBuf,
    clients: usize,
    seconds: u64,
    size: usize,
}

fn args() -> Args {
    let mut a = Args {
        dir: std::env::temp_dir().join("prem-durable-floor"),
        clients: 16,
        seconds: 10,
        size: 1200,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .unwrap_or_else(|| usage(&format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--dir" => a.dir = value().into(),
            "--clients" => a.clients = value().parse().unwrap_or_else(|_| usage("bad --clients")),
            "--seconds" => a.seconds = value().parse().unwrap_or_else(|_| usage("bad --seconds")),
            "--size" => a.size = value().parse().unwrap_or_else(|_| usage("bad --size")),
            _ => usage(&format!("unknown argument {flag}")),
        }
    }
    a
}

fn usage(msg: &str) -> ! {
    eprintln!(
        "error: {msg}\nusage: durable_floor [--dir DIR] [--clients N] [--seconds D] [--size BYTES]"
    );
    std::process::exit(2)
}

/// One record, durable on return: the kiosk's put without the group.
fn put(spool: &Path, db: &sled::Tree, client: usize, n: u64, record: &[u8]) -> std::io::Result<()> {
    let name = format!("{client:03}-{n:08}.rec");
    let tmp = spool.join(format!("{name}.tmp"));
    let mut f = fs::File::create(&tmp)?;
    f.write_all(record)?;
    f.sync_all()?;
    drop(f);
    fs::rename(&tmp, spool.join(&name))?;
    fs::File::open(spool)?.sync_all()?;
    // The keys the kiosk's index gets per record: entry (~200 B JSON), reference, unacked,
    // idempotency claim, last sequence.
    let id = {
        let mut id = [0u8; 16];
        id[..8].copy_from_slice(&(client as u64).to_be_bytes());
        id[8..].copy_from_slice(&n.to_be_bytes());
        id
    };
    let mut batch = sled::Batch::default();
    batch.insert([b"r".as_slice(), &id].concat(), vec![b'x'; 200]);
    batch.insert(
        format!("fPREM-2026-{client:03}{n:03}").into_bytes(),
        id.to_vec(),
    );
    batch.insert(
        [b"u".as_slice(), &n.to_be_bytes(), &id[..8]].concat(),
        id.to_vec(),
    );
    batch.insert(
        [b"i".as_slice(), &[7u8; 24], &id[..8]].concat(),
        id.to_vec(),
    );
    batch.insert(b"mlast_seq".to_vec(), n.to_be_bytes().to_vec());
    db.apply_batch(batch).map_err(std::io::Error::other)?;
    db.flush().map_err(std::io::Error::other)?;
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() {
    let a = args();
    let _ = fs::remove_dir_all(&a.dir);
    let spool = a.dir.join("spool");
    fs::create_dir_all(&spool).expect("create the spool directory");
    // The kiosk's sled settings (src/store/dir.rs).
    let db = sled::Config::new()
        .path(a.dir.join("index"))
        .mode(sled::Mode::LowSpace)
        .open()
        .expect("open sled");
    let tree = db.open_tree("index").expect("open tree");
    let record = vec![0x5a; a.size];
    let started = Instant::now();
    let deadline = started + Duration::from_secs(a.seconds);
    let mut lat: Vec<Duration> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..a.clients)
            .map(|c| {
                let (spool, tree, record) = (&spool, &tree, &record);
                s.spawn(move || {
                    let mut lat = Vec::new();
                    let mut n = 0u64;
                    while Instant::now() < deadline {
                        let t = Instant::now();
                        put(spool, tree, c, n, record).expect("durable write");
                        lat.push(t.elapsed());
                        n += 1;
                    }
                    lat
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("writer thread"))
            .collect()
    });
    let elapsed = started.elapsed().as_secs_f64();
    lat.sort_unstable();
    println!(
        "clients={} seconds={elapsed:.1} records={} per_sec={:.1} p50_ms={:.1} p99_ms={:.1} size={}",
        a.clients,
        lat.len(),
        lat.len() as f64 / elapsed,
        percentile(&lat, 0.50),
        percentile(&lat, 0.99),
        a.size
    );
    drop(tree);
    drop(db);
    let _ = fs::remove_dir_all(&a.dir);
}
