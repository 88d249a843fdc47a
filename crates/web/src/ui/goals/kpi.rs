//! A KPI's page: its values, the goals it measures, the forecast to the goal's due month,
//! unusual periods, and its definition.

use super::*;

/// Metrics that move smoothly by construction (cumulative or trailing-year): the metrics
/// engine does not screen them for unusual periods, nor does this page.
pub(super) const SMOOTH: [&str; 4] = ["repeat_purchase_rate", "cltv", "ltv_cac", "automation_rate"];

/// An unusual month of a KPI's series.
pub(super) struct Unusual {
    month: Month,
    index: usize,
    value: f64,
    expected: f64,
    reason: String,
}

/// What the KPI page computes from the series: the forecast and the unusual months.
pub(super) struct Computed {
    forecast: Result<sextant_metrics::forecast::ForecastReport, String>,
    /// `None` when the series is too short to screen.
    unusual: Option<Vec<Unusual>>,
}

/// The forecast (as the API's forecast route makes it) and the unusual months of a monthly
/// series; `horizon` months ahead, towards `target`.
pub(super) fn compute_kpi(
    kpi: &str,
    values: &BTreeMap<Month, f64>,
    horizon: usize,
    target: Option<f64>,
    down: bool,
) -> Computed {
    let forecast = crate::analysis::forecast_series(kpi, values, horizon, None, target, down);
    let months = sextant_report::plan_charts::months_of(values);
    let on_axis: Vec<Option<f64>> = months.iter().map(|m| values.get(m).copied()).collect();
    let unusual = if SMOOTH.contains(&kpi) {
        Some(Vec::new())
    } else if values.len() < 6 {
        None
    } else {
        Some(
            sextant_metrics::anomaly::detect(
                &on_axis,
                Some(12),
                sextant_metrics::anomaly::THRESHOLD,
            )
            .into_iter()
            .filter_map(|x| {
                Some(Unusual {
                    month: *months.get(x.index)?,
                    index: x.index,
                    value: x.value,
                    expected: x.expected,
                    reason: x.reason,
                })
            })
            .collect(),
        )
    };
    Computed { forecast, unusual }
}

pub(super) async fn kpi_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, kpi)): Path<(String, String)>,
    Query(q): Query<Done>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let done = q.done;
    let a = compute::require_analysed(&state, &org, "KPI", Section::Goals).await?;
    let info = kpi_info(&a.plan, &kpi);
    let series = a.series.get(&kpi);
    if !info.known && series.is_none() && info.computed.is_none() {
        return Err(PageError::NotFound(format!(
            "KPI `{kpi}`: neither the plan nor the catalogue has it"
        )));
    }
    let doc = a.plan.doc();
    let goals: Vec<(&Goal, Option<&GoalStatus>)> = doc
        .goals
        .iter()
        .filter(|g| g.kpi.as_deref() == Some(kpi.as_str()))
        .map(|g| {
            (
                g,
                a.analysis
                    .goal_status
                    .iter()
                    .find(|s| s.goal == g.id.as_str()),
            )
        })
        .collect();
    // The goal the forecast aims at: the first with a target.
    let aim = goals.iter().find(|(g, _)| g.target.is_some()).map(|x| x.0);
    let computed = match series {
        Some(values) if !values.is_empty() => {
            let horizon = sextant_ops::forecast_horizon(
                aim.and_then(|g| g.due),
                values.keys().next_back().copied(),
            );
            let values = values.clone();
            let id = kpi.clone();
            let target = aim.and_then(|g| g.target);
            let down = info.direction == Direction::Down;
            Some(
                state
                    .work
                    .run(org.scope.org_id(), 1, move |_| {
                        Ok(compute_kpi(&id, &values, horizon, target, down))
                    })
                    .await?,
            )
        }
        _ => None,
    };
    let source = if doc.measurements.keys().any(|k| k.as_str() == kpi) {
        "entered in the plan's measurements"
    } else if kpi == "time_to_market" {
        "computed from the initiatives' start and launch days"
    } else {
        "computed from the imported data"
    };
    let typed = doc
        .measurements
        .iter()
        .find(|(k, _)| k.as_str() == kpi)
        .map(|(_, v)| v.len())
        .unwrap_or(0);
    let body = html! {
        (notice(done.as_deref()))
        p.muted { "KPI " code { (info.id) } " – "
            @if info.direction == Direction::Down { "lower is better" } @else { "higher is better" } }
        (definition(&info))
        (goals_of_kpi(&org, &info, &goals))
        @match (series, &computed) {
            (Some(values), Some(c)) => {
                p { (values.len()) " monthly values from " (values.keys().next().copied().map(sextant_core::calendar::month_words).unwrap_or_default())
                    " to " (values.keys().next_back().copied().map(sextant_core::calendar::month_words).unwrap_or_default()) ", " (source) "." }
                (left_out(&org, values, &crate::analysis::left_out(Some(&a.plan), &kpi, values, &a.partial)))
                (kpi_chart(&info, values, c, aim))
                (forecast_section(&info, c, aim))
                (unusual_section(&info, c))
                (values_table(&info, values))
            }
            _ => {
                p { "There is no data for this KPI yet. "
                    a href=(org.url("data")) { "Import your business data on the Data page" }
                    @if let Some((_, needs)) = info.computed { " (it needs: " (needs) ")" }
                    ", or type a month's figure below." }
            }
        }
        @if org.can_edit() {
            (record_form(&org, &info, typed, &FormData::default(), &Errors::new()))
        }
        p { a href=(org.url("goals")) { "Back to the goals" } }
    };
    Ok(render(org.page(&info.name, Section::Goals, body)))
}

