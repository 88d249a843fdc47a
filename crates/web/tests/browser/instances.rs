//! Two instances on one PostgreSQL database behind a reverse proxy (Debian's haproxy, started
//! by `scripts/proxy`) that alternates requests between them round robin, with no sticky
//! sessions: the set-up of docs/scaling.md. The journey runs through the proxy in the browser:
//! log in, upload a data set with its preview and confirm it on the other instance, start a
//! roadmap job and follow its progress from both, download the plan report.
//!
//! The two instances are two `AppState`s in this process, each over a store (a pool) of its
//! own and on a port of its own: they share the database and nothing in memory. Each counts
//! the requests it serves, so the test knows which instance answered what.
//!
//! PostgreSQL comes from `SEXTANT_TEST_DATABASE_URL` (`scripts/postgres` prints one; `.ci/run`
//! sets it): without it the test is skipped with a note, except on CI (`CI=true`), where it
//! fails.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fantoccini::Client;
use serde_json::{Value, json};
use sextant_store::Store;
use sextant_web::AppState;

use crate::*;

/// A request an instance served: its place in the order of all requests, the instance (0 or
/// 1), method and path.
type Served = (u64, usize, String);

/// The requests both instances served, in order.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<Served>>>, Arc<AtomicU64>);

impl Log {
    fn all(&self) -> Vec<Served> {
        self.0.lock().unwrap().clone()
    }

    /// The instance that served the last request matching `method path` (the path's start).
    fn instance_of(&self, request: &str) -> usize {
        self.all()
            .iter()
            .rev()
            .find(|(_, _, r)| r.starts_with(request))
            .unwrap_or_else(|| panic!("no instance served `{request}`: {:?}", self.all()))
            .1
    }

    /// Waits until no request has arrived for half a second (a page's style sheet, script and
    /// icon are loaded), and returns the instance that served the last one.
    async fn quiet(&self) -> usize {
        let mut seen = self.all().len();
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let now = self.all().len();
            if now == seen {
                return self.all().last().map_or(0, |s| s.1);
            }
            seen = now;
        }
    }
}

/// The PostgreSQL server to use, or `None` (skipped) when none is configured, except on CI.
fn postgres_url() -> Option<String> {
    match std::env::var("SEXTANT_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url.trim().to_string()),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "SEXTANT_TEST_DATABASE_URL is not set: the two-instance test needs PostgreSQL \
                 (`bash scripts/postgres` installs it and prints the URL; .ci/run sets it), and \
                 on CI it must run"
            );
            eprintln!(
                "skipping the two-instance test: SEXTANT_TEST_DATABASE_URL is not set (`bash \
                 scripts/postgres` prints a URL for it)"
            );
            None
        }
    }
}

/// A new, empty database on the server of `url` (those earlier runs left behind dropped), and
/// its URL.
async fn new_database(url: &str) -> (String, String) {
    use sqlx::Connection;
    let mut admin = sqlx::PgConnection::connect(url).await.unwrap_or_else(|e| {
        panic!(
            "SEXTANT_TEST_DATABASE_URL: expected postgres://USER:PASSWORD@HOST:PORT/DATABASE of \
             a server where USER may create databases; connecting failed: {e}"
        )
    });
    let names: Vec<(String,)> = sqlx::query_as(
        "SELECT datname FROM pg_database WHERE datname LIKE 'sextant\\_browser\\_%'",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap_or_default();
    for (name,) in names {
        let pid = name.rsplit('_').next().unwrap_or_default();
        if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                .execute(&mut admin)
                .await;
        }
    }
    let name = format!("sextant_browser_{}", std::process::id());
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let base = match url.rfind('/') {
        Some(i) if i > "postgres://".len() => &url[..i],
        _ => url,
    };
    (format!("{base}/{name}"), name)
}

