//! What the customers are worth (`/orgs/{org}/customers`), when orders were imported: the
//! predictive customer lifetime value of [`sextant_metrics::clv`] (BG/NBD and Gamma-Gamma, as
//! `sextant clv` and the API's `clv` route fit them) over the next 12 months, fitted on every
//! order, in plain words: how many customers are likely still buying, what they are worth to
//! the business at its gross margin, the most valuable ones; and how far to trust it: the same
//! models fitted on the orders up to a year before the last predicted the year after, against
//! the orders that came.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use maud::{Markup, html};
use sextant_metrics::bgnbd::Unit;
use sextant_metrics::calendar::day_label;
use sextant_metrics::clv::{ClvReport, Params};

use super::business::month_words;
use super::{OrgPage, PageResult, Section, Viewer, render};
use crate::AppState;
use crate::data::{keep_parsed, stop_of, stored_files};
use crate::error::ApiError;
use crate::extract::Path;

/// The page's route.
pub fn router() -> Router<AppState> {
    Router::new().route("/orgs/{org}/customers", get(page))
}

/// Months ahead the value is counted over.
const HORIZON: u32 = 12;
/// The customers listed by name.
const TOP: usize = 10;

/// The two fits: on every order, and on the orders up to a year before the last (the check).
struct Fits {
    now: ClvReport,
    check: Option<ClvReport>,
    first_day: i32,
    last_day: i32,
}

async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let plan = org.plan(&state).await?;
    let (margin, rate, currency) = match &plan {
        Some(p) => {
            let o = &p.doc().organization;
            (
                o.gross_margin,
                (1.0 + o.discount_rate).powf(1.0 / 12.0) - 1.0,
                o.currency.clone(),
            )
        }
        None => (None, (1.08f64).powf(1.0 / 12.0) - 1.0, "USD".to_string()),
    };
    let orders: Vec<_> = state
        .store
        .dataset_contents(&org.scope)
        .await?
        .into_iter()
        .filter(|c| c.dataset.kind == "orders")
        .collect();
    let title = "What your customers are worth";
    if orders.is_empty() {
        let body = html! {
            p { "This page needs the business's orders: each with its date, the customer and the amount. "
                a href=(org.url("data")) { "Import them on the Data page" } "." }
        };
        return Ok(render(org.page(title, Section::Data, body)));
    }
    let (fits, fresh) = state
        .work
        .run(org.scope.org_id(), 1, move |cancel| {
            let (files, fresh) = stored_files(orders, &stop_of(cancel))?;
            let (orders, names) = sextant_ingest::clv::orders(&files)
                .map_err(|e| ApiError::field("orders", e.to_string()))?;
            let first_day = orders.iter().map(|o| o.day).min().unwrap_or(0);
            let last_day = orders.iter().map(|o| o.day).max().unwrap_or(0);
            let params = |end: i32| Params {
                end,
                unit: Unit::Week,
                horizon: HORIZON,
                margin: margin.unwrap_or(1.0),
                rate,
            };
            let now = sextant_metrics::clv::report(&orders, names.clone(), params(last_day))
                .map_err(|e| ApiError::field("orders", e))?;
            // The check needs a year after its end and half a year before it.
            let end = last_day - 365;
            let check = (end - first_day >= 182)
                .then(|| sextant_metrics::clv::report(&orders, names, params(end)).ok())
                .flatten();
            Ok((
                Fits {
                    now,
                    check,
                    first_day,
                    last_day,
                },
                fresh,
            ))
        })
        .await?;
    keep_parsed(&state, &org.scope, fresh).await;
    let body = body(&org, &fits, margin, &currency);
    Ok(render(org.page(title, Section::Data, body)))
}

