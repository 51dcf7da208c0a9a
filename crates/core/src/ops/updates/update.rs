//! One update: the custom-environment rule (never moved off its environment unasked), the
//! request, the watch until the runtime runs again, and the check that it ends where it was
//! sent (a newer tag, or the chosen environment).

use super::guidance::{environment_of, find_environment, older_environment_warning};
use super::types::{
    CustomEnvironmentRef, EnvironmentWarning, RuntimeVersion, UpdateOutcome, UpdateRuntimeRequest,
    UpdateWarning, CUSTOM_ENVIRONMENT_REFUSAL,
};
use super::versions::latest_runtime_tag;
use super::UPDATE_START_GRACE_POLLS;
use crate::azure::flow::{FlowClient, UpdateFlowRuntimeRequest};
use crate::error::{Error, ErrorCode, Result};
use crate::model::{ImageTag, RuntimeDetails};
use crate::ops::lost_answer::{confirm_update_started, lost_track};
use crate::ops::runtime_watch::{
    verify_update, version_label, wait_for_update_to_start, watch_until_running, RuntimeResume,
    WatchSettings,
};
use crate::ops::runtimes::runtime_target;
use crate::ops::{OperationKind, OperationState, Stage};
use crate::services::Services;

/// The rule for a runtime on a custom environment: the service cannot update the environment,
/// and an update without one moves the runtime to the default environment. That happens only
/// when asked for.
fn refuse_unasked_move(runtime: &RuntimeDetails, request: &UpdateRuntimeRequest) -> Result<()> {
    let custom = runtime
        .summary
        .environment
        .as_deref()
        .map(CustomEnvironmentRef::parse);
    match custom {
        Some(environment)
            if request.environment.is_none() && !request.move_to_default_environment =>
        {
            Err(Error::invalid_input(format!(
                "Runtime {} runs custom environment {}, which the service cannot update by itself.",
                request.runtime_name,
                environment.display()
            ))
            .with_remedy(
                "Rebuild the environment on the runtime image its guidance names and update to that version, or choose to move the runtime to the default environment.",
            )
            .with_detail("reason", CUSTOM_ENVIRONMENT_REFUSAL)
            .with_detail("environment", environment.asset_id))
        }
        _ => Ok(()),
    }
}

fn verify_environment(runtime: &RuntimeDetails, expected: &str) -> Result<()> {
    let expected = CustomEnvironmentRef::parse(expected);
    let actual = runtime
        .summary
        .environment
        .as_deref()
        .map(CustomEnvironmentRef::parse);
    if actual
        .as_ref()
        .is_some_and(|actual| actual.same_as(&expected))
    {
        return Ok(());
    }
    Err(Error::new(
        ErrorCode::Service,
        format!(
            "Runtime {} is running again, but on environment {} instead of {}.",
            runtime.summary.name,
            actual
                .map(|a| a.display())
                .unwrap_or_else(|| "(default)".into()),
            expected.display()
        ),
    )
    .with_remedy("Try the update again; if it persists, check the runtime in Azure ML studio."))
}

/// The refusal of an environment version that would not move the runtime forward, until the
/// user confirms it (`allowOlder`). `details.warning` carries the rule's code for the hosts.
fn not_forward(warning: &EnvironmentWarning) -> Error {
    let (EnvironmentWarning::Older { chosen, .. }
    | EnvironmentWarning::Same { chosen }
    | EnvironmentWarning::OlderImage { chosen, .. }) = warning;
    let message = format!(
        "Environment version {chosen} would not move the runtime forward: it is older than, or the same as, what the runtime runs now."
    );
    Error::new(ErrorCode::Conflict, message)
        .with_remedy(
            "Pick the version rebuilt on the newest runtime image, or confirm that you want this one.",
        )
        .with_detail("warning", serde_json::to_value(warning).unwrap_or_default())
}

/// Why an update did not run at all.
pub(super) enum NotStarted {
    /// Another operation is already updating (or creating, or deleting) the runtime.
    AlreadyRunning(Error),
    Failed(Error),
}

/// Everything known before an update starts.
pub(super) struct PreparedUpdate {
    pub workspace_id: String,
    pub flow: FlowClient,
    pub before: RuntimeDetails,
    pub environment: Option<String>,
    pub latest: Option<ImageTag>,
    pub warnings: Vec<UpdateWarning>,
}

