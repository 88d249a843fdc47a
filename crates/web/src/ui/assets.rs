//! The assets page (`/orgs/{org}/assets`): the computers, devices and licences a business runs,
//! what is out of warranty or support (or soon), what falls due for replacement by year and
//! quarter and what it costs, the ages by type and the ends of support ahead; an asset list
//! uploaded (CSV or Excel, all rows or none, a re-upload updating by serial number or name),
//! the replacement policy set, and the hardware refresh added to the plan in one click.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;
use sextant_core::asset::{self, AGE_BUCKETS, AssetKind, Concern, Lifecycle, Policy, long_date};
use sextant_core::unit::{Measure, Unit, money};
use sextant_report::chart::{BarSeries, Bars};
use sextant_store::Change;

use super::form::{Errors, FormData};
use super::{OrgPage, PageError, PageResult, Section, Viewer, figure, render_status, see_other};
use crate::AppState;
use crate::assets::{MAX_ASSET_LIST, add_refresh, import_list, worked_out};
use crate::data::ReadOptions;
use crate::extract::{Path, Query};

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/assets", get(page))
        .route(
            "/orgs/{org}/assets/upload",
            post(upload).layer(DefaultBodyLimit::max(MAX_ASSET_LIST + 64 * 1024)),
        )
        .route("/orgs/{org}/assets/policy", post(set_policy))
        .route("/orgs/{org}/assets/refresh", post(refresh))
}

/// What the page reports after a change.
#[derive(Deserialize, Default)]
struct AfterChange {
    done: Option<String>,
    added: Option<usize>,
    updated: Option<usize>,
}

fn chart_years(lc: &Lifecycle, cur: &str) -> Bars {
    Bars {
        stacked: false,
        title: "Replacements by financial year".into(),
        labels: lc.years.iter().map(|d| d.period.clone()).collect(),
        series: vec![BarSeries {
            name: "Cost of the replacements due".into(),
            values: lc.years.iter().map(|d| d.cost).collect(),
        }],
        limits: None,
        unit: Measure::money(cur),
    }
}

