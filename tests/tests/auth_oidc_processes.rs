//! Several pfrm processes sharing one sign-in, against a real third-party OpenID Connect server
//! (oidc-provider, tests/oidc/server.mjs) that rotates refresh tokens and revokes the whole grant
//! when a spent one comes back: ten `pfrm` commands started at once plus the app refreshing at
//! the same moment must all succeed and leave exactly one live refresh token. Then the account
//! state must tell the truth when the keychain entry is gone, or was never written.

mod auth_oidc_common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use auth_oidc_common::OidcServer;
use azure_core::credentials::TokenRequestOptions;
use pfrm_core::auth::store::{KeychainStore, SecretStore, TokenVault};
use pfrm_core::auth::{AccountManager, SignInState};
use pfrm_core::http::TokenRefreshHint;
use pfrm_tests::output::text;
use pfrm_tests::pfrm_binary;

const ALICE: &str = "alice@example.test";

fn keychain_usable() -> bool {
    KeychainStore::open("pfrm-test-probe")
        .and_then(|store| {
            store
                .set("probe", &"p".into())
                .and_then(|_| store.delete("probe"))
        })
        .is_ok()
}

fn pfrm(server: &OidcServer, config_dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(pfrm_binary());
    command
        .args(args)
        .env("PFRM_CONFIG_DIR", config_dir)
        .env("PFRM_LOG", "info")
        .env_remove("PFRM_CLOUD")
        .env_remove("PFRM_CLOUD_CONFIG")
        .env_remove("XDG_CURRENT_DESKTOP")
        .env_remove("DISPLAY")
        .stdin(Stdio::null());
    for (key, value) in server.browser_env(ALICE) {
        command.env(key, value);
    }
    command
}

fn login(server: &OidcServer, config_dir: &Path, extra_env: &[(&str, &str)]) -> Output {
    let cloud_file = server.cloud_file();
    let mut command = pfrm(
        server,
        config_dir,
        &[
            "--cloud",
            "custom",
            "--cloud-config",
            cloud_file.to_str().unwrap(),
            "login",
            "--browser",
        ],
    );
    for (key, value) in extra_env {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn accounts_json(
    server: &OidcServer,
    config_dir: &Path,
    extra_env: &[(&str, &str)],
) -> serde_json::Value {
    let mut command = pfrm(server, config_dir, &["account", "list", "--json"]);
    for (key, value) in extra_env {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    assert!(output.status.success(), "{}", text(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn forced() -> TokenRequestOptions<'static> {
    TokenRequestOptions {
        method_options: azure_core::http::ClientMethodOptions {
            context: azure_core::http::Context::new().with_value(TokenRefreshHint {
                force_refresh: true,
                claims: None,
            }),
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_commands_and_the_app_refresh_at_once_and_all_succeed() {
    if !auth_oidc_common::available() {
        return;
    }
    if !tokio::task::spawn_blocking(keychain_usable).await.unwrap() {
        if std::env::var_os("PFRM_REQUIRE_KEYCHAIN").is_some() {
            panic!("PFRM_REQUIRE_KEYCHAIN is set but the keychain is unusable");
        }
        eprintln!("SKIPPED: processes can share a sign-in only through a keychain");
        return;
    }
    let server = OidcServer::start(&[]);
    let config_dir: PathBuf = server.dir.path().join("config");
    let output = login(&server, &config_dir, &[]);
    assert!(output.status.success(), "{}", text(&output));

    // The app, on the same settings and keychain, with a token of its own.
    let app = AccountManager::open_with_path(server.cloud(), config_dir.join("settings.json"))
        .await
        .unwrap();
    let id = app.active_account_id().unwrap();
    let credential = app.credential(&id).unwrap();
    let scope = server.cloud().arm_scope();
    credential.get_token(&[scope.as_str()], None).await.unwrap();

    // Ten new processes (no access token yet: each must refresh) and the app's forced refresh,
    // all at the same moment.
    let mut children = Vec::new();
    for _ in 0..10 {
        children.push(
            pfrm(&server, &config_dir, &["account", "tenants", "--json"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
        );
    }
    let app_refresh = credential
        .get_token(&[scope.as_str()], Some(forced()))
        .await;
    let outputs: Vec<Output> = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|child| child.wait_with_output().unwrap())
            .collect()
    })
    .await
    .unwrap();
    let succeeded = outputs.iter().filter(|o| o.status.success()).count();
    let failures: Vec<String> = outputs
        .iter()
        .filter(|o| !o.status.success())
        .map(text)
        .collect();
    assert_eq!(succeeded, 10, "10 commands at once: {failures:#?}");
    assert!(app_refresh.is_ok(), "the app's refresh: {app_refresh:?}");

    // The grant is alive and exactly one refresh token is live: the one in the keychain.
    let state = server.state().await;
    assert_eq!(state["grants"], 1, "the grant was revoked: {state}");
    assert_eq!(state["liveRefreshTokens"], 1, "{state}");
    let output = pfrm(&server, &config_dir, &["account", "tenants", "--json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));

    // The keychain entry removed behind the app's back (another tool, the user): every view
    // says "sign in again" instead of "signed in".
    let key = format!("{}/{id}", server.cloud().name);
    TokenVault::open_system().await.remove(&key).await.unwrap();
    let accounts = accounts_json(&server, &config_dir, &[]);
    assert_eq!(accounts[0]["signedIn"], false, "{accounts}");
    let status = app.status().await;
    assert_eq!(status.state, SignInState::SignInRequired);
    assert!(!status.accounts[0].signed_in);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_memory_only_sign_in_does_not_look_signed_in_to_the_next_command() {
    if !auth_oidc_common::available() {
        return;
    }
    let server = OidcServer::start(&[]);
    let config_dir: PathBuf = server.dir.path().join("config");
    // No session bus: no keychain, so the sign-in lives in this process only.
    let no_keychain = [("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")];
    let output = login(&server, &config_dir, &no_keychain);
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("not remembered"),
        "{}",
        text(&output)
    );
    let accounts = accounts_json(&server, &config_dir, &no_keychain);
    assert_eq!(accounts[0]["signedIn"], false, "{accounts}");
}
