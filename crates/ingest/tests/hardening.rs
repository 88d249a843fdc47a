//! Files that used to import wrongly or silently: extra fields, unclosed quotes, text that is
//! not UTF-8, empty required cells, other delimiters; and no panic on any input.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use sextant_ingest::{ImportError, Interners, Kind, Options, Record, read};
use sextant_metrics::records::Names;

fn temp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sextant-hardening-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn import(path: &Path, kind: Kind, opts: &Options) -> Result<(Vec<Record>, Names), ImportError> {
    let mut customers = Names::default();
    let mut channels = Names::default();
    let mut systems = Names::default();
    let mut out = Vec::new();
    let mut names = Interners {
        customers: Some(&mut customers),
        channels: Some(&mut channels),
        systems: Some(&mut systems),
    };
    read(path, kind, opts, &mut names, |r| out.push(r), |_| {})?;
    Ok((out, customers))
}

/// The error of both readers (the plain one and the parallel orders reader) for an orders file.
fn orders_error(path: &Path) -> String {
    let plain = import(path, Kind::Orders, &Options::default()).unwrap_err();
    let mut channels = Names::default();
    let fast = sextant_ingest::read_orders(
        path,
        &Options::default(),
        sextant_metrics::calendar::Granularity::Month,
        &mut channels,
        |_| {},
    )
    .err()
    .unwrap();
    assert_eq!(plain, fast);
    plain.to_string()
}

#[test]
fn an_unquoted_comma_in_an_amount_is_a_bad_row_with_a_hint() {
    let p = temp(
        "extra.csv",
        b"date,customer,total\n2027-03-01,C1,12.50\n2027-03-02,C2,$1,234.56\n",
    );
    assert_eq!(
        orders_error(&p),
        "1 bad row(s); nothing was imported:\n  line 3, column 4: expected at most 3 values, one for each column of the header (a value containing `,` must be quoted, e.g. \"$1,234.56\"), found 4 values; column 4 holds \"234.56\""
    );
    // Empty cells beyond the header (trailing commas of a spreadsheet export) are fine.
    let p = temp(
        "trailing.csv",
        b"date,customer,total\n2027-03-01,C1,12.50,,\n",
    );
    let (rows, _) = import(&p, Kind::Orders, &Options::default()).unwrap();
    assert_eq!(rows.len(), 1);
}

#[test]
fn an_unclosed_quote_names_the_line_it_opened_on() {
    // The quote opened on line 3 swallows lines 4 and 5 into one customer name.
    let p = temp(
        "quote.csv",
        b"date,customer,total\n2027-03-01,C1,10\n2027-03-02,\"C2,20\n2027-03-03,C3,30\n2027-03-04,C4,40\n",
    );
    assert_eq!(
        orders_error(&p),
        "1 bad row(s); nothing was imported:\n  line 3, column 2 (customer from \"customer\"): expected a value on one line, found a quoted value running from line 3 to line 5: is a quote not closed?"
    );
    // In a column Sextant does not read, a value on several lines is fine, unless it
    // swallowed rows.
    let p = temp(
        "note.csv",
        b"date,customer,total,note\n2027-03-01,C1,10,\"called,\nno answer\"\n2027-03-02,C2,20,\"ok\n2027-03-03,C3,30\n",
    );
    assert_eq!(
        orders_error(&p),
        "1 bad row(s); nothing was imported:\n  line 4, column 4: expected a value on one line, found a quoted value running from line 4 to line 5: is a quote not closed?"
    );
    let p = temp(
        "note2.csv",
        b"date,customer,total,note\n2027-03-01,C1,10,\"called,\nno answer\"\n2027-03-02,C2,20,\"ok\"\n",
    );
    let (rows, _) = import(&p, Kind::Orders, &Options::default()).unwrap();
    assert_eq!(rows.len(), 2);
}

#[test]
fn names_that_are_not_utf8_are_bad_rows_not_one_customer() {
    // Latin-1 names: "M\xfcller" and "J\xf6rg" used to become one customer.
    let p = temp(
        "latin1.csv",
        b"date,customer,total\n2027-03-01,M\xfcller,10\n2027-03-02,J\xf6rg,20\n",
    );
    assert_eq!(
        orders_error(&p),
        "2 bad row(s); nothing was imported:\n  line 2, column 2 (customer from \"customer\"): expected text in UTF-8 (save the file as \"CSV UTF-8\"), found \"M\\xfcller\"\n  line 3, column 2 (customer from \"customer\"): expected text in UTF-8 (save the file as \"CSV UTF-8\"), found \"J\\xf6rg\""
    );
}

