//! Importing files as users export them: messy headers, local dates, currency symbols, bad
//! rows, XLSX.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use sextant_ingest::{DateOrder, ImportError, Interners, Kind, Options, Record, read};
use sextant_metrics::calendar::days_from_civil;
use sextant_metrics::records::Names;

fn temp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sextant-ingest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn import(path: &Path, kind: Kind, opts: &Options) -> Result<(Vec<Record>, Names), ImportError> {
    let mut customers = Names::default();
    let mut channels = Names::default();
    let mut out = Vec::new();
    let mut names = Interners {
        customers: Some(&mut customers),
        channels: Some(&mut channels),
        systems: None,
    };
    read(path, kind, opts, &mut names, |r| out.push(r), |_| {})?;
    Ok((out, customers))
}

#[test]
fn orders_with_pos_headers_local_dates_and_symbols() {
    let p = temp(
        "pos.csv",
        "\u{feff}Order #, Order Date ,Customer ID,Grand Total,Sales Channel\n\
         1001,17/03/2027,C1,\"$1,234.50\",Store\n\
         1002,18/03/2027,C2,12.00,Online\n\
         1003,01/04/2027,C1,(5.00),Store\n",
    );
    let (rows, customers) = import(&p, Kind::Orders, &Options::default()).unwrap();
    assert_eq!(rows.len(), 3);
    let Record::Order(o) = rows[0] else { panic!() };
    assert_eq!(o.day, days_from_civil(2027, 3, 17));
    assert_eq!(o.amount, 1234.5);
    assert_eq!(customers.len(), 2);
    let Record::Order(o) = rows[2] else { panic!() };
    // 17/03 settles the order for the file: 01/04/2027 is 1 April.
    assert_eq!(o.day, days_from_civil(2027, 4, 1));
    assert_eq!(o.amount, -5.0);
}

#[test]
fn ambiguous_dates_are_refused_with_the_question() {
    let p = temp(
        "amb.csv",
        "date,customer,total\n03/04/2027,C1,10\n05/06/2027,C2,12\n",
    );
    let e = import(&p, Kind::Orders, &Options::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the dates in column \"date\" could be day-first or month-first (e.g. 03/04/2027, 05/06/2027); which is it? Say --date-order day-month (31/12/2027) or --date-order month-day (12/31/2027)"
    );
    let opts = Options {
        date_order: Some(DateOrder::MonthDay),
        ..Options::default()
    };
    let (rows, _) = import(&p, Kind::Orders, &opts).unwrap();
    let Record::Order(o) = rows[0] else { panic!() };
    assert_eq!(o.day, days_from_civil(2027, 3, 4));
}

#[test]
fn missing_columns_name_what_was_found_and_how_to_map() {
    let p = temp("nomatch.csv", "when,who,paid\n2027-03-01,C1,10\n");
    let e = import(&p, Kind::Orders, &Options::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "no column for `date` (a date (2027-03-17, 17/03/2027, 17 Mar 2027) or a period (Mar 2027, 2027Q1, 2027-W05)), `customer` (a customer id or email), `amount` (an amount of money (1234.50, $1,234.50)) in this orders file; found the columns \"when\", \"who\", \"paid\". Map one with --map date=\"Column name\""
    );
    let opts = Options {
        map: vec![
            ("date".into(), "when".into()),
            ("customer".into(), "Who".into()),
            ("amount".into(), "paid".into()),
        ],
        ..Options::default()
    };
    assert_eq!(import(&p, Kind::Orders, &opts).unwrap().0.len(), 1);
    let bad = Options {
        map: vec![("amout".into(), "paid".into())],
        ..Options::default()
    };
    assert_eq!(
        import(&p, Kind::Orders, &bad).unwrap_err().to_string(),
        "--map amout=...: orders data has no field `amout`; its fields are `date`, `customer`, `amount`, `channel`"
    );
}

