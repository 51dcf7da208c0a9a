//! [`Session`]: who the app or a command acts as, and against which Azure: signed out, signed in
//! to a cloud through an account, or in the sandbox. It owns the settings file, the operations
//! journal, the account manager, the connection and the resumption of what an earlier run left
//! in flight; the desktop shell and the CLI only say where files live and what to start with.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use tokio::sync::{Mutex, RwLock};
use tokio_util::sync::CancellationToken;

use super::sandbox::{sandbox_pacing, SandboxOpener, SANDBOX_CLOUD_NAME};
use crate::auth::AccountManager;
use crate::error::{Error, ErrorCode};
use crate::migration::retirement::Clock;
use crate::ops::instance_sign_in::{self, InstanceSignInStatus};
use crate::ops::permissions::GrantSettings;
use crate::ops::runtimes::WatchSettings;
use crate::ops::Operations;
use crate::services::{Me, Services, SessionMode, SessionStatus};
use crate::settings::{resolve_cloud, LoadedSettings, Settings};

/// Who runs the session: the two differ in what they do on their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// The desktop app: a cloud given at launch is remembered at once, and operations left in
    /// flight by an earlier run resume in the background when an account connects.
    App,
    /// One command: a cloud given on its command line is remembered only by a sign-in
    /// (`pfrm login`), and nothing resumes on its own (`pfrm operations resume` does that).
    Command,
}

/// Where the session's files are, and the cloud chosen at launch.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    pub kind: SessionKind,
    pub settings_path: PathBuf,
    /// The operations journal shared by the app and every command (none: nothing journaled).
    pub journal_path: Option<PathBuf>,
    /// `--cloud` (`public`, `china`, `usgov`, `custom`), else the remembered choice.
    pub cloud: Option<String>,
    /// `--cloud-config`: a custom cloud's file.
    pub cloud_file: Option<PathBuf>,
}

/// What to connect to when the app starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StartChoice {
    /// The account signed in on an earlier run, if any (connected on first use).
    #[default]
    SavedAccount,
    /// The sandbox, whoever is signed in.
    Sandbox,
    /// The saved account when it is still signed in, else the sandbox.
    SandboxWhenSignedOut,
}

struct Connected {
    services: Services,
    /// Who the app acts as; the app learns it when connecting, a command never needs it.
    me: Option<Me>,
    watch: WatchSettings,
    grant: GrantSettings,
    /// The running sandbox, kept alive while it is in use; `None` for an account.
    sandbox: Option<Box<dyn std::any::Any + Send + Sync>>,
}

/// The connection of one app or one command to Azure (or the sandbox).
pub struct Session {
    options: SessionOptions,
    operations: OnceLock<(Operations, Option<Error>)>,
    accounts: Mutex<Option<Arc<AccountManager>>>,
    connected: RwLock<Option<Connected>>,
    /// Held while a connection opens, so commands arriving together connect (and resume the
    /// journal) once.
    connecting: Mutex<()>,
    sandbox: Option<Arc<dyn SandboxOpener>>,
    /// Cancels the interactive sign-in in progress, if any (see `accounts.rs`).
    pub(super) sign_in_cancel: Mutex<Option<CancellationToken>>,
}

impl Session {
    pub fn new(options: SessionOptions) -> Session {
        Session {
            options,
            operations: OnceLock::new(),
            accounts: Mutex::new(None),
            connected: RwLock::new(None),
            connecting: Mutex::new(()),
            sandbox: None,
            sign_in_cancel: Mutex::new(None),
        }
    }

    /// How this session starts the sandbox (without one, `start_sandbox` says it has none).
    pub fn with_sandbox(mut self, opener: Arc<dyn SandboxOpener>) -> Session {
        self.sandbox = Some(opener);
        self
    }

    /// Uses `manager` for the accounts instead of opening the keychain and system browser on
    /// first use (tests sign in through a scripted browser and a memory vault).
    pub fn with_account_manager(self, manager: Arc<AccountManager>) -> Session {
        Session {
            accounts: Mutex::new(Some(manager)),
            ..self
        }
    }

    /// Every operation of this process; each connection acts through a clone tied to its
    /// account (or, for the sandbox, one that journals nothing). The journal is opened on first
    /// use, so a command that never acts never reads it.
    pub fn operations(&self) -> &Operations {
        &self.opened_operations().0
    }

    /// Why the journal could not be read (it was moved aside and a fresh one started).
    pub fn journal_warning(&self) -> Option<&Error> {
        self.opened_operations().1.as_ref()
    }

    fn opened_operations(&self) -> &(Operations, Option<Error>) {
        self.operations
            .get_or_init(|| super::open_operations(self.options.journal_path.clone()))
    }

    /// The settings file the session reads and writes.
    pub fn settings_path(&self) -> &Path {
        &self.options.settings_path
    }

    /// The settings as the file holds them now, with a warning when it could not be used.
    pub fn load_settings(&self) -> LoadedSettings {
        Settings::load(&self.options.settings_path)
    }

    /// The settings as the file holds them now (defaults when it could not be used).
    pub fn settings(&self) -> Settings {
        self.load_settings().settings
    }

