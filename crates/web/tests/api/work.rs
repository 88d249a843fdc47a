//! Expensive requests: every parameter bounded, long searches as jobs polled by the client
//! (and seen from a second instance), jobs cancelled, and a stopping server that does not
//! wait for long computations.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{Api, call, demo, problem};

const ORG: &str = sextant_web::demo::SLUG;

/// Each unbounded parameter found by trying: a CLV horizon of 4294967295 months pinned a
/// core for ever; the others are refused with the bound named.
#[tokio::test]
async fn every_expensive_parameter_is_bounded() {
    let (_srv, api) = demo().await;
    for (route, field, want) in [
        (
            "clv?calibration_end=2027-06-30&horizon=4294967295",
            "horizon",
            "horizon: expected 1 to 120 months, found 4294967295",
        ),
        (
            "clv?calibration_end=2027-06-30&horizon=0",
            "horizon",
            "horizon: expected 1 to 120 months, found 0",
        ),
        (
            "simulate?trials=1000001",
            "trials",
            "trials: expected 1 to 1000000, found 1000001",
        ),
        (
            "roadmap?time_limit=61",
            "time_limit",
            "time_limit: expected seconds above 0 and at most 60, found 61 (a longer search runs as a job: POST /api/v1/orgs/{org}/jobs with kind roadmap)",
        ),
        (
            "roadmap?time_limit=NaN",
            "time_limit",
            "time_limit: expected seconds above 0 and at most 60, found NaN",
        ),
        (
            "roadmap?time_limit=1e300",
            "time_limit",
            "time_limit: expected seconds above 0 and at most 60, found 1e300",
        ),
        (
            "roadmap?budget_factor=1e300",
            "budget_factor",
            "budget_factor: expected a number from 0 to 100, found 1e300",
        ),
        (
            "roadmap?frontier=51",
            "frontier",
            "frontier: expected 2 to 50 budget levels, found 51",
        ),
        (
            "forecast?kpi=revenue&season=100000",
            "season",
            "season: expected a season of 2 to 53 periods, found 100000",
        ),
    ] {
        let (status, body) = problem(api.get(&format!("/api/v1/orgs/{ORG}/{route}"))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{route}: {body}");
        assert_eq!(body["errors"][0]["path"], field, "{route}: {body}");
        assert_eq!(body["detail"], want, "{route}");
    }
}

async fn poll(api: &Api, id: i64) -> Value {
    for _ in 0..600 {
        let job = api.ok(&format!("/api/v1/orgs/{ORG}/jobs/{id}")).await;
        if !matches!(job["status"].as_str(), Some("queued" | "running")) {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("job {id} did not end");
}

/// A search longer than a request may take runs as a job: 202 at once, polled to its end,
/// with the same result as the route; any instance answers the polls.
#[tokio::test]
async fn a_long_search_runs_as_a_job_polled_from_any_instance() {
    let (srv, api) = demo().await;
    let resp = api
        .post(&format!("/api/v1/orgs/{ORG}/jobs"))
        .json(&json!({"kind": "roadmap", "params": {"time_limit": 120}}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    let job: Value = resp.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/orgs/{ORG}/jobs/{}", job["id"]));
    assert_eq!(job["kind"], "roadmap");
    let done = poll(&api, job["id"].as_i64().unwrap()).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["progress"], 1.0);
    let direct = api
        .ok(&format!("/api/v1/orgs/{ORG}/roadmap?time_limit=5"))
        .await;
    assert_eq!(done["result"]["status"], "optimal");
    assert_eq!(done["result"]["schedule"], direct["schedule"]);
    // Another instance over the same database sees it.
    let other = srv.second_instance().await;
    let mut there = api.clone();
    there.base = other.base.clone();
    let seen = there.ok(&location).await;
    assert_eq!(seen["status"], "done");
    let list = api.ok(&format!("/api/v1/orgs/{ORG}/jobs")).await;
    assert_eq!(list["total"], 1);
    assert!(list["items"][0].get("result").is_none_or(Value::is_null));
}

#[tokio::test]
async fn jobs_are_checked_before_they_are_queued() {
    let (_srv, api) = demo().await;
    for (body, path, detail) in [
        (
            json!({"kind": "mine bitcoin"}),
            "kind",
            "kind: expected roadmap, simulate or compare, found `mine bitcoin`",
        ),
        (
            json!({"kind": "roadmap", "params": {"time_limit": 601}}),
            "params.time_limit",
            "params.time_limit: expected seconds above 0 and at most 600, found 601",
        ),
        (
            json!({"kind": "simulate", "params": {"trials": 0}}),
            "params.trials",
            "params.trials: expected 1 to 1000000, found 0",
        ),
        (
            json!({"kind": "simulate", "params": {"trails": 10}}),
            "params.trails",
            "",
        ),
    ] {
        let (status, p) = problem(api.post(&format!("/api/v1/orgs/{ORG}/jobs")).json(&body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {p}");
        assert_eq!(p["errors"][0]["path"], path, "{body}: {p}");
        if !detail.is_empty() {
            assert_eq!(p["detail"], detail);
        } else {
            assert!(
                p["detail"]
                    .as_str()
                    .unwrap()
                    .contains("unknown field `trails`"),
                "{p}"
            );
        }
    }
    assert_eq!(
        api.ok(&format!("/api/v1/orgs/{ORG}/jobs")).await["total"],
        0
    );
}

/// A million trials cancelled midway stop: the job ends `cancelled`, and its cores are free
/// again for the next request.
#[tokio::test]
async fn a_cancelled_job_stops_and_frees_its_cores() {
    let (_srv, api) = demo().await;
    let (status, job) = call(
        api.post(&format!("/api/v1/orgs/{ORG}/jobs"))
            .json(&json!({"kind": "simulate", "params": {"trials": 1000000}})),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let id = job["id"].as_i64().unwrap();
    // Wait until it runs, then cancel.
    for _ in 0..100 {
        let j = api.ok(&format!("/api/v1/orgs/{ORG}/jobs/{id}")).await;
        if j["status"] == "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (status, c) = call(api.delete(&format!("/api/v1/orgs/{ORG}/jobs/{id}"))).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["status"], "cancelled");
    // The next request gets the cores (it would wait for the million trials otherwise).
    let v = api
        .ok(&format!("/api/v1/orgs/{ORG}/simulate?trials=100"))
        .await;
    assert_eq!(v["trials"], 100);
    let j = poll(&api, id).await;
    assert_eq!(j["status"], "cancelled", "{j}");
    assert!(j["result"].is_null());
}

/// A stopping server cancels analyses under way and returns within its grace period,
/// instead of waiting for a long computation.
#[tokio::test]
async fn a_stopping_server_does_not_wait_for_long_computations() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("s.db").display());
    let store = sextant_store::Store::open(&url).await.unwrap();
    let login = sextant_web::demo::create(&store, false).await.unwrap();
    let state = sextant_web::AppState::new(store, false, 0);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(sextant_web::run_until(
        listener,
        state,
        async move {
            let _ = rx.await;
        },
        Duration::from_secs(3),
    ));
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let r = http
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"email": login.email, "password": login.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let long = tokio::spawn({
        let http = http.clone();
        let url = format!("{base}/api/v1/orgs/{ORG}/simulate?trials=1000000");
        async move { http.get(url).send().await }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let asked = std::time::Instant::now();
    tx.send(()).unwrap();
    server.await.unwrap().unwrap();
    let took = asked.elapsed();
    // Cancelled between chunks of trials, the request ends with a 503 well before the grace
    // period runs out.
    if let Ok(Ok(resp)) = long.await {
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    }
    assert!(took < Duration::from_secs(3), "took {took:?}");
}
