//! The business: everything about the plan that is not a goal, a system, an initiative or a
//! risk, each part with a form of its own: the profile (name, currency, fiscal year, gross
//! margin, discount rate, planning horizon), money and capacity (budget by period, staff
//! hours, the limit on changes at once, the exploration share), the people, the phases, the
//! technology watch list and the business's own KPIs. Tables of entries go through
//! [`super::rows`]; every part is stored as one change of its sections, checked as a plan file
//! is, so nothing is half-saved.
//!
//! Routes: `GET /orgs/{org}/business`, `GET|POST /orgs/{org}/business/{part}` with `part` one
//! of `profile`, `money`, `staff`, `phases`, `radar`, `kpis`.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use maud::{Markup, html};
use serde_json::{Map, Value, json};
use sextant_core::model::PlanDoc;
use sextant_core::unit::{self, DecimalMark};
use sextant_store::{Change, Section as Part};

use super::Done;
use super::form::{Errors, Field, FormData, Kind, json_number, num_value, options};
use super::rows::{self, Cell, Column};
use super::{
    OrgPage, PageError, PageResult, Section, Viewer, notice, render, render_status, see_other,
};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Path, Query};

/// The routes of this area.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/business", get(page))
        .route("/orgs/{org}/business/{part}", get(edit).post(save))
}

/// The parts of the page, each with its own form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    Profile,
    Money,
    Staff,
    Phases,
    Radar,
    Kpis,
}

impl Piece {
    const ALL: [Piece; 6] = [
        Piece::Profile,
        Piece::Money,
        Piece::Staff,
        Piece::Phases,
        Piece::Radar,
        Piece::Kpis,
    ];

    fn parse(s: &str) -> Option<Piece> {
        Piece::ALL.into_iter().find(|p| p.path() == s)
    }

    fn path(self) -> &'static str {
        match self {
            Piece::Profile => "profile",
            Piece::Money => "money",
            Piece::Staff => "staff",
            Piece::Phases => "phases",
            Piece::Radar => "radar",
            Piece::Kpis => "kpis",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Piece::Profile => "The business",
            Piece::Money => "Budget and capacity",
            Piece::Staff => "People",
            Piece::Phases => "Phases",
            Piece::Radar => "Technology watch list",
            Piece::Kpis => "Your own KPIs",
        }
    }

    /// The table's columns, for the parts that are tables.
    fn columns(self, doc: &PlanDoc) -> Vec<Column> {
        match self {
            Piece::Staff => vec![
                Column::new("name", "Name or role", Cell::Text),
                Column::new("role", "Role", Cell::Text),
                Column::new("hours_per_month", "Hours a month for changes", Cell::Number),
                Column::new("skills", "Skills (commas between)", Cell::Words),
            ],
            Piece::Phases => vec![
                Column::new("id", "Id", Cell::Hidden),
                Column::new("name", "Phase", Cell::Text),
                Column::new("description", "What it achieves", Cell::Text),
                Column::new(
                    "initiatives",
                    "Initiatives in it (titles or ids, commas between)",
                    Cell::Words,
                ),
            ],
            Piece::Radar => vec![
                Column::new("technology", "Technology", Cell::Text),
                Column::new(
                    "ring",
                    "Stance",
                    Cell::Select(options(&[
                        ("adopt", "Adopt: use it"),
                        ("trial", "Trial: try it on a project"),
                        ("assess", "Assess: find out more"),
                        ("hold", "Hold: do not start with it"),
                    ])),
                ),
                Column::new(
                    "quadrant",
                    "Kind",
                    Cell::Select(options(&[
                        ("software", "Software"),
                        ("platforms", "Platforms"),
                        ("devices", "Devices"),
                        ("practices", "Practices"),
                    ])),
                ),
                Column::new("note", "Why", Cell::Text),
            ],
            Piece::Kpis => vec![
                Column::new("id", "Id", Cell::Hidden),
                Column::new("name", "Name", Cell::Text),
                Column::new("unit", "Unit", Cell::Text),
                Column::new(
                    "direction",
                    "Better when it",
                    Cell::Select(options(&[("up", "goes up"), ("down", "goes down")])),
                ),
                Column::new("definition", "How it is worked out", Cell::Text),
            ],
            Piece::Profile | Piece::Money => {
                let _ = doc;
                Vec::new()
            }
        }
    }

    /// The plan's section a table part is.
    fn part(self) -> Part {
        match self {
            Piece::Profile => Part::Organization,
            Piece::Money => Part::Constraints,
            Piece::Staff => Part::Staff,
            Piece::Phases => Part::Phases,
            Piece::Radar => Part::Radar,
            Piece::Kpis => Part::Kpis,
        }
    }
}

