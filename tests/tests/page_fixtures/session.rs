//! The session's answers as the app's sign-in commands give them: the core's
//! [`Session`] over the emulated identity platform (the `returning` world: Alice of Contoso, a
//! guest in Fabrikam, and Carol), its accounts in a memory vault as in the keychain, the
//! browser a scripted user, `az` a stand-in printing a token the emulator issued, and the
//! sandbox the `first-time` world the app opens by default.
//!
//! The account journey is recorded in the order the page tests walk it (sign in with the Azure
//! CLI, look at the directories and switch to another, add an account in the browser, switch
//! back, sign out), so each answer is the one the core gives at that step.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use pfrm_core::auth::azure_cli::{AzCliExecutor, CliPlatform, SystemRunner};
use pfrm_core::auth::store::{MemoryStore, StoreFailure, TokenVault};
use pfrm_core::auth::{AccountManager, DeviceCodePrompt};
use pfrm_core::cloud::CloudConfig;
use pfrm_core::connection::{
    MintedCredential, OpenedSandbox, SandboxOpener, Session, SessionKind, SessionOptions, SignIn,
};
use pfrm_core::services::SessionStatus;
use pfrm_core::Error;
use pfrm_emulator::{Emulator, EmulatorOptions, Scenario};
use pfrm_tests::{az_token_json, path_with, write_fake_az, write_signed_out_az};
use serde_json::{json, Map, Value};
use time::OffsetDateTime;
use tokio::task::JoinHandle;

use super::answer;
use super::normalise::normalise;
use crate::auth_common::{Env, ScriptedBrowser, UserAction, ALICE};

/// The session world's second person, who signs in later as another account.
const CAROL: &str = "carol@contoso.com";

/// The directory Alice is a guest in (the `returning` world's second tenant).
const FABRIKAM: &str = "9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e";

/// The sandbox world the app opens when nothing else is asked for.
const SANDBOX_WORLD: &str = "first-time";

/// The emulator draws a new device code on every run; the fixtures show this one instead.
const DEVICE_CODE: &str = "FKX4QPT2L";

/// Every answer of the session, normalised like the other fixtures.
pub async fn session() -> Value {
    let started = OffsetDateTime::now_utc();
    let env = Env::start_scenario("returning", EmulatorOptions::default()).await;
    let mut fixture = Map::new();
    fixture.insert("signedOut".into(), signed_out(&env).await);
    fixture.insert("memoryOnly".into(), memory_only(&env).await);
    fixture.insert("signInRequired".into(), sign_in_required(&env).await);
    fixture.insert("browser".into(), browser_cancelled(&env).await);
    fixture.insert("deviceCode".into(), device_code(&env).await);
    fixture.insert("azureCli".into(), azure_cli_journey(&env).await);
    fixture.insert("sandbox".into(), sandbox(&env).await);
    let ready = env.emulator.ready_info().clone();
    normalise(Value::Object(fixture), &ready, started)
}

/// The app's session over the world, its accounts in `vault`, the browser doing `action`.
fn app_session(
    env: &Env,
    vault: TokenVault,
    action: UserAction,
) -> (Session, Arc<ScriptedBrowser>) {
    let browser = ScriptedBrowser::new(env, action);
    let manager = AccountManager::new(
        env.cloud.clone(),
        env.settings_path(),
        vault,
        browser.clone(),
    )
    .unwrap()
    .with_azure_cli(stand_in_az(env));
    let session = Session::new(SessionOptions {
        kind: SessionKind::App,
        settings_path: env.settings_path(),
        journal_path: None,
        cloud: None,
        cloud_file: None,
    })
    .with_account_manager(Arc::new(manager))
    .with_sandbox(Arc::new(DefaultSandbox));
    (session, browser)
}

/// Runs `az` from a folder of its own: installed but not signed in, until [`az_signed_in`].
fn stand_in_az(env: &Env) -> AzCliExecutor {
    let bin = write_signed_out_az(&az_folder(env));
    AzCliExecutor::new(
        CliPlatform::this_system(),
        Some(path_with(&bin)),
        Arc::new(SystemRunner),
    )
}

