//! A NUL byte (which PostgreSQL's text cannot hold) is refused alike on both backends, naming
//! the field, and nothing is stored.

use serde_json::json;
use sextant_store::{Change, Paging, Section, StoreError};

use crate::{bookstore, canonical, corner, import, stores};

fn invalid(db: &str, e: StoreError) -> (String, String) {
    match e {
        StoreError::Invalid { field, message } => (field, message),
        other => panic!("{db}: expected a refused field, found {other}"),
    }
}

#[tokio::test]
async fn a_nul_in_a_plan_key_or_data_set_name_is_refused_naming_the_field() {
    for (db, store) in stores().await {
        let (_, scope) = corner(&store).await;
        let text = bookstore();
        import(&store, &scope, &text).await;
        let before = store.export_plan(&scope).await.unwrap();

        let mut doc = canonical(&text);
        doc["initiatives"][0]["title"] = json!("Point\u{0}of sale");
        let e = store.change_plan(&scope, Change::Replace(doc)).await;
        assert_eq!(
            invalid(&db, e.unwrap_err()),
            (
                "initiatives[0].title".to_string(),
                "expected text without NUL bytes, found one at character 6".to_string()
            ),
            "{db}"
        );

        let mut body = canonical(&text)["initiatives"][0].clone();
        body["id"] = json!("p\u{0}s");
        let e = store
            .change_plan(&scope, Change::Create(Section::Initiatives, body.clone()))
            .await;
        assert_eq!(invalid(&db, e.unwrap_err()).0, "id", "{db}");
        let e = store
            .change_plan(
                &scope,
                Change::Put(Section::Initiatives, "p\u{0}s".into(), body),
            )
            .await;
        assert_eq!(invalid(&db, e.unwrap_err()).0, "key", "{db}");
        let e = store
            .change_plan(&scope, Change::Delete(Section::Initiatives, "\u{0}".into()))
            .await;
        assert_eq!(invalid(&db, e.unwrap_err()).0, "key", "{db}");
        let e = store.entity(&scope, Section::Initiatives, "p\u{0}s").await;
        assert_eq!(invalid(&db, e.unwrap_err()).0, "key", "{db}");
        let e = store
            .history(
                &scope,
                Some("initiatives"),
                Some("\u{0}"),
                Paging::default(),
            )
            .await;
        assert_eq!(invalid(&db, e.unwrap_err()).0, "key", "{db}");
        assert_eq!(store.export_plan(&scope).await.unwrap(), before, "{db}");

        let e = store
            .add_dataset(
                &scope,
                "orders",
                "orders\u{0}.csv",
                1,
                &json!({}),
                b"x",
                None,
            )
            .await;
        assert_eq!(
            invalid(&db, e.unwrap_err()),
            (
                "name".to_string(),
                "expected text without NUL bytes, found one at character 7".to_string()
            ),
            "{db}"
        );
        let e = store
            .add_dataset(
                &scope,
                "orders",
                "o.csv",
                1,
                &json!({"sheet": "a\u{0}"}),
                b"x",
                None,
            )
            .await;
        assert_eq!(invalid(&db, e.unwrap_err()).0, "options.sheet", "{db}");
        assert_eq!(
            store
                .datasets(&scope, Paging::default())
                .await
                .unwrap()
                .total,
            0,
            "{db}"
        );
    }
}

/// Addresses, tokens and clients are looked up, not stored as given: a NUL byte in one may be
/// refused or not found, but never reach PostgreSQL (where it is an error, a 500).
#[tokio::test]
async fn a_nul_in_a_login_token_or_address_is_never_a_database_error() {
    for (db, store) in stores().await {
        let (_, scope) = corner(&store).await;
        let mut failed = Vec::new();
        let mut not_db = |what: &str, e: &StoreError| {
            if matches!(e, StoreError::Database(_)) {
                failed.push(format!("{what}: {e}"));
            }
        };
        match store.login("a\u{0}@example.com", "pw", "127.0.0.1").await {
            Err(sextant_store::LoginError::Store(e)) => not_db("login", &e),
            Err(_) => {}
            Ok(_) => panic!("{db}: login with a NUL"),
        }
        match store
            .login("admin@example.com", "p\u{0}w", "127.\u{0}")
            .await
        {
            Err(sextant_store::LoginError::Store(e)) => not_db("login client", &e),
            Err(_) => {}
            Ok(_) => panic!("{db}: login with a NUL"),
        }
        match store
            .accept_invitation("t\u{0}", "Name", "a long password 1", "c")
            .await
        {
            Err(sextant_store::LoginError::Store(e)) => not_db("accept", &e),
            Err(_) => {}
            Ok(_) => panic!("{db}: accepted"),
        }
        if let Err(e) = store.has_user("a\u{0}@example.com").await {
            not_db("has_user", &e);
        }
        if let Err(e) = store.session("s\u{0}").await {
            not_db("session", &e);
        }
        if let Err(e) = store.token_user("sxt_\u{0}").await {
            not_db("token_user", &e);
        }
        if let Err(e) = store.end_session("s\u{0}").await {
            not_db("end_session", &e);
        }
        if let Err(e) = store
            .set_member(&scope, "a\u{0}@example.com", sextant_store::Role::Viewer)
            .await
        {
            not_db("set_member", &e);
        }
        if let Err(e) = store
            .create_user("a\u{0}@example.com", "A", "a long password 1", false)
            .await
        {
            not_db("create_user", &e);
        }
        if let Err(e) = store.revoke_admin("a\u{0}@example.com").await {
            not_db("revoke_admin", &e);
        }
        assert_eq!(failed, Vec::<String>::new(), "{db}");
    }
}