#[test]
fn bad_rows_fail_the_file_or_are_skipped_with_line_and_column() {
    let p = temp(
        "bad.csv",
        "date,customer,total\n2027-03-01,C1,10\n2027-02-30,C2,12\n2027-03-02,,5\n2027-03-03,C3,ten\n",
    );
    let e = import(&p, Kind::Orders, &Options::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "3 bad row(s); nothing was imported:\n  line 3, column 1 (date from \"date\"): expected a date (2027-03-17, 17/03/2027, 17 Mar 2027) or a period (Mar 2027, 2027Q1, 2027-W05), found \"2027-02-30\"\n  line 4, column 2 (customer from \"customer\"): expected a customer id or email, found an empty cell\n  line 5, column 3 (amount from \"total\"): expected an amount of money (1234.50, $1,234.50), found \"ten\""
    );
    let opts = Options {
        skip_bad_rows: true,
        ..Options::default()
    };
    let mut names = Interners::default();
    let mut n = 0;
    let report = read(&p, Kind::Orders, &opts, &mut names, |_| n += 1, |_| {}).unwrap();
    assert_eq!((n, report.rows, report.skipped.len()), (1, 1, 3));
    assert_eq!(report.skipped[0].line, 3);
}

/// A letter among an amount's digits is refused where it stands, not read as the digits
/// around it (`1x5` was 15): by both order readers, with nothing imported.
#[test]
fn an_amount_with_a_letter_inside_is_refused_with_line_and_column() {
    let p = temp(
        "letter.csv",
        "date,customer,total\n2027-03-01,C1,10\n2027-03-02,C2,1x5\n2027-03-03,C3,12\n",
    );
    let want = "1 bad row(s); nothing was imported:\n  line 3, column 3 (amount from \"total\"): expected an amount of money (1234.50, $1,234.50), found \"1x5\"";
    let e = import(&p, Kind::Orders, &Options::default()).unwrap_err();
    assert_eq!(e.to_string(), want);
    let mut channels = Names::default();
    let e = sextant_ingest::read_orders(
        &p,
        &Options::default(),
        sextant_metrics::calendar::Granularity::Month,
        &mut channels,
        |_| {},
    )
    .unwrap_err();
    assert_eq!(e.to_string(), want);
    // Skipping bad rows leaves it out rather than reading 15.
    let opts = Options {
        skip_bad_rows: true,
        ..Options::default()
    };
    let (rows, _) = import(&p, Kind::Orders, &opts).unwrap();
    let amounts: Vec<f64> = rows
        .iter()
        .map(|r| match r {
            Record::Order(o) => o.amount,
            _ => panic!("not an order"),
        })
        .collect();
    assert_eq!(amounts, [10.0, 12.0]);
}

