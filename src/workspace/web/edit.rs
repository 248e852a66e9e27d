//! Editing a person or place the tracker holds (roles with `edit-tracker`): what police
//! intelligence adds to what a referral said (aliases, a date of birth, phones, vehicles, the
//! postcode district, the kind of place, a note). Saved with its audit entry in one write, then
//! re-indexed, so the next possible-match list already uses it. A wrong date or district is
//! refused with the form again and what was typed.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use chrono::{Datelike as _, NaiveDate};

use super::error::WorkspaceError;
use super::io::{blocking, Shared};
use super::people::tracker;
use super::session::{may, SignedIn};
use crate::http::extract::CsrfForm;
use crate::tracker::model::Id;
use crate::tracker::normalise;
use crate::workspace::tracking;
use crate::workspace::views::edit::{edit_page, EditView};
use crate::workspace::Workspace;

pub fn router() -> Router<Arc<Workspace>> {
    Router::new().route("/people/{id}/edit", get(show).post(save))
}

/// The record being edited (or added: `web::add` shares the fields and their checks).
pub(super) use crate::workspace::tracking::Added as Record;

fn find(ws: &Workspace, user: &crate::workspace::User, id: &str) -> Result<Record, WorkspaceError> {
    let t = tracker(ws);
    let id = Id::parse(id).ok_or(WorkspaceError::NotFound)?;
    let record = match (t.index.person(&id), t.index.place(&id)) {
        (Some(p), _) => Record::Person(p.clone()),
        (_, Some(p)) => Record::Place(p.clone()),
        _ => return Err(WorkspaceError::NotFound),
    };
    if tracking::visible_links(ws, user, &t, &record.subject()).is_empty() {
        return Err(WorkspaceError::NotFound);
    }
    Ok(record)
}

/// The form's fields for `r`: (name, label, value).
pub(super) fn fields(r: &Record) -> Vec<(&'static str, &'static str, String)> {
    match r {
        Record::Person(p) => vec![
            ("name", "Name", p.name.clone()),
            (
                "aliases",
                "Also known as (separate with commas)",
                p.aliases.join(", "),
            ),
            (
                "dob",
                "Date of birth (for example 27/3/2011)",
                p.date_of_birth
                    .map(|d| d.format("%-d/%-m/%Y").to_string())
                    .unwrap_or_default(),
            ),
            (
                "phones",
                "Phone numbers (separate with commas)",
                p.phones.join(", "),
            ),
            (
                "vehicles",
                "Vehicles (separate with commas)",
                p.vehicles.join(", "),
            ),
            (
                "district",
                "Postcode district (the first half of a postcode)",
                p.postcode_district.clone().unwrap_or_default(),
            ),
            ("note", "Note", p.note.clone()),
        ],
        Record::Place(p) => vec![
            ("name", "Name or description", p.name.clone()),
            ("kind", "Kind of place", p.kind.clone().unwrap_or_default()),
            (
                "district",
                "Postcode district (the first half of a postcode)",
                p.postcode_district.clone().unwrap_or_default(),
            ),
            ("note", "Note", p.note.clone()),
        ],
    }
}

/// The edit form's view of the record `id`.
fn edit_view<'a>(
    ws: &'a Workspace,
    id: &str,
    fields: Vec<(&'static str, &'static str, String)>,
    errors: Vec<(&'static str, String)>,
) -> EditView<'a> {
    EditView {
        heading: "Edit the record",
        caption: None,
        action: format!("/people/{id}/edit"),
        cancel: format!("/people/{id}"),
        roles: None,
        fields,
        kinds: &ws.config.tracker.place_kinds,
        errors,
        submit: "Save",
    }
}

async fn show(
    State(ws): Shared,
    user: SignedIn<may::EditTracker>,
    Path(id): Path<String>,
) -> Result<Response, WorkspaceError> {
    let record = find(&ws, &user.user, &id)?;
    let view = edit_view(&ws, &id, fields(&record), Vec::new());
    Ok(edit_page(&user.frame(&ws).await?, &view).into_response())
}

fn list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect()
}

pub(super) fn value<'a>(typed: &'a [(String, String)], name: &str) -> &'a str {
    typed
        .iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, v)| v.trim())
}

