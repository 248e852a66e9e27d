//! The theme's assets, read before rendering (their hash versions every
//! asset URL), and the step that copies them and the content's own files
//! (images beside the pages) into the output.

use std::path::Path;

use anyhow::{Context, Result};

use super::render::Render;
use super::Site;

/// The theme's assets and the vendored GOV.UK Frontend CSS, as (output path, bytes).
pub(super) fn theme(site: &Site) -> Result<Vec<(String, Vec<u8>)>> {
    let theme_dir = site
        .opts
        .root
        .join(&site.config.build.themes_dir)
        .join(&site.config.site.theme);
    let mut assets = Vec::new();
    read_dir_into(&theme_dir.join("assets"), "assets", &mut assets)?;
    let vendor = theme_dir.join("vendor/govuk-frontend");
    for (from, to) in [
        ("govuk-frontend.min.css", "assets/govuk-frontend.min.css"),
        ("LICENCE", "assets/govuk-frontend-LICENCE.txt"),
    ] {
        if let Ok(bytes) = std::fs::read(vendor.join(from)) {
            assets.push((to.to_string(), bytes));
        }
    }
    assets.sort();
    Ok(assets)
}

fn read_dir_into(dir: &Path, prefix: &str, into: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot read theme assets", dir.display()))?;
    for e in entries {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = format!("{prefix}/{name}");
        if e.file_type()?.is_dir() {
            read_dir_into(&e.path(), &rel, into)?;
        } else if !name.starts_with('.') {
            into.push((
                rel,
                std::fs::read(e.path())
                    .with_context(|| format!("{}: cannot read", e.path().display()))?,
            ));
        }
    }
    Ok(())
}

impl Render<'_> {
    /// The content's files as they are, and the theme's assets with their
    /// gzip and brotli copies: every text file a page loads travels
    /// compressed (GOV.UK Frontend's CSS: 131 KB becomes ~15 KB).
    pub(super) fn copy_assets(&self, theme: &[(String, Vec<u8>)]) -> Result<()> {
        let content_dir = self.site.content_dir();
        for rel in &self.site.assets {
            let path = content_dir.join(rel);
            let bytes =
                std::fs::read(&path).with_context(|| format!("{}: cannot read", path.display()))?;
            self.out.write_generated(rel, &bytes)?;
        }
        // Side by side: brotli's top quality takes tens of milliseconds a file, and a clean
        // build of a small site is otherwise mostly this wait.
        use rayon::prelude::*;
        theme
            .par_iter()
            .try_for_each(|(rel, bytes)| self.out.write_precompressed(rel, bytes))
    }
}
