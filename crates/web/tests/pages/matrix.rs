//! The goal-by-initiative matrix.

use reqwest::StatusCode;

use super::{DEMO, demo};

const MATRIX: &str = "/orgs/corner-bookstore/matrix";

#[tokio::test]
async fn the_matrix_shows_each_initiatives_strength_for_each_goal() {
    let (srv, b) = demo().await;
    let p = b.ok(MATRIX).await;
    // `sextant analyze examples/corner-bookstore.yaml`: 6 of 6 goals covered.
    p.has("6 of 6 goals have an initiative working toward them")
        .has("Reduce inventory holding costs by 10% within a year")
        .has("Point-of-sale system with inventory management")
        .has("(system)")
        .has("Save the matrix");
    // examples/corner-bookstore.yaml: the POS system contributes 3 to inventory-cost.
    p.has("<select id=\"f-initiative:pos.inventory-cost\" name=\"initiative:pos.inventory-cost\"");
    let at = p
        .html
        .find("name=\"initiative:pos.inventory-cost\"")
        .unwrap();
    let end = at + p.html[at..].find("</select>").unwrap();
    assert!(
        p.html[at..end].contains("<option value=\"3\" selected>"),
        "{}",
        &p.html[at..end]
    );

    // A viewer sees the figures, not the form.
    let viewer = srv.demo_viewer().await;
    viewer
        .ok(MATRIX)
        .await
        .lacks("Save the matrix")
        .has("3 strong");
    // Linked from the goals page and the dashboard.
    b.ok(&format!("/orgs/{DEMO}/goals"))
        .await
        .has(&format!("href=\"{MATRIX}\""));
    b.ok(&format!("/orgs/{DEMO}"))
        .await
        .has(&format!("href=\"{MATRIX}\""));
}

#[tokio::test]
async fn the_matrix_is_saved_in_one_change() {
    let (srv, b) = demo().await;
    let p = b.ok(MATRIX).await;
    // Every select as drawn, with two cells changed.
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut rest = p.html.as_str();
    while let Some(at) = rest.find("<select id=\"f-") {
        rest = &rest[at..];
        let name_at = rest.find("name=\"").unwrap() + 6;
        let name_end = name_at + rest[name_at..].find('"').unwrap();
        let name = rest[name_at..name_end].to_string();
        let end = rest.find("</select>").unwrap();
        let select = &rest[..end];
        let value = select
            .find("selected>")
            .map(|s| {
                select[..s]
                    .rsplit("value=\"")
                    .next()
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .unwrap_or_else(|| "0".into());
        fields.push((name, value));
        rest = &rest[end..];
    }
    assert!(fields.len() > 10, "{fields:?}");
    for (k, v) in &mut fields {
        if k == "initiative:pos.online-sales" {
            *v = "0".into();
        }
        if k == "initiative:crm.inventory-cost" {
            *v = "2".into();
        }
    }
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let p = b.submit(MATRIX, MATRIX, &refs).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let doc = srv.demo_plan().await;
    let strength = |i: &str, g: &str| {
        doc.initiatives
            .iter()
            .find(|x| x.id.as_str() == i)
            .unwrap()
            .contributes
            .iter()
            .find(|(k, _)| k.as_str() == g)
            .map(|(_, v)| *v)
    };
    // Stated before, so a 0 stays stated; new, so it is added.
    assert_eq!(strength("pos", "online-sales"), Some(0));
    assert_eq!(strength("crm", "inventory-cost"), Some(2));
    assert_eq!(strength("pos", "inventory-cost"), Some(3));

    // A strength out of range is refused beside its cell and nothing changes.
    let before = srv.demo_plan().await;
    let mut bad = fields.clone();
    for (k, v) in &mut bad {
        if k == "initiative:pos.inventory-cost" {
            *v = "7".into();
        }
    }
    let refs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let p = b.submit(MATRIX, MATRIX, &refs).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("aria-invalid=\"true\"");
    assert_eq!(srv.demo_plan().await, before);
}
