//! The business pages: the profile, the money and staff limits, phases, the watch list and the
//! plan's own KPIs, each shown and edited in the browser.

use reqwest::StatusCode;

use super::{DEMO, demo};

const BUSINESS: &str = "/orgs/corner-bookstore/business";

#[tokio::test]
async fn the_page_shows_every_part_of_the_business_in_words() {
    let (_srv, b) = demo().await;
    let p = b.ok(BUSINESS).await;
    // From examples/corner-bookstore.yaml: the profile...
    p.has("Corner Bookstore")
        .has("Fiscal year starts in")
        .has("Discount rate");
    // ...the budget by fiscal year, the staff hours and the limit on changes at once...
    p.has("<td>2027</td>")
        .has("$6,000")
        .has("$4,000")
        .has("40 hours")
        .has("at most 2");
    // ...the people, the watch list drawn and listed, the own KPIs.
    p.has("Part-time employee")
        .has("Mobile and contactless payments")
        .has("<td>Hold</td>")
        .has("Personal curation is the differentiator")
        .has("<figure class=\"chart\"><div class=\"chart-scroll\"")
        .has("Technology watch list")
        .has("Inventory holding cost a year")
        .has("goes down");
    for part in ["profile", "money", "staff", "phases", "radar", "kpis"] {
        p.has(&format!("href=\"{BUSINESS}/{part}\""));
    }
}

/// The watch list on the page is the report's chart, to the byte.
#[tokio::test]
async fn the_watch_list_is_the_reports_chart() {
    let (srv, b) = demo().await;
    let p = b.ok(BUSINESS).await;
    let owner = srv.demo_owner().await;
    let scope = srv.store.scope(&owner, DEMO).await.unwrap();
    let plan = srv.store.plan(&scope).await.unwrap().unwrap();
    p.has(&sextant_report::plan_charts::technology_radar(&plan).svg());
}

