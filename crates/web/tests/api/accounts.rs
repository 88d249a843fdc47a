//! Accounts: the first-run set-up, logging in and its rate limit, the session cookie, CSRF on
//! cookie-authenticated changes, API tokens, password changes and logging out, invitations,
//! organisations, and the HTML set-up and login forms.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{PASSWORD, call, create_org, import, problem, set_cookie, spawn};

#[tokio::test]
async fn first_run_setup_creates_the_administrator_once() {
    let srv = spawn().await;
    let anon = srv.anonymous();
    let (status, body) = call(anon.get("/api/v1/setup")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"needed": true}));

    let token = srv.store.setup_token().await.unwrap().unwrap();
    let setup = |token: &str, email: &str| {
        anon.post("/api/v1/setup").json(&json!({
            "token": token, "email": email, "name": "Owner", "password": PASSWORD
        }))
    };
    // A wrong token is not found, and creates nobody.
    let (status, _) = problem(setup("sxs_wrong", "owner@example.com")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(srv.store.user_count().await.unwrap(), 0);
    // A short password is refused with its field.
    let (status, body) = problem(anon.post("/api/v1/setup").json(&json!({
        "token": token, "email": "owner@example.com", "name": "Owner", "password": "short"
    })))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["path"], "password", "{body}");
    // An unknown field is refused with its name.
    let (status, body) = problem(anon.post("/api/v1/setup").json(&json!({
        "token": token, "email": "owner@example.com", "name": "Owner", "password": PASSWORD,
        "admin": true
    })))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["detail"].as_str().unwrap().contains("admin"), "{body}");

    let resp = setup(&token, "Owner@Example.com").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert!(set_cookie(&resp, "sextant_session").is_some());
    let me: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(me["email"], "owner@example.com");
    assert_eq!(me["is_admin"], true);
    assert!(
        me["csrf_token"].as_str().is_some_and(|c| c.len() >= 32),
        "{me}"
    );
    // The set-up logged the administrator in.
    let (status, body) = call(anon.get("/api/v1/me")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["email"], "owner@example.com");
    assert_eq!(body["csrf_token"], me["csrf_token"]);

    // Done: the token is spent and no longer needed.
    let (_, body) = call(anon.get("/api/v1/setup")).await;
    assert_eq!(body, json!({"needed": false}));
    let (status, _) = problem(setup(&token, "second@example.com")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(srv.store.setup_token().await.unwrap().is_none());
    assert_eq!(srv.store.user_count().await.unwrap(), 1);
}

