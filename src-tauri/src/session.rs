//! Who the app acts as, and against which Azure: signed out, signed in to a real cloud through
//! an account, or in the sandbox (the local emulator started in-process, signed in as its user).
//!
//! Production code paths never branch on "sandbox or not": the sandbox is only another cloud
//! (the emulator's endpoints, trusted through its own CA) and another credential.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use pfrm_core::auth::AccountManager;
use pfrm_core::cloud::CloudConfig;
use pfrm_core::ops::permissions::GrantSettings;
use pfrm_core::ops::runtimes::WatchSettings;
use pfrm_core::ops::Operations;
use pfrm_core::services::{Me, Services, SessionMode, SessionStatus};
use pfrm_core::settings::{resolve_cloud, Settings};
use pfrm_core::{Error, ErrorCode};
use pfrm_emulator::{Emulator, EmulatorOptions, Scenario};
use tokio::sync::{Mutex, RwLock};

/// The sandbox's default world: a first-time user with one workspace and one running compute
/// instance.
pub const DEFAULT_SANDBOX_SCENARIO: &str = "first-time";
/// Emulated time runs this much faster in the sandbox, so a runtime starts in seconds.
const SANDBOX_TIME_SCALE: f64 = 30.0;
/// Emulated seconds before a new role assignment counts in the sandbox, when its world does not
/// say: Azure takes minutes, so the sandbox shows the wait (a few real seconds) too.
const SANDBOX_ROLE_PROPAGATION_SECONDS: f64 = 120.0;

/// Tokens for the sandbox user, minted by the in-process emulator's identity platform.
struct SandboxCredential {
    emulator: Arc<Emulator>,
    user: String,
}

impl std::fmt::Debug for SandboxCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxCredential")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

#[async_trait::async_trait]
impl TokenCredential for SandboxCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let token = self
            .emulator
            .issue_access_token(&self.user, &scopes.join(" "))
            .map_err(|error| {
                azure_core::Error::with_message(
                    azure_core::error::ErrorKind::Credential,
                    format!("the sandbox could not issue a token: {error}"),
                )
            })?;
        Ok(AccessToken::new(
            token,
            azure_core::time::OffsetDateTime::now_utc() + azure_core::time::Duration::minutes(5),
        ))
    }
}

struct Connected {
    services: Services,
    me: Me,
    watch: WatchSettings,
    grant: GrantSettings,
    /// Keeps the sandbox's servers alive while it is in use.
    _sandbox: Option<Arc<Emulator>>,
}

/// The app's connection to Azure (or the sandbox). One per app.
pub struct Session {
    settings_path: PathBuf,
    /// Cloud chosen by flags or environment (`--cloud`, `PFRM_CLOUD_CONFIG`), else remembered.
    cloud_selection: Option<String>,
    cloud_file: Option<PathBuf>,
    accounts: Mutex<Option<Arc<AccountManager>>>,
    connected: RwLock<Option<Connected>>,
    /// Every operation of the app; each connection acts through a clone tied to its account
    /// (or, for the sandbox, one that journals nothing).
    pub operations: Operations,
    /// The journal could not be read (shown on the Activity page).
    pub journal_warning: Option<Error>,
    /// Which emulated world the sandbox opens, and as whom.
    sandbox_world: SandboxWorld,
}

/// The sandbox's world: an emulator scenario (`first-time`, `returning`, `blocked`) and the
/// user to sign in as (the scenario's first user when unset). Other worlds than the default
/// let a newcomer see what the app shows, say, to someone who lacks a role.
#[derive(Debug, Clone)]
pub struct SandboxWorld {
    pub scenario: String,
    pub user: Option<String>,
}

impl Default for SandboxWorld {
    fn default() -> Self {
        SandboxWorld {
            scenario: DEFAULT_SANDBOX_SCENARIO.into(),
            user: None,
        }
    }
}

impl Session {
    pub fn new(
        settings_path: PathBuf,
        journal_path: Option<PathBuf>,
        cloud_selection: Option<String>,
        cloud_file: Option<PathBuf>,
    ) -> Session {
        let (operations, journal_warning) = pfrm_core::connection::open_operations(journal_path);
        Session {
            settings_path,
            cloud_selection,
            cloud_file,
            accounts: Mutex::new(None),
            connected: RwLock::new(None),
            operations,
            journal_warning,
            sandbox_world: SandboxWorld::default(),
        }
    }

    /// Opens the sandbox on `world` instead of the default one.
    pub fn with_sandbox_world(mut self, world: SandboxWorld) -> Session {
        self.sandbox_world = world;
        self
    }

    /// The settings file the session reads and writes.
    pub fn settings_path(&self) -> &std::path::Path {
        &self.settings_path
    }

