//! The credential's caching, single-flight refresh, rotation across processes, sign-in
//! required and claims challenges, against a fake authority.

use super::*;
use crate::auth::fake_authority::{tokens, FakeAuthority};
use crate::auth::store::{MemoryStore, SecretStore};

async fn credential(lifetime_secs: i64) -> (UserCredential, Arc<FakeAuthority>, Arc<MemoryStore>) {
    let endpoint = Arc::new(FakeAuthority::rotating(lifetime_secs));
    let store = Arc::new(MemoryStore::new());
    let vault = TokenVault::new(store.clone());
    vault.put("acct", Secret::new("rt-0")).await.unwrap();
    let credential = UserCredential::new("acct", None, "t1", endpoint.clone(), vault, None);
    (credential, endpoint, store)
}

const ARM: &str = "https://management.example.test/.default";

#[tokio::test]
async fn ten_concurrent_callers_cause_exactly_one_refresh() {
    let (credential, endpoint, _) = credential(3600).await;
    let mut callers = Vec::new();
    for _ in 0..12 {
        let credential = credential.clone();
        callers.push(tokio::spawn(async move {
            credential.get_token(&[ARM], None).await.unwrap()
        }));
    }
    let mut tokens = Vec::new();
    for caller in callers {
        tokens.push(caller.await.unwrap().token.secret().to_owned());
    }
    assert_eq!(endpoint.refreshes.load(Ordering::SeqCst), 1);
    assert!(tokens.iter().all(|t| t == "at-t1-1"));
}

#[tokio::test]
async fn rotated_refresh_tokens_are_persisted_and_used_next_time() {
    let (credential, endpoint, store) = credential(1).await;
    credential.get_token(&[ARM], None).await.unwrap();
    assert_eq!(store.raw("acct").unwrap().expose(), "rt-1");
    tokio::time::sleep(Duration::from_millis(600)).await; // past half of the 1 s lifetime
    credential.get_token(&[ARM], None).await.unwrap();
    assert_eq!(
        endpoint.last_refresh_token.lock().unwrap().as_deref(),
        Some("rt-1")
    );
    assert_eq!(store.raw("acct").unwrap().expose(), "rt-2");
}

#[tokio::test]
async fn revocation_turns_into_sign_in_required_without_a_loop() {
    let (credential, endpoint, store) = credential(60).await;
    endpoint.revoked.store(true, Ordering::SeqCst);
    let error = credential
        .access_token(&[ARM.into()], false)
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::SignInRequired);
    assert_eq!(credential.state(), SessionState::SignInRequired);
    assert!(
        store.raw("acct").is_none(),
        "a dead refresh token is removed"
    );
    for _ in 0..5 {
        let error = credential
            .access_token(&[ARM.into()], false)
            .await
            .unwrap_err();
        assert_eq!(error.code, ErrorCode::SignInRequired);
    }
    assert_eq!(endpoint.refreshes.load(Ordering::SeqCst), 1);
    // The azure_core error carries the structured error for the pipeline to surface.
    let azure = credential.get_token(&[ARM], None).await.unwrap_err();
    assert_eq!(
        crate::auth::from_azure_error(&azure).code,
        ErrorCode::SignInRequired
    );
}

