//! Versions and updates: the version check behind the details page's banner and the list's
//! badges, the custom-environment guidance, updating one runtime, updating every outdated one,
//! and the start-up check preference. Each command calls `pfrm_core`; an update's progress flows
//! through `watch_operations` like every other operation's.

use pfrm_core::ops::updates::{
    self, CheckOptions, CustomEnvironmentGuidance, FleetVersionReport, RuntimeVersionStatus,
    UpdateAllRequest, UpdateAllSummary, UpdateOutcome, UpdateRuntimeRequest,
};
use pfrm_core::settings::UpdatePreferences;

use super::{Host, Reply};

pub async fn check_runtime_version(
    host: &Host,
    workspace_id: String,
    runtime_name: String,
) -> Reply<RuntimeVersionStatus> {
    let (services, _) = host.state().session.services().await?;
    updates::check_runtime_version(
        &services,
        &workspace_id,
        &runtime_name,
        CheckOptions::default(),
    )
    .await
}

pub async fn check_workspace_versions(
    host: &Host,
    workspace_ids: Vec<String>,
) -> Reply<FleetVersionReport> {
    let (services, _) = host.state().session.services().await?;
    Ok(updates::check_workspaces(&services, &workspace_ids, CheckOptions::default()).await)
}

pub async fn custom_environment_guidance(
    host: &Host,
    workspace_id: String,
    runtime_name: String,
) -> Reply<CustomEnvironmentGuidance> {
    let (services, _) = host.state().session.services().await?;
    updates::custom_environment_guidance(
        &services,
        &workspace_id,
        &runtime_name,
        CheckOptions::default(),
    )
    .await
}

pub async fn update_runtime(host: &Host, request: UpdateRuntimeRequest) -> Reply<UpdateOutcome> {
    let (services, watch) = host.state().session.services().await?;
    updates::update_runtime(&services, request, watch).await
}

pub async fn update_all_outdated(
    host: &Host,
    request: UpdateAllRequest,
) -> Reply<UpdateAllSummary> {
    let (services, watch) = host.state().session.services().await?;
    Ok(updates::update_all_outdated(&services, request, watch, CheckOptions::default()).await)
}

pub async fn update_preferences(host: &Host) -> Reply<UpdatePreferences> {
    let settings = host.state().session.settings();
    Ok(UpdatePreferences::from_settings(&settings))
}

pub async fn set_check_updates_at_startup(host: &Host, enabled: bool) -> Reply<UpdatePreferences> {
    let saved = host.state().session.update_settings(|settings| {
        settings.check_updates_at_startup = enabled;
    })?;
    Ok(UpdatePreferences::from_settings(&saved))
}