    /// Applies `change` to the settings on disk (re-read first, so what the app and other
    /// commands wrote meanwhile is kept) and returns what was saved.
    pub fn update_settings(&self, change: impl FnOnce(&mut Settings)) -> Result<Settings, Error> {
        Settings::update(&self.options.settings_path, &self.settings(), change)
    }

    /// The account manager for the chosen cloud, opened on first use (it reads the keychain).
    pub async fn accounts(&self) -> Result<Arc<AccountManager>, Error> {
        let mut slot = self.accounts.lock().await;
        if let Some(manager) = slot.as_ref() {
            return Ok(manager.clone());
        }
        let (cloud, _, _) = self.resolve_cloud()?;
        let manager = Arc::new(
            AccountManager::open_with_path(cloud, self.options.settings_path.clone()).await?,
        );
        // The app remembers a cloud given at launch at once.
        let given = self.options.cloud.is_some() || self.options.cloud_file.is_some();
        if self.options.kind == SessionKind::App && given {
            let (_, selection, file) = self.resolve_cloud()?;
            manager.save_cloud_selection(&selection, file)?;
        }
        *slot = Some(manager.clone());
        Ok(manager)
    }

    /// Remembers the cloud this session uses (given at launch, or remembered already) as the
    /// one to use next time: every sign-in does so.
    pub(super) async fn remember_cloud_choice(&self) -> Result<(), Error> {
        let manager = self.accounts().await?;
        let (_, selection, file) = self.resolve_cloud()?;
        manager.save_cloud_selection(&selection, file)
    }

    fn resolve_cloud(&self) -> Result<(crate::cloud::CloudConfig, String, Option<PathBuf>), Error> {
        resolve_cloud(
            self.options.cloud.as_deref(),
            self.options.cloud_file.as_deref(),
            &self.settings(),
        )
    }

    /// Connects as the launch asked: the sandbox, the saved account, or the sandbox when no
    /// account is signed in. Returns the status the app shows first.
    pub async fn start(&self, choice: StartChoice) -> Result<SessionStatus, Error> {
        let wants_sandbox = match choice {
            StartChoice::SavedAccount => false,
            StartChoice::Sandbox => true,
            // A saved account that cannot connect counts as signed out.
            StartChoice::SandboxWhenSignedOut => !self
                .status()
                .await
                .is_ok_and(|status| status.mode != SessionMode::SignedOut),
        };
        if wants_sandbox {
            self.start_sandbox().await?;
        }
        self.status().await
    }

    /// Whether the current connection is the sandbox (nothing in it is in Azure).
    pub async fn in_sandbox(&self) -> bool {
        self.connected
            .read()
            .await
            .as_ref()
            .is_some_and(|connected| connected.sandbox.is_some())
    }

    /// Where "today" comes from: the connection's clock (the sandbox's emulated date), else
    /// `PFRM_TODAY` or the system's date.
    pub async fn clock(&self) -> Clock {
        match self.connected.read().await.as_ref() {
            Some(connected) => connected.services.clock(),
            None => Clock::from_env_or(None),
        }
    }

    /// Services of the current connection and how long its operations wait. With none yet, the
    /// active account connects (signed in on an earlier run: no need to ask again); with no one
    /// signed in, `sign_in_required`.
    pub async fn services(&self) -> Result<(Services, WatchSettings), Error> {
        if let Some(connection) = self.current().await {
            return Ok(connection);
        }
        let _connecting = self.connecting.lock().await;
        // Another command may have connected while this one waited.
        if let Some(connection) = self.current().await {
            return Ok(connection);
        }
        if self.options.kind == SessionKind::App {
            let manager = self.accounts().await?;
            let signed_in = manager
                .active_account()
                .await
                .is_some_and(|account| account.signed_in);
            if !signed_in {
                return Err(
                    Error::new(ErrorCode::SignInRequired, "You are not signed in.").with_remedy(
                        "Sign in to Azure, or try the sandbox, from the Welcome page.",
                    ),
                );
            }
        }
        self.connect_active().await?;
        self.current()
            .await
            .ok_or_else(|| Error::internal("the connection was closed while it opened"))
    }

    async fn current(&self) -> Option<(Services, WatchSettings)> {
        let connected = self.connected.read().await;
        let connected = connected.as_ref()?;
        Some((connected.services.clone(), connected.watch))
    }

    /// How grants of a role wait for Azure to apply them, for the current connection.
    pub async fn grant_settings(&self) -> GrantSettings {
        self.connected
            .read()
            .await
            .as_ref()
            .map_or_else(GrantSettings::default, |connected| connected.grant)
    }

    /// Connects to the active account (after a sign-in or a switch) and, in the app, resumes
    /// that account's journaled operations. Fails with `sign_in_required` when no one is
    /// signed in.
    pub async fn connect_account(&self) -> Result<(), Error> {
        let _connecting = self.connecting.lock().await;
        self.connect_active().await
    }