fn body(org: &OrgPage, f: &Fits, margin: Option<f64>, currency: &str) -> Markup {
    let r = &f.now;
    let money = |x: f64| sextant_core::unit::money(x, currency);
    let pct = |x: f64| sextant_core::unit::percent(x, 0);
    let count = sextant_core::unit::count;
    let customers = r.rows.len();
    let active = r.rows.iter().filter(|x| x.p_alive >= 0.5).count();
    let total: f64 = r.rows.iter().map(|x| x.clv).sum();
    let purchases: f64 = r.rows.iter().map(|x| x.expected_purchases).sum();
    let mut top: Vec<_> = r.rows.iter().collect();
    top.sort_by(|a, b| b.clv.total_cmp(&a.clv).then(a.customer.cmp(&b.customer)));
    let since = month_words(&day_label(f.first_day)[..7]);
    let until = month_words(&day_label(f.last_day)[..7]);
    html! {
        p { "From " (count(customers as f64)) " customers' orders, " (since) " to " (until) "." }
        div.cards {
            div.card {
                h2 { "Likely still buying" }
                p.figure { (count(active as f64)) }
                p { "of " (count(customers as f64)) " customers have at least an even chance of buying again." }
            }
            div.card {
                h2 { "Orders expected" }
                p.figure { (sextant_core::unit::count(purchases.round())) }
                p { "from these customers in the next " (HORIZON) " months." }
            }
            div.card {
                h2 { "What they are worth" }
                p.figure { (money(total.round())) }
                p { "to the business over the next " (HORIZON) " months"
                    @match margin {
                        Some(m) => { ", at your gross margin of " (pct(m)) }
                        None => { " in sales (no gross margin is set: " (org.fix_link("business/profile", "set it")) " to see the profit they leave)" }
                    }
                    ", about " (money(if customers > 0 { (total / customers as f64).round() } else { 0.0 })) " a customer." }
            }
        }
        section aria-labelledby="top-h" {
            h2 #top-h { "The most valuable customers" }
            div.scroll tabindex="0" { table {
                thead { tr {
                    th scope="col" { "Customer" }
                    th scope="col" class="num" { "Orders so far" }
                    th scope="col" class="num" { "Average order" }
                    th scope="col" class="num" { "Chance still a customer" }
                    th scope="col" class="num" { "Orders expected" }
                    th scope="col" class="num" { "Worth" }
                } }
                tbody {
                    @for x in top.iter().take(TOP) {
                        tr {
                            td { (r.name(x)) }
                            td.num { (sextant_core::unit::count(x.frequency + 1.0)) }
                            td.num { (money(x.expected_spend)) }
                            td.num { (pct(x.p_alive)) }
                            td.num { (format!("{:.1}", x.expected_purchases)) }
                            td.num { (money(x.clv.round())) }
                        }
                    }
                }
            } }
        }
        section aria-labelledby="trust-h" {
            h2 #trust-h { "How far to trust it" }
            @match f.check.as_ref().and_then(|c| c.holdout.map(|h| (c, h))) {
                Some((c, h)) => {
                    p { "Fitted on the orders up to " (month_words(&c.calibration_end[..7])) ", the same models expected about "
                        (sextant_core::unit::count(h.predicted.round())) " orders from those customers in the year after; they placed "
                        (sextant_core::unit::count(h.actual)) "."
                        @if h.actual > 0.0 {
                            @let off = (h.predicted - h.actual) / h.actual;
                            " It expected " (pct(off.abs())) @if off >= 0.0 { " more" } @else { " fewer" } " than came."
                        }
                    }
                }
                None => { p { "Less than a year and a half of orders: too few to check the forecast against a year that came." } }
            }
            @if !r.warnings.is_empty() {
                p.warning { "The fit is weak: the figures above may mislead. " }
            }
            details.more {
                summary { "How this is worked out" }
                p.muted { "Each customer's chance of still buying and expected orders come from a BG/NBD model, the value of an order from a Gamma-Gamma model, both fitted on every order by week; the value counts the next " (HORIZON) " months, discounted at your discount rate. The same figures come from " code { "sextant clv" } " and the API's " code { "clv" } " route." }
                @for w in &r.warnings { p.muted { (w) } }
            }
        }
    }
}
