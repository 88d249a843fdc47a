//! The few pages the server has before the web interface: the first-run set-up form, the
//! login form, logging out, and a home page listing the caller's organisations with links to
//! their data in the API. Every form carries a CSRF token (a random value in a `SameSite=Strict`
//! cookie that the form must repeat).

use axum::Form;
use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{client_key, session_cookie};
use crate::extract::{SESSION_COOKIE, constant_time_eq, cookie};

/// The form CSRF cookie.
const FORM_COOKIE: &str = "sextant_form";

/// The page routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/setup", get(setup_form).post(setup))
        .route("/login", get(login_form).post(login))
        .route("/logout", axum::routing::post(logout))
}

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{} - Sextant</title>\
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1d2430}}\
label{{display:block;margin:.8rem 0 .2rem}}input{{font:inherit;padding:.4rem;width:100%;box-sizing:border-box}}\
button{{font:inherit;margin-top:1rem;padding:.5rem 1.2rem}}.error{{color:#a4161a;font-weight:600}}</style></head>\
<body><h1>{}</h1>{body}</body></html>",
        esc(title),
        esc(title)
    ))
}

/// A fresh form token, and the cookie that carries it.
fn form_token(state: &AppState) -> (String, HeaderValue) {
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

fn form_ok(headers: &HeaderMap, sent: &str) -> bool {
    cookie(headers, FORM_COOKIE)
        .is_some_and(|c| !c.is_empty() && constant_time_eq(c.as_bytes(), sent.as_bytes()))
}

fn with_cookie(mut resp: Response, c: HeaderValue) -> Response {
    resp.headers_mut().append(header::SET_COOKIE, c);
    resp
}

async fn current_user(state: &AppState, headers: &HeaderMap) -> Option<sextant_store::User> {
    let token = cookie(headers, SESSION_COOKIE)?;
    state
        .store
        .session(&token)
        .await
        .ok()
        .flatten()
        .map(|(u, _)| u)
}

async fn home(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if state.store.user_count().await.unwrap_or(1) == 0 {
        return page(
            "Welcome to Sextant",
            "<p>This installation has no administrator yet. Open the set-up link printed on the \
server's console to create one.</p>",
        )
        .into_response();
    }
    let Some(user) = current_user(&state, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let orgs = state
        .store
        .orgs_of(&user, sextant_store::Paging::new(None, Some(500)))
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let mut body = format!("<p>Logged in as {}.</p>", esc(&user.email));
    if orgs.is_empty() {
        body.push_str("<p>You are not a member of any organisation yet.</p>");
    } else {
        body.push_str("<h2>Organisations</h2><ul>");
        for (o, role) in &orgs {
            let s = esc(&o.slug);
            body.push_str(&format!(
                "<li><strong>{}</strong> ({role}): <a href=\"/api/v1/orgs/{s}/plan\">plan</a>, \
<a href=\"/api/v1/orgs/{s}/analysis\">analysis</a>, <a href=\"/api/v1/orgs/{s}/roadmap\">roadmap</a>, \
<a href=\"/api/v1/orgs/{s}/metrics\">metrics</a></li>",
                esc(&o.name)
            ));
        }
        body.push_str("</ul>");
    }
    let (token, c) = form_token(&state);
    body.push_str(&format!(
        "<p><a href=\"/api/v1/docs\">API reference</a></p>\
<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{token}\">\
<button>Log out</button></form>"
    ));
    with_cookie(page("Sextant", &body).into_response(), c)
}

/// The set-up link's query.
#[derive(Deserialize)]
struct SetupQuery {
    token: Option<String>,
}

fn setup_page(state: &AppState, token: &str, error: Option<&str>) -> Response {
    let (csrf, c) = form_token(state);
    let error = error.map_or(String::new(), |e| {
        format!("<p class=\"error\">{}</p>", esc(e))
    });
    let body = format!(
        "{error}<p>Create the administrator of this installation. The administrator creates an \
organisation for each business and invites its people.</p>\
<form method=\"post\" action=\"/setup\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
<input type=\"hidden\" name=\"token\" value=\"{}\">\
<label for=\"name\">Your name</label><input id=\"name\" name=\"name\" required>\
<label for=\"email\">E-mail address</label><input id=\"email\" name=\"email\" type=\"email\" required>\
<label for=\"password\">Password (10 characters or more)</label>\
<input id=\"password\" name=\"password\" type=\"password\" minlength=\"10\" required>\
<button>Create the administrator</button></form>",
        esc(token)
    );
    with_cookie(page("Set up Sextant", &body).into_response(), c)
}

async fn setup_form(
    State(state): State<AppState>,
    crate::extract::Query(q): crate::extract::Query<SetupQuery>,
) -> Response {
    if state.store.user_count().await.unwrap_or(1) > 0 {
        return Redirect::to("/login").into_response();
    }
    setup_page(&state, q.token.as_deref().unwrap_or(""), None)
}

#[derive(Deserialize)]
struct SetupFormData {
    csrf: String,
    token: String,
    name: String,
    email: String,
    password: String,
}

async fn setup(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<SetupFormData>,
) -> Response {
    if !form_ok(&headers, &f.csrf) {
        return (
            StatusCode::FORBIDDEN,
            page(
                "Set up Sextant",
                "<p class=\"error\">The form expired; open the set-up link again.</p>",
            ),
        )
            .into_response();
    }
    match state
        .store
        .complete_setup(&f.token, &f.email, &f.name, &f.password)
        .await
    {
        Ok(user) => match state.store.create_session(&user).await {
            Ok(s) => with_cookie(
                Redirect::to("/").into_response(),
                session_cookie(&state, &s.token, sextant_store::SESSION_SECONDS),
            ),
            Err(e) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                page(
                    "Set up Sextant",
                    &format!("<p class=\"error\">{}</p>", esc(&e.to_string())),
                ),
            )
                .into_response(),
        },
        Err(e) => {
            let mut r = setup_page(&state, &f.token, Some(&e.to_string()));
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            r
        }
    }
}

fn login_page(state: &AppState, error: Option<&str>) -> Response {
    let (csrf, c) = form_token(state);
    let error = error.map_or(String::new(), |e| {
        format!("<p class=\"error\">{}</p>", esc(e))
    });
    let body = format!(
        "{error}<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
<label for=\"email\">E-mail address</label><input id=\"email\" name=\"email\" type=\"email\" required autofocus>\
<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" required>\
<button>Log in</button></form>"
    );
    with_cookie(page("Log in to Sextant", &body).into_response(), c)
}

async fn login_form(State(state): State<AppState>) -> Response {
    login_page(&state, None)
}

#[derive(Deserialize)]
struct LoginFormData {
    csrf: String,
    email: String,
    password: String,
}

async fn login(
    State(state): State<AppState>,
    peer: Option<axum::Extension<ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    Form(f): Form<LoginFormData>,
) -> Response {
    if !form_ok(&headers, &f.csrf) {
        let mut r = login_page(&state, Some("The form expired; please try again."));
        *r.status_mut() = StatusCode::FORBIDDEN;
        return r;
    }
    let client = client_key(&state, &headers, peer.map(|p| p.0.0));
    match state.store.login(&f.email, &f.password, &client).await {
        Ok(user) => match state.store.create_session(&user).await {
            Ok(s) => with_cookie(
                Redirect::to("/").into_response(),
                session_cookie(&state, &s.token, sextant_store::SESSION_SECONDS),
            ),
            Err(e) => {
                tracing::error!(error = %e, "session not created");
                login_page(&state, Some("Something went wrong on the server."))
            }
        },
        Err(e) => {
            let status = match e {
                sextant_store::LoginError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::UNAUTHORIZED,
            };
            let mut r = login_page(&state, Some(&e.to_string()));
            *r.status_mut() = status;
            r
        }
    }
}

#[derive(Deserialize)]
struct LogoutFormData {
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<LogoutFormData>,
) -> Response {
    if !form_ok(&headers, &f.csrf) {
        return (
            StatusCode::FORBIDDEN,
            page("Log out", "<p class=\"error\">The form expired.</p>"),
        )
            .into_response();
    }
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        let _ = state.store.end_session(&token).await;
    }
    with_cookie(
        Redirect::to("/login").into_response(),
        session_cookie(&state, "", 0),
    )
}
