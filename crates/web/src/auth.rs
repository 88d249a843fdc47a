//! Account routes: first-run set-up, login and logout, the caller's own account, password,
//! API tokens, signing out everywhere (the caller, or any account by the administrator), and
//! accepting an invitation.
//!
//! A successful login (or set-up) also sets a *known-device* cookie, signed by the store with
//! the installation's secret and naming the account: a later login to that account from the
//! device is counted against the device alone, so failures elsewhere, or from the same
//! address, never lock its owner out (see `sextant_store`'s login limit).

use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use serde::{Deserialize, Serialize};
use sextant_store::{ApiToken, NewSession, SignedOut, User};
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Caller, Json, Path, Query, SESSION_COOKIE, Via, cookie};

/// The name of the known-device cookie.
pub const DEVICE_COOKIE: &str = "sextant_device";

/// The account routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/setup", get(setup_status).post(setup))
        .route("/session", post(login).delete(logout))
        .route("/me", get(me))
        .route("/me/password", put(change_password))
        .route("/me/tokens", get(tokens).post(create_token))
        .route("/me/tokens/{id}", delete(delete_token))
        .route("/me/sign-out-everywhere", post(sign_out_everywhere))
        .route("/admin/sign-out-everywhere", post(sign_out_account))
        .route("/invitations/accept", post(accept))
}

/// Whether the installation still needs its administrator.
#[derive(Serialize, ToSchema)]
pub struct SetupStatus {
    /// True until the first administrator is created.
    pub needed: bool,
}

/// Creating the first administrator.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupRequest {
    /// The one-time token printed on the server's console.
    pub token: String,
    /// The administrator's e-mail address.
    pub email: String,
    /// Their name.
    pub name: String,
    /// Their password (10 characters or more).
    pub password: String,
}

/// A login.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// E-mail address.
    pub email: String,
    /// Password.
    pub password: String,
    /// For an account with a second factor: the 6-digit code from the authenticator app, or
    /// a recovery code.
    #[serde(default)]
    pub code: Option<String>,
}

/// The caller, and for a session its CSRF token.
#[derive(Serialize, ToSchema)]
pub struct Me {
    /// Id.
    pub id: i64,
    /// E-mail address.
    pub email: String,
    /// Name.
    pub name: String,
    /// Administrator of the installation.
    pub is_admin: bool,
    /// For a session: the token to send in `X-CSRF-Token` on changing requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

fn me_of(user: User, csrf: Option<String>) -> Me {
    Me {
        id: user.id,
        email: user.email,
        name: user.name,
        is_admin: user.is_admin,
        csrf_token: csrf,
    }
}

/// A password change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordRequest {
    /// The current password.
    pub current_password: String,
    /// The new one (10 characters or more).
    pub new_password: String,
}

/// A new API token's name.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// What the token is for.
    pub name: String,
    /// Days until it stops working (1 to 3650); without it, it works until revoked or the
    /// password changes.
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

/// An API token just made: its secret is shown this once.
#[derive(Serialize, ToSchema)]
pub struct NewToken {
    /// The token as listed.
    #[schema(value_type = Object)]
    pub token: ApiToken,
    /// The secret, for `Authorization: Bearer ...`.
    pub secret: String,
}

/// What signing out everywhere ended.
#[derive(Serialize, ToSchema)]
pub struct SignedOutAccount {
    /// The account signed out.
    pub email: String,
    /// How many of its sessions ended.
    pub sessions_ended: i64,
    /// How many of its API tokens were revoked.
    pub tokens_revoked: i64,
}

fn signed_out(user: &User, done: SignedOut) -> SignedOutAccount {
    SignedOutAccount {
        email: user.email.clone(),
        sessions_ended: done.sessions_ended,
        tokens_revoked: done.tokens_revoked,
    }
}

/// Whether the caller stays signed in.
#[derive(Deserialize)]
pub struct SignOutQuery {
    /// Keep the session or API token of this request (the default); `false` ends it too.
    #[serde(default = "yes")]
    pub keep_current: bool,
}

fn yes() -> bool {
    true
}

/// The account the administrator signs out everywhere.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignOutRequest {
    /// Its e-mail address.
    pub email: String,
}

/// Accepting an invitation.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    /// The invitation token.
    pub token: String,
    /// The person's name (asked of everyone, so that the answer is the same whether or not
    /// the address has an account; an existing account keeps its own).
    #[serde(default)]
    pub name: String,
    /// A new account's password (10 characters or more), or an existing account's own.
    pub password: String,
}

