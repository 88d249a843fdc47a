//! Sessions on the pages: the account page (changing the password, signing out everywhere
//! else, the administrator signing any account out), and logging in from a known device
//! while the office's address is backing off.

use crate::*;

/// Logs in through the form without asserting: the page answered.
async fn try_login(b: &Browser, email: &str, password: &str) -> Page {
    b.submit(
        "/login",
        "/login",
        &[("email", email), ("password", password), ("next", "/")],
    )
    .await
}

#[tokio::test]
async fn the_account_page_changes_the_password_and_ends_the_other_sessions() {
    let srv = spawn().await;
    srv.user("sarah@example.com", false).await;
    let laptop = srv.browser();
    laptop.login("sarah@example.com", PASSWORD).await;
    let phone = srv.browser();
    phone.login("sarah@example.com", PASSWORD).await;
    laptop
        .ok("/")
        .await
        .has("<a href=\"/account\">Your account</a>");
    laptop
        .ok("/account")
        .await
        .has("You are logged in as <strong>sarah</strong> (sarah@example.com).")
        .has("Change your password")
        .has("Sign out everywhere else")
        .lacks("Sign an account out everywhere");

    let p = laptop
        .submit(
            "/account",
            "/account/password",
            &[
                ("current_password", "not it"),
                ("new_password", "a new long password"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("id=\"f-current_password-error\"")
        .has("the current password is not right");
    let p = laptop
        .submit(
            "/account",
            "/account/password",
            &[("current_password", PASSWORD), ("new_password", "short")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("id=\"f-new_password-error\"")
        .has("expected at least 10 characters, found 5");
    phone.ok("/").await;

    let p = laptop
        .submit(
            "/account",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a new long password"),
            ],
        )
        .await;
    assert_eq!(p.location.as_deref(), Some("/account?done=password"));
    laptop
        .follow(&p)
        .await
        .has("Your password is changed. Your other sessions have ended");
    assert_eq!(phone.get("/").await.location.as_deref(), Some("/login"));
    phone
        .login("sarah@example.com", "a new long password")
        .await;
}

/// The thief's wrong current passwords block the thief's session only: the owner changes the
/// password from her own, which ends the thief's.
#[tokio::test]
async fn a_thief_guessing_the_password_on_the_account_page_does_not_block_the_owner() {
    let srv = spawn().await;
    srv.user("sarah@example.com", false).await;
    let owner = srv.browser();
    owner.login("sarah@example.com", PASSWORD).await;
    let thief = srv.browser();
    thief.login("sarah@example.com", PASSWORD).await;
    let mut statuses = Vec::new();
    for i in 0..7 {
        let guess = format!("guess {i}");
        let p = thief
            .submit(
                "/account",
                "/account/password",
                &[
                    ("current_password", guess.as_str()),
                    ("new_password", "the thief's password"),
                ],
            )
            .await;
        statuses.push(p.status.as_u16());
        if p.status == StatusCode::TOO_MANY_REQUESTS {
            p.has("too many failed logins; try again in");
        }
    }
    assert_eq!(statuses, [422, 422, 422, 422, 422, 429, 429]);
    let p = owner
        .submit(
            "/account",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "the owner's new password"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    assert_eq!(thief.get("/account").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn signing_out_everywhere_else_from_the_account_page() {
    let srv = spawn().await;
    let sarah = srv.user("sarah@example.com", false).await;
    let laptop = srv.browser();
    laptop.login("sarah@example.com", PASSWORD).await;
    let phone = srv.browser();
    phone.login("sarah@example.com", PASSWORD).await;
    let (_, secret) = srv
        .store
        .create_api_token(&sarah, "script", None)
        .await
        .unwrap();
    // Not without the session's form token.
    let p = laptop
        .post_raw("/account/sign-out-everywhere", &[("csrf", "forged")])
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    phone.ok("/").await;

    let p = laptop
        .submit("/account", "/account/sign-out-everywhere", &[])
        .await;
    assert_eq!(p.location.as_deref(), Some("/account?done=signed-out"));
    laptop
        .follow(&p)
        .await
        .has("You are signed out everywhere else");
    assert_eq!(phone.get("/").await.location.as_deref(), Some("/login"));
    assert!(srv.store.token_user(&secret).await.unwrap().is_none());
    laptop.ok("/").await;
}

#[tokio::test]
async fn the_administrator_signs_an_account_out_everywhere_from_the_account_page() {
    let srv = spawn().await;
    srv.user("admin@example.com", true).await;
    srv.user("sarah@example.com", false).await;
    let admin = srv.browser();
    admin.login("admin@example.com", PASSWORD).await;
    let sarah = srv.browser();
    sarah.login("sarah@example.com", PASSWORD).await;
    admin
        .ok("/account")
        .await
        .has("Sign an account out everywhere");

    let p = admin
        .submit(
            "/account",
            "/account/sign-out-account",
            &[("email", "nobody@example.com")],
        )
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    p.has("id=\"f-email-error\"")
        .has("No account has the e-mail address nobody@example.com.")
        .has("value=\"nobody@example.com\"");
    let p = admin
        .submit(
            "/account",
            "/account/sign-out-account",
            &[("email", "sarah@example.com")],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    p.has("sarah@example.com is signed out everywhere: 1 session ended, 0 API tokens revoked.");
    assert_eq!(sarah.get("/").await.location.as_deref(), Some("/login"));
    admin.ok("/").await;

    // Nobody else may.
    sarah.login("sarah@example.com", PASSWORD).await;
    let p = sarah
        .submit(
            "/account",
            "/account/sign-out-account",
            &[("email", "admin@example.com")],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    p.has("only the administrator of the installation signs other accounts out");
    admin.ok("/").await;
}

/// Thirty failures at made-up addresses from the office's one address locked everyone there
/// out of the log-in page; the browser that logged in before is known and gets in.
#[tokio::test]
async fn a_known_browser_logs_in_while_the_office_address_is_backing_off() {
    let srv = spawn().await;
    srv.user("admin@example.com", true).await;
    let laptop = srv.browser();
    laptop.login("admin@example.com", PASSWORD).await;
    let csrf = laptop.ok("/").await.csrf();
    laptop.post_raw("/logout", &[("csrf", &csrf)]).await;
    let attacker = srv.browser();
    for i in 0..sextant_store::MAX_CLIENT_FAILURES {
        let p = try_login(&attacker, &format!("made-up-{i}@example.com"), "guess").await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED, "{i}");
    }
    let p = try_login(&srv.browser(), "admin@example.com", PASSWORD).await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    p.has("too many failed logins; try again in");
    let p = try_login(&laptop, "admin@example.com", PASSWORD).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    laptop.ok("/").await;
}

/// Someone with one organisation lands on it after logging in, not on a list of one; an
/// administrator, and anyone sent to a page, land where they were going.
#[tokio::test]
async fn one_organisation_lands_on_it_after_logging_in() {
    let (srv, _) = super::demo().await;
    let login = |next: &'static str, email: &'static str, password: &'static str| {
        let b = srv.browser();
        async move {
            b.submit(
                "/login",
                "/login",
                &[("email", email), ("password", password), ("next", next)],
            )
            .await
        }
    };
    let sarah = ("sarah@corner-bookstore.example", "corner-bookstore");
    let p = login("/", sarah.0, sarah.1).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    assert_eq!(p.location.as_deref(), Some("/orgs/corner-bookstore"));
    // Sent to a page: that page.
    let p = login("/account", sarah.0, sarah.1).await;
    assert_eq!(p.location.as_deref(), Some("/account"));
    // An administrator: the list.
    srv.user("admin@example.com", true).await;
    let p = login("/", "admin@example.com", PASSWORD).await;
    assert_eq!(p.location.as_deref(), Some("/"));
}