/// The months the imported data cover only in part that this KPI's series leaves out
/// ([`crate::analysis::left_out`]): said, with why and what to do, so that a month just
/// imported is not missed in silence.
fn left_out(org: &OrgPage, values: &BTreeMap<Month, f64>, months: &[Month]) -> Markup {
    let words = sextant_core::calendar::month_words;
    let last = values.keys().next_back();
    html! {
        @for m in months {
            @if last.is_some_and(|l| m > l) {
                p.warning { (words(*m)) " is left out: the imported data stop part-way through it, and a month's figures so far would read as a fall. "
                    a href=(org.url("data")) { "Import a newer export on the Data page" } " to count it." }
            } @else {
                p.warning { (words(*m)) " is left out: the imported data start part-way through it, so its figures would read as a low month." }
            }
        }
    }
}

pub(super) fn definition(info: &KpiInfo) -> Markup {
    html! {
        @if info.definition.is_some() || info.computed.is_some() {
            dl {
                @if let Some(d) = &info.definition { dt { "Definition" } dd { (d) } }
                @if let Some((formula, needs)) = info.computed {
                    dt { "Computed from imported data as" } dd { (formula) " (needs: " (needs) ")" }
                }
            }
        }
    }
}

pub(super) fn goals_of_kpi(
    org: &OrgPage,
    info: &KpiInfo,
    goals: &[(&Goal, Option<&GoalStatus>)],
) -> Markup {
    html! {
        section aria-labelledby="goals" {
            h2 #goals { "Goals measured by it" }
            @if goals.is_empty() {
                p { "No goal is measured by this KPI." }
            } @else {
                div.scroll tabindex="0" { table {
                    thead { tr {
                        th scope="col" { "Goal" }
                        th scope="col" .num { "Baseline" }
                        th scope="col" .num { "Target" }
                        th scope="col" { "Due" }
                        th scope="col" { "Status" }
                    } }
                    tbody {
                        @for (g, st) in goals {
                            tr {
                                th scope="row" { a href=(org.url(&format!("goals/{}", crate::ui::form::url_encode(g.id.as_str())))) { (g.title) } }
                                td.num { (show_opt(g.baseline, &info.scale)) }
                                td.num { (show_opt(g.target, &info.scale)) }
                                td { (g.due.map_or("–".to_string(), sextant_core::calendar::month_words)) }
                                td {
                                    @if let Some(s) = st {
                                        (standing(s.status))
                                        @if let Some(p) = s.probability { " " (chance(p)) }
                                        @let why = explain(s, &info.scale);
                                        @if !why.is_empty() { br; span.muted { (why) } }
                                    }
                                }
                            }
                        }
                    }
                } }
            }
        }
    }
}

/// The KPI's history as a line chart, with the forecast, its 80% band, the target and the
/// unusual months marked.
pub(super) fn kpi_chart(
    info: &KpiInfo,
    values: &BTreeMap<Month, f64>,
    c: &Computed,
    aim: Option<&Goal>,
) -> Markup {
    let target = aim.and_then(|g| {
        Some(chart::Target {
            label: match g.due {
                Some(d) => format!("Target by {d}"),
                None => "Target".into(),
            },
            value: g.target?,
        })
    });
    let marks: Vec<Mark> = c
        .unusual
        .iter()
        .flatten()
        .map(|u| Mark {
            index: u.index,
            label: if u.value > u.expected {
                "unusually high".into()
            } else {
                "unusually low".into()
            },
        })
        .collect();
    let mut caption = format!("{} by month", info.name);
    if c.forecast.is_ok() {
        caption.push_str(", with the forecast (dashed) and its 80% interval (shaded)");
    }
    if let Some(t) = &target {
        caption.push_str(&format!(
            "; the dashed level line is the target, {}",
            show(t.value, &info.scale)
        ));
    }
    if !marks.is_empty() {
        caption.push_str("; unusual months are marked");
    }
    caption.push_str(". The tables below give the same figures.");
    let ahead = c
        .forecast
        .as_ref()
        .ok()
        .map(|r| sextant_report::plan_charts::Ahead {
            periods: &r.forecast_periods,
            mean: &r.mean,
            lower: &r.lower_80,
            upper: &r.upper_80,
        });
    let line = sextant_report::plan_charts::kpi_line(
        &info.name,
        info.scale.clone(),
        values,
        ahead,
        target,
        marks,
    );
    figure(line.svg(), &caption)
}

