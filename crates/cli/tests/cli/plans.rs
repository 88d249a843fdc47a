//! The planning commands on hostile and awkward input (issue 10, items 2, 10 and 15): bounded
//! options, bounded money, alias bombs, `compare`'s reasons and exit code, the frontier's own
//! budget.

use super::{sextant, stderr, stdout, temp_dir};

/// Three initiatives of 1,000 each worth 2,300, 1,200 and 100 alone (rate 0), with 2027's
/// budget of `budget` and a budget-cut scenario.
fn three(budget: &str) -> String {
    format!(
        "version: 1\norganization: {{name: T, currency: USD, start: 2027-01, horizon_months: 6, evaluation_months: 12, discount_rate: 0}}\n\
         initiatives:\n\
         \x20 - {{id: a, title: A, one_time_cost: 1000, benefits: [{{kind: saving, annual: 3600}}], duration_months: 1}}\n\
         \x20 - {{id: b, title: B, one_time_cost: 1000, benefits: [{{kind: saving, annual: 2400}}], duration_months: 1}}\n\
         \x20 - {{id: c, title: C, one_time_cost: 1000, benefits: [{{kind: saving, annual: 1200}}], duration_months: 1}}\n\
         constraints:\n  budget:\n    - {{period: 2027, amount: {budget}}}\n\
         scenarios:\n  - {{name: budget cut, budget_factor: 0.5}}\n"
    )
}

fn write(name: &str, text: &str) -> String {
    let dir = temp_dir(name);
    let path = dir.join("plan.yaml");
    std::fs::write(&path, text).expect("write the plan");
    path.to_string_lossy().into_owned()
}

#[test]
fn solver_options_are_bounded_with_a_clear_message() {
    let plan = write("bounded-options", &three("3000"));
    for (cmd, flag, value, message) in [
        (
            "roadmap",
            "--time-limit",
            "1e300",
            "expected a number of seconds above 0 and at most 86400 (a day), found `1e300`",
        ),
        (
            "simulate",
            "--time-limit",
            "NaN",
            "expected a number of seconds above 0 and at most 86400 (a day), found `NaN`",
        ),
        (
            "compare",
            "--time-limit",
            "0",
            "expected a number of seconds above 0 and at most 86400 (a day), found `0`",
        ),
        (
            "roadmap",
            "--gap",
            "inf",
            "expected a fraction from 0 to 1, found `inf`",
        ),
        (
            "roadmap",
            "--frontier",
            "100000000",
            "expected 2 to 50 budget levels, found `100000000`",
        ),
        (
            "roadmap",
            "--budget-factor",
            "1e308",
            "expected a number from 0 to 100, found `1e308`",
        ),
        (
            "simulate",
            "--trials",
            "18446744073709551615",
            "expected 1 to 10000000 trials, found `18446744073709551615`",
        ),
    ] {
        let o = sextant(&[cmd, &plan, flag, value]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{cmd} {flag} {value}: {}",
            stderr(&o)
        );
        let err = stderr(&o);
        assert!(
            err.contains(&format!("invalid value '{value}' for '{flag}")) && err.contains(message),
            "{cmd} {flag} {value}: {err}"
        );
    }
    // The benchmark of the optimiser too (it panicked on `--time-limit 1e300`).
    for (flag, value, message) in [
        (
            "--time-limit",
            "1e300",
            "expected a number of seconds above 0 and at most 86400 (a day), found `1e300`",
        ),
        (
            "--budget-factor",
            "-1",
            "expected a number from 0 to 100, found `-1`",
        ),
    ] {
        let o = sextant(&["bench", "roadmap", &format!("{flag}={value}")]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "bench {flag} {value}: {}",
            stderr(&o)
        );
        assert!(stderr(&o).contains(message), "{}", stderr(&o));
    }
}

