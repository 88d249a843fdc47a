//! The executive summary through the API: one page in the owner's words (what the plan does
//! for each goal, what it costs this year and next, the chance it loses money, the decisions
//! asked of the owner, what changed since the last review, what is at risk), made by
//! `sextant_ops::summary` from the organisation's analysis, its optimised roadmap (the one the
//! pages keep), the budget on that roadmap with the asset register's replacements, the
//! simulation of that roadmap and the agenda of its next review: as `sextant summary` makes it.
//!
//! The review pack: the same summary with the roadmap, budget, business cases, risks,
//! assessments, devices and reviews, typeset by `sextant_pack` as a PDF document or 16:9
//! slides, as `sextant report --format pdf|slides` writes it.
//!
//! Packs kept with their review: made and stored as they were handed over, listed, downloaded
//! unchanged and deleted (`sextant_store::KeptPack`).
//!
//! The organisation's own branding of its packs (the consultant's name, colour and logo for
//! this client), each part over the installation's (`brand_*` in the configuration).
//!
//! Routes: `GET /api/v1/orgs/{org}/summary`, `GET /api/v1/orgs/{org}/pack`,
//! `GET/PUT /api/v1/orgs/{org}/branding`, `PUT/DELETE /api/v1/orgs/{org}/branding/logo`,
//! `GET/POST /api/v1/orgs/{org}/reviews/{id}/packs`,
//! `GET/DELETE /api/v1/orgs/{org}/reviews/{id}/packs/{n}`.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use sextant_core::model::Date;
use sextant_ops::summary::{self, Summary};
use sextant_store::Scope;
use utoipa::IntoParams;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Caller, Path, Query};
use crate::orgs::scope;
use crate::reviews::AgendaQuery;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/summary", get(get_summary))
        .route("/orgs/{org}/pack", get(get_pack))
        .route("/orgs/{org}/branding", get(get_branding).put(put_branding))
        .route(
            "/orgs/{org}/branding/logo",
            axum::routing::put(put_logo).delete(delete_logo),
        )
        .route(
            "/orgs/{org}/reviews/{id}/packs",
            get(list_kept).post(post_kept),
        )
        .route(
            "/orgs/{org}/reviews/{id}/packs/{n}",
            get(get_kept).delete(delete_kept),
        )
}

/// Everything a summary and a pack are made from, for one organisation on one day.
pub(crate) struct Gathered {
    a: std::sync::Arc<crate::ui::compute::Analysed>,
    planned: std::sync::Arc<crate::ui::compute::Planned>,
    lifecycle: Option<sextant_core::asset::Lifecycle>,
    meetings: Vec<sextant_core::review::Meeting>,
    assessments: Vec<(String, sextant_core::standard::Scored)>,
    today: Date,
}

impl Gathered {
    /// What the summary is made with besides the plan.
    fn context(&self) -> summary::Context<'_> {
        summary::Context {
            today: self.today,
            meetings: &self.meetings,
            assessments: &self.assessments,
            lifecycle: self.lifecycle.as_ref(),
        }
    }
}

pub(crate) async fn gather(
    state: &AppState,
    s: &Scope,
    today: Date,
) -> ApiResult<Option<Gathered>> {
    let Some(a) = crate::ui::compute::analysed_in(state, s).await? else {
        return Ok(None);
    };
    let planned = crate::ui::compute::roadmap_in(state, s, a.plan.clone(), 1.0, None).await?;
    let (list, lc, _) = crate::assets::worked_out(state, s, today, 1).await?;
    let meetings: Vec<_> = crate::reviews::all_reviews(state, s)
        .await?
        .iter()
        .filter_map(|(_, r)| r.meeting())
        .collect();
    let assessments = crate::reviews::scored_assessments(state, s).await?;
    Ok(Some(Gathered {
        a,
        planned,
        lifecycle: (!list.is_empty()).then_some(lc),
        meetings,
        assessments,
        today,
    }))
}

