//! Login limits that stop attackers, not owners: a known device gets in while its address
//! or its account is backing off, an account has a cap across addresses, `X-Forwarded-For`
//! is believed only from a trusted proxy, wrong current passwords block the session that sent
//! them and nothing else, signing out everywhere (the user, or any account by the
//! administrator), and right passwords sent at once are all let in. Each test says the attack
//! it was written from.

use reqwest::StatusCode;
use serde_json::json;
use sextant_web::proxy::{Proxies, parse_addresses};

use crate::{Api, PASSWORD, Server, call, problem, set_cookie, spawn};

/// A login attempt through the API from `api`'s client.
fn login(api: &Api, email: &str, password: &str) -> reqwest::RequestBuilder {
    api.post("/api/v1/session")
        .json(&json!({"email": email, "password": password}))
}

/// The same, claiming to come from `forwarded` (`X-Forwarded-For`).
fn login_from(api: &Api, forwarded: &str, email: &str, password: &str) -> reqwest::RequestBuilder {
    login(api, email, password).header("x-forwarded-for", forwarded.to_string())
}

/// Thirty failures at made-up addresses from the office's one address.
async fn fail_thirty_times(srv: &Server) {
    let attacker = srv.anonymous();
    for i in 0..sextant_store::MAX_CLIENT_FAILURES {
        let (status, body) = problem(login(
            &attacker,
            &format!("made-up-{i}@example.com"),
            "guess",
        ))
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{i}: {body}");
    }
}