fn chart_ages(lc: &Lifecycle) -> Bars {
    let mut labels: Vec<String> = vec!["Under 1".into()];
    labels.extend((1..AGE_BUCKETS - 1).map(|y| y.to_string()));
    labels.push(format!("{}+", AGE_BUCKETS - 1));
    Bars {
        stacked: true,
        title: "Assets by age in years".into(),
        labels,
        series: lc
            .ages
            .iter()
            .filter(|a| a.kind != AssetKind::Licence)
            .map(|a| BarSeries {
                name: capitalised(a.kind.plural()),
                values: a.counts.iter().map(|c| f64::from(*c)).collect(),
            })
            .collect(),
        limits: None,
        unit: Measure::of(Unit::Count),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn concern_badge(c: Concern) -> Markup {
    match c {
        Concern::Unsupported => html! { span.badge.bad { "No security updates" } },
        Concern::OutOfWarranty => html! { span.badge.bad { "Out of warranty" } },
        Concern::SupportEnding => html! { span.badge.warn { "Support ends soon" } },
        Concern::WarrantyEnding => html! { span.badge.warn { "Warranty ends soon" } },
        Concern::OverAge => html! { span.badge.warn { "Past replacement age" } },
    }
}

fn age_words(months: Option<i32>) -> String {
    match months {
        None => "–".into(),
        Some(m) if m < 12 => format!("{} months", m.max(0)),
        Some(m) => format!("{:.1} years", f64::from(m) / 12.0),
    }
}

async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    Query(done): Query<AfterChange>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    show(&state, &org, &done, &Errors::new(), &Errors::new()).await
}

async fn show(
    state: &AppState,
    org: &OrgPage,
    done: &AfterChange,
    upload_errors: &Errors,
    policy_errors: &Errors,
) -> PageResult {
    let today = super::today_date().unwrap_or_else(|| sextant_core::model::Date::from_days(0));
    let (list, lc, policy) = worked_out(state, &org.scope, today, 3).await?;
    let plan = org.plan(state).await?;
    let cur = plan
        .as_ref()
        .map_or(String::new(), |p| p.doc().organization.currency.clone());
    let t = &lc.totals;
    let (earliest, last) =
        asset::refresh_window(plan.as_ref().map(|p| &p.doc().organization), today);
    let refresh_due = asset::refresh_initiative(&lc, &policy, earliest, last);
    let in_plan = refresh_due.as_ref().is_some_and(|r| {
        plan.as_ref().is_some_and(|p| {
            p.doc()
                .initiatives
                .iter()
                .any(|i| Some(i.id.as_str()) == r["id"].as_str())
        })
    });
    let body = html! {
        p { "The computers, devices and licences the business runs: what is out of warranty or no longer gets security updates, what falls due for replacement and what that costs. Dates of support come from " (lc.table) "." }
        @match done.done.as_deref() {
            Some("imported") => p.notice role="status" { "The asset list is imported: "
                (done.added.unwrap_or(0)) " new, " (done.updated.unwrap_or(0)) " updated." },
            Some("policy") => p.notice role="status" { "The replacement policy is saved." },
            Some("refresh") => p.notice role="status" { "The hardware refresh is in the plan. "
                a href=(org.url("roadmap")) { "See where the roadmap schedules it" } "." },
            Some("nothing") => p.notice role="status" { "Nothing falls due within 12 months: no refresh is needed." },
            _ => {}
        }
        @if list.is_empty() {
            p { "No assets yet. Upload the device list your management tool exports (an RMM or PSA tool, Intune, or a spreadsheet) below: Sextant finds the name, type, serial number, user, purchase date, warranty end, operating system and price by their column headings." }
        } @else {
            ul.stats {
                li { strong { (t.assets) } " assets" }
                li { strong { (t.out_of_warranty) } " out of warranty" }
                li { strong { (t.unsupported) } " without security updates" }
                li { strong { (t.due_12_months) } " to replace within 12 months" @if t.due_12_months > 0 { ", " (money(t.cost_12_months, &cur)) } }
            }
            @if let Some(r) = &refresh_due {
                section aria-labelledby="refresh-h" {
                    h2 #refresh-h { "What to do next" }
                    p { (r["title"].as_str().unwrap_or_default()) ": about " (money(r["one_time_cost"]["likely"].as_f64().unwrap_or(0.0), &cur)) "."
                        @if let Some(by) = r["done_by"].as_str().and_then(sextant_core::model::Month::parse) {
                            " Some of them lose security updates, so the roadmap must finish it by the end of " (sextant_core::calendar::month_words(by)) "."
                        } }
                    @if in_plan {
                        p { "It is in the plan already. " a href=(org.url("roadmap")) { "See it on the roadmap" } "." }
                    } @else if plan.is_none() {
                        p { a href=(org.url("start")) { "Start the plan" } " to schedule the replacements with the business's other changes." }
                    } @else if org.can_edit() {
                        form method="post" action=(org.url("assets/refresh") ) {
                            (org.viewer.csrf_field())
                            button type="submit" { "Add the hardware refresh to the plan" }
                        }
                    }
                }
            }
            @if !lc.warnings.is_empty() {
                section aria-labelledby="warn-h" {
                    h2 #warn-h { "Needs attention" }
                    ul.findings {
                        @for w in &lc.warnings {
                            li { (concern_badge(w.concern)) " " (w.message) }
                        }
                    }
                }
            }
            section aria-labelledby="forecast-h" {
                h2 #forecast-h { "Replacements ahead" }
                p { "An asset is due at its type's replacement age (from its purchase) or when its operating system loses support, whichever comes first; what is already due counts now. A replacement costs the price set below for its type, else what the asset cost, else a typical price." }
                (figure(chart_years(&lc, &cur).svg(), "Each bar is what the replacements falling due in a financial year cost."))
                div.scroll tabindex="0" { table.list {
                    caption { "By financial year and quarter" }
                    thead { tr { th scope="col" { "Period" } th scope="col" .num { "Assets" } th scope="col" .num { "Cost" } } }
                    tbody {
                        @for d in &lc.years { tr { th scope="row" { (d.period) } td.num { (d.count) } td.num { (money(d.cost, &cur)) } } }
                        @for d in &lc.quarters { tr.sub { th scope="row" { (d.period) } td.num { (d.count) } td.num { (money(d.cost, &cur)) } } }
                    }
                } }
            }
            @if lc.ages.iter().any(|a| a.kind != AssetKind::Licence) {
                section aria-labelledby="ages-h" {
                    h2 #ages-h { "Ages" }
                    (figure(chart_ages(&lc).svg(), "How many devices of each type are how many whole years old."))
                    @let unknown: u32 = lc.ages.iter().map(|a| a.unknown).sum();
                    @if unknown > 0 { p.muted { (unknown) " assets have no purchase date, so their age is not known." } }
                }
            }
            @if !lc.timeline.is_empty() {
                section aria-labelledby="eos-h" {
                    h2 #eos-h { "Ends of support" }
                    ul {
                        @for e in &lc.timeline {
                            li { @if e.passed { span.badge.bad { "Ended" } " " } (e.product) ": " (long_date(e.ends)) " (" (e.assets) @if e.assets == 1 { " asset" } @else { " assets" } ")" }
                        }
                    }
                }
            }
            section aria-labelledby="list-h" {
                h2 #list-h { "All assets" }
                div.scroll tabindex="0" { table.list {
                    thead { tr {
                        th scope="col" { "Name" } th scope="col" { "Type" } th scope="col" { "User" }
                        th scope="col" { "Age" } th scope="col" { "Warranty ends" } th scope="col" { "Runs" }
                        th scope="col" { "Support ends" } th scope="col" { "Replace by" } th scope="col" .num { "Replacement" }
                    } }
                    tbody {
                        @for (a, s) in list.iter().zip(&lc.assets) {
                            tr {
                                th scope="row" { (a.name) @if let Some(sn) = &a.serial { br; span.muted { (sn) } } }
                                td { (a.kind.word()) }
                                td { (a.user.as_deref().unwrap_or("–")) }
                                td.nowrap { (age_words(s.age_months)) }
                                td.nowrap { (a.warranty_end.map_or("–".into(), long_date))
                                    @if a.warranty_end.is_some_and(|w| w < today) { " " span.badge.bad { "ended" } } }
                                td { (a.os.as_deref().unwrap_or("–")) @if let Some(v) = &a.os_version { " " (v) } }
                                td.nowrap { (s.support.as_ref().map_or("–".into(), |x| long_date(x.ends)))
                                    @if s.support.as_ref().is_some_and(|x| x.ends < today) { " " span.badge.bad { "ended" } } }
                                td.nowrap { (s.replace_by.map_or("–".into(), |d| sextant_core::calendar::month_words(d.month())))
                                    @if let Some(b) = s.replace_because { span.muted { " (" (if b == "age" { "age" } else { "support" }) ")" } } }
                                td.num { (money(s.replacement_cost, &cur)) }
                            }
                        }
                    }
                } }
                p { a href=(format!("/api/v1/orgs/{}/lifecycle", org.slug())) { "The same as JSON" } }
            }
        }
        @if org.can_edit() {
            section aria-labelledby="upload-h" {
                h2 #upload-h { @if list.is_empty() { "Upload the asset list" } @else { "Upload an updated list" } }
                p { "CSV or Excel (.xlsx). Every row is checked first: when one is wrong, nothing is stored and each problem is listed with its line and column. An asset already here (the same serial number, or the same name when there is none) is updated, not added twice." }
                (upload_errors.summary())
                form method="post" action=(org.url("assets/upload")) enctype="multipart/form-data" {
                    (org.viewer.csrf_field())
                    div.field {
                        label for="f-assets" { "Asset list" span.req aria-hidden="true" { " *" } }
                        input type="file" id="f-assets" name="file" required accept=".csv,.txt,.xlsx,.xlsm,.xls,.ods,text/csv";
                        @for m in upload_errors.of("file") { p.field-error { (m) } }
                    }
                    div.field {
                        label for="f-map" { "Columns Sextant does not recognise (optional)" }
                        input type="text" id="f-map" name="map" placeholder="warranty_end=Cover until; purchased=Bought";
                        p.hint { "Fields: name, type, make, model, serial, user, site, purchased, warranty_end, os, os_version, price." }
                    }
                    button type="submit" { "Import the list" }
                }
            }
            @if plan.is_some() {
                (policy_form(org, &policy, &cur, policy_errors))
            }
        }
    };
    let status = if upload_errors.is_empty() && policy_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_status(
        status,
        org.page("Assets", Section::Assets, body),
    ))
}

