//! The web pages: server-rendered HTML (maud) over the same store and library calls as the
//! API, working without JavaScript. Every page is built by [`layout`]; every form carries the
//! session's CSRF token ([`Viewer::check`]); every organisation page starts from [`OrgPage`],
//! which finds the organisation only among the viewer's own (another organisation's pages
//! answer 404, as the API does). Charts come from `sextant_report::chart`, the module the
//! printable report uses too. The style sheet and the one small script (the budget slider's
//! live label) are served from the binary under `/assets/`.
//!
//! Module per area: `account` (set-up, log-in, log-out, the organisation list, the account
//! page: password, signing out everywhere), `accounts` (the administrator's accounts, and
//! choosing a new password with a reset link), `members`,
//! `dashboard`, `goals` (goals and KPI pages), `strategy` (SWOT), `systems`, `initiatives`,
//! `roadmap`, `risks`, `scenarios`, `data` (import), `reviews`, `portfolio`; `editor` is the
//! add, change and delete flow that systems, initiatives and risks share.

pub mod account;
pub mod accounts;
pub mod advice;
pub mod assessments;
pub mod assets;
pub mod budget;
pub mod business;
pub mod compute;
pub mod customers;
pub mod dashboard;
pub mod data;
pub mod editor;
pub mod form;
pub mod goals;
pub mod initiatives;
pub mod matrix;
pub mod members;
pub mod portfolio;
pub mod report;
pub mod reviews;
pub mod risks;
pub mod roadmap;
pub mod rows;
pub mod scenarios;
pub mod start;
pub mod strategy;
pub mod suggestions;
pub mod summary;
pub mod systems;
pub mod two_factor;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use sextant_store::{Role, Scope, StoreError, User};

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{SESSION_COOKIE, constant_time_eq, cookie};

/// Every page route.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assets/sextant.css", get(css))
        .route("/assets/sextant.js", get(js))
        .route("/assets/favicon.svg", get(favicon))
        .route("/favicon.ico", get(favicon))
        .merge(account::router())
        .merge(accounts::router())
        .merge(members::router())
        .merge(dashboard::router())
        .merge(business::router())
        .merge(start::router())
        .merge(goals::router())
        .merge(matrix::router())
        .merge(strategy::router())
        .merge(systems::router())
        .merge(initiatives::router())
        .merge(suggestions::router())
        .merge(roadmap::router())
        .merge(budget::router())
        .merge(risks::router())
        .merge(scenarios::router())
        .merge(data::router())
        .merge(customers::router())
        .merge(reviews::router())
        .merge(assessments::router())
        .merge(assets::router())
        .merge(portfolio::router())
        .merge(two_factor::router())
        .merge(report::router())
        .merge(summary::router())
}

async fn css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../assets/sextant.css"),
    )
        .into_response()
}

/// The icon browsers ask for on every first visit (`/favicon.ico` too, which they try when a
/// page names none): an SVG, drawn by hand.
async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../assets/favicon.svg"),
    )
        .into_response()
}

async fn js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../assets/sextant.js"),
    )
        .into_response()
}

/// The person looking at a page: signed in with a session cookie.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// Who.
    pub user: User,
    /// The session's CSRF token, which every form repeats.
    pub csrf: String,
}

impl Viewer {
    /// Checks a form's CSRF token against the session's.
    pub fn check(&self, sent: &str) -> Result<(), PageError> {
        if !sent.is_empty() && constant_time_eq(sent.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(PageError::Forbidden(
                "This form has expired or did not come from this site. Go back, reload the page \
                 and try again."
                    .into(),
            ))
        }
    }

