//! The OpenAPI document and its reference page, the health check, the API's fallback, and
//! request ids.

use reqwest::{Method, StatusCode};

use crate::{call, problem, spawn};

/// Every API route the tests use, as the OpenAPI document names it.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/setup"),
    ("post", "/api/v1/setup"),
    ("post", "/api/v1/session"),
    ("delete", "/api/v1/session"),
    ("get", "/api/v1/me"),
    ("put", "/api/v1/me/password"),
    ("get", "/api/v1/me/tokens"),
    ("post", "/api/v1/me/tokens"),
    ("delete", "/api/v1/me/tokens/{id}"),
    ("post", "/api/v1/me/sign-out-everywhere"),
    ("post", "/api/v1/admin/sign-out-everywhere"),
    ("post", "/api/v1/invitations/accept"),
    ("get", "/api/v1/accounts"),
    ("post", "/api/v1/accounts/{id}/reset"),
    ("delete", "/api/v1/accounts/{id}"),
    ("post", "/api/v1/password-reset"),
    ("get", "/api/v1/orgs"),
    ("post", "/api/v1/orgs"),
    ("get", "/api/v1/orgs/{org}"),
    ("patch", "/api/v1/orgs/{org}"),
    ("delete", "/api/v1/orgs/{org}"),
    ("get", "/api/v1/orgs/{org}/members"),
    ("put", "/api/v1/orgs/{org}/members"),
    ("delete", "/api/v1/orgs/{org}/members/{user_id}"),
    ("get", "/api/v1/orgs/{org}/invitations"),
    ("delete", "/api/v1/orgs/{org}/invitations/{id}"),
    ("get", "/api/v1/orgs/{org}/plan"),
    ("put", "/api/v1/orgs/{org}/plan"),
    ("get", "/api/v1/orgs/{org}/plan/{section}"),
    ("post", "/api/v1/orgs/{org}/plan/{section}"),
    ("put", "/api/v1/orgs/{org}/plan/{section}"),
    ("get", "/api/v1/orgs/{org}/plan/{section}/{key}"),
    ("put", "/api/v1/orgs/{org}/plan/{section}/{key}"),
    ("delete", "/api/v1/orgs/{org}/plan/{section}/{key}"),
    ("get", "/api/v1/orgs/{org}/history"),
    ("get", "/api/v1/orgs/{org}/datasets"),
    ("post", "/api/v1/orgs/{org}/datasets"),
    ("get", "/api/v1/orgs/{org}/datasets/{id}"),
    ("delete", "/api/v1/orgs/{org}/datasets/{id}"),
    ("get", "/api/v1/orgs/{org}/datasets/{id}/content"),
    ("get", "/api/v1/orgs/{org}/analysis"),
    ("get", "/api/v1/orgs/{org}/roadmap"),
    ("get", "/api/v1/orgs/{org}/simulate"),
    ("get", "/api/v1/orgs/{org}/compare"),
    ("get", "/api/v1/orgs/{org}/metrics"),
    ("get", "/api/v1/orgs/{org}/forecast"),
    ("get", "/api/v1/orgs/{org}/clv"),
    ("post", "/api/v1/orgs/{org}/jobs"),
    ("get", "/api/v1/orgs/{org}/jobs"),
    ("get", "/api/v1/orgs/{org}/jobs/{id}"),
    ("delete", "/api/v1/orgs/{org}/jobs/{id}"),
];

#[tokio::test]
async fn the_openapi_document_lists_every_route_the_tests_use() {
    let srv = spawn().await;
    let resp = srv
        .anonymous()
        .get("/api/v1/openapi.json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let ty = resp.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ty.starts_with("application/json"), "{ty}");
    let doc: serde_json::Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["info"]["title"], "Sextant API");
    let paths = doc["paths"].as_object().unwrap();
    for (method, path) in ROUTES {
        let op = paths
            .get(*path)
            .and_then(|p| p.get(*method))
            .unwrap_or_else(|| panic!("{method} {path} is not in the OpenAPI document"));
        assert!(op["responses"].is_object(), "{method} {path}");
        // Every path parameter is declared.
        for param in path.split('/').filter_map(|s| s.strip_prefix('{')) {
            let name = param.trim_end_matches('}');
            let declared = op["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["name"] == name && p["in"] == "path"));
            assert!(declared, "{method} {path}: parameter {name}");
        }
    }
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["token"]["scheme"], "bearer", "{schemes}");
    assert_eq!(schemes["session"]["in"], "cookie", "{schemes}");
    assert_eq!(schemes["session"]["name"], "sextant_session", "{schemes}");
    assert!(doc["components"]["schemas"]["Problem"].is_object());
}

