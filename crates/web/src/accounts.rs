//! The installation's accounts, for its administrator: the list, a one-time link with which a
//! person chooses a new password (sent to them by e-mail when it is set up, handed to the
//! administrator otherwise), and removing an account; and using a reset link.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post};
use serde::{Deserialize, Serialize};
use sextant_store::{Account, Page, User};
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Caller, Json, Path, Query};
use crate::orgs::{DeliveryView, PageQuery};

/// The account routes of the administrator, and using a reset link.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accounts", get(list))
        .route("/accounts/{id}", delete(remove))
        .route("/accounts/{id}/reset", post(reset))
        .route("/password-reset", post(use_reset))
}

/// Refuses anyone but the installation's administrator.
pub fn require_admin(user: &User) -> ApiResult<()> {
    if user.is_admin {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "only the administrator of the installation manages its accounts".into(),
        ))
    }
}

/// A reset link just made.
#[derive(Serialize, ToSchema)]
pub struct ResetView {
    /// The account it is for.
    pub id: i64,
    /// Its e-mail address.
    pub email: String,
    /// When the link stops working (RFC 3339).
    pub expires_at: String,
    /// What became of the e-mail to the account's address.
    pub delivery: DeliveryView,
    /// When it was not sent by e-mail: the token, for `POST /api/v1/password-reset` (or the
    /// page `/reset?token=...`), to pass on to the person; shown this once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// Choosing a new password with a reset link.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    /// The token of the link.
    pub token: String,
    /// The new password (10 characters or more).
    pub password: String,
}

#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts", params(PageQuery),
    responses((status = 200, body = crate::error::ListPage, description = "The installation's accounts, by e-mail address, each with its organisations"),
              (status = 403, body = crate::error::Problem)))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<PageQuery>,
) -> ApiResult<axum::Json<Page<Account>>> {
    require_admin(&caller.user)?;
    Ok(axum::Json(
        state.store.accounts(&caller.user, q.paging()).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/accounts/{id}/reset", tag = "accounts",
    params(("id" = i64, Path, description = "The account's id")),
    responses((status = 201, body = ResetView, description = "A one-time link made: sent to the account's address by e-mail, or, when it was not, its token in `token`. The account's password, sessions and tokens stay until it is used."),
              (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn reset(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<(StatusCode, axum::Json<ResetView>)> {
    require_admin(&caller.user)?;
    let made = state.store.create_reset(&caller.user, id).await?;
    tracing::info!(
        account = id,
        by = caller.user.id,
        "password reset link made"
    );
    let delivery = crate::mail::send_reset(&state, &made).await;
    let link = !delivery.sent();
    Ok((
        StatusCode::CREATED,
        axum::Json(ResetView {
            id: made.user.id,
            delivery: DeliveryView::of(&delivery, &made.user.email, "the reset link", link),
            email: made.user.email,
            expires_at: made.expires_at,
            token: link.then_some(made.token),
        }),
    ))
}

#[utoipa::path(delete, path = "/api/v1/accounts/{id}", tag = "accounts",
    params(("id" = i64, Path, description = "The account's id")),
    responses((status = 204, description = "Removed, with its memberships, sessions and API tokens"),
              (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem, description = "The administrator's own account, or the only owner of an organisation")))]
async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    require_admin(&caller.user)?;
    state.store.remove_account(&caller.user, id).await?;
    tracing::info!(account = id, by = caller.user.id, "account removed");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/password-reset", tag = "accounts", request_body = ResetRequest,
    responses((status = 200, body = crate::auth::Me, description = "The password is changed, the account's other sessions and its API tokens are ended, and this client is logged in"),
              (status = 204, description = "The password is changed and the account's sessions and API tokens ended; the account signs in with a second factor, so it logs in with POST /api/v1/session and its code"),
              (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn use_reset(
    State(state): State<AppState>,
    Json(r): Json<ResetRequest>,
) -> ApiResult<Response> {
    let user = state.store.complete_reset(&r.token, &r.password).await?;
    tracing::info!(account = user.id, "password reset");
    // A reset link is no second factor: an account with one logs in with its code.
    if state.store.two_factor(&user).await?.on {
        return Ok(axum::response::IntoResponse::into_response(
            StatusCode::NO_CONTENT,
        ));
    }
    let s = state.store.create_session(&user).await?;
    Ok(crate::auth::with_session(&state, user, s, StatusCode::OK))
}
