//! The core's session, as the app and the CLI use it: what the launch connects to (the sandbox
//! when no one is signed in, else the signed-in account), and the journal's resumption, run
//! once however many commands connect at the same time. Real sign-ins against the emulated
//! identity platform; the sandbox is a second emulator started on demand.

mod auth_common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use auth_common::{Env, ScriptedBrowser, UserAction, ALICE};
use pfrm_core::auth::store::{MemoryStore, TokenVault};
use pfrm_core::auth::AccountManager;
use pfrm_core::cloud::CloudConfig;
use pfrm_core::connection::{
    MintedCredential, OpenedSandbox, SandboxOpener, Session, SessionKind, SessionOptions, SignIn,
    StartChoice,
};
use pfrm_core::ops::{Journal, OperationKind, OperationSnapshot};
use pfrm_core::services::SessionMode;
use pfrm_core::{Error, ErrorCode};
use pfrm_emulator::{Emulator, EmulatorOptions};
use tokio_util::sync::CancellationToken;

/// Opens the `first-time` world as the sandbox, counting how often it was asked to.
#[derive(Default)]
struct CountedSandbox {
    opened: AtomicUsize,
}

#[async_trait::async_trait]
impl SandboxOpener for CountedSandbox {
    async fn open(&self) -> Result<OpenedSandbox, Error> {
        self.opened.fetch_add(1, Ordering::SeqCst);
        let emulator = Arc::new(Emulator::start(EmulatorOptions::default()).await.unwrap());
        let ready = serde_json::to_string(emulator.ready_info()).unwrap();
        let minter = emulator.clone();
        Ok(OpenedSandbox {
            cloud: CloudConfig::from_custom_json(&ready)?,
            credential: Arc::new(MintedCredential::new(ALICE, move |user, scopes| {
                minter
                    .issue_access_token(user, scopes)
                    .map_err(|e| e.to_string())
            })),
            keep_alive: Box::new(emulator),
        })
    }
}

/// The app's session over the emulated cloud, its accounts in `vault` (a memory one: each
/// launch of the app shares it, as the keychain) and the scripted browser, its journal next to
/// its settings.
fn app_session(env: &Env, vault: &Arc<MemoryStore>, sandbox: Arc<CountedSandbox>) -> Session {
    app_session_where_the_user(UserAction::SignIn, env, vault, sandbox)
}

/// [`app_session`], its browser doing `action` when a sign-in opens it.
fn app_session_where_the_user(
    action: UserAction,
    env: &Env,
    vault: &Arc<MemoryStore>,
    sandbox: Arc<CountedSandbox>,
) -> Session {
    let manager = AccountManager::new(
        env.cloud.clone(),
        env.settings_path(),
        TokenVault::new(vault.clone()),
        ScriptedBrowser::new(env, action),
    )
    .unwrap();
    Session::new(SessionOptions {
        kind: SessionKind::App,
        settings_path: env.settings_path(),
        journal_path: Some(journal_path(env)),
        cloud: None,
        cloud_file: None,
    })
    .with_account_manager(Arc::new(manager))
    .with_sandbox(sandbox)
}

fn journal_path(env: &Env) -> std::path::PathBuf {
    env.dir.path().join("data").join("operations.json")
}

