//! Set-up, logging in and out, accepting an invitation, the home page (the viewer's
//! organisations, and for the administrator a form to create one), and the account page
//! (changing the password, signing out everywhere else, and for the administrator signing any
//! account out everywhere).
//!
//! The forms of a person not yet logged in (set-up, log-in, invitation) carry a CSRF token in a
//! `SameSite=Strict` cookie that the form must repeat; once logged in, forms repeat the
//! session's own token ([`Viewer::check`]).

use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;

use super::form::{Errors, Field, FormData, Kind};
use super::{PageResult, Viewer, layout, notice, render, render_status, see_other};
use crate::AppState;
use crate::auth::{DEVICE_COOKIE, client_key, remember_device, session_cookie};
use crate::extract::{Query, SESSION_COOKIE, constant_time_eq, cookie};

/// The form CSRF cookie of the pages seen before logging in.
const FORM_COOKIE: &str = "sextant_form";

/// The account routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/orgs", post(create_org))
        .route("/setup", get(setup_form).post(setup))
        .route("/login", get(login_form).post(login))
        .route("/login/code", post(login_code))
        .route("/logout", post(logout))
        .route("/account", get(account))
        .route("/account/password", post(change_password))
        .route("/account/sign-out-everywhere", post(sign_out_everywhere))
        .route("/account/sign-out-account", post(sign_out_account))
        .route("/invitations/accept", get(accept_form).post(accept))
}

/// A fresh form token, and the cookie that carries it.
pub(super) fn form_token(state: &AppState) -> (String, HeaderValue) {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).unwrap_or_else(|e| panic!("no operating-system randomness: {e}"));
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let c = format!("{FORM_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}");
    (
        token,
        HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static("")),
    )
}

pub(super) fn form_ok(headers: &HeaderMap, sent: &str) -> bool {
    cookie(headers, FORM_COOKIE)
        .is_some_and(|c| !c.is_empty() && constant_time_eq(c.as_bytes(), sent.as_bytes()))
}

pub(super) fn with_cookie(mut resp: Response, c: HeaderValue) -> Response {
    resp.headers_mut().append(header::SET_COOKIE, c);
    resp
}

/// Where to go after logging in: a path of this site only. Browsers drop tabs and line breaks
/// from addresses and read `\\` as `/`, so a path with any of them (`/\t/evil.example`) could
/// lead elsewhere: only plain path characters are taken.
fn local(next: Option<&str>) -> String {
    let plain = |n: &str| {
        n.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/-_.~%?=&+".contains(c))
    };
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && plain(n) => n.into(),
        _ => "/".into(),
    }
}

#[derive(Deserialize)]
struct HomeQuery {
    done: Option<String>,
}

async fn home(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HomeQuery>,
) -> Response {
    if state.store.user_count().await.unwrap_or(1) == 0 {
        let body = html! {
            p { "This installation has no administrator yet. Open the set-up link printed on the \
                 server's console to create one." }
        };
        return render(layout("Welcome to Sextant", None, None, body));
    }
    let viewer = match cookie(&headers, SESSION_COOKIE) {
        Some(token) => match state.store.session(&token).await {
            Ok(Some((user, csrf))) => Viewer { user, csrf },
            _ => return Redirect::to("/login").into_response(),
        },
        None => return Redirect::to("/login").into_response(),
    };
    if let Some(r) = super::two_factor_gate(&state, &viewer.user, "/").await {
        return r;
    }
    home_page(&state, &viewer, q.done.as_deref(), &Errors::new(), None).await
}

