//! An asset list (from an RMM or PSA tool's export, Intune's device list, a spreadsheet) into
//! [`Asset`]s for the lifecycle: columns matched by header with the common exports' names, every
//! bad row reported with its line and column, and nothing returned unless every row is good.
//!
//! A row is refused for: no name; a type that is none of the known ones; a date that is not a
//! date; a warranty end before the purchase date; a price below 0; the serial number (or, with
//! none, the name) of an earlier row. Without a type column, a row's type is inferred: a server
//! or mobile operating system says so, a model known as a laptop (`Latitude`, `ThinkPad`,
//! `MacBook`...) is a laptop, and the rest are workstations.

use std::collections::HashMap;

use sextant_core::asset::{Asset, AssetKind, asset_id};
use sextant_core::model::Date;

use crate::kinds::assets as col;
use crate::read::{Opened, opened};
use crate::rows::check_row;
use crate::{ImportError, Kind, Options, Report, RowProblem, Source, parse};

/// Model names that are laptops, lower case.
const LAPTOPS: [&str; 16] = [
    "book",
    "latitude",
    "thinkpad",
    "probook",
    "elitebook",
    "zbook",
    "xps 13",
    "xps 15",
    "xps 17",
    "surface laptop",
    "surface pro",
    "ideapad",
    "vivobook",
    "zenbook",
    "travelmate",
    "laptop",
];

/// The type of an asset with no type column, from its operating system and model.
fn infer(os: Option<&str>, model: Option<&str>) -> AssetKind {
    let os = os.unwrap_or("").to_ascii_lowercase();
    let model = model.unwrap_or("").to_ascii_lowercase();
    if os.contains("server") || os.contains("esxi") {
        AssetKind::Server
    } else if ["ios", "ipados", "android"]
        .iter()
        .any(|m| os.split_whitespace().next() == Some(m))
    {
        AssetKind::Mobile
    } else if LAPTOPS.iter().any(|l| model.contains(l)) {
        AssetKind::Laptop
    } else {
        AssetKind::Workstation
    }
}