fn policy_form(org: &OrgPage, policy: &Policy, cur: &str, errors: &Errors) -> Markup {
    html! {
        section aria-labelledby="policy-h" {
            h2 #policy-h { "Replacement policy" }
            (errors.summary())
            form method="post" action=(org.url("assets/policy")) {
                (org.viewer.csrf_field())
                div.field {
                    label for="f-warn" { "Warn this many months ahead" }
                    input type="number" id="f-warn" name="warn_months" min="1" max="60" value=(policy.warn());
                    @for m in errors.of("warn_months") { p.field-error { (m) } }
                }
                div.scroll tabindex="0" { table.list {
                    caption { "By type (" (if cur.is_empty() { "prices in the plan's currency" } else { cur }) ")" }
                    thead { tr { th scope="col" { "Type" } th scope="col" { "Replace after (years)" } th scope="col" { "Replacement price" } } }
                    tbody {
                        @for k in AssetKind::ALL {
                            tr {
                                th scope="row" { (capitalised(k.plural())) }
                                td { label.visually-hidden for=(format!("f-years_{}", k.word())) { "Replace " (k.plural()) " after (years)" }
                                    input type="number" min="1" max="30" id=(format!("f-years_{}", k.word())) name=(format!("years_{}", k.word()))
                                    value=(policy.replace_after_years.get(&k).map_or(String::new(), |y| y.to_string()))
                                    placeholder=(k.default_replace_years().map_or("never".to_string(), |y| y.to_string())); }
                                td { label.visually-hidden for=(format!("f-price_{}", k.word())) { "Replacement price of " (k.plural()) }
                                    input type="number" min="0" step="any" id=(format!("f-price_{}", k.word())) name=(format!("price_{}", k.word()))
                                    value=(policy.replacement_price.get(&k).map_or(String::new(), |p| p.to_f64().to_string()))
                                    placeholder=(format!("what it cost, else {}", k.default_price())); }
                            }
                        }
                    }
                } }
                @for m in errors.of("types") { p.field-error { (m) } }
                div.field {
                    label for="f-unsup" { "What running one device without security updates costs a year" }
                    input type="number" id="f-unsup" name="unsupported_cost_annual" min="0" step="any" value=(policy.unsupported_cost());
                    p.hint { "Extended support, or the expected cost of an incident: it counts as what the refresh saves." }
                    @for m in errors.of("unsupported_cost_annual") { p.field-error { (m) } }
                }
                button type="submit" { "Save the policy" }
            }
        }
    }
}

