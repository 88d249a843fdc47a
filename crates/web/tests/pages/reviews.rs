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
        .has("20 October 2026 – Autumn review")
        .has("Record a review");
    let form = url("reviews/new");
    // The measured KPIs as check boxes, each with its latest value: online revenue's is the
    // plan's last measurement (examples/corner-bookstore.yaml, 2026-12: 69599).
    b.ok(&form)
        .await
        .has("<input type=\"checkbox\" id=\"f-kpis-")
        .has("name=\"kpis\" value=\"online_revenue\"")
        .has("Online revenue<span class=\"muted\"> – $69,599 in December 2026</span>")
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
    // Beside the demo's autumn review.
    assert_eq!(s.len(), 2);
    let (_, body) = s
        .iter()
        .find(|(k, _)| k == "2027-03-15-march-review")
        .unwrap();
    // The KPIs as they stood on the review's day are kept with it: online revenue's last
    // figure up to March 2027 is the plan's 2026-12 one; revenue's, from the orders.
    let mut body = body.clone();
    let snapshot = body.as_object_mut().unwrap().remove("snapshot").unwrap();
    assert_eq!(
        snapshot[0],
        serde_json::json!({"kpi": "online_revenue", "month": "2026-12", "value": 69599.0})
    );
    assert_eq!(snapshot[1]["kpi"], "revenue");
    assert!(snapshot[1]["value"].as_f64().unwrap() > 0.0, "{snapshot}");
    assert_eq!(
        body,
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
        .has("15 March 2027 – March review")
        .has("Attendees: Sarah, Sam the consultant")
        .has(&format!(
            "<th scope=\"row\"><a href=\"/orgs/{DEMO}/kpis/online_revenue\">Online revenue</a></th><td class=\"num\">$69,599</td><td>December 2026</td><td class=\"num\">$69,599</td><td>December 2026</td>"
        ))
        .has(&format!("href=\"/orgs/{DEMO}/kpis/revenue\""))
        .has("<li>Start the POS project in April</li>")
        .has("Online sales grow steadily.");

    // A figure typed later for January 2027 is the latest now; the review keeps what it saw.
    let page = url("kpis/online_revenue");
    let p = b
        .submit(
            &page,
            &url("kpis/online_revenue/values"),
            &[("month", "2027-01"), ("value", "71,000")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    b.ok(&url("reviews")).await.has(&format!(
        "<th scope=\"row\"><a href=\"/orgs/{DEMO}/kpis/online_revenue\">Online revenue</a></th><td class=\"num\">$69,599</td><td>December 2026</td><td class=\"num\">$71,000</td><td>January 2027</td>"
    ));
    // Saving the review again (a note changed) keeps its figures as they were.
    let mut fields = review("2027-03-15", "March review", &["online_revenue", "revenue"]);
    fields.retain(|(k, _)| *k != "notes");
    fields.push(("notes", "Checked again."));
    let edit = url("reviews/2027-03-15-march-review");
    let p = b
        .submit(&edit, &url("reviews/2027-03-15-march-review"), &fields)
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let s = stored(&srv).await;
    let (_, again) = s
        .iter()
        .find(|(k, _)| k == "2027-03-15-march-review")
        .unwrap();
    assert_eq!(again["snapshot"], snapshot);
    assert_eq!(again["notes"], "Checked again.");
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
        .has("11 February 2027 – February review (moved)");

    let p = b.submit(&edit, &format!("{edit}/delete"), &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(stored(&srv).await.len(), 3);
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
    assert_eq!(stored(&srv).await.len(), 1);
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
    assert_eq!(stored(&srv).await.len(), 2);
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
        .has("1 March 2027 – Kick-off");
}

/// The demo's autumn review (examples in `sextant_web::demo::REVIEW`): its open actions on the
/// Reviews page with the one overdue since November flagged, its decisions on the next agenda,
/// a status set from the table, a review recorded with an action, the rhythm changed; bad
/// values refused beside their fields with nothing stored.
#[tokio::test]
async fn the_agenda_and_the_actions_carried_until_done() {
    let (srv, b) = demo().await;
    const AUTUMN: &str = "2026-10-20-autumn-review";
    let p = b.ok(&url("reviews")).await;
    p.has("The next review")
        .has("Agenda for the next review")
        .has("Prepared from what changed since 20 October 2026")
        .has("Decided on 20 October 2026: Replace the till before Windows 10 support runs out. Has it been done?")
        .has("<th scope=\"row\">Get two quotes for a new till</th><td>Sarah</td><td>30 November 2026 <span class=\"badge bad\">Overdue</span></td>")
        .has("<th scope=\"row\">Write down who to call when the card reader fails</th>")
        // Done actions are not carried.
        .lacks("<th scope=\"row\">Test restoring last week's backup</th>")
        // The asset register's warnings (two machines out of warranty).
        .has("<span class=\"badge\">Devices and software</span>")
        .has(&format!("action=\"/orgs/{DEMO}/reviews/{AUTUMN}/actions/1\""))
        .has("<label class=\"visually-hidden\" for=\"status-0\">");

    // Done from the table: no longer open, kept done on the review.
    let p = b
        .submit(
            &url("reviews"),
            &url(&format!("reviews/{AUTUMN}/actions/1")),
            &[("status", "done")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let s = stored(&srv).await;
    let (_, autumn) = s.iter().find(|(k, _)| k == AUTUMN).unwrap();
    assert_eq!(autumn["actions"][1]["status"], "done");
    b.ok(&url("reviews"))
        .await
        .lacks("<th scope=\"row\">Get two quotes for a new till</th>")
        .has("Get two quotes for a new till (Sarah), due by 30 November 2026: done");
    // A status that is not one is refused and changes nothing.
    let p = b
        .submit(
            &url("reviews"),
            &url(&format!("reviews/{AUTUMN}/actions/2")),
            &[("status", "finished")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(stored(&srv).await, s);

    // A review recorded with its actions: blank rows are left out; a bad due date is refused
    // beside its field, the rows kept as typed.
    let form = url("reviews/new");
    b.ok(&form)
        .await
        .has("<label for=\"f-action_title_0\">Action 1</label>")
        .has("name=\"action_due_2\"");
    let mut f = review("2027-01-20", "Winter review", &[]);
    f.extend([
        ("action_title_0", "Order the new till"),
        ("action_owner_0", "Sarah"),
        ("action_due_0", "2027-02-30"),
        ("action_status_0", "open"),
    ]);
    let p = b.submit(&form, &url("reviews"), &f).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("<p class=\"field-error\" id=\"f-action_due_0-error\">expected a calendar date YYYY-MM-DD, found `2027-02-30`")
        .has("value=\"Order the new till\"");
    assert_eq!(stored(&srv).await.len(), 1);
    let at = f.len() - 2;
    f[at] = ("action_due_0", "2027-02-28");
    f.push(("action_owner_1", "Sam"));
    let p = b.submit(&form, &url("reviews"), &f).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("<p class=\"field-error\" id=\"f-action_title_1-error\">expected what is to be done");
    f.pop();
    let p = b.submit(&form, &url("reviews"), &f).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let s = stored(&srv).await;
    let (_, winter) = s
        .iter()
        .find(|(k, _)| k == "2027-01-20-winter-review")
        .unwrap();
    assert_eq!(
        winter["actions"],
        serde_json::json!([{"title": "Order the new till", "owner": "Sarah", "due": "2027-02-28", "status": "open"}])
    );
    // Its form shows the action, and three blank rows under it.
    b.ok(&url("reviews/2027-01-20-winter-review"))
        .await
        .has("value=\"Order the new till\"")
        .has("name=\"action_title_3\"")
        .lacks("name=\"action_title_4\"");

    // The rhythm: monthly; a rhythm not offered is refused.
    let p = b
        .submit(
            &url("reviews"),
            &url("review-rhythm"),
            &[("review_every_months", "1")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let scope = srv
        .store
        .scope(&srv.demo_owner().await, DEMO)
        .await
        .unwrap();
    let plan = srv.store.plan(&scope).await.unwrap().unwrap();
    assert_eq!(plan.doc().organization.review_every_months, Some(1));
    b.ok(&url("reviews"))
        .await
        .has("Reviews are held every month");
    let p = b
        .submit(
            &url("reviews"),
            &url("review-rhythm"),
            &[("review_every_months", "5")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("expected 1, 2, 3, 4, 6 or 12 months, found “5”");
    let plan = srv.store.plan(&scope).await.unwrap().unwrap();
    assert_eq!(plan.doc().organization.review_every_months, Some(1));
}

/// The client's answers on a review's page: a viewer (the client) sees each change proposed
/// with its start and costs and the budget, approves the CRM with a comment (kept with their
/// name, the day and what they were shown; the CRM becomes planned), declines the budget; the
/// Reviews page counts the answers; the owner pins the approved change at its month; another
/// organisation's member gets 404 and a forged form 403, with nothing stored.
#[tokio::test]
async fn a_client_answers_on_the_review_page_and_the_owner_pins() {
    let (srv, b) = demo().await;
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
    let one = url("reviews/2026-10-20-autumn-review");
    let page = v.ok(&one).await;
    page.has("Your answers to what this review proposes")
        .has("Approve Cloud CRM")
        .has("Decline the budget")
        .has("to set up")
        .has("Not answered yet.")
        .lacks("Keep it on the roadmap");
    let answers = format!("{one}/answers");
    let p = v
        .submit(
            &one,
            &answers,
            &[
                ("about", "initiative"),
                ("initiative", "crm"),
                ("verdict", "approved"),
                ("comment", "Go ahead in spring"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let p = v
        .submit(
            &one,
            &answers,
            &[
                ("about", "budget"),
                ("verdict", "declined"),
                ("comment", ""),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    v.ok(&format!("{one}?done=answered"))
        .await
        .has("Your answer is saved")
        .has("1 approved, 1 declined so far.")
        .has("<strong>Approved</strong> by vic")
        .has("“Go ahead in spring”")
        .has("<strong>Declined</strong> by vic")
        .has("What was shown then: Starts ");
    v.ok(&url("reviews"))
        .await
        .has("Answers: 1 approved, 1 declined.");
    let (_, r) = stored(&srv)
        .await
        .into_iter()
        .find(|(k, _)| k == "2026-10-20-autumn-review")
        .unwrap();
    assert_eq!(r["answers"][0]["initiative"], "crm");
    assert_eq!(r["answers"][0]["by"], "vic");
    assert_eq!(r["answers"][1]["about"], "budget");
    assert!(r["answers"][1].get("comment").is_none(), "{r}");
    let scope = srv
        .store
        .scope(&srv.demo_owner().await, DEMO)
        .await
        .unwrap();
    let crm = srv
        .store
        .entity(&scope, Section::Initiatives, "crm")
        .await
        .unwrap()
        .body;
    assert_eq!(crm["status"], "planned");

    // A viewer cannot pin; the owner can, at the month the roadmap shows.
    let pin = format!("{one}/pin/crm");
    let p = v.submit(&one, &pin, &[]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let page = b.ok(&one).await;
    let at = page
        .html
        .split("Keep it on the roadmap from ")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_string();
    let p = b.submit(&one, &pin, &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    b.ok(&format!("{one}?done=pinned"))
        .await
        .has("Kept on the roadmap: its start is fixed.")
        .lacks("Keep it on the roadmap from");
    let crm = srv
        .store
        .entity(&scope, Section::Initiatives, "crm")
        .await
        .unwrap()
        .body;
    assert_eq!(crm["mandatory"], true);
    let start = sextant_core::model::Month::parse(crm["start"].as_str().unwrap()).unwrap();
    assert_eq!(sextant_core::calendar::month_words(start), at);

    // Another organisation's member: 404, nothing stored.
    let before = stored(&srv).await;
    let eve = srv.user("eve@example.com", true).await;
    srv.store.create_org(&eve, "acme", "Acme").await.unwrap();
    let e = srv.browser();
    e.login("eve@example.com", PASSWORD).await;
    let csrf = e.ok("/").await.csrf();
    let p = e
        .post_raw(
            &answers,
            &[
                ("csrf", &csrf),
                ("about", "budget"),
                ("verdict", "approved"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    // A form without the session's token: refused.
    let p = v
        .post_raw(
            &answers,
            &[
                ("csrf", "forged"),
                ("about", "budget"),
                ("verdict", "approved"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert_eq!(stored(&srv).await, before);
}

/// The packs handed over, on the review's page: the owner makes and keeps one, it is listed
/// with its link, which gives the PDF; a viewer sees the list without the forms and is refused
/// a pack; the owner deletes it.
#[tokio::test]
async fn a_pack_is_kept_on_the_review_page() {
    let (srv, b) = demo().await;
    let one = url("reviews/2026-10-20-autumn-review");
    b.ok(&one)
        .await
        .has("Packs handed over")
        .has("No pack is kept with this review yet.")
        .has("Make and keep the pack");
    let p = b
        .submit(&one, &format!("{one}/packs"), &[("format", "slides")])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let page = b.ok(&format!("{one}?done=kept")).await;
    page.has("The pack is made and kept with this review.")
        .has("-slides.pdf</a> – slides, ");
    let href = page
        .html
        .split("href=\"/api/v1/orgs/corner-bookstore/reviews/2026-10-20-autumn-review/packs/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let pdf = b
        .get(&format!(
            "/api/v1/orgs/{DEMO}/reviews/2026-10-20-autumn-review/packs/{href}"
        ))
        .await;
    assert_eq!(pdf.status, StatusCode::OK);

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
    v.ok(&one)
        .await
        .has("-slides.pdf</a>")
        .lacks("Make and keep the pack")
        .lacks(">Delete</button>");
    let p = v
        .submit(&one, &format!("{one}/packs"), &[("format", "pdf")])
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);

    let p = b
        .submit(&one, &format!("{one}/packs/{href}/delete"), &[])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    b.ok(&one)
        .await
        .has("No pack is kept with this review yet.");
}
