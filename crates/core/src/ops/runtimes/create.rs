//! Creating a compute-instance runtime: validate, re-run preflight, send, watch until it runs.

use super::*;
use crate::azure::flow::{CreateFlowRuntimeRequest, FlowClient};
use crate::azure::WorkspaceRef;
use crate::error::{Error, ErrorCode, Result};
use crate::model::{ComputeInstanceSummary, RuntimeDetails, RuntimeStatus};
use crate::naming::validate_runtime_name;
use crate::ops::lost_answer::{confirm_created, lost_track};
use crate::ops::prerequisites;
use crate::ops::runtime_watch::watch_until_running;
use crate::ops::workspaces::check_workspace;
use crate::ops::{OperationKind, Progress, Stage};
use crate::preflight::{
    check_compute_instance, first_blocking_reason, BlockKind, BlockingReason, PlannedApp,
};
use crate::services::Services;

/// Creates a compute-instance runtime: validates, re-runs preflight, sends the request, and
/// watches the instance and the runtime until the runtime runs. Returns the running runtime.
pub async fn create_runtime(
    services: &Services,
    request: CreateRuntimeRequest,
    watch: WatchSettings,
) -> Result<RuntimeDetails> {
    validate_runtime_name(&request.runtime_name)?;
    crate::azure::check_name("compute instance name", &request.compute_instance)?;
    crate::migration::retirement::refuse_create_after_retirement(services.clock().today())?;
    let new_app = matches!(request.app, CustomAppChoice::New { .. });
    if new_app && !request.confirm_restart {
        return Err(Error::invalid_input(
            "Creating a new custom application restarts the compute instance, and that was not confirmed.",
        )
        .with_remedy("Make sure nothing important runs on the instance, then confirm the restart."));
    }
    if let CustomAppChoice::Existing { app_name } = &request.app {
        if app_name.trim().is_empty() {
            return Err(
                Error::invalid_input("No custom application was chosen.").with_remedy(
                    "Pick one of the instance's custom applications, or create a new one.",
                ),
            );
        }
    }
    let resume = RuntimeResume {
        workspace_id: request.workspace_id.clone(),
        runtime_name: request.runtime_name.clone(),
        compute_instance: Some(request.compute_instance.clone()),
        new_app,
        previous_image: None,
    };
    let target = runtime_target(&request.workspace_id, &request.runtime_name);
    refuse_create_in_flight(services, &request, &target).await?;
    let handle = services.operations.begin(
        OperationKind::CreateRuntime,
        format!(
            "Create runtime {} on {}",
            request.runtime_name, request.compute_instance
        ),
        target,
        serde_json::to_value(&resume).unwrap_or_default(),
    )?;
    let progress = handle.progress();
    let cancel = handle.cancellation().clone();
    handle
        .run(watch.timeout, async move {
            let flow = prepare_create(services, &request, &progress).await?;
            let (app_name, environment) = match &request.app {
                CustomAppChoice::New { environment } => (None, environment.as_deref()),
                CustomAppChoice::Existing { app_name } => (Some(app_name.as_str()), None),
            };
            let body = CreateFlowRuntimeRequest::compute_instance(
                &request.compute_instance,
                app_name,
                environment,
            );
            if cancel.is_cancelled() {
                return Err(Error::cancelled());
            }
            if let Err(error) = flow
                .create_runtime(&request.runtime_name, &body, true)
                .await
            {
                if !error.outcome_unknown() {
                    return Err(error);
                }
                // The request may have been carried out: what is true is read, not guessed, and
                // the create is never sent again blindly.
                confirm_created(&flow, &request.runtime_name, error, &progress, watch).await?;
            }
            progress.stage(if new_app {
                Stage::AddingCustomApp
            } else {
                Stage::RuntimeStarting
            });
            watch_until_running(services, &flow, &resume, &progress, watch)
                .await
                .map_err(|error| lost_track(error, "create", &request.runtime_name))
        })
        .await
}

/// A create of the same runtime that an earlier run (a closed app, a killed `pfrm`) left in the
/// journal: if the runtime exists, the create is under way (or done) and is not sent again;
/// if it does not, the entry is stale and leaves the journal.
async fn refuse_create_in_flight(
    services: &Services,
    request: &CreateRuntimeRequest,
    target: &str,
) -> Result<()> {
    let Some(earlier) = services
        .operations
        .pending()
        .unwrap_or_default()
        .into_iter()
        .find(|entry| entry.kind == OperationKind::CreateRuntime && entry.target == target)
    else {
        return Ok(());
    };
    let (_, flow) = services.workspace_flow(&request.workspace_id).await?;
    let name = &request.runtime_name;
    match flow.get_runtime(name).await {
        Err(error) if error.code == ErrorCode::NotFound => {
            if let Some(journal) = services.operations.journal() {
                journal.remove(&earlier.id)?;
            }
            Ok(())
        }
        Err(error) => Err(error),
        Ok(dto) => {
            let runtime = RuntimeDetails::read(&dto, flow.workspace());
            let status = runtime
                .summary
                .status_text
                .clone()
                .unwrap_or_else(|| format!("{:?}", runtime.summary.status));
            let settled = matches!(
                runtime.summary.status,
                RuntimeStatus::Running | RuntimeStatus::Failed | RuntimeStatus::NotExist
            );
            if settled {
                // The earlier create ended while nobody watched; its entry is done with.
                if let Some(journal) = services.operations.journal() {
                    journal.remove(&earlier.id)?;
                }
                return Err(Error::new(
                    ErrorCode::Conflict,
                    format!("Runtime {name} already exists (it is {status}): an earlier create of it finished."),
                )
                .with_remedy("Look at the runtime, or choose another name for a new one.")
                .with_detail("runtimeName", name.clone()));
            }
            Err(Error::new(
                ErrorCode::Conflict,
                format!(
                    "Runtime {name} is already being created: an earlier run started it at {} and stopped before it finished. The runtime exists and is {status}.",
                    earlier.started_at
                ),
            )
            .with_remedy("Follow the runtime's state until it is running, or resume watching the earlier operation; do not create it again.")
            .with_detail("operationId", earlier.id)
            .with_detail("runtimeName", name.clone())
            .with_detail("inFlight", true))
        }
    }
}