fn running_operation_on(services: &Services, target: &str) -> Option<String> {
    services
        .operations
        .list()
        .into_iter()
        .find(|op| op.target == target && op.state == OperationState::Running)
        .map(|op| op.id)
}

/// The refusal of an update while another operation changes the runtime, with that
/// operation's id; `None` when nothing is changing it.
fn already_changing(
    services: &Services,
    workspace_id: &str,
    name: &str,
) -> Option<(String, Error)> {
    let id = running_operation_on(services, &runtime_target(workspace_id, name))?;
    let error = Error::new(
        ErrorCode::Conflict,
        format!("Runtime {name} is already being changed."),
    )
    .with_remedy(
        "Wait for that change to finish (it is listed in Activity), then check the version again.",
    )
    .with_detail("operationId", id.clone());
    Some((id, error))
}

/// Sends the update and watches it as an operation. Returns the operation id (when one was
/// started) beside the outcome.
pub(super) async fn run_update(
    services: &Services,
    prepared: PreparedUpdate,
    watch: WatchSettings,
) -> std::result::Result<UpdateOutcome, (Option<String>, NotStarted)> {
    let PreparedUpdate {
        workspace_id,
        flow,
        before,
        environment,
        latest,
        mut warnings,
    } = prepared;
    let name = before.summary.name.clone();
    if let Some((id, error)) = already_changing(services, &workspace_id, &name) {
        return Err((Some(id), NotStarted::AlreadyRunning(error)));
    }
    let previous_image = if environment.is_none() {
        before.summary.docker_image.clone()
    } else {
        None
    };
    let resume = RuntimeResume {
        workspace_id: workspace_id.clone(),
        runtime_name: name.clone(),
        compute_instance: before.summary.compute_instance_name.clone(),
        new_app: before.summary.compute_instance_name.is_some(),
        previous_image: previous_image.clone(),
    };
    let title = match &environment {
        None => format!("Update runtime {name} to the newest image"),
        Some(asset) => format!(
            "Update runtime {name} to environment {}",
            CustomEnvironmentRef::parse(asset).display()
        ),
    };
    let handle = match services.operations.begin(
        OperationKind::UpdateRuntime,
        title,
        runtime_target(&workspace_id, &name),
        serde_json::to_value(&resume).unwrap_or_default(),
    ) {
        Ok(handle) => handle,
        Err(error) if error.code == ErrorCode::Conflict => {
            let id = error
                .details
                .as_ref()
                .and_then(|d| d.get("operationId"))
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            return Err((id, NotStarted::AlreadyRunning(error)));
        }
        Err(error) => return Err((None, NotStarted::Failed(error))),
    };
    let operation_id = handle.id().to_owned();
    let progress = handle.progress();
    let today = services.clock().today();
    let previous_tag = previous_image
        .as_deref()
        .and_then(ImageTag::from_image_reference);
    let outcome = handle
        .run(watch.timeout, async {
            progress.message("Sending the update request");
            let body = UpdateFlowRuntimeRequest {
                runtime_description: before.description.clone(),
                environment: environment.clone(),
            };
            match flow.update_runtime(&name, &body, true).await {
                Ok(_) => wait_for_update_to_start(&flow, &before, UPDATE_START_GRACE_POLLS, watch)
                    .await
                    .map_err(|error| lost_track(error, "update", &name))?,
                // The PUT may have been carried out: read what is true, never send it again.
                Err(error) if error.outcome_unknown() => {
                    confirm_update_started(
                        &flow,
                        &before,
                        error,
                        UPDATE_START_GRACE_POLLS,
                        &progress,
                        watch,
                    )
                    .await?
                }
                Err(error) => return Err(error),
            }
            let runtime = watch_until_running(services, &flow, &resume, &progress, watch)
                .await
                .map_err(|error| lost_track(error, "update", &name))?;
            progress.stage(Stage::Verifying);
            match &environment {
                None => verify_update(&runtime, previous_image.as_deref())?,
                Some(asset) => verify_environment(&runtime, asset)?,
            }
            Ok(runtime)
        })
        .await;
    match outcome {
        Ok(runtime) => {
            let now_tag = runtime
                .summary
                .docker_image
                .as_deref()
                .and_then(ImageTag::from_image_reference);
            if let (None, Some(now), Some(latest)) = (&environment, &now_tag, &latest) {
                if now < latest {
                    warnings.push(UpdateWarning::RegistryNewer {
                        now: version_label(now),
                        latest: version_label(latest),
                    });
                }
            }
            Ok(UpdateOutcome {
                operation_id,
                environment: runtime
                    .summary
                    .environment
                    .as_deref()
                    .map(CustomEnvironmentRef::parse),
                previous: previous_tag
                    .as_ref()
                    .map(|tag| RuntimeVersion::from_tag(tag, today)),
                current: now_tag
                    .as_ref()
                    .map(|tag| RuntimeVersion::from_tag(tag, today)),
                runtime,
                warnings,
            })
        }
        Err(error) => Err((Some(operation_id), NotStarted::Failed(error))),
    }
}

