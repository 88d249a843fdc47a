//! The administrator's accounts: the list, one-time password reset links, removal; and using
//! a reset link.

use reqwest::StatusCode;
use serde_json::json;

use crate::{PASSWORD, add_member, call, create_org, problem, set_cookie, spawn, spawn_mailing};

/// Without e-mail the administrator is handed the link's token; the person's password,
/// sessions and tokens stay until it is used, and using it ends them. It works once.
#[tokio::test]
async fn the_administrator_resets_a_password_with_a_one_time_link() {
    let srv = spawn().await;
    let (_, admin) = srv.admin_session().await;
    let sarah_user = srv.user("sarah@example.com").await;
    let sarah = srv.login("sarah@example.com").await;
    let (_, secret) = sarah.token("script").await;
    let script = srv.with_token(&secret);

    // Nobody else manages accounts.
    for path in ["/api/v1/accounts"] {
        let (status, body) = problem(sarah.get(path)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(
            body["detail"],
            "only the administrator of the installation manages its accounts"
        );
    }
    let (status, _) =
        problem(sarah.post(&format!("/api/v1/accounts/{}/reset", sarah_user.id))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let list = admin.ok("/api/v1/accounts").await;
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][1]["email"], "sarah@example.com");

    let (status, body) =
        call(admin.post(&format!("/api/v1/accounts/{}/reset", sarah_user.id))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["email"], "sarah@example.com");
    assert_eq!(body["delivery"]["sent"], false);
    assert_eq!(
        body["delivery"]["message"],
        "e-mail is not set up on this installation: pass the token on to sarah@example.com yourself"
    );
    let token = body["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("sxr_"), "{token}");
    // Nothing changed yet.
    sarah.ok("/api/v1/me").await;
    script.ok("/api/v1/me").await;

    let anon = srv.anonymous();
    let (status, body) = problem(
        anon.post("/api/v1/password-reset")
            .json(&json!({"token": token, "password": "short"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["path"], "password");
    let resp = anon
        .post("/api/v1/password-reset")
        .json(&json!({"token": token, "password": "sarah's new password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(set_cookie(&resp, "sextant_session").is_some());
    let me: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(me["email"], "sarah@example.com");
    anon.ok("/api/v1/me").await;
    // Whoever held the old password keeps nothing it opened.
    let (status, _) = problem(sarah.get("/api/v1/me")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = problem(script.get("/api/v1/me")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = problem(srv.anonymous().post("/api/v1/session").json(&json!({
        "email": "sarah@example.com", "password": PASSWORD
    })))
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    srv.login_with("sarah@example.com", "sarah's new password")
        .await;
    // Spent.
    let (status, body) = problem(
        srv.anonymous()
            .post("/api/v1/password-reset")
            .json(&json!({"token": token, "password": "a third long password"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body["detail"],
        "password reset link (it may have expired or been used: ask the administrator for a new one) not found"
    );
}

/// With e-mail, the link goes to the account's address and the administrator is not handed
/// it.
#[tokio::test]
async fn with_email_the_reset_link_goes_to_the_account_s_address() {
    let srv = spawn_mailing().await;
    let (_, admin) = srv.admin_session().await;
    let sarah = srv.user("sarah@example.com").await;
    let (status, body) = call(admin.post(&format!("/api/v1/accounts/{}/reset", sarah.id))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(body.get("token").is_none(), "{body}");
    assert_eq!(
        body["delivery"],
        json!({"sent": true, "message": "the reset link was sent by e-mail to sarah@example.com"})
    );
    let mails = srv.mails_to("sarah@example.com");
    assert_eq!(mails[0].subject, "Choose a new password for Sextant");
    assert!(
        mails[0].body.contains("It works once, for 1 day (until "),
        "{}",
        mails[0].body
    );
    let token = srv.token_mailed_to("sarah@example.com", "/reset?token=");
    let (status, _) = call(
        srv.anonymous()
            .post("/api/v1/password-reset")
            .json(&json!({"token": token, "password": "sarah's new password"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

/// Removal ends the account's sessions and memberships; it is refused for the last owner of
/// an organisation (named) and for the administrator's own account.
#[tokio::test]
async fn the_administrator_removes_an_account_but_not_an_only_owner_nor_their_own() {
    let srv = spawn().await;
    let (admin_user, admin) = srv.admin_session().await;
    create_org(&admin, "acme").await;
    let bob_user = srv.user("bob@example.com").await;
    add_member(&srv, &admin, "acme", "bob@example.com", "owner").await;
    let bob = srv.login("bob@example.com").await;
    // The administrator leaves Acme to Bob.
    let (status, _) =
        call(admin.delete(&format!("/api/v1/orgs/acme/members/{}", admin_user.id))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let (status, body) =
        problem(admin.delete(&format!("/api/v1/accounts/{}", admin_user.id))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body["detail"],
        "you cannot remove your own account; another administrator can"
    );
    let (status, body) = problem(admin.delete(&format!("/api/v1/accounts/{}", bob_user.id))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body["detail"],
        "bob@example.com is the only owner of Org acme (acme): make someone else owner there \
         first (or delete the organisation), then remove the account"
    );
    let (status, _) = problem(bob.delete(&format!("/api/v1/accounts/{}", admin_user.id))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    bob.ok("/api/v1/orgs/acme").await;

    // Bob makes Carol owner too; then he can go.
    srv.user("carol@example.com").await;
    let bob_scope = srv.store.scope(&bob_user, "acme").await.unwrap();
    let change = srv
        .store
        .set_member(&bob_scope, "carol@example.com", sextant_store::Role::Owner)
        .await
        .unwrap();
    let sextant_store::MemberChange::Invited { token, .. } = change else {
        panic!("carol was a member")
    };
    srv.store
        .accept_invitation(&token, "Carol", PASSWORD, "t")
        .await
        .unwrap();
    let (status, _) = call(admin.delete(&format!("/api/v1/accounts/{}", bob_user.id))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = problem(bob.get("/api/v1/me")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let carol = srv.login("carol@example.com").await;
    let members = carol.ok("/api/v1/orgs/acme/members").await;
    assert_eq!(members["total"], 1, "{members}");
    let (status, _) = problem(admin.delete(&format!("/api/v1/accounts/{}", bob_user.id))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