async fn sign_in(session: &Session) -> String {
    let manager = session.accounts().await.unwrap();
    let account = manager
        .sign_in_with_browser(None, &CancellationToken::new())
        .await
        .unwrap();
    account.id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_one_signed_in_the_launch_opens_the_sandbox() {
    let env = Env::start().await;
    let sandbox = Arc::new(CountedSandbox::default());
    let session = app_session(&env, &Arc::default(), sandbox.clone());

    let status = session
        .start(StartChoice::SandboxWhenSignedOut)
        .await
        .unwrap();
    assert_eq!(status.mode, SessionMode::Sandbox);
    assert_eq!(status.cloud, "Sandbox");
    assert_eq!(
        status.me.and_then(|me| me.user_name).as_deref(),
        Some(ALICE)
    );
    assert!(status.sign_in.is_none(), "the sandbox has no accounts");
    assert!(session.in_sandbox().await);
    assert_eq!(sandbox.opened.load(Ordering::SeqCst), 1);

    // Leaving the sandbox signs out of nothing: the session is signed out again.
    session.disconnect().await;
    let status = session.status().await.unwrap();
    assert_eq!(status.mode, SessionMode::SignedOut);
    let error = session.services().await.unwrap_err();
    assert_eq!(error.code, ErrorCode::SignInRequired);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_account_is_chosen_over_the_sandbox() {
    let env = Env::start().await;
    let sandbox = Arc::new(CountedSandbox::default());
    // Signed in on an earlier run: the next launch's session finds the account in the settings
    // and the refresh token in the (shared) vault.
    let vault = Arc::new(MemoryStore::new());
    sign_in(&app_session(&env, &vault, Arc::default())).await;
    let session = app_session(&env, &vault, sandbox.clone());

    let status = session
        .start(StartChoice::SandboxWhenSignedOut)
        .await
        .unwrap();
    assert_eq!(status.mode, SessionMode::SignedIn);
    assert_eq!(status.cloud, env.cloud.name);
    assert_eq!(
        status.me.and_then(|me| me.user_name).as_deref(),
        Some(ALICE)
    );
    assert_eq!(
        status
            .sign_in
            .and_then(|s| s.active_account)
            .map(|a| a.username),
        Some(ALICE.to_owned())
    );
    assert!(!session.in_sandbox().await);
    assert_eq!(
        sandbox.opened.load(Ordering::SeqCst),
        0,
        "no sandbox started"
    );

    // Asked for explicitly, the sandbox is opened even so.
    let status = session.start(StartChoice::Sandbox).await.unwrap();
    assert_eq!(status.mode, SessionMode::Sandbox);
    assert_eq!(sandbox.opened.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_through_the_session_connects_and_signing_out_disconnects() {
    let env = Env::start().await;
    let session = app_session(&env, &Arc::default(), Arc::default());

    let status = session.sign_in(SignIn::Browser, None).await.unwrap();
    assert_eq!(status.mode, SessionMode::SignedIn);
    assert_eq!(
        status.me.and_then(|me| me.user_name).as_deref(),
        Some(ALICE),
        "the app learns who it acts as when the account connects"
    );
    let account = status.sign_in.and_then(|s| s.active_account).unwrap();
    assert!(session.services().await.is_ok());

    let status = session.sign_out(&account.id).await.unwrap();
    assert_eq!(status.mode, SessionMode::SignedOut);
    assert!(status.me.is_none());
    let error = session.services().await.unwrap_err();
    assert_eq!(error.code, ErrorCode::SignInRequired);
}

/// What `pfrm login --cloud-config FILE` does, through the core alone: a command's session, its
/// cloud given on the command line. The sign-in remembers that cloud for the next command and
/// the app (before, only the CLI's own login code did, so a sign-in through the session as the
/// app makes it left the choice unsaved); a command that only reads remembers nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commands_sign_in_remembers_its_cloud_as_the_apps_does() {
    let env = Env::start().await;
    let ready_file = env.dir.path().join("ready.json");
    std::fs::write(
        &ready_file,
        serde_json::to_string(env.emulator.ready_info()).unwrap(),
    )
    .unwrap();
    let command_session = || {
        let manager = AccountManager::new(
            env.cloud.clone(),
            env.settings_path(),
            TokenVault::new(Arc::new(MemoryStore::new())),
            ScriptedBrowser::new(&env, UserAction::SignIn),
        )
        .unwrap();
        Session::new(SessionOptions {
            kind: SessionKind::Command,
            settings_path: env.settings_path(),
            journal_path: Some(journal_path(&env)),
            cloud: Some("custom".into()),
            cloud_file: Some(ready_file.clone()),
        })
        .with_account_manager(Arc::new(manager))
    };

    let reading = command_session();
    assert_eq!(reading.status().await.unwrap().mode, SessionMode::SignedOut);
    assert_eq!(reading.settings().cloud, None, "only a sign-in remembers");

    let status = command_session()
        .sign_in(SignIn::Browser, None)
        .await
        .unwrap();
    assert_eq!(status.mode, SessionMode::SignedIn);
    let active = status.sign_in.and_then(|s| s.active_account).unwrap();
    assert_eq!(active.username, ALICE);
    let settings = reading.settings();
    assert_eq!(settings.cloud.as_deref(), Some("custom"));
    assert_eq!(
        settings.custom_cloud_file.as_deref(),
        Some(ready_file.as_path())
    );
    assert_eq!(settings.active_account.as_deref(), Some(active.id.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_ends_the_sign_in_in_progress_and_a_new_one_replaces_it() {
    let env = Env::start().await;
    let session = Arc::new(app_session_where_the_user(
        UserAction::Ignore,
        &env,
        &Arc::default(),
        Arc::default(),
    ));
    let waiting = |session: Arc<Session>| {
        tokio::spawn(async move { session.sign_in(SignIn::Browser, None).await })
    };

    // The user walked away from the browser and pressed Cancel in the app.
    let first = waiting(session.clone());
    tokio::time::sleep(Duration::from_millis(300)).await;
    session.cancel_sign_in().await;
    let error = tokio::time::timeout(Duration::from_secs(10), first)
        .await
        .expect("the sign-in ends once cancelled")
        .unwrap()
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Cancelled);

    // A second sign-in while one waits: the first ends, the second goes on waiting.
    let first = waiting(session.clone());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let second = waiting(session.clone());
    let error = tokio::time::timeout(Duration::from_secs(10), first)
        .await
        .expect("the earlier sign-in ends when a new one starts")
        .unwrap()
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Cancelled);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!second.is_finished(), "the new sign-in still waits");
    session.cancel_sign_in().await;
    let error = tokio::time::timeout(Duration::from_secs(10), second)
        .await
        .unwrap()
        .unwrap()
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Cancelled);
    let status = session.status().await.unwrap();
    assert_eq!(status.mode, SessionMode::SignedOut);
}

/// An entry of `account`'s, started two days ago (too old to watch again: resuming it ends it
/// at once, without calling Azure).
fn old_entry(cloud: &str, account: &str) -> serde_json::Value {
    serde_json::json!({
        "version": 1,
        "operations": [{
            "id": "op-left-1",
            "kind": "startComputeInstance",
            "title": "Start compute instance ci-left",
            "target": "/subscriptions/s/resourcegroups/rg/providers/microsoft.machinelearningservices/workspaces/ws/computes/ci-left",
            "startedAt": "2020-01-01T00:00:00Z",
            "resume": {
                "workspaceId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws",
                "instanceName": "ci-left"
            },
            "cloud": cloud,
            "account": account
        }]
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journal_is_resumed_once_however_many_commands_connect() {
    let env = Env::start().await;
    let vault = Arc::new(MemoryStore::new());
    let account = sign_in(&app_session(&env, &vault, Arc::default())).await;
    let journal = journal_path(&env);
    std::fs::create_dir_all(journal.parent().unwrap()).unwrap();
    std::fs::write(&journal, old_entry(&env.cloud.name, &account).to_string()).unwrap();
    // The next launch.
    let session = Arc::new(app_session(&env, &vault, Arc::default()));
    let mut updates = session.operations().subscribe();

    // The window's first commands arrive together, each needing the connection.
    let commands: Vec<_> = (0..6)
        .map(|_| {
            let session = session.clone();
            tokio::spawn(async move { session.services().await.map(|_| ()) })
        })
        .collect();
    for command in commands {
        command.await.unwrap().unwrap();
    }
    assert_eq!(session.status().await.unwrap().mode, SessionMode::SignedIn);

    let mut seen: Vec<OperationSnapshot> = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(20), async {
        while let Ok(snapshot) = updates.recv().await {
            let done = snapshot.state.is_terminal();
            seen.push(snapshot);
            if done {
                break;
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the left entry was not resumed: {seen:?}");
    // Whatever a second resumption would do happens in the background: give it time.
    tokio::time::sleep(Duration::from_millis(500)).await;
    while let Ok(snapshot) = updates.try_recv() {
        seen.push(snapshot);
    }
    let resumed: Vec<_> = seen.iter().filter(|s| s.id == "op-left-1").collect();
    assert!(resumed
        .iter()
        .all(|s| s.resumed && s.kind == OperationKind::StartComputeInstance));
    assert_eq!(
        resumed.iter().filter(|s| s.state.is_terminal()).count(),
        1,
        "resumed more than once: {seen:?}"
    );
    assert_eq!(session.operations().list().len(), 1);
    assert!(Journal::open(&journal)
        .journal
        .entries()
        .unwrap()
        .is_empty());

    // Connecting again (a switch of tenant, a sign-in) resumes nothing more.
    session.connect_account().await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(updates.try_recv().is_err(), "a second resumption ran");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_leaves_a_real_accounts_journal_entries_alone() {
    let env = Env::start().await;
    let journal = journal_path(&env);
    std::fs::create_dir_all(journal.parent().unwrap()).unwrap();
    std::fs::write(&journal, old_entry("AzureCloud", "oid.tid").to_string()).unwrap();
    let session = app_session(&env, &Arc::default(), Arc::default());
    session.start(StartChoice::Sandbox).await.unwrap();
    assert!(session.in_sandbox().await);
    // Whatever the sandbox would do with the entry happens in the background; give it time.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let ids = || -> Vec<String> {
        let entries = Journal::open(&journal).journal.entries().unwrap();
        entries.into_iter().map(|entry| entry.id).collect()
    };
    assert_eq!(ids(), ["op-left-1"]);
    assert!(
        session.operations().list().is_empty(),
        "the sandbox resumed a real account's operation: {:?}",
        session.operations().list()
    );

    // The sandbox's own operations are not journaled either: its world ends with the app.
    let (services, _) = session.services().await.unwrap();
    let handle = services
        .operations
        .begin(
            OperationKind::StartComputeInstance,
            "Start compute instance ci",
            "sandbox-target",
            serde_json::Value::Null,
        )
        .unwrap();
    assert_eq!(ids(), ["op-left-1"]);
    handle.finish(&Ok(()));
    assert_eq!(ids(), ["op-left-1"]);
}
