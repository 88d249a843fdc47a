//! Review meetings: the list, the form to record one, changing and deleting.

use sextant_store::{Paging, Role, Section};

use crate::*;

/// The demo's reviews as stored: (key, body).
async fn stored(srv: &Server) -> Vec<(String, serde_json::Value)> {
    let scope = srv
        .store
        .scope(&srv.demo_owner().await, DEMO)
        .await
        .unwrap();
    srv.store
        .entities(&scope, Section::Reviews, Paging::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|e| (e.key, e.body))
        .collect()
}

fn url(rest: &str) -> String {
    format!("/orgs/{DEMO}/{rest}")
}

/// A review form's fields.
fn review<'a>(date: &'a str, title: &'a str, kpis: &[&'a str]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("date", date),
        ("title", title),
        ("attendees", "Sarah\n\n Sam the consultant \n"),
        (
            "decisions",
            "Start the POS project in April\nLook at online sales again in June",
        ),
        ("notes", "Online sales grow steadily."),
    ];
    for k in kpis {
        f.push(("kpis", k));
    }
    f
}

#[tokio::test]
async fn a_review_is_recorded_with_its_kpis_latest_values() {
    let (srv, b) = demo().await;
    b.ok(&url("reviews"))
        .await
        .has("No review has been recorded yet.")
        .has("Record a review");
    let form = url("reviews/new");
    // The measured KPIs as check boxes, each with its latest value: online revenue's is the
    // plan's last measurement (examples/corner-bookstore.yaml, 2026-12: 69599).
    b.ok(&form)
        .await
        .has("<input type=\"checkbox\" id=\"f-kpis-")
        .has("name=\"kpis\" value=\"online_revenue\"")
        .has("Online revenue<span class=\"muted\"> – $69,599 in 2026-12</span>")
        .has("name=\"kpis\" value=\"revenue\"")
        // A KPI nothing measures is not offered.
        .lacks("value=\"uptime\"");
    let p = b
        .submit(
            &form,
            &url("reviews"),
            &review("2027-03-15", "March review", &["online_revenue", "revenue"]),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    assert_eq!(
        p.location.as_deref(),
        Some(&*format!("{}?done=created", url("reviews")))
    );
    let s = stored(&srv).await;
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].0, "2027-03-15-march-review");
    assert_eq!(
        s[0].1,
        serde_json::json!({
            "id": "2027-03-15-march-review",
            "date": "2027-03-15",
            "title": "March review",
            "attendees": ["Sarah", "Sam the consultant"],
            "kpis": ["online_revenue", "revenue"],
            "decisions": ["Start the POS project in April", "Look at online sales again in June"],
            "notes": "Online sales grow steadily.",
        })
    );
    let p = b.ok(&format!("{}?done=created", url("reviews"))).await;
    p.has("Created.")
        .has("2027-03-15 – March review")
        .has("Attendees: Sarah, Sam the consultant")
        .has(&format!(
            "<th scope=\"row\"><a href=\"/orgs/{DEMO}/kpis/online_revenue\">Online revenue</a></th><td class=\"num\">$69,599</td><td>2026-12</td>"
        ))
        .has(&format!("href=\"/orgs/{DEMO}/kpis/revenue\""))
        .has("<li>Start the POS project in April</li>")
        .has("Online sales grow steadily.");
}