/// Found by trying: 30 failures at made-up addresses from the administrator's address (an
/// office behind one NAT, or every client behind a proxy when `X-Forwarded-For` is not read)
/// locked the administrator out: 429 with the right password. The browser the administrator
/// logged in with before carries a signed device cookie, and from it the login goes through.
#[tokio::test]
async fn a_known_device_logs_in_while_its_office_address_is_limited() {
    let srv = spawn().await;
    srv.admin().await;
    let mut laptop = srv.anonymous();
    let resp = login(&laptop, "admin@example.com", PASSWORD)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let device = set_cookie(&resp, "sextant_device").expect("a device cookie");
    let attrs: Vec<String> = device
        .split(';')
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    assert!(attrs[0].starts_with("sextant_device=sxd1."), "{device}");
    for want in ["httponly", "samesite=strict", "path=/", "max-age=31536000"] {
        assert!(attrs.iter().any(|a| a == want), "{want}: {device}");
    }
    assert!(!attrs.iter().any(|a| a == "secure"), "{device}");
    let me: serde_json::Value = resp.json().await.unwrap();
    laptop.csrf = me["csrf_token"].as_str().map(str::to_string);
    // Logged out: the device stays known.
    let (status, _) = call(laptop.delete("/api/v1/session")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    fail_thirty_times(&srv).await;
    // A browser that never logged in here is refused, right password and all ...
    let (status, body) = problem(login(&srv.anonymous(), "admin@example.com", PASSWORD)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("too many failed logins; try again in "),
        "{body}"
    );
    // ... the administrator's laptop is not.
    let (status, body) = call(login(&laptop, "admin@example.com", PASSWORD)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["email"], "admin@example.com");
}

#[tokio::test]
async fn the_device_cookie_is_secure_when_the_server_is_reached_over_tls() {
    let srv = crate::spawn_with(true, 0).await;
    srv.user("sarah@example.com").await;
    let resp = login(&srv.anonymous(), "sarah@example.com", PASSWORD)
        .send()
        .await
        .unwrap();
    let device = set_cookie(&resp, "sextant_device").unwrap();
    assert!(device.split(';').any(|a| a.trim() == "Secure"), "{device}");
}

/// A stolen device cookie is no skeleton key: its wrong passwords count against the device.
#[tokio::test]
async fn wrong_passwords_from_a_known_device_count_against_it() {
    let srv = spawn().await;
    srv.user("sarah@example.com").await;
    let thief = srv.anonymous();
    let (status, _) = call(login(&thief, "sarah@example.com", PASSWORD)).await;
    assert_eq!(status, StatusCode::OK);
    for i in 0..sextant_store::MAX_DEVICE_FAILURES {
        let (status, _) = problem(login_from(
            &thief,
            &format!("203.0.113.{i}"),
            "sarah@example.com",
            "guess",
        ))
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = problem(login(&thief, "sarah@example.com", PASSWORD)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Sarah from another browser is not concerned.
    let (status, body) = call(login(&srv.anonymous(), "sarah@example.com", PASSWORD)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Found by trying: with no cap per account, 20 addresses with 5 guesses each had 100
/// passwords checked in seconds. Behind the trusted proxy (on the loopback), each guess comes
/// from an address of its own: now the account stops after its cap, and its owner's known
/// device still gets in.
#[tokio::test]
async fn twenty_addresses_get_no_more_guesses_than_the_account_cap() {
    let srv = crate::spawn_with(false, 1).await;
    srv.user("sarah@example.com").await;
    let sarah = srv.anonymous();
    let (status, _) = call(login_from(
        &sarah,
        "198.51.100.1",
        "sarah@example.com",
        PASSWORD,
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    let attacker = srv.anonymous();
    let mut checked = 0;
    for a in 0..20 {
        for g in 0..5 {
            let (status, _) = problem(login_from(
                &attacker,
                &format!("203.0.113.{a}"),
                "sarah@example.com",
                &format!("guess {g}"),
            ))
            .await;
            match status {
                StatusCode::UNAUTHORIZED => checked += 1,
                StatusCode::TOO_MANY_REQUESTS => {}
                other => panic!("{other}"),
            }
        }
    }
    assert_eq!(checked, sextant_store::MAX_ACCOUNT_FAILURES);
    let (status, _) = problem(login_from(
        &srv.anonymous(),
        "198.51.100.2",
        "sarah@example.com",
        PASSWORD,
    ))
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let (status, body) = call(login_from(
        &sarah,
        "198.51.100.1",
        "sarah@example.com",
        PASSWORD,
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Found by trying: with `trusted_proxies = 1`, a client reaching the server directly wrote
/// `X-Forwarded-For` itself and had 50 of 50 guesses checked, a new address each time. The
/// header is now read only from the proxies' addresses: from anywhere else it is ignored.
#[tokio::test]
async fn a_client_reaching_the_server_directly_cannot_choose_its_address() {
    // The proxy is elsewhere; this client (on the loopback) is not it.
    let srv = crate::spawn_state(|state| {
        state.proxies = Proxies::new(1, parse_addresses(["192.0.2.10"]).unwrap());
    })
    .await;
    srv.user("sarah@example.com").await;
    let direct = srv.anonymous();
    let mut checked = 0;
    for i in 0..50 {
        let (status, _) = problem(login_from(
            &direct,
            &format!("203.0.113.{i}"),
            "sarah@example.com",
            "guess",
        ))
        .await;
        if status == StatusCode::UNAUTHORIZED {
            checked += 1;
        }
    }
    assert_eq!(checked, sextant_store::MAX_FAILURES);

    // Through the listed proxy (here the loopback), each forwarded address is a client.
    let srv = crate::spawn_state(|state| {
        state.proxies = Proxies::new(1, parse_addresses(["127.0.0.1"]).unwrap());
    })
    .await;
    srv.user("sarah@example.com").await;
    let proxy = srv.anonymous();
    for i in 0..5 {
        let (status, _) = problem(login_from(
            &proxy,
            "203.0.113.1",
            "sarah@example.com",
            &format!("guess {i}"),
        ))
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = problem(login_from(
        &proxy,
        "203.0.113.1",
        "sarah@example.com",
        PASSWORD,
    ))
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let (status, body) = call(login_from(
        &srv.anonymous(),
        "203.0.113.2",
        "sarah@example.com",
        PASSWORD,
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Found by trying: the limit on wrong current passwords was the user's alone, so a thief with
/// a stolen session sent 7 wrong ones and the owner could not change the password from any
/// other session, the only way to end the thief's. It is now the session's and address's.
#[tokio::test]
async fn a_thief_with_a_stolen_session_cannot_stop_the_owner_changing_the_password() {
    let srv = crate::spawn_with(false, 1).await;
    srv.user("sarah@example.com").await;
    let owner = srv.login("sarah@example.com").await;
    let thief = srv.login("sarah@example.com").await;
    let change = |api: &Api, forwarded: &str, current: &str| {
        api.put("/api/v1/me/password")
            .header("x-forwarded-for", forwarded.to_string())
            .json(&json!({"current_password": current, "new_password": "the owner's new password"}))
    };
    let mut statuses = Vec::new();
    for i in 0..7 {
        let (status, _) = problem(change(&thief, "203.0.113.9", &format!("guess {i}"))).await;
        statuses.push(status.as_u16());
    }
    assert_eq!(statuses, [422, 422, 422, 422, 422, 429, 429]);
    // The same session (stolen: the owner has it too) from the owner's address is not blocked.
    let (status, body) = problem(change(&thief, "198.51.100.1", "typo")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["path"], "current_password");
    // From her own session the owner changes it, even at the thief's address; the thief is out.
    let (status, body) = call(change(&owner, "203.0.113.9", PASSWORD)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, _) = problem(thief.get("/api/v1/me")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    owner.ok("/api/v1/me").await;
}

/// The owner ends every other session and API token of theirs at once (and may end the one
/// they call with too).
#[tokio::test]
async fn a_user_signs_out_everywhere_else() {
    let srv = spawn().await;
    srv.user("sarah@example.com").await;
    srv.user("sam@example.com").await;
    let laptop = srv.login("sarah@example.com").await;
    let phone = srv.login("sarah@example.com").await;
    let sam = srv.login("sam@example.com").await;
    let (_, secret) = laptop.token("script").await;
    let script = srv.with_token(&secret);
    // A change: the session's CSRF token is needed.
    let (status, _) =
        problem(laptop.bare(reqwest::Method::POST, "/api/v1/me/sign-out-everywhere")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    phone.ok("/api/v1/me").await;

    let (status, body) = call(laptop.post("/api/v1/me/sign-out-everywhere")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"email": "sarah@example.com", "sessions_ended": 1, "tokens_revoked": 1})
    );
    laptop.ok("/api/v1/me").await;
    for gone in [&phone, &script] {
        let (status, _) = problem(gone.get("/api/v1/me")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    sam.ok("/api/v1/me").await;

    // With an API token, the token is what is kept.
    let (_, secret) = laptop.token("ci").await;
    let ci = srv.with_token(&secret);
    let (status, body) = call(ci.post("/api/v1/me/sign-out-everywhere")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["sessions_ended"], 1);
    assert_eq!(body["tokens_revoked"], 0);
    ci.ok("/api/v1/me").await;
    let (status, _) = problem(laptop.get("/api/v1/me")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // `keep_current=false` ends the caller's own too, and clears its cookie.
    let tablet = srv.login("sarah@example.com").await;
    let resp = tablet
        .post("/api/v1/me/sign-out-everywhere?keep_current=false")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let cookie = set_cookie(&resp, "sextant_session").unwrap();
    assert!(cookie.starts_with("sextant_session=;"), "{cookie}");
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["tokens_revoked"], 1);
    for gone in [&tablet, &ci] {
        let (status, _) = problem(gone.get("/api/v1/me")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, body) =
        problem(sam.post("/api/v1/me/sign-out-everywhere?keep_current=maybe")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["path"], "keep_current");
    sam.ok("/api/v1/me").await;
}

/// The administrator ends every session and API token of any account; nobody else can.
#[tokio::test]
async fn the_administrator_signs_any_account_out_everywhere() {
    let srv = spawn().await;
    let (_, admin) = srv.admin_session().await;
    srv.user("sarah@example.com").await;
    let sarah = srv.login("sarah@example.com").await;
    let (_, secret) = sarah.token("script").await;
    let script = srv.with_token(&secret);
    srv.user("sam@example.com").await;
    let sam = srv.login("sam@example.com").await;

    let sign_out = |api: &Api, email: &str| {
        api.post("/api/v1/admin/sign-out-everywhere")
            .json(&json!({ "email": email }))
    };
    let (status, body) = problem(sign_out(&sam, "sarah@example.com")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body["detail"],
        "only the administrator of the installation signs other accounts out"
    );
    sarah.ok("/api/v1/me").await;
    let (status, body) = problem(sign_out(&admin, "nobody@example.com")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body["detail"],
        "no account has the e-mail address nobody@example.com"
    );
    let (status, body) = problem(sign_out(&admin, "sarah")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["path"], "email");

    let (status, body) = call(sign_out(&admin, " Sarah@Example.com ")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"email": "sarah@example.com", "sessions_ended": 1, "tokens_revoked": 1})
    );
    for gone in [&sarah, &script] {
        let (status, _) = problem(gone.get("/api/v1/me")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    sam.ok("/api/v1/me").await;
    admin.ok("/api/v1/me").await;
    // Sarah logs in again.
    srv.login("sarah@example.com").await.ok("/api/v1/me").await;
}

/// Found by trying: under load 196 of 640 right passwords got 429, because attempts still
/// being checked counted against the limit as failures. Only finished failures count now:
/// 40 right passwords sent at once from one address all get in.
#[tokio::test]
async fn right_passwords_sent_at_once_all_get_in() {
    let srv = spawn().await;
    srv.user("sarah@example.com").await;
    let logins: Vec<_> = (0..40)
        .map(|_| {
            let r = login(&srv.anonymous(), "sarah@example.com", PASSWORD);
            tokio::spawn(async move { call(r).await })
        })
        .collect();
    let mut statuses = Vec::new();
    for l in logins {
        statuses.push(l.await.unwrap().0.as_u16());
    }
    assert_eq!(statuses, vec![200; 40]);
}

/// A device known to one instance behind a load balancer is known to the other: both sign
/// and check with the installation's secret, kept in the database.
#[tokio::test]
async fn a_device_known_to_one_instance_is_known_to_the_other() {
    let a = spawn().await;
    a.admin().await;
    let b = a.second_instance().await;
    let laptop = a.anonymous();
    let (status, _) = call(login(&laptop, "admin@example.com", PASSWORD)).await;
    assert_eq!(status, StatusCode::OK);
    fail_thirty_times(&b).await;
    let mut on_b = laptop.clone();
    on_b.base = b.base.clone();
    let (status, body) = call(login(&on_b, "admin@example.com", PASSWORD)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = problem(login(&b.anonymous(), "admin@example.com", PASSWORD)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}
