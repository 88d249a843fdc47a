//! The main journeys in a real browser: Debian's headless chromium driven through chromedriver
//! (WebDriver, with `fantoccini`), against the whole application served on a free port over a
//! fresh SQLite database; `instances` runs a journey through a reverse proxy in front of two
//! instances on one PostgreSQL database. `scripts/setup` installs chromium and chromium-driver;
//! without them these tests fail saying so.
//!
//! Each step saves a screenshot under `target/browser-screenshots/` for review.

#![allow(clippy::unwrap_used)]

mod access;
mod instances;
mod journeys;
mod owner;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use sextant_store::Store;
use sextant_web::AppState;

/// The password of every account the journeys make.
pub const PASSWORD: &str = "a long test password";

/// The application on a free port.
pub struct App {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Its database.
    pub store: Store,
    _dir: tempfile::TempDir,
}

/// Starts the application over a new database.
pub async fn app() -> App {
    app_with(|_| {}).await
}

/// Starts the application over a new database, its state changed by `change` first.
pub async fn app_with(change: impl FnOnce(&mut AppState)) -> App {
    let dir = tempfile::Builder::new()
        .prefix("sextant-browser-")
        .tempdir()
        .unwrap();
    let url = format!("sqlite://{}", dir.path().join("sextant.db").display());
    let store = Store::open(&url).await.unwrap();
    let mut state = AppState::new(store.clone(), false, 0);
    change(&mut state);
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
    App {
        base: format!("http://{addr}"),
        store,
        _dir: dir,
    }
}

/// A chromedriver process, ended when dropped.
pub struct Driver {
    child: Child,
    /// Its WebDriver URL.
    pub url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts chromedriver on a free port and waits until it answers.
pub async fn driver() -> Driver {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "chromedriver could not be started ({e}); `bash scripts/setup` installs Debian's chromium and chromium-driver"
            )
        });
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver did not answer on port {port} within 20 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Driver { child, url }
}

/// A headless chromium window of a phone's or a desk's width.
pub async fn browser(driver: &Driver, width: u32, height: u32) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium_binary(),
            "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     format!("--window-size={width},{height}")],
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| panic!("no chromium session through chromedriver: {e}"))
}

fn chromium_binary() -> String {
    for b in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if std::path::Path::new(b).exists() {
            return b.to_string();
        }
    }
    panic!("chromium is not installed; `bash scripts/setup` installs it")
}

/// Where screenshots go.
pub fn shots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Saves a screenshot of the page as `NAME.png`.
pub async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(shots().join(format!("{name}.png")), png).unwrap();
}

/// Goes to `path` of the application.
pub async fn go(c: &Client, app: &App, path: &str) {
    c.goto(&format!("{}{path}", app.base)).await.unwrap();
}

/// Types into the field with this id (clearing it first).
pub async fn fill(c: &Client, id: &str, text: &str) {
    let e = c
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("no field #{id}: {e}"));
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
}

/// Sets an input's value as a person picking it would (a month or a range input, which take
/// no typing), firing its `input` event.
pub async fn set_value(c: &Client, id: &str, value: &str) {
    c.execute(
        "const e = document.getElementById(arguments[0]); e.value = arguments[1]; \
         e.dispatchEvent(new Event('input', {bubbles: true}));",
        vec![id.into(), value.into()],
    )
    .await
    .unwrap_or_else(|e| panic!("cannot set #{id}: {e}"));
}

/// Clicks the element matching a CSS selector.
pub async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("nothing matches `{css}`: {e}"))
        .click()
        .await
        .unwrap();
}

/// The page's HTML.
pub async fn html(c: &Client) -> String {
    c.source().await.unwrap()
}

/// Asserts the page shows `text`, waiting up to 20 s for it (a click's page may still be
/// loading).
pub async fn sees(c: &Client, text: &str) {
    let started = Instant::now();
    loop {
        let h = html(c).await;
        if h.contains(text) {
            return;
        }
        if started.elapsed() > Duration::from_secs(20) {
            panic!(
                "expected `{text}` on {}:\n{h}",
                c.current_url().await.unwrap()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Imports the plan file `file` (a path in the repository) into organisation `org` from its
/// data page, and waits for the dashboard it leads to.
pub async fn import_plan(c: &Client, app: &App, org: &str, file: &str) {
    go(c, app, &format!("/orgs/{org}/data")).await;
    c.find(Locator::Id("f-plan"))
        .await
        .unwrap()
        .send_keys(&repo(file))
        .await
        .unwrap();
    click(c, &format!("form[action='/orgs/{org}/plan/import'] button")).await;
    sees(c, "How the goals are doing").await;
}

/// Uploads the data file `file` (a path in the repository) to organisation `org` for a preview.
pub async fn preview_upload(c: &Client, app: &App, org: &str, file: &str) {
    go(c, app, &format!("/orgs/{org}/data")).await;
    c.find(Locator::Id("f-file"))
        .await
        .unwrap()
        .send_keys(&repo(file))
        .await
        .unwrap();
    click(
        c,
        &format!("form[action='/orgs/{org}/data/preview'] button"),
    )
    .await;
}

/// Logs in through the login form with `email` and `password`.
pub async fn log_in(c: &Client, app: &App, email: &str, password: &str) {
    go(c, app, "/login").await;
    fill(c, "f-email", email).await;
    fill(c, "f-password", password).await;
    click(c, "main form button[type=submit]").await;
}

/// A path of the repository.
pub fn repo(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
        .canonicalize()
        .unwrap()
        .display()
        .to_string()
}
