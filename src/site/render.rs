//! What every render step shares: the site, its navigation tree, the
//! site-wide facts, the one `Output` every file goes through and the key of
//! what is on every page; and the progress line while pages are rendered.
//! The steps themselves (`pages`, `generated`, `search_index`, `sitemap`,
//! `assets`) extend `Render`, and `build` runs them in order.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::output::Output;
use super::tree::Tree;
use super::Site;
use crate::theme::SiteInfo;

/// What every render step shares.
pub(super) struct Render<'a> {
    pub(super) site: &'a Site,
    pub(super) tree: Tree<'a>,
    pub(super) info: SiteInfo,
    pub(super) out: Output,
    /// The key of everything that appears on every page (see `build::global_key`).
    pub(super) global: String,
    /// Pages gone through so far, for the progress line.
    done: AtomicUsize,
    /// Pages taken from the render cache that had to be rendered again.
    pub(super) again: AtomicUsize,
}

impl<'a> Render<'a> {
    pub(super) fn new(
        site: &'a Site,
        tree: Tree<'a>,
        info: SiteInfo,
        out: Output,
        global: String,
    ) -> Self {
        Self {
            site,
            tree,
            info,
            out,
            global,
            done: AtomicUsize::new(0),
            again: AtomicUsize::new(0),
        }
    }

    /// Counts one more page gone through and shows progress when asked.
    pub(super) fn tick(&self) {
        let n = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if self.site.opts.progress {
            show_progress(n, self.site.pages.len());
        }
    }
}

/// One line on a terminal, rewritten in place ("rendered 4000 of 10000
/// pages (40%)"), for builds long enough to wonder about; `progress` is only
/// set when stderr is a terminal, so logs and pipes never get it.
fn show_progress(n: usize, total: usize) {
    if total < 500 || !(n.is_multiple_of(250) || n == total) {
        return;
    }
    let end = if n == total { "\n" } else { "" };
    eprint!(
        "\r  rendered {n} of {total} pages ({}%){end}",
        n * 100 / total
    );
}

/// The output file of the page at `url`.
pub(super) fn index_rel(url: &str) -> String {
    format!("{}index.html", url.trim_start_matches('/'))
}
