//! The consultant's firm on the pages: a second factor set up from the Account page (a QR code
//! and the key, a code from the app, recovery codes shown once) and asked at login as a second
//! step; an installation requiring it sends an account without it to set it up; the
//! administrator makes a firm administrator and turns a lost phone's second factor off; an
//! owner assigns the organisation's consultant, whom the portfolio shows and filters by.

use crate::*;

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The text between `before` and the next `after` in `html`.
fn between<'a>(html: &'a str, before: &str, after: &str) -> &'a str {
    let from = html
        .find(before)
        .unwrap_or_else(|| panic!("no {before:?} in {html}"))
        + before.len();
    let to = html[from..].find(after).unwrap() + from;
    &html[from..to]
}

/// Sets up the second factor of the logged-in browser's account on the pages: its key.
async fn set_up(b: &Browser) -> String {
    b.ok("/account")
        .await
        .has("<a href=\"/account/two-factor\">Set up or change the second factor</a>");
    b.ok("/account/two-factor").await.has("Set it up");
    let p = b
        .submit("/account/two-factor", "/account/two-factor/start", &[])
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    p.has("<svg")
        .has("Cannot scan it? Type this key into the app instead:");
    let key = between(
        &p.html,
        "Type this key into the app instead: <code>",
        "</code>",
    )
    .to_string();
    let p = b
        .submit(
            "/account/two-factor",
            "/account/two-factor/confirm",
            &[("code", "12345")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("<p class=\"field-error\" id=\"f-code-error\">expected the 6-digit code")
        .has(&key);
    let code = sextant_store::code_for(&key, now()).unwrap();
    let p = b
        .submit(
            "/account/two-factor",
            "/account/two-factor/confirm",
            &[("code", &code)],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    p.has("The second factor is on.")
        .has("They are shown only now.");
    assert_eq!(p.count("<li><code>"), 10);
    b.ok("/account/two-factor")
        .await
        .has("Recovery codes left: <strong>10</strong>");
    key
}

#[tokio::test]
async fn a_second_factor_is_set_up_and_asked_at_login() {
    let (srv, b) = demo().await;
    let owner = srv.demo_owner().await;
    let key = set_up(&b).await;

    // A new browser: the password, then the code.
    let c = srv.browser();
    let p = c
        .submit(
            "/login",
            "/login",
            &[
                ("email", &owner.email),
                ("password", "corner-bookstore"),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    p.has("Your password is right.")
        .has("<label for=\"f-code\">Code from the app<");
    let challenge = between(&p.html, "name=\"challenge\" value=\"", "\"").to_string();
    let p = c
        .submit(
            "/login",
            "/login/code",
            &[("challenge", &challenge), ("code", "000000"), ("next", "/")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    p.has("<p class=\"field-error\" id=\"f-code-error\">wrong code");
    let code = sextant_store::code_for(&key, now() + 30).unwrap();
    let p = c
        .submit(
            "/login",
            "/login/code",
            &[("challenge", &challenge), ("code", &code), ("next", "/")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    c.ok("/account").await.has(&owner.email);
    // The challenge is spent.
    let p = c
        .submit(
            "/login",
            "/login/code",
            &[("challenge", &challenge), ("code", &code), ("next", "/")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    p.has("enter your e-mail address and password again");
}

#[tokio::test]
async fn an_installation_requiring_it_sends_every_page_to_the_set_up() {
    let srv = spawn_with(|s| s.require_two_factor = true).await;
    srv.user("sam@example.com", true).await;
    let b = srv.browser();
    b.login("sam@example.com", PASSWORD).await;
    for path in ["/", "/portfolio", "/accounts"] {
        let p = b.get(path).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(p.location.as_deref(), Some("/account/two-factor"), "{path}");
    }
    b.ok("/account/two-factor")
        .await
        .has("This installation asks every account for a code");
    set_up(&b).await;
    b.ok("/portfolio").await;
    // It cannot be turned off here: no form for it.
    b.ok("/account/two-factor")
        .await
        .lacks("Turn the second factor off");
}

#[tokio::test]
async fn the_firm_sees_every_client_and_each_client_has_its_consultant() {
    let (srv, b) = demo().await;
    let admin = srv.user("admin@example.com", true).await;
    let boss = srv.user("boss@example.com", false).await;
    let a = srv.browser();
    a.login("admin@example.com", PASSWORD).await;
    a.ok("/accounts").await.has(
        "aria-label=\"Make boss@example.com as a firm administrator, who sees every organisation\"",
    );
    let p = a
        .submit(
            "/accounts",
            &format!("/accounts/{}/firm", boss.id),
            &[("sees_all", "1")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    a.ok("/accounts").await.has("firm administrator");
    let bb = srv.browser();
    bb.login("boss@example.com", PASSWORD).await;
    bb.ok(&format!("/orgs/{DEMO}")).await;
    let _ = admin;

    // The owner assigns the consultant; the portfolio shows and filters by them.
    let owner = srv.demo_owner().await;
    let members = format!("/orgs/{DEMO}/members");
    b.ok(&members)
        .await
        .has("No consultant is assigned to The Corner Bookstore yet")
        .has("<label for=\"f-consultant\">Consultant</label>");
    let p = b
        .submit(
            &members,
            &format!("/orgs/{DEMO}/consultant"),
            &[("consultant", "nobody@example.com")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("expected a member of this organisation");
    let p = b
        .submit(
            &members,
            &format!("/orgs/{DEMO}/consultant"),
            &[("consultant", &owner.email)],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    b.ok(&members)
        .await
        .has("The consultant looking after The Corner Bookstore is <strong>Sarah</strong>");
    bb.ok("/portfolio")
        .await
        .has("<th scope=\"col\">Consultant</th>")
        .has(&format!(
            "<a href=\"/portfolio?consultant={}\">Sarah</a>",
            owner.email.replace('@', "%40")
        ))
        .has("<label for=\"f-consultant\">Consultant</label>");
    bb.ok("/portfolio?consultant=someone%40example.com")
        .await
        .lacks("Clients by what needs attention");

    // The score's history: one recorded in November shows as the change since.
    let scope = srv.store.scope(&owner, DEMO).await.unwrap();
    let nov = sextant_core::model::Date::parse("2026-11-04").unwrap();
    srv.store
        .record_health(&scope, i64::from(nov.days()), 0)
        .await
        .unwrap();
    let p = bb.ok("/portfolio").await;
    p.has(" since 4 November 2026</span>")
        .has("title=\"2026-11-04: 0, ");
    assert!(p.html.contains(">up "), "the demo scores above 0");
}

/// A reset link changes the password of an account with a second factor but logs no one in:
/// the login page says to use the code.
#[tokio::test]
async fn a_reset_link_logs_no_one_in_past_the_second_factor() {
    let (srv, b) = demo().await;
    let owner = srv.demo_owner().await;
    set_up(&b).await;
    let admin = srv.user("admin@example.com", true).await;
    let reset = srv.store.create_reset(&admin, owner.id).await.unwrap();
    let fresh = srv.browser();
    let page = fresh.ok(&format!("/reset?token={}", reset.token)).await;
    let p = fresh
        .post_raw(
            "/reset",
            &[
                ("csrf", &page.csrf()),
                ("token", &reset.token),
                ("password", "another long password"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    assert_eq!(p.location.as_deref(), Some("/login?done=code"));
    fresh
        .ok("/login?done=code")
        .await
        .has("Your account signs in with a second factor");
    // Not logged in.
    assert_eq!(fresh.get("/account").await.status, StatusCode::SEE_OTHER);
}