async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    Query(q): Query<Done>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let plan = org
        .require_plan(&state, "The business", Section::Business)
        .await?;
    let doc = plan.doc();
    let o = &doc.organization;
    let c = &doc.constraints;
    let money = |x: f64| unit::money(x, &o.currency);
    let edit = |p: Piece| {
        html! {
            @if org.can_edit() {
                p { a.button href=(org.url(&format!("business/{}", p.path()))) { "Edit " (p.title().to_lowercase()) } }
            }
        }
    };
    let body = html! {
        (notice(q.done.as_deref()))
        section aria-labelledby="profile" {
            h2 #profile { (Piece::Profile.title()) }
            dl {
                dt { "Name" } dd { (o.name) }
                dt { "Industry" } dd { (o.industry.as_deref().unwrap_or("Not recorded")) }
                dt { "Where it trades" } dd { (o.location.as_deref().unwrap_or("Not recorded")) }
                dt { "Employees" } dd { (o.employees.map_or("Not recorded".to_string(), |e| unit::count(f64::from(e)))) }
                dt { "Sales a year" } dd { (o.annual_revenue.map_or("Not recorded".to_string(), |r| money(r.to_f64()))) }
                dt { "Currency" } dd { (o.currency) }
                dt { "The plan starts" } dd { (month_words(&o.start.to_string())) }
                dt { "Planning horizon" } dd { (o.horizon_months) " months" }
                dt { "Fiscal year starts in" } dd { (MONTHS[(o.fiscal_year_start.clamp(1, 12) - 1) as usize]) }
                dt { "Gross margin" } dd { (o.gross_margin.map_or("Not recorded: extra sales count in full".to_string(), |m| unit::percent(m, 0))) }
                dt { "Discount rate" } dd { (unit::percent(o.discount_rate, 1)) " a year" }
            }
            (edit(Piece::Profile))
        }
        section aria-labelledby="money" {
            h2 #money { (Piece::Money.title()) }
            @if c.budget.is_empty() {
                p { "No budget recorded: the roadmap may spend without limit." }
            } @else {
                table {
                    caption { "Technology budget by fiscal period" }
                    thead { tr { th scope="col" { "Period" } th.num scope="col" { "Amount" } } }
                    tbody { @for b in &c.budget { tr { td { (b.period.to_string()) } td.num { (money(b.amount.to_f64())) } } } }
                }
            }
            dl {
                dt { "Staff hours a month for changes" }
                dd { (c.staff_hours_per_month.map_or("No limit recorded".to_string(), unit::hours)) }
                dt { "Changes under way at once" }
                dd { (c.max_concurrent.map_or("No limit recorded".to_string(), |n| format!("at most {n}"))) }
                dt { "Spend on new business (explore)" }
                dd { (c.min_explore_share.map_or("No minimum".to_string(), |s| format!("at least {}", unit::percent(s, 0)))) }
            }
            (edit(Piece::Money))
        }
        (list_section(&org, doc, Piece::Staff, &doc.staff.iter().map(|s| vec![
            s.name.clone(), s.role.clone().unwrap_or_default(),
            s.hours_per_month.map_or(String::new(), unit::hours), s.skills.join(", ")]).collect::<Vec<_>>(),
            &["Name", "Role", "Hours a month", "Skills"], "Nobody recorded yet."))
        (list_section(&org, doc, Piece::Phases, &doc.phases.iter().map(|p| vec![
            p.name.clone(), p.description.clone().unwrap_or_default(),
            p.initiatives.iter().map(|i| title_of(doc, i.as_str())).collect::<Vec<_>>().join(", ")]).collect::<Vec<_>>(),
            &["Phase", "What it achieves", "Initiatives"], "No phases: the roadmap is one list."))
        @if !doc.radar.is_empty() {
            (super::figure(sextant_report::plan_charts::technology_radar(&plan).svg(),
                "Where the business stands on each technology it watches: adopt at the centre, hold at the edge."))
        }
        (list_section(&org, doc, Piece::Radar, &doc.radar.iter().map(|r| vec![
            r.technology.clone(), r.ring.label().to_string(), r.quadrant_or_default().label().to_string(),
            r.note.clone().unwrap_or_default()]).collect::<Vec<_>>(),
            &["Technology", "Stance", "Kind", "Why"], "Nothing on the watch list yet."))
        (list_section(&org, doc, Piece::Kpis, &doc.kpis.iter().map(|k| vec![
            k.name.clone(), k.unit.clone().unwrap_or_default(),
            if k.direction == sextant_core::model::Direction::Down { "goes down".into() } else { "goes up".into() },
            k.definition.clone().unwrap_or_default()]).collect::<Vec<_>>(),
            &["Name", "Unit", "Better when it", "How it is worked out"], "None: goals use the standard KPIs."))
    };
    Ok(render(org.page("The business", Section::Business, body)))
}

