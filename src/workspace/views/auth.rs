//! Sign-in pages: password, then (after a temporary password) a new password of the user's
//! own, then the authenticator code (or, the first time, enrolment).

use maud::{html, Markup};

use super::{csrf_field, error_summary, page, title_for, Chrome, FieldError};
use crate::workspace::accounts::MIN_PASSWORD_CHARS;

/// A text-like input as a GOV.UK form group, with its hint and error message. The code is
/// short and numeric; the rest are names and passwords.
fn input(
    id: &str,
    label: &str,
    hint: Option<&str>,
    kind: &str,
    autocomplete: &str,
    errors: &[FieldError],
) -> Markup {
    let error = errors.iter().find(|e| e.field == id);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described: Vec<&str> = [
        hint.map(|_| hint_id.as_str()),
        error.map(|_| error_id.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let described = (!described.is_empty()).then(|| described.join(" "));
    let code = id == "code";
    let width = if code {
        "govuk-input--width-10"
    } else {
        "govuk-input--width-20"
    };
    html! {
        div.govuk-form-group.govuk-form-group--error[error.is_some()] {
            label.govuk-label for=(id) { (label) }
            @if let Some(h) = hint { div.govuk-hint id=(hint_id) { (h) } }
            @if let Some(e) = error {
                p.govuk-error-message id=(error_id) { span.govuk-visually-hidden { "Error:" } " " (e.message) }
            }
            input.govuk-input.(width).govuk-input--error[error.is_some()] id=(id) name=(id) type=(kind)
                inputmode=[code.then_some("numeric")] autocomplete=(autocomplete) spellcheck="false"
                aria-describedby=[described] required;
        }
    }
}

fn code_input(errors: &[FieldError]) -> Markup {
    input(
        "code",
        "Code from your authenticator app",
        Some("6 digits"),
        "text",
        "one-time-code",
        errors,
    )
}

pub fn login_page(c: &Chrome, error: Option<&str>) -> Markup {
    let errors: Vec<FieldError> = error
        .map(|message| FieldError {
            field: "name",
            message,
        })
        .into_iter()
        .collect();
    // The message does not say which part was wrong, so it marks no field as in error.
    let main = html! {
        div.govuk-grid-row { div.govuk-grid-column-two-thirds {
            (error_summary(&errors))
            h1.govuk-heading-xl { "Sign in" }
            form method="post" action="/login" novalidate {
                (csrf_field(&c.csrf))
                (input("name", "User name", None, "text", "username", &[]))
                (input("password", "Password", None, "password", "current-password", &[]))
                button.govuk-button type="submit" { "Continue" }
            }
        } }
    };
    page(c, &title_for("Sign in", &errors), "/login", main)
}

/// After signing in with a temporary password: choose your own before anything else.
pub fn password_page(c: &Chrome, errors: &[FieldError]) -> Markup {
    let hint = format!(
        "At least {MIN_PASSWORD_CHARS} characters, and not the temporary password. Three or four random words make a long password that is easy to type."
    );
    let main = html! {
        div.govuk-grid-row { div.govuk-grid-column-two-thirds {
            (error_summary(errors))
            h1.govuk-heading-xl { "Choose a new password" }
            p.govuk-body { "You signed in with a temporary password. Replace it with a password only you know." }
            form method="post" action="/login/password" novalidate {
                (csrf_field(&c.csrf))
                (input("password", "New password", Some(&hint), "password", "new-password", errors))
                (input("confirm", "Type the new password again", None, "password", "new-password", errors))
                button.govuk-button type="submit" { "Save password and continue" }
            }
        } }
    };
    page(
        c,
        &title_for("Choose a new password", errors),
        "/login",
        main,
    )
}

pub fn code_page(c: &Chrome, error: Option<&str>) -> Markup {
    let errors: Vec<FieldError> = error
        .map(|message| FieldError {
            field: "code",
            message,
        })
        .into_iter()
        .collect();
    let main = html! {
        div.govuk-grid-row { div.govuk-grid-column-two-thirds {
            (error_summary(&errors))
            h1.govuk-heading-xl { "Enter your code" }
            form method="post" action="/login/code" novalidate {
                (csrf_field(&c.csrf))
                (code_input(&errors))
                button.govuk-button type="submit" { "Sign in" }
            }
        } }
    };
    page(c, &title_for("Enter your code", &errors), "/login", main)
}

/// First sign-in: the secret as text (no QR code library, and typing it works in every app).
pub fn enrol_page(c: &Chrome, secret_b32: &str, uri: &str, error: Option<&str>) -> Markup {
    let errors: Vec<FieldError> = error
        .map(|message| FieldError {
            field: "code",
            message,
        })
        .into_iter()
        .collect();
    let grouped: Vec<&str> = secret_b32
        .as_bytes()
        .chunks(4)
        .filter_map(|ch| std::str::from_utf8(ch).ok())
        .collect();
    let main = html! {
        div.govuk-grid-row { div.govuk-grid-column-two-thirds {
            (error_summary(&errors))
            h1.govuk-heading-xl { "Set up your authenticator app" }
            p.govuk-body { "Every sign-in needs a code from an authenticator app as well as your password." }
            ol.govuk-list.govuk-list--number {
                li { "In your authenticator app, choose to add an account, then scan this QR code:" }
            }
            img.app-qr src="/login/enrol/qr.svg" width="240" height="240"
                alt="QR code for setting up your authenticator app. If you cannot scan it, enter the key below instead.";
            p.govuk-body { "If you cannot scan the code, choose to enter a key instead, and type this key (time-based, 6 digits, 30 seconds):" }
            p.govuk-body.app-secret { code #secret { (grouped.join(" ")) } }
            details.govuk-details {
                summary.govuk-details__summary { span.govuk-details__summary-text { "Set-up link for apps that accept one" } }
                div.govuk-details__text { code #otpauth { (uri) } }
            }
            form method="post" action="/login/enrol" novalidate {
                (csrf_field(&c.csrf))
                (code_input(&errors))
                button.govuk-button type="submit" { "Finish setting up and sign in" }
            }
        } }
    };
    page(
        c,
        &title_for("Set up your authenticator app", &errors),
        "/login",
        main,
    )
}
