//! Hardening at the web edge: security headers on every response, JSON endpoints that take
//! JSON only (a cross-site form cannot log anyone in), NUL bytes refused wherever a string
//! reaches the database, and uploads staged privately.

use reqwest::StatusCode;
use serde_json::json;

use crate::{ORDERS, PASSWORD, call, problem, spawn};

fn assert_security_headers(what: &str, resp: &reqwest::Response) {
    let h = resp.headers();
    let get = |n: &str| h.get(n).and_then(|v| v.to_str().ok()).unwrap_or("");
    assert_eq!(
        get("content-security-policy"),
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        "{what}"
    );
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
    assert_eq!(get("referrer-policy"), "no-referrer", "{what}");
    assert_eq!(get("cache-control"), "no-store", "{what}");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let srv = spawn().await;
    srv.user("sarah@example.com").await;
    let anon = srv.anonymous();
    for path in [
        "/login",
        "/setup",
        "/api/v1/docs/",
        "/api/v1/openapi.json",
        "/api/v1/me",
        "/api/v1/no-such-route",
        "/healthz",
    ] {
        let resp = anon.get(path).send().await.unwrap();
        assert_security_headers(&format!("GET {path}: {}", resp.status()), &resp);
    }
    // A login's answer carries the session's CSRF token: never stored by a cache.
    let resp = anon
        .post("/api/v1/session")
        .json(&json!({"email": "sarah@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_security_headers("POST /api/v1/session", &resp);
}

#[tokio::test]
async fn a_json_endpoint_refuses_a_body_that_is_not_declared_json() {
    let srv = spawn().await;
    srv.user("sarah@example.com").await;
    let anon = srv.anonymous();
    let body = json!({"email": "sarah@example.com", "password": PASSWORD}).to_string();
    // What a cross-site form can send without a preflight: text/plain, or a urlencoded form.
    for (ty, found) in [
        (Some("text/plain"), "`text/plain`"),
        (
            Some("application/x-www-form-urlencoded"),
            "`application/x-www-form-urlencoded`",
        ),
        (None, "no Content-Type"),
    ] {
        let mut r = anon.post("/api/v1/session").body(body.clone());
        if let Some(ty) = ty {
            r = r.header("content-type", ty);
        }
        let (status, problem) = problem(r).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{problem}");
        assert_eq!(
            problem["detail"],
            format!("expected Content-Type: application/json, found {found}")
        );
    }
    // Not logged in by any of them.
    let (status, _) = problem(anon.get("/api/v1/me")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // JSON with a charset, or a +json type, is JSON.
    for ty in [
        "application/json; charset=utf-8",
        "application/merge-patch+json",
    ] {
        let (status, b) = call(
            anon.post("/api/v1/session")
                .header("content-type", ty)
                .body(body.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{ty}: {b}");
    }
}

#[tokio::test]
async fn a_nul_byte_is_refused_naming_the_field_wherever_it_is_sent() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let nul = "expected text without NUL bytes, found one at character 2";
    let check = |what: &str, body: &serde_json::Value, path: &str, message: &str| {
        assert_eq!(body["errors"][0]["path"], path, "{what}: {body}");
        assert_eq!(body["errors"][0]["message"], message, "{what}: {body}");
        assert_eq!(
            body["detail"],
            format!("{path}: {message}"),
            "{what}: {body}"
        );
    };
    // In a JSON body: a name, a slug, an e-mail address, a key of an object.
    let (status, body) = problem(
        api.post("/api/v1/orgs")
            .json(&json!({"slug": "b\u{0}", "name": "Bakery"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    check("slug", &body, "slug", nul);
    let (status, body) = problem(
        api.patch("/api/v1/orgs/acme")
            .json(&json!({"name": "A\u{0}cme"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    check("name", &body, "name", nul);
    let (status, body) = problem(
        srv.anonymous()
            .post("/api/v1/session")
            .json(&json!({"email": "a\u{0}@example.com", "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    check("email", &body, "email", nul);
    let (status, body) = problem(
        api.post("/api/v1/orgs/acme/plan/goals")
            .json(&json!({"id": "g", "tags": ["x", "y\u{0}"]})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    check("tags", &body, "tags[1]", nul);
    // In the path: a slug, a key.
    let (status, body) = problem(api.get("/api/v1/orgs/a%00cme")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    check("org", &body, "org", nul);
    let (status, body) = problem(api.delete("/api/v1/orgs/acme/plan/initiatives/p%00s")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    check("key", &body, "key", nul);
    // In the query: a data set's name.
    let (status, body) = problem(
        api.post("/api/v1/orgs/acme/datasets?kind=orders&name=o%00.csv")
            .header("content-type", "text/csv")
            .body(ORDERS),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    check("query", &body, "name", nul);
    let (status, body) = problem(api.get("/api/v1/orgs/acme/history?key=%00")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    check(
        "history",
        &body,
        "key",
        "expected text without NUL bytes, found one at character 1",
    );
    // Nothing was made.
    let orgs = api.ok("/api/v1/orgs").await;
    assert_eq!(orgs["total"], 1, "{orgs}");
    assert_eq!(api.ok("/api/v1/orgs/acme").await["name"], "Org acme");
}
