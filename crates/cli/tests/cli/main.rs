//! End-to-end tests of the `sextant` binary: what a user types and what they get back,
//! including exit codes (0 ok, 1 invalid input, 2 usage).

mod account;
mod analytics;
mod assess;
mod assets;
mod cache;
mod doors;
mod plans;
mod report;
mod review;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn demo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/corner-bookstore.yaml")
}

fn sextant(args: &[&str]) -> Output {
    sextant_with_input(args, None)
}

fn sextant_with_input(args: &[&str], input: Option<&str>) -> Output {
    sextant_cached(&test_cache(), args, input)
}

/// The roadmap cache of this run of the tests (never the user's own).
fn test_cache() -> PathBuf {
    std::env::temp_dir().join(format!("sextant-cli-{}-cache", std::process::id()))
}

/// `sextant` with its roadmap cache in `cache`.
fn sextant_cached(cache: &std::path::Path, args: &[&str], input: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sextant"))
        .args(args)
        .env("SEXTANT_CACHE_DIR", cache)
        .env_remove("CLICOLOR_FORCE")
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let (Some(text), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin
            .write_all(text.as_bytes())
            .expect("stdin accepts input");
    }
    child.wait_with_output().expect("the binary finishes")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The header of a CSV file's `text` and the rows `keep` keeps.
fn rows_where(text: &str, keep: impl Fn(&str) -> bool) -> String {
    text.lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || keep(l))
        .map(|(_, l)| format!("{l}\n"))
        .collect()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sextant-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn approx(v: &serde_json::Value, expected: f64) {
    let x = v.as_f64().unwrap_or(f64::NAN);
    assert!((x - expected).abs() < 1e-4, "{x} != {expected}");
}

#[test]
fn analyze_json_reproduces_the_seed_roi_figures() {
    let demo = demo();
    let out = sextant(&[
        "analyze",
        demo.to_str().expect("utf-8 path"),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let roi = |id: &str| {
        json["initiatives"]
            .as_array()
            .and_then(|a| a.iter().find(|i| i["id"] == id))
            .map(|i| i["first_year_roi"].clone())
            .unwrap_or_default()
    };
    // Seed 000_8d6b169b7fa7c0c0.txt: (10,000 - 3,000) / 3,000 = 233%; (15,000 - 2,000) / 2,000
    // = 650%; (2,000 + 3,000 - 1,500) / 1,500 = 233%.
    approx(&roi("ecommerce"), 7.0 / 3.0);
    approx(&roi("crm"), 6.5);
    approx(&roi("analytics"), 3500.0 / 1500.0);
    for field in [
        "id",
        "first_year_roi",
        "npv",
        "irr_annual",
        "payback_month",
        "discounted_payback_month",
        "alignment_score",
    ] {
        assert!(
            json["initiatives"][0].get(field).is_some(),
            "initiatives[].{field} missing"
        );
    }
    assert_eq!(json["goals"][0]["id"], "online-sales");
    assert_eq!(json["goals"][0]["covered"], true);
    let codes: Vec<&str> = json["findings"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["code"].as_str()).collect())
        .unwrap_or_default();
    assert!(codes.contains(&"revenue-without-margin"), "{codes:?}");
    for f in json["findings"].as_array().into_iter().flatten() {
        for field in ["code", "severity", "message", "path"] {
            assert!(f.get(field).is_some(), "findings[].{field} missing in {f}");
        }
    }
}

#[test]
fn analyze_text_is_a_plain_report_when_piped() {
    let demo = demo();
    let out = sextant(&["analyze", demo.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.starts_with("The Corner Bookstore: technology plan analysis\n"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no colour codes when piped");
    let ecommerce = text
        .lines()
        .find(|l| l.starts_with("ecommerce"))
        .unwrap_or_default();
    assert!(ecommerce.contains("233%"), "{ecommerce}");
    let crm = text
        .lines()
        .find(|l| l.starts_with("crm "))
        .unwrap_or_default();
    assert!(crm.contains("650%"), "{crm}");
    assert!(text.contains("6 of 6 goals covered: 100% of strategic goals enabled by technology"));
    assert!(text.contains("[revenue-without-margin]"));
}

#[test]
fn analyze_lists_time_to_market_and_the_innovation_pipeline() {
    let dir = temp_dir("ttm");
    let plan = dir.join("plan.yaml");
    std::fs::write(
        &plan,
        "version: 1
organization: {name: Shop, currency: USD, start: 2027-01, horizon_months: 24, discount_rate: 0.08}
initiatives:
  - {id: web, title: Web shop, duration_months: 2, status: done, kind: explore, started: 2027-01-15, launched: 2027-03-15}
  - {id: app, title: App, duration_months: 2, kind: explore}
",
    )
    .expect("plan written");
    let out = sextant(&["analyze", plan.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    // 2027-01-15 to 2027-03-15: 16 + 28 + 15 = 59 days.
    assert!(
        text.contains("Time to market\ninitiative  started     launched    days\nweb         2027-01-15  2027-03-15    59\n"),
        "{text}"
    );
    assert!(
        text.contains("candidate: 1, planned: 0, in progress: 0, done: 1, cancelled: 0"),
        "{text}"
    );
}

/// Realised against projected for each finished initiative and for all of them: the KPI's fall
/// of 2,000 (inventory cost, better when it falls) is shared by the two initiatives that claim
/// it in proportion to what each projected (1,500 and 500): 1,500 and 500 a year. Costs: 1,000
/// and 500 one-time, no recurring: all finished work gains 2,000 on 1,500, ROI 33%.
#[test]
fn analyze_shows_the_realised_return_of_each_and_all_finished_work() {
    let dir = temp_dir("realised");
    let plan = dir.join("plan.yaml");
    std::fs::write(
        &plan,
        "version: 1
organization: {name: Shop, currency: USD, start: 2027-01, horizon_months: 24, discount_rate: 0.08}
kpis: [{id: stock_cost, name: Stock cost, unit: USD, direction: down}]
goals: [{id: stock, title: Cut stock cost, kpi: stock_cost, baseline: 20000, target: 17000, due: 2028-12}]
initiatives:
  - {id: pos, title: POS, duration_months: 2, status: done, one_time_cost: 1000, benefits: [{kind: saving, annual: 1500, goal: stock}], contributes: {stock: 3}}
  - {id: count, title: Stock count, duration_months: 1, status: done, one_time_cost: 500, benefits: [{kind: saving, annual: 500, goal: stock}], contributes: {stock: 2}}
measurements: {stock_cost: {2027-01: 20000, 2027-12: 18000}}
",
    )
    .expect("plan written");
    let out = sextant(&["analyze", plan.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let at = text
        .find("Realised against projected")
        .unwrap_or_else(|| panic!("{text}"));
    let section = &text[at..];
    let row = |name: &str| {
        section
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} row in {section}"))
            .to_string()
    };
    assert!(row("pos ").contains("1,500"), "{section}");
    assert!(row("count ").contains("500"), "{section}");
    let all = row("all completed");
    assert!(
        all.contains("2,000") && all.contains("33%") && all.contains("2 of 2 measured"),
        "{all}"
    );
}

#[test]
fn analyze_markdown() {
    let demo = demo();
    let out = sextant(&[
        "analyze",
        demo.to_str().expect("utf-8 path"),
        "-f",
        "markdown",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let md = stdout(&out);
    assert!(
        md.starts_with("# The Corner Bookstore: technology plan analysis\n"),
        "{md}"
    );
    assert!(md.contains("\n## Business cases\n\n| initiative"), "{md}");
    assert!(
        md.contains("- **warning** `revenue-without-margin`"),
        "{md}"
    );
}

#[test]
fn analyze_reads_standard_input() {
    let text = std::fs::read_to_string(demo()).expect("demo readable");
    let out = sextant_with_input(&["analyze", "-", "--format", "json"], Some(&text));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn fail_on_sets_the_exit_code() {
    let demo = demo();
    let path = demo.to_str().expect("utf-8 path");
    assert_eq!(
        sextant(&["analyze", path, "--fail-on", "warning"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        sextant(&["analyze", path, "--fail-on", "error"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn invalid_plans_exit_1_with_located_messages() {
    let dir = temp_dir("invalid");
    let bad = dir.join("plan.yaml");
    std::fs::write(&bad, "version: 1\norganization:\n  name: Shop\n  currency: USD\n  start: 2027-01\n  horizon_months: 12\n  discount_rate: 0.08\n  colour: blue\n").expect("write");
    for cmd in ["validate", "analyze"] {
        let out = sextant(&[cmd, bad.to_str().expect("utf-8 path")]);
        assert_eq!(out.status.code(), Some(1), "{cmd}");
        let err = stderr(&out);
        assert!(
            err.contains("plan.yaml:8:3: organization.colour: unknown field `colour`"),
            "{err}"
        );
        assert!(
            err.contains("1 problem found; nothing was analysed."),
            "{err}"
        );
        assert!(stdout(&out).is_empty(), "nothing on stdout for {cmd}");
    }
}

#[test]
fn validate_reports_each_file_and_json_problems() {
    let dir = temp_dir("validate");
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "version: 1\norganization: {name: S, currency: USD, start: 2027-01, horizon_months: 12, discount_rate: lots}\n").expect("write");
    let demo = demo();
    let out = sextant(&[
        "validate",
        demo.to_str().expect("utf-8"),
        bad.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("corner-bookstore.yaml: ok (6 goals, 5 initiatives, 4 systems)"));

    let out = sextant(&["validate", "--format", "json", bad.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let p = &json[0]["problems"][0];
    assert_eq!(json[0]["valid"], false);
    assert_eq!(p["line"], 2);
    assert_eq!(p["column"], 91);
    assert_eq!(p["path"], "organization.discount_rate");
    assert_eq!(p["expected"], "a number");
    assert_eq!(p["found"], "the text \"lots\"");
}

#[test]
fn a_missing_file_is_invalid_input() {
    let out = sextant(&["analyze", "no-such-plan.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("error: cannot read no-such-plan.yaml: "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(sextant(&["analyze"]).status.code(), Some(2));
    assert_eq!(sextant(&["analyse-this"]).status.code(), Some(2));
    let demo = demo();
    assert_eq!(
        sextant(&["analyze", demo.to_str().expect("utf-8"), "--format", "pdf"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn schema_describes_the_plan_file() {
    let out = sextant(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(schema["title"], "Sextant plan file, version 1");
    assert!(schema["properties"]["initiatives"].is_object());
    let required = schema["required"].as_array().cloned().unwrap_or_default();
    assert!(required.contains(&"version".into()) && required.contains(&"organization".into()));
}

#[test]
fn completions_are_generated() {
    let out = sextant(&["completions", "bash"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("sextant"));
}

#[test]
fn init_writes_a_valid_plan_and_refuses_to_overwrite() {
    let dir = temp_dir("init");
    let plan = dir.join("plan.yaml");
    let p = plan.to_str().expect("utf-8");
    let out = sextant(&[
        "init",
        "--industry",
        "trades",
        "--name",
        "Fix-It Ltd",
        "--currency",
        "GBP",
        "--start",
        "2027-04",
        "-o",
        p,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&plan).expect("written");
    assert!(text.contains("name: \"Fix-It Ltd\""), "{text}");
    assert!(text.contains("start: 2027-04"), "{text}");
    assert_eq!(sextant(&["validate", p]).status.code(), Some(0));
    assert_eq!(sextant(&["analyze", p]).status.code(), Some(0));

    let again = sextant(&["init", "-o", p]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already exists; use --force to overwrite it"));
    assert_eq!(
        sextant(&["init", "-o", p, "--force"]).status.code(),
        Some(0)
    );

    let bad = sextant(&["init", "--currency", "dollars"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("a currency is a three-letter ISO 4217 code"));
}

#[test]
fn init_interactive_reads_answers() {
    let out = sextant_with_input(
        &["init", "--interactive"],
        Some("Corner Café\nhospitality\nEUR\n2027-02\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("name: \"Corner Café\""), "{text}");
    assert!(text.contains("industry: hospitality"), "{text}");
    assert!(text.contains("currency: EUR"), "{text}");
    assert!(stderr(&out).contains("Business name [My Business]: "));
}

/// A plan whose budget allows only one of two initiatives, with a scenario.
const TIGHT: &str = "\
version: 1
organization: {name: Shop, currency: USD, start: 2027-01, horizon_months: 12, discount_rate: 0.08}
goals:
  - {id: sales, title: More sales, kpi: revenue, baseline: 100, target: 120, due: 2027-12}
initiatives:
  - {id: big, title: Big, duration_months: 2, one_time_cost: 8000, benefits: [{kind: saving, annual: 12000}], contributes: {sales: 3}}
  - {id: small, title: Small, duration_months: 2, one_time_cost: 6000, benefits: [{kind: saving, annual: 6000}], contributes: {sales: 1}}
constraints:
  budget: [{period: 2027, amount: 10000}]
scenarios:
  - {name: cut, budget_factor: 0.5}
";

#[test]
fn roadmap_json_has_the_contract_fields_and_explains_exclusions() {
    let out = sextant_with_input(&["roadmap", "-", "--format", "json"], Some(TIGHT));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(v["status"], "optimal");
    for key in [
        "objective",
        "bound",
        "gap",
        "spend_by_period",
        "hours_by_month",
        "baseline_objective",
        "own_order_npv",
        "own_order_schedule",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let sched = v["schedule"].as_array().expect("schedule");
    assert_eq!(sched.len(), 1);
    assert_eq!(sched[0]["id"], "big");
    assert_eq!(sched[0]["start_month"], 0);
    assert_eq!(sched[0]["end_month"], 1);
    assert_eq!(sched[0]["start"], "2027-01");
    assert_eq!(v["excluded"][0]["id"], "small");
    assert_eq!(v["excluded"][0]["reason"], "budget");
}

#[test]
fn roadmap_text_draws_a_gantt_and_the_reasons() {
    let out = sextant_with_input(&["roadmap", "-"], Some(TIGHT));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Roadmap for Shop: optimal"), "{text}");
    assert!(text.contains("big         2027-01  ███ · ·"), "{text}");
    assert!(text.contains("small       over budget"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colour when piped");
}

#[test]
fn roadmap_of_an_impossible_plan_exits_1_and_names_the_cause() {
    let plan = TIGHT.replace("title: Small,", "title: Small, mandatory: true,");
    let plan = plan.replace("title: Big,", "title: Big, mandatory: true,");
    let out = sextant_with_input(&["roadmap", "-", "--format", "json"], Some(&plan));
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(v["status"], "infeasible");
    let families: Vec<&str> = v["infeasible_because"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["family"].as_str())
        .collect();
    assert!(families.contains(&"budget"), "{families:?}");
}

#[test]
fn roadmap_frontier_has_the_requested_levels() {
    let out = sextant_with_input(
        &["roadmap", "-", "--format", "json", "--frontier", "10"],
        Some(TIGHT),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let f = v["frontier"].as_array().expect("frontier");
    // The 10 levels, and the plan's own budget when it is not one of them.
    let own = f.iter().filter(|p| p["plan_budget"] == true).count();
    assert_eq!(own, 1);
    assert!(f.len() == 10 || f.len() == 11, "{}", f.len());
    let first = f[0]["objective"].as_f64().unwrap_or(f64::NAN);
    let last = f[f.len() - 1]["objective"].as_f64().unwrap_or(f64::NAN);
    assert!(last > first, "{first} -> {last}");
}

#[test]
fn simulate_is_reproducible_and_reports_percentiles() {
    let demo = demo();
    let args = [
        "simulate",
        demo.to_str().unwrap_or_default(),
        "--format",
        "json",
        "--trials",
        "3000",
        "--seed",
        "7",
    ];
    let a = sextant(&args);
    let b = sextant(&args);
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    assert_eq!(stdout(&a), stdout(&b), "same seed, same numbers");
    let v: serde_json::Value = serde_json::from_str(&stdout(&a)).expect("JSON");
    assert_eq!(v["trials"], 3000);
    let npv = &v["npv"];
    let p = |k: &str| npv[k].as_f64().unwrap_or(f64::NAN);
    assert!(p("p5") <= p("p10") && p("p10") <= p("p50") && p("p50") <= p("p90"));
    assert!(p("p90") <= p("p95"));
    assert_eq!(v["completion"].as_array().map(Vec::len), Some(5));
    assert!(v["p_npv_negative"].as_f64().is_some());
}

#[test]
fn simulate_refuses_zero_trials() {
    let out = sextant_with_input(&["simulate", "-", "--trials", "0"], Some(TIGHT));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("expected 1 to 10000000 trials, found `0`"));
}

#[test]
fn compare_sets_scenarios_beside_the_base() {
    let out = sextant_with_input(&["compare", "-", "--format", "json"], Some(TIGHT));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let cases = v["cases"].as_array().expect("cases");
    assert_eq!(cases[0]["name"], "base");
    assert_eq!(cases[1]["name"], "cut");
    // Half the budget (5,000) fits neither initiative.
    assert_eq!(cases[1]["initiatives"], 0);
    assert_eq!(cases[1]["dropped"][0], "big");
    assert_eq!(cases[1]["base_schedule_feasible"], false);
    let text = stdout(&sextant_with_input(&["compare", "-"], Some(TIGHT)));
    assert!(text.contains("cut: drops big; adds nothing"), "{text}");
}

#[test]
fn metrics_and_clv_on_the_demo_data() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/corner-bookstore");
    let orders = dir.join("orders.csv");
    let orders = orders.to_str().unwrap_or_default();
    let out = sextant(&[
        "metrics", orders, "--format", "json", "--from", "2026-11", "--to", "2026-12",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(v["periods"], serde_json::json!(["2026-11", "2026-12"]));
    let revenue = v["series"]
        .as_array()
        .and_then(|s| {
            s.iter()
                .find(|x| x["metric"] == "revenue" && x["by"].is_null())
        })
        .expect("revenue");
    assert!(
        revenue["values"][1].as_f64().unwrap_or(0.0) > revenue["values"][0].as_f64().unwrap_or(0.0)
    );
    // The bounds in other spellings: `--to` a quarter reaches its last month.
    let out = sextant(&[
        "metrics", orders, "--format", "json", "--from", "Nov 2026", "--to", "2026Q4",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(v["periods"], serde_json::json!(["2026-11", "2026-12"]));
    let out = sextant(&["metrics", orders, "--from", "2026-13"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--from: `2026-13`: there is no month 13; write a day as 2027-03-15, a month as 2027-03, Mar 2027 or 03/2027, a quarter as 2027Q1, 2027-Q1 or Q1 2027, an ISO week as 2027-W05, or a year as 2027"),
        "{}",
        stderr(&out)
    );
    // A range that ends before it starts is refused, not an empty table.
    let out = sextant(&["metrics", orders, "--from", "2026-12", "--to", "2026-11"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "--from 2026-12 is after --to 2026-11: expected a first period no later than the last"
        ),
        "{}",
        stderr(&out)
    );
    let out = sextant(&[
        "clv",
        orders,
        "--calibration-end",
        "2026-06-30",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    for key in ["r", "alpha", "a", "b"] {
        assert!(v["bgnbd"][key].as_f64().is_some(), "{key}");
    }
    for key in ["p", "q", "v"] {
        assert!(v["gamma_gamma"][key].as_f64().is_some(), "{key}");
    }
    assert!(v["log_likelihood"].as_f64().is_some());
    assert!(v["customers"].as_array().is_some_and(|c| c.len() > 1000));
    assert!(v["holdout"]["actual"].as_f64().unwrap_or(0.0) > 0.0);
}

#[test]
fn metrics_refuses_a_date_centuries_away_and_skips_it_when_asked() {
    let dir = temp_dir("metrics-years");
    let f = dir.join("o.csv");
    std::fs::write(
        &f,
        "date,customer,total\n2027-01-01,C1,10\n0027-01-02,C2,20\n2027-02-01,C1,5\n",
    )
    .expect("write");
    let path = f.to_str().unwrap_or_default();
    let out = sextant(&["metrics", path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "1 bad row(s); nothing was imported:\n  line 3, column 1 (date from \"date\"): expected a date (2027-03-17, 17/03/2027, 17 Mar 2027) or a period (Mar 2027, 2027Q1, 2027-W05), found \"0027-01-02\", in the year 27 (dates from 1900 to 2199 are read: a mistyped year?)"
        ),
        "{}",
        stderr(&out)
    );
    // Skipped, the report covers the two months of real orders, not two thousand years.
    let out = sextant(&["metrics", path, "--skip-bad-rows", "-f", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let periods: Vec<&str> = v["periods"]
        .as_array()
        .expect("periods")
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    assert_eq!(periods, ["2027-01", "2027-02"], "{v}");
}

#[test]
fn metrics_refuses_an_unknown_kind_and_names_bad_rows() {
    let out = sextant(&["metrics", "invoices=nothing.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("`invoices` is not a kind of data; say one of orders, marketing, sessions, incidents, surveys, usage, processes"),
        "{}",
        stderr(&out)
    );
    let dir = temp_dir("metrics-bad");
    let f = dir.join("o.csv");
    std::fs::write(
        &f,
        "date,customer,total\n2027-01-01,C1,10\n2027-01-02,C2,oops\n",
    )
    .expect("write");
    let out = sextant(&["metrics", f.to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "1 bad row(s); nothing was imported:\n  line 3, column 3 (amount from \"total\")"
        ),
        "{}",
        stderr(&out)
    );
    let out = sextant(&[
        "metrics",
        f.to_str().unwrap_or_default(),
        "--skip-bad-rows",
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("skipped 1 bad row(s)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn forecast_prints_the_contract_and_names_bad_values() {
    let dir = temp_dir("forecast");
    let f = dir.join("series.csv");
    let mut text = String::from("month,revenue\n");
    for i in 0..36 {
        let season = [
            0.0, 5.0, 10.0, 5.0, 0.0, -5.0, -10.0, -5.0, 0.0, 3.0, 8.0, 20.0,
        ][i % 12];
        text += &format!(
            "{}-{:02},{}\n",
            2024 + i / 12,
            i % 12 + 1,
            100.0 + i as f64 + season
        );
    }
    std::fs::write(&f, &text).expect("write");
    let path = f.to_str().unwrap_or_default();
    let out = sextant(&[
        "forecast",
        path,
        "--horizon",
        "6",
        "--season",
        "12",
        "--target",
        "150",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert!(v["model"].as_str().is_some_and(|m| m.starts_with("ETS(")));
    for key in ["mean", "lower_80", "upper_80", "lower_95", "upper_95"] {
        assert_eq!(v[key].as_array().map(Vec::len), Some(6), "{key}");
    }
    assert!(
        v["probability"]
            .as_f64()
            .is_some_and(|p| (0.0..=1.0).contains(&p))
    );
    std::fs::write(&f, "month,revenue\n2024-01,10\n2024-02,lots\n").expect("write");
    let out = sextant(&["forecast", path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("line 3, column 2 (\"revenue\"): expected a number, found \"lots\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn analyze_with_data_keeps_the_plans_own_measurements() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/corner-bookstore");
    let orders = format!("orders={}", dir.join("orders.csv").display());
    let demo = demo();
    let out = sextant(&[
        "analyze",
        demo.to_str().unwrap_or_default(),
        "--data",
        &orders,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let online = v["goal_status"]
        .as_array()
        .and_then(|g| g.iter().find(|x| x["goal"] == "online-sales"))
        .expect("online-sales");
    // The plan measures online revenue as a trailing year (69,599 in 2026-12, the orders file's
    // last twelve months); the monthly values from the orders file (about 10,090 in 2026-12)
    // do not replace them.
    assert_eq!(online["latest"], 69599.0);
    assert_eq!(online["latest_month"], "2026-12");
    assert_eq!(online["method"], "forecast");
}

/// Sends a GET to the server and returns the whole response.
fn http_get(addr: &str, path: &str) -> String {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(addr).expect("the server accepts connections");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("request written");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("response read");
    out
}

/// `analyze --data` with orders exported on 15 December: December is left out of the KPIs
/// computed from them, and a note on stderr says so (the report on stdout stays JSON).
#[test]
fn analyze_with_data_names_the_month_it_leaves_out() {
    let dir = temp_dir("partial");
    let full = include_str!("../../../../examples/corner-bookstore/orders.csv");
    let text = rows_where(full, |l| !(l.starts_with("2026-12-") && l[8..10] > *"15"));
    let orders = dir.join("orders.csv");
    std::fs::write(&orders, text).expect("written");
    let data = format!("orders={}", orders.display());
    let plan = demo();
    let plan = plan.to_str().expect("utf-8");
    let out = sextant(&["analyze", plan, "--data", &data, "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "note: December 2026 (2026-12) is left out of the KPIs computed from the data: the data cover only part of it\n"
    );
    let _: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    // Whole months: nothing to say.
    let data = format!(
        "orders={}",
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/corner-bookstore/orders.csv")
            .display()
    );
    let out = sextant(&["analyze", plan, "--data", &data, "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
}

/// Two exports of orders that share days, given together: both are read (the figures count
/// those days twice) and a warning names the files and the days.
#[test]
fn metrics_warns_when_two_files_of_one_kind_share_days() {
    let dir = temp_dir("overlap");
    let full = include_str!("../../../../examples/corner-bookstore/orders.csv");
    let part = rows_where(full, |l| l.starts_with("2026-12"));
    let (a, b) = (dir.join("all.csv"), dir.join("december.csv"));
    std::fs::write(&a, full).expect("written");
    std::fs::write(&b, part).expect("written");
    let (a, b) = (a.to_str().expect("utf-8"), b.to_str().expect("utf-8"));
    let out = sextant(&["metrics", a, b, "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "warning: {a} and {b} are both orders data for 2026-12-01 to 2026-12-31: those days are counted twice; give only the newer export if it holds the earlier one's records\n"
        )
    );
    // Files of other days are read without a word.
    let out = sextant(&["metrics", b, "--format", "json"]);
    assert_eq!(stderr(&out), "");
}

/// A month's marketing spend (given on its first day) covers the month: a file of daily spend
/// in June beside the monthly file that has June shares June with it.
#[test]
fn a_months_spend_covers_the_month_when_files_are_compared() {
    let dir = temp_dir("spend-overlap");
    let monthly = rows_where(
        include_str!("../../../../examples/corner-bookstore/marketing.csv"),
        |l| l.starts_with("2025-0") && l[..7] <= *"2025-06",
    );
    let (a, b) = (dir.join("monthly.csv"), dir.join("june.csv"));
    std::fs::write(&a, monthly).expect("written");
    std::fs::write(
        &b,
        "Date,Channel,Spend\n2025-06-02,social,10\n2025-06-30,social,12\n",
    )
    .expect("written");
    let (a, b) = (a.to_str().expect("utf-8"), b.to_str().expect("utf-8"));
    let out = sextant(&[
        "metrics",
        &format!("marketing={a}"),
        &format!("marketing={b}"),
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "warning: {a} and {b} are both marketing data for 2025-06-02 to 2025-06-30: those days are counted twice; give only the newer export if it holds the earlier one's records\n"
        )
    );
}

/// `backup` and `account` read an installation: a mistyped database is an error that creates
/// nothing (before, a missing SQLite file was created, migrated and backed up as an empty
/// installation: "backed up 0 rows").
#[test]
fn backup_and_account_refuse_a_database_that_is_no_installation() {
    let dir = temp_dir("no-installation");
    let typo = dir.join("typo.db");
    let out_file = dir.join("out.jsonl");
    let url = format!("sqlite://{}", typo.display());
    let out = sextant(&[
        "backup",
        "--database",
        &url,
        "-o",
        out_file.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "database: no database at {}: expected the file of an installation (check --database or SEXTANT_DATABASE_URL)\n",
            typo.display()
        )
    );
    assert!(!typo.exists(), "the mistyped database was created");
    assert!(!out_file.exists(), "a backup file was written");
    let out = sextant(&[
        "account",
        "sam@example.com",
        "--two-factor-off",
        "--database",
        &url,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no database at"), "{}", stderr(&out));
    assert!(!typo.exists(), "the mistyped database was created");
    // A file that exists but holds no installation (an empty file is an empty SQLite
    // database) is refused, and left as it was.
    let empty = dir.join("empty.db");
    std::fs::write(&empty, b"").expect("written");
    let url = format!("sqlite://{}", empty.display());
    let out = sextant(&[
        "backup",
        "--database",
        &url,
        "-o",
        out_file.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("database: the database holds no Sextant installation"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::metadata(&empty).expect("kept").len(), 0);
    assert!(!out_file.exists(), "a backup file was written");
}

#[test]
fn serve_demo_stops_gracefully_then_backup_and_restore_the_installation() {
    use std::io::BufRead;
    let dir = temp_dir("serve");
    let db = format!("sqlite://{}", dir.join("a.db").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_sextant"))
        .args([
            "serve",
            "--demo",
            "--listen",
            "127.0.0.1:0",
            "--database",
            &db,
        ])
        .env("SEXTANT_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let mut lines = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut printed = String::new();
    let addr = loop {
        let mut line = String::new();
        if lines.read_line(&mut line).expect("stdout is readable") == 0 {
            panic!("the server stopped before listening: {printed}");
        }
        printed.push_str(&line);
        if let Some(rest) = line.strip_prefix("Sextant is listening on http://") {
            break rest
                .split_whitespace()
                .next()
                .expect("an address")
                .to_string();
        }
    };
    assert!(
        printed.contains("e-mail sarah@corner-bookstore.example, password corner-bookstore"),
        "{printed}"
    );
    let health = http_get(&addr, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.ends_with("ok"), "{health}");
    let me = http_get(&addr, "/api/v1/me");
    assert!(me.starts_with("HTTP/1.1 401"), "{me}");
    assert!(me.contains("application/problem+json"), "{me}");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let out = child.wait_with_output().expect("the server stops");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("stopped; closing the database"),
        "{}",
        stderr(&out)
    );

    // A backup, readable by its owner only.
    let first = dir.join("first.jsonl");
    let out = sextant(&[
        "backup",
        "--database",
        &db,
        "-o",
        first.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("backed up "), "{}", stderr(&out));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&first)
            .expect("written")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Restored into a new database, it backs up to the same file.
    let db2 = format!("sqlite://{}", dir.join("b.db").display());
    let out = sextant(&[
        "restore",
        first.to_str().expect("utf-8"),
        "--database",
        &db2,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let second = dir.join("second.jsonl");
    let out = sextant(&[
        "backup",
        "--database",
        &db2,
        "-o",
        second.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&first).expect("first"),
        std::fs::read_to_string(&second).expect("second")
    );
    // Never over data, and never from a file that is not a backup.
    let out = sextant(&[
        "restore",
        first.to_str().expect("utf-8"),
        "--database",
        &db2,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "the database is not empty (users holds rows): restore into a new database, so that nothing there is overwritten"
        ),
        "{}",
        stderr(&out)
    );
    let plan = demo();
    let db3 = format!("sqlite://{}", dir.join("c.db").display());
    let out = sextant(&["restore", plan.to_str().expect("utf-8"), "--database", &db3]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("line 1: expected a JSON object"),
        "{}",
        stderr(&out)
    );
    let out = sextant(&["serve", "--database", "mysql://x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("unsupported database URL `mysql://x`"),
        "{}",
        stderr(&out)
    );
}

/// Orders rows repeating an earlier row of the same day are imported with a warning naming
/// their lines.
#[test]
fn metrics_warns_of_repeated_orders_rows() {
    let dir = temp_dir("repeats");
    let path = dir.join("orders.csv");
    std::fs::write(
        &path,
        "date,customer,amount\n2027-01-02,ann,10.00\n2027-01-02,bob,12.00\n2027-01-02,ann,10.00\n",
    )
    .expect("write the orders");
    let o = sextant(&["metrics", &path.to_string_lossy(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o).trim(),
        format!(
            "warning: {}: 1 row(s) repeat an earlier row of the same day cell for cell, a duplicated order? (line 4 repeats line 2); they were imported: remove them from the file if they are duplicates",
            path.display()
        )
    );
}

/// Every JSON the commands write for scripts gives each key once in each object (strict JSON
/// readers refuse a repeated one; `analyze` once wrote an initiative's `id` twice).
#[test]
fn every_json_output_gives_each_key_once() {
    let plan = demo();
    let plan = plan.to_str().expect("utf-8 path");
    for args in [
        vec!["analyze", plan, "--format", "json"],
        vec!["roadmap", plan, "--format", "json", "--time-limit", "5"],
        vec![
            "simulate", plan, "--format", "json", "--trials", "200", "--seed", "1",
        ],
        vec!["compare", plan, "--format", "json"],
        vec!["budget", plan, "--format", "json"],
        vec!["suggest", plan, "--format", "json"],
        vec!["summary", plan, "--format", "json"],
        vec!["review", plan, "--format", "json"],
    ] {
        let out = sextant(&args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            serde_json::from_str::<serde_json::Value>(&text).is_ok(),
            "{args:?}: not JSON"
        );
        let repeated = sextant_web::extract::repeated_key(text.as_bytes()).err();
        assert!(repeated.is_none(), "{args:?}: {repeated:?}");
    }
}

/// A file that cannot be read is reported in its place among the others, which are still
/// checked: in text and in JSON, with the exit code of a failure.
#[test]
fn validate_reports_an_unreadable_file_and_checks_the_rest() {
    let plan = demo();
    let plan = plan.to_str().expect("utf-8 path");
    let missing = temp_dir("validate-missing").join("missing.yaml");
    let missing = missing.to_str().expect("utf-8 path");
    let out = sextant(&["validate", "--format", "json", missing, plan]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(v[0]["file"], missing);
    assert_eq!(v[0]["valid"], false);
    assert!(
        v[0]["problems"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with(&format!("cannot read {missing}")),
        "{v}"
    );
    assert_eq!(v[1]["valid"], true, "{v}");
    let out = sextant(&["validate", missing, plan]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("error: cannot read {missing}")),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains(": ok ("), "{}", stdout(&out));
}

/// A reader that stops early (`sextant report plan.yaml | head`) is no error: the command stops
/// quietly with 0, as commands in a pipe do.
#[test]
fn a_reader_that_stops_early_is_no_error() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sextant"))
        .args(["report", demo().to_str().expect("utf-8 path")])
        .env("SEXTANT_CACHE_DIR", test_cache())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // Read the first bytes only, then go away.
    let mut first = [0u8; 15];
    let mut out = child.stdout.take().expect("stdout");
    std::io::Read::read_exact(&mut out, &mut first).expect("the report starts");
    assert_eq!(&first, b"<!DOCTYPE html>");
    drop(out);
    let o = child.wait_with_output().expect("it ends");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
}
