//! `sextant account`: the operator's changes to an account from the server's machine, for when
//! no administrator can sign in (a lost phone): the second factor turned off, a firm
//! administrator made; an unknown address refused.

#![allow(clippy::unwrap_used)]

use super::{sextant, stderr, stdout};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operator_turns_a_second_factor_off_and_makes_a_firm_administrator() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("sextant.db").display());
    let store = sextant_store::Store::open(&url).await.unwrap();
    let jo = store
        .create_user("jo@example.com", "Jo", "a long test password", true)
        .await
        .unwrap();
    let setup = store.start_two_factor(&jo).await.unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    store
        .confirm_two_factor(&jo, &sextant_store::code_for(&setup.key, now).unwrap(), now)
        .await
        .unwrap();
    let out = sextant(&[
        "account",
        "Jo@example.com",
        "--database",
        &url,
        "--two-factor-off",
        "--sees-all",
        "true",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "jo@example.com (Jo): second factor off, firm administrator (sees every organisation)\n"
    );
    assert!(!store.two_factor(&jo).await.unwrap().on);
    assert!(store.sees_all(&jo).await.unwrap());
    let out = sextant(&["account", "ghost@example.com", "--database", &url]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "account `ghost@example.com` not found: expected the e-mail address of an account of this installation"
        ),
        "{}",
        stderr(&out)
    );
}