#[test]
fn xlsx_marketing_spend_with_real_dates() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let dir = std::env::temp_dir().join(format!("sextant-ingest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("spend.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    ws.write_string(0, 0, "Month").unwrap();
    ws.write_string(0, 1, "Platform").unwrap();
    ws.write_string(0, 2, "Ad Spend").unwrap();
    for (i, (m, ch, v)) in [(3, "Google", 120.5), (3, "Meta", 80.0), (4, "Google", 99.0)]
        .into_iter()
        .enumerate()
    {
        let r = i as u32 + 1;
        let d = ExcelDateTime::from_ymd(2027, m, 1).unwrap();
        ws.write_datetime_with_format(r, 0, &d, &date).unwrap();
        ws.write_string(r, 1, ch).unwrap();
        ws.write_number(r, 2, v).unwrap();
    }
    wb.save(&path).unwrap();
    let (rows, _) = import(&path, Kind::Marketing, &Options::default()).unwrap();
    assert_eq!(rows.len(), 3);
    let Record::Spend(s) = rows[2] else { panic!() };
    assert_eq!(s.day, days_from_civil(2027, 4, 1));
    assert_eq!(s.amount, 99.0);
}

/// An empty date cell formatted as a date reads as Excel's day 0, 1899-12-31 (or 12-30):
/// refused as a date outside the years read, naming the sheet's row.
#[test]
fn xlsx_a_date_cell_holding_zero_is_refused_with_its_year() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let dir = std::env::temp_dir().join(format!("sextant-ingest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("spend-zero-date.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (c, h) in ["Month", "Platform", "Ad Spend"].into_iter().enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    let d = ExcelDateTime::from_ymd(2027, 3, 1).unwrap();
    ws.write_datetime_with_format(1, 0, &d, &date).unwrap();
    ws.write_number_with_format(2, 0, 0.0, &date).unwrap();
    for r in 1..=2 {
        ws.write_string(r, 1, "Google").unwrap();
        ws.write_number(r, 2, 10.0).unwrap();
    }
    wb.save(&path).unwrap();
    let err = import(&path, Kind::Marketing, &Options::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("line 3, column 1 (date from \"Month\")")
            && err
                .contains("in the year 1899 (dates from 1900 to 2199 are read: a mistyped year?)"),
        "{err}"
    );
}

#[test]
fn xlsx_rows_are_the_sheets_own_lines() {
    use rust_xlsxwriter::Workbook;
    let dir = std::env::temp_dir().join(format!("sextant-ingest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("orders-offset.xlsx");
    // The table from B3, a blank row 6, and a bad amount in row 8 (E8).
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["Order ID", "Order Date", "Customer", "Total"]
        .iter()
        .enumerate()
    {
        ws.write_string(2, c as u16 + 1, *h).unwrap();
    }
    let rows = [
        (3, "1", "2027-03-01", "C1", "10.00"),
        (4, "2", "2027-03-02", "C2", "20.00"),
        (6, "3", "2027-04-01", "C1", "30.00"),
        (7, "4", "2027-04-02", "C3", "lots"),
    ];
    for (r, id, date, cust, total) in rows {
        for (c, v) in [id, date, cust, total].iter().enumerate() {
            ws.write_string(r, c as u16 + 1, *v).unwrap();
        }
    }
    wb.save(&path).unwrap();
    let e = import(&path, Kind::Orders, &Options::default()).unwrap_err();
    assert!(
        e.to_string()
            .contains("line 8, column 5 (amount from \"Total\"): expected an amount"),
        "{e}"
    );
    let opts = Options {
        skip_bad_rows: true,
        ..Options::default()
    };
    let (rows, customers) = import(&path, Kind::Orders, &opts).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(customers.len(), 2);
    let Record::Order(o) = rows[2] else { panic!() };
    assert_eq!((o.day, o.amount), (days_from_civil(2027, 4, 1), 30.0));
    // The orders fast path reads sheets the same way.
    let mut channels = Names::default();
    let (metrics, report) = sextant_ingest::read_orders(
        &path,
        &opts,
        sextant_metrics::calendar::Granularity::Month,
        &mut channels,
        |_| {},
    )
    .unwrap();
    assert_eq!(report.skipped.len(), 1, "{report:?}");
    assert_eq!(report.skipped[0].line, 8);
    let table = sextant_metrics::catalogue::compute(
        &sextant_metrics::catalogue::Inputs {
            orders: Some(&metrics),
            ..Default::default()
        },
        sextant_metrics::calendar::Granularity::Month,
        None,
        None,
    );
    assert_eq!(
        table.get("revenue").unwrap().values,
        [Some(30.0), Some(30.0)]
    );
}

#[test]
fn surveys_incidents_usage_processes() {
    let p = temp(
        "survey.csv",
        "Submitted At,Rating,Survey\n2027-03-01,5,CSAT\n2027-03-02,9,NPS\n2027-03-03,11,NPS\n",
    );
    let e = import(&p, Kind::Surveys, &Options::default()).unwrap_err();
    assert!(
        e.to_string().contains(
            "line 4, column 2 (score from \"Rating\"): expected a score from 0 to 10, found 11"
        ),
        "{e}"
    );
    let p = temp(
        "inc.csv",
        "Opened,Closed,Type,System\n2027-03-01 10:00,2027-03-01 12:30,outage,POS\n2027-03-05 09:00,2027-03-05 08:00,security,Email\n",
    );
    let e = import(&p, Kind::Incidents, &Options::default()).unwrap_err();
    assert!(
        e.to_string()
            .contains("line 3, column 2 (end from \"Closed\")"),
        "{e}"
    );
    let p = temp(
        "proc.csv",
        "Process,Automated\nInvoicing,yes\nStock count,no\n",
    );
    let (rows, _) = import(&p, Kind::Processes, &Options::default()).unwrap();
    assert_eq!(rows.len(), 2);
}

#[test]
fn the_parallel_order_reader_agrees_with_the_plain_one() {
    use sextant_metrics::calendar::Granularity;
    use sextant_metrics::catalogue::{Inputs, OrderMetrics, compute};
    let mut text = String::from("date,customer,total,channel\n");
    for i in 0..30_000u32 {
        let m = 1 + i % 12;
        let d = 1 + i % 28;
        text += &format!(
            "2027-{m:02}-{d:02},C{},{}.50,{}\n",
            (i * 7919) % 2500,
            i % 97,
            ["web", "store"][(i % 2) as usize]
        );
    }
    let p = temp("many.csv", &text);
    let mut chan = Names::default();
    let (par, report) = sextant_ingest::read_orders(
        &p,
        &Options::default(),
        Granularity::Month,
        &mut chan,
        |_| {},
    )
    .unwrap();
    assert_eq!(report.rows, 30_000);
    let mut plain = OrderMetrics::new(Granularity::Month);
    let mut cust = Names::default();
    let mut chan2 = Names::default();
    let mut names = Interners {
        customers: Some(&mut cust),
        channels: Some(&mut chan2),
        systems: None,
    };
    read(
        &p,
        Kind::Orders,
        &Options::default(),
        &mut names,
        |r| {
            if let Record::Order(o) = r {
                plain.add(&o);
            }
        },
        |_| {},
    )
    .unwrap();
    let a = compute(
        &Inputs {
            orders: Some(&par),
            channels: Some(&chan),
            ..Inputs::default()
        },
        Granularity::Month,
        None,
        None,
    );
    let b = compute(
        &Inputs {
            orders: Some(&plain),
            channels: Some(&chan2),
            ..Inputs::default()
        },
        Granularity::Month,
        None,
        None,
    );
    assert_eq!(a.periods, b.periods);
    for (x, y) in a.series.iter().zip(&b.series) {
        assert_eq!((x.metric, &x.by), (y.metric, &y.by));
        for (u, v) in x.values.iter().zip(&y.values) {
            match (u, v) {
                (Some(u), Some(v)) => assert!(
                    (u - v).abs() <= 1e-9 * (1.0 + v.abs()),
                    "{} {u} {v}",
                    x.metric
                ),
                _ => assert_eq!(u, v, "{}", x.metric),
            }
        }
    }
    // A bad row fails the parallel reader too.
    let p = temp("many-bad.csv", &(text + "2027-13-01,C1,5,web\n"));
    let e = sextant_ingest::read_orders(
        &p,
        &Options::default(),
        Granularity::Month,
        &mut chan,
        |_| {},
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("1 bad row(s); nothing was imported:\n  line 30002, column 1"),
        "{e}"
    );
}

#[test]
fn docs_list_every_field_and_header() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/data-import.md"
    ))
    .unwrap();
    for kind in Kind::ALL {
        let section = doc
            .split("\n## ")
            .find(|s| s.starts_with(&format!("`{}`", kind.name())))
            .unwrap_or_else(|| panic!("docs/data-import.md has no section for {}", kind.name()));
        for f in kind.fields() {
            let row = section
                .lines()
                .find(|l| l.starts_with(&format!("| `{}` |", f.name)))
                .unwrap_or_else(|| panic!("{}: no row for {}", kind.name(), f.name));
            for s in f.synonyms {
                assert!(
                    row.contains(&format!("`{s}`")),
                    "{}.{}: header {s} undocumented",
                    kind.name(),
                    f.name
                );
            }
        }
    }
}

#[test]
fn a_sample_reads_the_header_and_first_rows_as_an_import_would() {
    // A title row above the header, a semicolon delimiter and a blank line: the sample finds
    // the same header the import uses and skips the blank line, keeping line numbers.
    let p = temp(
        "sample.csv",
        "Corner Bookstore export\nDate;Total;Customer\n2027-01-02;12,50;C1\n\n2027-01-03;8;C2\n2027-01-04;9;C3\n",
    );
    let (headers, rows) = sextant_ingest::sample(&p, &Options::default(), 2).unwrap();
    assert_eq!(headers, ["Date", "Total", "Customer"]);
    assert_eq!(
        rows,
        [
            (
                3,
                vec!["2027-01-02".to_string(), "12,50".into(), "C1".into()]
            ),
            (5, vec!["2027-01-03".to_string(), "8".into(), "C2".into()]),
        ]
    );
}
