//! Accounts: set-up, logins and their limit, sessions, API tokens, invitations.

use sextant_store::{
    Credential, FIRST_BACKOFF, LoginError, LoginLimits, MAX_ACCOUNT_FAILURES, MAX_CLIENT_FAILURES,
    MAX_DEVICE_FAILURES, MAX_FAILURES, MemberChange, Role, SignedOut, Store, StoreError,
};

use crate::{corner, join, people, stores};

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
async fn logins_are_checked_and_limited_per_account_and_client() {
    for (db, store) in stores().await {
        let (_, sarah) = people(&store).await;
        let ok = store
            .login("SARAH@example.com", "sarah password 1", "10.0.0.1")
            .await
            .unwrap();
        assert_eq!(ok.id, sarah.id, "{db}");
        for _ in 0..MAX_FAILURES {
            let e = store
                .login("sarah@example.com", "guess", "10.0.0.2")
                .await
                .unwrap_err();
            assert!(matches!(e, LoginError::Invalid), "{db}: {e}");
        }
        // The next try from that client is refused even with the right password: the
        // first back-off.
        let e = store
            .login("sarah@example.com", "sarah password 1", "10.0.0.2")
            .await
            .unwrap_err();
        let LoginError::RateLimited { retry_after } = e else {
            panic!("{db}: {e}")
        };
        assert!(
            (1..=FIRST_BACKOFF).contains(&retry_after),
            "{db}: {retry_after}"
        );
        assert_eq!(
            LoginError::RateLimited { retry_after: 30 }.to_string(),
            "too many failed logins; try again in 30 seconds"
        );
        // A success forgives the client's earlier failures at the account.
        for _ in 0..MAX_FAILURES - 1 {
            store
                .login("sarah@example.com", "typo", "10.0.0.5")
                .await
                .unwrap_err();
        }
        store
            .login("sarah@example.com", "sarah password 1", "10.0.0.5")
            .await
            .unwrap();
        for _ in 0..MAX_FAILURES - 1 {
            let e = store
                .login("sarah@example.com", "typo", "10.0.0.5")
                .await
                .unwrap_err();
            assert!(matches!(e, LoginError::Invalid), "{db}: {e}");
        }
        store
            .login("sarah@example.com", "sarah password 1", "10.0.0.5")
            .await
            .unwrap();
        // Sarah herself, from anywhere else, is not locked out by someone guessing.
        let ok = store
            .login("sarah@example.com", "sarah password 1", "10.0.0.3")
            .await
            .unwrap();
        assert_eq!(ok.id, sarah.id, "{db}");
        // An unknown address fails the same way as a wrong password.
        let e = store
            .login("nobody@example.com", "x", "10.0.0.4")
            .await
            .unwrap_err();
        assert_eq!(e.to_string(), "wrong e-mail address or password");
    }
}

/// A client guessing at many accounts is stopped by its own limit.
#[tokio::test]
async fn one_client_guessing_many_accounts_is_limited() {
    for (db, store) in stores().await {
        people(&store).await;
        let mut refused = 0;
        for i in 0..(MAX_CLIENT_FAILURES + 3) {
            match store
                .login(&format!("user{i}@example.com"), "guess", "10.9.9.9")
                .await
            {
                Err(LoginError::Invalid) => {}
                Err(LoginError::RateLimited { .. }) => refused += 1,
                other => panic!("{db}: {other:?}"),
            }
        }
        assert_eq!(refused, 3, "{db}");
        // Another client is not concerned.
        store
            .login("sarah@example.com", "sarah password 1", "10.9.9.10")
            .await
            .unwrap();
    }
}

/// The limit is checked and recorded in one step: of 40 wrong passwords sent at once, exactly
/// the allowance are checked (the rest are refused without a check). When the count was read
/// before the failure was written, 10 of 50 got through a limit of 5.
#[tokio::test]
async fn parallel_attempts_cannot_slip_past_the_limit() {
    for (db, store) in stores().await {
        people(&store).await;
        let tries: Vec<_> = (0..40)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .login("sarah@example.com", "guess", "10.1.1.1")
                        .await
                        .unwrap_err()
                })
            })
            .collect();
        let mut checked = 0;
        for t in tries {
            match t.await.unwrap() {
                LoginError::Invalid => checked += 1,
                LoginError::RateLimited { .. } => {}
                LoginError::Store(e) => panic!("{db}: {e}"),
                LoginError::Busy { .. } => panic!("{db}: waited too long"),
                e => panic!("{db}: no second factor here: {e:?}"),
            }
        }
        assert_eq!(checked, MAX_FAILURES, "{db}");
    }
}