fn az_folder(env: &Env) -> PathBuf {
    env.dir.path().join("az-bin")
}

/// Alice ran `az login`: `az` prints an ARM token the world issued to her, for the tenant it is
/// asked for (`--tenant`), else her home tenant.
fn az_signed_in(env: &Env) {
    let token_in = |tenant: Option<&str>| {
        let scope = env.cloud.arm_scope();
        let token = match tenant {
            Some(tenant) => env
                .emulator
                .issue_access_token_for_tenant(ALICE, &scope, tenant),
            None => env.emulator.issue_access_token(ALICE, &scope),
        };
        az_token_json(&token.unwrap())
    };
    let bin = az_folder(env);
    write_fake_az(&bin, &token_in(None), None);
    if cfg!(unix) {
        let script = format!(
            "#!/bin/sh\ncase \"$*\" in\n  *\"--tenant {FABRIKAM}\"*) printf '%s' '{}' ;;\n  *) printf '%s' '{}' ;;\nesac\n",
            token_in(Some(FABRIKAM)),
            token_in(None),
        );
        std::fs::write(bin.join("az"), script).unwrap();
    }
}

fn memory_vault() -> TokenVault {
    TokenVault::new(Arc::new(MemoryStore::new()))
}

/// A fresh start: no one has signed in on this computer.
async fn signed_out(env: &Env) -> Value {
    let (session, _) = app_session(env, memory_vault(), UserAction::Ignore);
    answer(session.status().await)
}

/// No keychain on this computer: sign-ins last until the app closes.
async fn memory_only(env: &Env) -> Value {
    let vault = TokenVault::memory_only(StoreFailure::Unavailable(
        "no Secret Service answers on the session bus".into(),
    ));
    let (session, _) = app_session(env, vault, UserAction::Ignore);
    answer(session.status().await)
}

/// Alice signed in on an earlier run, and her saved sign-in is gone from the keychain since
/// (expired, revoked, or removed): the next launch asks her to sign in again.
async fn sign_in_required(env: &Env) -> Value {
    let store = Arc::new(MemoryStore::new());
    let (earlier, _) = app_session(env, TokenVault::new(store.clone()), UserAction::SignIn);
    earlier
        .sign_in(SignIn::Browser, None)
        .await
        .expect("Alice signs in in the browser");
    drop(earlier);
    let (next_launch, _) = app_session(env, memory_vault(), UserAction::Ignore);
    let status = answer(next_launch.status().await);
    forget_accounts(env);
    status
}

