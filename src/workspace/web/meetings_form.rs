//! Reading the meeting cycle's posts: what was typed in each field of a case's forms, into the
//! domain's drafts (`crate::meetings`), and the domain's problems back into words beside the
//! fields they are about, in GOV.UK's manner. No I/O: the handlers save what comes out.

use chrono::{NaiveDate, Utc};

use crate::meetings::{
    Action, ActionDraft, ListingKind, MeetingId, Minute, MinuteDraft, Occurrence, Problem,
    Problems, UpdateDraft,
};
use crate::workspace::meetings::Listed;
use crate::workspace::model::Referral;
use crate::workspace::Workspace;

/// What a page's form sent, in order, as name and value.
pub type Typed = Vec<(String, String)>;
/// Each problem as the field's id on the page and what to do about it.
pub type PageErrors = Vec<(String, String)>;

/// What `name` was typed as, trimmed.
pub fn val(typed: &[(String, String)], name: &str) -> String {
    (typed.iter())
        .find(|(n, _)| n == name)
        .map_or_else(String::new, |(_, v)| v.trim().to_string())
}

/// The date typed in `{name}-day`, `-month`, `-year`: none when all are empty, `Err` when
/// they are not a real date.
pub fn date(typed: &[(String, String)], name: &str) -> Result<Option<NaiveDate>, ()> {
    let [d, mo, y] = ["day", "month", "year"].map(|p| val(typed, &format!("{name}-{p}")));
    if d.is_empty() && mo.is_empty() && y.is_empty() {
        return Ok(None);
    }
    let n = |s: &str| s.parse::<u32>().ok();
    match (n(&y), n(&mo), n(&d)) {
        (Some(y), Some(mo), Some(d)) if (2000..=2200).contains(&y) => {
            NaiveDate::from_ymd_opt(y as i32, mo, d).map(Some).ok_or(())
        }
        _ => Err(()),
    }
}