async fn home_page(
    state: &AppState,
    viewer: &Viewer,
    done: Option<&str>,
    errors: &Errors,
    form: Option<&FormData>,
) -> Response {
    let orgs = state
        .store
        .orgs_of(&viewer.user, sextant_store::Paging::new(None, Some(500)))
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let get = |n: &str| form.map_or(String::new(), |f| f.get(n).to_string());
    let body = html! {
        (notice(done))
        @if orgs.is_empty() {
            p { "You are not a member of any organisation yet. An owner of one can invite you; \
                 the administrator creates organisations." }
        } @else {
            table.list {
                caption { "Your organisations" }
                thead { tr { th scope="col" { "Organisation" } th scope="col" { "Your role" } } }
                tbody {
                    @for (o, role) in &orgs {
                        tr {
                            td { a href=(format!("/orgs/{}", o.slug)) { (o.name) } }
                            td { (role.as_str()) }
                        }
                    }
                }
            }
            p { a href="/portfolio" { "Portfolio: every organisation's goals, spend and systems on one page" } }
        }
        @if viewer.user.is_admin {
            p { a href="/accounts" { "The installation's accounts: reset a password, remove an account" } }
            section aria-labelledby="new-org" {
                h2 #new-org { "Create an organisation" }
                (errors.summary())
                form method="post" action="/orgs" {
                    (viewer.csrf_field())
                    (Field::text("name", "Name", get("name")).required().render(errors))
                    (Field::text("slug", "Short name for web addresses", get("slug")).required()
                        .hint("Lower-case letters, digits and hyphens, e.g. corner-bookstore").render(errors))
                    button type="submit" { "Create" }
                }
            }
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_status(status, layout("Organisations", Some(viewer), None, body))
}

async fn create_org(State(state): State<AppState>, viewer: Viewer, f: FormData) -> PageResult {
    viewer.check(f.csrf())?;
    if !viewer.user.is_admin {
        return Err(super::PageError::Forbidden(
            "Only the administrator of this installation creates organisations.".into(),
        ));
    }
    let mut errors = Errors::new();
    let name = f.required("name", &mut errors);
    let slug = f.required("slug", &mut errors);
    if errors.is_empty() {
        match state.store.create_org(&viewer.user, &slug, &name).await {
            Ok(o) => return Ok(see_other(&format!("/orgs/{}?done=created", o.slug))),
            Err(e) => errors.from_api(e.into(), &["name", "slug"], &[]),
        }
    }
    Ok(home_page(&state, &viewer, None, &errors, Some(&f)).await)
}

/// The set-up link's query.
#[derive(Deserialize)]
struct SetupQuery {
    token: Option<String>,
}

fn setup_page(state: &AppState, token: &str, errors: &Errors, f: Option<&FormData>) -> Response {
    let (csrf, c) = form_token(state);
    let get = |n: &str| f.map_or(String::new(), |f| f.get(n).to_string());
    let body = html! {
        (errors.summary())
        p { "Create the administrator of this installation. The administrator creates an \
             organisation for each business and invites its people." }
        form method="post" action="/setup" {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="token" value=(token);
            (Field::text("name", "Your name", get("name")).required().render(errors))
            (Field::text("email", "E-mail address", get("email")).kind(Kind::Email).required().render(errors))
            (Field::text("password", "Password", "").kind(Kind::Password).required()
                .hint("10 characters or more").render(errors))
            button type="submit" { "Create the administrator" }
        }
    };
    with_cookie(render(layout("Set up Sextant", None, None, body)), c)
}

async fn setup_form(State(state): State<AppState>, Query(q): Query<SetupQuery>) -> Response {
    // Set up until there is an administrator: the demo's owner is not one.
    if state.store.admin_count().await.unwrap_or(1) > 0 {
        return Redirect::to("/login?done=set-up").into_response();
    }
    setup_page(
        &state,
        q.token.as_deref().unwrap_or(""),
        &Errors::new(),
        None,
    )
}

async fn setup(State(state): State<AppState>, headers: HeaderMap, f: FormData) -> Response {
    let mut errors = Errors::new();
    if !form_ok(&headers, f.csrf()) {
        errors.general("The form expired; please send it again.");
        let mut r = setup_page(&state, f.get("token"), &errors, Some(&f));
        *r.status_mut() = StatusCode::FORBIDDEN;
        return r;
    }
    match state
        .store
        .complete_setup(
            f.get("token"),
            f.get("email"),
            f.get("name"),
            f.get("password"),
        )
        .await
    {
        Ok(user) => signed_in(&state, &user, "/").await,
        Err(e) => {
            errors.from_api(e.into(), &["name", "email", "password"], &[]);
            let mut r = setup_page(&state, f.get("token"), &errors, Some(&f));
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            r
        }
    }
}

#[derive(Deserialize)]
struct LoginQuery {
    next: Option<String>,
    done: Option<String>,
}

fn login_page(
    state: &AppState,
    next: &str,
    email: &str,
    errors: &Errors,
    note: Option<&'static str>,
) -> Response {
    let (csrf, c) = form_token(state);
    let body = html! {
        @if let Some(n) = note { p.notice role="status" { (n) } }
        (errors.summary())
        form method="post" action="/login" {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="next" value=(next);
            (Field::text("email", "E-mail address", email).kind(Kind::Email).required().render(errors))
            (Field::text("password", "Password", "").kind(Kind::Password).required().render(errors))
            button type="submit" { "Log in" }
        }
    };
    with_cookie(render(layout("Log in to Sextant", None, None, body)), c)
}

async fn login_form(State(state): State<AppState>, Query(q): Query<LoginQuery>) -> Response {
    // A set-up link opened after the administrator was made: said in fixed words.
    let note = match q.done.as_deref() {
        Some("set-up") => Some(
            "This installation is set up already: its administrator was created. Log in below, or ask the administrator for an invitation.",
        ),
        Some("code") => Some(
            "Done. Your account signs in with a second factor: log in with your password, then the code from your authenticator app.",
        ),
        _ => None,
    };
    login_page(&state, &local(q.next.as_deref()), "", &Errors::new(), note)
}

async fn login(
    State(state): State<AppState>,
    peer: Option<axum::Extension<ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    f: FormData,
) -> Response {
    let next = local(Some(f.get("next")));
    let mut errors = Errors::new();
    if !form_ok(&headers, f.csrf()) {
        errors.general("The form expired; please try again.");
        let mut r = login_page(&state, &next, f.get("email"), &errors, None);
        *r.status_mut() = StatusCode::FORBIDDEN;
        return r;
    }
    let client = client_key(&state, &headers, peer.map(|p| p.0.0));
    let device = cookie(&headers, DEVICE_COOKIE);
    match state
        .store
        .login_from(
            f.get("email"),
            f.get("password"),
            &client,
            device.as_deref(),
        )
        .await
    {
        Ok(user) => signed_in(&state, &user, &next).await,
        Err(sextant_store::LoginError::CodeNeeded { challenge }) => {
            code_page(&state, &next, &challenge, &Errors::new(), StatusCode::OK)
        }
        Err(e) => login_refused(&state, &next, f.get("email"), e),
    }
}

/// The login form again with why a login was refused: 429 when too many failed, 401 otherwise.
fn login_refused(
    state: &AppState,
    next: &str,
    email: &str,
    e: sextant_store::LoginError,
) -> Response {
    let status = match e {
        sextant_store::LoginError::RateLimited { .. } | sextant_store::LoginError::Busy { .. } => {
            StatusCode::TOO_MANY_REQUESTS
        }
        _ => StatusCode::UNAUTHORIZED,
    };
    let mut errors = Errors::new();
    errors.general(crate::error::ApiError::from(e).detail());
    let mut r = login_page(state, next, email, &errors, None);
    *r.status_mut() = status;
    r
}

/// The second step of a login with a second factor: the code, with the challenge the
/// password gave.
fn code_page(
    state: &AppState,
    next: &str,
    challenge: &str,
    errors: &Errors,
    status: StatusCode,
) -> Response {
    let (csrf, c) = form_token(state);
    let body = html! {
        (errors.summary())
        p { "Your password is right. Open the authenticator app on your phone and type the 6-digit code it shows for Sextant." }
        form method="post" action="/login/code" {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="next" value=(next);
            input type="hidden" name="challenge" value=(challenge);
            (Field::text("code", "Code from the app", "").required()
                .hint("No phone? Type one of your recovery codes instead.").render(errors))
            button type="submit" { "Log in" }
        }
        p { a href="/login" { "Start again" } }
    };
    let mut r = with_cookie(
        render(layout("Log in: the code from your app", None, None, body)),
        c,
    );
    *r.status_mut() = status;
    r
}

async fn login_code(
    State(state): State<AppState>,
    peer: Option<axum::Extension<ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    f: FormData,
) -> Response {
    let next = local(Some(f.get("next")));
    let challenge = f.get("challenge").to_string();
    let mut errors = Errors::new();
    if !form_ok(&headers, f.csrf()) {
        errors.general("The form expired; please log in again.");
        let mut r = login_page(&state, &next, "", &errors, None);
        *r.status_mut() = StatusCode::FORBIDDEN;
        return r;
    }
    let client = client_key(&state, &headers, peer.map(|p| p.0.0));
    let device = cookie(&headers, DEVICE_COOKIE);
    match state
        .store
        .finish_login(&challenge, f.get("code"), &client, device.as_deref())
        .await
    {
        Ok(user) => signed_in(&state, &user, &next).await,
        Err(sextant_store::LoginError::BadCode) => {
            errors.add(
                "code",
                "wrong code: type the 6 digits the app shows now (they change every 30 seconds), or an unused recovery code",
            );
            code_page(&state, &next, &challenge, &errors, StatusCode::UNAUTHORIZED)
        }
        Err(e) => login_refused(&state, &next, "", e),
    }
}

async fn logout(State(state): State<AppState>, headers: HeaderMap, f: FormData) -> PageResult {
    if let Some(token) = cookie(&headers, SESSION_COOKIE)
        && let Ok(Some((user, csrf))) = state.store.session(&token).await
    {
        let viewer = Viewer { user, csrf };
        viewer.check(f.csrf())?;
        let _ = state.store.end_session(&token).await;
    }
    Ok(with_cookie(
        Redirect::to("/login").into_response(),
        session_cookie(&state, "", 0),
    ))
}

/// After a successful set-up or login: a session, the device known, and on to `next`; a
/// person sent to the list of organisations who has only one (and administers nothing else)
/// goes straight to it.
async fn signed_in(state: &AppState, user: &sextant_store::User, next: &str) -> Response {
    let mut next = next.to_string();
    if next == "/" && !user.is_admin {
        let one = sextant_store::Paging {
            offset: 0,
            limit: 2,
        };
        if let Ok(page) = state.store.orgs_of(user, one).await
            && page.total == 1
            && let Some((org, _)) = page.items.first()
        {
            next = format!("/orgs/{}", org.slug);
        }
    }
    let next = next.as_str();
    let s = match state.store.create_session(user).await {
        Ok(s) => s,
        Err(e) => return super::PageError::from(e).into_response(),
    };
    let mut resp = with_cookie(
        Redirect::to(next).into_response(),
        session_cookie(state, &s.token, sextant_store::SESSION_SECONDS),
    );
    match remember_device(state, user, &mut resp).await {
        Ok(()) => resp,
        Err(e) => super::PageError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
struct AccountQuery {
    done: Option<String>,
}

/// The account page's notices (fixed texts, never the query's words).
fn account_notice(done: Option<&str>) -> Markup {
    let text = match done.unwrap_or("") {
        "password" => {
            "Your password is changed. Your other sessions have ended and your API tokens are \
             revoked."
        }
        "signed-out" => {
            "You are signed out everywhere else: your other sessions have ended, your API tokens \
             are revoked and no device is remembered any more."
        }
        _ => return html! {},
    };
    html! { p.notice role="status" { (text) } }
}

/// What a form of the account page had to say: its field messages, its values, and for the
/// administrator's form the account it signed out.
#[derive(Default)]
struct AccountForms<'a> {
    password: Option<&'a Errors>,
    sign_out: Option<(&'a Errors, &'a str)>,
    signed_out: Option<(String, sextant_store::SignedOut)>,
}

fn account_page(viewer: &Viewer, done: Option<&str>, forms: AccountForms<'_>) -> Markup {
    let none = Errors::new();
    let password = forms.password.unwrap_or(&none);
    let (sign_out, email) = forms.sign_out.unwrap_or((&none, ""));
    let plural = |n: i64, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    let body = html! {
        (account_notice(done))
        p { "You are logged in as " strong { (viewer.user.name) } " (" (viewer.user.email) ")." }
        section aria-labelledby="password" {
            h2 #password { "Change your password" }
            p { "Your other sessions end and your API tokens are revoked: whoever learnt the old                  password keeps nothing it opened." }
            (password.summary())
            form method="post" action="/account/password" {
                (viewer.csrf_field())
                (Field::text("current_password", "Current password", "").kind(Kind::Password)
                    .required().render(password))
                (Field::text("new_password", "New password", "").kind(Kind::Password).required()
                    .hint("10 characters or more").render(password))
                button type="submit" { "Change the password" }
            }
        }
        section aria-labelledby="two-factor" {
            h2 #two-factor { "Sign in with your phone too" }
            p { "A code from an authenticator app on your phone, asked after your password, keeps your clients' plans safe if your password is ever stolen. "
                a href="/account/two-factor" { "Set up or change the second factor" } }
        }
        section aria-labelledby="everywhere" {
            h2 #everywhere { "Sign out everywhere else" }
            p { "Ends every other session of yours, on every device, revokes your API tokens, and                  forgets the devices you logged in on. Use it when a device is lost or someone                  else may be using your account; then change your password." }
            form method="post" action="/account/sign-out-everywhere" {
                (viewer.csrf_field())
                button type="submit" { "Sign out everywhere else" }
            }
        }
        @if viewer.user.is_admin {
            section aria-labelledby="sign-out-account" {
                h2 #sign-out-account { "Sign an account out everywhere" }
                @if let Some((who, done)) = &forms.signed_out {
                    p.notice role="status" {
                        (who) " is signed out everywhere: "
                        (plural(done.sessions_ended, "session")) " ended, "
                        (plural(done.tokens_revoked, "API token")) " revoked."
                    }
                }
                p { "As the administrator, you can end every session and API token of any                      account, for example when its owner's device is stolen." }
                (sign_out.summary())
                form method="post" action="/account/sign-out-account" {
                    (viewer.csrf_field())
                    (Field::text("email", "The account's e-mail address", email).kind(Kind::Email)
                        .required().render(sign_out))
                    button type="submit" { "Sign the account out everywhere" }
                }
            }
        }
    };
    layout("Your account", Some(viewer), None, body)
}

async fn account(viewer: Viewer, Query(q): Query<AccountQuery>) -> Response {
    render(account_page(
        &viewer,
        q.done.as_deref(),
        AccountForms::default(),
    ))
}

/// The session token of the viewer's request.
fn session_of(headers: &HeaderMap) -> String {
    cookie(headers, SESSION_COOKIE).unwrap_or_default()
}

async fn change_password(
    State(state): State<AppState>,
    peer: Option<axum::Extension<ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    viewer: Viewer,
    f: FormData,
) -> PageResult {
    viewer.check(f.csrf())?;
    let client = client_key(&state, &headers, peer.map(|p| p.0.0));
    let token = session_of(&headers);
    let result = state
        .store
        .change_password(
            &viewer.user,
            f.get("current_password"),
            f.get("new_password"),
            sextant_store::Credential::Session(&token),
            &client,
        )
        .await;
    let e = match result {
        Ok(()) => return Ok(see_other("/account?done=password")),
        Err(e) => crate::error::ApiError::from(e),
    };
    let status = e.status();
    let mut errors = Errors::new();
    errors.from_api(
        e,
        &["current_password", "new_password"],
        &[("password", "new_password")],
    );
    let forms = AccountForms {
        password: Some(&errors),
        ..AccountForms::default()
    };
    Ok(render_status(status, account_page(&viewer, None, forms)))
}

async fn sign_out_everywhere(
    State(state): State<AppState>,
    headers: HeaderMap,
    viewer: Viewer,
    f: FormData,
) -> PageResult {
    viewer.check(f.csrf())?;
    let token = session_of(&headers);
    let done = state
        .store
        .sign_out_everywhere(
            &viewer.user,
            Some(sextant_store::Credential::Session(&token)),
        )
        .await?;
    tracing::info!(
        user = viewer.user.id,
        sessions = done.sessions_ended,
        tokens = done.tokens_revoked,
        "signed out everywhere"
    );
    Ok(see_other("/account?done=signed-out"))
}

async fn sign_out_account(
    State(state): State<AppState>,
    headers: HeaderMap,
    viewer: Viewer,
    f: FormData,
) -> PageResult {
    viewer.check(f.csrf())?;
    let caller = crate::extract::Caller {
        user: viewer.user.clone(),
        via: crate::extract::Via::Session(session_of(&headers)),
    };
    let email = f.get("email");
    let mut errors = Errors::new();
    let forms = match crate::auth::sign_out_by_admin(&state, &caller, email).await {
        Ok((user, done)) => AccountForms {
            signed_out: Some((user.email, done)),
            ..AccountForms::default()
        },
        Err(e @ crate::error::ApiError::Forbidden(_)) => return Err(e.into()),
        Err(e) => {
            let status = e.status();
            match e {
                crate::error::ApiError::NotFound(m) => errors.add("email", first_upper(&m)),
                other => errors.from_api(other, &["email"], &[]),
            }
            let forms = AccountForms {
                sign_out: Some((&errors, email)),
                ..AccountForms::default()
            };
            return Ok(render_status(status, account_page(&viewer, None, forms)));
        }
    };
    Ok(render(account_page(&viewer, None, forms)))
}

fn first_upper(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect::<String>() + ".",
        None => String::new(),
    }
}

#[derive(Deserialize)]
struct AcceptQuery {
    token: Option<String>,
}

fn accept_page(csrf: &str, token: &str, errors: &Errors, f: Option<&FormData>) -> Markup {
    let get = |n: &str| f.map_or(String::new(), |f| f.get(n).to_string());
    html! {
        (errors.summary())
        p { "You have been invited to join an organisation on Sextant. If you have an account \
             here already, enter its password; if not, choose a password for your new account." }
        form method="post" action="/invitations/accept" {
            input type="hidden" name="token" value=(token);
            input type="hidden" name="csrf" value=(csrf);
            (Field::text("name", "Your name", get("name")).required()
                .hint("An account you have here already keeps the name it has").render(errors))
            (Field::text("password", "Password", "").kind(Kind::Password).required()
                .hint("Your account's password, or a new one of 10 characters or more").render(errors))
            button type="submit" { "Join" }
        }
    }
}

fn accept_response(
    state: &AppState,
    token: &str,
    errors: &Errors,
    f: Option<&FormData>,
) -> Response {
    let (csrf, c) = form_token(state);
    let body = accept_page(&csrf, token, errors, f);
    with_cookie(render(layout("Join an organisation", None, None, body)), c)
}

async fn accept_form(State(state): State<AppState>, Query(q): Query<AcceptQuery>) -> Response {
    accept_response(
        &state,
        q.token.as_deref().unwrap_or(""),
        &Errors::new(),
        None,
    )
}

async fn accept(
    State(state): State<AppState>,
    peer: Option<axum::Extension<ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    f: FormData,
) -> Response {
    let mut errors = Errors::new();
    if !form_ok(&headers, f.csrf()) {
        errors.general("The form expired; please send it again.");
        let mut r = accept_response(&state, f.get("token"), &errors, Some(&f));
        *r.status_mut() = StatusCode::FORBIDDEN;
        return r;
    }
    let client = client_key(&state, &headers, peer.map(|p| p.0.0));
    match state
        .store
        .accept_invitation(f.get("token"), f.get("name"), f.get("password"), &client)
        .await
    {
        // An invitation is no second factor: an account with one logs in with its code.
        Ok((user, _)) if state.store.two_factor(&user).await.is_ok_and(|t| t.on) => {
            see_other("/login?done=code")
        }
        Ok((user, _)) => match state.store.create_session(&user).await {
            Ok(s) => with_cookie(
                see_other("/"),
                session_cookie(&state, &s.token, sextant_store::SESSION_SECONDS),
            ),
            Err(e) => super::PageError::from(e).into_response(),
        },
        Err(e) => {
            let api = crate::error::ApiError::from(e);
            let status = api.status();
            errors.from_api(api, &["name", "password"], &[]);
            let mut r = accept_response(&state, f.get("token"), &errors, Some(&f));
            *r.status_mut() = status;
            r
        }
    }
}
