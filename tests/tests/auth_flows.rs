//! Every sign-in flow end to end against the emulated identity platform over real HTTPS.

mod auth_common;

use std::sync::Arc;
use std::time::Duration;

use auth_common::{complete_sign_in_page, Env, ScriptedBrowser, UserAction, ALICE};
use azure_core::credentials::TokenRequestOptions;
use pfrm_core::auth::browser::{sign_in_with_browser, BrowserSignInRequest};
use pfrm_core::auth::discovery::Discovery;
use pfrm_core::auth::oauth::TokenSet;
use pfrm_core::auth::oauth::{Authority, HttpTokenEndpoint, TokenEndpoint};
use pfrm_core::auth::store::{MemoryStore, TokenVault};
use pfrm_core::auth::{
    from_azure_error, identity_http_client, AccountManager, AccountSummary, DeviceCodePrompt,
    SignInMethod, SignInState,
};
use pfrm_core::http::TokenRefreshHint;
use pfrm_core::secret::Secret;
use pfrm_core::ErrorCode;
use pfrm_emulator::EmulatorOptions;
use tokio_util::sync::CancellationToken;

/// The emulated identity platform's token endpoint, as pfrm talks to it.
fn token_endpoint(env: &Env) -> HttpTokenEndpoint {
    flow_parts(env).1
}

fn manager(env: &Env, launcher: Arc<ScriptedBrowser>) -> (AccountManager, Arc<MemoryStore>) {
    let store = Arc::new(MemoryStore::new());
    let manager = AccountManager::new(
        env.cloud.clone(),
        env.settings_path(),
        TokenVault::new(store.clone()),
        launcher,
    )
    .unwrap();
    (manager, store)
}

/// A manager (over a memory store) with Alice signed in through the browser.
async fn signed_in_as_alice(env: &Env) -> (AccountManager, Arc<MemoryStore>, AccountSummary) {
    let (manager, store) = manager(env, ScriptedBrowser::new(env, UserAction::SignIn));
    let account = manager
        .sign_in_with_browser(None, &CancellationToken::new())
        .await
        .unwrap();
    (manager, store, account)
}

/// A device code sign-in whose prompt `respond` answers as the user would on another device.
async fn device_code_sign_in(
    manager: &AccountManager,
    respond: impl AsyncFnOnce(DeviceCodePrompt),
) -> Result<AccountSummary, pfrm_core::Error> {
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let responder = async {
        let prompt: DeviceCodePrompt = receiver.recv().await.unwrap();
        respond(prompt).await;
    };
    let show = move |prompt| {
        let _ = sender.send(prompt);
    };
    let cancel = CancellationToken::new();
    let (result, ()) = tokio::join!(
        manager.sign_in_with_device_code(None, &show, &cancel),
        responder
    );
    result
}

fn arm_scope(env: &Env) -> String {
    env.cloud.arm_scope()
}

#[tokio::test]
async fn browser_sign_in_yields_an_account_whose_token_arm_accepts() {
    let env = Env::start().await;
    let browser = ScriptedBrowser::new(&env, UserAction::SignIn);
    let (manager, store) = manager(&env, browser.clone());
    assert_eq!(manager.status().await.state, SignInState::SignedOut);

    let account = manager
        .sign_in_with_browser(None, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(account.username, ALICE);
    assert_eq!(account.display_name.as_deref(), Some("Alice"));
    assert_eq!(account.tenant_id, env.tenant());
    assert_eq!(account.method, SignInMethod::Browser);
    assert!(account.is_active && account.signed_in);

    // The page opened was the authority's, with PKCE S256, state and nonce.
    let opened = browser.opened.lock().unwrap()[0].clone();
    assert_eq!(opened.host_str(), env.cloud.authority_host.host_str());
    let query: std::collections::HashMap<_, _> = opened.query_pairs().into_owned().collect();
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["code_challenge"].len(), 43);
    assert!(query["state"].len() >= 32 && query["nonce"].len() >= 32);
    // A custom cloud redirects to the loopback literal (RFC 8252 §7.3); the emulator, like
    // Entra, lists no `prompt_values_supported`, so no `prompt` is sent.
    assert!(query["redirect_uri"].starts_with("http://127.0.0.1:"));
    assert!(!query.contains_key("prompt"));

    // The refresh token went to the store; the token works against ARM through the pipeline.
    assert_eq!(store.keys().len(), 1);
    let tenants = manager.list_tenants(&account.id).await.unwrap();
    assert!(
        tenants.iter().any(|t| t.tenant_id == env.tenant()),
        "{tenants:?}"
    );

    // The settings file remembers the account, with no token in it.
    let settings = std::fs::read_to_string(env.settings_path()).unwrap();
    assert!(settings.contains(ALICE));
    let refresh_token = store.raw(&store.keys()[0]).unwrap();
    assert!(!settings.contains(refresh_token.expose()));

    // A new manager (the next app start) finds the account and gets tokens without the browser.
    let (again, _) = (
        AccountManager::new(
            env.cloud.clone(),
            env.settings_path(),
            TokenVault::new(store.clone()),
            browser.clone(),
        )
        .unwrap(),
        (),
    );
    assert_eq!(again.active_account().await.unwrap().id, account.id);
    let token = again
        .active_credential()
        .unwrap()
        .get_token(&[arm_scope(&env).as_str()], None)
        .await
        .unwrap();
    assert!(!token.token.secret().is_empty());
    assert_eq!(browser.opened.lock().unwrap().len(), 1);

    // Sign out removes the keychain entry and the record.
    again.sign_out(&account.id).await.unwrap();
    assert!(store.keys().is_empty());
    assert!(again.accounts().await.is_empty());
    assert_eq!(again.status().await.state, SignInState::SignedOut);
}

