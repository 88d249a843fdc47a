//! The review cadence through the API: a review with its actions, the agenda of the next review
//! (when it is due, the actions carried over, the decisions to follow up), an action's status
//! set until it is no longer carried, and the refusals (a bad status, an action that is not
//! there, an action without a title, a bad day) with nothing changed.

use reqwest::StatusCode;
use serde_json::json;

use crate::{call, problem, spawn};

#[tokio::test]
async fn the_agenda_carries_actions_until_done() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let (status, body) = call(api.post("/api/v1/orgs/acme/plan/reviews").json(&json!({
        "id": "q1",
        "date": "2027-03-15",
        "title": "First quarter",
        "decisions": ["Try the loyalty app"],
        "actions": [
            {"title": "Price the loyalty app", "owner": "Sam", "due": "2027-04-10"},
            {"title": "Back up the till", "status": "done"},
            {"title": "Ask the bank about a loan", "due": "2027-05-31", "status": "in_progress"}
        ]
    })))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // On 20 April 2027, quarterly from January: the next review is due by 30 April; the first
    // action is overdue (due 10 April), the third is due; the second is done and not carried.
    let ag = api.ok("/api/v1/orgs/acme/agenda?today=2027-04-20").await;
    assert_eq!(ag["every_months"], 3);
    assert_eq!(ag["next"], json!({"state": "due", "by": "2027-04-30"}));
    assert_eq!(ag["last"]["id"], "q1");
    assert_eq!(ag["since"], "2027-03-15");
    let open: Vec<(&str, bool, u64)> = ag["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["title"].as_str().unwrap(),
                a["overdue"].as_bool().unwrap(),
                a["index"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        open,
        [
            ("Price the loyalty app", true, 0),
            ("Ask the bank about a loan", false, 2)
        ]
    );
    assert_eq!(
        ag["items"][0],
        json!({"topic": "action", "text": "Price the loyalty app (Sam): overdue, was due by 10 April 2027", "link": "reviews/q1"})
    );
    assert_eq!(
        ag["items"][1]["text"],
        "Ask the bank about a loan: due by 31 May 2027, in progress"
    );
    assert_eq!(
        ag["items"][2],
        json!({"topic": "decision", "text": "Decided on 15 March 2027: Try the loyalty app. Has it been done?", "link": "reviews/q1"})
    );

    // Done: no longer on the agenda; the review keeps it, done.
    let (status, r) = call(
        api.post("/api/v1/orgs/acme/reviews/q1/actions/0")
            .json(&json!({"status": "done"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["actions"][0]["status"], "done");
    let ag = api.ok("/api/v1/orgs/acme/agenda?today=2027-04-20").await;
    assert_eq!(ag["actions"].as_array().unwrap().len(), 1);
    assert_eq!(ag["actions"][0]["title"], "Ask the bank about a loan");

    // A second review carries the open action over once.
    let (status, body) = call(api.post("/api/v1/orgs/acme/plan/reviews").json(&json!({
        "id": "q2", "date": "2027-04-25", "title": "Second quarter"
    })))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let ag = api.ok("/api/v1/orgs/acme/agenda?today=2027-05-01").await;
    assert_eq!(ag["actions"][0]["carried_over"], 1);
    assert_eq!(ag["last"]["id"], "q2");
    // The next after a review in April (second quarter): by the end of July.
    assert_eq!(ag["next"], json!({"state": "due", "by": "2027-07-31"}));

    // Refusals, nothing changed.
    let before = api.ok("/api/v1/orgs/acme/plan/reviews/q1").await;
    let (status, p) = problem(
        api.post("/api/v1/orgs/acme/reviews/q1/actions/2")
            .json(&json!({"status": "finished"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["errors"][0]["path"], "status");
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("found `finished`"),
        "{p}"
    );
    let (status, p) = problem(
        api.post("/api/v1/orgs/acme/reviews/q1/actions/7")
            .json(&json!({"status": "done"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(p["detail"].as_str().unwrap().contains("it has 3"), "{p}");
    let (status, _) = problem(
        api.post("/api/v1/orgs/acme/reviews/nope/actions/0")
            .json(&json!({"status": "done"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, p) = problem(api.put("/api/v1/orgs/acme/plan/reviews/q1").json(&json!({
        "id": "q1", "date": "2027-03-15", "title": "First quarter",
        "actions": [{"title": " "}]
    })))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["errors"][0]["path"], "reviews.actions[0].title");
    let (status, p) = problem(api.put("/api/v1/orgs/acme/plan/reviews/q1").json(&json!({
        "id": "q1", "date": "2027-03-15", "title": "First quarter",
        "actions": [{"title": "X", "due": "soon"}]
    })))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("actions?"),
        "{p}"
    );
    assert_eq!(api.ok("/api/v1/orgs/acme/plan/reviews/q1").await, before);
    let (status, p) = problem(api.get("/api/v1/orgs/acme/agenda?today=2027-02-30")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["errors"][0]["path"], "today");
}

/// A viewer reads the agenda but cannot change an action.
#[tokio::test]
async fn a_viewer_reads_the_agenda_and_changes_nothing() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let (status, body) = call(api.post("/api/v1/orgs/acme/plan/reviews").json(&json!({
        "id": "q1", "date": "2027-03-15", "title": "First quarter",
        "actions": [{"title": "Price the loyalty app"}]
    })))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    crate::add_member(&srv, &api, "acme", "viewer@example.com", "viewer").await;
    let viewer = srv.login("viewer@example.com").await;
    let ag = viewer.ok("/api/v1/orgs/acme/agenda?today=2027-04-20").await;
    assert_eq!(ag["actions"][0]["title"], "Price the loyalty app");
    let (status, _) = problem(
        viewer
            .post("/api/v1/orgs/acme/reviews/q1/actions/0")
            .json(&json!({"status": "done"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// Today as the server writes it (UTC), `YYYY-MM-DD`.
fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 86_400;
    sextant_core::model::Date::from_days(days as i32).to_string()
}

/// The client's answer: a viewer (the client) approves a candidate, which becomes planned in
/// the same change, with their name, the day and what they were shown; declines the budget
/// with a comment; answers again (the latest replaces the earlier). An editor records an
/// answer given by someone else and pins the approved change at its roadmap month. The
/// refusals name their field and change nothing: a viewer answering in another's name, an
/// unknown initiative or review, a change already done, a bad verdict or subject, a comment
/// too long, a review sent whole with forged answers.
#[tokio::test]
async fn a_client_approves_and_declines_what_a_review_proposed() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let (status, body) = call(api.post("/api/v1/orgs/acme/plan/reviews").json(&json!({
        "id": "q4", "date": "2026-10-01", "title": "Autumn review"
    })))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    crate::add_member(&srv, &api, "acme", "viewer@example.com", "viewer").await;
    let viewer = srv.login("viewer@example.com").await;
    let me = viewer.ok("/api/v1/me").await;
    let name = me["name"].as_str().unwrap().to_string();
    let crm = api.ok("/api/v1/orgs/acme/plan/initiatives/crm").await;
    assert_eq!(crm["body"]["status"], "candidate", "{crm}");
    let plan_before = api.ok("/api/v1/orgs/acme/plan").await;

    // Refusals first: nothing changes.
    for (body, field) in [
        (
            json!({"about": "initiative", "verdict": "approved"}),
            "initiative",
        ),
        (
            json!({"about": "budget", "initiative": "crm", "verdict": "approved"}),
            "initiative",
        ),
        (json!({"about": "goal", "verdict": "approved"}), "about"),
        (json!({"about": "budget", "verdict": "maybe"}), "verdict"),
        (
            json!({"about": "budget", "verdict": "approved", "comment": "x".repeat(2_001)}),
            "comment",
        ),
    ] {
        let (status, p) = problem(
            viewer
                .post("/api/v1/orgs/acme/reviews/q4/answers")
                .json(&body),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {p}");
        assert_eq!(p["errors"][0]["path"], field, "{p}");
    }
    let (status, p) = problem(
        viewer
            .post("/api/v1/orgs/acme/reviews/q4/answers")
            .json(&json!({"about": "initiative", "initiative": "nope", "verdict": "approved"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{p}");
    assert!(
        p["detail"].as_str().unwrap().contains("initiative `nope`"),
        "{p}"
    );
    let (status, p) = problem(
        viewer
            .post("/api/v1/orgs/acme/reviews/q9/answers")
            .json(&json!({"about": "budget", "verdict": "approved"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("review `q9`"), "{p}");
    let (status, p) = problem(
        viewer
            .post("/api/v1/orgs/acme/reviews/q4/answers")
            .json(&json!({"about": "budget", "verdict": "approved", "by": "Somebody Else"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{p}");
    assert!(
        p["detail"].as_str().unwrap().contains("in their own name"),
        "{p}"
    );
    assert_eq!(api.ok("/api/v1/orgs/acme/plan").await, plan_before);
    let r = api.ok("/api/v1/orgs/acme/plan/reviews/q4").await;
    assert!(r["body"].get("answers").is_none(), "{r}");

    // The viewer approves the CRM: kept with their name and today, and what they were shown;
    // the CRM is now planned.
    let (status, r) = call(viewer.post("/api/v1/orgs/acme/reviews/q4/answers").json(
        &json!({"about": "initiative", "initiative": "crm", "verdict": "approve", "comment": "  Go ahead.  "}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let a = &r["answers"][0];
    assert_eq!(a["about"], "initiative");
    assert_eq!(a["initiative"], "crm");
    assert_eq!(a["verdict"], "approved");
    assert_eq!(a["by"], name.as_str());
    assert_eq!(a["on"], today().as_str());
    assert_eq!(a["comment"], "Go ahead.");
    let shown = a["shown"].as_str().unwrap();
    let roadmap = api.ok("/api/v1/orgs/acme/roadmap").await;
    let at = roadmap["schedule"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "crm")
        .unwrap();
    let month = sextant_core::calendar::month_words(
        sextant_core::model::Month::parse(at["start"].as_str().unwrap()).unwrap(),
    );
    assert!(shown.starts_with(&format!("Starts {month}; ")), "{shown}");
    // The CRM costs nothing to set up and $2,000 a year (examples/corner-bookstore.yaml).
    assert!(
        shown.ends_with("; no set-up cost, then $2,000 a year."),
        "{shown}"
    );
    let crm = api.ok("/api/v1/orgs/acme/plan/initiatives/crm").await;
    assert_eq!(crm["body"]["status"], "planned");

    // The budget declined, with a comment; then the CRM declined after all: the latest
    // answer replaces the earlier, and the CRM stays planned (the consultant decides).
    let (status, r) =
        call(viewer.post("/api/v1/orgs/acme/reviews/q4/answers").json(
            &json!({"about": "budget", "verdict": "declined", "comment": "Too much this year"}),
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let b = &r["answers"][1];
    assert_eq!(b["about"], "budget");
    assert!(b.get("initiative").is_none());
    assert!(b["shown"].as_str().unwrap().contains(" one-time, "), "{b}");
    let (status, r) = call(
        viewer
            .post("/api/v1/orgs/acme/reviews/q4/answers")
            .json(&json!({"about": "initiative", "initiative": "crm", "verdict": "declined"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["answers"].as_array().unwrap().len(), 2, "{r}");
    assert_eq!(r["answers"][0]["verdict"], "declined");
    assert!(r["answers"][0].get("comment").is_none());

    // The agenda follows the declined ones up.
    let ag = api
        .ok(&format!("/api/v1/orgs/acme/agenda?today={}", today()))
        .await;
    let answers: Vec<&str> = ag["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["topic"] == "answer")
        .map(|i| i["text"].as_str().unwrap())
        .collect();
    assert_eq!(answers.len(), 2, "{ag}");
    assert!(
        answers[0].starts_with("Cloud CRM was declined by") || answers[0].contains("declined by"),
        "{answers:?}"
    );
    assert!(
        answers[1].starts_with("The budget was declined by"),
        "{answers:?}"
    );
    assert!(answers[1].contains("“Too much this year”"), "{answers:?}");

    // A review sent whole keeps the answers as stored: a client's copy cannot forge them.
    let (status, body) = call(api.put("/api/v1/orgs/acme/plan/reviews/q4").json(&json!({
        "id": "q4", "date": "2026-10-01", "title": "Autumn review, notes added",
        "answers": [{"about": "budget", "verdict": "approved", "by": "Forger", "on": "2026-10-02"}]
    })))
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let r = &api.ok("/api/v1/orgs/acme/plan/reviews/q4").await["body"];
    assert_eq!(r["title"], "Autumn review, notes added");
    assert_eq!(r["answers"].as_array().unwrap().len(), 2, "{r}");
    assert_eq!(r["answers"][1]["verdict"], "declined");

    // An editor records the owner's answer given at the meeting, and pins the change.
    let (status, r) = call(api.post("/api/v1/orgs/acme/reviews/q4/answers").json(
        &json!({"about": "initiative", "initiative": "analytics", "verdict": "approved", "by": "Dana (by phone)"}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["answers"][2]["by"], "Dana (by phone)");
    let (status, p) = problem(viewer.post("/api/v1/orgs/acme/initiatives/analytics/pin")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{p}");
    let roadmap = api.ok("/api/v1/orgs/acme/roadmap").await;
    let start = roadmap["schedule"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "analytics")
        .map(|e| e["start"].clone())
        .unwrap();
    let (status, x) = call(api.post("/api/v1/orgs/acme/initiatives/analytics/pin")).await;
    assert_eq!(status, StatusCode::OK, "{x}");
    assert_eq!(x["start"], start);
    assert_eq!(x["mandatory"], true);
    assert_eq!(x["status"], "planned");
    let (status, p) = problem(api.post("/api/v1/orgs/acme/initiatives/nope/pin")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{p}");

    // A change already done is not answered.
    let mut pos = api.ok("/api/v1/orgs/acme/plan/initiatives/pos").await["body"].clone();
    pos["status"] = json!("done");
    let (status, body) = call(api.put("/api/v1/orgs/acme/plan/initiatives/pos").json(&pos)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, p) = problem(
        viewer
            .post("/api/v1/orgs/acme/reviews/q4/answers")
            .json(&json!({"about": "initiative", "initiative": "pos", "verdict": "approved"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert!(
        p["detail"].as_str().unwrap().contains("found `pos` done"),
        "{p}"
    );
}

/// A pack kept with its review: made as `GET .../pack` makes it, listed, downloaded byte for
/// byte the same after the plan has changed (a fresh pack is not), readable by a viewer who
/// can neither make nor delete one; refusals name what is wrong.
#[tokio::test]
async fn a_pack_is_kept_with_its_review_and_downloaded_unchanged() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let (status, body) = call(api.post("/api/v1/orgs/acme/plan/reviews").json(&json!({
        "id": "q4", "date": "2026-10-20", "title": "Autumn review"
    })))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, kept) = call(api.post(
        "/api/v1/orgs/acme/reviews/q4/packs?format=pdf&parts=summary,budget&today=2026-12-04",
    ))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{kept}");
    assert_eq!(kept["review"], "q4");
    assert_eq!(kept["format"], "pdf");
    assert_eq!(kept["name"], "acme-review-2026-12-04.pdf");
    let n = kept["id"].as_i64().unwrap();
    let list = api.ok("/api/v1/orgs/acme/reviews/q4/packs").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0], kept);
    // No such review: a 404, as on the routes beside it.
    let (status, p) = problem(api.get("/api/v1/orgs/acme/reviews/nope/packs")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{p}");
    let fetch = |who: &crate::Api| {
        let r = who.get(&format!("/api/v1/orgs/acme/reviews/q4/packs/{n}"));
        async move {
            let r = r.send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            assert_eq!(r.headers()["content-type"], "application/pdf");
            r.bytes().await.unwrap().to_vec()
        }
    };
    let first = fetch(&api).await;
    assert!(first.starts_with(b"%PDF-"));
    assert_eq!(first.len() as i64, kept["bytes"].as_i64().unwrap());
    // The same request made now gives the same bytes (the pack is deterministic) ...
    let now = |api: &crate::Api| {
        let r = api.get("/api/v1/orgs/acme/pack?format=pdf&parts=summary,budget&today=2026-12-04");
        async move { r.send().await.unwrap().bytes().await.unwrap().to_vec() }
    };
    assert_eq!(now(&api).await, first);
    // ... until the plan changes: then a new pack differs, the kept one does not.
    let mut crm = api.ok("/api/v1/orgs/acme/plan/initiatives/crm").await["body"].clone();
    crm["recurring_cost_annual"] = json!(9000);
    let (status, body) = call(api.put("/api/v1/orgs/acme/plan/initiatives/crm").json(&crm)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_ne!(now(&api).await, first);
    assert_eq!(fetch(&api).await, first);

    // A viewer reads the kept packs, and makes or deletes none.
    crate::add_member(&srv, &api, "acme", "viewer@example.com", "viewer").await;
    let viewer = srv.login("viewer@example.com").await;
    assert_eq!(fetch(&viewer).await, first);
    let (status, _) = problem(viewer.post("/api/v1/orgs/acme/reviews/q4/packs")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) =
        problem(viewer.delete(&format!("/api/v1/orgs/acme/reviews/q4/packs/{n}"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Refusals.
    let (status, p) = problem(api.post("/api/v1/orgs/acme/reviews/q9/packs")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("review `q9`"), "{p}");
    let (status, p) = problem(api.post("/api/v1/orgs/acme/reviews/q4/packs?format=docx")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["path"], "format");
    let (status, p) = problem(api.get("/api/v1/orgs/acme/reviews/q4/packs/999999")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{p}");

    // Deleted, it is gone.
    let r = api
        .delete(&format!("/api/v1/orgs/acme/reviews/q4/packs/{n}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (status, _) = problem(api.get(&format!("/api/v1/orgs/acme/reviews/q4/packs/{n}"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// An organisation's own branding of its packs: the installation's until set; a name and a
/// colour set by the owner (the colour written as the pack writes it), a logo uploaded as an
/// image; the pack then carries the organisation's name as its author; refusals name their
/// field (a colour not #RRGGBB, a logo that is not an image); a viewer reads it and changes
/// nothing; the logo removed falls back to the installation's (none).
#[tokio::test]
async fn an_organisations_own_branding_goes_on_its_packs() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let b = api.ok("/api/v1/orgs/acme/branding").await;
    assert_eq!(
        b,
        json!({"name": null, "colour": null, "logo": null,
               "used": {"name": "Sextant", "colour": "#1F4E79", "logo": null}})
    );
    let (status, b) = call(
        api.put("/api/v1/orgs/acme/branding")
            .json(&json!({"name": "  Harbour IT Partners ", "colour": "7a1f5c"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(b["name"], "Harbour IT Partners");
    assert_eq!(b["colour"], "#7A1F5C");
    assert_eq!(b["used"]["name"], "Harbour IT Partners");
    let (status, p) = problem(
        api.put("/api/v1/orgs/acme/branding")
            .json(&json!({"colour": "purple"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["path"], "colour");
    let (status, p) = problem(
        api.put("/api/v1/orgs/acme/branding/logo")
            .body("not an image"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["path"], "logo");
    assert!(
        p["detail"].as_str().unwrap().contains("PNG, JPEG or SVG"),
        "{p}"
    );
    // An SVG that is not well-formed is refused when it is given, not when a pack is made.
    let (status, p) = problem(
        api.put("/api/v1/orgs/acme/branding/logo")
            .body("<svg xmlns=\"http://www.w3.org/2000/svg\"><rect"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["path"], "logo");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("expected an SVG image that can be drawn"),
        "{p}"
    );
    let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#7a1f5c"/></svg>"##;
    let (status, b) = call(api.put("/api/v1/orgs/acme/branding/logo").body(svg)).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(b["logo"], "svg");
    assert_eq!(b["used"]["logo"], "svg");
    // The name and colour unchanged by the logo.
    assert_eq!(b["colour"], "#7A1F5C");

    let r = api
        .get("/api/v1/orgs/acme/pack?parts=summary&today=2026-12-04")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let pdf = r.bytes().await.unwrap();
    assert!(
        String::from_utf8_lossy(&pdf).contains("Harbour IT Partners"),
        "the author"
    );

    crate::add_member(&srv, &api, "acme", "viewer@example.com", "viewer").await;
    let viewer = srv.login("viewer@example.com").await;
    assert_eq!(
        viewer.ok("/api/v1/orgs/acme/branding").await["name"],
        "Harbour IT Partners"
    );
    let (status, _) = problem(
        viewer
            .put("/api/v1/orgs/acme/branding")
            .json(&json!({"name": "Mine"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = problem(viewer.delete("/api/v1/orgs/acme/branding/logo")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, b) = call(api.delete("/api/v1/orgs/acme/branding/logo")).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(b["logo"], json!(null));
    assert_eq!(b["used"]["logo"], json!(null));
    assert_eq!(b["name"], "Harbour IT Partners");
}
