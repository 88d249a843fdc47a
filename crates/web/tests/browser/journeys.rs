//! The journeys: a new installation set up, an organisation made, its plan and data imported,
//! a goal added, its KPI seen, the budget changed and the roadmap re-planned; and a viewer of
//! another organisation refused.

use fantoccini::Locator;

use crate::*;

#[tokio::test]
async fn a_consultant_sets_up_sextant_and_plans_a_client() {
    let app = app().await;
    let driver = driver().await;
    let c = browser(&driver, 1280, 1000).await;

    // Set up: the link printed on the console.
    let token = app.store.setup_token().await.unwrap().unwrap();
    go(&c, &app, &format!("/setup?token={token}")).await;
    shot(&c, "01-setup").await;
    fill(&c, "f-name", "Casey Consultant").await;
    fill(&c, "f-email", "casey@example.com").await;
    fill(&c, "f-password", PASSWORD).await;
    click(&c, "main form button[type=submit]").await;
    sees(&c, "<h1>Organisations</h1>").await;

    // Create an organisation.
    fill(&c, "f-name", "Acme Books").await;
    fill(&c, "f-slug", "acme").await;
    click(&c, "main form[action='/orgs'] button[type=submit]").await;
    sees(&c, "There is no plan for Acme Books yet.").await;
    shot(&c, "02-new-organisation").await;

    // Import its plan file.
    import_plan(&c, &app, "acme", "examples/corner-bookstore.yaml").await;
    shot(&c, "03-dashboard").await;

    // Upload a month of orders: preview, then import.
    preview_upload(&c, &app, "acme", "examples/corner-bookstore/orders.csv").await;
    sees(&c, "Which column each field is read from").await;
    sees(&c, "orders data, 12106 rows to import").await;
    shot(&c, "04-upload-preview").await;
    click(&c, "button[value=import]").await;
    sees(&c, "Imported.").await;
    shot(&c, "05-imported").await;

    // Add a goal measured by the average order value.
    go(&c, &app, "/orgs/acme/goals/new").await;
    fill(&c, "f-title", "Raise the average order value to $30").await;
    click(&c, "#f-kpi option[value=average_order_value]").await;
    fill(&c, "f-baseline", "20").await;
    fill(&c, "f-target", "30").await;
    set_value(&c, "f-due", "2027-12").await;
    shot(&c, "06-new-goal").await;
    click(&c, "main form button[type=submit]").await;
    sees(&c, "Raise the average order value to $30").await;
    shot(&c, "07-goals").await;

    // See the KPI: its history from the orders, drawn, with the goal's target.
    go(&c, &app, "/orgs/acme/kpis/average_order_value").await;
    sees(&c, "<svg").await;
    sees(&c, "Target").await;
    shot(&c, "08-kpi").await;

    // Change the budget and see the roadmap change.
    go(&c, &app, "/orgs/acme/roadmap").await;
    sees(&c, "Scheduled initiatives (5)").await;
    shot(&c, "09-roadmap").await;
    set_value(&c, "f-budget", "0.3").await;
    // The script shows what the slider means before re-planning.
    let live = |id: &'static str| {
        let c = c.clone();
        async move { c.find(Locator::Id(id)).await.unwrap().text().await.unwrap() }
    };
    assert_eq!(live("budget-out").await, "30%");
    assert_eq!(live("budget-pct").await, "30%");
    assert_eq!(live("budget-amount").await, "$3,000");
    click(&c, "form[data-autosubmit] button[type=submit]").await;
    sees(&c, "Scheduled initiatives (2)").await;
    sees(&c, "Initiatives left out (3)").await;
    assert!(
        c.current_url()
            .await
            .unwrap()
            .as_str()
            .contains("budget=0.3")
    );
    shot(&c, "09b-roadmap-smaller-budget").await;

    // The budget page offers the workbook for the bookkeeper: the link, followed in the page
    // with the person's session, gives an Excel file.
    go(&c, &app, "/orgs/acme/budget").await;
    sees(&c, "Download the workbook (Excel)").await;
    let got = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             const a = [...document.querySelectorAll('a')].find(x => x.textContent.includes('workbook (Excel)')); \
             fetch(a.href).then(r => r.arrayBuffer().then(b => done([r.status, r.headers.get('content-type'), \
               String.fromCharCode(...new Uint8Array(b.slice(0, 2)))])));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        got,
        serde_json::json!([
            200,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "PK"
        ])
    );
    shot(&c, "09c-budget").await;

    c.close().await.unwrap();
}