#[tokio::test]
async fn device_code_sign_in_shows_the_code_and_finishes_when_approved() {
    let env = Env::start().await;
    let (manager, _) = manager(&env, ScriptedBrowser::new(&env, UserAction::Ignore));
    let account = device_code_sign_in(&manager, async |prompt| {
        assert!(prompt.verification_uri.starts_with("https://"));
        assert!(prompt.expires_in_seconds > 0);
        tokio::time::sleep(Duration::from_millis(1500)).await;
        env.emulator
            .approve_device_code(&prompt.user_code, ALICE)
            .unwrap();
    })
    .await;
    let account = account.unwrap();
    assert_eq!(account.username, ALICE);
    assert_eq!(account.method, SignInMethod::DeviceCode);
}

#[tokio::test]
async fn device_code_denied_ends_cleanly() {
    let env = Env::start().await;
    let (manager, _) = manager(&env, ScriptedBrowser::new(&env, UserAction::Ignore));
    let result = device_code_sign_in(&manager, async |prompt| {
        env.emulator.deny_device_code(&prompt.user_code).unwrap();
    })
    .await;
    // Declined is its own outcome (exit code 13), not a Ctrl+C (130).
    let error = result.unwrap_err();
    assert_eq!(error.code, ErrorCode::SignInDeclined);
    assert_eq!(error.code.exit_code(), 13);
    assert!(manager.accounts().await.is_empty());
}

#[tokio::test]
async fn refresh_rotates_the_refresh_token_and_ten_concurrent_callers_share_one_refresh() {
    let env = Env::start().await;
    let (manager, store, account) = signed_in_as_alice(&env).await;
    let key = store.keys()[0].clone();
    let first_refresh_token = store.raw(&key).unwrap();

    // Tokens issued from now on are inside the refresh margin, so the next call must refresh.
    env.emulator.set_token_lifetime(Duration::from_secs(60));
    let credential = manager.user_credential(&account.id).unwrap();
    credential.set_tenant(&env.tenant());
    let graph = env.cloud.graph_scope();
    let before = env.token_requests();
    let mut callers = Vec::new();
    for _ in 0..12 {
        let credential = manager.credential(&account.id).unwrap();
        let scope = graph.clone();
        callers.push(tokio::spawn(async move {
            credential
                .get_token(&[scope.as_str()], None)
                .await
                .map(|t| t.token.secret().to_owned())
        }));
    }
    let mut tokens = Vec::new();
    for caller in callers {
        tokens.push(caller.await.unwrap().unwrap());
    }
    assert_eq!(
        env.token_requests() - before,
        1,
        "exactly one refresh request"
    );
    assert!(tokens.windows(2).all(|w| w[0] == w[1]));

    // The rotated refresh token was persisted, and the old one no longer works.
    let rotated = store.raw(&key).unwrap();
    assert_ne!(rotated, first_refresh_token);
    let endpoint = token_endpoint(&env);
    let replay = endpoint
        .refresh(
            &env.tenant(),
            &first_refresh_token,
            std::slice::from_ref(&graph),
        )
        .await;
    assert_eq!(replay.unwrap_err().oauth_code(), Some("invalid_grant"));
}