/// A problem with one field, in words: `what` names the field.
fn words(what: &str, p: Problem) -> String {
    let day = |d: NaiveDate| d.format("%-d %B %Y").to_string();
    match p {
        Problem::Missing => format!("Enter {what}"),
        Problem::TooLong(n) => format!("{} must be {n} characters or fewer", capital(what)),
        Problem::Unknown => format!("Choose {what} from the list"),
        Problem::Before(d) => format!("{} must be on or after {}", capital(what), day(d)),
        Problem::After(d) => format!("{} must be on or before {}", capital(what), day(d)),
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// The domain's problems as the page's errors, each at `{prefix}-{field}` (a date at its day
/// box). A date typed that is no date is missing to the domain, and said so here.
fn errors(
    prefix: &str,
    p: Problems,
    names: &[(&str, &str)],
    typed: &[(String, String)],
) -> PageErrors {
    (p.0.into_iter())
        .map(|(field, problem)| {
            let what = (names.iter())
                .find(|(f, _)| *f == field)
                .map_or("this", |(_, w)| w);
            let base = format!("{prefix}-{field}");
            if !["due", "date", "next_review"].contains(&field.as_str()) {
                return (base, words(what, problem));
            }
            let message = match date(typed, &base) {
                Err(()) => "Enter a real date, like 27 3 2027".to_string(),
                Ok(_) => words(what, problem),
            };
            (format!("{base}-day"), message)
        })
        .collect()
}

/// The listing the listing form asks for: one of `choices` (the meetings hearing the case),
/// as a new case or a review.
pub fn listing(
    r: &Referral,
    choices: &[Occurrence],
    typed: &Typed,
    by: &str,
) -> Result<Listed, PageErrors> {
    let chosen = (choices.iter()).find(|o| o.id().to_string() == val(typed, "listing-meeting"));
    let kind = match val(typed, "listing-kind").as_str() {
        "new" => Some(ListingKind::New),
        "review" => Some(ListingKind::Review),
        _ => None,
    };
    let mut e = PageErrors::new();
    if chosen.is_none() {
        e.push((
            "listing-meeting".into(),
            "Choose the meeting to list the case for".into(),
        ));
    }
    if kind.is_none() {
        e.push((
            "listing-kind".into(),
            "Choose whether it comes as a new case or a review".into(),
        ));
    }
    match (chosen, kind) {
        (Some(o), Some(kind)) => Ok(Listed::new(o.id(), &r.key.path(), kind, by)),
        _ => Err(e),
    }
}

/// The SMART action the action form agrees, today, for `r`.
pub fn action(ws: &Workspace, r: &Referral, typed: &Typed) -> Result<Action, PageErrors> {
    let draft = ActionDraft {
        text: val(typed, "action-text"),
        owner_agency: val(typed, "action-owner_agency"),
        owner_role: val(typed, "action-owner_role"),
        due: date(typed, "action-due").ok().flatten(),
    };
    let names = [
        ("text", "the action"),
        (
            "owner_agency",
            "the owning agency: an action without an owner cannot be saved",
        ),
        ("owner_role", "the owning role"),
        ("due", "a due date: an action without one cannot be saved"),
    ];
    let meeting = val(typed, "action-meeting").parse::<MeetingId>().ok();
    let id = crate::workspace::meetings::new_id();
    Action::agree(&id, &r.key.path(), &draft, ws.today(), meeting)
        .map_err(|p| errors("action", p, &names, typed))
}

/// `a` with the update its form (`update-{id}`) records, by `by`.
pub fn update(
    ws: &Workspace,
    mut a: Action,
    typed: &Typed,
    by: &str,
) -> Result<Action, PageErrors> {
    let form = format!("update-{}", a.id);
    let draft = UpdateDraft {
        text: val(typed, &format!("{form}-text")),
        date: date(typed, &format!("{form}-date")).ok().flatten(),
        reported_by: val(typed, &format!("{form}-reported_by")),
    };
    let names = [
        ("text", "what was reported"),
        ("date", "the date it was reported"),
        ("reported_by", "who reported it"),
    ];
    match a.record_update(&draft, by, Utc::now(), ws.today()) {
        Ok(()) => Ok(a),
        Err(p) => Err(errors(&form, p, &names, typed)),
    }
}

/// The minute of `r` at the meeting `o` the minute form names, by `by`.
pub fn minute(
    ws: &Workspace,
    r: &Referral,
    o: Option<&Occurrence>,
    typed: &Typed,
    by: &str,
) -> Result<Minute, PageErrors> {
    let Some(o) = o else {
        return Err(vec![(
            "minute-meeting".into(),
            "Choose the meeting this minute is for".into(),
        )]);
    };
    let draft = MinuteDraft {
        summary: val(typed, "minute-summary"),
        risk_level: val(typed, "minute-risk_level"),
        decision: val(typed, "minute-decision"),
        next_review: date(typed, "minute-next_review").ok().flatten(),
    };
    let names = [
        ("summary", "a summary of the discussion"),
        ("risk_level", "a risk level"),
        ("decision", "the decision"),
        ("next_review", "the date of the next review"),
    ];
    Minute::record(
        &r.key.path(),
        o,
        &draft,
        &ws.config.meetings,
        by,
        Utc::now(),
    )
    .map_err(|p| errors("minute", p, &names, typed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(pairs: &[(&str, &str)]) -> Typed {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_date_is_three_boxes_none_when_empty_and_refused_when_not_real() {
        let t = typed(&[("d-day", "29"), ("d-month", "2"), ("d-year", "2028")]);
        assert_eq!(date(&t, "d"), Ok(NaiveDate::from_ymd_opt(2028, 2, 29)));
        assert_eq!(date(&typed(&[]), "d"), Ok(None));
        let t = typed(&[("d-day", "29"), ("d-month", "2"), ("d-year", "2027")]);
        assert_eq!(date(&t, "d"), Err(()));
    }

    #[test]
    fn problems_are_worded_at_their_fields_and_a_bad_date_says_so() {
        let mut p = Problems::default();
        p.push("owner_agency", Problem::Missing);
        p.push("due", Problem::Missing);
        let names = [("owner_agency", "the owning agency"), ("due", "a due date")];
        let t = typed(&[
            ("action-due-day", "31"),
            ("action-due-month", "4"),
            ("action-due-year", "2027"),
        ]);
        let e = errors("action", p, &names, &t);
        assert_eq!(
            e[0],
            (
                "action-owner_agency".into(),
                "Enter the owning agency".into()
            )
        );
        assert_eq!(
            e[1],
            (
                "action-due-day".into(),
                "Enter a real date, like 27 3 2027".into()
            )
        );
    }
}