#[tokio::test]
async fn a_viewer_of_another_organisation_is_refused() {
    let app = app().await;
    let admin = app
        .store
        .create_user("admin@example.com", "Admin", PASSWORD, true)
        .await
        .unwrap();
    app.store
        .create_org(&admin, "acme", "Acme Books")
        .await
        .unwrap();
    let other = app
        .store
        .create_org(&admin, "other", "Other Shop")
        .await
        .unwrap();
    app.store
        .create_user("vic@example.com", "Vic", PASSWORD, false)
        .await
        .unwrap();
    let scope = app.store.scope(&admin, &other.slug).await.unwrap();
    // Vic accepts the invitation with his own password.
    if let sextant_store::MemberChange::Invited { token, .. } = app
        .store
        .set_member(&scope, "vic@example.com", sextant_store::Role::Viewer)
        .await
        .unwrap()
    {
        app.store
            .accept_invitation(&token, "Vic", PASSWORD, "test")
            .await
            .unwrap();
    }

    let driver = driver().await;
    // A phone's width.
    let c = browser(&driver, 390, 844).await;
    go(&c, &app, "/orgs/acme").await;
    // Sent to log in first.
    sees(&c, "Log in to Sextant").await;
    fill(&c, "f-email", "vic@example.com").await;
    fill(&c, "f-password", PASSWORD).await;
    click(&c, "main form button[type=submit]").await;
    // Vic is a viewer of Other Shop only: Acme's pages are not found.
    sees(&c, "Not found").await;
    let h = html(&c).await;
    assert!(!h.contains("Acme Books"), "{h}");
    shot(&c, "10-viewer-refused").await;
    // Their own organisation's data page shows no upload form.
    go(&c, &app, "/orgs/other/data").await;
    sees(&c, "You are a viewer").await;
    assert!(c.find(Locator::Id("f-file")).await.is_err());
    shot(&c, "11-viewer-data-phone").await;
    c.close().await.unwrap();
}

#[tokio::test]
async fn every_page_of_the_demo_shows_in_the_browser_on_a_desk_and_a_phone() {
    let app = app().await;
    let login = sextant_web::demo::create(&app.store, false).await.unwrap();
    let driver = driver().await;
    for (width, height, tag) in [(1280, 2400, "desk"), (390, 844, "phone")] {
        let c = browser(&driver, width, height).await;
        go(&c, &app, "/login").await;
        fill(&c, "f-email", &login.email).await;
        fill(&c, "f-password", &login.password).await;
        click(&c, "main form button[type=submit]").await;
        // The demo's owner has one organisation: logging in lands on its dashboard.
        sees(&c, "How the goals are doing").await;
        let o = "/orgs/corner-bookstore";
        let pages = [
            ("portfolio", "/portfolio".to_string(), "Portfolio"),
            ("dashboard", o.to_string(), "How the goals are doing"),
            ("summary", format!("{o}/summary"), "Decisions for you"),
            (
                "goals",
                format!("{o}/goals"),
                "Increase online sales revenue",
            ),
            ("kpi", format!("{o}/kpis/online_revenue"), "<svg"),
            ("swot", format!("{o}/swot"), "Strong local reputation"),
            ("systems", format!("{o}/systems"), "<svg"),
            ("initiatives", format!("{o}/initiatives"), "Cloud CRM"),
            ("business-case", format!("{o}/initiatives/crm"), "<svg"),
            ("roadmap", format!("{o}/roadmap"), "Roadmap by month"),
            ("risks", format!("{o}/risks"), "<svg"),
            ("scenarios", format!("{o}/scenarios"), "<svg"),
            ("data", format!("{o}/data"), "orders"),
            ("reviews", format!("{o}/reviews"), "Reviews"),
            (
                "members",
                format!("{o}/members"),
                "sarah@corner-bookstore.example",
            ),
        ];
        for (name, path, text) in pages {
            go(&c, &app, &path).await;
            sees(&c, text).await;
            let h = html(&c).await;
            assert!(!h.contains("Something went wrong"), "{path}: {h}");
            if tag == "phone" && h.contains("<figure class=\"chart\">") {
                // A chart keeps a readable size on a phone (it shrank to 5 px text) and its
                // box scrolls sideways instead.
                let sizes = c
                    .execute(
                        "const s = document.querySelector('figure.chart svg'); \
                         const box = s.parentElement; \
                         return [s.getBoundingClientRect().width, box.scrollWidth, box.clientWidth];",
                        vec![],
                    )
                    .await
                    .unwrap();
                let v: Vec<f64> = sizes
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_f64().unwrap())
                    .collect();
                assert!(
                    v[0] >= 600.0,
                    "{path}: the chart is {} px wide on a phone",
                    v[0]
                );
                assert!(v[1] > v[2], "{path}: its box scrolls ({v:?})");
            }
            shot(&c, &format!("20-{tag}-{name}")).await;
        }
        c.close().await.unwrap();
    }
}

