//! The asset register and the lifecycle through the API: an asset list imported (bad rows
//! refused with line and column, nothing stored; a re-import updates, never duplicates), the
//! lifecycle worked out from it, the budget counting its replacements, and the hardware refresh
//! added to the plan with its deadline.

use reqwest::StatusCode;
use serde_json::json;

use crate::{call, problem, spawn};

const LIST: &str = "Device Name,Device Type,Serial Number,Purchase Date,Warranty Expiration,Operating System,OS Version,Purchase Price
TILL-01,Desktop,7QX3K93,2020-03-14,2023-03-14,Windows 10 Pro,22H2,749
SARAH-LT,Laptop,PF4KX2B1,2024-05-20,2027-05-20,Windows 11 Pro,25H2,1099
";

#[tokio::test]
async fn an_asset_list_is_imported_whole_or_not_at_all_and_again_without_duplicates() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let import = |body: &'static str| {
        api.post("/api/v1/orgs/acme/assets/import?name=assets.csv")
            .header("content-type", "text/csv")
            .body(body)
    };
    let (status, done) = call(import(LIST)).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["rows"], 2);
    assert_eq!(done["added"], 2);
    assert_eq!(done["updated"], 0);
    assert!(
        done["columns"]
            .as_array()
            .unwrap()
            .contains(&json!(["warranty_end", "Warranty Expiration"]))
    );
    let stored = api.ok("/api/v1/orgs/acme/plan/assets").await;
    assert_eq!(stored["total"], 2);
    assert_eq!(stored["items"][0]["key"], "7qx3k93");
    assert_eq!(stored["items"][0]["body"]["kind"], "workstation");

    // Again, with the laptop's warranty extended and a new asset: one updated, one added.
    let again = "Device Name,Device Type,Serial Number,Purchase Date,Warranty Expiration
SARAH-LT,Laptop,PF4KX2B1,2024-05-20,2028-05-20
NAS,NAS,2260Q9RXX12,2025-01-20,2028-01-20
";
    let (status, done) = call(import(again)).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(
        (done["added"].as_u64(), done["updated"].as_u64()),
        (Some(1), Some(1))
    );
    let stored = api.ok("/api/v1/orgs/acme/plan/assets").await;
    assert_eq!(stored["total"], 3);

    // Bad rows: a date that is not one, a warranty before the purchase. Nothing changes.
    let before = api.ok("/api/v1/orgs/acme/plan/assets").await;
    let bad = "Name,Serial,Purchase Date,Warranty End