/// The budget, the simulation of the kept roadmap, the agenda and the summary
/// (`sextant_ops::summary::summarise`), or the problem when cancelled.
fn make(g: &Gathered, cancel: &crate::work::Cancel) -> ApiResult<summary::Summarised> {
    let m = summary::summarise(
        &g.a.plan,
        &g.a.analysis,
        &g.a.series,
        &g.planned.roadmap,
        &g.context(),
        &cancel.stop(),
    );
    if cancel.is_cancelled() {
        return Err(crate::analysis::cancelled(cancel));
    }
    Ok(m)
}

/// The executive summary of the organisation prepared on `today`, or `None` when it has no
/// plan.
pub async fn summary_of(state: &AppState, s: &Scope, today: Date) -> ApiResult<Option<Summary>> {
    Ok(summarised_of(state, s, today).await?.map(|m| m.summary))
}

/// The executive summary of the organisation prepared on `today` with what it was made from
/// (the budget, the simulation, the scenarios), or `None` when it has no plan.
pub async fn summarised_of(
    state: &AppState,
    s: &Scope,
    today: Date,
) -> ApiResult<Option<summary::Summarised>> {
    let Some(g) = gather(state, s, today).await? else {
        return Ok(None);
    };
    let made = state
        .work
        .run(s.org_id(), state.work.all(), move |cancel| make(&g, cancel))
        .await?;
    Ok(Some(made))
}

/// What pack to make.
#[derive(Debug, Clone)]
pub struct PackRequest {
    /// The document or the slides.
    pub format: sextant_pack::Format,
    /// The document's paper.
    pub paper: sextant_pack::Paper,
    /// The parts.
    pub parts: Vec<sextant_pack::Part>,
}

/// The organisation's review pack prepared on `today` (PDF bytes), or `None` when it has no
/// plan.
pub async fn pack_of(
    state: &AppState,
    s: &Scope,
    today: Date,
    req: PackRequest,
) -> ApiResult<Option<Vec<u8>>> {
    let Some(g) = gather(state, s, today).await? else {
        return Ok(None);
    };
    let branding = branding_of(state, s).await?;
    let bytes = state
        .work
        .run(s.org_id(), state.work.all(), move |cancel| {
            typeset_pack(&g, &branding, &req, cancel)
        })
        .await?;
    Ok(Some(bytes))
}

/// The pack of what `g` holds, as `req` asks, typeset (the work of [`pack_of`] and of a pack
/// job, on a worker).
pub(crate) fn typeset_pack(
    g: &Gathered,
    branding: &sextant_pack::Branding,
    req: &PackRequest,
    cancel: &crate::work::Cancel,
) -> ApiResult<Vec<u8>> {
    let m = make(g, cancel)?;
    let data = sextant_pack::data(&sextant_pack::Inputs {
        plan: &g.a.plan,
        analysis: &g.a.analysis,
        series: &g.a.series,
        roadmap: &g.planned.roadmap,
        made: &m,
        context: &g.context(),
        branding,
        paper: req.paper,
        parts: &req.parts,
    });
    sextant_pack::typeset(&data, req.format).map_err(|e| ApiError::Internal(e.to_string()))
}

/// The day `today` names, or today.
pub fn day(today: Option<&str>) -> ApiResult<Date> {
    match today.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(crate::ui::today_date().unwrap_or_else(|| Date::from_days(0))),
        Some(t) => Date::parse(t).ok_or_else(|| {
            ApiError::field(
                "today",
                format!(
                    "expected a day YYYY-MM-DD, found `{}`",
                    t.chars().take(40).collect::<String>()
                ),
            )
        }),
    }
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/summary", tag = "reviews",
    params(("org" = String, Path, description = "The organisation's slug"), AgendaQuery),
    responses((status = 200, description = "As `sextant summary --format json`: the organisation, the day, the sentences of each part (overview, goals, costs, loss, decisions, changes, risks), each with the page that explains it (relative to the organisation), and the figures the sentences state (unrounded, from the analysis, the roadmap, the budget and the simulation)", body = Object),
              (status = 404, body = crate::error::Problem, description = "The organisation has no plan yet"),
              (status = 422, body = crate::error::Problem)))]
