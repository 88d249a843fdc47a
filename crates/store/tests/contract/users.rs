//! The administrator's accounts: the list, one-time password reset links, and removal.

use sextant_store::{Lifetimes, MemberChange, Paging, Role, StoreError};

use crate::{corner, join, stores};

/// A reset link is made by the administrator only, stored as a digest, refuses a short
/// password without being spent, works once, and when used ends the account's sessions and
/// API tokens; a newer link replaces an older one, and an expired one is refused.
#[tokio::test]
async fn a_reset_link_works_once_and_ends_the_sessions_and_tokens() {
    for (db, store) in stores().await {
        let (admin, a) = corner(&store).await;
        let jo = join(
            &store,
            &a,
            "jo@example.com",
            Role::Editor,
            "jo's old password",
        )
        .await;
        let session = store.create_session(&jo).await.unwrap();
        let (_, api) = store.create_api_token(&jo, "script", None).await.unwrap();

        // Only the administrator makes one.
        let e = store.create_reset(&jo, admin.id).await.unwrap_err();
        assert!(matches!(e, StoreError::NotFound(_)), "{db}: {e}");
        let first = store.create_reset(&admin, jo.id).await.unwrap();
        assert!(first.token.starts_with("sxr_"), "{db}");
        assert_eq!(first.user.email, "jo@example.com");
        let reset = store.create_reset(&admin, jo.id).await.unwrap();
        assert_ne!(reset.token, first.token);
        let e = store.reset_account(&first.token).await.unwrap_err();
        assert_eq!(
            e.to_string(),
            "password reset link (it may have expired or been used: ask the administrator for a new one) not found",
            "{db}: a newer link replaces an older one"
        );
        let e = store.create_reset(&admin, 9999).await.unwrap_err();
        assert_eq!(e.to_string(), "account 9999 not found");

        // Nothing changes until the link is used.
        assert!(store.session(&session.token).await.unwrap().is_some());
        assert_eq!(store.reset_account(&reset.token).await.unwrap().id, jo.id);
        let e = store
            .complete_reset(&reset.token, "short")
            .await
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "password: expected at least 10 characters, found 5"
        );
        let used = store
            .complete_reset(&reset.token, "jo's new password")
            .await
            .unwrap();
        assert_eq!(used.id, jo.id);
        assert!(
            store.session(&session.token).await.unwrap().is_none(),
            "{db}: the session outlived the reset"
        );
        assert!(
            store.token_user(&api).await.unwrap().is_none(),
            "{db}: the API token outlived the reset"
        );
        assert!(
            store
                .login("jo@example.com", "jo's old password", "c")
                .await
                .is_err()
        );
        store
            .login("jo@example.com", "jo's new password", "c")
            .await
            .unwrap();
        // Spent.
        let e = store
            .complete_reset(&reset.token, "jo's third password")
            .await
            .unwrap_err();
        assert!(
            e.to_string().starts_with("password reset link"),
            "{db}: {e}"
        );

        // Expired: refused like an unknown token.
        let instant = store.clone().with_lifetimes(Lifetimes {
            reset: 0,
            ..Lifetimes::default()
        });
        let stale = instant.create_reset(&admin, jo.id).await.unwrap();
        let e = store
            .complete_reset(&stale.token, "jo's third password")
            .await
            .unwrap_err();
        assert!(
            e.to_string().starts_with("password reset link"),
            "{db}: {e}"
        );
    }
}

/// The lifetimes are the store's settings: an invitation expires when they say.
#[tokio::test]
async fn invitations_last_as_long_as_the_store_is_told() {
    for (db, store) in stores().await {
        let store = store.with_lifetimes(Lifetimes {
            invitation: 3600,
            ..Lifetimes::default()
        });
        let (_, a) = corner(&store).await;
        let before = sextant_store::now();
        let MemberChange::Invited { invitation, .. } = store
            .set_member(&a, "jo@example.com", Role::Viewer)
            .await
            .unwrap()
        else {
            panic!("{db}")
        };
        let after = sextant_store::now();
        assert!(
            (before..=after).any(|t| sextant_store::rfc3339(t + 3600) == invitation.expires_at),
            "{db}: {invitation:?}"
        );
    }
}

