//! Signed-in accounts: sign in (three ways), list, switch account or tenant, sign out.
//!
//! Account records (names, tenant ids, method) live in the settings file; refresh tokens live in
//! the [`TokenVault`]; access tokens only in memory inside each credential. The sign-in flows
//! are in [`sign_in`].

mod sign_in;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use azure_core::credentials::TokenCredential;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::azure_cli::{AzCliExecutor, CachedAzureCliCredential};
use super::browser::{BrowserLauncher, SystemBrowser};
use super::discovery::Discovery;
use super::oauth::{Authority, HttpTokenEndpoint, TokenEndpoint};
use super::refresh_lock::RefreshLock;
use super::session::{SessionState, UserCredential};
use super::store::TokenVault;
use crate::cloud::CloudConfig;
use crate::error::{Error, ErrorCode};
use crate::model::Tenant;
pub use crate::settings::SignInMethod;
use crate::settings::{AccountRecord, Settings};

/// One account as the GUI's account menu and `pfrm account list` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountSummary {
    pub id: String,
    pub username: String,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_tenant_id: Option<String>,
    pub tenant_id: String,
    pub method: SignInMethod,
    pub cloud: String,
    pub is_active: bool,
    /// False when the saved sign-in expired or was revoked: the user must sign in again.
    pub signed_in: bool,
}

/// Overall sign-in state for the welcome screen and the account menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SignInState {
    SignedOut,
    SignedIn,
    /// The active account's sign-in expired or was revoked.
    SignInRequired,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignInStatus {
    pub state: SignInState,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_account: Option<AccountSummary>,
    pub accounts: Vec<AccountSummary>,
    /// True when no usable keychain was found: sign-ins last for this run only (show a banner).
    pub memory_only: bool,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keychain_problem: Option<String>,
    /// Set when the settings file was damaged and defaults were used.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings_warning: Option<String>,
}

enum LiveCredential {
    User(UserCredential),
    Cli(Arc<CachedAzureCliCredential>),
}

/// The accounts of one cloud. See the module docs.
pub struct AccountManager {
    cloud: CloudConfig,
    discovery: Arc<Discovery>,
    endpoint: Arc<dyn TokenEndpoint>,
    refresh_lock: RefreshLock,
    launcher: Arc<dyn BrowserLauncher>,
    vault: TokenVault,
    settings_path: PathBuf,
    settings: Mutex<Settings>,
    settings_warning: Option<String>,
    live: Mutex<HashMap<String, LiveCredential>>,
    /// How `az` is run for Azure CLI sign-ins (`None`: found on this system's PATH when used).
    az: Option<Arc<AzCliExecutor>>,
}

impl std::fmt::Debug for AccountManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountManager")
            .field("cloud", &self.cloud.name)
            .field("settings_path", &self.settings_path)
            .field("memory_only", &self.vault.is_memory_only())
            .finish_non_exhaustive()
    }
}