async fn get_summary(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<AgendaQuery>,
) -> ApiResult<axum::Json<Summary>> {
    let s = scope(&state, &caller, &org).await?;
    let today = day(q.today.as_deref())?;
    summary_of(&state, &s, today)
        .await?
        .map(axum::Json)
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "plan of `{}`: none imported yet (PUT /api/v1/orgs/{}/plan with a plan file)",
                s.slug(),
                s.slug()
            ))
        })
}

/// The pack asked for.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
// Read by `crate::extract::Query`, which the OpenAPI generator does not know for a query.
#[into_params(parameter_in = Query)]
pub struct PackQuery {
    /// `pdf` (the default) or `slides`.
    #[serde(default)]
    pub format: Option<String>,
    /// `a4` (the default) or `letter`.
    #[serde(default)]
    pub paper: Option<String>,
    /// The parts, separated by commas (default: all): summary, goals, roadmap, budget, cases,
    /// scenarios, risks, assessments, lifecycle, reviews, appendix.
    #[serde(default)]
    pub parts: Option<String>,
    /// The day to prepare it on, `YYYY-MM-DD` (default: today).
    #[serde(default)]
    pub today: Option<String>,
}

impl PackQuery {
    /// The request, or the problem with the first field that is wrong.
    pub fn check(&self) -> ApiResult<PackRequest> {
        let format = match self.format.as_deref().map(str::trim) {
            None | Some("" | "pdf") => sextant_pack::Format::Pdf,
            Some("slides") => sextant_pack::Format::Slides,
            Some(other) => {
                return Err(ApiError::field(
                    "format",
                    format!(
                        "expected pdf or slides (the workbook is GET .../budget?format=xlsx), found `{}`",
                        other.chars().take(40).collect::<String>()
                    ),
                ));
            }
        };
        let paper = match self
            .paper
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            None => sextant_pack::Paper::A4,
            Some(p) => sextant_pack::Paper::parse(p).ok_or_else(|| {
                ApiError::field(
                    "paper",
                    format!(
                        "expected a4 or letter, found `{}`",
                        p.chars().take(40).collect::<String>()
                    ),
                )
            })?,
        };
        let parts = sextant_pack::Part::list(self.parts.as_deref().unwrap_or(""))
            .map_err(|m| ApiError::field("parts", m))?;
        Ok(PackRequest {
            format,
            paper,
            parts,
        })
    }
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/pack", tag = "reviews",
    params(("org" = String, Path, description = "The organisation's slug"), PackQuery),
    responses((status = 200, content_type = "application/pdf", description = "The review pack as `sextant report --format pdf|slides` writes it: a cover with the client's name, the day and the installation's branding, contents, page numbers, the executive summary, goals, roadmap, budget by year and quarter, business cases and their uncertainty, risks, assessments, devices, decisions and actions, assumptions; or the same as 16:9 slides"),
              (status = 404, body = crate::error::Problem, description = "The organisation has no plan yet"),
              (status = 422, body = crate::error::Problem)))]
