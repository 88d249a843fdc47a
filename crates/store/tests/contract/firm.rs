//! The consultant's firm in the store, on every backend: the second factor (set up, asked at
//! login, codes and recovery codes spent once, turned off), a firm administrator's access to
//! every organisation, the assigned consultant, the operator's changes, and a backup keeping
//! them all.

use sextant_store::{LoginError, Paging, Role, StoreError, code_for};

use crate::{corner, join, stores};

const PASSWORD: &str = "a long test password";

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn a_second_factor_is_asked_and_each_code_spent_once() {
    for (db, store) in stores().await {
        let (_, a) = corner(&store).await;
        let jo = join(&store, &a, "jo@example.com", Role::Editor, PASSWORD).await;
        let setup = store.start_two_factor(&jo).await.unwrap();
        assert!(!store.two_factor(&jo).await.unwrap().on, "{db}");
        // Not on until confirmed: the password alone still logs in.
        store.login("jo@example.com", PASSWORD, "c1").await.unwrap();
        let e = store
            .confirm_two_factor(&jo, "123456", now())
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Invalid { .. }), "{db}: {e}");
        let codes = store
            .confirm_two_factor(&jo, &code_for(&setup.key, now()).unwrap(), now())
            .await
            .unwrap();
        assert_eq!(codes.len(), 10, "{db}");
        let t = store.two_factor(&jo).await.unwrap();
        assert!(t.on && t.recovery_left == 10, "{db}");

        // The password: a challenge, no failure counted.
        let challenge = match store.login("jo@example.com", PASSWORD, "c1").await {
            Err(LoginError::CodeNeeded { challenge }) => challenge,
            other => panic!("{db}: {other:?}"),
        };
        let e = store
            .finish_login(&challenge, "000000", "c1", None)
            .await
            .unwrap_err();
        assert!(matches!(e, LoginError::BadCode), "{db}: {e:?}");
        let next = code_for(&setup.key, now() + 30).unwrap();
        let user = store
            .finish_login(&challenge, &next, "c1", None)
            .await
            .unwrap();
        assert_eq!(user.id, jo.id, "{db}");
        // The challenge is spent; the code too.
        let e = store
            .finish_login(&challenge, &next, "c1", None)
            .await
            .unwrap_err();
        assert!(matches!(e, LoginError::Expired), "{db}: {e:?}");
        let e = store
            .login_with_code("jo@example.com", PASSWORD, Some(&next), "c1", None)
            .await
            .unwrap_err();
        assert!(matches!(e, LoginError::BadCode), "{db}: {e:?}");
        // A recovery code, once.
        store
            .login_with_code("jo@example.com", PASSWORD, Some(&codes[3]), "c1", None)
            .await
            .unwrap();
        let e = store
            .login_with_code("jo@example.com", PASSWORD, Some(&codes[3]), "c1", None)
            .await
            .unwrap_err();
        assert!(matches!(e, LoginError::BadCode), "{db}: {e:?}");
        assert_eq!(
            store.two_factor(&jo).await.unwrap().recovery_left,
            9,
            "{db}"
        );
        // New codes replace the old.
        let fresh = store.new_recovery_codes(&jo).await.unwrap();
        assert!(
            !store.check_code(&jo, &codes[4], now()).await.unwrap(),
            "{db}"
        );
        assert!(
            store.check_code(&jo, &fresh[0], now()).await.unwrap(),
            "{db}"
        );

        // Turned off by someone else: refused; by the person: done.
        let other = join(&store, &a, "al@example.com", Role::Viewer, PASSWORD).await;
        assert!(store.stop_two_factor(&other, jo.id).await.is_err(), "{db}");
        store.stop_two_factor(&jo, jo.id).await.unwrap();
        store.login("jo@example.com", PASSWORD, "c1").await.unwrap();
    }
}

