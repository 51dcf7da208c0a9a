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
    let services = host.services().await?;
    let options = CheckOptions::default();
    updates::check_runtime_version(&services, &workspace_id, &runtime_name, options).await
}

pub async fn check_workspace_versions(
    host: &Host,
    workspace_ids: Vec<String>,
) -> Reply<FleetVersionReport> {
    let services = host.services().await?;
    Ok(updates::check_workspaces(&services, &workspace_ids, CheckOptions::default()).await)
}

/// What to do for a runtime on a custom environment, which an update would not carry over.
pub async fn custom_environment_guidance(
    host: &Host,
    workspace_id: String,
    runtime_name: String,
) -> Reply<CustomEnvironmentGuidance> {
    let services = host.services().await?;
    let options = CheckOptions::default();
    updates::custom_environment_guidance(&services, &workspace_id, &runtime_name, options).await
}

pub async fn update_runtime(host: &Host, request: UpdateRuntimeRequest) -> Reply<UpdateOutcome> {
    let (services, watch) = host.paced_services().await?;
    updates::update_runtime(&services, request, watch).await
}

pub async fn update_all_outdated(
    host: &Host,
    request: UpdateAllRequest,
) -> Reply<UpdateAllSummary> {
    let (services, watch) = host.paced_services().await?;
    Ok(updates::update_all_outdated(&services, request, watch, CheckOptions::default()).await)
}

pub async fn update_preferences(host: &Host) -> Reply<UpdatePreferences> {
    Ok(host.session().update_preferences())
}

pub async fn set_check_updates_at_startup(host: &Host, enabled: bool) -> Reply<UpdatePreferences> {
    host.session().set_check_updates_at_startup(enabled)
}