/// `sextant bench roadmap --profile tight` runs the family: a line a seed for the three
/// solvers, each schedule checked, then the summary with the ratios.
#[test]
fn the_tight_benchmark_reports_each_seed_and_its_summary() {
    let o = sextant(&[
        "bench",
        "roadmap",
        "--profile",
        "tight",
        "--initiatives",
        "8",
        "--seed",
        "3",
        "--seeds",
        "2",
        "--time-limit",
        "5",
    ]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(
        out.starts_with("tight family: 8 initiatives x 24 months (evaluation 60), seeds 3..=4"),
        "{out}"
    );
    for seed in ["3 ", "4 "] {
        let line = out
            .lines()
            .find(|l| l.starts_with(seed))
            .unwrap_or_else(|| panic!("no line for seed {seed}: {out}"));
        // Eight initiatives: every solver proves its schedule optimal, none is refused.
        assert_eq!(line.matches("optimal").count(), 3, "{line}");
        assert!(
            !line.contains("BROKEN") && !line.contains("CONTRADICTION"),
            "{line}"
        );
    }
    let summary = |solver: &str| {
        out.lines()
            .find(|l| l.starts_with(solver))
            .unwrap_or_else(|| panic!("no summary for {solver}: {out}"))
            .split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    for solver in ["sextant optimiser", "plain model", "tight model"] {
        let cells = summary(solver);
        let n = solver.split_whitespace().count();
        // optimal, under 2 s, median s, worst s, median gap, worst gap, broken
        assert_eq!(cells[n], "2/2", "{solver}: {cells:?}");
        assert_eq!(cells[n + 4], "0.000%", "{solver}: {cells:?}");
        assert_eq!(cells[n + 6], "0", "{solver}: {cells:?}");
    }
    assert!(
        out.contains("ratio plain model / optimiser: median "),
        "{out}"
    );
    assert!(
        out.contains("ratio tight model / optimiser: median "),
        "{out}"
    );
    assert!(
        out.contains("the optimiser proved 2 of 2 optimal within 5 s; contradictions: 0"),
        "{out}"
    );
}

#[test]
fn money_beyond_a_trillion_is_refused_before_any_solve() {
    let plan = write(
        "big-money",
        &three("3000").replace(
            "one_time_cost: 1000, benefits: [{kind: saving, annual: 3600}]",
            "one_time_cost: 1e16, benefits: [{kind: saving, annual: 3600}]",
        ),
    );
    for cmd in ["validate", "roadmap", "simulate", "compare"] {
        let o = sextant(&[cmd, &plan]);
        assert_eq!(o.status.code(), Some(1), "{cmd}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains(
                "plan.yaml:4:38: initiatives[0].one_time_cost: the amount of money is too large"
            ),
            "{cmd}: {err}"
        );
        assert!(
            err.contains("at most 1,000,000,000,000 in absolute value"),
            "{cmd}: {err}"
        );
        assert!(!err.contains("panicked"), "{cmd}: {err}");
    }
}

#[test]
fn an_alias_bomb_is_refused_quickly() {
    let mut text = String::from("a0: &a0 [lol]\n");
    for level in 1..=9 {
        let items = vec![format!("*a{}", level - 1); 10].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    let plan = write("alias-bomb", &text);
    let started = std::time::Instant::now();
    let o = sextant(&["validate", &plan]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    let err = stderr(&o);
    assert!(
        err.contains("plan.yaml:6:25: the file's aliases (`*name`) copy too many values"),
        "{err}"
    );
}

/// The alias cap counted values, not bytes: a 150 KB file (a 100 KB text aliased 10,000 times)
/// took `sextant validate` to a gigabyte, and a 1.3 MB one aborted it. It exits 1 with the
/// alias that crosses a megabyte of copied text.
#[test]
fn a_long_text_aliased_ten_thousand_times_exits_1_naming_the_alias() {
    let mut text = format!("notes: &long \"{}\"\ncopies:\n", "x".repeat(100_000));
    for _ in 0..10_000 {
        text.push_str("  - *long\n");
    }
    let plan = write("alias-text", &text);
    let o = sextant(&["validate", &plan]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("plan.yaml:13:5: the file's aliases (`*name`) copy too much text"),
        "{err}"
    );
    assert!(
        err.contains("= found: this alias brings the copies to 1100000 bytes"),
        "{err}"
    );
}

/// A plan file over 10 MiB is refused before it is read whole (from a file or from standard
/// input).
#[test]
fn a_plan_file_over_ten_mebibytes_exits_1_before_it_is_read() {
    let text = format!("# {}\n", "x".repeat(10 * 1024 * 1024));
    let plan = write("too-large", &text);
    let o = sextant(&["validate", &plan]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        format!(
            "error: {plan}:1:1: the file is too large\n  \
             = expected: a plan file of at most 10485760 bytes (10 MiB)\n  \
             = found: {} bytes\n  \
             = hint: split the plan into smaller plans\n\n\
             1 problem found; nothing was analysed.\n",
            text.len()
        )
    );
    let o = super::sextant_with_input(&["validate", "-"], Some(&text));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("= found: more than 10485760 bytes"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn compare_says_why_a_scenario_drops_initiatives() {
    let plan = write("compare-reasons", &three("3000"));
    let o = sextant(&["compare", &plan]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(
            "budget cut: drops b, c; adds nothing\n  \
             b dropped (over budget): its implementation cost of $1,000 does not fit the budget left by the initiatives chosen (2027 has $500 left)\n  \
             c dropped (over budget): its implementation cost of $1,000 does not fit the budget left by the initiatives chosen (2027 has $500 left)\n"
        ),
        "{out}"
    );
    let o = sextant(&["compare", &plan, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["cases"][1]["dropped_because"][1]["id"], "c");
    assert_eq!(v["cases"][1]["dropped_because"][1]["reason"], "budget");
}

#[test]
fn compare_exits_1_when_the_base_plan_is_infeasible() {
    // A mandatory initiative of 1,000 against a budget of 500.
    let text = three("500").replace(
        "duration_months: 1}\n  - {id: b",
        "duration_months: 1, mandatory: true}\n  - {id: b",
    );
    let plan = write("compare-infeasible", &text);
    let o = sextant(&["compare", &plan]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o)
            .contains("The base case has no schedule (infeasible): see `sextant roadmap` for why."),
        "{}",
        stdout(&o)
    );
    let o = sextant(&["compare", &plan, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["cases"][0]["status"], "infeasible");
}

#[test]
fn the_frontier_shows_the_plans_own_budget() {
    // 6,000 is twice what buys all three: the levels stop at 0.5 and the plan's own budget
    // follows at 1.00.
    let plan = write("frontier-own", &three("6000"));
    let o = sextant(&["roadmap", &plan, "--frontier", "3"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let own: Vec<&str> = out.lines().filter(|l| l.contains("(plan)")).collect();
    assert_eq!(own.len(), 1, "{out}");
    assert!(
        own[0].trim_start().starts_with("1.00 (plan)  USD 6,000"),
        "{out}"
    );
    // Proven optimal, so the baseline's share of the optimum is stated.
    assert!(
        out.contains(
            "Rank by value per dollar, each at its earliest month: USD 3,600 (100% of the optimum)"
        ),
        "{out}"
    );
}

#[test]
fn analyze_takes_several_data_files_after_one_data_flag() {
    // As the README writes it: `--data DATA...`.
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/corner-bookstore");
    let orders = format!("orders={}", dir.join("orders.csv").display());
    let marketing = format!("marketing={}", dir.join("marketing.csv").display());
    let demo = super::demo();
    let demo = demo.to_str().unwrap_or_default();
    let one = sextant(&[
        "analyze", demo, "--data", &orders, &marketing, "--format", "json",
    ]);
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    let two = sextant(&[
        "analyze", demo, "--data", &orders, "--data", &marketing, "--format", "json",
    ]);
    assert_eq!(stdout(&one), stdout(&two));
}

const UNSERVED: &str = "version: 1
organization: {name: Shop, currency: USD, start: 2027-01, horizon_months: 24, discount_rate: 0.08}
kpis:
  - {id: stock_cost, name: Inventory holding cost a year, unit: USD, direction: down}
goals:
  - {id: stock, title: Cheaper stock, kpi: stock_cost, baseline: 20000, target: 18000, due: 2027-12}
systems:
  - {id: till, name: Old till, category: point of sale, annual_cost: 240, technical_health: 1, end_of_life: 2027-09}
";

/// `sextant suggest`: the goal nothing serves and the till at its end of life each get a
/// change, in words, as JSON and as plan entries that, pasted under `initiatives:`, make a
/// valid plan with nothing left to suggest.
#[test]
fn suggest_lists_changes_for_the_goals_and_gaps_in_three_forms() {
    let path = write("unserved.yaml", UNSERVED);
    let out = sextant(&["suggest", &path]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for expected in [
        "Changes suggested for Shop from its goals and gaps",
        "stock-control  Point of sale with stock control",
        "Nothing in the plan serves \u{201c}Cheaper stock\u{201d} yet",
        "one-time 1,500 (from 1,000 to 2,500), 720 a year, 2 months, 15 staff hours a month",
        "replace-till  Replace Old till",
        "Support for Old till ends in September 2027",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    let json = sextant(&["suggest", &path, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("JSON");
    assert_eq!(
        v[0]["answers"],
        serde_json::json!({"kind": "goals", "goals": ["stock"]})
    );
    assert_eq!(
        v[1]["answers"],
        serde_json::json!({"kind": "system", "system": "till"})
    );
    assert_eq!(v[1]["initiative"]["replaces"], serde_json::json!(["till"]));

    let yaml = stdout(&sextant(&["suggest", &path, "--format", "yaml"]));
    assert!(
        yaml.contains("  - {id: \"stock-control\", title: \"Point of sale with stock control\""),
        "{yaml}"
    );
    let with = write("with.yaml", &format!("{UNSERVED}initiatives:\n{yaml}"));
    let out = sextant(&["validate", &with]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let again = stdout(&sextant(&["suggest", &with]));
    assert!(again.contains("Nothing to suggest"), "{again}");
}

const TILL: &str = "version: 1
organization: {name: Shop, currency: USD, start: 2027-01, horizon_months: 12, discount_rate: 0.08}
systems:
  - {id: a, name: Old till, category: point of sale, annual_cost: 1200}
  - {id: b, name: Phone, category: phone, annual_cost: 240}
initiatives:
  - {id: x, title: New till, start: 2027-03, duration_months: 2, one_time_cost: 3000, recurring_cost_annual: 600, replaces: [a], mandatory: true}
constraints:
  budget:
    - {period: 2027, amount: 3500}
";

/// `sextant budget`, worked by hand: the new till runs March and April 2027 (1,500 a month of
/// its 3,000), replaces the old till (100 a month) from May, and costs 50 a month from May.
/// 2027: systems 4 x 100 + 12 x 20 = 640, one-time 3,000, recurring 8 x 50 = 400, total 4,040
/// (capital 3,000, operating 1,040), within the 3,500 budget. 2028: 240 + 600 = 840.
/// 2027-Q1: 300 + 60 + 1,500 = 1,860; Q2: 100 + 60 + 1,500 + 100 = 1,760.
#[test]
fn budget_by_fiscal_year_and_quarter_as_worked_by_hand() {
    let path = write("budget", TILL);
    let out = sextant(&["budget", &path, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let y = &v["years"];
    assert_eq!(y.as_array().map(Vec::len), Some(3));
    assert_eq!(
        (
            &y[0]["period"],
            &y[0]["systems"],
            &y[0]["one_time"],
            &y[0]["recurring"],
            &y[0]["total"]
        ),
        (
            &serde_json::json!("2027"),
            &serde_json::json!(640.0),
            &serde_json::json!(3000.0),
            &serde_json::json!(400.0),
            &serde_json::json!(4040.0)
        )
    );
    assert_eq!(y[0]["capital"], 3000.0);
    assert_eq!(y[0]["operating"], 1040.0);
    assert_eq!(y[0]["budget"], 3500.0);
    assert_eq!(y[0]["over_budget"], false);
    assert_eq!(y[1]["total"], 840.0);
    assert_eq!(y[1]["budget"], serde_json::Value::Null);
    let q = &v["quarters"];
    assert_eq!(q.as_array().map(Vec::len), Some(12));
    assert_eq!(q[0]["total"], 1860.0);
    assert_eq!(q[1]["total"], 1760.0);
    assert_eq!(
        v["retired"],
        serde_json::json!([{"system": "a", "initiative": "x", "from": "2027-05"}])
    );
    assert_eq!(v["status"], "optimal");

    let csv = stdout(&sextant(&[
        "budget", &path, "--format", "csv", "--years", "1",
    ]));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "period,systems,one_time,recurring,replacements,capital,operating,total,budget,over_budget"
    );
    assert_eq!(
        lines[1],
        "2027,640.00,3000.00,400.00,0.00,3000.00,1040.00,4040.00,3500.00,false"
    );
    assert_eq!(lines.len(), 1 + 1 + 4);

    // With an asset list: a laptop bought 2023-06-15 for 1,000 falls due at 4 years, in June
    // 2027 (2027-Q2): replacements 1,000, capital 3,000 + 1,000, total 4,040 + 1,000.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let assets = dir.path().join("assets.csv");
    std::fs::write(
        &assets,
        "Name,Type,Purchase Date,Price\nLT-1,laptop,2023-06-15,1000\n",
    )
    .expect("the list is written");
    let csv = stdout(&sextant(&[
        "budget",
        &path,
        "--format",
        "csv",
        "--years",
        "1",
        "--assets",
        assets.to_str().expect("a UTF-8 path"),
        "--today",
        "2026-12-04",
    ]));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[1],
        "2027,640.00,3000.00,400.00,1000.00,4000.00,1040.00,5040.00,3500.00,false"
    );
    assert!(lines[3].starts_with("2027-Q2,"), "{csv}");
    assert!(lines[3].contains(",1000.00,"), "{csv}");
    let text = stdout(&sextant(&["budget", &path]));
    assert!(text.contains("a from 2027-05 (replaced by x)"), "{text}");
    let out = sextant(&["budget", &path, "--years", "11"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("expected 1 to 10 years, found `11`"),
        "{}",
        stderr(&out)
    );
}

/// `sextant report --format xlsx`: the budget workbook of the plan worked by hand above. 2027's
/// total is 4,040, capital 3,000 and operating 1,040, the last two formulas of the parts; the
/// same bytes' worth go to a pipe when no file is named.
#[test]
fn the_budget_workbook_holds_the_figures_worked_by_hand() {
    use calamine::{Data, Reader, Xlsx};
    let path = write("workbook", TILL);
    let dir = temp_dir("workbook-out");
    let file = dir.join("till.xlsx");
    let out = sextant(&[
        "report",
        &path,
        "--format",
        "xlsx",
        "--out",
        file.to_str().expect("a UTF-8 path"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut book: Xlsx<_> = calamine::open_workbook(&file).expect("a workbook");
    let years = book.worksheet_range("Budget by year").expect("the sheet");
    let formulas = book
        .worksheet_formula("Budget by year")
        .expect("its formulas");
    assert_eq!(years.get((1, 0)), Some(&Data::String("2027".into())));
    assert_eq!(years.get((1, 5)), Some(&Data::Float(3000.0)));
    assert_eq!(years.get((1, 6)), Some(&Data::Float(1040.0)));
    assert_eq!(years.get((1, 7)), Some(&Data::Float(4040.0)));
    assert_eq!(
        formulas.get_value((1, 7)).map(String::as_str),
        Some("F2+G2")
    );
    assert_eq!(years.get((1, 8)), Some(&Data::Float(3500.0)));
    assert_eq!(years.get((1, 9)), Some(&Data::Float(500.0)));

    let piped = sextant(&["report", &path, "--format", "xlsx"]);
    assert_eq!(piped.status.code(), Some(0), "{}", stderr(&piped));
    assert!(
        piped.stdout.starts_with(b"PK"),
        "an XLSX file is a zip archive"
    );
    // A format it does not write is a usage error naming the ones it does.
    let bad = sextant(&["report", &path, "--format", "docx"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("html") && stderr(&bad).contains("xlsx"),
        "{}",
        stderr(&bad)
    );
}

/// `sextant summary` of the plan worked by hand above, on 4 December 2026 with one review
/// held: 2027 costs 4,040 (capital 3,000, operating 1,040) within the 3,500 set aside for the
/// till's 3,000; 2028 costs 840, all of it running costs; the owner is asked to approve the new
/// till for March 2027; a till that brings nothing loses money in every simulated future. The
/// figures are those `sextant budget` and `sextant roadmap` give for the same plan.
#[test]
fn the_summary_says_the_figures_worked_by_hand_in_plain_words() {
    let path = write("summary", TILL);
    let dir = temp_dir("summary-reviews");
    let reviews = dir.join("reviews.yaml");
    std::fs::write(
        &reviews,
        "- id: q4\n  date: 2026-10-01\n  title: Autumn review\n  decisions: [Keep the phone line.]\n  actions:\n    - {title: Ask for till quotes, owner: Sam, due: 2026-11-01, status: done}\n    - {title: Count the stock, owner: Ana, due: 2026-11-15}\n",
    )
    .expect("the reviews are written");
    let reviews = reviews.to_str().expect("a UTF-8 path");
    let args = [
        "summary",
        &path,
        "--reviews",
        reviews,
        "--today",
        "2026-12-04",
    ];
    let out = sextant(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for expected in [
        "Shop: summary for the owner, 4 December 2026",
        "The roadmap makes 1 change between March 2027 and April 2027.",
        "Together they cost $3,000 to set up and $600 a year to run, and are expected to bring in or save $0 a year once live.",
        "In 2027, technology costs $4,040: $3,000 to buy and set up (capital) and $1,040 to run (operating). The changes' set-up costs of $3,000 are within the $3,500 set aside for them.",
        "In 2028, technology costs $840: $0 to buy and set up (capital) and $840 to run (operating).",
        "the plan has more than a 99% chance of losing money",
        "Approve New till, due to start in March 2027: $3,000 to set up.",
        "Settle 1 overdue action from past reviews, the oldest “Count the stock”.",
        "The last review was on 1 October 2026 (Autumn review). 1 of the 2 actions agreed there is done. Decided there: “Keep the phone line”.",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
    // Jargon only with its meaning beside it.
    assert!(!text.contains("NPV") && !text.contains("IRR"), "{text}");
    assert!(
        text.contains("counting money that comes later as worth less than money now, at 8% a year (the net present value)"),
        "{text}"
    );

    // The same figures as the other commands give, and the same text twice.
    let json: serde_json::Value = serde_json::from_str(&stdout(&sextant(
        &[&args[..], &["--format", "json"]].concat(),
    )))
    .expect("JSON");
    let budget: serde_json::Value =
        serde_json::from_str(&stdout(&sextant(&["budget", &path, "--format", "json"])))
            .expect("JSON");
    let roadmap: serde_json::Value =
        serde_json::from_str(&stdout(&sextant(&["roadmap", &path, "--format", "json"])))
            .expect("JSON");
    let f = &json["figures"];
    assert_eq!(f["years"][0]["total"], budget["years"][0]["total"]);
    assert_eq!(f["years"][1]["total"], budget["years"][1]["total"]);
    assert_eq!(f["npv"], roadmap["npv"]);
    assert_eq!(f["changes"], 1);
    assert_eq!(f["trials"], 10_000);
    assert_eq!(f["chance_of_loss"], 1.0);
    // With a review held, the first decision opens its answers, where the owner approves.
    assert_eq!(json["decisions"][0]["link"], "reviews/q4#answers");
    assert_eq!(stdout(&sextant(&args)), text);
    let npv = roadmap["npv"].as_f64().expect("a number");
    assert!(npv < 0.0, "{npv}");
    let markdown = stdout(&sextant(&[&args[..], &["--format", "markdown"]].concat()));
    assert!(
        markdown.contains("## Decisions for you\n\n- Approve New till"),
        "{markdown}"
    );

    // Bad input: where, what was expected, what was found.
    let out = sextant(&["summary", &path, "--today", "2026-02-30"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("2026-02-30"), "{}", stderr(&out));
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "- id: q4\n  date: 2026-13-01\n  title: X\n").expect("written");
    let out = sextant(&["summary", &path, "--reviews", bad.to_str().expect("UTF-8")]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("bad.yaml:2:"), "{}", stderr(&out));

    // The review pack: a PDF document and 16:9 slides, written where asked; a wrong part or
    // logo refused.
    let pack = dir.join("pack.pdf");
    let out = sextant(&[
        "report",
        &path,
        "--reviews",
        reviews,
        "--today",
        "2026-12-04",
        "--format",
        "pdf",
        "--paper",
        "letter",
        "--brand-name",
        "Harbour IT",
        "--brand-colour",
        "#7A1F5C",
        "--out",
        pack.to_str().expect("UTF-8"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let pdf = std::fs::read(&pack).expect("the pack is written");
    assert!(pdf.starts_with(b"%PDF-"));
    let raw = String::from_utf8_lossy(&pdf);
    assert!(raw.contains("/MediaBox[0 0 612 792]"), "Letter");
    assert!(raw.contains("/Author(Harbour IT)"));
    let slides = dir.join("slides.pdf");
    let out = sextant(&[
        "report",
        &path,
        "--format",
        "slides",
        "--out",
        slides.to_str().expect("UTF-8"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&std::fs::read(&slides).expect("written"))
            .contains("/MediaBox[0 0 960 540]")
    );
    let out = sextant(&[
        "report",
        &path,
        "--format",
        "pdf",
        "--parts",
        "summary,gantt",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("found `gantt`"), "{}", stderr(&out));
    let out = sextant(&["report", &path, "--format", "pdf", "--brand-colour", "blue"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("expected a colour as #RRGGBB"),
        "{}",
        stderr(&out)
    );
    let out = sextant(&["report", &path, "--format", "pdf", "--logo", &path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("expected a PNG, JPEG or SVG image"),
        "{}",
        stderr(&out)
    );

    // The report opens with the same summary.
    let html = stdout(&sextant(&[
        "report",
        &path,
        "--reviews",
        reviews,
        "--today",
        "2026-12-04",
    ]));
    assert!(html.contains("<h2>Executive summary</h2>"), "{html}");
    assert!(
        html.contains("Approve New till, due to start in March 2027: $3,000 to set up."),
        "{html}"
    );
}
