//! The risk pages.

use reqwest::StatusCode;
use sextant_store::{Change, Section};

use super::{DEMO, PASSWORD, demo};

const RISKS: &str = "/orgs/corner-bookstore/risks";

#[tokio::test]
async fn the_heat_map_and_register_show_the_demo_risks() {
    let (_srv, b) = demo().await;
    let p = b.ok(RISKS).await;
    p.has("<figure class=\"chart\"><div class=\"chart-scroll\"")
        .has("Risks by likelihood and impact");
    // From examples/corner-bookstore.yaml: the e-commerce breach is likelihood 2, impact 5:
    // score 10, high (10-16); its residual likelihood 1 gives 1 x 5 = 5, medium (5-9).
    p.has("E-commerce security breach and data leak")
        .has("<td>10 <span class=\"badge high\">high</span></td>")
        .has("<td>5 <span class=\"badge medium\">medium</span></td>");
    // Staff resistance to the CRM: 3 x 3 = 9 medium, residual 2 x 3 = 6.
    p.has("<td>9 <span class=\"badge medium\">medium</span></td>")
        .has("<td>6 <span class=\"badge medium\">medium</span></td>");
    // Likelihood and impact in words, not numbers alone.
    p.has("2 <span class=\"muted\">unlikely</span>")
        .has("5 <span class=\"muted\">severe</span>");
    // Highest score first: the breach (10) before the POS data risk (8).
    let breach = p.html.find("<td>ecommerce-breach</td>").unwrap();
    let pos = p.html.find("<td>pos-payment-data</td>").unwrap();
    assert!(breach < pos);
    // Each id is in the heat map.
    let svg = &p.html[p.html.find("<svg").unwrap()..p.html.find("</svg>").unwrap()];
    for id in ["ecommerce-breach", "crm-resistance", "analysis-complexity"] {
        assert!(svg.contains(id), "{id} in the heat map");
    }
    p.has("Add a risk");
}

/// Charts once: the page draws the report's heat map, the same SVG to the byte (the page had a
/// copy of its own that could follow other rules).
#[tokio::test]
async fn the_heat_map_is_the_reports() {
    let (srv, b) = demo().await;
    let p = b.ok(RISKS).await;
    let owner = srv.demo_owner().await;
    let scope = srv.store.scope(&owner, DEMO).await.unwrap();
    let plan = srv.store.plan(&scope).await.unwrap().unwrap();
    let svg = sextant_report::plan_charts::risk_heat_map(&plan).svg();
    p.has(&svg);
}

#[tokio::test]
async fn a_risk_is_added_changed_and_deleted() {
    let (srv, b) = demo().await;
    let new = format!("{RISKS}/new");
    let p = b
        .submit(
            &new,
            &new,
            &[
                ("id", "vendor-gone"),
                ("title", "The POS vendor closes"),
                ("category", "vendor"),
                ("initiative", "pos"),
                ("system", ""),
                ("likelihood", "1"),
                ("impact", "4"),
                ("mitigation", "Export the data every month"),
                ("owner", "Sarah"),
                ("residual_likelihood", ""),
                ("residual_impact", "2"),
                ("probability", "15%"),
                ("cost", "1,500"),
                ("delay_months", "2"),
            ],
        )
        .await;
    let p = b.follow(&p).await;
    // 1 x 4 = 4: low; residual 1 x 2 = 2.
    p.has("Added.")
        .has("The POS vendor closes")
        .has("<td>4 <span class=\"badge low\">low</span></td>")
        .has("<td>2 <span class=\"badge low\">low</span></td>")
        .has("Export the data every month");
    let doc = srv.demo_plan().await;
    let r = doc
        .risks
        .iter()
        .find(|r| r.id.as_str() == "vendor-gone")
        .unwrap();
    assert_eq!(r.probability, Some(0.15));
    assert_eq!(r.cost.unwrap().likely(), 1500.0);
    assert_eq!(r.residual_impact, Some(2));
    assert_eq!(r.residual_likelihood, None);

    let edit = format!("{RISKS}/vendor-gone");
    let p = b.ok(&edit).await;
    p.has("value=\"The POS vendor closes\"")
        .has("<option value=\"4\" selected>4 – major</option>")
        // The chance as it was typed, not the stored fraction 0.15.
        .has("name=\"probability\" value=\"15%\"");
    let p = b
        .submit(
            &edit,
            &edit,
            &[
                ("title", "The POS vendor closes"),
                ("category", "vendor"),
                ("initiative", "pos"),
                ("likelihood", "2"),
                ("impact", "4"),
                ("owner", "Sarah"),
            ],
        )
        .await;
    let p = b.follow(&p).await;
    p.has("Saved.")
        .has("<td>8 <span class=\"badge medium\">medium</span></td>");
    let doc = srv.demo_plan().await;
    let r = doc
        .risks
        .iter()
        .find(|r| r.id.as_str() == "vendor-gone")
        .unwrap();
    assert_eq!((r.likelihood, r.impact), (2, 4));
    assert_eq!(r.mitigation, None, "emptied on the form");

    let p = b.submit(&edit, &format!("{edit}/delete"), &[]).await;
    b.follow(&p)
        .await
        .has("Deleted.")
        .lacks("The POS vendor closes");
    assert!(
        !srv.demo_plan()
            .await
            .risks
            .iter()
            .any(|r| r.id.as_str() == "vendor-gone")
    );
}

