//! The initiative pages.

use reqwest::StatusCode;
use sextant_report::format::money;

use super::{DEMO, PASSWORD, demo};

const INITIATIVES: &str = "/orgs/corner-bookstore/initiatives";

/// The monthly discount factor of the demo's 8% a year.
fn delta() -> f64 {
    1.08f64.powf(-1.0 / 12.0)
}

/// The CRM's months of net benefit: its business case starts once the e-commerce platform
/// (months 3-8, after the POS in months 0-2) has finished, in month 9 (2027-10); six months
/// with no one-time cost, then benefits from month 15 to the end of the 36-month evaluation.
fn crm_benefit_months() -> impl Iterator<Item = i32> {
    15..36
}

/// The CRM's NPV worked by hand from examples/corner-bookstore.yaml: (15,000 - 2,000) / 12 a
/// month in each of its benefit months, each discounted to the plan's start by 1.08^(-t/12).
fn crm_npv() -> f64 {
    crm_benefit_months()
        .map(|t| 13_000.0 / 12.0 * delta().powi(t))
        .sum()
}

#[tokio::test]
async fn the_list_shows_each_business_case() {
    let (_srv, b) = demo().await;
    let p = b.ok(INITIATIVES).await;
    // First-year ROI per product.md: CRM (15,000 - 2,000) / 2,000 = 650%; e-commerce
    // (10,000 - 3,000) / 3,000 = 233.3%.
    p.has("Cloud CRM integrated with POS and e-commerce")
        .has("<td class=\"num\">650%</td>")
        .has("<td class=\"num\">233.3%</td>")
        .has(&format!(
            "<td class=\"num\">{}</td>",
            money(crm_npv(), "USD")
        ));
    // The e-commerce platform is the one exploration.
    assert_eq!(p.count("<td>Explore</td>"), 1);
    // Every initiative is in the portfolio; its one-time costs add up to
    // 1,500 + 300 + 3,000 + 0 + 1,500 = 6,300.
    p.has("Portfolio (5 initiatives)")
        .has("<td class=\"num\">$6,300</td>");
    p.has("Add an initiative");
}

#[tokio::test]
async fn the_business_case_page_shows_the_crm_figures() {
    let (_srv, b) = demo().await;
    let p = b.ok(&format!("{INITIATIVES}/crm")).await;
    p.has("<strong>650%</strong> = ($15,000 − $2,000) / $2,000")
        .has(&format!("<strong>{}</strong>", money(crm_npv(), "USD")));
    // Cash flows by year, by hand: 2027 three months building (no cost); 2028 three more
    // months building, then nine months of 2,000 / 12 cost and 15,000 / 12 benefit; 2029 a
    // whole year of each.
    p.has("<figure class=\"chart\"><div class=\"chart-scroll\"")
        .has("<th scope=\"row\">2027</th><td class=\"num\">$0</td><td class=\"num\">$0</td><td class=\"num\">$0</td>")
        .has("<th scope=\"row\">2028</th><td class=\"num\">-$1,500</td><td class=\"num\">$11,250</td><td class=\"num\">$9,750</td>")
        .has("<th scope=\"row\">2029</th><td class=\"num\">-$2,000</td><td class=\"num\">$15,000</td><td class=\"num\">$13,000</td>");
    // Its benefit is a range, 7,500 to 18,000 a year (likely 15,000): the simulation has a
    // spread to draw, and the benefit swings the NPV from (7,500 - 2,000) / 12 a month to
    // (18,000 - 2,000) / 12 over its benefit months.
    p.lacks("every trial gives the same NPV")
        .has("P10 / P50 / P90")
        .has("NPV: cumulative probability");
    let months = || crm_benefit_months().map(|t| delta().powi(t) / 12.0);
    let cents = |x: f64| money((x * 100.0).round() / 100.0, "USD");
    let (low, high) = (
        5_500.0 * months().sum::<f64>(),
        16_000.0 * months().sum::<f64>(),
    );
    p.has(&format!(
        "<th scope=\"row\">Benefit: Retention and repeat purchases, 10% of sales</th><td class=\"num\">{}</td><td class=\"num\">{}</td>",
        cents(low),
        cents(high)
    ));
    // Goals (online sales, strength 2), dependencies both ways, and its two risks.
    p.has("Increase online sales revenue by 15% in the fiscal year")
        .has("2 – clear")
        .has("href=\"/orgs/corner-bookstore/initiatives/pos\"")
        .has("href=\"/orgs/corner-bookstore/initiatives/ecommerce\"")
        .has("These wait for it:")
        .has("Data analytics and inventory optimisation")
        .has("Customer records in the CRM misused or leaked")
        .has("Staff resistance to the CRM and data-entry errors");
    p.has("Edit this initiative");
}