/// After the allowance, each further failure doubles the wait.
#[test]
fn the_wait_doubles_with_each_failure_past_the_allowance() {
    assert_eq!(sextant_store::backoff(0), FIRST_BACKOFF);
    assert_eq!(sextant_store::backoff(1), 2 * FIRST_BACKOFF);
    assert_eq!(sextant_store::backoff(40), sextant_store::MAX_BACKOFF);
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
    let (_, secret) = store
        .create_api_token(&sarah, "script", None)
        .await
        .unwrap();
    store.close().await;
    let store = Store::open(&url).await.unwrap();
    let (user, csrf) = store.session(&s1.token).await.unwrap().unwrap();
    assert_eq!(user.id, sarah.id);
    assert_eq!(csrf, s1.csrf);
    let err = store
        .change_password(
            &sarah,
            "wrong",
            "a new long password",
            Credential::Session(&s1.token),
            "c",
        )
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
            Credential::Session(&s1.token),
            "c",
        )
        .await
        .unwrap();
    assert!(store.session(&s1.token).await.unwrap().is_some());
    assert!(store.session(&s2.token).await.unwrap().is_none());
    assert!(
        store.token_user(&secret).await.unwrap().is_none(),
        "an API token survived the password change"
    );
    assert!(store.api_tokens(&sarah).await.unwrap().is_empty());
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
            .create_api_token(&sarah, "nightly import", None)
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

/// Wrong current passwords are limited like logins.
#[tokio::test]
async fn wrong_current_passwords_are_limited() {
    for (db, store) in stores().await {
        let (_, sarah) = people(&store).await;
        let session = store.create_session(&sarah).await.unwrap();
        let by = Credential::Session(&session.token);
        for _ in 0..MAX_FAILURES {
            let e = store
                .change_password(&sarah, "guess", "a new long password", by, "10.0.0.1")
                .await
                .unwrap_err();
            assert_eq!(
                e.to_string(),
                "current_password: the current password is not right",
                "{db}"
            );
        }
        let e = store
            .change_password(
                &sarah,
                "sarah password 1",
                "a new long password",
                by,
                "10.0.0.1",
            )
            .await
            .unwrap_err();
        assert!(matches!(e, LoginError::RateLimited { .. }), "{db}: {e}");
    }
}

/// A thief with a stolen session sent 7 wrong current passwords, and the owner could no
/// longer change the password from any session of theirs (the limit was the user's alone),
/// which is the only way to end the thief's session. The limit is now the credential's and
/// address's: the owner changes it from another session, or from the same session at another
/// address, and the thief's session ends.
#[tokio::test]
async fn a_thief_guessing_with_a_stolen_session_does_not_block_the_owner() {
    for (db, store) in stores().await {
        let (_, sarah) = people(&store).await;
        let stolen = store.create_session(&sarah).await.unwrap();
        let other = store.create_session(&sarah).await.unwrap();
        let thief = Credential::Session(&stolen.token);
        let mut refused = 0;
        for i in 0..7 {
            match store
                .change_password(
                    &sarah,
                    &format!("guess {i}"),
                    "thief's new password",
                    thief,
                    "203.0.113.9",
                )
                .await
            {
                Err(LoginError::RateLimited { .. }) => refused += 1,
                Err(LoginError::Store(StoreError::Invalid { field, .. })) => {
                    assert_eq!(field, "current_password", "{db}")
                }
                other => panic!("{db}: {other:?}"),
            }
        }
        assert_eq!(refused, 2, "{db}");
        // The owner, with the stolen session but from her own address: not blocked either,
        // and a wrong guess of hers there does not lock her other session.
        let e = store
            .change_password(&sarah, "typo", "a new long password", thief, "198.51.100.1")
            .await
            .unwrap_err();
        assert!(matches!(e, LoginError::Store(_)), "{db}: {e}");
        // From her other session, even at the thief's address: changed, the thief is out.
        store
            .change_password(
                &sarah,
                "sarah password 1",
                "a new long password",
                Credential::Session(&other.token),
                "203.0.113.9",
            )
            .await
            .unwrap();
        assert!(
            store.session(&stolen.token).await.unwrap().is_none(),
            "{db}"
        );
        assert!(store.session(&other.token).await.unwrap().is_some(), "{db}");
    }
}