/// Updates one runtime: to the newest image with the default environment (`environment: None`),
/// or to a rebuilt custom environment version. Runs as an [`OperationKind::UpdateRuntime`]
/// operation (request sent → custom application restarting → runtime starting → verifying) with
/// cancel and timeout, and checks the result: a default-environment update must end on a newer
/// tag, a custom one on the chosen environment.
pub async fn update_runtime(
    services: &Services,
    request: UpdateRuntimeRequest,
    watch: WatchSettings,
) -> Result<UpdateOutcome> {
    crate::azure::check_name("runtime name", &request.runtime_name)?;
    // Before the runtime is read: a change under way may already have moved it, and its
    // rules would then refuse for the wrong reason.
    if let Some((_, error)) =
        already_changing(services, &request.workspace_id, &request.runtime_name)
    {
        return Err(error);
    }
    let (_, flow) = services.workspace_flow(&request.workspace_id).await?;
    let before = RuntimeDetails::read(
        &flow.get_runtime(&request.runtime_name).await?,
        flow.workspace(),
    );
    refuse_unasked_move(&before, &request)?;
    let mut warnings = Vec::new();
    let latest = match &request.environment {
        None => match latest_runtime_tag(services, None).await {
            Ok(latest) => latest,
            Err(error) => {
                warnings.push(UpdateWarning::RegistryUnread {
                    reason: error.message,
                });
                None
            }
        },
        Some(asset_id) => {
            let chosen = find_environment(services, &request.workspace_id, asset_id).await?;
            let (current, current_tag) = environment_of(&before);
            if let Some(warning) =
                older_environment_warning(current.as_ref(), current_tag.as_ref(), &chosen)
            {
                if !request.allow_older {
                    return Err(not_forward(&warning));
                }
                warnings.push(UpdateWarning::Environment { warning });
            }
            None
        }
    };
    let environment = request.environment.as_ref().map(|asset| {
        // Send the id exactly as the workspace lists it.
        asset.trim().to_owned()
    });
    run_update(
        services,
        PreparedUpdate {
            workspace_id: request.workspace_id.clone(),
            flow,
            before,
            environment,
            latest,
            warnings,
        },
        watch,
    )
    .await
    .map_err(|(_, not_started)| match not_started {
        NotStarted::AlreadyRunning(error) | NotStarted::Failed(error) => error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::updates::test_support::{runtime, OLD};

    #[test]
    fn verification_requires_a_newer_tag() {
        let details = |image: &str| RuntimeDetails {
            summary: runtime(Some(image), None),
            description: None,
            status_message: None,
            error_message: None,
            endpoint_url: None,
            published_port: None,
            target_port: None,
            from_existing_custom_app: None,
            assigned_to: None,
            owner: None,
            studio_url: None,
            diagnosis: None,
            has_failure: false,
        };
        let newer = "mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable:20240111.v10";
        assert!(verify_update(&details(newer), Some(OLD)).is_ok());
        let error = verify_update(&details(OLD), Some(OLD)).unwrap_err();
        assert_eq!(error.code, ErrorCode::Service);
        assert!(error.message.contains("not newer"), "{}", error.message);
        assert!(verify_update(&details("x:latest"), Some(OLD)).is_err());
        assert!(verify_update(&details(OLD), None).is_ok());
    }
}