#[tokio::test]
async fn reviews_are_listed_newest_first_changed_and_deleted() {
    let (srv, b) = demo().await;
    let form = url("reviews/new");
    for (date, title) in [
        ("2027-01-10", "January review"),
        ("2027-04-10", "April review"),
        ("2027-02-10", "February review"),
    ] {
        let p = b
            .submit(&form, &url("reviews"), &review(date, title, &["orders"]))
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    }
    let p = b.ok(&url("reviews")).await;
    let at = |t: &str| p.html.find(t).unwrap();
    assert!(at("April review") < at("February review"));
    assert!(at("February review") < at("January review"));

    // Changed: the form holds what is stored; the KPI is unticked and the title changed.
    let edit = url("reviews/2027-02-10-february-review");
    b.ok(&edit)
        .await
        .has("value=\"2027-02-10\"")
        .has("value=\"February review\"")
        .has("name=\"kpis\" value=\"orders\" checked")
        .has("Sarah\nSam the consultant</textarea>");
    let p = b
        .submit(
            &edit,
            &edit,
            &[
                ("date", "2027-02-11"),
                ("title", "February review (moved)"),
                ("decisions", "None"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let s = stored(&srv).await;
    let (_, body) = s
        .iter()
        .find(|(k, _)| k == "2027-02-10-february-review")
        .unwrap();
    assert_eq!(body["title"], "February review (moved)");
    assert_eq!(body["date"], "2027-02-11");
    assert_eq!(body["kpis"], serde_json::json!([]));
    assert_eq!(body["attendees"], serde_json::json!([]));
    b.ok(&format!("{}?done=saved", url("reviews")))
        .await
        .has("Saved.")
        .has("2027-02-11 – February review (moved)");

    let p = b.submit(&edit, &format!("{edit}/delete"), &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(stored(&srv).await.len(), 2);
    b.ok(&format!("{}?done=deleted", url("reviews")))
        .await
        .has("Deleted.")
        .lacks("February review");
    assert_eq!(b.get(&edit).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_bad_date_is_refused_beside_its_field_and_nothing_is_stored() {
    let (srv, b) = demo().await;
    let form = url("reviews/new");
    let p = b
        .submit(
            &form,
            &url("reviews"),
            &review("2027-02-30", "A review", &["orders"]),
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("Nothing was saved")
        .has("<p class=\"field-error\" id=\"f-date-error\">expected a calendar date YYYY-MM-DD, found `2027-02-30`")
        .has("value=\"A review\"")
        .has("name=\"kpis\" value=\"orders\" checked")
        .has("Start the POS project in April\nLook at online sales again in June</textarea>");
    let p = b
        .submit(
            &form,
            &url("reviews"),
            &review("2027-02-03", "", &["no_such_kpi"]),
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("<p class=\"field-error\" id=\"f-title-error\">this field is required")
        .has(
            "<p class=\"field-error\" id=\"f-kpis-error\">`no_such_kpi` is not a KPI measured here",
        );
    assert!(stored(&srv).await.is_empty());
}

#[tokio::test]
async fn a_viewer_sees_no_forms_and_is_refused() {
    let (srv, b) = demo().await;
    let p = b
        .submit(
            &url("reviews/new"),
            &url("reviews"),
            &review("2027-03-15", "March review", &[]),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
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
    v.ok(&url("reviews"))
        .await
        .has("March review")
        .lacks("Record a review")
        .lacks("Change or delete");
    let one = url("reviews/2027-03-15-march-review");
    v.ok(&one)
        .await
        .has("Sarah, Sam the consultant")
        .lacks("name=\"title\"")
        .lacks("Delete the review");
    assert_eq!(
        v.get(&url("reviews/new")).await.status,
        StatusCode::FORBIDDEN
    );
    let p = v
        .submit(
            &url("reviews"),
            &url("reviews"),
            &review("2027-04-01", "Mine", &[]),
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let p = v
        .submit(&one, &one, &review("2027-04-01", "Mine", &[]))
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let p = v.submit(&one, &format!("{one}/delete"), &[]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert_eq!(stored(&srv).await, before);
}

#[tokio::test]
async fn another_organisations_member_gets_not_found() {
    let (srv, b) = demo().await;
    let p = b
        .submit(
            &url("reviews/new"),
            &url("reviews"),
            &review("2027-03-15", "March review", &[]),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let eve = srv.user("eve@example.com", true).await;
    srv.store.create_org(&eve, "acme", "Acme").await.unwrap();
    let e = srv.browser();
    e.login("eve@example.com", PASSWORD).await;
    for path in ["reviews", "reviews/new", "reviews/2027-03-15-march-review"] {
        let p = e.get(&url(path)).await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "{path}");
        p.lacks("March review");
    }
    let csrf = e.ok("/").await.csrf();
    let p = e
        .post_raw(
            &url("reviews/2027-03-15-march-review/delete"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    assert_eq!(stored(&srv).await.len(), 1);
    // Her own organisation has no plan and no data: a review can be recorded all the same.
    e.ok("/orgs/acme/reviews/new")
        .await
        .has("No KPI is measured yet.");
    let p = e
        .submit(
            "/orgs/acme/reviews/new",
            "/orgs/acme/reviews",
            &review("2027-03-01", "Kick-off", &[]),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    e.ok("/orgs/acme/reviews")
        .await
        .has("2027-03-01 – Kick-off");
}
