//! Where each step of a form lives, and where a person goes next. The one
//! definition of the form URLs: the kiosk's router, its redirects and every
//! link and form action in the views come from here, so a URL cannot drift
//! between the page that links and the handler that answers.

use super::answers::Answers;
use super::flow::{first_unanswered_page, next_page, visible_pages};
use super::model::Form;

/// The list of forms.
pub const INDEX: &str = "/forms/";

/// A form's start page.
pub fn start_href(form_id: &str) -> String {
    format!("/forms/{form_id}/")
}

/// Where a page of a form lives.
pub fn page_href(form_id: &str, page_id: &str) -> String {
    format!("/forms/{form_id}/{page_id}/")
}

/// A "Change" link from "Check your answers": the page, marked so the kiosk
/// returns to the check page (or a newly revealed page) after it.
pub fn change_href(form_id: &str, page_id: &str) -> String {
    format!("/forms/{form_id}/{page_id}/?change")
}

/// "Check your answers".
pub fn check_href(form_id: &str) -> String {
    format!("/forms/{form_id}/check/")
}

/// Where the declaration is posted.
pub fn submit_href(form_id: &str) -> String {
    format!("/forms/{form_id}/submit/")
}

/// A page reached normally, or from "Check your answers" to change an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visit {
    Straight,
    Change,
}

impl Visit {
    /// From the query string of a page request (`?change`).
    pub fn from_query(query: Option<&str>) -> Self {
        if query == Some("change") {
            Visit::Change
        } else {
            Visit::Straight
        }
    }

    /// Where the page's form posts to: itself, keeping the change mark.
    pub fn action(self, form_id: &str, page_id: &str) -> String {
        match self {
            Visit::Straight => page_href(form_id, page_id),
            Visit::Change => change_href(form_id, page_id),
        }
    }

    /// The back link: to "Check your answers" when changing an answer, else
    /// to the visible page before this one, or the start page from the first.
    pub fn back(self, form: &Form, answers: &Answers, page_id: &str) -> String {
        if self == Visit::Change {
            return check_href(&form.id);
        }
        let visible = visible_pages(form, answers);
        match visible.iter().position(|p| p.id == page_id) {
            Some(i) if i > 0 => page_href(&form.id, &visible[i - 1].id),
            _ => start_href(&form.id),
        }
    }

    /// Where to go after a page is saved. `stay` is an "add another" or
    /// "remove" on a repeat page, which comes back to the same page; a change
    /// goes to the first page the change revealed, or back to the check page.
    pub fn after_save(self, form: &Form, answers: &Answers, page_id: &str, stay: bool) -> String {
        match (stay, self) {
            (true, _) => self.action(&form.id, page_id),
            (false, Visit::Change) => resume_href(form, answers),
            (false, Visit::Straight) => match next_page(form, answers, page_id) {
                Some(p) => page_href(&form.id, &p.id),
                None => resume_href(form, answers),
            },
        }
    }
}

/// Where someone belongs who asks for a page they cannot see yet: the first
/// unanswered page, or "Check your answers" when all are answered.
pub fn resume_href(form: &Form, answers: &Answers) -> String {
    match first_unanswered_page(form, answers) {
        Some(p) => page_href(&form.id, &p.id),
        None => check_href(&form.id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::fixture;

    #[test]
    fn a_change_posts_back_to_itself_and_returns_to_the_check_page() {
        let form = fixture::form(fixture::FLOW);
        let answers = Answers::default();
        let first = &form.pages[0].id;
        assert_eq!(
            Visit::Change.action(&form.id, first),
            format!("/forms/{}/{first}/?change", form.id)
        );
        assert_eq!(
            Visit::Change.back(&form, &answers, first),
            check_href(&form.id)
        );
        assert_eq!(
            Visit::Straight.back(&form, &answers, first),
            start_href(&form.id)
        );
    }

    #[test]
    fn staying_on_a_repeat_page_keeps_the_change_mark() {
        let form = fixture::form(fixture::FLOW);
        let answers = Answers::default();
        let p = &form.pages[0].id;
        assert_eq!(
            Visit::Change.after_save(&form, &answers, p, true),
            change_href(&form.id, p)
        );
        assert_eq!(
            Visit::Straight.after_save(&form, &answers, p, true),
            page_href(&form.id, p)
        );
    }

    #[test]
    fn with_nothing_answered_every_route_resumes_at_the_first_page() {
        let form = fixture::form(fixture::FLOW);
        let answers = Answers::default();
        let first = page_href(&form.id, &form.pages[0].id);
        assert_eq!(resume_href(&form, &answers), first);
        assert_eq!(
            Visit::Change.after_save(&form, &answers, &form.pages[1].id, false),
            first
        );
    }

    #[test]
    fn the_query_string_marks_a_change_only_when_it_says_change() {
        assert_eq!(Visit::from_query(Some("change")), Visit::Change);
        assert_eq!(Visit::from_query(Some("x")), Visit::Straight);
        assert_eq!(Visit::from_query(None), Visit::Straight);
    }
}
