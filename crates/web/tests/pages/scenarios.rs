//! The scenarios page: the plan's scenarios re-optimised beside the base case; adding and
//! deleting one.

use sextant_store::Role;

use crate::*;

/// The demo owner's scope, read from the store.
async fn demo_scope(srv: &Server) -> sextant_store::Scope {
    let sarah = srv
        .store
        .login("sarah@corner-bookstore.example", "corner-bookstore", "t")
        .await
        .unwrap();
    srv.store.scope(&sarah, DEMO).await.unwrap()
}

/// The names of the stored plan's scenarios.
async fn stored(srv: &Server) -> Vec<String> {
    let plan = srv
        .store
        .plan(&demo_scope(srv).await)
        .await
        .unwrap()
        .unwrap();
    plan.doc()
        .scenarios
        .iter()
        .map(|s| s.name.clone())
        .collect()
}

/// The cells of the comparison's row headed `heading`.
fn row<'a>(p: &'a Page, heading: &str) -> &'a str {
    let at = p
        .html
        .find(&format!("<th scope=\"row\">{heading}</th>"))
        .unwrap_or_else(|| panic!("no row `{heading}`:\n{}", p.html));
    let rest = &p.html[at..];
    &rest[..rest.find("</tr>").unwrap()]
}

#[tokio::test]
async fn the_demo_scenarios_stand_beside_the_base_case() {
    let (_srv, b) = demo().await;
    let p = b.ok(&format!("/orgs/{DEMO}/scenarios")).await;
    p.has("<title>Scenarios – The Corner Bookstore – Sextant</title>")
        .has("href=\"/orgs/corner-bookstore/scenarios\" aria-current=\"page\"")
        .has("<th scope=\"col\">Base case</th>")
        .has("<th scope=\"col\">budget cut</th>")
        .has("<th scope=\"col\">cost overrun</th>")
        .has("<th scope=\"col\">e-commerce late</th>")
        .has("<th scope=\"col\">weak benefits</th>")
        // The chart of NPVs, with its accessible title.
        .has("<figure class=\"chart\"><div class=\"chart-scroll\"")
        .has("What each case is worth");
    // The factors of examples/corner-bookstore.yaml's scenarios, in plan order.
    let budgets = row(&p, "Budgets");
    assert!(
        budgets.contains("×1.00</td><td>×0.80</td><td>×1.00"),
        "{budgets}"
    );
    assert!(row(&p, "Costs").contains("×1.25"));
    assert!(row(&p, "Benefits").contains("×0.60"));
    assert!(
        row(&p, "Delays").contains("E-commerce platform, expansion and optimisation: 9 months")
    );
    // Spend, by hand from the plan: the base schedules all five initiatives, 1,500 + 300 +
    // 3,000 + 0 + 1,500 = 6,300; a 20% cut leaves 4,800 for 2027, exactly the 2027 spend, so
    // nothing changes; a 25% overrun costs 7,875 (6,000 in 2027, exactly its budget); with
    // the e-commerce platform not before 2027-10 (9 months; 2027-10 to 2028-03), the CRM
    // (6 months) ends 2028-09 and analytics (6 months) cannot finish by the horizon's end
    // (2028-12), so it is dropped and 4,800 is spent.
    let spend = row(&p, "Implementation spend");
    for s in ["$6,300</td><td class=\"num\">$6,300", "$7,875", "$4,800"] {
        assert!(spend.contains(s), "{s}: {spend}");
    }
    let dropped = row(&p, "Dropped (and why)");
    assert!(
        dropped.contains("<strong>Data analytics and inventory optimisation</strong>: what it needs first leaves no time to finish it within the plan's months"),
        "{dropped}"
    );
    let scheduled = row(&p, "Initiatives scheduled");
    assert!(scheduled.contains(">5</td><td class=\"num\">5</td><td class=\"num\">5</td><td class=\"num\">4</td><td class=\"num\">5<"), "{scheduled}");
    // NPVs as `sextant compare examples/corner-bookstore.yaml` reports them, each also found
    // by trying every start month of every initiative against the constraints (the monthly
    // flows of product.md, discounted at 8% a year): base 52,596.23, each initiative at its
    // earliest month; the budget cut keeps it, as its schedule is the same; cost overrun
    // 49,685.36; e-commerce late 38,366.68 (POS and social media in 2027-01, e-commerce in
    // 2027-10, CRM in 2028-04); weak benefits 26,900.35.
    let npv = row(&p, "Worth (net present value)");
    for v in ["$52,596", "$49,685", "$38,367", "$26,900"] {
        assert!(npv.contains(v), "{v}: {npv}");
    }
    // 38,366.68 - 52,596.23 = -14,229.55.
    assert!(row(&p, "Against the base case").contains("-$14,230"));
    assert!(row(&p, "Roadmap").contains("The best possible"));
    // The same figures in words (sextant_ops::what_if, as the summary and the pack say them),
    // rounded to three significant figures: 38,366.68 is about $38,400, 14,229.55 less.
    p.has("<h2 id=\"plain-h\">In plain words</h2>")
        .has("“Budget cut” (budgets 20% lower): the best roadmap would be worth about $52,600, the same as the plan now.")
        .has("“E-commerce late” (E-commerce platform, expansion and optimisation starts 9 months later): the best roadmap would be worth about $38,400, $14,200 less than the plan now, and would leave out Data analytics and inventory optimisation.")
        .has("“Weak benefits” (benefits 40% lower): the best roadmap would be worth about $26,900, $25,700 less than the plan now.");
}

