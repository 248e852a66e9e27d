//! Who links to whom: the children of each section, in order, and the pages
//! by URL, from which every page's breadcrumbs, side navigation and child
//! list are drawn.

use std::collections::HashMap;

use super::LoadedPage;
use crate::content::PageKind;
use crate::theme::Link;

pub(super) struct Tree<'a> {
    children: HashMap<&'a str, Vec<&'a LoadedPage>>,
    pub(super) by_url: HashMap<&'a str, &'a LoadedPage>,
}

impl<'a> Tree<'a> {
    pub(super) fn new(pages: &'a [LoadedPage]) -> Self {
        let mut children: HashMap<&str, Vec<&LoadedPage>> = HashMap::new();
        for lp in pages {
            if let Some(parent) = &lp.page.parent {
                children.entry(parent.as_str()).or_default().push(lp);
            }
        }
        for v in children.values_mut() {
            v.sort_by(|a, b| a.page.order_key().cmp(&b.page.order_key()));
        }
        Self {
            children,
            by_url: pages.iter().map(|lp| (lp.page.url.as_str(), lp)).collect(),
        }
    }

    /// The pages of the section at `parent`, in order.
    pub(super) fn links(&self, parent: &str) -> Vec<Link> {
        self.children
            .get(parent)
            .map(|v| v.iter().map(|lp| link(lp)).collect())
            .unwrap_or_default()
    }

    /// The top navigation: the home page's sections.
    pub(super) fn top_sections(&self) -> Vec<Link> {
        self.children
            .get("/")
            .map(|v| {
                v.iter()
                    .filter(|lp| lp.page.kind == PageKind::Section)
                    .map(|lp| link(lp))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The side navigation for a page: its section's pages, or, in a large
    /// section, the pages either side of it and a link to the whole list, so
    /// no page carries hundreds of links.
    pub(super) fn neighbours(&self, parent: &str, url: &str) -> Vec<Link> {
        const WINDOW: usize = 10;
        let Some(pages) = self.children.get(parent) else {
            return Vec::new();
        };
        if pages.len() <= 2 * WINDOW + 5 {
            return pages.iter().map(|lp| link(lp)).collect();
        }
        let at = pages.iter().position(|lp| lp.page.url == url).unwrap_or(0);
        let from = at.saturating_sub(WINDOW);
        let to = (at + WINDOW + 1).min(pages.len());
        let mut links: Vec<Link> = pages[from..to].iter().map(|lp| link(lp)).collect();
        let title = format!("All {} pages in this section", pages.len());
        links.push(Link {
            title,
            url: parent.to_string(),
            summary: None,
        });
        links
    }

    pub(super) fn breadcrumbs(&self, lp: &LoadedPage) -> Vec<Link> {
        let mut crumbs = Vec::new();
        let mut parent = lp.page.parent.as_deref();
        while let Some(url) = parent {
            match self.by_url.get(url) {
                Some(p) => {
                    let title = if p.page.kind == PageKind::Home {
                        "Home".to_string()
                    } else {
                        p.page.front.title.clone()
                    };
                    crumbs.push(Link {
                        title,
                        url: url.to_string(),
                        summary: None,
                    });
                    parent = p.page.parent.as_deref();
                }
                None => break,
            }
        }
        crumbs.reverse();
        crumbs
    }
}

/// A page as a link: its title, URL and summary.
pub(super) fn link(lp: &LoadedPage) -> Link {
    Link {
        title: lp.page.front.title.clone(),
        url: lp.page.url.clone(),
        summary: lp.page.front.summary.clone(),
    }
}
