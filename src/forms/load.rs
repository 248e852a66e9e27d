//! Loads and checks `forms/*.toml`. Like the site build, it reports *every*
//! problem in one go, each as `path:line: what: message`, so an author fixes a
//! form in one pass instead of one error per server start. Conditions are
//! resolved after all pages are built, which is what lets the loader tell "no
//! such question" apart from "that question comes later".

mod choices;
mod condition;
mod names;
mod page;
mod question;
#[cfg(test)]
mod tests;
mod text;
mod tracker;

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::model::Form;
use super::schema::FormDef;
use crate::criteria::Criteria;
use names::check_id;
use page::build_page;

/// Where `options_from` finds its lists: `criteria:<list>` reads the shared
/// criteria file, `config:local_authorities` the partnership's LAs from
/// `prem.toml`.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    pub criteria: &'a Criteria,
    pub local_authorities: &'a [String],
}

/// One thing wrong with a form definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

/// Every form the kiosk offers, in file-name order.
#[derive(Debug, Clone, Default)]
pub struct FormSet {
    forms: Vec<Form>,
}

impl FormSet {
    /// The site's forms as configured (`build.forms_dir`, the criteria lists and the local
    /// authorities from `prem.toml`), every problem listed as `path:line` when any is unsound.
    /// The kiosk serves these and the inbox reads records with them.
    pub fn load(config: &crate::config::Config, root: &Path) -> anyhow::Result<FormSet> {
        let criteria = Criteria::load(root)?;
        load_dir(
            &root.join(&config.build.forms_dir),
            &criteria,
            &config.partnership.local_authorities,
        )
        .map_err(|problems| {
            let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
            anyhow::anyhow!(
                "{}\n{} problem{} in form definitions",
                lines.join("\n"),
                lines.len(),
                if lines.len() == 1 { "" } else { "s" }
            )
        })
    }

    pub fn get(&self, id: &str) -> Option<&Form> {
        self.forms.iter().find(|f| f.id == id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Form> {
        self.forms.iter()
    }

    pub fn len(&self) -> usize {
        self.forms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }
}

/// Loads every `*.toml` in `dir`; either all forms are sound or the caller
/// gets the full list of problems.
pub fn load_dir(
    dir: &Path,
    criteria: &Criteria,
    local_authorities: &[String],
) -> Result<FormSet, Vec<Problem>> {
    let sources = Sources {
        criteria,
        local_authorities,
    };
    let entries = std::fs::read_dir(dir).map_err(|e| {
        vec![Problem {
            file: dir.to_path_buf(),
            line: None,
            message: format!("cannot read the forms folder: {e}"),
        }]
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut problems = Vec::new();
    let mut forms: Vec<Form> = Vec::new();
    for path in paths {
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                problems.push(Problem {
                    message: format!("cannot read: {e}"),
                    file: path,
                    line: None,
                });
                continue;
            }
        };
        match load_str(&path, &text, &sources) {
            Ok(form) if forms.iter().any(|f| f.id == form.id) => problems.push(Problem {
                message: format!("form \"{}\": duplicate form id", form.id),
                file: path,
                line: None,
            }),
            Ok(form) => forms.push(form),
            Err(mut found) => problems.append(&mut found),
        }
    }
    if problems.is_empty() {
        Ok(FormSet { forms })
    } else {
        Err(problems)
    }
}

/// Checks one definition; `path` names it in problems and, when it ends in
/// `.toml`, its stem must equal the form id (so ids are unique per folder).
/// Never panics, whatever the text: it is fuzzed.
pub fn load_str(path: &Path, text: &str, sources: &Sources<'_>) -> Result<Form, Vec<Problem>> {
    let mut ck = Checker {
        path,
        text,
        problems: Vec::new(),
    };
    let def: FormDef = match toml::from_str(text) {
        Ok(def) => def,
        Err(e) => {
            let line = e.span().map(|s| ck.line(&s));
            ck.report_line(line, e.message().trim().to_owned());
            return Err(ck.problems);
        }
    };
    let form = build_form(&mut ck, def, sources);
    if ck.problems.is_empty() {
        Ok(form)
    } else {
        Err(ck.problems)
    }
}

/// Collects problems for one file and turns spans into line numbers.
pub(super) struct Checker<'a> {
    path: &'a Path,
    text: &'a str,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    pub(super) fn line(&self, span: &Range<usize>) -> usize {
        let bytes = self.text.as_bytes();
        let before = bytes.get(..span.start).unwrap_or(bytes);
        before.iter().filter(|b| **b == b'\n').count() + 1
    }

