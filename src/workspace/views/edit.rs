//! The form that edits a person or place in the tracker, or adds one to a case: one text box
//! per field (the kind of place and the role in the case lists from configuration), GOV.UK's
//! error summary when something is refused.

use maud::{html, Markup};

use super::{csrf_field, error_summary, page, title_for, Chrome, FieldError};

pub struct EditView<'a> {
    /// "Edit the record", "Add a person to this case".
    pub heading: &'a str,
    /// Above the heading: the case's reference when adding to one.
    pub caption: Option<&'a str>,
    /// Where the form posts, and where "Cancel" goes.
    pub action: String,
    pub cancel: String,
    /// When adding: the roles the record may have in the case, and the one chosen.
    pub roles: Option<(&'a [String], &'a str)>,
    /// (name, label, value)
    pub fields: Vec<(&'static str, &'static str, String)>,
    pub kinds: &'a [String],
    pub errors: Vec<(&'static str, String)>,
    /// The button's words.
    pub submit: &'a str,
}

fn error_message(v: &EditView, name: &str) -> Option<Markup> {
    let (_, m) = v.errors.iter().find(|(f, _)| *f == name)?;
    Some(html! {
        p.govuk-error-message id={ (name) "-error" } { span.govuk-visually-hidden { "Error:" } " " (m) }
    })
}

/// The role in the case, when adding: a list, "Choose a role" until one is picked.
fn role(v: &EditView) -> Markup {
    let error = error_message(v, "role");
    html! {
        @if let Some((roles, chosen)) = v.roles {
            div.govuk-form-group.govuk-form-group--error[error.is_some()] {
                label.govuk-label for="role" { "Role in this case" }
                @if let Some(e) = &error { (e) }
                select.govuk-select id="role" name="role"
                    aria-describedby=[error.as_ref().map(|_| "role-error")] {
                    option value="" selected[chosen.is_empty()] { "Choose a role" }
                    @for r in roles { option value=(r) selected[r == chosen] { (r) } }
                }
            }
        }
    }
}

pub fn edit_page(c: &Chrome, v: &EditView) -> Markup {
    let errors: Vec<FieldError> = (v.errors.iter())
        .map(|(field, message)| FieldError { field, message })
        .collect();
    let main = html! {
        (error_summary(&errors))
        @if let Some(caption) = v.caption { span.govuk-caption-l { (caption) } }
        h1.govuk-heading-xl { (v.heading) }
        form method="post" action=(v.action) novalidate {
            (csrf_field(&c.csrf))
            (role(v))
            @for (name, label, value) in &v.fields {
                @let error = error_message(v, name);
                div.govuk-form-group.govuk-form-group--error[error.is_some()] {
                    label.govuk-label for=(name) { (label) }
                    @if let Some(e) = &error { (e) }
                    @if *name == "kind" {
                        select.govuk-select id=(name) name=(name) {
                            option value="" selected[value.is_empty()] { "Not known" }
                            @for k in v.kinds { option value=(k) selected[k == value] { (k) } }
                        }
                    } @else if *name == "note" {
                        textarea.govuk-textarea id=(name) name=(name) rows="4" { (value) }
                    } @else {
                        input.govuk-input id=(name) name=(name) type="text" value=(value)
                            aria-describedby=[error.as_ref().map(|_| format!("{name}-error"))];
                    }
                }
            }
            div.govuk-button-group {
                button.govuk-button type="submit" { (v.submit) }
                a.govuk-link href=(v.cancel) { "Cancel" }
            }
        }
    };
    page(c, &title_for(v.heading, &errors), "/", main)
}
