//! The systems pages.

use reqwest::StatusCode;

use super::{DEMO, PASSWORD, demo};

const SYSTEMS: &str = "/orgs/corner-bookstore/systems";

#[tokio::test]
async fn the_inventory_shows_the_demo_systems_with_their_time_class() {
    let (_srv, b) = demo().await;
    let p = b.ok(SYSTEMS).await;
    // From examples/corner-bookstore.yaml: the cash register costs 240 a year and the
    // landline 480.
    p.has("Cash register")
        .has("$240")
        .has("Landline phone")
        .has("$480");
    // TIME by hand: the notebook has technical health 1 (not sound) and supports no goal
    // with strength 2 or more (low value): eliminate. The landline has health 3 (sound) and
    // supports nothing: tolerate.
    p.has("badge eliminate")
        .has("supports no goal strongly; technical health 1/5")
        .has("badge tolerate")
        .has("supports no goal strongly; technical health 3/5");
    assert_eq!(p.count("badge eliminate"), 2, "notebook and register");
    // The social page holds followers and has no flow: a silo. The register's sales are
    // re-keyed into the notebook by hand, 6 hours a month.
    p.has("Data silos")
        .has("Social media page (updated now and then) (followers)")
        .has("Cash register to Inventory notebook (pen and paper): Daily sales re-keyed into the stock notebook (6 hours a month)");
    // The map, and its table.
    p.has("<figure class=\"chart\"><div class=\"chart-scroll\"")
        .has("Data flows between systems")
        .has("badge warn\">Manual");
    // The owner sees the forms.
    p.has("Add a system").has("Add a data flow");
}

