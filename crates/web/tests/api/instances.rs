//! Two instances over one database, as behind a load balancer: nothing one needs is kept in the
//! other's memory. A session opened on one works on the other, ends on both, and the login limit
//! counts failures on both.

use reqwest::StatusCode;
use serde_json::json;

use crate::{PASSWORD, call, spawn};

#[tokio::test]
async fn a_second_instance_shares_sessions_data_and_the_login_limit() {
    let a = spawn().await;
    a.admin().await;
    let b = a.second_instance().await;
    let on_a = a.login("admin@example.com").await;
    // The same client (its cookie) and CSRF token, against the other instance.
    let mut on_b = on_a.clone();
    on_b.base = b.base.clone();
    let me = on_b.ok("/api/v1/me").await;
    assert_eq!(me["email"], "admin@example.com");
    assert_eq!(me["csrf_token"].as_str(), on_a.csrf.as_deref());
    // A change through B is seen through A.
    let (status, body) = call(
        on_b.post("/api/v1/orgs")
            .json(&json!({"slug": "acme", "name": "Acme"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(on_a.ok("/api/v1/orgs").await["items"][0]["slug"], "acme");
    // Logging out on B ends the session on A too.
    let (status, _) = call(on_b.delete("/api/v1/session")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(on_a.get("/api/v1/me")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Three failures on A and two on B use up the five allowed.
    for (server, n) in [(&a, 3), (&b, 2)] {
        for _ in 0..n {
            let (status, _) = call(
                server
                    .anonymous()
                    .post("/api/v1/session")
                    .json(&json!({"email": "admin@example.com", "password": "wrong"})),
            )
            .await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
    }
    for server in [&a, &b] {
        let (status, body) = call(
            server
                .anonymous()
                .post("/api/v1/session")
                .json(&json!({"email": "admin@example.com", "password": PASSWORD})),
        )
        .await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    }
}