    /// The account manager for the selected cloud, opened on first use (it reads the keychain).
    pub async fn accounts(&self) -> Result<Arc<AccountManager>, Error> {
        let mut slot = self.accounts.lock().await;
        if let Some(manager) = slot.as_ref() {
            return Ok(manager.clone());
        }
        let settings = Settings::load(&self.settings_path).settings;
        let (cloud, selection, file) = resolve_cloud(
            self.cloud_selection.as_deref(),
            self.cloud_file.as_deref(),
            &settings,
        )?;
        let manager =
            Arc::new(AccountManager::open_with_path(cloud, self.settings_path.clone()).await?);
        if self.cloud_selection.is_some() || self.cloud_file.is_some() {
            manager.save_cloud_selection(&selection, file)?;
        }
        *slot = Some(manager.clone());
        Ok(manager)
    }

    /// Whether the current connection is the sandbox (nothing in it is in Azure).
    pub async fn in_sandbox(&self) -> bool {
        self.connected
            .read()
            .await
            .as_ref()
            .is_some_and(|connected| connected._sandbox.is_some())
    }

    /// Where "today" comes from: the connection's clock (the sandbox's emulated date), else
    /// `PFRM_TODAY` or the system's date.
    pub async fn clock(&self) -> pfrm_core::migration::retirement::Clock {
        match self.connected.read().await.as_ref() {
            Some(connected) => connected.services.clock(),
            None => pfrm_core::migration::retirement::Clock::from_env_or(None),
        }
    }

    /// Services of the current connection; `sign_in_required` when there is none.
    pub async fn services(&self) -> Result<(Services, WatchSettings), Error> {
        if let Some(connected) = self.connected.read().await.as_ref() {
            return Ok((connected.services.clone(), connected.watch));
        }
        // Signed in on an earlier run: connect to the active account without asking again.
        let manager = self.accounts().await?;
        if manager
            .active_account()
            .await
            .is_some_and(|account| account.signed_in)
        {
            self.connect_account(&manager).await?;
            if let Some(connected) = self.connected.read().await.as_ref() {
                return Ok((connected.services.clone(), connected.watch));
            }
        }
        Err(
            Error::new(ErrorCode::SignInRequired, "You are not signed in.")
                .with_remedy("Sign in to Azure, or try the sandbox, from the Welcome page."),
        )
    }

    /// How grants of a role wait for Azure to apply them, for the current connection.
    pub async fn grant_settings(&self) -> GrantSettings {
        self.connected
            .read()
            .await
            .as_ref()
            .map_or_else(GrantSettings::default, |connected| connected.grant)
    }

    /// Connects to the manager's active account and resumes journaled operations.
    pub async fn connect_account(&self, manager: &AccountManager) -> Result<(), Error> {
        let services = pfrm_core::connection::connect_active_account(manager, &self.operations)?;
        let me = services.me().await?;
        self.set_connected(Connected {
            services,
            me,
            watch: WatchSettings::default(),
            grant: GrantSettings::default(),
            _sandbox: None,
        })
        .await;
        Ok(())
    }

    async fn set_connected(&self, connected: Connected) {
        let services = connected.services.clone();
        let watch = connected.watch;
        *self.connected.write().await = Some(connected);
        // Only this connection's own entries: another account's (or, for the sandbox, any real
        // account's) operations stay in the journal untouched.
        pfrm_core::connection::resume_pending_in_background(&services, watch);
    }

