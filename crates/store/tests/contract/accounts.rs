//! Accounts: set-up, logins and their limit, sessions, API tokens, invitations.

use sextant_store::{LoginError, Role, Store, StoreError};

use crate::{corner, people, stores};

#[tokio::test]
async fn the_setup_token_works_once_and_only_before_an_administrator_exists() {
    for (db, store) in stores().await {
        let token = store.setup_token().await.unwrap().unwrap();
        let err = store
            .complete_setup(
                "wrong",
                "owner@example.com",
                "Owner",
                "long enough password",
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{db}: {err}");
        let admin = store
            .complete_setup(&token, "Owner@Example.com", "Owner", "long enough password")
            .await
            .unwrap();
        assert!(admin.is_admin);
        assert_eq!(admin.email, "owner@example.com");
        assert!(
            store
                .complete_setup(&token, "b@example.com", "B", "long enough password")
                .await
                .is_err()
        );
        assert!(store.setup_token().await.unwrap().is_none(), "{db}");
    }
}

#[tokio::test]
async fn logins_are_checked_and_limited() {
    for (db, store) in stores().await {
        let (_, sarah) = people(&store).await;
        let ok = store
            .login("SARAH@example.com", "sarah password 1", "10.0.0.1")
            .await
            .unwrap();
        assert_eq!(ok.id, sarah.id, "{db}");
        for _ in 0..5 {
            let e = store
                .login("sarah@example.com", "guess", "10.0.0.2")
                .await
                .unwrap_err();
            assert!(matches!(e, LoginError::Invalid), "{db}: {e}");
        }
        // The sixth try is refused even with the right password, from any client.
        let e = store
            .login("sarah@example.com", "sarah password 1", "10.0.0.3")
            .await
            .unwrap_err();
        let LoginError::RateLimited { retry_after } = e else {
            panic!("{db}: {e}")
        };
        assert!((1..=900).contains(&retry_after), "{db}: {retry_after}");
        // An unknown address fails the same way as a wrong password.
        let e = store
            .login("nobody@example.com", "x", "10.0.0.4")
            .await
            .unwrap_err();
        assert_eq!(e.to_string(), "wrong e-mail address or password");
    }
}

#[tokio::test]
async fn sessions_survive_a_restart_and_end_with_a_password_change() {
    let dir = std::env::temp_dir().join(format!("sextant-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let url = format!("sqlite://{}", dir.join("db.sqlite").display());
    let store = Store::open(&url).await.unwrap();
    let (_, sarah) = people(&store).await;
    let s1 = store.create_session(&sarah).await.unwrap();
    let s2 = store.create_session(&sarah).await.unwrap();
    store.close().await;
    let store = Store::open(&url).await.unwrap();
    let (user, csrf) = store.session(&s1.token).await.unwrap().unwrap();
    assert_eq!(user.id, sarah.id);
    assert_eq!(csrf, s1.csrf);
    let err = store
        .change_password(&sarah, "wrong", "a new long password", Some(&s1.token))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "current_password: the current password is not right"
    );
    store
        .change_password(
            &sarah,
            "sarah password 1",
            "a new long password",
            Some(&s1.token),
        )
        .await
        .unwrap();
    assert!(store.session(&s1.token).await.unwrap().is_some());
    assert!(store.session(&s2.token).await.unwrap().is_none());
    store
        .login("sarah@example.com", "a new long password", "c")
        .await
        .unwrap();
    store.end_session(&s1.token).await.unwrap();
    assert!(store.session(&s1.token).await.unwrap().is_none());
}

#[tokio::test]
async fn api_tokens_are_shown_once_and_stored_hashed() {
    for (db, store) in stores().await {
        let (_, sarah) = people(&store).await;
        let (token, secret) = store
            .create_api_token(&sarah, "nightly import")
            .await
            .unwrap();
        assert!(secret.starts_with("sxt_"));
        assert_eq!(
            store.token_user(&secret).await.unwrap().unwrap().id,
            sarah.id,
            "{db}"
        );
        let mut backup = Vec::new();
        store.backup(&mut backup).await.unwrap();
        let text = String::from_utf8(backup).unwrap();
        assert!(!text.contains(&secret), "{db}: the secret is stored");
        assert!(
            !text.contains("sarah password 1"),
            "{db}: the password is stored"
        );
        assert_eq!(store.api_tokens(&sarah).await.unwrap().len(), 1);
        store.delete_api_token(&sarah, token.id).await.unwrap();
        assert!(store.token_user(&secret).await.unwrap().is_none(), "{db}");
    }
}

#[tokio::test]
async fn an_invited_person_sets_a_password_and_sees_the_organisation() {
    for (db, store) in stores().await {
        let (admin, scope) = corner(&store).await;
        let (member, invitation) = store
            .set_member(&scope, "jo@example.com", Role::Editor)
            .await
            .unwrap();
        assert!(member.invited);
        let invitation = invitation.unwrap();
        // Not usable before accepting.
        assert!(store.login("jo@example.com", "", "c").await.is_err());
        let jo = store
            .accept_invitation(&invitation, "Jo", "jo's long password")
            .await
            .unwrap();
        assert_eq!(jo.id, member.user_id, "{db}");
        assert!(
            store
                .accept_invitation(&invitation, "Jo", "jo's long password")
                .await
                .is_err()
        );
        let jo = store
            .login("jo@example.com", "jo's long password", "c")
            .await
            .unwrap();
        assert_eq!(
            store.scope(&jo, "corner").await.unwrap().role(),
            Role::Editor
        );
        // The last owner stays.
        let err = store.remove_member(&scope, admin.id).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{db}: {err}");
        store.remove_member(&scope, jo.id).await.unwrap();
        assert!(store.scope(&jo, "corner").await.is_err());
        // Who gave and took access, and the organisation's renaming, are in its history.
        store
            .rename_org(&scope, "The Corner Bookstore")
            .await
            .unwrap();
        let h = store
            .history(
                &scope,
                Some("members"),
                None,
                sextant_store::Paging::default(),
            )
            .await
            .unwrap();
        let seen: Vec<(&str, &str)> = h
            .items
            .iter()
            .map(|e| (e.action.as_str(), e.key.as_str()))
            .collect();
        assert_eq!(
            seen,
            [("delete", "jo@example.com"), ("create", "jo@example.com")],
            "{db}"
        );
        assert_eq!(h.items[0].user.as_deref(), Some("admin@example.com"));
        assert_eq!(h.items[0].before.as_ref().unwrap()["role"], "editor");
        let h = store
            .history(&scope, Some("org"), None, sextant_store::Paging::default())
            .await
            .unwrap();
        assert_eq!(
            h.items[0].before.as_ref().unwrap()["name"],
            "Corner Bookstore"
        );
        assert_eq!(
            h.items[0].after.as_ref().unwrap()["name"],
            "The Corner Bookstore"
        );
    }
}
