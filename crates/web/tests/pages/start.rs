//! The guided start: a plan from nothing in five pages, each saved as it is left.

use reqwest::StatusCode;

use super::{Browser, Server, empty_org};

const START: &str = "/orgs/empty/start";

async fn plan(srv: &Server) -> sextant_core::model::PlanDoc {
    let admin = srv
        .store
        .user_by_email("admin@example.com")
        .await
        .unwrap()
        .unwrap();
    let scope = srv.store.scope(&admin, "empty").await.unwrap();
    let plan = srv.store.plan(&scope).await.unwrap().unwrap();
    plan.doc().clone()
}

/// The fields of every input and select a page's form holds, as drawn (a select at its
/// selected option, else its first): what a person who changes nothing would send.
fn drawn(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let attr = |tag: &str, name: &str| -> Option<String> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(tag[at..at + tag[at..].find('"')?].to_string())
    };
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        if tag.starts_with("<input") {
            if let (Some(n), false) = (attr(tag, "name"), tag.contains("type=\"submit\"")) {
                let checkbox = tag.contains("type=\"checkbox\"");
                if !checkbox || tag.contains(" checked") {
                    out.push((n, attr(tag, "value").unwrap_or_default()));
                }
            }
        } else if tag.starts_with("<select")
            && let Some(n) = attr(tag, "name")
        {
            let close = rest.find("</select>").unwrap_or(rest.len());
            let body = &rest[..close];
            let pick = body
                .split("<option")
                .skip(1)
                .find(|o| o.contains(" selected"))
                .or_else(|| body.split("<option").nth(1))
                .and_then(|o| attr(&format!(" {o}"), "value"))
                .unwrap_or_default();
            out.push((n, pick));
        }
        rest = &rest[end.min(rest.len())..];
        if rest.is_empty() {
            break;
        }
        rest = &rest[1..];
    }
    out
}

/// Sends the page's form for `action` as drawn, with `changes` made to it; the CSRF token is
/// in it already.
async fn send(b: &Browser, page: &str, action: &str, changes: &[(&str, &str)]) -> super::Page {
    let html = b.ok(page).await.html;
    let at = html
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("a form for {action} on {page}"));
    let form = &html[at..at + html[at..].find("</form>").unwrap_or(html.len() - at)];
    let mut fields = drawn(form);
    for (k, v) in changes {
        match fields.iter_mut().find(|(n, _)| n == k) {
            Some(f) => f.1 = v.to_string(),
            None => fields.push((k.to_string(), v.to_string())),
        }
    }
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    b.post_raw(action, &refs).await
}