/// A read-only table of a list part with its edit link.
fn list_section(
    org: &OrgPage,
    _doc: &PlanDoc,
    piece: Piece,
    rows: &[Vec<String>],
    headings: &[&str],
    none: &str,
) -> Markup {
    let id = piece.path();
    html! {
        section aria-labelledby=(id) {
            h2 id=(id) { (piece.title()) }
            @if rows.is_empty() {
                p { (none) }
            } @else {
                div.scroll tabindex="0" {
                    table {
                        thead { tr { @for h in headings { th scope="col" { (h) } } } }
                        tbody { @for r in rows { tr { @for c in r { td { (c) } } } } }
                    }
                }
            }
            @if org.can_edit() {
                p { a.button href=(org.url(&format!("business/{}", piece.path()))) { "Edit " (piece.title().to_lowercase()) } }
            }
        }
    }
}

/// An initiative's title by id (the id when there is none).
fn title_of(doc: &PlanDoc, id: &str) -> String {
    doc.initiatives
        .iter()
        .find(|i| i.id.as_str() == id)
        .map_or_else(|| id.to_string(), |i| i.title.clone())
}

/// The months' names, January first (the calendar's).
pub use sextant_core::calendar::MONTH_NAMES as MONTHS;

/// `2027-03` as "March 2027".
pub fn month_words(m: &str) -> String {
    sextant_core::model::Month::parse(m)
        .map_or_else(|| m.to_string(), sextant_core::calendar::month_words)
}

fn piece_of(part: &str) -> Result<Piece, PageError> {
    Piece::parse(part).ok_or_else(|| {
        PageError::NotFound(format!("there is no part `{part}` of the business page"))
    })
}

async fn edit(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, part)): Path<(String, String)>,
) -> PageResult {
    let piece = piece_of(&part)?;
    let org = OrgPage::open(&state, viewer, &org).await?;
    org.require_edit()?;
    let title = format!("Edit: {}", piece.title().to_lowercase());
    let plan = org.require_plan(&state, &title, Section::Business).await?;
    let doc = plan.doc();
    let stored = serde_json::to_value(doc).unwrap_or(Value::Null);
    let body = form(
        &org,
        doc,
        piece,
        &stored_values(piece, doc, &stored),
        &Errors::new(),
    );
    Ok(render(org.page(&title, Section::Business, body)))
}

/// A form's values: the single fields by name, and the table's rows.
#[derive(Default)]
struct Values {
    fields: FormData,
    rows: Vec<Vec<String>>,
}

fn stored_values(piece: Piece, doc: &PlanDoc, stored: &Value) -> Values {
    let mut v = Values::default();
    let section = &stored[piece.part().name()];
    match piece {
        Piece::Profile => v.fields = profile_values(&doc.organization),
        Piece::Money => {
            let c = &doc.constraints;
            let f = &mut v.fields.0;
            f.push((
                "staff_hours_per_month".into(),
                num_value(c.staff_hours_per_month),
            ));
            f.push((
                "max_concurrent".into(),
                c.max_concurrent.map_or(String::new(), |n| n.to_string()),
            ));
            f.push((
                "min_explore_share".into(),
                percent_value(c.min_explore_share),
            ));
            v.rows = section["budget"]
                .as_array()
                .map(|b| {
                    b.iter()
                        .map(|e| rows::cells(e, &budget_columns()))
                        .collect()
                })
                .unwrap_or_default();
        }
        table => {
            let columns = table.columns(doc);
            v.rows = section
                .as_array()
                .map(|items| items.iter().map(|e| rows::cells(e, &columns)).collect())
                .unwrap_or_default();
            if table == Piece::Phases {
                // Initiatives by title, as the owner knows them.
                for (r, p) in v.rows.iter_mut().zip(&doc.phases) {
                    r[3] = p
                        .initiatives
                        .iter()
                        .map(|i| title_of(doc, i.as_str()))
                        .collect::<Vec<_>>()
                        .join(", ");
                }
            }
        }
    }
    v
}