#[tokio::test]
async fn a_system_is_added_changed_and_deleted() {
    let (srv, b) = demo().await;
    let p = b
        .submit(
            &format!("{SYSTEMS}/new"),
            &format!("{SYSTEMS}/new"),
            &[
                ("id", "old-till"),
                ("name", "Old till software"),
                ("category", "point of sale"),
                ("vendor", "Tillco"),
                ("annual_cost", "1,200"),
                ("users", "2"),
                ("satisfaction", "2"),
                ("business_value", ""),
                ("technical_health", ""),
                ("installed", "1999-05"),
                ("end_of_life", "2001-01"),
                ("data", "sales, customers"),
                ("supports.online-sales", "1"),
                ("supports.reach", "0"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let to = p.location.unwrap();
    assert_eq!(to, format!("{SYSTEMS}?done=added"));
    let p = b.ok(&to).await;
    p.has("Added.")
        .has("Old till software")
        .has("$1,200")
        .has("End of life passed")
        // Two systems in "point of sale" now: redundant, 240 + 1,200 a year together.
        .has("Category <strong>point of sale</strong>: Cash register, Old till software ($1,440 a year together)");
    let doc = srv.demo_plan().await;
    let s = doc
        .systems
        .iter()
        .find(|s| s.id.as_str() == "old-till")
        .unwrap();
    assert_eq!(s.users, Some(2));
    assert_eq!(s.data, vec!["sales".to_string(), "customers".to_string()]);
    assert_eq!(
        s.supports.len(),
        1,
        "a strength of 0 not stated: {:?}",
        s.supports
    );

    // The form shows what was stored; a change keeps the rest.
    let edit = format!("{SYSTEMS}/old-till");
    let p = b.ok(&edit).await;
    p.has("value=\"Tillco\"")
        .has("value=\"sales, customers\"")
        .has("value=\"2001-01\"");
    let p = b
        .submit(
            &edit,
            &edit,
            &[
                ("name", "Old till software"),
                ("category", "point of sale"),
                ("vendor", "Tillco Ltd"),
                ("annual_cost", "1200"),
                ("users", "2"),
                ("satisfaction", "2"),
                ("installed", "1999-05"),
                ("end_of_life", "2200-01"),
                ("data", "sales, customers"),
                ("supports.online-sales", "1"),
            ],
        )
        .await;
    let p = b.follow(&p).await;
    p.has("Saved.")
        .has("Tillco Ltd")
        .lacks("End of life passed");

    // Deleted.
    let p = b.submit(&edit, &format!("{edit}/delete"), &[]).await;
    b.follow(&p)
        .await
        .has("Deleted.")
        .lacks("Old till software");
    assert!(
        !srv.demo_plan()
            .await
            .systems
            .iter()
            .any(|s| s.id.as_str() == "old-till")
    );
}

#[tokio::test]
async fn bad_values_are_refused_beside_their_fields_and_nothing_is_stored() {
    let (srv, b) = demo().await;
    let before = srv.demo_plan().await;
    let p = b
        .submit(
            &format!("{SYSTEMS}/new"),
            &format!("{SYSTEMS}/new"),
            &[
                ("id", "x"),
                ("name", ""),
                ("category", "pos"),
                ("satisfaction", "7"),
                ("annual_cost", "lots"),
                ("end_of_life", "soon"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("id=\"f-name-error\"")
        .has("this field is required")
        .has("id=\"f-satisfaction-error\"")
        .has("expected a whole number from 1 to 5, found `7`")
        .has("id=\"f-annual_cost-error\"")
        .has("id=\"f-end_of_life-error\"")
        // What was typed is kept.
        .has("value=\"lots\"");
    // A problem only the plan's check finds (the cost beyond 10^12) goes beside its field too.
    let p = b
        .submit(
            &format!("{SYSTEMS}/new"),
            &format!("{SYSTEMS}/new"),
            &[
                ("id", "x"),
                ("name", "X"),
                ("category", "pos"),
                ("annual_cost", "5000000000000"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("id=\"f-annual_cost-error\"");
    // An id taken already.
    let p = b
        .submit(
            &format!("{SYSTEMS}/new"),
            &format!("{SYSTEMS}/new"),
            &[("id", "register"), ("name", "X"), ("category", "pos")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("id=\"f-id-error\"")
        .has("there is a system `register` already");
    assert_eq!(srv.demo_plan().await, before);
}

#[tokio::test]
async fn a_system_others_name_cannot_be_deleted() {
    let (srv, b) = demo().await;
    let edit = format!("{SYSTEMS}/register");
    let p = b.submit(&edit, &format!("{edit}/delete"), &[]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    // The register is named by the flow to the notebook and replaced by the POS initiative.
    p.has("Nothing was saved.")
        .has("Cash register is still named by")
        .has("the initiative Point-of-sale system with inventory management (it replaces it)")
        .has("the flow from Cash register to Inventory notebook (pen and paper)");
    assert!(
        srv.demo_plan()
            .await
            .systems
            .iter()
            .any(|s| s.id.as_str() == "register")
    );
}

#[tokio::test]
async fn data_flows_are_added_and_deleted() {
    let (srv, b) = demo().await;
    let p = b
        .submit(
            SYSTEMS,
            &format!("/orgs/{DEMO}/integrations/new"),
            &[
                ("from", "landline"),
                ("to", "notebook"),
                ("kind", "manual"),
                ("data", "Phone orders written down"),
                ("hours_per_month", "2.5"),
            ],
        )
        .await;
    let p = b.follow(&p).await;
    p.has("Added.").has("Phone orders written down");
    // 6 + 2.5 hours a month re-keyed.
    p.has("Re-keying costs 8.5 staff hours a month");
    assert_eq!(srv.demo_plan().await.integrations.len(), 2);

    // The same pair again: refused beside `to`; an unknown kind beside `kind`.
    let p = b
        .submit(
            SYSTEMS,
            &format!("/orgs/{DEMO}/integrations/new"),
            &[("from", "landline"), ("to", "notebook"), ("kind", "manual")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("id=\"f-to-error\"");
    let p = b
        .submit(
            SYSTEMS,
            &format!("/orgs/{DEMO}/integrations/new"),
            &[
                ("from", "landline"),
                ("to", "landline"),
                ("kind", "carrier pigeon"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("id=\"f-kind-error\"");
    assert_eq!(srv.demo_plan().await.integrations.len(), 2);

    let p = b
        .submit(
            SYSTEMS,
            &format!("/orgs/{DEMO}/integrations/delete"),
            &[("key", "landline->notebook")],
        )
        .await;
    b.follow(&p)
        .await
        .has("Removed.")
        .lacks("Phone orders written down");
    assert_eq!(srv.demo_plan().await.integrations.len(), 1);
}

#[tokio::test]
async fn a_viewer_sees_no_forms_and_is_refused() {
    let (srv, _) = demo().await;
    let v = srv.demo_viewer().await;
    let p = v.ok(SYSTEMS).await;
    p.has("Cash register")
        .lacks("Add a system")
        .lacks("Add a data flow")
        .lacks("integrations/delete");
    // The details, without a form.
    let p = v.ok(&format!("{SYSTEMS}/register")).await;
    p.has("Cash register")
        .has("$240")
        .lacks("<form method=\"post\" action=\"/orgs/corner-bookstore/systems");
    assert_eq!(
        v.get(&format!("{SYSTEMS}/new")).await.status,
        StatusCode::FORBIDDEN
    );
    let before = srv.demo_plan().await;
    for (action, fields) in [
        (
            format!("{SYSTEMS}/new"),
            vec![("id", "x"), ("name", "X"), ("category", "pos")],
        ),
        (
            format!("{SYSTEMS}/register"),
            vec![("name", "X"), ("category", "pos")],
        ),
        (format!("{SYSTEMS}/landline/delete"), vec![]),
        (
            format!("/orgs/{DEMO}/integrations/delete"),
            vec![("key", "register->notebook")],
        ),
    ] {
        let p = v.submit(SYSTEMS, &action, &fields).await;
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
        SYSTEMS.to_string(),
        format!("{SYSTEMS}/register"),
        format!("{SYSTEMS}/new"),
    ] {
        assert_eq!(b.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

/// This month and the next, `YYYY-MM` (UTC), worked out from the clock.
fn this_and_next_month() -> ((i64, i64), (i64, i64)) {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        / 86_400;
    // Walk years and months from 1970 (slow but plain).
    let (mut y, mut m, mut left) = (1970, 1, days);
    loop {
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let len = match m {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if left < len {
            break;
        }
        left -= len;
        m += 1;
        if m == 13 {
            m = 1;
            y += 1;
        }
    }
    let next = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    ((y, m), next)
}

#[tokio::test]
async fn end_of_life_is_warned_in_words() {
    let (_srv, b) = demo().await;
    let ((y, m), (ny, nm)) = this_and_next_month();
    let next = format!("{ny:04}-{nm:02}");
    // The first day of next month is 1 to 31 days away: within 90 days.
    let p = b
        .submit(
            &format!("{SYSTEMS}/new"),
            &format!("{SYSTEMS}/new"),
            &[
                ("id", "fax"),
                ("name", "Fax machine"),
                ("category", "fax"),
                ("end_of_life", &next),
            ],
        )
        .await;
    let p = b.follow(&p).await;
    p.has(&format!(
        "{next} <span class=\"badge bad\">End of life within 90 days"
    ));
    // The plan runs 24 months from 2027-01, so 2028-12 is within it; while that is more
    // than 90 days away, that is the warning.
    if (y, m) < (2028, 8) {
        let p = b
            .submit(
                &format!("{SYSTEMS}/fax"),
                &format!("{SYSTEMS}/fax"),
                &[
                    ("name", "Fax machine"),
                    ("category", "fax"),
                    ("end_of_life", "2028-12"),
                ],
            )
            .await;
        let p = b.follow(&p).await;
        p.has("2028-12 <span class=\"badge warn\">End of life within the plan");
    }
}

#[tokio::test]
async fn an_organisation_without_a_plan_is_sent_to_the_data_page() {
    let (_srv, b) = super::empty_org().await;
    b.ok("/orgs/empty/systems")
        .await
        .has("There is no plan for Empty Ltd yet.")
        .has("href=\"/orgs/empty/data\"");
    b.ok("/orgs/empty/systems/new")
        .await
        .has("href=\"/orgs/empty/data\"");
}
