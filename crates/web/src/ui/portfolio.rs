//! The consultant's portfolio (`/portfolio`): every organisation the viewer is a member of on
//! one page, one row each: goals off track and at risk (the analysis's goal tracking),
//! implementation spend coming up in the next three months, systems reaching end of life
//! within 90 days (and those past it), the top risk and the count of plan findings, each
//! linking to that organisation's pages; then three lists across clients: goals off track or
//! at risk, the coming spend by client, and the systems reaching end of life.
//!
//! Only the analysis runs per organisation ([`compute::analysed`], the same as `sextant
//! analyze`; no optimisation), a few organisations at a time. The coming spend is the
//! analysis's: each initiative's one-time cost spread evenly over its months from its
//! stand-alone start (its pinned start, or after its prerequisites), as the analysis's spend
//! by period counts it, not the optimised roadmap's schedule. `?as_of=YYYY-MM-DD` looks from
//! another day than today.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use maud::{Markup, html};
use serde::Deserialize;
use sextant_core::kpi::Standing;
use sextant_core::model::{Date, Month, Status};
use sextant_core::unit::{self as format, Measure, Unit};
use sextant_metrics::calendar::{civil_from_days, days_from_civil, valid_date};
use sextant_store::{Organization, Paging, Role};
use tokio::task::JoinSet;

use super::compute::{self, Analysed};
use super::form::{Errors, Field, Kind};
use super::{OrgPage, PageError, PageResult, Viewer, layout, render_status, standing};
use crate::AppState;
use crate::extract::Query;

/// The routes of this area.
pub fn router() -> Router<AppState> {
    Router::new().route("/portfolio", get(page))
}

/// The day to look from.
#[derive(Deserialize)]
struct PortfolioQuery {
    as_of: Option<String>,
    consultant: Option<String>,
}

/// Organisations analysed at once.
const AT_ONCE: usize = 4;

/// Months of spend looked ahead: this month and the next two.
const AHEAD_MONTHS: i32 = 3;

/// Days ahead in which an end of life counts as coming.
const EOL_DAYS: i32 = 90;

/// A calendar day: days since 1970-01-01.
#[derive(Debug, Clone, Copy)]
struct Day(i32);

impl Day {
    /// Today (UTC).
    fn today() -> Day {
        let (y, m, d) = super::today();
        Day(days_from_civil(y, m, d))
    }

    /// `YYYY-MM-DD`, when it is a date.
    fn parse(s: &str) -> Option<Day> {
        let mut parts = s.trim().splitn(3, '-');
        let y: i32 = parts.next()?.parse().ok()?;
        let m: u32 = parts.next()?.parse().ok()?;
        let d: u32 = parts.next()?.parse().ok()?;
        ((1900..=9999).contains(&y) && valid_date(y, m, d)).then(|| Day(days_from_civil(y, m, d)))
    }

