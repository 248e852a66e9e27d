//! The meeting cycle end to end on the harbour partnership, through real HTTP: a heard case is
//! listed on its council's next board, the chair chooses the agencies, the panel office records
//! invitations and attendance, agrees a SMART action (refused without an owner or a due date)
//! and an update, and the dashboard warns of the agenda until it is published with its content;
//! the agenda and the action register download as marked CSV with formulas defused; a minute
//! lists the case for review at the next board, where the open action is carried. An
//! extraordinary request tells the chair at once (through a real SMTP server, with nothing of
//! the case), is convened, and puts the case on the next board's agenda for review, whose
//! publishing tells the board's people, again with nothing of the case. Another council's
//! office sees none of it.

use std::time::Duration;

use chrono::{Days, Utc};
use prem::config::SendBy;
use prem::workspace::accounts;

use crate::notify::relay_on;
use crate::support::browser::Browser;
use crate::support::smtp::SmtpServer;
use crate::support::workspace::WorkspaceHarness;
use crate::support::Harness;

const REASON: &str = "Seen getting into cars by the harbour wall";
const LOG: &str = "LOG-4471";
const MARKING: &str = "OFFICIAL-SENSITIVE PERSONAL";

/// The board's agenda is due ninety days ahead (the most allowed; the board may skip a month
/// for a holiday), so its next meeting's agenda is always late
/// until published, whatever day the test runs.
fn always_due(c: &mut prem::config::Config) {
    for s in &mut c.meetings.series {
        if s.id == "northcliff-board" {
            s.agenda_send_by = Some(SendBy {
                days_before: Some(90),
                working_days_before: None,
                weekday_before: None,
                at: None,
            });
        }
    }
}

/// A young person of Northcliff referred, signed off and heard: its case's `kiosk/id`.
fn heard_case(h: &Harness, ih: &WorkspaceHarness) -> (String, String) {
    let answers = [
        ("bringing_council", "Northcliff"),
        ("yp_council", "Northcliff"),
        ("worry_detail", REASON),
        ("police_told", "yes"),
        ("police_log", LOG),
    ];
    let reference = h
        .forms
        .complete_with(&h.browser(), "young-person", &answers);
    ih.pull();
    let r = ih.inbox().store.all().expect("all").remove(0);
    ih.move_case(&r.key, "sign-off", "council-lead");
    ih.move_case(&r.key, "hear", "reviewer");
    (r.key.path(), reference)
}

/// The next board meeting hearing the case: its id.
fn next_board(ih: &WorkspaceHarness, case: &str) -> String {
    let ws = ih.inbox();
    let r = prem::workspace::meetings::referral(ws, case)
        .expect("read")
        .expect("held");
    prem::workspace::meetings::next_for(ws, &r, Utc::now())
        .expect("a board meeting ahead")
        .id()
        .to_string()
}

/// `d` as the three boxes of a GOV.UK date input named `name`.
fn date_boxes(name: &str, d: chrono::NaiveDate) -> Vec<(String, String)> {
    [("day", "%-d"), ("month", "%-m"), ("year", "%Y")]
        .map(|(p, f)| (format!("{name}-{p}"), d.format(f).to_string()))
        .to_vec()
}

