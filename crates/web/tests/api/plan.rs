//! The plan: importing a plan file and exporting it back, refusals with the line, column and
//! path of each problem, every entity by section, the history of changes, and paging.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{BOOKSTORE, call, doc_of, doc_of_export, import, problem, spawn};

#[tokio::test]
async fn an_imported_plan_exports_to_the_same_document() {
    let srv = spawn().await;
    let (_, api) = srv.admin_session().await;
    crate::create_org(&api, "acme").await;
    // No plan yet.
    let (status, body) = problem(api.get("/api/v1/orgs/acme/plan")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["detail"].as_str().unwrap().contains("PUT"), "{body}");

    let stored = import(&api, "acme", BOOKSTORE).await;
    let original = doc_of(BOOKSTORE);
    assert_eq!(doc_of_export(&stored), original);
    let exported = api.ok("/api/v1/orgs/acme/plan").await;
    assert_eq!(exported, stored);
    assert_eq!(doc_of_export(&exported), original);
    assert_eq!(exported["organization"]["name"], "The Corner Bookstore");
    assert_eq!(exported["goals"].as_array().unwrap().len(), 6);

    // The export is itself a plan file (JSON) that imports to the same plan, changing nothing.
    let history = api.ok("/api/v1/orgs/acme/history").await["total"].clone();
    let (status, again) = call(
        api.put("/api/v1/orgs/acme/plan")
            .header("content-type", "application/json")
            .header("x-file-name", "plan.json")
            .body(serde_json::to_string_pretty(&exported).unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again, exported);
    assert_eq!(api.ok("/api/v1/orgs/acme/history").await["total"], history);
}

#[tokio::test]
async fn a_broken_plan_is_refused_with_line_column_and_path_and_changes_nothing() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let before = api.ok("/api/v1/orgs/acme/plan").await;
    let history = api.ok("/api/v1/orgs/acme/history").await["total"].clone();

    // A word where a number goes, in the first goal.
    let broken = BOOKSTORE.replacen("    baseline: 66667", "    baseline: lots", 1);
    let line = broken
        .lines()
        .position(|l| l == "    baseline: lots")
        .unwrap()
        + 1;
    let (status, body) = problem(
        api.put("/api/v1/orgs/acme/plan")
            .header("content-type", "application/yaml")
            .body(broken.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = body["errors"].as_array().unwrap();
    let e = errors
        .iter()
        .find(|e| e["path"] == "goals[0].baseline")
        .unwrap_or_else(|| panic!("no problem at goals[0].baseline: {body}"));
    assert_eq!(e["line"], line, "{e}");
    let column = "    baseline: ".len() + 1;
    assert_eq!(e["column"], column, "{e}");
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{e}");

    // A reference to a goal that does not exist, and a YAML syntax error.
    let dangling = BOOKSTORE.replacen(
        "contributes: {inventory-cost: 3, stockouts: 3, online-sales: 1}",
        "contributes: {inventory-cost: 3, stockouts: 3, no-such-goal: 1}",
        1,
    );
    let line = dangling
        .lines()
        .position(|l| l.contains("no-such-goal"))
        .unwrap()
        + 1;
    let (status, body) = problem(
        api.put("/api/v1/orgs/acme/plan")
            .header("content-type", "application/yaml")
            .body(dangling),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let e = &body["errors"][0];
    assert!(
        e["path"]
            .as_str()
            .unwrap()
            .starts_with("initiatives[0].contributes"),
        "{body}"
    );
    assert_eq!(e["line"], line, "{body}");
    assert!(e["column"].as_u64().is_some_and(|c| c > 1), "{body}");

    let syntax = "version: 1\norganization: [unclosed\n";
    let (status, body) = problem(
        api.put("/api/v1/orgs/acme/plan")
            .header("content-type", "application/yaml")
            .body(syntax),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["errors"][0]["line"].as_u64().is_some(), "{body}");
    assert!(body["errors"][0]["column"].as_u64().is_some(), "{body}");

    // Nothing changed.
    assert_eq!(api.ok("/api/v1/orgs/acme/plan").await, before);
    assert_eq!(api.ok("/api/v1/orgs/acme/history").await["total"], history);
}

fn goal(id: &str, title: &str) -> Value {
    json!({
        "id": id, "title": title, "kpi": "email_list_size",
        "baseline": 300, "target": 600, "due": "2027-12", "weight": 2
    })
}

#[tokio::test]
async fn goals_are_created_changed_and_deleted_one_by_one() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let goals = "/api/v1/orgs/acme/plan/goals";

    let (status, body) = call(
        api.post(goals)
            .json(&goal("loyalty", "Start a loyalty scheme")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["id"], "loyalty");
    assert_eq!(body["title"], "Start a loyalty scheme");
    assert_eq!(body["target"], 600.0);
    let list = api.ok(goals).await;
    assert_eq!(list["total"], 7);
    assert_eq!(list["items"][6]["key"], "loyalty");
    assert_eq!(list["items"][6]["body"], body);

    // The same id again is a conflict, and changes nothing.
    let (status, _) = problem(api.post(goals).json(&goal("loyalty", "Another"))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // An invalid goal is refused with its path.
    let mut bad = goal("bad", "Bad weight");
    bad["weight"] = json!(-1);
    let (status, body) = problem(api.post(goals).json(&bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["path"].as_str().unwrap().ends_with("weight")),
        "{body}"
    );
    // One without its key field is refused naming it.
    let (status, body) = problem(api.post(goals).json(&json!({"title": "No id"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["path"], "id", "{body}");
    assert_eq!(api.ok(goals).await["total"], 7);

    // PUT replaces it.
    let (status, body) = call(
        api.put(&format!("{goals}/loyalty"))
            .json(&goal("loyalty", "Run a loyalty scheme")),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["title"], "Run a loyalty scheme");
    let one = api.ok(&format!("{goals}/loyalty")).await;
    assert_eq!(one["key"], "loyalty");
    assert_eq!(one["section"], "goals");
    assert_eq!(one["body"]["title"], "Run a loyalty scheme");
    let (status, _) = problem(api.put(&format!("{goals}/nope")).json(&goal("nope", "X"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Renaming onto another goal's id is a conflict.
    let (status, _) = problem(
        api.put(&format!("{goals}/loyalty"))
            .json(&goal("reach", "Clash")),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // DELETE removes it.
    let (status, body) = call(api.delete(&format!("{goals}/loyalty"))).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_eq!(body, Value::Null);
    let (status, _) = problem(api.get(&format!("{goals}/loyalty"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = problem(api.delete(&format!("{goals}/loyalty"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A goal an initiative contributes to cannot go.
    let before = api.ok("/api/v1/orgs/acme/plan").await;
    let (status, body) = problem(api.delete(&format!("{goals}/online-sales"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = body["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["path"].as_str().unwrap().contains("contributes")),
        "{body}"
    );
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("nothing was changed"),
        "{body}"
    );
    assert_eq!(api.ok("/api/v1/orgs/acme/plan").await, before);
    api.ok(&format!("{goals}/online-sales")).await;
    // The whole cycle is in the plan's document the CLI reads.
    assert_eq!(doc_of_export(&before), doc_of(BOOKSTORE));
}

#[tokio::test]
async fn single_object_sections_are_replaced_with_put() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let path = "/api/v1/orgs/acme/plan/organization";
    let entity = api.ok(path).await;
    assert_eq!(entity["section"], "organization");
    assert_eq!(entity["key"], "");
    let mut org = entity["body"].clone();
    assert_eq!(org["name"], "The Corner Bookstore");
    org["name"] = json!("The Corner Bookshop");
    org["employees"] = json!(3);
    let (status, body) = call(api.put(path).json(&org)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["name"], "The Corner Bookshop");
    assert_eq!(api.ok(path).await["body"]["employees"], 3);
    let plan = api.ok("/api/v1/orgs/acme/plan").await;
    assert_eq!(plan["organization"]["name"], "The Corner Bookshop");

    // An invalid one is refused with its path; a wrong type too.
    let mut bad = org.clone();
    bad["discount_rate"] = json!("eight percent");
    let (status, body) = problem(api.put(path).json(&bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["errors"][0]["path"]
            .as_str()
            .unwrap()
            .contains("discount_rate"),
        "{body}"
    );
    assert_eq!(api.ok("/api/v1/orgs/acme/plan").await, plan);

    // A single object has no POST; a list is replaced by a list, not an object; the
    // organisation stays.
    let (status, _) = problem(api.post(path).json(&org)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = problem(api.put("/api/v1/orgs/acme/plan/goals").json(&json!({}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["path"], "goals", "{body}");
    assert_eq!(
        body["errors"][0]["message"], "expected a list, found an object",
        "{body}"
    );
    let (status, body) = problem(api.put(path).json(&json!([]))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["errors"][0]["message"], "expected an object, found a list",
        "{body}"
    );
    let (status, _) = problem(api.delete("/api/v1/orgs/acme/plan/organization/x")).await;
    assert!(status.is_client_error(), "{status}");
    let (status, body) = problem(api.get("/api/v1/orgs/acme/plan/nonsense")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["detail"].as_str().unwrap().contains("goals"), "{body}");
    // A body that is not JSON is a 400.
    let (status, _) = problem(
        api.put(path)
            .header("content-type", "application/json")
            .body("{name: unquoted"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(api.ok("/api/v1/orgs/acme/plan").await, plan);
}

/// Any list section is replaced whole by PUT, in the order given, through the same checks as
/// the plan file: a list that breaks a reference is refused and nothing changes.
#[tokio::test]
async fn a_list_section_is_replaced_whole_with_put() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let path = "/api/v1/orgs/acme/plan/radar";
    let radar = json!([
        {"technology": "Self-service kiosks", "ring": "trial", "quadrant": "devices"},
        {"technology": "Mobile and contactless payments", "ring": "adopt"}
    ]);
    let (status, body) = call(api.put(path).json(&radar)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body.as_array().unwrap().len(), 2, "{body}");
    assert_eq!(body[0]["technology"], "Self-service kiosks");
    let plan = api.ok("/api/v1/orgs/acme/plan").await;
    assert_eq!(plan["radar"][0]["quadrant"], "devices");
    assert_eq!(plan["radar"][1]["ring"], "adopt");

    // The plan's own KPIs emptied while goals are measured by them: refused, nothing changes.
    let (status, body) = problem(api.put("/api/v1/orgs/acme/plan/kpis").json(&json!([]))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["errors"].as_array().is_some_and(|e| !e.is_empty()),
        "{body}"
    );
    assert_eq!(api.ok("/api/v1/orgs/acme/plan").await, plan);

    // The budget, inside the constraints object.
    let mut c = plan["constraints"].clone();
    c["budget"] = json!([{"period": 2027, "amount": 9000}]);
    let (status, body) = call(api.put("/api/v1/orgs/acme/plan/constraints").json(&c)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["budget"][0]["amount"], 9000, "{body}");
}

#[tokio::test]
async fn the_history_shows_who_and_before_and_after() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let path = "/api/v1/orgs/acme/plan/organization";
    let mut org = api.ok(path).await["body"].clone();
    org["name"] = json!("The Corner Bookshop");
    let (status, _) = call(api.put(path).json(&org)).await;
    assert_eq!(status, StatusCode::OK);

    let h = api.ok("/api/v1/orgs/acme/history").await;
    let first = &h["items"][0];
    assert_eq!(first["section"], "organization");
    assert_eq!(first["key"], "");
    assert_eq!(first["action"], "update");
    assert_eq!(first["user"], "admin@example.com");
    assert_eq!(first["before"]["name"], "The Corner Bookstore");
    assert_eq!(first["after"]["name"], "The Corner Bookshop");
    assert!(first["at"].as_str().unwrap().ends_with('Z'), "{first}");
    // The import made the rest: a create of each entity, with no before.
    let total = h["total"].as_i64().unwrap();
    assert!(total > 30, "{total}");
    let second = &h["items"][1];
    assert_eq!(second["action"], "create");
    assert_eq!(second["before"], Value::Null);
    assert!(second["after"].is_object());
    assert!(first["id"].as_i64().unwrap() > second["id"].as_i64().unwrap());

    // One entity's history, newest first.
    let goals = "/api/v1/orgs/acme/plan/goals";
    call(api.post(goals).json(&goal("loyalty", "One"))).await;
    call(
        api.put(&format!("{goals}/loyalty"))
            .json(&goal("loyalty", "Two")),
    )
    .await;
    call(api.delete(&format!("{goals}/loyalty"))).await;
    let h = api
        .ok("/api/v1/orgs/acme/history?section=goals&key=loyalty")
        .await;
    assert_eq!(h["total"], 3);
    let actions: Vec<&str> = h["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["delete", "update", "create"]);
    assert_eq!(h["items"][0]["before"]["title"], "Two");
    assert_eq!(h["items"][0]["after"], Value::Null);
    assert_eq!(h["items"][1]["before"]["title"], "One");
    assert_eq!(h["items"][1]["after"]["title"], "Two");
    let h = api.ok("/api/v1/orgs/acme/history?section=goals").await;
    assert_eq!(h["total"], 6 + 3);
    // Reviews are kept beside the plan, and in the history.
    let (status, body) = call(api.post("/api/v1/orgs/acme/plan/reviews").json(&json!({
        "id": "q1", "date": "2027-03-31", "title": "First quarter", "kpis": ["online_revenue"]
    })))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // The server keeps the KPIs as they stood on the review's day: the plan's last online
    // revenue figure up to March 2027 (examples/corner-bookstore.yaml, 2026-12: 69599).
    let seen = json!([{"kpi": "online_revenue", "month": "2026-12", "value": 69599.0}]);
    assert_eq!(body["snapshot"], seen, "{body}");
    // A snapshot a client sends is replaced by what the figures were; on a change of the
    // review, the one kept stays.
    let (status, body) = call(api.put("/api/v1/orgs/acme/plan/reviews/q1").json(&json!({
        "id": "q1", "date": "2027-03-31", "title": "First quarter (checked)", "kpis": ["online_revenue"],
        "snapshot": [{"kpi": "online_revenue", "month": "2027-03", "value": 1.0}]
    })))
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["snapshot"], seen, "{body}");
    let h = api.ok("/api/v1/orgs/acme/history?section=reviews").await;
    assert_eq!(h["total"], 2);
    assert_eq!(h["items"][1]["after"]["title"], "First quarter");
    assert!(
        api.ok("/api/v1/orgs/acme/plan")
            .await
            .get("reviews")
            .is_none()
    );
    let (status, body) = problem(api.post("/api/v1/orgs/acme/plan/reviews").json(&json!({
        "id": "q2", "date": "31/06/2027", "title": "Bad date"
    })))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["path"], "reviews.date");
    // An unknown history filter is refused, naming the parameter.
    let (status, body) = problem(api.get("/api/v1/orgs/acme/history?section=nonsense")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["path"], "section", "{body}");
    let (status, body) = problem(api.get("/api/v1/orgs/acme/history?colour=red")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["detail"].as_str().unwrap().contains("colour"),
        "{body}"
    );
}

#[tokio::test]
async fn lists_are_paged_with_limit_and_offset() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let all = api.ok("/api/v1/orgs/acme/plan/goals").await;
    assert_eq!(all["total"], 6);
    assert_eq!(all["offset"], 0);
    assert_eq!(all["limit"], 100);
    let keys: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "online-sales",
            "social-engagement",
            "email-list",
            "inventory-cost",
            "stockouts",
            "reach"
        ]
    );

    let page = api
        .ok("/api/v1/orgs/acme/plan/goals?limit=1&offset=1")
        .await;
    assert_eq!(page["total"], 6);
    assert_eq!(page["offset"], 1);
    assert_eq!(page["limit"], 1);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0], all["items"][1]);
    let page = api
        .ok("/api/v1/orgs/acme/plan/goals?limit=4&offset=4")
        .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["items"][1]["key"], "reach");
    let page = api.ok("/api/v1/orgs/acme/plan/goals?offset=60").await;
    assert_eq!(page["items"], json!([]));
    assert_eq!(page["total"], 6);
    // Limits are clamped to 1..=500.
    assert_eq!(
        api.ok("/api/v1/orgs/acme/plan/goals?limit=0").await["limit"],
        1
    );
    assert_eq!(
        api.ok("/api/v1/orgs/acme/plan/goals?limit=9999").await["limit"],
        500
    );

    // The history pages the same way.
    let h = api.ok("/api/v1/orgs/acme/history").await;
    let p = api.ok("/api/v1/orgs/acme/history?limit=1&offset=1").await;
    assert_eq!(p["items"].as_array().unwrap().len(), 1);
    assert_eq!(p["items"][0], h["items"][1]);
    assert_eq!(p["total"], h["total"]);
    // So does the list of organisations.
    crate::create_org(&api, "bravo").await;
    let p = api.ok("/api/v1/orgs?limit=1&offset=1").await;
    assert_eq!(p["total"], 2);
    assert_eq!(p["items"][0]["slug"], "bravo");

    // A bad number is a 422.
    let (status, _) = problem(api.get("/api/v1/orgs/acme/plan/goals?limit=many")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_history_can_be_filtered_to_data_set_changes() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let (status, body) = call(
        api.post("/api/v1/orgs/acme/datasets?kind=orders&name=orders.csv")
            .body(crate::ORDERS),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let newest = api.ok("/api/v1/orgs/acme/history?limit=1").await;
    assert_eq!(newest["items"][0]["section"], "datasets");
    let (status, h) = call(api.get("/api/v1/orgs/acme/history?section=datasets")).await;
    assert_eq!(status, StatusCode::OK, "{h}");
    assert_eq!(h["total"], 1, "{h}");
    assert_eq!(h["items"][0], newest["items"][0]);
}

/// The suggestions route answers as `sextant suggest --format json`; a suggestion's initiative
/// posts as it is to the plan's initiatives, and is then no longer suggested; another
/// organisation's member gets 404 (the route reads the plan, so it is scoped like it).
#[tokio::test]
async fn suggestions_post_as_they_are_and_are_scoped() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let list = api.ok("/api/v1/orgs/acme/suggestions").await;
    // The demo serves every goal; the social page's data reaches no other system.
    let plan = sextant_core::load_plan("plan.yaml", BOOKSTORE).unwrap();
    let expected = serde_json::to_value(sextant_core::suggest::suggest(&plan)).unwrap();
    assert_eq!(list, expected);
    assert_eq!(list[0]["initiative"]["id"], "connect-social-page");
    let (status, body) = call(
        api.post("/api/v1/orgs/acme/plan/initiatives")
            .json(&list[0]["initiative"]),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(api.ok("/api/v1/orgs/acme/suggestions").await, json!([]));

    srv.user("eve@example.com").await;
    let eve = srv.login("eve@example.com").await;
    let (status, _) = problem(eve.get("/api/v1/orgs/acme/suggestions")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
