//! No secret leaks: sign in, work, refresh and sign out with every log enabled, then look for
//! the tokens that were really issued (canaries) in the captured log, the files written and the
//! Debug/JSON forms of every type the GUI and CLI see.

mod auth_common;

use std::sync::Arc;
use std::time::Duration;

use auth_common::{Env, ScriptedBrowser, UserAction};
use pfrm_core::auth::store::{MemoryStore, TokenVault};
use pfrm_core::auth::AccountManager;
use pfrm_tests::captured_log::CapturedLog;
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_never_reach_logs_files_or_debug_output() {
    let captured = CapturedLog::start("trace");

    let env = Env::start().await;
    env.emulator.set_token_lifetime(Duration::from_secs(2));
    let store = Arc::new(MemoryStore::new());
    let manager = AccountManager::new(
        env.cloud.clone(),
        env.settings_path(),
        TokenVault::new(store.clone()),
        ScriptedBrowser::new(&env, UserAction::SignIn),
    )
    .unwrap();
    let account = manager
        .sign_in_with_browser(None, &CancellationToken::new())
        .await
        .unwrap();
    let key = store.keys()[0].clone();
    let mut canaries = vec![store.raw(&key).unwrap().expose().to_owned()];

    // Work, let the token expire, work again (a refresh with rotation).
    let credential = manager.credential(&account.id).unwrap();
    let scope = env.cloud.arm_scope();
    let access_token = async || {
        let token = credential.get_token(&[scope.as_str()], None).await.unwrap();
        token.token.secret().to_owned()
    };
    canaries.push(access_token().await);
    manager.list_tenants(&account.id).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    manager.list_tenants(&account.id).await.unwrap();
    canaries.push(store.raw(&key).unwrap().expose().to_owned());
    canaries.push(access_token().await);
    assert_ne!(canaries[0], canaries[2], "the refresh token rotated");

    let debug_forms = format!(
        "{manager:?}\n{credential:?}\n{:?}\n{}\n{:?}",
        manager.status().await,
        serde_json::to_string(&manager.status().await).unwrap(),
        manager.user_credential(&account.id)
    );
    manager.sign_out(&account.id).await.unwrap();
    assert!(store.keys().is_empty());

    let log = captured.text();
    assert!(
        log.contains("pfrm_core"),
        "the log captured pfrm's own events"
    );
    let mut haystacks = vec![("log".to_owned(), log), ("debug".to_owned(), debug_forms)];
    for entry in std::fs::read_dir(env.settings_path().parent().unwrap()).unwrap() {
        let path = entry.unwrap().path();
        haystacks.push((
            path.display().to_string(),
            std::fs::read_to_string(&path).unwrap(),
        ));
    }
    for canary in &canaries {
        assert!(canary.len() > 20);
        for (name, text) in &haystacks {
            assert!(
                !text.contains(canary.as_str()),
                "a token leaked into {name}"
            );
        }
    }
}