async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    mp: Multipart,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    org.require_edit()?;
    let (f, file) = super::data::read_multipart(&state, &org, mp, "file", MAX_ASSET_LIST).await?;
    let mut errors = Errors::new();
    let Some((name, staged)) = file else {
        errors.add("file", "choose a file to upload (it was missing)");
        return show(
            &state,
            &org,
            &AfterChange::default(),
            &errors,
            &Errors::new(),
        )
        .await;
    };
    let bytes = tokio::fs::read(&staged.path)
        .await
        .map_err(|e| PageError::Internal(format!("reading the upload: {e}")))?;
    if bytes.is_empty() {
        errors.add(
            "file",
            "the file is empty: expected a header row and a row per asset",
        );
        return show(
            &state,
            &org,
            &AfterChange::default(),
            &errors,
            &Errors::new(),
        )
        .await;
    }
    let reading = ReadOptions {
        name: Some(name.clone()),
        map: f.opt("map"),
        ..ReadOptions::default()
    };
    match import_list(&state, &org.scope, &name, bytes.into(), &reading).await {
        Ok(done) => Ok(see_other(&format!(
            "{}?done=imported&added={}&updated={}",
            org.url("assets"),
            done.added,
            done.updated
        ))),
        Err(e) => {
            errors.add("file", e.detail());
            show(
                &state,
                &org,
                &AfterChange::default(),
                &errors,
                &Errors::new(),
            )
            .await
        }
    }
}

