//! Commands that act in Azure (or the sandbox). Each parses its input, calls `pfrm_core`, and
//! returns the result or a `pfrm_core::Error`; progress of long work flows through
//! [`watch_operations`].

use pfrm_core::auth::{AccountSummary, DeviceCodePrompt, TenantSummary};
use pfrm_core::model::ComputeInstanceSummary;
use pfrm_core::model::{RuntimeDetails, RuntimeSummary};
use pfrm_core::ops::instance_sign_in::{self, CustomAppAvailability, InstanceSignInStatus};
use pfrm_core::ops::runtimes::{
    self, CreateRuntimeRequest, DeleteRuntimeRequest, EnvironmentChoice, InstanceChoice,
};
use pfrm_core::ops::workspaces::{
    self, WorkspaceCheck, WorkspaceListing, DEFAULT_PARALLEL_REQUESTS,
};
use pfrm_core::ops::OperationSnapshot;
use pfrm_core::preflight::PlannedApp;
use pfrm_core::services::SessionStatus;
use pfrm_core::settings::Settings;
use pfrm_core::{Error, ErrorCode};
use tauri::ipc::Channel;
use tauri::State;
use tauri_plugin_opener::OpenerExt;
use tokio_util::sync::CancellationToken;

use crate::AppState;

type Reply<T> = Result<T, Error>;

#[tauri::command]
pub async fn session_status(state: State<'_, AppState>) -> Reply<SessionStatus> {
    state.session.status().await
}

#[tauri::command]
pub async fn start_sandbox(state: State<'_, AppState>) -> Reply<SessionStatus> {
    state.session.start_sandbox().await?;
    state.session.status().await
}

#[tauri::command]
pub async fn leave_sandbox(state: State<'_, AppState>) -> Reply<SessionStatus> {
    state.session.disconnect().await;
    state.session.status().await
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
    let manager = state.session.accounts().await?;
    state.session.connect_account(&manager).await?;
    state.session.status().await
}

#[tauri::command]
pub async fn sign_in_browser(
    state: State<'_, AppState>,
    tenant: Option<String>,
) -> Reply<SessionStatus> {
    let cancel = sign_in_token(&state).await;
    let manager = state.session.accounts().await?;
    let outcome = manager
        .sign_in_with_browser(tenant.as_deref(), &cancel)
        .await;
    finish_sign_in(&state, outcome).await
}

#[tauri::command]
pub async fn sign_in_device_code(
    state: State<'_, AppState>,
    tenant: Option<String>,
    on_prompt: Channel<DeviceCodePrompt>,
) -> Reply<SessionStatus> {
    let cancel = sign_in_token(&state).await;
    let manager = state.session.accounts().await?;
    let show = move |prompt: DeviceCodePrompt| {
        if let Err(error) = on_prompt.send(prompt) {
            tracing::warn!(%error, "the device code could not be shown");
        }
    };
    let outcome = manager
        .sign_in_with_device_code(tenant.as_deref(), &show, &cancel)
        .await;
    finish_sign_in(&state, outcome).await
}

#[tauri::command]
pub async fn sign_in_azure_cli(
    state: State<'_, AppState>,
    tenant: Option<String>,
) -> Reply<SessionStatus> {
    let manager = state.session.accounts().await?;
    let outcome = manager.sign_in_with_azure_cli(tenant.as_deref()).await;
    finish_sign_in(&state, outcome).await
}

#[tauri::command]
pub async fn cancel_sign_in(state: State<'_, AppState>) -> Reply<()> {
    if let Some(token) = state.sign_in_cancel.lock().await.take() {
        token.cancel();
    }
    Ok(())
}

#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>, account_id: String) -> Reply<SessionStatus> {
    let manager = state.session.accounts().await?;
    manager.sign_out(&account_id).await?;
    state.session.disconnect().await;
    state.session.status().await
}

