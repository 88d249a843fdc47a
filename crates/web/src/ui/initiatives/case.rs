//! An initiative's business case: its summary, cash flows by year, its own simulation, the
//! goals it serves, its dependencies and its risks.

use super::*;

/// Money by fiscal year: (label, costs as a negative amount, benefits, net).
pub(super) fn by_year(
    plan: &Plan,
    init: &Initiative,
    c: &BusinessCase,
) -> Vec<(String, f64, f64, f64)> {
    let org = &plan.doc().organization;
    let fys = org.fiscal_year_start;
    let mut years: Vec<(BudgetPeriod, f64, f64, f64)> = Vec::new();
    let d = init.duration_months.months().max(1) as usize;
    let (start, end) = (c.start_month as usize, c.end_month as usize);
    for (t, net) in c.cash_flows.iter().enumerate() {
        let y = BudgetPeriod::year_of(plan.month_at(t as i32), fys);
        let (cost, benefit) = if c.explicit_flows {
            (net.min(0.0), net.max(0.0))
        } else if t < start {
            (0.0, 0.0)
        } else if t <= end {
            (-c.one_time_cost / d as f64, 0.0)
        } else {
            (-c.recurring_cost_annual / 12.0, c.benefit_annual / 12.0)
        };
        match years.last_mut() {
            Some(last) if last.0 == y => {
                last.1 += cost;
                last.2 += benefit;
                last.3 += net;
            }
            _ => years.push((y, cost, benefit, *net)),
        }
    }
    let label = |y: BudgetPeriod| {
        if fys == 1 {
            y.to_string()
        } else {
            format!("FY{y}")
        }
    };
    years
        .into_iter()
        .map(|(y, c, b, n)| (label(y), c, b, n))
        .collect()
}

/// The month of a month index, with how long after the start it is.
pub(super) fn month_of(plan: &Plan, index: Option<u32>, start: u32) -> String {
    match index {
        Some(m) => format!(
            "{} ({} months after work starts)",
            sextant_core::calendar::month_words(plan.month_at(m as i32)),
            m.saturating_sub(start)
        ),
        None => "not within the evaluation horizon".to_string(),
    }
}

/// The initiative's own simulation: this initiative alone on its business-case start, with
/// its own quantified risks ([`sextant_ops::simulate_initiative`]).
pub(super) fn simulate_one(
    plan: &Plan,
    id: &str,
    start: u32,
    cancel: &crate::work::Cancel,
) -> Option<Simulation> {
    let opts = sim::SimOptions {
        trials: TRIALS,
        seed: SEED,
        shape: sim::Shape::Pert,
    };
    sextant_ops::simulate_initiative(plan, id, start, &opts, &|_| cancel.stop_here())
}

/// A tornado input's name in words: `crm: one_time_cost` is "One-time cost".
pub(super) fn input_name(input: &str, init: &Initiative, doc: &PlanDoc) -> String {
    let (who, what) = input.split_once(": ").unwrap_or(("", input));
    match what {
        "one_time_cost" => "One-time cost".into(),
        "recurring_cost_annual" => "Recurring cost a year".into(),
        "duration_months" => "Duration".into(),
        "occurs" => {
            let title = doc
                .risks
                .iter()
                .find(|r| r.id.as_str() == who)
                .map_or(who, |r| r.title.as_str());
            format!("Risk: {title}")
        }
        b if b.starts_with("benefits[") => {
            let n: usize = b
                .trim_start_matches("benefits[")
                .trim_end_matches(']')
                .parse()
                .unwrap_or(0);
            match init.benefits.get(n) {
                Some(x) => match &x.description {
                    Some(d) => format!("Benefit: {d}"),
                    None => format!("Benefit {} ({})", n + 1, benefit_kind(x.kind)),
                },
                None => format!("Benefit {}", n + 1),
            }
        }
        other => other.to_string(),
    }
}

pub(super) fn benefit_kind(k: BenefitKind) -> &'static str {
    match k {
        BenefitKind::Revenue => "revenue",
        BenefitKind::Saving => "saving",
    }
}

