//! The accessibility scan: axe-core (from npm, `scripts/setup` puts it in `target/axe`) run in
//! the browser on the HTML report a consultant hands over and on the pages an owner reads (the
//! dashboard, the summary, the goals, the roadmap, the budget, the reviews and one with its
//! answers, the changes and a business case, risks, assessments, devices, systems, customers,
//! data),
//! as the demo's owner sees them. A serious or critical violation of WCAG 2 A or AA fails the
//! test with the rule, how many elements break it and the first of them.

use super::*;

/// The axe-core script, or `None` (with a note) when it is not installed outside CI.
fn axe() -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/axe/node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(e) if std::env::var("CI").is_err() => {
            eprintln!(
                "note: the accessibility scan is skipped: {} ({e}); `bash scripts/setup` installs axe-core",
                path.display()
            );
            None
        }
        Err(e) => panic!(
            "axe-core is missing at {} ({e}): `bash scripts/setup` installs it",
            path.display()
        ),
    }
}

/// The serious and critical violations of WCAG 2 A and AA on the page the browser shows:
/// `rule (n elements): first element`.
async fn violations(c: &Client, axe: &str) -> Vec<String> {
    c.execute(axe, vec![]).await.unwrap();
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']}) \
               .then(r => done(r.violations \
                 .filter(v => v.impact === 'serious' || v.impact === 'critical') \
                 .map(v => v.id + ' (' + v.nodes.length + ' elements): ' + v.nodes[0].html.slice(0, 160)))) \
               .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .unwrap();
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_report_and_the_owners_pages_have_no_serious_accessibility_violation() {
    let Some(axe) = axe() else {
        return;
    };
    let app = app().await;
    let login = sextant_web::demo::create(&app.store, false).await.unwrap();
    let driver = driver().await;
    let c = browser(&driver, 1280, 1600).await;
    log_in(&c, &app, &login.email, &login.password).await;
    sees(&c, "How the goals are doing").await;
    let org = "/orgs/corner-bookstore";
    let mut found = Vec::new();
    for page in [
        "",
        "/summary",
        "/goals",
        "/roadmap",
        "/budget",
        "/reviews",
        "/reviews/2026-10-20-autumn-review",
        "/initiatives",
        "/initiatives/crm",
        "/risks",
        "/assessments",
        "/assets",
        "/systems",
        "/customers",
        "/data",
    ] {
        go(&c, &app, &format!("{org}{page}")).await;
        for v in violations(&c, &axe).await {
            found.push(format!("{org}{page}: {v}"));
        }
    }
    // The HTML report, as downloaded, shown in the browser.
    go(&c, &app, &format!("{org}/summary")).await;
    c.execute_async(
        &format!(
            "const done = arguments[arguments.length - 1]; \
             fetch('{org}/report').then(r => r.text()).then(t => {{ \
               document.open(); document.write(t); document.close(); done(true); }});"
        ),
        vec![],
    )
    .await
    .unwrap();
    sees(&c, "Executive summary").await;
    shot(&c, "90-report-scanned").await;
    for v in violations(&c, &axe).await {
        found.push(format!("the report: {v}"));
    }
    assert!(found.is_empty(), "{found:#?}");
    c.close().await.unwrap();
}
