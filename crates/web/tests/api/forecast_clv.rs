//! The server's forecast and CLV are the reports the CLI prints (issue 10, items 13 and 14):
//! both front doors call `sextant_metrics::forecast::report` and `sextant_metrics::clv::report`.

use serde_json::Value;
use sextant_metrics::forecast::{Point, Request};

use crate::demo;

const ORG: &str = sextant_web::demo::SLUG;

fn path(route: &str) -> String {
    format!("/api/v1/orgs/{ORG}/{route}")
}

#[tokio::test]
async fn the_forecast_is_the_shared_report() {
    let (_srv, api) = demo().await;
    let f = api
        .ok(&path("forecast?kpi=revenue&horizon=6&target=1000"))
        .await;
    // The report of the same series, as `sextant forecast --format json` builds it.
    let points: Vec<Point> = f["periods"]
        .as_array()
        .unwrap()
        .iter()
        .zip(f["history"].as_array().unwrap())
        .map(|(p, v)| Point {
            period: p.as_str().unwrap().to_string(),
            value: v.as_f64().unwrap(),
            line: None,
        })
        .collect();
    let expected = sextant_metrics::forecast::report(
        &points,
        &Request {
            kpi: Some("revenue".into()),
            horizon: 6,
            target: Some(1000.0),
            ..Request::default()
        },
    )
    .unwrap();
    assert_eq!(f, serde_json::to_value(&expected).unwrap());
    assert_eq!(f["kpi"], "revenue");
    assert_eq!(f["granularity"], "month");
    assert_eq!(f["forecast_periods"].as_array().map(Vec::len), Some(6));
    assert!(f["probability"].is_number(), "{f}");
    // Labels follow the history's last month.
    let last = f["periods"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_str()
        .unwrap();
    let (y, m) = last.split_once('-').unwrap();
    let (y, m): (i32, u32) = (y.parse().unwrap(), m.parse().unwrap());
    let next = if m == 12 {
        format!("{}-01", y + 1)
    } else {
        format!("{y}-{:02}", m + 1)
    };
    assert_eq!(f["forecast_periods"][0], Value::from(next));
}

#[tokio::test]
async fn the_clv_is_the_shared_report() {
    let (_srv, api) = demo().await;
    let c = api.ok(&path("clv?calibration_end=2026-06-30")).await;
    // The same orders read as the CLI reads them.
    let data = sextant_core::synth::bookstore_data(7);
    let dir = std::env::temp_dir().join(format!("sextant-web-clv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("orders.csv");
    std::fs::write(&file, &data.orders).unwrap();
    let mut customers = sextant_metrics::records::Names::default();
    let mut channels = sextant_metrics::records::Names::default();
    let mut orders = Vec::new();
    let mut names = sextant_ingest::Interners {
        customers: Some(&mut customers),
        channels: Some(&mut channels),
        systems: None,
    };
    sextant_ingest::read(
        &file,
        sextant_ingest::Kind::Orders,
        &sextant_ingest::Options::default(),
        &mut names,
        |r| {
            if let sextant_ingest::Record::Order(o) = r {
                orders.push(sextant_metrics::bgnbd::Order {
                    customer: o.customer,
                    day: o.day,
                    amount: o.amount,
                });
            }
        },
        |_| {},
    )
    .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let end = sextant_metrics::calendar::days_from_civil(2026, 6, 30);
    // The demo plan's margin and discount rate are the server's defaults.
    let plan = sextant_core::load_plan("corner-bookstore.yaml", sextant_web::demo::PLAN).unwrap();
    let org = &plan.doc().organization;
    let report = sextant_metrics::clv::report(
        &orders,
        customers,
        sextant_metrics::clv::Params {
            end,
            unit: sextant_metrics::bgnbd::Unit::Week,
            horizon: 12,
            margin: org.gross_margin.unwrap_or(1.0),
            rate: (1.0 + org.discount_rate).powf(1.0 / 12.0) - 1.0,
        },
    )
    .unwrap();
    assert_eq!(c, serde_json::to_value(&report).unwrap());
    assert!(c["warnings"].is_array(), "{}", c["warnings"]);
}

/// Uploaded data whose period column is written as exports write it (`Jan 2025`, `02/2025`,
/// `2025-03`, `2025Q2`) is read by the one period parser, and the forecast labels its periods
/// canonically.
#[tokio::test]
async fn the_forecast_reads_periods_in_any_spelling() {
    let srv = crate::spawn().await;
    let api = srv.org_with_plan("acme").await;
    let names = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut csv = String::from("month,sessions\n");
    for i in 0..18 {
        let (y, m) = (2025 + i / 12, i % 12 + 1);
        let label = match i % 3 {
            0 => format!("{} {y}", names[m - 1]),
            1 => format!("{m:02}/{y}"),
            _ => format!("{y}-{m:02}"),
        };
        csv += &format!("{label},{}\n", 1000 + 10 * i);
    }
    let (status, body) = crate::call(
        api.post("/api/v1/orgs/acme/datasets?kind=sessions&name=sessions.csv")
            .header("content-type", "text/csv")
            .body(csv),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{body}");
    assert_eq!(body["dataset"]["rows"], 18, "{body}");
    let f = api
        .ok("/api/v1/orgs/acme/forecast?kpi=sessions&horizon=2")
        .await;
    assert_eq!(f["granularity"], "month", "{f}");
    assert_eq!(f["periods"][0], "2025-01", "{f}");
    assert_eq!(f["history"][0], 1000.0, "{f}");
    assert_eq!(f["periods"][4], "2025-05", "{f}");
    let last = f["periods"].as_array().and_then(|p| p.last()).cloned();
    assert_eq!(last, Some(Value::from("2026-05")), "{f}");
    assert_eq!(
        f["forecast_periods"],
        serde_json::json!(["2026-06", "2026-07"])
    );
    // A quarter in a date column counts on its first day; an impossible one is a bad row
    // naming the accepted forms.
    let (status, body) = crate::problem(
        api.post("/api/v1/orgs/acme/datasets?kind=sessions&name=quarters.csv")
            .header("content-type", "text/csv")
            .body("period,sessions\n2025Q1,10\n2025Q5,20\n"),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let e = &body["errors"][0];
    assert_eq!(e["line"], 3, "{body}");
    assert_eq!(e["found"], "\"2025Q5\"", "{body}");
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains("or a period (Mar 2027, 2027Q1, 2027-W05)")),
        "{body}"
    );
}