/// Every demo initiative has a cost or a benefit with a range (examples/corner-bookstore.yaml),
/// so every business case shows a spread of NPVs, its P10 below its P90.
#[tokio::test]
async fn every_demo_business_case_shows_a_spread() {
    let (_srv, b) = demo().await;
    // A yearly return in the thousands of percent is explained, not shown as a figure.
    b.ok(&format!("{INITIATIVES}/social-email"))
        .await
        .has("above 1,000% a year")
        .has("past that point the rate says nothing more");
    for id in ["pos", "social-email", "ecommerce", "crm", "analytics"] {
        let p = b.ok(&format!("{INITIATIVES}/{id}")).await;
        p.lacks("every trial gives the same NPV")
            .has("NPV: cumulative probability");
        let html = &p.html;
        let q = html
            .split("P10 / P50 / P90</dt><dd>")
            .nth(1)
            .unwrap_or_else(|| panic!("{id}: no P10 / P50 / P90"));
        let q = &q[..q.find("</dd>").unwrap()];
        let figures: Vec<f64> = q
            .split(" / ")
            .map(|x| x.replace(['$', ','], "").parse::<f64>().unwrap())
            .collect();
        assert!(figures[0] < figures[2], "{id}: {q}");
    }
}

#[tokio::test]
async fn the_pos_case_is_simulated_with_its_three_point_cost() {
    let (_srv, b) = demo().await;
    let p = b.ok(&format!("{INITIATIVES}/pos")).await;
    p.has("2000 trials (seed 1)")
        .has("NPV: cumulative probability")
        // The curve is drawn through quantiles, and says how many trials they stand for.
        .has("Cumulative probability of 2000 simulated outcomes")
        .has("What moves the NPV most")
        .has("<th scope=\"row\">One-time cost</th>");
    // The POS one-time cost runs from 1,200 to 2,200, spread over months 0-2 from the
    // plan's start: the NPV's swing is 1,000 / 3 x (1 + d + d^2).
    let d = delta();
    let swing = 1000.0 / 3.0 * (1.0 + d + d * d);
    p.has(&format!(
        "<td class=\"num\">{}</td></tr>",
        money((swing * 100.0).round() / 100.0, "USD")
    ));
    // With every input likely, the simulation's NPV is the business case's.
    let html = &p.html;
    let case = html
        .split("Net present value</dt><dd><strong>")
        .nth(1)
        .unwrap();
    let case = &case[..case.find('<').unwrap()];
    p.has(&format!(
        "NPV with every input at its likely value</dt><dd>{case}</dd>"
    ));
}

#[tokio::test]
async fn editing_keeps_what_the_form_does_not_show() {
    let (srv, b) = demo().await;
    let edit = format!("{INITIATIVES}/pos/edit");
    let p = b.ok(&edit).await;
    p.has("value=\"1500\"")
        // The stored range is shown, its disclosure open.
        .has("name=\"one_time_cost_low\" value=\"1200\"")
        .has("name=\"one_time_cost_high\" value=\"2200\"")
        .has("<details class=\"range\" open>")
        // No fixed start (the roadmap chooses the month), and what it replaces.
        .has("name=\"start\" value=\"\"")
        .has("name=\"replaces\" value=\"register\" checked")
        // Every benefit has its row, and one more row adds a benefit.
        .has("<legend>Benefit 2</legend>")
        .has("name=\"benefit_annual_2\" value=\"2500\"")
        .has("<legend>Another benefit</legend>")
        .has("name=\"mandatory\" value=\"on\" checked");
    let p = b
        .submit(
            &edit,
            &edit,
            &[
                ("title", "Cloud point of sale with inventory"),
                ("description", ""),
                ("kind", "exploit"),
                ("status", "in_progress"),
                ("owner", "Sarah"),
                ("one_time_cost", "1500"),
                ("recurring_cost_annual", "840"),
                ("duration_months", "3"),
                ("effort_hours_per_month", "20"),
                ("benefit_kind", "saving"),
                ("benefit_annual", "1800"),
                ("benefit_goal", "inventory-cost"),
                ("contributes.inventory-cost", "3"),
                ("contributes.stockouts", "3"),
                ("contributes.online-sales", "0"),
                ("mandatory", "on"),
            ],
        )
        .await;
    let p = b.follow(&p).await;
    p.has("Saved.").has("Cloud point of sale with inventory");
    let doc = srv.demo_plan().await;
    let pos = doc
        .initiatives
        .iter()
        .find(|i| i.id.as_str() == "pos")
        .unwrap();
    assert_eq!(pos.title, "Cloud point of sale with inventory");
    assert_eq!(pos.recurring_cost_annual.likely(), 840.0);
    assert_eq!(pos.status, sextant_core::model::Status::InProgress);
    // Kept: the three-point one-time cost, the vendor, no fixed start, what it replaces, the
    // training plan, the second benefit with its range and the first one's description.
    assert_eq!(
        (
            pos.one_time_cost.low.to_f64(),
            pos.one_time_cost.likely.to_f64(),
            pos.one_time_cost.high.to_f64()
        ),
        (1200.0, 1500.0, 2200.0)
    );
    assert_eq!(pos.vendor.as_deref(), Some("Cloud POS provider"));
    assert_eq!(pos.start, None);
    assert_eq!(pos.replaces.len(), 2);
    assert!(pos.training.is_some());
    assert!(pos.handles_customer_data);
    assert_eq!(pos.benefits.len(), 2);
    assert_eq!(pos.benefits[0].annual.likely(), 1800.0);
    assert_eq!(
        pos.benefits[0].description.as_deref(),
        Some("No more hand stock counts")
    );
    let b2 = &pos.benefits[1].annual;
    assert_eq!(
        (b2.low.to_f64(), b2.likely.to_f64(), b2.high.to_f64()),
        (1250.0, 2500.0, 3000.0)
    );
    // Emptied on the form: gone. A strength of 0 it did state stays stated.
    assert_eq!(pos.description, None);
    assert_eq!(
        pos.contributes
            .get(&sextant_core::model::Id::parse("online-sales").unwrap()),
        Some(&0)
    );
}