#[tokio::test]
async fn revocation_asks_for_sign_in_again_without_looping() {
    let env = Env::start().await;
    let (manager, store, account) = signed_in_as_alice(&env).await;
    env.emulator.revoke_refresh_tokens(ALICE).unwrap();
    let credential = manager.credential(&account.id).unwrap();
    let graph = env.cloud.graph_scope();
    let before = env.token_requests();
    for _ in 0..5 {
        let error = credential
            .get_token(&[graph.as_str()], None)
            .await
            .unwrap_err();
        assert_eq!(from_azure_error(&error).code, ErrorCode::SignInRequired);
    }
    assert_eq!(
        env.token_requests() - before,
        1,
        "one refused refresh, then no more requests"
    );
    assert_eq!(manager.status().await.state, SignInState::SignInRequired);
    assert!(!manager.active_account().await.unwrap().signed_in);
    assert!(store.keys().is_empty(), "the dead refresh token is dropped");

    // Signing in again restores the account in place.
    let again = manager
        .sign_in_with_browser(None, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(again.id, account.id);
    assert_eq!(manager.status().await.state, SignInState::SignedIn);
    let credential = manager.credential(&account.id).unwrap();
    assert!(credential.get_token(&[graph.as_str()], None).await.is_ok());
    assert_eq!(manager.accounts().await.len(), 1);
}

#[tokio::test]
async fn expired_access_tokens_are_refreshed_transparently() {
    let env = Env::start_with(EmulatorOptions {
        token_lifetime: Some(Duration::from_secs(2)),
        ..Default::default()
    })
    .await;
    let (manager, _, account) = signed_in_as_alice(&env).await;
    let before = env.token_requests();
    // The sign-in token expires in 2 s; each call must get a fresh one that ARM accepts.
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(2100)).await;
        let tenants = manager.list_tenants(&account.id).await.unwrap();
        assert!(!tenants.is_empty());
    }
    assert!(env.token_requests() - before >= 2);
}

/// A browser sign-in through `browser` that nobody cancels.
async fn sign_in_uncancelled(
    authority: &Discovery,
    endpoint: &HttpTokenEndpoint,
    browser: &ScriptedBrowser,
    request: &BrowserSignInRequest,
) -> Result<TokenSet, pfrm_core::Error> {
    sign_in_with_browser(
        authority,
        endpoint,
        browser,
        request,
        &CancellationToken::new(),
    )
    .await
}

fn flow_parts(env: &Env) -> (Discovery, HttpTokenEndpoint) {
    let authority = Authority::new(
        env.cloud.authority_host.clone(),
        env.cloud.client_id.clone(),
    )
    .unwrap();
    let http = identity_http_client(&env.cloud).unwrap();
    let endpoint = HttpTokenEndpoint::new(authority.clone(), http.clone());
    (Discovery::new(authority, http), endpoint)
}

#[tokio::test]
async fn cancel_and_timeout_end_the_browser_sign_in() {
    let env = Env::start().await;
    let (authority, endpoint) = flow_parts(&env);
    let idle = ScriptedBrowser::new(&env, UserAction::Ignore);
    let request = BrowserSignInRequest::new(env.tenant(), vec![arm_scope(&env)]);
    let cancel = CancellationToken::new();
    let canceller = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        canceller.cancel();
    });
    let error = sign_in_with_browser(&authority, &endpoint, idle.as_ref(), &request, &cancel)
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Cancelled);

    let mut request = request.clone();
    request.timeout = Duration::from_millis(300);
    let error = sign_in_uncancelled(&authority, &endpoint, &idle, &request)
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Timeout);
    assert!(error.remedy.is_some());
}

#[tokio::test]
async fn a_forged_state_is_ignored_and_never_redeemed() {
    let env = Env::start().await;
    let (authority, endpoint) = flow_parts(&env);
    let forger = ScriptedBrowser::new(&env, UserAction::ForgeState);
    let mut request = BrowserSignInRequest::new(env.tenant(), vec![arm_scope(&env)]);
    // A forged redirect does not end the sign-in (any local process could send one): it goes on
    // waiting for the real one, here until its time is up.
    request.timeout = Duration::from_secs(3);
    let before = env.token_requests();
    let error = sign_in_uncancelled(&authority, &endpoint, &forger, &request)
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Timeout);
    assert_eq!(env.token_requests(), before, "no code was redeemed");
}