async fn get_pack(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<PackQuery>,
) -> ApiResult<Response> {
    let s = scope(&state, &caller, &org).await?;
    let req = q.check()?;
    let today = day(q.today.as_deref())?;
    let format = req.format;
    let bytes = pack_of(&state, &s, today, req).await?.ok_or_else(|| {
        ApiError::NotFound(format!(
            "plan of `{}`: none imported yet (PUT /api/v1/orgs/{}/plan with a plan file)",
            s.slug(),
            s.slug()
        ))
    })?;
    let name = pack_name(s.slug(), today, format);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (
                header::CONTENT_DISPOSITION,
                crate::headers::attachment(&name),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The file name of a pack: `corner-bookstore-review-2026-12-04.pdf`, `-slides` for slides.
fn pack_name(slug: &str, today: Date, format: sextant_pack::Format) -> String {
    format!(
        "{slug}-review-{today}{}.pdf",
        if format == sextant_pack::Format::Slides {
            "-slides"
        } else {
            ""
        }
    )
}

/// Makes the organisation's pack as `req` asks, prepared on `today`, and keeps it with the
/// review `review` (an editor's to do): what the client is handed, kept unchanged.
pub async fn keep(
    state: &AppState,
    s: &Scope,
    review: &str,
    req: PackRequest,
    today: Date,
) -> ApiResult<sextant_store::KeptPack> {
    review_to_keep(state, s, review).await?;
    let format = req.format;
    let bytes = pack_of(state, s, today, req).await?.ok_or_else(|| {
        ApiError::NotFound(format!(
            "plan of `{}`: none imported yet (PUT /api/v1/orgs/{}/plan with a plan file)",
            s.slug(),
            s.slug()
        ))
    })?;
    store_kept(state, s, review, format, today, &bytes).await
}

/// Checks that packs can be kept with `review` in `s`: an editor's, a review that exists.
pub(crate) async fn review_to_keep(state: &AppState, s: &Scope, review: &str) -> ApiResult<()> {
    s.require(sextant_store::Role::Editor)?;
    state
        .store
        .entity(s, sextant_store::Section::Reviews, review)
        .await
        .map_err(|e| match e {
            sextant_store::StoreError::NotFound(_) => {
                ApiError::NotFound(format!("review `{review}`"))
            }
            other => other.into(),
        })?;
    Ok(())
}

/// Keeps `bytes`, a pack of `format` prepared on `today`, with `review`.
pub(crate) async fn store_kept(
    state: &AppState,
    s: &Scope,
    review: &str,
    format: sextant_pack::Format,
    today: Date,
    bytes: &[u8],
) -> ApiResult<sextant_store::KeptPack> {
    let word = if format == sextant_pack::Format::Slides {
        "slides"
    } else {
        "pdf"
    };
    Ok(state
        .store
        .keep_pack(s, review, word, &pack_name(s.slug(), today, format), bytes)
        .await?)
}

#[utoipa::path(post, path = "/api/v1/orgs/{org}/reviews/{id}/packs", tag = "reviews",
    params(("org" = String, Path, description = "The organisation's slug"),
           ("id" = String, Path, description = "The review's id"), PackQuery),
    responses((status = 201, description = "The pack made as `GET .../pack` makes it and kept with the review: {id, review, format, name, bytes, created_at, created_by}", body = Object),
              (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem, description = "No such review, or no plan yet"),
              (status = 422, body = crate::error::Problem, description = "A bad format, paper, part or day, or the review keeps 20 packs already")))]
async fn post_kept(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, id)): Path<(String, String)>,
    Query(q): Query<PackQuery>,
) -> ApiResult<(StatusCode, axum::Json<sextant_store::KeptPack>)> {
    let s = scope(&state, &caller, &org).await?;
    let req = q.check()?;
    let today = day(q.today.as_deref())?;
    let kept = keep(&state, &s, &id, req, today).await?;
    Ok((StatusCode::CREATED, axum::Json(kept)))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/reviews/{id}/packs", tag = "reviews",
    params(("org" = String, Path, description = "The organisation's slug"),
           ("id" = String, Path, description = "The review's id")),
    responses((status = 200, description = "The packs kept with the review, oldest first", body = Object),
              (status = 404, body = crate::error::Problem, description = "No such review")))]
