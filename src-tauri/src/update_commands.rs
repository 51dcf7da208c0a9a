//! Versions and updates: the version check behind the details page's banner and the list's
//! badges, the custom-environment guidance, updating one runtime, updating every outdated one,
//! and the start-up check preference. Each command calls `pfrm_core`; an update's progress flows
//! through [`crate::azure_commands::watch_operations`] like every other operation's.

use pfrm_core::ops::updates::{
    self, CheckOptions, CustomEnvironmentGuidance, FleetVersionReport, RuntimeVersionStatus,
    UpdateAllRequest, UpdateAllSummary, UpdateOutcome, UpdateRuntimeRequest,
};
use pfrm_core::settings::{Settings, UpdatePreferences};
use pfrm_core::Error;
use tauri::State;

use crate::AppState;

type Reply<T> = Result<T, Error>;

#[tauri::command]
pub async fn check_runtime_version(
    state: State<'_, AppState>,
    workspace_id: String,
    runtime_name: String,
) -> Reply<RuntimeVersionStatus> {
    let (services, _) = state.session.services().await?;
    updates::check_runtime_version(
        &services,
        &workspace_id,
        &runtime_name,
        CheckOptions::default(),
    )
    .await
}

#[tauri::command]
pub async fn check_workspace_versions(
    state: State<'_, AppState>,
    workspace_ids: Vec<String>,
) -> Reply<FleetVersionReport> {
    let (services, _) = state.session.services().await?;
    Ok(updates::check_workspaces(&services, &workspace_ids, CheckOptions::default()).await)
}

#[tauri::command]
pub async fn custom_environment_guidance(
    state: State<'_, AppState>,
    workspace_id: String,
    runtime_name: String,
) -> Reply<CustomEnvironmentGuidance> {
    let (services, _) = state.session.services().await?;
    updates::custom_environment_guidance(
        &services,
        &workspace_id,
        &runtime_name,
        CheckOptions::default(),
    )
    .await
}

#[tauri::command]
pub async fn update_runtime(
    state: State<'_, AppState>,
    request: UpdateRuntimeRequest,
) -> Reply<UpdateOutcome> {
    let (services, watch) = state.session.services().await?;
    updates::update_runtime(&services, request, watch).await
}

#[tauri::command]
pub async fn update_all_outdated(
    state: State<'_, AppState>,
    request: UpdateAllRequest,
) -> Reply<UpdateAllSummary> {
    let (services, watch) = state.session.services().await?;
    Ok(updates::update_all_outdated(&services, request, watch, CheckOptions::default()).await)
}

#[tauri::command]
pub fn update_preferences(state: State<'_, AppState>) -> UpdatePreferences {
    UpdatePreferences::from_settings(&Settings::load(state.session.settings_path()).settings)
}

#[tauri::command]
pub fn set_check_updates_at_startup(
    state: State<'_, AppState>,
    enabled: bool,
) -> Reply<UpdatePreferences> {
    let path = state.session.settings_path();
    let current = Settings::load(path).settings;
    let saved = Settings::update(path, &current, |settings| {
        settings.check_updates_at_startup = enabled;
    })?;
    Ok(UpdatePreferences::from_settings(&saved))
}
