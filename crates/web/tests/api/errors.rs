//! The error contract: every error the API answers is an `application/problem+json` document
//! with the response's status, including the rejections axum makes before a handler runs
//! (bodies too large or not text, methods a route does not take).

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{BOOKSTORE, call, problem, spawn};

#[tokio::test]
async fn handler_errors_are_problem_documents() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    // 400, 401, 403, 404, 409, 422: each a problem with its status.
    let cases = [
        (
            api.post("/api/v1/orgs/acme/plan/goals")
                .header("content-type", "application/json")
                .body("{"),
            StatusCode::BAD_REQUEST,
        ),
        (srv.anonymous().get("/api/v1/me"), StatusCode::UNAUTHORIZED),
        (
            api.bare(
                Method::DELETE,
                "/api/v1/orgs/acme/plan/risks/crm-resistance",
            ),
            StatusCode::FORBIDDEN,
        ),
        (api.get("/api/v1/orgs/nowhere"), StatusCode::NOT_FOUND),
        (
            api.post("/api/v1/orgs")
                .json(&json!({"slug": "acme", "name": "Again"})),
            StatusCode::CONFLICT,
        ),
        (
            api.post("/api/v1/orgs/acme/plan/goals")
                .json(&json!({"id": 7})),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ];
    for (r, want) in cases {
        let (status, body) = problem(r).await;
        assert_eq!(status, want, "{body}");
        assert_eq!(body["type"], "about:blank");
        assert_eq!(body["title"], want.canonical_reason().unwrap());
    }
}

#[tokio::test]
async fn an_oversized_plan_is_a_413_problem() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    // A plan file may be 10 MiB at every door (the CLI, the page, the API).
    let big = format!("{BOOKSTORE}\n#{}\n", "x".repeat(10 * 1024 * 1024));
    let (status, body) = problem(
        api.put("/api/v1/orgs/acme/plan")
            .header("content-type", "application/yaml")
            .body(big),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        body["detail"],
        "the plan file is larger than the 10 MiB a plan file may be"
    );
    // Under it, a 3 MB file is read (and refused for what it holds, not its size).
    let three = format!("{BOOKSTORE}\nx-notes: {}\n", "x".repeat(3 * 1024 * 1024));
    let (status, body) = problem(
        api.put("/api/v1/orgs/acme/plan")
            .header("content-type", "application/yaml")
            .body(three),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

#[tokio::test]
async fn an_oversized_json_body_is_a_413_problem() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let big = json!({"id": "big", "title": "x".repeat(3 * 1024 * 1024)});
    let (status, body) = problem(api.post("/api/v1/orgs/acme/plan/goals").json(&big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(api.ok("/api/v1/orgs/acme/plan/goals").await["total"], 6);
}

#[tokio::test]
async fn a_plan_that_is_not_utf8_is_a_problem() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let before = api.ok("/api/v1/orgs/acme/plan").await;
    let (status, _) = problem(
        api.put("/api/v1/orgs/acme/plan")
            .header("content-type", "application/yaml")
            .body(vec![0xff_u8, 0xfe, b'a']),
    )
    .await;
    assert!(status.is_client_error(), "{status}");
    assert_eq!(api.ok("/api/v1/orgs/acme/plan").await, before);
}

#[tokio::test]
async fn a_method_a_route_does_not_take_is_405() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    for (method, path) in [
        (Method::PATCH, "/api/v1/orgs/acme/plan"),
        (Method::POST, "/api/v1/orgs/acme/analysis"),
        (Method::PUT, "/api/v1/orgs/acme/datasets"),
    ] {
        let (status, _) = call(api.req(method.clone(), path)).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
    }
}

#[tokio::test]
async fn a_method_a_route_does_not_take_is_a_405_problem() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let (status, _) = problem(api.req(Method::PATCH, "/api/v1/orgs/acme/plan")).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}
