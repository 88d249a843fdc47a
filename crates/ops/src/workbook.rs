//! The budget workbook (XLSX) a client's bookkeeper opens: the budget by fiscal year and by
//! quarter, the roadmap's schedule, each business case with its monthly cash flows, and the KPIs
//! by month. Numbers are numbers in the plan's currency format; every total, capital, operating
//! and net present value is a live formula, so that changing an assumption (a cost, a flow, the
//! discount rate) moves the totals; headers are frozen; one sheet per topic.
//!
//! Both doors call [`workbook`] with what they already computed for the budget and the roadmap
//! (`sextant report --format xlsx`, `GET /api/v1/orgs/{org}/workbook`), so the figures are the
//! ones shown elsewhere.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet};
use sextant_core::Plan;
use sextant_core::analysis::Analysis;
use sextant_roadmap::report::Roadmap;

use crate::budget::{Budget, BudgetRow};

/// The sheets, in order.
pub const SHEETS: [&str; 6] = [
    "Assumptions",
    "Budget by year",
    "Budget by quarter",
    "Roadmap",
    "Business cases",
    "KPIs",
];

/// The workbook of `plan`: its `analysis`, the optimised `roadmap` and the `budget` worked out
/// on it, as the bytes of an XLSX file.
pub fn workbook(
    plan: &Plan,
    analysis: &Analysis,
    roadmap: &Roadmap,
    budget: &Budget,
) -> Result<Vec<u8>, String> {
    build(plan, analysis, roadmap, budget).map_err(|e| format!("the workbook: {e}"))
}

/// The number format of money in `currency` (an ISO 4217 code): its symbol before the figure
/// for the common ones, else the code after it; whole units, thousands separated.
pub fn money_format(currency: &str) -> String {
    let symbol = match currency {
        "USD" | "CAD" | "AUD" | "NZD" => Some("$"),
        "EUR" => Some("€"),
        "GBP" => Some("£"),
        "JPY" => Some("¥"),
        _ => None,
    };
    match symbol {
        Some(s) => format!("\"{s}\"#,##0;-\"{s}\"#,##0"),
        None => {
            let code: String = currency
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(8)
                .collect();
            format!("#,##0\" {code}\";-#,##0\" {code}\"")
        }
    }
}

struct Styles {
    head: Format,
    money: Format,
    total_label: Format,
    total_money: Format,
    percent: Format,
    note: Format,
}

fn styles(currency: &str) -> Styles {
    let m = money_format(currency);
    Styles {
        head: Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0x00E8_EEF4))
            .set_border_bottom(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::Top),
        money: Format::new().set_num_format(&m),
        total_label: Format::new().set_bold().set_border_top(FormatBorder::Thin),
        total_money: Format::new()
            .set_bold()
            .set_num_format(&m)
            .set_border_top(FormatBorder::Thin),
        percent: Format::new().set_num_format("0.0%"),
        note: Format::new()
            .set_italic()
            .set_font_color(Color::RGB(0x0055_5555)),
    }
}