#[tokio::test]
async fn a_three_point_cost_is_kept_when_the_form_leaves_it() {
    let (srv, b) = demo().await;
    let scope = srv
        .store
        .scope(&srv.demo_owner().await, DEMO)
        .await
        .unwrap();
    let mut r = srv
        .store
        .entity(&scope, Section::Risks, "crm-privacy")
        .await
        .unwrap()
        .body;
    r["cost"] = serde_json::json!({"low": 100, "likely": 200, "high": 400});
    r["probability"] = serde_json::json!(0.1);
    srv.store
        .change_plan(&scope, Change::Put(Section::Risks, "crm-privacy".into(), r))
        .await
        .unwrap();
    let edit = format!("{RISKS}/crm-privacy");
    let p = b.ok(&edit).await;
    p.has("value=\"200\"")
        .has("name=\"probability\" value=\"10%\"")
        .has("name=\"cost_low\" value=\"100\"")
        .has("name=\"cost_high\" value=\"400\"");
    let p = b
        .submit(
            &edit,
            &edit,
            &[
                ("title", "Customer records in the CRM misused or leaked"),
                ("category", "security"),
                ("initiative", "crm"),
                ("likelihood", "2"),
                ("impact", "5"),
                ("probability", "0.1"),
                ("cost", "200"),
            ],
        )
        .await;
    b.follow(&p).await;
    let doc = srv.demo_plan().await;
    let r = doc
        .risks
        .iter()
        .find(|r| r.id.as_str() == "crm-privacy")
        .unwrap();
    let c = r.cost.unwrap();
    assert_eq!(
        (c.low.to_f64(), c.likely.to_f64(), c.high.to_f64()),
        (100.0, 200.0, 400.0)
    );
    assert_eq!(r.impact, 5);
}

