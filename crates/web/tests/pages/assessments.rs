//! Assessments on the pages: started, answered section by section (saved as each page is left),
//! scored as worked by hand, the trend against the previous one, the remedies added to the plan.

use reqwest::StatusCode;

use super::{DEMO, PASSWORD, demo};

fn url(path: &str) -> String {
    format!("/orgs/{DEMO}/{path}")
}

/// Worked by hand from the NIST CSF 2.0 file's weights: GV.OC-01 (1) met, GV.OC-02 (1) partly,
/// PR.AA-03 (3) and PR.DS-11 (3) not met: (1 + 0.5 + 0 + 0) / 8 = 18.75%, "19 out of 100".
/// The second assessment has PR.AA-03 met too: (1 + 0.5 + 3) / 8 = 56.25%.
#[tokio::test]
async fn an_assessment_is_answered_by_section_scored_and_its_remedies_planned() {
    let (srv, b) = demo().await;
    let list = url("assessments");
    // The demo's consultant assessed the shop in October: 16 answers, the rest not known.
    b.ok(&list)
        .await
        .has(&format!("href=\"/orgs/{DEMO}/assessments/nist-csf-2-0-2026-10-15\">15 October 2026</a>"))
        .has("Start an assessment")
        .has("<option value=\"nist-csf-2.0\" selected>NIST Cybersecurity Framework 2.0 (106 questions)</option>");
    let p = b
        .submit(
            &list,
            &list,
            &[
                ("standard", "nist-csf-2.0"),
                ("date", "2026-11-20"),
                ("assessor", "Sam"),
            ],
        )
        .await;
    let first = url("assessments/nist-csf-2-0-2026-11-20/answer/0");
    assert_eq!(p.location.as_deref(), Some(&*first), "{}", p.html);
    let q = b.ok(&first).await;
    q.has("Section 1 of 6 of NIST Cybersecurity Framework 2.0")
        .has("<strong>GV.OC-01</strong>")
        .has("name=\"a.GV.OC-01\" value=\"unknown\" checked")
        .has("<h2>GV.RM Risk Management Strategy</h2>")
        .has("Save and continue");
    let p = b
        .submit(
            &first,
            &first,
            &[
                ("a.GV.OC-01", "met"),
                ("a.GV.OC-02", "partly"),
                ("n.GV.OC-02", "Customers only"),
            ],
        )
        .await;
    assert_eq!(
        p.location.as_deref(),
        Some(&*url("assessments/nist-csf-2-0-2026-11-20/answer/1"))
    );
    // Resumed: the answers are there when the page is opened again.
    b.ok(&first)
        .await
        .has("name=\"a.GV.OC-01\" value=\"met\" checked")
        .has("value=\"Customers only\"");
    let protect = url("assessments/nist-csf-2-0-2026-11-20/answer/2");
    let p = b
        .submit(
            &protect,
            &protect,
            &[("a.PR.AA-03", "not_met"), ("a.PR.DS-11", "not_met")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    // A word that is no answer changes nothing.
    let p = b.submit(&protect, &protect, &[("a.PR.AA-03", "yes")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);

    let show = url("assessments/nist-csf-2-0-2026-11-20");
    let s = b.ok(&show).await;
    s.has("Score: <strong>19 out of 100</strong>")
        .has("Assessed on 20 November 2026 by Sam.")
        .has("<figure class=\"chart\"><div class=\"chart-scroll\"")
        .has("<title id=\"sx-spider")
        .has("<th scope=\"row\">PR Protect</th><td class=\"num\">0%</td>")
        .has("<th scope=\"row\">GV Govern</th><td class=\"num\">75%</td>")
        .has("Two-factor sign-in on every account")
        .has("name=\"control\" value=\"PR.AA-03\"");
    let gaps = &s.html[s.html.find("id=\"gaps-h\"").unwrap()..];
    let (aa, ds, oc) = (
        gaps.find("PR.AA-03").unwrap(),
        gaps.find("PR.DS-11").unwrap(),
        gaps.find("GV.OC-02").unwrap(),
    );
    assert!(aa < ds && ds < oc, "heaviest first, then by id");

    let add = url("assessments/nist-csf-2-0-2026-11-20/initiatives");
    let p = b
        .submit(
            &show,
            &add,
            &[("control", "PR.AA-03"), ("goal", "online-sales")],
        )
        .await;
    assert_eq!(p.location.as_deref(), Some(&*format!("{show}?done=added")));
    let doc = srv.demo_plan().await;
    let fix = doc
        .initiatives
        .iter()
        .find(|i| i.id.as_str() == "fix-nist-csf-2-0-pr-aa-03")
        .expect("the remedy is an initiative");
    assert_eq!(fix.contributes.get("online-sales").copied(), Some(2));
    b.ok(&format!("{show}?done=added"))
        .await
        .has("Added.")
        .has(&format!("href=\"/orgs/{DEMO}/initiatives/fix-nist-csf-2-0-pr-aa-03\">Two-factor sign-in on every account</a> (in the plan)"));
    // A control that is no gap is refused.
    let p = b.submit(&show, &add, &[("control", "GV.OC-01")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A second assessment: the trend, and the first drawn dashed beside it.
    let p = b
        .submit(
            &list,
            &list,
            &[
                ("standard", "nist-csf-2.0"),
                ("date", "2027-02-20"),
                ("assessor", "Sam"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let second = url("assessments/nist-csf-2-0-2027-02-20/answer/0");
    b.submit(
        &second,
        &second,
        &[("a.GV.OC-01", "met"), ("a.GV.OC-02", "partly")],
    )
    .await;
    let protect2 = url("assessments/nist-csf-2-0-2027-02-20/answer/2");
    b.submit(
        &protect2,
        &protect2,
        &[("a.PR.AA-03", "met"), ("a.PR.DS-11", "not_met")],
    )
    .await;
    let s = b.ok(&url("assessments/nist-csf-2-0-2027-02-20")).await;
    s.has("Score: <strong>56 out of 100</strong>")
        .has("Over time")
        .has("dashed, the assessment of 20 November 2026")
        .has("stroke-dasharray=\"6 4\"");
    b.ok(&list).await.has("19%").has("56%");

    // A viewer reads but has no forms; another organisation's member gets 404.
    let viewer = srv.demo_viewer().await;
    viewer.ok(&list).await.lacks("Start an assessment");
    viewer.ok(&show).await.lacks("name=\"control\"");
    assert_eq!(viewer.get(&first).await.status, StatusCode::FORBIDDEN);
    srv.user("eve@example.com", true).await;
    let eve = srv.browser();
    eve.login("eve@example.com", PASSWORD).await;
    assert_eq!(eve.get(&show).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_bad_start_is_refused_beside_its_field() {
    let (_srv, b) = demo().await;
    let list = url("assessments");
    let p = b
        .submit(
            &list,
            &list,
            &[("standard", "iso-27001"), ("date", "someday")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.has("id=\"f-standard-error\"")
        .has("id=\"f-date-error\"")
        .has("expected a date as YYYY-MM-DD, found `someday`");
    b.ok(&list).await.lacks("someday");
}

/// The demo's assessment, worked by hand from its 16 answers and the file's weights: met
/// GV.OC-01 (1), GV.RR-01 (1), PR.IR-01 (2) = 4; partly GV.OC-03 (1), ID.AM-02 (2), PR.AA-01
/// (2), PR.DS-11 (3), PR.PS-02 (2), DE.CM-09 (2) = 12 x 0.5 = 6; not met the rest (13 of
/// weight). (4 + 6) / 29 = 34.5%: "34 out of 100". Two-factor sign-in (PR.AA-03, weight 3, not
/// met) heads what to fix, its remedy a tick away.
#[tokio::test]
async fn the_demo_shows_the_bookstore_assessed_against_nist_csf() {
    let (_srv, b) = demo().await;
    b.ok(&url("assessments/nist-csf-2-0-2026-10-15"))
        .await
        .has("Score: <strong>34 out of 100</strong>")
        .has("by Sam (the shop's IT consultant).")
        .has("name=\"control\" value=\"PR.AA-03\"")
        .has("Noted: One shared login at the till");
}