#[tokio::test]
async fn every_documented_operation_is_routed() {
    let srv = spawn().await;
    let anon = srv.anonymous();
    let doc = anon.ok("/api/v1/openapi.json").await;
    let mut n = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let Ok(m) = Method::from_bytes(method.to_uppercase().as_bytes()) else {
                continue;
            };
            let concrete = path
                .replace("{org}", "acme")
                .replace("{section}", "goals")
                .replace("{key}", "x")
                .replace("{id}", "1")
                .replace("{user_id}", "1");
            let (status, body) = call(
                anon.req(m.clone(), &concrete)
                    .header("content-type", "application/json")
                    .body("{}"),
            )
            .await;
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            let fallback = body["detail"]
                .as_str()
                .is_some_and(|d| d.starts_with("no API route"));
            assert!(!fallback, "{method} {path} is documented but not routed");
            n += 1;
        }
    }
    assert!(n >= ROUTES.len(), "{n}");
}

/// Each parameter is where the route reads it: one said to be in the path is a `{name}` of
/// the path, and each `{name}` of a path is a path parameter (so that a client generated from
/// the document builds the right URLs).
#[tokio::test]
async fn every_parameter_is_in_the_place_the_route_reads_it() {
    let srv = spawn().await;
    let doc = srv.anonymous().ok("/api/v1/openapi.json").await;
    let mut queries = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            for p in &params {
                let name = p["name"].as_str().unwrap();
                let placeholder = format!("{{{name}}}");
                match p["in"].as_str() {
                    Some("path") => assert!(
                        path.contains(&placeholder),
                        "{method} {path}: `{name}` is said to be in the path"
                    ),
                    Some("query") => {
                        queries += 1;
                        assert!(!path.contains(&placeholder), "{method} {path}: `{name}`");
                    }
                    other => panic!("{method} {path}: `{name}` in {other:?}"),
                }
            }
            for seg in path.split('/').filter(|s| s.starts_with('{')) {
                let name = seg.trim_matches(|c| c == '{' || c == '}');
                assert!(
                    params
                        .iter()
                        .any(|p| p["name"] == name && p["in"] == "path"),
                    "{method} {path}: `{name}` is not documented as a path parameter"
                );
            }
        }
    }
    // The roadmap's, the simulation's, the lists' paging and the others.
    assert!(queries >= 40, "{queries} query parameters");
}

#[tokio::test]
async fn the_reference_page_is_html() {
    let srv = spawn().await;
    let resp = srv.anonymous().get("/api/v1/docs").send().await.unwrap();
    assert!(resp.status().is_redirection(), "{}", resp.status());
    assert_eq!(resp.headers()["location"], "/api/v1/docs/");
    let resp = srv.anonymous().get("/api/v1/docs/").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let ty = resp.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ty.starts_with("text/html"), "{ty}");
    let html = resp.text().await.unwrap();
    assert!(html.to_lowercase().contains("<html"), "{html}");
    assert!(
        html.contains("swagger") || html.contains("Swagger"),
        "{html}"
    );
}

#[tokio::test]
async fn healthz_says_ok() {
    let srv = spawn().await;
    let resp = srv.anonymous().get("/healthz").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn unknown_api_routes_are_404_problems() {
    let srv = spawn().await;
    let anon = srv.anonymous();
    for (method, path) in [
        (Method::GET, "/api/v1/nope"),
        (Method::POST, "/api/v1/nope"),
        (Method::DELETE, "/api/v1/nope/deeper"),
        (Method::GET, "/api/v1/orgs/acme/plan/goals/x/y"),
    ] {
        let (status, body) = problem(anon.req(method.clone(), path)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}");
        assert_eq!(body["title"], "Not Found");
        let detail = body["detail"].as_str().unwrap();
        assert!(detail.starts_with("no API route"), "{body}");
        assert!(detail.contains("/api/v1/docs"), "{body}");
    }
    // Outside the API: not found either.
    let resp = anon.get("/api/v2/orgs").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    // Routes that need a login say so, as problems.
    let (status, body) = problem(anon.get("/api/v1/orgs")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        body["detail"].as_str().unwrap().contains("Bearer"),
        "{body}"
    );
}

#[tokio::test]
async fn the_404_of_an_unknown_api_route_names_the_path_requested() {
    let srv = spawn().await;
    let (_, body) = problem(srv.anonymous().get("/api/v1/nope")).await;
    assert!(
        body["detail"].as_str().unwrap().contains("/api/v1/nope"),
        "{body}"
    );
}

#[tokio::test]
async fn responses_carry_a_request_id() {
    let srv = spawn().await;
    let anon = srv.anonymous();
    let resp = anon.get("/healthz").send().await.unwrap();
    let id = resp.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(id.len(), 36, "{id}");
    let resp = anon
        .get("/api/v1/nope")
        .header("x-request-id", "my-request-1")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["x-request-id"], "my-request-1");
}