/// Moving from address to address with one stolen session buys no more guesses than the
/// session's own allowance ([`LoginLimits::address`] across addresses).
#[tokio::test]
async fn a_stolen_session_cannot_guess_from_address_after_address() {
    for (db, store) in stores().await {
        let (_, sarah) = people(&store).await;
        let store = store.with_login_limits(LoginLimits {
            address: 8,
            ..LoginLimits::default()
        });
        let stolen = store.create_session(&sarah).await.unwrap();
        let thief = Credential::Session(&stolen.token);
        let mut checked = 0;
        for i in 0..20 {
            match store
                .change_password(
                    &sarah,
                    "guess",
                    "thief's new password",
                    thief,
                    &format!("203.0.113.{i}"),
                )
                .await
            {
                Err(LoginError::RateLimited { .. }) => {}
                Err(LoginError::Store(_)) => checked += 1,
                other => panic!("{db}: {other:?}"),
            }
        }
        assert_eq!(checked, 8, "{db}");
    }
}

/// Thirty failures at made-up addresses from the administrator's network address (an office
/// behind one NAT, or every client behind a proxy whose header is not trusted) locked the
/// administrator out of it, right password and all. A device that has logged in before
/// carries a signed cookie, and from it the administrator gets in.
#[tokio::test]
async fn a_known_device_logs_in_while_its_address_is_limited() {
    for (db, store) in stores().await {
        let (admin, _) = people(&store).await;
        let device = store.device_cookie(&admin).await.unwrap();
        let office = "192.0.2.1";
        for i in 0..MAX_CLIENT_FAILURES {
            let e = store
                .login(&format!("made-up-{i}@example.com"), "guess", office)
                .await
                .unwrap_err();
            assert!(matches!(e, LoginError::Invalid), "{db}: {e}");
        }
        // A new device at the office is refused, right password and all ...
        let e = store
            .login("admin@example.com", "admin password 1", office)
            .await
            .unwrap_err();
        assert!(matches!(e, LoginError::RateLimited { .. }), "{db}: {e}");
        // ... the administrator's own device is not.
        let ok = store
            .login_from(
                "admin@example.com",
                "admin password 1",
                office,
                Some(&device),
            )
            .await
            .unwrap();
        assert_eq!(ok.id, admin.id, "{db}");
        // A cookie of another account, or a forged one, is no known device of this one.
        let sarah = store
            .user_by_email("sarah@example.com")
            .await
            .unwrap()
            .unwrap();
        let hers = store.device_cookie(&sarah).await.unwrap();
        // Its last character changed (to `0`, or to `1` when it is `0`: one cookie in sixteen
        // ends in `0`, and "forging" it so left it valid).
        let last = if device.ends_with('0') { '1' } else { '0' };
        let forged = format!("{}{last}", &device[..device.len() - 1]);
        assert_ne!(forged, device);
        for cookie in [hers.as_str(), forged.as_str(), "sxd1.1.0.0.x.00"] {
            let e = store
                .login_from(
                    "admin@example.com",
                    "admin password 1",
                    office,
                    Some(cookie),
                )
                .await
                .unwrap_err();
            assert!(matches!(e, LoginError::RateLimited { .. }), "{db}: {e}");
        }
    }
}

/// A stolen device cookie is no skeleton key: wrong passwords from a known device count
/// against that device, which backs off like any client.
#[tokio::test]
async fn wrong_passwords_from_a_known_device_count_against_it() {
    for (db, store) in stores().await {
        let (_, sarah) = people(&store).await;
        let device = store.device_cookie(&sarah).await.unwrap();
        for i in 0..MAX_DEVICE_FAILURES {
            let e = store
                .login_from(
                    "sarah@example.com",
                    "guess",
                    &format!("203.0.113.{i}"),
                    Some(&device),
                )
                .await
                .unwrap_err();
            assert!(matches!(e, LoginError::Invalid), "{db}: {e}");
        }
        let e = store
            .login_from(
                "sarah@example.com",
                "sarah password 1",
                "203.0.113.99",
                Some(&device),
            )
            .await
            .unwrap_err();
        let LoginError::RateLimited { retry_after } = e else {
            panic!("{db}: {e}")
        };
        assert!(
            (1..=FIRST_BACKOFF).contains(&retry_after),
            "{db}: {retry_after}"
        );
        // Sarah elsewhere, on no known device, is not concerned.
        store
            .login("sarah@example.com", "sarah password 1", "198.51.100.1")
            .await
            .unwrap();
    }
}

