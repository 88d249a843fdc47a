//! Tenancy: an organisation's data is reachable only through a scope its members get, and a
//! scope's role limits what it may change.

use serde_json::json;
use sextant_store::{Change, Paging, Role, Section, StoreError};

use crate::{bookstore, import, people, stores};

#[tokio::test]
async fn a_non_member_gets_no_scope_and_a_viewer_changes_nothing() {
    for (db, store) in stores().await {
        let (admin, sarah) = people(&store).await;
        store
            .create_org(&admin, "corner", "Corner Bookstore")
            .await
            .unwrap();
        store.create_org(&admin, "bakery", "Bakery").await.unwrap();
        let corner = store.scope(&admin, "corner").await.unwrap();
        import(&store, &corner, &bookstore()).await;
        // Sarah is in no organisation: not found, the same answer as for a missing one.
        let err = store.scope(&sarah, "corner").await.unwrap_err();
        assert_eq!(err.to_string(), "organisation `corner` not found", "{db}");
        let err = store.scope(&sarah, "nowhere").await.unwrap_err();
        assert_eq!(err.to_string(), "organisation `nowhere` not found");
        // A plain user cannot create organisations.
        assert!(matches!(
            store.create_org(&sarah, "mine", "Mine").await.unwrap_err(),
            StoreError::Forbidden { .. }
        ));

        crate::join(
            &store,
            &corner,
            "sarah@example.com",
            Role::Viewer,
            "sarah password 1",
        )
        .await;
        let view = store.scope(&sarah, "corner").await.unwrap();
        assert!(store.export_plan(&view).await.unwrap().is_some(), "{db}");
        assert_eq!(
            store
                .orgs_of(&sarah, Paging::default())
                .await
                .unwrap()
                .total,
            1
        );
        let before = store.export_plan(&view).await.unwrap();
        let attempts: Vec<sextant_store::Result<()>> = vec![
            store
                .change_plan(
                    &view,
                    Change::Create(
                        Section::Goals,
                        json!({"id": "x", "title": "x", "weight": 1}),
                    ),
                )
                .await
                .map(|_| ()),
            store
                .change_plan(&view, Change::Delete(Section::Risks, "x".into()))
                .await
                .map(|_| ()),
            store
                .add_dataset(&view, "orders", "o.csv", 0, &json!({}), b"", None)
                .await
                .map(|_| ()),
            store.rename_org(&view, "Mine").await.map(|_| ()),
            store.delete_org(&view).await,
            store
                .set_member(&view, "x@example.com", Role::Owner)
                .await
                .map(|_| ()),
        ];
        for a in attempts {
            let err = a.unwrap_err();
            assert!(matches!(err, StoreError::Forbidden { .. }), "{db}: {err}");
        }
        assert_eq!(
            StoreError::Forbidden {
                needed: Role::Editor,
                actual: Role::Viewer
            }
            .to_string(),
            "this needs the editor role in the organisation; you are viewer"
        );
        assert_eq!(store.export_plan(&view).await.unwrap(), before);

        // The bakery's scope sees none of the bookstore's data.
        let bakery = store.scope(&admin, "bakery").await.unwrap();
        assert!(store.export_plan(&bakery).await.unwrap().is_none(), "{db}");
        assert_eq!(
            store
                .entities(&bakery, Section::Goals, Paging::default())
                .await
                .unwrap()
                .total,
            0
        );
        assert_eq!(
            store
                .history(&bakery, None, None, Paging::default())
                .await
                .unwrap()
                .total,
            0
        );
        assert_eq!(
            store
                .members(&bakery, Paging::default())
                .await
                .unwrap()
                .total,
            1
        );
        // Deleting an organisation takes its data with it and leaves the other alone.
        store.delete_org(&corner).await.unwrap();
        assert!(store.scope(&admin, "corner").await.is_err());
        assert!(store.scope(&admin, "bakery").await.is_ok());
    }
}