#[tokio::test]
async fn login_accepts_the_right_password_and_refuses_a_wrong_one() {
    let srv = spawn().await;
    srv.user("sarah@example.com").await;
    let anon = srv.anonymous();
    let login = |email: &str, password: &str| {
        anon.post("/api/v1/session")
            .json(&json!({"email": email, "password": password}))
    };
    for (email, password) in [
        ("sarah@example.com", "not the password"),
        ("nobody@example.com", PASSWORD),
    ] {
        let resp = login(email, password).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        assert!(set_cookie(&resp, "sextant_session").is_none());
        let (_, body) = problem(login(email, password)).await;
        assert_eq!(body["detail"], "wrong e-mail address or password");
    }
    // Not logged in by a failure.
    let (status, body) = problem(anon.get("/api/v1/me")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");

    let (status, body) = call(login("SARAH@example.com", PASSWORD)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["email"], "sarah@example.com");
    assert_eq!(body["is_admin"], false);
    let (status, me) = call(anon.get("/api/v1/me")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["email"], "sarah@example.com");
    assert_eq!(me["csrf_token"], body["csrf_token"]);
}

#[tokio::test]
async fn the_sixth_failed_login_is_rate_limited_with_retry_after() {
    let srv = spawn().await;
    srv.user("sarah@example.com").await;
    let anon = srv.anonymous();
    for i in 0..5 {
        let (status, body) = problem(
            anon.post("/api/v1/session")
                .json(&json!({"email": "sarah@example.com", "password": format!("guess {i}")})),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "attempt {}: {body}",
            i + 1
        );
    }
    // The sixth attempt is refused even with the right password.
    let resp = anon
        .post("/api/v1/session")
        .json(&json!({"email": "sarah@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let after: i64 = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=sextant_store::FIRST_BACKOFF).contains(&after),
        "{after}"
    );
    assert!(set_cookie(&resp, "sextant_session").is_none());
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["status"], 429);
    assert!(
        body["detail"].as_str().unwrap().contains("too many"),
        "{body}"
    );
    // The limit is per account and client: another account from here is not refused
    // (a client guessing at many accounts has a limit of its own).
    srv.user("sam@example.com").await;
    let (status, body) = call(
        anon.post("/api/v1/session")
            .json(&json!({"email": "sam@example.com", "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn the_session_cookie_is_httponly_lax_and_not_secure_without_tls() {
    let srv = spawn().await;
    srv.user("sarah@example.com").await;
    let resp = srv
        .anonymous()
        .post("/api/v1/session")
        .json(&json!({"email": "sarah@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let cookie = set_cookie(&resp, "sextant_session").expect("a session cookie");
    let attrs: Vec<String> = cookie
        .split(';')
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    let value = attrs[0].strip_prefix("sextant_session=").unwrap();
    assert!(value.starts_with("sxc_") && value.len() > 40, "{cookie}");
    assert!(attrs.iter().any(|a| a == "httponly"), "{cookie}");
    assert!(attrs.iter().any(|a| a == "samesite=lax"), "{cookie}");
    assert!(attrs.iter().any(|a| a == "path=/"), "{cookie}");
    assert!(
        attrs
            .iter()
            .any(|a| a == &format!("max-age={}", sextant_store::SESSION_SECONDS)),
        "{cookie}"
    );
    assert!(!attrs.iter().any(|a| a == "secure"), "{cookie}");
    // The CSRF token is in the body, never in a cookie.
    let me: serde_json::Value = resp.json().await.unwrap();
    let csrf = me["csrf_token"].as_str().unwrap();
    assert!(!cookie.contains(csrf));
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_the_server_is_reached_over_tls() {
    let srv = crate::spawn_with(true, 0).await;
    srv.user("sarah@example.com").await;
    let resp = srv
        .anonymous()
        .post("/api/v1/session")
        .json(&json!({"email": "sarah@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let cookie = set_cookie(&resp, "sextant_session").unwrap();
    assert!(cookie.split(';').any(|a| a.trim() == "Secure"), "{cookie}");
    let resp = srv.anonymous().get("/login").send().await.unwrap();
    let form = set_cookie(&resp, "sextant_form").unwrap();
    assert!(form.split(';').any(|a| a.trim() == "Secure"), "{form}");
}

/// Behind one trusted proxy the client is the right-most `X-Forwarded-For` hop (the one the
/// proxy wrote): hops to its left are the client's own words. When the left-most hop was
/// trusted, changing it each time slipped past the limit for ever.
#[tokio::test]
async fn the_login_limit_keys_on_the_hop_the_trusted_proxy_wrote() {
    let attempt = |api: &crate::Api, forwarded: &str, email: &str, password: &str| {
        api.post("/api/v1/session")
            .header("x-forwarded-for", forwarded.to_string())
            .json(&json!({"email": email, "password": password}))
    };
    for proxies in [1, 0] {
        let srv = crate::spawn_with(false, proxies).await;
        srv.user("sarah@example.com").await;
        let anon = srv.anonymous();
        for i in 0..5 {
            let spoofed = format!("192.0.2.{i}, 10.0.0.1");
            let (status, _) = problem(attempt(&anon, &spoofed, "sarah@example.com", "guess")).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        // A new spoofed hop changes nothing: the client is still 10.0.0.1 (or, with no
        // proxy trusted, the peer).
        let (status, body) = problem(attempt(
            &anon,
            "198.51.100.7, 10.0.0.1",
            "sarah@example.com",
            PASSWORD,
        ))
        .await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{proxies}: {body}");
        // Sarah from her own address is not locked out behind the proxy.
        let (status, body) = call(attempt(&anon, "10.0.0.2", "sarah@example.com", PASSWORD)).await;
        let want = if proxies == 1 {
            StatusCode::OK
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(status, want, "{proxies} proxies: {body}");
    }
}

#[tokio::test]
async fn cookie_authenticated_changes_need_the_csrf_token() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let before = api.ok("/api/v1/orgs/acme/plan").await;
    let history = api.ok("/api/v1/orgs/acme/history").await["total"].clone();
    let tokens = api.ok("/api/v1/me/tokens").await;

    let goal = json!({"id": "csrf-goal", "title": "A goal", "weight": 1});
    let mut org = api.ok("/api/v1/orgs/acme/plan/organization").await["body"].clone();
    org["name"] = json!("Renamed");
    let attempts = [
        (
            Method::POST,
            "/api/v1/orgs/acme/plan/goals",
            Some(goal.clone()),
        ),
        (
            Method::PUT,
            "/api/v1/orgs/acme/plan/organization",
            Some(org.clone()),
        ),
        (
            Method::DELETE,
            "/api/v1/orgs/acme/plan/risks/crm-resistance",
            None,
        ),
        (
            Method::PATCH,
            "/api/v1/orgs/acme",
            Some(json!({"name": "Renamed"})),
        ),
        (
            Method::POST,
            "/api/v1/me/tokens",
            Some(json!({"name": "sneaky"})),
        ),
    ];
    for (method, path, body) in &attempts {
        for wrong in [None, Some("not-the-token"), Some("")] {
            let mut r = api.bare(method.clone(), path);
            if let Some(w) = wrong {
                r = r.header("x-csrf-token", w);
            }
            if let Some(b) = body {
                r = r.json(b);
            }
            let (status, problem) = problem(r).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {problem}");
            assert!(
                problem["detail"].as_str().unwrap().contains("CSRF"),
                "{problem}"
            );
        }
    }
    // Nothing changed.
    assert_eq!(api.ok("/api/v1/orgs/acme/plan").await, before);
    assert_eq!(api.ok("/api/v1/orgs/acme/history").await["total"], history);
    assert_eq!(api.ok("/api/v1/me/tokens").await, tokens);
    assert_eq!(api.ok("/api/v1/orgs/acme").await["name"], "Org acme");
    // The session's token from GET /me is the one to send.
    let csrf = api.ok("/api/v1/me").await["csrf_token"].clone();
    assert_eq!(csrf.as_str(), api.csrf.as_deref());

    // With it, each succeeds.
    let expect = [
        StatusCode::CREATED,
        StatusCode::OK,
        StatusCode::NO_CONTENT,
        StatusCode::OK,
        StatusCode::CREATED,
    ];
    for ((method, path, body), want) in attempts.iter().zip(expect) {
        let mut r = api.req(method.clone(), path);
        if let Some(b) = body {
            r = r.json(b);
        }
        let (status, body) = call(r).await;
        assert_eq!(status, want, "{method} {path}: {body}");
    }
    let plan = api.ok("/api/v1/orgs/acme/plan").await;
    assert_eq!(plan["organization"]["name"], "Renamed");
    assert!(
        plan["goals"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["id"] == "csrf-goal")
    );
    assert!(
        !plan["risks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == "crm-resistance")
    );
    assert_eq!(api.ok("/api/v1/orgs/acme").await["name"], "Renamed");
    // GETs need no token.
    let (status, _) = call(api.bare(Method::GET, "/api/v1/orgs/acme/plan")).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn api_tokens_need_no_csrf_and_stop_working_when_revoked() {
    let srv = spawn().await;
    let session = srv.org_with_plan("acme").await;
    let (id, secret) = session.token("ci").await;
    let listed = session.ok("/api/v1/me/tokens").await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], id);
    assert_eq!(listed[0]["name"], "ci");
    assert!(!listed.to_string().contains(&secret), "a secret is listed");

    let bot = srv.with_token(&secret);
    let me = bot.ok("/api/v1/me").await;
    assert_eq!(me["email"], "admin@example.com");
    assert!(me.get("csrf_token").is_none(), "{me}");
    // Changes without a CSRF token (and without any cookie).
    let (status, body) = call(
        bot.post("/api/v1/orgs/acme/plan/goals")
            .json(&json!({"id": "token-goal", "title": "Via a token", "weight": 2})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _) = call(bot.delete("/api/v1/orgs/acme/plan/goals/token-goal")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // The history says who.
    let h = bot
        .ok("/api/v1/orgs/acme/history?section=goals&key=token-goal")
        .await;
    assert_eq!(h["total"], 2);
    assert_eq!(h["items"][0]["user"], "admin@example.com");
    assert_eq!(h["items"][0]["action"], "delete");
    // The token is marked used.
    let listed = bot.ok("/api/v1/me/tokens").await;
    assert!(listed[0]["last_used_at"].is_string(), "{listed}");

    // Bad Authorization headers are 401, not a fall-back to anything else.
    for header in [
        "Bearer sxt_not-a-token",
        "Basic YWRtaW46cGFzcw==",
        "Bearer ",
    ] {
        let (status, _) = problem(
            srv.anonymous()
                .get("/api/v1/me")
                .header("authorization", header),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{header}");
    }
    // A valid session cookie does not rescue a bad token.
    let (status, _) = problem(
        session
            .get("/api/v1/me")
            .header("authorization", "Bearer sxt_wrong"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Someone else cannot revoke it.
    srv.user("other@example.com").await;
    let other = srv.login("other@example.com").await;
    let (status, _) = problem(other.delete(&format!("/api/v1/me/tokens/{id}"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    bot.ok("/api/v1/me").await;

    let (status, _) = call(session.delete(&format!("/api/v1/me/tokens/{id}"))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = problem(bot.get("/api/v1/me")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, _) = problem(
        bot.post("/api/v1/orgs/acme/plan/goals")
            .json(&json!({"id": "late-goal", "title": "Too late", "weight": 1})),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = problem(session.delete(&format!("/api/v1/me/tokens/{id}"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(session.ok("/api/v1/me/tokens").await, json!([]));
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions() {
    let srv = spawn().await;
    srv.user("sarah@example.com").await;
    let laptop = srv.login("sarah@example.com").await;
    let phone = srv.login("sarah@example.com").await;
    phone.ok("/api/v1/me").await;

    // The current password is checked.
    let (status, body) = problem(laptop.put("/api/v1/me/password").json(&json!({
        "current_password": "not the password", "new_password": "a new long password"
    })))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["path"], "current_password");
    // A short new password is refused (its path: see
    // `a_short_new_password_is_refused_naming_new_password`).
    let (status, body) = problem(laptop.put("/api/v1/me/password").json(&json!({
        "current_password": PASSWORD, "new_password": "short"
    })))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    phone.ok("/api/v1/me").await;

    let (status, body) = call(laptop.put("/api/v1/me/password").json(&json!({
        "current_password": PASSWORD, "new_password": "a new long password"
    })))
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    // The session that changed it goes on; the other is over.
    laptop.ok("/api/v1/me").await;
    let (status, _) = problem(phone.get("/api/v1/me")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The old password no longer logs in; the new one does.
    let (status, body) = problem(srv.anonymous().post("/api/v1/session").json(&json!({
        "email": "sarah@example.com", "password": PASSWORD
    })))
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["detail"], "wrong e-mail address or password");
    srv.login_with("sarah@example.com", "a new long password")
        .await
        .ok("/api/v1/me")
        .await;
}

#[tokio::test]
async fn a_short_new_password_is_refused_naming_new_password() {
    let srv = spawn().await;
    srv.user("sarah@example.com").await;
    let api = srv.login("sarah@example.com").await;
    let (status, body) = problem(api.put("/api/v1/me/password").json(&json!({
        "current_password": PASSWORD, "new_password": "short"
    })))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // The request's field is `new_password`: the problem's path should name it.
    assert_eq!(body["errors"][0]["path"], "new_password", "{body}");
}

#[tokio::test]
async fn logging_out_ends_the_session_and_clears_the_cookie() {
    let srv = spawn().await;
    srv.user("sarah@example.com").await;
    let api = srv.login("sarah@example.com").await;
    // Logging out is a change: it needs the CSRF token.
    let (status, _) = problem(api.bare(Method::DELETE, "/api/v1/session")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    api.ok("/api/v1/me").await;
    let resp = api.delete("/api/v1/session").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let cookie = set_cookie(&resp, "sextant_session").unwrap();
    assert!(cookie.starts_with("sextant_session=;"), "{cookie}");
    assert!(cookie.contains("Max-Age=0"), "{cookie}");
    let (status, _) = problem(api.get("/api/v1/me")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_invited_person_accepts_and_sees_the_organisation() {
    let srv = spawn().await;
    let owner = srv.org_with_plan("acme").await;
    let (status, body) = call(
        owner
            .put("/api/v1/orgs/acme/members")
            .json(&json!({"email": "new@example.com", "role": "editor"})),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["member"], Value::Null);
    assert_eq!(body["invitation"]["role"], "editor");
    assert_eq!(body["invitation"]["expired"], false);
    let token = body["invitation"]["token"].as_str().unwrap().to_string();
    // Listed for the owner, without its token; not a member, not a login yet.
    let listed = owner.ok("/api/v1/orgs/acme/invitations").await;
    assert_eq!(listed[0]["email"], "new@example.com");
    assert!(listed[0].get("token").is_none(), "{listed}");
    assert_eq!(owner.ok("/api/v1/orgs/acme/members").await["total"], 1);
    let (status, _) = problem(srv.anonymous().post("/api/v1/session").json(&json!({
        "email": "new@example.com", "password": PASSWORD
    })))
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let anon = srv.anonymous();
    let (status, _) = problem(anon.post("/api/v1/invitations/accept").json(&json!({
        "token": "sxi_wrong", "name": "New", "password": PASSWORD
    })))
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, me) = call(anon.post("/api/v1/invitations/accept").json(&json!({
        "token": token, "name": "New Person", "password": PASSWORD
    })))
    .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["name"], "New Person");
    assert_eq!(me["is_admin"], false);
    let orgs = anon.ok("/api/v1/orgs").await;
    assert_eq!(orgs["total"], 1);
    assert_eq!(orgs["items"][0]["slug"], "acme");
    assert_eq!(orgs["items"][0]["role"], "editor");
    // Spent.
    let (status, body) = problem(
        srv.anonymous()
            .post("/api/v1/invitations/accept")
            .json(&json!({
                "token": token, "name": "Again", "password": PASSWORD
            })),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("ask the organisation's owner for a new one"),
        "{body}"
    );
    let members = owner.ok("/api/v1/orgs/acme/members").await;
    let new = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "new@example.com")
        .unwrap();
    assert_eq!(new["name"], "New Person");
    assert_eq!(owner.ok("/api/v1/orgs/acme/invitations").await, json!([]));
}

/// Adding an address answers the same whether or not it has an account, and grants nothing
/// until the person accepts with the account's own password.
#[tokio::test]
async fn adding_an_existing_account_neither_reveals_it_nor_grants_access() {
    let srv = spawn().await;
    let owner = srv.org_with_plan("acme").await;
    srv.user("sarah@example.com").await;
    let sarah = srv.login("sarah@example.com").await;
    let mut shapes = Vec::new();
    for email in ["sarah@example.com", "nobody@example.com"] {
        let (status, body) = call(
            owner
                .put("/api/v1/orgs/acme/members")
                .json(&json!({"email": email, "role": "viewer"})),
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{email}: {body}");
        let mut keys: Vec<String> = body["invitation"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        keys.sort();
        shapes.push((status, keys, body["member"].clone()));
    }
    assert_eq!(shapes[0], shapes[1]);
    assert_eq!(
        sarah.ok("/api/v1/orgs").await["total"],
        0,
        "access granted before accepting"
    );
    let (status, _) = problem(sarah.get("/api/v1/orgs/acme")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The owner re-issues Sarah's (the first token dies), Sarah accepts with her password.
    let (_, first) = call(
        owner
            .put("/api/v1/orgs/acme/members")
            .json(&json!({"email": "sarah@example.com", "role": "editor"})),
    )
    .await;
    let token = first["invitation"]["token"].as_str().unwrap();
    let (status, body) = problem(
        srv.anonymous()
            .post("/api/v1/invitations/accept")
            .json(&json!({
                "token": token, "name": "Sarah", "password": "not sarah's password"
            })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["path"], "password");
    let (status, me) = call(
        srv.anonymous()
            .post("/api/v1/invitations/accept")
            .json(&json!({
                "token": token, "name": "Someone Else", "password": PASSWORD
            })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["email"], "sarah@example.com");
    assert_eq!(me["name"], "sarah", "an existing account keeps its name");
    assert_eq!(sarah.ok("/api/v1/orgs/acme").await["role"], "editor");
    // Removing her kills any invitation of hers; a revoked one dies too.
    let me = sarah.ok("/api/v1/me").await;
    let resp = owner
        .delete(&format!("/api/v1/orgs/acme/members/{}", me["id"]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let list = owner.ok("/api/v1/orgs/acme/invitations").await;
    let id = list[0]["id"].as_i64().unwrap();
    assert_eq!(list[0]["email"], "nobody@example.com");
    let resp = owner
        .delete(&format!("/api/v1/orgs/acme/invitations/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(owner.ok("/api/v1/orgs/acme/invitations").await, json!([]));
    // Someone removed sees no more of them.
    let (status, _) = problem(sarah.get("/api/v1/orgs/acme/invitations")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// A password change revokes the caller's API tokens: whoever learnt the old password keeps
/// no door it opened. Tokens may be given an expiry.
#[tokio::test]
async fn a_password_change_revokes_api_tokens() {
    let srv = spawn().await;
    srv.user("sarah@example.com").await;
    let sarah = srv.login("sarah@example.com").await;
    let (_, secret) = sarah.token("script").await;
    let scripted = srv.with_token(&secret);
    scripted.ok("/api/v1/me").await;
    let (status, body) = call(sarah.post("/api/v1/me/tokens").json(&json!({
        "name": "a week", "expires_in_days": 7
    })))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(body["token"]["expires_at"].is_string(), "{body}");
    let (status, body) = problem(sarah.post("/api/v1/me/tokens").json(&json!({
        "name": "for ever", "expires_in_days": 0
    })))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["path"], "expires_in_days");
    let resp = sarah
        .put("/api/v1/me/password")
        .json(&json!({"current_password": PASSWORD, "new_password": "another long password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let (status, _) = problem(scripted.get("/api/v1/me")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(sarah.ok("/api/v1/me/tokens").await, json!([]));
}

#[tokio::test]
async fn only_administrators_create_organisations_and_slugs_are_checked() {
    let srv = spawn().await;
    let (_, admin) = srv.admin_session().await;
    srv.user("sarah@example.com").await;
    let sarah = srv.login("sarah@example.com").await;
    let (status, _) = problem(
        sarah
            .post("/api/v1/orgs")
            .json(&json!({"slug": "mine", "name": "Mine"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    create_org(&admin, "acme").await;
    let (status, _) = problem(
        admin
            .post("/api/v1/orgs")
            .json(&json!({"slug": "acme", "name": "Again"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, body) = problem(
        admin
            .post("/api/v1/orgs")
            .json(&json!({"slug": "Not A Slug", "name": "X"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["path"], "slug");
    let (status, body) = problem(admin.post("/api/v1/orgs").json(&json!({"slug": "acme2"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["detail"].as_str().unwrap().contains("name"), "{body}");
    let (status, _) = problem(
        admin
            .post("/api/v1/orgs")
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The owner renames and lists; sarah sees none.
    let (status, body) = call(
        admin
            .patch("/api/v1/orgs/acme")
            .json(&json!({"name": "  Acme Ltd  "})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["name"], "Acme Ltd");
    let list = admin.ok("/api/v1/orgs").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["name"], "Acme Ltd");
    assert_eq!(sarah.ok("/api/v1/orgs").await["total"], 0);

    // The last owner cannot leave.
    let me = admin.ok("/api/v1/me").await;
    let (status, _) =
        problem(admin.delete(&format!("/api/v1/orgs/acme/members/{}", me["id"]))).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Deleting takes everything with it.
    import(&admin, "acme", crate::BOOKSTORE).await;
    let (status, _) = call(admin.delete("/api/v1/orgs/acme")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = problem(admin.get("/api/v1/orgs/acme")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(admin.ok("/api/v1/orgs").await["total"], 0);
}

/// The hidden `csrf` field of a form page.
fn form_field(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    html[at..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn the_login_form_needs_its_csrf_cookie_and_field() {
    let srv = spawn().await;
    srv.user("sarah@example.com").await;
    let form = |csrf: &str| {
        vec![
            ("csrf", csrf.to_string()),
            ("email", "sarah@example.com".to_string()),
            ("password", PASSWORD.to_string()),
        ]
    };
    // No cookie at all (a cross-site post).
    let fresh = srv.anonymous();
    let resp = fresh
        .http
        .post(srv.url("/login"))
        .form(&form("anything"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(set_cookie(&resp, "sextant_session").is_none());
    // An empty field and an empty cookie do not match either.
    let resp = srv
        .anonymous()
        .http
        .post(srv.url("/login"))
        .header("cookie", "sextant_form=")
        .form(&form(""))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);

    // The page sets the cookie; a field that does not match it is refused.
    let browser = srv.anonymous();
    let resp = browser.http.get(srv.url("/login")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let cookie = set_cookie(&resp, "sextant_form").unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let html = resp.text().await.unwrap();
    let csrf = form_field(&html);
    let resp = browser
        .http
        .post(srv.url("/login"))
        .form(&form("0123456789abcdef0123456789abcdef"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(set_cookie(&resp, "sextant_session").is_none());
    let (status, _) = problem(browser.get("/api/v1/me")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The refusal page set a new form cookie: the first page's field no longer matches.
    let resp = browser
        .http
        .post(srv.url("/login"))
        .form(&form(&csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let resp = browser.http.get(srv.url("/login")).send().await.unwrap();
    let csrf2 = form_field(&resp.text().await.unwrap());
    assert_ne!(csrf, csrf2);
    let resp = browser
        .http
        .post(srv.url("/login"))
        .form(&form(&csrf2))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "/");
    assert!(set_cookie(&resp, "sextant_session").is_some());
    assert_eq!(browser.ok("/api/v1/me").await["email"], "sarah@example.com");
}

#[tokio::test]
async fn the_setup_form_needs_its_csrf_cookie_and_field() {
    let srv = spawn().await;
    let token = srv.store.setup_token().await.unwrap().unwrap();
    let form = |csrf: &str| {
        vec![
            ("csrf", csrf.to_string()),
            ("token", token.clone()),
            ("name", "Owner".to_string()),
            ("email", "owner@example.com".to_string()),
            ("password", PASSWORD.to_string()),
        ]
    };
    let resp = srv
        .anonymous()
        .http
        .post(srv.url("/setup"))
        .form(&form("anything"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(srv.store.user_count().await.unwrap(), 0);

    let browser = srv.anonymous();
    let resp = browser
        .http
        .get(srv.url(&format!("/setup?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.unwrap();
    assert!(html.contains(&token));
    let csrf = form_field(&html);
    let resp = browser
        .http
        .post(srv.url("/setup"))
        .form(&form(&format!("{csrf}x")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(srv.store.user_count().await.unwrap(), 0);
    // The refused form comes back with a fresh CSRF token, as a browser shows it again.
    let csrf = form_field(&resp.text().await.unwrap());
    // The set-up token was not spent by the refused forms.
    let resp = browser
        .http
        .post(srv.url("/setup"))
        .form(&form(&csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(set_cookie(&resp, "sextant_session").is_some());
    assert_eq!(srv.store.user_count().await.unwrap(), 1);
    assert_eq!(browser.ok("/api/v1/me").await["is_admin"], true);
    // After set-up the form redirects to the login, which says why.
    let resp = srv
        .anonymous()
        .http
        .get(srv.url("/setup"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "/login?done=set-up");
}

/// `serve --demo` publishes its login's password: that login owns the demo organisation
/// and nothing else, is no administrator, and is not added to an installation that has
/// users unless forced. (It was an administrator, added to any installation.)
#[tokio::test]
async fn the_demo_login_owns_the_demo_only() {
    let srv = spawn().await;
    let login = sextant_web::demo::create(&srv.store, false).await.unwrap();
    let demo = srv.login_with(&login.email, &login.password).await;
    let me = demo.ok("/api/v1/me").await;
    assert_eq!(me["is_admin"], false);
    let orgs = demo.ok("/api/v1/orgs").await;
    assert_eq!(orgs["total"], 1);
    let (status, _) = problem(
        demo.post("/api/v1/orgs")
            .json(&json!({"slug": "mine", "name": "Mine"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A second start finds it and changes nothing.
    sextant_web::demo::create(&srv.store, false).await.unwrap();

    // An installation with users refuses it, unless forced.
    let srv = spawn().await;
    srv.admin().await;
    let e = sextant_web::demo::create(&srv.store, false)
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "this installation has 1 user(s) already, and the demo adds a login with a published password (sarah@corner-bookstore.example); start with --force-demo to add it anyway (it becomes a member of the demo organisation only)"
    );
    assert!(!srv.store.has_user(&login.email).await.unwrap());
    sextant_web::demo::create(&srv.store, true).await.unwrap();
    let demo = srv.login_with(&login.email, &login.password).await;
    assert_eq!(demo.ok("/api/v1/me").await["is_admin"], false);

    // A demo login an older version made an administrator loses it at the next start.
    let srv = spawn().await;
    srv.store
        .create_user(&login.email, "Sarah", &login.password, true)
        .await
        .unwrap();
    sextant_web::demo::create(&srv.store, false).await.unwrap();
    let demo = srv.login_with(&login.email, &login.password).await;
    assert_eq!(demo.ok("/api/v1/me").await["is_admin"], false);
}