    pub(super) fn report_line(&mut self, line: Option<usize>, message: String) {
        self.problems.push(Problem {
            file: self.path.to_path_buf(),
            line,
            message,
        });
    }

    pub(super) fn report(&mut self, span: &Range<usize>, message: String) {
        let line = self.line(span);
        self.report_line(Some(line), message);
    }
}

/// The kiosk serves these under `/forms/<form>/`, so no page may take them.
const RESERVED_PAGE_IDS: &[&str] = &["check", "submit", "keepalive"];

fn build_form(ck: &mut Checker<'_>, def: FormDef, sources: &Sources<'_>) -> Form {
    let id_span = def.id.span();
    let id = def.id.into_inner();
    check_id(ck, &format!("form \"{id}\""), &id, &id_span, '-');
    let stem = ck.path.file_stem().and_then(|s| s.to_str());
    if let (Some(stem), true) = (stem, ck.path.extension().is_some_and(|x| x == "toml")) {
        if stem != id {
            let message = format!("form \"{id}\": id does not match the file name \"{stem}.toml\"");
            ck.report(&id_span, message);
        }
    }
    if def.pages.is_empty() {
        ck.report(&id_span, format!("form \"{id}\": has no pages"));
    }
    let mut conditions = Vec::new();
    let mut pages = Vec::new();
    let mut page_lines: HashMap<String, usize> = HashMap::new();
    let mut question_lines: HashMap<String, usize> = HashMap::new();
    for (pi, page) in def.pages.into_iter().enumerate() {
        let built = build_page(ck, page, sources, (pi, &mut conditions));
        if RESERVED_PAGE_IDS.contains(&built.0.id.as_str()) {
            let message = format!(
                "page \"{}\": this id is reserved for the kiosk's own pages",
                built.0.id
            );
            ck.report(&built.1, message);
        }
        if let Some(first) = page_lines.get(&built.0.id) {
            let message = format!(
                "page \"{}\": duplicate page id (first used at line {first})",
                built.0.id
            );
            ck.report(&built.1, message);
        }
        page_lines
            .entry(built.0.id.clone())
            .or_insert(ck.line(&built.1));
        for (q, span) in built.0.questions.iter().zip(&built.2) {
            if let Some(first) = question_lines.get(&q.id) {
                let message = format!(
                    "question \"{}\": duplicate question id (first used at line {first})",
                    q.id
                );
                ck.report(span, message);
            }
            question_lines.entry(q.id.clone()).or_insert(ck.line(span));
        }
        pages.push(built.0);
    }
    let owner = format!("form \"{id}\"");
    let intro = text::prose(ck, &owner, "intro", def.intro);
    let what_happens_next = text::prose(ck, &owner, "what_happens_next", def.what_happens_next);
    for (at, question, def) in conditions {
        let owner = match question {
            Some(qi) => format!("question \"{}\"", pages[at].questions[qi].id),
            None => format!("page \"{}\"", pages[at].id),
        };
        let Some(condition) = condition::resolve(ck, &pages, at, &owner, def) else {
            continue;
        };
        match question {
            Some(qi) => pages[at].questions[qi].when = Some(condition),
            None => pages[at].when = Some(condition),
        }
    }
    let (people, places) = tracker::build(ck, &pages, def.people, def.places);
    // Which workflow and state are configuration's to check (`[workflows.NAME]`): the
    // workspace refuses to start on a name it does not have.
    let workflow = (def.workflow.map(|w| w.into_inner())).unwrap_or_else(|| "referral".into());
    Form {
        id,
        title: def.title,
        version: def.version,
        audience: def.audience,
        intro,
        what_happens_next,
        workflow,
        start: def.start,
        urgent: def.urgent,
        pages,
        people,
        places,
    }
}
