//! Signing in (browser, device code, Azure CLI) and the browser's re-authentication for claims
//! challenges: each ends by remembering the account and making it the active one.

use std::sync::Arc;

use async_trait::async_trait;
use azure_core::credentials::TokenCredential;
use tokio_util::sync::CancellationToken;

use super::{AccountManager, AccountSummary, LiveCredential};
use crate::auth::browser::{sign_in_with_browser, BrowserLauncher, BrowserSignInRequest};
use crate::auth::device_code::{sign_in_with_device_code, DeviceCodePrompt};
use crate::auth::discovery::Discovery;
use crate::auth::oauth::{IdTokenClaims, TokenEndpoint, TokenSet};
use crate::auth::session::{InteractiveReauth, ReauthRequest};
use crate::error::{Error, ErrorCode};
use crate::settings::{AccountRecord, SignInMethod};

/// Interactive re-authentication through the browser (claims challenges).
#[derive(Debug)]
struct BrowserReauth {
    discovery: Arc<Discovery>,
    endpoint: Arc<dyn TokenEndpoint>,
    launcher: Arc<dyn BrowserLauncher>,
    redirect_host: String,
}

#[async_trait]
impl InteractiveReauth for BrowserReauth {
    async fn reauthenticate(
        &self,
        reauth: ReauthRequest<'_>,
        cancel: &CancellationToken,
    ) -> Result<TokenSet, Error> {
        let mut request = BrowserSignInRequest::new(reauth.tenant, reauth.scopes.to_vec());
        request.login_hint = reauth.login_hint.map(str::to_owned);
        request.claims = Some(reauth.claims.to_owned());
        request.redirect_host = self.redirect_host.clone();
        sign_in_with_browser(
            &self.discovery,
            self.endpoint.as_ref(),
            self.launcher.as_ref(),
            &request,
            cancel,
        )
        .await
    }
}

impl AccountManager {
    pub(super) fn reauth(&self) -> Arc<dyn InteractiveReauth> {
        Arc::new(BrowserReauth {
            discovery: self.discovery.clone(),
            endpoint: self.endpoint.clone(),
            launcher: self.launcher.clone(),
            redirect_host: self.cloud.redirect_host.clone(),
        })
    }

    /// Browser sign-in. `tenant`: a tenant id or domain; `None` uses the cloud's default.
    pub async fn sign_in_with_browser(
        &self,
        tenant: Option<&str>,
        cancel: &CancellationToken,
    ) -> Result<AccountSummary, Error> {
        self.interactive(tenant, SignInMethod::Browser, |tenant, scopes| async move {
            let mut request = BrowserSignInRequest::new(tenant, scopes);
            request.redirect_host = self.cloud.redirect_host.clone();
            let launcher = self.launcher.as_ref();
            sign_in_with_browser(&self.discovery, &*self.endpoint, launcher, &request, cancel).await
        })
        .await
    }

    /// Device code sign-in; `on_prompt` receives the code and the page to show the user.
    pub async fn sign_in_with_device_code(
        &self,
        tenant: Option<&str>,
        on_prompt: &(dyn Fn(DeviceCodePrompt) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<AccountSummary, Error> {
        self.interactive(
            tenant,
            SignInMethod::DeviceCode,
            |tenant, scopes| async move {
                let endpoint = self.endpoint.as_ref();
                sign_in_with_device_code(
                    &self.discovery,
                    endpoint,
                    &tenant,
                    &scopes,
                    on_prompt,
                    cancel,
                )
                .await
            },
        )
        .await
    }

    /// An interactive sign-in (`flow`, given the tenant and scopes to ask for) whose account is
    /// then remembered as the active one. `tenant`: `None` uses the cloud's default.
    async fn interactive<Flow, Run>(
        &self,
        tenant: Option<&str>,
        method: SignInMethod,
        flow: Flow,
    ) -> Result<AccountSummary, Error>
    where
        Flow: FnOnce(String, Vec<String>) -> Run,
        Run: std::future::Future<Output = Result<TokenSet, Error>>,
    {
        let tenant = tenant
            .map(str::to_owned)
            .unwrap_or_else(|| self.default_tenant());
        let scopes = self.sign_in_scopes();
        let tokens = flow(tenant.clone(), scopes.clone()).await?;
        self.finish_interactive(tokens, &tenant, method, &scopes)
            .await
    }

    /// Reuses an existing `az login`.
    pub async fn sign_in_with_azure_cli(
        &self,
        tenant: Option<&str>,
    ) -> Result<AccountSummary, Error> {
        let credential = Arc::new(self.azure_cli_credential(tenant.map(str::to_owned))?);
        let scope = self.cloud.arm_scope();
        let token = credential
            .get_token(&[scope.as_str()], None)
            .await
            .map_err(|e| crate::auth::from_azure_error(&e))?;
        let claims = IdTokenClaims::from_jwt(token.token.secret()).unwrap_or_default();
        let record =
            self.record_from_claims(&claims, tenant.unwrap_or(""), SignInMethod::AzureCli)?;
        let id = record.id.clone();
        self.live
            .lock()
            .unwrap()
            .insert(id.clone(), LiveCredential::Cli(credential));
        self.remember(record)?;
        self.summary(&id)
    }

    fn record_from_claims(
        &self,
        claims: &IdTokenClaims,
        requested_tenant: &str,
        method: SignInMethod,
    ) -> Result<AccountRecord, Error> {
        let user_id = claims.user_id().ok_or_else(|| {
            Error::new(
                ErrorCode::Service,
                "The sign-in answer did not say who signed in.",
            )
            .with_remedy("Try again; if it keeps happening, check the cloud settings.")
        })?;
        let home_tenant = claims.tid.clone();
        let tenant = match requested_tenant {
            "" | "organizations" | "common" | "consumers" => {
                home_tenant.clone().unwrap_or_else(|| self.default_tenant())
            }
            specific => specific.to_owned(),
        };
        Ok(AccountRecord {
            // `oid.tid` as Entra's own account ids; servers without tenants have the user id only.
            id: match home_tenant.as_deref() {
                Some(tid) => format!("{user_id}.{tid}"),
                None => user_id.to_owned(),
            },
            cloud: self.cloud.name.clone(),
            username: claims
                .username()
                .map(str::to_owned)
                .unwrap_or_else(|| user_id.to_owned()),
            display_name: claims.name.clone(),
            home_tenant_id: home_tenant,
            tenant_id: tenant,
            method,
        })
    }

    async fn finish_interactive(
        &self,
        tokens: TokenSet,
        requested_tenant: &str,
        method: SignInMethod,
        scopes: &[String],
    ) -> Result<AccountSummary, Error> {
        // Only the claims of an ID token the flow validated say who signed in.
        let claims = tokens
            .id_token
            .clone()
            .ok_or_else(|| crate::auth::id_token::rejected("was not validated", "not_validated"))?;
        let record = self.record_from_claims(&claims, requested_tenant, method)?;
        let id = record.id.clone();
        let credential = self.new_user_credential(&record);
        credential.accept_sign_in(tokens, scopes).await?;
        self.live
            .lock()
            .unwrap()
            .insert(id.clone(), LiveCredential::User(credential));
        self.remember(record)?;
        self.summary(&id)
    }
}