/// The `Set-Cookie` value of a session.
pub fn session_cookie(state: &AppState, token: &str, max_age: i64) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let v = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    );
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The `Set-Cookie` value of a known-device cookie: like the session cookie (HttpOnly,
/// `Secure` behind https) but `SameSite=Strict`, since only this site's own log-in forms and
/// API calls need it, and valid for [`sextant_store::DEVICE_SECONDS`].
pub fn device_cookie(state: &AppState, value: &str) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let v = format!(
        "{DEVICE_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        sextant_store::DEVICE_SECONDS
    );
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Marks the device `user` has just logged in on as known: adds its cookie to `resp`.
pub async fn remember_device(
    state: &AppState,
    user: &User,
    resp: &mut Response,
) -> Result<(), sextant_store::StoreError> {
    let value = state.store.device_cookie(user).await?;
    resp.headers_mut()
        .append(header::SET_COOKIE, device_cookie(state, &value));
    Ok(())
}

pub(crate) fn with_session(
    state: &AppState,
    user: User,
    s: NewSession,
    status: StatusCode,
) -> Response {
    let mut resp = (status, axum::Json(me_of(user, Some(s.csrf)))).into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(state, &s.token, sextant_store::SESSION_SECONDS),
    );
    resp
}

/// The client's address for the login limit: the peer's, or behind trusted proxies the one
/// they forwarded ([`crate::proxy::Proxies::client`]).
pub fn client_key(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<std::net::SocketAddr>,
) -> String {
    state.proxies.client(headers, peer)
}

#[utoipa::path(get, path = "/api/v1/setup", tag = "accounts",
    responses((status = 200, body = SetupStatus)))]
async fn setup_status(State(state): State<AppState>) -> ApiResult<axum::Json<SetupStatus>> {
    Ok(axum::Json(SetupStatus {
        needed: state.store.admin_count().await? == 0,
    }))
}

