//! The web pages' integration tests: each test spawns the whole application on a port of its
//! own over a fresh SQLite database and drives the pages as a browser without scripts would:
//! GET a page, read its form's CSRF token, POST the form, follow the redirect, and read the
//! HTML. (The journeys in a real browser are in `tests/browser`.)
//!
//! One module per area of `sextant_web::ui`.

#![allow(clippy::unwrap_used)]

mod account;
mod accounts;
mod assessments;
mod assets;
mod business;
mod customers;
mod dashboard;
mod data;
mod firm;
mod goals;
mod initiatives;
mod matrix;
mod members;
mod portfolio;
mod reviews;
mod risks;
mod roadmap;
mod scenarios;
mod schema;
mod sessions;
mod start;
mod strategy;
mod systems;

use std::net::SocketAddr;

use reqwest::StatusCode;
use sextant_store::Store;
use sextant_web::AppState;

/// The password every test user gets.
pub const PASSWORD: &str = "a long test password";

/// A running server, its database, and the demo organisation's slug.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The server's database.
    pub store: Store,
    _dir: tempfile::TempDir,
}

/// Starts the application on a free port over a new database.
pub async fn spawn() -> Server {
    spawn_with(|_| {}).await
}

/// Starts the application with its state changed by `change` first.
pub async fn spawn_with(change: impl FnOnce(&mut AppState)) -> Server {
    let dir = tempfile::Builder::new()
        .prefix("sextant-web-pages-")
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
    Server {
        base: format!("http://{addr}"),
        store,
        _dir: dir,
    }
}

/// A server with the Corner Bookstore demo (plan and data), and a browser logged in as its
/// demo login (an editor of the demo organisation, `corner-bookstore`).
pub async fn demo() -> (Server, Browser) {
    let srv = spawn().await;
    let login = sextant_web::demo::create(&srv.store, false).await.unwrap();
    let b = srv.browser();
    b.login(&login.email, &login.password).await;
    (srv, b)
}

/// A server with an administrator, logged in, and an organisation `empty` ("Empty Ltd") that
/// has no plan yet.
pub async fn empty_org() -> (Server, Browser) {
    let srv = spawn().await;
    let admin = srv.user("admin@example.com", true).await;
    srv.store
        .create_org(&admin, "empty", "Empty Ltd")
        .await
        .unwrap();
    let b = srv.browser();
    b.login("admin@example.com", PASSWORD).await;
    (srv, b)
}

/// The demo organisation's slug.
pub const DEMO: &str = sextant_web::demo::SLUG;

