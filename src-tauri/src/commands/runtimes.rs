//! Workspaces, their preflight and runtimes: listing, the wizard's choices (instances,
//! environments, the instance sign-in step, a custom app), creating, starting an instance and
//! deleting. Long work runs as an operation whose progress flows through `watch_operations`.

use pfrm_core::model::{ComputeInstanceSummary, RuntimeDetails, RuntimeSummary};
use pfrm_core::ops::instance_sign_in::{self, CustomAppAvailability, InstanceSignInStatus};
use pfrm_core::ops::runtimes::{
    self, CreateRuntimeRequest, DeleteRuntimeRequest, EnvironmentChoice, InstanceChoice,
};
use pfrm_core::ops::workspaces::{
    self, WorkspaceCheck, WorkspaceListing, DEFAULT_PARALLEL_REQUESTS,
};
use pfrm_core::preflight::PlannedApp;
use pfrm_core::{Error, ErrorCode};
use tauri_plugin_opener::OpenerExt;

use super::{Host, Reply};

pub async fn list_workspaces(host: &Host) -> Reply<WorkspaceListing> {
    let (services, _) = host.state().session.services().await?;
    workspaces::list_workspaces(&services, DEFAULT_PARALLEL_REQUESTS).await
}

pub async fn check_workspace(host: &Host, workspace_id: String) -> Reply<WorkspaceCheck> {
    let (services, _) = host.state().session.services().await?;
    workspaces::check_workspace(&services, &workspace_id).await
}

pub async fn list_runtimes(host: &Host, workspace_id: String) -> Reply<Vec<RuntimeSummary>> {
    let (services, _) = host.state().session.services().await?;
    runtimes::list_runtimes(&services, &workspace_id).await
}

pub async fn runtime_details(
    host: &Host,
    workspace_id: String,
    runtime_name: String,
) -> Reply<RuntimeDetails> {
    let (services, _) = host.state().session.services().await?;
    runtimes::runtime_details(&services, &workspace_id, &runtime_name).await
}

pub async fn list_compute_instances(
    host: &Host,
    workspace_id: String,
    new_app_name: Option<String>,
) -> Reply<Vec<InstanceChoice>> {
    let (services, _) = host.state().session.services().await?;
    let planned = new_app_name.map(|name| PlannedApp {
        name,
        published_port: None,
    });
    runtimes::list_my_compute_instances(&services, &workspace_id, planned.as_ref()).await
}

pub async fn list_environments(host: &Host, workspace_id: String) -> Reply<Vec<EnvironmentChoice>> {
    let (services, _) = host.state().session.services().await?;
    runtimes::list_environments(&services, &workspace_id).await
}

/// Whether the user must sign in on the instance's region before creating a runtime there.
pub async fn instance_sign_in_status(
    host: &Host,
    instance_name: String,
    region: String,
) -> Reply<InstanceSignInStatus> {
    let session = &host.state().session;
    session
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
    let session = &host.state().session;
    let url = session
        .instance_sign_in_url(&instance_name, &region)
        .await?;
    host.app
        .opener()
        .open_url(&url, None::<&str>)
        .map_err(|error| {
            Error::new(
                ErrorCode::Internal,
                format!("The browser could not be opened ({error})."),
            )
            .with_remedy(format!("Open {url} in your browser and sign in."))
        })
}

/// Remembers that the user signed in on the region's instances today.
pub async fn record_instance_sign_in(
    host: &Host,
    instance_name: String,
    region: String,
) -> Reply<InstanceSignInStatus> {
    let state = host.state();
    state
        .session
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
    let (services, _) = host.state().session.services().await?;
    instance_sign_in::check_custom_app(&services, &workspace_id, &instance_name, &app_name).await
}

pub async fn create_runtime(host: &Host, request: CreateRuntimeRequest) -> Reply<RuntimeDetails> {
    let (services, watch) = host.state().session.services().await?;
    runtimes::create_runtime(&services, request, watch).await
}

pub async fn start_compute_instance(
    host: &Host,
    workspace_id: String,
    instance_name: String,
) -> Reply<ComputeInstanceSummary> {
    let (services, watch) = host.state().session.services().await?;
    runtimes::start_compute_instance(&services, &workspace_id, &instance_name, watch).await
}

pub async fn delete_runtime(host: &Host, request: DeleteRuntimeRequest) -> Reply<()> {
    let (services, watch) = host.state().session.services().await?;
    runtimes::delete_runtime(&services, request, watch).await
}
