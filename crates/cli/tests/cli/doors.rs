//! One truth under both front doors: for each operation a person can ask for, the CLI's JSON
//! and the API's JSON are equal for the same input. The server runs in-process over a fresh
//! database; the CLI is given the plan exactly as the server stores it (its export), so that
//! both read the same document.

#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;

use serde_json::{Value, json};
use sextant_store::Store;
use sextant_web::AppState;

use super::sextant;

const ORDERS: &str = include_str!("../../../../examples/corner-bookstore/orders.csv");

/// The server with an organisation `shop` holding the bookstore plan (and, when asked, its
/// orders), a session on it, and the plan as exported, written to a file for the CLI.
struct Doors {
    base: String,
    http: reqwest::Client,
    plan: tempfile::NamedTempFile,
    orders: tempfile::NamedTempFile,
    _dir: tempfile::TempDir,
}

impl Doors {
    async fn new(with_orders: bool) -> Doors {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("sextant.db").display());
        let store = Store::open(&url).await.unwrap();
        store
            .create_user("owner@example.com", "Owner", "a long test password", true)
            .await
            .unwrap();
        let app = sextant_web::app(AppState::new(store, false, 0));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        let base = format!("http://{addr}");
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let login: Value = http
            .post(format!("{base}/api/v1/session"))
            .json(&json!({"email": "owner@example.com", "password": "a long test password"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let csrf = login["csrf_token"].as_str().unwrap().to_string();
        let send = |r: reqwest::RequestBuilder| {
            let csrf = csrf.clone();
            async move {
                let resp = r.header("x-csrf-token", csrf).send().await.unwrap();
                assert!(resp.status().is_success(), "{}", resp.text().await.unwrap());
            }
        };
        send(
            http.post(format!("{base}/api/v1/orgs"))
                .json(&json!({"slug": "shop", "name": "Shop"})),
        )
        .await;
        send(
            http.put(format!("{base}/api/v1/orgs/shop/plan"))
                .header("content-type", "application/yaml")
                .body(std::fs::read_to_string(super::demo()).unwrap()),
        )
        .await;
        if with_orders {
            send(
                http.post(format!(
                    "{base}/api/v1/orgs/shop/datasets?kind=orders&name=orders.csv"
                ))
                .header("content-type", "text/csv")
                .body(ORDERS),
            )
            .await;
        }
        let exported = http
            .get(format!("{base}/api/v1/orgs/shop/plan"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let plan = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
        std::fs::write(plan.path(), exported).unwrap();
        let orders = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        std::fs::write(orders.path(), ORDERS).unwrap();
        Doors {
            base,
            http,
            plan,
            orders,
            _dir: dir,
        }
    }

    /// The API's JSON for `path` (under the organisation).
    async fn api(&self, path: &str) -> Value {
        let resp = self
            .http
            .get(format!("{}/api/v1/orgs/shop/{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap()
    }

    /// Posts `body` as CSV to `path` (under the organisation), with the session's CSRF token.
    async fn post_csv(&self, path: &str, body: &str) {
        self.post(path, "text/csv", body).await
    }

    /// Posts `body` of `content_type` to `path` (under the organisation), with the session's
    /// CSRF token.
    async fn post(&self, path: &str, content_type: &str, body: &str) {
        let login: Value = self
            .http
            .get(format!("{}/api/v1/me", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let resp = self
            .http
            .post(format!("{}/api/v1/orgs/shop/{path}", self.base))
            .header(
                "x-csrf-token",
                login["csrf_token"].as_str().unwrap_or_default(),
            )
            .header("content-type", content_type)
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = resp.status();
        assert!(
            status.is_success(),
            "{path}: {status} {}",
            resp.text().await.unwrap()
        );
    }

    /// The CLI's JSON for `sextant <cmd> <plan> --format json <args>`.
    fn cli(&self, cmd: &str, args: &[&str]) -> Value {
        let plan = self.plan.path().to_str().unwrap();
        let mut all = vec![cmd, plan, "--format", "json"];
        all.extend_from_slice(args);
        let out = sextant(&all);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "sextant {all:?}: {}\n{stdout}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_str(&stdout).unwrap()
    }
}

/// The value without what measures the run rather than the answer (seconds taken).
fn answer(mut v: Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.remove("solve_seconds");
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    v
}

fn same(what: &str, cli: Value, api: Value) {
    let (cli, api) = (answer(cli), answer(api));
    assert!(
        cli == api,
        "{what}: the CLI and the API differ\nCLI: {cli:#}\nAPI: {api:#}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_analysis_roadmap_simulation_and_comparison_are_the_same_at_both_doors() {
    let d = Doors::new(false).await;
    same("analysis", d.cli("analyze", &[]), d.api("analysis").await);
    let roadmap = d.cli("roadmap", &["--frontier", "4", "--budget-factor", "0.8"]);
    assert_eq!(
        roadmap["frontier"].as_array().map(Vec::len),
        Some(5),
        "{roadmap}"
    );
    same(
        "roadmap",
        roadmap,
        d.api("roadmap?frontier=4&budget_factor=0.8").await,
    );
    same(
        "simulation",
        d.cli("simulate", &["--trials", "3000", "--seed", "7"]),
        d.api("simulate?trials=3000&seed=7").await,
    );
    same("comparison", d.cli("compare", &[]), d.api("compare").await);
    same(
        "budget",
        d.cli("budget", &["--years", "4"]),
        d.api("budget?years=4").await,
    );
    same(
        "suggestions",
        d.cli("suggest", &[]),
        d.api("suggestions").await,
    );
}

/// The lifecycle of the demo's devices, and the budget with their replacements: the same from
/// the asset list at the CLI and from the register the list was imported into at the API.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lifecycle_and_the_budget_with_replacements_are_the_same_at_both_doors() {
    let d = Doors::new(false).await;
    let list = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/corner-bookstore/assets.csv");
    d.post_csv(
        "assets/import?name=assets.csv",
        &std::fs::read_to_string(&list).unwrap(),
    )
    .await;
    let plan = d.plan.path().to_str().unwrap();
    let cli = |args: &[&str]| -> Value {
        let out = sextant(args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let list = list.to_str().unwrap();
    same(
        "lifecycle",
        cli(&[
            "assets",
            list,
            "--plan",
            plan,
            "--today",
            "2026-12-04",
            "--format",
            "json",
        ]),
        d.api("lifecycle?today=2026-12-04").await,
    );
    // The API's budget is judged on today: the CLI is told the same day.
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let today = sextant_core::model::Date::from_days((secs / 86_400) as i32).to_string();
    same(
        "budget with replacements",
        cli(&[
            "budget", plan, "--format", "json", "--assets", list, "--today", &today,
        ]),
        d.api("budget").await,
    );
}

/// The agenda of the next review: from a reviews file, an assessment's answers file and the
/// asset list at the CLI; from the review, the assessment and the register stored at the API.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agenda_of_the_next_review_is_the_same_at_both_doors() {
    let d = Doors::new(false).await;
    let dir = tempfile::tempdir().unwrap();
    let list = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/corner-bookstore/assets.csv");
    d.post_csv(
        "assets/import?name=assets.csv",
        &std::fs::read_to_string(&list).unwrap(),
    )
    .await;
    // The demo's assessment, stored; and as an answers file named by its id.
    let assessment: Value = serde_json::from_str(sextant_web::demo::ASSESSMENT).unwrap();
    d.post(
        "plan/assessments",
        "application/json",
        sextant_web::demo::ASSESSMENT,
    )
    .await;
    let mut answers = format!(
        "format: 1\nstandard: {}\ndate: {}\nanswers:\n",
        assessment["standard"].as_str().unwrap(),
        assessment["date"].as_str().unwrap()
    );
    for (k, v) in assessment["answers"].as_object().unwrap() {
        answers += &format!("  {k}: {v}\n");
    }
    let answers_file = dir
        .path()
        .join(format!("{}.yaml", assessment["id"].as_str().unwrap()));
    std::fs::write(&answers_file, answers).unwrap();
    let (list, answers_file) = (list.to_str().unwrap(), answers_file.to_str().unwrap());
    // No review yet: changes since three months before 10 January 2027, the assessment of
    // 15 October 2026 among them.
    let today = "2027-01-10";
    let base = [
        "--assets",
        list,
        "--assessment",
        answers_file,
        "--today",
        today,
    ];
    let cli = d.cli("review", &base);
    assert!(
        cli["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["topic"] == "assessment"),
        "{cli:#}"
    );
    same("agenda", cli, d.api(&format!("agenda?today={today}")).await);
    // With the demo's autumn review: its actions and decisions.
    d.post(
        "plan/reviews",
        "application/json",
        sextant_web::demo::REVIEW,
    )
    .await;
    let reviews = dir.path().join("reviews.json");
    std::fs::write(&reviews, format!("[{}]", sextant_web::demo::REVIEW)).unwrap();
    let mut args = base.to_vec();
    args.extend(["--reviews", reviews.to_str().unwrap()]);
    let cli = d.cli("review", &args);
    assert_eq!(cli["actions"].as_array().unwrap().len(), 2, "{cli:#}");
    same(
        "agenda with a review",
        cli,
        d.api(&format!("agenda?today={today}")).await,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_analysis_with_imported_orders_is_the_same_at_both_doors() {
    let d = Doors::new(true).await;
    let orders = format!("orders={}", d.orders.path().display());
    let cli = d.cli("analyze", &["--data", &orders]);
    same("analysis with data", cli, d.api("analysis").await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_metrics_and_the_customer_lifetime_values_are_the_same_at_both_doors() {
    let d = Doors::new(true).await;
    let orders = d.orders.path().to_str().unwrap().to_string();
    let run = |args: &[&str]| -> Value {
        let out = sextant(args);
        assert!(
            out.status.success(),
            "sextant {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let cli = run(&["metrics", &orders, "--format", "json"]);
    assert!(cli.to_string().contains("average_order_value"), "{cli}");
    same("metrics", cli, d.api("metrics").await);
    same(
        "metrics by quarter",
        run(&[
            "metrics", &orders, "--period", "quarter", "--format", "json",
        ]),
        d.api("metrics?period=quarter").await,
    );
    let cli = run(&[
        "clv",
        &orders,
        "--calibration-end",
        "2026-06-30",
        "--margin",
        "1",
        "--discount-rate",
        "0.01",
        "--format",
        "json",
    ]);
    same(
        "customer lifetime value",
        cli,
        d.api("clv?calibration_end=2026-06-30&margin=1&discount_rate=0.01")
            .await,
    );
}