#[tokio::test]
async fn codes_cannot_be_replayed_or_redeemed_for_another_redirect() {
    let env = Env::start().await;
    let (authority, endpoint) = flow_parts(&env);
    let browser = ScriptedBrowser::new(&env, UserAction::SignIn);
    let request = BrowserSignInRequest::new(env.tenant(), vec![arm_scope(&env)]);
    sign_in_uncancelled(&authority, &endpoint, &browser, &request)
        .await
        .unwrap();
    let redirect = browser.redirects.lock().unwrap()[0].clone();
    let code = redirect
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let redirect_uri = format!("http://127.0.0.1:{}", redirect.port().unwrap());
    let scopes = vec![arm_scope(&env)];
    // Replay: the verifier is unknown to an attacker anyway, but even a correct-looking request fails.
    let replay = endpoint
        .redeem_code(
            &env.tenant(),
            &Secret::new(code.clone()),
            &redirect_uri,
            &Secret::new("x".repeat(43)),
            &scopes,
        )
        .await;
    assert_eq!(replay.unwrap_err().oauth_code(), Some("invalid_grant"));

    // A fresh code redeemed with another redirect URI than the one it was issued for.
    let http = auth_common::client(&env.ca_pem());
    let (verifier, challenge) = {
        let pkce = pfrm_core::auth::pkce::Pkce::generate();
        (pkce.verifier.clone(), pkce.challenge.clone())
    };
    let mut authorize = authority.authority().authorize_url(&env.tenant());
    authorize
        .query_pairs_mut()
        .append_pair("client_id", &authority.authority().client_id)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", "http://localhost:1/")
        .append_pair(
            "scope",
            &format!("{} openid offline_access", arm_scope(&env)),
        )
        .append_pair("state", "s")
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    let location = complete_sign_in_page(&http, &authorize, ALICE).await;
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let wrong = endpoint
        .redeem_code(
            &env.tenant(),
            &Secret::new(code),
            "http://localhost:2/",
            &verifier,
            &scopes,
        )
        .await;
    assert_eq!(wrong.unwrap_err().oauth_code(), Some("invalid_grant"));

    // And the authority refuses to send a code to an unregistered redirect at all.
    let mut evil = authorize.clone();
    let pairs: Vec<(String, String)> = evil
        .query_pairs()
        .map(|(k, v)| {
            let value = if k == "redirect_uri" {
                "https://evil.example/cb".to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), value)
        })
        .collect();
    evil.query_pairs_mut().clear().extend_pairs(pairs);
    let response = http.get(evil).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 400);
}