/// A fraction as a form shows it: `0.08` as `8`.
fn percent_value(x: Option<f64>) -> String {
    num_value(x.map(|x| (x * 1e6).round() / 1e4))
}

fn budget_columns() -> Vec<Column> {
    vec![
        Column::new(
            "period",
            "Fiscal year or quarter (2027, 2027-Q3)",
            Cell::Text,
        ),
        Column::new("amount", "Amount", Cell::Number),
    ]
}

fn form(org: &OrgPage, doc: &PlanDoc, piece: Piece, v: &Values, errors: &Errors) -> Markup {
    let get = |n: &str| v.fields.get(n).to_string();
    let action = org.url(&format!("business/{}", piece.path()));
    html! {
        (errors.summary())
        form method="post" action=(action) {
            (org.viewer.csrf_field())
            @match piece {
                Piece::Profile => {
                    (profile_fields(&v.fields, errors, html! {
                        (Field::text("industry", "Industry", get("industry")).hint("e.g. retail, professional services, hospitality, trades").render(errors))
                    }))
                    div.row {
                        (Field::text("horizon_months", "Months to plan", get("horizon_months")).kind(Kind::Number("1")).required()
                            .hint("Every change must finish within it; 24 is usual").render(errors))
                        (Field::text("evaluation_months", "Months to count benefits", get("evaluation_months")).kind(Kind::Number("1"))
                            .hint("How long gains and costs count; left empty, 36 or the plan's months if longer").render(errors))
                    }
                }
                Piece::Money => {
                    p.hint { "How much the business can spend on technology changes in each fiscal year (or quarter). Add a row for each; empty a row to remove it." }
                    (rows::table("Budget by fiscal period", &budget_columns(), &v.rows, 3, errors))
                    div.row {
                        (Field::text("staff_hours_per_month", "Staff hours a month for changes", get("staff_hours_per_month")).kind(Kind::Number("any"))
                            .hint("How many hours a month your people can give to new technology, beside their work").render(errors))
                        (Field::text("max_concurrent", "Changes under way at once, at most", get("max_concurrent")).kind(Kind::Number("1"))
                            .hint("Small teams cope with one or two").render(errors))
                        (Field::text("min_explore_share", "Spend on new business, at least %", get("min_explore_share")).kind(Kind::Number("any"))
                            .hint("The share of spend kept for trying new things (explore initiatives); empty for no minimum").render(errors))
                    }
                }
                table => {
                    p.hint { (table_hint(table)) }
                    (rows::table(table.title(), &table.columns(doc), &v.rows, 3, errors))
                }
            }
            button type="submit" { "Save" }
            " " a href=(org.url("business")) { "Cancel" }
        }
    }
}

fn table_hint(piece: Piece) -> &'static str {
    match piece {
        Piece::Staff => {
            "The people who will carry out and use the changes. Their hours add up to the staff hours a month unless you set that figure yourself. Empty a row to remove it."
        }
        Piece::Phases => {
            "Named stages of the roadmap, in order, e.g. Foundations, Growth. Name the initiatives in each by their titles. Empty a row to remove it."
        }
        Piece::Radar => {
            "Technologies you keep an eye on and where you stand on each. Empty a row to remove it."
        }
        Piece::Kpis => {
            "Measures of your own, beside the standard ones, for goals to be measured by. Empty a row to remove it (a goal must not use it then)."
        }
        Piece::Profile | Piece::Money => "",
    }
}

