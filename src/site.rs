//! The build orchestrator, in two phases as Zola does: `Site::load` reads and
//! checks everything and gathers every problem into one report; `Site::build`
//! renders pages in parallel and writes them through one choke point, skipping
//! pages whose inputs have not changed since the last build. A rebuild reads
//! and renders only the files whose size or time changed (`load`, `cache`),
//! and `prem build` with no input changed at all stops once it has stamped
//! them (`state`).

mod assets;
mod build;
mod cache;
mod check;
mod fast_hash;
mod generated;
mod load;
mod output;
mod pages;
mod render;
mod search_index;
mod search_text;
mod sitemap;
mod state;
mod tree;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;

use crate::checker::Checker;
use crate::config::Config;
use crate::content::{Page, PageKind, Problem, Problems};
use crate::criteria::Criteria;
use crate::glossary::Glossary;
use crate::markdown::{self, Rendered};
use crate::slides::{self, Slide};

use build::Steps;
pub use build::{BuildStats, Built, Step};
pub use state::{up_to_date, Freshness, Inputs, UpToDate};

/// How to run a build; `Config` says what the site is, this says how to build it now.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site root: the folder holding `prem.toml`, `content/` and `themes/`.
    pub root: PathBuf,
    pub out: PathBuf,
    pub drafts: bool,
    /// Adds the preview's reload script to every page.
    pub live_reload: bool,
    /// The date pages' review dates are compared with.
    pub today: NaiveDate,
    /// Whether the kiosk's forms are linked from the header.
    pub forms_link: bool,
    /// Print progress while rendering large sites (set when stderr is a terminal).
    pub progress: bool,
    /// Whether `Built::index` holds the whole search index, for a server
    /// answering `/search/?q=`. `prem build` needs none of it, and on a
    /// large site gathering it means reading every page's text again.
    pub search_in_memory: bool,
}

impl BuildOptions {
    pub fn new(root: &Path, config: &Config) -> Self {
        Self {
            root: root.to_path_buf(),
            out: root.join(&config.build.output_dir),
            drafts: config.build.drafts,
            live_reload: false,
            today: chrono::Local::now().date_naive(),
            forms_link: root.join(&config.build.forms_dir).is_dir(),
            progress: false,
            search_in_memory: true,
        }
    }
}

/// A page with its rendered Markdown (decks also keep their slides).
pub struct LoadedPage {
    pub page: Page,
    pub rendered: Rendered,
    pub slides: Vec<Slide>,
    /// The file's size and time when it was read, for the render cache.
    pub stamp: Option<cache::Stamp>,
    /// Taken from the render cache: the file was not read, its body and
    /// HTML are empty, and the build renders it again if it must write it.
    pub reused: bool,
}

/// A loaded, checked site, ready to build.
pub struct Site {
    pub config: Config,
    pub opts: BuildOptions,
    pub pages: Vec<LoadedPage>,
    pub assets: Vec<String>,
    pub glossary: Glossary,
    pub criteria: Criteria,
    /// The guided "is this a case for the panel?" questions, if the site has them.
    pub checker: Checker,
    /// Warnings that do not stop a build (e.g. overdue reviews).
    pub warnings: Vec<Problem>,
    /// What rendering needs besides the page, kept to render reused pages
    /// again when they must be written.
    inputs: RenderInputs,
    /// How many pages were rendered and how many taken from the render cache.
    pub rendered: usize,
    pub reused: usize,
    /// How to save the render cache after the build.
    cache_plan: cache::Plan,
    /// The load's steps and their times; the build's follow them.
    load_steps: Vec<Step>,
    /// What this load read, stamped before reading: saved once the build
    /// succeeds, so the next build can tell nothing changed.
    stamped: state::Inputs,
}

struct RenderInputs {
    urls: HashMap<String, String>,
    links: markdown::GlossaryLinks,
}

/// Every problem that stopped the build, sorted by file and line.
#[derive(Debug)]
pub struct Report {
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for p in self.warnings.iter().chain(&self.errors) {
            writeln!(f, "{p}")?;
        }
        let n = self.errors.len();
        write!(f, "{n} problem{} found", if n == 1 { "" } else { "s" })
    }
}

impl std::error::Error for Report {}

impl Site {
    /// Reads and checks the whole site, returning every problem at once.
    pub fn load(config: Config, opts: BuildOptions) -> std::result::Result<Self, Report> {
        let stamped = state::Inputs::stamp(&config, &opts);
        Self::load_stamped(config, opts, stamped)
    }