#[tokio::test]
async fn tenants_have_their_own_tokens() {
    let (credential, endpoint, _) = credential(3600).await;
    let first = credential
        .access_token(&[ARM.into()], false)
        .await
        .unwrap()
        .0;
    credential.set_tenant("t2");
    let second = credential
        .access_token(&[ARM.into()], false)
        .await
        .unwrap()
        .0;
    assert_eq!(first.expose(), "at-t1-1");
    assert_eq!(second.expose(), "at-t2-2");
    assert_eq!(endpoint.refreshes.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn force_refresh_from_the_pipeline_bypasses_the_cache_once() {
    let (credential, endpoint, _) = credential(3600).await;
    credential.get_token(&[ARM], None).await.unwrap();
    let options = TokenRequestOptions {
        method_options: azure_core::http::ClientMethodOptions {
            context: azure_core::http::Context::new().with_value(TokenRefreshHint {
                force_refresh: true,
                claims: None,
            }),
        },
    };
    let token = credential.get_token(&[ARM], Some(options)).await.unwrap();
    assert_eq!(token.token.secret(), "at-t1-2");
    assert_eq!(endpoint.refreshes.load(Ordering::SeqCst), 2);
}

#[derive(Debug, Default)]
struct CountingReauth {
    calls: Mutex<Vec<(String, Option<String>)>>,
}

#[async_trait]
impl InteractiveReauth for CountingReauth {
    async fn reauthenticate(
        &self,
        request: ReauthRequest<'_>,
        _: &CancellationToken,
    ) -> Result<TokenSet, Error> {
        self.calls.lock().unwrap().push((
            request.claims.to_owned(),
            request.login_hint.map(str::to_owned),
        ));
        Ok(tokens("at-with-claims", "rt-claims", 3600))
    }
}

#[tokio::test]
async fn a_claims_challenge_triggers_exactly_one_interactive_reauth() {
    let endpoint = Arc::new(FakeAuthority::rotating(3600));
    let store = Arc::new(MemoryStore::new());
    let reauth = Arc::new(CountingReauth::default());
    let credential = UserCredential::new(
        "acct",
        Some("alice@contoso.test".into()),
        "t1",
        endpoint,
        TokenVault::new(store.clone()),
        Some(reauth.clone()),
    );
    let claims = r#"{"access_token":{"acrs":{"essential":true,"value":"c1"}}}"#;
    let options = TokenRequestOptions {
        method_options: azure_core::http::ClientMethodOptions {
            context: azure_core::http::Context::new().with_value(TokenRefreshHint {
                force_refresh: true,
                claims: Some(claims.into()),
            }),
        },
    };
    let token = credential
        .get_token(&[ARM], Some(options.clone()))
        .await
        .unwrap();
    assert_eq!(token.token.secret(), "at-with-claims");
    assert_eq!(store.raw("acct").unwrap().expose(), "rt-claims");
    assert_eq!(
        reauth.calls.lock().unwrap().as_slice(),
        &[(claims.to_owned(), Some("alice@contoso.test".to_owned()))]
    );
    let error = credential
        .get_token(&[ARM], Some(options))
        .await
        .unwrap_err();
    assert_eq!(
        crate::auth::from_azure_error(&error).code,
        ErrorCode::PermissionDenied
    );
    assert_eq!(reauth.calls.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn debug_shows_no_token() {
    let (credential, _, _) = credential(3600).await;
    credential.get_token(&[ARM], None).await.unwrap();
    let text = format!("{credential:?}");
    assert!(!text.contains("at-t1") && !text.contains("rt-"), "{text}");
}

/// Each credential stands for another process: its own vault (own memory copy) over the one
/// keychain, and the lock file in the shared data folder.
fn process(
    store: &Arc<MemoryStore>,
    endpoint: &Arc<FakeAuthority>,
    data_dir: &std::path::Path,
) -> UserCredential {
    UserCredential::new(
        "acct",
        None,
        "t1",
        endpoint.clone(),
        TokenVault::new(store.clone()),
        None,
    )
    .with_refresh_lock(RefreshLock::in_dir(data_dir))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_processes_refreshing_at_once_all_succeed_without_revoking_the_grant() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::new());
    let endpoint = Arc::new(FakeAuthority::strict("rt-0"));
    store.set("acct", &Secret::new("rt-0")).unwrap();
    let processes: Vec<UserCredential> = (0..10)
        .map(|_| process(&store, &endpoint, dir.path()))
        .collect();
    let mut calls = Vec::new();
    for credential in &processes {
        let credential = credential.clone();
        calls.push(tokio::spawn(async move {
            credential.access_token(&[ARM.into()], false).await
        }));
    }
    let mut succeeded = 0;
    for call in calls {
        if call.await.unwrap().is_ok() {
            succeeded += 1;
        }
    }
    assert_eq!(succeeded, 10);
    assert!(!endpoint.revoked.load(Ordering::SeqCst));
    assert_eq!(endpoint.refreshes.load(Ordering::SeqCst), 10);
    assert_eq!(
        store.raw("acct").unwrap().expose(),
        endpoint.current.lock().unwrap().as_str()
    );
}

#[tokio::test]
async fn a_refused_refresh_uses_a_token_another_process_stored_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::new());
    let endpoint = Arc::new(FakeAuthority::strict("rt-new"));
    // This process read "rt-old" earlier; the keychain already holds the newer one, and the
    // refresh with the old one is refused (without revocation in this test).
    let credential = process(&store, &endpoint, dir.path());
    store.set("acct", &Secret::new("rt-old")).unwrap();
    let gate = credential.inner.vault.get("acct").await.unwrap();
    assert_eq!(gate.unwrap().expose(), "rt-old");
    store.set("acct", &Secret::new("rt-new")).unwrap();
    let (token, _) = credential.access_token(&[ARM.into()], false).await.unwrap();
    assert_eq!(token.expose(), "at-t1-1");
    assert_eq!(store.raw("acct").unwrap().expose(), "rt-1");
}

#[tokio::test]
async fn a_refused_token_is_removed_only_while_it_is_still_the_stored_one() {
    let store = Arc::new(MemoryStore::new());
    store.set("acct", &Secret::new("rt-0")).unwrap();
    // While each request is out, another process signs in again and stores its token.
    let other_process = store.clone();
    let endpoint = FakeAuthority::refusing_while(move |n| {
        other_process
            .set("acct", &Secret::new(format!("rt-of-sign-in-{n}")))
            .unwrap()
    });
    let credential = UserCredential::new(
        "acct",
        None,
        "t1",
        Arc::new(endpoint),
        TokenVault::new(store.clone()),
        None,
    );
    let error = credential
        .access_token(&[ARM.into()], false)
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::SignInRequired);
    // Tried once more with the newer token, then left the newest one in place.
    assert_eq!(
        store.raw("acct").unwrap().expose(),
        "rt-of-sign-in-2",
        "the other process's token was deleted"
    );
}