pub(super) fn forecast_section(info: &KpiInfo, c: &Computed, aim: Option<&Goal>) -> Markup {
    html! {
        section aria-labelledby="forecast" {
            h2 #forecast { "Forecast" }
            @match &c.forecast {
                Err(e) => { p { "No forecast: " (e) "." } }
                Ok(r) => {
                    p { "The forecast carries on " (plain_model(&r.model)) ", from " (r.history.len()) " months of figures."
                        @if r.history.len() < 24 { " With so few months it cannot be sure: the ranges below are wide on purpose." }
                        @if let (Some(t), Some(g)) = (&r.target, aim) {
                            " By this forecast, the chance of "
                            @if t.direction == "down" { "falling to " } @else { "reaching " }
                            (show(t.value, &info.scale)) " by " (t.period) " (goal “" (g.title) "”) is "
                            (percent(t.probability)) "."
                        }
                    }
                    details.more {
                        summary { "How this forecast is made" }
                        p.muted { "Model " (r.model) ", chosen by " (r.chosen_by) "." }
                        @for n in &r.notes { p.muted { (first_upper(n)) "." } }
                    }
                    div.scroll tabindex="0" { table {
                        caption { "Forecast of " (info.name) " with its 80% and 95% intervals" }
                        thead { tr {
                            th scope="col" { "Month" }
                            th scope="col" .num { "Forecast" }
                            th scope="col" .num { "80% interval" }
                            th scope="col" .num { "95% interval" }
                        } }
                        tbody {
                            @for (k, p) in r.forecast_periods.iter().enumerate() {
                                tr {
                                    th scope="row" { (month_of(p)) }
                                    td.num { (show_opt(r.mean.get(k).copied(), &info.scale)) }
                                    td.num { (show_opt(r.lower_80.get(k).copied(), &info.scale)) " to " (show_opt(r.upper_80.get(k).copied(), &info.scale)) }
                                    td.num { (show_opt(r.lower_95.get(k).copied(), &info.scale)) " to " (show_opt(r.upper_95.get(k).copied(), &info.scale)) }
                                }
                            }
                        }
                    } }
                }
            }
        }
    }
}

/// What a forecasting model carries on, in words (`ETS(A,Ad,N)`: "the trend of the months so
/// far, flattening out").
fn plain_model(model: &str) -> &'static str {
    let parts: Vec<&str> = model
        .trim_start_matches("ETS(")
        .trim_end_matches(')')
        .split(',')
        .collect();
    if !model.starts_with("ETS(") || parts.len() != 3 {
        return "the pattern of the same months a year before, with the trend since";
    }
    match (parts[1], parts[2]) {
        ("N", "N") => "the level of recent months",
        ("N", _) => "the level of recent months and the pattern of the seasons",
        ("Ad", "N") => "the trend of the months so far, flattening out",
        ("Ad", _) => {
            "the trend of the months so far, flattening out, and the pattern of the seasons"
        }
        (_, "N") => "the trend of the months so far",
        _ => "the trend of the months so far and the pattern of the seasons",
    }
}

pub(super) fn unusual_section(info: &KpiInfo, c: &Computed) -> Markup {
    html! {
        section aria-labelledby="unusual" {
            h2 #unusual { "Unusual months" }
            @match &c.unusual {
                None => { p { "Too few months (fewer than 6) to look for unusual ones." } }
                Some(u) if u.is_empty() => {
                    @if SMOOTH.contains(&info.id.as_str()) {
                        p { "This KPI moves smoothly by construction (it is cumulative or over a trailing year): it is not screened for unusual months." }
                    } @else {
                        p { "No month stands out from what the months around it lead one to expect." }
                    }
                }
                Some(u) => {
                    div.scroll tabindex="0" { table {
                        caption { "Months of " (info.name) " that stand out" }
                        thead { tr {
                            th scope="col" { "Month" }
                            th scope="col" .num { "Value" }
                            th scope="col" .num { "Expected" }
                            th scope="col" { "Why" }
                        } }
                        tbody {
                            @for x in u {
                                tr {
                                    th scope="row" { (sextant_core::calendar::month_words(x.month)) }
                                    td.num { (show(x.value, &info.scale)) }
                                    td.num { (show(x.expected, &info.scale)) }
                                    td { (x.reason) }
                                }
                            }
                        }
                    } }
                }
            }
        }
    }
}

