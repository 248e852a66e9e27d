//! One referral: its answers in the form's own order and wording, the case (decision,
//! escalation stages, statuses) and the forms to move it on; and its A4 print view for the
//! meeting pack.

use chrono::NaiveDate;
use chrono_tz::Tz;
use maud::{html, Markup};

use super::{csrf_field, error_summary, page, title_for, Chrome, FieldError};
use crate::forms::{self, Form};
use crate::local_time;
use crate::workspace::case::{Problem, Signed, Stage, StageResult, Status};
use crate::workspace::model::Referral;

pub struct ReferralView<'a> {
    pub referral: &'a Referral,
    /// The form definition, when this inbox still has it.
    pub form: Option<&'a Form>,
    pub deadline: NaiveDate,
    pub overdue: bool,
    pub can_decide: bool,
    /// The escalation stage waiting for its outcome, if any.
    pub open_stage: Option<usize>,
    /// Whether this user may record the open stage's outcome.
    pub can_escalate: bool,
    pub can_set_status: bool,
    pub can_export: bool,
    /// The case's fingerprint, carried by each form so a move from an overtaken page is refused.
    pub seen: String,
    /// A post that was refused: shown again with its errors and what was typed.
    pub posted: Option<RefusedPost<'a>>,
    /// The escalation stages from configuration: titles and questions.
    pub stages: &'a [crate::config::EscalationStage],
    pub zone: Tz,
}

/// The forms that move a case on; each names its fields (ids are prefixed with the form's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseForm {
    Decision,
    Escalation,
    Status,
}

impl CaseForm {
    pub fn id(self) -> &'static str {
        match self {
            Self::Decision => "decision",
            Self::Escalation => "escalation",
            Self::Status => "status",
        }
    }

    /// The radio group's name (what the post carries).
    pub fn group(self) -> &'static str {
        match self {
            Self::Decision => "outcome",
            Self::Escalation => "result",
            Self::Status => "status",
        }
    }

    /// The id of the first radio, where an error about the choice takes you.
    pub fn choice_target(self) -> String {
        let first = match self {
            Self::Decision | Self::Escalation => "accept",
            Self::Status => "reviewed",
        };
        format!("{}-{first}", self.group())
    }

    pub fn rationale_id(self) -> String {
        format!("{}-rationale", self.id())
    }

    pub fn choose_message(self) -> &'static str {
        match self {
            Self::Decision => "Choose whether the referral meets the threshold",
            Self::Escalation => "Choose the outcome of the meeting",
            Self::Status => "Choose the new status",
        }
    }

    /// The field a problem with a post of this form belongs to, and what it says.
    pub fn error(self, problem: Problem) -> (String, &'static str) {
        match problem {
            Problem::NoChoice => (self.choice_target(), self.choose_message()),
            Problem::NoRationale => (self.rationale_id(), self.rationale_message()),
            Problem::RationaleTooLong => (
                self.rationale_id(),
                "The rationale must be 5000 characters or fewer",
            ),
        }
    }

    pub fn rationale_message(self) -> &'static str {
        match self {
            Self::Decision => "Enter the rationale for the decision",
            Self::Escalation => "Enter what was agreed, and why",
            Self::Status => "Enter a note",
        }
    }
}

/// A refused post of one of the case forms.
pub struct RefusedPost<'a> {
    pub form: CaseForm,
    pub choice: Option<&'a str>,
    pub rationale: &'a str,
    pub errors: Vec<FieldError<'a>>,
}

impl RefusedPost<'_> {
    fn for_form(&self, form: CaseForm) -> Option<&Self> {
        (self.form == form).then_some(self)
    }
}

/// The answers, grouped by page, without the kiosk's change links.
fn answers(v: &ReferralView) -> Markup {
    let s = &v.referral.submission;
    let Some(form) = v.form else {
        // No definition to give the wording: show the raw question ids rather than nothing.
        return html! {
            p.govuk-body { "This form is no longer defined here; answers are shown by question id." }
            dl.govuk-summary-list {
                @for (q, a) in &s.answers.values {
                    div.govuk-summary-list__row {
                        dt.govuk-summary-list__key { (q) }
                        dd.govuk-summary-list__value {
                            @match a {
                                forms::Value::One(text) => { (text) }
                                forms::Value::Many(list) => { (list.join(", ")) }
                            }
                        }
                    }
                }
            }
        };
    };
    let rows = forms::check_answers_rows(form, &s.answers);
    let mut sections: Vec<(&str, Vec<&forms::CheckRow>)> = Vec::new();
    for row in &rows {
        match sections.last_mut() {
            Some((p, list)) if *p == row.page => list.push(row),
            _ => sections.push((&row.page, vec![row])),
        }
    }
    html! {
        @if form.version != s.form_version {
            p.govuk-body { "Submitted on version " (s.form_version) " of this form; shown with the wording of version " (form.version) "." }
        }
        @for (_, section) in &sections {
            @if let Some(first) = section.first() { h3.govuk-heading-s { (first.section) } }
            dl.govuk-summary-list {
                @for row in section {
                    div.govuk-summary-list__row {
                        dt.govuk-summary-list__key { (row.key) }
                        dd.govuk-summary-list__value {
                            @for line in &row.value { p.govuk-body { (line) } }
                        }
                    }
                }
            }
        }
    }
}

