//! The session: its status, the sandbox, signing in (browser, device code, Azure CLI) and out,
//! and switching account or tenant. Each answers the session's new status.

use pfrm_core::auth::{AccountSummary, DeviceCodePrompt};
use pfrm_core::model::Tenant;
use pfrm_core::services::SessionStatus;
use tauri::ipc::Channel;
use tokio_util::sync::CancellationToken;

use super::{Host, Reply};
use crate::AppState;

pub async fn session_status(host: &Host) -> Reply<SessionStatus> {
    host.state().session.status().await
}

pub async fn start_sandbox(host: &Host) -> Reply<SessionStatus> {
    let session = &host.state().session;
    session.start_sandbox().await?;
    session.status().await
}

pub async fn leave_sandbox(host: &Host) -> Reply<SessionStatus> {
    let session = &host.state().session;
    session.disconnect().await;
    session.status().await
}

/// A fresh cancel token for a sign-in; [`cancel_sign_in`] fires the current one.
async fn sign_in_token(state: &AppState) -> CancellationToken {
    let token = CancellationToken::new();
    if let Some(previous) = state.sign_in_cancel.lock().await.replace(token.clone()) {
        previous.cancel();
    }
    token
}

async fn finish_sign_in(state: &AppState, outcome: Reply<AccountSummary>) -> Reply<SessionStatus> {
    outcome?;
    state.session.connect_account().await?;
    state.session.status().await
}

pub async fn sign_in_browser(host: &Host, tenant: Option<String>) -> Reply<SessionStatus> {
    let state = host.state();
    let cancel = sign_in_token(state).await;
    let manager = state.session.accounts().await?;
    let outcome = manager
        .sign_in_with_browser(tenant.as_deref(), &cancel)
        .await;
    finish_sign_in(state, outcome).await
}

pub async fn sign_in_device_code(
    host: &Host,
    tenant: Option<String>,
    on_prompt: Channel<DeviceCodePrompt>,
) -> Reply<SessionStatus> {
    let state = host.state();
    let cancel = sign_in_token(state).await;
    let manager = state.session.accounts().await?;
    let show = move |prompt: DeviceCodePrompt| {
        if let Err(error) = on_prompt.send(prompt) {
            tracing::warn!(%error, "the device code could not be shown");
        }
    };
    let outcome = manager
        .sign_in_with_device_code(tenant.as_deref(), &show, &cancel)
        .await;
    finish_sign_in(state, outcome).await
}

pub async fn sign_in_azure_cli(host: &Host, tenant: Option<String>) -> Reply<SessionStatus> {
    let state = host.state();
    let manager = state.session.accounts().await?;
    let outcome = manager.sign_in_with_azure_cli(tenant.as_deref()).await;
    finish_sign_in(state, outcome).await
}

pub async fn cancel_sign_in(host: &Host) -> Reply<()> {
    if let Some(token) = host.state().sign_in_cancel.lock().await.take() {
        token.cancel();
    }
    Ok(())
}

pub async fn sign_out(host: &Host, account_id: String) -> Reply<SessionStatus> {
    let session = &host.state().session;
    let manager = session.accounts().await?;
    manager.sign_out(&account_id).await?;
    session.disconnect().await;
    session.status().await
}

pub async fn switch_account(host: &Host, account_id: String) -> Reply<SessionStatus> {
    let session = &host.state().session;
    let manager = session.accounts().await?;
    manager.switch_account(&account_id)?;
    session.connect_account().await?;
    session.status().await
}

pub async fn list_tenants(host: &Host, account_id: String) -> Reply<Vec<Tenant>> {
    let manager = host.state().session.accounts().await?;
    manager.list_tenants(&account_id).await
}

pub async fn switch_tenant(
    host: &Host,
    account_id: String,
    tenant_id: String,
) -> Reply<SessionStatus> {
    let session = &host.state().session;
    let manager = session.accounts().await?;
    manager.switch_tenant(&account_id, &tenant_id)?;
    session.connect_account().await?;
    session.status().await
}
