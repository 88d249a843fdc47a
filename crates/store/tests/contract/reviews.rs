//! What a review keeps beside its record: the client's answers (any member answers; an
//! approved candidate becomes planned in the same change) and the packs handed over (kept
//! byte for byte, at most 20 a review, following the review when it is renamed, going with it
//! when it is deleted, in the backup), each reachable only through its organisation.

use serde_json::json;
use sextant_core::review::{About, Answer, Verdict};
use sextant_store::{Change, PACKS_PER_REVIEW, Role, Section, StoreError};

use super::{bookstore, corner, join, stores};

fn review(id: &str) -> serde_json::Value {
    json!({"id": id, "date": "2026-10-20", "title": "Autumn review"})
}

#[tokio::test]
async fn a_viewer_answers_and_an_approved_candidate_becomes_planned() {
    for (db, store) in stores().await {
        let (_, scope) = corner(&store).await;
        let plan = sextant_core::load_plan("plan.yaml", &bookstore()).unwrap();
        store
            .change_plan(&scope, Change::Import(std::sync::Arc::new(plan)))
            .await
            .unwrap();
        store
            .change_plan(&scope, Change::Create(Section::Reviews, review("q4")))
            .await
            .unwrap();
        let vic = join(
            &store,
            &scope,
            "vic@example.com",
            Role::Viewer,
            "vic password 1",
        )
        .await;
        let viewer = store.scope(&vic, "corner").await.unwrap();
        let answer = Answer {
            about: About::Initiative,
            initiative: Some("crm".into()),
            verdict: Verdict::Approved,
            by: "Vic".into(),
            on: sextant_core::model::Date::parse("2026-12-04").unwrap(),
            comment: None,
            shown: None,
        };
        let stored = store.answer(&viewer, "q4", answer.clone()).await.unwrap();
        assert_eq!(stored["answers"][0]["initiative"], "crm", "{db}");
        let crm = store
            .entity(&scope, Section::Initiatives, "crm")
            .await
            .unwrap()
            .body;
        assert_eq!(crm["status"], "planned", "{db}");
        // The plan read back is the one checked with the change.
        let plan = store.plan(&scope).await.unwrap().unwrap();
        let x = plan
            .doc()
            .initiatives
            .iter()
            .find(|x| x.id.as_str() == "crm")
            .unwrap();
        assert_eq!(x.status, sextant_core::model::Status::Planned, "{db}");
        // Unknown initiative or review: nothing changes.
        let mut other = answer.clone();
        other.initiative = Some("nope".into());
        let e = store.answer(&viewer, "q4", other).await.unwrap_err();
        assert!(
            matches!(e, StoreError::NotFound(ref w) if w == "initiatives/nope"),
            "{db}: {e}"
        );
        let e = store
            .answer(&viewer, "q9", answer.clone())
            .await
            .unwrap_err();
        assert!(
            matches!(e, StoreError::NotFound(ref w) if w == "reviews/q9"),
            "{db}: {e}"
        );
        let mut nul = answer.clone();
        nul.comment = Some("a\0b".into());
        assert!(store.answer(&viewer, "q4", nul).await.is_err(), "{db}");
        let r = store
            .entity(&scope, Section::Reviews, "q4")
            .await
            .unwrap()
            .body;
        assert_eq!(r["answers"].as_array().unwrap().len(), 1, "{db}");
    }
}

#[tokio::test]
async fn packs_are_kept_with_their_review_unchanged() {
    for (db, store) in stores().await {
        let (admin, scope) = corner(&store).await;
        store
            .change_plan(&scope, Change::Create(Section::Reviews, review("q4")))
            .await
            .unwrap();
        let bytes = b"%PDF-1.7 \x00\xff the pack".to_vec();
        let kept = store
            .keep_pack(&scope, "q4", "pdf", "corner-review-2026-12-04.pdf", &bytes)
            .await
            .unwrap();
        assert_eq!(kept.review, "q4", "{db}");
        assert_eq!(kept.bytes, bytes.len() as i64, "{db}");
        assert_eq!(
            kept.created_by.as_deref(),
            Some(admin.name.as_str()),
            "{db}"
        );
        let (info, got) = store
            .kept_pack_content(&scope, "q4", kept.id)
            .await
            .unwrap();
        assert_eq!((info, got), (kept.clone(), bytes.clone()), "{db}");

        // Refused: no such review, another format, a viewer, the 21st.
        assert!(matches!(
            store.keep_pack(&scope, "q9", "pdf", "x.pdf", &bytes).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            store.keep_pack(&scope, "q4", "docx", "x.pdf", &bytes).await,
            Err(StoreError::Invalid { ref field, .. }) if field == "format"
        ));
        let vic = join(
            &store,
            &scope,
            "vic@example.com",
            Role::Viewer,
            "vic password 1",
        )
        .await;
        let viewer = store.scope(&vic, "corner").await.unwrap();
        assert!(
            store
                .keep_pack(&viewer, "q4", "pdf", "x.pdf", &bytes)
                .await
                .is_err()
        );
        assert!(
            store
                .delete_kept_pack(&viewer, "q4", kept.id)
                .await
                .is_err()
        );
        assert_eq!(
            store.kept_packs(&viewer, "q4").await.unwrap().len(),
            1,
            "{db}"
        );
        for i in 1..PACKS_PER_REVIEW {
            store
                .keep_pack(&scope, "q4", "slides", &format!("s{i}.pdf"), b"x")
                .await
                .unwrap();
        }
        let e = store
            .keep_pack(&scope, "q4", "pdf", "one-more.pdf", b"x")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("at most 20 packs"), "{db}: {e}");

        // Another organisation's scope does not reach them.
        store.create_org(&admin, "other", "Other").await.unwrap();
        let other = store.scope(&admin, "other").await.unwrap();
        assert!(
            store.kept_packs(&other, "q4").await.unwrap().is_empty(),
            "{db}"
        );
        assert!(
            store
                .kept_pack_content(&other, "q4", kept.id)
                .await
                .is_err()
        );
        assert!(store.delete_kept_pack(&other, "q4", kept.id).await.is_err());

        // In the backup, restored byte for byte.
        let mut out = Vec::new();
        store.backup(&mut out).await.unwrap();
        let (_, target) = stores().await.into_iter().find(|(d, _)| *d == db).unwrap();
        target.restore(&mut out.as_slice()).await.unwrap();
        let t_scope = target.scope(&admin, "corner").await.unwrap();
        let (_, got) = target
            .kept_pack_content(&t_scope, "q4", kept.id)
            .await
            .unwrap();
        assert_eq!(got, bytes, "{db}");

        // Renamed, the review takes its packs; deleted, they go with it.
        let mut renamed = review("q4-autumn");
        renamed["title"] = json!("Autumn review, renamed");
        store
            .change_plan(&scope, Change::Put(Section::Reviews, "q4".into(), renamed))
            .await
            .unwrap();
        assert!(
            store.kept_packs(&scope, "q4").await.unwrap().is_empty(),
            "{db}"
        );
        assert_eq!(
            store.kept_packs(&scope, "q4-autumn").await.unwrap().len() as i64,
            PACKS_PER_REVIEW,
            "{db}"
        );
        store
            .delete_kept_pack(&scope, "q4-autumn", kept.id)
            .await
            .unwrap();
        store
            .change_plan(&scope, Change::Delete(Section::Reviews, "q4-autumn".into()))
            .await
            .unwrap();
        assert!(
            store
                .kept_packs(&scope, "q4-autumn")
                .await
                .unwrap()
                .is_empty(),
            "{db}"
        );
    }
}