#[tokio::test]
async fn a_claims_challenge_runs_one_interactive_sign_in_carrying_the_claims() {
    let env = Env::start().await;
    let browser = ScriptedBrowser::new(&env, UserAction::SignIn);
    let (manager, _) = manager(&env, browser.clone());
    let account = manager
        .sign_in_with_browser(None, &CancellationToken::new())
        .await
        .unwrap();
    let credential = manager.credential(&account.id).unwrap();
    let claims = r#"{"access_token":{"acrs":{"essential":true,"value":"c1"}}}"#;
    let options = || TokenRequestOptions {
        method_options: azure_core::http::ClientMethodOptions {
            context: azure_core::http::Context::new().with_value(TokenRefreshHint {
                force_refresh: true,
                claims: Some(claims.to_owned()),
            }),
        },
    };
    let scope = arm_scope(&env);
    let token = credential
        .get_token(&[scope.as_str()], Some(options()))
        .await
        .unwrap();
    assert!(!token.token.secret().is_empty());
    let opened = browser.opened.lock().unwrap().clone();
    assert_eq!(opened.len(), 2, "one interactive re-auth");
    let reauth: std::collections::HashMap<_, _> = opened[1].query_pairs().into_owned().collect();
    assert_eq!(reauth["claims"], claims);
    assert_eq!(reauth["login_hint"], ALICE);

    // The same challenge again is an error, not another browser window.
    let error = credential
        .get_token(&[scope.as_str()], Some(options()))
        .await
        .unwrap_err();
    assert_eq!(from_azure_error(&error).code, ErrorCode::PermissionDenied);
    assert_eq!(browser.opened.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn several_accounts_switching_and_signing_out_one() {
    let env = Env::start_scenario("returning", EmulatorOptions::default()).await;
    let browser = ScriptedBrowser::new(&env, UserAction::SignIn);
    let (manager, store) = manager(&env, browser.clone());
    let alice = manager
        .sign_in_with_browser(None, &CancellationToken::new())
        .await
        .unwrap();
    browser.sign_in_as("carol@contoso.com");
    let carol = manager
        .sign_in_with_browser(None, &CancellationToken::new())
        .await
        .unwrap();
    assert_ne!(alice.id, carol.id);
    let accounts = manager.accounts().await;
    assert_eq!(accounts.len(), 2);
    assert_eq!(
        manager.active_account().await.unwrap().id,
        carol.id,
        "the newest sign-in is active"
    );
    assert_eq!(store.keys().len(), 2);

    assert!(manager.switch_account(&alice.id).unwrap().is_active);
    let reloaded = pfrm_core::settings::Settings::load(&env.settings_path()).settings;
    assert_eq!(reloaded.active_account.as_deref(), Some(alice.id.as_str()));
    assert!(manager.switch_account("nobody").is_err());

    // Alice is a guest in Fabrikam: the tenant list shows it, and after switching, tokens are
    // issued by Fabrikam's authority and accepted by ARM. ARM pages the list: with one tenant a
    // page, both tenants are still listed (the ARM client follows `nextLink`).
    env.emulator.set_page_size(1);
    let tenants = manager.list_tenants(&alice.id).await.unwrap();
    assert_eq!(tenants.len(), 2, "{tenants:?}");
    let fabrikam = tenants
        .iter()
        .find(|t| t.tenant_id != env.tenant())
        .unwrap_or_else(|| panic!("a second tenant: {tenants:?}"))
        .tenant_id
        .clone();
    let switched = manager.switch_tenant(&alice.id, &fabrikam).unwrap();
    assert_eq!(switched.tenant_id, fabrikam);
    let reloaded = pfrm_core::settings::Settings::load(&env.settings_path()).settings;
    assert_eq!(reloaded.account(&alice.id).unwrap().tenant_id, fabrikam);
    let credential = manager.credential(&alice.id).unwrap();
    let token = credential
        .get_token(&[arm_scope(&env).as_str()], None)
        .await
        .unwrap();
    let claims = pfrm_core::auth::oauth::IdTokenClaims::from_jwt(token.token.secret()).unwrap();
    assert_eq!(claims.tid.as_deref(), Some(fabrikam.as_str()));
    assert!(!manager.list_tenants(&alice.id).await.unwrap().is_empty());
    let back = manager.switch_tenant(&alice.id, &env.tenant()).unwrap();
    assert_eq!(back.tenant_id, env.tenant());

    // Signing out Carol keeps Alice signed in and active, with only her entry in the keychain.
    manager.sign_out(&carol.id).await.unwrap();
    assert_eq!(manager.accounts().await.len(), 1);
    assert_eq!(manager.active_account().await.unwrap().id, alice.id);
    assert_eq!(store.keys().len(), 1);
    assert!(store.keys()[0].ends_with(&alice.id));
}

/// What the token endpoint answers keeps its meaning through the `oauth2` crate's requests: an
/// OAuth error its code, a proxy's 503 page a retryable error, an unreadable success a service
/// error; and no answer's body reaches the error (it may hold a token).
#[tokio::test]
async fn token_endpoint_answers_keep_their_meaning() {
    use pfrm_core::auth::oauth::TokenError;
    use pfrm_emulator::FaultRule;
    use serde_json::json;

    let env = Env::start().await;
    let endpoint = token_endpoint(&env);
    let answer = |status: u16, body: serde_json::Value| FaultRule {
        service: Some("authority".into()),
        path: Some("/*/oauth2/v2.0/token".into()),
        status: Some(status),
        body: Some(body),
        times: Some(1),
        ..FaultRule::default()
    };
    let refresh = || async {
        endpoint
            .refresh(
                "organizations",
                &Secret::new("rt-canary"),
                &[env.cloud.arm_scope()],
            )
            .await
    };

    env.emulator.faults().add(answer(
        400,
        json!({"error": "invalid_grant", "error_description": "AADSTS70008: expired"}),
    ));
    let refused = refresh().await.unwrap_err();
    assert_eq!(refused.oauth_code(), Some("invalid_grant"));
    assert!(refused.needs_interaction());
    assert_eq!(refused.into_error().code, ErrorCode::SignInRequired);

    env.emulator.faults().add(answer(
        503,
        json!("<html>Service Unavailable (access_token=page-canary)</html>"),
    ));
    let unavailable = refresh().await.unwrap_err().into_error();
    assert_eq!(unavailable.code, ErrorCode::ServiceUnavailable);
    assert!(unavailable.is_retryable());
    assert!(!format!("{unavailable:?}").contains("page-canary"));

    env.emulator.faults().add(answer(
        200,
        json!({"refresh_token": "body-canary", "token_type": "Bearer"}),
    ));
    let unreadable = refresh().await.unwrap_err();
    assert!(matches!(unreadable, TokenError::Other(_)));
    let unreadable = unreadable.into_error();
    assert_eq!(unreadable.code, ErrorCode::Service);
    assert!(!format!("{unreadable:?}").contains("body-canary"));
}
