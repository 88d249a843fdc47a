//! The lifecycle of an asset list against figures worked out by hand, the table of ends of
//! support, the policy in a plan, and a deadline (`done_by`) in a plan.

#![allow(clippy::unwrap_used)]

use sextant_core::asset::{
    self, Asset, AssetKind, Concern, Policy, load_end_of_support, shipped_end_of_support,
};
use sextant_core::model::{Date, Money};

fn day(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn a(id: &str, kind: AssetKind) -> Asset {
    Asset {
        id: id.into(),
        name: id.into(),
        kind,
        make: None,
        model: None,
        serial: None,
        user: None,
        site: None,
        purchased: None,
        warranty_end: None,
        os: None,
        os_version: None,
        price: None,
    }
}

/// Six assets on 2026-12-04, fiscal years from January, default ages (laptop 4 years,
/// workstation 5, mobile 3), mobiles priced at 700 by the policy. By hand:
///
/// - A, laptop bought 2023-02-10 for 1,000: due 2027-02-10 (age), 2027-Q1, 1,000; warranty
///   ended 2026-02-10.
/// - B, workstation bought 2020-01-01, no price: due 2025-01-01 (age), overdue, so 2026-Q4, at
///   the type's default 1,200.
/// - C, workstation bought 2023-06-01 for 900 running Windows 10 Pro 22H2: support ended
///   2025-10-14, before its age date 2028-06-01: overdue, 2026-Q4, 900.
/// - D, mobile bought 2025-03-01: due 2028-03-01, 2028-Q1, at the policy's 700.
/// - E, a licence with no software named: never due. F, a printer with no purchase date: not
///   known.
///
/// Quarters: 2026-Q4 2 / 2,100; 2027-Q1 1 / 1,000; 2028-Q1 1 / 700; the rest 0. Years: 2026
/// 2 / 2,100; 2027 1 / 1,000; 2028 1 / 700. Due within 12 months (by 2027-12-04): B, C, A, 3
/// for 3,100. Ages in whole years on 2026-12-04: B 6 (83 months), C 3 (42), A 3 (45), D 1 (21).
#[test]
fn a_replacement_forecast_worked_out_by_hand() {
    let mut list = vec![
        Asset {
            purchased: Some(day("2023-02-10")),
            warranty_end: Some(day("2026-02-10")),
            price: Some(1000.0),
            ..a("A", AssetKind::Laptop)
        },
        Asset {
            purchased: Some(day("2020-01-01")),
            ..a("B", AssetKind::Workstation)
        },
        Asset {
            purchased: Some(day("2023-06-01")),
            os: Some("Microsoft Windows 10 Pro".into()),
            os_version: Some("22H2".into()),
            price: Some(900.0),
            ..a("C", AssetKind::Workstation)
        },
        Asset {
            purchased: Some(day("2025-03-01")),
            price: Some(1500.0),
            ..a("D", AssetKind::Mobile)
        },
        a("E", AssetKind::Licence),
        a("F", AssetKind::Printer),
    ];
    let mut policy = Policy::default();
    policy
        .replacement_price
        .insert(AssetKind::Mobile, Money(700.into()));
    let lc = asset::lifecycle(
        &list,
        shipped_end_of_support(),
        &policy,
        day("2026-12-04"),
        1,
        3,
    );
    let q: Vec<(&str, u32, f64)> = lc
        .quarters
        .iter()
        .map(|d| (d.period.as_str(), d.count, d.cost))
        .collect();
    assert_eq!(q.len(), 12);
    assert_eq!(q[0], ("2026-Q4", 2, 2100.0));
    assert_eq!(q[1], ("2027-Q1", 1, 1000.0));
    assert_eq!(q[5], ("2028-Q1", 1, 700.0));
    assert_eq!(q.iter().map(|x| x.1).sum::<u32>(), 4);
    let y: Vec<(&str, u32, f64)> = lc
        .years
        .iter()
        .map(|d| (d.period.as_str(), d.count, d.cost))
        .collect();
    assert_eq!(
        y,
        vec![("2026", 2, 2100.0), ("2027", 1, 1000.0), ("2028", 1, 700.0)]
    );
    assert_eq!(lc.totals.due_12_months, 3);
    assert_eq!(lc.totals.cost_12_months, 3100.0);
    assert_eq!(lc.totals.out_of_warranty, 1);
    assert_eq!(lc.totals.unsupported, 1);
    assert_eq!(lc.totals.attention, 2);
    let c = &lc.assets[2];
    assert_eq!(c.replace_by, Some(day("2025-10-14")));
    assert_eq!(c.replace_because, Some("support"));
    let ages = |k: AssetKind| lc.ages.iter().find(|x| x.kind == k).unwrap();
    assert_eq!(ages(AssetKind::Workstation).counts[6], 1);
    assert_eq!(ages(AssetKind::Workstation).counts[3], 1);
    assert_eq!(ages(AssetKind::Laptop).counts[3], 1);
    assert_eq!(ages(AssetKind::Mobile).counts[1], 1);
    assert_eq!(ages(AssetKind::Printer).unknown, 1);
    assert_eq!(lc.assets[0].age_months, Some(45));
    assert_eq!(lc.assets[1].age_months, Some(83));
    // The most urgent first (ended support and warranty, the earliest first), then the rest.
    assert_eq!(lc.warnings[0].concern, Concern::Unsupported);
    assert_eq!(lc.warnings[0].asset, "C");
    assert_eq!(lc.warnings[1].concern, Concern::OutOfWarranty);
    assert_eq!(lc.warnings[1].asset, "A");
    assert!(lc.warnings[2..].iter().all(|w| !w.concern.urgent()));
    assert!(
        lc.warnings
            .iter()
            .any(|w| w.concern == Concern::Unsupported
                && w.message
                    == "C runs Windows 10 22H2, which stopped getting security updates on 14 October 2025: replace or upgrade it.")
    );

    // The refresh: A, B and C (the licence never), 3,100, one month, a deadline from C's
    // support (ended: as soon as possible, the plan's first month), and what running C
    // unsupported costs as its saving.
    let init = asset::refresh_initiative(
        &lc,
        &policy,
        "2027-01".parse_month(),
        "2028-12".parse_month(),
    )
    .unwrap();
    assert_eq!(init["one_time_cost"]["likely"], 3100);
    assert_eq!(init["one_time_cost"]["low"], 2790);
    assert_eq!(init["one_time_cost"]["high"], 3565);
    assert_eq!(init["duration_months"], 1);
    assert_eq!(init["effort_hours_per_month"], 6);
    assert_eq!(init["done_by"], "2027-01");
    assert_eq!(init["mandatory"], true);
    assert_eq!(init["benefits"][0]["annual"], 250);
    assert_eq!(
        init["title"],
        "Hardware refresh: replace 3 devices (1 without security updates)"
    );

    // A plan that ends before the refresh can be done sets no deadline: the roadmap could not
    // meet it.
    let late = asset::refresh_initiative(
        &lc,
        &policy,
        "2027-01".parse_month(),
        "2026-12".parse_month(),
    )
    .unwrap();
    assert!(late.get("done_by").is_none(), "{late}");
    assert!(late.get("mandatory").is_none(), "{late}");

    // Nothing due: no refresh.
    list.retain(|x| x.id == "D" || x.id == "E");
    let lc = asset::lifecycle(
        &list,
        shipped_end_of_support(),
        &policy,
        day("2026-12-04"),
        1,
        3,
    );
    assert!(
        asset::refresh_initiative(
            &lc,
            &policy,
            "2027-01".parse_month(),
            "2028-12".parse_month()
        )
        .is_none()
    );
}

trait ParseMonth {
    fn parse_month(&self) -> sextant_core::model::Month;
}

impl ParseMonth for str {
    fn parse_month(&self) -> sextant_core::model::Month {
        sextant_core::model::Month::parse(self).unwrap()
    }
}

#[test]
fn fiscal_quarters_follow_the_fiscal_year() {
    // A fiscal year from July: 2026-12-04 is in FY2026 Q2; a laptop due 2027-08-01 falls in
    // FY2027 Q1.
    let list = vec![Asset {
        purchased: Some(day("2023-08-01")),
        price: Some(1000.0),
        ..a("L", AssetKind::Laptop)
    }];
    let lc = asset::lifecycle(
        &list,
        shipped_end_of_support(),
        &Policy::default(),
        day("2026-12-04"),
        7,
        2,
    );
    assert_eq!(lc.quarters[0].period, "2026-Q2");
    let due: Vec<&str> = lc
        .quarters
        .iter()
        .filter(|d| d.count > 0)
        .map(|d| d.period.as_str())
        .collect();
    assert_eq!(due, vec!["2027-Q1"]);
    assert_eq!(lc.years[0].period, "2026");
    assert_eq!(lc.years[1].count, 1);
}

#[test]
fn the_table_finds_products_by_their_words() {
    let t = shipped_end_of_support();
    let w10 = t
        .lookup("Microsoft Windows 10 Pro", Some("22H2"), false)
        .unwrap();
    assert_eq!(w10.ends, day("2025-10-14"));
    assert!(!w10.update);
    // A version's point release, and a version written into the name.
    let u = t.lookup("Ubuntu 22.04.4 LTS", None, false).unwrap();
    assert_eq!(u.product.split_whitespace().next(), Some("Ubuntu"));
    let w11 = t.lookup("Windows 11 Pro 23H2", None, false).unwrap();
    assert_eq!(w11.ends, day("2025-11-11"));
    assert!(w11.update, "a Windows 11 version is updated, not replaced");
    // Windows 11 without a version: no end known.
    assert!(t.lookup("Windows 11 Pro", None, false).is_none());
    // An edition between the words: found for a licence only.
    assert!(
        t.lookup("Microsoft Office Professional Plus 2019", None, false)
            .is_none()
    );
    let office = t
        .lookup("Microsoft Office Professional Plus 2019", None, true)
        .unwrap();
    assert_eq!(office.ends, day("2025-10-14"));
    // An export with the version in its own column (Intune: "Windows", "10.0.19045").
    let w = t.lookup("Windows", Some("10.0.19045"), false).unwrap();
    assert_eq!(w.ends, day("2025-10-14"));
    assert!(t.lookup("Windows", None, false).is_none());
    // A router's Cisco IOS XE 17 is not Apple's iOS 17.
    assert!(t.lookup("Cisco IOS XE 17.9", None, false).is_none());
    // Every product's date is a real date after 2000, and the table is dated.
    assert!(t.checked > day("2026-01-01"));
    for p in &t.products {
        assert!(p.ends > day("2000-01-01"), "{}", p.product);
    }
}

#[test]
fn a_bad_table_is_refused_with_its_line() {
    let e = load_end_of_support(
        "eol.yaml",
        "title: T\nchecked: 2026-01-01\nlicence: x\nproducts:\n  - product: P\n    match: p 1\n    ends: 2026-13-01\n",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("eol.yaml:7"), "{e}");
    let e = load_end_of_support(
        "eol.yaml",
        "title: T\nchecked: 2026-01-01\nlicence: x\nproducts: []\n",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("the table lists no product"), "{e}");
}

const PLAN: &str = "version: 1
organization: {name: Shop, currency: USD, start: 2027-01, horizon_months: 12, discount_rate: 0.08}
initiatives:
  - {id: refresh, title: Refresh, duration_months: 2, one_time_cost: 3000, done_by: 2027-06}
";

#[test]
fn a_deadline_is_read_and_checked() {
    let p = sextant_core::load_plan("p.yaml", PLAN).unwrap();
    assert_eq!(
        p.doc().initiatives[0].done_by.map(|m| m.to_string()),
        Some("2027-06".into())
    );
    // Before the initiative can be done: 2 months from 2027-01 end in 2027-02.
    let e = sextant_core::load_plan(
        "p.yaml",
        &PLAN.replace("done_by: 2027-06", "done_by: 2027-01"),
    )
    .unwrap_err()
    .render(None);
    assert!(
        e.contains("initiative `refresh` cannot be done by 2027-01"),
        "{e}"
    );
    assert!(e.contains("a month from 2027-02"), "{e}");
    // Past the horizon.
    let e = sextant_core::load_plan(
        "p.yaml",
        &PLAN.replace("done_by: 2027-06", "done_by: 2028-06"),
    )
    .unwrap_err()
    .render(None);
    assert!(e.contains("cannot be done by 2028-06"), "{e}");
}

#[test]
fn the_policy_is_read_from_the_plan_and_checked() {
    let with = |policy: &str| {
        PLAN.replace(
            "discount_rate: 0.08}",
            &format!("discount_rate: 0.08, lifecycle: {policy}}}"),
        )
    };
    let p = sextant_core::load_plan(
        "p.yaml",
        &with(
            "{warn_months: 3, replace_after_years: {laptop: 3}, replacement_price: {laptop: 1400}}",
        ),
    )
    .unwrap();
    let policy = p.doc().organization.lifecycle.clone().unwrap();
    assert_eq!(policy.warn(), 3);
    assert_eq!(policy.replace_years(AssetKind::Laptop), Some(3));
    assert_eq!(policy.replace_years(AssetKind::Server), Some(6));
    let e = sextant_core::load_plan("p.yaml", &with("{replace_after_years: {toaster: 3}}"))
        .unwrap_err()
        .render(None);
    assert!(e.contains("unknown asset type `toaster`"), "{e}");
    assert!(e.contains("workstation, laptop, server"), "{e}");
    let e = sextant_core::load_plan("p.yaml", &with("{replace_after_years: {laptop: 0}}"))
        .unwrap_err()
        .render(None);
    assert!(e.contains("1 to 30 years"), "{e}");
}