#[tokio::test]
async fn an_initiative_is_added_and_deleted() {
    let (srv, b) = demo().await;
    let new = format!("{INITIATIVES}/new");
    let p = b
        .submit(
            &new,
            &new,
            &[
                ("id", "chat"),
                ("title", "Live chat on the web shop"),
                ("description", "Answer questions while people browse"),
                ("kind", "explore"),
                ("status", "candidate"),
                ("owner", "Sarah"),
                ("one_time_cost", "400"),
                ("recurring_cost_annual", "600"),
                ("duration_months", "2"),
                ("effort_hours_per_month", "5"),
                ("depends_on", "pos"),
                ("depends_on", "ecommerce"),
                ("benefit_kind", "revenue"),
                ("benefit_annual", "2,000"),
                ("benefit_goal", "online-sales"),
                ("contributes.online-sales", "2"),
                ("contributes.reach", "1"),
            ],
        )
        .await;
    assert_eq!(
        p.location.as_deref(),
        Some("/orgs/corner-bookstore/initiatives/chat?done=added")
    );
    let p = b.follow(&p).await;
    // ROI by hand: (2,000 - (400 + 600)) / 1,000 = 100%.
    p.has("Added.")
        .has("Live chat on the web shop")
        .has("<strong>100%</strong>");
    let doc = srv.demo_plan().await;
    let chat = doc
        .initiatives
        .iter()
        .find(|i| i.id.as_str() == "chat")
        .unwrap();
    assert_eq!(chat.depends_on.len(), 2);
    assert_eq!(chat.contributes.len(), 2);
    assert!(!chat.mandatory);
    assert_eq!(chat.kind, sextant_core::model::InitiativeKind::Explore);

    let edit = format!("{INITIATIVES}/chat/edit");
    let p = b
        .submit(&edit, &format!("{INITIATIVES}/chat/delete"), &[])
        .await;
    b.follow(&p)
        .await
        .has("Deleted.")
        .lacks("Live chat on the web shop");
    assert!(
        !srv.demo_plan()
            .await
            .initiatives
            .iter()
            .any(|i| i.id.as_str() == "chat")
    );
}