/// Everything checked before the create request is sent; returns the workspace's flow client.
async fn prepare_create(
    services: &Services,
    request: &CreateRuntimeRequest,
    progress: &Progress,
) -> Result<FlowClient> {
    let reference = WorkspaceRef::from_arm_id(&request.workspace_id)?;
    let (check, compute, me) = tokio::join!(
        check_workspace(services, &request.workspace_id),
        services
            .arm
            .get_compute(&reference, &request.compute_instance),
        services.me(),
    );
    let check = check?;
    if let Some(reason) = &check.report.blocking {
        let remedy = check
            .report
            .get(reason.check)
            .and_then(|blocker| blocker.remedy.clone());
        return Err(blocked_by(reason, remedy.as_deref()));
    }
    let compute = compute?;
    let instance = ComputeInstanceSummary::from(&compute);
    let me = me?;
    let planned = match &request.app {
        CustomAppChoice::New { .. } => Some(PlannedApp {
            name: request.runtime_name.clone(),
            published_port: None,
        }),
        CustomAppChoice::Existing { .. } => None,
    };
    let mut checks = check_compute_instance(
        &instance,
        &me.object_id,
        Some(&me.tenant_id),
        planned.as_ref(),
    );
    // The deeper checks: quota to start the instance, and a custom environment's image.
    let environment = match &request.app {
        CustomAppChoice::New {
            environment: Some(asset_id),
        } => environment_of(asset_id),
        _ => None,
    };
    let location = compute
        .location
        .clone()
        .unwrap_or_else(|| check.workspace.location.clone());
    let (quota, image) = tokio::join!(
        prerequisites::quota_facts(services, &reference.subscription_id, &location),
        async {
            match &environment {
                Some((name, version)) => {
                    Some(environment_image_checks(services, &reference, name, version).await)
                }
                None => None,
            }
        },
    );
    checks.extend(prerequisites::instance_checks(&compute, &quota));
    if let Some(image) = image {
        checks.extend(image?);
    }
    if let Some(reason) = first_blocking_reason(&checks) {
        let remedy = checks
            .iter()
            .find(|check| check.id == reason.check)
            .and_then(|check| check.remedy.clone());
        return Err(blocked_by(&reason, remedy.as_deref()));
    }
    if !instance.state.is_running() {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!(
                "The compute instance {} is {:?}, not running.",
                instance.name, instance.state
            ),
        )
        .with_remedy("Start the instance (the wizard can do it), then create the runtime."));
    }
    let flow = services.flow(&check.workspace)?;
    if let CustomAppChoice::Existing { app_name } = &request.app {
        progress.message(format!("Checking {app_name} on {}", instance.name));
        let availability = flow
            .check_ci_availability(&request.compute_instance, app_name)
            .await?;
        if !availability.is_available {
            return Err(Error::new(
                ErrorCode::Conflict,
                format!(
                    "The custom application {app_name} on {} cannot be used as a runtime: {}",
                    instance.name,
                    availability.error_message().unwrap_or_else(|| {
                        "the prompt flow service says it is not available.".into()
                    })
                ),
            )
            .with_remedy("Choose another custom application, or create a new one."));
        }
    }
    Ok(flow)
}

/// The refusal of a create that preflight holds back: a prerequisite that is not met, or one that
/// could not be evaluated (then the reason says what could not be read).
fn blocked_by(reason: &BlockingReason, remedy: Option<&str>) -> Error {
    let message = match reason.kind {
        BlockKind::NotMet => format!(
            "A prerequisite is not met: {}.",
            lowercase_first(&reason.title)
        ),
        BlockKind::CouldNotTell => format!(
            "pfrm could not tell whether a prerequisite is met ({}): {}.",
            lowercase_first(&reason.title),
            reason.reason
        ),
    };
    let mut error = Error::new(ErrorCode::Conflict, message)
        .with_detail(
            "checkId",
            serde_json::to_value(reason.check).unwrap_or_default(),
        )
        .with_detail(
            "checkStatus",
            serde_json::to_value(reason.kind).unwrap_or_default(),
        );
    if let Some(remedy) = remedy {
        error = error.with_remedy(remedy.to_owned());
    }
    error
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
