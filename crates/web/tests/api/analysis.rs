//! The analyses on the demo organisation (`sextant_web::demo::create`): analysis, roadmap,
//! simulation, scenarios, metrics, forecast and customer lifetime value; their parameters;
//! and the cache of results.

use reqwest::StatusCode;
use serde_json::Value;

use crate::{BOOKSTORE, call, create_org, demo, import, problem, spawn};

const ORG: &str = sextant_web::demo::SLUG;

fn path(route: &str) -> String {
    format!("/api/v1/orgs/{ORG}/{route}")
}

#[tokio::test]
async fn the_demo_has_its_plan_and_four_data_sets() {
    let (_srv, api) = demo().await;
    let orgs = api.ok("/api/v1/orgs").await;
    assert_eq!(orgs["items"][0]["slug"], ORG);
    assert_eq!(orgs["items"][0]["role"], "owner");
    let sets = api.ok(&path("datasets")).await;
    assert_eq!(sets["total"], 4);
    let kinds: Vec<&str> = sets["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["orders", "marketing", "sessions", "surveys"]);
    assert!(
        sets["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["rows"].as_i64().unwrap() > 0)
    );
    let plan = api.ok(&path("plan")).await;
    assert_eq!(crate::doc_of_export(&plan), crate::doc_of(BOOKSTORE));
}

#[tokio::test]
async fn analysis_reports_the_plan_with_its_data() {
    let (_srv, api) = demo().await;
    let a = api.ok(&path("analysis")).await;
    let ids: Vec<&str> = a["initiatives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["pos", "social-email", "ecommerce", "crm", "analytics"]
    );
    assert_eq!(a["goals"].as_array().unwrap().len(), 6);
    assert!(a["portfolio"].is_object(), "{}", a["portfolio"]);
    let share = a["goals_enabled_share"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&share));
    // Asked again, the same (from the cache).
    assert_eq!(api.ok(&path("analysis")).await, a);
}

/// The simulation draws around the roadmap kept for the organisation's plan (the pages'), not
/// a search of its own, and answers what `sextant simulate` answers for the demo plan, at the
/// route and as a job.
#[tokio::test]
async fn simulate_draws_around_the_kept_roadmap_and_answers_as_the_cli() {
    use sextant_roadmap::simulate::{Shape, SimOptions};
    let (_srv, api) = demo().await;
    let route = api.ok(&path("simulate?trials=2000&seed=5")).await;
    // `sextant simulate <plan> --trials 2000 --seed 5 --format json`: its search, then trials.
    let plan = sextant_core::load_plan("plan.yaml", BOOKSTORE).unwrap();
    let req = sextant_ops::SimulateRequest {
        trials: SimOptions {
            trials: 2000,
            seed: 5,
            shape: Shape::Pert,
        },
        ..sextant_ops::SimulateRequest::default()
    };
    let cli = sextant_ops::simulate(&plan, &req, &|| true, &|_| {}).unwrap();
    assert_eq!(route, serde_json::to_value(&cli).unwrap());
    // Again, on the roadmap kept by the first.
    assert_eq!(api.ok(&path("simulate?trials=2000&seed=5")).await, route);
    let resp = api
        .post(&path("jobs"))
        .json(&serde_json::json!({"kind": "simulate", "params": {"trials": 2000, "seed": 5}}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    let id = resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let mut job = Value::Null;
    for _ in 0..600 {
        job = api.ok(&path(&format!("jobs/{id}"))).await;
        if !matches!(job["status"].as_str(), Some("queued" | "running")) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["result"], route);
}

#[tokio::test]
async fn roadmap_simulate_and_compare_answer() {
    let (_srv, api) = demo().await;
    let r = api.ok(&path("roadmap?time_limit=5")).await;
    assert!(r.is_object(), "{r}");
    let text = r.to_string();
    for id in ["pos", "ecommerce", "crm"] {
        assert!(text.contains(id), "{id} missing from {text}");
    }
    let f = api
        .ok(&path(
            "roadmap?time_limit=5&objective=alignment&budget_factor=1.5&frontier=3",
        ))
        .await;
    assert!(f["frontier"].is_array() || f["frontier"].is_object(), "{f}");

    let s1 = api.ok(&path("simulate?trials=500&seed=3")).await;
    let s2 = api.ok(&path("simulate?trials=500&seed=3")).await;
    assert_eq!(s1, s2, "the same seed gives the same numbers");
    assert!(s1.to_string().contains("500"), "{s1}");
    let s3 = api.ok(&path("simulate?trials=500&seed=4")).await;
    assert_ne!(s1, s3, "another seed gives other numbers");
    api.ok(&path("simulate?trials=200&seed=3&distribution=triangular"))
        .await;

    let c = api.ok(&path("compare?time_limit=5")).await;
    let text = c.to_string();
    for name in [
        "budget cut",
        "cost overrun",
        "e-commerce late",
        "weak benefits",
    ] {
        assert!(text.contains(name), "{name} missing from {text}");
    }
}

#[tokio::test]
async fn metrics_forecast_and_clv_read_the_data_sets() {
    let (_srv, api) = demo().await;
    let m = api.ok(&path("metrics")).await;
    assert!(!m.to_string().is_empty());
    assert_eq!(api.ok(&path("metrics?period=month")).await, m);
    // By quarter: each quarter's revenue is the sum of its months' revenue.
    let q = api.ok(&path("metrics?period=quarter")).await;
    assert_eq!(q["granularity"], "quarter", "{q}");
    let revenue = |t: &Value| -> Vec<(String, f64)> {
        let s = t["series"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["metric"] == "revenue" && s["by"].is_null())
            .unwrap();
        t["periods"]
            .as_array()
            .unwrap()
            .iter()
            .zip(s["values"].as_array().unwrap())
            .map(|(p, v)| (p.as_str().unwrap().to_string(), v.as_f64().unwrap_or(0.0)))
            .collect()
    };
    let (months, quarters) = (revenue(&m), revenue(&q));
    assert!(quarters.len() >= 4, "{quarters:?}");
    for (label, total) in &quarters {
        let (y, n) = label.split_once("-Q").unwrap();
        let n: u32 = n.parse().unwrap();
        let sum: f64 = months
            .iter()
            .filter(|(p, _)| {
                let (py, pm) = p.split_once('-').unwrap();
                py == y && (pm.parse::<u32>().unwrap() - 1) / 3 + 1 == n
            })
            .map(|(_, v)| v)
            .sum();
        assert!(
            (sum - total).abs() < 0.01,
            "{label}: {sum} by month, {total} by quarter"
        );
    }
    // By week: Monday labels, and the same total as by month.
    let w = api.ok(&path("metrics?period=week")).await;
    assert_eq!(w["granularity"], "week", "{w}");
    let weeks = revenue(&w);
    assert_eq!(weeks[0].0.len(), "2026-01-05".len(), "{weeks:?}");
    let total = |v: &[(String, f64)]| v.iter().map(|(_, x)| x).sum::<f64>();
    assert!((total(&weeks) - total(&months)).abs() < 0.01);

    let f = api.ok(&path("forecast?kpi=revenue&horizon=6")).await;
    assert_eq!(f["kpi"], "revenue");
    assert_eq!(f["mean"].as_array().map(Vec::len), Some(6), "{f}");
    assert!(f["mean"].as_array().unwrap().iter().all(Value::is_number));
    assert_eq!(
        f["periods"].as_array().unwrap().len(),
        f["history"].as_array().unwrap().len()
    );
    // A KPI the plan measures forecasts too.
    let f = api.ok(&path("forecast?kpi=online_revenue&horizon=3")).await;
    assert_eq!(f["mean"].as_array().map(Vec::len), Some(3), "{f}");

    let c = api.ok(&path("clv?calibration_end=2026-06-30")).await;
    let text = c.to_string();
    assert!(text.contains("bgnbd"), "{text}");
    let b = find_key(&c, "bgnbd").unwrap_or_else(|| panic!("no bgnbd in {c}"));
    for p in ["r", "alpha", "a", "b"] {
        let v = b[p].as_f64().unwrap_or_else(|| panic!("bgnbd.{p} in {b}"));
        assert!(v.is_finite() && v > 0.0, "bgnbd.{p} = {v}");
    }
}

/// The first value under `key`, at any depth.
fn find_key<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    match v {
        Value::Object(m) => m
            .get(key)
            .or_else(|| m.values().find_map(|x| find_key(x, key))),
        Value::Array(a) => a.iter().find_map(|x| find_key(x, key)),
        _ => None,
    }
}

#[tokio::test]
async fn bad_parameters_are_422_naming_the_field() {
    let (_srv, api) = demo().await;
    let cases = [
        ("roadmap?objective=fast", "objective"),
        ("roadmap?time_limit=0", "time_limit"),
        ("roadmap?time_limit=61", "time_limit"),
        ("roadmap?budget_factor=-1", "budget_factor"),
        ("roadmap?frontier=1", "frontier"),
        ("compare?objective=fast", "objective"),
        ("simulate?trials=0", "trials"),
        ("simulate?trials=1000001", "trials"),
        ("simulate?distribution=normal", "distribution"),
        ("metrics?period=fortnight", "period"),
        ("forecast?kpi=revenue&horizon=0", "horizon"),
        ("forecast?kpi=revenue&horizon=121", "horizon"),
        ("forecast?kpi=happiness", "kpi"),
        ("clv?calibration_end=yesterday", "calibration_end"),
        ("clv?calibration_end=2026-06-30&period=year", "period"),
        ("clv?calibration_end=2026-06-30&margin=2", "margin"),
        (
            "clv?calibration_end=2026-06-30&discount_rate=-0.5",
            "discount_rate",
        ),
    ];
    for (route, field) in cases {
        let (status, body) = problem(api.get(&path(route))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{route}: {body}");
        assert_eq!(body["errors"][0]["path"], field, "{route}: {body}");
        assert!(
            body["detail"].as_str().unwrap().contains(field),
            "{route}: {body}"
        );
    }
    // Missing and unknown parameters are named in the detail.
    for (route, field) in [
        ("forecast", "kpi"),
        ("clv", "calibration_end"),
        ("simulate?trails=10", "trails"),
        ("roadmap?fast=true", "fast"),
    ] {
        let (status, body) = problem(api.get(&path(route))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{route}: {body}");
        assert!(
            body["detail"].as_str().unwrap().contains(field),
            "{route}: {body}"
        );
    }
}

#[tokio::test]
async fn a_badly_typed_parameter_is_422_naming_the_field() {
    let (_srv, api) = demo().await;
    for (route, field) in [
        ("simulate?trials=many", "trials"),
        ("roadmap?time_limit=soon", "time_limit"),
        ("forecast?kpi=revenue&horizon=six", "horizon"),
    ] {
        let (status, body) = problem(api.get(&path(route))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{route}: {body}");
        // The Query extractor promises "a 422 naming the parameter".
        let named = body["detail"].as_str().unwrap().contains(field)
            || body["errors"][0]["path"] == field
            || body["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains(field));
        assert!(named, "{route}: {body}");
    }
}

#[tokio::test]
async fn analyses_without_a_plan_or_data_are_404() {
    let srv = spawn().await;
    let (_, api) = srv.admin_session().await;
    crate::create_org(&api, "empty").await;
    for route in [
        "analysis",
        "roadmap",
        "simulate",
        "compare",
        "metrics",
        "clv?calibration_end=2026-06-30",
    ] {
        let (status, body) = problem(api.get(&format!("/api/v1/orgs/empty/{route}"))).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{route}: {body}");
    }
    // With a plan but no data sets, metrics and CLV still have nothing to read.
    import(&api, "empty", BOOKSTORE).await;
    api.ok("/api/v1/orgs/empty/analysis").await;
    for route in ["metrics", "clv?calibration_end=2026-06-30"] {
        let (status, body) = problem(api.get(&format!("/api/v1/orgs/empty/{route}"))).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{route}: {body}");
        assert!(
            body["detail"].as_str().unwrap().contains("datasets"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_plan_change_is_seen_by_the_next_analysis() {
    let (_srv, api) = demo().await;
    let a = api.ok(&path("analysis")).await;
    assert_eq!(
        a["organization"]["name"], "The Corner Bookstore",
        "{}",
        a["organization"]
    );
    let mut org = api.ok(&path("plan/organization")).await["body"].clone();
    org["name"] = "The Corner Bookshop".into();
    let (status, _) = call(api.put(&path("plan/organization")).json(&org)).await;
    assert_eq!(status, StatusCode::OK);
    let b = api.ok(&path("analysis")).await;
    assert_eq!(b["organization"]["name"], "The Corner Bookshop");
}

#[tokio::test]
async fn a_recreated_organisation_is_not_served_the_deleted_one_s_cached_analysis() {
    let srv = spawn().await;
    let (_, admin) = srv.admin_session().await;
    crate::create_org(&admin, "acme").await;
    import(&admin, "acme", BOOKSTORE).await;
    let old = admin.ok("/api/v1/orgs/acme/analysis").await;
    assert_eq!(old["organization"]["name"], "The Corner Bookstore");
    let (status, _) = call(admin.delete("/api/v1/orgs/acme")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    // Another business under the same slug, with its own plan imported once, and its owner,
    // who never belonged to the deleted organisation.
    crate::create_org(&admin, "acme").await;
    let other = BOOKSTORE.replacen("  name: The Corner Bookstore", "  name: Another Shop", 1);
    import(&admin, "acme", &other).await;
    srv.user("bob@example.com").await;
    crate::add_member(&srv, &admin, "acme", "bob@example.com", "owner").await;
    let bob = srv.login("bob@example.com").await;
    let new = bob.ok("/api/v1/orgs/acme/analysis").await;
    assert_eq!(
        new["organization"]["name"], "Another Shop",
        "the analysis of the deleted organisation was served"
    );
}

/// The executive summary of the demo: its figures are the ones the API's budget, roadmap and
/// analysis give for the same organisation (one computation), its sentences state them
/// rounded, and the demo's autumn review is the last one; a bad day and an organisation
/// without a plan get a problem.
#[tokio::test]
async fn the_summary_states_the_figures_the_other_routes_give() {
    let (_srv, api) = demo().await;
    let s = api.ok(&path("summary?today=2026-12-04")).await;
    let f = &s["figures"];
    let budget = api.ok(&path("budget?years=3")).await;
    let roadmap = api.ok(&path("roadmap")).await;
    let analysis = api.ok(&path("analysis")).await;
    assert_eq!(f["years"][0]["period"], "2027");
    assert_eq!(f["years"][0]["total"], budget["years"][0]["total"]);
    assert_eq!(f["years"][1]["capital"], budget["years"][1]["capital"]);
    assert_eq!(f["npv"], roadmap["npv"]);
    // The hardest scenario, as the comparison gives it (the weak benefits of
    // examples/corner-bookstore.yaml).
    let compare = api.ok(&path("compare")).await;
    let weak = compare["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "weak benefits")
        .unwrap();
    assert_eq!(f["worst_scenario"]["name"], "weak benefits");
    assert_eq!(f["worst_scenario"]["npv"], weak["npv"]);
    assert_eq!(
        f["changes"].as_u64(),
        roadmap["schedule"].as_array().map(|a| a.len() as u64)
    );
    let goals = analysis["goal_status"].as_array().unwrap();
    assert_eq!(f["goals"].as_array().unwrap().len(), goals.len());
    for (g, a) in f["goals"].as_array().unwrap().iter().zip(goals) {
        assert_eq!(g["goal"], a["goal"]);
        assert_eq!(g["chance"], a["probability"], "{}", a["goal"]);
    }
    let text: Vec<String> = [
        "overview",
        "goals",
        "costs",
        "decisions",
        "changes",
        "risks",
    ]
    .iter()
    .flat_map(|k| s[k].as_array().unwrap().clone())
    .chain(std::iter::once(s["loss"].clone()))
    .map(|l| l["text"].as_str().unwrap().to_string())
    .collect();
    let all = text.join("\n");
    let total = f["years"][0]["total"].as_f64().unwrap();
    assert!(
        all.contains(&sextant_core::unit::rounded_money(total, "USD")),
        "{all}"
    );
    assert!(
        all.contains("The last review was on 20 October 2026"),
        "{all}"
    );
    // Every sentence points at a page of the organisation.
    for k in [
        "overview",
        "goals",
        "costs",
        "decisions",
        "changes",
        "risks",
    ] {
        for l in s[k].as_array().unwrap() {
            assert!(
                !l["link"].as_str().unwrap().is_empty()
                    && !l["link"].as_str().unwrap().starts_with('/'),
                "{l}"
            );
        }
    }

    let (status, p) = problem(api.get(&path("summary?today=2026-02-30"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p["detail"].as_str().unwrap().contains("2026-02-30"), "{p}");
    let srv = spawn().await;
    let (_, admin) = srv.admin_session().await;
    create_org(&admin, "empty").await;
    let (status, p) = problem(admin.get("/api/v1/orgs/empty/summary")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        p["detail"].as_str().unwrap().contains("none imported yet"),
        "{p}"
    );
}

/// The review pack through the API: a PDF document (A4 by default, or Letter) and 16:9
/// slides, downloaded as files named after the organisation and the day; a wrong format,
/// paper or part gets a problem naming the field.
#[tokio::test]
async fn the_review_pack_downloads_as_a_document_and_as_slides() {
    let (_srv, api) = demo().await;
    let r = api
        .get(&path("pack?today=2026-12-04"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let header = |r: &reqwest::Response, name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(header(&r, "content-type"), "application/pdf");
    assert!(
        header(&r, "content-disposition").contains("corner-bookstore-review-2026-12-04.pdf"),
        "{}",
        header(&r, "content-disposition")
    );
    let pdf = r.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&pdf);
    // A4 pages, the business's name in the document's title.
    assert!(text.contains("/MediaBox[0 0 595.2756 841.8898]"), "A4");
    assert!(text.contains("The Corner Bookstore: Quarterly technology review"));

    let r = api
        .get(&path(
            "pack?format=slides&paper=letter&parts=summary,roadmap",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(header(&r, "content-disposition").contains("-slides.pdf"));
    let slides = r.bytes().await.unwrap();
    assert!(String::from_utf8_lossy(&slides).contains("/MediaBox[0 0 960 540]"));

    for (query, field, found) in [
        ("format=docx", "format", "docx"),
        ("paper=a5", "paper", "a5"),
        ("parts=summary,gantt", "parts", "gantt"),
        ("today=2026-02-30", "today", "2026-02-30"),
    ] {
        let (status, p) = problem(api.get(&path(&format!("pack?{query}")))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {p}");
        assert_eq!(p["errors"][0]["path"], field, "{p}");
        assert!(p["detail"].as_str().unwrap().contains(found), "{p}");
    }
}
