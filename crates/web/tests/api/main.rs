//! The API's integration tests: each test spawns the whole application on a port of its own,
//! over a fresh SQLite database in a temporary directory, and drives it over HTTP with
//! `reqwest` as a client would (cookies, CSRF tokens, API tokens).
//!
//! The modules: `accounts` (set-up, logins, sessions, CSRF, API tokens, passwords, the HTML
//! forms), `plan` (import, export, entities, history), `data` (uploads), `analysis` (the
//! analyses on the demo organisation), `tenancy` (every organisation route for a non-member
//! and a viewer), `errors` (every error a problem document) and `openapi` (the document, the
//! reference page, health and fallbacks).
//!
//! A test that shows a bug in the server is marked `#[ignore = "bug in src: ..."]` with what
//! is wrong; `cargo test -p sextant-web --test api -- --ignored` runs them.

#![allow(clippy::unwrap_used)]

mod accounts;
mod admin;
mod analysis;
mod assessments;
mod assets;
mod data;
mod errors;
mod firm;
mod forecast_clv;
mod hardening;
mod instances;
mod invitations;
mod login_limits;
mod mail;
mod openapi;
mod plan;
mod portfolio;
mod reviews;
mod tenancy;
mod work;

use std::net::SocketAddr;

use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use sextant_store::{Store, User};
use sextant_web::AppState;
use sextant_web::mail::{Mailer, Outbox};

/// The password every test user gets.
pub const PASSWORD: &str = "a long test password";

/// The Corner Bookstore plan file, as text.
pub const BOOKSTORE: &str = include_str!("../../../../examples/corner-bookstore.yaml");

/// The Corner Bookstore's orders export.
pub const ORDERS: &str = include_str!("../../../../examples/corner-bookstore/orders.csv");

/// A running server and its database.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The server's database, to set up and inspect what the API does not show.
    pub store: Store,
    /// The database's URL.
    pub url: String,
    /// The messages the server sent, when it was given an outbox for a mail server.
    pub outbox: Option<Outbox>,
    _dir: std::sync::Arc<tempfile::TempDir>,
}

/// The public address the links in the servers' e-mails start with.
pub const PUBLIC_URL: &str = "https://plans.example.com";

/// Starts the application on a free port over a new database (no TLS, not behind a proxy).
pub async fn spawn() -> Server {
    spawn_with(false, 0).await
}

/// Starts the application with `AppState::new(store, secure_cookies, trusted_proxies)`.
pub async fn spawn_with(secure_cookies: bool, trusted_proxies: usize) -> Server {
    spawn_state(|state| {
        state.secure_cookies = secure_cookies;
        state.proxies = sextant_web::proxy::Proxies::new(trusted_proxies, Vec::new());
    })
    .await
}

/// Starts the application with e-mail set up: the messages go to the server's `outbox`.
pub async fn spawn_mailing() -> Server {
    let (mailer, outbox) = Mailer::outbox(PUBLIC_URL);
    let mut srv = spawn_state(|state| state.mailer = Some(std::sync::Arc::new(mailer))).await;
    srv.outbox = Some(outbox);
    srv
}

/// Starts the application with a CPU budget of its own (cores, one organisation's share, the
/// longest a request waits).
pub async fn spawn_with_work(work: sextant_web::work::Work) -> Server {
    spawn_state(|state| state.work = std::sync::Arc::new(work)).await
}

/// Starts the application with its state changed by `change` first.
pub async fn spawn_state(change: impl FnOnce(&mut AppState)) -> Server {
    let dir = tempfile::Builder::new()
        .prefix("sextant-web-api-")
        .tempdir()
        .unwrap();
    let url = format!("sqlite://{}", dir.path().join("sextant.db").display());
    let store = Store::open(&url).await.unwrap();
    let mut state = AppState::new(store.clone(), false, 0);
    change(&mut state);
    let base = serve_state(state).await;
    Server {
        base,
        store,
        url,
        outbox: None,
        _dir: std::sync::Arc::new(dir),
    }
}

/// Serves the application over `store` on a free port; its base URL.
pub async fn serve(store: Store, secure_cookies: bool, trusted_proxies: usize) -> String {
    serve_state(AppState::new(store, secure_cookies, trusted_proxies)).await
}