#[tokio::test]
async fn a_likelihood_of_7_is_refused_beside_it_and_nothing_is_stored() {
    let (srv, b) = demo().await;
    let before = srv.demo_plan().await;
    let edit = format!("{RISKS}/crm-resistance");
    let p = b
        .submit(
            &edit,
            &edit,
            &[
                ("title", "Staff resistance to the CRM and data-entry errors"),
                ("category", "adoption"),
                ("likelihood", "7"),
                ("impact", "3"),
                ("probability", "often"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("Nothing was saved.")
        .has("<p class=\"field-error\" id=\"f-likelihood-error\">expected a whole number from 1 to 5, found `7`")
        .has("id=\"f-probability-error\"")
        .has("value=\"often\"");
    // A probability above 1 is the plan check's to refuse: beside the field too.
    let p = b
        .submit(
            &edit,
            &edit,
            &[
                ("title", "Staff resistance to the CRM and data-entry errors"),
                ("category", "adoption"),
                ("likelihood", "3"),
                ("impact", "3"),
                ("probability", "3"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("id=\"f-probability-error\"");
    // A new risk without likelihood, and with an id taken.
    let new = format!("{RISKS}/new");
    let p = b
        .submit(
            &new,
            &new,
            &[("id", "crm-resistance"), ("title", "x"), ("impact", "2")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("id=\"f-likelihood-error\"")
        .has("id=\"f-id-error\"")
        .has("there is a risk `crm-resistance` already");
    assert_eq!(srv.demo_plan().await, before);
}

#[tokio::test]
async fn a_viewer_sees_no_forms_and_is_refused() {
    let (srv, _) = demo().await;
    let v = srv.demo_viewer().await;
    let p = v.ok(RISKS).await;
    p.has("E-commerce security breach").lacks("Add a risk");
    let p = v.ok(&format!("{RISKS}/ecommerce-breach")).await;
    p.has("Reputable platform")
        .has("2 – unlikely")
        .lacks("risks/ecommerce-breach/delete")
        .lacks("name=\"likelihood\"");
    assert_eq!(
        v.get(&format!("{RISKS}/new")).await.status,
        StatusCode::FORBIDDEN
    );
    let before = srv.demo_plan().await;
    for (action, fields) in [
        (
            format!("{RISKS}/new"),
            vec![
                ("id", "x"),
                ("title", "X"),
                ("likelihood", "1"),
                ("impact", "1"),
            ],
        ),
        (
            format!("{RISKS}/ecommerce-breach"),
            vec![("title", "X"), ("likelihood", "1"), ("impact", "1")],
        ),
        (format!("{RISKS}/ecommerce-breach/delete"), vec![]),
    ] {
        let p = v.submit(RISKS, &action, &fields).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{action}");
    }
    assert_eq!(srv.demo_plan().await, before);
}

#[tokio::test]
async fn another_organisations_member_gets_not_found() {
    let (srv, _) = demo().await;
    srv.user("stranger@example.com", false).await;
    let b = srv.browser();
    b.login("stranger@example.com", PASSWORD).await;
    for path in [
        RISKS.to_string(),
        format!("{RISKS}/ecommerce-breach"),
        format!("{RISKS}/new"),
    ] {
        assert_eq!(b.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn an_organisation_without_a_plan_is_sent_to_the_data_page() {
    let (_srv, b) = super::empty_org().await;
    b.ok("/orgs/empty/risks")
        .await
        .has("There is no plan for Empty Ltd yet.")
        .has("href=\"/orgs/empty/data\"");
    b.ok("/orgs/empty/risks/new")
        .await
        .has("href=\"/orgs/empty/data\"");
}

#[tokio::test]
async fn a_risks_cost_and_delay_take_a_range_on_the_form() {
    let (srv, b) = demo().await;
    let edit = format!("{RISKS}/crm-resistance");
    let p = b
        .submit(
            &edit,
            &edit,
            &[
                ("title", "Staff resistance to the CRM and data-entry errors"),
                ("category", "adoption"),
                ("initiative", "crm"),
                ("likelihood", "3"),
                ("impact", "3"),
                ("probability", "20%"),
                ("cost", "1,000"),
                ("cost_low", "500"),
                ("cost_high", "4,000"),
                ("delay_months", "1"),
                ("delay_months_low", "0"),
                ("delay_months_high", "3"),
            ],
        )
        .await;
    b.follow(&p).await;
    let doc = srv.demo_plan().await;
    let r = doc
        .risks
        .iter()
        .find(|r| r.id.as_str() == "crm-resistance")
        .unwrap();
    let c = r.cost.unwrap();
    assert_eq!(
        (c.low.to_f64(), c.likely.to_f64(), c.high.to_f64()),
        (500.0, 1000.0, 4000.0)
    );
    let d = r.delay_months.unwrap();
    assert_eq!(
        (d.low.to_f64(), d.likely.to_f64(), d.high.to_f64()),
        (0.0, 1.0, 3.0)
    );
    assert_eq!(r.probability, Some(0.2));
    // Shown again on the form, the ranges open.
    b.ok(&edit)
        .await
        .has("name=\"delay_months_high\" value=\"3\"")
        .has("<details class=\"range\" open>");
}
