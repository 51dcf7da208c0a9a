//! Deleting a runtime (and the custom application it ran in) as an operation.

use serde_json::json;

use super::*;
use crate::azure::WorkspaceRef;
use crate::error::{Error, ErrorCode, Result};
use crate::model::RuntimeDetails;
use crate::ops::lost_answer::{confirm_deleting, lost_track};
use crate::ops::runtime_watch::wait_until_deleted;
use crate::ops::{OperationKind, Stage};
use crate::services::Services;

/// Deletes a runtime after the typed-name confirmation, waits until it is gone, and removes its
/// custom application when asked.
pub async fn delete_runtime(
    services: &Services,
    request: DeleteRuntimeRequest,
    watch: WatchSettings,
) -> Result<()> {
    if request.confirm_name != request.runtime_name {
        return Err(Error::invalid_input(format!(
            "The name typed to confirm does not match the runtime's name ({}).",
            request.runtime_name
        ))
        .with_remedy("Type the runtime's name exactly to confirm that it should be deleted."));
    }
    crate::azure::check_name("runtime name", &request.runtime_name)?;
    let (_, flow) = services.workspace_flow(&request.workspace_id).await?;
    let runtime = RuntimeDetails::read(
        &flow.get_runtime(&request.runtime_name).await?,
        flow.workspace(),
    );
    let handle = services.operations.begin(
        OperationKind::DeleteRuntime,
        format!("Delete runtime {}", request.runtime_name),
        runtime_target(&request.workspace_id, &request.runtime_name),
        json!({"workspaceId": request.workspace_id, "runtimeName": request.runtime_name}),
    )?;
    let progress = handle.progress();
    handle
        .run(watch.timeout, async move {
            progress.stage(Stage::Deleting);
            match flow.delete_runtime(&request.runtime_name, true).await {
                Ok(_) => {}
                // Gone already: an earlier attempt whose answer was lost deleted it.
                Err(error) if error.code == ErrorCode::NotFound => {}
                Err(error) if error.outcome_unknown() => {
                    confirm_deleting(&flow, &request.runtime_name, error).await?
                }
                Err(error) => return Err(error),
            }
            wait_until_deleted(&flow, &request.runtime_name, &progress, watch)
                .await
                .map_err(|error| lost_track(error, "delete", &request.runtime_name))?;
            if request.remove_custom_app {
                if let (Some(instance), Some(app)) = (
                    runtime.summary.compute_instance_name.as_deref(),
                    runtime.summary.custom_app_name.as_deref(),
                ) {
                    progress.stage(Stage::Verifying);
                    progress.message(format!("Removing custom application {app} from {instance}"));
                    remove_custom_app(services, &request.workspace_id, instance, app).await?;
                }
            }
            Ok(())
        })
        .await
}

/// Replaces the instance's custom applications with all but `app_name` (the API overwrites the
/// whole list, so the others are sent back unchanged).
async fn remove_custom_app(
    services: &Services,
    workspace_id: &str,
    instance_name: &str,
    app_name: &str,
) -> Result<()> {
    let reference = WorkspaceRef::from_arm_id(workspace_id)?;
    let compute = services.arm.get_compute(&reference, instance_name).await?;
    let current = compute.custom_services();
    let kept: Vec<_> = current
        .iter()
        .filter(|service| !service.name.eq_ignore_ascii_case(app_name))
        .cloned()
        .collect();
    if kept.len() == current.len() {
        return Ok(());
    }
    services
        .arm
        .replace_custom_services(&reference, instance_name, &kept)
        .await
}
