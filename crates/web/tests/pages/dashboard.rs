//! The dashboard.

use crate::*;

#[tokio::test]
async fn the_dashboard_shows_goals_next_steps_spend_risks_and_checks() {
    let (_srv, b) = demo().await;
    let p = b.ok(&format!("/orgs/{DEMO}")).await;
    p.has("<h1>Dashboard</h1>")
        .has("aria-current=\"page\"")
        // Goals, each linking to its KPI page.
        .has("How the goals are doing")
        .has("Increase online sales revenue by 15% in the fiscal year")
        .has(&format!("href=\"/orgs/{DEMO}/kpis/"))
        // One-time spend of the five initiatives, from examples/corner-bookstore.yaml by hand:
        // POS 1,500 (its likely cost) + social/email 300 + e-commerce 3,000 + CRM 0 +
        // analytics 1,500 = 6,300; recurring 720 + 360 + 2,000 = 3,080 a year.
        .has("$6,300")
        .has("$3,080")
        // Next: the POS system starts first (2027-01).
        .has("Point-of-sale system with inventory management")
        // The spend chart, with its accessible title.
        .has("<svg")
        .has("Spend per fiscal period against budget")
        // The biggest risk: the e-commerce breach, likelihood x impact = 10.
        .has("score 10")
        .has("What the health checks warn about");
    let first_next = p.html.find("What the roadmap says comes next").unwrap();
    let pos = p.html[first_next..].find("Point-of-sale").unwrap();
    let ecommerce = p.html[first_next..].find("E-commerce platform").unwrap();
    assert!(
        pos < ecommerce,
        "the POS system comes before the e-commerce platform"
    );
}

#[tokio::test]
async fn an_organisation_without_a_plan_says_how_to_get_one() {
    let (_srv, b) = super::empty_org().await;
    b.ok("/orgs/empty")
        .await
        .has("There is no plan for Empty Ltd yet.")
        .has("href=\"/orgs/empty/data\"");
}

#[tokio::test]
async fn another_organisations_dashboard_is_not_found() {
    let (srv, _) = demo().await;
    srv.user("eve@example.com", false).await;
    let eve = srv.browser();
    eve.login("eve@example.com", PASSWORD).await;
    let p = eve.get(&format!("/orgs/{DEMO}")).await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    p.lacks("Corner Bookstore").lacks("$6,300");
}

#[tokio::test]
async fn what_comes_next_is_the_optimised_roadmaps_and_follows_the_budget() {
    let (srv, b) = demo().await;
    // Budgets cut to 30% ($1,800 in 2027, $1,200 in 2028): as the roadmap page finds at
    // budget=0.3, only the POS system ($1,500) and social media ($300) fit; the e-commerce
    // platform ($3,000) does not, nor what depends on it. The plan's own starts would still
    // list all five.
    // Seen first with the plan's budgets (and so kept by the server), then after the cut.
    b.ok(&format!("/orgs/{DEMO}"))
        .await
        .has("E-commerce platform, expansion and optimisation");
    let owner = srv.demo_owner().await;
    let scope = srv.store.scope(&owner, DEMO).await.unwrap();
    let constraints = serde_json::json!({
        "budget": [{"period": "2027", "amount": 1800}, {"period": "2028", "amount": 1200}],
        "staff_hours_per_month": 40,
        "max_concurrent": 2
    });
    srv.store
        .change_plan(
            &scope,
            sextant_store::Change::Put(
                sextant_store::Section::Constraints,
                String::new(),
                constraints,
            ),
        )
        .await
        .unwrap();
    let p = b.ok(&format!("/orgs/{DEMO}")).await;
    let at = p.html.find("What the roadmap says comes next").unwrap();
    let end = p.html[at..].find("<figure").unwrap();
    let next = &p.html[at..at + end];
    assert!(next.contains("Point-of-sale system"), "{next}");
    assert!(next.contains("Social media presence"), "{next}");
    assert!(!next.contains("E-commerce platform"), "{next}");
    assert!(!next.contains("Cloud CRM"), "{next}");
    p.has("What the optimised roadmap spends in each fiscal period");
}