impl AccountManager {
    /// Everything explicit: tests pass a memory vault and a scripted browser.
    pub fn new(
        cloud: CloudConfig,
        settings_path: PathBuf,
        vault: TokenVault,
        launcher: Arc<dyn BrowserLauncher>,
    ) -> Result<Self, Error> {
        let authority = Authority::new(cloud.authority_host.clone(), cloud.client_id.clone())?;
        let http = super::identity_http_client(&cloud)?;
        let endpoint: Arc<dyn TokenEndpoint> =
            Arc::new(HttpTokenEndpoint::new(authority.clone(), http.clone()));
        let discovery = Arc::new(Discovery::new(authority, http));
        let loaded = Settings::load(&settings_path);
        // The app and every command using these settings share their refresh tokens, so they
        // share the refresh lock too.
        let refresh_lock = match settings_path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => RefreshLock::in_dir(dir),
            _ => RefreshLock::in_dir(std::path::Path::new(".")),
        };
        Ok(AccountManager {
            cloud,
            discovery,
            endpoint,
            refresh_lock,
            launcher,
            vault,
            settings_path,
            settings: Mutex::new(loaded.settings),
            settings_warning: loaded.warning,
            live: Mutex::new(HashMap::new()),
            az: None,
        })
    }

    /// Runs `az` through `executor` for Azure CLI sign-ins instead of finding it on this
    /// process's PATH (tests give a stand-in `az` without changing the process's environment).
    pub fn with_azure_cli(self, executor: AzCliExecutor) -> Self {
        AccountManager {
            az: Some(Arc::new(executor)),
            ..self
        }
    }

    /// The Azure CLI credential for `tenant`, run as this manager runs `az`.
    fn azure_cli_credential(
        &self,
        tenant: Option<String>,
    ) -> Result<CachedAzureCliCredential, Error> {
        match &self.az {
            Some(executor) => CachedAzureCliCredential::with_executor(tenant, executor.clone()),
            None => CachedAzureCliCredential::new(tenant),
        }
    }

    /// The production set-up: OS keychain (or memory only), system browser, default settings path.
    pub async fn open(cloud: CloudConfig) -> Result<Self, Error> {
        Self::open_with_path(cloud, crate::settings::default_settings_path()?).await
    }

    /// Like [`Self::open`] with an explicit settings file.
    pub async fn open_with_path(cloud: CloudConfig, settings_path: PathBuf) -> Result<Self, Error> {
        let vault = TokenVault::open_system().await;
        Self::new(cloud, settings_path, vault, Arc::new(SystemBrowser))
    }

    /// Remembers the cloud choice (`public`, `china`, `usgov`, `custom` + its file).
    pub fn save_cloud_selection(
        &self,
        selection: &str,
        custom_file: Option<PathBuf>,
    ) -> Result<(), Error> {
        self.update_settings(|settings| {
            settings.cloud = Some(selection.to_owned());
            if custom_file.is_some() || selection != "custom" {
                settings.custom_cloud_file = custom_file;
            }
        })
    }

    pub fn cloud(&self) -> &CloudConfig {
        &self.cloud
    }

    pub fn vault(&self) -> &TokenVault {
        &self.vault
    }

    fn default_tenant(&self) -> String {
        self.cloud
            .default_tenant
            .clone()
            .unwrap_or_else(|| "organizations".to_owned())
    }

    fn sign_in_scopes(&self) -> Vec<String> {
        vec![self.cloud.arm_scope()]
    }

    fn vault_key(&self, account_id: &str) -> String {
        format!("{}/{account_id}", self.cloud.name)
    }

    /// Applies `change` to the settings file (re-read first, so the app's and the CLI's other
    /// changes are kept) and to the in-memory copy.
    fn update_settings(&self, change: impl FnOnce(&mut Settings)) -> Result<(), Error> {
        let mut settings = self.settings.lock().unwrap();
        *settings = Settings::update(&self.settings_path, &settings, change)?;
        Ok(())
    }

    fn remember(&self, record: AccountRecord) -> Result<(), Error> {
        self.update_settings(|settings| {
            settings.accounts.retain(|a| a.id != record.id);
            settings.active_account = Some(record.id.clone());
            settings.accounts.push(record);
        })
    }

    fn records(&self) -> Vec<AccountRecord> {
        self.settings
            .lock()
            .unwrap()
            .accounts
            .iter()
            .filter(|a| a.cloud == self.cloud.name)
            .cloned()
            .collect()
    }

    fn record(&self, id: &str) -> Result<AccountRecord, Error> {
        self.records()
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| {
                Error::new(ErrorCode::NotFound, format!("No signed-in account '{id}'."))
                    .with_remedy("List the accounts with `pfrm account list`, or sign in.")
            })
    }

    fn active_id(&self) -> Option<String> {
        let settings = self.settings.lock().unwrap();
        let active = settings.active_account.clone()?;
        settings
            .accounts
            .iter()
            .any(|a| a.id == active && a.cloud == self.cloud.name)
            .then_some(active)
    }

    fn summary_of(
        &self,
        record: &AccountRecord,
        active: Option<&str>,
        signed_in: bool,
    ) -> AccountSummary {
        AccountSummary {
            id: record.id.clone(),
            username: record.username.clone(),
            display_name: record.display_name.clone(),
            home_tenant_id: record.home_tenant_id.clone(),
            tenant_id: record.tenant_id.clone(),
            method: record.method,
            cloud: record.cloud.clone(),
            is_active: active == Some(record.id.as_str()),
            signed_in,
        }
    }

    /// The summary right after a change made by this process (its sign-in state as this
    /// process knows it).
    fn summary(&self, id: &str) -> Result<AccountSummary, Error> {
        let record = self.record(id)?;
        let signed_in = match self.live.lock().unwrap().get(id) {
            Some(LiveCredential::User(credential)) => credential.state() == SessionState::Active,
            _ => true,
        };
        Ok(self.summary_of(&record, self.active_id().as_deref(), signed_in))
    }

    /// Whether the account can still get tokens without the user: for browser and device code
    /// sign-ins, a refresh token must be in the keychain now (it may have been removed by another
    /// process, by the user, or never saved: a memory-only sign-in of a process that has ended).
    async fn has_usable_credential(&self, record: &AccountRecord) -> bool {
        if record.method == SignInMethod::AzureCli {
            return true;
        }
        let live_state = match self.live.lock().unwrap().get(&record.id) {
            Some(LiveCredential::User(credential)) => Some(credential.state()),
            _ => None,
        };
        if live_state == Some(SessionState::SignInRequired) {
            return false;
        }
        matches!(
            self.vault.get_stored(&self.vault_key(&record.id)).await,
            Ok(Some(_))
        )
    }

    /// The accounts of this cloud, the active one marked, each with whether its sign-in is usable.
    pub async fn accounts(&self) -> Vec<AccountSummary> {
        let active = self.active_id();
        let mut accounts = Vec::new();
        for record in self.records() {
            let signed_in = self.has_usable_credential(&record).await;
            accounts.push(self.summary_of(&record, active.as_deref(), signed_in));
        }
        accounts
    }

    /// The active account's id, without checking its sign-in.
    pub fn active_account_id(&self) -> Option<String> {
        self.active_id()
    }

    pub async fn active_account(&self) -> Option<AccountSummary> {
        self.accounts().await.into_iter().find(|a| a.is_active)
    }

    pub async fn status(&self) -> SignInStatus {
        let accounts = self.accounts().await;
        let active_account = accounts.iter().find(|a| a.is_active).cloned();
        let state = match &active_account {
            None => SignInState::SignedOut,
            Some(account) if account.signed_in => SignInState::SignedIn,
            Some(_) => SignInState::SignInRequired,
        };
        SignInStatus {
            state,
            active_account,
            accounts,
            memory_only: self.vault.is_memory_only(),
            keychain_problem: self.vault.keychain_problem(),
            settings_warning: self.settings_warning.clone(),
        }
    }

    pub fn switch_account(&self, id: &str) -> Result<AccountSummary, Error> {
        self.record(id)?;
        self.update_settings(|settings| settings.active_account = Some(id.to_owned()))?;
        self.summary(id)
    }

    fn live_credential(&self, record: &AccountRecord) -> Result<Arc<dyn TokenCredential>, Error> {
        let mut live = self.live.lock().unwrap();
        if !live.contains_key(&record.id) {
            let credential = match record.method {
                SignInMethod::AzureCli => {
                    LiveCredential::Cli(Arc::new(self.azure_cli_credential(
                        Some(record.tenant_id.clone()).filter(|t| !t.is_empty()),
                    )?))
                }
                SignInMethod::Browser | SignInMethod::DeviceCode => {
                    LiveCredential::User(self.new_user_credential(record))
                }
            };
            live.insert(record.id.clone(), credential);
        }
        Ok(match &live[&record.id] {
            LiveCredential::User(credential) => Arc::new(credential.clone()),
            LiveCredential::Cli(credential) => credential.clone(),
        })
    }

    /// A credential for an interactive account, sharing this manager's vault and refresh lock.
    fn new_user_credential(&self, record: &AccountRecord) -> UserCredential {
        UserCredential::new(
            self.vault_key(&record.id),
            Some(record.username.clone()),
            record.tenant_id.clone(),
            self.endpoint.clone(),
            self.vault.clone(),
            Some(self.reauth()),
        )
        .with_refresh_lock(self.refresh_lock.clone())
    }

    /// The credential of one account, for `http::Pipeline::new`.
    pub fn credential(&self, id: &str) -> Result<Arc<dyn TokenCredential>, Error> {
        let record = self.record(id)?;
        self.live_credential(&record)
    }

    /// The active account's credential.
    pub fn active_credential(&self) -> Result<Arc<dyn TokenCredential>, Error> {
        let id = self
            .active_id()
            .ok_or_else(|| super::oauth::sign_in_required("No one is signed in."))?;
        self.credential(&id)
    }

    /// The user credential of an interactive account (tests and diagnostics).
    pub fn user_credential(&self, id: &str) -> Option<UserCredential> {
        let record = self.record(id).ok()?;
        self.live_credential(&record).ok()?;
        match self.live.lock().unwrap().get(id)? {
            LiveCredential::User(credential) => Some(credential.clone()),
            LiveCredential::Cli(_) => None,
        }
    }

    /// The tenants the account can use, every page of ARM `GET /tenants`.
    pub async fn list_tenants(&self, id: &str) -> Result<Vec<Tenant>, Error> {
        let pipeline = crate::http::Pipeline::new(&self.cloud, self.credential(id)?)?;
        let tenants = crate::azure::arm::ArmClient::new(pipeline)
            .list_tenants()
            .await?;
        Ok(tenants.iter().map(Tenant::from).collect())
    }

    /// Makes `tenant_id` the tenant tokens of account `id` are requested for.
    pub fn switch_tenant(&self, id: &str, tenant_id: &str) -> Result<AccountSummary, Error> {
        self.record(id)?;
        {
            let mut live = self.live.lock().unwrap();
            match live.get(id) {
                Some(LiveCredential::User(credential)) => credential.set_tenant(tenant_id),
                // The CLI credential is bound to its tenant: make a new one on next use.
                Some(LiveCredential::Cli(_)) => {
                    live.remove(id);
                }
                None => {}
            }
        }
        self.update_settings(|settings| {
            if let Some(account) = settings.accounts.iter_mut().find(|a| a.id == id) {
                account.tenant_id = tenant_id.to_owned();
            }
        })?;
        self.summary(id)
    }

    /// Signs an account out: its keychain entries and in-memory tokens are removed.
    pub async fn sign_out(&self, id: &str) -> Result<(), Error> {
        let record = self.record(id)?;
        let live = self.live.lock().unwrap().remove(id);
        if record.method != SignInMethod::AzureCli {
            // Through a credential, so the removal waits for any refresh under way (this
            // process's or another's) instead of racing its write of the rotated token.
            let credential = match live {
                Some(LiveCredential::User(credential)) => credential,
                _ => self.new_user_credential(&record),
            };
            credential.forget().await?;
        }
        let cloud = self.cloud.name.clone();
        self.update_settings(|settings| {
            settings.accounts.retain(|a| a.id != id);
            if settings.active_account.as_deref() == Some(id) {
                settings.active_account = settings
                    .accounts
                    .iter()
                    .find(|a| a.cloud == cloud)
                    .map(|a| a.id.clone());
            }
        })
    }
}
