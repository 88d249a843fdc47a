//! The consultant's firm through the API: a second factor set up, asked at login (a code used
//! once, recovery codes spent once, wrong codes refused), required by the installation; a firm
//! administrator who sees every organisation; an organisation's assigned consultant and the
//! portfolio filtered by them.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{PASSWORD, call, problem, spawn, spawn_state};

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Sets up a second factor for the client's account: its key and recovery codes.
async fn set_up(api: &crate::Api) -> (String, Vec<String>) {
    let (status, k) = call(api.post("/api/v1/me/two-factor")).await;
    assert_eq!(status, StatusCode::CREATED, "{k}");
    let key = k["key"].as_str().unwrap().to_string();
    assert!(
        k["uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/Sextant:"),
        "{k}"
    );
    // A wrong code leaves it off.
    let (status, p) = problem(
        api.post("/api/v1/me/two-factor/confirm")
            .json(&json!({"code": "000000x"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["errors"][0]["path"], "code");
    assert_eq!(api.ok("/api/v1/me/two-factor").await["on"], false);
    let code = sextant_store::code_for(&key, now()).unwrap();
    let (status, c) = call(
        api.post("/api/v1/me/two-factor/confirm")
            .json(&json!({"code": code})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    let codes: Vec<String> = c["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 10);
    (key, codes)
}

async fn login(srv: &crate::Server, email: &str, code: Option<&str>) -> (StatusCode, Value) {
    let mut body = json!({"email": email, "password": PASSWORD});
    if let Some(c) = code {
        body["code"] = json!(c);
    }
    call(
        srv.anonymous()
            .http
            .post(srv.url("/api/v1/session"))
            .json(&body),
    )
    .await
}

#[tokio::test]
async fn a_second_factor_is_asked_at_login_each_code_used_once() {
    let srv = spawn().await;
    srv.user("sam@example.com").await;
    let api = srv.login("sam@example.com").await;
    assert_eq!(
        api.ok("/api/v1/me/two-factor").await,
        json!({"on": false, "recovery_codes_left": 0, "required": false})
    );
    let (key, codes) = set_up(&api).await;
    assert_eq!(
        api.ok("/api/v1/me/two-factor").await,
        json!({"on": true, "recovery_codes_left": 10, "required": false})
    );

    // The password alone: asked for the code, on the field `code`.
    let (status, p) = login(&srv, "sam@example.com", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(p["errors"][0]["path"], "code");
    assert!(
        p["detail"].as_str().unwrap().contains("second factor"),
        "{p}"
    );
    // A wrong code; the code just used to confirm (the same 30 seconds) is not taken again.
    let (status, p) = login(&srv, "sam@example.com", Some("123456")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        p["detail"].as_str().unwrap().starts_with("wrong code"),
        "{p}"
    );
    // The next step's code (one step of drift is allowed) works, once.
    let next = sextant_store::code_for(&key, now() + 30).unwrap();
    let (status, me) = login(&srv, "sam@example.com", Some(&next)).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    let (status, _) = login(&srv, "sam@example.com", Some(&next)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // A recovery code, typed loosely, works once.
    let loose = codes[0].to_uppercase().replace('-', " ");
    let (status, _) = login(&srv, "sam@example.com", Some(&loose)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = login(&srv, "sam@example.com", Some(&codes[0])).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        api.ok("/api/v1/me/two-factor").await["recovery_codes_left"],
        9
    );
    // The wrong password with a right code is still the wrong password.
    let (status, p) = call(srv.anonymous().http.post(srv.url("/api/v1/session")).json(
        &json!({"email": "sam@example.com", "password": "not the password", "code": codes[1]}),
    ))
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(p["detail"], "wrong e-mail address or password");

    // Turning it off needs a code; the administrator turns it off for a lost phone.
    let (status, _) = problem(
        api.delete("/api/v1/me/two-factor")
            .json(&json!({"code": "999999"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(api.ok("/api/v1/me/two-factor").await["on"], true);
    let admin = srv.admin().await;
    let a = srv.login(&admin.email).await;
    let sam = srv
        .store
        .user_by_email("sam@example.com")
        .await
        .unwrap()
        .unwrap();
    // Not anyone's to turn off.
    let (status, _) =
        problem(api.delete(&format!("/api/v1/accounts/{}/two-factor", admin.id))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(a.delete(&format!("/api/v1/accounts/{}/two-factor", sam.id))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = login(&srv, "sam@example.com", None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn an_installation_requiring_a_second_factor_lets_nothing_else_through() {
    let srv = spawn_state(|s| s.require_two_factor = true).await;
    srv.user("sam@example.com").await;
    let api = srv.login("sam@example.com").await;
    let (status, p) = problem(api.get("/api/v1/orgs")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("requires a second factor"),
        "{p}"
    );
    // An API token of the account is held back as well.
    let (status, _) = problem(api.post("/api/v1/me/tokens").json(&json!({"name": "x"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(api.ok("/api/v1/me").await["email"], "sam@example.com");
    assert_eq!(api.ok("/api/v1/me/two-factor").await["required"], true);
    let (key, _) = set_up(&api).await;
    assert_eq!(api.ok("/api/v1/orgs").await["total"], 0);
    // It cannot be turned off here.
    let code = sextant_store::code_for(&key, now() + 30).unwrap();
    let (status, _) = problem(
        api.delete("/api/v1/me/two-factor")
            .json(&json!({"code": code})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_firm_administrator_sees_every_client_and_each_has_its_consultant() {
    let srv = spawn().await;
    let owner = srv.org_with_plan("acme").await;
    let boss = srv.user("boss@example.com").await;
    let carol = srv.user("carol@example.com").await;
    let b = srv.login("boss@example.com").await;
    let (status, _) = problem(b.get("/api/v1/orgs/acme")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Only the installation's administrator makes a firm administrator.
    let (status, _) = problem(
        b.put(&format!("/api/v1/accounts/{}/firm", boss.id))
            .json(&json!({"sees_all": true})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(
        owner
            .put(&format!("/api/v1/accounts/{}/firm", boss.id))
            .json(&json!({"sees_all": true})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let orgs = b.ok("/api/v1/orgs").await;
    assert_eq!(orgs["total"], 1);
    assert_eq!(orgs["items"][0]["role"], "owner");
    assert_eq!(b.ok("/api/v1/orgs/acme").await["slug"], "acme");

    // The consultant must be a member (or a firm administrator).
    let (status, p) = problem(
        b.put("/api/v1/orgs/acme/consultant")
            .json(&json!({"email": "carol@example.com"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["errors"][0]["path"], "email");
    crate::add_member(&srv, &owner, "acme", "carol@example.com", "editor").await;
    let (status, c) = call(
        b.put("/api/v1/orgs/acme/consultant")
            .json(&json!({"email": "Carol@example.com"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["id"], carol.id);
    assert_eq!(
        owner.ok("/api/v1/orgs/acme/consultant").await["email"],
        "carol@example.com"
    );
    // An editor cannot reassign.
    let c_api = srv.login("carol@example.com").await;
    let (status, _) = problem(
        c_api
            .put("/api/v1/orgs/acme/consultant")
            .json(&json!({"email": null})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The portfolio shows the consultant and lists a consultant's clients.
    let p = b.ok("/api/v1/portfolio?consultant=carol@example.com").await;
    assert_eq!(p["clients"].as_array().unwrap().len(), 1);
    assert_eq!(p["clients"][0]["consultant"]["name"], "carol");
    assert_eq!(p["totals"]["clients"], 1);
    let p = c_api.ok("/api/v1/portfolio?consultant=me").await;
    assert_eq!(p["clients"].as_array().unwrap().len(), 1);
    let p = b.ok("/api/v1/portfolio?consultant=me").await;
    assert_eq!(p["clients"].as_array().unwrap().len(), 0);
    assert_eq!(p["totals"]["clients"], 0);

    // Removed from the organisation: no longer its consultant, on its own page and in the
    // portfolio alike.
    let (status, _) = call(owner.delete(&format!("/api/v1/orgs/acme/members/{}", carol.id))).await;
    assert!(status.is_success(), "{status}");
    assert!(owner.ok("/api/v1/orgs/acme/consultant").await.is_null());
    let p = b.ok("/api/v1/portfolio?consultant=carol@example.com").await;
    assert_eq!(p["clients"].as_array().unwrap().len(), 0);

    // A firm administrator assigned, then no longer one: no longer its consultant either, and
    // no longer sees it.
    let (status, c) = call(
        owner
            .put("/api/v1/orgs/acme/consultant")
            .json(&json!({"email": "boss@example.com"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(
        b.ok("/api/v1/portfolio?consultant=me").await["clients"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let (status, _) = call(
        owner
            .put(&format!("/api/v1/accounts/{}/firm", boss.id))
            .json(&json!({"sees_all": false})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = problem(b.get("/api/v1/orgs/acme")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(owner.ok("/api/v1/orgs/acme/consultant").await.is_null());
}

/// Neither a password reset link nor an invitation stands in for the second factor: an account
/// with one is not logged in by them, and logs in with its code.
#[tokio::test]
async fn a_reset_link_or_an_invitation_logs_no_one_in_past_the_second_factor() {
    let srv = spawn().await;
    let owner = srv.org_with_plan("acme").await;
    let sam = srv.user("sam@example.com").await;
    let api = srv.login("sam@example.com").await;
    set_up(&api).await;

    // A reset link, handed to the administrator (no e-mail here).
    let (status, r) = call(owner.post(&format!("/api/v1/accounts/{}/reset", sam.id))).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let token = r["token"].as_str().unwrap();
    let anon = srv.anonymous();
    let resp = anon
        .http
        .post(srv.url("/api/v1/password-reset"))
        .json(&json!({"token": token, "password": "another long password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert!(resp.headers().get("set-cookie").is_none());
    let (status, p) = call(
        anon.http
            .post(srv.url("/api/v1/session"))
            .json(&json!({"email": "sam@example.com", "password": "another long password"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(p["errors"][0]["path"], "code");

    // An invitation accepted with the account's password.
    let (status, body) = call(
        owner
            .put("/api/v1/orgs/acme/members")
            .json(&json!({"email": "sam@example.com", "role": "viewer"})),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let token = body["invitation"]["token"].as_str().unwrap();
    let resp = anon
        .http
        .post(srv.url("/api/v1/invitations/accept"))
        .json(&json!({"token": token, "name": "Sam", "password": "another long password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert!(resp.headers().get("set-cookie").is_none());
}
