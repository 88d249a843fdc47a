//! Assets on the pages: the demo's register with its warnings and forecast, an asset list
//! uploaded (bad rows listed with line and column, nothing stored; a re-upload updating), the
//! replacement policy saved and checked, and the hardware refresh added to the plan.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use super::{Browser, DEMO, Page, demo};

fn url(path: &str) -> String {
    format!("/orgs/{DEMO}/{path}")
}

async fn upload(b: &Browser, name: &str, text: &str) -> Page {
    let csrf = b.ok(&url("assets")).await.csrf();
    let form = Form::new().text("csrf", csrf).part(
        "file",
        Part::text(text.to_string()).file_name(name.to_string()),
    );
    let r = b
        .http
        .post(format!("{}{}", b.base, url("assets/upload")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    Page {
        status: r.status(),
        location: r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string()),
        html: r.text().await.unwrap(),
    }
}

#[tokio::test]
async fn the_demo_assets_show_what_needs_attention_and_the_refresh_is_one_click() {
    let (_srv, b) = demo().await;
    let p = b.ok(&url("assets")).await;
    p.has("<strong>15</strong> assets")
        .has("<strong>2</strong> out of warranty")
        .has("TILL-01 runs Windows 10 22H2, which stopped getting security updates on 14 October 2025: replace or upgrade it.")
        .has("TILL-01's warranty ended on 14 March 2023")
        .has("Replacements by financial year")
        .has("Ends of support")
        .has("Add the hardware refresh to the plan")
        .has("aria-current=\"page\">Assets</a>");
    let r = b.submit(&url("assets"), &url("assets/refresh"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let after = b.ok(r.location.as_deref().unwrap()).await;
    after
        .has("The hardware refresh is in the plan.")
        .has("It is in the plan already.")
        .lacks("Add the hardware refresh to the plan");
    // On the roadmap, with its deadline.
    b.ok(&url("roadmap")).await.has("Done by ");
}

#[tokio::test]
async fn an_asset_list_is_uploaded_whole_or_not_at_all() {
    let (_srv, b) = demo().await;
    let bad = "Name,Serial,Purchase Date,Warranty End\nPC-9,S9,someday,2027-01-01\nPC-8,S8,2024-01-01,2023-01-01\n";
    let p = upload(&b, "new.csv", bad).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("2 bad row(s); nothing was imported")
        .has("line 2, column 3 (purchased from &quot;Purchase Date&quot;): expected a date")
        .has("found 2023-01-01");
    b.ok(&url("assets")).await.has("<strong>15</strong> assets");

    let good = "Name,Serial,Type,Purchase Date,Warranty End\nPC-9,S9,desktop,2024-01-01,2027-01-01\nTILL-01,7QX3K93,desktop,2020-03-14,2027-03-14\n";
    let p = upload(&b, "new.csv", good).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    b.ok(p.location.as_deref().unwrap())
        .await
        .has("1 new, 1 updated")
        .has("<strong>16</strong> assets")
        .has("<strong>1</strong> out of warranty");
}

#[tokio::test]
async fn the_replacement_policy_is_saved_and_checked() {
    let (_srv, b) = demo().await;
    let r = b
        .submit(
            &url("assets"),
            &url("assets/policy"),
            &[
                ("warn_months", "3"),
                ("years_laptop", "3"),
                ("price_laptop", "1400"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let p = b.ok(r.location.as_deref().unwrap()).await;
    p.has("The replacement policy is saved.")
        .has("<label class=\"visually-hidden\" for=\"f-years_laptop\">Replace laptops after (years)</label>")
        .has("name=\"years_laptop\" value=\"3\"");
    let r = b
        .submit(
            &url("assets"),
            &url("assets/policy"),
            &[("years_laptop", "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    r.has("Laptops, replace after: expected a whole number of years from 1 to 30, found 0");
    let r = b
        .submit(
            &url("assets"),
            &url("assets/policy"),
            &[("years_mobile", "2.5")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    r.has("Phones and tablets, replace after: expected a whole number of years from 1 to 30, found 2.5");
    let r = b
        .submit(
            &url("assets"),
            &url("assets/policy"),
            &[("price_laptop", "lots")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.has("Laptops, replacement price: expected a number of 0 or more, found “lots”");
}
