//! Tenancy, table-driven: every organisation route with every method it takes, called on
//! organisation B by someone who is a member of A only (404, exactly as for an organisation
//! that does not exist, and nothing changes) and by a viewer of B (reads succeed, every change
//! is 403 and nothing changes), with a session and with an API token. The table is checked
//! against the OpenAPI document so that a new organisation route cannot be left out, and its
//! changes are checked to succeed for B's owner, so that the refusals are the role's doing
//! and not a bad request's.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{Api, BOOKSTORE, Server, add_member, call, import, problem, spawn_mailing};

/// Organisation B: the demo, with its plan and four data sets.
const B: &str = sextant_web::demo::SLUG;
/// Organisation A.
const A: &str = "alpha";

/// A request body.
#[derive(Clone)]
enum Body {
    None,
    Json(Value),
    Yaml(String),
    Csv(&'static str),
}

/// One route and method, with the values of its parameters.
struct Row {
    method: Method,
    /// The route as the OpenAPI document names it.
    route: &'static str,
    /// Path parameters other than `{org}`.
    params: Vec<(&'static str, String)>,
    /// The query string (with its `?`), if any.
    query: &'static str,
    body: Body,
    /// What B's owner gets for a change (the rows run in order).
    owner: StatusCode,
}

impl Row {
    fn path(&self, org: &str) -> String {
        let mut p = self.route.replace("{org}", org);
        for (k, v) in &self.params {
            p = p.replace(&format!("{{{k}}}"), v);
        }
        format!("{p}{}", self.query)
    }

    fn request(&self, api: &Api, org: &str) -> reqwest::RequestBuilder {
        self.request_as(api, org, self.method.clone())
    }

    fn request_as(&self, api: &Api, org: &str, method: Method) -> reqwest::RequestBuilder {
        let r = api.req(method, &self.path(org));
        match &self.body {
            Body::None => r,
            Body::Json(v) => r.json(v),
            Body::Yaml(t) => r.header("content-type", "application/yaml").body(t.clone()),
            Body::Csv(t) => r.header("content-type", "text/csv").body(*t),
        }
    }

    fn changes(&self) -> bool {
        self.method != Method::GET
    }