    /// The hidden CSRF field of a form.
    pub fn csrf_field(&self) -> Markup {
        html! { input type="hidden" name="csrf" value=(self.csrf); }
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let to_login = || {
            let path = parts.uri.path();
            let next = if path == "/" || path.starts_with("//") {
                String::new()
            } else {
                format!("?next={}", form::url_encode(path))
            };
            Redirect::to(&format!("/login{next}")).into_response()
        };
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(to_login());
        };
        match state.store.session(&token).await {
            Ok(Some((user, csrf))) => {
                if let Some(r) = two_factor_gate(state, &user, parts.uri.path()).await {
                    return Err(r);
                }
                Ok(Viewer { user, csrf })
            }
            Ok(None) => Err(to_login()),
            Err(e) => Err(PageError::from(e).into_response()),
        }
    }
}

/// Where the installation requires a second factor, an account without one sets it up before
/// anything else: the redirect to its page, unless `path` is one of those it may open.
pub async fn two_factor_gate(
    state: &AppState,
    user: &sextant_store::User,
    path: &str,
) -> Option<Response> {
    if !state.require_two_factor || two_factor::OPEN.contains(&path) {
        return None;
    }
    match state.store.two_factor(user).await {
        Ok(t) if !t.on => Some(Redirect::to("/account/two-factor").into_response()),
        Ok(_) => None,
        Err(e) => Some(PageError::from(e).into_response()),
    }
}

/// An organisation's page context: the viewer's scope in it and its name.
#[derive(Debug, Clone)]
pub struct OrgPage {
    /// The viewer.
    pub viewer: Viewer,
    /// The viewer's scope in the organisation.
    pub scope: Scope,
    /// Its display name.
    pub name: String,
}

impl OrgPage {
    /// The organisation `slug`, when the viewer is a member (404 otherwise, as for one that
    /// does not exist).
    pub async fn open(state: &AppState, viewer: Viewer, slug: &str) -> Result<OrgPage, PageError> {
        let scope = state.store.scope(&viewer.user, slug).await?;
        let org = state.store.org(&scope).await?;
        Ok(OrgPage {
            viewer,
            scope,
            name: org.name,
        })
    }

    /// Its slug.
    pub fn slug(&self) -> &str {
        self.scope.slug()
    }

    /// The URL of one of its pages (`""` for the dashboard).
    pub fn url(&self, rest: &str) -> String {
        if rest.is_empty() {
            format!("/orgs/{}", self.slug())
        } else {
            format!("/orgs/{}/{rest}", self.slug())
        }
    }

    /// The organisation `slug` for a change a form posts: the viewer a member (404 otherwise),
    /// the form's CSRF token the session's and the viewer's role editor or owner (403
    /// otherwise).
    pub async fn for_change(
        state: &AppState,
        viewer: Viewer,
        slug: &str,
        f: &form::FormData,
    ) -> Result<OrgPage, PageError> {
        let org = OrgPage::open(state, viewer, slug).await?;
        org.viewer.check(f.csrf())?;
        org.require_edit()?;
        Ok(org)
    }

    /// The viewer may change the plan and the data.
    pub fn can_edit(&self) -> bool {
        self.scope.role() >= Role::Editor
    }

    /// Whether a page of the organisation (`rel`, relative to it) changes things, and so
    /// answers a viewer "forbidden": a form to add (`…/new`) or edit (`…/edit`), the business
    /// forms (`business/…`), the first-plan pages (`start`).
    pub fn changes(rel: &str) -> bool {
        rel.ends_with("/new")
            || rel.ends_with("/edit")
            || rel.starts_with("business/")
            || rel == "start"
            || rel.starts_with("start/")
    }

    /// A link to fix something on the page `rel` (relative to the organisation) with `words`:
    /// for a viewer, who cannot, the page's words only, with who can (no link that would lead to
    /// "forbidden").
    pub fn fix_link(&self, rel: &str, words: &str) -> Markup {
        if self.can_edit() || !Self::changes(rel) {
            html! { a href=(self.url(rel)) { (words) } }
        } else {
            html! { (words) " (an editor or owner of " (self.name) " can)" }
        }
    }