#[test]
fn empty_required_cells_in_usage_and_processes_are_bad_rows() {
    let p = temp(
        "usage.csv",
        b"month,system,active users,licensed users\n2027-03,CRM,10,12\n2027-03,,5,8\n",
    );
    let e = import(&p, Kind::Usage, &Options::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "1 bad row(s); nothing was imported:\n  line 3, column 2 (system from \"system\"): expected a system name, found an empty cell"
    );
    let p = temp("processes.csv", b"process,automated\nInvoicing,yes\n,no\n");
    let e = import(&p, Kind::Processes, &Options::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "1 bad row(s); nothing was imported:\n  line 3, column 1 (process from \"process\"): expected a process name, found an empty cell"
    );
}

#[test]
fn semicolons_and_tabs_are_recognised_or_named() {
    // A European export: semicolons and decimal commas.
    let p = temp(
        "semi.csv",
        b"Date;Customer;Total\n01.03.2027;C1;1.234,50\n17.03.2027;C2;12,00\n",
    );
    let (rows, customers) = import(&p, Kind::Orders, &Options::default()).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(customers.len(), 2);
    let Record::Order(o) = rows[0] else { panic!() };
    assert_eq!(o.amount, 1234.5);
    let p = temp(
        "tab.tsv",
        b"date\tcustomer\ttotal\n2027-03-01\tC1\t1,234.50\n",
    );
    let (rows, _) = import(&p, Kind::Orders, &Options::default()).unwrap();
    let Record::Order(o) = rows[0] else { panic!() };
    assert_eq!(o.amount, 1234.5);
    // Named by hand: the tab file read with commas has one column.
    let opts = Options {
        delimiter: Some(b','),
        ..Options::default()
    };
    let e = import(&p, Kind::Orders, &opts).unwrap_err();
    assert!(e.to_string().starts_with("no column for `date`"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    /// Any bytes, as CSV or as XLSX, import or are refused with an error: never a panic.
    #[test]
    fn any_bytes_import_or_are_refused(bytes in proptest::collection::vec(any::<u8>(), 0..400),
                                       text in "[a-z0-9,;\"\t\n\r $.,/-]{0,300}") {
        for (name, content) in [("any.csv", bytes.as_slice()), ("any.xlsx", bytes.as_slice()), ("text.csv", text.as_bytes())] {
            let p = temp(name, content);
            for kind in Kind::ALL {
                let _ = import(&p, kind, &Options::default());
            }
            let mut channels = Names::default();
            let _ = sextant_ingest::read_orders(&p, &Options::default(), sextant_metrics::calendar::Granularity::Month, &mut channels, |_| {});
        }
    }

    /// Order rows of any text under a real header, read with any of the options: both readers
    /// give the same answer (the same rows, or the same error), and neither panics.
    #[test]
    fn both_order_readers_agree_on_any_rows(
        rows in proptest::collection::vec("[A-Za-z0-9,;\"\t $./-]{0,30}", 0..12),
        breaks in proptest::collection::vec(prop_oneof![Just("\n"), Just("\r\n"), Just("\n\n")], 12),
        header_row in proptest::option::of(1u64..4),
        delimiter in proptest::option::of(prop_oneof![Just(b','), Just(b';'), Just(b'\t')]),
        skip_bad_rows in any::<bool>(),
        decimal_comma in any::<bool>(),
    ) {
        let mut text = String::from("Order Date,Customer,Total,Note\n");
        for (r, b) in rows.iter().zip(&breaks) {
            text.push_str(r);
            text.push_str(b);
        }
        let p = temp("agree.csv", text.as_bytes());
        let opts = Options { header_row, delimiter, skip_bad_rows, decimal_comma, ..Options::default() };
        let mut customers = Names::default();
        let mut names = Interners { customers: Some(&mut customers), ..Interners::default() };
        let plain = read(&p, Kind::Orders, &opts, &mut names, |_| {}, |_| {});
        let mut channels = Names::default();
        let fast = sextant_ingest::read_orders(&p, &opts, sextant_metrics::calendar::Granularity::Month, &mut channels, |_| {})
            .map(|(_, r)| r);
        prop_assert_eq!(plain, fast);
    }
}

#[test]
fn a_header_below_title_rows_is_found_or_named() {
    let text = b"Sales report\nExported 2027-04-01,\n\nOrder Date,Customer,Total\n2027-03-01,C1,10\n2027-03-02,C2,x\n";
    let p = temp("titles.csv", text);
    // Passed over: rows with at most one filled cell; lines stay the file's own.
    let e = import(&p, Kind::Orders, &Options::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "1 bad row(s); nothing was imported:\n  line 6, column 3 (amount from \"Total\"): expected an amount of money (1234.50, $1,234.50), found \"x\""
    );
    let named = Options {
        header_row: Some(4),
        skip_bad_rows: true,
        ..Options::default()
    };
    let (rows, _) = import(&p, Kind::Orders, &named).unwrap();
    assert_eq!(rows.len(), 1);
    // A title with two cells needs the header named.
    let p = temp(
        "title2.csv",
        b"Sales report,March\ndate,customer,total\n2027-03-01,C1,10\n",
    );
    assert!(
        import(&p, Kind::Orders, &Options::default())
            .unwrap_err()
            .to_string()
            .starts_with("no column for `date`")
    );
    let (rows, _) = import(
        &p,
        Kind::Orders,
        &Options {
            header_row: Some(2),
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(rows.len(), 1);
    for (line, message) in [
        (
            3,
            "--header-row 3: expected a header row on line 3, found none (line 3 is blank or inside a quoted value); the next row is on line 4",
        ),
        (
            9,
            "--header-row 9: expected a header row on line 9, found the end of the file",
        ),
    ] {
        let p = temp("titles.csv", text);
        let e = import(
            &p,
            Kind::Orders,
            &Options {
                header_row: Some(line),
                ..Options::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.to_string(), message);
    }
}

#[test]
fn an_xlsx_header_below_a_title() {
    use rust_xlsxwriter::Workbook;
    let dir = std::env::temp_dir().join(format!("sextant-hardening-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("titled.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Sales report").unwrap();
    for (c, h) in ["date", "customer", "total"].iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    ws.write_string(3, 0, "2027-03-01").unwrap();
    ws.write_string(3, 1, "C1").unwrap();
    ws.write_number(3, 2, 12.5).unwrap();
    wb.save(&path).unwrap();
    let (rows, _) = import(&path, Kind::Orders, &Options::default()).unwrap();
    assert_eq!(rows.len(), 1);
    let (rows, _) = import(
        &path,
        Kind::Orders,
        &Options {
            header_row: Some(3),
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(rows.len(), 1);
    let e = import(
        &path,
        Kind::Orders,
        &Options {
            header_row: Some(2),
            ..Options::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "--header-row 2: expected a header row on line 2, found none (line 2 is blank or inside a quoted value); the next row is on line 3"
    );
}

#[test]
fn rows_after_blank_lines_keep_their_own_line() {
    let p = temp(
        "blank.csv",
        b"date,customer,total\n\n\n2027-03-01,C1,x\n2027-03-02,\"C2\nC3\",10\n",
    );
    let e = import(&p, Kind::Orders, &Options::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "2 bad row(s); nothing was imported:\n  line 4, column 3 (amount from \"total\"): expected an amount of money (1234.50, $1,234.50), found \"x\"\n  line 5, column 2 (customer from \"customer\"): expected a value on one line, found a quoted value running from line 5 to line 6: is a quote not closed?"
    );
}

#[test]
fn standard_input_is_kept_in_a_private_file_while_it_is_read() {
    use std::os::unix::fs::PermissionsExt;
    // Standard input can be read once; the headers, the day/month order and the rows each
    // read the file.
    let text: &[u8] = b"date;customer;total\n17/03/2027;C1;12,50\n01/04/2027;C2;7\n";
    let s = sextant_ingest::batch::Spooled::new(text).unwrap();
    let path = s.path().to_path_buf();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let (rows, _) = import(&path, Kind::Orders, &Options::default()).unwrap();
    let Record::Order(o) = rows[1] else { panic!() };
    assert_eq!(
        o.day,
        sextant_metrics::calendar::days_from_civil(2027, 4, 1)
    );
    drop(s);
    assert!(!path.exists());
}

#[test]
fn a_quote_not_closed_on_the_last_line_without_a_line_break() {
    let p = temp(
        "quote-eof.csv",
        b"date,customer,total\n2027-03-01,\"C1,10\n2027-03-02,C2,20",
    );
    assert_eq!(
        orders_error(&p),
        "1 bad row(s); nothing was imported:\n  line 2, column 2 (customer from \"customer\"): expected a value on one line, found a quoted value running from line 2 to line 3: is a quote not closed?"
    );
}

/// An orders file read in blocks of `block` bytes (0: on one thread), as the catalogue's table
/// with the channels' names, and the report; or the error.
fn orders_in_blocks(
    path: &Path,
    opts: &Options,
    block: usize,
) -> Result<(sextant_metrics::catalogue::Table, sextant_ingest::Report), ImportError> {
    use sextant_metrics::calendar::Granularity;
    use sextant_metrics::catalogue::{Inputs, compute};
    let mut channels = Names::default();
    let (om, report) = sextant_ingest::read_orders_in(
        path,
        opts,
        Granularity::Month,
        &mut channels,
        |_| {},
        block,
    )?;
    let table = compute(
        &Inputs {
            orders: om.span().is_some().then_some(&om),
            channels: Some(&channels),
            ..Inputs::default()
        },
        Granularity::Month,
        None,
        None,
    );
    Ok((table, report))
}

/// One line of an orders file: a good row (a few days, customers and channels, so that rows
/// repeat), or one with a flaw (a quote, a line break inside quotes, an empty cell, bytes that
/// are not UTF-8, a value beyond the header), or any bytes.
fn order_line() -> impl Strategy<Value = Vec<u8>> {
    let good = (
        0u8..4,
        prop_oneof![
            Just("C1"),
            Just("C2"),
            Just("\"C 3\""),
            Just(""),
            Just("C\u{e9}")
        ],
        prop_oneof![
            Just("12.50"),
            Just("7"),
            Just("\"1,234.56\""),
            Just("-3.2"),
            Just("x")
        ],
        prop_oneof![
            Just("store"),
            Just("online"),
            Just(""),
            Just("\"on\nline\"")
        ],
        prop_oneof![
            Just(""),
            Just(",extra"),
            Just(",\"a \"\"b\"\"\""),
            Just(",\"note\r\nmore\"")
        ],
    )
        .prop_map(|(d, c, t, ch, rest)| {
            format!("2027-0{}-1{},{c},{t},{ch}{rest}", 1 + d % 3, d).into_bytes()
        });
    let junk = proptest::collection::vec(
        prop_oneof![
            Just(b'"'),
            Just(b','),
            Just(b'\r'),
            Just(b'\n'),
            Just(0xff),
            Just(b'a'),
            Just(b'1'),
            Just(b' ')
        ],
        0..12,
    );
    prop_oneof![4 => good, 1 => junk]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    /// Orders read in blocks of any size on two threads give what one thread reading the whole
    /// file gives: the same figures, the same report (rows, repeated rows, bad rows skipped) or
    /// the same error, on files with quotes, line breaks inside quotes, CRLF, empty cells,
    /// bytes that are not UTF-8 and values beyond the header.
    #[test]
    fn orders_read_in_blocks_agree_with_one_thread(
        lines in proptest::collection::vec(order_line(), 0..40),
        breaks in proptest::collection::vec(prop_oneof![3 => Just(&b"\n"[..]), 1 => Just(&b"\r\n"[..]), 1 => Just(&b"\n\n"[..])], 40),
        last_break in any::<bool>(),
        block in 1usize..80,
        skip_bad_rows in any::<bool>(),
    ) {
        let mut text = b"Order Date,Customer,Total,Channel\n".to_vec();
        for (i, (l, b)) in lines.iter().zip(&breaks).enumerate() {
            text.extend_from_slice(l);
            if last_break || i + 1 < lines.len() {
                text.extend_from_slice(b);
            }
        }
        let p = temp("blocks.csv", &text);
        let opts = Options { skip_bad_rows, ..Options::default() };
        let whole = orders_in_blocks(&p, &opts, 0);
        prop_assert_eq!(&orders_in_blocks(&p, &opts, block), &whole);
        prop_assert_eq!(&orders_in_blocks(&p, &opts, sextant_ingest::orders::BLOCK), &whole);
    }
}