fn post(
    b: &Browser,
    page: &str,
    action: &str,
    fields: &[(String, String)],
) -> crate::support::browser::Response {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    b.submit(page, action, &borrowed)
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn a_case_goes_from_listing_through_a_published_agenda_to_its_review_with_its_actions() {
    let h = Harness::start(|_| {});
    let ih = WorkspaceHarness::start(&h, &h.internal_url(""), always_due);
    let (case, reference) = heard_case(&h, &ih);
    let case_url = format!("/cases/{case}");
    let office = ih.signed_in("office.north", "business-support", Some("Northcliff"));
    let chair = ih.signed_in("chair.one", "chair", None);
    let west = ih.signed_in("office.west", "business-support", Some("Westhaven"));
    let board = next_board(&ih, &case);
    let meeting = format!("/meetings/{board}");

    // The dashboard warns of the board's late agenda.
    let home = office.get("/").text();
    assert!(
        home.contains("Agendas due and not published") && home.contains(&meeting),
        "{home}"
    );

    // Listed from the case page: a post without its kind comes back with the error and the
    // meeting still chosen; then listed as new.
    let listing = format!("{case_url}/listing");
    let res = post(
        &office,
        &case_url,
        &listing,
        &pairs(&[("listing-meeting", &board)]),
    );
    assert_eq!(res.status, 400);
    assert!(res.contains("There is a problem") && res.contains("Choose whether it comes"));
    assert!(
        res.contains(&format!("value=\"{board}\" selected")),
        "{}",
        res.text()
    );
    let res = post(
        &office,
        &case_url,
        &listing,
        &pairs(&[("listing-meeting", &board), ("listing-kind", "new")]),
    );
    assert_eq!(res.status, 200);
    assert!(
        res.contains("Listed for Northcliff board"),
        "{}",
        res.text()
    );

    // The chair chooses the agencies (none is refused); the office may not.
    let agencies = format!("{meeting}/agencies");
    let res = post(&chair, &meeting, &agencies, &pairs(&[("case", &case)]));
    assert_eq!(res.status, 400);
    assert!(res.contains("Choose at least one agency"));
    let chosen = pairs(&[
        ("case", &case),
        ("agency", "Council social work"),
        ("agency", "Schools"),
    ]);
    assert!(post(&chair, &meeting, &agencies, &chosen).contains("Agencies to invite saved."));
    assert_eq!(post(&office, &meeting, &agencies, &chosen).status, 403);
    let invitations = format!("{meeting}/invitations");
    assert!(post(&office, &meeting, &invitations, &chosen).contains("Invitations saved."));
    let attended = pairs(&[("case", &case), ("agency", "Schools")]);
    let res = post(
        &office,
        &meeting,
        &format!("{meeting}/attendance"),
        &attended,
    );
    assert!(res.contains("Attendance saved."));
    let page = office.get(&meeting).text();
    assert!(
        page.contains("Council social work, Schools") && page.contains(&reference),
        "{page}"
    );

    // A SMART action: refused without an owner or a due date, with what was typed kept.
    let actions = format!("{case_url}/actions");
    let res = post(
        &office,
        &case_url,
        &actions,
        &pairs(&[("action-text", "Weekly welfare visits")]),
    );
    assert_eq!(res.status, 400);
    let text = res.text();
    assert!(
        text.contains("an action without an owner cannot be saved"),
        "{text}"
    );
    assert!(
        text.contains("an action without one cannot be saved")
            && text.contains(">Weekly welfare visits</textarea>"),
        "{text}"
    );
    let due = ih.inbox().today() + Days::new(14);
    let mut agreed = pairs(&[
        ("action-text", "Weekly welfare visits"),
        ("action-owner_agency", "Council social work"),
        ("action-owner_role", "Social worker"),
    ]);
    agreed.extend(date_boxes("action-due", due));
    let res = post(&office, &case_url, &actions, &agreed);
    assert!(res.contains("Action agreed."), "{}", res.text());
    let page = res.text();
    let at = page.find("/updates\"").expect("an update form");
    let id_start = page[..at].rfind("/actions/").expect("action path") + 9;
    let update = format!("{case_url}/actions/{}/updates", &page[id_start..at]);
    let form = format!("update-{}", &page[id_start..at]);
    let mut said = pairs(&[
        (&format!("{form}-text"), "+ First visit done"),
        (&format!("{form}-reported_by"), "Council social work"),
    ]);
    said.extend(date_boxes(&format!("{form}-date"), ih.inbox().today()));
    assert!(post(&office, &case_url, &update, &said).contains("Update recorded."));

    // The agenda: a draft until published, then as published, with its content.
    let agenda = office.get(&format!("{meeting}/agenda")).text();
    assert!(
        agenda.contains("Draft") && agenda.contains(REASON) && agenda.contains(LOG),
        "{agenda}"
    );
    assert!(
        agenda.contains("Weekly welfare visits") && agenda.contains("+ First visit done"),
        "{agenda}"
    );
    assert!(office
        .submit(&meeting, &format!("{meeting}/publish"), &[])
        .contains("Agenda published."));
    assert!(
        !office.get("/").contains(&meeting),
        "the warning goes once published"
    );
    let agenda = office.get(&format!("{meeting}/agenda")).text();
    assert!(
        agenda.contains("Published") && agenda.contains(REASON) && agenda.contains("app-pack-case"),
        "{agenda}"
    );

    // Both CSVs: the header, then the marking first on every row; formulas defused.
    let csv = office.get(&format!("{meeting}/agenda.csv"));
    assert!(csv
        .header("content-disposition")
        .is_some_and(|d| d.contains("OFFICIAL-SENSITIVE-PERSONAL")));
    let body = csv.text();
    // Rows end in CRLF; a free-text field may hold a bare newline of its own.
    let mut lines = body.split("\r\n").filter(|l| !l.is_empty());
    assert!(
        lines
            .next()
            .is_some_and(|l| l.starts_with("\"protective_marking\",\"meeting\"")),
        "{body}"
    );
    assert!(
        lines.all(|l| l.starts_with(&format!("\"{MARKING}\""))),
        "{body}"
    );
    assert!(body.contains("\"'+ First visit done\""), "{body}");
    let register = office.get("/actions.csv").text();
    assert!(
        register.starts_with("\"protective_marking\",\"reference\"")
            && register.contains(&reference),
        "{register}"
    );
    assert!(register.contains("\"'+ First visit done\""), "{register}");
    let page = office.get("/actions").text();
    assert!(
        page.contains("Northcliff") && page.contains("Weekly welfare visits"),
        "{page}"
    );

    // A minute with a next review lists the case at the board after it, which carries the
    // open action and the minute's summary.
    let board_day: chrono::NaiveDate = board
        .rsplit_once('.')
        .expect("dated")
        .1
        .parse()
        .expect("date");
    let mut minute = pairs(&[
        ("minute-meeting", &board),
        ("minute-summary", "Visits continue; school attendance up"),
        ("minute-risk_level", "moderate"),
        ("minute-decision", "keep-open"),
    ]);
    minute.extend(date_boxes("minute-next_review", board_day + Days::new(1)));
    let res = post(&office, &case_url, &format!("{case_url}/minutes"), &minute);
    assert!(
        res.contains("Minute recorded. Listed for review at Northcliff board"),
        "{}",
        res.text()
    );
    let page = res.text();
    let next = page
        .split("href=\"/meetings/")
        .filter_map(|s| s.split('"').next())
        .find(|id| id.starts_with("northcliff-board.") && *id != board)
        .expect("the next board")
        .to_string();
    let agenda = office.get(&format!("/meetings/{next}/agenda")).text();
    assert!(
        agenda.contains("Weekly welfare visits")
            && agenda.contains("Last minuted: Visits continue"),
        "{agenda}"
    );
    assert!(agenda.contains("Review"), "{agenda}");

    // Another council's office sees none of it.
    assert!(!west.get("/meetings").contains("Northcliff board"));
    for path in [
        meeting.clone(),
        format!("{meeting}/agenda"),
        format!("{meeting}/agenda.csv"),
        case_url.clone(),
    ] {
        assert_eq!(west.get(&path).status, 404, "{path}");
    }
    assert!(!west.get("/actions").contains("Weekly welfare visits"));
    assert!(!west.get("/actions.csv").contains(&reference));
    assert!(!west.get("/").contains(&meeting));

    let audit = ih.audit_actions();
    for word in [
        "list-case",
        "choose-agencies",
        "record-invitations",
        "record-attendance",
        "agree-action",
        "action-update",
        "publish-agenda",
        "minute",
        "list-for-review",
        "view-list:agenda",
        "export-list:actions",
    ] {
        assert!(audit.iter().any(|a| a == word), "{word} not in {audit:?}");
    }
}

#[test]
fn an_extraordinary_request_tells_the_chair_at_once_and_puts_the_case_on_the_next_agenda() {
    let smtp = SmtpServer::start();
    let h = Harness::start(|_| {});
    let ih = WorkspaceHarness::start(&h, &h.internal_url(""), |c| c.notify = relay_on(smtp.port));
    let (case, reference) = heard_case(&h, &ih);
    let case_url = format!("/cases/{case}");
    let office = ih.signed_in("office.north", "business-support", Some("Northcliff"));
    let chair = ih.signed_in("chair.one", "chair", None);
    ih.add_user("rev.one", "reviewer", None);
    for name in ["office.north", "chair.one", "rev.one"] {
        let addr = format!("{name}@council.example.org");
        accounts::set_email(&ih.inbox().store, name, Some(&addr)).expect("email");
    }

    let res = office.submit(&case_url, &format!("{case_url}/extraordinary"), &[]);
    assert!(res.contains("the chair has been told"), "{}", res.text());
    let extra = res.path.clone();
    assert!(extra.starts_with("/extraordinary/"), "{extra}");
    // Within 24 hours (the harbour's deadline): shown on the calendar.
    assert!(office.get("/meetings").contains("To convene"));
    let mail = smtp.wait_for(1, Duration::from_secs(10));
    std::thread::sleep(Duration::from_millis(500));
    let all = smtp.messages();
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(mail[0].rcpt_to, "chair.one@council.example.org");
    assert!(
        mail[0].subject.contains("extraordinary meeting"),
        "{}",
        mail[0].subject
    );
    for word in [reference.as_str(), REASON, "Northcliff", LOG] {
        assert!(!mail[0].raw.contains(word), "{word} in {}", mail[0].raw);
    }

    // Convened: refused without attendees or decisions, then recorded.
    let res = chair.submit(&extra, &extra, &[("lessons", "Share sooner")]);
    assert_eq!(res.status, 400);
    assert!(
        res.contains("Enter who attended")
            && res.contains("Enter the decisions made")
            && res.contains("Share sooner")
    );
    let now = Utc::now().with_timezone(&ih.inbox().config.zone());
    let (day, time) = (
        now.format("%-d/%-m/%Y").to_string(),
        now.format("%H:%M").to_string(),
    );
    let due = (ih.inbox().today() + Days::new(2))
        .format("%-d/%-m/%Y")
        .to_string();
    let res = chair.submit(
        &extra,
        &extra,
        &[
            ("held-date", &day),
            ("held-time", &time),
            (
                "attendees",
                "Police Scotland, Detective Inspector\nCouncil social work, Service manager",
            ),
            ("decisions", "Place of safety tonight"),
            ("action1-text", "Arrange a place of safety"),
            ("action1-owner_agency", "Council social work"),
            ("action1-owner_role", "Service manager"),
            ("action1-due", &due),
            ("lessons", "Share sooner"),
        ],
    );
    assert!(
        res.contains(
            "Extraordinary meeting recorded. The case is listed for review at Northcliff board"
        ),
        "{}",
        res.text()
    );
    let plan = chair.get(&format!("{extra}/plan")).text();
    assert!(
        plan.contains("Detective Inspector")
            && plan.contains("Arrange a place of safety")
            && plan.contains("Share sooner"),
        "{plan}"
    );
    let board = next_board(&ih, &case);
    let agenda = office.get(&format!("/meetings/{board}/agenda")).text();
    assert!(
        agenda.contains(&reference) && agenda.contains("Review after an extraordinary meeting"),
        "{agenda}"
    );
    assert!(agenda.contains("Arrange a place of safety"), "{agenda}");
    assert!(office.get("/meetings").contains("Convened"));

    // Publishing that agenda tells those who may see the board, not the one who published it,
    // and nothing of what is on it.
    let meeting = format!("/meetings/{board}");
    assert!(office
        .submit(&meeting, &format!("{meeting}/publish"), &[])
        .contains("Agenda published."));
    let mail = smtp.wait_for(3, Duration::from_secs(10));
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(smtp.messages().len(), 3);
    let mut told: Vec<&str> = mail[1..].iter().map(|m| m.rcpt_to.as_str()).collect();
    told.sort();
    assert_eq!(
        told,
        [
            "chair.one@council.example.org",
            "rev.one@council.example.org"
        ]
    );
    for m in &mail[1..] {
        assert!(
            m.subject.contains("agenda has been published"),
            "{}",
            m.subject
        );
        assert!(
            !m.raw.contains(&reference) && !m.raw.contains("Northcliff"),
            "{}",
            m.raw
        );
    }
}