async fn list_kept(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<Vec<sextant_store::KeptPack>>> {
    let s = scope(&state, &caller, &org).await?;
    let packs = state.store.kept_packs(&s, &id).await?;
    // No such review is a 404, as on the routes beside it (packs kept with a review since
    // deleted are still listed).
    if packs.is_empty()
        && let Err(sextant_store::StoreError::NotFound(_)) = state
            .store
            .entity(&s, sextant_store::Section::Reviews, &id)
            .await
    {
        return Err(ApiError::NotFound(format!("review `{id}`")));
    }
    Ok(axum::Json(packs))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/reviews/{id}/packs/{n}", tag = "reviews",
    params(("org" = String, Path, description = "The organisation's slug"),
           ("id" = String, Path, description = "The review's id"),
           ("n" = i64, Path, description = "The kept pack's id")),
    responses((status = 200, content_type = "application/pdf", description = "The pack as it was kept, byte for byte"),
              (status = 404, body = crate::error::Problem)))]
async fn get_kept(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, id, n)): Path<(String, String, i64)>,
) -> ApiResult<Response> {
    let s = scope(&state, &caller, &org).await?;
    let (info, bytes) = state.store.kept_pack_content(&s, &id, n).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (
                header::CONTENT_DISPOSITION,
                crate::headers::attachment(&info.name),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[utoipa::path(delete, path = "/api/v1/orgs/{org}/reviews/{id}/packs/{n}", tag = "reviews",
    params(("org" = String, Path, description = "The organisation's slug"),
           ("id" = String, Path, description = "The review's id"),
           ("n" = i64, Path, description = "The kept pack's id")),
    responses((status = 204, description = "Deleted"),
              (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem)))]
async fn delete_kept(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, id, n)): Path<(String, String, i64)>,
) -> ApiResult<StatusCode> {
    let s = scope(&state, &caller, &org).await?;
    state.store.delete_kept_pack(&s, &id, n).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The branding of the organisation's packs: its own name, colour and logo where set, the
/// installation's otherwise (a stored logo that no longer reads is left out).
pub async fn branding_of(state: &AppState, s: &Scope) -> ApiResult<sextant_pack::Branding> {
    Ok(over(&state.branding, state.store.org_brand(s).await?))
}

/// The installation's branding with an organisation's own parts over it.
fn over(
    installation: &sextant_pack::Branding,
    own: sextant_store::OrgBrand,
) -> sextant_pack::Branding {
    let mut b = installation.clone();
    if let Some(n) = own.name {
        b.name = n;
    }
    if let Some(c) = own.colour {
        b.colour = c;
    }
    if let Some(l) = own.logo.and_then(|l| sextant_pack::Logo::read(l).ok()) {
        b.logo = Some(l);
    }
    b
}

/// An organisation's branding as the API shows it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct BrandingView {
    /// Its own name on the packs' covers, or null for the installation's.
    pub name: Option<String>,
    /// Its own colour, or null for the installation's.
    pub colour: Option<String>,
    /// Its own logo's kind (`png`, `jpg`, `svg`), or null for the installation's.
    pub logo: Option<String>,
    /// What the packs use: the name, the colour and whether there is a logo.
    pub used: UsedBranding,
}

/// The branding the packs use.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct UsedBranding {
    /// The name.
    pub name: String,
    /// The colour.
    pub colour: String,
    /// The logo's kind, if any.
    pub logo: Option<String>,
}

/// The organisation's branding as the API shows it.
pub async fn branding_view(state: &AppState, s: &Scope) -> ApiResult<BrandingView> {
    let own = state.store.org_brand(s).await?;
    let used = over(&state.branding, own.clone());
    Ok(BrandingView {
        name: own.name,
        colour: own.colour,
        logo: own
            .logo
            .and_then(|l| sextant_pack::Logo::read(l).ok())
            .map(|l| l.kind.to_string()),
        used: UsedBranding {
            name: used.name,
            colour: used.colour,
            logo: used.logo.map(|l| l.kind.to_string()),
        },
    })
}

/// The name and colour to set (null or absent: the installation's).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BrandingBody {
    /// The name on the covers ("Prepared by").
    #[serde(default)]
    pub name: Option<String>,
    /// The colour, `#RRGGBB`.
    #[serde(default)]
    pub colour: Option<String>,
}

