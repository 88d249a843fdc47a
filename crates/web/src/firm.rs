//! The consultant's firm through the API: signing in with a second factor (set up, confirmed,
//! recovery codes, turned off; required of every account by the installation's
//! `require_two_factor`), the firm's administrators (who see every organisation as owners),
//! and each organisation's assigned consultant.
//!
//! Routes: `GET/POST/DELETE /api/v1/me/two-factor`, `POST /api/v1/me/two-factor/confirm`,
//! `POST /api/v1/me/two-factor/recovery-codes`, `DELETE /api/v1/accounts/{id}/two-factor`,
//! `PUT /api/v1/accounts/{id}/firm`, `GET/PUT /api/v1/orgs/{org}/consultant`.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use serde::{Deserialize, Serialize};
use sextant_store::{Consultant, StoreError, User};
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Caller, Json, Path};
use crate::orgs::scope;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/two-factor", get(status).post(start).delete(turn_off))
        .route("/me/two-factor/confirm", post(confirm))
        .route("/me/two-factor/recovery-codes", post(recovery_codes))
        .route("/accounts/{id}/two-factor", delete(reset))
        .route("/accounts/{id}/firm", put(set_firm))
        .route(
            "/orgs/{org}/consultant",
            get(consultant).put(set_consultant),
        )
}

/// The unix time now.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The caller's second factor.
#[derive(Serialize, ToSchema)]
pub struct TwoFactorStatus {
    /// A code is asked at login.
    pub on: bool,
    /// Recovery codes not yet used.
    pub recovery_codes_left: i64,
    /// This installation requires a second factor of every account.
    pub required: bool,
}

#[utoipa::path(get, path = "/api/v1/me/two-factor", tag = "accounts",
    responses((status = 200, body = TwoFactorStatus)))]
async fn status(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<TwoFactorStatus>> {
    let t = state.store.two_factor(&caller.user).await?;
    Ok(axum::Json(TwoFactorStatus {
        on: t.on,
        recovery_codes_left: t.recovery_left,
        required: state.require_two_factor,
    }))
}

/// A key being set up.
#[derive(Serialize, ToSchema)]
pub struct SetupKey {
    /// The key to type into the authenticator app (base32, in groups of four).
    pub key: String,
    /// The `otpauth://` address its QR code carries.
    pub uri: String,
}

#[utoipa::path(post, path = "/api/v1/me/two-factor", tag = "accounts",
    responses((status = 201, body = SetupKey, description = "A new key, kept aside until confirmed with a code from the app (POST /api/v1/me/two-factor/confirm); a second factor already on stays on until then")))]
async fn start(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<(StatusCode, axum::Json<SetupKey>)> {
    let s = state.store.start_two_factor(&caller.user).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(SetupKey {
            key: s.key,
            uri: s.uri,
        }),
    ))
}

/// A code from the authenticator app (or, where it says so, a recovery code).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    /// The 6-digit code.
    pub code: String,
}

/// Recovery codes, shown this once.
#[derive(Serialize, ToSchema)]
pub struct RecoveryCodes {
    /// Ten codes, each usable once in place of the app's code.
    pub recovery_codes: Vec<String>,
}

#[utoipa::path(post, path = "/api/v1/me/two-factor/confirm", tag = "accounts", request_body = CodeRequest,
    responses((status = 200, body = RecoveryCodes, description = "The second factor is on; ten recovery codes, shown this once"),
              (status = 422, body = crate::error::Problem)))]
async fn confirm(
    State(state): State<AppState>,
    caller: Caller,
    Json(r): Json<CodeRequest>,
) -> ApiResult<axum::Json<RecoveryCodes>> {
    let codes = state
        .store
        .confirm_two_factor(&caller.user, &r.code, unix_now())
        .await?;
    Ok(axum::Json(RecoveryCodes {
        recovery_codes: codes,
    }))
}

/// Refuses a change to the second factor without a current code from the app or a recovery
/// code (a stolen session cannot turn it off).
async fn require_code(state: &AppState, user: &User, code: &str) -> ApiResult<()> {
    if state.store.check_code(user, code, unix_now()).await? {
        Ok(())
    } else {
        Err(ApiError::field(
            "code",
            "wrong code: expected the 6-digit code the authenticator app shows now, or an unused recovery code",
        ))
    }
}

