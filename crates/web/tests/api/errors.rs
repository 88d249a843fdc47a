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

/// A JSON body is one JSON text with each key once: a second value after it, or a key given
/// twice in one object (at any depth), is refused and nothing is stored, on every JSON door.
#[tokio::test]
async fn a_json_body_with_trailing_text_or_a_repeated_key_is_refused() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let before = api.ok("/api/v1/orgs/acme/plan").await;
    let org_before = api.ok("/api/v1/orgs/acme").await;
    let goal = r#"{"id": "g-new", "title": "Grow"}"#;
    for (method, path, body, want, says) in [
        (
            Method::POST,
            "/api/v1/orgs/acme/plan/goals",
            format!("{goal} garbage"),
            StatusCode::BAD_REQUEST,
            "trailing characters at line 1 column",
        ),
        (
            Method::PATCH,
            "/api/v1/orgs/acme",
            r#"{"name": "Acme 2"} {"name": "evil"}"#.to_string(),
            StatusCode::BAD_REQUEST,
            "trailing characters",
        ),
        (
            Method::POST,
            "/api/v1/orgs/acme/plan/goals",
            r#"{"id": "g-new", "id": "g-other", "title": "Grow"}"#.to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "the key `id` is given twice: give each key once at line 1 column",
        ),
        (
            Method::PATCH,
            "/api/v1/orgs/acme",
            r#"{"name": "Acme 2", "name": "evil"}"#.to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            // A typed body's own reading finds it first.
            "duplicate field `name` at line 1 column",
        ),
    ] {
        let (status, body) = problem(
            api.req(method.clone(), path)
                .header("content-type", "application/json")
                .body(body),
        )
        .await;
        assert_eq!(status, want, "{method} {path}: {body}");
        assert!(
            body["detail"].as_str().unwrap_or_default().contains(says),
            "{method} {path}: {body}"
        );
    }
    // Deeper: the path of the repeated key is named.
    let (status, body) = problem(
        api.put("/api/v1/orgs/acme/plan/swot")
            .header("content-type", "application/json")
            .body(r#"{"strengths": [{"note": {"k": 1, "k": 2}}]}"#),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("strengths[0].note.k"), "{body}");
    assert_eq!(api.ok("/api/v1/orgs/acme/plan").await, before);
    assert_eq!(api.ok("/api/v1/orgs/acme").await, org_before);
}

/// A file sent as a form's upload (`curl -F`) to a door that takes the file itself is a 415
/// saying how to send it, and the plan, the data and the logo stay as they were.
#[tokio::test]
async fn a_file_sent_as_a_form_upload_is_refused_with_how_to_send_it() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let before = api.ok("/api/v1/orgs/acme/plan").await;
    for path in [
        "/api/v1/orgs/acme/plan",
        "/api/v1/orgs/acme/datasets?name=orders.csv",
        "/api/v1/orgs/acme/assets/import",
        "/api/v1/orgs/acme/branding/logo",
    ] {
        let method = if path.contains("datasets") || path.contains("assets") {
            Method::POST
        } else {
            Method::PUT
        };
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::text(BOOKSTORE).file_name("plan.yaml"),
        );
        let (status, body) = problem(api.req(method, path).multipart(form)).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{path}: {body}");
        assert!(
            body["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("expected the file itself as the body (e.g. `curl --data-binary @FILE`), found `multipart/form-data"),
            "{path}: {body}"
        );
    }
    assert_eq!(api.ok("/api/v1/orgs/acme/plan").await, before);
    assert_eq!(api.ok("/api/v1/orgs/acme/datasets").await["total"], 0);
}
