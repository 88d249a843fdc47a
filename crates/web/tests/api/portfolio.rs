//! The portfolio through the API: each client's health score and its parts, what needs
//! attention first, the flags linked to the pages that explain them, totals, and only the
//! caller's organisations.

use reqwest::StatusCode;

use crate::{demo, problem};

/// The demo on 2026-12-04. Devices, worked by hand from examples/corner-bookstore/assets.csv:
/// out of warranty or support, or within 6 months of either (by 2027-06-04): TILL-01, OFFICE-PC
/// (both out of warranty and on Windows 10), OFFICE-2019 (Office 2019 ended 2025-10-14),
/// TOM-MBA (warranty 2027-02-10), SARAH-LT (2027-05-20), SHOP-PHONE (2027-06-01): 6 of 15,
/// 20 × 9/15 = 12 points. Security: 25 × the demo assessment's score, as its own route scores it.
#[tokio::test]
async fn the_demo_client_is_scored_and_its_flags_lead_to_the_pages() {
    let (_srv, api) = demo().await;
    let p = api.ok("/api/v1/portfolio?as_of=2026-12-04").await;
    assert_eq!(p["as_of"], "2026-12-04");
    let clients = p["clients"].as_array().unwrap();
    assert_eq!(clients.len(), 1);
    let c = &clients[0];
    assert_eq!(c["slug"], "corner-bookstore");
    assert_eq!(c["devices"]["total"], 15);
    assert_eq!(c["devices"]["within_6_months"], 6);
    assert_eq!(c["devices"]["now"], 3);
    let parts = c["health"]["parts"].as_array().unwrap();
    let names: Vec<&str> = parts.iter().map(|x| x["part"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["security", "devices", "goals", "reviews", "roadmap"]
    );
    assert_eq!(parts[1]["points"], 12.0);
    let score = api
        .ok("/api/v1/orgs/corner-bookstore/assessments/nist-csf-2-0-2026-10-15/score")
        .await;
    let s = score["overall"]["score"].as_f64().unwrap();
    assert!((parts[0]["points"].as_f64().unwrap() - 25.0 * s).abs() < 1e-9);
    let sum: f64 = parts.iter().map(|x| x["points"].as_f64().unwrap()).sum();
    assert_eq!(c["health"]["score"], sum.round() as u64);
    assert_eq!(c["roadmap"], "optimal");
    assert_eq!(parts[4]["points"], 15.0);
    // The autumn review of 20 October (fourth quarter): the next is due by 31 January 2027,
    // not overdue, 15 points; one of its actions (due 30 November) is overdue.
    assert_eq!(c["last_review"], "2026-10-20");
    assert_eq!(
        c["review"],
        serde_json::json!({"state": "due", "by": "2027-01-31"})
    );
    assert_eq!(parts[3]["points"], 15.0);
    assert_eq!(c["actions_overdue"], 1);
    assert_eq!(p["totals"]["actions_overdue"], 1);
    assert!(
        c["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["what"] == "1 action agreed at a review is overdue"
                && f["link"] == "/orgs/corner-bookstore/reviews#open-actions"),
        "{c}"
    );
    // Goals: every demo goal is counted, whatever its standing.
    let g = &c["goals"];
    let counted = ["on_track", "at_risk", "off_track", "not_measured"]
        .iter()
        .map(|k| g[*k].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(g["total"].as_u64(), Some(counted));
    // Flags link to the organisation's own pages.
    let flags = c["flags"].as_array().unwrap();
    assert!(
        flags
            .iter()
            .any(|f| f["link"] == "/orgs/corner-bookstore/assets"
                && f["what"] == "6 of 15 devices out of warranty or support within 6 months"),
        "{flags:?}"
    );
    for f in flags {
        assert!(
            f["link"]
                .as_str()
                .unwrap()
                .starts_with("/orgs/corner-bookstore/"),
            "{f}"
        );
    }
    assert_eq!(p["totals"]["clients"], 1);
    assert_eq!(p["totals"]["devices_attention"], 6);
    assert!(p["totals"]["budget_next_year"]["USD"].as_f64().unwrap() > 0.0);

    // The second view is the same (from the cache).
    assert_eq!(api.ok("/api/v1/portfolio?as_of=2026-12-04").await, p);

    let (status, e) = problem(api.get("/api/v1/portfolio?as_of=2026-02-30")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e["detail"]
            .as_str()
            .unwrap()
            .contains("expected a date as YYYY-MM-DD, found `2026-02-30`"),
        "{e}"
    );
}

#[tokio::test]
async fn the_portfolio_lists_only_the_callers_clients_lowest_score_first() {
    let (srv, owner) = demo().await;
    // Another administrator's organisation with a plan and nothing else: scored lower.
    let (_, admin) = srv.admin_session().await;
    crate::create_org(&admin, "acme").await;
    crate::import(&admin, "acme", crate::BOOKSTORE).await;
    let p = admin.ok("/api/v1/portfolio?as_of=2026-12-04").await;
    let slugs: Vec<&str> = p["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["acme"]);
    let c = &p["clients"][0];
    assert_eq!(c["devices"]["total"], 0);
    assert!(
        c["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["what"] == "Never assessed against a standard"
                && f["link"] == "/orgs/acme/assessments")
    );
    // One started and nothing answered yet: said so, with the way to it.
    let (status, body) = crate::call(admin.post("/api/v1/orgs/acme/plan/assessments").json(
        &serde_json::json!({"id": "first", "standard": "cisa-cpg", "date": "2026-12-01", "answers": {}}),
    ))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let p = admin.ok("/api/v1/portfolio?as_of=2026-12-04").await;
    let flags = p["clients"][0]["flags"].as_array().unwrap();
    assert!(
        flags.iter().any(
            |f| f["what"] == "An assessment is started, nothing answered yet"
                && f["link"] == "/orgs/acme/assessments/first"
        ),
        "{flags:?}"
    );
    assert!(
        !flags
            .iter()
            .any(|f| f["what"] == "Never assessed against a standard")
    );
    // The demo's owner sees the demo only.
    let mine = owner.ok("/api/v1/portfolio?as_of=2026-12-04").await;
    assert_eq!(mine["clients"].as_array().unwrap().len(), 1);
    assert_eq!(mine["clients"][0]["slug"], "corner-bookstore");
    let (status, _) = problem(srv.anonymous().get("/api/v1/portfolio")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// Each client's score is recorded on the day the portfolio is looked at, and its history read
/// up to the day looked from: a score recorded in November shows beside today's.
#[tokio::test]
async fn each_clients_health_has_its_history() {
    let (srv, api) = demo().await;
    let owner = srv
        .store
        .user_by_email("sarah@corner-bookstore.example")
        .await
        .unwrap()
        .unwrap();
    let scope = srv.store.scope(&owner, "corner-bookstore").await.unwrap();
    let nov = sextant_core::model::Date::parse("2026-11-04").unwrap();
    srv.store
        .record_health(&scope, i64::from(nov.days()), 41)
        .await
        .unwrap();
    // From a day in the past: what was recorded by then, and nothing recorded for that day.
    let p = api.ok("/api/v1/portfolio?as_of=2026-11-20").await;
    assert_eq!(
        p["clients"][0]["history"],
        serde_json::json!([{"day": "2026-11-04", "score": 41}])
    );
    // A rename shows at once (the figures, kept, are not worked out again).
    let (status, _) = crate::call(
        api.patch("/api/v1/orgs/corner-bookstore")
            .json(&serde_json::json!({"name": "The Corner Bookshop"})),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::OK);
    let again = api.ok("/api/v1/portfolio?as_of=2026-11-20").await;
    assert_eq!(again["clients"][0]["name"], "The Corner Bookshop");
    // The plan, titled with the old name, takes the new one (its reports are titled with it).
    let plan = api.ok("/api/v1/orgs/corner-bookstore/plan").await;
    assert_eq!(plan["organization"]["name"], "The Corner Bookshop");
    // Today: today's score is recorded after November's.
    let p = api.ok("/api/v1/portfolio").await;
    let h = p["clients"][0]["history"].as_array().unwrap();
    assert_eq!(h.len(), 2, "{h:?}");
    assert_eq!(h[0]["score"], 41);
    assert_eq!(h[1]["day"], p["as_of"]);
    assert_eq!(h[1]["score"], p["clients"][0]["health"]["score"]);
}

/// An assessment started and not yet answered does not hide the last scored one: the security
/// part keeps its points and the flags stay as they were (not "never assessed").
#[tokio::test]
async fn a_blank_assessment_started_leaves_the_last_scored_one_standing() {
    let (_srv, api) = demo().await;
    let before = api.ok("/api/v1/portfolio?as_of=2026-12-04").await;
    let (status, body) = crate::call(
        api.post("/api/v1/orgs/corner-bookstore/plan/assessments")
            .json(&serde_json::json!({
                "id": "cisa-started", "standard": "cisa-cpg", "date": "2026-12-01", "answers": {}
            })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let after = api.ok("/api/v1/portfolio?as_of=2026-12-04").await;
    let (b, a) = (&before["clients"][0], &after["clients"][0]);
    assert_eq!(a["assessment"], b["assessment"]);
    assert_eq!(a["assessment"]["id"], "nist-csf-2-0-2026-10-15");
    assert_eq!(a["health"]["parts"][0], b["health"]["parts"][0]);
    assert_eq!(a["flags"], b["flags"]);
    assert_eq!(a["health"]["score"], b["health"]["score"]);
}
