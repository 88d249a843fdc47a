//! A data file reads the same from bytes in memory as from its file, CSV and XLSX alike (the
//! server parses stored data sets from the database's bytes, the CLI reads files), and every
//! error names the source by its name: the data set's on the server, the path in the CLI.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use sextant_ingest::batch::{BatchError, ImportFile, guess_kind, import_each};
use sextant_ingest::{Interners, Kind, Options, Source, read, read_orders, sample};
use sextant_metrics::calendar::Granularity;
use sextant_metrics::records::Names;

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("sextant-sources-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Orders below a title row, with a bad amount on line 5 (CSV) or row 5 (XLSX).
const ROWS: &[[&str; 4]] = &[
    ["Corner Bookstore orders", "", "", ""],
    ["Order Date", "Customer", "Total", "Channel"],
    ["2027-03-01", "C1", "12.50", "store"],
    ["2027-03-02", "C2", "7", "online"],
    ["2027-03-02", "C3", "lots", "online"],
    ["2027-04-11", "C1", "20.25", ""],
];

fn csv() -> Vec<u8> {
    let mut out = String::new();
    for r in ROWS {
        out.push_str(&r.join(","));
        out.push('\n');
    }
    out.into_bytes()
}

fn xlsx() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in ROWS.iter().enumerate() {
        for (c, v) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
            match v.parse::<f64>() {
                Ok(x) => ws.write_number(r as u32, c as u16, x).unwrap(),
                Err(_) => ws.write_string(r as u32, c as u16, *v).unwrap(),
            };
        }
    }
    wb.save_to_buffer().unwrap()
}

/// What reading a source as orders gives: the report or the error, and the records.
fn orders(source: impl Into<Source>, opts: &Options) -> (String, Vec<String>) {
    let mut customers = Names::default();
    let mut channels = Names::default();
    let mut records = Vec::new();
    let mut names = Interners {
        customers: Some(&mut customers),
        channels: Some(&mut channels),
        systems: None,
    };
    let r = read(
        source,
        Kind::Orders,
        opts,
        &mut names,
        |r| records.push(format!("{r:?}")),
        |_| {},
    );
    (format!("{r:?}"), records)
}

#[test]
fn bytes_read_as_their_file_does_csv_and_xlsx() {
    for (name, bytes) in [("orders.csv", csv()), ("orders.xlsx", xlsx())] {
        let path = dir().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let memory = || Source::bytes(name, bytes.clone());
        for skip_bad_rows in [false, true] {
            let opts = Options {
                skip_bad_rows,
                ..Options::default()
            };
            let (file, in_memory) = (orders(&path, &opts), orders(memory(), &opts));
            assert_eq!(file, in_memory, "{name}");
            assert!(file.0.contains("line: 5, column: 3"), "{name}: {}", file.0);
            if skip_bad_rows {
                assert_eq!(file.1.len(), 3, "{name}");
            }
            let fast = |s: Source| {
                let mut channels = Names::default();
                let r = read_orders(s, &opts, Granularity::Month, &mut channels, |_| {});
                format!("{:?}", r.map(|(om, report)| (om.span(), report)))
            };
            assert_eq!(fast(Source::path(&path)), fast(memory()), "{name}");
        }
        let opts = Options::default();
        assert_eq!(
            sample(&path, &opts, 10).unwrap(),
            sample(memory(), &opts, 10).unwrap()
        );
        assert_eq!(guess_kind(memory(), &opts).unwrap(), Kind::Orders);
        // A workbook's rows as read, in memory, read as the workbook.
        if name.ends_with(".xlsx") {
            let rows = sextant_ingest::sheet::rows(&memory(), None, &opts.stop).unwrap();
            assert_eq!(
                orders(Source::rows(name, rows), &opts),
                orders(&path, &opts)
            );
        }
        // A batch of several files, one in memory, one on disk.
        let batch = |source: Source| ImportFile {
            kind: None,
            source,
            options: Options {
                skip_bad_rows: true,
                ..Options::default()
            },
        };
        let (imp, reports) = import_each(
            &[batch(memory()), batch(Source::path(&path))],
            &[],
            Granularity::Month,
            |_| {},
        )
        .unwrap();
        assert_eq!(reports[0].name, name);
        assert_eq!(reports[1].name, path.display().to_string());
        assert_eq!(reports[0].report, reports[1].report);
        assert_eq!(imp.orders.span(), {
            let (one, _) =
                import_each(&[batch(memory())], &[], Granularity::Month, |_| {}).unwrap();
            one.orders.span()
        });
    }
}

#[test]
fn every_error_names_the_source() {
    let import = |source: Source, kind: Option<Kind>| -> String {
        let files = [ImportFile {
            kind,
            source,
            options: Options::default(),
        }];
        match import_each(&files, &[], Granularity::Month, |_| {}) {
            Err(e) => e.to_string(),
            Ok(_) => "imported".into(),
        }
    };
    for (name, bytes) in [("March orders.csv", csv()), ("March orders.xlsx", xlsx())] {
        let e = import(Source::bytes(name, bytes.clone()), None);
        assert!(
            e.starts_with(&format!("{name}: 1 bad row(s); nothing was imported:")),
            "{e}"
        );
        // The same file on disk is named by its path.
        let path = dir().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let e = import(Source::path(&path), None);
        assert!(
            e.starts_with(&format!("{}: 1 bad row(s)", path.display())),
            "{e}"
        );
    }
    assert_eq!(
        import(Source::bytes("notes.csv", b"a,b\n1,2\n".to_vec()), None),
        "notes.csv: cannot tell what data this is from its columns (\"a\", \"b\"); name it, e.g. orders=notes.csv"
    );
    assert_eq!(
        import(
            Source::bytes("sales.xlsx", b"not a workbook".to_vec()),
            Some(Kind::Orders)
        ),
        "sales.xlsx: not a readable CSV or XLSX file: not an XLSX, XLS or ODS workbook (its first bytes are neither a zip archive's nor an XLS file's)"
    );
    let files = [ImportFile {
        kind: Some(Kind::Orders),
        source: Source::bytes("Q1.csv", csv()),
        options: Options::default(),
    }];
    let e = sextant_ingest::clv::orders(&files)
        .err()
        .map(|e| e.to_string());
    assert!(
        e.as_deref()
            .is_some_and(|e| e.starts_with("Q1.csv: 1 bad row(s)")),
        "{e:?}"
    );
    assert!(matches!(
        guess_kind(Source::bytes("x.csv", b"a\n".to_vec()), &Options::default()),
        Err(BatchError::UnknownKind { name, .. }) if name == "x.csv"
    ));
}