/// The bookstore from nothing: five pages, then the dashboard with the goals, the roadmap and
/// the health checks. The count of forms and fields typed is what docs/first-plan.md reports.
#[tokio::test]
async fn a_plan_is_started_from_nothing_in_five_pages() {
    let (srv, b) = empty_org().await;
    let dash = b.ok("/orgs/empty").await;
    dash.has(&format!("href=\"{START}\""))
        .has("Start your plan");

    // 1. The business: its name comes from the organisation; a retail starter is stored.
    let p = b.ok(START).await;
    p.has("Step 1 of 5").has("value=\"Empty Ltd\"");
    let p = send(
        &b,
        START,
        START,
        &[
            ("name", "The Corner Bookstore"),
            ("industry", "retail"),
            ("location", "Portland, OR"),
            ("employees", "2"),
            ("annual_revenue", "150,000"),
            ("currency", "USD"),
            // From March, the 24 months reach into the fiscal year 2029.
            ("start", "2027-03"),
            ("gross_margin", "40"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let doc = plan(&srv).await;
    assert_eq!(doc.organization.name, "The Corner Bookstore");
    assert!(
        (doc.organization.discount_rate - 0.08).abs() < 1e-12,
        "the plain default"
    );
    assert_eq!(doc.organization.gross_margin, Some(0.4));
    assert_eq!(
        doc.organization.annual_revenue.map(|r| r.to_f64()),
        Some(150_000.0)
    );
    assert!(!doc.goals.is_empty() && !doc.systems.is_empty() && !doc.initiatives.is_empty());

    // 2. Goals: the suggestions are shown; one changed, one added, one dropped.
    let goals = format!("{START}/goals");
    let p = b.ok(&goals).await;
    p.has("Step 2 of 5")
        .has("Grow online sales by 15% this year");
    let p = send(
        &b,
        &goals,
        &goals,
        &[
            ("target.0", "57,000"),
            // The second suggestion (inventory cost) emptied: dropped, with what named it.
            ("title.1", ""),
            ("baseline.1", ""),
            ("target.1", ""),
            ("due.1", ""),
            ("title.2", "Win customers from further away"),
            ("kpi.2", "new_customers"),
            ("baseline.2", "40"),
            ("target.2", "48"),
            ("due.2", "Dec 2027"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let doc = plan(&srv).await;
    let titles: Vec<&str> = doc.goals.iter().map(|g| g.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Grow online sales by 15% this year",
            "Win customers from further away"
        ]
    );
    assert_eq!(doc.goals[0].target, Some(57000.0));
    assert_eq!(doc.goals[1].id.as_str(), "win-customers-from-further-away");
    assert_eq!(
        doc.goals[1].due.map(|m| m.to_string()).as_deref(),
        Some("2027-12")
    );
    // Nothing points at the dropped goal, and what the goal had beside the table is kept.
    for i in &doc.initiatives {
        assert!(i.contributes.keys().all(|g| g.as_str() != "stock"), "{i:?}");
        assert!(
            i.benefits
                .iter()
                .all(|b| b.goal.as_ref().is_none_or(|g| g.as_str() != "stock"))
        );
    }
    assert_eq!(doc.goals[0].weight, 2.0);

    // 3. Systems: one added.
    let systems = format!("{START}/systems");
    b.ok(&systems).await.has("Step 3 of 5").has("Cash register");
    let p = send(
        &b,
        &systems,
        &systems,
        &[
            ("name.1", "Accounting software"),
            ("category.1", "accounting"),
            ("annual_cost.1", "360"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let doc = plan(&srv).await;
    assert!(
        doc.systems
            .iter()
            .any(|s| s.id.as_str() == "accounting-software")
    );

    // 4. Money and hours, asked in plain questions.
    let money = format!("{START}/money");
    let p = b.ok(&money).await;
    p.has("Step 4 of 5")
        .has("How much can you spend on technology changes in the financial year 2027?")
        // The scale beside it: the till (300) and the accounting software (360) a year,
        // 660 / 150,000 = 0.44%; the starter's 6,000 for this year, 4% of the sales.
        .has("The systems you listed cost $660 a year to run today (0.4% of your sales of $150,000 a year).")
        .has("$6,000 this year would be 4% of your sales.");
    let p = send(
        &b,
        &money,
        &money,
        &[
            ("this_year", "6,000"),
            ("next_year", "4000"),
            ("staff_hours_per_month", "40"),
            ("max_concurrent", "2"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let c = plan(&srv).await.constraints;
    let budget: Vec<(String, f64)> = c
        .budget
        .iter()
        .map(|b| (b.period.to_string(), b.amount.to_f64()))
        .collect();
    assert_eq!(budget[0], ("2027".to_string(), 6000.0));
    assert_eq!(budget[1], ("2028".to_string(), 4000.0));
    // The starter budgeted 2029 as 2028: it follows the new amount.
    assert_eq!(budget.len(), 3, "{budget:?}");
    assert_eq!(budget[2], ("2029".to_string(), 4000.0));
    assert_eq!(c.staff_hours_per_month, Some(40.0));
    assert_eq!(c.max_concurrent, Some(2));

    // 5. Changes: the goal nothing serves is named; an initiative for it added.
    let changes = format!("{START}/initiatives");
    let p = b.ok(&changes).await;
    p.has("Step 5 of 5")
        .has("No change below serves")
        .has("Win customers from further away");
    // Suggested for the goal nothing serves (its KPI, new customers): local listings, added
    // with one tick; the owner's own row follows.
    p.has("<h2 id=\"suggested-h\">Suggested changes</h2>")
        .has("Local search listings and reviews")
        .has("Nothing in the plan serves \u{201c}Win customers from further away\u{201d} yet");
    let p = send(
        &b,
        &changes,
        "/orgs/empty/suggestions",
        &[("suggest", "local-listings")],
    )
    .await;
    assert_eq!(
        p.location.as_deref(),
        Some(&*format!("{changes}?done=added")),
        "{}",
        p.html
    );
    let p = b.follow(&p).await;
    p.has("Added.")
        .has("value=\"Local search listings and reviews\"")
        .lacks("No change below serves")
        .lacks("suggested-h");
    let doc = plan(&srv).await;
    let listings = doc
        .initiatives
        .iter()
        .find(|i| i.id.as_str() == "local-listings")
        .unwrap();
    assert_eq!(
        listings
            .contributes
            .get("win-customers-from-further-away")
            .copied(),
        Some(3)
    );
    let n = doc.initiatives.len();
    let p = send(
        &b,
        &changes,
        &changes,
        &[
            (&*format!("title.{n}"), "Loyalty programme"),
            (&*format!("one_time_cost.{n}"), "800"),
            (&*format!("recurring_cost_annual.{n}"), "300"),
            (&*format!("duration_months.{n}"), "2"),
            (&*format!("effort_hours_per_month.{n}"), "10"),
            (&*format!("benefit.{n}"), "3000"),
            (&*format!("goal.{n}"), "win-customers-from-further-away"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let doc = plan(&srv).await;
    let loyalty = doc
        .initiatives
        .iter()
        .find(|i| i.id.as_str() == "loyalty-programme")
        .unwrap();
    assert_eq!(loyalty.benefits[0].annual.likely(), 3000.0);
    assert_eq!(loyalty.one_time_cost.likely.to_f64(), 800.0);
    // The suggestions' three-point costs are kept when their likely value is unchanged.
    let pos = doc
        .initiatives
        .iter()
        .find(|i| i.id.as_str() == "pos")
        .unwrap();
    assert_eq!(pos.one_time_cost.low.to_f64(), 1000.0);

    // The end: the dashboard with the goals, the first roadmap and the health checks.
    let p = b.follow(&p).await;
    p.has("Your first plan is saved")
        .has("How the goals are doing")
        .has("What the roadmap says comes next")
        .has("What the health checks warn about")
        .has("Loyalty programme");
}

#[tokio::test]
async fn a_bad_answer_is_refused_beside_it_and_nothing_is_stored() {
    let (srv, b) = empty_org().await;
    let p = send(
        &b,
        START,
        START,
        &[
            ("name", ""),
            ("discount_rate", "eight"),
            ("annual_revenue", "-5"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    p.has("id=\"f-name-error\"")
        .has("id=\"f-discount_rate-error\"")
        .has("id=\"f-annual_revenue-error\"")
        .has("expected an amount of 0 or more");
    let admin = srv
        .store
        .user_by_email("admin@example.com")
        .await
        .unwrap()
        .unwrap();
    let scope = srv.store.scope(&admin, "empty").await.unwrap();
    assert!(srv.store.plan(&scope).await.unwrap().is_none());
    // A later step before the first sends the owner back to it.
    let p = b.get(&format!("{START}/goals")).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let p = b.get(&format!("{START}/nonsense")).await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_viewer_cannot_start_a_plan() {
    let (srv, b) = empty_org().await;
    let _ = b;
    srv.user("vic@example.com", false).await;
    let admin = srv
        .store
        .user_by_email("admin@example.com")
        .await
        .unwrap()
        .unwrap();
    let scope = srv.store.scope(&admin, "empty").await.unwrap();
    srv.add_member(
        &admin,
        "empty",
        "vic@example.com",
        sextant_store::Role::Viewer,
    )
    .await;
    let vic = srv.browser();
    vic.login("vic@example.com", super::PASSWORD).await;
    vic.ok("/orgs/empty").await.lacks("Start your plan");
    assert_eq!(vic.get(START).await.status, StatusCode::FORBIDDEN);
    let p = vic.post_raw(START, &[("name", "Mine")]).await;
    assert!(p.status.is_client_error());
    assert!(srv.store.plan(&scope).await.unwrap().is_none());
}

/// Coming back to the money page keeps what was set elsewhere: a limit of six changes at once
/// (not among the page's choices), and a later year's budget set otherwise than the next's.
#[tokio::test]
async fn the_money_page_keeps_what_was_set_elsewhere() {
    let (srv, b) = empty_org().await;
    // From March, 24 months reach into the fiscal year 2029.
    let p = send(&b, START, START, &[("start", "2027-03")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let business = "/orgs/empty/business/money";
    let p = send(
        &b,
        business,
        business,
        &[
            ("period.0", "2027"),
            ("amount.0", "5000"),
            ("period.1", "2028"),
            ("amount.1", "4000"),
            ("period.2", "2029"),
            ("amount.2", "9000"),
            ("max_concurrent", "6"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let money = format!("{START}/money");
    let p = send(&b, &money, &money, &[("next_year", "4500")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let c = plan(&srv).await.constraints;
    assert_eq!(c.max_concurrent, Some(6));
    let budget: Vec<(String, f64)> = c
        .budget
        .iter()
        .map(|b| (b.period.to_string(), b.amount.to_f64()))
        .collect();
    assert_eq!(
        budget,
        [
            ("2027".to_string(), 5000.0),
            ("2028".to_string(), 4500.0),
            ("2029".to_string(), 9000.0)
        ]
    );
}