#[utoipa::path(post, path = "/api/v1/me/two-factor/recovery-codes", tag = "accounts", request_body = CodeRequest,
    responses((status = 200, body = RecoveryCodes, description = "Ten new recovery codes, replacing the earlier ones, shown this once"),
              (status = 422, body = crate::error::Problem)))]
async fn recovery_codes(
    State(state): State<AppState>,
    caller: Caller,
    Json(r): Json<CodeRequest>,
) -> ApiResult<axum::Json<RecoveryCodes>> {
    require_code(&state, &caller.user, &r.code).await?;
    let codes = state.store.new_recovery_codes(&caller.user).await?;
    Ok(axum::Json(RecoveryCodes {
        recovery_codes: codes,
    }))
}

#[utoipa::path(delete, path = "/api/v1/me/two-factor", tag = "accounts", request_body = CodeRequest,
    responses((status = 204, description = "The second factor is off; its recovery codes are forgotten"),
              (status = 409, body = crate::error::Problem, description = "This installation requires a second factor"),
              (status = 422, body = crate::error::Problem)))]
async fn turn_off(
    State(state): State<AppState>,
    caller: Caller,
    Json(r): Json<CodeRequest>,
) -> ApiResult<StatusCode> {
    if state.require_two_factor {
        return Err(ApiError::Conflict(
            "this installation requires a second factor of every account: it cannot be turned off (set up a new phone with POST /api/v1/me/two-factor instead)".into(),
        ));
    }
    require_code(&state, &caller.user, &r.code).await?;
    state
        .store
        .stop_two_factor(&caller.user, caller.user.id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/accounts/{id}/two-factor", tag = "accounts",
    params(("id" = i64, Path, description = "The account's id")),
    responses((status = 204, description = "The account's second factor is off (a lost phone): it signs in with its password alone until it sets up a new one"),
              (status = 404, body = crate::error::Problem)))]
async fn reset(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    if !caller.user.is_admin {
        return Err(ApiError::NotFound(format!("account {id}")));
    }
    state.store.stop_two_factor(&caller.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whether an account administers the firm.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FirmRole {
    /// Sees every organisation as its owner without being a member.
    pub sees_all: bool,
}

#[utoipa::path(put, path = "/api/v1/accounts/{id}/firm", tag = "accounts", request_body = FirmRole,
    params(("id" = i64, Path, description = "The account's id")),
    responses((status = 204, description = "Changed (the installation's administrator only)"),
              (status = 404, body = crate::error::Problem)))]
async fn set_firm(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(r): Json<FirmRole>,
) -> ApiResult<StatusCode> {
    state
        .store
        .set_sees_all(&caller.user, id, r.sees_all)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An organisation's assigned consultant, by e-mail address.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignConsultant {
    /// A member's (or a firm administrator's) e-mail address; `null` for nobody.
    pub email: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/consultant", tag = "organisations",
    params(("org" = String, Path, description = "The organisation's slug")),
    responses((status = 200, description = "The assigned consultant ({id, email, name}), or null", body = Object)))]
async fn consultant(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> ApiResult<axum::Json<Option<Consultant>>> {
    let s = scope(&state, &caller, &org).await?;
    Ok(axum::Json(state.store.consultant(&s).await?))
}

#[utoipa::path(put, path = "/api/v1/orgs/{org}/consultant", tag = "organisations", request_body = AssignConsultant,
    params(("org" = String, Path, description = "The organisation's slug")),
    responses((status = 200, description = "The assigned consultant ({id, email, name}), or null", body = Object),
              (status = 403, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem, description = "Not a member of the organisation nor a firm administrator")))]
async fn set_consultant(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Json(r): Json<AssignConsultant>,
) -> ApiResult<axum::Json<Option<Consultant>>> {
    let s = scope(&state, &caller, &org).await?;
    let c = state
        .store
        .set_consultant(&s, r.email.as_deref())
        .await
        .map_err(|e| match e {
            StoreError::Invalid { field, message } => ApiError::field(field, message),
            other => other.into(),
        })?;
    Ok(axum::Json(c))
}