#[tokio::test]
async fn a_firm_administrator_sees_every_organisation_and_each_has_its_consultant() {
    for (db, store) in stores().await {
        let (admin, a) = corner(&store).await;
        let boss = store
            .create_user("boss@example.com", "Boss", PASSWORD, false)
            .await
            .unwrap();
        assert!(store.scope(&boss, "corner").await.is_err(), "{db}");
        assert_eq!(
            store.orgs_of(&boss, Paging::default()).await.unwrap().total,
            0
        );
        // Only the administrator makes one.
        assert!(
            store.set_sees_all(&boss, boss.id, true).await.is_err(),
            "{db}"
        );
        store.set_sees_all(&admin, boss.id, true).await.unwrap();
        let s = store.scope(&boss, "corner").await.unwrap();
        assert_eq!(s.role(), Role::Owner, "{db}");
        let orgs = store.orgs_of(&boss, Paging::default()).await.unwrap();
        assert_eq!((orgs.total, orgs.items[0].1), (1, Role::Owner), "{db}");

        // The consultant: a member or a firm administrator; an owner assigns.
        let e = store
            .set_consultant(&a, Some("nobody@example.com"))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Invalid { .. }), "{db}: {e}");
        let c = store
            .set_consultant(&s, Some("BOSS@example.com"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(c.id, boss.id, "{db}");
        let jo = join(&store, &a, "jo@example.com", Role::Editor, PASSWORD).await;
        let js = store.scope(&jo, "corner").await.unwrap();
        assert!(store.set_consultant(&js, None).await.is_err(), "{db}");
        assert_eq!(
            store.consultant(&js).await.unwrap().unwrap().email,
            "boss@example.com"
        );

        // The operator's changes, and a backup keeping all of it.
        let o = store
            .operate_account("boss@example.com", true, Some(false))
            .await
            .unwrap();
        assert!(!o.sees_all && !o.two_factor, "{db}");
        assert!(store.scope(&boss, "corner").await.is_err(), "{db}");
        let o = store
            .operate_account("boss@example.com", false, Some(true))
            .await
            .unwrap();
        assert!(o.sees_all, "{db}");
        let e = store
            .operate_account("ghost@example.com", true, None)
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound(_)), "{db}");
        let setup = store.start_two_factor(&jo).await.unwrap();
        store
            .confirm_two_factor(&jo, &code_for(&setup.key, now()).unwrap(), now())
            .await
            .unwrap();
        // The health history: one score a day, the last kept; read up to a day, oldest first.
        store.record_health(&a, 20_000, 40).await.unwrap();
        store.record_health(&a, 20_030, 50).await.unwrap();
        store.record_health(&a, 20_030, 55).await.unwrap();
        let h = store.health_history(&a, 20_030, 12).await.unwrap();
        assert_eq!(
            h.iter().map(|p| (p.day, p.score)).collect::<Vec<_>>(),
            [(20_000, 40), (20_030, 55)],
            "{db}"
        );
        assert_eq!(
            store.health_history(&a, 20_029, 12).await.unwrap().len(),
            1,
            "{db}"
        );
        let mut out = Vec::new();
        store.backup(&mut out).await.unwrap();
        let fresh = stores().await.into_iter().next().unwrap().1;
        fresh.restore(&mut out.as_slice()).await.unwrap();
        let s2 = fresh.scope(&boss, "corner").await.unwrap();
        assert_eq!(
            s2.role(),
            Role::Owner,
            "{db}: the firm administrator is restored"
        );
        assert_eq!(
            fresh.consultant(&s2).await.unwrap().unwrap().id,
            boss.id,
            "{db}"
        );
        let t = fresh.two_factor(&jo).await.unwrap();
        assert!(
            t.on && t.recovery_left == 10,
            "{db}: the second factor is restored"
        );
    }
}

/// A section beside the plan never grows past its cap, however its entities come: a list
/// up to the cap is kept, one more (one by one, or in a list) is refused and nothing changes;
/// changing or deleting one still works.
#[tokio::test]
async fn a_section_beside_the_plan_stops_at_its_cap_by_every_door() {
    use sextant_store::{Change, MAX_BESIDE, Section};
    let (_, store) = stores().await.into_iter().next().unwrap();
    let (_, a) = corner(&store).await;
    let asset = |k: usize| serde_json::json!({"id": format!("a{k}"), "name": format!("PC {k}"), "kind": "workstation"});
    let all: Vec<serde_json::Value> = (0..MAX_BESIDE).map(asset).collect();
    store
        .change_plan(&a, Change::Upsert(Section::Assets, all))
        .await
        .unwrap();
    let e = store
        .change_plan(&a, Change::Create(Section::Assets, asset(MAX_BESIDE)))
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "assets: at most {MAX_BESIDE} assets are kept beside a plan; this would make {}: delete some first",
            MAX_BESIDE + 1
        )
    );
    let e = store
        .change_plan(
            &a,
            Change::Upsert(Section::Assets, vec![asset(0), asset(MAX_BESIDE + 1)]),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid { .. }), "{e}");
    // Changing one and deleting one still work.
    let mut changed = asset(0);
    changed["name"] = serde_json::json!("Till");
    store
        .change_plan(&a, Change::Put(Section::Assets, "a0".into(), changed))
        .await
        .unwrap();
    store
        .change_plan(&a, Change::Delete(Section::Assets, "a1".into()))
        .await
        .unwrap();
    assert_eq!(
        store.all_entities(&a, Section::Assets).await.unwrap().len(),
        MAX_BESIDE - 1
    );
}
