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
