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

/// Orders rows that repeat an earlier row of the same day cell for cell are reported (a file
/// exported twice?), by both the plain reader and the parallel orders reader, and imported;
/// with an order number, two orders alike in all else are not repeats.
#[test]
fn repeated_orders_rows_are_reported() {
    use sextant_ingest::{Interners, Options, read, read_orders};
    use sextant_metrics::records::Names;
    let dir = std::env::temp_dir().join(format!("sextant-repeats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("orders.csv");
    std::fs::write(
        &path,
        "date,customer,amount\n\
         2027-01-02,ann,10.00\n\
         2027-01-02,bob,12.00\n\
         2027-01-02, ann ,10.00\n\
         2027-01-03,ann,10.00\n\
         2027-01-03,ann,10.00\n\
         2027-01-03,ann,10.00\n",
    )
    .unwrap();
    let opts = Options::default();
    let mut customers = Names::default();
    let mut names = Interners {
        customers: Some(&mut customers),
        channels: None,
        systems: None,
    };
    let mut n = 0;
    let plain = read(&path, Kind::Orders, &opts, &mut names, |_| n += 1, |_| {}).unwrap();
    assert_eq!(n, 6, "repeats are imported");
    assert_eq!(plain.repeated, [(4, 2), (6, 5), (7, 5)]);
    assert_eq!(plain.repeated_rows, 3);
    let mut channels = Names::default();
    let (_, parallel) =
        read_orders(&path, &opts, Granularity::Month, &mut channels, |_| {}).unwrap();
    assert_eq!(parallel.repeated, plain.repeated);
    assert_eq!(parallel.rows, 6);

    let numbered = dir.join("numbered.csv");
    std::fs::write(
        &numbered,
        "date,order,customer,amount\n2027-01-02,1,ann,10.00\n2027-01-02,2,ann,10.00\n",
    )
    .unwrap();
    let (_, r) = read_orders(&numbered, &opts, Granularity::Month, &mut channels, |_| {}).unwrap();
    assert_eq!(r.repeated_rows, 0);
}
