//! Data sets: uploading a business's files (all or nothing, or skipping bad rows), listing,
//! downloading the same bytes, and deleting.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{ORDERS, call, problem, spawn};

const BAD_ORDERS: &str = "Order Date,Order Number,Customer Email,Total,Channel\n\
2025-01-01,1,a@example.com,10.00,store\n\
2025-01-02,2,b@example.com,lots,store\n\
2025-01-03,3,c@example.com,12.50,online\n";

#[tokio::test]
async fn an_orders_file_is_uploaded_listed_and_downloaded_unchanged() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let resp = api
        .post("/api/v1/orgs/acme/datasets?kind=orders&name=orders.csv")
        .header("content-type", "text/csv")
        .body(ORDERS)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let body: Value = resp.json().await.unwrap();
    let d = &body["dataset"];
    assert_eq!(d["kind"], "orders");
    assert_eq!(d["name"], "orders.csv");
    let rows = ORDERS.lines().count() as i64 - 1;
    assert_eq!(d["rows"], rows, "{d}");
    assert_eq!(body["skipped"], json!([]));
    assert_eq!(d["options"]["kind"], "orders");
    let id = d["id"].as_i64().unwrap();

    let list = api.ok("/api/v1/orgs/acme/datasets").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0], *d);
    assert_eq!(
        api.ok(&format!("/api/v1/orgs/acme/datasets/{id}")).await,
        *d
    );

    let resp = api
        .get(&format!("/api/v1/orgs/acme/datasets/{id}/content"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "text/csv");
    assert_eq!(
        resp.headers()["content-disposition"],
        "attachment; filename=\"orders.csv\"; filename*=UTF-8''orders.csv"
    );
    assert_eq!(resp.bytes().await.unwrap().as_ref(), ORDERS.as_bytes());

    // The upload is in the history.
    let h = api.ok("/api/v1/orgs/acme/history?limit=1").await;
    assert_eq!(h["items"][0]["section"], "datasets");
    assert_eq!(h["items"][0]["key"], id.to_string());
    assert_eq!(h["items"][0]["action"], "create");
    assert_eq!(h["items"][0]["after"]["rows"], rows);

    // And the metrics read it.
    let m = api.ok("/api/v1/orgs/acme/metrics").await;
    assert!(m.is_object() || m.is_array(), "{m}");

    // Deleted, it is gone.
    let (status, _) = call(api.delete(&format!("/api/v1/orgs/acme/datasets/{id}"))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for path in [
        format!("/api/v1/orgs/acme/datasets/{id}"),
        format!("/api/v1/orgs/acme/datasets/{id}/content"),
    ] {
        let (status, _) = problem(api.get(&path)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, _) = problem(api.delete(&format!("/api/v1/orgs/acme/datasets/{id}"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(api.ok("/api/v1/orgs/acme/datasets").await["total"], 0);
    let h = api.ok("/api/v1/orgs/acme/history?limit=1").await;
    assert_eq!(h["items"][0]["action"], "delete");
    // A word where the id goes is a 400.
    let (status, _) = problem(api.get("/api/v1/orgs/acme/datasets/first")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_bad_row_refuses_the_file_with_its_line_and_column() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let history = api.ok("/api/v1/orgs/acme/history").await["total"].clone();
    let (status, body) = problem(
        api.post("/api/v1/orgs/acme/datasets?kind=orders&name=bad.csv")
            .header("content-type", "text/csv")
            .body(BAD_ORDERS),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{body}");
    let e = &errors[0];
    assert_eq!(e["line"], 3, "{body}");
    assert_eq!(e["column"], 4, "{body}");
    // The importer quotes what it found.
    assert_eq!(e["found"], "\"lots\"", "{body}");
    assert_eq!(e["path"], "amount", "{body}");
    assert!(e["message"].as_str().unwrap().contains("Total"), "{body}");
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.contains("bad.csv") && detail.contains("skip_bad_rows"),
        "{detail}"
    );
    // Nothing was stored.
    assert_eq!(api.ok("/api/v1/orgs/acme/datasets").await["total"], 0);
    assert_eq!(api.ok("/api/v1/orgs/acme/history").await["total"], history);
}

/// A mistyped year (`0026`) or a spreadsheet's empty date (`1899-12-31`) would stretch every
/// report over centuries of empty periods: refused with its line, column and year, in every kind
/// of data.
#[tokio::test]
async fn a_date_centuries_away_refuses_the_file_naming_its_year() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    for (kind, text, line, column, year) in [
        (
            "orders",
            "Order Date,Order Number,Customer Email,Total\n\
             2025-01-01,1,a@example.com,10.00\n0025-01-02,2,b@example.com,12.00\n",
            3,
            1,
            "25",
        ),
        (
            "marketing",
            "month,channel,spend\n2025-01,search,300\n2025-02,search,250\n1899-12-31,search,1\n",
            4,
            1,
            "1899",
        ),
    ] {
        let (status, body) = problem(
            api.post(&format!(
                "/api/v1/orgs/acme/datasets?kind={kind}&name={kind}.csv"
            ))
            .header("content-type", "text/csv")
            .body(text),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let e = &body["errors"][0];
        assert_eq!(
            (e["line"].as_i64(), e["column"].as_i64()),
            (Some(line), Some(column)),
            "{body}"
        );
        assert!(
            e["found"].as_str().unwrap().contains(&format!(
                "in the year {year} (dates from 1900 to 2199 are read: a mistyped year?)"
            )),
            "{body}"
        );
    }
    assert_eq!(api.ok("/api/v1/orgs/acme/datasets").await["total"], 0);
}

#[tokio::test]
async fn skipping_bad_rows_keeps_the_good_ones_and_reports_the_rest() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let (status, body) = call(
        api.post("/api/v1/orgs/acme/datasets?kind=orders&name=bad.csv&skip_bad_rows=true")
            .header("content-type", "text/csv")
            .body(BAD_ORDERS),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["dataset"]["rows"], 2, "{body}");
    assert_eq!(body["dataset"]["options"]["skip_bad_rows"], true, "{body}");
    let skipped = body["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{body}");
    assert_eq!(skipped[0]["line"], 3);
    assert_eq!(skipped[0]["column"], 4);
    assert_eq!(skipped[0]["found"], "\"lots\"");
    let id = body["dataset"]["id"].as_i64().unwrap();
    // Stored as uploaded, bad row included, so that it reads the same way again.
    let bytes = api
        .get(&format!("/api/v1/orgs/acme/datasets/{id}/content"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.as_ref(), BAD_ORDERS.as_bytes());
    assert_eq!(api.ok("/api/v1/orgs/acme/datasets").await["total"], 1);
    // The analyses read the kept file with its options.
    api.ok("/api/v1/orgs/acme/metrics").await;
}

#[tokio::test]
async fn upload_options_are_checked() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    for (query, field) in [
        ("kind=invoices", "kind"),
        ("kind=orders&replace=all", "replace"),
        ("kind=orders&date_order=year-first", "date_order"),
        ("kind=surveys&survey=happiness", "survey"),
        ("kind=orders&map=amount", "map"),
    ] {
        let (status, body) = problem(
            api.post(&format!("/api/v1/orgs/acme/datasets?{query}"))
                .body(ORDERS),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body["errors"][0]["path"], field, "{query}: {body}");
    }
    let (status, body) = problem(
        api.post("/api/v1/orgs/acme/datasets?kind=orders&colour=red")
            .body(ORDERS),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["detail"].as_str().unwrap().contains("colour"),
        "{body}"
    );
    // A file that is not what the kind says.
    let (status, _) = problem(
        api.post("/api/v1/orgs/acme/datasets?kind=orders&name=x.csv")
            .body("just,some\nother,columns\n"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Without a kind the importer recognises orders by their headers.
    let (status, body) = call(
        api.post("/api/v1/orgs/acme/datasets?name=orders.csv")
            .body(ORDERS),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["dataset"]["kind"], "orders");
    assert_eq!(api.ok("/api/v1/orgs/acme/datasets").await["total"], 1);
}

/// An upload names the orders rows that repeat an earlier row of the same day (a file
/// exported twice?); they are kept, as the file is.
#[tokio::test]
async fn an_upload_names_repeated_orders_rows() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let text = "Order Date,Customer Email,Total\n\
2025-01-01,a@example.com,10.00\n\
2025-01-01,a@example.com,10.00\n";
    let (status, body) = call(
        api.post("/api/v1/orgs/acme/datasets?kind=orders&name=twice.csv")
            .header("content-type", "text/csv")
            .body(text),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["repeated_rows"], 1);
    assert_eq!(body["repeated"], json!([{"line": 3, "repeats": 2}]));
    assert_eq!(body["dataset"]["rows"], 2);
}

/// Runs one SQL statement on the server's database behind the API's back: what a database
/// written by an older version holds.
pub async fn sql(url: &str, statement: &str) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    sqlx::query(statement).execute(&pool).await.unwrap();
    pool.close().await;
}

/// A data set named with a control character was stored, then its download answered 500: the
/// name is refused, naming the field, before the file is read.
#[tokio::test]
async fn a_data_set_name_with_a_control_character_is_refused_naming_the_field() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    for (name, detail) in [
        (
            "orders%01.csv",
            "name: expected a name without control characters, found U+0001 at character 7",
        ),
        (
            "a%0Ab.csv",
            "name: expected a name without control characters, found U+000A at character 2",
        ),
    ] {
        let (status, body) = problem(
            api.post(&format!(
                "/api/v1/orgs/acme/datasets?kind=orders&name={name}"
            ))
            .header("content-type", "text/csv")
            .body(ORDERS),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["detail"], detail);
        assert_eq!(body["errors"][0]["path"], "name");
    }
    assert_eq!(api.ok("/api/v1/orgs/acme/datasets").await["total"], 0);
}

/// A name stored before control characters were refused still downloads, its header written
/// per RFC 6266: an ASCII fallback and the name percent-encoded.
#[tokio::test]
async fn a_stored_name_with_a_control_character_still_downloads() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let (status, body) = call(
        api.post("/api/v1/orgs/acme/datasets?kind=orders&name=orders.csv")
            .header("content-type", "text/csv")
            .body(ORDERS),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["dataset"]["id"].as_i64().unwrap();
    sql(
        &srv.url,
        "UPDATE datasets SET name = 'été' || char(1) || '\"x\".csv'",
    )
    .await;
    let resp = api
        .get(&format!("/api/v1/orgs/acme/datasets/{id}/content"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()["content-disposition"],
        "attachment; filename=\"_t___x_.csv\"; filename*=UTF-8''%C3%A9t%C3%A9%01%22x%22.csv"
    );
    assert_eq!(resp.bytes().await.unwrap().as_ref(), ORDERS.as_bytes());
}

/// The orders export as an XLSX workbook.
fn orders_xlsx() -> Vec<u8> {
    let path = std::env::temp_dir().join(format!(
        "sextant-api-{}-{:?}.xlsx",
        std::process::id(),
        std::thread::current().id()
    ));
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, line) in ORDERS.lines().enumerate() {
        for (c, v) in line.split(',').enumerate() {
            ws.write_string(r as u32, c as u16, v).unwrap();
        }
    }
    wb.save(&path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    bytes
}

/// Sets the stored files of the data sets behind the API's back.
async fn set_files(url: &str, content: &[u8], clear_parsed: bool) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let sql = if clear_parsed {
        "UPDATE datasets SET content = $1, parsed = NULL"
    } else {
        "UPDATE datasets SET content = $1"
    };
    sqlx::query(sql)
        .bind(content.to_vec())
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

async fn has_parsed(url: &str) -> bool {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM datasets WHERE parsed IS NOT NULL")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    n > 0
}

/// An XLSX workbook was unpacked and parsed again by every metrics call (40 s for a big one):
/// its rows as read are stored beside it, and analyses read those. The workbook replaced by
/// junk behind the API's back, a new instance (no cache) computes the same metrics; a data set
/// stored before parsed forms were kept is unpacked once, then its rows are kept.
#[tokio::test]
async fn a_workbook_is_unpacked_once_and_its_rows_serve_every_analysis() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let xlsx = orders_xlsx();
    let (status, body) = call(
        api.post("/api/v1/orgs/acme/datasets?kind=orders&name=orders.xlsx")
            .header("content-type", "application/octet-stream")
            .body(xlsx.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["dataset"]["rows"], ORDERS.lines().count() as i64 - 1);
    assert!(has_parsed(&srv.url).await);
    let metrics = api.ok("/api/v1/orgs/acme/metrics").await;

    set_files(&srv.url, b"not a workbook", false).await;
    let second = srv.second_instance().await;
    let api2 = crate::Api {
        base: second.base.clone(),
        ..api.clone()
    };
    assert_eq!(api2.ok("/api/v1/orgs/acme/metrics").await, metrics);

    // As a data set stored before parsed forms were kept: read from the workbook once.
    set_files(&srv.url, &xlsx, true).await;
    let third = srv.second_instance().await;
    let api3 = crate::Api {
        base: third.base.clone(),
        ..api.clone()
    };
    assert_eq!(api3.ok("/api/v1/orgs/acme/metrics").await, metrics);
    assert!(has_parsed(&srv.url).await);
    set_files(&srv.url, b"not a workbook", false).await;
    let fourth = srv.second_instance().await;
    let api4 = crate::Api {
        base: fourth.base.clone(),
        ..api.clone()
    };
    assert_eq!(api4.ok("/api/v1/orgs/acme/metrics").await, metrics);
}

/// A workbook whose parts declare 840 MB of XML was accepted after a minute of CPU: it is
/// refused before anything is unpacked, naming the limit.
#[tokio::test]
async fn a_workbook_that_unpacks_past_the_limit_is_a_422_naming_it() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let mut xlsx = orders_xlsx();
    // The central directory's entry for the sheet declares 840 MiB.
    let mut i = 0;
    while let Some(at) = xlsx[i..].windows(4).position(|w| w == b"PK\x01\x02") {
        let h = i + at;
        let n = u16::from_le_bytes([xlsx[h + 28], xlsx[h + 29]]) as usize;
        if &xlsx[h + 46..h + 46 + n] == b"xl/worksheets/sheet1.xml" {
            xlsx[h + 24..h + 28].copy_from_slice(&(840u32 * 1024 * 1024).to_le_bytes());
        }
        i = h + 4;
    }
    let (status, body) = problem(
        api.post("/api/v1/orgs/acme/datasets?kind=orders&name=bomb.xlsx")
            .header("content-type", "application/octet-stream")
            .body(xlsx),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("bomb.xlsx: the workbook unpacks to 841 MiB (the sizes its parts declare), more than the 256 MiB a workbook may unpack to"),
        "{detail}"
    );
    assert_eq!(api.ok("/api/v1/orgs/acme/datasets").await["total"], 0);
}

/// A stored data set went disk, memory, database, a staged file, parse on every cache miss:
/// the analyses read the database's bytes and stage nothing. The server's staging directory
/// holds nothing but its lock once the uploads are stored; it is then taken away, and every
/// analysis (the monthly data behind the analysis and the metrics, the metrics by quarter read
/// again, CLV, a workbook stored before its rows were kept) still answers, with nothing put
/// back.
#[tokio::test]
async fn analyses_read_stored_data_sets_without_staging_a_file() {
    use sextant_web::data::Staging;
    let root = tempfile::tempdir().unwrap();
    let staging =
        std::sync::Arc::new(Staging::open(&root.path().join("uploads"), "run-", true).unwrap());
    let dir = staging.dir().to_path_buf();
    let srv = crate::spawn_state(|s| s.staging = Some(staging.clone())).await;
    let api = srv.org_with_plan("acme").await;
    for (name, body) in [
        ("orders.csv", ORDERS.as_bytes().to_vec()),
        ("orders.xlsx", orders_xlsx()),
    ] {
        let (status, body) = call(
            api.post(&format!(
                "/api/v1/orgs/acme/datasets?kind=orders&name={name}"
            ))
            .header("content-type", "application/octet-stream")
            .body(body),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(left, [".lock"], "the uploads' staged files went with them");
    // The workbook as stored before its rows were kept: read from its bytes once.
    sql(
        &srv.url,
        "UPDATE datasets SET parsed = NULL WHERE name = 'orders.xlsx'",
    )
    .await;
    std::fs::remove_dir_all(&dir).unwrap();
    for path in [
        "metrics",
        "metrics?period=quarter",
        "analysis",
        "clv?calibration_end=2026-06-30",
    ] {
        api.ok(&format!("/api/v1/orgs/acme/{path}")).await;
    }
    assert!(has_parsed(&srv.url).await);
    assert!(!dir.exists(), "nothing was staged");
}

/// An importer's advice is said with this route's query parameters, never the command line's
/// options: a column to name, dates to order, a kind to say.
#[tokio::test]
async fn import_advice_names_the_query_parameters() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    for (query, body, says) in [
        (
            "kind=orders",
            "Order Date,Customer Email,Betrag\n2027-01-03,a@example.com,35.15\n",
            "Name its column with the query parameter map=amount=COLUMN",
        ),
        (
            "kind=orders",
            "Order Date,Customer Email,Total\n03/04/2027,a@example.com,35.15\n05/06/2027,b@example.com,12\n",
            "Say date_order=day-month (31/12/2027) or date_order=month-day (12/31/2027)",
        ),
    ] {
        let (status, p) = problem(
            api.post(&format!("/api/v1/orgs/acme/datasets?{query}"))
                .body(body),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
        let detail = p["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(says), "{p}");
        assert!(!detail.contains("--"), "{p}");
    }
    assert_eq!(api.ok("/api/v1/orgs/acme/datasets").await["total"], 0);
}

/// The orders of `ORDERS` up to and including `last` (YYYY-MM-DD), with its header.
fn orders_to(last: &str) -> String {
    ORDERS
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || l[..10] <= *last)
        .map(|(_, l)| format!("{l}\n"))
        .collect()
}

/// The whole-business revenue of `month` from the metrics route.
async fn revenue(api: &crate::Api, month: &str) -> f64 {
    let m = api.ok("/api/v1/orgs/acme/metrics").await;
    let k = m["periods"]
        .as_array()
        .unwrap()
        .iter()
        .position(|p| p == month)
        .unwrap();
    m["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["metric"] == "revenue" && s["by"].is_null())
        .unwrap()["values"][k]
        .as_f64()
        .unwrap()
}

/// A new export that holds the days of an earlier one: uploaded beside it, the answer names
/// the earlier file and the shared days (counted twice, as the metrics show); uploaded with
/// `replace=overlapping`, it takes the earlier file's place in one change, and the figures are
/// the export's alone. A file of other days, or of another kind, is not named.
#[tokio::test]
async fn a_new_export_names_the_earlier_one_it_overlaps_or_replaces_it() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let upload = |name: &str, query: &str, body: String| {
        api.post(&format!(
            "/api/v1/orgs/acme/datasets?kind=orders&name={name}{query}"
        ))
        .header("content-type", "text/csv")
        .body(body)
    };
    let (status, first) = call(upload("to-november.csv", "", orders_to("2026-11-30"))).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["overlaps"], json!([]));
    let november = revenue(&api, "2026-11").await;
    // December alone shares no day with it.
    let december: String = ORDERS
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || l.starts_with("2026-12"))
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    let (status, body) = call(upload("december.csv", "", december)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["overlaps"], json!([]), "{body}");
    let december_id = body["dataset"]["id"].as_i64().unwrap();
    // The whole export, beside them: both earlier files are named, with the days shared.
    let (status, body) = call(upload("all.csv", "", ORDERS.to_string())).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let o = body["overlaps"].as_array().unwrap();
    assert_eq!(o.len(), 2, "{body}");
    assert_eq!(o[0]["dataset"], first["dataset"]["id"]);
    assert_eq!(o[0]["name"], "to-november.csv");
    assert_eq!(o[0]["first_day"], "2025-01-01");
    assert_eq!(o[0]["last_day"], "2026-11-30");
    assert_eq!(o[0]["shared_from"], "2025-01-01");
    assert_eq!(o[0]["shared_to"], "2026-11-30");
    assert_eq!(o[1]["dataset"], december_id);
    assert_eq!(o[1]["shared_from"], "2026-12-01");
    assert_eq!(o[1]["shared_to"], "2026-12-31");
    assert_eq!(body["replaced"], json!([]));
    // Counted twice, as the answer warned.
    assert!((revenue(&api, "2026-11").await - 2.0 * november).abs() < 0.01);
    let all_id = body["dataset"]["id"].as_i64().unwrap();
    // The same export again, in place of the three: one data set, figures as the export's.
    let (status, body) = call(upload(
        "all-again.csv",
        "&replace=overlapping",
        ORDERS.to_string(),
    ))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["overlaps"], json!([]));
    let replaced: Vec<i64> = body["replaced"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["dataset"].as_i64().unwrap())
        .collect();
    assert_eq!(
        replaced,
        [
            first["dataset"]["id"].as_i64().unwrap(),
            december_id,
            all_id
        ]
    );
    let list = api.ok("/api/v1/orgs/acme/datasets").await;
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(list["items"][0]["name"], "all-again.csv");
    // The option is not kept with the file.
    assert!(
        list["items"][0]["options"].get("replace").is_none(),
        "{list}"
    );
    assert!((revenue(&api, "2026-11").await - november).abs() < 0.01);
}
