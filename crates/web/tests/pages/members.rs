//! Members and invitations.

use sextant_store::Role;
use sextant_web::mail::{Mailer, Outbox};

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

/// The demo on a server whose e-mail goes to the returned outbox, and its owner (no
/// administrator) logged in.
async fn mailing_demo() -> (Server, Browser, Outbox) {
    let (mailer, outbox) = Mailer::outbox("https://plans.example.com");
    let srv = spawn_with(|s| s.mailer = Some(std::sync::Arc::new(mailer))).await;
    let login = sextant_web::demo::create(&srv.store, false).await.unwrap();
    let b = srv.browser();
    b.login(&login.email, &login.password).await;
    (srv, b, outbox)
}

/// The path and query of the link starting with `path` in the last message to `to`.
fn mailed_link(outbox: &Outbox, to: &str, path: &str) -> String {
    let mails: Vec<_> = outbox
        .messages()
        .into_iter()
        .filter(|m| m.to == to)
        .collect();
    let body = &mails
        .last()
        .unwrap_or_else(|| panic!("no mail to {to}"))
        .body;
    let at = body
        .find(&format!("https://plans.example.com{path}"))
        .unwrap_or_else(|| panic!("no link {path} in:\n{body}"));
    let rest = &body[at + "https://plans.example.com".len()..];
    rest[..rest.find(char::is_whitespace).unwrap_or(rest.len())].to_string()
}