    /// `load`, with the inputs `up_to_date` stamped when it found a change,
    /// so they are not stamped twice.
    pub fn load_stamped(
        config: Config,
        opts: BuildOptions,
        stamped: Inputs,
    ) -> std::result::Result<Self, Report> {
        let problems = Problems::default();
        let mut steps = Steps(vec![Step {
            name: "stamp_inputs",
            took: stamped.took,
        }]);
        let (criteria, glossary, checker) = steps.time("read_data", || {
            let root = &opts.root;
            let criteria = load_data(
                root,
                crate::criteria::CRITERIA_FILE,
                &problems,
                Criteria::load,
            );
            let glossary = load_data(
                root,
                crate::glossary::GLOSSARY_FILE,
                &problems,
                Glossary::load,
            );
            let checker = load_data(root, crate::checker::CHECKER_FILE, &problems, |root| {
                Checker::load(root, &criteria)
            });
            (criteria, glossary, checker)
        });
        let loaded = steps.time("load_pages", || {
            load::load_pages(&config, &opts, &stamped, &glossary, &criteria, &problems)
        });
        let pages = loaded.pages;
        let warnings = steps.time("check_pages", || {
            let decks_url = format!("/{}/", config.build.decks_section);
            check::cross_page(&pages, &glossary, &checker, &decks_url, &problems);
            check::images(&pages, &loaded.assets, &problems);
            check::reviews(&pages, opts.today)
        });
        let all = problems.into_sorted();
        let (mut warnings_found, errors): (Vec<_>, Vec<_>) =
            all.into_iter().partition(|p| p.warning);
        warnings_found.extend(warnings);
        warnings_found.sort();
        if !errors.is_empty() {
            return Err(Report {
                errors,
                warnings: warnings_found,
            });
        }
        Ok(Self {
            config,
            opts,
            pages,
            assets: loaded.assets,
            glossary,
            criteria,
            checker,
            warnings: warnings_found,
            inputs: loaded.inputs,
            rendered: loaded.rendered,
            reused: loaded.reused,
            cache_plan: loaded.plan,
            load_steps: steps.0,
            stamped,
        })
    }

    pub fn build(&self) -> Result<Built> {
        build::build(self)
    }

    pub fn content_dir(&self) -> PathBuf {
        self.opts.root.join(&self.config.build.content_dir)
    }
}

fn load_data<T: Default>(
    root: &Path,
    rel: &str,
    problems: &Problems,
    load: impl FnOnce(&Path) -> Result<T>,
) -> T {
    load(root).unwrap_or_else(|e| {
        let msg = format!("{e:#}");
        // Loaders report "path:line: message"; keep that shape in the report.
        let path = root.join(rel);
        let rest = msg
            .strip_prefix(&format!("{}:", path.display()))
            .unwrap_or(&msg);
        let (line, message) = rest
            .split_once(": ")
            .and_then(|(l, m)| l.trim().parse().ok().map(|l| (l, m.to_string())))
            .unwrap_or((1, rest.trim_start_matches(':').trim().to_string()));
        problems.push(Problem::error(&path, line, message));
        T::default()
    })
}

/// The glossary's acronyms (terms written in capitals) and their entries'
/// addresses, for linking each page's first use of them.
fn glossary_links(g: &Glossary) -> markdown::GlossaryLinks {
    g.terms
        .iter()
        .filter(|t| markdown::find_acronyms(&t.term) == [t.term.as_str()])
        .map(|t| {
            let href = format!(
                "{}#{}",
                crate::glossary::GLOSSARY_URL,
                crate::glossary::anchor(&t.term)
            );
            (t.term.clone(), href)
        })
        .collect()
}

fn render_page(
    page: Page,
    urls: &HashMap<String, String>,
    criteria: &Criteria,
    config: &Config,
    links: &markdown::GlossaryLinks,
    problems: &Problems,
) -> LoadedPage {
    let ctx = markdown::Context {
        source: &page.source,
        url: &page.url,
        urls,
        criteria,
        allow_raw_html: config.site.allow_raw_html,
        first_line: page.body_line,
        id_prefix: "",
    };
    let (rendered, slides) = if page.kind == PageKind::Deck {
        let slides = slides::render(&slides::split(&page.body, page.body_line), &ctx);
        let mut summary = Rendered::default();
        for s in &slides {
            for r in [&s.body, &s.notes] {
                summary.problems.extend(r.problems.iter().cloned());
                summary.anchors.extend(r.anchors.iter().cloned());
                summary.acronyms.extend(r.acronyms.iter().cloned());
                summary.images.extend(r.images.iter().cloned());
                summary.headings.extend(r.headings.iter().cloned());
                summary.text.push_str(&r.text);
                summary.text.push(' ');
            }
        }
        if slides.is_empty() {
            summary
                .problems
                .push((page.body_line, "deck has no slides".into()));
        }
        summary.excerpt = slides
            .first()
            .map(|s| s.body.excerpt.clone())
            .unwrap_or_default();
        (summary, slides)
    } else {
        let links = (page.url != crate::glossary::GLOSSARY_URL).then_some(links);
        (markdown::render_linked(&page.body, &ctx, links), Vec::new())
    };
    let mut rendered = rendered;
    // The search index's body, made here in parallel and kept in the render
    // cache, so an index rebuilt later need not collapse every page's text.
    rendered.text = crate::search::body_text(&rendered.text);
    for (line, message) in &rendered.problems {
        problems.push(Problem::error(&page.display_path, *line, message.clone()));
    }
    LoadedPage {
        page,
        rendered,
        slides,
        stamp: None,
        reused: false,
    }
}
