//! Sextant's server: the REST API under `/api/v1` (accounts, organisations and members, the
//! plan and its history, data sets, and the analyses the CLI runs), its OpenAPI document and
//! reference page, a few pages for the first run and logging in, `/healthz`, over
//! `sextant-store`.
//!
//! [`app`] builds the whole router from a state, so tests drive it without a network or spawn
//! it on port 0; [`serve`] runs it with request ids, structured logs and graceful shutdown.
//! Nothing a second instance would need is kept in process memory: sessions, the login limit,
//! upload previews, jobs and their results and everything else live in the database, and the
//! in-memory caches are keyed by the database's own fingerprint of their inputs (see
//! [`AppState`], field by field). Two or more `sextant serve` processes on one PostgreSQL
//! behind a reverse proxy that alternates requests between them serve the same people
//! (docs/scaling.md).

pub mod accounts;
pub mod analysis;
pub mod assessments;
pub mod assets;
pub mod auth;
pub mod config;
pub mod data;
pub mod demo;
pub mod error;
pub mod extract;
pub mod firm;
pub mod headers;
pub mod jobs;
pub mod mail;
pub mod openapi;
pub mod orgs;
pub mod plan;
pub mod portfolio;
pub mod proxy;
pub mod reviews;
pub mod summary;
pub mod ui;
pub mod work;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use sextant_store::Store;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use config::Config;

/// What every handler shares.
///
/// What one instance holds in memory, and why another instance behind the same load balancer
/// never needs it:
///
/// - `store`: the database itself, where everything shared lives: sessions and their CSRF
///   tokens, API tokens, the login limit's failures and locks (`login_failures`,
///   `login_locks`), the secret that signs known-device cookies (`server_secrets`, made by the
///   first instance to need it), upload previews (`upload_previews`), jobs with their
///   progress, heartbeat and result (`jobs`), plans, data sets and history.
/// - `cache`, `analysed`, `roadmaps`: results kept under the database's fingerprint of their
///   inputs (plan version, data sets), read from the database on every request, so a change on
///   any instance makes the next request everywhere compute afresh; an instance without them
///   recomputes the same result. Safely recomputed, never needed by another.
/// - `work`: this machine's CPU budget and the cancellation flags of what runs on it,
///   including the job registry that stops a job cancelled here at once; a job cancelled on
///   another instance is marked in its row, and the instance running it stops it at its next
///   heartbeat (every second). Each machine's own cores, not shared.
/// - `proxies`, `secure_cookies`, `public_url`, `mailer`: configuration, the same on every
///   instance when their configuration is. The mailer's outbox (tests only) holds sent
///   messages, never state a request reads.
/// - The login page's form token before a session exists is a cookie the browser sends back
///   (double submit), checked without any server state; uploads are staged in a private
///   directory of this process only while a request reads them.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Mark the session cookie `Secure` (the server is reached over TLS).
    pub secure_cookies: bool,
    /// The proxies whose `X-Forwarded-For` is believed (none: the peer is the client).
    pub proxies: proxy::Proxies,
    /// Results computed from inputs that have not changed, under their fingerprint in the
    /// database: safely recomputed by any instance.
    pub cache: Arc<analysis::Cache>,
    /// The CPU budget of analyses, and their cancellation (this machine's).
    pub work: Arc<work::Work>,
    /// The pages' analyses of unchanged inputs (under their fingerprint, as `cache`).
    pub analysed: Arc<ui::compute::Cache>,
    /// The pages' roadmaps of unchanged inputs (under their fingerprint, as `cache`).
    pub roadmaps: Arc<ui::compute::Roadmaps>,
    /// The portfolio's rows of unchanged organisations (under their fingerprint and day).
    pub clients: Arc<portfolio::Cache>,
    /// The address people reach the server at (`public_url`), for links the pages hand out;
    /// `None`: the address the browser used.
    pub public_url: Option<String>,
    /// Sends invitations and reset links by e-mail; `None`: e-mail is not set up.
    pub mailer: Option<Arc<mail::Mailer>>,
    /// Where uploads are staged while they are checked; `None`: this process's directory
    /// ([`data::Staging::shared`]).
    pub staging: Option<Arc<data::Staging>>,
    /// Every account must sign in with a second factor (`require_two_factor`).
    pub require_two_factor: bool,
    /// Who the review packs say prepared them (the configuration's `brand_*`).
    pub branding: Arc<sextant_pack::Branding>,
}