/// The user walked away from the browser and pressed Cancel in the app.
async fn browser_cancelled(env: &Env) -> Value {
    let (session, _) = app_session(env, memory_vault(), UserAction::Ignore);
    let session = Arc::new(session);
    let waiting = tokio::spawn({
        let session = session.clone();
        async move { session.sign_in(SignIn::Browser, None).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    json!({ "cancelled": cancel(&session, waiting).await })
}

/// Presses the app's Cancel on the sign-in `waiting` runs, and says how it ended.
async fn cancel(session: &Session, waiting: JoinHandle<Result<SessionStatus, Error>>) -> Value {
    session.cancel_sign_in().await;
    let ended = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("a cancelled sign-in ends")
        .unwrap();
    answer(ended)
}

/// The code and page the device code sign-in shows, and its end when cancelled.
async fn device_code(env: &Env) -> Value {
    let (session, _) = app_session(env, memory_vault(), UserAction::Ignore);
    let session = Arc::new(session);
    let (shown, mut prompts) = tokio::sync::mpsc::unbounded_channel::<DeviceCodePrompt>();
    let waiting = tokio::spawn({
        let session = session.clone();
        async move {
            let show = move |prompt: DeviceCodePrompt| {
                let _ = shown.send(prompt);
            };
            session.sign_in(SignIn::DeviceCode(&show), None).await
        }
    });
    let mut prompt = tokio::time::timeout(Duration::from_secs(10), prompts.recv())
        .await
        .expect("the device code is shown")
        .expect("a prompt");
    let cancelled = cancel(&session, waiting).await;
    let drawn = std::mem::replace(&mut prompt.user_code, DEVICE_CODE.into());
    if let Some(message) = &mut prompt.message {
        *message = message.replace(&drawn, DEVICE_CODE);
    }
    json!({ "prompt": prompt, "cancelled": cancelled })
}

/// The page tests' walk through the accounts, each step's answer in order.
async fn azure_cli_journey(env: &Env) -> Value {
    let mut steps = Map::new();
    // `az` is installed but no one ran `az login`.
    let (session, browser) = app_session(env, memory_vault(), UserAction::SignIn);
    steps.insert(
        "notSignedIn".into(),
        answer(session.sign_in(SignIn::AzureCli, None).await),
    );
    az_signed_in(env);
    let signed_in = session.sign_in(SignIn::AzureCli, None).await;
    let alice = active_account(&signed_in, "Alice, signed in with the Azure CLI");
    steps.insert("signedIn".into(), answer(signed_in));
    let mut tenants = Map::new();
    tenants.insert(alice.clone(), answer(session.list_tenants(&alice).await));
    steps.insert(
        "switchTenant".into(),
        json!({ format!("{alice}/{FABRIKAM}"): answer(session.switch_tenant(&alice, FABRIKAM).await) }),
    );
    // "Add account": Carol signs in in the browser.
    browser.sign_in_as(CAROL);
    let added = session.sign_in(SignIn::Browser, None).await;
    let carol = active_account(&added, "Carol, signed in in the browser");
    steps.insert("addAccount".into(), answer(added));
    tenants.insert(carol.clone(), answer(session.list_tenants(&carol).await));
    steps.insert("listTenants".into(), Value::Object(tenants));
    steps.insert(
        "switchAccount".into(),
        json!({ &alice: answer(session.switch_account(&alice).await) }),
    );
    // Signing Alice out leaves Carol signed in; signing her out too ends on the Welcome page.
    let alice_out = answer(session.sign_out(&alice).await);
    let carol_out = answer(session.sign_out(&carol).await);
    steps.insert(
        "signOut".into(),
        json!({ &alice: alice_out, &carol: carol_out }),
    );
    forget_accounts(env);
    Value::Object(steps)
}

/// The id of the account a sign-in made active (`who` says whom the step expects).
fn active_account(status: &Result<SessionStatus, Error>, who: &str) -> String {
    status
        .as_ref()
        .ok()
        .and_then(|status| status.sign_in.as_ref())
        .and_then(|sign_in| sign_in.active_account.as_ref())
        .map(|account| account.id.clone())
        .unwrap_or_else(|| panic!("the active account should be {who}: {status:?}"))
}

/// The sandbox started from the Welcome page, and left again.
async fn sandbox(env: &Env) -> Value {
    let (session, _) = app_session(env, memory_vault(), UserAction::Ignore);
    let start = match session.start_sandbox().await {
        Ok(()) => answer(session.status().await),
        Err(error) => answer::<()>(Err(error)),
    };
    let leave = answer(session.leave_sandbox().await);
    json!({ "start": start, "leave": leave })
}

/// Starts the next step with no one signed in on this computer.
fn forget_accounts(env: &Env) {
    let _ = std::fs::remove_file(env.settings_path());
}

/// The sandbox as the app opens it by default: the `first-time` world, its first user signed
/// in through tokens the world mints.
struct DefaultSandbox;

#[async_trait::async_trait]
impl SandboxOpener for DefaultSandbox {
    async fn open(&self) -> Result<OpenedSandbox, Error> {
        let options = EmulatorOptions {
            scenario: Scenario::by_name(SANDBOX_WORLD).unwrap(),
            ..EmulatorOptions::default()
        };
        let emulator = Arc::new(Emulator::start(options).await.unwrap());
        let ready = serde_json::to_string(emulator.ready_info()).unwrap();
        let user = emulator.ready_info().users[0].user_name.clone();
        let minter = emulator.clone();
        Ok(OpenedSandbox {
            cloud: CloudConfig::from_custom_json(&ready)?,
            credential: Arc::new(MintedCredential::new(user, move |user, scopes| {
                minter
                    .issue_access_token(user, scopes)
                    .map_err(|e| e.to_string())
            })),
            keep_alive: Box::new(emulator),
        })
    }
}