/// Sets the organisation's name and colour, keeping its logo (an owner's to do); a colour that
/// is not `#RRGGBB` is refused naming the field.
pub async fn set_branding(state: &AppState, s: &Scope, body: &BrandingBody) -> ApiResult<()> {
    set_brand(state, s, body, None).await
}

/// [`set_branding`] and, when `logo` is given, [`set_logo`]'s change too, each checked before
/// anything is stored, then stored in one write: a refused logo leaves the name and colour as
/// they were.
pub async fn set_brand(
    state: &AppState,
    s: &Scope,
    body: &BrandingBody,
    logo: Option<Option<Vec<u8>>>,
) -> ApiResult<()> {
    let mut own = state.store.org_brand(s).await?;
    if let Some(logo) = logo {
        if let Some(bytes) = &logo {
            sextant_pack::Logo::checked(bytes.clone()).map_err(|m| ApiError::field("logo", m))?;
        }
        own.logo = logo;
    }
    own.name = body
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    own.colour = match body
        .colour
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None => None,
        Some(c) => Some(sextant_pack::colour(c).map_err(|m| ApiError::field("colour", m))?),
    };
    Ok(state.store.set_org_brand(s, &own).await?)
}

/// Sets the organisation's logo (or removes it with `None`), an owner's to do; bytes that are
/// not a PNG, JPEG or SVG image are refused naming the field.
pub async fn set_logo(state: &AppState, s: &Scope, logo: Option<Vec<u8>>) -> ApiResult<()> {
    let mut own = state.store.org_brand(s).await?;
    if let Some(bytes) = &logo {
        sextant_pack::Logo::checked(bytes.clone()).map_err(|m| ApiError::field("logo", m))?;
    }
    own.logo = logo;
    Ok(state.store.set_org_brand(s, &own).await?)
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/branding", tag = "reviews",
    params(("org" = String, Path, description = "The organisation's slug")),
    responses((status = 200, body = BrandingView)))]
async fn get_branding(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> ApiResult<axum::Json<BrandingView>> {
    let s = scope(&state, &caller, &org).await?;
    Ok(axum::Json(branding_view(&state, &s).await?))
}

#[utoipa::path(put, path = "/api/v1/orgs/{org}/branding", tag = "reviews",
    params(("org" = String, Path, description = "The organisation's slug")),
    request_body = BrandingBody,
    responses((status = 200, body = BrandingView),
              (status = 403, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
async fn put_branding(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    crate::extract::Json(body): crate::extract::Json<BrandingBody>,
) -> ApiResult<axum::Json<BrandingView>> {
    let s = scope(&state, &caller, &org).await?;
    set_branding(&state, &s, &body).await?;
    Ok(axum::Json(branding_view(&state, &s).await?))
}

#[utoipa::path(put, path = "/api/v1/orgs/{org}/branding/logo", tag = "reviews",
    params(("org" = String, Path, description = "The organisation's slug")),
    request_body(content = Vec<u8>, content_type = "image/png", description = "A PNG, JPEG or SVG image of at most 1 MiB"),
    responses((status = 200, body = BrandingView),
              (status = 403, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
async fn put_logo(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    _: crate::extract::FileBody,
    body: axum::body::Bytes,
) -> ApiResult<axum::Json<BrandingView>> {
    let s = scope(&state, &caller, &org).await?;
    s.require(sextant_store::Role::Owner)?;
    set_logo(&state, &s, Some(body.to_vec())).await?;
    Ok(axum::Json(branding_view(&state, &s).await?))
}

#[utoipa::path(delete, path = "/api/v1/orgs/{org}/branding/logo", tag = "reviews",
    params(("org" = String, Path, description = "The organisation's slug")),
    responses((status = 200, body = BrandingView),
              (status = 403, body = crate::error::Problem)))]
async fn delete_logo(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> ApiResult<axum::Json<BrandingView>> {
    let s = scope(&state, &caller, &org).await?;
    set_logo(&state, &s, None).await?;
    Ok(axum::Json(branding_view(&state, &s).await?))
}