    /// Starts the sandbox: the local emulator in-process, signed in as its user.
    pub async fn start_sandbox(&self) -> Result<(), Error> {
        let unavailable = |error: String| {
            Error::new(
                ErrorCode::Internal,
                format!("The sandbox could not start: {error}"),
            )
            .with_remedy("Restart the app; if it happens again, send the log file (Settings → Open logs folder).")
        };
        let mut scenario = Scenario::by_name(&self.sandbox_world.scenario)
            .map_err(|e| unavailable(e.to_string()))?;
        scenario
            .settings
            .role_assignment_propagation_seconds
            .get_or_insert(SANDBOX_ROLE_PROPAGATION_SECONDS);
        let emulator = Emulator::start(EmulatorOptions {
            scenario,
            time_scale: SANDBOX_TIME_SCALE,
            ..EmulatorOptions::default()
        })
        .await
        .map_err(|e| unavailable(e.to_string()))?;
        let ready =
            serde_json::to_string(emulator.ready_info()).map_err(|e| unavailable(e.to_string()))?;
        let mut cloud = CloudConfig::from_custom_json(&ready)?;
        cloud.name = "Sandbox".into();
        let users = &emulator.ready_info().users;
        let user = match &self.sandbox_world.user {
            Some(wanted) => users
                .iter()
                .find(|user| user.user_name.eq_ignore_ascii_case(wanted))
                .ok_or_else(|| unavailable(format!("its world has no user {wanted}")))?,
            None => users
                .first()
                .ok_or_else(|| unavailable("its world has no user".into()))?,
        }
        .user_name
        .clone();
        let emulator = Arc::new(emulator);
        let credential = Arc::new(SandboxCredential {
            emulator: emulator.clone(),
            user,
        });
        // The sandbox's world is gone when it closes, so nothing of it is journaled, and it
        // never resumes (or ends) a real account's entries.
        let services = Services::new(cloud, credential, self.operations.unjournaled())?;
        let me = services.me().await?;
        tracing::info!("sandbox started");
        self.set_connected(Connected {
            services,
            me,
            watch: WatchSettings {
                poll_interval: Duration::from_millis(750),
                timeout: Duration::from_secs(10 * 60),
            },
            // Re-checks a new role often enough to see the sandbox's fast emulated time pass;
            // the limit stays generous so a busy machine does not end the wait early.
            grant: GrantSettings {
                poll_interval: Duration::from_millis(750),
                propagation_timeout: Duration::from_secs(2 * 60),
                principal_retry_timeout: Duration::from_secs(10),
                principal_retry_initial_delay: Duration::from_millis(200),
                principal_retry_max_delay: Duration::from_secs(1),
            },
            _sandbox: Some(emulator),
        })
        .await;
        Ok(())
    }

    /// Leaves the sandbox or forgets the connection (signing out is the account manager's).
    pub async fn disconnect(&self) {
        *self.connected.write().await = None;
    }

    pub async fn status(&self) -> Result<SessionStatus, Error> {
        // An account signed in on an earlier run connects without asking again; failing that,
        // the status below says what the user must do.
        if let Err(error) = self.services().await {
            if error.code != ErrorCode::SignInRequired {
                tracing::info!(code = %error.code, "could not reconnect the saved account");
            }
        }
        if let Some(connected) = self.connected.read().await.as_ref() {
            let sandbox = connected._sandbox.is_some();
            let sign_in = if sandbox {
                None
            } else {
                Some(self.accounts().await?.status().await)
            };
            return Ok(SessionStatus {
                mode: if sandbox {
                    SessionMode::Sandbox
                } else {
                    SessionMode::SignedIn
                },
                me: Some(connected.me.clone()),
                cloud: connected.services.cloud().name.clone(),
                sign_in,
            });
        }
        let manager = self.accounts().await?;
        let status = manager.status().await;
        Ok(SessionStatus {
            mode: SessionMode::SignedOut,
            me: None,
            cloud: manager.cloud().name.clone(),
            sign_in: Some(status),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pfrm_core::ops::{Journal, JournalEntry, OperationKind};

    /// A real account's create, journaled by an earlier run, as the journal file holds it.
    fn real_account_create() -> serde_json::Value {
        serde_json::json!({
            "version": 1,
            "operations": [{
                "id": "op-real-1",
                "kind": "createRuntime",
                "title": "Create runtime rt-prod on ci-prod",
                "target": "/subscriptions/s/resourcegroups/rg/providers/microsoft.machinelearningservices/workspaces/ws/flowruntimes/rt-prod",
                "startedAt": time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap(),
                "resume": {
                    "workspaceId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws",
                    "runtimeName": "rt-prod",
                    "computeInstance": "ci-prod",
                    "newApp": true
                },
                "cloud": "AzureCloud",
                "account": "oid.tid"
            }]
        })
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_sandbox_leaves_a_real_accounts_journal_entries_alone() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("operations.json");
        std::fs::write(&journal, real_account_create().to_string()).unwrap();
        let session = Session::new(
            dir.path().join("settings.json"),
            Some(journal.clone()),
            None,
            None,
        );
        session.start_sandbox().await.unwrap();
        assert!(session.in_sandbox().await);
        // Whatever the sandbox would do with the entry happens in the background; give it time.
        tokio::time::sleep(Duration::from_millis(500)).await;

        let entries: Vec<JournalEntry> = Journal::open(&journal).journal.entries().unwrap();
        assert_eq!(entries.len(), 1, "{entries:?}");
        assert_eq!(entries[0].id, "op-real-1");
        assert!(
            session.operations.list().is_empty(),
            "the sandbox resumed a real account's operation: {:?}",
            session.operations.list()
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
        let ids: Vec<String> = Journal::open(&journal)
            .journal
            .entries()
            .unwrap()
            .into_iter()
            .map(|entry| entry.id)
            .collect();
        assert_eq!(ids, ["op-real-1"]);
        handle.finish(&Ok(()));
        assert_eq!(Journal::open(&journal).journal.entries().unwrap().len(), 1);
    }
}