#[tokio::test]
async fn bad_values_are_refused_beside_their_fields_and_nothing_is_stored() {
    let (srv, b) = demo().await;
    let before = srv.demo_plan().await;
    let new = format!("{INITIATIVES}/new");
    let p = b
        .submit(
            &new,
            &new,
            &[
                ("id", "x"),
                ("title", ""),
                ("one_time_cost", "a lot"),
                ("duration_months", "0"),
                ("contributes.reach", "4"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("id=\"f-title-error\"")
        .has("id=\"f-one_time_cost-error\"")
        .has("value=\"a lot\"")
        .has("id=\"f-duration_months-error\"")
        .has("expected a whole number from 1 to 1200, found `0`")
        .has("id=\"f-contributes.reach-error\"");
    // A cycle only the plan's check finds: the POS made to wait for the CRM, which waits for
    // the POS. Its message goes beside the dependencies.
    let edit = format!("{INITIATIVES}/pos/edit");
    let p = b
        .submit(
            &edit,
            &edit,
            &[
                ("title", "Point-of-sale system with inventory management"),
                ("status", "planned"),
                ("one_time_cost", "1500"),
                ("duration_months", "3"),
                ("depends_on", "crm"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("Nothing was saved.");
    assert!(
        p.html.contains("id=\"f-depends_on-error\""),
        "the cycle beside the dependencies: {}",
        &p.html[p.html.find("class=\"errors\"").unwrap()..][..600]
    );
    // Deleting the CRM, which the analytics initiative and two risks name.
    let p = b
        .submit(
            &format!("{INITIATIVES}/crm/edit"),
            &format!("{INITIATIVES}/crm/delete"),
            &[],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("is still named by the initiative Data analytics and inventory optimisation (it depends on it)");
    assert_eq!(srv.demo_plan().await, before);
}

#[tokio::test]
async fn a_viewer_sees_no_forms_and_is_refused() {
    let (srv, _) = demo().await;
    let v = srv.demo_viewer().await;
    v.ok(INITIATIVES).await.lacks("Add an initiative");
    let p = v.ok(&format!("{INITIATIVES}/crm")).await;
    p.has("650%")
        .lacks("Edit this initiative")
        .lacks("Add a risk");
    for path in [
        format!("{INITIATIVES}/new"),
        format!("{INITIATIVES}/crm/edit"),
    ] {
        assert_eq!(v.get(&path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let before = srv.demo_plan().await;
    for (action, fields) in [
        (
            format!("{INITIATIVES}/new"),
            vec![("id", "x"), ("title", "X"), ("duration_months", "1")],
        ),
        (
            format!("{INITIATIVES}/crm/edit"),
            vec![("title", "X"), ("duration_months", "1")],
        ),
        (format!("{INITIATIVES}/analytics/delete"), vec![]),
    ] {
        let p = v.submit(INITIATIVES, &action, &fields).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{action}");
    }
    assert_eq!(srv.demo_plan().await, before);
}

#[tokio::test]
async fn another_organisations_member_gets_not_found() {
    let (srv, owner) = demo().await;
    // An initiative that does not exist is not found for a member either.
    assert_eq!(
        owner.get(&format!("{INITIATIVES}/nothing")).await.status,
        StatusCode::NOT_FOUND
    );
    srv.user("stranger@example.com", false).await;
    let b = srv.browser();
    b.login("stranger@example.com", PASSWORD).await;
    for path in [
        INITIATIVES.to_string(),
        format!("{INITIATIVES}/crm"),
        format!("{INITIATIVES}/crm/edit"),
    ] {
        assert_eq!(b.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn the_simulation_counts_only_this_initiatives_risks() {
    use sextant_store::{Change, Section};
    let (srv, b) = demo().await;
    let scope = srv
        .store
        .scope(&srv.demo_owner().await, DEMO)
        .await
        .unwrap();
    let mut r = srv
        .store
        .entity(&scope, Section::Risks, "pos-payment-data")
        .await
        .unwrap()
        .body;
    r["probability"] = serde_json::json!(0.5);
    r["cost"] = serde_json::json!(1000);
    srv.store
        .change_plan(
            &scope,
            Change::Put(Section::Risks, "pos-payment-data".into(), r),
        )
        .await
        .unwrap();
    // A certain loss of the whole plan, belonging to no initiative.
    srv.store
        .change_plan(
            &scope,
            Change::Create(
                Section::Risks,
                serde_json::json!({"id": "fire", "title": "Shop fire", "likelihood": 1,
                    "impact": 5, "probability": 1.0, "cost": 100000}),
            ),
        )
        .await
        .unwrap();
    let p = b.ok(&format!("{INITIATIVES}/pos")).await;
    // The POS's own risk, when it occurs, adds its 1,000 to the implementation spread over
    // months 0-2: the same swing as the one-time cost's range (1,200 to 2,200).
    let d = delta();
    let swing = money(
        (1000.0 / 3.0 * (1.0 + d + d * d) * 100.0).round() / 100.0,
        "USD",
    );
    assert_eq!(p.count(&format!("<td class=\"num\">{swing}</td></tr>")), 2);
    p.has("<th scope=\"row\">Risk: Card and customer data exposed through the POS</th>")
        .lacks("Shop fire")
        .lacks("Chance of a negative NPV</dt><dd>100%");
}

#[tokio::test]
async fn an_organisation_without_a_plan_is_sent_to_the_data_page() {
    let (_srv, b) = super::empty_org().await;
    b.ok("/orgs/empty/initiatives")
        .await
        .has("There is no plan for Empty Ltd yet.")
        .has("href=\"/orgs/empty/data\"");
    b.ok("/orgs/empty/initiatives/new")
        .await
        .has("href=\"/orgs/empty/data\"");
}

#[tokio::test]
async fn every_benefit_is_edited_and_one_added_or_removed() {
    let (srv, b) = demo().await;
    // The analytics initiative has two benefits in examples/corner-bookstore.yaml:
    // saving 2,000 (inventory cost) and revenue 3,000 (stockouts).
    let edit = format!("{INITIATIVES}/analytics/edit");
    let p = b.ok(&edit).await;
    p.has("name=\"benefit_annual\" value=\"2000\"")
        .has("name=\"benefit_annual_2\" value=\"3000\"")
        .has("name=\"benefit_annual_3\" value=\"\"");
    let base = [
        ("title", "Data analytics and inventory optimisation"),
        ("kind", "exploit"),
        ("status", "candidate"),
        ("owner", "Sarah"),
        ("one_time_cost", "1500"),
        ("duration_months", "6"),
        ("effort_hours_per_month", "10"),
        ("depends_on", "pos"),
        ("depends_on", "crm"),
        ("benefit_kind", "saving"),
        ("benefit_annual", "2000"),
        ("benefit_goal", "inventory-cost"),
        ("benefit_kind_2", "revenue"),
        ("benefit_goal_2", "stockouts"),
        ("benefit_kind_3", "revenue"),
        ("benefit_goal_3", "reach"),
    ];
    // The second benefit raised to 3,500 and a third added: 500 a year from further away.
    let mut fields = base.to_vec();
    fields.extend([("benefit_annual_2", "3500"), ("benefit_annual_3", "500")]);
    let p = b.submit(&edit, &edit, &fields).await;
    b.follow(&p).await.has("Saved.");
    let benefits = |doc: sextant_core::model::PlanDoc| {
        let a = doc
            .initiatives
            .into_iter()
            .find(|i| i.id.as_str() == "analytics")
            .unwrap();
        a.benefits
            .iter()
            .map(|b| (b.annual.likely(), b.goal.as_ref().map(|g| g.to_string())))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        benefits(srv.demo_plan().await),
        [
            (2000.0, Some("inventory-cost".to_string())),
            (3500.0, Some("stockouts".to_string())),
            (500.0, Some("reach".to_string())),
        ]
    );
    // A bad amount in the second row is shown beside that row's field; nothing is stored.
    let mut fields = base.to_vec();
    fields.extend([
        ("benefit_annual_2", "lots"),
        ("benefit_annual_3", "500"),
        ("benefit_annual_4", ""),
    ]);
    let p = b.submit(&edit, &edit, &fields).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("id=\"f-benefit_annual_2-error\"")
        .has("expected a number, found `lots`");
    assert_eq!(benefits(srv.demo_plan().await).len(), 3);
    // So is the plan's own refusal of that row (money is bounded to 10^12).
    let mut fields = base.to_vec();
    fields.extend([
        ("benefit_annual_2", "1e13"),
        ("benefit_annual_3", "500"),
        ("benefit_annual_4", ""),
    ]);
    let p = b.submit(&edit, &edit, &fields).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("id=\"f-benefit_annual_2-error\">the amount of money is too large");
    assert_eq!(benefits(srv.demo_plan().await)[1].0, 3500.0);
    // Emptying the second row's amount removes that benefit.
    let mut fields = base.to_vec();
    fields.extend([
        ("benefit_annual_2", ""),
        ("benefit_annual_3", "500"),
        ("benefit_annual_4", ""),
    ]);
    let p = b.submit(&edit, &edit, &fields).await;
    b.follow(&p).await.has("Saved.");
    assert_eq!(
        benefits(srv.demo_plan().await),
        [
            (2000.0, Some("inventory-cost".to_string())),
            (500.0, Some("reach".to_string())),
        ]
    );
}

#[tokio::test]
async fn ranges_a_fixed_start_and_alternatives_are_set_on_the_form() {
    let (srv, b) = demo().await;
    let new = format!("{INITIATIVES}/new");
    let p = b
        .submit(
            &new,
            &new,
            &[
                ("id", "chat"),
                ("title", "Live chat on the web shop"),
                ("kind", "explore"),
                ("one_time_cost", "400"),
                ("one_time_cost_low", "300"),
                ("one_time_cost_high", "900"),
                ("recurring_cost_annual", "600"),
                ("recurring_cost_annual_low", ""),
                ("recurring_cost_annual_high", ""),
                ("duration_months", "2"),
                ("duration_months_low", "1"),
                ("duration_months_high", "4"),
                ("benefit_kind", "revenue"),
                ("benefit_annual", "2,000"),
                ("benefit_annual_low", "500"),
                ("benefit_annual_high", "3,000"),
                ("start", "2027-06"),
                ("alternative_group", "shop-help"),
                ("replaces", ""),
                ("replaces", "landline"),
            ],
        )
        .await;
    let p = b.follow(&p).await;
    p.has("Added.");
    let doc = srv.demo_plan().await;
    let chat = doc
        .initiatives
        .iter()
        .find(|i| i.id.as_str() == "chat")
        .unwrap();
    let three =
        |e: &sextant_core::model::Estimate| (e.low.to_f64(), e.likely.to_f64(), e.high.to_f64());
    assert_eq!(three(&chat.one_time_cost), (300.0, 400.0, 900.0));
    assert!(chat.recurring_cost_annual.is_point());
    assert_eq!(
        (
            chat.duration_months.low,
            chat.duration_months.likely,
            chat.duration_months.high
        ),
        (1, 2, 4)
    );
    assert_eq!(three(&chat.benefits[0].annual), (500.0, 2000.0, 3000.0));
    assert_eq!(chat.start.unwrap().to_string(), "2027-06");
    assert_eq!(chat.alternative_group.as_deref(), Some("shop-help"));
    let replaces: Vec<&str> = chat.replaces.iter().map(|s| s.as_str()).collect();
    assert_eq!(replaces, ["landline"]);
    // With ranges, the simulation has a spread to draw.
    p.lacks("every trial gives the same NPV")
        .has("NPV: cumulative probability");

    // Emptying a range, the start, the group and every box: a single figure, no fixed start,
    // no group, nothing replaced.
    let edit = format!("{INITIATIVES}/chat/edit");
    b.ok(&edit)
        .await
        .has("name=\"duration_months_high\" value=\"4\"")
        .has("name=\"alternative_group\" value=\"shop-help\"");
    let p = b
        .submit(
            &edit,
            &edit,
            &[
                ("title", "Live chat on the web shop"),
                ("one_time_cost", "400"),
                ("one_time_cost_low", ""),
                ("one_time_cost_high", ""),
                ("duration_months", "2"),
                ("duration_months_low", "1"),
                ("duration_months_high", "4"),
                ("benefit_annual", "2000"),
                ("benefit_annual_low", "500"),
                ("benefit_annual_high", "3000"),
                ("start", ""),
                ("alternative_group", ""),
                ("replaces", ""),
            ],
        )
        .await;
    b.follow(&p).await.has("Saved.");
    let doc = srv.demo_plan().await;
    let chat = doc
        .initiatives
        .iter()
        .find(|i| i.id.as_str() == "chat")
        .unwrap();
    assert!(chat.one_time_cost.is_point());
    assert_eq!(chat.one_time_cost.likely(), 400.0);
    assert_eq!(chat.duration_months.high, 4);
    assert_eq!(chat.start, None);
    assert_eq!(chat.alternative_group, None);
    assert!(chat.replaces.is_empty());
}

#[tokio::test]
async fn a_range_out_of_order_or_half_given_is_refused_beside_its_field() {
    let (srv, b) = demo().await;
    let before = srv.demo_plan().await;
    let new = format!("{INITIATIVES}/new");
    let p = b
        .submit(
            &new,
            &new,
            &[
                ("id", "chat"),
                ("title", "Live chat"),
                ("one_time_cost", "400"),
                ("one_time_cost_low", "500"),
                ("one_time_cost_high", "350"),
                ("recurring_cost_annual", "600"),
                ("recurring_cost_annual_low", "500"),
                ("recurring_cost_annual_high", ""),
                ("duration_months", "2"),
                ("duration_months_low", "1.5"),
                ("duration_months_high", "3"),
                ("benefit_annual", ""),
                ("benefit_annual_low", "100"),
                ("benefit_annual_high", "300"),
                ("start", "June"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("Nothing was saved.")
        .has("id=\"f-one_time_cost_low-error\"")
        .has("expected at most the likely value 400, found 500")
        .has("id=\"f-one_time_cost_high-error\"")
        .has("expected at least the likely value 400, found 350")
        .has("id=\"f-recurring_cost_annual_high-error\"")
        .has("give the highest plausible value too, or leave both ends empty")
        .has("id=\"f-duration_months_low-error\"")
        .has("expected a whole number from 1 to 1200, found `1.5`")
        .has("id=\"f-benefit_annual-error\"")
        .has("a range needs its likely value too")
        // What was typed comes back, the ranges open.
        .has("name=\"one_time_cost_low\" value=\"500\"")
        .has("<details class=\"range\" open>");
    assert_eq!(srv.demo_plan().await, before);
    // A month the plan cannot read, found by the plan's own check, goes beside its field.
    let p = b
        .submit(
            &new,
            &new,
            &[
                ("id", "chat"),
                ("title", "Live chat"),
                ("duration_months", "2"),
                ("start", "June"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("id=\"f-start-error\"");
    // An end the form takes but the plan cannot hold (over 1,000,000,000,000), found by the
    // plan's own check, goes beside that end, the benefit's too.
    let p = b
        .submit(
            &new,
            &new,
            &[
                ("id", "chat"),
                ("title", "Live chat"),
                ("duration_months", "2"),
                ("one_time_cost", "5"),
                ("one_time_cost_low", "1"),
                ("one_time_cost_high", "2,000,000,000,000"),
                ("benefit_annual", "5"),
                ("benefit_annual_low", "1"),
                ("benefit_annual_high", "3e12"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("id=\"f-one_time_cost_high-error\"")
        .has("id=\"f-benefit_annual_high-error\"")
        .has("the amount of money is too large");
    assert_eq!(srv.demo_plan().await, before);
}

/// After go-live: the done date, the start of work and what it cost are set in the form, with
/// the people and data questions and cash flows of the owner's own; the dashboard then
/// compares the return.
#[tokio::test]
async fn after_go_live_the_dates_and_actual_cost_are_recorded() {
    let (srv, b) = demo().await;
    let edit = format!("{INITIATIVES}/pos/edit");
    let p = b.ok(&edit).await;
    p.has("Once it is under way")
        .has("name=\"launched\"")
        .has("name=\"actual_cost\"")
        .has("name=\"handles_customer_data\"")
        .has("name=\"cash_flows\"");
    let fields = [
        ("title", "Point-of-sale system with inventory management"),
        ("kind", "exploit"),
        ("status", "done"),
        ("owner", "Sarah"),
        ("one_time_cost", "1500"),
        ("recurring_cost_annual", "720"),
        ("duration_months", "3"),
        ("effort_hours_per_month", "20"),
        ("mandatory", "on"),
        ("vendor", "Cloud POS provider"),
        ("affects_staff", "yes"),
        ("training", "Two afternoons with the vendor"),
        ("change_plan", "Sarah tells the team in the January meeting"),
        ("handles_customer_data", "on"),
        ("started", "2027-01-04"),
        ("launched", "2027-03-29"),
        ("actual_cost", "1,800"),
        ("cash_flow_period", "year"),
        ("cash_flows", ""),
        ("benefit_kind", "saving"),
        ("benefit_annual", "1500"),
        ("benefit_goal", "inventory-cost"),
        (
            "benefit_description",
            "No more hand stock counts, and fewer errors",
        ),
    ];
    let p = b.submit(&edit, &edit, &fields).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let doc = srv.demo_plan().await;
    let pos = doc
        .initiatives
        .iter()
        .find(|i| i.id.as_str() == "pos")
        .unwrap();
    assert_eq!(pos.status, sextant_core::model::Status::Done);
    assert_eq!(pos.actual_cost.map(|m| m.to_f64()), Some(1800.0));
    assert_eq!(
        pos.launched.map(|d| d.to_string()).as_deref(),
        Some("2027-03-29")
    );
    assert_eq!(
        pos.started.map(|d| d.to_string()).as_deref(),
        Some("2027-01-04")
    );
    assert_eq!(pos.affects_staff, Some(true));
    assert!(pos.handles_customer_data);
    assert_eq!(pos.vendor.as_deref(), Some("Cloud POS provider"));
    assert!(pos.cash_flows.is_none());
    assert_eq!(
        pos.benefits[0].description.as_deref(),
        Some("No more hand stock counts, and fewer errors")
    );
    assert_eq!(
        pos.benefits.len(),
        2,
        "the benefit the post left out is kept"
    );
    // The form shows what was saved.
    b.ok(&edit)
        .await
        .has("name=\"launched\" value=\"2027-03-29\"")
        .has("name=\"actual_cost\" value=\"1800\"");
    // The dashboard now has the finished work.
    b.ok(&format!("/orgs/{DEMO}"))
        .await
        .has("Is the finished work paying off?");

    // Cash flows of the owner's own: a bad figure is named, nothing changes.
    let before = srv.demo_plan().await;
    let mut bad = fields.to_vec();
    bad.retain(|(k, _)| *k != "cash_flows");
    bad.push(("cash_flows", "-3000; lots; 1200"));
    let p = b.submit(&edit, &edit, &bad).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("figure 2 should be a number, found `lots`");
    assert_eq!(srv.demo_plan().await, before);
    // Figures past the months the plan counts (the demo's 36: four years are 48) are the
    // plan's refusal, put beside the field (it read `initiatives[4].cash_flows.values: ...`
    // above the form).
    let mut long = fields.to_vec();
    long.retain(|(k, _)| *k != "cash_flows" && *k != "cash_flow_period");
    long.push(("cash_flows", "-3000; 500; 1200; 1200"));
    long.push(("cash_flow_period", "year"));
    let p = b.submit(&edit, &edit, &long).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("id=\"f-cash_flows-error\"")
        .has("run past the evaluation horizon")
        .lacks("cash_flows.values:");
    assert_eq!(srv.demo_plan().await, before);
    let mut good = fields.to_vec();
    good.retain(|(k, _)| *k != "cash_flows" && *k != "cash_flow_period");
    good.push(("cash_flows", "-3000; 500; 1,200"));
    good.push(("cash_flow_period", "quarter"));
    let p = b.submit(&edit, &edit, &good).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let doc = srv.demo_plan().await;
    let pos = doc
        .initiatives
        .iter()
        .find(|i| i.id.as_str() == "pos")
        .unwrap();
    let flows = pos.cash_flows.as_ref().unwrap();
    assert_eq!(flows.period, sextant_core::model::FlowPeriod::Quarter);
    let values: Vec<f64> = flows.values.iter().map(|m| m.to_f64()).collect();
    assert_eq!(values, vec![-3000.0, 500.0, 1200.0]);
    // A launch date that is no date is refused beside its field.
    let mut bad = good.clone();
    bad.retain(|(k, _)| *k != "launched");
    bad.push(("launched", "soon"));
    let p = b.submit(&edit, &edit, &bad).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("id=\"f-launched-error\"");
}

/// One question, not two: a benefit toward a goal makes the initiative serve that goal (a
/// clear 2) without asking again in the strengths; a strength given stays as given.
#[tokio::test]
async fn a_benefits_goal_is_served_without_asking_twice() {
    let (srv, b) = demo().await;
    let new = format!("{INITIATIVES}/new");
    let p = b
        .submit(
            &new,
            &new,
            &[
                ("title", "Loyalty cards"),
                ("kind", "exploit"),
                ("status", "candidate"),
                ("one_time_cost", "400"),
                ("duration_months", "1"),
                ("effort_hours_per_month", "5"),
                ("benefit_kind", "revenue"),
                ("benefit_annual", "1200"),
                ("benefit_goal", "reach"),
                ("contributes.reach", "0"),
                ("contributes.online-sales", "3"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let doc = srv.demo_plan().await;
    let i = doc
        .initiatives
        .iter()
        .find(|i| i.id.as_str() == "loyalty-cards")
        .unwrap();
    let strength = |g: &str| {
        i.contributes
            .iter()
            .find(|(k, _)| k.as_str() == g)
            .map(|(_, v)| *v)
    };
    assert_eq!(strength("reach"), Some(2));
    assert_eq!(strength("online-sales"), Some(3));
    assert_eq!(strength("stockouts"), None);
}

/// The Initiatives page lists the changes suggested from the goals and gaps (the demo's: the
/// social page's data reaches no other system) with why and their figures; one ticked is added
/// in one change, and is then no longer suggested. Nothing ticked, or an id that is not a
/// suggestion (a posted id names a suggestion, never its content), adds nothing; a viewer sees
/// no form and cannot post; a member of another organisation gets 404.
#[tokio::test]
async fn suggested_changes_are_added_with_one_tick() {
    let (srv, b) = demo().await;
    let p = b.ok(INITIATIVES).await;
    p.has("<h2 id=\"suggested-h\">Suggested changes</h2>")
        .has("Connect Social media page (updated now and then) to the other systems")
        .has("holds data that reaches none of your other systems")
        // 200 to 1,500, likely 500; 120 a year; 1 month; 6 hours.
        .has("$500 to set up (from $200 to $1,500), $120 a year, 1 month, 6 hours a month of your people's time")
        .has("value=\"connect-social-page\"");
    let action = "/orgs/corner-bookstore/suggestions";
    let before = srv.demo_plan().await;

    let p = b
        .submit(INITIATIVES, action, &[("back", "initiatives")])
        .await;
    assert_eq!(
        p.location.as_deref(),
        Some(&*format!("{INITIATIVES}?done=none"))
    );
    b.follow(&p)
        .await
        .has("Nothing was ticked, so nothing was added.");
    let p = b
        .submit(
            INITIATIVES,
            action,
            &[("suggest", "pos"), ("back", "https://evil.example")],
        )
        .await;
    assert_eq!(
        p.location.as_deref(),
        Some(&*format!("{INITIATIVES}?done=none"))
    );
    assert_eq!(srv.demo_plan().await, before);

    let viewer = srv.demo_viewer().await;
    viewer.ok(INITIATIVES).await.lacks("suggested-h");
    let p = viewer
        .submit(INITIATIVES, action, &[("suggest", "connect-social-page")])
        .await;
    assert!(p.status.is_client_error(), "{}", p.status);
    assert_eq!(srv.demo_plan().await, before);

    let p = b
        .submit(
            INITIATIVES,
            action,
            &[("suggest", "connect-social-page"), ("back", "initiatives")],
        )
        .await;
    assert_eq!(
        p.location.as_deref(),
        Some(&*format!("{INITIATIVES}?done=added"))
    );
    let p = b.follow(&p).await;
    p.has("Added.")
        .has("Connect Social media page (updated now and then) to the other systems")
        .lacks("suggested-h");
    let after = srv.demo_plan().await;
    assert_eq!(after.initiatives.len(), before.initiatives.len() + 1);
    assert_eq!(
        after.initiatives.last().map(|i| i.id.as_str()),
        Some("connect-social-page")
    );

    srv.user("eve@example.com", true).await;
    let eve = srv.browser();
    eve.login("eve@example.com", PASSWORD).await;
    let csrf = eve.ok("/").await.csrf();
    let p = eve
        .post_raw(
            action,
            &[("csrf", &csrf), ("suggest", "connect-social-page")],
        )
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
}