async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, part)): Path<(String, String)>,
    f: FormData,
) -> PageResult {
    let piece = piece_of(&part)?;
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let title = format!("Edit: {}", piece.title().to_lowercase());
    let plan = org.require_plan(&state, &title, Section::Business).await?;
    let doc = plan.doc();
    let mark = DecimalMark::of(&doc.organization);
    let mut errors = Errors::new();
    let stored = serde_json::to_value(doc).unwrap_or(Value::Null);
    let section_before = stored[piece.part().name()].clone();
    let (body, kept, columns) = match piece {
        Piece::Profile => (
            read_profile(&f, &section_before, mark, &mut errors),
            Vec::new(),
            Vec::new(),
        ),
        Piece::Money => {
            let columns = budget_columns();
            let (budget, kept) = read_table(&f, &columns, mark, &mut errors, |_, e| e);
            let mut c = section_before.as_object().cloned().unwrap_or_default();
            c.insert("budget".into(), Value::Array(budget));
            for (name, value) in [
                (
                    "staff_hours_per_month",
                    f.number_in("staff_hours_per_month", mark, &mut errors)
                        .map(json_number),
                ),
                (
                    "max_concurrent",
                    f.number_in("max_concurrent", mark, &mut errors)
                        .map(json_number),
                ),
                (
                    "min_explore_share",
                    percent_of(&f, "min_explore_share", mark, &mut errors),
                ),
            ] {
                match value {
                    Some(v) => c.insert(name.into(), v),
                    None => c.remove(name),
                };
            }
            (Value::Object(c), kept, columns)
        }
        table => {
            let columns = table.columns(doc);
            let ids: Vec<String> = section_before
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|e| e["id"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let mut taken = ids.clone();
            let (items, kept) = read_table(&f, &columns, mark, &mut errors, |row, mut e| {
                match table {
                    Piece::Phases | Piece::Kpis if !e.contains_key("id") => {
                        let name = e.get("name").and_then(Value::as_str).unwrap_or("");
                        let id = rows::id_from(name, &taken);
                        taken.push(id.clone());
                        e.insert("id".into(), Value::from(id));
                    }
                    _ => {}
                }
                if table == Piece::Phases && e.contains_key("initiatives") {
                    // Read from the cell itself: a title may hold a comma.
                    let typed = f.get(&rows::field("initiatives", row));
                    let ids = initiatives_named(doc, typed);
                    e.insert("initiatives".into(), Value::from(ids));
                }
                e
            });
            if table == Piece::Kpis {
                in_use(doc, &items, &mut errors);
            }
            (Value::Array(items), kept, columns)
        }
    };
    if errors.is_empty() {
        if body == section_before {
            return Ok(see_other(&format!(
                "{}?done=saved#{}",
                org.url("business"),
                piece.path()
            )));
        }
        match state
            .store
            .change_plan(&org.scope, Change::Sections(vec![(piece.part(), body)]))
            .await
        {
            Ok(_) => {
                return Ok(see_other(&format!(
                    "{}?done=saved#{}",
                    org.url("business"),
                    piece.path()
                )));
            }
            Err(e) => {
                let e = ApiError::from(e);
                match piece {
                    Piece::Profile => errors.from_api(e, &PROFILE_FIELDS, &[]),
                    Piece::Money => {
                        // `constraints.budget[k].amount` beside its cell; the rest by name.
                        let (table, rest) = split_budget(e);
                        if let Some(t) = table {
                            rows::refused(&mut errors, t, "constraints.budget", &columns, &kept);
                        }
                        if let Some(r) = rest {
                            errors.from_api(r, &MONEY_FIELDS, &[]);
                        }
                    }
                    table => rows::refused(&mut errors, e, table.part().name(), &columns, &kept),
                }
            }
        }
    }
    let v = Values {
        fields: FormData(f.0.clone()),
        rows: rows::typed(&f, &columns),
    };
    let body = form(&org, doc, piece, &v, &errors);
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        org.page(&title, Section::Business, body),
    ))
}

const PROFILE_FIELDS: [&str; 12] = [
    "name",
    "industry",
    "location",
    "employees",
    "annual_revenue",
    "currency",
    "start",
    "horizon_months",
    "evaluation_months",
    "discount_rate",
    "fiscal_year_start",
    "gross_margin",
];

const MONEY_FIELDS: [&str; 3] = [
    "staff_hours_per_month",
    "max_concurrent",
    "min_explore_share",
];

/// A refusal of the money part split into the budget table's problems and the others'.
fn split_budget(e: ApiError) -> (Option<ApiError>, Option<ApiError>) {
    match e {
        ApiError::Invalid(detail, problems) => {
            let (t, r): (Vec<_>, Vec<_>) = problems
                .into_iter()
                .partition(|p| p.path.starts_with("constraints.budget["));
            (
                (!t.is_empty()).then(|| ApiError::Invalid(detail.clone(), t)),
                (!r.is_empty()).then_some(ApiError::Invalid(detail, r)),
            )
        }
        other => (None, Some(other)),
    }
}

