//! Standards and assessments through the API: the shipped standards, an assessment stored
//! beside the plan and checked against its standard, its score worked out by hand, and the
//! remedies of its missing controls added to the plan.

use reqwest::StatusCode;
use serde_json::json;

use crate::{call, problem, spawn};

#[tokio::test]
async fn the_standards_are_listed_and_read_whole() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let list = api.ok("/api/v1/standards").await;
    let counts: Vec<(String, u64)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                s["controls"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("nist-csf-2.0".to_string(), 106),
            ("cisa-cpg".to_string(), 38),
            ("essential-eight".to_string(), 48)
        ]
    );
    let csf = api.ok("/api/v1/standards/nist-csf-2.0").await;
    assert_eq!(csf["sections"][2]["id"], "PR");
    let (status, _) = problem(api.get("/api/v1/standards/iso-27001")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = problem(srv.anonymous().get("/api/v1/standards")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// Worked by hand from the NIST CSF 2.0 file's weights: GV.OC-01 (weight 1) met, PR.AA-03
/// (weight 3) not met, PR.DS-11 (weight 3) partly: (1 + 0 + 1.5) / 7 = 0.357143. The other 103
/// controls are unknown: `known` is the answered weight (7) over the weight that applies (every
/// control's, none being not applicable).
#[tokio::test]
async fn an_assessment_is_stored_scored_and_its_remedies_become_initiatives() {
    let srv = spawn().await;
    let api = srv.org_with_plan("acme").await;
    let path = "/api/v1/orgs/acme/plan/assessments";
    let body = json!({
        "id": "2026-q4", "standard": "nist-csf-2.0", "date": "2026-11-20", "assessor": "Sam",
        "answers": {"GV.OC-01": "met", "PR.AA-03": {"answer": "not_met", "note": "Shared till login"}, "PR.DS-11": "partly"}
    });
    let (status, stored) = call(api.post(path).json(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{stored}");

    // Refused with the field named, nothing stored.
    for (bad, field, words) in [
        (
            json!({"id": "x", "standard": "iso-27001", "answers": {}}),
            "assessments.standard",
            "expected one of `nist-csf-2.0`, `cisa-cpg`, `essential-eight`, found `iso-27001`",
        ),
        (
            json!({"id": "x", "standard": "nist-csf-2.0", "answers": {"PR.AA-99": "met"}}),
            "assessments.answers.PR.AA-99",
            "`PR.AA-99` is not a control of nist-csf-2.0",
        ),
        (
            json!({"id": "x", "standard": "nist-csf-2.0", "answers": {"PR.AA-03": "yes"}}),
            "assessments.answers.PR.AA-03",
            "expected one of `met`, `partly`, `not_met`, `not_applicable`, `unknown`",
        ),
    ] {
        let (status, p) = problem(api.post(path).json(&bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
        let text = p.to_string();
        assert!(
            text.contains(field) && text.contains(words),
            "{field} {words}: {p}"
        );
    }
    assert_eq!(api.ok(path).await["total"], 1);

    let s = api.ok("/api/v1/orgs/acme/assessments/2026-q4/score").await;
    let total_weight: f64 = {
        let csf = api.ok("/api/v1/standards/nist-csf-2.0").await;
        let mut w = 0.0;
        for f in csf["sections"].as_array().unwrap() {
            for c in f["sections"].as_array().unwrap() {
                for ctl in c["controls"].as_array().unwrap() {
                    w += ctl["weight"].as_f64().unwrap();
                }
            }
        }
        w
    };
    let close = |x: &serde_json::Value, y: f64| {
        assert!(
            (x.as_f64().unwrap_or(f64::NAN) - y).abs() < 1e-9,
            "{x} != {y}"
        );
    };
    close(&s["overall"]["score"], 2.5 / 7.0);
    close(&s["overall"]["known"], 7.0 / total_weight);
    assert_eq!(s["overall"]["unknown"], 103);
    assert_eq!(s["gaps"][0]["control"], "PR.AA-03");
    assert_eq!(s["gaps"][1]["control"], "PR.DS-11");

    // The remedies: a control that is no gap, or a goal the plan lacks, is refused.
    let add = "/api/v1/orgs/acme/assessments/2026-q4/initiatives";
    let (status, p) = problem(api.post(add).json(&json!({"controls": ["GV.OC-01"]}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    let (status, p) = problem(api.post(add).json(&json!({"goal": "world-peace"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    let (status, added) = call(api.post(add).json(&json!({"goal": "online-sales"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    let ids: Vec<&str> = added
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["fix-nist-csf-2-0-pr-aa-03", "fix-nist-csf-2-0-pr-ds-11"]
    );
    let init = api
        .ok("/api/v1/orgs/acme/plan/initiatives/fix-nist-csf-2-0-pr-aa-03")
        .await;
    assert_eq!(init["body"]["contributes"], json!({"online-sales": 2}));
    // Once in the plan, not added twice.
    let (status, again) = call(api.post(add).json(&json!({}))).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(again, json!([]));
}