/// Removal ends the account's sessions and memberships (recorded in each organisation's
/// history); it is refused for the last owner of an organisation, naming it, and for the
/// administrator's own account.
#[tokio::test]
async fn removing_an_account_spares_the_last_owner_and_oneself() {
    for (db, store) in stores().await {
        let (admin, a) = corner(&store).await;
        let jo = join(
            &store,
            &a,
            "jo@example.com",
            Role::Editor,
            "jo's long password",
        )
        .await;
        // Jo alone owns Solo.
        store.create_org(&admin, "solo", "Solo Shop").await.unwrap();
        let solo = store.scope(&admin, "solo").await.unwrap();
        join(
            &store,
            &solo,
            "jo@example.com",
            Role::Owner,
            "jo's long password",
        )
        .await;
        store.remove_member(&solo, admin.id).await.unwrap();
        let session = store.create_session(&jo).await.unwrap();

        let list = store.accounts(&admin, Paging::default()).await.unwrap();
        assert_eq!(list.total, 3, "{db}");
        let emails: Vec<&str> = list.items.iter().map(|a| a.email.as_str()).collect();
        assert_eq!(
            emails,
            ["admin@example.com", "jo@example.com", "sarah@example.com"]
        );
        let of_jo: Vec<(&str, Role, bool)> = list.items[1]
            .memberships
            .iter()
            .map(|m| (m.slug.as_str(), m.role, m.only_owner))
            .collect();
        assert_eq!(
            of_jo,
            [("corner", Role::Editor, false), ("solo", Role::Owner, true)],
            "{db}"
        );
        assert!(store.accounts(&jo, Paging::default()).await.is_err());

        let e = store.remove_account(&admin, admin.id).await.unwrap_err();
        assert_eq!(
            e.to_string(),
            "you cannot remove your own account; another administrator can"
        );
        let e = store.remove_account(&admin, jo.id).await.unwrap_err();
        assert_eq!(
            e.to_string(),
            "jo@example.com is the only owner of Solo Shop (solo): make someone else owner \
             there first (or delete the organisation), then remove the account",
            "{db}"
        );
        let e = store.remove_account(&jo, admin.id).await.unwrap_err();
        assert!(matches!(e, StoreError::NotFound(_)), "{db}: {e}");
        // Nothing was removed by the refusals.
        assert!(store.session(&session.token).await.unwrap().is_some());
        assert_eq!(
            store.scope(&jo, "corner").await.unwrap().role(),
            Role::Editor
        );

        // Once Solo has another owner, Jo goes.
        let jo_solo = store.scope(&jo, "solo").await.unwrap();
        let MemberChange::Invited { token, .. } = store
            .set_member(&jo_solo, "admin@example.com", Role::Owner)
            .await
            .unwrap()
        else {
            panic!("{db}")
        };
        store
            .accept_invitation(&token, "Admin", "admin password 1", "c")
            .await
            .unwrap();
        let removed = store.remove_account(&admin, jo.id).await.unwrap();
        assert_eq!(removed.email, "jo@example.com");
        assert!(
            store.session(&session.token).await.unwrap().is_none(),
            "{db}"
        );
        assert!(
            store
                .login("jo@example.com", "jo's long password", "c")
                .await
                .is_err()
        );
        assert!(!store.has_user("jo@example.com").await.unwrap(), "{db}");
        let members = store.members(&a, Paging::default()).await.unwrap();
        assert_eq!(members.total, 1, "{db}");
        let h = store
            .history(&a, Some("members"), None, Paging::default())
            .await
            .unwrap();
        assert_eq!(h.items[0].action, "delete", "{db}");
        assert_eq!(h.items[0].key, "jo@example.com");
        assert_eq!(h.items[0].user.as_deref(), Some("admin@example.com"));
        assert_eq!(h.items[0].before.as_ref().unwrap()["role"], "editor");
        let e = store.remove_account(&admin, jo.id).await.unwrap_err();
        assert_eq!(e.to_string(), format!("account {} not found", jo.id));
        // The address can be invited afresh, and makes a new account.
        let MemberChange::Invited { .. } = store
            .set_member(&a, "jo@example.com", Role::Viewer)
            .await
            .unwrap()
        else {
            panic!("{db}")
        };
    }
}
