//! The SWOT and strategy page and its form.

use sextant_store::Role;

use crate::*;

/// The demo plan's SWOT and strategy, as stored.
async fn stored(srv: &Server) -> (sextant_core::model::Swot, sextant_core::model::Strategy) {
    let scope = srv
        .store
        .scope(&srv.demo_owner().await, DEMO)
        .await
        .unwrap();
    let plan = srv.store.plan(&scope).await.unwrap().unwrap();
    (plan.doc().swot.clone(), plan.doc().strategy.clone())
}

fn url(rest: &str) -> String {
    format!("/orgs/{DEMO}/{rest}")
}

#[tokio::test]
async fn the_swot_shows_the_demo_quadrants_and_strategy() {
    let (_srv, b) = demo().await;
    let p = b.ok(&url("swot")).await;
    // examples/corner-bookstore.yaml, swot and strategy.
    p.has("<h2 id=\"q-strengths\">Strengths</h2>")
        .has("<h2 id=\"q-weaknesses\">Weaknesses</h2>")
        .has("<h2 id=\"q-opportunities\">Opportunities</h2>")
        .has("<h2 id=\"q-threats\">Threats</h2>")
        .has("<li>Strong local reputation</li>")
        .has("<li>Limited online presence</li>")
        .has("<li>Growing online book market</li>")
        .has("<li>Large online retailers and chain bookstores</li>")
        .has("A curated selection and knowledgeable, personal recommendations in a community space")
        .has("Niche specialisation and customer experience")
        .has("<li>Community events</li>")
        .has("Edit the SWOT and strategy");
    // Four items in each quadrant, three competencies, and the 15 sections of the menu.
    assert_eq!(p.count("<li>"), 4 * 4 + 3 + 15, "{}", p.html);
}

#[tokio::test]
async fn the_form_saves_both_sections() {
    let (srv, b) = demo().await;
    let edit = url("swot/edit");
    b.ok(&edit)
        .await
        .has("<textarea id=\"f-strengths\"")
        .has("Strong local reputation\nKnowledgeable staff\nCurated book selection\nCommunity atmosphere</textarea>")
        .has("Curation\nCommunity events\nPersonal service</textarea>");
    let p = b
        .submit(
            &edit,
            &url("swot"),
            &[
                (
                    "strengths",
                    "Loyal readers\n  \nA shop people like to visit \n",
                ),
                ("weaknesses", "No website"),
                ("opportunities", ""),
                ("threats", "Online giants\nRents"),
                ("value_proposition", "The right book, found for you"),
                ("differentiation", ""),
                ("core_competencies", "Curation\nEvents"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    assert_eq!(
        p.location.as_deref(),
        Some(&*format!("{}?done=saved", url("swot")))
    );
    let (swot, strategy) = stored(&srv).await;
    assert_eq!(
        swot.strengths,
        ["Loyal readers", "A shop people like to visit"]
    );
    assert_eq!(swot.weaknesses, ["No website"]);
    assert!(swot.opportunities.is_empty());
    assert_eq!(swot.threats, ["Online giants", "Rents"]);
    assert_eq!(
        strategy.value_proposition.as_deref(),
        Some("The right book, found for you")
    );
    assert_eq!(strategy.differentiation, None);
    assert_eq!(strategy.core_competencies, ["Curation", "Events"]);
    b.ok(&format!("{}?done=saved", url("swot")))
        .await
        .has("Saved.")
        .has("<li>Loyal readers</li>")
        .has("<li>Rents</li>")
        .has("The right book, found for you")
        .lacks("Strong local reputation")
        .has("None recorded.")
        .has("Not recorded.");
}

#[tokio::test]
async fn bad_lists_are_refused_beside_their_fields_and_nothing_is_stored() {
    let (srv, b) = demo().await;
    let before = stored(&srv).await;
    let long = "x".repeat(301);
    let p = b
        .submit(
            &url("swot/edit"),
            &url("swot"),
            &[
                ("strengths", "Loyal readers\nloyal readers"),
                ("weaknesses", &long),
                ("value_proposition", "A new proposition"),
                ("core_competencies", "Curation"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("Nothing was saved")
        .has("<p class=\"field-error\" id=\"f-strengths-error\">line 2: `loyal readers` is listed twice")
        .has("<p class=\"field-error\" id=\"f-weaknesses-error\">line 1: at most 300 characters an item, found 301")
        .has("Loyal readers\nloyal readers</textarea>")
        .has("A new proposition</textarea>");
    assert_eq!(stored(&srv).await, before);
}

#[tokio::test]
async fn a_viewer_sees_no_form_and_is_refused() {
    let (srv, _) = demo().await;
    let before = stored(&srv).await;
    srv.user("vic@example.com", false).await;
    srv.add_member(
        &srv.demo_owner().await,
        DEMO,
        "vic@example.com",
        Role::Viewer,
    )
    .await;
    let v = srv.browser();
    v.login("vic@example.com", PASSWORD).await;
    v.ok(&url("swot"))
        .await
        .has("Strong local reputation")
        .lacks("Edit the SWOT")
        .lacks("<textarea");
    assert_eq!(v.get(&url("swot/edit")).await.status, StatusCode::FORBIDDEN);
    let p = v
        .submit(&url("swot"), &url("swot"), &[("strengths", "Mine")])
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert_eq!(stored(&srv).await, before);
}

#[tokio::test]
async fn another_organisations_member_gets_not_found() {
    let (srv, _) = demo().await;
    let before = stored(&srv).await;
    let eve = srv.user("eve@example.com", true).await;
    srv.store.create_org(&eve, "acme", "Acme").await.unwrap();
    let b = srv.browser();
    b.login("eve@example.com", PASSWORD).await;
    for path in ["swot", "swot/edit"] {
        let p = b.get(&url(path)).await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "{path}");
        p.lacks("Strong local reputation");
    }
    let csrf = b.ok("/").await.csrf();
    let p = b
        .post_raw(&url("swot"), &[("csrf", &csrf), ("strengths", "Mine")])
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    assert_eq!(stored(&srv).await, before);
    b.ok("/orgs/acme/swot")
        .await
        .has("There is no plan for Acme yet.")
        .has("href=\"/orgs/acme/data\"");
}
