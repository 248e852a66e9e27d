//! Forms as data: the referral kiosk's questions live in `forms/*.toml`, not
//! in code, so the partnership can change a question without a programmer and
//! `prem check` can prove every definition sound before the server starts.
//!
//! The data flows one way through the submodules:
//! - [`schema`] is what authors write (serde, unknown keys rejected);
//! - [`load`] checks a folder of definitions and collects *every* problem with
//!   its file and line, producing the validated [`model`] types the rest of the
//!   crate uses without re-checking;
//! - [`answers`] decodes a form post into name/value pairs and holds a draft's
//!   answers; [`validate`] turns one page's pairs into answers or GOV.UK-style
//!   error messages; [`flow`] answers "which page next?" and builds the
//!   "Check your answers" rows;
//! - [`route`] is the one definition of the form URLs and of where a person
//!   goes after each page;
//! - [`view`] renders body fragments with maud in GOV.UK Frontend markup.
//!
//! Everything works with JavaScript off. A conditional question is never
//! revealed in place on the same page: a condition may only refer to an answer
//! given on an *earlier* page, so the server always knows whether to ask it
//! (the loader enforces this). That also keeps `aria-expanded`/`aria-controls`
//! off the radios (govuk-frontend#979).

mod answers;
mod flow;
mod load;
mod model;
pub mod route;
mod schema;
mod validate;
mod view;

#[cfg(test)]
mod fixture;

pub use answers::{decode_post, single, Answers, DecodeError, FieldValues, Item, Value};
pub use flow::{
    can_visit, check_answers_rows, first_unanswered_page, is_complete, next_page, visible_pages,
    visible_questions, CheckRow,
};
pub use load::{load_dir, load_str, FormSet, Problem, Sources};
pub use model::{
    Choice, Condition, DateRules, Form, Guidance, Kind, LaRole, NumberRules, Page, Pattern,
    PersonSource, PlaceSource, Question, Repeat, TextRules,
};
pub use route::{change_href, page_href, Visit};
pub use validate::{
    validate_page, validate_page_on, FieldError, Intent, PageAnswers, PageContent, PageError,
    PageErrors,
};
pub use view::{answers_copy, check_answers, error_summary, page_form, paragraphs, question, Step};

/// Form field names the kiosk itself uses; no question may take them.
pub const RESERVED_NAMES: [&str; 3] = ["csrf", "action", "remove"];