fn signed(s: &Signed, zone: Tz) -> Markup {
    html! {
        p.govuk-body-s { "By " (s.by) " on " (local_time::date_time(s.at, zone)) }
        p.govuk-body { (s.rationale) }
    }
}

fn stage(title: &str, st: &Stage, zone: Tz) -> Markup {
    html! {
        h3.govuk-heading-s { (title) }
        p.govuk-body { "Due by " (st.deadline.format("%-d %B %Y")) }
        @match &st.outcome {
            Some((result, s)) => { p.govuk-body { strong { (result.label()) } } (signed(s, zone)) }
            None => { p.govuk-body { "Not held yet." } }
        }
    }
}

fn case(v: &ReferralView) -> Markup {
    let c = &v.referral.case;
    html! {
        h2.govuk-heading-l id="case" { "Decision" }
        dl.govuk-summary-list {
            div.govuk-summary-list__row { dt.govuk-summary-list__key { "Status" } dd.govuk-summary-list__value { (c.status.label()) } }
            div.govuk-summary-list__row {
                dt.govuk-summary-list__key { "Decision due" }
                dd.govuk-summary-list__value {
                    (v.deadline.format("%-d %B %Y"))
                    @if v.overdue { " " strong.govuk-tag.govuk-tag--red { "Overdue" } }
                }
            }
        }
        @if let Some((outcome, s)) = &c.decision {
            h3.govuk-heading-s { "Threshold decision: " (outcome.label()) }
            (signed(s, v.zone))
        }
        @for (outcome, s) in c.corrections.iter().rev() {
            details.govuk-details {
                summary.govuk-details__summary { span.govuk-details__summary-text { "Earlier decision, since corrected: " (outcome.label()) } }
                div.govuk-details__text { (signed(s, v.zone)) }
            }
        }
        @if let Some(st) = &c.stage1 { (stage(&v.stages[0].title, st, v.zone)) }
        @if let Some(st) = &c.stage2 { (stage(&v.stages[1].title, st, v.zone)) }
        @if !c.history.is_empty() {
            h3.govuk-heading-s { "History" }
            ul.govuk-list {
                @for (status, s) in &c.history {
                    li { (status.label()) " — " (s.by) ", " (local_time::date_time(s.at, v.zone)) @if !s.rationale.is_empty() { ": " (s.rationale) } }
                }
            }
        }
    }
}

fn error_message(id: &str, error: Option<&FieldError>) -> Markup {
    html! {
        @if let Some(e) = error {
            p.govuk-error-message id=(id) { span.govuk-visually-hidden { "Error:" } " " (e.message) }
        }
    }
}

fn radios(
    form: CaseForm,
    legend: &str,
    options: &[(&str, &str)],
    posted: Option<&RefusedPost>,
) -> Markup {
    let name = form.group();
    let target = form.choice_target();
    let error = posted.and_then(|p| p.errors.iter().find(|e| e.field == target));
    let error_id = format!("{name}-error");
    let chosen = posted.and_then(|p| p.choice);
    html! {
        div.govuk-form-group.govuk-form-group--error[error.is_some()] {
            fieldset.govuk-fieldset aria-describedby=[error.map(|_| error_id.as_str())] {
                legend.govuk-fieldset__legend.govuk-fieldset__legend--s { (legend) }
                (error_message(&error_id, error))
                div.govuk-radios {
                    @for (value, label) in options {
                        @let id = format!("{name}-{value}");
                        div.govuk-radios__item {
                            input.govuk-radios__input id=(id) name=(name) type="radio" value=(value) checked[chosen == Some(*value)];
                            label.govuk-label.govuk-radios__label for=(id) { (label) }
                        }
                    }
                }
            }
        }
    }
}

fn rationale(form: CaseForm, label: &str, posted: Option<&RefusedPost>) -> Markup {
    let id = form.rationale_id();
    let error = posted.and_then(|p| p.errors.iter().find(|e| e.field == id));
    let error_id = format!("{id}-error");
    html! {
        div.govuk-form-group.govuk-form-group--error[error.is_some()] {
            label.govuk-label for=(id) { (label) }
            (error_message(&error_id, error))
            textarea.govuk-textarea.govuk-textarea--error[error.is_some()] id=(id) name="rationale" rows="5"
                maxlength="5000" aria-describedby=[error.map(|_| error_id.as_str())] {
                @if let Some(p) = posted { (p.rationale) }
            }
        }
    }
}

