//! The administrator's accounts page, and choosing a new password with a reset link.

use sextant_store::Role;

use crate::*;

/// An administrator logged in, and Bob, a member of `acme`, with a session of his own.
async fn with_bob() -> (Server, Browser, sextant_store::User, Browser) {
    let srv = spawn().await;
    let admin = srv.user("admin@example.com", true).await;
    srv.store.create_org(&admin, "acme", "Acme").await.unwrap();
    let bob = srv.user("bob@example.com", false).await;
    srv.add_member(&admin, "acme", "bob@example.com", Role::Editor)
        .await;
    let b = srv.browser();
    b.login("admin@example.com", PASSWORD).await;
    let bob_browser = srv.browser();
    bob_browser.login("bob@example.com", PASSWORD).await;
    (srv, b, bob, bob_browser)
}

#[tokio::test]
async fn only_the_administrator_sees_the_accounts() {
    let (_srv, b, _, bob) = with_bob().await;
    b.ok("/")
        .await
        .has("<a href=\"/accounts\">The installation's accounts");
    let p = b.ok("/accounts").await;
    p.has("Accounts (2)")
        .has("bob@example.com")
        .has("Acme</a> (editor)")
        .has("aria-label=\"Make a password reset link for bob@example.com\"")
        .has("aria-label=\"Remove the account of bob@example.com\"")
        // No button removes the administrator's own account.
        .lacks("aria-label=\"Remove the account of admin@example.com\"");
    bob.ok("/").await.lacks("/accounts");
    let p = bob.get("/accounts").await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    p.has("Only the administrator of this installation manages its accounts.");
    let csrf = bob.ok("/").await.csrf();
    let p = bob.post_raw("/accounts/1/reset", &[("csrf", &csrf)]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
}

/// An organisation the administrator is not a member of is named on the accounts page
/// without a link (its pages would answer "not found"); one they belong to is linked.
#[tokio::test]
async fn the_accounts_page_links_only_the_organisations_the_administrator_opens() {
    let (srv, b, _, _) = with_bob().await;
    srv.store
        .create_org(
            &srv.user("carol@example.com", true).await,
            "bobs",
            "Bobs Bikes",
        )
        .await
        .unwrap();
    let p = b.ok("/accounts").await;
    p.has("<a href=\"/orgs/acme/members\">Acme</a>")
        .has("Bobs Bikes (owner")
        .lacks("href=\"/orgs/bobs/members\"");
    assert_eq!(
        b.get("/orgs/bobs/members").await.status,
        StatusCode::NOT_FOUND
    );
}

/// Without e-mail the administrator is shown the link; it opens a page that sets the new
/// password, logs the person in, and ends their other sessions; it works once.
#[tokio::test]
async fn a_reset_link_shown_to_the_administrator_sets_a_new_password_once() {
    let (srv, b, bob, bob_before) = with_bob().await;
    let p = b
        .submit("/accounts", &format!("/accounts/{}/reset", bob.id), &[])
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    p.has("Give bob@example.com this link to choose a new password; it works once, for 1 day:");
    let at = p.html.find("/reset?token=").unwrap();
    let rest = &p.html[at..];
    let link = &rest[..rest.find('<').unwrap()];
    let token = link.split("token=").nth(1).unwrap();
    // Bob's session lasts until the link is used.
    bob_before.ok("/").await;

    let fresh = srv.browser();
    let page = fresh.ok(link).await;
    page.has("Choose a new password for <strong>bob@example.com</strong>");
    let p = fresh
        .post_raw(
            "/reset",
            &[
                ("csrf", &page.csrf()),
                ("token", token),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("id=\"f-password-error\"")
        .has("expected at least 10 characters, found 5");
    let p = fresh
        .post_raw(
            "/reset",
            &[
                ("csrf", &p.csrf()),
                ("token", token),
                ("password", "bob's new password"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    fresh.ok("/").await.has("Acme");
    // The old session is over; the old password opens nothing; the link is spent.
    let p = bob_before.get("/").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(
        srv.store
            .login("bob@example.com", PASSWORD, "t")
            .await
            .is_err()
    );
    let p = srv.browser().get(link).await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    p.has("Password reset link (it may have expired or been used: ask the administrator for a new one) not found.");
}

/// With e-mail the link goes to the account's address; the administrator is told, not shown
/// it.
#[tokio::test]
async fn with_email_the_reset_link_is_sent_not_shown() {
    let (mailer, outbox) = sextant_web::mail::Mailer::outbox("https://plans.example.com");
    let srv = spawn_with(|s| s.mailer = Some(std::sync::Arc::new(mailer))).await;
    srv.user("admin@example.com", true).await;
    let bob = srv.user("bob@example.com", false).await;
    let b = srv.browser();
    b.login("admin@example.com", PASSWORD).await;
    let p = b
        .submit("/accounts", &format!("/accounts/{}/reset", bob.id), &[])
        .await;
    p.has("A link to choose a new password was sent by e-mail to bob@example.com. It works once, for 1 day.")
        .lacks("token=");
    let mails = outbox.messages();
    assert_eq!(mails[0].to, "bob@example.com");
    assert!(
        mails[0]
            .body
            .contains("https://plans.example.com/reset?token=sxr_")
    );
}

/// Removal is refused for an organisation's only owner, with the reason above the list, and
/// otherwise ends the account's sessions and memberships.
#[tokio::test]
async fn the_administrator_removes_an_account_but_not_an_only_owner() {
    let (srv, b, bob, bob_browser) = with_bob().await;
    srv.store
        .create_org(&bob_admin(&bob), "solo", "Solo")
        .await
        .unwrap();
    let p = b
        .submit("/accounts", &format!("/accounts/{}/remove", bob.id), &[])
        .await;
    assert_eq!(p.status, StatusCode::CONFLICT, "{}", p.html);
    p.has("Nothing was saved.").has(
        "bob@example.com is the only owner of Solo (solo): make someone else owner there first \
         (or delete the organisation), then remove the account",
    );
    bob_browser.ok("/").await;
    let scope = srv.store.scope(&bob, "solo").await.unwrap();
    srv.store.delete_org(&scope).await.unwrap();
    let p = b
        .submit("/accounts", &format!("/accounts/{}/remove", bob.id), &[])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    b.follow(&p).await.has("Removed.").lacks("bob@example.com");
    assert_eq!(bob_browser.get("/").await.status, StatusCode::SEE_OTHER);
}

/// Bob as the creator of an organisation (the server makes it for him, as for the demo).
fn bob_admin(bob: &sextant_store::User) -> sextant_store::User {
    sextant_store::User {
        is_admin: true,
        ..bob.clone()
    }
}