    async fn connect_active(&self) -> Result<(), Error> {
        let manager = self.accounts().await?;
        // The credential is checked before the journal is opened: a signed-out command says so
        // without a journal warning first.
        manager.active_credential()?;
        let services = super::connect_active_account(&manager, self.operations())?;
        let me = match self.options.kind {
            SessionKind::App => Some(services.me().await?),
            SessionKind::Command => None,
        };
        self.set_connected(Connected {
            services,
            me,
            watch: WatchSettings::default(),
            grant: GrantSettings::default(),
            sandbox: None,
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
        if self.options.kind == SessionKind::App {
            super::resume_pending_in_background(&services, watch);
        }
    }

    /// Starts the sandbox and acts in it as its user.
    pub async fn start_sandbox(&self) -> Result<(), Error> {
        let _connecting = self.connecting.lock().await;
        let opener = self.sandbox.as_ref().ok_or_else(|| {
            Error::new(ErrorCode::InvalidInput, "This program has no sandbox.")
                .with_remedy("Sign in to Azure instead.")
        })?;
        let opened = opener.open().await?;
        let mut cloud = opened.cloud;
        cloud.name = SANDBOX_CLOUD_NAME.into();
        // The sandbox's world is gone when it closes, so nothing of it is journaled, and it
        // never resumes (or ends) a real account's entries.
        let services = Services::new(cloud, opened.credential, self.operations().unjournaled())?;
        let me = services.me().await?;
        let (watch, grant) = sandbox_pacing();
        tracing::info!("sandbox started");
        self.set_connected(Connected {
            services,
            me: Some(me),
            watch,
            grant,
            sandbox: Some(opened.keep_alive),
        })
        .await;
        Ok(())
    }

    /// Leaves the sandbox or forgets the connection (signing out is the account manager's).
    pub async fn disconnect(&self) {
        *self.connected.write().await = None;
    }

    /// What the welcome screen and the account menu show. An account signed in on an earlier
    /// run connects without asking again; failing that, the status says what the user must do.
    pub async fn status(&self) -> Result<SessionStatus, Error> {
        if let Err(error) = self.services().await {
            if error.code != ErrorCode::SignInRequired {
                tracing::info!(code = %error.code, "could not reconnect the saved account");
            }
        }
        let connection = self.connected.read().await.as_ref().map(|connected| {
            (
                connected.sandbox.is_some(),
                connected.me.clone(),
                connected.services.cloud().name.clone(),
            )
        });
        Ok(match connection {
            Some((true, me, cloud)) => SessionStatus {
                mode: SessionMode::Sandbox,
                me,
                cloud,
                sign_in: None,
            },
            Some((false, me, cloud)) => SessionStatus {
                mode: SessionMode::SignedIn,
                me,
                cloud,
                sign_in: Some(self.accounts().await?.status().await),
            },
            None => {
                let manager = self.accounts().await?;
                SessionStatus {
                    mode: SessionMode::SignedOut,
                    me: None,
                    cloud: manager.cloud().name.clone(),
                    sign_in: Some(manager.status().await),
                }
            }
        })
    }

    /// Whether the user must sign in on the instance's region before creating a runtime there,
    /// as of today. The sandbox's instances are emulated: their addresses would lead to Azure,
    /// so no sign-in page is given there.
    pub async fn instance_sign_in_status(
        &self,
        instance: &str,
        region: &str,
    ) -> Result<InstanceSignInStatus, Error> {
        let settings = self.settings();
        self.sign_in_status_as_shown(&settings, instance, region, system_today())
            .await
    }

    /// Remembers that the user signed in on the region's instances today (the sign-in page's
    /// day, the system's: it is Azure's session that expires, not the sandbox's).
    pub async fn record_instance_sign_in(
        &self,
        instance: &str,
        region: &str,
    ) -> Result<InstanceSignInStatus, Error> {
        let today = system_today();
        let (services, _) = self.services().await?;
        let settings = self.update_settings(|settings| {
            if let Err(error) =
                instance_sign_in::record_sign_in(settings, services.cloud(), region, today)
            {
                tracing::warn!(code = %error.code, "{}", error.message);
            }
        })?;
        self.sign_in_status_as_shown(&settings, instance, region, today)
            .await
    }

    async fn sign_in_status_as_shown(
        &self,
        settings: &Settings,
        instance: &str,
        region: &str,
        today: time::Date,
    ) -> Result<InstanceSignInStatus, Error> {
        let (services, _) = self.services().await?;
        let mut status =
            instance_sign_in::sign_in_status(settings, services.cloud(), instance, region, today)?;
        if self.in_sandbox().await {
            status.sign_in_url = None;
        }
        Ok(status)
    }

    /// The instance's sign-in page to open in the browser. The sandbox has none: it says so
    /// instead of giving a real Azure address.
    pub async fn instance_sign_in_url(
        &self,
        instance: &str,
        region: &str,
    ) -> Result<String, Error> {
        let (services, _) = self.services().await?;
        let url = instance_sign_in::sign_in_url(services.cloud(), instance, region)?;
        if self.in_sandbox().await {
            return Err(Error::new(
                ErrorCode::InvalidInput,
                "The sandbox's compute instances have no sign-in page.",
            )
            .with_remedy("Choose \"Done, it is authenticated\" to go on."));
        }
        Ok(url)
    }
}

fn system_today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}