type SignOutTask = tokio::task::JoinHandle<Result<(), Error>>;

/// Signs out while a refresh request is out, as a user does who runs `pfrm logout` while the
/// app refreshes (`same_process: false`), or who signs out in the app while one of its own
/// calls refreshes (`true`). Returns the refresh's outcome and the keychain afterwards.
async fn sign_out_during_a_refresh(
    same_process: bool,
) -> (Result<(Secret, OffsetDateTime), Error>, Arc<MemoryStore>) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::new());
    store.set("acct", &Secret::new("rt-0")).unwrap();
    let signer: Arc<std::sync::OnceLock<UserCredential>> = Arc::default();
    let sign_out: Arc<Mutex<Option<SignOutTask>>> = Arc::default();
    let endpoint = {
        let (signer, sign_out, store) = (signer.clone(), sign_out.clone(), store.clone());
        Arc::new(FakeAuthority::rotating_while(move |_| {
            let who = signer.get().unwrap().clone();
            *sign_out.lock().unwrap() = Some(tokio::spawn(async move { who.forget().await }));
            // Every chance for the sign-out to finish before the refresh answers: it must
            // wait for the refresh instead (the 300 ms then run out).
            let until = std::time::Instant::now() + Duration::from_millis(300);
            while store.raw("acct").is_some() && std::time::Instant::now() < until {
                std::thread::sleep(Duration::from_millis(5));
            }
        }))
    };
    let refreshing = process(&store, &endpoint, dir.path());
    let signing_out = if same_process {
        refreshing.clone()
    } else {
        process(&store, &endpoint, dir.path())
    };
    signer.set(signing_out).unwrap();
    let refreshed = refreshing.access_token(&[ARM.into()], false).await;
    let handle = sign_out
        .lock()
        .unwrap()
        .take()
        .expect("the sign-out started");
    handle.await.unwrap().expect("the sign-out succeeds");
    (refreshed, store)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_out_in_another_process_during_a_refresh_leaves_no_token() {
    let (refreshed, store) = sign_out_during_a_refresh(false).await;
    assert!(refreshed.is_ok(), "{refreshed:?}");
    assert_eq!(
        store.keys(),
        Vec::<String>::new(),
        "the rotated token was written after the sign-out"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_out_during_this_credentials_own_refresh_leaves_no_token() {
    let (refreshed, store) = sign_out_during_a_refresh(true).await;
    assert_eq!(
        refreshed.unwrap_err().code,
        ErrorCode::SignInRequired,
        "a refresh that ends after the sign-out hands out nothing"
    );
    assert_eq!(
        store.keys(),
        Vec::<String>::new(),
        "the rotated token was written after the sign-out"
    );
}