#[tokio::test]
async fn the_profile_is_changed_with_percentages_as_people_write_them() {
    let (srv, b) = demo().await;
    let form = format!("{BUSINESS}/profile");
    let p = b.ok(&form).await;
    // The stored 0.08 discount rate is shown as 8, the way people write a rate.
    p.has("name=\"discount_rate\"").has("Gross margin, %");
    let before = srv.demo_plan().await;
    let p = b
        .submit(
            &form,
            &form,
            &[
                ("name", "Corner Bookstore & Cafe"),
                ("industry", "retail"),
                ("location", "Portland, OR"),
                ("employees", "3"),
                ("currency", "USD"),
                ("fiscal_year_start", "7"),
                ("gross_margin", "42"),
                ("discount_rate", "6.5"),
                ("start", &before.organization.start.to_string()),
                ("horizon_months", "24"),
                ("evaluation_months", ""),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let after = srv.demo_plan().await;
    let o = &after.organization;
    assert_eq!(o.name, "Corner Bookstore & Cafe");
    assert_eq!(o.fiscal_year_start, 7);
    assert_eq!(o.employees, Some(3));
    assert!((o.gross_margin.unwrap() - 0.42).abs() < 1e-12);
    assert!((o.discount_rate - 0.065).abs() < 1e-12);
    // The rest of the plan is as it was.
    assert_eq!(after.goals.len(), before.goals.len());
    assert_eq!(after.initiatives.len(), before.initiatives.len());
    let p = b.follow(&p).await;
    p.has("Saved").has("July").has("6.5%").has("42%");
}

#[tokio::test]
async fn a_bad_profile_is_refused_beside_its_field_and_nothing_changes() {
    let (srv, b) = demo().await;
    let form = format!("{BUSINESS}/profile");
    let before = srv.demo_plan().await;
    let p = b
        .submit(
            &form,
            &form,
            &[
                ("name", "Corner Bookstore"),
                ("currency", "USD"),
                ("fiscal_year_start", "1"),
                ("discount_rate", "eight"),
                ("start", &before.organization.start.to_string()),
                ("horizon_months", "24"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("aria-invalid=\"true\"").has("eight");
    assert_eq!(srv.demo_plan().await, before);
}

#[tokio::test]
async fn the_budget_and_limits_are_edited_as_a_table() {
    let (srv, b) = demo().await;
    let form = format!("{BUSINESS}/money");
    let p = b.ok(&form).await;
    p.has("value=\"2027\"").has("value=\"6000\"");
    let p = b
        .submit(
            &form,
            &form,
            &[
                ("period.0", "2027"),
                ("amount.0", "7,500"),
                // Emptied: the 2028 row is removed.
                ("period.1", ""),
                ("amount.1", ""),
                ("period.2", "2028"),
                ("amount.2", "3000"),
                ("staff_hours_per_month", "55"),
                ("max_concurrent", "3"),
                ("min_explore_share", "10"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let c = srv.demo_plan().await.constraints;
    let budget: Vec<(String, f64)> = c
        .budget
        .iter()
        .map(|b| (b.period.to_string(), b.amount.to_f64()))
        .collect();
    assert_eq!(
        budget,
        vec![("2027".to_string(), 7500.0), ("2028".to_string(), 3000.0)]
    );
    assert_eq!(c.staff_hours_per_month, Some(55.0));
    assert_eq!(c.max_concurrent, Some(3));
    assert!((c.min_explore_share.unwrap() - 0.10).abs() < 1e-12);
}

#[tokio::test]
async fn a_bad_budget_cell_is_refused_beside_it_and_nothing_changes() {
    let (srv, b) = demo().await;
    let form = format!("{BUSINESS}/money");
    let before = srv.demo_plan().await;
    let p = b
        .submit(
            &form,
            &form,
            &[
                ("period.0", "2027"),
                ("amount.0", "-5"),
                ("period.1", "2028"),
                ("amount.1", "lots"),
                ("staff_hours_per_month", "40"),
                ("max_concurrent", "2"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    // Each message sits in its row's cell, named in words.
    p.has("id=\"f-amount.1-error\"").has("lots");
    assert_eq!(srv.demo_plan().await, before);
}

#[tokio::test]
async fn the_watch_list_staff_phases_and_kpis_are_edited_as_tables() {
    let (srv, b) = demo().await;
    let radar = format!("{BUSINESS}/radar");
    let p = b
        .submit(
            &radar,
            &radar,
            &[
                ("technology.0", "Mobile and contactless payments"),
                ("ring.0", "adopt"),
                ("quadrant.0", "devices"),
                ("note.0", ""),
                // A blank row with its lists at their first choice is no row.
                ("technology.1", ""),
                ("ring.1", "adopt"),
                ("quadrant.1", "software"),
                ("note.1", ""),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let doc = srv.demo_plan().await;
    assert_eq!(doc.radar.len(), 1);
    assert_eq!(
        doc.radar[0].quadrant_or_default(),
        sextant_core::model::Quadrant::Devices
    );

    let staff = format!("{BUSINESS}/staff");
    let p = b
        .submit(
            &staff,
            &staff,
            &[
                ("name.0", "Sarah"),
                ("role.0", "owner"),
                ("hours_per_month.0", "25"),
                ("skills.0", "bookselling, social media"),
                ("name.1", "Sam"),
                ("role.1", ""),
                ("hours_per_month.1", "8"),
                ("skills.1", ""),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let doc = srv.demo_plan().await;
    assert_eq!(doc.staff.len(), 2);
    assert_eq!(doc.staff[0].skills, vec!["bookselling", "social media"]);
    assert_eq!(doc.staff[1].hours_per_month, Some(8.0));

    // A phase names its initiatives by title; its id comes from its name.
    let first = doc.initiatives[0].clone();
    let phases = format!("{BUSINESS}/phases");
    let p = b
        .submit(
            &phases,
            &phases,
            &[
                ("id.0", ""),
                ("name.0", "Foundations first"),
                ("description.0", "The shop's basics"),
                ("initiatives.0", &first.title),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let doc = srv.demo_plan().await;
    assert_eq!(doc.phases.len(), 1);
    assert_eq!(doc.phases[0].id.as_str(), "foundations-first");
    assert_eq!(doc.phases[0].initiatives[0], first.id);

    // An own KPI with the direction that counts as better.
    let kpis = format!("{BUSINESS}/kpis");
    let mut fields: Vec<(String, String)> = Vec::new();
    for (i, k) in doc.kpis.iter().enumerate() {
        fields.push((format!("id.{i}"), k.id.as_str().to_string()));
        fields.push((format!("name.{i}"), k.name.clone()));
        fields.push((format!("unit.{i}"), k.unit.clone().unwrap_or_default()));
        let d = if k.direction == sextant_core::model::Direction::Down {
            "down"
        } else {
            "up"
        };
        fields.push((format!("direction.{i}"), d.to_string()));
        fields.push((format!("definition.{i}"), String::new()));
    }
    let n = doc.kpis.len();
    for (k, v) in [
        ("id", ""),
        ("name", "Returned orders"),
        ("unit", "orders"),
        ("direction", "down"),
        ("definition", "Orders sent back in a month"),
    ] {
        fields.push((format!("{k}.{n}"), v.to_string()));
    }
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let p = b.submit(&kpis, &kpis, &refs).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let doc = srv.demo_plan().await;
    let k = doc.kpis.last().unwrap();
    assert_eq!(k.id.as_str(), "returned-orders");
    assert_eq!(k.direction, sextant_core::model::Direction::Down);
    assert_eq!(doc.kpis.len(), n + 1);
}

/// Removing a KPI a goal is measured by is refused, in words, and nothing is lost.
#[tokio::test]
async fn a_kpi_in_use_cannot_be_removed() {
    let (srv, b) = demo().await;
    let before = srv.demo_plan().await;
    let kpis = format!("{BUSINESS}/kpis");
    // Every own KPI emptied.
    let p = b
        .submit(
            &kpis,
            &kpis,
            &[
                ("id.0", ""),
                ("name.0", ""),
                ("unit.0", ""),
                ("direction.0", "up"),
                ("definition.0", ""),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    // In words, naming the goal and where to change it; not the file's vocabulary.
    p.has("Nothing was saved.")
        .has("measures the goal")
        .has("on the Goals page first")
        .lacks("declare it under");
    assert_eq!(srv.demo_plan().await, before);
}

#[tokio::test]
async fn a_viewer_sees_the_business_but_cannot_change_it() {
    let (srv, _b) = demo().await;
    let viewer = srv.demo_viewer().await;
    let p = viewer.ok(BUSINESS).await;
    p.has("Corner Bookstore")
        .lacks(&format!("href=\"{BUSINESS}/profile\""));
    let form = format!("{BUSINESS}/profile");
    let p = viewer.get(&form).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let before = srv.demo_plan().await;
    let p = viewer
        .post_raw(
            &form,
            &[
                ("name", "Taken over"),
                ("currency", "USD"),
                ("discount_rate", "8"),
            ],
        )
        .await;
    assert!(p.status.is_client_error(), "{}", p.status);
    assert_eq!(srv.demo_plan().await, before);
}

#[tokio::test]
async fn an_unknown_part_is_not_found() {
    let (_srv, b) = demo().await;
    let p = b.get(&format!("{BUSINESS}/nonsense")).await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
}

/// Every table of the business page saved as shown, untouched, is taken and changes nothing:
/// a phase naming an initiative whose title holds a comma ("E-commerce platform, expansion
/// and optimisation") included.
#[tokio::test]
async fn each_table_saved_as_shown_changes_nothing() {
    let (srv, b) = demo().await;
    let before = srv.demo_plan().await;
    assert!(
        before
            .phases
            .iter()
            .flat_map(|p| &p.initiatives)
            .any(|i| before
                .initiatives
                .iter()
                .any(|x| &x.id == i && x.title.contains(','))),
        "the demo has a phase naming a title with a comma"
    );
    for part in ["staff", "phases", "radar", "kpis"] {
        let form = format!("{BUSINESS}/{part}");
        let p = b.ok(&form).await;
        let fields = p.fields();
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .filter(|(k, _)| k != "csrf")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let p = b.submit(&form, &form, &fields).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{part}: {}", p.html);
        let after = srv.demo_plan().await;
        assert_eq!(after.phases, before.phases, "{part}");
        assert_eq!(after.staff, before.staff, "{part}");
        // (A kind left empty is shown, and so saved, as its default: the same item.)
        let radar = |d: &sextant_core::model::PlanDoc| {
            d.radar
                .iter()
                .map(|r| {
                    (
                        r.technology.clone(),
                        r.ring,
                        r.quadrant_or_default(),
                        r.note.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(radar(&after), radar(&before), "{part}");
        assert_eq!(after.kpis, before.kpis, "{part}");
    }
}
