//! Sign-in pages: password, then the authenticator code (or, the first time, enrolment).

use maud::{html, Markup};

use super::{csrf_field, page, Chrome};

fn error_summary(error: Option<&str>, field: &str) -> Markup {
    html! {
        @if let Some(e) = error {
            div.govuk-error-summary data-module="govuk-error-summary" {
                div role="alert" {
                    h2.govuk-error-summary__title { "There is a problem" }
                    div.govuk-error-summary__body {
                        ul.govuk-list.govuk-error-summary__list { li { a href={ "#" (field) } { (e) } } }
                    }
                }
            }
        }
    }
}

fn code_input() -> Markup {
    html! {
        div.govuk-form-group {
            label.govuk-label for="code" { "Code from your authenticator app" }
            div.govuk-hint id="code-hint" { "6 digits" }
            input.govuk-input.govuk-input--width-10 id="code" name="code" type="text"
                inputmode="numeric" autocomplete="one-time-code" aria-describedby="code-hint" required;
        }
    }
}

pub fn login_page(c: &Chrome, error: Option<&str>) -> Markup {
    let main = html! {
        div.govuk-grid-row { div.govuk-grid-column-two-thirds {
            (error_summary(error, "name"))
            h1.govuk-heading-xl { "Sign in" }
            form method="post" action="/login" novalidate {
                (csrf_field(c.csrf))
                div.govuk-form-group {
                    label.govuk-label for="name" { "User name" }
                    input.govuk-input.govuk-input--width-20 id="name" name="name" type="text" autocomplete="username" spellcheck="false" required;
                }
                div.govuk-form-group {
                    label.govuk-label for="password" { "Password" }
                    input.govuk-input.govuk-input--width-20 id="password" name="password" type="password" autocomplete="current-password" required;
                }
                button.govuk-button type="submit" { "Continue" }
            }
        } }
    };
    page(c, "Sign in", "/login", main)
}

pub fn code_page(c: &Chrome, error: Option<&str>) -> Markup {
    let main = html! {
        div.govuk-grid-row { div.govuk-grid-column-two-thirds {
            (error_summary(error, "code"))
            h1.govuk-heading-xl { "Enter your code" }
            form method="post" action="/login/code" novalidate {
                (csrf_field(c.csrf))
                (code_input())
                button.govuk-button type="submit" { "Sign in" }
            }
        } }
    };
    page(c, "Enter your code", "/login", main)
}

/// First sign-in: the secret as text (no QR code library, and typing it works in every app).
pub fn enrol_page(c: &Chrome, secret_b32: &str, uri: &str, error: Option<&str>) -> Markup {
    let grouped: Vec<&str> = secret_b32
        .as_bytes()
        .chunks(4)
        .filter_map(|ch| std::str::from_utf8(ch).ok())
        .collect();
    let main = html! {
        div.govuk-grid-row { div.govuk-grid-column-two-thirds {
            (error_summary(error, "code"))
            h1.govuk-heading-xl { "Set up your authenticator app" }
            p.govuk-body { "Every sign-in needs a code from an authenticator app as well as your password." }
            ol.govuk-list.govuk-list--number {
                li { "In your authenticator app, choose to add an account by entering a key." }
                li { "Enter this key (time-based, 6 digits, 30 seconds):" }
            }
            p.govuk-body.app-secret { code #secret { (grouped.join(" ")) } }
            details.govuk-details {
                summary.govuk-details__summary { span.govuk-details__summary-text { "Set-up link for apps that accept one" } }
                div.govuk-details__text { code #otpauth { (uri) } }
            }
            form method="post" action="/login/enrol" novalidate {
                (csrf_field(c.csrf))
                (code_input())
                button.govuk-button type="submit" { "Finish setting up and sign in" }
            }
        } }
    };
    page(c, "Set up your authenticator app", "/login", main)
}
