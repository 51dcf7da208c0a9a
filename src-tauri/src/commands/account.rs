//! The session: its status, the sandbox, signing in (browser, device code, Azure CLI) and out,
//! and switching account or tenant. Each answers the session's new status.

use pfrm_core::auth::DeviceCodePrompt;
use pfrm_core::connection::{SignIn, StartChoice};
use pfrm_core::model::Tenant;
use pfrm_core::services::SessionStatus;
use tauri::ipc::Channel;

use super::{Host, Reply};

pub async fn session_status(host: &Host) -> Reply<SessionStatus> {
    host.session().status().await
}

pub async fn start_sandbox(host: &Host) -> Reply<SessionStatus> {
    host.session().start(StartChoice::Sandbox).await
}

pub async fn leave_sandbox(host: &Host) -> Reply<SessionStatus> {
    host.session().leave_sandbox().await
}

pub async fn sign_in_browser(host: &Host, tenant: Option<String>) -> Reply<SessionStatus> {
    host.session()
        .sign_in(SignIn::Browser, tenant.as_deref())
        .await
}

/// The code and page go to `on_prompt` while the session waits for the user.
pub async fn sign_in_device_code(
    host: &Host,
    tenant: Option<String>,
    on_prompt: Channel<DeviceCodePrompt>,
) -> Reply<SessionStatus> {
    let show = move |prompt: DeviceCodePrompt| {
        if let Err(error) = on_prompt.send(prompt) {
            tracing::warn!(%error, "the device code could not be shown");
        }
    };
    let how = SignIn::DeviceCode(&show);
    host.session().sign_in(how, tenant.as_deref()).await
}

pub async fn sign_in_azure_cli(host: &Host, tenant: Option<String>) -> Reply<SessionStatus> {
    host.session()
        .sign_in(SignIn::AzureCli, tenant.as_deref())
        .await
}

pub async fn cancel_sign_in(host: &Host) -> Reply<()> {
    host.session().cancel_sign_in().await;
    Ok(())
}

pub async fn sign_out(host: &Host, account_id: String) -> Reply<SessionStatus> {
    host.session().sign_out(&account_id).await
}

pub async fn switch_account(host: &Host, account_id: String) -> Reply<SessionStatus> {
    host.session().switch_account(&account_id).await
}

pub async fn list_tenants(host: &Host, account_id: String) -> Reply<Vec<Tenant>> {
    host.session().list_tenants(&account_id).await
}

pub async fn switch_tenant(
    host: &Host,
    account_id: String,
    tenant_id: String,
) -> Reply<SessionStatus> {
    host.session().switch_tenant(&account_id, &tenant_id).await
}