/// Drops the test's database once its pools are closed.
async fn drop_database(url: &str, name: &str) {
    use sqlx::Connection;
    if let Ok(mut admin) = sqlx::PgConnection::connect(url).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
            .execute(&mut admin)
            .await;
    }
}

/// Instance `n` over its own store on `database`, on a free port, behind one proxy on the
/// loopback (`X-Forwarded-For` believed from it), logging what it serves.
async fn instance(database: &str, n: usize, log: &Log) -> (Store, SocketAddr) {
    let store = Store::open(database).await.unwrap();
    let log = log.clone();
    let app =
        sextant_web::app(AppState::new(store.clone(), false, 1)).layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| {
                let log = log.clone();
                async move {
                    let line = format!("{} {}", req.method(), req.uri().path());
                    if req.uri().path() != "/healthz" {
                        let seq = log.1.fetch_add(1, Ordering::SeqCst);
                        log.0.lock().unwrap().push((seq, n, line));
                    }
                    next.run(req).await
                }
            },
        ));
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
    (store, addr)
}

/// The proxy (`scripts/proxy`), ended when dropped.
struct Proxy(Child);

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `scripts/proxy` on a free port in front of `upstreams`, once it answers.
async fn proxy(dir: &std::path::Path, upstreams: &[SocketAddr]) -> (Proxy, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cmd = Command::new("bash");
    cmd.arg(repo("scripts/proxy"))
        .arg(format!("127.0.0.1:{port}"))
        .args(upstreams.iter().map(|a| a.to_string()))
        .env("SEXTANT_PROXY_DIR", dir)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    let mut child = Proxy(
        cmd.spawn()
            .expect("bash scripts/proxy could not be started"),
    );
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(status) = child.0.try_wait().unwrap() {
            panic!("scripts/proxy ended ({status}) before answering on port {port}");
        }
        // Installing haproxy from Debian's packages, when missing, takes a while.
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the proxy did not answer on port {port} within 300 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (child, format!("http://127.0.0.1:{port}"))
}

/// A request made by the page's own script (the browser's cookies, through the proxy): status,
/// headers that matter and body.
async fn fetch(c: &Client, method: &str, path: &str, csrf: Option<&str>, body: Value) -> Value {
    let script = r#"
        const [method, path, csrf, body, done] = arguments;
        const headers = {};
        if (csrf) headers['X-CSRF-Token'] = csrf;
        if (body !== null) headers['Content-Type'] = 'application/json';
        fetch(path, {method, headers, body: body === null ? undefined : JSON.stringify(body)})
          .then(async r => done({status: r.status, type: r.headers.get('content-type'),
                                 disposition: r.headers.get('content-disposition'),
                                 text: await r.text()}))
          .catch(e => done({status: 0, text: String(e)}));
    "#;
    c.execute_async(
        script,
        vec![
            method.into(),
            path.into(),
            csrf.map_or(Value::Null, Into::into),
            body,
        ],
    )
    .await
    .unwrap_or_else(|e| panic!("{method} {path} from the page: {e}"))
}

/// Makes sure the browser's next request goes to the instance other than `instance`: round
/// robin sends it to the instance after the last one used, so when the last request went to
/// the other instance, one more request (the style sheet, fetched by the page) goes first.
async fn away_from(c: &Client, log: &Log, instance: usize) {
    if log.quiet().await != instance {
        fetch(c, "GET", "/assets/sextant.css", None, Value::Null).await;
        assert_eq!(log.quiet().await, instance, "{:?}", log.all());
    }
}

fn json_of(r: &Value) -> Value {
    serde_json::from_str(r["text"].as_str().unwrap_or("")).unwrap_or(Value::Null)
}

