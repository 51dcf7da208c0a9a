//! Workspaces, their preflight and runtimes: listing, the wizard's choices (instances,
//! environments, the instance sign-in step, a custom app), creating, starting an instance and
//! deleting. Long work runs as an operation whose progress flows through `watch_operations`.

use pfrm_core::model::{ComputeInstanceSummary, RuntimeDetails, RuntimeSummary};
use pfrm_core::ops::instance_sign_in::{self, CustomAppAvailability, InstanceSignInStatus};
use pfrm_core::ops::runtimes::{
    self, CreateRuntimeRequest, DeleteRuntimeRequest, EnvironmentChoice, InstanceChoice,
    OthersInstance,
};
use pfrm_core::ops::workspaces::{
    self, WorkspaceCheck, WorkspaceListing, DEFAULT_PARALLEL_REQUESTS,
};
use pfrm_core::preflight::{PlannedApp, PreflightReport};

use super::{Host, Reply};

pub async fn list_workspaces(host: &Host) -> Reply<WorkspaceListing> {
    workspaces::list_workspaces(&host.services().await?, DEFAULT_PARALLEL_REQUESTS).await
}

pub async fn check_workspace(host: &Host, workspace_id: String) -> Reply<WorkspaceCheck> {
    workspaces::check_workspace(&host.services().await?, &workspace_id).await
}

pub async fn list_runtimes(host: &Host, workspace_id: String) -> Reply<Vec<RuntimeSummary>> {
    runtimes::list_runtimes(&host.services().await?, &workspace_id).await
}

pub async fn runtime_details(
    host: &Host,
    workspace_id: String,
    runtime_name: String,
) -> Reply<RuntimeDetails> {
    runtimes::runtime_details(&host.services().await?, &workspace_id, &runtime_name).await
}

/// The user's instances, each with whether it can host a runtime (and `new_app_name` on it).
pub async fn list_compute_instances(
    host: &Host,
    workspace_id: String,
    new_app_name: Option<String>,
) -> Reply<Vec<InstanceChoice>> {
    let planned = new_app_name.map(|name| PlannedApp {
        name,
        published_port: None,
    });
    let services = host.services().await?;
    runtimes::list_my_compute_instances(&services, &workspace_id, planned.as_ref()).await
}

pub async fn list_others_compute_instances(
    host: &Host,
    workspace_id: String,
) -> Reply<Vec<OthersInstance>> {
    runtimes::list_others_compute_instances(&host.services().await?, &workspace_id).await
}

pub async fn list_environments(host: &Host, workspace_id: String) -> Reply<Vec<EnvironmentChoice>> {
    runtimes::list_environments(&host.services().await?, &workspace_id).await
}

/// The chosen environment's image checks, from the same core function as
/// `pfrm preflight --environment`.
pub async fn check_environment_image(
    host: &Host,
    workspace_id: String,
    environment: String,
) -> Reply<PreflightReport> {
    let services = host.services().await?;
    runtimes::check_environment_image(&services, &workspace_id, &environment).await
}

/// Whether the user must sign in on the instance's region before creating a runtime there.
pub async fn instance_sign_in_status(
    host: &Host,
    instance_name: String,
    region: String,
) -> Reply<InstanceSignInStatus> {
    host.session()
        .instance_sign_in_status(&instance_name, &region)
        .await
}

/// Opens the instance's sign-in page in the system browser (the sandbox has none: the core
/// says so instead of giving a real Azure address).
pub async fn open_instance_sign_in(
    host: &Host,
    instance_name: String,
    region: String,
) -> Reply<()> {
    let url = host
        .session()
        .instance_sign_in_url(&instance_name, &region)
        .await?;
    host.open_in_browser(&url, format!("Open {url} in your browser and sign in."))
}

/// Remembers that the user signed in on the region's instances today.
pub async fn record_instance_sign_in(
    host: &Host,
    instance_name: String,
    region: String,
) -> Reply<InstanceSignInStatus> {
    host.session()
        .record_instance_sign_in(&instance_name, &region)
        .await
}

/// Whether a custom application on one of the user's instances can host a runtime.
pub async fn check_custom_app(
    host: &Host,
    workspace_id: String,
    instance_name: String,
    app_name: String,
) -> Reply<CustomAppAvailability> {
    let services = host.services().await?;
    instance_sign_in::check_custom_app(&services, &workspace_id, &instance_name, &app_name).await
}

pub async fn create_runtime(host: &Host, request: CreateRuntimeRequest) -> Reply<RuntimeDetails> {
    let (services, watch) = host.paced_services().await?;
    runtimes::create_runtime(&services, request, watch).await
}

pub async fn start_compute_instance(
    host: &Host,
    workspace_id: String,
    instance_name: String,
) -> Reply<ComputeInstanceSummary> {
    let (services, watch) = host.paced_services().await?;
    runtimes::start_compute_instance(&services, &workspace_id, &instance_name, watch).await
}

pub async fn delete_runtime(host: &Host, request: DeleteRuntimeRequest) -> Reply<()> {
    let (services, watch) = host.paced_services().await?;
    runtimes::delete_runtime(&services, request, watch).await
}