/// The owner opens the summary from the dashboard, reads the decisions asked of them, follows
/// the first one's link to the last review's answers, approves the till with a comment, keeps
/// the pack with the review and downloads it, and the summary no longer asks for the till.
#[tokio::test]
async fn the_owner_reads_the_summary_and_follows_a_decision_to_its_page() {
    let app = app().await;
    let login = sextant_web::demo::create(&app.store, false).await.unwrap();
    let driver = driver().await;
    let c = browser(&driver, 1280, 1600).await;
    log_in(&c, &app, &login.email, &login.password).await;
    sees(&c, "How the goals are doing").await;
    click(&c, "a.button[href$='/summary']").await;
    sees(&c, "Decisions for you").await;
    sees(&c, "Approve Point-of-sale system with inventory management").await;
    shot(&c, "30-summary").await;
    // The pack's downloads, followed in the page with the owner's session: a PDF document,
    // PDF slides and the Excel workbook.
    for (label, kind, magic) in [
        ("Document (PDF)", "application/pdf", "%P"),
        ("Slides (PDF)", "application/pdf", "%P"),
        (
            "Budget workbook (Excel)",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "PK",
        ),
    ] {
        let got = c
            .execute_async(
                &format!(
                    "const done = arguments[arguments.length - 1]; \
                     const a = [...document.querySelectorAll('a')].find(x => x.textContent === '{label}'); \
                     fetch(a.href).then(r => r.arrayBuffer().then(b => done([r.status, r.headers.get('content-type'), \
                       String.fromCharCode(...new Uint8Array(b.slice(0, 2)))])));"
                ),
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(got, serde_json::json!([200, kind, magic]), "{label}");
    }
    // The first decision's link: the answers on the last review, where the owner approves.
    let first = c
        .execute(
            "const h = [...document.querySelectorAll('h2')].find(x => x.textContent === 'Decisions for you'); \
             return h.parentElement.querySelector('li a.open').getAttribute('href');",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        first,
        serde_json::json!("/orgs/corner-bookstore/reviews/2026-10-20-autumn-review#answers")
    );
    c.execute(
        "const h = [...document.querySelectorAll('h2')].find(x => x.textContent === 'Decisions for you'); \
         h.parentElement.querySelector('li a.open').click();",
        vec![],
    )
    .await
    .unwrap();
    sees(&c, "Your answers to what this review proposes").await;
    fill(&c, "comment-pos", "Go ahead in January").await;
    click(
        &c,
        "form.answer:has(input[name='initiative'][value='pos']) button[value='approved']",
    )
    .await;
    sees(&c, "Your answer is saved").await;
    sees(&c, "“Go ahead in January”").await;
    shot(&c, "31-review-answers").await;
    // The pack handed over, kept with the review and downloaded again.
    click(&c, "form[action$='/packs'] button[type=submit]").await;
    sees(&c, "The pack is made and kept with this review.").await;
    let got = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             const a = document.querySelector('#packs a[download]'); \
             fetch(a.href).then(r => r.arrayBuffer().then(b => done([r.status, \
               String.fromCharCode(...new Uint8Array(b.slice(0, 4)))])));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(got, serde_json::json!([200, "%PDF"]));
    // The summary no longer asks for the till.
    go(&c, &app, "/orgs/corner-bookstore/summary").await;
    sees(&c, "Decisions for you").await;
    let asked = c
        .execute(
            "const h = [...document.querySelectorAll('h2')].find(x => x.textContent === 'Decisions for you'); \
             return h.parentElement.textContent;",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        !asked.as_str().unwrap().contains("Approve Point-of-sale"),
        "{asked}"
    );
    // The hardest what-if under what is at risk, followed to the scenarios page, where each
    // scenario is said in the same words.
    sees(&c, "The hardest of the plan's what-ifs is “Weak benefits”").await;
    click(&c, "a.open[href$='/scenarios']").await;
    sees(&c, "In plain words").await;
    sees(
        &c,
        "“Weak benefits” (benefits 40% lower): the best roadmap would be worth about $26,900",
    )
    .await;
    shot(&c, "32-scenarios-in-words").await;
    c.close().await.unwrap();
}

/// A consultant's installation requires a second factor: after the password, the account is
/// sent to set it up (the QR code, or the key typed into the app), sees its recovery codes
/// once, and from then on logs in with the password and the code the app shows.
#[tokio::test]
async fn a_consultant_signs_in_with_a_second_factor() {
    let app = app_with(|s| s.require_two_factor = true).await;
    app.store
        .create_user("casey@example.com", "Casey", PASSWORD, true)
        .await
        .unwrap();
    let driver = driver().await;
    let c = browser(&driver, 1280, 1000).await;
    go(&c, &app, "/login").await;
    fill(&c, "f-email", "casey@example.com").await;
    fill(&c, "f-password", PASSWORD).await;
    click(&c, "main form button[type=submit]").await;
    sees(&c, "This installation asks every account for a code").await;
    click(&c, "form[action='/account/two-factor/start'] button").await;
    sees(&c, "Cannot scan it?").await;
    sees(&c, "<svg").await;
    shot(&c, "12-two-factor-set-up").await;
    let h = html(&c).await;
    let from = h.find("instead: <code>").unwrap() + "instead: <code>".len();
    let key = h[from..][..h[from..].find("</code>").unwrap()].to_string();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    fill(&c, "f-code", &sextant_store::code_for(&key, now).unwrap()).await;
    click(&c, "form[action='/account/two-factor/confirm'] button").await;
    sees(&c, "The second factor is on.").await;
    sees(&c, "They are shown only now.").await;
    go(&c, &app, "/portfolio").await;
    sees(&c, "Portfolio").await;
    // Logged out and in again: the code after the password.
    click(&c, "form[action='/logout'] button").await;
    sees(&c, "Log in to Sextant").await;
    fill(&c, "f-email", "casey@example.com").await;
    fill(&c, "f-password", PASSWORD).await;
    click(&c, "main form button[type=submit]").await;
    sees(&c, "Your password is right.").await;
    fill(
        &c,
        "f-code",
        &sextant_store::code_for(&key, now + 30).unwrap(),
    )
    .await;
    click(&c, "main form button[type=submit]").await;
    sees(&c, "<h1>Organisations</h1>").await;
    c.close().await.unwrap();
}

/// Orders exported part-way through a month, imported: the KPI's page says the month is left
/// out and why, and its link leads to the Data page, where the newer export takes the earlier
/// one's place.
#[tokio::test]
async fn a_month_imported_in_part_is_said_to_be_left_out() {
    let app = app().await;
    let admin = app
        .store
        .create_user("casey@example.com", "Casey", PASSWORD, true)
        .await
        .unwrap();
    app.store.create_org(&admin, "shop", "Shop").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let orders = dir.path().join("orders-to-15-december.csv");
    let full = std::fs::read_to_string(repo("examples/corner-bookstore/orders.csv")).unwrap();
    let text: String = full
        .lines()
        .filter(|l| !(l.starts_with("2026-12-") && l[8..10] > *"15"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&orders, text).unwrap();
    let driver = driver().await;
    let c = browser(&driver, 1280, 1000).await;
    log_in(&c, &app, "casey@example.com", PASSWORD).await;
    // Signed in before the next page is asked for.
    sees(&c, ">Log out</button>").await;
    import_plan(&c, &app, "shop", "examples/corner-bookstore.yaml").await;
    preview_upload(&c, &app, "shop", orders.to_str().unwrap()).await;
    sees(&c, "orders data, 11653 rows to import").await;
    click(&c, "button[value=import]").await;
    sees(&c, "Imported.").await;
    go(&c, &app, "/orgs/shop/kpis/revenue").await;
    sees(&c, "23 monthly values from January 2025 to November 2026").await;
    sees(
        &c,
        "December 2026 is left out: the imported data stop part-way through it",
    )
    .await;
    shot(&c, "56-kpi-month-left-out").await;
    click(&c, "p.warning a").await;
    sees(&c, "action=\"/orgs/shop/data/preview\"").await;
    // The newer export, with the whole of December: it holds the earlier file's days, so the
    // preview offers it in that file's place, and December is counted once it is imported.
    preview_upload(&c, &app, "shop", "examples/corner-bookstore/orders.csv").await;
    sees(
        &c,
        "This file covers days that orders data imported before cover too:",
    )
    .await;
    sees(&c, "<strong>orders-to-15-december.csv</strong>").await;
    shot(&c, "57-upload-overlaps").await;
    click(&c, "button[value=replace]").await;
    sees(
        &c,
        "Imported, in place of the earlier file that covered the same days.",
    )
    .await;
    go(&c, &app, "/orgs/shop/kpis/revenue").await;
    sees(&c, "24 monthly values from January 2025 to December 2026").await;
    c.close().await.unwrap();
}