#[utoipa::path(post, path = "/api/v1/setup", tag = "accounts", request_body = SetupRequest,
    responses((status = 201, body = Me, description = "The administrator, logged in"),
              (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn setup(State(state): State<AppState>, Json(r): Json<SetupRequest>) -> ApiResult<Response> {
    let user = state
        .store
        .complete_setup(&r.token, &r.email, &r.name, &r.password)
        .await?;
    tracing::info!(user = user.id, "administrator created");
    let s = state.store.create_session(&user).await?;
    let known = user.clone();
    let mut resp = with_session(&state, user, s, StatusCode::CREATED);
    remember_device(&state, &known, &mut resp).await?;
    Ok(resp)
}

#[utoipa::path(post, path = "/api/v1/session", tag = "accounts", request_body = LoginRequest,
    responses((status = 200, body = Me, description = "Logged in; the session cookie and the known-device cookie are set"),
              (status = 401, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
async fn login(
    State(state): State<AppState>,
    peer: Option<axum::Extension<ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    Json(r): Json<LoginRequest>,
) -> ApiResult<Response> {
    let client = client_key(&state, &headers, peer.map(|p| p.0.0));
    let device = cookie(&headers, DEVICE_COOKIE);
    let user = state
        .store
        .login_with_code(
            &r.email,
            &r.password,
            r.code.as_deref(),
            &client,
            device.as_deref(),
        )
        .await?;
    let s = state.store.create_session(&user).await?;
    let known = user.clone();
    let mut resp = with_session(&state, user, s, StatusCode::OK);
    remember_device(&state, &known, &mut resp).await?;
    Ok(resp)
}

#[utoipa::path(delete, path = "/api/v1/session", tag = "accounts",
    responses((status = 204, description = "Logged out")))]
async fn logout(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    if let Via::Session(token) = &caller.via {
        state.store.end_session(token).await?;
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(resp)
}

#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = Me), (status = 401, body = crate::error::Problem)))]
async fn me(State(state): State<AppState>, caller: Caller) -> ApiResult<axum::Json<Me>> {
    let csrf = match &caller.via {
        Via::Session(token) => state.store.session(token).await?.map(|(_, c)| c),
        Via::Token(_) => None,
    };
    Ok(axum::Json(me_of(caller.user, csrf)))
}

#[utoipa::path(put, path = "/api/v1/me/password", tag = "accounts", request_body = PasswordRequest,
    responses((status = 204, description = "Changed; the caller's other sessions end and their API tokens are revoked"),
              (status = 422, body = crate::error::Problem),
              (status = 429, body = crate::error::Problem, description = "Too many wrong current passwords with this session or token (from this address, or from all)")))]
async fn change_password(
    State(state): State<AppState>,
    peer: Option<axum::Extension<ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    caller: Caller,
    Json(r): Json<PasswordRequest>,
) -> ApiResult<StatusCode> {
    let client = client_key(&state, &headers, peer.map(|p| p.0.0));
    state
        .store
        .change_password(
            &caller.user,
            &r.current_password,
            &r.new_password,
            caller.credential(),
            &client,
        )
        .await
        .map_err(|e| match e {
            // The store names the password; the request calls it `new_password`.
            sextant_store::LoginError::Store(sextant_store::StoreError::Invalid {
                field,
                message,
            }) if field == "password" => crate::error::ApiError::field("new_password", message),
            other => other.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/me/sign-out-everywhere", tag = "accounts",
    params(("keep_current" = Option<bool>, Query,
        description = "Keep the session or API token of this request (the default); `false` ends it too")),
    responses((status = 200, body = SignedOutAccount,
        description = "Every other session of the caller ended and every other API token revoked; their known devices are forgotten")))]
async fn sign_out_everywhere(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<SignOutQuery>,
) -> ApiResult<Response> {
    let keep = q.keep_current.then(|| caller.credential());
    let done = state.store.sign_out_everywhere(&caller.user, keep).await?;
    tracing::info!(
        user = caller.user.id,
        sessions = done.sessions_ended,
        tokens = done.tokens_revoked,
        "signed out everywhere"
    );
    let mut resp = axum::Json(signed_out(&caller.user, done)).into_response();
    if !q.keep_current && matches!(caller.via, Via::Session(_)) {
        resp.headers_mut()
            .insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    }
    Ok(resp)
}

#[utoipa::path(post, path = "/api/v1/admin/sign-out-everywhere", tag = "accounts", request_body = SignOutRequest,
    responses((status = 200, body = SignedOutAccount,
        description = "Every session of the account ended and every API token revoked; its known devices are forgotten"),
              (status = 403, body = crate::error::Problem, description = "The caller is not the administrator"),
              (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn sign_out_account(
    State(state): State<AppState>,
    caller: Caller,
    Json(r): Json<SignOutRequest>,
) -> ApiResult<axum::Json<SignedOutAccount>> {
    let (user, done) = sign_out_by_admin(&state, &caller, &r.email).await?;
    Ok(axum::Json(signed_out(&user, done)))
}

/// The administrator (`caller`) signs the account of `email` out everywhere (keeping the
/// caller's own credential when the account is the caller's): the account and what ended.
pub async fn sign_out_by_admin(
    state: &AppState,
    caller: &Caller,
    email: &str,
) -> ApiResult<(User, SignedOut)> {
    if !caller.user.is_admin {
        return Err(ApiError::Forbidden(
            "only the administrator of the installation signs other accounts out".into(),
        ));
    }
    let user = state.store.user_by_email(email).await?.ok_or_else(|| {
        ApiError::NotFound(format!(
            "no account has the e-mail address {}",
            email.trim().to_lowercase()
        ))
    })?;
    let keep = (user.id == caller.user.id).then(|| caller.credential());
    let done = state.store.sign_out_everywhere(&user, keep).await?;
    tracing::info!(
        admin = caller.user.id,
        user = user.id,
        sessions = done.sessions_ended,
        tokens = done.tokens_revoked,
        "signed out everywhere by the administrator"
    );
    Ok((user, done))
}

#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "accounts",
    responses((status = 200, body = [Object], description = "The caller's API tokens (never their secrets)")))]
async fn tokens(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<ApiToken>>> {
    Ok(axum::Json(state.store.api_tokens(&caller.user).await?))
}

#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "accounts", request_body = TokenRequest,
    responses((status = 201, body = NewToken)))]
async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    Json(r): Json<TokenRequest>,
) -> ApiResult<(StatusCode, axum::Json<NewToken>)> {
    let (token, secret) = state
        .store
        .create_api_token(&caller.user, &r.name, r.expires_in_days)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(NewToken { token, secret })))
}

#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "accounts",
    params(("id" = i64, Path, description = "The token's id")),
    responses((status = 204, description = "Revoked"), (status = 404, body = crate::error::Problem)))]
async fn delete_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    state.store.delete_api_token(&caller.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/invitations/accept", tag = "accounts", request_body = AcceptRequest,
    responses((status = 200, body = Me, description = "Accepted and logged in"),
              (status = 204, description = "Accepted; the account signs in with a second factor, so it logs in with POST /api/v1/session and its code"),
              (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem),
              (status = 429, body = crate::error::Problem)))]
async fn accept(
    State(state): State<AppState>,
    peer: Option<axum::Extension<ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    Json(r): Json<AcceptRequest>,
) -> ApiResult<Response> {
    let client = client_key(&state, &headers, peer.map(|p| p.0.0));
    let (user, _) = state
        .store
        .accept_invitation(&r.token, &r.name, &r.password, &client)
        .await?;
    // An invitation is no second factor: an account with one logs in with its code.
    if state.store.two_factor(&user).await?.on {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let s = state.store.create_session(&user).await?;
    Ok(with_session(&state, user, s, StatusCode::OK))
}
