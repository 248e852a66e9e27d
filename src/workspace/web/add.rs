//! Adding a person or place to a case by hand (roles with `edit-tracker`): someone the police
//! know is involved whom no referral named. The same fields and checks as editing a record,
//! plus the role in the case. Stored sealed with its link and audit entry in one write,
//! indexed at once, and then its page is shown, which lists the records already held that may
//! be the same. A refused post comes back with the error summary and what was typed.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::edit::{apply, fields, value, Record};
use super::error::WorkspaceError;
use super::io::{blocking, referral, Shared};
use super::session::{may, SignedIn};
use crate::http::extract::CsrfForm;
use crate::tracker::model::{Person, Place};
use crate::workspace::model::{RecordKey, Referral};
use crate::workspace::tracking;
use crate::workspace::views::edit::{edit_page, EditView};
use crate::workspace::Workspace;

pub fn router() -> Router<Arc<Workspace>> {
    Router::new().route("/cases/{kiosk}/{id}/add/{what}", get(show).post(save))
}

/// `/cases/{kiosk}/{id}/add/person` or `.../add/place`.
#[derive(Deserialize)]
struct Target {
    kiosk: String,
    id: String,
    what: String,
}

impl Target {
    /// The case, and whether a place (not a person) is being added.
    fn parts(self) -> Result<(RecordKey, bool), WorkspaceError> {
        let place = match self.what.as_str() {
            "person" => false,
            "place" => true,
            _ => return Err(WorkspaceError::NotFound),
        };
        let key = RecordKey {
            kiosk: self.kiosk,
            id: self.id,
        };
        Ok((key, place))
    }
}

fn blank(place: bool) -> Record {
    if place {
        Record::Place(Place::new(""))
    } else {
        Record::Person(Person::new(""))
    }
}

/// What the page shows: the fields as typed (empty at first), the roles, any errors.
struct Typed<'a> {
    fields: Vec<(&'static str, &'static str, String)>,
    role: &'a str,
    errors: Vec<(&'static str, String)>,
}

fn add_view<'a>(
    ws: &'a Workspace,
    r: &'a Referral,
    place: bool,
    roles: &'a [String],
    typed: Typed<'a>,
) -> EditView<'a> {
    let what = if place { "place" } else { "person" };
    EditView {
        heading: if place {
            "Add a place to this case"
        } else {
            "Add a person to this case"
        },
        caption: Some(r.submission.reference.as_str()),
        action: format!("/cases/{}/add/{what}", r.key.path()),
        cancel: format!("/cases/{}", r.key.path()),
        roles: Some((roles, typed.role)),
        fields: typed.fields,
        kinds: &ws.config.tracker.place_kinds,
        errors: typed.errors,
        submit: if place {
            "Add the place"
        } else {
            "Add the person"
        },
    }
}

async fn show(
    State(ws): Shared,
    user: SignedIn<may::EditTracker>,
    Path(target): Path<Target>,
) -> Result<Response, WorkspaceError> {
    let (key, place) = target.parts()?;
    let r = referral(&ws, &user, key).await?;
    let roles = tracking::roles_to_add(&ws, &user.user, place);
    if roles.is_empty() {
        return Err(WorkspaceError::NotFound);
    }
    let typed = Typed {
        fields: fields(&blank(place)),
        role: "",
        errors: Vec::new(),
    };
    let view = add_view(&ws, &r, place, &roles, typed);
    Ok(edit_page(&user.frame(&ws).await?, &view).into_response())
}

/// The record typed, with its role, or every problem by field (the role first, as on the page).
fn check(
    place: bool,
    typed: &[(String, String)],
    roles: &[String],
    kinds: &[String],
) -> Result<(Record, String), Vec<(&'static str, String)>> {
    let role = value(typed, "role");
    let known = roles.iter().any(|r| r == role);
    match (apply(blank(place), typed, kinds), known) {
        (Ok(record), true) => Ok((record, role.to_string())),
        (checked, _) => {
            let mut errors = checked.err().unwrap_or_default();
            if !known {
                let whose = if place { "place's" } else { "person's" };
                errors.insert(0, ("role", format!("Choose the {whose} role in this case")));
            }
            Err(errors)
        }
    }
}

async fn save(
    State(ws): Shared,
    user: SignedIn<may::EditTracker>,
    Path(target): Path<Target>,
    CsrfForm(typed): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WorkspaceError> {
    let (key, place) = target.parts()?;
    let r = referral(&ws, &user, key).await?;
    let roles = tracking::roles_to_add(&ws, &user.user, place);
    let (record, role) = match check(place, &typed, &roles, &ws.config.tracker.place_kinds) {
        Ok(checked) => checked,
        Err(errors) => return refused(&ws, &user, (&r, place), &roles, &typed, errors).await,
    };
    let id = record.id().clone();
    let (w, actor) = (ws.clone(), user.name.clone());
    blocking(move || tracking::add(&w, &r, record, &role, &actor)).await?;
    user.flash("Added to the case. Records already held that may be the same are listed under Possible matches.").await?;
    Ok(Redirect::to(&format!("/people/{id}")).into_response())
}

/// The form again, 400, with the errors and what was typed.
async fn refused(
    ws: &Arc<Workspace>,
    user: &SignedIn<may::EditTracker>,
    (r, place): (&Referral, bool),
    roles: &[String],
    typed: &[(String, String)],
    errors: Vec<(&'static str, String)>,
) -> Result<Response, WorkspaceError> {
    let fields = (fields(&blank(place)).into_iter())
        .map(|(n, l, _)| (n, l, value(typed, n).to_string()))
        .collect();
    let role = value(typed, "role");
    let typed = Typed {
        fields,
        role,
        errors,
    };
    let view = add_view(ws, r, place, roles, typed);
    let page = edit_page(&user.frame(ws).await?, &view);
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}