pub(super) async fn case_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, id)): Path<(String, String)>,
    Query(q): Query<Done>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let a = compute::require_analysed(&state, &org, "Initiatives", Section::Initiatives).await?;
    let doc = a.plan.doc();
    let (Some(init), Some(ia)) = (
        doc.initiatives.iter().find(|i| i.id.as_str() == id),
        a.analysis.initiatives.iter().find(|i| i.id == id),
    ) else {
        return Err(PageError::NotFound(format!("initiative {id} not found")));
    };
    let plan: Arc<Plan> = a.plan.clone();
    let (sid, start) = (id.clone(), ia.case.start_month);
    let simulation = state
        .work
        .run(
            org.scope.org_id(),
            1,
            move |cancel| -> Result<_, ApiError> { Ok(simulate_one(&plan, &sid, start, cancel)) },
        )
        .await;
    let body = html! {
        (notice(q.done.as_deref()))
        @if org.can_edit() {
            p {
                a.button href=(org.url(&format!("initiatives/{id}/edit"))) { "Edit this initiative" }
            }
        }
        @if let Some(d) = &init.description { p { (d) } }
        (summary(&a, init, ia))
        (cash_flows(&a, init, &ia.case))
        (simulation_part(&a, init, &ia.case, simulation))
        (goals_part(&a, init, ia))
        (dependencies(&org, doc, init))
        (risks_part(&org, &a, init))
        p { a href=(org.url("initiatives")) { "Back to the initiatives" } }
    };
    Ok(render(org.page(&init.title, Section::Initiatives, body)))
}

