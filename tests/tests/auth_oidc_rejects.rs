//! Every ID token that must not sign anyone in, from a real third-party OpenID Connect server
//! (oidc-provider, tests/oidc/server.mjs) told to spoil its answers one way at a time: each row
//! must end in `sign_in_rejected`, with nothing in the keychain and no account recorded.
//! Except for a tampered signature and `alg: none`, the spoiled tokens carry a valid signature,
//! so only the check the row names can catch them.

mod auth_oidc_common;

use std::sync::Arc;

use auth_oidc_common::OidcServer;
use pfrm_core::auth::store::{MemoryStore, TokenVault};
use pfrm_core::auth::{AccountManager, DeviceCodePrompt};
use pfrm_core::ErrorCode;
use tokio_util::sync::CancellationToken;

enum Flow {
    Browser,
    DeviceCode,
}

/// Signs in against a server with `OIDC_TAMPER=mode`; asserts the rejection and that nothing was
/// stored.
async fn assert_rejected(mode: &str, flow: Flow, check: &str) {
    if !auth_oidc_common::available() {
        return;
    }
    let server = OidcServer::start(&[("OIDC_TAMPER", mode)]);
    let store = Arc::new(MemoryStore::new());
    let settings = server.dir.path().join("config").join("settings.json");
    let manager = AccountManager::new(
        server.cloud(),
        settings.clone(),
        TokenVault::new(store.clone()),
        server.browser("alice@example.test"),
    )
    .unwrap();
    let result = match flow {
        Flow::Browser => {
            manager
                .sign_in_with_browser(None, &CancellationToken::new())
                .await
        }
        Flow::DeviceCode => {
            let (sender, receiver) = std::sync::mpsc::channel::<DeviceCodePrompt>();
            let approver = {
                let ca = server.ca.clone();
                std::thread::spawn(move || {
                    let prompt = receiver.recv().unwrap();
                    auth_oidc_common::complete_device_code(
                        &ca,
                        &prompt.verification_uri,
                        &prompt.user_code,
                        "bob@example.test",
                    );
                })
            };
            let on_prompt = move |prompt| {
                let _ = sender.send(prompt);
            };
            let result = manager
                .sign_in_with_device_code(None, &on_prompt, &CancellationToken::new())
                .await;
            approver.join().unwrap();
            result
        }
    };
    let error = result.expect_err("a spoiled sign-in answer was accepted");
    assert_eq!(error.code, ErrorCode::SignInRejected, "{error:?}");
    assert_eq!(
        error.details.as_ref().and_then(|d| d.get("check")),
        Some(&serde_json::json!(check)),
        "{error:?}"
    );
    assert!(error.remedy.is_some());
    assert_eq!(
        store.keys().len(),
        0,
        "keychain items after a rejected sign-in"
    );
    assert!(manager.accounts().await.is_empty());
    let settings_text = std::fs::read_to_string(&settings).unwrap_or_default();
    assert!(
        !settings_text.contains("example.test"),
        "an account was recorded: {settings_text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_tampered_signature_is_rejected() {
    assert_rejected("signature", Flow::Browser, "signature").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_alg_none_is_rejected() {
    assert_rejected("alg-none", Flow::Browser, "malformed_or_unsigned").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_wrong_issuer_is_rejected() {
    assert_rejected("issuer", Flow::Browser, "issuer").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_wrong_audience_is_rejected() {
    assert_rejected("audience", Flow::Browser, "audience").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_expired_token_is_rejected() {
    assert_rejected("expired", Flow::Browser, "expired").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_not_before_in_the_future_is_rejected() {
    assert_rejected("not-yet-valid", Flow::Browser, "not_yet_valid").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_missing_nonce_is_rejected() {
    assert_rejected("nonce-missing", Flow::Browser, "nonce").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_wrong_nonce_is_rejected() {
    assert_rejected("nonce-wrong", Flow::Browser, "nonce").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_forged_redirect_issuer_is_rejected() {
    assert_rejected("redirect-issuer", Flow::Browser, "redirect_issuer").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_code_tampered_signature_is_rejected() {
    assert_rejected("signature", Flow::DeviceCode, "signature").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_code_alg_none_is_rejected() {
    assert_rejected("alg-none", Flow::DeviceCode, "malformed_or_unsigned").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_code_wrong_issuer_is_rejected() {
    assert_rejected("issuer", Flow::DeviceCode, "issuer").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_code_wrong_audience_is_rejected() {
    assert_rejected("audience", Flow::DeviceCode, "audience").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_code_expired_token_is_rejected() {
    assert_rejected("expired", Flow::DeviceCode, "expired").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_code_not_before_in_the_future_is_rejected() {
    assert_rejected("not-yet-valid", Flow::DeviceCode, "not_yet_valid").await;
}