/// Serves the application with `state` on a free port; its base URL.
async fn serve_state(state: AppState) -> String {
    let app = sextant_web::app(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    format!("http://{addr}")
}

impl Server {
    /// A second instance of the application over the same database, with a store (a pool of
    /// connections) of its own: what a second server behind a load balancer is.
    pub async fn second_instance(&self) -> Server {
        let store = Store::open(&self.url).await.unwrap();
        let base = serve(store.clone(), false, 0).await;
        Server {
            base,
            store,
            url: self.url.clone(),
            outbox: None,
            _dir: self._dir.clone(),
        }
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// An installation administrator, made in the store.
    pub async fn admin(&self) -> User {
        self.store
            .create_user("admin@example.com", "Admin", PASSWORD, true)
            .await
            .unwrap()
    }

    /// A plain user, made in the store.
    pub async fn user(&self, email: &str) -> User {
        self.store
            .create_user(
                email,
                email.split('@').next().unwrap_or(email),
                PASSWORD,
                false,
            )
            .await
            .unwrap()
    }

    /// A client with no credentials (it keeps cookies, for the forms).
    pub fn anonymous(&self) -> Api {
        Api {
            base: self.base.clone(),
            http: cookie_client(),
            csrf: None,
            bearer: None,
        }
    }

    /// Logs in through `POST /api/v1/session` with [`PASSWORD`]: a client holding the session
    /// cookie and sending the CSRF token on changing requests.
    pub async fn login(&self, email: &str) -> Api {
        self.login_with(email, PASSWORD).await
    }

    /// Logs in with a password.
    pub async fn login_with(&self, email: &str, password: &str) -> Api {
        let mut api = self.anonymous();
        let (status, body) = call(
            api.http
                .post(self.url("/api/v1/session"))
                .json(&json!({"email": email, "password": password})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "login of {email}: {body}");
        api.csrf = Some(body["csrf_token"].as_str().unwrap().to_string());
        api
    }

    /// A client authenticated by an API token only (no cookies).
    pub fn with_token(&self, secret: &str) -> Api {
        Api {
            base: self.base.clone(),
            http: reqwest::Client::new(),
            csrf: None,
            bearer: Some(secret.to_string()),
        }
    }

    /// An administrator, logged in.
    pub async fn admin_session(&self) -> (User, Api) {
        let admin = self.admin().await;
        let api = self.login(&admin.email).await;
        (admin, api)
    }

    /// An administrator owning the organisation `slug` with the bookstore plan imported
    /// through the API; the administrator's session.
    pub async fn org_with_plan(&self, slug: &str) -> Api {
        let (_, api) = self.admin_session().await;
        create_org(&api, slug).await;
        import(&api, slug, BOOKSTORE).await;
        api
    }
}

/// A client that keeps cookies and does not follow redirects.
fn cookie_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A client of the API with its credentials.
#[derive(Clone)]
pub struct Api {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The HTTP client (with the session cookie, when logged in).
    pub http: reqwest::Client,
    /// The session's CSRF token, sent in `X-CSRF-Token` on changing requests.
    pub csrf: Option<String>,
    /// An API token, sent as `Authorization: Bearer`.
    pub bearer: Option<String>,
}

impl Api {
    /// A request with the client's credentials, and the CSRF token unless it is a GET.
    pub fn req(&self, method: Method, path: &str) -> RequestBuilder {
        let send_csrf = method != Method::GET && method != Method::HEAD;
        let mut r = self.bare(method, path);
        if let Some(c) = self.csrf.as_ref().filter(|_| send_csrf) {
            r = r.header("x-csrf-token", c);
        }
        r
    }

    /// A request with the client's cookie or token but no CSRF token.
    pub fn bare(&self, method: Method, path: &str) -> RequestBuilder {
        let mut r = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = &self.bearer {
            r = r.bearer_auth(t);
        }
        r
    }

    /// GET.
    pub fn get(&self, path: &str) -> RequestBuilder {
        self.req(Method::GET, path)
    }

    /// POST.
    pub fn post(&self, path: &str) -> RequestBuilder {
        self.req(Method::POST, path)
    }

    /// PUT.
    pub fn put(&self, path: &str) -> RequestBuilder {
        self.req(Method::PUT, path)
    }

    /// PATCH.
    pub fn patch(&self, path: &str) -> RequestBuilder {
        self.req(Method::PATCH, path)
    }

    /// DELETE.
    pub fn delete(&self, path: &str) -> RequestBuilder {
        self.req(Method::DELETE, path)
    }

    /// GETs `path`, asserting 200; its JSON.
    pub async fn ok(&self, path: &str) -> Value {
        let (status, body) = call(self.get(path)).await;
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        body
    }

    /// Makes an API token through `POST /api/v1/me/tokens`: its id and secret.
    pub async fn token(&self, name: &str) -> (i64, String) {
        let (status, body) =
            call(self.post("/api/v1/me/tokens").json(&json!({"name": name}))).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let secret = body["secret"].as_str().unwrap().to_string();
        assert!(secret.starts_with("sxt_"), "{secret}");
        (body["token"]["id"].as_i64().unwrap(), secret)
    }
}

/// Sends a request: its status and its body as JSON (`Null` when empty, a string when it is
/// not JSON).
pub async fn call(r: RequestBuilder) -> (StatusCode, Value) {
    let resp = r.send().await.unwrap();
    let status = resp.status();
    (status, body_of(resp).await)
}

/// A response's body as JSON (`Null` when empty, a string when it is not JSON).
pub async fn body_of(resp: Response) -> Value {
    let text = resp.text().await.unwrap();
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    }
}

/// Sends a request expecting an error: its status, asserting the body is problem+json with
/// the same status; the body.
pub async fn problem(r: RequestBuilder) -> (StatusCode, Value) {
    let resp = r.send().await.unwrap();
    let status = resp.status();
    let ty = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = body_of(resp).await;
    assert_eq!(ty, "application/problem+json", "{status}: {body}");
    assert_eq!(
        body["status"].as_u64(),
        Some(u64::from(status.as_u16())),
        "{body}"
    );
    assert!(body["detail"].is_string(), "{body}");
    (status, body)
}

/// A server with the demo organisation (`sextant_web::demo::create`), and its owner's session.
pub async fn demo() -> (Server, Api) {
    let srv = spawn().await;
    let login = sextant_web::demo::create(&srv.store, false).await.unwrap();
    let api = srv.login_with(&login.email, &login.password).await;
    (srv, api)
}

/// Creates an organisation through the API (the client must be an administrator).
pub async fn create_org(api: &Api, slug: &str) {
    let (status, body) = call(
        api.post("/api/v1/orgs")
            .json(&json!({"slug": slug, "name": format!("Org {slug}")})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["role"], "owner");
}

/// Imports a plan file's text into an organisation, asserting success; the stored plan.
pub async fn import(api: &Api, slug: &str, text: &str) -> Value {
    let (status, body) = call(
        api.put(&format!("/api/v1/orgs/{slug}/plan"))
            .header("content-type", "application/yaml")
            .body(text.to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Gives `email` a role in an organisation through the API: a member's role changes; anyone
/// else is invited and accepts at once with [`PASSWORD`] (their account's, or a new one's),
/// with the token handed to the administrator or read from the e-mail `srv` sent.
pub async fn add_member(srv: &Server, api: &Api, slug: &str, email: &str, role: &str) {
    let (status, body) = call(
        api.put(&format!("/api/v1/orgs/{slug}/members"))
            .json(&json!({"email": email, "role": role})),
    )
    .await;
    if status == StatusCode::OK {
        assert_eq!(body["member"]["role"], role, "{body}");
        return;
    }
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let mailed;
    let token = match body["invitation"]["token"].as_str() {
        Some(t) => t,
        None => {
            mailed = srv.token_mailed_to(email, "/invitations/accept?token=");
            &mailed
        }
    };
    let (status, body) = call(
        reqwest::Client::new()
            .post(format!("{}/api/v1/invitations/accept", api.base))
            .json(&json!({"token": token, "name": email, "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{email} accepting: {body}");
}

impl Server {
    /// The messages sent to `email` so far (the server must have an outbox).
    pub fn mails_to(&self, email: &str) -> Vec<sextant_web::mail::Mail> {
        let outbox = self.outbox.as_ref().expect("a server with an outbox");
        outbox
            .messages()
            .into_iter()
            .filter(|m| m.to == email)
            .collect()
    }

    /// The token of the link starting with `path` in the last message to `email`.
    pub fn token_mailed_to(&self, email: &str, path: &str) -> String {
        let mails = self.mails_to(email);
        let mail = mails.last().unwrap_or_else(|| panic!("no mail to {email}"));
        token_after(&mail.body, &format!("{PUBLIC_URL}{path}"))
            .unwrap_or_else(|| panic!("no link {path} in the mail to {email}:\n{}", mail.body))
    }
}

/// The token that follows `prefix` in `text` (up to the first character no token has).
pub fn token_after(text: &str, prefix: &str) -> Option<String> {
    let at = text.find(prefix)? + prefix.len();
    let token: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!token.is_empty()).then_some(token)
}

/// The canonical document of a plan file's text.
pub fn doc_of(text: &str) -> sextant_core::PlanDoc {
    sextant_core::load_plan("plan.yaml", text)
        .unwrap()
        .doc()
        .clone()
}

/// The canonical document of an exported plan (through `sextant_core::load_plan`, as the CLI
/// reads it).
pub fn doc_of_export(v: &Value) -> sextant_core::PlanDoc {
    doc_of(&serde_json::to_string_pretty(v).unwrap())
}

/// The value of the `Set-Cookie` header naming `name`.
pub fn set_cookie(resp: &Response, name: &str) -> Option<String> {
    resp.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_string)
}
