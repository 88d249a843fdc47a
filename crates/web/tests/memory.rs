//! How much memory the server's plan import takes (`PUT /api/v1/orgs/{org}/plan`), measured
//! by a counting allocator (`peak_alloc`, this test binary's global allocator) around each
//! request: the client's copy of the file, the server's, its reading under the CPU budget, and
//! the store's work. A 1.99 MB plan (a long text aliased thousands of times) took a server
//! capped at 6 GB down. The bound (docs/plan-format.md): at most 20 times the file plus 64 MiB
//! for a file whose aliases copy text or values.

use std::net::SocketAddr;
use std::sync::{Mutex, OnceLock};

use peak_alloc::PeakAlloc;
use proptest::prelude::*;
use serde_json::{Value, json};
use sextant_core::synth::aliased::{laughs, long_text};

#[global_allocator]
static PEAK: PeakAlloc = PeakAlloc;

const MIB: usize = 1024 * 1024;

/// A server with an organisation `mem` and an administrator's session on it, on a runtime of its
/// own, shared by the tests (measured one at a time).
struct Env {
    rt: tokio::runtime::Runtime,
    base: String,
    http: reqwest::Client,
    csrf: String,
    _dir: tempfile::TempDir,
}

static ENV: OnceLock<Mutex<Env>> = OnceLock::new();

fn env() -> std::sync::MutexGuard<'static, Env> {
    ENV.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let dir = tempfile::tempdir().expect("a directory");
        let url = format!("sqlite://{}", dir.path().join("m.db").display());
        let (base, http, csrf) = rt.block_on(async {
            let store = sextant_store::Store::open(&url).await.expect("the store");
            store
                .create_user("m@example.com", "M", "a long test password", true)
                .await
                .expect("a user");
            let app = sextant_web::app(sextant_web::AppState::new(store, false, 0));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("a port");
            let base = format!("http://{}", listener.local_addr().expect("an address"));
            tokio::spawn(async move {
                let _ = axum::serve(
                    listener,
                    app.into_make_service_with_connect_info::<SocketAddr>(),
                )
                .await;
            });
            let http = reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .expect("a client");
            let login: Value = http
                .post(format!("{base}/api/v1/session"))
                .json(&json!({"email": "m@example.com", "password": "a long test password"}))
                .send()
                .await
                .expect("login")
                .json()
                .await
                .expect("its body");
            let csrf = login["csrf_token"].as_str().unwrap_or_default().to_string();
            let created = http
                .post(format!("{base}/api/v1/orgs"))
                .header("x-csrf-token", &csrf)
                .json(&json!({"slug": "mem", "name": "M"}))
                .send()
                .await
                .expect("an organisation");
            assert_eq!(created.status(), 201);
            (base, http, csrf)
        });
        Mutex::new(Env {
            rt,
            base,
            http,
            csrf,
            _dir: dir,
        })
    })
    .lock()
    .unwrap_or_else(|e| e.into_inner())
}

/// The peak allocation while the server imports `text`, above what was allocated before; the
/// status and the first problem's message.
fn import(text: &str) -> (usize, u16, String) {
    let env = env();
    let body = text.to_string();
    let before = PEAK.current_usage();
    PEAK.reset_peak_usage();
    let (status, first) = env.rt.block_on(async {
        let resp = env
            .http
            .put(format!("{}/api/v1/orgs/mem/plan", env.base))
            .header("x-csrf-token", &env.csrf)
            .header("content-type", "application/yaml")
            .body(body)
            .send()
            .await
            .expect("an answer");
        let status = resp.status().as_u16();
        let v: Value = resp.json().await.unwrap_or(Value::Null);
        (
            status,
            v["errors"][0]["message"].as_str().unwrap_or("").to_string(),
        )
    });
    let peak = PEAK.peak_usage().saturating_sub(before);
    (peak, status, first)
}

fn alias_heavy() -> impl Strategy<Value = String> {
    prop_oneof![
        (1usize..200_000, 1usize..12_000).prop_map(|(len, n)| long_text(len, n)),
        (1usize..3000, 2usize..40, 2usize..12).prop_map(|(l, f, d)| laughs(l, f, d)),
    ]
    .prop_filter("under 4 MB", |t| t.len() < 4_000_000)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// No alias-heavy plan under 4 MB makes the server's import allocate more than 20 times
    /// the file plus 64 MiB.
    #[test]
    fn an_alias_heavy_import_takes_at_most_twenty_times_the_file_plus_64_mib(text in alias_heavy()) {
        let (peak, status, first) = import(&text);
        prop_assert!(
            peak <= 20 * text.len() + 64 * MIB,
            "{} bytes took {} bytes at the peak ({:.1}x); {status} {first}",
            text.len(),
            peak,
            peak as f64 / text.len() as f64
        );
    }
}

/// The import: 1.99 MB of a long text aliased thousands of times is a 422 naming the
/// alias, having allocated little.
#[test]
fn a_two_megabyte_alias_bomb_is_a_422_having_allocated_little() {
    let text = long_text(1_300_000, 10_000);
    assert!(text.len() < 2_000_000, "{}", text.len());
    let (peak, status, first) = import(&text);
    assert_eq!(status, 422, "{first}");
    assert_eq!(first, "the file's aliases (`*name`) copy too much text");
    assert!(peak <= 4 * text.len() + 8 * MIB, "{peak} bytes");
}