pub(super) fn summary(a: &Analysed, init: &Initiative, ia: &InitiativeAnalysis) -> Markup {
    let plan = &a.plan;
    let cur = &a.analysis.organization.currency;
    let c = &ia.case;
    html! {
        section aria-labelledby="case" {
            h2 #case { "Business case" }
            dl {
                dt { "Kind and status" }
                dd { (init.kind.label()) ", " (init.status.label()) @if init.mandatory { ", mandatory" } }
                @if let Some(o) = &init.owner { dt { "Owner" } dd { (o) } }
                dt { "Implementation" }
                dd { (sextant_core::calendar::month_words(plan.month_at(c.start_month as i32))) " to " (sextant_core::calendar::month_words(plan.month_at(c.end_month as i32)))
                    " (" (c.end_month - c.start_month + 1) " months"
                    @if init.effort_hours_per_month > 0.0 { ", " (num_value(Some(init.effort_hours_per_month))) " staff hours a month" }
                    ")" }
                dt { "One-time cost" } dd { (money(c.one_time_cost, cur)) }
                dt { "Recurring cost a year" } dd { (money(c.recurring_cost_annual, cur)) }
                dt { "Benefits a year" }
                dd {
                    (money(c.benefit_annual, cur))
                    @if c.revenue_annual > 0.0 {
                        " (" (money(c.revenue_annual, cur)) " revenue"
                        @if let Some(m) = a.analysis.organization.gross_margin { " at a gross margin of " (format::percent(m, 1)) }
                        @else { ", counted as profit: the plan sets no gross margin" }
                        @if c.savings_annual > 0.0 { ", " (money(c.savings_annual, cur)) " savings" }
                        ")"
                    }
                }
                dt { "First-year ROI" }
                dd {
                    @match c.first_year_roi {
                        Some(r) => {
                            strong { (format::percent(r, 1)) }
                            " = (" (money(c.benefit_annual, cur)) " − " (money(c.first_year_cost, cur)) ") / " (money(c.first_year_cost, cur))
                        }
                        None => "None: it has no first-year cost",
                    }
                }
                dt { "Net present value" } dd { strong { (money(c.npv, cur)) } " over " (a.analysis.organization.evaluation_months) " months at " (format::percent(a.analysis.organization.discount_rate, 1)) " a year" }
                dt { "Internal rate of return" } dd {
                    @if c.irr_annual.is_some() { (format::yearly_return(c.irr_annual)) " a year" } @else { "None: the cash flows never change sign" }
                    @if let Some(note) = format::return_note(c.irr_annual) { br; small { (note) } }
                }
                dt { "Payback" } dd { (month_of(plan, c.payback_month, c.start_month)) }
                dt { "Discounted payback" } dd { (month_of(plan, c.discounted_payback_month, c.start_month)) }
                dt { "Total cost of ownership" } dd { (money(c.tco, cur)) " (" (money(c.tco_discounted, cur)) " discounted)" }
                dt { "Alignment" } dd { (format!("{:.0}", ia.alignment_score * 100.0)) " of 100" }
                dt { "In the portfolio" } dd { (membership(ia)) }
            }
            @if !init.benefits.is_empty() {
                h3 { "Benefits" }
                ul {
                    @for b in &init.benefits {
                        li {
                            (money(b.annual.likely(), cur)) " a year, " (benefit_kind(b.kind))
                            @if !b.annual.is_point() { " (from " (money(b.annual.low.to_f64(), cur)) " to " (money(b.annual.high.to_f64(), cur)) ")" }
                            @if let Some(g) = &b.goal {
                                ", for " (a.plan.doc().goals.iter().find(|x| &x.id == g).map_or(g.as_str(), |x| x.title.as_str()))
                            }
                            @if let Some(d) = &b.description { ": " (d) }
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn cash_flows(a: &Analysed, init: &Initiative, c: &BusinessCase) -> Markup {
    let cur = &a.analysis.organization.currency;
    let years = by_year(&a.plan, init, c);
    let chart = Bars {
        stacked: false,
        title: "Cash flows by year".into(),
        labels: years.iter().map(|y| y.0.clone()).collect(),
        series: if c.explicit_flows {
            vec![BarSeries {
                name: "Net cash flow".into(),
                values: years.iter().map(|y| y.3).collect(),
            }]
        } else {
            vec![
                BarSeries {
                    name: "Costs".into(),
                    values: years.iter().map(|y| y.1).collect(),
                },
                BarSeries {
                    name: "Benefits".into(),
                    values: years.iter().map(|y| y.2).collect(),
                },
            ]
        },
        limits: None,
        unit: Measure::money(cur.clone()),
    };
    html! {
        section aria-labelledby="flows" {
            h2 #flows { "Cash flows" }
            (figure(chart.svg(), if c.explicit_flows {
                "The plan's own net cash flows for this initiative, summed by year."
            } else {
                "Costs below the line (implementation spread over its months, then the recurring cost) and benefits above it, by year of the evaluation horizon. The table below gives the same figures."
            }))
            div.scroll tabindex="0" {
                table.list {
                    caption { "Cash flows by year" }
                    thead { tr {
                        th scope="col" { "Year" }
                        @if !c.explicit_flows {
                            th scope="col" .num { "Costs" }
                            th scope="col" .num { "Benefits" }
                        }
                        th scope="col" .num { "Net" }
                    } }
                    tbody {
                        @for (label, cost, benefit, net) in &years {
                            tr {
                                th scope="row" { (label) }
                                @if !c.explicit_flows {
                                    td.num { (money(*cost, cur)) }
                                    td.num { (money(*benefit, cur)) }
                                }
                                td.num { (money(*net, cur)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn simulation_part(
    a: &Analysed,
    init: &Initiative,
    c: &BusinessCase,
    run: Result<Option<Simulation>, ApiError>,
) -> Markup {
    let cur = &a.analysis.organization.currency;
    let unit = Measure::money(cur.clone());
    let doc = a.plan.doc();
    html! {
        section aria-labelledby="sim" {
            h2 #sim { "Uncertainty" }
            @match run {
                Err(e) => p { "The simulation could not run just now: " (e.detail()) },
                Ok(None) => p { "This initiative is not simulated: done and cancelled initiatives are not scheduled." },
                Ok(Some(s)) => {
                    @let spread = s.npv.max > s.npv.min;
                    p {
                        (s.trials) " trials (seed " (s.seed) ") drawing each three-point estimate of this initiative from a PERT distribution"
                        ", with this initiative's quantified risks, on its business-case start in " (sextant_core::calendar::month_words(a.plan.month_at(c.start_month as i32))) "."
                    }
                    @if !spread {
                        p { "Every estimate of this initiative is a single figure and none of its risks is quantified, so every trial gives the same NPV, "
                            (money(s.deterministic_npv, cur)) ". Give a cost, benefit or duration a range (its lowest and highest plausible values) when editing the initiative to see the spread." }
                    } @else {
                        dl {
                            dt { "NPV with every input at its likely value" } dd { (money(s.deterministic_npv, cur)) }
                            dt { "Mean NPV" } dd { (money(s.npv.mean, cur)) }
                            dt { "P10 / P50 / P90" } dd { (money(s.npv.p10, cur)) " / " (money(s.npv.p50, cur)) " / " (money(s.npv.p90, cur)) }
                            dt { "Chance of a negative NPV" } dd { (format::percent(s.p_npv_negative, 1)) }
                        }
                        @let curve = SCurve {
                            title: "NPV: cumulative probability".into(),
                            values: s.npv.quantiles.clone(),
                            quantiles_of: Some(s.trials),
                            unit: unit.clone(),
                            marks: vec![(s.npv.p10, "P10".into()), (s.npv.p50, "P50".into()), (s.npv.p90, "P90".into())],
                        };
                        (figure(curve.svg(), "The chance that the NPV is at or below each amount, drawn through the NPV at every 2.5% of the trials, from the lowest to the highest."))
                        @if !s.tornado.is_empty() {
                            @let tornado = Tornado {
                                title: "What moves the NPV most".into(),
                                base: s.deterministic_npv,
                                bars: s.tornado.iter().map(|b| TornadoBar {
                                    label: input_name(&b.input, init, doc),
                                    low: b.npv_low,
                                    high: b.npv_high,
                                }).collect(),
                                unit: unit.clone(),
                            };
                            (figure(tornado.svg(), "NPV with one input at its low and at its high end, every other at its likely value; the table below gives the same figures."))
                            div.scroll tabindex="0" {
                                table.list {
                                    caption { "Sensitivity of the NPV" }
                                    thead { tr {
                                        th scope="col" { "Input" }
                                        th scope="col" .num { "NPV at its low end" }
                                        th scope="col" .num { "NPV at its high end" }
                                        th scope="col" .num { "Swing" }
                                    } }
                                    tbody {
                                        @for b in &s.tornado {
                                            tr {
                                                th scope="row" { (input_name(&b.input, init, doc)) }
                                                td.num { (money(b.npv_low, cur)) }
                                                td.num { (money(b.npv_high, cur)) }
                                                td.num { (money(b.swing, cur)) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn goals_part(a: &Analysed, init: &Initiative, ia: &InitiativeAnalysis) -> Markup {
    let doc = a.plan.doc();
    let listed: Vec<_> = doc
        .goals
        .iter()
        .filter_map(|g| init.contributes.get(&g.id).map(|s| (g, *s)))
        .collect();
    html! {
        section aria-labelledby="goals" {
            h2 #goals { "Goals it serves" }
            @if listed.is_empty() {
                p { "It contributes to no goal of the plan." }
            } @else {
                p { "Alignment score " (format!("{:.0}", ia.alignment_score * 100.0)) " of 100: the goals' weights times its strength of contribution, against the most it could have." }
                table.list {
                    caption { "Contributions to goals (0 none to 3 strong)" }
                    thead { tr { th scope="col" { "Goal" } th scope="col" .num { "Weight" } th scope="col" { "Contribution" } } }
                    tbody {
                        @for (g, s) in &listed {
                            tr {
                                th scope="row" { (g.title) }
                                td.num { (num_value(Some(g.weight))) }
                                td { (s) " – " (STRENGTH.get(usize::from(*s)).copied().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn dependencies(org: &OrgPage, doc: &PlanDoc, init: &Initiative) -> Markup {
    let title = |id: &str| {
        doc.initiatives
            .iter()
            .find(|i| i.id.as_str() == id)
            .map_or(id.to_string(), |i| i.title.clone())
    };
    let needed_by: Vec<&Initiative> = doc
        .initiatives
        .iter()
        .filter(|i| i.depends_on.contains(&init.id))
        .collect();
    html! {
        section aria-labelledby="deps" {
            h2 #deps { "Dependencies" }
            @if init.depends_on.is_empty() {
                p { "It depends on no other initiative." }
            } @else {
                p { "It starts once these have finished:" }
                ul {
                    @for d in &init.depends_on {
                        li { a href=(org.url(&format!("initiatives/{d}"))) { (title(d.as_str())) } }
                    }
                }
            }
            @if !needed_by.is_empty() {
                p { "These wait for it:" }
                ul {
                    @for i in &needed_by {
                        li { a href=(org.url(&format!("initiatives/{}", i.id))) { (i.title) } }
                    }
                }
            }
            @if !init.replaces.is_empty() {
                p { "It replaces: "
                    (init.replaces.iter().map(|r| doc.systems.iter().find(|s| &s.id == r).map_or(r.to_string(), |s| s.name.clone())).collect::<Vec<_>>().join(", ")) }
            }
        }
    }
}

pub(super) fn risks_part(org: &OrgPage, a: &Analysed, init: &Initiative) -> Markup {
    let risks: Vec<_> = a
        .analysis
        .risks
        .iter()
        .filter(|r| r.initiative.as_deref() == Some(init.id.as_str()))
        .collect();
    html! {
        section aria-labelledby="risks" {
            h2 #risks { "Risks" }
            @if risks.is_empty() {
                p { "No risk of this initiative is recorded." }
            } @else {
                table.list {
                    caption { "Risks of this initiative, highest score first" }
                    thead { tr {
                        th scope="col" { "Risk" }
                        th scope="col" { "Score" }
                        th scope="col" { "Mitigation" }
                        th scope="col" { "Residual score" }
                    } }
                    tbody {
                        @for r in &risks {
                            tr {
                                th scope="row" { a href=(org.url(&format!("risks/{}", r.id))) { (r.title) } }
                                td { (r.score) " " span class=(format!("badge {}", r.level)) { (r.level) } }
                                td { (r.mitigation.as_deref().unwrap_or("")) }
                                td {
                                    @if let (Some(s), Some(l)) = (r.residual_score, r.residual_level) {
                                        (s) " " span class=(format!("badge {l}")) { (l) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if org.can_edit() {
                p { a href=(org.url("risks/new")) { "Add a risk" } }
            }
        }
    }
}