/// The spreadsheet column letters of column index `c` (0 = A).
fn col(c: u16) -> String {
    let mut n = u32::from(c) + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A formula with its value worked out, so that readers which do not recalculate show it too.
fn formula(f: &str, value: f64) -> Formula {
    Formula::new(f).set_result(format!("{value}"))
}

fn headers(
    ws: &mut Worksheet,
    row: u32,
    names: &[&str],
    s: &Styles,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    for (c, n) in names.iter().enumerate() {
        ws.write_with_format(row, c as u16, *n, &s.head)?;
    }
    ws.set_freeze_panes(row + 1, 0)?;
    Ok(())
}

fn build(
    plan: &Plan,
    analysis: &Analysis,
    roadmap: &Roadmap,
    budget: &Budget,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let doc = plan.doc();
    let org = &doc.organization;
    let s = styles(&budget.currency);
    let mut wb = Workbook::new();

    // Assumptions: what the formulas elsewhere read.
    let ws = wb.add_worksheet().set_name(SHEETS[0])?;
    ws.set_column_width(0, 34)?;
    ws.set_column_width(1, 22)?;
    ws.write_with_format(0, 0, "Assumption", &s.head)?;
    ws.write_with_format(0, 1, "Value", &s.head)?;
    ws.set_freeze_panes(1, 0)?;
    ws.write(1, 0, "Organisation")?;
    ws.write(1, 1, org.name.as_str())?;
    ws.write(2, 0, "Currency")?;
    ws.write(2, 1, budget.currency.as_str())?;
    ws.write(3, 0, "Discount rate a year")?;
    ws.write_with_format(3, 1, org.discount_rate, &s.percent)?;
    ws.write(4, 0, "Discount rate a month")?;
    let monthly = sextant_core::finance::monthly_rate(org.discount_rate);
    ws.write_formula_with_format(
        4,
        1,
        formula("=(1+B4)^(1/12)-1", monthly),
        &Format::new().set_num_format("0.000%"),
    )?;
    ws.write(5, 0, "Roadmap")?;
    ws.write(5, 1, roadmap_status(roadmap))?;
    ws.write_with_format(
        7,
        0,
        "Change the discount rate (B4) and every business case's net present value follows. \
         Change a cost on a budget sheet and its totals follow.",
        &s.note,
    )?;

    // The budget, by fiscal year and by quarter.
    for (sheet, rows, label) in [
        (SHEETS[1], &budget.years, "Fiscal year"),
        (SHEETS[2], &budget.quarters, "Quarter"),
    ] {
        let ws = wb.add_worksheet().set_name(sheet)?;
        budget_sheet(ws, rows, label, &s)?;
    }

    // The roadmap's schedule, then what it left out.
    let ws = wb.add_worksheet().set_name(SHEETS[3])?;
    headers(
        ws,
        0,
        &[
            "Initiative",
            "Starts",
            "Last month of work",
            "Months",
            "Cost",
            "Net present value",
            "Required",
            "Done by",
            "Phase",
        ],
        &s,
    )?;
    ws.set_column_width(0, 44)?;
    for c in 1..9 {
        ws.set_column_width(c, 14)?;
    }
    let mut r = 1u32;
    for x in &roadmap.schedule {
        ws.write(r, 0, x.title.as_str())?;
        ws.write(r, 1, x.start.as_str())?;
        ws.write(r, 2, x.end.as_str())?;
        ws.write(r, 3, x.duration_months)?;
        ws.write_with_format(r, 4, x.cost, &s.money)?;
        ws.write_with_format(r, 5, x.npv, &s.money)?;
        ws.write(r, 6, if x.mandatory { "yes" } else { "" })?;
        ws.write(r, 7, x.done_by.as_deref().unwrap_or(""))?;
        ws.write(r, 8, x.phase.as_deref().unwrap_or(""))?;
        r += 1;
    }
    if !roadmap.schedule.is_empty() {
        let last = r;
        ws.write_with_format(r, 0, "Total", &s.total_label)?;
        for c in [4u16, 5] {
            let sum: f64 = roadmap
                .schedule
                .iter()
                .map(|x| if c == 4 { x.cost } else { x.npv })
                .sum();
            ws.write_formula_with_format(
                r,
                c,
                formula(&format!("=SUM({0}2:{0}{last})", col(c)), sum),
                &s.total_money,
            )?;
        }
        r += 1;
    }
    if !roadmap.excluded.is_empty() {
        r += 1;
        ws.write_with_format(r, 0, "Left out", &s.head)?;
        ws.write_with_format(r, 1, "Why", &s.head)?;
        r += 1;
        for x in &roadmap.excluded {
            let title = doc
                .initiatives
                .iter()
                .find(|i| i.id.as_str() == x.id)
                .map_or(x.id.as_str(), |i| i.title.as_str());
            ws.write(r, 0, title)?;
            ws.write(r, 1, x.detail.as_str())?;
            r += 1;
        }
    }

    // Business cases: each initiative's monthly net cash flows, its NPV a live formula.
    let ws = wb.add_worksheet().set_name(SHEETS[4])?;
    let months = analysis
        .initiatives
        .iter()
        .map(|i| i.case.cash_flows.len())
        .max()
        .unwrap_or(0);
    let first_flow: u16 = 6;
    let mut names: Vec<String> = [
        "Initiative",
        "One-time cost",
        "Recurring cost a year",
        "Benefit a year",
        "Net present value",
        "Payback (months after work starts)",
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    for k in 0..months {
        names.push(plan.month_at(k as i32).to_string());
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    headers(ws, 0, &refs, &s)?;
    ws.set_freeze_panes(1, 1)?;
    ws.set_column_width(0, 44)?;
    for c in 1..first_flow {
        ws.set_column_width(c, 14)?;
    }
    for (k, i) in analysis.initiatives.iter().enumerate() {
        let r = k as u32 + 1;
        let c = &i.case;
        ws.write(r, 0, i.title.as_str())?;
        ws.write_with_format(r, 1, c.one_time_cost, &s.money)?;
        ws.write_with_format(r, 2, c.recurring_cost_annual, &s.money)?;
        ws.write_with_format(r, 3, c.benefit_annual, &s.money)?;
        for (m, v) in c.cash_flows.iter().enumerate() {
            ws.write_with_format(r, first_flow + m as u16, *v, &s.money)?;
        }
        if !c.cash_flows.is_empty() {
            // Month 0 undiscounted, each later month discounted by the monthly rate (the
            // spreadsheet's NPV() discounts its first value, so month 0 is added apart).
            let a = col(first_flow);
            let f = if c.cash_flows.len() == 1 {
                format!("={a}{}", r + 1)
            } else {
                format!(
                    "={a}{row}+NPV(Assumptions!$B$5,{b}{row}:{z}{row})",
                    row = r + 1,
                    b = col(first_flow + 1),
                    z = col(first_flow + c.cash_flows.len() as u16 - 1)
                )
            };
            // The value the formula gives from the flows as written (each rounded to the cent,
            // so it may differ from the case's own NPV by a few cents).
            let value = sextant_core::finance::npv(monthly, &c.cash_flows);
            ws.write_formula_with_format(r, 4, formula(&f, value), &s.money)?;
        }
        if let Some(p) = c.payback_month {
            // Counted from the month its work starts, as the pages count it.
            ws.write(r, 5, p.saturating_sub(c.start_month))?;
        }
    }

    // KPIs by month, as recorded in the plan.
    let ws = wb.add_worksheet().set_name(SHEETS[5])?;
    // Every series the plan records: its own KPIs by their names, the catalogue's by theirs.
    let kpis: Vec<(&sextant_core::model::Id, String)> = doc
        .measurements
        .keys()
        .map(|id| {
            let name = match doc.kpis.iter().find(|k| &k.id == id) {
                Some(k) => match &k.unit {
                    Some(u) => format!("{} ({u})", k.name),
                    None => k.name.clone(),
                },
                None => sextant_core::catalogue::find(id.as_str())
                    .map_or_else(|| id.to_string(), |m| m.name.to_string()),
            };
            (id, name)
        })
        .collect();
    let mut names = vec!["Month".to_string()];
    names.extend(kpis.iter().map(|(_, n)| n.clone()));
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    headers(ws, 0, &refs, &s)?;
    ws.set_column_width(0, 12)?;
    for c in 1..=kpis.len() as u16 {
        ws.set_column_width(c, 18)?;
    }
    let mut all_months: Vec<_> = kpis
        .iter()
        .flat_map(|(id, _)| doc.measurements[*id].keys().copied())
        .collect();
    all_months.sort();
    all_months.dedup();
    for (r, m) in all_months.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write(r, 0, m.to_string())?;
        for (c, (id, _)) in kpis.iter().enumerate() {
            if let Some(v) = doc.measurements[*id].get(m) {
                ws.write(r, c as u16 + 1, *v)?;
            }
        }
    }
    if kpis.is_empty() {
        ws.write_with_format(1, 0, "The plan records no KPI figures yet.", &s.note)?;
    }
    wb.save_to_buffer()
}

fn roadmap_status(r: &Roadmap) -> String {
    use sextant_roadmap::solve::SolveStatus;
    match r.status {
        SolveStatus::Optimal => "the best schedule possible".into(),
        SolveStatus::Feasible => match r.gap {
            Some(g) => format!("within {:.1}% of the best possible", g * 100.0),
            None => "a good schedule, not proven the best".into(),
        },
        SolveStatus::Infeasible => "no schedule meets the plan's budget and limits".into(),
        SolveStatus::Unknown => "not worked out".into(),
    }
}

/// One budget sheet: each period's parts as numbers, capital, operating and total as formulas
/// of them, the budget left (when the plan sets one) as a formula, and a row of live totals.
fn budget_sheet(
    ws: &mut Worksheet,
    rows: &[BudgetRow],
    label: &str,
    s: &Styles,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    headers(
        ws,
        0,
        &[
            label,
            "Current systems",
            "Initiatives, one-time",
            "Initiatives, recurring",
            "Replacements",
            "Capital",
            "Operating",
            "Total",
            "Budget for initiatives",
            "Budget left",
        ],
        s,
    )?;
    ws.set_column_width(0, 14)?;
    for c in 1..10 {
        ws.set_column_width(c, 16)?;
    }
    for (k, b) in rows.iter().enumerate() {
        let r = k as u32 + 1;
        let x = r + 1; // the spreadsheet's row number
        ws.write(r, 0, b.period.as_str())?;
        ws.write_with_format(r, 1, b.systems, &s.money)?;
        ws.write_with_format(r, 2, b.one_time, &s.money)?;
        ws.write_with_format(r, 3, b.recurring, &s.money)?;
        ws.write_with_format(r, 4, b.replacements, &s.money)?;
        ws.write_formula_with_format(r, 5, formula(&format!("=C{x}+E{x}"), b.capital), &s.money)?;
        ws.write_formula_with_format(r, 6, formula(&format!("=B{x}+D{x}"), b.operating), &s.money)?;
        ws.write_formula_with_format(r, 7, formula(&format!("=F{x}+G{x}"), b.total), &s.money)?;
        if let Some(budget) = b.budget {
            ws.write_with_format(r, 8, budget, &s.money)?;
            ws.write_formula_with_format(
                r,
                9,
                formula(&format!("=I{x}-C{x}"), budget - b.one_time),
                &s.money,
            )?;
        }
    }
    if !rows.is_empty() {
        let r = rows.len() as u32 + 1;
        let last = r;
        ws.write_with_format(r, 0, "Total", &s.total_label)?;
        let sums: [f64; 7] = [
            rows.iter().map(|b| b.systems).sum(),
            rows.iter().map(|b| b.one_time).sum(),
            rows.iter().map(|b| b.recurring).sum(),
            rows.iter().map(|b| b.replacements).sum(),
            rows.iter().map(|b| b.capital).sum(),
            rows.iter().map(|b| b.operating).sum(),
            rows.iter().map(|b| b.total).sum(),
        ];
        for (i, v) in sums.iter().enumerate() {
            let c = i as u16 + 1;
            ws.write_formula_with_format(
                r,
                c,
                formula(&format!("=SUM({0}2:{0}{last})", col(c)), *v),
                &s.total_money,
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{col, money_format};

    #[test]
    fn column_letters() {
        // The spreadsheet's own lettering: A..Z, then AA, AZ, BA; column 703 is AAA.
        assert_eq!(col(0), "A");
        assert_eq!(col(25), "Z");
        assert_eq!(col(26), "AA");
        assert_eq!(col(51), "AZ");
        assert_eq!(col(52), "BA");
        assert_eq!(col(702), "AAA");
    }

    #[test]
    fn money_formats_by_currency() {
        assert_eq!(money_format("USD"), "\"$\"#,##0;-\"$\"#,##0");
        assert_eq!(money_format("EUR"), "\"€\"#,##0;-\"€\"#,##0");
        assert_eq!(money_format("SEK"), "#,##0\" SEK\";-#,##0\" SEK\"");
        // Nothing from the plan reaches the format but letters and digits.
        assert_eq!(money_format("X\";Y"), "#,##0\" XY\";-#,##0\" XY\"");
    }
}
