//! The storage contract: what every backend must do, run on SQLite always and on PostgreSQL
//! when `SEXTANT_TEST_DATABASE_URL` names a server where the user may create databases (each
//! test gets a database of its own there, and a file of its own with SQLite).

#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::Value;
use sextant_store::{Change, Store, User};

mod accounts;
mod firm;
mod jobs;
mod nul;
mod plan;
mod previews;
mod reviews;
mod tenancy;
mod users;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh store per backend: SQLite in a temporary file, and PostgreSQL when configured.
pub async fn stores() -> Vec<(String, Store)> {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("sextant-contract-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut out = vec![(
        "sqlite".to_string(),
        Store::open(&format!("sqlite://{}", dir.join("db.sqlite").display()))
            .await
            .unwrap(),
    )];
    if let Ok(url) = std::env::var("SEXTANT_TEST_DATABASE_URL") {
        out.push(("postgres".to_string(), postgres(url.trim(), n).await));
    }
    out
}

/// A new, empty PostgreSQL database on the server of `url`.
async fn postgres(url: &str, n: u32) -> Store {
    use sqlx::Connection;
    let name = format!("sextant_test_{}_{n}", std::process::id());
    if n == 0 {
        drop_stale_databases(url).await;
    }
    let mut admin = sqlx::PgConnection::connect(url).await.unwrap_or_else(|e| {
        panic!(
            "SEXTANT_TEST_DATABASE_URL: expected postgres://USER:PASSWORD@HOST:PORT/DATABASE \
             of a server where USER may create databases; connecting failed: {e}"
        )
    });
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
    Store::open(&format!("{base}/{name}")).await.unwrap()
}

/// Drops the databases earlier runs of this suite left behind (a test cannot drop its own
/// asynchronously when it ends): those named after a process that is no longer running.
async fn drop_stale_databases(url: &str) {
    use sqlx::Connection;
    if !std::path::Path::new("/proc/self").exists() {
        return; // no way to tell a finished run from a running one
    }
    let Ok(mut admin) = sqlx::PgConnection::connect(url).await else {
        return;
    };
    let names: Vec<(String,)> =
        sqlx::query_as("SELECT datname FROM pg_database WHERE datname LIKE 'sextant\\_test\\_%'")
            .fetch_all(&mut admin)
            .await
            .unwrap_or_default();
    for (name,) in names {
        let pid = name.split('_').nth(2).unwrap_or_default();
        let alive = std::path::Path::new(&format!("/proc/{pid}")).exists();
        if !alive && pid.bytes().all(|b| b.is_ascii_digit()) {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                .execute(&mut admin)
                .await;
        }
    }
}

/// An administrator and a plain user on a store.
pub async fn people(store: &Store) -> (User, User) {
    let admin = store
        .create_user("admin@example.com", "Admin", "admin password 1", true)
        .await
        .unwrap();
    let sarah = store
        .create_user("sarah@example.com", "Sarah", "sarah password 1", false)
        .await
        .unwrap();
    (admin, sarah)
}

/// Invites `email` to the organisation of `scope` with `role`, and accepts the invitation
/// with `password` (the account's, if it has one; a new account's otherwise).
pub async fn join(
    store: &Store,
    scope: &sextant_store::Scope,
    email: &str,
    role: sextant_store::Role,
    password: &str,
) -> User {
    let change = store.set_member(scope, email, role).await.unwrap();
    let sextant_store::MemberChange::Invited { token, .. } = change else {
        panic!("{email} is a member already")
    };
    store
        .accept_invitation(&token, "Joiner", password, "test-client")
        .await
        .unwrap()
        .0
}

/// The organisation `corner` of a new administrator, and the administrator's scope in it.
pub async fn corner(store: &Store) -> (User, sextant_store::Scope) {
    let (admin, _) = people(store).await;
    store
        .create_org(&admin, "corner", "Corner Bookstore")
        .await
        .unwrap();
    let scope = store.scope(&admin, "corner").await.unwrap();
    (admin, scope)
}

/// The Corner Bookstore plan, as a file's text.
pub fn bookstore() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/corner-bookstore.yaml"
    );
    std::fs::read_to_string(path).unwrap()
}

/// The canonical JSON of a plan file's text.
pub fn canonical(text: &str) -> Value {
    let plan = sextant_core::load_plan("plan.yaml", text).unwrap();
    serde_json::to_value(plan.doc()).unwrap()
}

/// Imports a plan's text into the organisation of `scope`.
pub async fn import(store: &Store, scope: &sextant_store::Scope, text: &str) -> Value {
    let doc = canonical(text);
    store
        .change_plan(scope, Change::Replace(doc))
        .await
        .unwrap()
        .unwrap()
}

/// The path of the first difference between two JSON values, with both sides there.
pub fn first_difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                let p = format!("{path}.{k}");
                match (x.get(k), y.get(k)) {
                    (Some(u), Some(v)) => {
                        if let Some(d) = first_difference(u, v, &p) {
                            return Some(d);
                        }
                    }
                    (u, v) => return Some(format!("{p}: {u:?} / {v:?}")),
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (u, v))| first_difference(u, v, &format!("{path}[{i}]"))),
        _ if a == b => None,
        _ => Some(format!("{path}: {a} / {b}")),
    }
}

/// The suite runs on every backend it is given: SQLite always, PostgreSQL when
/// `SEXTANT_TEST_DATABASE_URL` is set (so CI's PostgreSQL step cannot pass on SQLite alone).
#[tokio::test]
async fn every_configured_backend_is_tested() {
    let all = stores().await;
    let postgres = std::env::var("SEXTANT_TEST_DATABASE_URL").is_ok();
    assert_eq!(all.len(), 1 + usize::from(postgres));
    assert_eq!(all[0].1.dialect(), sextant_store::Dialect::Sqlite);
    if let Some((name, store)) = all.get(1) {
        assert_eq!(name, "postgres");
        assert_eq!(store.dialect(), sextant_store::Dialect::Postgres);
    }
    eprintln!(
        "contract suite backends: {}",
        all.iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
}