/// Reads an asset list: every asset, or every bad row ([`ImportError::BadRows`]).
pub fn read_assets(
    source: impl Into<Source>,
    opts: &Options,
) -> Result<(Vec<Asset>, Report), ImportError> {
    let source = source.into();
    let kind = Kind::Assets;
    let Opened {
        headers,
        mut rows,
        cols,
        order,
        mut report,
    } = opened(&source, kind, opts)?;
    let fields = kind.fields();
    let mut problems: Vec<RowProblem> = Vec::new();
    let mut out: Vec<Asset> = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    while let Some((line, row)) = rows.next()? {
        if row.is_blank() {
            continue;
        }
        if let Err(p) = check_row(&row, line, &headers, &cols, fields) {
            problems.push(p);
            continue;
        }
        let cell = |fi: usize| -> Option<&str> {
            cols[fi]
                .map(|c| row.get(c).unwrap_or(""))
                .map(str::trim)
                .filter(|c| !c.is_empty())
        };
        let problem = |fi: usize, expected: Option<String>, found: String| RowProblem {
            line,
            column: cols[fi].map_or(0, |c| c + 1),
            field: fields[fi].name,
            header: cols[fi].map_or(String::new(), |c| headers[c].clone()),
            expected: expected.unwrap_or_else(|| fields[fi].expected.to_string()),
            found,
        };
        let mut bad: Option<RowProblem> = None;
        let date = |fi: usize, bad: &mut Option<RowProblem>| -> Option<Date> {
            let c = cell(fi)?;
            match parse::datetime(c, order) {
                Ok((day, _)) => Some(Date::from_days(day)),
                Err(found) => {
                    bad.get_or_insert(problem(fi, None, found));
                    None
                }
            }
        };
        let purchased = date(col::PURCHASED, &mut bad);
        let warranty_end = date(col::WARRANTY_END, &mut bad);
        let name = cell(col::NAME);
        if name.is_none() {
            bad.get_or_insert(problem(col::NAME, None, "an empty cell".into()));
        }
        let os = cell(col::OS);
        let model = cell(col::MODEL);
        let kind = match cell(col::TYPE) {
            Some(t) => match AssetKind::parse(t) {
                Some(k) => Some(k),
                None => {
                    bad.get_or_insert(problem(col::TYPE, None, format!("{t:?}")));
                    None
                }
            },
            None => Some(infer(os, model)),
        };
        let price = match cell(col::PRICE).map(|c| parse::money(c, opts.decimal_comma)) {
            Some(Ok(p)) if p >= 0.0 => Some(p),
            Some(Ok(p)) => {
                bad.get_or_insert(problem(col::PRICE, None, p.to_string()));
                None
            }
            Some(Err(found)) => {
                bad.get_or_insert(problem(col::PRICE, None, found));
                None
            }
            None => None,
        };
        if let (Some(p), Some(w)) = (purchased, warranty_end)
            && w < p
        {
            bad.get_or_insert(problem(
                col::WARRANTY_END,
                Some(format!(
                    "a warranty end on or after the purchase date ({p})"
                )),
                w.to_string(),
            ));
        }
        let serial = cell(col::SERIAL);
        if let Some(n) = name {
            let id = asset_id(serial, n);
            if let Some(first) = seen.get(&id) {
                let fi = if serial.is_some() {
                    col::SERIAL
                } else {
                    col::NAME
                };
                bad.get_or_insert(problem(
                    fi,
                    Some(format!(
                        "a {} not used by an earlier row",
                        if serial.is_some() {
                            "serial number"
                        } else {
                            "name (there is no serial number)"
                        }
                    )),
                    format!("the one of line {first}"),
                ));
            } else {
                seen.insert(id, line);
            }
        }
        match (bad, name, kind) {
            (None, Some(name), Some(kind)) => {
                report.rows += 1;
                out.push(Asset {
                    id: asset_id(serial, name),
                    name: name.to_string(),
                    kind,
                    make: cell(col::MAKE).map(str::to_string),
                    model: model.map(str::to_string),
                    serial: serial.map(str::to_string),
                    user: cell(col::USER).map(str::to_string),
                    site: cell(col::SITE).map(str::to_string),
                    purchased,
                    warranty_end,
                    os: os.map(str::to_string),
                    os_version: cell(col::OS_VERSION).map(str::to_string),
                    price,
                });
            }
            (Some(p), _, _) => problems.push(p),
            _ => {}
        }
    }
    if !problems.is_empty() {
        return Err(ImportError::BadRows(problems));
    }
    Ok((out, report))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn read(text: &str) -> Result<Vec<Asset>, ImportError> {
        read_assets(
            Source::bytes("assets.csv", text.as_bytes().to_vec()),
            &Options::default(),
        )
        .map(|(a, _)| a)
    }

    #[test]
    fn an_intune_export_is_read_with_its_own_headers() {
        let a = read(
            "Device name,Serial number,OS,OS version,Manufacturer,Model,Primary user UPN\n\
             FRONT-PC,ABC123,Windows,10.0.19045,Dell,OptiPlex 7080,anna@shop.example\n\
             OWNER-LT,XYZ9,Windows,10.0.22631,Lenovo,ThinkPad T14,owner@shop.example\n\
             TILL-IPAD,IP1,iOS,17.5,Apple,iPad,\n",
        )
        .unwrap();
        assert_eq!(a.len(), 3);
        assert_eq!(a[0].id, "abc123");
        assert_eq!(a[0].kind, AssetKind::Workstation);
        assert_eq!(a[1].kind, AssetKind::Laptop);
        assert_eq!(a[2].kind, AssetKind::Mobile);
        assert_eq!(a[0].user.as_deref(), Some("anna@shop.example"));
    }

    #[test]
    fn bad_rows_are_refused_with_line_and_column() {
        let e = read(
            "Name,Type,Purchase date,Warranty end,Price\n\
             A,laptop,2024-01-10,2027-01-10,900\n\
             B,laptop,not a date,2027-01-10,900\n\
             C,laptop,2024-01-10,2023-01-10,900\n\
             D,toaster,2024-01-10,2027-01-10,900\n\
             E,laptop,2024-01-10,2027-01-10,-5\n\
             A,laptop,2024-01-10,2027-01-10,900\n",
        )
        .unwrap_err();
        let text = e.to_string();
        assert!(
            text.starts_with("5 bad row(s); nothing was imported"),
            "{text}"
        );
        assert!(
            text.contains("line 3, column 3 (purchased from \"Purchase date\"): expected a date"),
            "{text}"
        );
        assert!(
            text.contains("line 4, column 4 (warranty_end from \"Warranty end\"): expected a warranty end on or after the purchase date (2024-01-10), found 2023-01-10"),
            "{text}"
        );
        assert!(
            text.contains("line 5, column 2 (type from \"Type\"): expected an asset type"),
            "{text}"
        );
        assert!(text.contains("found \"toaster\""), "{text}");
        assert!(text.contains("line 6, column 5 (price"), "{text}");
        assert!(
            text.contains("line 7, column 1 (name from \"Name\"): expected a name (there is no serial number) not used by an earlier row, found the one of line 2"),
            "{text}"
        );
    }
}