impl Server {
    /// Another instance over the same database, as behind a load balancer: a state of its own
    /// (caches, CPU budget), on a port of its own, sharing nothing in memory with this one.
    pub async fn second_instance(&self) -> Server {
        let file = self._dir.path().join("sextant.db");
        let store = Store::open(&format!("sqlite://{}", file.display()))
            .await
            .unwrap();
        let app = sextant_web::app(AppState::new(store.clone(), false, 0));
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
        Server {
            base: format!("http://{addr}"),
            store,
            _dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A browser with no session.
    pub fn browser(&self) -> Browser {
        Browser {
            base: self.base.clone(),
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    /// A user made in the store (an administrator when `admin`).
    pub async fn user(&self, email: &str, admin: bool) -> sextant_store::User {
        self.store
            .create_user(
                email,
                email.split('@').next().unwrap_or(email),
                PASSWORD,
                admin,
            )
            .await
            .unwrap()
    }

    /// The demo organisation's owner (its demo login).
    pub async fn demo_owner(&self) -> sextant_store::User {
        self.store
            .login("sarah@corner-bookstore.example", "corner-bookstore", "test")
            .await
            .unwrap()
    }

    /// A browser logged in as a new viewer of the demo organisation (`vera@example.com`).
    pub async fn demo_viewer(&self) -> Browser {
        let owner = self.demo_owner().await;
        self.user("vera@example.com", false).await;
        self.add_member(
            &owner,
            DEMO,
            "vera@example.com",
            sextant_store::Role::Viewer,
        )
        .await;
        let b = self.browser();
        b.login("vera@example.com", PASSWORD).await;
        b
    }

    /// The demo organisation's plan as stored.
    pub async fn demo_plan(&self) -> sextant_core::model::PlanDoc {
        let scope = self
            .store
            .scope(&self.demo_owner().await, DEMO)
            .await
            .unwrap();
        self.store
            .plan(&scope)
            .await
            .unwrap()
            .unwrap()
            .doc()
            .clone()
    }

    /// Gives an existing user a role in an organisation, as its owner `owner` would.
    pub async fn add_member(
        &self,
        owner: &sextant_store::User,
        slug: &str,
        email: &str,
        role: sextant_store::Role,
    ) {
        let scope = self.store.scope(owner, slug).await.unwrap();
        let change = self.store.set_member(&scope, email, role).await.unwrap();
        if let sextant_store::MemberChange::Invited { token, .. } = change {
            self.store
                .accept_invitation(&token, email, PASSWORD, "test")
                .await
                .unwrap();
        }
    }
}

/// A page as a browser got it.
#[derive(Debug)]
pub struct Page {
    /// Its status.
    pub status: StatusCode,
    /// Where a redirect pointed (`Location`), if it was one.
    pub location: Option<String>,
    /// Its HTML.
    pub html: String,
}

impl Page {
    /// The page contains `text` (as HTML, so `&` is `&amp;`).
    #[track_caller]
    pub fn has(&self, text: &str) -> &Self {
        assert!(
            self.html.contains(text),
            "expected `{text}` in the page ({}):\n{}",
            self.status,
            self.html
        );
        self
    }

    /// The page does not contain `text`.
    #[track_caller]
    pub fn lacks(&self, text: &str) -> &Self {
        assert!(
            !self.html.contains(text),
            "did not expect `{text}` in the page:\n{}",
            self.html
        );
        self
    }

    /// The value of the first `name="csrf"` hidden field.
    pub fn csrf(&self) -> String {
        let at = self
            .html
            .find("name=\"csrf\" value=\"")
            .expect("a form with a CSRF token");
        let rest = &self.html[at + "name=\"csrf\" value=\"".len()..];
        rest[..rest.find('"').unwrap()].to_string()
    }

    /// How many times `text` occurs.
    pub fn count(&self, text: &str) -> usize {
        self.html.matches(text).count()
    }

    /// The fields of the page's forms as a browser would send them untouched: each named
    /// `<input>`'s value (a checkbox or radio button only when checked), each `<textarea>`'s
    /// text and each `<select>`'s selected option (else its first).
    pub fn fields(&self) -> Vec<(String, String)> {
        fn attr(tag: &str, name: &str) -> Option<String> {
            let key = format!(" {name}=\"");
            let at = tag.find(&key)? + key.len();
            let end = tag[at..].find('"')?;
            Some(unescape(&tag[at..at + end]))
        }
        fn unescape(s: &str) -> String {
            s.replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        }
        let html = &self.html;
        let mut out = Vec::new();
        let mut at = 0;
        while let Some(open) = html[at..].find('<').map(|k| at + k) {
            let close = html[open..].find('>').map_or(html.len(), |k| open + k);
            let tag = &html[open..close];
            at = close;
            let Some(name) = attr(tag, "name") else {
                continue;
            };
            if tag.starts_with("<input") {
                let kind = attr(tag, "type").unwrap_or_default();
                if (kind == "checkbox" || kind == "radio") && !tag.contains(" checked") {
                    continue;
                }
                if kind == "submit" || kind == "file" {
                    continue;
                }
                out.push((name, attr(tag, "value").unwrap_or_default()));
            } else if tag.starts_with("<textarea") {
                let end = html[close..]
                    .find("</textarea>")
                    .map_or(close, |k| close + k);
                out.push((name, unescape(&html[close + 1..end])));
            } else if tag.starts_with("<select") {
                let end = html[close..].find("</select>").map_or(close, |k| close + k);
                let options = &html[close..end];
                let chosen = options
                    .split("<option")
                    .skip(1)
                    .find(|o| o[..o.find('>').unwrap_or(0)].contains(" selected"))
                    .or_else(|| options.split("<option").nth(1))
                    .and_then(|o| attr(&format!("<option{o}"), "value"));
                out.push((name, chosen.unwrap_or_default()));
            }
        }
        out
    }
}

/// A browser without scripts: keeps cookies, does not follow redirects.
#[derive(Clone)]
pub struct Browser {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The client.
    pub http: reqwest::Client,
}

impl Browser {
    async fn page(resp: reqwest::Response) -> Page {
        let status = resp.status();
        let location = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        Page {
            status,
            location,
            html: resp.text().await.unwrap(),
        }
    }

    /// GETs a page.
    pub async fn get(&self, path: &str) -> Page {
        Self::page(
            self.http
                .get(format!("{}{path}", self.base))
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// GETs a page, asserting 200.
    pub async fn ok(&self, path: &str) -> Page {
        let p = self.get(path).await;
        assert_eq!(p.status, StatusCode::OK, "GET {path}:\n{}", p.html);
        p
    }

    /// POSTs a form as it is (no CSRF token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        Self::page(
            self.http
                .post(format!("{}{path}", self.base))
                .form(fields)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// POSTs a form with the CSRF token of the page `from` (GET first, as a person would).
    pub async fn submit(&self, from: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.ok(from).await.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(action, &all).await
    }

    /// Follows the redirect a successful form answers with, asserting it was one.
    pub async fn follow(&self, p: &Page) -> Page {
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
        self.ok(p.location.as_deref().unwrap()).await
    }

    /// Logs in through the log-in form, asserting success.
    pub async fn login(&self, email: &str, password: &str) {
        let p = self
            .submit(
                "/login",
                "/login",
                &[("email", email), ("password", password), ("next", "/")],
            )
            .await;
        assert_eq!(
            p.status,
            StatusCode::SEE_OTHER,
            "login of {email}:\n{}",
            p.html
        );
    }
}
