//! The step that writes `sitemap.xml` (every published page, with its review
//! date as `lastmod`) and the `robots.txt` that points at it.

use std::fmt::Write as _;

use anyhow::Result;

use super::output::hash_hex;
use super::render::Render;
use super::Site;
use crate::content::PageKind;
use crate::glossary::GLOSSARY_URL;
use crate::search::SEARCH_URL;

impl Render<'_> {
    /// The sitemap is named by what it lists (and the site-wide key, which
    /// holds the base URL), so an edit that changes no address or review
    /// date does not write 10,000 addresses out again to find it the same.
    pub(super) fn render_sitemap(&self) -> Result<()> {
        let urls = urls(self.site);
        let mut listed = String::with_capacity(urls.len() * 48);
        for (u, lastmod) in &urls {
            let _ = writeln!(listed, "{u}\t{}", lastmod.as_deref().unwrap_or(""));
        }
        let key = hash_hex(&[self.global.as_bytes(), listed.as_bytes()]);
        if !self.out.is_current("sitemap.xml", &key) {
            let xml = sitemap(self.site.config.base_url(), urls);
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