impl AppState {
    /// A state over a store, behind `trusted_proxies` proxies on the loopback (see
    /// [`proxy::Proxies::new`]; set [`AppState::proxies`] for others).
    pub fn new(store: Store, secure_cookies: bool, trusted_proxies: usize) -> AppState {
        AppState {
            store,
            secure_cookies,
            proxies: proxy::Proxies::new(trusted_proxies, Vec::new()),
            cache: Arc::new(analysis::Cache::default()),
            work: Arc::new(work::Work::default()),
            analysed: Arc::new(ui::compute::Cache::default()),
            roadmaps: Arc::new(ui::compute::Roadmaps::default()),
            clients: Arc::new(portfolio::Cache::default()),
            public_url: None,
            mailer: None,
            staging: None,
            require_two_factor: false,
            branding: Arc::new(sextant_pack::Branding::default()),
        }
    }

    /// Where uploads are staged (see [`AppState::staging`]).
    pub fn staging(&self) -> error::ApiResult<Arc<data::Staging>> {
        match &self.staging {
            Some(s) => Ok(s.clone()),
            None => data::Staging::shared(),
        }
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The application: every route, with request ids and request logs.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .merge(auth::router())
        .merge(accounts::router())
        .merge(orgs::router())
        .merge(plan::router())
        .merge(data::router())
        .merge(analysis::router())
        .merge(assessments::router())
        .merge(assets::router())
        .merge(portfolio::router())
        .merge(reviews::router())
        .merge(summary::router())
        .merge(firm::router())
        .merge(jobs::router())
        .fallback(api_not_found)
        .layer(axum::middleware::map_response(error::as_problem));
    Router::new()
        .nest("/api/v1", api)
        .merge(openapi::router())
        .merge(ui::router())
        .route("/healthz", get(healthz))
        .fallback(ui::not_found)
        .with_state(state)
        .layer(axum::middleware::map_response(headers::secure))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req
                    .headers()
                    .get(REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                // The path only: query strings may carry tokens.
                tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
            }),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

async fn api_not_found(uri: axum::http::Uri) -> error::ApiError {
    // Nested under /api/v1, the router sees the rest of the path.
    error::ApiError::NotFound(format!(
        "no API route /api/v1{}; the reference is at /api/v1/docs",
        uri.path()
    ))
}

/// `/healthz`: 200 when the database answers, 503 when not.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// What can stop the server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The store could not be opened.
    #[error("{0}")]
    Store(#[from] sextant_store::StoreError),
    /// The address could not be bound, or serving failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The e-mail settings cannot be used.
    #[error("e-mail: {0}")]
    Mail(String),
}

/// Runs the server until Ctrl-C or SIGTERM, then gives the requests under way [`GRACE`] to
/// finish (analyses under way are cancelled). With
/// `demo`, first creates the Corner Bookstore organisation and a login for it (refused on an
/// installation with users unless `force_demo`).
pub async fn serve(config: Config, demo: bool, force_demo: bool) -> Result<(), ServeError> {
    let store = Store::open(config.database.expose())
        .await?
        .with_login_limits(config.login_limits)
        .with_lifetimes(sextant_store::Lifetimes {
            invitation: config.invitation_days * 24 * 3600,
            reset: config.reset_hours * 3600,
        });
    data::Staging::configure(config.database.expose())?;
    let secure = config.public_url.starts_with("https://");
    let mut state = AppState::new(store.clone(), secure, 0);
    state.proxies = proxy::Proxies::new(
        config.trusted_proxies,
        config.trusted_proxy_addresses.clone(),
    );
    if config.trusted_proxies > 0 && config.trusted_proxy_addresses.is_empty() {
        tracing::warn!(
            "trusted_proxies is set without trusted_proxy_addresses: X-Forwarded-For is read only \
             from proxies on this host (127.0.0.0/8, ::1); list your proxies' addresses in \
             trusted_proxy_addresses (SEXTANT_TRUSTED_PROXY_ADDRESSES)"
        );
    }
    let cores = work::Work::machine_cores();
    let share = config
        .cores_per_organisation
        .unwrap_or_else(|| work::Work::default_share(cores));
    state.work = Arc::new(work::Work::with_share(cores, share, work::QUEUE_WAIT));
    tracing::info!(
        cores,
        per_organisation = state.work.share(),
        "analyses share the cores by organisation"
    );
    state.require_two_factor = config.require_two_factor;
    state.branding = Arc::new(config.branding.clone());
    state.public_url = (!config.public_url.is_empty())
        .then(|| config.public_url.trim_end_matches('/').to_string());
    state.mailer = match &config.smtp {
        Some(smtp) => {
            let mailer = mail::Mailer::new(smtp, &config.public_url).map_err(ServeError::Mail)?;
            tracing::info!(server = %format!("{}:{}", smtp.host, smtp.port), security = ?smtp.security, "invitations and reset links go by e-mail");
            Some(Arc::new(mailer))
        }
        None => {
            tracing::info!(
                "e-mail is not set up: only the administrator invites people, with links to pass on"
            );
            None
        }
    };
    let listener = tokio::net::TcpListener::bind(&config.listen).await?;
    let addr = listener.local_addr()?;
    let base = if config.public_url.is_empty() {
        format!("http://{addr}")
    } else {
        config.public_url.trim_end_matches('/').to_string()
    };
    tracing::info!(%addr, database = %config.database.redacted(), "listening");
    if demo {
        let login = demo::create(&store, force_demo).await?;
        println!(
            "The Corner Bookstore demo: {base}/login  (e-mail {}, password {})",
            login.email, login.password
        );
    }
    if let Some(token) = store.setup_token().await? {
        println!("First run: create the administrator at {base}/setup?token={token}");
    }
    println!("Sextant is listening on {base} (API reference: {base}/api/v1/docs)");
    run_until(listener, state, shutdown(), GRACE).await?;
    tracing::info!("stopped; closing the database");
    tokio::time::timeout(Duration::from_secs(5), store.close())
        .await
        .ok();
    Ok(())
}

/// How long requests under way may take to finish once the server is told to stop.
pub const GRACE: Duration = Duration::from_secs(10);

/// Serves `state` on `listener` until `signal` completes; then analyses under way are
/// cancelled (the roadmap's search and HiGHS stop within a moment), queued ones leave their
/// queues, new ones are refused, and requests under way and jobs recording how they ended
/// ("interrupted") get `grace` to finish before the server returns regardless. (Waiting for
/// every request, as before, let one long computation hold a stopping server for as long as it
/// ran.)
pub async fn run_until(
    listener: tokio::net::TcpListener,
    state: AppState,
    signal: impl std::future::Future<Output = ()> + Send + 'static,
    grace: Duration,
) -> std::io::Result<()> {
    let work = state.work.clone();
    let (tx, rx) = tokio::sync::watch::channel(false);
    let stop = async move {
        let mut rx = rx;
        let _ = rx.wait_for(|s| *s).await;
    };
    let server = axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(stop);
    let signalled = Arc::new(std::sync::OnceLock::<std::time::Instant>::new());
    let deadline = {
        let (work, signalled) = (work.clone(), signalled.clone());
        async move {
            signal.await;
            let _ = signalled.set(std::time::Instant::now());
            work.stop();
            let _ = tx.send(true);
            tokio::time::sleep(grace).await;
        }
    };
    tokio::select! {
        r = server => r?,
        () = deadline => {
            tracing::warn!(seconds = grace.as_secs_f64(), "requests still under way after the grace period; stopping anyway");
            return Ok(());
        }
    }
    // Jobs run beside the requests: give them what is left of the grace period to record that
    // they were interrupted.
    let left = signalled
        .get()
        .map_or(grace, |t| grace.saturating_sub(t.elapsed()));
    if !work.drained(left).await {
        tracing::warn!(
            seconds = grace.as_secs_f64(),
            "analyses still under way after the grace period; stopping anyway"
        );
    }
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing the requests under way");
}
