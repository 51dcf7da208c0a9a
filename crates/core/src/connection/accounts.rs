//! Signing in, out and switching, through the session: each changes who the session acts as,
//! connects as that account and answers the status the app shows next. A new interactive
//! sign-in cancels the one in progress, and [`Session::cancel_sign_in`] cancels it from
//! elsewhere (the app's Cancel button).

use tokio_util::sync::CancellationToken;

use super::Session;
use crate::auth::DeviceCodePrompt;
use crate::error::Error;
use crate::model::Tenant;
use crate::services::SessionStatus;

/// How the user signs in.
pub enum SignIn<'a> {
    /// The system browser, on the identity platform's page.
    Browser,
    /// A code typed on another device; the closure shows the code and the page to the user
    /// while the session waits.
    DeviceCode(&'a (dyn Fn(DeviceCodePrompt) + Send + Sync)),
    /// An existing `az login`.
    AzureCli,
}

impl Session {
    /// Signs in (`tenant`: an id or domain; `None`: the cloud's default), makes the account the
    /// active one, remembers the session's cloud as the one to use next time (the app and
    /// `pfrm login` alike) and connects as the account.
    pub async fn sign_in(
        &self,
        how: SignIn<'_>,
        tenant: Option<&str>,
    ) -> Result<SessionStatus, Error> {
        let cancel = self.replace_sign_in_token().await;
        let manager = self.accounts().await?;
        match how {
            SignIn::Browser => manager.sign_in_with_browser(tenant, &cancel).await?,
            SignIn::DeviceCode(show) => {
                manager
                    .sign_in_with_device_code(tenant, show, &cancel)
                    .await?
            }
            SignIn::AzureCli => manager.sign_in_with_azure_cli(tenant).await?,
        };
        self.remember_cloud_choice().await?;
        self.connect_account().await?;
        self.status().await
    }

    /// A fresh cancel token for a sign-in; the one of the sign-in before is fired.
    async fn replace_sign_in_token(&self) -> CancellationToken {
        let token = CancellationToken::new();
        if let Some(previous) = self.sign_in_cancel.lock().await.replace(token.clone()) {
            previous.cancel();
        }
        token
    }

    /// Stops the interactive sign-in in progress; it ends with `cancelled`.
    pub async fn cancel_sign_in(&self) {
        if let Some(token) = self.sign_in_cancel.lock().await.take() {
            token.cancel();
        }
    }

    /// Signs the account out (its tokens leave the keychain) and drops the connection.
    pub async fn sign_out(&self, account_id: &str) -> Result<SessionStatus, Error> {
        self.accounts().await?.sign_out(account_id).await?;
        self.disconnect().await;
        self.status().await
    }

    /// Makes another signed-in account the active one and connects as it.
    pub async fn switch_account(&self, account_id: &str) -> Result<SessionStatus, Error> {
        self.accounts().await?.switch_account(account_id)?;
        self.connect_account().await?;
        self.status().await
    }

    /// The tenants the account can use.
    pub async fn list_tenants(&self, account_id: &str) -> Result<Vec<Tenant>, Error> {
        self.accounts().await?.list_tenants(account_id).await
    }

    /// Acts as the account in another of its tenants from now on.
    pub async fn switch_tenant(
        &self,
        account_id: &str,
        tenant_id: &str,
    ) -> Result<SessionStatus, Error> {
        self.accounts()
            .await?
            .switch_tenant(account_id, tenant_id)?;
        self.connect_account().await?;
        self.status().await
    }

    /// Leaves the sandbox (its local Azure stops) for the saved account, or the Welcome page.
    pub async fn leave_sandbox(&self) -> Result<SessionStatus, Error> {
        self.disconnect().await;
        self.status().await
    }
}