#[tauri::command]
pub async fn switch_account(
    state: State<'_, AppState>,
    account_id: String,
) -> Reply<SessionStatus> {
    let manager = state.session.accounts().await?;
    manager.switch_account(&account_id)?;
    state.session.connect_account(&manager).await?;
    state.session.status().await
}

#[tauri::command]
pub async fn list_tenants(
    state: State<'_, AppState>,
    account_id: String,
) -> Reply<Vec<TenantSummary>> {
    state
        .session
        .accounts()
        .await?
        .list_tenants(&account_id)
        .await
}

#[tauri::command]
pub async fn switch_tenant(
    state: State<'_, AppState>,
    account_id: String,
    tenant_id: String,
) -> Reply<SessionStatus> {
    let manager = state.session.accounts().await?;
    manager.switch_tenant(&account_id, &tenant_id)?;
    state.session.connect_account(&manager).await?;
    state.session.status().await
}

#[tauri::command]
pub async fn list_workspaces(state: State<'_, AppState>) -> Reply<WorkspaceListing> {
    let (services, _) = state.session.services().await?;
    workspaces::list_workspaces(&services, DEFAULT_PARALLEL_REQUESTS).await
}

#[tauri::command]
pub async fn check_workspace(
    state: State<'_, AppState>,
    workspace_id: String,
) -> Reply<WorkspaceCheck> {
    let (services, _) = state.session.services().await?;
    workspaces::check_workspace(&services, &workspace_id).await
}

#[tauri::command]
pub async fn list_runtimes(
    state: State<'_, AppState>,
    workspace_id: String,
) -> Reply<Vec<RuntimeSummary>> {
    let (services, _) = state.session.services().await?;
    runtimes::list_runtimes(&services, &workspace_id).await
}

#[tauri::command]
pub async fn runtime_details(
    state: State<'_, AppState>,
    workspace_id: String,
    runtime_name: String,
) -> Reply<RuntimeDetails> {
    let (services, _) = state.session.services().await?;
    runtimes::runtime_details(&services, &workspace_id, &runtime_name).await
}

#[tauri::command]
pub async fn list_compute_instances(
    state: State<'_, AppState>,
    workspace_id: String,
    new_app_name: Option<String>,
) -> Reply<Vec<InstanceChoice>> {
    let (services, _) = state.session.services().await?;
    let planned = new_app_name.map(|name| PlannedApp {
        name,
        published_port: None,
    });
    runtimes::list_my_compute_instances(&services, &workspace_id, planned.as_ref()).await
}

/// Whether the user must sign in on the instance's region before creating a runtime there.
#[tauri::command]
pub async fn instance_sign_in_status(
    state: State<'_, AppState>,
    instance_name: String,
    region: String,
) -> Reply<InstanceSignInStatus> {
    let (services, _) = state.session.services().await?;
    let settings = Settings::load(state.session.settings_path()).settings;
    sign_in_status_as_shown(&state, &services, &settings, &instance_name, &region).await
}

/// The region's sign-in status as of today. The sandbox's instances are emulated: their
/// addresses would lead to Azure, so no sign-in page is given there.
async fn sign_in_status_as_shown(
    state: &AppState,
    services: &pfrm_core::services::Services,
    settings: &Settings,
    instance_name: &str,
    region: &str,
) -> Reply<InstanceSignInStatus> {
    let mut status = instance_sign_in::sign_in_status(
        settings,
        services.cloud(),
        instance_name,
        region,
        today(),
    )?;
    if state.session.in_sandbox().await {
        status.sign_in_url = None;
    }
    Ok(status)
}

