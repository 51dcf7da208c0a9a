//! Starting a stopped compute instance as an operation.

use std::time::Duration;

use serde_json::json;

use super::*;
use crate::azure::WorkspaceRef;
use crate::error::{Error, ErrorCode, Result};
use crate::http::lro::LroOptions;
use crate::model::ComputeInstanceSummary;
use crate::ops::{OperationKind, Stage};
use crate::services::Services;

/// Starts a stopped compute instance and waits until it runs.
pub async fn start_compute_instance(
    services: &Services,
    workspace_id: &str,
    instance_name: &str,
    watch: WatchSettings,
) -> Result<ComputeInstanceSummary> {
    crate::azure::check_name("compute instance name", instance_name)?;
    let reference = WorkspaceRef::from_arm_id(workspace_id)?;
    let handle = services.operations.begin(
        OperationKind::StartComputeInstance,
        format!("Start compute instance {instance_name}"),
        format!("{}/computes/{}", workspace_id, instance_name).to_lowercase(),
        json!({"workspaceId": workspace_id, "computeInstance": instance_name}),
    )?;
    let progress = handle.progress();
    let cancel = handle.cancellation().clone();
    handle
        .run(watch.timeout, async move {
            progress.stage(Stage::InstanceStarting);
            let pending = match services.arm.start_compute(&reference, instance_name).await {
                Ok(pending) => pending,
                // The start may have been carried out: the instance's state says.
                Err(error) if error.outcome_unknown() => {
                    progress.message(format!(
                        "The answer to the start request was lost; checking {instance_name}"
                    ));
                    crate::ops::runtime_watch::watch_instance_start(
                        services,
                        &reference,
                        instance_name,
                        &progress,
                        watch,
                    )
                    .await?;
                    return Ok(ComputeInstanceSummary::from(
                        &services.arm.get_compute(&reference, instance_name).await?,
                    ));
                }
                Err(error) => return Err(error),
            };
            let options = LroOptions {
                timeout: watch.timeout,
                poll_interval: watch.poll_interval,
                max_poll_interval: watch.poll_interval.max(Duration::from_secs(1)) * 6,
                cancel,
            };
            pending
                .wait(services.pipeline(), &options, |lro| {
                    progress.message(format!("Azure reports: {}", lro.status));
                })
                .await?;
            progress.stage(Stage::Verifying);
            let instance = ComputeInstanceSummary::from(
                &services.arm.get_compute(&reference, instance_name).await?,
            );
            if instance.state.is_running() {
                Ok(instance)
            } else {
                Err(Error::new(
                    ErrorCode::Service,
                    format!(
                        "Azure finished starting {instance_name}, but it is {:?}.",
                        instance.state
                    ),
                )
                .with_remedy("Open the instance in Azure ML studio to see why, then try again."))
            }
        })
        .await
}
