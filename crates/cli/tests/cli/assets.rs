//! `sextant assets`: the demo's asset list against the shipped ends of support (its warnings and
//! forecast worked out by hand), an XLSX export, the refresh as a plan entry that the roadmap
//! schedules by its deadline, and refusals with their line and column.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use super::{demo, sextant, stderr, stdout, temp_dir};

fn assets() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/corner-bookstore/assets.csv")
}

/// On 2026-12-04 with the plan's policy (none: the defaults) and fiscal years from January:
/// out of warranty TILL-01 (2023-03-14) and OFFICE-PC (2024-09-30); without security updates the
/// two on Windows 10 22H2 and the Office 2019 licence (2025-10-14). Already due (2026-Q4):
/// TILL-01 749 (5 years: 2025-03-14), OFFICE-PC 829 (2025-09-30), SWITCH-8 39 (7 years:
/// 2026-04-10), OFFICE-2019 249 (support): 4, 1,866. In 2027: SHOP-PHONE 449 (June, 3 years),
/// SARAH-PHONE 729 (October), TILL-IPAD 449 (November): 3, 1,627. Due within 12 months: the 4
/// and the 3, 3,493.
#[test]
fn the_demo_assets_worked_out_by_hand() {
    let a = assets();
    let plan = demo();
    let out = sextant(&[
        "assets",
        a.to_str().unwrap(),
        "--plan",
        plan.to_str().unwrap(),
        "--today",
        "2026-12-04",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let t = &v["totals"];
    assert_eq!(t["assets"], 15);
    assert_eq!(t["out_of_warranty"], 2);
    assert_eq!(t["unsupported"], 3);
    assert_eq!(t["due_12_months"], 7);
    assert_eq!(t["cost_12_months"], 3493.0);
    assert_eq!(v["years"][0]["period"], "2026");
    assert_eq!(v["years"][0]["count"], 4);
    assert_eq!(v["years"][0]["cost"], 1866.0);
    assert_eq!(v["years"][1]["count"], 3);
    assert_eq!(v["years"][1]["cost"], 1627.0);
    assert_eq!(v["quarters"][0]["period"], "2026-Q4");
    assert_eq!(v["quarters"].as_array().unwrap().len(), 12);

    // The text report says the same in words.
    let text = stdout(&sextant(&[
        "assets",
        a.to_str().unwrap(),
        "--today",
        "2026-12-04",
    ]));
    assert!(
        text.starts_with(
            "15 assets on 4 December 2026: 2 out of warranty, 3 without security updates"
        ),
        "{text}"
    );
    assert!(
        text.contains("TILL-01's warranty ended on 14 March 2023"),
        "{text}"
    );

    // The refresh, pasted into the plan, is scheduled by its deadline.
    let refresh = stdout(&sextant(&[
        "assets",
        a.to_str().unwrap(),
        "--plan",
        plan.to_str().unwrap(),
        "--today",
        "2026-12-04",
        "--refresh",
    ]));
    assert!(
        refresh.contains("id: \"hardware-refresh-2026\""),
        "{refresh}"
    );
    assert!(refresh.contains("done_by: \"2027-01\""), "{refresh}");
    let entry = refresh.lines().last().unwrap();
    let text = std::fs::read_to_string(&plan).unwrap();
    let at = text.find("\ninitiatives:\n").unwrap() + "\ninitiatives:\n".len();
    let dir = temp_dir("assets-refresh");
    let with = dir.join("plan.yaml");
    std::fs::write(&with, format!("{}{entry}\n{}", &text[..at], &text[at..])).unwrap();
    let out = sextant(&["roadmap", with.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let x = r["schedule"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "hardware-refresh-2026")
        .unwrap();
    assert_eq!(x["end"], "2027-01");
    assert_eq!(x["done_by"], "2027-01");
}

#[test]
fn an_xlsx_export_is_read_like_a_csv() {
    let dir = temp_dir("assets-xlsx");
    let path = dir.join("devices.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "Computer Name",
        "Chassis Type",
        "Serial Number",
        "Warranty Expiry",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "PC-1").unwrap();
    ws.write_string(1, 1, "Notebook").unwrap();
    ws.write_string(1, 2, "S-1").unwrap();
    ws.write_string(1, 3, "2025-01-31").unwrap();
    wb.save(&path).unwrap();
    let out = sextant(&["assets", path.to_str().unwrap(), "--format", "assets"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        v,
        serde_json::json!([{"id": "s-1", "name": "PC-1", "kind": "laptop", "serial": "S-1", "warranty_end": "2025-01-31"}])
    );
}

#[test]
fn bad_lists_and_tables_exit_1_with_their_line_and_column() {
    let dir = temp_dir("assets-bad");
    let list = dir.join("list.csv");
    std::fs::write(
        &list,
        "Name,Purchase Date,Warranty End\nPC-1,2024-01-01,2023-06-30\nPC-2,soon,2027-01-01\n",
    )
    .unwrap();
    let out = sextant(&["assets", list.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(
        e.contains("list.csv: 2 bad row(s); nothing was imported"),
        "{e}"
    );
    assert!(
        e.contains("line 2, column 3 (warranty_end from \"Warranty End\"): expected a warranty end on or after the purchase date (2024-01-01), found 2023-06-30"),
        "{e}"
    );
    assert!(e.contains("line 3, column 2 (purchased"), "{e}");

    let table = dir.join("eol.yaml");
    std::fs::write(
        &table,
        "title: Ours\nchecked: 2026-01-01\nlicence: ours\nproducts:\n  - {product: X, match: x 1, ends: 2026-02-30}\n",
    )
    .unwrap();
    std::fs::write(&list, "Name\nPC-1\n").unwrap();
    let out = sextant(&[
        "assets",
        list.to_str().unwrap(),
        "--end-of-life",
        table.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("eol.yaml:5:"), "{}", stderr(&out));
    let out = sextant(&["assets", list.to_str().unwrap(), "--today", "2026-02-30"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("expected a day YYYY-MM-DD"),
        "{}",
        stderr(&out)
    );
}
