//! The floor for build benchmarks: writes files of exactly the sizes and
//! paths a real build produced, and nothing else, using every core. No site
//! generator can beat this on the same disk.
//!
//! usage: floor REFERENCE_DIR OUT_DIR

use std::path::{Path, PathBuf};

fn collect(dir: &Path, root: &Path, out: &mut Vec<(PathBuf, u64)>) {
    for e in std::fs::read_dir(dir).expect("read reference dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, root, out);
        } else if p.file_name().is_some_and(|n| n == "index.html") {
            let len = e.metadata().expect("metadata").len();
            out.push((p.strip_prefix(root).expect("prefix").to_path_buf(), len));
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (reference, out) = (PathBuf::from(&args[1]), PathBuf::from(&args[2]));
    let mut files = Vec::new();
    collect(&reference, &reference, &mut files);
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let chunk = files.len().div_ceil(threads).max(1);
    let longest = files.iter().map(|(_, len)| *len).max().unwrap_or(0) as usize;
    let filler = vec![b'x'; longest];
    std::thread::scope(|s| {
        for part in files.chunks(chunk) {
            let (out, filler) = (&out, &filler);
            s.spawn(move || {
                for (rel, len) in part {
                    let path = out.join(rel);
                    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
                    std::fs::write(&path, &filler[..*len as usize]).expect("write");
                }
            });
        }
    });
    eprintln!("floor: wrote {} files", files.len());
}