PC-9,S9,2024-13-01,2027-01-01
PC-8,S8,2024-01-01,2023-01-01
";
    let (status, p) = problem(import(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    let detail = p["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("assets.csv: 2 bad row(s); nothing was imported"),
        "{detail}"
    );
    assert!(
        detail.contains("line 2, column 3 (purchased from \"Purchase Date\"): expected a date"),
        "{detail}"
    );
    assert!(
        detail.contains("line 3, column 4 (warranty_end from \"Warranty End\"): expected a warranty end on or after the purchase date (2024-01-01), found 2023-01-01"),
        "{detail}"
    );
    // Each bad row also as a problem of its own, with its line and column.
    assert_eq!(p["errors"][0]["line"], 2, "{p}");
    assert_eq!(p["errors"][0]["column"], 3, "{p}");
    assert_eq!(p["errors"][1]["line"], 3, "{p}");
    assert_eq!(api.ok("/api/v1/orgs/acme/plan/assets").await, before);

    // A workbook sent under a CSV name: refused, saying what to send.
    let (status, p) = problem(
        api.post("/api/v1/orgs/acme/assets/import?name=assets.csv")
            .body(b"PK\x03\x04 a workbook".to_vec()),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("send `?name=assets.xlsx`"),
        "{p}"
    );

    // No name column: refused naming what was found.
    let (status, p) = problem(import("Serial,Purchase Date\nS1,2024-01-01\n")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("no column for `name`"),
        "{p}"
    );

    // An asset stored by hand is checked like an imported one.
    let (status, p) = problem(
        api.post("/api/v1/orgs/acme/plan/assets")
            .json(&json!({"id": "x", "name": "X", "kind": "laptop", "purchased": "2024-01-01", "warranty_end": "2023-01-01"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("warranty end on or after"),
        "{p}"
    );
    let (status, p) = problem(
        api.post("/api/v1/orgs/acme/plan/assets")
            .json(&json!({"id": "x", "name": "X", "kind": "toaster"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("workstation | laptop"),
        "{p}"
    );
}

/// On 2026-12-04: TILL-01 is out of warranty (2023-03-14), runs Windows 10 22H2 (support ended
/// 2025-10-14) and is past 5 years (2025-03-14): due now, at its price 749. SARAH-LT runs
/// Windows 11 25H2 (ends 2027-10-12, an update not a replacement) and is due at 4 years,
/// 2028-05-20, 1,099.
#[tokio::test]
async fn the_lifecycle_and_the_refresh_follow_from_the_register() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let (status, _) = call(
        api.post("/api/v1/orgs/acme/assets/import?name=assets.csv")
            .body(LIST),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let lc = api
        .ok("/api/v1/orgs/acme/lifecycle?today=2026-12-04&years=3")
        .await;
    assert_eq!(lc["totals"]["assets"], 2);
    assert_eq!(lc["totals"]["out_of_warranty"], 1);
    assert_eq!(lc["totals"]["unsupported"], 1);
    assert_eq!(lc["totals"]["due_12_months"], 1);
    assert_eq!(lc["totals"]["cost_12_months"], 749.0);
    assert_eq!(
        lc["years"][0],
        json!({"period": "2026", "count": 1, "cost": 749.0, "assets": ["7qx3k93"]})
    );
    assert_eq!(lc["years"][2]["count"], 1);
    assert_eq!(lc["years"][2]["cost"], 1099.0);
    assert_eq!(lc["assets"][1]["support"]["update"], true);
    let (status, p) = problem(api.get("/api/v1/orgs/acme/lifecycle?today=2026-13-04")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("expected a day YYYY-MM-DD"),
        "{p}"
    );

    // The budget counts both replacements (TILL-01's overdue one from the plan's first month,
    // SARAH-LT's in 2028) while no refresh pays for them.
    let b = api.ok("/api/v1/orgs/acme/budget?years=3").await;
    let replacing: f64 = b["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["replacements"].as_f64().unwrap())
        .sum();
    assert_eq!(replacing, 749.0 + 1099.0, "{b}");
    // The same budget as a workbook for the bookkeeper: an XLSX download named for the
    // organisation; any other format is refused naming the three.
    let r = api
        .get("/api/v1/orgs/acme/budget?years=3&format=xlsx")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("acme-budget.xlsx")
    );
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an XLSX file is a zip archive");
    let (status, p) = problem(api.get("/api/v1/orgs/acme/budget?format=pdf")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("expected json, csv or xlsx, found `pdf`"),
        "{p}"
    );

    // The refresh: TILL-01 alone, due with its support ended, so done as soon as it can be.
    let (status, init) =
        call(api.post("/api/v1/orgs/acme/lifecycle/refresh?today=2026-12-04")).await;
    assert_eq!(status, StatusCode::CREATED, "{init}");
    assert_eq!(init["one_time_cost"]["likely"], 749);
    assert_eq!(init["mandatory"], true);
    assert!(init["done_by"].is_string(), "{init}");
    let plan = api.ok("/api/v1/orgs/acme/plan/initiatives").await;
    assert!(
        plan["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["key"] == init["id"]),
        "{plan}"
    );
    // Twice: refused, the plan has it.
    let (status, _) =
        problem(api.post("/api/v1/orgs/acme/lifecycle/refresh?today=2026-12-04")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // The roadmap schedules it by its deadline.
    let r = api.ok("/api/v1/orgs/acme/roadmap?time_limit=5").await;
    let x = r["schedule"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == init["id"])
        .unwrap_or_else(|| panic!("not scheduled: {r}"));
    assert!(
        x["end"].as_str().unwrap() <= init["done_by"].as_str().unwrap(),
        "{x}"
    );
}
