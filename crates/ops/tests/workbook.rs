//! The budget workbook read back as a bookkeeper's spreadsheet reads it: every sheet there, the
//! figures the budget and the business cases give, and the totals and net present values as
//! live formulas whose stored values are the figures.
#![allow(clippy::unwrap_used)]

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

fn demo() -> sextant_core::Plan {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/corner-bookstore.yaml"),
    )
    .unwrap();
    sextant_core::load_plan("corner-bookstore.yaml", &text).unwrap()
}

fn num(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("expected a number, found {other:?}"),
    }
}

#[test]
fn the_workbook_holds_the_budget_roadmap_cases_and_kpis_with_live_totals() {
    let plan = demo();
    let analysis = sextant_ops::analyse(&plan, None).analysis;
    let planned = sextant_ops::roadmap(&plan, &sextant_ops::RoadmapRequest::default(), &|| true);
    let b = sextant_ops::budget::budget(&plan, &planned.roadmap, 3, &[]);
    let bytes = sextant_ops::workbook::workbook(&plan, &analysis, &planned.roadmap, &b).unwrap();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), sextant_ops::workbook::SHEETS.to_vec());

    // The budget by fiscal year: the parts as numbers, capital, operating and total as formulas
    // of them with the budget's own figures stored, and a row of live sums.
    let years = book.worksheet_range("Budget by year").unwrap();
    let formulas = book.worksheet_formula("Budget by year").unwrap();
    assert_eq!(years.get((0, 0)), Some(&Data::String("Fiscal year".into())));
    for (k, row) in b.years.iter().enumerate() {
        let r = k + 1;
        let x = r + 1;
        assert_eq!(years.get((r, 0)), Some(&Data::String(row.period.clone())));
        assert_eq!(num(years.get((r, 2)).unwrap()), row.one_time);
        assert_eq!(num(years.get((r, 7)).unwrap()), row.total, "{}", row.period);
        let f = |c: u32| {
            formulas
                .get_value((r as u32, c))
                .cloned()
                .unwrap_or_default()
        };
        assert_eq!(f(5), format!("C{x}+E{x}"));
        assert_eq!(f(6), format!("B{x}+D{x}"));
        assert_eq!(f(7), format!("F{x}+G{x}"));
        // By hand: total = capital + operating = (one-time + replacements) + (systems + recurring).
        let by_hand = row.one_time + row.replacements + row.systems + row.recurring;
        assert!(
            (row.total - by_hand).abs() < 1e-6,
            "{} against {by_hand}",
            row.total
        );
    }
    let last = b.years.len() + 1;
    assert_eq!(years.get((last, 0)), Some(&Data::String("Total".into())));
    assert_eq!(
        formulas
            .get_value((last as u32, 7))
            .cloned()
            .unwrap_or_default(),
        format!("SUM(H2:H{last})")
    );
    let sum: f64 = b.years.iter().map(|y| y.total).sum();
    assert!((num(years.get((last, 7)).unwrap()) - sum).abs() < 1e-6);

    // The quarters are there too, one row each and a total.
    let quarters = book.worksheet_range("Budget by quarter").unwrap();
    assert_eq!(quarters.height(), b.quarters.len() + 2);

    // The roadmap: every scheduled initiative by title with its start.
    let roadmap = book.worksheet_range("Roadmap").unwrap();
    for (k, x) in planned.roadmap.schedule.iter().enumerate() {
        assert_eq!(
            roadmap.get((k + 1, 0)),
            Some(&Data::String(x.title.clone()))
        );
        assert_eq!(
            roadmap.get((k + 1, 1)),
            Some(&Data::String(x.start.clone()))
        );
    }

    // Business cases: the NPV is month 0 plus the spreadsheet's NPV() of the later months at
    // the monthly rate on the Assumptions sheet; its stored value is the case's NPV, which the
    // flows discounted by hand here give too.
    let cases = book.worksheet_range("Business cases").unwrap();
    let cf = book.worksheet_formula("Business cases").unwrap();
    let assumptions = book.worksheet_range("Assumptions").unwrap();
    let rate = plan.doc().organization.discount_rate;
    assert_eq!(num(assumptions.get((3, 1)).unwrap()), rate);
    let rm = (1.0 + rate).powf(1.0 / 12.0) - 1.0;
    assert!((num(assumptions.get((4, 1)).unwrap()) - rm).abs() < 1e-12);
    for (k, i) in analysis.initiatives.iter().enumerate() {
        let r = k + 1;
        assert_eq!(cases.get((r, 0)), Some(&Data::String(i.title.clone())));
        let n = i.case.cash_flows.len();
        let f = cf.get_value((r as u32, 4)).cloned().unwrap_or_default();
        assert!(
            f.starts_with(&format!("G{}+NPV(Assumptions!$B$5,H{}:", r + 1, r + 1)),
            "{f}"
        );
        let by_hand: f64 = i
            .case
            .cash_flows
            .iter()
            .enumerate()
            .map(|(t, v)| v / (1.0 + rm).powi(t as i32))
            .sum();
        let stored = num(cases.get((r, 4)).unwrap());
        // The flows are written to the cent: the NPV of the sheet is the case's within a cent a
        // month.
        assert!(
            (stored - i.case.npv).abs() < 0.01 * n as f64,
            "{stored} against {}",
            i.case.npv
        );
        assert!(
            (stored - by_hand).abs() < 1e-6 * (1.0 + by_hand.abs()),
            "{stored} against {by_hand}"
        );
        // Every month's flow is a number in its column.
        assert_eq!(
            num(cases.get((r, 6 + n - 1)).unwrap()),
            i.case.cash_flows[n - 1]
        );
        // Payback, counted from the month its work starts (as the pages count it): worked out
        // here from the flows written on the sheet, the first month from the first flow that is
        // not zero at which their running total is no longer below zero (the CRM, which costs
        // nothing up front, pays back with its first flow, 6 months after its work starts).
        let start = i.case.start_month as usize;
        let mut running = 0.0;
        let mut by_hand = None;
        for (t, v) in i
            .case
            .cash_flows
            .iter()
            .enumerate()
            .skip(start)
            .skip_while(|(_, v)| **v == 0.0)
        {
            running += v;
            if running >= -1e-9 {
                by_hand = Some(t - start);
                break;
            }
        }
        match by_hand {
            Some(m) => assert_eq!(num(cases.get((r, 5)).unwrap()), m as f64, "{}", i.title),
            None => assert!(
                matches!(cases.get((r, 5)), None | Some(Data::Empty)),
                "{}: {:?}",
                i.title,
                cases.get((r, 5))
            ),
        }
    }
    // The point of sale, by hand from the plan: 1,500 spent over its 3 months (500 a month)
    // while nothing comes back, then (1,500 + 2,500 - 720) / 12 = 273.33 a month: 1,500 back
    // in the 6th month of benefits, the 9th month after work starts (months 3 to 8 give 1,640).
    let pos = analysis
        .initiatives
        .iter()
        .position(|i| i.id == "pos")
        .unwrap();
    assert_eq!(num(cases.get((pos + 1, 5)).unwrap()), 8.0);
    let crm = analysis
        .initiatives
        .iter()
        .position(|i| i.id == "crm")
        .unwrap();
    assert_eq!(num(cases.get((crm + 1, 5)).unwrap()), 6.0);

    // KPIs: the demo's online revenue by month, as recorded.
    let kpis = book.worksheet_range("KPIs").unwrap();
    let head: Vec<String> = (0..kpis.width())
        .map(|c| kpis.get((0, c)).map(|d| d.to_string()).unwrap_or_default())
        .collect();
    // A KPI of the catalogue (online revenue) by its catalogue name, one of the plan's own
    // (email list size) by its name and unit.
    let name = sextant_core::catalogue::find("online_revenue")
        .unwrap()
        .name;
    let c = head.iter().position(|h| h == name).unwrap();
    assert!(
        head.contains(&"Email list size (subscribers)".to_string()),
        "{head:?}"
    );
    let (month, value) = plan.doc().measurements["online_revenue"]
        .iter()
        .next()
        .map(|(m, v)| (m.to_string(), *v))
        .unwrap();
    let r = (1..kpis.height())
        .find(|r| kpis.get((*r, 0)) == Some(&Data::String(month.clone())))
        .unwrap();
    assert_eq!(num(kpis.get((r, c)).unwrap()), value);
}