async fn set_policy(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let Some(plan) = org.plan(&state).await? else {
        return Ok(see_other(&org.url("start")));
    };
    let mut errors = Errors::new();
    // A type's figures are marked under the table, naming the type.
    let number = |name: &str, what: Option<String>, errors: &mut Errors| -> Option<f64> {
        let v = f.opt(name)?;
        match v.trim().parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => Some(x),
            _ => {
                let m = format!("expected a number of 0 or more, found “{v}”");
                match what {
                    Some(w) => errors.add("types", format!("{w}: {m}")),
                    None => errors.add(name, m),
                }
                None
            }
        }
    };
    let mut years = serde_json::Map::new();
    let mut prices = serde_json::Map::new();
    for k in AssetKind::ALL {
        let what = capitalised(k.plural());
        let y = number(
            &format!("years_{}", k.word()),
            Some(format!("{what}, replace after")),
            &mut errors,
        );
        match y {
            // Whole years, as the plan takes them: 0.4 is not rounded into a refusal.
            Some(y) if y.fract() == 0.0 && (1.0..=30.0).contains(&y) => {
                years.insert(k.word().into(), json!(y as i64));
            }
            Some(y) => errors.add(
                "types",
                format!(
                    "{what}, replace after: expected a whole number of years from 1 to 30, found {y}"
                ),
            ),
            None => {}
        }
        let p = number(
            &format!("price_{}", k.word()),
            Some(format!("{what}, replacement price")),
            &mut errors,
        );
        if let Some(p) = p {
            prices.insert(k.word().into(), json!(p));
        }
    }
    let warn = number("warn_months", None, &mut errors);
    let unsupported = number("unsupported_cost_annual", None, &mut errors);
    if !errors.is_empty() {
        return show(
            &state,
            &org,
            &AfterChange::default(),
            &Errors::new(),
            &errors,
        )
        .await;
    }
    let mut lifecycle = serde_json::Map::new();
    if let Some(w) = warn {
        lifecycle.insert("warn_months".into(), json!(w.round() as i64));
    }
    if !years.is_empty() {
        lifecycle.insert("replace_after_years".into(), years.into());
    }
    if !prices.is_empty() {
        lifecycle.insert("replacement_price".into(), prices.into());
    }
    if let Some(u) = unsupported {
        lifecycle.insert("unsupported_cost_annual".into(), json!(u));
    }
    let mut o = serde_json::to_value(&plan.doc().organization)
        .map_err(|e| PageError::Internal(e.to_string()))?;
    o["lifecycle"] = lifecycle.into();
    match state
        .store
        .change_plan(
            &org.scope,
            Change::Put(sextant_store::Section::Organization, String::new(), o),
        )
        .await
    {
        Ok(_) => Ok(see_other(&format!("{}?done=policy", org.url("assets")))),
        Err(sextant_store::StoreError::Plan(r)) => {
            for p in r.0 {
                let field = if p.path.contains("warn_months") {
                    "warn_months"
                } else {
                    "types"
                };
                errors.add(
                    field,
                    p.message.clone()
                        + &p.expected
                            .map_or(String::new(), |e| format!(": expected {e}")),
                );
            }
            show(
                &state,
                &org,
                &AfterChange::default(),
                &Errors::new(),
                &errors,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn refresh(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let today = super::today_date().unwrap_or_else(|| sextant_core::model::Date::from_days(0));
    match add_refresh(&state, &org.scope, today).await {
        Ok(Some(_)) => Ok(see_other(&format!("{}?done=refresh", org.url("assets")))),
        Ok(None) => Ok(see_other(&format!("{}?done=nothing", org.url("assets")))),
        Err(e) => Err(PageError::Status(e.status(), e.detail())),
    }
}