/// Opens the instance's sign-in page in the system browser. The sandbox has no such page: it
/// says so instead of opening a real Azure address.
#[tauri::command]
pub async fn open_instance_sign_in(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    instance_name: String,
    region: String,
) -> Reply<()> {
    let (services, _) = state.session.services().await?;
    let url = instance_sign_in::sign_in_url(services.cloud(), &instance_name, &region)?;
    if state.session.in_sandbox().await {
        return Err(Error::new(
            ErrorCode::InvalidInput,
            "The sandbox's compute instances have no sign-in page.",
        )
        .with_remedy("Choose \"Done, it is authenticated\" to go on."));
    }
    app.opener().open_url(&url, None::<&str>).map_err(|error| {
        Error::new(
            ErrorCode::Internal,
            format!("The browser could not be opened ({error})."),
        )
        .with_remedy(format!("Open {url} in your browser and sign in."))
    })
}

/// Remembers that the user signed in on the region's instances today.
#[tauri::command]
pub async fn record_instance_sign_in(
    state: State<'_, AppState>,
    instance_name: String,
    region: String,
) -> Reply<InstanceSignInStatus> {
    let (services, _) = state.session.services().await?;
    let path = state.session.settings_path();
    let fallback = Settings::load(path).settings;
    let settings = Settings::update(path, &fallback, |settings| {
        if let Err(error) =
            instance_sign_in::record_sign_in(settings, services.cloud(), &region, today())
        {
            tracing::warn!(code = %error.code, "{}", error.message);
        }
    })?;
    sign_in_status_as_shown(&state, &services, &settings, &instance_name, &region).await
}

/// Whether a custom application on one of the user's instances can host a runtime.
#[tauri::command]
pub async fn check_custom_app(
    state: State<'_, AppState>,
    workspace_id: String,
    instance_name: String,
    app_name: String,
) -> Reply<CustomAppAvailability> {
    let (services, _) = state.session.services().await?;
    instance_sign_in::check_custom_app(&services, &workspace_id, &instance_name, &app_name).await
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

#[tauri::command]
pub async fn list_environments(
    state: State<'_, AppState>,
    workspace_id: String,
) -> Reply<Vec<EnvironmentChoice>> {
    let (services, _) = state.session.services().await?;
    runtimes::list_environments(&services, &workspace_id).await
}

#[tauri::command]
pub async fn create_runtime(
    state: State<'_, AppState>,
    request: CreateRuntimeRequest,
) -> Reply<RuntimeDetails> {
    let (services, watch) = state.session.services().await?;
    runtimes::create_runtime(&services, request, watch).await
}

#[tauri::command]
pub async fn start_compute_instance(
    state: State<'_, AppState>,
    workspace_id: String,
    instance_name: String,
) -> Reply<ComputeInstanceSummary> {
    let (services, watch) = state.session.services().await?;
    runtimes::start_compute_instance(&services, &workspace_id, &instance_name, watch).await
}

#[tauri::command]
pub async fn delete_runtime(
    state: State<'_, AppState>,
    request: DeleteRuntimeRequest,
) -> Reply<()> {
    let (services, watch) = state.session.services().await?;
    runtimes::delete_runtime(&services, request, watch).await
}

#[tauri::command]
pub fn list_operations(state: State<'_, AppState>) -> Vec<OperationSnapshot> {
    state.session.operations.list()
}

#[tauri::command]
pub fn cancel_operation(state: State<'_, AppState>, operation_id: String) -> Reply<()> {
    state.session.operations.cancel(&operation_id)
}

#[tauri::command]
pub fn clear_finished_operations(state: State<'_, AppState>) {
    state.session.operations.clear_finished();
}

/// Streams every operation change to the UI until the window goes away.
#[tauri::command]
pub fn watch_operations(state: State<'_, AppState>, on_update: Channel<OperationSnapshot>) {
    let mut updates = state.session.operations.subscribe();
    for snapshot in state.session.operations.list() {
        let _ = on_update.send(snapshot);
    }
    tauri::async_runtime::spawn(async move {
        loop {
            match updates.recv().await {
                Ok(snapshot) => {
                    if on_update.send(snapshot).is_err() {
                        break;
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}