    /// Refuses a change to a viewer.
    pub fn require_edit(&self) -> Result<(), PageError> {
        if self.can_edit() {
            Ok(())
        } else {
            Err(PageError::Forbidden(format!(
                "You are a viewer of {}: you can look at everything but change nothing. Ask an \
                 owner for the editor role.",
                self.name
            )))
        }
    }

    /// The organisation's plan, checked, if one is stored.
    pub async fn plan(
        &self,
        state: &AppState,
    ) -> Result<Option<std::sync::Arc<sextant_core::Plan>>, PageError> {
        Ok(state.store.plan(&self.scope).await?)
    }

    /// The organisation's plan; when none is stored, the page `title` of `section` saying so
    /// (and what a plan would show there) is shown instead.
    pub async fn require_plan(
        &self,
        state: &AppState,
        title: &str,
        section: Section,
    ) -> Result<std::sync::Arc<sextant_core::Plan>, PageError> {
        self.plan(state)
            .await?
            .ok_or_else(|| self.no_plan_page(title, section))
    }

    /// The page `title` of `section` saying the organisation has no plan yet (and what a plan
    /// would show there), as an error that shows it.
    pub fn no_plan_page(&self, title: &str, section: Section) -> PageError {
        PageError::Shown(Box::new(render(self.page(
            title,
            section,
            no_plan(self, section.with_a_plan()),
        ))))
    }

    /// A page of this organisation: the layout with the organisation's navigation.
    pub fn page(&self, title: &str, active: Section, body: Markup) -> Markup {
        layout(title, Some(&self.viewer), Some((self, active)), body)
    }
}

/// The organisation's sections, in the navigation's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// The dashboard.
    Dashboard,
    /// The business: profile, budget and capacity, people, phases, watch list, own KPIs.
    Business,
    /// Goals and KPIs.
    Goals,
    /// SWOT and strategy.
    Strategy,
    /// Systems and integrations.
    Systems,
    /// Initiatives.
    Initiatives,
    /// The roadmap.
    Roadmap,
    /// The multi-year budget.
    Budget,
    /// Risks.
    Risks,
    /// Scenarios.
    Scenarios,
    /// Data import.
    Data,
    /// Reviews.
    Reviews,
    /// Assessments against standards.
    Assessments,
    /// The asset register and the lifecycle.
    Assets,
    /// Members.
    Members,
}

impl Section {
    /// What a plan lets this section do, for the page that says there is none.
    fn with_a_plan(self) -> &'static str {
        match self {
            Section::Initiatives => "to see and edit its initiatives",
            Section::Risks => "to see and edit its risks",
            Section::Systems => "to see and edit its systems",
            Section::Roadmap => "to schedule its initiatives",
            Section::Budget => "to see what its technology costs by year",
            Section::Scenarios => "to compare its scenarios",
            Section::Business => "to set its budget, people and watch list",
            _ => "",
        }
    }

    const ALL: [(Section, &'static str, &'static str); 15] = [
        (Section::Dashboard, "", "Dashboard"),
        (Section::Business, "business", "Business"),
        (Section::Goals, "goals", "Goals & KPIs"),
        (Section::Strategy, "swot", "SWOT"),
        (Section::Systems, "systems", "Systems"),
        (Section::Initiatives, "initiatives", "Initiatives"),
        (Section::Roadmap, "roadmap", "Roadmap"),
        (Section::Budget, "budget", "Budget"),
        (Section::Risks, "risks", "Risks"),
        (Section::Scenarios, "scenarios", "Scenarios"),
        (Section::Data, "data", "Data"),
        (Section::Reviews, "reviews", "Reviews"),
        (Section::Assessments, "assessments", "Assessments"),
        (Section::Assets, "assets", "Assets"),
        (Section::Members, "members", "Members"),
    ];
}

