//! Hardening at the web edge: security headers on every response, JSON endpoints that take
//! JSON only (a cross-site form cannot log anyone in), NUL bytes refused wherever a string
//! reaches the database, and uploads staged privately.

use reqwest::StatusCode;
use serde_json::json;

use crate::{ORDERS, PASSWORD, call, problem, spawn};

fn assert_security_headers(what: &str, resp: &reqwest::Response) {
    let h = resp.headers();
    let get = |n: &str| h.get(n).and_then(|v| v.to_str().ok()).unwrap_or("");
    // Inline styles only for the API reference (Swagger UI styles its elements inline).
    let style =
        if what.starts_with("GET /api/v1/docs") || what.starts_with("GET /api/v1/openapi.json") {
            "style-src 'self' 'unsafe-inline'"
        } else {
            "style-src 'self'"
        };
    assert_eq!(
        get("content-security-policy"),
        format!(
            "default-src 'self'; script-src 'self'; {style}; \
             img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; \
             base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        ),
        "{what}"
    );
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
    assert_eq!(get("referrer-policy"), "no-referrer", "{what}");
    assert_eq!(get("cache-control"), "no-store", "{what}");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let srv = spawn().await;
    srv.user("sarah@example.com").await;
    let anon = srv.anonymous();
    for path in [
        "/login",
        "/setup",
        "/api/v1/docs/",
        "/api/v1/openapi.json",
        "/api/v1/me",
        "/api/v1/no-such-route",
        "/healthz",
    ] {
        let resp = anon.get(path).send().await.unwrap();
        assert_security_headers(&format!("GET {path}: {}", resp.status()), &resp);
    }
    // A login's answer carries the session's CSRF token: never stored by a cache.
    let resp = anon
        .post("/api/v1/session")
        .json(&json!({"email": "sarah@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_security_headers("POST /api/v1/session", &resp);
}

#[tokio::test]
async fn a_json_endpoint_refuses_a_body_that_is_not_declared_json() {
    let srv = spawn().await;
    srv.user("sarah@example.com").await;
    let anon = srv.anonymous();
    let body = json!({"email": "sarah@example.com", "password": PASSWORD}).to_string();
    // What a cross-site form can send without a preflight: text/plain, or a urlencoded form.
    for (ty, found) in [
        (Some("text/plain"), "`text/plain`"),
        (
            Some("application/x-www-form-urlencoded"),
            "`application/x-www-form-urlencoded`",
        ),
        (None, "no Content-Type"),
    ] {
        let mut r = anon.post("/api/v1/session").body(body.clone());
        if let Some(ty) = ty {
            r = r.header("content-type", ty);
        }
        let (status, problem) = problem(r).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{problem}");
        assert_eq!(
            problem["detail"],
            format!("expected Content-Type: application/json, found {found}")
        );
    }
    // Not logged in by any of them.
    let (status, _) = problem(anon.get("/api/v1/me")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // JSON with a charset, or a +json type, is JSON.
    for ty in [
        "application/json; charset=utf-8",
        "application/merge-patch+json",
    ] {
        let (status, b) = call(
            anon.post("/api/v1/session")
                .header("content-type", ty)
                .body(body.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{ty}: {b}");
    }
}

#[tokio::test]
async fn a_nul_byte_is_refused_naming_the_field_wherever_it_is_sent() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let nul = "expected text without NUL bytes, found one at character 2";
    let check = |what: &str, body: &serde_json::Value, path: &str, message: &str| {
        assert_eq!(body["errors"][0]["path"], path, "{what}: {body}");
        assert_eq!(body["errors"][0]["message"], message, "{what}: {body}");
        assert_eq!(
            body["detail"],
            format!("{path}: {message}"),
            "{what}: {body}"
        );
    };
    // In a JSON body: a name, a slug, an e-mail address, a key of an object.
    let (status, body) = problem(
        api.post("/api/v1/orgs")
            .json(&json!({"slug": "b\u{0}", "name": "Bakery"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    check("slug", &body, "slug", nul);
    let (status, body) = problem(
        api.patch("/api/v1/orgs/acme")
            .json(&json!({"name": "A\u{0}cme"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    check("name", &body, "name", nul);
    let (status, body) = problem(
        srv.anonymous()
            .post("/api/v1/session")
            .json(&json!({"email": "a\u{0}@example.com", "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    check("email", &body, "email", nul);
    let (status, body) = problem(
        api.post("/api/v1/orgs/acme/plan/goals")
            .json(&json!({"id": "g", "tags": ["x", "y\u{0}"]})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    check("tags", &body, "tags[1]", nul);
    // In the path: a slug, a key.
    let (status, body) = problem(api.get("/api/v1/orgs/a%00cme")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    check("org", &body, "org", nul);
    let (status, body) = problem(api.delete("/api/v1/orgs/acme/plan/initiatives/p%00s")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    check("key", &body, "key", nul);
    // In the query: a data set's name.
    let (status, body) = problem(
        api.post("/api/v1/orgs/acme/datasets?kind=orders&name=o%00.csv")
            .header("content-type", "text/csv")
            .body(ORDERS),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    check("query", &body, "name", nul);
    let (status, body) = problem(api.get("/api/v1/orgs/acme/history?key=%00")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    check(
        "history",
        &body,
        "key",
        "expected text without NUL bytes, found one at character 1",
    );
    // Nothing was made.
    let orgs = api.ok("/api/v1/orgs").await;
    assert_eq!(orgs["total"], 1, "{orgs}");
    assert_eq!(api.ok("/api/v1/orgs/acme").await["name"], "Org acme");
}

fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn uploads_are_staged_privately_and_what_a_killed_run_left_is_removed_at_start_up() {
    use sextant_web::data::{ReadOptions, Staging};
    let base = tempfile::tempdir().unwrap();
    let root = base.path().join("uploads");
    // What a process killed with -9 left: its directory, its lock (no longer held), a file.
    let dead = root.join("run-dead");
    std::fs::create_dir_all(&dead).unwrap();
    std::fs::write(dead.join(".lock"), "").unwrap();
    std::fs::write(dead.join("data.csv"), ORDERS).unwrap();
    std::fs::write(root.join("notes.txt"), "not ours").unwrap();

    let a = Staging::open(&root, "run-", true).unwrap();
    assert!(!dead.exists(), "the dead run's files are removed");
    assert!(
        root.join("notes.txt").exists(),
        "other files are left alone"
    );
    assert_eq!(mode(&root), 0o700);
    assert_eq!(mode(a.dir()), 0o700);
    assert!(a.dir().starts_with(&root));
    let staged = a.stage(ORDERS.as_bytes(), &ReadOptions::default()).unwrap();
    assert_eq!(mode(&staged.path), 0o600);
    assert!(staged.path.to_string_lossy().ends_with(".csv"));
    assert_eq!(std::fs::read_to_string(&staged.path).unwrap(), ORDERS);
    let path = staged.path.clone();
    drop(staged);
    assert!(!path.exists(), "a staged file goes when it is dropped");

    // A second instance on the same root leaves a running one's directory alone.
    let b = Staging::open(&root, "run-", true).unwrap();
    assert!(a.dir().exists());
    assert_ne!(a.dir(), b.dir());
    let a_dir = a.dir().to_path_buf();
    drop(a);
    assert!(!a_dir.exists(), "a process's directory goes with it");
    drop(b);
    assert_eq!(
        std::fs::read_dir(&root).unwrap().count(),
        1,
        "only notes.txt is left"
    );
}

#[test]
fn the_staging_root_is_beside_a_sqlite_database_and_in_the_temporary_directory_otherwise() {
    use sextant_web::data::Staging;
    assert_eq!(
        Staging::root_for("sqlite:///var/lib/sextant/sextant.db?mode=rwc"),
        ("/var/lib/sextant/uploads".into(), "run-", true)
    );
    assert_eq!(
        Staging::root_for("sqlite://sextant.db"),
        ("./uploads".into(), "run-", true)
    );
    for url in ["postgres://u@h/db", "sqlite::memory:"] {
        assert_eq!(
            Staging::root_for(url),
            (std::env::temp_dir(), "sextant-uploads-", false),
            "{url}"
        );
    }
}

/// Sends a raw HTTP request head and then `body` (whatever of it the server takes); the
/// response's status line and body.
async fn raw(base: &str, head: String, body: impl Iterator<Item = Vec<u8>>) -> (String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    for chunk in body {
        if s.write_all(&chunk).await.is_err() {
            break; // the server answered and closed
        }
    }
    let mut out = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(30), s.read_to_end(&mut out)).await;
    let text = String::from_utf8_lossy(&out).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (
        head.lines().next().unwrap_or("").to_string(),
        body.to_string(),
    )
}

#[tokio::test]
async fn an_upload_beyond_256_mib_is_a_413_problem_whether_announced_or_streamed() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let (_, secret) = api.token("uploads").await;
    let head = |framing: &str| {
        format!(
            "POST /api/v1/orgs/acme/datasets?kind=orders&name=big.csv HTTP/1.1\r\nHost: x\r\n\
             Authorization: Bearer {secret}\r\nContent-Type: text/csv\r\nConnection: close\r\n\
             {framing}\r\n\r\n"
        )
    };
    let detail = "the file is larger than the 256 MiB an upload may be";
    // Announced: refused before a byte of it is read.
    let (status, body) = raw(
        &srv.base,
        head(&format!("Content-Length: {}", 300 * 1024 * 1024)),
        std::iter::empty(),
    )
    .await;
    assert_eq!(status, "HTTP/1.1 413 Payload Too Large", "{body}");
    assert!(body.contains(detail), "{body}");
    // Streamed without a length: refused once the 256 MiB are passed.
    let mib = {
        let mut c = format!("{:x}\r\n", 1024 * 1024).into_bytes();
        c.extend(std::iter::repeat_n(b'x', 1024 * 1024));
        c.extend(b"\r\n");
        c
    };
    let chunks = std::iter::repeat_n(mib, 257).chain(std::iter::once(b"0\r\n\r\n".to_vec()));
    let (status, body) = raw(&srv.base, head("Transfer-Encoding: chunked"), chunks).await;
    assert_eq!(status, "HTTP/1.1 413 Payload Too Large", "{body}");
    assert!(body.contains(detail), "{body}");
    // Nothing was stored.
    assert_eq!(api.ok("/api/v1/orgs/acme/datasets").await["total"], 0);
}

#[tokio::test]
async fn a_nul_byte_in_an_imported_plan_file_is_refused_naming_the_field() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let before = api.ok("/api/v1/orgs/acme/plan").await;
    let text = crate::BOOKSTORE.replacen(
        "title: Point-of-sale system with inventory management",
        "title: \"Point\\0of sale\"",
        1,
    );
    assert_ne!(text, crate::BOOKSTORE);
    let (status, body) = problem(
        api.put("/api/v1/orgs/acme/plan")
            .header("content-type", "application/yaml")
            .body(text),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["path"], "initiatives[0].title", "{body}");
    assert_eq!(
        body["errors"][0]["message"],
        "expected text without NUL bytes, found one at character 6"
    );
    assert_eq!(api.ok("/api/v1/orgs/acme/plan").await, before);
}
