//! The list of initiatives with their business case in brief and their place in the portfolio.

use super::*;

pub(super) async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    Query(q): Query<Done>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let a = compute::require_analysed(&state, &org, "Initiatives", Section::Initiatives).await?;
    let cur = a.analysis.organization.currency.clone();
    let p = &a.analysis.portfolio;
    let body = html! {
        (notice(q.done.as_deref()))
        @if org.can_edit() {
            p { a.button href=(org.url("initiatives/new")) { "Add an initiative" } }
        }
        @if a.analysis.initiatives.is_empty() {
            p { "The plan lists no initiatives yet." }
        } @else {
            p.muted { "First-year ROI is (B − C) / C: B one year of benefits, C the one-time cost plus a year of recurring cost. NPV discounts every month's flow to the plan's start at "
                (format::percent(a.analysis.organization.discount_rate, 1)) " a year." }
            div.scroll tabindex="0" {
                table.list {
                    caption { "Initiatives and their business cases" }
                    thead { tr {
                        th scope="col" { "Initiative" }
                        th scope="col" { "Kind" }
                        th scope="col" { "Status" }
                        th scope="col" .num { "One-time cost" }
                        th scope="col" .num { "Recurring a year" }
                        th scope="col" .num { "First-year ROI" }
                        th scope="col" .num { "NPV" }
                        th scope="col" .num { "Alignment (0-100)" }
                        th scope="col" { "In portfolio" }
                    } }
                    tbody {
                        @for i in &a.analysis.initiatives {
                            tr {
                                th scope="row" { a href=(org.url(&format!("initiatives/{}", i.id))) { (i.title) } }
                                td { (i.kind.label()) }
                                td { (i.status.label()) @if i.mandatory { " " span.badge.none { "Mandatory" } } }
                                td.num { (money(i.case.one_time_cost, &cur)) }
                                td.num { (money(i.case.recurring_cost_annual, &cur)) }
                                td.num { (percent(i.case.first_year_roi, "–")) }
                                td.num { (money(i.case.npv, &cur)) }
                                td.num { (format!("{:.0}", i.alignment_score * 100.0)) }
                                td { (membership(i)) }
                            }
                        }
                    }
                    tfoot {
                        tr {
                            th scope="row" { "Portfolio (" (p.included.len()) " initiatives)" }
                            td {} td {}
                            td.num { (money(p.one_time_cost, &cur)) }
                            td.num { (money(p.recurring_cost_annual, &cur)) }
                            td.num { (percent(p.first_year_roi, "–")) }
                            td.num { (money(p.npv, &cur)) }
                            td.num { (format!("{:.0}", a.analysis.portfolio_alignment * 100.0)) }
                            td {}
                        }
                    }
                }
            }
        }
        (super::super::suggestions::section(&org, &a.plan, super::super::suggestions::Back::Initiatives))
    };
    Ok(render(org.page("Initiatives", Section::Initiatives, body)))
}

pub(super) fn membership(i: &InitiativeAnalysis) -> &'static str {
    if i.in_portfolio {
        "Yes"
    } else if i.status == Status::Cancelled {
        "No: cancelled"
    } else {
        "No: an alternative of its group has a higher NPV"
    }
}