/// The whole page: header, navigation, the body, footer.
pub fn layout(
    title: &str,
    viewer: Option<&Viewer>,
    org: Option<(&OrgPage, Section)>,
    body: Markup,
) -> Markup {
    let heading = match org {
        Some((o, _)) => format!("{title} – {}", o.name),
        None => title.to_string(),
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (heading) " – Sextant" }
                link rel="icon" type="image/svg+xml" href="/assets/favicon.svg";
                link rel="stylesheet" href="/assets/sextant.css";
                script src="/assets/sextant.js" defer {}
            }
            body {
                a.skip href="#main" { "Skip to the content" }
                header.top {
                    a.brand href="/" { "Sextant" }
                    @if let Some(v) = viewer {
                        nav aria-label="Account" {
                            a href="/" { "Organisations" }
                            a href="/portfolio" { "Portfolio" }
                            a href="/account" { "Your account" }
                            span.who { (v.user.name) }
                            form.inline method="post" action="/logout" {
                                (v.csrf_field())
                                button.link type="submit" { "Log out" }
                            }
                        }
                    }
                }
                @if let Some((o, active)) = org {
                    nav.org aria-label=(format!("{} sections", o.name)) {
                        span.orgname { (o.name) }
                        ul {
                            @for (s, path, label) in Section::ALL {
                                li {
                                    @if s == active {
                                        a href=(o.url(path)) aria-current="page" { (label) }
                                    } @else {
                                        a href=(o.url(path)) { (label) }
                                    }
                                }
                            }
                        }
                    }
                }
                main #main {
                    // On paper the navigation is gone: the business's name stays above the title.
                    @if let Some((o, _)) = org { p.printonly { (o.name) } }
                    h1 { (title) }
                    (body)
                }
                footer { "Sextant – technology planning for small businesses. " a href="/api/v1/docs" { "API reference" } }
            }
        }
    }
}

/// A page as a response.
pub fn render(markup: Markup) -> Response {
    Html(markup.into_string()).into_response()
}

/// A page as a response with a status.
pub fn render_status(status: StatusCode, markup: Markup) -> Response {
    (status, Html(markup.into_string())).into_response()
}

/// Why a page cannot be shown: each answered with a page of its own and the right status.
#[derive(Debug)]
pub enum PageError {
    /// 404: not there, or not the viewer's to see.
    NotFound(String),
    /// 403.
    Forbidden(String),
    /// 400/409/422/429/503 with a message the person can act on.
    Status(StatusCode, String),
    /// 500: logged, not shown.
    Internal(String),
    /// Not an error: a page shown instead of the one asked for (say, "there is no plan yet").
    Shown(Box<Response>),
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        ApiError::from(e).into()
    }
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::NotFound(m) => PageError::NotFound(m),
            ApiError::Forbidden(m) => PageError::Forbidden(m),
            ApiError::Internal(m) => PageError::Internal(m),
            ApiError::Unauthorized | ApiError::Credentials => {
                PageError::Status(StatusCode::UNAUTHORIZED, "Log in again.".into())
            }
            other => {
                let status = other.status();
                PageError::Status(status, other.detail())
            }
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, message) = match self {
            PageError::Shown(page) => return *page,
            PageError::NotFound(m) => (StatusCode::NOT_FOUND, "Not found", first_upper(&m)),
            PageError::Forbidden(m) => (StatusCode::FORBIDDEN, "Not allowed", m),
            PageError::Status(s, m) => (s, s.canonical_reason().unwrap_or("Error"), m),
            PageError::Internal(m) => {
                tracing::error!(error = %m, "page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "Something went wrong on the server; the log has the details.".to_string(),
                )
            }
        };
        let body = html! {
            p.error role="alert" { (message) }
            p { a href="/" { "Back to your organisations" } }
        };
        render_status(status, layout(title, None, None, body))
    }
}

fn first_upper(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect::<String>() + ".",
        None => String::new(),
    }
}

/// A page handler's result.
pub type PageResult = Result<Response, PageError>;

/// Every entity of a section kept beside the plan (reviews, assessments, assets).
pub async fn all_entities(
    state: &AppState,
    org: &OrgPage,
    part: sextant_store::Section,
) -> Result<Vec<sextant_store::Entity>, PageError> {
    Ok(state.store.all_entities(&org.scope, part).await?)
}