#[tokio::test]
async fn an_editor_adds_and_deletes_a_scenario() {
    let (srv, b) = demo().await;
    let page = format!("/orgs/{DEMO}/scenarios");
    let p = b.ok(&page).await;
    p.has("Add a scenario")
        .has("<label for=\"f-name\">Name")
        .has("<label for=\"f-budget_factor\">Budget factor</label>")
        .has("<label for=\"f-delay-ecommerce\">E-commerce platform, expansion and optimisation</label>");
    let p = b
        .submit(
            &page,
            &page,
            &[
                ("name", "supplier late"),
                ("budget_factor", "0.5"),
                ("cost_factor", ""),
                ("benefit_factor", "90%"),
                ("delay-pos", "2"),
                ("delay-crm", ""),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    assert_eq!(
        p.location.as_deref(),
        Some("/orgs/corner-bookstore/scenarios?done=added")
    );
    let p = b.ok(&format!("{page}?done=added")).await;
    p.has("Added.").has("<th scope=\"col\">supplier late</th>");
    assert!(row(&p, "Budgets").contains("×0.50"));
    assert!(row(&p, "Benefits").contains("×0.90"));
    assert!(row(&p, "Delays").contains("Point-of-sale system with inventory management: 2 months"));
    let plan = srv
        .store
        .plan(&demo_scope(&srv).await)
        .await
        .unwrap()
        .unwrap();
    let s = plan
        .doc()
        .scenarios
        .iter()
        .find(|s| s.name == "supplier late")
        .unwrap();
    assert_eq!(
        (s.budget_factor, s.cost_factor, s.benefit_factor),
        (0.5, 1.0, 0.9)
    );
    assert_eq!(s.delays.len(), 1);

    let p = b
        .submit(
            &page,
            &format!("{page}/delete"),
            &[("name", "supplier late")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    b.ok(&format!("{page}?done=deleted"))
        .await
        .has("Deleted.")
        .lacks("supplier late");
    assert_eq!(
        stored(&srv).await,
        [
            "budget cut",
            "cost overrun",
            "e-commerce late",
            "weak benefits"
        ]
    );
}

#[tokio::test]
async fn bad_scenarios_are_explained_beside_their_fields_and_not_stored() {
    let (srv, b) = demo().await;
    let page = format!("/orgs/{DEMO}/scenarios");
    for (fields, field, message) in [
        (
            vec![("name", "budget cut")],
            "name",
            "a scenario named `budget cut` exists already",
        ),
        (vec![("name", "")], "name", "this field is required"),
        (
            vec![("name", "x"), ("budget_factor", "-1")],
            "budget_factor",
            "expected a factor from 0 to 100 (1 changes nothing), found -1",
        ),
        (
            vec![("name", "x"), ("cost_factor", "lots")],
            "cost_factor",
            "expected a number, found `lots`",
        ),
        (
            vec![("name", "x"), ("delay-ecommerce", "1.5")],
            "delay-ecommerce",
            "expected a whole number from 0 to 120, found `1.5`",
        ),
    ] {
        let p = b.submit(&page, &page, &fields).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        p.has("Nothing was saved.")
            .has(&format!("id=\"f-{field}-error\""))
            .has(message)
            // The comparison is still there, and the form keeps what was typed.
            .has("What each case is worth");
        if let Some((_, v)) = fields.iter().find(|(k, _)| *k == field) {
            p.has(&format!("value=\"{v}\""));
        }
    }
    assert_eq!(
        stored(&srv).await,
        [
            "budget cut",
            "cost overrun",
            "e-commerce late",
            "weak benefits"
        ]
    );
}

#[tokio::test]
async fn a_viewer_sees_the_comparison_but_cannot_change_it() {
    let (srv, b) = demo().await;
    let page = format!("/orgs/{DEMO}/scenarios");
    let csrf = b.ok(&page).await.csrf();
    let sarah = srv
        .store
        .login("sarah@corner-bookstore.example", "corner-bookstore", "t")
        .await
        .unwrap();
    srv.user("vic@example.com", false).await;
    srv.add_member(&sarah, DEMO, "vic@example.com", Role::Viewer)
        .await;
    let vic = srv.browser();
    vic.login("vic@example.com", PASSWORD).await;
    let p = vic.ok(&page).await;
    p.has("<th scope=\"col\">budget cut</th>")
        .lacks("Add a scenario")
        .lacks("Delete the scenario");
    // The viewer's own token: the refusal is for the role, not the form.
    let vcsrf = p.csrf();
    assert_ne!(vcsrf, csrf);
    let p = vic
        .post_raw(&page, &[("csrf", &vcsrf), ("name", "mine")])
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let p = vic
        .post_raw(
            &format!("{page}/delete"),
            &[("csrf", &vcsrf), ("name", "budget cut")],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert_eq!(stored(&srv).await.len(), 4);
}

#[tokio::test]
async fn another_organisations_scenarios_are_not_found() {
    let (srv, b) = demo().await;
    let csrf = b.ok(&format!("/orgs/{DEMO}/scenarios")).await.csrf();
    srv.user("eve@example.com", false).await;
    let eve = srv.browser();
    eve.login("eve@example.com", PASSWORD).await;
    let p = eve.get(&format!("/orgs/{DEMO}/scenarios")).await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    p.lacks("budget cut");
    let p = eve
        .post_raw(
            &format!("/orgs/{DEMO}/scenarios/delete"),
            &[("csrf", &csrf), ("name", "budget cut")],
        )
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    assert_eq!(stored(&srv).await.len(), 4);
}

#[tokio::test]
async fn without_a_plan_there_is_nothing_to_compare() {
    let (_srv, b) = super::empty_org().await;
    b.ok("/orgs/empty/scenarios")
        .await
        .has("There is no plan for Empty Ltd yet")
        .has("href=\"/orgs/empty/data\"");
    let p = b
        .submit(
            "/orgs/empty/scenarios",
            "/orgs/empty/scenarios",
            &[("name", "x")],
        )
        .await;
    assert_eq!(p.status, StatusCode::CONFLICT);
    p.has("Empty Ltd has no plan yet to add a scenario to");
}