/// There was no cap per account: 20 addresses with 5 guesses each had 100 passwords checked
/// in seconds. Now an account allows [`MAX_ACCOUNT_FAILURES`] from everywhere together, then
/// backs off; its owner's known device is exempt.
#[tokio::test]
async fn an_account_has_a_cap_across_addresses_that_its_known_device_is_exempt_from() {
    for (db, store) in stores().await {
        let (_, sarah) = people(&store).await;
        let device = store.device_cookie(&sarah).await.unwrap();
        let mut checked = 0;
        for a in 0..20 {
            for g in 0..5 {
                match store
                    .login(
                        "sarah@example.com",
                        &format!("guess {g}"),
                        &format!("203.0.113.{a}"),
                    )
                    .await
                {
                    Err(LoginError::Invalid) => checked += 1,
                    Err(LoginError::RateLimited { .. }) => {}
                    other => panic!("{db}: {other:?}"),
                }
            }
        }
        assert_eq!(checked, MAX_ACCOUNT_FAILURES, "{db}");
        // A new device is refused, wherever it is ...
        let e = store
            .login("sarah@example.com", "sarah password 1", "198.51.100.1")
            .await
            .unwrap_err();
        assert!(matches!(e, LoginError::RateLimited { .. }), "{db}: {e}");
        // ... Sarah's own device is not.
        store
            .login_from(
                "sarah@example.com",
                "sarah password 1",
                "198.51.100.1",
                Some(&device),
            )
            .await
            .unwrap();
    }
}

/// Under load 196 of 640 right passwords were refused: attempts still under way counted
/// against the limit as if they had failed. Only finished failures count now: 40 right
/// passwords sent at once from one address all get in.
#[tokio::test]
async fn right_passwords_sent_at_once_all_get_in() {
    for (db, store) in stores().await {
        let (_, sarah) = people(&store).await;
        let tries: Vec<_> = (0..40)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .login("sarah@example.com", "sarah password 1", "10.2.2.2")
                        .await
                })
            })
            .collect();
        for t in tries {
            let user = t.await.unwrap().unwrap_or_else(|e| panic!("{db}: {e}"));
            assert_eq!(user.id, sarah.id);
        }
    }
}

/// The limits are the operator's to set.
#[tokio::test]
async fn the_login_limits_can_be_set() {
    for (db, store) in stores().await {
        people(&store).await;
        let store = store.with_login_limits(LoginLimits {
            address: 2,
            ..LoginLimits::default()
        });
        assert_eq!(store.login_limits().address, 2);
        for i in 0..2 {
            let e = store
                .login(&format!("u{i}@example.com"), "guess", "10.3.3.3")
                .await
                .unwrap_err();
            assert!(matches!(e, LoginError::Invalid), "{db}: {e}");
        }
        let e = store
            .login("sarah@example.com", "sarah password 1", "10.3.3.3")
            .await
            .unwrap_err();
        assert!(matches!(e, LoginError::RateLimited { .. }), "{db}: {e}");
        // Zero would refuse everyone: each limit is at least 1.
        let none = store.with_login_limits(LoginLimits {
            account_address: 0,
            address: 0,
            account: 0,
            device: 0,
        });
        assert_eq!(
            none.login_limits(),
            LoginLimits {
                account_address: 1,
                address: 1,
                account: 1,
                device: 1
            }
        );
    }
}