/// `?done=` after a change: what [`notice`] says.
#[derive(serde::Deserialize)]
pub struct Done {
    /// What was done (`saved`, `added`...).
    pub done: Option<String>,
}

/// A notice shown once after a change (`?done=saved`): fixed texts, never the query's words.
pub fn notice(done: Option<&str>) -> Markup {
    let text = match done.unwrap_or("") {
        "saved" => "Saved.",
        "deleted" => "Deleted.",
        "created" => "Created.",
        "imported" => "Imported.",
        "replaced" => "Imported, in place of the earlier file that covered the same days.",
        "added" => "Added.",
        "removed" => "Removed.",
        "none" => "Nothing was ticked, so nothing was added.",
        "answered" => "Your answer is saved, with your name and today's date.",
        "pinned" => "Kept on the roadmap: its start is fixed at the month shown.",
        "kept" => "The pack is made and kept with this review.",
        "started" => {
            "Your first plan is saved. Below: how the goals stand, what the optimised roadmap does first, and what the health checks ask you to look at."
        }
        _ => return html! {},
    };
    html! { p.notice role="status" { (text) } }
}

/// The result of a handler that redirects after a successful post.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// A goal's standing as a badge: in words, coloured by its class.
pub fn standing(s: sextant_core::kpi::Standing) -> Markup {
    use sextant_core::kpi::Standing as S;
    let class = match s {
        S::Achieved => "achieved",
        S::OnTrack => "on_track",
        S::AtRisk => "at_risk",
        S::OffTrack | S::Missed => "off_track",
        S::NoData | S::NotMeasurable => "no_data",
    };
    html! { span class=(format!("badge {class}")) { (s.label()) } }
}

/// A plan finding's severity as a badge.
pub fn severity(s: sextant_core::checks::Severity) -> Markup {
    use sextant_core::checks::Severity as S;
    let class = match s {
        S::Error => "bad",
        S::Warning => "warn",
        S::Info => "none",
    };
    html! { span class=(format!("badge {class}")) { (s.label()) } }
}

/// A chart in a figure with its caption.
pub fn figure(svg: String, caption: &str) -> Markup {
    // On a phone the chart keeps a readable size and scrolls sideways (a shadow at the edge says
    // there is more); the region takes the keyboard's focus to scroll.
    html! { figure.chart { div.chart-scroll tabindex="0" role="region" aria-label="Chart, scrolls sideways on small screens" { (PreEscaped(svg)) } figcaption { (caption) } } }
}

/// `bytes` random bytes from the operating system, as hex.
pub fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    getrandom::fill(&mut b).unwrap_or_else(|e| panic!("no operating-system randomness: {e}"));
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Any other address: a page saying so.
pub async fn not_found(uri: axum::http::Uri) -> Response {
    PageError::NotFound(format!("there is no page {}", uri.path())).into_response()
}

/// What a page of the plan says when no plan is stored: where to import one, and what it would
/// show (`what`: "to see and edit its risks").
pub fn no_plan(org: &OrgPage, what: &str) -> Markup {
    html! {
        p { "There is no plan for " (org.name) " yet. "
            @if org.can_edit() { a href=(org.url("start")) { "Start your plan" } " in five short pages, or " }
            a href=(org.url("data")) { "import a plan file on the Data page" }
            @if what.is_empty() { "." } @else { " " (what) "." } }
    }
}

/// Today's date (UTC) as the plan's dates are.
pub fn today_date() -> Option<sextant_core::model::Date> {
    let (y, m, d) = today();
    sextant_core::model::Date::new(sextant_core::model::Month::new(y, m)?, d)
}

/// Today's date (UTC), as year, month and day.
pub fn today() -> (i32, u32, u32) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    sextant_metrics::calendar::civil_from_days((secs / 86_400) as i32)
}