/// A `YYYY-MM` period in words (`March 2027`), or as given (a week, a quarter).
fn month_of(p: &str) -> String {
    Month::parse(p).map_or_else(|| p.to_string(), sextant_core::calendar::month_words)
}

pub(super) fn values_table(info: &KpiInfo, values: &BTreeMap<Month, f64>) -> Markup {
    html! {
        section aria-labelledby="values" {
            h2 #values { "Monthly values" }
            div.scroll tabindex="0" { table {
                caption { (info.name) " by month" }
                thead { tr { th scope="col" { "Month" } th scope="col" .num { "Value" } } }
                tbody {
                    @for (m, v) in values.iter().rev() {
                        tr { th scope="row" { (sextant_core::calendar::month_words(*m)) } td.num { (show(*v, &info.scale)) } }
                    }
                }
            } }
        }
    }
}

/// The form to type a month's figure of a KPI by hand.
fn record_form(
    org: &OrgPage,
    info: &KpiInfo,
    typed: usize,
    f: &FormData,
    errors: &Errors,
) -> Markup {
    let action = org.url(&format!(
        "kpis/{}/values",
        crate::ui::form::url_encode(&info.id)
    ));
    html! {
        section aria-labelledby="record" {
            h2 #record { "Record a month's figure" }
            p.hint { "Type the figure for a month, from your till, your books or your own count. A figure typed for a month that has one replaces it; an empty figure removes the month's typed figure."
                @if typed > 0 { " " (typed) " months have typed figures." } }
            (errors.summary())
            form method="post" action=(action) {
                (org.viewer.csrf_field())
                div.row {
                    (Field::text("month", "Month", f.get("month").to_string()).kind(Kind::Month).required().hint("e.g. 2027-03").render(errors))
                    (Field::text("value", &format!("{} that month", info.name), f.get("value").to_string()).kind(Kind::Number("any"))
                        .hint("A number; 12% may be typed as 12%").render(errors))
                }
                button type="submit" { "Save the figure" }
            }
        }
    }
}

/// `POST /orgs/{org}/kpis/{kpi}/values`: one month's figure of a KPI, typed by hand, kept in
/// the plan's measurements (the whole measurements section changes at once, checked as a plan
/// file's would be).
pub(super) async fn record(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, kpi)): Path<(String, String)>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let plan = org.require_plan(&state, "KPI", Section::Goals).await?;
    let info = kpi_info(&plan, &kpi);
    if !info.known {
        return Err(PageError::NotFound(format!(
            "KPI `{kpi}`: neither the plan nor the catalogue has it"
        )));
    }
    let doc = plan.doc();
    let mark = DecimalMark::of(&doc.organization);
    let mut errors = Errors::new();
    let month = f.month("month", &mut errors);
    if month.is_none() && errors.of("month").is_empty() {
        errors.add("month", "this field is required");
    }
    let value = f.number_in("value", mark, &mut errors);
    if let Some(v) = value
        && !v.is_finite()
    {
        errors.add("value", "expected a finite number");
    }
    let typed = doc
        .measurements
        .iter()
        .find(|(k, _)| k.as_str() == kpi)
        .map(|(_, v)| v.len())
        .unwrap_or(0);
    if let (true, Some(month)) = (errors.is_empty(), month) {
        let stored = serde_json::to_value(&doc.measurements).unwrap_or(Value::Null);
        let mut all = stored.as_object().cloned().unwrap_or_default();
        let mut values = all
            .get(&kpi)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        match value {
            Some(v) => {
                values.insert(month, crate::ui::form::json_number(v));
            }
            None => {
                values.remove(&month);
            }
        }
        if values.is_empty() {
            all.remove(&kpi);
        } else {
            all.insert(kpi.clone(), Value::Object(values));
        }
        let change = Change::Sections(vec![(Part::Measurements, Value::Object(all))]);
        match state.store.change_plan(&org.scope, change).await {
            Ok(_) => {
                let url = format!(
                    "{}?done=saved#values",
                    org.url(&format!("kpis/{}", crate::ui::form::url_encode(&kpi)))
                );
                return Ok(see_other(&url));
            }
            Err(e) => errors.from_api(ApiError::from(e), &["month", "value"], &[]),
        }
    }
    let body = html! {
        (record_form(&org, &info, typed, &f, &errors))
        p { a href=(org.url(&format!("kpis/{}", crate::ui::form::url_encode(&kpi)))) { "Back to " (info.name) } }
    };
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        org.page(&info.name, Section::Goals, body),
    ))
}