    fn name(&self) -> String {
        format!("{} {}{}", self.method, self.route, self.query)
    }
}

fn row(
    method: Method,
    route: &'static str,
    params: &[(&'static str, &str)],
    query: &'static str,
    body: Body,
    owner: StatusCode,
) -> Row {
    Row {
        method,
        route,
        params: params.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        query,
        body,
        owner,
    }
}

const ORDERS: &str = "Order Date,Order Number,Customer Email,Total,Channel\n\
2026-01-02,1,a@example.com,10.00,store\n\
2026-01-03,2,b@example.com,12.50,online\n";

/// Every organisation route with every method, in an order B's owner can run them in.
fn table(
    dataset: i64,
    member: i64,
    invitation: i64,
    job: i64,
    caller_email: &str,
    org_body: &Value,
) -> Vec<Row> {
    use Method as M;
    use StatusCode as S;
    let pwned = BOOKSTORE.replacen("  name: The Corner Bookstore", "  name: Pwned", 1);
    let mut org = org_body.clone();
    org["name"] = json!("Pwned");
    let goal = json!({"id": "pwned", "title": "Pwned", "weight": 1});
    let online = json!({
        "id": "online-sales", "title": "Pwned", "kpi": "online_revenue",
        "baseline": 1, "target": 2, "due": "2027-12", "weight": 3
    });
    let review = json!({"id": "pwned", "date": "2027-01-31", "title": "Pwned"});
    let ds = dataset.to_string();
    let member = member.to_string();
    let invitation = invitation.to_string();
    let job = job.to_string();
    vec![
        row(M::GET, "/api/v1/orgs/{org}", &[], "", Body::None, S::OK),
        row(
            M::GET,
            "/api/v1/orgs/{org}/members",
            &[],
            "",
            Body::None,
            S::OK,
        ),
        row(
            M::PUT,
            "/api/v1/orgs/{org}/members",
            &[],
            "",
            Body::Json(json!({"email": caller_email, "role": "owner"})),
            S::ACCEPTED,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/invitations",
            &[],
            "",
            Body::None,
            S::OK,
        ),
        row(
            M::DELETE,
            "/api/v1/orgs/{org}/invitations/{id}",
            &[("id", &invitation)],
            "",
            Body::None,
            S::NO_CONTENT,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/plan",
            &[],
            "",
            Body::None,
            S::OK,
        ),
        row(
            M::PUT,
            "/api/v1/orgs/{org}/plan",
            &[],
            "",
            Body::Yaml(pwned),
            S::OK,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/plan/{section}",
            &[("section", "goals")],
            "",
            Body::None,
            S::OK,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/plan/{section}",
            &[("section", "organization")],
            "",
            Body::None,
            S::OK,
        ),
        row(
            M::POST,
            "/api/v1/orgs/{org}/plan/{section}",
            &[("section", "goals")],
            "",
            Body::Json(goal),
            S::CREATED,
        ),
        row(
            M::POST,
            "/api/v1/orgs/{org}/plan/{section}",
            &[("section", "reviews")],
            "",
            Body::Json(review),
            S::CREATED,
        ),
        row(
            M::PUT,
            "/api/v1/orgs/{org}/plan/{section}",
            &[("section", "organization")],
            "",
            Body::Json(org),
            S::OK,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/plan/{section}/{key}",
            &[("section", "goals"), ("key", "online-sales")],
            "",
            Body::None,
            S::OK,
        ),
        row(
            M::PUT,
            "/api/v1/orgs/{org}/plan/{section}/{key}",
            &[("section", "goals"), ("key", "online-sales")],
            "",
            Body::Json(online),
            S::OK,
        ),
        row(
            M::PUT,
            "/api/v1/orgs/{org}/plan/{section}/{key}",
            &[("section", "measurements"), ("key", "online_revenue")],
            "",
            Body::Json(json!({"2026-07": 1, "2026-08": 2})),
            S::OK,
        ),
        row(
            M::DELETE,
            "/api/v1/orgs/{org}/plan/{section}/{key}",
            &[("section", "risks"), ("key", "crm-resistance")],
            "",
            Body::None,
            S::NO_CONTENT,
        ),
        row(
            M::DELETE,
            "/api/v1/orgs/{org}/plan/{section}/{key}",
            &[("section", "reviews"), ("key", "pwned")],
            "",
            Body::None,
            S::NO_CONTENT,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/history",
            &[],
            "",
            Body::None,
            S::OK,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/datasets",
            &[],
            "",
            Body::None,
            S::OK,
        ),
        row(
            M::POST,
            "/api/v1/orgs/{org}/datasets",
            &[],
            "?kind=orders&name=pwned.csv",
            Body::Csv(ORDERS),
            S::CREATED,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/datasets/{id}",
            &[("id", &ds)],
            "",
            Body::None,
            S::OK,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/datasets/{id}/content",
            &[("id", &ds)],
            "",
            Body::None,
            S::OK,
        ),
        row(
            M::DELETE,
            "/api/v1/orgs/{org}/datasets/{id}",
            &[("id", &ds)],
            "",
            Body::None,
            S::NO_CONTENT,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/analysis",
            &[],
            "",
            Body::None,
            S::OK,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/suggestions",
            &[],
            "",
            Body::None,
            S::OK,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/budget",
            &[],
            "?years=2",
            Body::None,
            S::OK,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/assessments/{id}/score",
            &[("id", "csf")],
            "",
            Body::None,
            S::OK,
        ),
        row(
            M::POST,
            "/api/v1/orgs/{org}/assessments/{id}/initiatives",
            &[("id", "csf")],
            "",
            Body::Json(json!({})),
            S::CREATED,
        ),
        row(
            M::POST,
            "/api/v1/orgs/{org}/assets/import",
            &[],
            "?name=assets.csv",
            Body::Csv("Device Name,Serial Number,Device Type\nPC-1,SN1,desktop\n"),
            S::OK,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/lifecycle",
            &[],
            "?years=2",
            Body::None,
            S::OK,
        ),
        // The demo's two PCs on Windows 10 and the rest due within 12 months: a refresh.
        row(
            M::POST,
            "/api/v1/orgs/{org}/lifecycle/refresh",
            &[],
            "",
            Body::None,
            S::CREATED,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/consultant",
            &[],
            "",
            Body::None,
            S::OK,
        ),
        row(
            M::PUT,
            "/api/v1/orgs/{org}/consultant",
            &[],
            "",
            Body::Json(json!({"email": null})),
            S::OK,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/agenda",
            &[],
            "?today=2027-01-10",
            Body::None,
            S::OK,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/summary",
            &[],
            "?today=2026-12-04",
            Body::None,
            S::OK,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/pack",
            &[],
            "?today=2026-12-04&parts=summary",
            Body::None,
            S::OK,
        ),
        // The demo's autumn review: its second action (getting quotes for a till) done.
        row(
            M::POST,
            "/api/v1/orgs/{org}/reviews/{id}/actions/{n}",
            &[("id", "2026-10-20-autumn-review"), ("n", "1")],
            "",
            Body::Json(json!({"status": "done"})),
            S::OK,
        ),
        // The client's answer on the demo's autumn review: the budget approved.
        row(
            M::POST,
            "/api/v1/orgs/{org}/reviews/{id}/answers",
            &[("id", "2026-10-20-autumn-review")],
            "",
            Body::Json(json!({"about": "budget", "verdict": "approved"})),
            S::OK,
        ),
        // A pack of the summary kept with the autumn review, listed, read and deleted (the
        // one kept at the setup, 1).
        row(
            M::POST,
            "/api/v1/orgs/{org}/reviews/{id}/packs",
            &[("id", "2026-10-20-autumn-review")],
            "?today=2026-12-04&parts=summary",
            Body::None,
            S::CREATED,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/reviews/{id}/packs",
            &[("id", "2026-10-20-autumn-review")],
            "",
            Body::None,
            S::OK,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/reviews/{id}/packs/{n}",
            &[("id", "2026-10-20-autumn-review"), ("n", "1")],
            "",
            Body::None,
            S::OK,
        ),
        row(
            M::DELETE,
            "/api/v1/orgs/{org}/reviews/{id}/packs/{n}",
            &[("id", "2026-10-20-autumn-review"), ("n", "1")],
            "",
            Body::None,
            S::NO_CONTENT,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/branding",
            &[],
            "",
            Body::None,
            S::OK,
        ),
        row(
            M::PUT,
            "/api/v1/orgs/{org}/branding",
            &[],
            "",
            Body::Json(json!({"name": "Harbour IT", "colour": "#1F4E79"})),
            S::OK,
        ),
        row(
            M::PUT,
            "/api/v1/orgs/{org}/branding/logo",
            &[],
            "",
            Body::Csv("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"2\"/>"),
            S::OK,
        ),
        row(
            M::DELETE,
            "/api/v1/orgs/{org}/branding/logo",
            &[],
            "",
            Body::None,
            S::OK,
        ),
        // The till, first on the demo's roadmap, kept there from its month.
        row(
            M::POST,
            "/api/v1/orgs/{org}/initiatives/{id}/pin",
            &[("id", "pos")],
            "",
            Body::None,
            S::OK,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/roadmap",
            &[],
            "?time_limit=2",
            Body::None,
            S::OK,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/simulate",
            &[],
            "?trials=50&seed=1",
            Body::None,
            S::OK,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/compare",
            &[],
            "?time_limit=2",
            Body::None,
            S::OK,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/metrics",
            &[],
            "",
            Body::None,
            S::OK,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/forecast",
            &[],
            "?kpi=revenue&horizon=3",
            Body::None,
            S::OK,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/clv",
            &[],
            "?calibration_end=2026-06-30",
            Body::None,
            S::OK,
        ),
        row(
            M::POST,
            "/api/v1/orgs/{org}/jobs",
            &[],
            "",
            Body::Json(json!({"kind": "simulate", "params": {"trials": 50}})),
            S::ACCEPTED,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/jobs",
            &[],
            "",
            Body::None,
            S::OK,
        ),
        row(
            M::GET,
            "/api/v1/orgs/{org}/jobs/{id}",
            &[("id", &job)],
            "",
            Body::None,
            S::OK,
        ),
        row(
            M::DELETE,
            "/api/v1/orgs/{org}/jobs/{id}",
            &[("id", &job)],
            "",
            Body::None,
            S::OK,
        ),
        row(
            M::PATCH,
            "/api/v1/orgs/{org}",
            &[],
            "",
            Body::Json(json!({"name": "Pwned"})),
            S::OK,
        ),
        row(
            M::DELETE,
            "/api/v1/orgs/{org}/members/{user_id}",
            &[("user_id", &member)],
            "",
            Body::None,
            S::NO_CONTENT,
        ),
        row(
            M::DELETE,
            "/api/v1/orgs/{org}",
            &[],
            "",
            Body::None,
            S::NO_CONTENT,
        ),
    ]
}

/// Everything an organisation holds, as its owner sees it.
async fn snapshot(owner: &Api, org: &str) -> Value {
    let p = |r: &str| format!("/api/v1/orgs/{org}{r}");
    let history = owner.ok(&p("/history?limit=1")).await;
    let mut content = Vec::new();
    let sets = owner.ok(&p("/datasets")).await;
    for d in sets["items"].as_array().unwrap() {
        let bytes = owner
            .get(&p(&format!("/datasets/{}/content", d["id"])))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        content.push(json!(String::from_utf8_lossy(&bytes)));
    }
    json!({
        "org": owner.ok(&p("")).await,
        "members": owner.ok(&p("/members")).await,
        "plan": owner.ok(&p("/plan")).await,
        "reviews": owner.ok(&p("/plan/reviews")).await,
        "assessments": owner.ok(&p("/plan/assessments")).await,
        "assets": owner.ok(&p("/plan/assets")).await,
        "history_total": history["total"],
        "history_newest": history["items"][0]["id"],
        "datasets": sets,
        "content": content,
    })
}

/// Everything, for both organisations, and what the two callers belong to.
async fn world(owner: &Api, others: &[&Api]) -> Value {
    let mut orgs = Vec::new();
    for o in others {
        orgs.push(o.ok("/api/v1/orgs").await);
    }
    json!({"a": snapshot(owner, A).await, "b": snapshot(owner, B).await, "orgs": orgs})
}

struct Setup {
    /// Kept running for the test.
    srv: Server,
    owner: Api,
    /// A member (an owner) of A only: session and token.
    outsider: Vec<(&'static str, Api)>,
    /// A viewer of B: session and token.
    viewer: Vec<(&'static str, Api)>,
    dataset: i64,
    viewer_id: i64,
    invitation: i64,
    job: i64,
    org_body: Value,
}

async fn setup() -> Setup {
    // The owner is no administrator: invitations go by e-mail.
    let srv = spawn_mailing().await;
    let login = sextant_web::demo::create(&srv.store, false).await.unwrap();
    let owner = srv.login_with(&login.email, &login.password).await;
    // The demo's owner is no administrator: the server makes A for them, as it made B.
    let sarah = srv
        .store
        .login(&login.email, &login.password, "setup")
        .await
        .unwrap();
    let as_creator = sextant_store::User {
        is_admin: true,
        ..sarah
    };
    srv.store
        .create_org(&as_creator, A, &format!("Org {A}"))
        .await
        .unwrap();
    import(&owner, A, BOOKSTORE).await;
    let (status, body) = call(
        owner
            .post(&format!("/api/v1/orgs/{A}/datasets?kind=orders&name=a.csv"))
            .body(ORDERS),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    srv.user("mallory@example.com").await;
    let vic = srv.user("vic@example.com").await;
    add_member(&srv, &owner, A, "mallory@example.com", "owner").await;
    add_member(&srv, &owner, B, "vic@example.com", "viewer").await;

    let mallory = srv.login("mallory@example.com").await;
    let (_, secret) = mallory.token("mallory").await;
    let mallory_token = srv.with_token(&secret);
    let vic_session = srv.login("vic@example.com").await;
    let (_, secret) = vic_session.token("vic").await;
    let vic_token = srv.with_token(&secret);
    // Their credentials work: A for the outsider, reading B for the viewer.
    for api in [&mallory, &mallory_token] {
        assert_eq!(api.ok(&format!("/api/v1/orgs/{A}")).await["role"], "owner");
    }
    for api in [&vic_session, &vic_token] {
        assert_eq!(api.ok(&format!("/api/v1/orgs/{B}")).await["role"], "viewer");
    }
    let sets = owner.ok(&format!("/api/v1/orgs/{B}/datasets")).await;
    let dataset = sets["items"][0]["id"].as_i64().unwrap();
    let org_body = owner
        .ok(&format!("/api/v1/orgs/{B}/plan/organization"))
        .await["body"]
        .clone();
    let (status, body) = call(
        owner
            .put(&format!("/api/v1/orgs/{B}/members"))
            .json(&json!({"email": "pending@example.com", "role": "viewer"})),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let invitation = body["invitation"]["id"].as_i64().unwrap();
    // A pack kept with B's autumn review: the first the store keeps, 1.
    let (status, body) = call(owner.post(&format!(
        "/api/v1/orgs/{B}/reviews/2026-10-20-autumn-review/packs?today=2026-12-04&parts=summary"
    )))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["id"], 1);
    // An assessment of B, with a control not met that has a remedy.
    let (status, body) = call(
        owner
            .post(&format!("/api/v1/orgs/{B}/plan/assessments"))
            .json(&json!({"id": "csf", "standard": "nist-csf-2.0", "answers": {"PR.AA-03": "not_met"}})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = call(
        owner
            .post(&format!("/api/v1/orgs/{B}/jobs"))
            .json(&json!({"kind": "simulate", "params": {"trials": 50}})),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let job = body["id"].as_i64().unwrap();
    Setup {
        job,
        invitation,
        srv,
        owner,
        outsider: vec![("session", mallory), ("token", mallory_token)],
        viewer: vec![("session", vic_session), ("token", vic_token)],
        dataset,
        viewer_id: vic.id,
        org_body,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_organisation_route_is_closed_to_non_members_and_read_only_to_viewers() {
    let s = setup().await;
    let all: Vec<&Api> = s.outsider.iter().chain(&s.viewer).map(|(_, a)| a).collect();
    let before = world(&s.owner, &all).await;

    // The table covers every organisation route of the OpenAPI document.
    let rows = table(
        s.dataset,
        s.viewer_id,
        s.invitation,
        s.job,
        "mallory@example.com",
        &s.org_body,
    );
    let covered: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.as_str().to_lowercase(), r.route.to_string()))
        .collect();
    let doc = s.owner.ok("/api/v1/openapi.json").await;
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/api/v1/orgs/{org}") {
            continue;
        }
        for method in item.as_object().unwrap().keys() {
            if ["get", "put", "post", "delete", "patch", "head", "options"]
                .contains(&method.as_str())
            {
                documented.insert((method.clone(), path.clone()));
            }
        }
    }
    let missing: Vec<_> = documented.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "organisation routes not in the table: {missing:?}"
    );
    let undocumented: Vec<_> = covered.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "table routes not documented: {undocumented:?}"
    );

    // A member of A only: 404 for everything on B, the same answer as for no organisation.
    for (how, api) in &s.outsider {
        for r in &rows {
            let (status, body) = problem(r.request(api, B)).await;
            assert_eq!(
                status,
                StatusCode::NOT_FOUND,
                "outsider ({how}) {}: {body}",
                r.name()
            );
            let (status2, body2) = problem(r.request(api, "no-such-org")).await;
            assert_eq!(status2, status, "{}", r.name());
            assert_eq!(
                body["detail"].as_str().unwrap().replace(B, "SLUG"),
                body2["detail"]
                    .as_str()
                    .unwrap()
                    .replace("no-such-org", "SLUG"),
                "outsider ({how}) {}: a member-only answer tells B exists",
                r.name()
            );
            if r.method == Method::GET {
                let resp = r.request_as(api, B, Method::HEAD).send().await.unwrap();
                assert_eq!(resp.status(), StatusCode::NOT_FOUND, "HEAD {}", r.name());
            }
        }
        assert_eq!(
            world(&s.owner, &all).await,
            before,
            "the outsider ({how}) changed something"
        );
    }

    // Reaching B's data set and B's member through A, where the outsider is an owner.
    for (how, api) in &s.outsider {
        for (method, path) in [
            (
                Method::GET,
                format!("/api/v1/orgs/{A}/datasets/{}", s.dataset),
            ),
            (
                Method::GET,
                format!("/api/v1/orgs/{A}/datasets/{}/content", s.dataset),
            ),
            (
                Method::DELETE,
                format!("/api/v1/orgs/{A}/datasets/{}", s.dataset),
            ),
            (
                Method::DELETE,
                format!("/api/v1/orgs/{A}/members/{}", s.viewer_id),
            ),
            (Method::GET, format!("/api/v1/orgs/{A}/plan/reviews/pwned")),
        ] {
            let (status, body) = problem(api.req(method.clone(), &path)).await;
            assert_eq!(
                status,
                StatusCode::NOT_FOUND,
                "outsider ({how}) {method} {path}: {body}"
            );
        }
        assert_eq!(world(&s.owner, &all).await, before, "through A ({how})");
    }

    // A viewer of B: every read succeeds, every change is 403, except the client's answer to
    // a review, which is a viewer's to give (tested in `reviews`).
    for (how, api) in &s.viewer {
        for r in &rows {
            if !r.changes() && *how == "token" {
                continue;
            }
            if r.route == "/api/v1/orgs/{org}/reviews/{id}/answers" {
                continue;
            }
            if r.changes() {
                let (status, body) = problem(r.request(api, B)).await;
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "viewer ({how}) {}: {body}",
                    r.name()
                );
                assert!(
                    body["detail"].as_str().unwrap().contains("role"),
                    "viewer ({how}) {}: {body}",
                    r.name()
                );
            } else {
                let (status, body) = call(r.request(api, B)).await;
                assert_eq!(
                    status,
                    StatusCode::OK,
                    "viewer ({how}) {}: {body}",
                    r.name()
                );
            }
        }
        assert_eq!(
            world(&s.owner, &all).await,
            before,
            "the viewer ({how}) changed something"
        );
    }

    // The same changes are B's owner's to make: the refusals were the role's doing.
    for r in rows.iter().filter(|r| r.changes()) {
        let (status, body) = call(r.request(&s.owner, B)).await;
        assert_eq!(status, r.owner, "owner {}: {body}", r.name());
    }
    let (status, _) = problem(s.owner.get(&format!("/api/v1/orgs/{B}"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "B was deleted last");
}

#[tokio::test]
async fn a_viewer_cannot_promote_themselves_or_leave_traces() {
    let s = setup().await;
    let (_, vic) = &s.viewer[0];
    for role in ["owner", "editor", "viewer"] {
        let (status, _) = problem(
            vic.put(&format!("/api/v1/orgs/{B}/members"))
                .json(&json!({"email": "vic@example.com", "role": role})),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
    }
    assert_eq!(vic.ok(&format!("/api/v1/orgs/{B}")).await["role"], "viewer");
    let h = s
        .owner
        .ok(&format!("/api/v1/orgs/{B}/history?limit=500"))
        .await;
    assert!(
        h["items"]
            .as_array()
            .unwrap()
            .iter()
            // Vic's one trace is her accepting the invitation.
            .all(|i| i["user"] != "vic@example.com" || i["after"]["accepted"] == true),
        "{h}"
    );
    // An editor may change the plan but not the members or the organisation.
    add_member(&s.srv, &s.owner, B, "vic@example.com", "editor").await;
    let (status, body) = call(
        vic.post(&format!("/api/v1/orgs/{B}/plan/goals"))
            .json(&json!({"id": "by-vic", "title": "By Vic", "weight": 1})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    for (method, path, body) in [
        (
            Method::PATCH,
            format!("/api/v1/orgs/{B}"),
            json!({"name": "Vic's"}),
        ),
        (
            Method::PUT,
            format!("/api/v1/orgs/{B}/members"),
            json!({"email": "vic@example.com", "role": "owner"}),
        ),
        (Method::DELETE, format!("/api/v1/orgs/{B}"), Value::Null),
    ] {
        let mut r = vic.req(method.clone(), &path);
        if !body.is_null() {
            r = r.json(&body);
        }
        let (status, body) = problem(r).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "editor {method} {path}: {body}"
        );
    }
    assert_eq!(vic.ok(&format!("/api/v1/orgs/{B}")).await["role"], "editor");
}
