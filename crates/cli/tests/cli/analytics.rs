//! `forecast` and `clv` (issue 10, items 13 and 14): the forecast JSON is the shared report's,
//! steps carry period labels, and `clv --format csv` prints CSV.

use super::{sextant, stderr, stdout, temp_dir};
use sextant_metrics::forecast::{Point, Request, report};
use std::path::PathBuf;

/// Eighteen months with a December peak, written out of order.
fn december_series(dir: &std::path::Path) -> (PathBuf, Vec<Point>) {
    let mut rows: Vec<(String, f64)> = (0..18)
        .map(|i: i32| {
            let label = format!("{}-{:02}", 2025 + i / 12, i % 12 + 1);
            let v = if i % 12 == 11 {
                200.0 + f64::from(i)
            } else {
                100.0 + f64::from(i % 5) + f64::from(i) * 0.5
            };
            (label, v)
        })
        .collect();
    rows.swap(3, 9);
    rows.swap(0, 17);
    let mut text = String::from("month,revenue\n");
    let mut points = Vec::new();
    for (k, (p, v)) in rows.iter().enumerate() {
        text += &format!("{p},{v}\n");
        points.push(Point {
            period: p.clone(),
            value: *v,
            line: Some(k as u64 + 2),
        });
    }
    let f = dir.join("series.csv");
    std::fs::write(&f, text).expect("write");
    (f, points)
}

#[test]
fn forecast_json_is_the_shared_report_with_period_labels() {
    let dir = temp_dir("forecast-shared");
    let (f, points) = december_series(&dir);
    let path = f.to_str().unwrap_or_default();
    let out = sextant(&[
        "forecast",
        path,
        "--horizon",
        "6",
        "--target",
        "150",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let expected = report(
        &points,
        &Request {
            horizon: 6,
            target: Some(150.0),
            ..Request::default()
        },
    )
    .expect("a report");
    assert_eq!(v, serde_json::to_value(&expected).expect("JSON"));
    assert_eq!(
        v["forecast_periods"],
        serde_json::json!([
            "2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12"
        ])
    );
    assert_eq!(v["periods"][0], "2025-01");
    assert_eq!(v["target_period"], "2026-12");
    // Text: period labels, the note that seasonal ETS is not admissible, how it was chosen.
    let out = sextant(&["forecast", path, "--horizon", "6"]);
    let text = stdout(&out);
    assert!(text.contains("\n2026-07 "), "{text}");
    assert!(!text.contains("+1"), "{text}");
    assert!(
        text.contains(
            "Note: seasonal ETS models need two full seasons (24 values), found 18: not admissible."
        ),
        "{text}"
    );
    // A target that is not a number is refused, as the API refuses it.
    for t in ["nan", "inf", "-inf"] {
        let target = format!("--target={t}");
        let out = sextant(&["forecast", path, &target]);
        assert_eq!(out.status.code(), Some(1), "{t}: {}", stdout(&out));
        assert!(
            stderr(&out).contains("--target: expected a number, found"),
            "{t}: {}",
            stderr(&out)
        );
    }
    // CSV: the period in the first column.
    let out = sextant(&["forecast", path, "--horizon", "2", "--format", "csv"]);
    let csv = stdout(&out);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("period,mean,lower_80,upper_80,lower_95,upper_95")
    );
    assert!(
        lines.next().is_some_and(|l| l.starts_with("2026-07,")),
        "{csv}"
    );
    // A month given twice is refused, naming both lines.
    std::fs::write(
        &f,
        "month,revenue\n2025-01,1\n2025-02,2\n2025-03,3\n2025-02,4\n2025-04,5\n",
    )
    .expect("write");
    let out = sextant(&["forecast", path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "period 2025-02 appears twice: `2025-02` (line 3) and `2025-02` (line 5); expected one value per period"
        ),
        "{}",
        stderr(&out)
    );
}

fn bookstore_orders() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/corner-bookstore/orders.csv")
        .to_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn clv_csv_is_csv_with_the_jsons_figures() {
    let orders = bookstore_orders();
    let args = |format: &'static str| {
        vec![
            "clv".to_string(),
            orders.clone(),
            "--calibration-end".into(),
            "2026-06-30".into(),
            "--format".into(),
            format.into(),
        ]
    };
    let run = |a: Vec<String>| {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        sextant(&a)
    };
    let out = run(args("csv"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let csv = stdout(&out);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "customer,frequency,recency,T,monetary_value,p_alive,expected_purchases,expected_spend,clv,holdout_purchases"
        )
    );
    let rows: Vec<&str> = lines.collect();
    let out = run(args("json"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let customers = v["customers"].as_array().expect("customers");
    assert_eq!(rows.len(), customers.len());
    assert!(v["warnings"].is_array(), "{}", v["warnings"]);
    // The first row in both, field by field.
    let first: Vec<&str> = rows[0].split(',').collect();
    let c = &customers[0];
    assert_eq!(first[0], c["customer"].as_str().unwrap_or_default());
    assert_eq!(first[8].parse::<f64>().ok(), c["clv"].as_f64());
    // Money to the cent.
    for c in customers.iter().take(50) {
        let clv = c["clv"].as_f64().unwrap_or(f64::NAN);
        assert_eq!((clv * 100.0).round() / 100.0, clv, "{c}");
    }
    // An unbounded horizon is refused.
    let mut a = args("json");
    a.extend(["--horizon".into(), "4294967295".into()]);
    let out = run(a);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--horizon: expected 1 to 120 months, found 4294967295"),
        "{}",
        stderr(&out)
    );
}

/// A quarterly series labelled as pandas and most exports write quarters (`1959Q1`), the
/// shape of statsmodels' macrodata (`quarter,realgdp`), forecasts with quarter labels.
#[test]
fn forecast_reads_quarters_written_1959q1() {
    let dir = temp_dir("forecast-quarters");
    let f = dir.join("gdp.csv");
    let mut text = String::from("quarter,realgdp\n");
    for i in 0..24 {
        let season = [0.0, 12.0, 6.0, -8.0][i % 4];
        text += &format!(
            "{}Q{},{}\n",
            1959 + i / 4,
            i % 4 + 1,
            2700.0 + 15.0 * i as f64 + season
        );
    }
    std::fs::write(&f, text).expect("write");
    let path = f.to_str().unwrap_or_default();
    let out = sextant(&["forecast", path, "--horizon", "3", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(v["granularity"], "quarter");
    assert_eq!(v["season"], 4);
    assert_eq!(v["periods"][0], "1959-Q1");
    assert_eq!(v["periods"][23], "1964-Q4");
    assert_eq!(
        v["forecast_periods"],
        serde_json::json!(["1965-Q1", "1965-Q2", "1965-Q3"])
    );
    // Other spellings of the same quarters read the same.
    let mixed = "quarter,value\nQ1 1959,1\n1959-Q2,2\n1959 q3,3\n1959Q4,4\nQ1-1960,5\n";
    std::fs::write(&f, mixed).expect("write");
    let out = sextant(&["forecast", path, "--horizon", "1", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(v["forecast_periods"], serde_json::json!(["1960-Q2"]));
    // A label of another length is refused, naming it.
    std::fs::write(&f, "quarter,value\n1959Q1,1\n1959Q2,2\n1959-09,3\n").expect("write");
    let out = sextant(&["forecast", path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "line 4: `1959-09` is a month, but `1959Q1` (line 2) is a quarter; expected periods of one length"
        ),
        "{}",
        stderr(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