/// Signing out everywhere ends every session and API token of the user but the one kept, and
/// retires the cookies of the user's known devices; another user's are untouched.
#[tokio::test]
async fn signing_out_everywhere_ends_everything_but_what_is_kept() {
    for (db, store) in stores().await {
        let (admin, sarah) = people(&store).await;
        let here = store.create_session(&sarah).await.unwrap();
        let there = store.create_session(&sarah).await.unwrap();
        let (_, script) = store
            .create_api_token(&sarah, "script", None)
            .await
            .unwrap();
        let (_, ci) = store.create_api_token(&sarah, "ci", None).await.unwrap();
        let device = store.device_cookie(&sarah).await.unwrap();
        let admins = store.create_session(&admin).await.unwrap();
        let done = store
            .sign_out_everywhere(&sarah, Some(Credential::Session(&here.token)))
            .await
            .unwrap();
        assert_eq!(
            done,
            SignedOut {
                sessions_ended: 1,
                tokens_revoked: 2
            },
            "{db}"
        );
        assert!(store.session(&here.token).await.unwrap().is_some(), "{db}");
        assert!(store.session(&there.token).await.unwrap().is_none(), "{db}");
        assert!(store.token_user(&script).await.unwrap().is_none(), "{db}");
        assert!(store.token_user(&ci).await.unwrap().is_none(), "{db}");
        assert!(
            store.session(&admins.token).await.unwrap().is_some(),
            "{db}"
        );
        // The device cookie given before is retired: at an address that is backing off it is
        // refused like any new device, where a cookie given since gets in.
        let strict = store.clone().with_login_limits(LoginLimits {
            address: 1,
            ..LoginLimits::default()
        });
        strict
            .login("nobody@example.com", "guess", "10.4.4.4")
            .await
            .unwrap_err();
        let old = strict
            .login_from(
                "sarah@example.com",
                "sarah password 1",
                "10.4.4.4",
                Some(&device),
            )
            .await;
        assert!(
            matches!(old, Err(LoginError::RateLimited { .. })),
            "{db}: {old:?}"
        );
        let new = store.device_cookie(&sarah).await.unwrap();
        strict
            .login_from(
                "sarah@example.com",
                "sarah password 1",
                "10.4.4.4",
                Some(&new),
            )
            .await
            .unwrap();
        // Keeping an API token instead; then nothing kept.
        let (kept2, ci2) = store.create_api_token(&sarah, "ci", None).await.unwrap();
        let (owner, id) = store.token_owner(&ci2).await.unwrap().unwrap();
        assert_eq!((owner.id, id), (sarah.id, kept2.id));
        let done = store
            .sign_out_everywhere(&sarah, Some(Credential::Token(kept2.id)))
            .await
            .unwrap();
        assert_eq!(done.sessions_ended, 1, "{db}");
        assert!(store.token_user(&ci2).await.unwrap().is_some(), "{db}");
        let done = store.sign_out_everywhere(&sarah, None).await.unwrap();
        assert_eq!(
            done,
            SignedOut {
                sessions_ended: 0,
                tokens_revoked: 1
            },
            "{db}"
        );
        assert!(store.token_user(&ci2).await.unwrap().is_none(), "{db}");
    }
}

#[tokio::test]
async fn api_tokens_can_expire() {
    for (db, store) in stores().await {
        let (_, sarah) = people(&store).await;
        let (token, secret) = store
            .create_api_token(&sarah, "a week", Some(7))
            .await
            .unwrap();
        assert!(token.expires_at.is_some(), "{db}");
        assert!(store.token_user(&secret).await.unwrap().is_some(), "{db}");
        for days in [0, -1, sextant_store::MAX_TOKEN_DAYS + 1] {
            let e = store
                .create_api_token(&sarah, "bad", Some(days))
                .await
                .unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("expires_in_days: expected a number of days from 1 to 3650, found {days}")
            );
        }
        let (_, forever) = store.create_api_token(&sarah, "cron", None).await.unwrap();
        assert!(store.token_user(&forever).await.unwrap().is_some(), "{db}");
    }
}

