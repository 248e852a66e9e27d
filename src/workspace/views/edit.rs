//! The form that edits a person or place in the tracker: one text box per field (the kind of
//! place a list from configuration), GOV.UK's error summary when something is refused.

use maud::{html, Markup};

use super::{csrf_field, error_summary, page, title_for, Chrome, FieldError};

pub struct EditView<'a> {
    pub id: &'a str,
    /// (name, label, value)
    pub fields: Vec<(&'static str, &'static str, String)>,
    pub kinds: &'a [String],
    pub errors: Vec<(&'static str, String)>,
}

pub fn edit_page(c: &Chrome, v: &EditView) -> Markup {
    let errors: Vec<FieldError> = (v.errors.iter())
        .map(|(field, message)| FieldError { field, message })
        .collect();
    let main = html! {
        (error_summary(&errors))
        h1.govuk-heading-xl { "Edit the record" }
        form method="post" action={ "/people/" (v.id) "/edit" } novalidate {
            (csrf_field(&c.csrf))
            @for (name, label, value) in &v.fields {
                @let error = v.errors.iter().find(|(f, _)| f == name);
                div.govuk-form-group.govuk-form-group--error[error.is_some()] {
                    label.govuk-label for=(name) { (label) }
                    @if let Some((_, m)) = error {
                        p.govuk-error-message id={ (name) "-error" } { span.govuk-visually-hidden { "Error:" } " " (m) }
                    }
                    @if *name == "kind" {
                        select.govuk-select id=(name) name=(name) {
                            option value="" selected[value.is_empty()] { "Not known" }
                            @for k in v.kinds { option value=(k) selected[k == value] { (k) } }
                        }
                    } @else if *name == "note" {
                        textarea.govuk-textarea id=(name) name=(name) rows="4" { (value) }
                    } @else {
                        input.govuk-input id=(name) name=(name) type="text" value=(value)
                            aria-describedby=[error.map(|_| format!("{name}-error"))];
                    }
                }
            }
            div.govuk-button-group {
                button.govuk-button type="submit" { "Save" }
                a.govuk-link href={ "/people/" (v.id) } { "Cancel" }
            }
        }
    };
    page(c, &title_for("Edit the record", &errors), "/", main)
}
