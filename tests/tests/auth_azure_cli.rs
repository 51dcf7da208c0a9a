//! Azure CLI sign-in with a stand-in `az` on PATH that hands out emulator-issued tokens: the
//! real `azure_identity::AzureCliCredential` runs it, pfrm caches the tokens in memory, and ARM
//! accepts them. (This binary changes PATH, so it holds only these tests.)

mod auth_common;

use std::sync::Arc;

use auth_common::{Env, ScriptedBrowser, UserAction, ALICE};
use pfrm_core::auth::store::{MemoryStore, TokenVault};
use pfrm_core::auth::{AccountManager, SignInMethod};
use pfrm_core::ErrorCode;
use pfrm_tests::{az_token_json, path_with, write_fake_az, write_signed_out_az};

fn install_fake_az(dir: &std::path::Path, token: &str, count_file: &std::path::Path, fail: bool) {
    let bin = dir.join(if fail { "bin-signed-out" } else { "bin" });
    if fail {
        write_signed_out_az(&bin);
    } else {
        write_fake_az(&bin, &az_token_json(token), Some(count_file));
    }
    // Safety of set_var: this test binary runs one test that touches PATH before any thread reads it.
    std::env::set_var("PATH", path_with(&bin));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn azure_cli_sign_in_reuses_az_login_and_caches_tokens() {
    let env = Env::start().await;
    let token = env
        .emulator
        .issue_access_token(ALICE, &env.cloud.arm_scope())
        .unwrap();
    let count_file = env.dir.path().join("az-calls.log");
    install_fake_az(env.dir.path(), &token, &count_file, false);

    let store = Arc::new(MemoryStore::new());
    let manager = AccountManager::new(
        env.cloud.clone(),
        env.settings_path(),
        TokenVault::new(store.clone()),
        ScriptedBrowser::new(&env, UserAction::Ignore),
    )
    .unwrap();
    let account = manager.sign_in_with_azure_cli(None).await.unwrap();
    assert_eq!(account.username, ALICE);
    assert_eq!(account.method, SignInMethod::AzureCli);
    assert_eq!(account.tenant_id, env.tenant());
    assert!(
        store.keys().is_empty(),
        "nothing of the CLI's goes to pfrm's keychain"
    );

    // ARM accepts the CLI's token; repeated calls reuse the cached token.
    for _ in 0..3 {
        let tenants = manager.list_tenants(&account.id).await.unwrap();
        assert!(tenants.iter().any(|t| t.tenant_id == env.tenant()));
    }
    let calls = std::fs::read_to_string(&count_file).unwrap();
    assert_eq!(calls.lines().count(), 1, "az ran once: {calls}");
    assert!(calls.contains("account get-access-token"));

    // When az is not signed in, the user is told to run `az login`.
    install_fake_az(env.dir.path(), "", &count_file, true);
    let fresh = AccountManager::new(
        env.cloud.clone(),
        env.dir.path().join("other-settings.json"),
        TokenVault::new(Arc::new(MemoryStore::new())),
        ScriptedBrowser::new(&env, UserAction::Ignore),
    )
    .unwrap();
    let error = fresh.sign_in_with_azure_cli(None).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::SignInRequired);
    assert!(error.remedy.unwrap().contains("az login"));
}