#[tokio::test]
async fn an_invited_person_sets_a_password_and_sees_the_organisation() {
    for (db, store) in stores().await {
        let (admin, scope) = corner(&store).await;
        let MemberChange::Invited { invitation, token } = store
            .set_member(&scope, "jo@example.com", Role::Editor)
            .await
            .unwrap()
        else {
            panic!("{db}: not invited")
        };
        assert_eq!(invitation.email, "jo@example.com");
        assert!(!invitation.expired);
        // No account, no access before accepting.
        assert!(store.login("jo@example.com", "", "c").await.is_err());
        assert_eq!(
            store
                .members(&scope, Default::default())
                .await
                .unwrap()
                .total,
            1
        );
        assert_eq!(store.invitations(&scope).await.unwrap().len(), 1);
        let e = store
            .accept_invitation(&token, " ", "jo's long password", "c")
            .await
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "name: expected your name, found an empty string"
        );
        let (jo, slug) = store
            .accept_invitation(&token, "Jo", "jo's long password", "c")
            .await
            .unwrap();
        assert_eq!(slug, "corner", "{db}");
        assert!(!jo.is_admin);
        let e = store
            .accept_invitation(&token, "Jo", "jo's long password", "c")
            .await
            .unwrap_err();
        assert!(
            e.to_string().starts_with("invitation (it may have expired"),
            "{db}: {e}"
        );
        assert!(store.invitations(&scope).await.unwrap().is_empty());
        let jo = store
            .login("jo@example.com", "jo's long password", "c")
            .await
            .unwrap();
        assert_eq!(
            store.scope(&jo, "corner").await.unwrap().role(),
            Role::Editor
        );
        // A member's role changes at once.
        let MemberChange::Updated(m) = store
            .set_member(&scope, "jo@example.com", Role::Viewer)
            .await
            .unwrap()
        else {
            panic!("{db}: a member was invited again")
        };
        assert_eq!(m.role, Role::Viewer);
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
            [
                ("delete", "jo@example.com"),
                ("update", "jo@example.com"),
                ("create", "jo@example.com"),
                ("invite", "jo@example.com"),
            ],
            "{db}"
        );
        assert_eq!(h.items[0].user.as_deref(), Some("admin@example.com"));
        assert_eq!(h.items[0].before.as_ref().unwrap()["role"], "viewer");
        assert_eq!(h.items[2].user.as_deref(), Some("jo@example.com"));
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

/// The takeover found by trying it: B's owner invites an address, removes the member, and
/// keeps the token; A's owner then adds the same address. B's token must not open A's
/// organisation, nor any account, and A's owner must not learn that the address has an
/// account. Invitations belong to one organisation and address, die with the membership,
/// expire, and an existing account accepts only with its own password.
#[tokio::test]
async fn an_invitation_opens_its_own_organisation_only() {
    for (db, store) in stores().await {
        let (admin, a) = corner(&store).await;
        store.create_org(&admin, "other", "Other").await.unwrap();
        // Mallory owns B.
        let b_admin = store.scope(&admin, "other").await.unwrap();
        let mallory = join(
            &store,
            &b_admin,
            "mallory@example.com",
            Role::Owner,
            "mallory password",
        )
        .await;
        let b = store.scope(&mallory, "other").await.unwrap();
        // B's owner invites the victim's address, and keeps the token.
        let MemberChange::Invited { token: b_token, .. } = store
            .set_member(&b, "victim@example.com", Role::Viewer)
            .await
            .unwrap()
        else {
            panic!("{db}")
        };
        // A's owner adds the victim: an invitation, whether or not an account exists.
        let MemberChange::Invited {
            token: a_token,
            invitation,
        } = store
            .set_member(&a, "victim@example.com", Role::Editor)
            .await
            .unwrap()
        else {
            panic!("{db}")
        };
        assert_eq!(invitation.role, Role::Editor);
        // B's token, used by B's owner, makes an account in B only.
        let (squatter, slug) = store
            .accept_invitation(&b_token, "Victim", "mallory password", "m")
            .await
            .unwrap();
        assert_eq!(slug, "other", "{db}");
        assert!(
            store.scope(&squatter, "corner").await.is_err(),
            "{db}: B's token opened A"
        );
        // A's invitation, accepted by someone without the account's password, opens nothing.
        let e = store
            .accept_invitation(&a_token, "Victim", "another password", "v")
            .await
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "password: victim@example.com has an account already: expected its password, found another",
            "{db}"
        );
        assert!(store.scope(&squatter, "corner").await.is_err(), "{db}");
        // Nor does B's owner, who knows the squatted account's password, get into A: A's
        // token went to the victim only.
        assert_eq!(
            store.members(&a, Default::default()).await.unwrap().total,
            1,
            "{db}"
        );
    }
}