    fn civil(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    /// Its month.
    fn month(self) -> Option<Month> {
        let (y, m, _) = self.civil();
        Month::new(y, m)
    }

    /// The first day of a month.
    fn first_of(m: Month) -> Day {
        Day(days_from_civil(m.year(), m.month(), 1))
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = self.civil();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// A goal that needs attention.
struct GoalItem {
    title: String,
    status: Standing,
    latest: Option<f64>,
    target: Option<f64>,
    /// How its KPI's values are written.
    measure: Measure,
    due: Option<String>,
}

/// A system reaching (or past) its end of life.
struct EolItem {
    name: String,
    month: Month,
    /// Days from the day looked from to the first day of its end-of-life month.
    days: i32,
}

/// One organisation's figures.
struct Summary {
    currency: String,
    /// Goals missed, off track or at risk, in that order.
    goals: Vec<GoalItem>,
    spend: f64,
    spend_items: Vec<(String, f64)>,
    eol: Vec<EolItem>,
    top_risk: Option<(String, &'static str, u32)>,
    findings: usize,
    finding_errors: usize,
}

/// What is known of one organisation.
enum Outcome {
    NoPlan,
    Failed(String),
    Done(Box<Summary>),
}

/// One organisation's row.
struct Row {
    org: Organization,
    role: Role,
    outcome: Outcome,
}

/// How badly a goal is doing: missed first, then off track, then at risk; `None` for the
/// others.
fn severity(s: Standing) -> Option<u8> {
    match s {
        Standing::Missed => Some(0),
        Standing::OffTrack => Some(1),
        Standing::AtRisk => Some(2),
        _ => None,
    }
}

impl Summary {
    /// Goals missed or off track.
    fn off_track(&self) -> usize {
        self.goals
            .iter()
            .filter(|g| g.status != Standing::AtRisk)
            .count()
    }

    /// Goals at risk.
    fn at_risk(&self) -> usize {
        self.goals.len() - self.off_track()
    }
}

/// The months looked ahead from `day`: this month and the next two.
fn window(day: Day) -> Vec<Month> {
    day.month()
        .map(|m| (0..AHEAD_MONTHS).map(|i| m.plus(i)).collect())
        .unwrap_or_default()
}

/// The figures of one analysed organisation, looked at from `day`.
fn summarise(a: &Analysed, day: Day) -> Summary {
    let an = &a.analysis;
    let doc = a.plan.doc();
    let goal_title = |id: &str| {
        doc.goals
            .iter()
            .find(|g| g.id.as_str() == id)
            .map_or_else(|| id.to_string(), |g| g.title.clone())
    };
    let mut goals: Vec<GoalItem> = an
        .goal_status
        .iter()
        .filter(|g| severity(g.status).is_some())
        .map(|g| GoalItem {
            title: goal_title(&g.goal),
            status: g.status,
            latest: g.latest,
            target: g.target,
            measure: g
                .kpi
                .as_deref()
                .map_or_else(|| Measure::of(Unit::Number), |k| Measure::of_kpi(doc, k)),
            due: g.due.clone(),
        })
        .collect();
    goals.sort_by_key(|g| severity(g.status));
    // Spend: one-time costs spread evenly over each initiative's months of implementation,
    // as the analysis's spend by period counts them, for the initiatives not yet done.
    let months = window(day);
    let mut spend_items = Vec::new();
    for i in &an.initiatives {
        if !i.in_portfolio || matches!(i.status, Status::Done | Status::Cancelled) {
            continue;
        }
        let c = &i.case;
        if c.end_month < c.start_month || c.one_time_cost == 0.0 {
            continue;
        }
        let per_month = c.one_time_cost / f64::from(c.end_month - c.start_month + 1);
        let inside = (c.start_month..=c.end_month)
            .filter(|&t| months.contains(&a.plan.month_at(t as i32)))
            .count();
        if inside > 0 {
            spend_items.push((i.title.clone(), per_month * inside as f64));
        }
    }
    let spend = spend_items.iter().map(|(_, x)| x).sum();
    let mut eol: Vec<EolItem> = doc
        .systems
        .iter()
        .filter_map(|s| {
            let m = s.end_of_life?;
            let days = Day::first_of(m).0 - day.0;
            (days <= EOL_DAYS).then(|| EolItem {
                name: s.name.clone(),
                month: m,
                days,
            })
        })
        .collect();
    eol.sort_by_key(|e| e.days);
    Summary {
        currency: an.organization.currency.clone(),
        goals,
        spend,
        spend_items,
        eol,
        top_risk: an
            .risks
            .iter()
            .max_by_key(|r| r.score)
            .map(|r| (r.title.clone(), r.level, r.score)),
        findings: an.findings.len(),
        finding_errors: an
            .findings
            .iter()
            .filter(|f| f.severity == sextant_core::checks::Severity::Error)
            .count(),
    }
}

/// Analyses one organisation and summarises it.
async fn outcome(state: &AppState, org: &OrgPage, day: Day) -> Outcome {
    match compute::analysed(state, org).await {
        Ok(None) => Outcome::NoPlan,
        Ok(Some(a)) => Outcome::Done(Box::new(summarise(&a, day))),
        Err(PageError::Internal(m)) => {
            tracing::error!(org = %org.slug(), error = %m, "portfolio: analysis failed");
            Outcome::Failed("its analysis failed; the server's log has the details".into())
        }
        Err(PageError::Status(_, m) | PageError::NotFound(m) | PageError::Forbidden(m)) => {
            Outcome::Failed(m)
        }
        Err(PageError::Shown(_)) => Outcome::Failed("it could not be analysed".into()),
    }
}

/// Every organisation of the viewer, analysed `AT_ONCE` at a time, in the order given.
async fn rows(state: &AppState, viewer: &Viewer, day: Day) -> Result<Vec<Row>, PageError> {
    let orgs = state
        .store
        .orgs_of(&viewer.user, Paging::new(None, Some(500)))
        .await?
        .items;
    let mut out: Vec<Option<Outcome>> = (0..orgs.len()).map(|_| None).collect();
    let mut set = JoinSet::new();
    let mut next = 0;
    while next < orgs.len() || !set.is_empty() {
        while next < orgs.len() && set.len() < AT_ONCE {
            let (o, _) = &orgs[next];
            let (state, viewer, slug, i) = (state.clone(), viewer.clone(), o.slug.clone(), next);
            set.spawn(async move {
                let result = match OrgPage::open(&state, viewer, &slug).await {
                    Ok(org) => outcome(&state, &org, day).await,
                    Err(_) => Outcome::Failed("no longer a member".into()),
                };
                (i, result)
            });
            next += 1;
        }
        match set.join_next().await {
            Some(Ok((i, r))) => out[i] = Some(r),
            Some(Err(e)) => return Err(PageError::Internal(format!("portfolio task: {e}"))),
            None => {}
        }
    }
    Ok(orgs
        .into_iter()
        .zip(out)
        .map(|((org, role), outcome)| Row {
            org,
            role,
            outcome: outcome.unwrap_or(Outcome::Failed("not analysed".into())),
        })
        .collect())
}

async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<PortfolioQuery>,
) -> PageResult {
    let raw = q.as_of.unwrap_or_default();
    let day = if raw.trim().is_empty() {
        Day::today()
    } else if let Some(d) = Day::parse(&raw) {
        d
    } else {
        let mut errors = Errors::new();
        errors.add(
            "as_of",
            format!(
                "expected a date as YYYY-MM-DD, found `{}`",
                raw.chars().take(40).collect::<String>()
            ),
        );
        let body = html! { (errors.summary()) (as_of_form(&raw, &errors)) };
        return Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            layout("Portfolio", Some(&viewer), None, body),
        ));
    };
    let started = std::time::Instant::now();
    let everyone = crate::portfolio::portfolio_of(
        &state,
        &viewer.user,
        sextant_core::model::Date::from_days(day.0),
    )
    .await?;
    // The consultants assigned across the clients, for the filter; the rows of the one chosen.
    let mut consultants: Vec<(String, String)> = everyone
        .clients
        .iter()
        .filter_map(|c| c.consultant.as_ref())
        .map(|c| (c.email.clone(), c.name.clone()))
        .collect();
    consultants.sort();
    consultants.dedup();
    let chosen = q.consultant.clone().filter(|c| !c.trim().is_empty());
    let attention = everyone.of_consultant(&viewer.user, chosen.as_deref());
    let mut rows = rows(&state, &viewer, day).await?;
    // The rest of the page shows the chosen consultant's clients too.
    if chosen.is_some() {
        let theirs: std::collections::HashSet<&str> =
            attention.clients.iter().map(|c| c.slug.as_str()).collect();
        rows.retain(|r| theirs.contains(r.org.slug.as_str()));
    }
    tracing::debug!(
        orgs = rows.len(),
        seconds = started.elapsed().as_secs_f64(),
        "portfolio"
    );
    let body = html! {
        @if !consultants.is_empty() {
            form method="get" action="/portfolio" {
                input type="hidden" name="as_of" value=(raw);
                (Field::text("consultant", "Consultant", chosen.clone().unwrap_or_default())
                    .kind(Kind::Select(std::iter::once((String::new(), "Every consultant".to_string()))
                        .chain(consultants.iter().map(|(e, n)| (e.clone(), format!("{n} ({e})"))))
                        .collect()))
                    .render(&Errors::new()))
                button.secondary type="submit" { "Show their clients" }
            }
        }
        (attention_table(&attention))
        (body(&rows, day, &raw))
    };
    Ok(render_status(
        StatusCode::OK,
        layout("Portfolio", Some(&viewer), None, body),
    ))
}

/// The clients by what needs attention: each one's health score (its parts on hover and in
/// words for screen readers), the figures it is made from, and what to look at, each linked.
fn attention_table(p: &crate::portfolio::Portfolio) -> Markup {
    use sextant_core::health::{Review, Roadmap};
    let t = &p.totals;
    html! {
        @if !p.clients.is_empty() {
            section aria-labelledby="attention-h" {
                h2 #attention-h { "Who needs attention" }
                p { "Each client's health, out of 100: security (the latest assessment, 25), devices (out of warranty or support within 6 months, 20), goals (on track 1, at risk or not measured ½, off track 0; 25), reviews (held on time, 15) and the roadmap (the best within the plan's limits, 15). The lowest first; point at a score for its parts." }
                div.scroll tabindex="0" { table.list {
                    caption { "Clients by what needs attention (" (p.clients.len()) ")" }
                    thead { tr {
                        th scope="col" { "Client" }
                        th scope="col" { "Consultant" }
                        th scope="col" .num { "Health" }
                        th scope="col" { "Assessment" }
                        th scope="col" .num { "Devices" }
                        th scope="col" { "Goals" }
                        th scope="col" { "Review" }
                        th scope="col" { "Roadmap" }
                        th scope="col" .num { "Next year" }
                        th scope="col" { "Look at" }
                    } }
                    tbody {
                        @for c in &p.clients {
                            @let parts = c.health.parts.iter().map(|x| format!("{}: {} of {} ({})", x.part, (x.points * 10.0).round() / 10.0, x.of, x.why)).collect::<Vec<_>>().join("; ");
                            tr {
                                th scope="row" { a href=(url(&c.slug, "")) { (c.name) } }
                                td { @match &c.consultant {
                                    Some(k) => { a href=(format!("/portfolio?consultant={}", super::form::url_encode(&k.email))) { (k.name) } }
                                    None => { a href=(url(&c.slug, "members")) { span.muted { "none" } } }
                                } }
                                td.num {
                                    span.score title=(parts) { strong { (c.health.score) } } span.visually-hidden { " (" (parts) ")" }
                                    @if let Some(before) = c.history.iter().rev().find(|h| h.day < p.as_of) {
                                        @let diff = i64::from(c.health.score) - before.score;
                                        @let since = Date::parse(&before.day).map_or(before.day.clone(), sextant_core::asset::long_date);
                                        br;
                                        span.muted title=(c.history.iter().map(|h| format!("{}: {}", h.day, h.score)).collect::<Vec<_>>().join(", ")) {
                                            @if diff > 0 { "up " (diff) } @else if diff < 0 { "down " (-diff) } @else { "same" }
                                            " since " (since)
                                        }
                                    }
                                }
                                td { @match &c.assessment {
                                    Some(a) => { a href=(url(&c.slug, &format!("assessments/{}", a.id))) { (a.score.map_or("not scored".to_string(), |s| format!("{:.0}", s * 100.0))) }
                                        @if let Some(ch) = a.change { " (" @if ch >= 0.0 { "+" } (format!("{:.0}", ch * 100.0)) ")" } }
                                    None => { a href=(url(&c.slug, "assessments")) { "none" } }
                                } }
                                td.num { a href=(url(&c.slug, "assets")) { @if c.devices.total == 0 { "no list" } @else { (c.devices.within_6_months) " of " (c.devices.total) } } }
                                td { a href=(url(&c.slug, "goals")) { (c.goals.off_track) " off track" @if c.goals.not_measured > 0 { ", " (c.goals.not_measured) " not measured" } } }
                                td { a href=(url(&c.slug, "reviews")) { @match c.review {
                                    Some(Review::Overdue { by }) => { span.badge.bad { "Overdue" } " since " (sextant_core::asset::long_date(by)) },
                                    Some(Review::Due { by }) => { "by " (sextant_core::asset::long_date(by)) },
                                    None => { "none held" },
                                } }
                                    @if c.answers.approved + c.answers.declined + c.answers.waiting > 0 {
                                        br; span.muted { "Answers: " (c.answers.approved) " approved, " (c.answers.declined) " declined, " (c.answers.waiting) " waiting" }
                                    }
                                }
                                td { a href=(url(&c.slug, "roadmap")) { @match c.roadmap {
                                    Roadmap::Optimal => "best possible",
                                    Roadmap::Gap => "not proven best",
                                    Roadmap::Infeasible => "no schedule",
                                    Roadmap::Unknown => "none found in time",
                                    Roadmap::None => "no plan",
                                } } }
                                td.num { @match (c.budget_next_year, &c.currency) { (Some(b), Some(cur)) => { a href=(url(&c.slug, "budget")) { (format::money(b, cur)) } } _ => { "–" } } }
                                td { @for f in &c.flags { div { a href=(f.link) { (f.what) } } } }
                            }
                        }
                    }
                    tfoot { tr {
                        th scope="row" { "All " (t.clients) " clients" }
                        td {}
                        td.num { "mean " (t.mean_score) }
                        td { (t.under_50) " under 50" }
                        td.num { (t.devices_attention) }
                        td { (t.goals_off_track) " off track" }
                        td { (t.reviews_due) " overdue or never held" }
                        td { (t.roadmaps_infeasible) " with no schedule" }
                        td.num { @for (cur, b) in &t.budget_next_year { div { (format::money(*b, cur)) } } }
                        td {}
                    } }
                } }
                p { a href=(format!("/api/v1/portfolio?as_of={}", p.as_of)) { "The same as JSON" } }
            }
        }
    }
}

/// The form choosing the day looked from.
fn as_of_form(raw: &str, errors: &Errors) -> Markup {
    html! {
        form method="get" action="/portfolio" {
            (Field::text("as_of", "As of", raw).kind(Kind::Date)
                .hint("Look from another day than today (YYYY-MM-DD)").render(errors))
            button.secondary type="submit" { "Show" }
        }
    }
}

/// A link to one of an organisation's pages.
fn url(slug: &str, rest: &str) -> String {
    if rest.is_empty() {
        format!("/orgs/{slug}")
    } else {
        format!("/orgs/{slug}/{rest}")
    }
}

/// An end of life in words, from the day looked from.
fn eol_words(e: &EolItem) -> String {
    match e.days {
        d if d < 0 => format!("support ended {} ({} days ago)", e.month, -d),
        0 => format!("support ends today ({})", e.month),
        1 => format!("support ends {} (tomorrow)", e.month),
        d => format!("support ends {} (in {d} days)", e.month),
    }
}

fn body(rows: &[Row], day: Day, raw: &str) -> Markup {
    let months = window(day);
    let span = match (months.first(), months.last()) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        _ => "the next three months".into(),
    };
    let done: Vec<(&Row, &Summary)> = rows
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Done(s) => Some((r, s.as_ref())),
            _ => None,
        })
        .collect();
    // Goals across clients, the worst first.
    let mut goals: Vec<(&Row, &GoalItem)> = done
        .iter()
        .flat_map(|(r, s)| s.goals.iter().map(move |g| (*r, g)))
        .collect();
    goals.sort_by_key(|(_, g)| severity(g.status));
    html! {
        p { "Every organisation you are a member of, as of " strong { (day) } ". Goals come from \
             each plan's goal tracking; spend is implementation spend in " (span) " (this month and \
             the next two) from the plan's analysis: each initiative not yet done, its one-time \
             cost spread evenly over its months from its own start (pinned, or after its \
             prerequisites), not the optimised roadmap; end of life counts systems whose support \
             ends within " (EOL_DAYS) " days or has ended." }
        (as_of_form(raw, &Errors::new()))
        @if rows.is_empty() {
            p { "You are not a member of any organisation yet." }
        } @else {
            div.scroll tabindex="0" {
                table.list {
                    caption { "Clients (" (rows.len()) ")" }
                    thead { tr {
                        th scope="col" { "Organisation" }
                        th scope="col" class="num" { "Goals off track" }
                        th scope="col" class="num" { "At risk" }
                        th scope="col" class="num" { "Spend " (span) }
                        th scope="col" { "End of life within " (EOL_DAYS) " days" }
                        th scope="col" { "Top risk" }
                        th scope="col" class="num" { "Plan findings" }
                    } }
                    tbody {
                        @for r in rows { (row(r)) }
                    }
                }
            }
        }
        section aria-labelledby="goals-h" {
            h2 #goals-h { "Goals off track or at risk" }
            @if goals.is_empty() {
                p { "No client's goal is off track or at risk." }
            } @else {
                div.scroll tabindex="0" {
                    table.list {
                        caption { "Goals missed, off track or at risk across clients (" (goals.len()) ")" }
                        thead { tr {
                            th scope="col" { "Organisation" }
                            th scope="col" { "Goal" }
                            th scope="col" { "Standing" }
                            th scope="col" class="num" { "Latest" }
                            th scope="col" class="num" { "Target" }
                            th scope="col" { "Due" }
                        } }
                        tbody {
                            @for (r, g) in &goals {
                                tr {
                                    td { a href=(url(&r.org.slug, "goals")) { (r.org.name) } }
                                    th scope="row" { (g.title) }
                                    td { (standing(g.status)) }
                                    td.num { (g.measure.format_opt(g.latest)) }
                                    td.num { (g.measure.format_opt(g.target)) }
                                    td { (g.due.as_deref().map_or_else(|| "–".to_string(), |d| sextant_core::model::Month::parse(d).map_or_else(|| d.to_string(), sextant_core::calendar::month_words))) }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="spend-h" {
            h2 #spend-h { "Spend coming up, " (span) }
            @let spending: Vec<_> = done.iter().filter(|(_, s)| s.spend > 0.0).collect();
            @if spending.is_empty() {
                p { "No client has implementation spend planned in these months." }
            } @else {
                div.scroll tabindex="0" {
                    table.list {
                        caption { "Implementation spend by client, " (span) }
                        thead { tr {
                            th scope="col" { "Organisation" }
                            th scope="col" class="num" { "Spend" }
                            th scope="col" { "On" }
                        } }
                        tbody {
                            @for (r, s) in &spending {
                                tr {
                                    th scope="row" { a href=(url(&r.org.slug, "roadmap")) { (r.org.name) } }
                                    td.num { (format::money(s.spend, &s.currency)) }
                                    td {
                                        @for (title, x) in &s.spend_items {
                                            div { (title) ": " (format::money(*x, &s.currency)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="eol-h" {
            h2 #eol-h { "Systems reaching end of life" }
            @let systems: Vec<_> = done.iter().flat_map(|(r, s)| s.eol.iter().map(move |e| (*r, e))).collect();
            @if systems.is_empty() {
                p { "No client's system reaches its end of life within " (EOL_DAYS) " days." }
            } @else {
                div.scroll tabindex="0" {
                    table.list {
                        caption { "Systems whose support ends within " (EOL_DAYS) " days or has ended (" (systems.len()) ")" }
                        thead { tr {
                            th scope="col" { "Organisation" }
                            th scope="col" { "System" }
                            th scope="col" { "End of life" }
                        } }
                        tbody {
                            @for (r, e) in &systems {
                                tr {
                                    td { a href=(url(&r.org.slug, "systems")) { (r.org.name) } }
                                    th scope="row" { (e.name) }
                                    td {
                                        @if e.days < 0 { span.badge.bad { "Past" } " " } @else { span.badge.warn { "Soon" } " " }
                                        (eol_words(e))
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

/// One organisation's row of the table.
fn row(r: &Row) -> Markup {
    let slug = &r.org.slug;
    html! {
        tr {
            th scope="row" {
                a href=(url(slug, "")) { (r.org.name) }
                " " span.muted { "(" (r.role.as_str()) ")" }
            }
            @match &r.outcome {
                Outcome::NoPlan => {
                    td colspan="6" { "No plan yet. " a href=(url(slug, "data")) { "Import one" } }
                }
                Outcome::Failed(m) => {
                    td colspan="6" { span.badge.unknown { "Not analysed" } " " (m) }
                }
                Outcome::Done(s) => {
                    td.num { a href=(url(slug, "goals")) { (s.off_track()) } }
                    td.num { a href=(url(slug, "goals")) { (s.at_risk()) } }
                    td.num { a href=(url(slug, "roadmap")) { (format::money(s.spend, &s.currency)) } }
                    td {
                        @let soon = s.eol.iter().filter(|e| e.days >= 0).count();
                        @let past = s.eol.len() - soon;
                        @if s.eol.is_empty() { "none" }
                        @else {
                            a href=(url(slug, "systems")) {
                                @if soon > 0 { (soon) " within " (EOL_DAYS) " days" }
                                @if soon > 0 && past > 0 { ", " }
                                @if past > 0 { (past) " past" }
                            }
                        }
                    }
                    td {
                        @match &s.top_risk {
                            Some((title, level, score)) => {
                                a href=(url(slug, "risks")) { (title) }
                                " " span class=(format!("badge {level}")) { (level) " " (score) }
                            }
                            None => "none",
                        }
                    }
                    td.num {
                        a href=(url(slug, "")) { (s.findings) }
                        @if s.finding_errors > 0 { " (" (s.finding_errors) " error" @if s.finding_errors != 1 { "s" } ")" }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_read_and_write_as_iso_dates() {
        let d = Day::parse("2027-01-15").map(|d| d.to_string());
        assert_eq!(d.as_deref(), Some("2027-01-15"));
        for bad in [
            "2027-02-30",
            "2027-13-01",
            "tomorrow",
            "2027-01",
            "99999-01-01",
            "",
        ] {
            assert!(Day::parse(bad).is_none(), "{bad}");
        }
        let m = Month::new(2027, 3);
        let eol = m.map(|m| Day::first_of(m).0);
        let from = Day::parse("2027-01-15").map(|d| d.0);
        // 16 days left of January, 28 of February.
        assert_eq!(eol.zip(from).map(|(a, b)| a - b), Some(45));
        let w = Day::parse("2027-11-30").map(window).unwrap_or_default();
        let w: Vec<String> = w.iter().map(ToString::to_string).collect();
        assert_eq!(w, ["2027-11", "2027-12", "2028-01"]);
    }
}
