//! Invitations prove the address they are for: the token goes there by e-mail and never to
//! an owner who is not the installation's administrator; the administrator is handed it only
//! when e-mail did not deliver it. Accepting answers the same whether or not the address has
//! an account.

use reqwest::StatusCode;
use serde_json::{Value, json};
use sextant_web::config::{Secret, Smtp, SmtpSecurity};
use sextant_web::mail::Mailer;

use crate::{
    PASSWORD, PUBLIC_URL, Server, call, create_org, demo, problem, spawn, spawn_mailing,
    spawn_state, token_after,
};

const MEMBERS: &str = "/api/v1/orgs/corner-bookstore/members";
const INVITATIONS: &str = "/api/v1/orgs/corner-bookstore/invitations";

/// The demo on `srv`: its owner (no administrator), logged in.
async fn demo_owner(srv: &Server) -> crate::Api {
    let login = sextant_web::demo::create(&srv.store, false).await.unwrap();
    srv.login_with(&login.email, &login.password).await
}

/// Address squatting, found by trying it: an owner invited someone else's address, accepted
/// the invitation with a password of their choosing, and so held the account the real person
/// could then never make. Without e-mail, an owner who is not the administrator gets no
/// invitation to accept (nothing is stored, and they are told to ask the administrator), while
/// a member's role still changes.
#[tokio::test]
async fn without_email_an_owner_cannot_invite_and_so_cannot_squat_an_address() {
    let (srv, owner) = demo().await;
    let (status, body) = problem(
        owner
            .put(MEMBERS)
            .json(&json!({"email": "Victim@Example.com", "role": "viewer"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(
        body["detail"],
        "e-mail is not set up on this installation, so Sextant cannot send Victim@Example.com \
         the invitation: ask the installation's administrator to set up e-mail, or to invite them"
    );
    assert_eq!(
        owner.ok(INVITATIONS).await,
        json!([]),
        "an invitation was stored"
    );
    // A member's role changes without e-mail.
    let owner_user = srv
        .store
        .login("sarah@corner-bookstore.example", "corner-bookstore", "t")
        .await
        .unwrap();
    srv.user("ann@example.com").await;
    let scope = srv
        .store
        .scope(&owner_user, "corner-bookstore")
        .await
        .unwrap();
    let change = srv
        .store
        .set_member(&scope, "ann@example.com", sextant_store::Role::Viewer)
        .await
        .unwrap();
    let sextant_store::MemberChange::Invited { token, .. } = change else {
        panic!("ann was a member")
    };
    srv.store
        .accept_invitation(&token, "Ann", PASSWORD, "t")
        .await
        .unwrap();
    let (status, body) = call(
        owner
            .put(MEMBERS)
            .json(&json!({"email": "ann@example.com", "role": "editor"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["member"]["role"], "editor");
    // A viewer is refused as before: the role comes first.
    let ann = srv.login("ann@example.com").await;
    let (status, _) = call(
        owner
            .put(MEMBERS)
            .json(&json!({"email": "ann@example.com", "role": "viewer"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = problem(
        ann.put(MEMBERS)
            .json(&json!({"email": "new@example.com", "role": "owner"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// With e-mail, the owner's invitation goes to the address; the owner never sees its token,
/// so only whoever reads that address's mail can accept it.
#[tokio::test]
async fn with_email_the_token_goes_to_the_address_and_never_to_the_owner() {
    let srv = spawn_mailing().await;
    let owner = demo_owner(&srv).await;
    let (status, body) = call(
        owner
            .put(MEMBERS)
            .json(&json!({"email": "tom@example.com", "role": "editor"})),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert!(
        body["invitation"].get("token").is_none(),
        "the owner was handed the token: {body}"
    );
    assert_eq!(
        body["delivery"],
        json!({"sent": true, "message": "the invitation was sent by e-mail to tom@example.com"})
    );
    assert!(!body.to_string().contains("sxi_"), "{body}");
    let mails = srv.mails_to("tom@example.com");
    assert_eq!(mails.len(), 1);
    assert_eq!(
        mails[0].subject,
        "Invitation to The Corner Bookstore on Sextant"
    );
    assert!(
        mails[0].body.starts_with(
            "Sarah (sarah@corner-bookstore.example) invites you to join The Corner Bookstore \
             on Sextant as an editor (you change the plan and the data).\n"
        ),
        "{}",
        mails[0].body
    );
    assert!(mails[0].body.contains("It works once, for 7 days (until "));
    // Tom, who reads the mail, accepts.
    let token = srv.token_mailed_to("tom@example.com", "/invitations/accept?token=");
    assert!(token.starts_with("sxi_"));
    let tom = srv.anonymous();
    let (status, me) = call(tom.post("/api/v1/invitations/accept").json(&json!({
        "token": token, "name": "Tom", "password": PASSWORD
    })))
    .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(tom.ok("/api/v1/orgs").await["items"][0]["role"], "editor");
}

/// The administrator, who could make any account anyway, is handed the token to pass on when
/// e-mail did not deliver it, and only then.
#[tokio::test]
async fn the_administrator_is_handed_the_token_only_when_email_did_not_send_it() {
    for mailing in [false, true] {
        let srv = if mailing {
            spawn_mailing().await
        } else {
            spawn().await
        };
        let (_, admin) = srv.admin_session().await;
        create_org(&admin, "acme").await;
        let (status, body) = call(
            admin
                .put("/api/v1/orgs/acme/members")
                .json(&json!({"email": "new@example.com", "role": "viewer"})),
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        assert_eq!(body["delivery"]["sent"], mailing, "{body}");
        if mailing {
            assert!(body["invitation"].get("token").is_none(), "{body}");
            assert_eq!(srv.mails_to("new@example.com").len(), 1);
        } else {
            assert!(
                body["invitation"]["token"]
                    .as_str()
                    .unwrap()
                    .starts_with("sxi_"),
                "{body}"
            );
            assert_eq!(
                body["delivery"]["message"],
                "e-mail is not set up on this installation: pass the token on to \
                 new@example.com yourself"
            );
        }
    }
}

/// A closed port on the loopback: nothing listens there.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A failure to send is told to the inviter in words, and the invitation is kept (inviting
/// again sends a new one); the owner is still not handed the token.
#[tokio::test]
async fn a_failed_send_is_told_in_words_and_keeps_the_invitation() {
    let port = closed_port();
    let smtp = Smtp {
        host: "127.0.0.1".into(),
        port,
        security: SmtpSecurity::None,
        username: String::new(),
        password: Secret::default(),
        from: "Sextant <sextant@example.com>".into(),
    };
    let mailer = Mailer::new(&smtp, PUBLIC_URL).unwrap();
    let srv = spawn_state(|s| s.mailer = Some(std::sync::Arc::new(mailer))).await;
    let owner = demo_owner(&srv).await;
    let started = std::time::Instant::now();
    let (status, body) = call(
        owner
            .put(MEMBERS)
            .json(&json!({"email": "tom@example.com", "role": "viewer"})),
    )
    .await;
    assert!(started.elapsed() < sextant_web::mail::SEND_TIMEOUT * 2);
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["delivery"]["sent"], false);
    let message = body["delivery"]["message"].as_str().unwrap();
    let expected = format!(
        "the invitation is made, but the e-mail to tom@example.com could not be sent: the mail \
         server 127.0.0.1:{port} could not be reached ("
    );
    assert!(message.starts_with(&expected), "{message}");
    assert!(
        message.ends_with("); ask again to send a new one"),
        "{message}"
    );
    assert!(body["invitation"].get("token").is_none(), "{body}");
    let listed = owner.ok(INVITATIONS).await;
    assert_eq!(listed[0]["email"], "tom@example.com", "{listed}");
}

/// The accepting answer is the same for an address with an account and one without, for
/// every refused field, through the API; nothing is spent.
#[tokio::test]
async fn a_refused_acceptance_answers_the_same_whether_or_not_the_address_has_an_account() {
    let srv = spawn().await;
    let (_, admin) = srv.admin_session().await;
    create_org(&admin, "acme").await;
    srv.user("sarah@example.com").await;
    let mut tokens = Vec::new();
    for email in ["sarah@example.com", "nobody@example.com"] {
        let (_, body) = call(
            admin
                .put("/api/v1/orgs/acme/members")
                .json(&json!({"email": email, "role": "viewer"})),
        )
        .await;
        tokens.push(body["invitation"]["token"].as_str().unwrap().to_string());
    }
    for (fields, path) in [
        (json!({"password": "not her password"}), "name"),
        (json!({"name": "", "password": "not her password"}), "name"),
        (json!({"name": "Sarah", "password": "short"}), "password"),
    ] {
        let mut answers: Vec<(StatusCode, Value)> = Vec::new();
        for token in &tokens {
            let mut body = fields.clone();
            body["token"] = json!(token);
            answers.push(
                problem(
                    srv.anonymous()
                        .post("/api/v1/invitations/accept")
                        .json(&body),
                )
                .await,
            );
        }
        assert_eq!(answers[0], answers[1], "{fields}");
        assert_eq!(answers[0].0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(answers[0].1["errors"][0]["path"], path, "{fields}");
    }
    for (token, password) in tokens.iter().zip([PASSWORD, "a new long password"]) {
        let (status, me) = call(
            srv.anonymous()
                .post("/api/v1/invitations/accept")
                .json(&json!({"token": token, "name": "Someone", "password": password})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "the token was spent: {me}");
    }
}

/// The mail's link, followed: the accept page for its token.
#[tokio::test]
async fn the_mailed_link_opens_the_accept_page() {
    let srv = spawn_mailing().await;
    let owner = demo_owner(&srv).await;
    let (status, _) = call(
        owner
            .put(MEMBERS)
            .json(&json!({"email": "tom@example.com", "role": "viewer"})),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let body = &srv.mails_to("tom@example.com")[0].body;
    let token = token_after(body, &format!("{PUBLIC_URL}/invitations/accept?token=")).unwrap();
    let page = srv
        .anonymous()
        .get(&format!("/invitations/accept?token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("value=\"{token}\"")), "{html}");
}
