//! Data: upload with a preview, column mapping, row errors; plan files.

use reqwest::multipart::{Form, Part};

use crate::*;

/// An organisation `shop` with the bookstore plan and no data, its owner's browser.
async fn shop() -> (Server, Browser) {
    let srv = spawn().await;
    let admin = srv.user("admin@example.com", true).await;
    srv.store.create_org(&admin, "shop", "Shop").await.unwrap();
    let b = srv.browser();
    b.login("admin@example.com", PASSWORD).await;
    let p = upload_plan(&b, "plan.yaml", sextant_web::demo::PLAN).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    (srv, b)
}

async fn upload_plan(b: &Browser, name: &str, text: &str) -> Page {
    let csrf = b.ok("/orgs/shop/data").await.csrf();
    let form = Form::new().text("csrf", csrf).part(
        "plan",
        Part::text(text.to_string()).file_name(name.to_string()),
    );
    let r = b
        .http
        .post(format!("{}/orgs/shop/plan/import", b.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    page_of(r).await
}

async fn page_of(r: reqwest::Response) -> Page {
    Page {
        status: r.status(),
        location: r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string()),
        html: r.text().await.unwrap(),
    }
}

/// Uploads a file for a preview with extra form fields.
async fn preview(b: &Browser, name: &str, text: &str, fields: &[(&str, &str)]) -> Page {
    let csrf = b.ok("/orgs/shop/data").await.csrf();
    let mut form = Form::new().text("csrf", csrf);
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    form = form.part(
        "file",
        Part::text(text.to_string()).file_name(name.to_string()),
    );
    let r = b
        .http
        .post(format!("{}/orgs/shop/data/preview", b.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    page_of(r).await
}

/// The preview's "import" action URL.
fn action_of(p: &Page) -> String {
    let at = p.html.find("action=\"/orgs/shop/data/preview/").unwrap();
    let rest = &p.html[at + "action=\"".len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

async fn dataset_count(srv: &Server) -> usize {
    let admin = srv
        .store
        .login("admin@example.com", PASSWORD, "t")
        .await
        .unwrap();
    let scope = srv.store.scope(&admin, "shop").await.unwrap();
    srv.store
        .datasets(&scope, sextant_store::Paging::new(None, Some(100)))
        .await
        .unwrap()
        .items
        .len()
}

/// The header of a CSV file's `text` and the rows `keep` keeps.
fn rows_where(text: &str, keep: impl Fn(&str) -> bool) -> String {
    text.lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || keep(l))
        .map(|(_, l)| format!("{l}\n"))
        .collect()
}

const ORDERS: &str = "Order Date,Order Number,Customer Email,Total,Channel\n\
2027-01-03,1,a@example.com,35.15,store\n\
2027-01-04,2,b@example.com,16.09,online\n\
2027-02-01,3,a@example.com,20.00,store\n";

#[tokio::test]
async fn an_upload_is_previewed_then_imported_and_the_kpis_move() {
    let (srv, b) = shop().await;
    let p = preview(&b, "orders.csv", ORDERS, &[]).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    p.has("orders data, 3 rows to import")
        .has("Which column each field is read from")
        // The amount is read from "Total", the date from "Order Date".
        .has("<option value=\"Total\" selected>Total</option>")
        .has("<option value=\"Order Date\" selected>Order Date</option>")
        .has("The first 3 rows as read")
        .has("<td>35.15</td>")
        .has("Import 3 rows");
    // Nothing is stored by a preview: no metrics yet.
    assert_eq!(dataset_count(&srv).await, 0);
    let metrics = format!("{}/api/v1/orgs/shop/metrics", b.base);
    let r = b.http.get(&metrics).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let action = action_of(&p);
    let csrf = p.csrf();
    let done = b
        .post_raw(&action, &[("csrf", &csrf), ("action", "import")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    assert_eq!(
        done.location.as_deref(),
        Some("/orgs/shop/data?done=imported")
    );
    assert_eq!(dataset_count(&srv).await, 1);
    // The KPIs are computed from it: January's revenue is 35.15 + 16.09 = 51.24.
    let m: serde_json::Value = b
        .http
        .get(&metrics)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(m["periods"][0], "2027-01");
    let revenue = m["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["metric"] == "revenue" && s["by"].is_null())
        .unwrap();
    assert_eq!(revenue["values"][0], 51.24);
    b.ok("/orgs/shop/data?done=imported")
        .await
        .has("Imported.")
        .has("orders.csv")
        .has("<td class=\"num\">3</td>");
    // A preview is used once.
    let again = b
        .post_raw(&action, &[("csrf", &csrf), ("action", "import")])
        .await;
    assert_eq!(again.status, StatusCode::GONE);
    assert_eq!(dataset_count(&srv).await, 1);
}

/// Orders exported on 15 December 2026: December is covered in part, so its figures so far
/// are left out of the KPIs computed from them (they would read as a fall), and every door
/// says so: the KPI's page (with what to do), the forecast route's `partial_periods`.
#[tokio::test]
async fn a_month_the_data_cover_in_part_is_left_out_and_said_to_be() {
    let (_srv, b) = shop().await;
    let full = include_str!("../../../../examples/corner-bookstore/orders.csv");
    let text = rows_where(full, |l| !(l.starts_with("2026-12-") && l[8..10] > *"15"));
    let p = preview(&b, "orders.csv", &text, &[]).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    let csrf = p.csrf();
    let done = b
        .post_raw(&action_of(&p), &[("csrf", &csrf), ("action", "import")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    let p = b.ok("/orgs/shop/kpis/revenue").await;
    p.has("23 monthly values from January 2025 to November 2026, computed from the imported data")
        .has("December 2026 is left out: the imported data stop part-way through it")
        .has("<a href=\"/orgs/shop/data\">Import a newer export on the Data page</a>");
    // December is forecast, not listed among the months measured.
    let values = &p.html[p.html.find("id=\"values\"").unwrap()..];
    assert!(!values.contains("December 2026"), "{values}");
    let forecast = &p.html[p.html.find("id=\"forecast\"").unwrap()..];
    assert!(forecast.contains("<th scope=\"row\">December 2026</th>"));
    // A KPI the plan's own measurements give is not the data's: nothing said there.
    b.ok("/orgs/shop/kpis/online_revenue")
        .await
        .lacks("is left out: the imported data");
    // Nor is another source's: sessions to the end of September leave out no month of theirs.
    let sessions = rows_where(
        include_str!("../../../../examples/corner-bookstore/sessions.csv"),
        |l| l[..10] <= *"2026-09-30",
    );
    let p = preview(&b, "sessions.csv", &sessions, &[]).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    let csrf = p.csrf();
    b.post_raw(&action_of(&p), &[("csrf", &csrf), ("action", "import")])
        .await;
    b.ok("/orgs/shop/kpis/sessions")
        .await
        .has("monthly values from January 2025 to September 2026")
        .lacks("is left out");
    let f: serde_json::Value = b
        .http
        .get(format!(
            "{}/api/v1/orgs/shop/forecast?kpi=revenue&horizon=3",
            b.base
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        f["partial_periods"],
        serde_json::json!(["2026-12"]),
        "{f:#}"
    );
    assert_eq!(f["forecast_periods"][0], "2026-12", "{f:#}");
    let f: serde_json::Value = b
        .http
        .get(format!(
            "{}/api/v1/orgs/shop/forecast?kpi=online_revenue&horizon=3",
            b.base
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(f["partial_periods"], serde_json::json!([]), "{f:#}");
}

/// A new export previewed beside an earlier one that covers some of its days: the preview
/// names the earlier file and the days both cover, and offers to import it in its place (or
/// as well). In its place, one data set is left.
#[tokio::test]
async fn a_new_export_is_imported_in_place_of_the_earlier_one() {
    let (srv, b) = shop().await;
    let full = include_str!("../../../../examples/corner-bookstore/orders.csv");
    let to_november = rows_where(full, |l| l[..10] <= *"2026-11-30");
    let p = preview(&b, "to-november.csv", &to_november, &[]).await;
    p.lacks("Kept both")
        .has("value=\"import\"")
        .lacks("value=\"replace\"");
    let csrf = p.csrf();
    let done = b
        .post_raw(&action_of(&p), &[("csrf", &csrf), ("action", "import")])
        .await;
    assert_eq!(
        done.location.as_deref(),
        Some("/orgs/shop/data?done=imported")
    );
    let p = preview(&b, "orders.csv", full, &[]).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    p.has("This file covers days that orders data imported before cover too:")
        .has("Kept both, the days they share would be counted twice")
        .has("<strong>to-november.csv</strong>")
        .has("covers 1 January 2025 to 30 November 2026; both cover 1 January 2025 to 30 November 2026.")
        .has("value=\"replace\">Import 12106 rows in place of the earlier file</button>")
        .has("value=\"import\">Import them as well</button>");
    let shown: Vec<(String, String)> = p
        .fields()
        .into_iter()
        .filter(|(k, _)| k == "replacing")
        .collect();
    assert_eq!(shown.len(), 1, "{shown:?}");
    // Another file of December's orders, stored while the preview waits: the preview did not
    // show it, so it is not replaced.
    let admin = srv
        .store
        .login("admin@example.com", PASSWORD, "t")
        .await
        .unwrap();
    let scope = srv.store.scope(&admin, "shop").await.unwrap();
    let december = rows_where(full, |l| l.starts_with("2026-12"));
    srv.store
        .add_dataset(
            &scope,
            "orders",
            "december.csv",
            866,
            &serde_json::json!({"kind": "orders", "name": "december.csv"}),
            december.as_bytes(),
            None,
        )
        .await
        .unwrap();
    let csrf = p.csrf();
    let mut fields = vec![("csrf", csrf.as_str()), ("action", "replace")];
    fields.extend(shown.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let done = b.post_raw(&action_of(&p), &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    assert_eq!(
        done.location.as_deref(),
        Some("/orgs/shop/data?done=replaced")
    );
    assert_eq!(dataset_count(&srv).await, 2);
    b.ok("/orgs/shop/data?done=replaced")
        .await
        .has("Imported, in place of the earlier file that covered the same days.")
        .has("orders.csv")
        .has("december.csv")
        .lacks("to-november.csv");
}

/// Behind a load balancer, "Check again" and "Import" may reach another instance than the one
/// that made the preview: the preview is in the database, so any instance reads it again and
/// imports it, once.
#[tokio::test]
async fn a_preview_made_on_one_instance_is_checked_and_imported_on_another() {
    let (srv, b) = shop().await;
    let other = srv.second_instance().await;
    let on_other = Browser {
        base: other.base.clone(),
        http: b.http.clone(),
    };
    let p = preview(&b, "orders.csv", ORDERS, &[]).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    let action = action_of(&p);
    let csrf = p.csrf();
    let again = on_other
        .post_raw(&action, &[("csrf", &csrf), ("action", "preview")])
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.html);
    again
        .has("orders data, 3 rows to import")
        .has("<td>35.15</td>");
    let done = on_other
        .post_raw(&action, &[("csrf", &csrf), ("action", "import")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    assert_eq!(dataset_count(&srv).await, 1);
    // Used once, on either instance; the page says how long previews are kept, and nothing
    // about servers.
    for browser in [&b, &on_other] {
        let gone = browser
            .post_raw(&action, &[("csrf", &csrf), ("action", "import")])
            .await;
        assert_eq!(gone.status, StatusCode::GONE);
        gone.has(
            "This preview is no longer here (previews are kept 60 minutes). Upload the file again.",
        );
    }
    assert_eq!(dataset_count(&srv).await, 1);
}

#[tokio::test]
async fn bad_rows_are_listed_with_line_and_column_and_nothing_can_be_imported() {
    let (srv, b) = shop().await;
    let text = "Order Date,Order Number,Customer Email,Total,Channel\n\
2027-01-03,1,a@example.com,35.15,store\n\
2027-13-45,2,b@example.com,16.09,online\n\
2027-02-01,3,a@example.com,lots,store\n";
    let p = preview(&b, "orders.csv", text, &[]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("2 bad row(s); nothing was imported")
        .has("Problems (2)")
        .has("<td class=\"num\">3</td><td class=\"num\">1</td>")
        .has("<td class=\"num\">4</td><td class=\"num\">4</td>")
        .has("found &quot;lots&quot;")
        // The kind is still recognised, so the columns can be chosen.
        .has("Which column each field is read from")
        .has("tick &quot;Skip bad rows&quot; to import the rest")
        .lacks("value=\"import\"");
    let action = action_of(&p);
    let csrf = p.csrf();
    // "Import" as it is, posted anyway, is refused; the preview is given back for another try.
    let refused = b
        .post_raw(&action, &[("csrf", &csrf), ("action", "import")])
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.html
    );
    refused.has("2 bad row(s); nothing was imported");
    // Skipping bad rows keeps the good one.
    let p = b
        .post_raw(
            &action,
            &[
                ("csrf", &csrf),
                ("action", "preview"),
                ("skip_bad_rows", "on"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    p.has("1 rows to import (2 bad rows skipped)")
        .has("Bad rows that will be skipped (2)");
    assert_eq!(dataset_count(&srv).await, 0);
}

#[tokio::test]
async fn a_mistyped_year_is_named_on_the_preview_and_can_be_skipped() {
    let (_srv, b) = shop().await;
    let text = "Order Date,Order Number,Customer Email,Total,Channel\n\
2027-01-03,1,a@example.com,35.15,store\n\
0027-01-04,2,b@example.com,16.09,online\n";
    let p = preview(&b, "orders.csv", text, &[]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("1 bad row(s); nothing was imported")
        .has("<td class=\"num\">3</td><td class=\"num\">1</td>")
        .has("in the year 27 (dates from 1900 to 2199 are read: a mistyped year?)")
        .lacks("value=\"import\"");
    let action = action_of(&p);
    let csrf = p.csrf();
    let p = b
        .post_raw(
            &action,
            &[
                ("csrf", &csrf),
                ("action", "preview"),
                ("skip_bad_rows", "on"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    p.has("1 rows to import (1 bad rows skipped)");
}

#[tokio::test]
async fn a_column_the_importer_does_not_know_is_mapped_by_hand() {
    let (srv, b) = shop().await;
    let text = "Order Date,Customer Email,Betrag\n2027-01-03,a@example.com,35.15\n";
    let p = preview(&b, "orders.csv", text, &[("kind", "orders")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("amount").lacks("value=\"import\"");
    // Said with this page's fields, not the command line's options or the API's parameters.
    p.has(
        "Choose the column of amount in the table &quot;Which column each field is read from&quot;",
    )
    .lacks("--map")
    .lacks("map=amount");
    let action = action_of(&p);
    let csrf = p.csrf();
    let fields = [
        ("csrf", csrf.as_str()),
        ("action", "preview"),
        ("kind", "orders"),
        ("map_amount", "Betrag"),
    ];
    let p = b.post_raw(&action, &fields).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    p.has("orders data, 1 rows to import")
        .has("<option value=\"Betrag\" selected>Betrag</option>");
    let mut fields = fields.to_vec();
    fields[1] = ("action", "import");
    let p = b.post_raw(&action, &fields).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    assert_eq!(dataset_count(&srv).await, 1);
}

#[tokio::test]
async fn a_plan_file_with_mistakes_is_refused_with_line_and_column() {
    let (_srv, b) = shop().await;
    let bad = sextant_web::demo::PLAN.replacen("discount_rate: 0.08", "discount_rate: lots", 1);
    let p = upload_plan(&b, "plan.yaml", &bad).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("plan.yaml: the plan has 1 problem(s); nothing was changed")
        .has("line 27, column 18")
        .has("discount_rate");
    // The stored plan is unchanged: the dashboard still shows it.
    b.ok("/orgs/shop").await.has("How the goals are doing");
}

#[tokio::test]
async fn a_viewer_sees_the_data_but_cannot_upload() {
    let (srv, b) = shop().await;
    let admin = srv
        .store
        .login("admin@example.com", PASSWORD, "t")
        .await
        .unwrap();
    srv.user("vic@example.com", false).await;
    srv.add_member(
        &admin,
        "shop",
        "vic@example.com",
        sextant_store::Role::Viewer,
    )
    .await;
    let vic = srv.browser();
    vic.login("vic@example.com", PASSWORD).await;
    vic.ok("/orgs/shop/data")
        .await
        .has("You are a viewer")
        .lacks("enctype");
    let p = preview(&vic, "orders.csv", ORDERS, &[]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    // Nor can anyone confirm another person's preview.
    let p = preview(&b, "orders.csv", ORDERS, &[]).await;
    let action = action_of(&p);
    let csrf = vic.ok("/orgs/shop/data").await.csrf();
    let p = vic
        .post_raw(&action, &[("csrf", &csrf), ("action", "import")])
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert_eq!(dataset_count(&srv).await, 0);
}

/// A file named with a control character broke its download: the page refuses it beside the
/// file field, as the API does, and stores nothing. (A tab is the control character a form's
/// part header can carry; the others are refused by the form's reader, 400.)
#[tokio::test]
async fn a_file_name_with_a_control_character_is_refused_beside_the_field() {
    let (srv, b) = shop().await;
    let p = preview(&b, "orders\t.csv", ORDERS, &[]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("name: expected a name without control characters, found U+0009 at character 7");
    assert_eq!(dataset_count(&srv).await, 0);
}

/// A workbook is unpacked once, at the preview; its rows as read are stored beside it on
/// import, for the analyses to read.
#[tokio::test]
async fn a_workbook_is_previewed_and_stored_with_its_rows() {
    let (srv, b) = shop().await;
    let path = std::env::temp_dir().join(format!("sextant-pages-{}.xlsx", std::process::id()));
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, line) in ORDERS.lines().enumerate() {
        for (c, v) in line.split(',').enumerate() {
            ws.write_string(r as u32, c as u16, v).unwrap();
        }
    }
    wb.save(&path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let csrf = b.ok("/orgs/shop/data").await.csrf();
    let form = Form::new()
        .text("csrf", csrf)
        .part("file", Part::bytes(bytes.clone()).file_name("orders.xlsx"));
    let r = b
        .http
        .post(format!("{}/orgs/shop/data/preview", b.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let p = page_of(r).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    p.has("orders data, 3 rows to import").has("<td>35.15</td>");
    let csrf = p.csrf();
    let done = b
        .post_raw(&action_of(&p), &[("csrf", &csrf), ("action", "import")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    let admin = srv
        .store
        .login("admin@example.com", PASSWORD, "t")
        .await
        .unwrap();
    let scope = srv.store.scope(&admin, "shop").await.unwrap();
    let stored = srv.store.dataset_contents(&scope).await.unwrap();
    assert_eq!(stored[0].content, bytes);
    let rows = String::from_utf8(stored[0].parsed.clone().unwrap()).unwrap();
    assert!(
        rows.starts_with("sextant-sheet-rows,1\n1,Order Date,"),
        "{rows}"
    );
}

/// Dates that could be day-first or month-first: the page asks with its own "Dates" list.
#[tokio::test]
async fn ambiguous_dates_are_asked_about_with_the_pages_own_list() {
    let (_srv, b) = shop().await;
    let text = "Order Date,Customer Email,Total\n03/04/2027,a@example.com,35.15\n05/06/2027,b@example.com,12\n";
    let p = preview(&b, "orders.csv", text, &[("kind", "orders")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("Choose &quot;Day first&quot; or &quot;Month first&quot; under &quot;Dates&quot;")
        .lacks("--date-order")
        .lacks("date_order=");
}
