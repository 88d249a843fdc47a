//! The list of goals with their standing, and the KPIs measured without a goal.

use super::*;

pub(super) async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    Query(q): Query<Done>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let a = compute::require_analysed(&state, &org, "Goals and KPIs", Section::Goals).await?;
    let doc = a.plan.doc();
    let status: BTreeMap<&str, &GoalStatus> = a
        .analysis
        .goal_status
        .iter()
        .map(|s| (s.goal.as_str(), s))
        .collect();
    let body = html! {
        (notice(q.done.as_deref()))
        p { "Each goal is measured by a KPI against its baseline and target by the month it is due. "
            "The status comes from the KPI's monthly values: with 8 months or more, from a forecast's "
            "chance of reaching the target by the due month; with fewer, from the pace so far." }
        @if org.can_edit() {
            p { a.button href=(org.url("goals/new")) { "Add a goal" } }
        }
        p { a href=(org.url("matrix")) { "Which initiatives and systems serve which goal" } }
        @if doc.goals.is_empty() {
            p { "The plan has no goals yet." }
        } @else {
            div.scroll tabindex="0" {
                table {
                    caption { "Goals of " (org.name) }
                    thead { tr {
                        th scope="col" { "Goal" }
                        th scope="col" { "KPI" }
                        th scope="col" .num { "Baseline" }
                        th scope="col" .num { "Latest" }
                        th scope="col" .num { "Target" }
                        th scope="col" { "Due" }
                        th scope="col" .num { "Weight" }
                        th scope="col" { "Owner" }
                        th scope="col" { "Status" }
                    } }
                    tbody {
                        @for g in &doc.goals {
                            @let st = status.get(g.id.as_str()).copied();
                            @let info = g.kpi.as_deref().map(|k| kpi_info(&a.plan, k));
                            @let scale = info.as_ref().map_or_else(|| Measure::of(Unit::Number), |i| i.scale.clone());
                            tr {
                                th scope="row" {
                                    a href=(org.url(&format!("goals/{}", crate::ui::form::url_encode(g.id.as_str())))) { (g.title) }
                                }
                                td {
                                    @if let Some(i) = &info {
                                        a href=(kpi_url(&org, &i.id)) { (i.name) }
                                    } @else { "–" }
                                }
                                td.num { (show_opt(g.baseline, &scale)) }
                                td.num {
                                    (show_opt(st.and_then(|s| s.latest), &scale))
                                    @if let Some(m) = st.and_then(|s| s.latest_month.as_deref()) {
                                        br; span.muted { (super::super::business::month_words(m)) }
                                    }
                                }
                                td.num { (show_opt(g.target, &scale)) }
                                td { (g.due.map_or("–".to_string(), sextant_core::calendar::month_words)) }
                                td.num { (format::number(g.weight)) }
                                td { (g.owner.as_deref().unwrap_or("–")) }
                                td {
                                    @if let Some(s) = st {
                                        (standing(s.status))
                                        @if let Some(p) = s.probability {
                                            br; span.muted { (chance(p)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        (measured_list(&org, &a))
    };
    Ok(render(org.page("Goals and KPIs", Section::Goals, body)))
}

/// The KPIs measured, linking to their pages.
pub(super) fn measured_list(org: &OrgPage, a: &Analysed) -> Markup {
    html! {
        section aria-labelledby="measured" {
            h2 #measured { "KPIs measured" }
            @if a.series.is_empty() {
                p { "No KPI is measured yet. "
                    a href=(org.url("data")) { "Import your business data on the Data page" }
                    " (orders, marketing, sessions, surveys...) or enter measurements in the plan." }
            } @else {
                ul {
                    @for (k, v) in &a.series {
                        @let info = kpi_info(&a.plan, k);
                        li {
                            a href=(kpi_url(org, k)) { (info.name) }
                            @if let Some((m, x)) = v.iter().next_back() {
                                " – " (show(*x, &info.scale)) " in " (sextant_core::calendar::month_words(*m))
                            }
                        }
                    }
                }
            }
        }
    }
}
