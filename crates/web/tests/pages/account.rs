//! Set-up, log-in, log-out, the organisation list and creating an organisation.

use crate::*;

#[tokio::test]
async fn a_page_asks_to_log_in_and_comes_back_after() {
    let (srv, _) = demo().await;
    let b = srv.browser();
    let p = b.get(&format!("/orgs/{DEMO}/risks")).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(
        p.location.as_deref(),
        Some("/login?next=%2Forgs%2Fcorner-bookstore%2Frisks")
    );
    let login = b.ok("/login?next=%2Forgs%2Fcorner-bookstore%2Frisks").await;
    let csrf = login.csrf();
    let p = b
        .post_raw(
            "/login",
            &[
                ("csrf", &csrf),
                ("email", "sarah@corner-bookstore.example"),
                ("password", "wrong password"),
                ("next", "/orgs/corner-bookstore/risks"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    p.has("wrong e-mail address or password")
        .has("value=\"sarah@corner-bookstore.example\"")
        .has("value=\"/orgs/corner-bookstore/risks\"");
}

#[tokio::test]
async fn log_in_goes_only_to_this_site() {
    let srv = spawn().await;
    srv.user("ann@example.com", false).await;
    let b = srv.browser();
    for next in [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        " //evil.example",
    ] {
        let csrf = b.ok("/login").await.csrf();
        let p = b
            .post_raw(
                "/login",
                &[
                    ("csrf", &csrf),
                    ("email", "ann@example.com"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
        assert_eq!(p.location.as_deref(), Some("/"), "next={next}");
    }
}

#[tokio::test]
async fn a_form_without_the_session_token_changes_nothing() {
    let srv = spawn().await;
    srv.user("admin@example.com", true).await;
    let b = srv.browser();
    b.login("admin@example.com", PASSWORD).await;
    let p = b
        .post_raw(
            "/orgs",
            &[("csrf", "forged"), ("name", "Acme"), ("slug", "acme")],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    p.has("This form has expired or did not come from this site");
    let admin = srv
        .store
        .create_user("x@example.com", "X", PASSWORD, false)
        .await
        .unwrap();
    assert!(srv.store.scope(&admin, "acme").await.is_err());
    b.ok("/").await.lacks("Acme");
}

#[tokio::test]
async fn the_administrator_creates_an_organisation_and_sees_messages_beside_fields() {
    let srv = spawn().await;
    srv.user("admin@example.com", true).await;
    let b = srv.browser();
    b.login("admin@example.com", PASSWORD).await;
    let p = b
        .submit("/", "/orgs", &[("name", ""), ("slug", "Not A Slug")])
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("Nothing was saved")
        .has("id=\"f-name-error\"")
        .has("this field is required")
        .has("value=\"Not A Slug\"");
    let p = b
        .submit(
            "/",
            "/orgs",
            &[("name", "Acme Books"), ("slug", "Not A Slug")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("id=\"f-slug-error\"");
    let p = b
        .submit("/", "/orgs", &[("name", "Acme Books"), ("slug", "acme")])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    assert_eq!(p.location.as_deref(), Some("/orgs/acme?done=created"));
    b.ok("/").await.has("Acme Books").has("owner");
}

#[tokio::test]
async fn a_member_cannot_create_organisations_and_sees_no_form() {
    let (srv, b) = demo().await;
    b.ok("/")
        .await
        .has("The Corner Bookstore")
        .lacks("Create an organisation");
    let p = b
        .submit("/", "/orgs", &[("name", "Mine"), ("slug", "mine")])
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    p.has("Only the administrator of this installation creates organisations.");
    let admin = srv.user("admin@example.com", true).await;
    assert!(srv.store.scope(&admin, "mine").await.is_err());
}

#[tokio::test]
async fn the_style_sheet_and_script_come_from_the_binary() {
    let srv = spawn().await;
    let r = srv
        .browser()
        .http
        .get(format!("{}/assets/sextant.css", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/css; charset=utf-8");
    assert!(r.text().await.unwrap().contains("--accent"));
    let r = srv
        .browser()
        .http
        .get(format!("{}/assets/sextant.js", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
}

#[tokio::test]
async fn logging_out_ends_the_session() {
    let (_srv, b) = demo().await;
    let home = b.ok("/").await;
    let csrf = home.csrf();
    let p = b.post_raw("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let p = b.get("/").await;
    assert_eq!(p.location.as_deref(), Some("/login"));
}

#[tokio::test]
async fn an_unknown_address_is_a_page_saying_so() {
    let srv = spawn().await;
    let p = srv.browser().get("/no/such/<page>").await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    p.has("<h1>Not found</h1>")
        .has("There is no page /no/such/%3Cpage%3E.")
        .lacks("<page>");
}

/// The ids of the form controls of a page that no `<label for>` names (hidden fields and
/// buttons need none).
fn unlabelled(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tag in ["<input", "<select", "<textarea"] {
        for (at, _) in html.match_indices(tag) {
            let end = html[at..].find('>').map_or(html.len(), |e| at + e);
            let el = &html[at..end];
            let attr = |name: &str| {
                let key = format!(" {name}=\"");
                el.find(&key).map(|i| {
                    let rest = &el[i + key.len()..];
                    rest[..rest.find('"').unwrap_or(rest.len())].to_string()
                })
            };
            if matches!(
                attr("type").as_deref(),
                Some("hidden" | "submit" | "button")
            ) {
                continue;
            }
            match attr("id") {
                Some(id) if html.contains(&format!("for=\"{id}\"")) => {}
                Some(id) => out.push(id),
                None => out.push(el.to_string()),
            }
        }
    }
    out
}

#[tokio::test]
async fn every_form_control_of_every_page_has_a_label() {
    // The check itself: a control without a label is found, a labelled or hidden one is not.
    assert_eq!(
        unlabelled(
            r#"<label for="a">A</label><input id="a"><input type="hidden" name="h"><select id="b"></select>"#
        ),
        ["b"]
    );
    let (_srv, b) = demo().await;
    let o = format!("/orgs/{DEMO}");
    // An assessment with a gap, for its questionnaire and its score page.
    let start = format!("{o}/assessments");
    b.submit(
        &start,
        &start,
        &[("standard", "essential-eight"), ("date", "2026-11-20")],
    )
    .await;
    let e8 = format!("{o}/assessments/essential-eight-2026-11-20/answer/0");
    b.submit(&e8, &e8, &[("a.E8.PA-1", "not_met")]).await;
    let mut pages = vec![
        "/".to_string(),
        "/portfolio".to_string(),
        "/login".to_string(),
        "/account".to_string(),
        "/account/two-factor".to_string(),
    ];
    for rest in [
        "",
        "/goals",
        "/goals/new",
        "/goals/online-sales",
        "/kpis/revenue",
        "/kpis/online_revenue",
        "/kpis/inventory_holding_cost",
        "/kpis/average_order_value",
        "/kpis/cltv",
        "/kpis/repeat_purchase_rate",
        "/initiatives/ecommerce",
        "/roadmap?budget=0.5",
        "/swot",
        "/swot/edit",
        "/systems",
        "/systems/new",
        "/initiatives",
        "/initiatives/new",
        "/initiatives/crm",
        "/initiatives/crm/edit",
        "/roadmap",
        "/risks",
        "/risks/new",
        "/scenarios",
        "/data",
        "/reviews",
        "/reviews/new",
        "/members",
        "/business",
        "/matrix",
        "/customers",
        "/start",
        "/start/goals",
        "/start/systems",
        "/start/money",
        "/start/initiatives",
        "/business/profile",
        "/business/money",
        "/business/staff",
        "/business/phases",
        "/business/radar",
        "/business/kpis",
        "/budget",
        "/assessments",
        "/assessments/essential-eight-2026-11-20",
        "/assessments/essential-eight-2026-11-20/answer/0",
        "/assessments/essential-eight-2026-11-20/answer/7",
        "/assets",
    ] {
        pages.push(format!("{o}{rest}"));
    }
    for path in pages {
        let p = b.get(&path).await;
        assert_eq!(p.status, StatusCode::OK, "{path}");
        assert_eq!(unlabelled(&p.html), Vec::<String>::new(), "{path}");
        assert_eq!(p.count("<h1>"), 1, "{path}: one main heading");
        assert!(p.html.contains("<html lang=\"en\">"), "{path}");
        // Money as people write it: "$5,787", never "USD 5,787" (a form's currency field and
        // a unit chosen in a form aside).
        let text = p.html.replace("value=\"USD\"", "").replace(">USD<", "");
        assert!(
            !text.contains("USD "),
            "{path}: {}",
            &text[text.find("USD ").unwrap().saturating_sub(200)..][..300]
        );
    }
}

/// The invitation form asks everyone for a name, and an empty one is answered the same,
/// beside the field, whether or not the address has an account (it told an owner who has
/// one); nothing is spent.
#[tokio::test]
async fn the_invitation_form_answers_the_same_whether_or_not_the_address_has_an_account() {
    use sextant_store::{MemberChange, Role};
    let srv = spawn().await;
    let admin = srv.user("admin@example.com", true).await;
    srv.store.create_org(&admin, "acme", "Acme").await.unwrap();
    srv.user("sarah@example.com", false).await;
    let scope = srv.store.scope(&admin, "acme").await.unwrap();
    for (email, password) in [
        ("sarah@example.com", PASSWORD),
        ("nobody@example.com", "a new long password"),
    ] {
        let MemberChange::Invited { token, .. } = srv
            .store
            .set_member(&scope, email, Role::Viewer)
            .await
            .unwrap()
        else {
            panic!("{email} is a member")
        };
        let b = srv.browser();
        let form = b.ok(&format!("/invitations/accept?token={token}")).await;
        form.has("<label for=\"f-name\">Your name<span")
            .has("An account you have here already keeps the name it has");
        let p = b
            .post_raw(
                "/invitations/accept",
                &[
                    ("csrf", &form.csrf()),
                    ("token", &token),
                    ("name", ""),
                    ("password", "not her password"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{email}");
        p.has("id=\"f-name-error\"")
            .has("expected your name, found an empty string")
            .lacks("has an account");
        let p = b
            .post_raw(
                "/invitations/accept",
                &[
                    ("csrf", &p.csrf()),
                    ("token", &token),
                    ("name", "Someone"),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{email}: {}", p.html);
    }
}

/// The demo's owner is not an administrator, so a demo installation is still to be set up: the
/// set-up link printed on the console opens the set-up form (it sent people to the login page),
/// the API says set-up is needed, and once the administrator exists the link says so in words.
#[tokio::test]
async fn a_demo_installation_is_set_up_through_its_link() {
    let (srv, _) = demo().await;
    let token = srv
        .store
        .setup_token()
        .await
        .unwrap()
        .expect("no administrator yet");
    let b = srv.browser();
    let p = b.get(&format!("/setup?token={token}")).await;
    assert_eq!(p.status, StatusCode::OK, "{:?}", p.location);
    p.has("name=\"email\"").has("name=\"password\"");
    let status: serde_json::Value = reqwest::get(format!("{}/api/v1/setup", srv.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["needed"], true);
    let p = b
        .submit(
            &format!("/setup?token={token}"),
            "/setup",
            &[
                ("token", &token),
                ("name", "Casey"),
                ("email", "casey@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    // The link again: set up already, said in words on the login page.
    let again = srv.browser();
    let p = again.get(&format!("/setup?token={token}")).await;
    assert_eq!(p.location.as_deref(), Some("/login?done=set-up"));
    again
        .ok("/login?done=set-up")
        .await
        .has("This installation is set up already");
    // Fixed words only: another value shows nothing.
    again
        .ok("/login?done=%3Cb%3Ehi")
        .await
        .lacks("set up already")
        .lacks("<b>hi");
}

/// Every page names its icon, and the address browsers try anyway answers (it was a 404 and
/// a console error on every first visit).
#[tokio::test]
async fn the_icon_is_served() {
    let (srv, b) = demo().await;
    b.ok("/login")
        .await
        .has("<link rel=\"icon\" type=\"image/svg+xml\" href=\"/assets/favicon.svg\">");
    for path in ["/favicon.ico", "/assets/favicon.svg"] {
        let r = reqwest::get(format!("{}{path}", srv.base)).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.headers()["content-type"], "image/svg+xml", "{path}");
        assert!(r.text().await.unwrap().starts_with("<svg"), "{path}");
    }
}
