//! The render cache's files: a header read alone first, the pages deleted
//! (in a delta), then the pages in pieces decoded side by side. postcard,
//! not JSON: decoding 10,000 pages' facts is the longest step of a rebuild
//! after an edit, and postcard does it several times faster than JSON, from
//! a file half the size.

use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Entry, Stamp, VERSION};
use crate::content::{FrontMatter, Heading};
use crate::markdown::{ImageRef, LinkTarget, Rendered};
use crate::slides::Slide;

/// The start of a cache file, read alone first so that a file made from
/// other inputs is never decoded.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    magic: [u8; 4],
    version: u32,
    key: String,
    /// The base's id; in a delta, the base it applies to.
    base: String,
}

const MAGIC: [u8; 4] = *b"prem";

/// Pages are saved in this many pieces, decoded side by side.
const PIECES: usize = 8;

/// A base with every page, or a delta holding the pages changed since the
/// base named in its header and those deleted since.
#[derive(Debug, Default)]
pub(super) struct Body {
    /// Sorted by source path.
    pub(super) pages: Vec<(String, Entry)>,
    pub(super) removed: Vec<String>,
}

/// A cache file as read.
pub(super) struct File {
    pub(super) base: String,
    pub(super) body: Body,
}

impl File {
    /// The header, the pages deleted, then the pieces of pages, each
    /// preceded by its length.
    pub(super) fn read(path: &Path, key: &str) -> Option<Self> {
        let bytes = std::fs::read(path).ok()?;
        let (header, rest) = postcard::take_from_bytes::<Header>(&bytes).ok()?;
        if header.magic != MAGIC || header.version != VERSION || header.key != key {
            return None;
        }
        let (removed, mut rest) = postcard::take_from_bytes::<Vec<String>>(rest).ok()?;
        let mut pieces = Vec::new();
        while !rest.is_empty() {
            let (len, after) = postcard::take_from_bytes::<u64>(rest).ok()?;
            let len = usize::try_from(len).ok().filter(|&n| n <= after.len())?;
            let (piece, next) = after.split_at(len);
            pieces.push(piece);
            rest = next;
        }
        let pieces: Vec<Vec<(String, Entry)>> = pieces
            .par_iter()
            .map(|p| postcard::from_bytes(p).ok())
            .collect::<Option<_>>()?;
        let mut pages = Vec::with_capacity(pieces.iter().map(Vec::len).sum());
        for piece in pieces {
            pages.extend(piece);
        }
        // Saved in order; a file from elsewhere is put in order.
        if !pages.is_sorted_by(|a, b| a.0 < b.0) {
            pages.sort_by(|a, b| a.0.cmp(&b.0));
            pages.dedup_by(|a, b| a.0 == b.0);
        }
        Some(Self {
            base: header.base,
            body: Body { pages, removed },
        })
    }
}

/// An `Entry` as the build holds it, for saving.
#[derive(Serialize)]
pub(super) struct EntryRef<'a> {
    pub(super) stamp: Stamp,
    pub(super) front: &'a FrontMatter,
    pub(super) body_line: usize,
    pub(super) source_hash: &'a [u8; 32],
    pub(super) facts: FactsRef<'a>,
    pub(super) slides: &'a [Slide],
}

#[derive(Serialize)]
pub(super) struct FactsRef<'a> {
    headings: &'a [Heading],
    anchors: &'a [LinkTarget],
    images: &'a [ImageRef],
}

impl<'a> FactsRef<'a> {
    pub(super) fn of(r: &'a Rendered) -> Self {
        Self {
            headings: &r.headings,
            anchors: &r.anchors,
            images: &r.images,
        }
    }
}

/// A `Body` as the build holds it, for saving.
pub(super) struct BodyRef<'a> {
    /// By source path, in order.
    pub(super) pages: Vec<(&'a str, EntryRef<'a>)>,
    pub(super) removed: Vec<&'a str>,
}

/// Written aside and renamed, so an interrupted build leaves the old file
/// or the new one, never half of one.
pub(super) fn write_atomically(
    out: &Path,
    name: &str,
    key: &str,
    base: &str,
    body: &BodyRef,
) -> Result<()> {
    let header = Header {
        magic: MAGIC,
        version: VERSION,
        key: key.to_string(),
        base: base.to_string(),
    };
    let per = body.pages.len().div_ceil(PIECES).max(1);
    let pieces: Vec<Vec<u8>> = body
        .pages
        .par_chunks(per)
        .map(postcard::to_stdvec)
        .collect::<Result<_, _>>()
        .context("cannot encode the render cache")?;
    let mut bytes = postcard::to_stdvec(&header)
        .and_then(|bytes| postcard::to_extend(&body.removed, bytes))
        .context("cannot encode the render cache")?;
    for piece in pieces {
        bytes = postcard::to_extend(&(piece.len() as u64), bytes)
            .context("cannot encode the render cache")?;
        bytes.extend_from_slice(&piece);
    }
    let path = out.join(name);
    let tmp = out.join(format!("{name}.tmp"));
    std::fs::write(&tmp, bytes).with_context(|| format!("{}: cannot write", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("{}: cannot write", path.display()))
}
