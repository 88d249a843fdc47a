//! Business cases and portfolio rules on small plans, against figures from numpy-financial 1.0
//! (`npf.npv`, `npf.irr`) or worked by hand, each named beside its test.

fn analyse(text: &str) -> sextant_core::Analysis {
    match sextant_core::load_plan("p.yaml", text) {
        Ok(p) => sextant_core::analyze(&p),
        Err(e) => panic!("{}", e.render(Some(text))),
    }
}

fn close(x: f64, y: f64, tol: f64) {
    assert!((x - y).abs() <= tol, "{x} != {y} (tolerance {tol})");
}

const HEAD: &str = "version: 1
organization: {name: S, currency: USD, start: 2027-01, horizon_months: 12, evaluation_months: 36, discount_rate: 0.08}
goals: [{id: g, title: G}]
";

#[test]
fn explicit_quarterly_flows() {
    // npf.npv(1.08**(3/12)-1, [-1000, 300, 300, 300, 300]) = 143.9100488187156;
    // npf.irr(same) = 0.07713847295208343 a quarter, (1+irr)**4-1 = 0.3461273642601319 a year.
    let a = analyse(&format!(
        "{HEAD}initiatives:\n  - {{id: x, title: X, duration_months: 1, contributes: {{g: 2}}, cash_flows: {{period: quarter, values: [-1000, 300, 300, 300, 300]}}}}\n"
    ));
    let c = &a.initiatives[0].case;
    assert!(c.explicit_flows);
    close(c.npv, 143.91, 0.005);
    close(c.irr_annual.unwrap_or(f64::NAN), 0.346127, 1e-6);
    // Placed at months 0, 3, 6, 9, 12: cumulative -1000, -700, -400, -100, +200 -> month 12.
    assert_eq!(c.payback_month, Some(12));
    assert_eq!(c.cash_flows[3], 300.0);
    assert_eq!(c.cash_flows[4], 0.0);
}

#[test]
fn a_pinned_start_discounts_to_the_plan_start() {
    // The same flows from month 2: npf.npv(1.08**(1/12)-1, [0, 0, -1000, 0, 0, 300, ...]) =
    // 142.07592576945092.
    let a = analyse(&format!(
        "{HEAD}initiatives:\n  - {{id: x, title: X, start: 2027-03, duration_months: 1, contributes: {{g: 2}}, cash_flows: {{period: quarter, values: [-1000, 300, 300, 300, 300]}}}}\n"
    ));
    let x = &a.initiatives[0];
    assert_eq!(
        (x.start.as_str(), x.case.start_month, x.pinned),
        ("2027-03", 2, true)
    );
    close(x.case.npv, 142.08, 0.005);
    assert_eq!(x.case.payback_month, Some(14));
}

#[test]
fn tco_undiscounted_and_discounted() {
    // 1,500 over 3 months then 720 a year for 33 months: 3 x 500 + 33 x 60 = 3,480;
    // npf.npv(1.08**(1/12)-1, [500]*3 + [60]*33) = 3246.5493059102128.
    let a = analyse(&format!(
        "{HEAD}initiatives:\n  - {{id: x, title: X, duration_months: 3, one_time_cost: 1500, recurring_cost_annual: 720, contributes: {{g: 2}}}}\n"
    ));
    let c = &a.initiatives[0].case;
    close(c.tco, 3480.0, 1e-9);
    close(c.tco_discounted, 3246.55, 0.005);
    // No benefits: the flows never turn positive, so there is no IRR and no payback.
    assert_eq!(
        (c.irr_annual, c.payback_month, c.discounted_payback_month),
        (None, None, None)
    );
}

#[test]
fn gross_margin_turns_revenue_into_profit() {
    // (10,000 x 0.4 + 1,000 - 3,000) / 3,000 = 2,000 / 3,000.
    let a = analyse(&format!(
        "{HEAD}initiatives:\n  - {{id: x, title: X, duration_months: 1, one_time_cost: 3000, benefits: [{{kind: revenue, annual: 10000}}, {{kind: saving, annual: 1000}}], contributes: {{g: 2}}}}\n"
    ).replace("discount_rate: 0.08}", "discount_rate: 0.08, gross_margin: 0.4}"));
    let c = &a.initiatives[0].case;
    close(c.benefit_annual, 5000.0, 1e-9);
    close(c.first_year_roi.unwrap_or(f64::NAN), 2000.0 / 3000.0, 1e-6);
}

#[test]
fn no_cost_means_no_roi() {
    let a = analyse(&format!(
        "{HEAD}initiatives:\n  - {{id: x, title: X, duration_months: 1, benefits: [{{kind: saving, annual: 100}}], contributes: {{g: 2}}}}\n"
    ));
    assert_eq!(a.initiatives[0].case.first_year_roi, None);
}

#[test]
fn three_point_estimates_use_likely() {
    let a = analyse(&format!(
        "{HEAD}initiatives:\n  - {{id: x, title: X, duration_months: 1, one_time_cost: {{low: 100, likely: 1000, high: 5000}}, benefits: [{{kind: saving, annual: {{low: 0, likely: 2000, high: 2500}}}}], contributes: {{g: 2}}}}\n"
    ));
    let c = &a.initiatives[0].case;
    close(c.one_time_cost, 1000.0, 0.0);
    close(c.first_year_roi.unwrap_or(f64::NAN), 1.0, 1e-9);
}