#[tokio::test]
async fn two_instances_behind_a_proxy_serve_one_journey() {
    let Some(server) = postgres_url() else {
        return;
    };
    let begun = Instant::now();
    let (database, name) = new_database(&server).await;
    let log = Log::default();
    let (a, a_addr) = instance(&database, 0, &log).await;
    let (b, b_addr) = instance(&database, 1, &log).await;
    let dir = tempfile::Builder::new()
        .prefix("sextant-proxy-")
        .tempdir()
        .unwrap();
    let (proxy, base) = proxy(dir.path(), &[a_addr, b_addr]).await;
    let admin = a
        .create_user("casey@example.com", "Casey", PASSWORD, true)
        .await
        .unwrap();
    a.create_org(&admin, "acme", "Acme Books").await.unwrap();
    let app = App {
        base,
        store: a.clone(),
        _dir: tempfile::tempdir().unwrap(),
    };

    let driver = driver().await;
    let c = browser(&driver, 1280, 1000).await;

    // Log in: the form from one instance, the post to the other.
    go(&c, &app, "/login").await;
    fill(&c, "f-email", "casey@example.com").await;
    fill(&c, "f-password", PASSWORD).await;
    away_from(&c, &log, log.instance_of("GET /login")).await;
    click(&c, "main form button[type=submit]").await;
    sees(&c, "<h1>Organisations</h1>").await;
    shot(&c, "30-instances-logged-in").await;
    assert_ne!(
        log.instance_of("GET /login"),
        log.instance_of("POST /login"),
        "{:?}",
        log.all()
    );

    // The plan file.
    import_plan(&c, &app, "acme", "examples/corner-bookstore.yaml").await;

    // Upload a data set: the preview on one instance...
    preview_upload(&c, &app, "acme", "examples/corner-bookstore/orders.csv").await;
    sees(&c, "orders data, 12106 rows to import").await;
    shot(&c, "31-instances-preview").await;
    let made = log.instance_of("POST /orgs/acme/data/preview");
    // ...and "Import" on the other.
    away_from(&c, &log, made).await;
    click(&c, "button[value=import]").await;
    sees(&c, "Imported.").await;
    shot(&c, "32-instances-imported").await;
    let confirmed = log.instance_of("POST /orgs/acme/data/preview/");
    assert_ne!(
        made,
        confirmed,
        "the import should have reached the instance that did not make the preview: {:?}",
        log.all()
    );
    let sets = a.scope(&admin, "acme").await.unwrap();
    let stored = a.datasets(&sets, Default::default()).await.unwrap();
    assert_eq!(stored.total, 1);
    assert_eq!(stored.items[0].rows, 12106);

    // A roadmap job, followed from both instances. It waits for a core behind a long
    // simulation on the same instance (one organisation's share of the cores), then runs once
    // the simulation is cancelled through the other instance.
    go(&c, &app, "/orgs/acme/roadmap").await;
    sees(&c, "Download the plan report").await;
    let me = json_of(&fetch(&c, "GET", "/api/v1/me", None, Value::Null).await);
    let csrf = me["csrf_token"].as_str().expect("a CSRF token").to_string();
    let start = |kind: &'static str, params: Value| {
        let (c, csrf) = (c.clone(), csrf.clone());
        async move {
            let r = fetch(
                &c,
                "POST",
                "/api/v1/orgs/acme/jobs",
                Some(&csrf),
                json!({"kind": kind, "params": params}),
            )
            .await;
            assert_eq!(r["status"], 202, "{r}");
            json_of(&r)["id"].as_i64().unwrap()
        }
    };
    let simulation = start("simulate", json!({"trials": 1_000_000})).await;
    let runs = log.instance_of("POST /api/v1/orgs/acme/jobs");
    away_from(&c, &log, 1 - runs).await;
    let roadmap = start("roadmap", json!({"time_limit": 10, "frontier": 8})).await;
    assert_eq!(log.instance_of("POST /api/v1/orgs/acme/jobs"), runs);
    let job = |id: i64| format!("/api/v1/orgs/acme/jobs/{id}");
    let poll = |id: i64| {
        let c = c.clone();
        async move { json_of(&fetch(&c, "GET", &job(id), None, Value::Null).await) }
    };
    let mut seen = Vec::new();
    let started = Instant::now();
    // Until it is done, and a few polls more, so that both instances report on it.
    loop {
        let r = poll(roadmap).await;
        let (status, progress) = (
            r["status"].as_str().unwrap_or("").to_string(),
            r["progress"].as_f64().unwrap_or(-1.0),
        );
        assert!(
            matches!(status.as_str(), "queued" | "running" | "done"),
            "{r}"
        );
        assert!((0.0..=1.0).contains(&progress), "{r}");
        if status == "queued" {
            // Next in the queue, once its first heartbeat has recorded its place.
            assert!(
                r["queue_position"] == 0 || r["queue_position"].is_null(),
                "{r}"
            );
            if seen.len() == 3 {
                // Cancelled on the instance that does not run it: the one running it stops
                // it at its next heartbeat.
                away_from(&c, &log, runs).await;
                let r = fetch(&c, "DELETE", &job(simulation), Some(&csrf), Value::Null).await;
                assert_eq!(json_of(&r)["status"], "cancelled", "{r}");
                assert_ne!(
                    log.instance_of(&format!("DELETE {}", job(simulation))),
                    runs
                );
            }
        }
        seen.push((status, progress, r["result"].clone()));
        if seen.iter().filter(|s| s.0 == "done").count() >= 3 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the job did not finish within 60 s: {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    eprintln!(
        "the roadmap job, as polled: {:?}",
        seen.iter().map(|s| (&s.0, s.1)).collect::<Vec<_>>()
    );
    assert_eq!(seen[0].0, "queued", "{seen:?}");
    // Progress never goes back, ends at 1, and the result is the same whichever instance
    // answers.
    assert!(seen.windows(2).all(|w| w[0].1 <= w[1].1), "{seen:?}");
    let results: Vec<&Value> = seen
        .iter()
        .filter(|s| s.0 == "done")
        .map(|s| &s.2)
        .collect();
    assert!(results.iter().all(|r| *r == results[0]), "{seen:?}");
    assert_eq!(seen.last().unwrap().1, 1.0);
    assert!(
        matches!(results[0]["status"].as_str(), Some("optimal" | "feasible")),
        "{}",
        results[0]
    );
    let polled: std::collections::BTreeSet<usize> = log
        .all()
        .iter()
        .filter(|s| s.2 == format!("GET {}", job(roadmap)))
        .map(|s| s.1)
        .collect();
    assert_eq!(polled.len(), 2, "{:?}", log.all());
    let sim = poll(simulation).await;
    assert_eq!(sim["status"], "cancelled", "{sim}");
    assert!(sim["result"].is_null(), "{sim}");

    // The plan report, downloaded.
    let report = fetch(&c, "GET", "/orgs/acme/report", None, Value::Null).await;
    assert_eq!(report["status"], 200, "{}", report["text"]);
    assert_eq!(report["type"], "text/html; charset=utf-8");
    let disposition = report["disposition"].as_str().unwrap_or("");
    assert!(
        disposition.starts_with("attachment") && disposition.contains("acme-plan.html"),
        "{disposition}"
    );
    let text = report["text"].as_str().unwrap_or("");
    assert!(text.contains("Corner Bookstore") && text.contains("<svg"));
    shot(&c, "33-instances-roadmap").await;

    // Both instances served the journey, alternately.
    let all = log.all();
    let on = |n: usize| all.iter().filter(|s| s.1 == n).count();
    assert!(on(0) > 10 && on(1) > 10, "{all:?}");
    eprintln!(
        "two instances behind the proxy: {} and {} requests, {:.1} s",
        on(0),
        on(1),
        begun.elapsed().as_secs_f64()
    );

    c.close().await.unwrap();
    drop(proxy);
    a.close().await;
    b.close().await;
    drop_database(&server, &name).await;
}
