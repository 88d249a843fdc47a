//! The monthly series goals are tracked and forecast against leave out a partial last month:
//! its value is so far (half a month of revenue), not the month's, and read as a fall.

#![allow(clippy::unwrap_used)]

use sextant_ingest::Kind;
use sextant_ingest::batch::{import, kpi_series};
use sextant_metrics::calendar::Granularity;

#[test]
fn a_partial_last_month_is_not_tracked() {
    let dir = std::env::temp_dir().join(format!("sextant-series-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("orders.csv");
    let mut csv = String::from("date,customer,amount\n");
    for (month, last) in [(1, 31), (2, 28), (3, 15)] {
        for day in 1..=last {
            csv.push_str(&format!("2027-{month:02}-{day:02},c{day},10.00\n"));
        }
    }
    std::fs::write(&path, csv).unwrap();
    let (imp, _) = import(
        &[(Some(Kind::Orders), path)],
        &Default::default(),
        &[],
        Granularity::Month,
        |_| {},
    )
    .unwrap();
    let series = kpi_series(None, Some(&imp));
    let revenue: Vec<(String, f64)> = series["revenue"]
        .iter()
        .map(|(m, v)| (m.to_string(), *v))
        .collect();
    // March ends on the 15th: partial, left out (it would read as a 45% fall).
    assert_eq!(
        revenue,
        [
            ("2027-01".to_string(), 310.0),
            ("2027-02".to_string(), 280.0)
        ]
    );
}
