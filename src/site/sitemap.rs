//! The step that writes `sitemap.xml` (every published page, with its review
//! date as `lastmod`) and the `robots.txt` that points at it.

use std::fmt::Write as _;

use anyhow::Result;
use chrono::Datelike;

use super::output::hash_hex;
use super::render::Render;
use super::Site;
use crate::content::PageKind;
use crate::glossary::GLOSSARY_URL;
use crate::search::SEARCH_URL;

impl Render<'_> {
    /// The sitemap is named by what it lists (and the site-wide key, which
    /// holds the base URL), so an edit that changes no address or review
    /// date does not list 10,000 addresses again to find them the same.
    pub(super) fn render_sitemap(&self) -> Result<()> {
        let site = self.site;
        // In the site's order: the same pages give the same sitemap.
        let dates: Vec<[u8; 5]> = site
            .pages
            .iter()
            .map(|lp| {
                let [a, b, c, d] = lp
                    .page
                    .front
                    .reviewed
                    .map_or(0_i32, |d| d.num_days_from_ce())
                    .to_le_bytes();
                [a, b, c, d, u8::from(lp.page.kind == PageKind::Deck)]
            })
            .collect();
        let checker = if site.checker.present {
            site.checker.url.as_str()
        } else {
            ""
        };
        let glossary = [u8::from(site.glossary.present)];
        let mut parts: Vec<&[u8]> = vec![self.global.as_bytes(), checker.as_bytes(), &glossary];
        for (lp, date) in site.pages.iter().zip(&dates) {
            parts.extend([lp.page.url.as_bytes(), date.as_slice()]);
        }
        let key = hash_hex(&parts);
        if !self.out.is_current("sitemap.xml", &key) {
            let xml = sitemap(site.config.base_url(), urls(site));
            self.out.write("sitemap.xml", &key, xml.as_bytes())?;
        }
        let robots = format!(
            "User-agent: *\nAllow: /\nSitemap: {}/sitemap.xml\n",
            self.site.config.base_url()
        );
        self.out.write_generated("robots.txt", robots.as_bytes())
    }
}

/// Every published address, sorted, with its review date.
fn urls(site: &Site) -> Vec<(String, Option<String>)> {
    let mut urls: Vec<(String, Option<String>)> = Vec::new();
    for lp in &site.pages {
        let lastmod = lp.page.front.reviewed.map(|d| d.to_string());
        urls.push((lp.page.url.clone(), lastmod.clone()));
        if lp.page.kind == PageKind::Deck {
            urls.push((format!("{}presenter/", lp.page.url), lastmod.clone()));
            urls.push((format!("{}handout/", lp.page.url), lastmod));
        }
    }
    if !urls.iter().any(|(u, _)| u == GLOSSARY_URL) && site.glossary.present {
        urls.push((GLOSSARY_URL.into(), None));
    }
    urls.push((SEARCH_URL.into(), None));
    if site.checker.present {
        urls.push((site.checker.url.clone(), None));
    }
    urls.sort();
    urls
}

fn sitemap(base: &str, urls: Vec<(String, Option<String>)>) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (u, lastmod) in urls {
        let _ = write!(
            xml,
            "  <url><loc>{}</loc>",
            escape_xml(&format!("{base}{u}"))
        );
        if let Some(d) = lastmod {
            let _ = write!(xml, "<lastmod>{d}</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// Text as XML character data: the five characters the sitemap protocol
/// asks to be written as entities.
fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape_xml;

    #[test]
    fn sitemap_text_escapes_the_five_xml_entities() {
        assert_eq!(
            escape_xml("https://x.org/a?b=1&c='<d>\"/"),
            "https://x.org/a?b=1&amp;c=&apos;&lt;d&gt;&quot;/"
        );
        assert_eq!(escape_xml("/plain/"), "/plain/");
    }
}