/// The inviting owner learnt who has an account: accepting with an empty name answered
/// "password: ... has an account already" for an existing address and "name: expected your
/// name" for an unknown one. Every refused field now answers the same either way, checked
/// before the account is looked up, and spends nothing: both tokens work afterwards.
#[tokio::test]
async fn a_refused_form_answers_the_same_whether_or_not_the_address_has_an_account() {
    for (db, store) in stores().await {
        let (_, a) = corner(&store).await;
        let mut tokens = Vec::new();
        for email in ["sarah@example.com", "nobody@example.com"] {
            let MemberChange::Invited { token, .. } =
                store.set_member(&a, email, Role::Viewer).await.unwrap()
            else {
                panic!("{db}: {email} not invited")
            };
            tokens.push(token);
        }
        for (name, password, expected) in [
            (
                "",
                "not her password",
                "name: expected your name, found an empty string",
            ),
            (
                "  ",
                "sarah password 1",
                "name: expected your name, found an empty string",
            ),
            (
                "Sa\0rah",
                "not her password",
                "name: expected text without NUL bytes, found one at character 3",
            ),
            (
                "Sarah",
                "short",
                "password: expected at least 10 characters, found 5",
            ),
        ] {
            let answers: Vec<String> = answers_of(&store, &tokens, name, password).await;
            assert_eq!(answers, [expected, expected], "{db}: {name:?} {password:?}");
        }
        // Nothing was spent: both join.
        let (sarah, _) = store
            .accept_invitation(&tokens[0], "Someone Else", "sarah password 1", "c")
            .await
            .unwrap();
        assert_eq!(
            sarah.name, "Sarah",
            "{db}: an existing account keeps its name"
        );
        let (nobody, _) = store
            .accept_invitation(&tokens[1], "Nobody", "nobody's password", "c")
            .await
            .unwrap();
        assert_eq!(nobody.name, "Nobody", "{db}");
        assert_eq!(
            store.members(&a, Default::default()).await.unwrap().total,
            3,
            "{db}"
        );
    }
}

/// Each token's answer to accepting with `name` and `password`, in order.
async fn answers_of(store: &Store, tokens: &[String], name: &str, password: &str) -> Vec<String> {
    let mut out = Vec::new();
    for t in tokens {
        let e = store
            .accept_invitation(t, name, password, "c")
            .await
            .map(|_| ())
            .unwrap_err();
        out.push(e.to_string());
    }
    out
}

#[tokio::test]
async fn invitations_are_reissued_revoked_and_killed_by_removal() {
    for (db, store) in stores().await {
        let (_, a) = corner(&store).await;
        let MemberChange::Invited { token: first, .. } = store
            .set_member(&a, "jo@example.com", Role::Viewer)
            .await
            .unwrap()
        else {
            panic!("{db}")
        };
        // Re-issued: the first token dies, the second works.
        let MemberChange::Invited {
            token: second,
            invitation,
        } = store
            .set_member(&a, "jo@example.com", Role::Editor)
            .await
            .unwrap()
        else {
            panic!("{db}")
        };
        assert!(
            store
                .accept_invitation(&first, "Jo", "jo's long password", "c")
                .await
                .is_err(),
            "{db}"
        );
        // Revoked: the token dies.
        store.revoke_invitation(&a, invitation.id).await.unwrap();
        assert!(
            store
                .accept_invitation(&second, "Jo", "jo's long password", "c")
                .await
                .is_err(),
            "{db}"
        );
        let e = store
            .revoke_invitation(&a, invitation.id)
            .await
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("invitation {} not found", invitation.id)
        );
        // Removed member: an invitation pending for the address dies too.
        let jo = join(
            &store,
            &a,
            "jo@example.com",
            Role::Editor,
            "jo's long password",
        )
        .await;
        let MemberChange::Updated(_) = store
            .set_member(&a, "jo@example.com", Role::Viewer)
            .await
            .unwrap()
        else {
            panic!("{db}")
        };
        store.remove_member(&a, jo.id).await.unwrap();
        assert!(store.invitations(&a).await.unwrap().is_empty(), "{db}");
        // Expired: refused like an unknown token.
        let MemberChange::Invited { token, .. } = store
            .set_member(&a, "kim@example.com", Role::Viewer)
            .await
            .unwrap()
        else {
            panic!("{db}")
        };
        store.expire_invitations_for_tests(&a).await.unwrap();
        let e = store
            .accept_invitation(&token, "Kim", "kim's long password", "c")
            .await
            .unwrap_err();
        assert!(
            e.to_string().starts_with("invitation (it may have expired"),
            "{db}: {e}"
        );
        let listed = store.invitations(&a).await.unwrap();
        assert!(listed[0].expired, "{db}");
    }
}

