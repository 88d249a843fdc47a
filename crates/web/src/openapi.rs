//! The OpenAPI document of the API (`/api/v1/openapi.json`), built from the handlers'
//! annotations, and its browsable reference (`/api/v1/docs`), served from the binary with no
//! CDN.

use axum::Router;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use crate::AppState;

/// The API's document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sextant API",
        description = "Strategic technology planning, alignment and metrics for small businesses. \
Authenticate with `Authorization: Bearer sxt_...` (an API token from POST /api/v1/me/tokens), or \
with the session cookie from POST /api/v1/session plus its CSRF token in `X-CSRF-Token` on \
changing requests. Errors are `application/problem+json` with the path of each problem.",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        crate::auth::setup_status, crate::auth::setup, crate::auth::login, crate::auth::logout,
        crate::auth::me, crate::auth::change_password, crate::auth::tokens,
        crate::auth::create_token, crate::auth::delete_token, crate::auth::sign_out_everywhere,
        crate::auth::sign_out_account, crate::auth::accept,
        crate::accounts::list, crate::accounts::reset, crate::accounts::remove,
        crate::accounts::use_reset,
        crate::orgs::list, crate::orgs::create, crate::orgs::show, crate::orgs::rename,
        crate::orgs::remove, crate::orgs::members, crate::orgs::set_member,
        crate::orgs::remove_member, crate::orgs::invitations, crate::orgs::revoke_invitation,
        crate::plan::export, crate::plan::import, crate::plan::list, crate::plan::create,
        crate::plan::put_single, crate::plan::show, crate::plan::put, crate::plan::remove,
        crate::plan::history,
        crate::data::upload, crate::data::list, crate::data::show, crate::data::content,
        crate::data::remove,
        crate::analysis::analysis, crate::analysis::suggestions, crate::analysis::budget, crate::analysis::roadmap, crate::analysis::simulate,
        crate::analysis::compare, crate::analysis::metrics, crate::analysis::forecast,
        crate::analysis::clv, crate::jobs::create, crate::jobs::list, crate::jobs::show,
        crate::jobs::cancel,
        crate::assessments::list, crate::assessments::one, crate::assessments::score,
        crate::assessments::add_initiatives,
        crate::assets::import, crate::assets::lifecycle, crate::assets::refresh,
        crate::portfolio::portfolio, crate::reviews::agenda, crate::reviews::set_action, crate::reviews::post_answer, crate::reviews::post_pin,
        crate::summary::get_summary, crate::summary::get_pack, crate::summary::post_kept, crate::summary::list_kept, crate::summary::get_kept, crate::summary::delete_kept, crate::summary::get_branding, crate::summary::put_branding, crate::summary::put_logo, crate::summary::delete_logo,
        crate::firm::status, crate::firm::start, crate::firm::confirm, crate::firm::recovery_codes,
        crate::firm::turn_off, crate::firm::reset, crate::firm::set_firm, crate::firm::consultant,
        crate::firm::set_consultant,
    ),
    components(schemas(crate::error::Problem, crate::error::FieldProblem, crate::error::ListPage,
        crate::assessments::AddRemedies, crate::assets::Imported, crate::portfolio::Portfolio,
        crate::portfolio::Client, crate::portfolio::Totals, crate::portfolio::Devices,
        crate::portfolio::Flag, crate::portfolio::Answers, crate::portfolio::AssessmentSummary, crate::reviews::ActionStatus, crate::reviews::AnswerBody, crate::summary::BrandingView, crate::summary::UsedBranding, crate::summary::BrandingBody,
        crate::firm::TwoFactorStatus, crate::firm::SetupKey, crate::firm::CodeRequest,
        crate::firm::RecoveryCodes, crate::firm::FirmRole, crate::firm::AssignConsultant)),
    modifiers(&Security),
    security(("token" = []), ("session" = [])),
    tags(
        (name = "accounts", description = "Set-up, login, the caller's account and API tokens; the administrator's accounts"),
        (name = "organisations", description = "Organisations (clients) and their members"),
        (name = "plan", description = "The plan: import, export, every entity, history"),
        (name = "data", description = "The business's data files"),
        (name = "analysis", description = "Analysis, roadmap, simulation, scenarios, metrics, forecasts, CLV"),
        (name = "assessments", description = "Standards, and assessments against them (stored under the plan's `assessments` section): scores and the remedies as initiatives"),
        (name = "lifecycle", description = "The asset register (stored under the plan's `assets` section, one entity per asset): asset lists imported, warranty and support warnings, the replacement forecast and the hardware refresh"),
        (name = "reviews", description = "The review cadence: the agenda of the next review and the actions agreed at reviews (the reviews themselves are the plan's `reviews` section, each with its `actions`)"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        c.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::extract::SESSION_COOKIE,
            ))),
        );
    }
}

/// The document and the reference page.
pub fn router() -> Router<AppState> {
    let docs: Router<AppState> = SwaggerUi::new("/api/v1/docs")
        .url("/api/v1/openapi.json", ApiDoc::openapi())
        .into();
    // Swagger UI styles its elements inline: its responses alone allow that.
    docs.layer(axum::middleware::map_response(crate::headers::docs))
}
