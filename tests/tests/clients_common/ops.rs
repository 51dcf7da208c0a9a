//! Set-up the operation tests share: services for the emulator's user, quick watches, and the
//! workspaces of the seeded scenarios.

use std::time::Duration;

use pfrm_core::azure::WorkspaceRef;
use pfrm_core::model::RuntimeDetails;
use pfrm_core::ops::runtimes::{self, CreateRuntimeRequest, CustomAppChoice, WatchSettings};
use pfrm_core::ops::updates::UpdateRuntimeRequest;
use pfrm_core::ops::{OperationSnapshot, Operations, Stage};
use pfrm_core::services::Services;
use tokio::sync::broadcast::Receiver;

use super::{Env, SUBSCRIPTION};

/// Services over the emulator's pipeline (short retry waits), sharing `operations`.
pub fn services(env: &Env, operations: Operations) -> Services {
    Services::new(env.cloud.clone(), env.credential.clone(), operations)
        .unwrap()
        .with_pipeline(env.pipeline.clone())
}

/// Watches that poll often and give up after a minute.
pub fn fast() -> WatchSettings {
    WatchSettings {
        poll_interval: Duration::from_millis(40),
        timeout: Duration::from_secs(60),
    }
}

/// A workspace of the seeded subscription's `rg-ml` group.
pub fn workspace_id(name: &str) -> String {
    WorkspaceRef::new(SUBSCRIPTION, "rg-ml", name).arm_id()
}

/// The stages an operation went through, in order, each once, from its progress updates.
pub fn distinct_stages(updates: &mut Receiver<OperationSnapshot>) -> Vec<Stage> {
    let mut stages = Vec::new();
    while let Ok(snapshot) = updates.try_recv() {
        if stages.last() != Some(&snapshot.stage) {
            stages.push(snapshot.stage);
        }
    }
    stages
}

/// A create of `runtime` on `instance` in the workspace `workspace` (of `rg-ml`), the restart
/// agreed to.
pub fn create_request(
    workspace: &str,
    runtime: &str,
    instance: &str,
    app: CustomAppChoice,
) -> CreateRuntimeRequest {
    CreateRuntimeRequest {
        workspace_id: workspace_id(workspace),
        runtime_name: runtime.into(),
        compute_instance: instance.into(),
        app,
        confirm_restart: true,
    }
}

/// Creates `runtime` on `instance` in `workspace` on a new custom application with the default
/// environment, the restart agreed to, watching quickly.
pub async fn create_on_new_app(
    services: &Services,
    workspace: &str,
    runtime: &str,
    instance: &str,
) -> pfrm_core::Result<RuntimeDetails> {
    let app = CustomAppChoice::New { environment: None };
    runtimes::create_runtime(
        services,
        create_request(workspace, runtime, instance, app),
        fast(),
    )
    .await
}

/// Stops the compute instance `instance` of the workspace `workspace` (of `rg-ml`) and waits
/// until it has stopped.
pub async fn stop_instance(services: &Services, workspace: &str, instance: &str) {
    let reference = WorkspaceRef::from_arm_id(&workspace_id(workspace)).unwrap();
    services
        .arm
        .stop_compute(&reference, instance)
        .await
        .unwrap()
        .wait(services.pipeline(), &Default::default(), |_| {})
        .await
        .unwrap();
}

/// An update of `runtime` in `ml-workspace` to the newest default image.
pub fn update_request(runtime: &str) -> UpdateRuntimeRequest {
    UpdateRuntimeRequest {
        workspace_id: workspace_id("ml-workspace"),
        runtime_name: runtime.into(),
        environment: None,
        allow_older: false,
        move_to_default_environment: false,
    }
}