/// A backup of schema 1 held invitations as accounts without a password; restored, they
/// become expired invitations to the organisations they were members of (which an owner
/// re-issues), as migration 0002 does for a database, and no such account remains to be
/// claimed.
#[tokio::test]
async fn a_schema_1_backup_restores_pending_accounts_as_expired_invitations() {
    for (db, store) in stores().await {
        let backup = [
            r#"{"sextant_backup": 1, "schema": 1, "tables": []}"#,
            r#"{"table": "users", "row": {"id": 1, "email": "owner@example.com", "name": "Owner", "password_hash": "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$W2YtZWVGiVJ4k8MkVbuZlAe4JX5N6n5tJvyQNzK0C5s", "is_admin": 1, "created_at": 1}}"#,
            r#"{"table": "users", "row": {"id": 2, "email": "pending@example.com", "name": "", "password_hash": null, "is_admin": 0, "created_at": 2}}"#,
            r#"{"table": "invitations", "row": {"token_hash": "ab", "user_id": 2, "created_at": 2}}"#,
            r#"{"table": "organizations", "row": {"id": 1, "slug": "corner", "name": "Corner", "plan_version": 0, "created_at": 1}}"#,
            r#"{"table": "memberships", "row": {"org_id": 1, "user_id": 1, "role": "owner"}}"#,
            r#"{"table": "memberships", "row": {"org_id": 1, "user_id": 2, "role": "editor"}}"#,
        ]
        .join("\n");
        store.restore(&mut backup.as_bytes()).await.unwrap();
        assert!(
            !store.has_user("pending@example.com").await.unwrap(),
            "{db}"
        );
        let owner = sextant_store::User {
            id: 1,
            email: "owner@example.com".into(),
            name: "Owner".into(),
            is_admin: true,
        };
        let scope = store.scope(&owner, "corner").await.unwrap();
        assert_eq!(
            store
                .members(&scope, Default::default())
                .await
                .unwrap()
                .total,
            1
        );
        let invitations = store.invitations(&scope).await.unwrap();
        assert_eq!(invitations.len(), 1, "{db}");
        assert_eq!(invitations[0].email, "pending@example.com");
        assert_eq!(invitations[0].role, Role::Editor);
        assert!(invitations[0].expired);
        // Re-issued, it works.
        let MemberChange::Invited { token, .. } = store
            .set_member(&scope, "pending@example.com", Role::Editor)
            .await
            .unwrap()
        else {
            panic!("{db}")
        };
        store
            .accept_invitation(&token, "Pat", "pat's long password", "c")
            .await
            .unwrap();
    }
}

/// The SQLite files as SQLite itself leaves them, through the store (not only the helper on
/// files made by hand): a local user read every organisation's data and the password hashes
/// from a database created 0644 in a 0755 directory. Created: the directory 0700, the
/// database and the `-wal` and `-shm` files SQLite writes beside it 0600. An existing database
/// left readable by others is narrowed when the store opens it again.
#[tokio::test]
async fn the_sqlite_database_and_its_companion_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let root = std::env::temp_dir().join(format!("sextant-modes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let dir = root.join("data");
    let db = dir.join("db.sqlite");
    let url = format!("sqlite://{}", db.display());
    let store = Store::open(&url).await.unwrap();
    // Writes, so that SQLite has its write-ahead log and shared memory files.
    people(&store).await;
    let companion = |suffix: &str| {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        std::path::PathBuf::from(name)
    };
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&db), 0o600);
    for suffix in ["-wal", "-shm"] {
        let f = companion(suffix);
        assert!(f.exists(), "{} exists while the store is open", f.display());
        assert_eq!(mode(&f), 0o600, "{suffix}");
    }
    store.close().await;
    // Widened by someone else, narrowed at the next start.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let store = Store::open(&url).await.unwrap();
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(&dir), 0o700);
    store.close().await;
    let _ = std::fs::remove_dir_all(&root);
}