/// The record with what was typed, or each problem by field.
pub(super) fn apply(
    r: Record,
    typed: &[(String, String)],
    kinds: &[String],
) -> Result<Record, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let district = match value(typed, "district") {
        "" => None,
        d => normalise::district(d).or_else(|| {
            errors.push((
                "district",
                "Enter a postcode district like the first half of a postcode, or leave it empty"
                    .to_string(),
            ));
            None
        }),
    };
    let out = match r {
        Record::Person(mut p) => {
            p.name = value(typed, "name").to_string();
            p.aliases = list(value(typed, "aliases"));
            p.date_of_birth = match value(typed, "dob") {
                "" => None,
                d => crate::tracker::search::Query::guess(d)
                    .into_iter()
                    .find_map(|q| match q {
                        crate::tracker::search::Query::DateOfBirth(d) => Some(d),
                        _ => None,
                    })
                    .filter(|d| {
                        *d <= chrono::Utc::now().date_naive()
                            && *d >= NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default()
                    })
                    .or_else(|| {
                        errors.push((
                            "dob",
                            "Enter a real date of birth, like 27/3/2011, or leave it empty"
                                .to_string(),
                        ));
                        None
                    }),
            };
            p.phones = list(value(typed, "phones"));
            p.vehicles = list(value(typed, "vehicles"));
            p.postcode_district = district;
            p.note = value(typed, "note").to_string();
            if p.name.is_empty() && p.aliases.is_empty() {
                errors.push(("name", "Enter a name or an alias".to_string()));
            }
            Record::Person(p)
        }
        Record::Place(mut p) => {
            p.name = value(typed, "name").to_string();
            p.kind = match value(typed, "kind") {
                "" => None,
                k if kinds.iter().any(|x| x == k) => Some(k.to_string()),
                _ => {
                    errors.push(("kind", "Choose a kind of place from the list".to_string()));
                    None
                }
            };
            p.postcode_district = district;
            p.note = value(typed, "note").to_string();
            if p.name.is_empty() {
                errors.push((
                    "name",
                    "Enter the place's name or a description".to_string(),
                ));
            }
            Record::Place(p)
        }
    };
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

async fn save(
    State(ws): Shared,
    user: SignedIn<may::EditTracker>,
    Path(id): Path<String>,
    CsrfForm(typed): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WorkspaceError> {
    let record = find(&ws, &user.user, &id)?;
    match apply(record, &typed, &ws.config.tracker.place_kinds) {
        Ok(changed) => {
            let (w, actor) = (ws.clone(), user.name.clone());
            blocking(move || {
                match changed {
                    Record::Person(p) => {
                        w.store.put_person(&p, (&actor, "edit-tracker"))?;
                        tracking::change(&w, |t| t.index.put_person(p));
                    }
                    Record::Place(p) => {
                        w.store.put_place(&p, (&actor, "edit-tracker"))?;
                        tracking::change(&w, |t| t.index.put_place(p));
                    }
                }
                Ok(())
            })
            .await?;
            user.flash("Saved.").await?;
            Ok(Redirect::to(&format!("/people/{id}")).into_response())
        }
        Err(errors) => {
            let record = find(&ws, &user.user, &id)?;
            let fields = (fields(&record).into_iter())
                .map(|(n, l, _)| (n, l, value(&typed, n).to_string()))
                .collect();
            let view = edit_view(&ws, &id, fields, errors);
            Ok((
                StatusCode::BAD_REQUEST,
                edit_page(&user.frame(&ws).await?, &view),
            )
                .into_response())
        }
    }
}

/// Records a coded outcome on a case (roles with `edit-tracker`): a code from
/// `tracker.outcome_codes`, a real date, an optional note. A missing or impossible date shows
/// the case again with the error.
pub fn outcome_router() -> Router<Arc<Workspace>> {
    Router::new().route(
        "/cases/{kiosk}/{id}/outcomes",
        axum::routing::post(add_outcome),
    )
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct OutcomePost {
    code: String,
    #[serde(rename = "outcome-day")]
    day: String,
    #[serde(rename = "outcome-month")]
    month: String,
    #[serde(rename = "outcome-year")]
    year: String,
    #[serde(default)]
    note: String,
}

async fn add_outcome(
    State(ws): Shared,
    user: SignedIn<may::EditTracker>,
    Path(key): Path<crate::workspace::RecordKey>,
    CsrfForm(post): CsrfForm<OutcomePost>,
) -> Result<Response, WorkspaceError> {
    let r = super::io::referral(&ws, &user, key).await?;
    let n = |s: &str| s.trim().parse::<u32>().ok();
    let date = (n(&post.year).zip(n(&post.month)).zip(n(&post.day)))
        .and_then(|((y, m), d)| NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d))
        .filter(|d| *d <= ws.today() && d.year() >= 2000);
    let codes = &ws.config.tracker.outcome_codes;
    let outcome = date.and_then(|date| {
        crate::tracker::model::Outcome::new(
            &r.key.path(),
            &post.code,
            date,
            post.note.trim(),
            codes,
        )
        .ok()
    });
    let Some(outcome) = outcome else {
        let mut view = super::frame::case(&ws, &user.user, &r);
        view.outcome_error = Some((
            "outcome-day",
            "Enter the date of the outcome, today or earlier, like 27 3 2026",
        ));
        let chrome = user.frame(&ws).await?;
        let page = crate::workspace::views::case_page(&chrome, &view);
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    };
    let (w, actor) = (ws.clone(), user.name.clone());
    blocking(move || w.store.add_outcome(&outcome, &actor)).await?;
    user.flash("Outcome recorded.").await?;
    Ok(Redirect::to(&format!("/cases/{}", r.key.path())).into_response())
}
