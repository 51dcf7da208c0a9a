//! Conformance against a third-party, OpenID-certified server: the npm package `oidc-provider`
//! on loopback HTTPS (tests/oidc/server.mjs) with PKCE required, refresh-token rotation and the
//! device flow. pfrm's sign-in runs unchanged; only the cloud config points at this server.
//!
//! Needs `node`, `npm`, `openssl` and `curl`. Without node it skips with a reason, unless
//! `PFRM_REQUIRE_OIDC` is set, in which case it fails.

mod auth_oidc_common;

use std::sync::Arc;

use auth_oidc_common::{complete_device_code, OidcServer};
use azure_core::credentials::TokenRequestOptions;
use pfrm_core::auth::browser::SystemBrowser;
use pfrm_core::auth::oauth::{Authority, HttpTokenEndpoint, TokenEndpoint};
use pfrm_core::auth::store::{MemoryStore, TokenVault};
use pfrm_core::auth::{identity_http_client, AccountManager, DeviceCodePrompt, SignInMethod};
use pfrm_core::http::TokenRefreshHint;
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "the scripted browser (a shell script) is reached through xdg-open, the only opener that honours $BROWSER"
)]
async fn browser_device_code_and_refresh_work_against_oidc_provider() {
    if !auth_oidc_common::available() {
        return;
    }
    // Registered like a client following RFC 8252 §7.3 (the loopback literal only), with no
    // `select_account` among the server's `prompt_values_supported`.
    let server = OidcServer::start(&[("OIDC_REDIRECT_URIS", "http://127.0.0.1")]);
    let cloud = server.cloud();
    let dir = tempfile::tempdir().unwrap();

    // The system browser path: xdg-open → $BROWSER (a curl script driving the server's pages).
    let log = server.browser_log();
    for (key, value) in server.browser_env("alice@example.test") {
        std::env::set_var(key, value);
    }
    std::env::remove_var("XDG_CURRENT_DESKTOP");
    std::env::remove_var("DISPLAY");

    let store = Arc::new(MemoryStore::new());
    let manager = AccountManager::new(
        cloud.clone(),
        dir.path().join("settings.json"),
        TokenVault::new(store.clone()),
        Arc::new(SystemBrowser),
    )
    .unwrap();
    let alice = manager
        .sign_in_with_browser(None, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(alice.username, "alice@example.test");
    assert_eq!(
        alice.display_name.as_deref(),
        Some("User alice@example.test")
    );
    let opened = std::fs::read_to_string(&log).unwrap();
    assert!(opened.contains("code_challenge_method=S256"));
    assert!(
        opened.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A"),
        "{opened}"
    );
    assert!(
        !opened.contains("prompt="),
        "a prompt the server does not list: {opened}"
    );
    let key = store.keys()[0].clone();
    let first_refresh_token = store.raw(&key).unwrap();

    // Refresh (forced, as after a 401): a new access token and a rotated refresh token.
    let credential = manager.credential(&alice.id).unwrap();
    let scope = cloud.arm_scope();
    let forced = || TokenRequestOptions {
        method_options: azure_core::http::ClientMethodOptions {
            context: azure_core::http::Context::new().with_value(TokenRefreshHint {
                force_refresh: true,
                claims: None,
            }),
        },
    };
    let first = credential.get_token(&[scope.as_str()], None).await.unwrap();
    let refreshed = credential
        .get_token(&[scope.as_str()], Some(forced()))
        .await
        .unwrap();
    assert_ne!(first.token.secret(), refreshed.token.secret());
    let rotated = store.raw(&key).unwrap();
    assert_ne!(
        rotated, first_refresh_token,
        "the server rotated the refresh token"
    );
    let endpoint = HttpTokenEndpoint::new(
        Authority::new(cloud.authority_host.clone(), cloud.client_id.clone()).unwrap(),
        identity_http_client(&cloud).unwrap(),
    );
    let replay = endpoint
        .refresh(
            "organizations",
            &first_refresh_token,
            std::slice::from_ref(&scope),
        )
        .await;
    assert_eq!(replay.unwrap_err().oauth_code(), Some("invalid_grant"));

    // Device code: the prompt goes to a "second device" that enters the code and signs in as Bob.
    let device_ca = server.ca.clone();
    let on_prompt = move |prompt: DeviceCodePrompt| {
        let ca = device_ca.clone();
        std::thread::spawn(move || {
            complete_device_code(
                &ca,
                &prompt.verification_uri,
                &prompt.user_code,
                "bob@example.test",
            );
        });
    };
    let bob = manager
        .sign_in_with_device_code(None, &on_prompt, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(bob.username, "bob@example.test");
    assert_eq!(bob.method, SignInMethod::DeviceCode);
    assert_eq!(manager.accounts().await.len(), 2);
    let token = manager
        .credential(&bob.id)
        .unwrap()
        .get_token(&[scope.as_str()], None)
        .await
        .unwrap();
    assert!(!token.token.secret().is_empty());
}
