//! Members and invitations.

use sextant_store::Role;

use crate::*;

/// The demo's owner and a server with an administrator-made second user.
async fn with_owner() -> (Server, Browser, sextant_store::User) {
    let (srv, b) = demo().await;
    let owner = srv
        .store
        .login("sarah@corner-bookstore.example", "corner-bookstore", "t")
        .await
        .unwrap();
    (srv, b, owner)
}

#[tokio::test]
async fn an_owner_invites_someone_and_the_link_lets_them_join() {
    let (srv, b, _) = with_owner().await;
    let members = format!("/orgs/{DEMO}/members");
    let p = b
        .submit(
            &members,
            &members,
            &[("email", "tom@example.com"), ("role", "viewer")],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    p.has("Invitation made").has("/invitations/accept?token=");
    let at = p.html.find("/invitations/accept?token=").unwrap();
    let rest = &p.html[at..];
    let link = &rest[..rest.find('<').unwrap()];
    // The invitation is listed until accepted.
    b.ok(&members)
        .await
        .has("tom@example.com")
        .has("Invitations not yet accepted");
    // Tom follows the link, chooses his name and password, and lands in the organisation.
    let tom = srv.browser();
    let csrf = tom.ok(link).await.csrf();
    let token = link.split("token=").nth(1).unwrap();
    let p = tom
        .post_raw(
            "/invitations/accept",
            &[
                ("csrf", &csrf),
                ("token", token),
                ("name", "Tom"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("id=\"f-password-error\"");
    // The form comes back with a fresh token, as a browser would send it.
    let csrf = p.csrf();
    let p = tom
        .post_raw(
            "/invitations/accept",
            &[
                ("csrf", &csrf),
                ("token", token),
                ("name", "Tom"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    tom.ok("/").await.has("The Corner Bookstore").has("viewer");
    // A viewer sees the members but no forms, and cannot invite.
    let p = tom.ok(&members).await;
    p.has("Sarah").lacks("Invite someone").lacks("Remove");
    let csrf = p.csrf();
    let p = tom
        .post_raw(
            &members,
            &[
                ("csrf", &csrf),
                ("email", "x@example.com"),
                ("role", "owner"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let _ = srv;
}

#[tokio::test]
async fn a_bad_role_or_address_is_shown_beside_its_field() {
    let (_srv, b, _) = with_owner().await;
    let members = format!("/orgs/{DEMO}/members");
    let p = b
        .submit(
            &members,
            &members,
            &[("email", "not an address"), ("role", "king")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("id=\"f-role-error\"")
        .has("expected viewer, editor or owner, found `king`");
    let p = b
        .submit(
            &members,
            &members,
            &[("email", "not an address"), ("role", "editor")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("id=\"f-email-error\"")
        .has("value=\"not an address\"");
}

#[tokio::test]
async fn an_owner_changes_a_role_and_removes_a_member() {
    let (srv, b, owner) = with_owner().await;
    srv.user("ann@example.com", false).await;
    srv.add_member(&owner, DEMO, "ann@example.com", Role::Viewer)
        .await;
    let members = format!("/orgs/{DEMO}/members");
    let p = b
        .submit(
            &members,
            &members,
            &[("email", "ann@example.com"), ("role", "editor")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let ann = srv
        .store
        .login("ann@example.com", PASSWORD, "t2")
        .await
        .unwrap();
    assert_eq!(
        srv.store.scope(&ann, DEMO).await.unwrap().role(),
        Role::Editor
    );
    let csrf = b.ok(&members).await.csrf();
    let p = b
        .post_raw(
            &format!("/orgs/{DEMO}/members/{}/remove", ann.id),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(srv.store.scope(&ann, DEMO).await.is_err());
    b.ok(&members).await.lacks("ann@example.com");
}

#[tokio::test]
async fn the_invitation_link_uses_the_public_address_when_one_is_set() {
    let srv = spawn_with(|s| s.public_url = Some("https://plans.example.com".into())).await;
    let login = sextant_web::demo::create(&srv.store, false).await.unwrap();
    let b = srv.browser();
    b.login(&login.email, &login.password).await;
    let members = format!("/orgs/{DEMO}/members");
    let p = b
        .submit(
            &members,
            &members,
            &[("email", "tom@example.com"), ("role", "viewer")],
        )
        .await;
    p.has("<code>https://plans.example.com/invitations/accept?token=sxi_");
}
