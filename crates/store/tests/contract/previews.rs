//! Upload previews: kept in the database for any instance to import, taken once, given back,
//! expiring, a few per person, and kept to their organisation and their person.

use sextant_store::{PREVIEW_SECONDS, PREVIEWS_PER_USER, Role, StoreError};

use crate::{corner, join, stores};

fn not_found<T: std::fmt::Debug>(r: sextant_store::Result<T>, what: &str) {
    match r {
        Err(StoreError::NotFound(m)) => assert_eq!(m, "preview", "{what}"),
        other => panic!("{what}: expected not found, got {other:?}"),
    }
}

#[tokio::test]
async fn a_preview_is_kept_taken_once_and_given_back() {
    for (db, store) in stores().await {
        let (_, scope) = corner(&store).await;
        let id = store
            .put_preview(&scope, "orders.xlsx", b"PK workbook", Some(b"1,a,b\n"))
            .await
            .unwrap();
        assert_eq!(id.len(), 32, "{db}");
        // Read as often as the page is checked again, left in place.
        for _ in 0..2 {
            let p = store.preview(&scope, &id).await.unwrap();
            assert_eq!(p.name, "orders.xlsx", "{db}");
            assert_eq!(p.content, b"PK workbook");
            assert_eq!(p.parsed.as_deref(), Some(&b"1,a,b\n"[..]));
        }
        // Taken once: a second confirmation (another instance, a double click) finds nothing.
        let p = store.take_preview(&scope, &id).await.unwrap();
        not_found(store.take_preview(&scope, &id).await, db.as_str());
        not_found(store.preview(&scope, &id).await, db.as_str());
        // Given back when its import is refused: the same id, the same age.
        store.give_back_preview(&scope, &id, &p).await.unwrap();
        let back = store.preview(&scope, &id).await.unwrap();
        assert_eq!(back.created_at, p.created_at, "{db}");
        assert_eq!(back.content, p.content);
        // A CSV file has no parsed form.
        let csv = store
            .put_preview(&scope, "orders.csv", b"date,amount\n", None)
            .await
            .unwrap();
        assert_eq!(store.take_preview(&scope, &csv).await.unwrap().parsed, None);
        // A name the data sets would refuse is refused here too.
        assert!(matches!(
            store.put_preview(&scope, "bad\u{7}.csv", b"x", None).await,
            Err(StoreError::Invalid { .. })
        ));
    }
}

#[tokio::test]
async fn a_preview_is_another_organisations_or_persons_not_found() {
    for (db, store) in stores().await {
        let (admin, scope) = corner(&store).await;
        store.create_org(&admin, "bakery", "Bakery").await.unwrap();
        let bakery = store.scope(&admin, "bakery").await.unwrap();
        let id = store
            .put_preview(&scope, "orders.csv", b"date,amount\n", None)
            .await
            .unwrap();
        // The same person in another organisation.
        not_found(store.preview(&bakery, &id).await, &format!("{db}: org"));
        not_found(
            store.take_preview(&bakery, &id).await,
            &format!("{db}: org"),
        );
        // Another editor of the same organisation.
        let ed = join(
            &store,
            &scope,
            "ed@example.com",
            Role::Editor,
            "ed password 1234",
        )
        .await;
        let eds = store.scope(&ed, "corner").await.unwrap();
        not_found(store.preview(&eds, &id).await, &format!("{db}: person"));
        not_found(
            store.take_preview(&eds, &id).await,
            &format!("{db}: person"),
        );
        // A made-up id.
        not_found(store.preview(&scope, "0123456789abcdef").await, db.as_str());
        // Still there for its owner.
        assert_eq!(
            store.preview(&scope, &id).await.unwrap().name,
            "orders.csv",
            "{db}"
        );
        // A viewer makes none.
        let vic = join(
            &store,
            &scope,
            "vic@example.com",
            Role::Viewer,
            "vic password 1234",
        )
        .await;
        let vics = store.scope(&vic, "corner").await.unwrap();
        assert!(matches!(
            store.put_preview(&vics, "a.csv", b"x", None).await,
            Err(StoreError::Forbidden { .. })
        ));
        // A member removed loses theirs; an organisation deleted takes its previews with it.
        let eds_id = store.put_preview(&eds, "e.csv", b"x", None).await.unwrap();
        store.remove_member(&scope, ed.id).await.unwrap();
        let ed = join(
            &store,
            &scope,
            "ed@example.com",
            Role::Editor,
            "ed password 1234",
        )
        .await;
        let eds = store.scope(&ed, "corner").await.unwrap();
        not_found(
            store.preview(&eds, &eds_id).await,
            &format!("{db}: removed"),
        );
        store.delete_org(&scope).await.unwrap();
        store.create_org(&admin, "corner", "Again").await.unwrap();
        let again = store.scope(&admin, "corner").await.unwrap();
        not_found(store.preview(&again, &id).await, &format!("{db}: deleted"));
    }
}

#[tokio::test]
async fn previews_expire_and_a_person_keeps_a_few() {
    for (db, store) in stores().await {
        let (_, scope) = corner(&store).await;
        let old = store
            .put_preview(&scope, "old.csv", b"x", None)
            .await
            .unwrap();
        store
            .age_previews_for_tests(&scope, PREVIEW_SECONDS - 5)
            .await
            .unwrap();
        assert!(store.preview(&scope, &old).await.is_ok(), "{db}");
        store.age_previews_for_tests(&scope, 5).await.unwrap();
        not_found(store.preview(&scope, &old).await, &format!("{db}: expired"));
        not_found(
            store.take_preview(&scope, &old).await,
            &format!("{db}: expired"),
        );
        // The newest PREVIEWS_PER_USER stay; the oldest go first, even within one second.
        let mut ids = Vec::new();
        for i in 0..=PREVIEWS_PER_USER {
            ids.push(
                store
                    .put_preview(&scope, &format!("f{i}.csv"), b"x", None)
                    .await
                    .unwrap(),
            );
        }
        not_found(store.preview(&scope, &ids[0]).await, &format!("{db}: cap"));
        for id in &ids[1..] {
            assert!(store.preview(&scope, id).await.is_ok(), "{db}");
        }
    }
}