#[tokio::test]
async fn an_owner_invites_someone_and_the_mailed_link_lets_them_join() {
    let (srv, b, outbox) = mailing_demo().await;
    let members = format!("/orgs/{DEMO}/members");
    let p = b
        .submit(
            &members,
            &members,
            &[("email", "tom@example.com"), ("role", "viewer")],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    // The owner is told it went, and is never shown the link.
    p.has("Invitation sent by e-mail to tom@example.com. It works once, for 7 days.")
        .lacks("token=");
    let link = &mailed_link(&outbox, "tom@example.com", "/invitations/accept?token=");
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

/// Without e-mail the administrator copies the link, which starts with the public address
/// when one is set.
#[tokio::test]
async fn the_administrator_copies_the_link_with_the_public_address_when_email_is_not_set_up() {
    let srv = spawn_with(|s| s.public_url = Some("https://plans.example.com".into())).await;
    let admin = srv.user("admin@example.com", true).await;
    srv.store.create_org(&admin, "acme", "Acme").await.unwrap();
    let b = srv.browser();
    b.login("admin@example.com", PASSWORD).await;
    let members = "/orgs/acme/members";
    b.ok(members)
        .await
        .has("A member's address changes their role; any other address gets an invitation.");
    let p = b
        .submit(
            members,
            members,
            &[("email", "tom@example.com"), ("role", "viewer")],
        )
        .await;
    p.has("Invitation made. Send this link to the person; it works once, for 7 days:")
        .has("<code>https://plans.example.com/invitations/accept?token=sxi_");
}

/// Address squatting: an owner who is not the administrator was shown the link of their own
/// invitation and could accept it for someone else's address. Without e-mail they are told,
/// beside the address, to ask the administrator; nothing is stored; a member's role still
/// changes.
#[tokio::test]
async fn without_email_an_owner_is_told_to_ask_the_administrator() {
    let (srv, b, owner) = with_owner().await;
    let members = format!("/orgs/{DEMO}/members");
    b.ok(&members).await.has(
        "E-mail is not set up on this installation, so only its administrator can invite \
         someone new: ask them.",
    );
    let p = b
        .submit(
            &members,
            &members,
            &[("email", "victim@example.com"), ("role", "viewer")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("id=\"f-email-error\"")
        .has(
            "e-mail is not set up on this installation, so Sextant cannot send \
             victim@example.com the invitation: ask the installation's administrator to set \
             up e-mail, or to invite them",
        )
        .lacks("token=");
    let scope = srv.store.scope(&owner, DEMO).await.unwrap();
    assert!(srv.store.invitations(&scope).await.unwrap().is_empty());
    srv.user("ann@example.com", false).await;
    srv.add_member(&owner, DEMO, "ann@example.com", Role::Viewer)
        .await;
    let p = b
        .submit(
            &members,
            &members,
            &[("email", "ann@example.com"), ("role", "editor")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
}

/// A failure to send is told in words; the invitation is kept and listed.
#[tokio::test]
async fn a_failed_send_is_told_and_the_invitation_kept() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let smtp = sextant_web::config::Smtp {
        host: "127.0.0.1".into(),
        port,
        security: sextant_web::config::SmtpSecurity::None,
        username: String::new(),
        password: Default::default(),
        from: "sextant@example.com".into(),
    };
    let mailer = Mailer::new(&smtp, "https://plans.example.com").unwrap();
    let srv = spawn_with(|s| s.mailer = Some(std::sync::Arc::new(mailer))).await;
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
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    p.has("The invitation to tom@example.com is made, but the e-mail could not be sent: ")
        .has(&format!(
            "the mail server 127.0.0.1:{port} could not be reached"
        ))
        .has("Invite the address again to send a new one.")
        .has("Invitations not yet accepted")
        .lacks("token=");
}

/// The organisation's branding of its packs, on the members page: the owner sets a name, a
/// colour and an SVG logo in one form; a colour that is not #RRGGBB is refused beside its
/// field with nothing stored; the logo is removed with its box.
#[tokio::test]
async fn the_owner_brands_the_organisations_packs() {
    use reqwest::multipart::{Form, Part};
    let (srv, b) = demo().await;
    let page = format!("/orgs/{DEMO}/members");
    b.ok(&page)
        .await
        .has("Branding of the review packs")
        .has("the installation's are used: now “Sextant”, #1F4E79, no logo.");
    let send = |name: &str, colour: &str, logo: Option<&str>, remove: bool| {
        let b = &b;
        let (name, colour, logo) = (
            name.to_string(),
            colour.to_string(),
            logo.map(str::to_string),
        );
        let page = page.clone();
        async move {
            let csrf = b.ok(&page).await.csrf();
            let mut form = Form::new()
                .text("csrf", csrf)
                .text("brand_name", name)
                .text("colour", colour);
            if remove {
                form = form.text("remove_logo", "1");
            }
            form = form.part(
                "logo",
                Part::text(logo.unwrap_or_default()).file_name("logo.svg"),
            );
            let r = b
                .http
                .post(format!("{}/orgs/{DEMO}/branding", b.base))
                .multipart(form)
                .send()
                .await
                .unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let (status, html) = send("Harbour IT", "purple", None, false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(
        html.contains("expected a colour as #RRGGBB (e.g. #1F4E79), found `purple`"),
        "{html}"
    );
    let scope = srv
        .store
        .scope(&srv.demo_owner().await, DEMO)
        .await
        .unwrap();
    assert_eq!(
        srv.store.org_brand(&scope).await.unwrap(),
        Default::default()
    );
    // A logo that is not an image: refused beside its field, and the name and colour sent with
    // it are not stored either; with a bad colour as well, both are named at once.
    let (status, html) = send("Harbour IT", "#7a1f5c", Some("not an image"), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("Nothing was saved"), "{html}");
    assert!(html.contains("expected a PNG, JPEG or SVG image"), "{html}");
    assert_eq!(
        srv.store.org_brand(&scope).await.unwrap(),
        Default::default()
    );
    let (status, html) = send("Harbour IT", "purple", Some("not an image"), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("found `purple`"), "{html}");
    assert!(html.contains("expected a PNG, JPEG or SVG image"), "{html}");
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"/>"#;
    let (status, html) = send("Harbour IT", "#7a1f5c", Some(svg), false).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    b.ok(&page)
        .await
        .has("now “Harbour IT”, #7A1F5C, with a logo.")
        .has("Remove this organisation's logo");
    let brand = srv.store.org_brand(&scope).await.unwrap();
    assert_eq!(brand.logo.as_deref(), Some(svg.as_bytes()));
    let (status, _) = send("Harbour IT", "#7a1f5c", None, true).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(srv.store.org_brand(&scope).await.unwrap().logo.is_none());
}

/// The owner renames the organisation on the members page: the plan, titled with the old name,
/// takes the new one (the Business page and the reports show it); an empty name is refused
/// beside the field, and a viewer cannot rename.
#[tokio::test]
async fn renaming_the_organisation_renames_its_plan_too() {
    let (srv, b) = demo().await;
    let members = format!("/orgs/{DEMO}/members");
    let old = srv.demo_plan().await.organization.name;
    let p = b.ok(&members).await;
    p.has("Rename the organisation")
        .has(&format!("value=\"{old}\""))
        .has("The plan and its reports take the new name too");
    let r = b
        .submit(&members, &format!("/orgs/{DEMO}/rename"), &[("name", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    r.has("id=\"f-name-error\"");
    assert_eq!(srv.demo_plan().await.organization.name, old);
    let r = b
        .submit(
            &members,
            &format!("/orgs/{DEMO}/rename"),
            &[("name", "Corner Books & Coffee")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    assert_eq!(
        srv.demo_plan().await.organization.name,
        "Corner Books & Coffee"
    );
    b.ok(&format!("/orgs/{DEMO}/business"))
        .await
        .has("<dd>Corner Books &amp; Coffee</dd>");
    let report = b.ok(&format!("/orgs/{DEMO}/report")).await;
    report.has("<h1>Corner Books &amp; Coffee: technology plan</h1>");
    let v = srv.demo_viewer().await;
    let csrf = v.ok(&format!("/orgs/{DEMO}/goals")).await.csrf();
    let r = v
        .post_raw(
            &format!("/orgs/{DEMO}/rename"),
            &[("csrf", &csrf), ("name", "Mine now")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        srv.demo_plan().await.organization.name,
        "Corner Books & Coffee"
    );
}