/// A KPI removed while a goal is still measured by it is refused in words, with where to
/// change the goal (the plan's own check would speak of the file).
fn in_use(doc: &PlanDoc, kept: &[Value], errors: &mut Errors) {
    for k in &doc.kpis {
        let still = kept.iter().any(|e| e["id"].as_str() == Some(k.id.as_str()));
        if still {
            continue;
        }
        for g in doc
            .goals
            .iter()
            .filter(|g| g.kpi.as_deref() == Some(k.id.as_str()))
        {
            errors.general(format!(
                    "\u{201c}{}\u{201d} measures the goal \u{201c}{}\u{201d}: keep its row, or give that goal another KPI on the Goals page first.",
                k.name, g.title
            ));
        }
    }
}

/// The initiatives a phase's cell names, separated by commas: each by id or by title (any
/// case), a title that holds commas too (the longest run of pieces that names one wins); a
/// piece that names none as typed (the plan's check names it).
fn initiatives_named(doc: &PlanDoc, typed: &str) -> Vec<String> {
    let pieces: Vec<&str> = typed.split(',').collect();
    // A title spans at most as many pieces as the most commas a title of the plan holds.
    let widest = 1 + doc
        .initiatives
        .iter()
        .map(|i| i.title.matches(',').count())
        .max()
        .unwrap_or(0);
    let mut out = Vec::new();
    let mut at = 0;
    while at < pieces.len() {
        let last = pieces.len().min(at + widest);
        let found = (at + 1..=last).rev().find_map(|end| {
            let joined = pieces[at..end].join(",");
            known_initiative(doc, joined.trim()).map(|id| (end, id))
        });
        match found {
            Some((end, id)) => {
                out.push(id);
                at = end;
            }
            None => {
                let piece = pieces[at].trim();
                if !piece.is_empty() {
                    out.push(piece.to_string());
                }
                at += 1;
            }
        }
    }
    out
}

/// The id of the initiative `typed` names, by id or by its title (any case).
fn known_initiative(doc: &PlanDoc, typed: &str) -> Option<String> {
    doc.initiatives
        .iter()
        .find(|i| i.id.as_str() == typed)
        .or_else(|| {
            doc.initiatives
                .iter()
                .find(|i| i.title.eq_ignore_ascii_case(typed))
        })
        .map(|i| i.id.to_string())
}

/// A percentage field as a fraction: `8` and `8%` are 0.08.
fn percent_of(f: &FormData, name: &str, mark: DecimalMark, errors: &mut Errors) -> Option<Value> {
    let raw = f.get(name).trim();
    let x = f.number_in(name, mark, errors)?;
    Some(json_number(if raw.ends_with('%') { x } else { x / 100.0 }))
}

/// The table's entries (each made by `make` from its cells) and the form row of each.
fn read_table(
    f: &FormData,
    columns: &[Column],
    mark: DecimalMark,
    errors: &mut Errors,
    mut make: impl FnMut(usize, Map<String, Value>) -> Map<String, Value>,
) -> (Vec<Value>, Vec<usize>) {
    let mut items = Vec::new();
    let mut kept = Vec::new();
    for (row, _) in rows::posted(f, columns) {
        let e = rows::entry(f, columns, row, mark, errors);
        items.push(Value::Object(make(row, e)));
        kept.push(row);
    }
    (items, kept)
}

/// The profile's form values from the stored organisation (percentages as people write them).
pub fn profile_values(o: &sextant_core::model::Organization) -> FormData {
    FormData(vec![
        ("name".into(), o.name.clone()),
        ("industry".into(), o.industry.clone().unwrap_or_default()),
        ("location".into(), o.location.clone().unwrap_or_default()),
        (
            "employees".into(),
            o.employees.map_or(String::new(), |e| e.to_string()),
        ),
        (
            "annual_revenue".into(),
            o.annual_revenue
                .map_or(String::new(), |r| r.to_f64().to_string()),
        ),
        ("currency".into(), o.currency.clone()),
        ("start".into(), o.start.to_string()),
        ("horizon_months".into(), o.horizon_months.to_string()),
        (
            "evaluation_months".into(),
            o.evaluation_months.map_or(String::new(), |e| e.to_string()),
        ),
        ("discount_rate".into(), percent_value(Some(o.discount_rate))),
        ("fiscal_year_start".into(), o.fiscal_year_start.to_string()),
        ("gross_margin".into(), percent_value(o.gross_margin)),
    ])
}