#[test]
fn portfolio_counts_one_alternative_and_no_cancelled_initiative() {
    let a = analyse(&format!(
        "{HEAD}initiatives:
  - {{id: cheap, title: C, duration_months: 1, one_time_cost: 100, benefits: [{{kind: saving, annual: 1000}}], alternative_group: crm, contributes: {{g: 2}}}}
  - {{id: dear, title: D, duration_months: 1, one_time_cost: 900, benefits: [{{kind: saving, annual: 1000}}], alternative_group: crm, contributes: {{g: 2}}}}
  - {{id: gone, title: G, status: cancelled, duration_months: 1, one_time_cost: 50, contributes: {{g: 2}}}}
  - {{id: kept, title: K, duration_months: 2, one_time_cost: 200, contributes: {{g: 2}}}}
"
    ));
    assert_eq!(a.portfolio.included, vec!["cheap", "kept"]);
    close(a.portfolio.one_time_cost, 300.0, 0.0);
    let in_portfolio: Vec<bool> = a.initiatives.iter().map(|i| i.in_portfolio).collect();
    assert_eq!(in_portfolio, vec![true, false, false, true]);
    // The portfolio's NPV is the NPV of the summed flows, which is the sum of the NPVs.
    let sum: f64 = a
        .initiatives
        .iter()
        .filter(|i| i.in_portfolio)
        .map(|i| i.case.npv)
        .sum();
    close(a.portfolio.npv, sum, 0.011);
}

#[test]
fn spend_by_fiscal_year_starting_in_july_and_by_quarter() {
    // Fiscal years start in July: the plan's 2027-01..2027-12 spans FY 2026 (Jan-Jun) and FY 2027
    // (Jul-Dec). 1,200 spread over 2027-05..2027-08 is 300 a month: 600 in FY 2026, 600 in FY 2027,
    // of which 2027-Q1 (Jul-Sep) holds 2027-07 and 2027-08: 600.
    let a = analyse(&format!(
        "{HEAD}initiatives:\n  - {{id: x, title: X, start: 2027-05, duration_months: 4, one_time_cost: 1200, contributes: {{g: 2}}}}\nconstraints:\n  budget: [{{period: 2026, amount: 500}}, {{period: 2027-Q1, amount: 700}}]\n"
    ).replace("discount_rate: 0.08}", "discount_rate: 0.08, fiscal_year_start: 7}"));
    let rows: Vec<(&str, f64, Option<f64>, bool)> = a
        .spend_by_period
        .iter()
        .map(|s| (s.period.as_str(), s.implementation, s.budget, s.over_budget))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("2026", 600.0, Some(500.0), true),
            ("2027", 600.0, None, false),
            ("2027-Q1", 600.0, Some(700.0), false),
        ]
    );
}

#[test]
fn currencies_round_to_their_minor_unit() {
    // 1000 / 3 a month: yen have no minor unit, dinars three decimals.
    let plan = |cur: &str| {
        format!(
            "{HEAD}initiatives:\n  - {{id: x, title: X, duration_months: 3, one_time_cost: 1000, contributes: {{g: 2}}}}\n"
        )
        .replace("currency: USD", &format!("currency: {cur}"))
    };
    assert_eq!(
        analyse(&plan("JPY")).initiatives[0].case.cash_flows[0],
        -333.0
    );
    assert_eq!(
        analyse(&plan("KWD")).initiatives[0].case.cash_flows[0],
        -333.333
    );
    assert_eq!(
        analyse(&plan("EUR")).initiatives[0].case.cash_flows[0],
        -333.33
    );
}

#[test]
fn risk_levels() {
    // likelihood x impact: low 1-4, medium 5-9, high 10-16, critical 20-25.
    let a = analyse(&format!(
        "{HEAD}risks:
  - {{id: a, title: A, likelihood: 2, impact: 2, mitigation: m}}
  - {{id: b, title: B, likelihood: 1, impact: 5, mitigation: m}}
  - {{id: c, title: C, likelihood: 3, impact: 3, mitigation: m}}
  - {{id: d, title: D, likelihood: 2, impact: 5, mitigation: m, residual_likelihood: 1}}
  - {{id: e, title: E, likelihood: 4, impact: 4, mitigation: m}}
  - {{id: f, title: F, likelihood: 4, impact: 5, mitigation: m, residual_impact: 1}}
"
    ));
    let levels: Vec<(&str, u32, &str, Option<u32>)> = a
        .risks
        .iter()
        .map(|r| (r.id.as_str(), r.score, r.level, r.residual_score))
        .collect();
    assert_eq!(
        levels,
        vec![
            ("f", 20, "critical", Some(4)),
            ("e", 16, "high", None),
            ("d", 10, "high", Some(5)),
            ("c", 9, "medium", None),
            ("b", 5, "medium", None),
            ("a", 4, "low", None),
        ]
    );
}

#[test]
fn time_classification() {
    let a = analyse(&format!(
        "{HEAD}systems:
  - {{id: inv, name: I, category: a, supports: {{g: 3}}}}
  - {{id: mig, name: M, category: b, supports: {{g: 2}}, end_of_life: 2027-06}}
  - {{id: tol, name: T, category: c, satisfaction: 4}}
  - {{id: eli, name: E, category: d, satisfaction: 2}}
  - {{id: set, name: S, category: e, business_value: 4, technical_health: 2}}
"
    ));
    let classes: Vec<(String, String)> = a
        .systems
        .iter()
        .map(|s| (s.id.clone(), format!("{:?}", s.class)))
        .collect();
    let expected = [
        ("inv", "Invest"),
        ("mig", "Migrate"),
        ("tol", "Tolerate"),
        ("eli", "Eliminate"),
        ("set", "Migrate"),
    ];
    assert_eq!(
        classes,
        expected
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .to_vec()
    );
    assert_eq!(
        a.systems[1].reason,
        "supports a goal strongly; reaches end of life in 2027-06"
    );
}
