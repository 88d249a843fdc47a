//! What the customers are worth: the predictive CLV of the imported orders, in words.

use crate::*;

#[tokio::test]
async fn the_customers_page_shows_their_worth_and_how_far_to_trust_it() {
    let (srv, b) = demo().await;
    b.ok(&format!("/orgs/{DEMO}/data"))
        .await
        .has(&format!("href=\"/orgs/{DEMO}/customers\""));
    let p = b.ok(&format!("/orgs/{DEMO}/customers")).await;
    p.has("<h1>What your customers are worth")
        .has("Likely still buying")
        .has("The most valuable customers")
        .has("How far to trust it")
        // No gross margin in the demo: the worth is in sales, with where to set the margin.
        .has(&format!(
            "href=\"/orgs/{DEMO}/business/profile\">set it</a>"
        ))
        .has("<summary>How this is worked out</summary>");
    // The models' names only in the details, one click away.
    let details = p.html.find("How this is worked out").unwrap();
    assert!(!p.html[..details].contains("BG/NBD"));
    // Every customer of the demo's orders (sextant_core::synth::bookstore_data(7), as the demo
    // imports them), counted here from the file.
    let data = sextant_core::synth::bookstore_data(7);
    let customers: std::collections::BTreeSet<&str> = data
        .orders
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(2))
        .collect();
    p.has(&format!(
        "From {} customers' orders",
        sextant_core::unit::count(customers.len() as f64)
    ));
    // The demo's orders run over two years: the check on the last year is made.
    p.has("Fitted on the orders up to ")
        .has(" orders from those customers in the year after; they placed ")
        .has(" than came.");
    // A viewer sees it too; an organisation without orders says where to import them.
    let viewer = srv.demo_viewer().await;
    viewer
        .ok(&format!("/orgs/{DEMO}/customers"))
        .await
        .has("Likely still buying");
    let (_srv, b) = super::empty_org().await;
    b.ok("/orgs/empty/customers")
        .await
        .has("This page needs the business's orders")
        .has("href=\"/orgs/empty/data\"");
}