/// The profile's fields, as the Business page and the guided start ask them; `industry` is the
/// industry's field (a list of the starter plans' industries in the guided start).
pub fn profile_fields(f: &FormData, errors: &Errors, industry: Markup) -> Markup {
    let get = |n: &str| f.get(n).to_string();
    let months: Vec<(String, String)> = MONTHS
        .iter()
        .enumerate()
        .map(|(k, m)| ((k + 1).to_string(), m.to_string()))
        .collect();
    html! {
        (Field::text("name", "Name of the business", get("name")).required().render(errors))
        div.row {
            (industry)
            (Field::text("location", "Country or town", get("location")).render(errors))
            (Field::text("employees", "Employees", get("employees")).kind(Kind::Number("1")).hint("Part-time counted as one").render(errors))
            (Field::text("annual_revenue", "Sales a year", get("annual_revenue")).kind(Kind::Number("any"))
                .hint("Roughly, before costs: what is spent on technology is then also shown as a share of it").render(errors))
        }
        div.row {
            (Field::text("currency", "Currency", get("currency")).required().hint("Three letters: USD, EUR, GBP, CAD, AUD").render(errors))
            (Field::text("fiscal_year_start", "Your financial year starts in", get("fiscal_year_start")).kind(Kind::Select(months)).render(errors))
            (Field::text("start", "Plan from", get("start")).kind(Kind::Month).required().hint("The plan's first month, e.g. next month").render(errors))
        }
        div.row {
            (Field::text("gross_margin", "Gross margin, %", get("gross_margin")).kind(Kind::Number("any"))
                .hint("Of each sale, what is left after the cost of the goods: a bookshop keeps about 40%, a consultancy 70%. Leave it empty if you do not know: extra sales then count in full.").render(errors))
            (Field::text("discount_rate", "What money costs you, % a year", get("discount_rate")).kind(Kind::Number("any")).required()
                .hint("Your loan's interest rate, or 8% if you are unsure: money spent now is weighed against gains later at this rate.").render(errors))
        }
    }
}

/// The profile from its form, on top of the stored one.
pub fn read_profile(f: &FormData, before: &Value, mark: DecimalMark, errors: &mut Errors) -> Value {
    let mut o = before.as_object().cloned().unwrap_or_default();
    let name = f.required("name", errors);
    o.insert("name".into(), Value::from(name));
    for key in ["industry", "location"] {
        match f.opt(key) {
            Some(v) => o.insert(key.into(), Value::from(v)),
            None => o.remove(key),
        };
    }
    let currency = f.required("currency", errors).to_uppercase();
    o.insert("currency".into(), Value::from(currency));
    if let Some(m) = f.month("start", errors) {
        o.insert("start".into(), Value::from(m));
    } else if f.opt("start").is_none() {
        errors.add("start", "this field is required");
    }
    for (key, lo, hi, required) in [
        ("employees", 0, 1_000_000, false),
        ("horizon_months", 1, 240, true),
        ("evaluation_months", 1, 600, false),
        ("fiscal_year_start", 1, 12, true),
    ] {
        match f.whole(key, lo, hi, errors) {
            Some(n) => {
                o.insert(key.into(), json!(n));
            }
            None if f.opt(key).is_none() && required => errors.add(key, "this field is required"),
            None => {
                o.remove(key);
            }
        }
    }
    match percent_of(f, "discount_rate", mark, errors) {
        Some(v) => {
            o.insert("discount_rate".into(), v);
        }
        None if f.opt("discount_rate").is_none() => errors.add(
            "discount_rate",
            "this field is required: 8 if you are unsure",
        ),
        None => {}
    }
    match percent_of(f, "gross_margin", mark, errors) {
        Some(v) => o.insert("gross_margin".into(), v),
        None => o.remove("gross_margin"),
    };
    match f.number_in("annual_revenue", mark, errors) {
        Some(v) if v < 0.0 => {
            errors.add("annual_revenue", "expected an amount of 0 or more");
        }
        Some(v) => {
            o.insert("annual_revenue".into(), json_number(v));
        }
        None => {
            o.remove("annual_revenue");
        }
    }
    Value::Object(o)
}