/// One of the forms that move the case on: posted to `/referrals/{key}/{form}` with the token
/// and the fingerprint of the case this page shows.
fn case_form(c: &Chrome, v: &ReferralView, form: CaseForm, fields: Markup) -> Markup {
    html! {
        form method="post" action={ "/referrals/" (v.referral.key.path()) "/" (form.id()) } novalidate {
            (csrf_field(&c.csrf))
            input type="hidden" name="seen" value=(v.seen);
            (fields)
        }
    }
}

/// The forms this user may use on this case now (the view model says which).
fn actions(c: &Chrome, v: &ReferralView) -> Markup {
    let r = v.referral;
    let base = format!("/referrals/{}", r.key.path());
    let posted = |form| v.posted.as_ref().and_then(|p| p.for_form(form));
    let (decision, escalation, status) = (
        posted(CaseForm::Decision),
        posted(CaseForm::Escalation),
        posted(CaseForm::Status),
    );
    let correcting = r.case.decision.is_some();
    let stage = v.open_stage.unwrap_or(0);
    let results: Vec<(&str, &str)> = StageResult::offered_at(stage)
        .iter()
        .map(|res| (res.slug(), res.label()))
        .collect();
    let statuses: Vec<(&str, &str)> = Status::SETTABLE
        .iter()
        .map(|st| (st.slug(), st.label()))
        .collect();
    html! {
        @if v.can_decide {
            (case_form(c, v, CaseForm::Decision, html! {
                @if correcting {
                    h2.govuk-heading-m { "Correct the decision" }
                    p.govuk-body { "The decision recorded now replaces the current one; the current one stays on this page and in the audit trail." }
                }
                (radios(CaseForm::Decision, "Does this referral meet the threshold?", &[("accept", "Accept"), ("not-accepted", "Not accepted"), ("escalate", "Escalate: the referrer disputes the decision, or it needs a senior decision")], decision))
                (rationale(CaseForm::Decision, "Rationale (required)", decision))
                button.govuk-button type="submit" { @if correcting { "Record corrected decision" } @else { "Record decision" } }
            }))
        }
        @if v.can_escalate {
            (case_form(c, v, CaseForm::Escalation, html! {
                (radios(CaseForm::Escalation, &v.stages[stage].question, &results, escalation))
                (rationale(CaseForm::Escalation, "What was agreed, and why (required)", escalation))
                button.govuk-button type="submit" { "Record outcome" }
            }))
        }
        @if v.can_set_status {
            (case_form(c, v, CaseForm::Status, html! {
                (radios(CaseForm::Status, "Move to", &statuses, status))
                (rationale(CaseForm::Status, "Note (required)", status))
                button.govuk-button type="submit" { "Update status" }
            }))
        }
        @if v.can_export {
            ul.govuk-list {
                li { a.govuk-link href={ (base) "/print" } { "Print view (A4, for the meeting pack)" } }
                li { a.govuk-link href={ (base) "/export.json" } { "Download as JSON" } }
            }
        }
    }
}

fn heading(v: &ReferralView) -> Markup {
    let r = v.referral;
    html! {
        span.govuk-caption-l { (r.submission.form_title) }
        h1.govuk-heading-xl {
            (r.submission.reference)
            @if r.urgent(v.form) { " " strong.govuk-tag.govuk-tag--red { "Urgent" } }
        }
        p.govuk-body {
            "Submitted " (local_time::date_time(r.created_at, v.zone)) "; received " (local_time::date_time(r.received_at, v.zone))
            " from kiosk " (r.key.kiosk) " (sequence " (r.sequence) ")."
        }
    }
}

pub fn referral_page(c: &Chrome, v: &ReferralView) -> Markup {
    let errors: &[FieldError] = v.posted.as_ref().map_or(&[], |p| &p.errors);
    let main = html! {
        (error_summary(errors))
        (heading(v))
        div.govuk-grid-row {
            div.govuk-grid-column-two-thirds {
                h2.govuk-heading-l { "Answers" }
                (answers(v))
            }
            div.govuk-grid-column-one-third { (case(v)) div.app-no-print { (actions(c, v)) } }
        }
    };
    page(
        c,
        &title_for(&v.referral.submission.reference, errors),
        "/",
        main,
    )
}

/// The print view: the same content without forms, laid out for A4 by the print stylesheet.
pub fn print_page(c: &Chrome, v: &ReferralView) -> Markup {
    let main = html! {
        div.app-print-a4 {
            (heading(v))
            (case(v))
            h2.govuk-heading-l { "Answers" }
            (answers(v))
        }
    };
    page(c, &v.referral.submission.reference, "/", main)
}
